"""Find exact and near duplicates before they are stored.

- Exact: the same normalised body already stored under another URL of the *same* site is the
  same article reached twice; it is dropped with reason `duplicate_content`.
- Near: MinHash/LSH over word shingles finds the same story elsewhere (an agency text carried by
  several papers with an edited first sentence). Those are kept and grouped by the store — never
  dropped. Stored articles are looked up in the LSH bands the store keeps in SQLite
  (storage/lsh.py), so the search spans sites, runs and the whole archive (or the articles first
  seen in the last KHABAR_NEARDUP_WINDOW_DAYS) at a memory cost that does not grow with it;
  this run's articles not yet written are looked up in a small in-memory index.
"""

from __future__ import annotations

import logging
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import DropItem

from crawler.addons import store_of
from crawler.fingerprint import MinHash, NearDupIndex
from crawler.record import ArticleItem, GoneArticle
from storage.lsh import MinHashBands

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from storage.store import ArticleStore

logger = logging.getLogger(__name__)

# This run's articles are written KHABAR_WRITE_BATCH at a time; until then only memory knows
# them. The last this-many are kept (far more than a batch plus the items in flight; ~8 KB each).
RECENT_ITEMS = 500


class Duplicate(DropItem):
    """The same content is already stored for this site under another URL."""


class DeduplicatePipeline:
    def __init__(self, store: ArticleStore, stats: StatsCollector, window_days: float = 0) -> None:
        self.store = store  # the process' one store (crawler.addons)
        self.stats = stats
        self.window_days = window_days
        self.stored_since: str | None = None
        self.recent = NearDupIndex()  # this run's latest articles, written or not
        self.recent_order: deque[tuple[str, str]] = deque()  # (url, content hash)
        self.seen_hashes: dict[str, tuple[str, str]] = {}  # recent: hash → (url, site)
        self.bands: MinHashBands | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            store_of(crawler),
            crawler.stats,
            crawler.settings.getfloat("KHABAR_NEARDUP_WINDOW_DAYS"),
        )

    def open_spider(self) -> None:
        self.bands = MinHashBands(self.store.db)
        if self.window_days > 0:
            self.stored_since = (datetime.now(UTC) - timedelta(days=self.window_days)).isoformat(
                timespec="seconds"
            )

    def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        if isinstance(item, GoneArticle):
            return item
        assert self.bands is not None
        same = self.store.find_by_hash(item.content_hash)
        if item.content_hash in self.seen_hashes:
            same.append(self.seen_hashes[item.content_hash])
        if any(site == item.site and url != item.canonical_url for url, site in same):
            self.stats.inc_value("khabar/articles/duplicate")
            raise Duplicate("duplicate_content")
        self.seen_hashes[item.content_hash] = (item.canonical_url, item.site)

        signature = NearDupIndex.signature_from_bytes(item.minhash)  # from the extract worker
        stored = self.bands.query(signature, self.stored_since)
        item.near_duplicates = [url for url, _ in stored if url != item.canonical_url]
        item.near_duplicates += [
            url
            for url in self.recent.query(signature)
            if url != item.canonical_url and url not in item.near_duplicates
        ]
        item.near_duplicates += [
            url for url, _ in same if url != item.canonical_url and url not in item.near_duplicates
        ]
        if item.near_duplicates:
            self.stats.inc_value("khabar/articles/near_duplicate")
            logger.info("%s resembles %s", item.canonical_url, ", ".join(item.near_duplicates))
        self._remember(item.canonical_url, item.content_hash, signature)
        return item

    def _remember(self, url: str, content_hash: str, signature: MinHash) -> None:
        """Keep the item findable until it is surely written; then the store finds it."""
        if url in self.recent:
            return
        self.recent.add(url, signature)
        self.recent_order.append((url, content_hash))
        if len(self.recent_order) > RECENT_ITEMS:
            old_url, old_hash = self.recent_order.popleft()
            self.recent.remove(old_url)
            if self.seen_hashes.get(old_hash, ("",))[0] == old_url:
                del self.seen_hashes[old_hash]
