"""Skip article requests for what is already stored, unless a feed/sitemap says it changed.

The spider marks each article request with its canonical URL (and the change time a feed or
sitemap gave); this spider middleware, like scrapy-deltafetch, asks KnownArticles about it and
drops the stored-and-unchanged ones. It also keeps the run's bookkeeping that must come after
that decision: one request per canonical URL, and the `-a limit=N` of articles fetched. A
listing page whose article links were all stored and none fetched stops its pagination: the
spider marks the next-page request, and it is dropped here.

The lookups go to the KnownArticles class named by KHABAR_KNOWN_ARTICLES (the SQLite file by
default), so the spider itself never opens the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.known import (
    META_ARTICLE_KEY,
    META_CHANGED_AT,
    META_KNOWN,
    META_UNLESS_PAGE_KNOWN,
    KnownArticles,
)
from storage.store import parse_time

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

_TALLY = "_khabar_article_links"


@dataclass
class _PageTally:
    """What became of one response's article links."""

    links: int = 0
    fetched: int = 0
    all_known: bool = True


class KnownArticlesMiddleware(BaseSpiderMiddleware):
    def __init__(self, crawler: Crawler, known: KnownArticles) -> None:
        super().__init__(crawler)
        self.known = known
        self.requested: set[str] = set()  # canonical URLs of the article requests let through

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        known = build_from_crawler(load_object(crawler.settings["KHABAR_KNOWN_ARTICLES"]), crawler)
        middleware = cls(crawler, known)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.known.close()

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        key = request.meta.get(META_ARTICLE_KEY)
        if key is not None:
            return self._article_request(request, response, key)
        if request.meta.get(META_UNLESS_PAGE_KNOWN) and response is not None:
            tally = response.meta.get(_TALLY)
            if tally is not None and tally.links and not tally.fetched and tally.all_known:
                self.crawler.stats.inc_value("khabar/discovery/listing_stopped_known")
                return None
        return request

    def _article_request(
        self, request: Request, response: Response | None, key: str
    ) -> Request | None:
        stats = self.crawler.stats
        known = self.known.get(key)
        tally: _PageTally | None = None
        if response is not None:
            tally = response.meta.setdefault(_TALLY, _PageTally())
            tally.links += 1
            tally.all_known = tally.all_known and known is not None
        if key in self.requested:
            return None
        if known is not None and not known.changed_since(
            parse_time(request.meta.get(META_CHANGED_AT))
        ):
            # Not marked as requested: the feed may carry only a publication date while the
            # sitemap, read later, has a newer lastmod for the same (edited) article.
            stats.inc_value("khabar/discovery/skipped_known")
            return None
        limit = getattr(self.crawler.spider, "limit", None)
        if limit is not None and len(self.requested) >= limit:
            stats.inc_value("khabar/discovery/skipped_limit")
            return None
        self.requested.add(key)
        stats.inc_value(f"khabar/discovery/{request.meta.get('found_via', 'listing')}")
        request.meta[META_KNOWN] = known is not None
        if tally is not None:
            tally.fetched += 1
        return request
