"""Distributed mode: many `scrapy crawl <site>` workers share one Redis, one writer stores.

    workers × N, any machine              Redis                           khabar writer (one)
    discovery, known filter     ◄──►  khabar:<site>:requests (zset)
    fetch, extract, validate    ──►   khabar:items (list)       ──BLMOVE──►  deduplicate, store
                                      khabar:known:<site> (hash)  ◄──────────  after each commit

Switched on by KHABAR_REDIS_URL (a setting or the environment variable), in one place: the
`DistributedMode` add-on. Without it the add-on changes nothing and no Redis is needed.
"""
