"""khabar's own Scrapy signals (`crawler.signals.connect(handler, signal=store_failed)`)."""

# The store pipeline could not write a batch: `reason` is the one line the run fails with
# ("disk full", "store error: IntegrityError: …"). The crawl-run recorder stops the crawl and
# records the run failed with it.
store_failed = object()
