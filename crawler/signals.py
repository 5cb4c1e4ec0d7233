"""khabar's own Scrapy signals (`crawler.signals.connect(handler, signal=store_failed)`)."""

# The store pipeline could not write a batch: `reason` is the one line the run fails with
# ("disk full", "store error: IntegrityError: …"). The crawl-run recorder stops the crawl and
# records the run failed with it.
store_failed = object()

# A request gave no usable response (the spider's errback, after retries): `request`, and
# `reason` as crawler.failures names it ("offsite", "size_limit", "dns", …). The crawl-run
# recorder keeps the reasons of start pages, so a run none of whose start pages answered says
# why ("outside the site's domains") instead of blaming the network.
request_failed = object()
