"""Reject what is not an article: wrong language, listing pages, empty or stub bodies.

Every rejection is a DropItem with a reason, counted in the crawl stats
(`khabar/rejected/<reason>`) and recorded with the crawl run.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.dates import from_iso
from crawler.record import ArticleItem, GoneArticle

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

ACCEPTED_LANGUAGES = frozenset({"ar"})


class Rejected(DropItem):
    """The page is not an article we keep; the message is the reason."""


class ValidatePipeline:
    def __init__(self, min_words: int, stats: StatsCollector) -> None:
        self.min_words = min_words
        self.stats = stats
        self.since: datetime | None = None
        self.until: datetime | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler.settings.getint("KHABAR_MIN_WORDS"), crawler.stats)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def spider_opened(self, spider: Spider) -> None:
        # `-a since=YYYY-MM-DD` also covers articles found on listing pages, whose date is
        # only known once the page is extracted.
        self.since = getattr(spider, "since", None)
        self.until = getattr(spider, "until", None)  # a backfill's end (the day after)

    def reason(self, item: ArticleItem) -> str | None:
        """Why the item is rejected, or None to keep it."""
        if item.page_kind != "article":
            return f"not_article_{item.page_kind}"
        if not item.body.strip():
            return "empty_body"
        if item.language not in ACCEPTED_LANGUAGES:
            return f"language_{item.language or 'unknown'}"
        if not (item.title or "").strip():
            return "no_title"
        if item.word_count < self.min_words:
            return "too_short"
        if (
            self.since
            and item.published_at
            and from_iso(item.published_at) < self.since  # a floating local time: as UTC
        ):
            return "before_since"
        if self.until and item.published_at and from_iso(item.published_at) >= self.until:
            return "after_until"
        return None

    def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        if isinstance(item, GoneArticle):
            return item
        reason = self.reason(item)
        if reason is None:
            return item
        self.stats.inc_value(f"khabar/rejected/{reason}")
        logger.info("Rejected %s: %s", item.url, reason)
        raise Rejected(reason)
