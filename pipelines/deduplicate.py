"""Find exact and near duplicates before they are stored.

- Exact: the same normalised body already stored under another URL of the *same* site is the
  same article reached twice; it is dropped with reason `duplicate_content`.
- Near: MinHash/LSH over word shingles finds the same story elsewhere (an agency text carried by
  several papers with an edited first sentence). Those are kept and grouped by the store — never
  dropped. The index is rebuilt from the signatures stored with every article first seen in the
  last KHABAR_NEARDUP_WINDOW_DAYS, so it spans sites and runs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem

from crawler.addons import store_of
from crawler.fingerprint import NearDupIndex
from crawler.record import ArticleItem, GoneArticle

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from storage.store import ArticleStore

logger = logging.getLogger(__name__)


class Duplicate(DropItem):
    """The same content is already stored for this site under another URL."""


class DeduplicatePipeline:
    def __init__(self, store: ArticleStore, stats: StatsCollector, window_days: float = 30) -> None:
        self.store = store
        self.stats = stats
        self.window_days = window_days
        self.index = NearDupIndex()
        self.seen_hashes: dict[str, tuple[str, str]] = {}  # this run: hash → (url, site)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            store_of(crawler),
            crawler.stats,
            crawler.settings.getfloat("KHABAR_NEARDUP_WINDOW_DAYS"),
        )

    def open_spider(self) -> None:
        # Agency copies appear within hours or days of each other: a window keeps the index
        # (~8 KB an article) bounded by recent volume, not by the whole archive.
        since = None
        if self.window_days > 0:
            since = (datetime.now(UTC) - timedelta(days=self.window_days)).isoformat(
                timespec="seconds"
            )
        self.index = NearDupIndex.from_signatures(self.store.load_signatures(since))
        logger.info("Near-duplicate index holds %d stored articles", len(self.index))

    def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        if isinstance(item, GoneArticle):
            return item
        same = self.store.find_by_hash(item.content_hash)
        if item.content_hash in self.seen_hashes:
            same.append(self.seen_hashes[item.content_hash])
        if any(site == item.site and url != item.canonical_url for url, site in same):
            self.stats.inc_value("khabar/articles/duplicate")
            raise Duplicate("duplicate_content")
        self.seen_hashes[item.content_hash] = (item.canonical_url, item.site)

        signature = NearDupIndex.signature_from_bytes(item.minhash)  # from the extract worker
        item.near_duplicates = [
            url for url in self.index.query(signature) if url != item.canonical_url
        ]
        item.near_duplicates += [
            url for url, _ in same if url != item.canonical_url and url not in item.near_duplicates
        ]
        if item.near_duplicates:
            self.stats.inc_value("khabar/articles/near_duplicate")
            logger.info("%s resembles %s", item.canonical_url, ", ".join(item.near_duplicates))
        if item.canonical_url not in self.index:
            self.index.add(item.canonical_url, signature)
        return item
