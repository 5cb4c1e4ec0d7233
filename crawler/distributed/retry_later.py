"""An article whose download failed for good is retried by a later run, as in a local crawl.

The shared dupefilter keeps article fingerprints across runs, so without this an article that
timed out or answered 5xx once would never be requested again. Placed before (numerically
below) RetryMiddleware, this downloader middleware only sees what Scrapy gave up on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from crawler.distributed import keys
from crawler.distributed.dupefilter import CanonicalDupeFilter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class RetryFailedArticlesLater:
    def __init__(self, dupefilter: CanonicalDupeFilter) -> None:
        self.dupefilter = dupefilter

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        site = getattr(crawler.spidercls, "site", None)
        return cls(
            CanonicalDupeFilter(
                keys.connect(keys.redis_url(crawler.settings)),
                crawler.spidercls.name,
                tuple(site.domains) if site is not None else (),
            )
        )

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 400:
            self.dupefilter.forget(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.dupefilter.forget(request)
