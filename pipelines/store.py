"""Write articles to SQLite in batched transactions, off the reactor thread.

Items are buffered and written KHABAR_WRITE_BATCH at a time (or every KHABAR_WRITE_INTERVAL
seconds) in one transaction each; a crawl killed mid-way loses at most the unwritten buffer,
which the next run fetches again because those URLs are not yet known.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Self

from crawler.items import ArticleItem
from storage.paths import database_path
from storage.store import ArticleStore, WriteResult

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


def store_record(item: ArticleItem, keep_raw: bool) -> dict[str, Any]:
    """The record ArticleStore.write_articles takes for an item (the raw page only if kept)."""
    record = dataclasses.asdict(item)
    record.update(source_lastmod=item.hints.get("lastmod"), html=item.html if keep_raw else b"")
    return record


class StorePipeline:
    def __init__(
        self, db_path: Path, stats: StatsCollector, batch_size: int, interval: float, keep_raw: bool
    ) -> None:
        self.db_path = db_path
        self.stats = stats
        self.batch_size = batch_size
        self.interval = interval
        self.keep_raw = keep_raw
        self.buffer: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.store: ArticleStore | None = None
        # One writer thread: SQLite writes are serial anyway, and the reactor never waits on
        # a lock held by another crawl.
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="khabar-writer")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        return cls(
            database_path(s),
            crawler.stats,
            s.getint("KHABAR_WRITE_BATCH"),
            s.getfloat("KHABAR_WRITE_INTERVAL"),
            s.getbool("KHABAR_KEEP_RAW"),
        )

    def open_spider(self) -> None:
        self.store = ArticleStore(self.db_path)

    async def close_spider(self) -> None:
        await self.flush()
        if self.store is not None:
            self.store.close()
        self.writer.shutdown(wait=True)

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        self.buffer.append(store_record(item, self.keep_raw))
        if (
            len(self.buffer) >= self.batch_size
            or time.monotonic() - self.last_flush >= self.interval
        ):
            await self.flush()
        return item

    async def flush(self) -> None:
        if not self.buffer or self.store is None:
            return
        batch, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        crawl_id = self.stats.get_value("khabar/crawl_id")
        loop = asyncio.get_running_loop()
        result: WriteResult = await loop.run_in_executor(
            self.writer, self.store.write_articles, batch, crawl_id
        )
        for outcome in ("new", "updated", "unchanged"):
            self.stats.inc_value(f"khabar/articles/{outcome}", getattr(result, outcome))
        logger.info(
            "Stored %d articles (%d new, %d updated, %d unchanged)",
            len(batch),
            result.new,
            result.updated,
            result.unchanged,
        )
