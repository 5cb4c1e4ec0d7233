"""The import of WARC files as a crawl whose responses come from the files.

The site's NewsSpider, with start() reading the files instead of feeds and sitemaps: each kept
response record (crawler.warc.read) is an article request made by the spider's own
article_request (the site's domains and article patterns, canonical form), carrying its record;
the known-articles middleware drops what is stored and unchanged (so a second import adds
nothing and extracts nothing), the WarcResponses middleware answers the rest with their
record, and parse_article, the pipelines (extract → validate → normalise → deduplicate → store)
and the crawl-run recorder do what they do on a crawl. The run is recorded as kind 'import'.

Records are read only as fast as the engine takes them (Scrapy's lazy start: wait while it
backs out), so a large archive is never in memory. A damaged record ends the reading of its
file with one logged line; what was read before it is stored, and the run is recorded failed
with the record named.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from scrapy import Request, signals

from crawler.config import SiteConfig
from crawler.dates import parse_machine_date
from crawler.warc.headers import META_FETCHED_AT
from crawler.warc.middleware import META_WARC_RESPONSE
from crawler.warc.read import DamagedRecord, responses
from spiders.news import NewsSpider

logger = logging.getLogger(__name__)

FOUND_VIA = "warc"
RUN_KIND = "import"
SKIPPED_STAT = "khabar/warc/skipped/"


class WarcImportSpider(NewsSpider):
    """Imports one site's pages from WARC files. Argument: files (paths)."""

    run_kind: ClassVar[str] = RUN_KIND

    def __init__(self, *args: Any, files: Sequence[str | Path] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files = [Path(f) for f in files]
        self.input_problem: str | None = None  # the damaged record, once one is met

    async def start(self) -> AsyncIterator[Request]:
        for path in self.files:
            skipped: Counter[str] = Counter()
            try:
                for record in responses(path, self.site.owns_url, skipped):
                    request = self.article_request(
                        record.url,
                        FOUND_VIA,
                        changed_at=parse_machine_date(record.hints.get("lastmod")),
                        hints={k: v for k, v in record.hints.items() if k != "lastmod"},
                    )
                    if request is None:
                        skipped["not_article"] += 1
                        continue
                    request.meta[META_WARC_RESPONSE] = record
                    request.meta[META_FETCHED_AT] = record.fetched_at
                    yield request
                    if self.crawler.engine is not None and self.crawler.engine.needs_backout():
                        await self.crawler.signals.wait_for(signals.scheduler_empty)
            except DamagedRecord as exc:
                # The run's closing line names the record; this is for the crawl's log.
                logger.warning("%s: %s; the records before it were read", self.name, exc)
                self.input_problem = self.input_problem or str(exc)
            finally:
                for reason, count in skipped.items():
                    self.crawler.stats.inc_value(SKIPPED_STAT + reason, count)


def import_spider_class_for(site: SiteConfig) -> type[WarcImportSpider]:
    """A WarcImportSpider bound to `site` (named after it: its runs are the site's)."""
    return type(
        f"{site.name.title().replace('_', '')}WarcImportSpider",
        (WarcImportSpider,),
        {
            "name": site.name,
            "site": site,
            "allowed_domains": list(site.domains),
            "custom_settings": {
                # The local file's store, never a distributed worker's queue: the import's run
                # and its articles are recorded where the command says (--db).
                "ADDONS": {
                    "crawler.addons.KhabarDatabase": 0,
                    "crawler.distributed.addon.DistributedMode": None,
                },
                "DOWNLOADER_MIDDLEWARES": {"crawler.warc.middleware.WarcResponses": 50},
                # Nothing is fetched: no robots.txt, no politeness delay.
                "ROBOTSTXT_OBEY": False,
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            },
            "__module__": __name__,
        },
    )
