"""Write articles to SQLite in batched transactions, off the reactor thread.

Items are buffered and written KHABAR_WRITE_BATCH at a time (or every KHABAR_WRITE_INTERVAL
seconds) in one transaction each; a crawl killed mid-way loses at most the unwritten buffer,
which the next run fetches again because those URLs are not yet known. Gone marks (known
articles now answering 404/410) arrive as GoneArticle items and are written with the batch.

A batch the store cannot write, whatever the exception, rolls back whole and fails the run:
its reason goes out as the `store_failed` signal (the crawl-run recorder stops the crawl and
records it), and one log line says how many articles were not stored. Nothing is retried here:
those URLs are not known, so the next run fetches them again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Self

from crawler.addons import store_of
from crawler.record import ArticleItem, GoneArticle
from crawler.signals import store_failed
from storage.faults import store_error

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.signalmanager import SignalManager
    from scrapy.statscollectors import StatsCollector

    from storage.store import ArticleStore, WriteResult

logger = logging.getLogger(__name__)


def store_record(item: ArticleItem, keep_raw: bool) -> dict[str, Any]:
    """The record ArticleStore.write_articles takes for an item (the raw page only if kept)."""
    record = dataclasses.asdict(item)
    if not keep_raw:
        record["html"] = b""
    return record


class StorePipeline:
    def __init__(
        self,
        store: ArticleStore,
        stats: StatsCollector,
        batch_size: int,
        interval: float,
        keep_raw: bool,
        signals: SignalManager | None = None,
    ) -> None:
        self.store = store
        self.stats = stats
        self.signals = signals
        self.batch_size = batch_size
        self.interval = interval
        self.keep_raw = keep_raw
        self.buffer: list[dict[str, Any]] = []
        self.gone: list[tuple[str, int]] = []  # (canonical URL, HTTP status)
        self.last_flush = time.monotonic()
        # One writer thread: SQLite writes are serial anyway, and the reactor never waits on
        # a lock held by another crawl.
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="khabar-writer")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        return cls(
            store_of(crawler),
            crawler.stats,
            s.getint("KHABAR_WRITE_BATCH"),
            s.getfloat("KHABAR_WRITE_INTERVAL"),
            s.getbool("KHABAR_KEEP_RAW"),
            crawler.signals,
        )

    async def close_spider(self) -> None:
        await self.flush()
        self.writer.shutdown(wait=True)

    async def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        if isinstance(item, GoneArticle):
            self.gone.append((item.canonical_url, item.http_status))
        else:
            self.buffer.append(store_record(item, self.keep_raw))
        if (
            len(self.buffer) + len(self.gone) >= self.batch_size
            or time.monotonic() - self.last_flush >= self.interval
        ):
            await self.flush()
        return item

    def write_remaining(self) -> None:
        """Write what the buffer holds now, in this thread: a crawl stopped by a second signal
        (crawler.interrupts) has no reactor left to run flush(), and what it extracted is kept."""
        self.writer.shutdown(wait=True)  # a batch in flight is committed first
        if not self.buffer and not self.gone:
            return
        batch, self.buffer = self.buffer, []
        gone, self.gone = self.gone, []
        try:
            result = self.store.write_articles(batch, self.stats.get_value("khabar/crawl_id"), gone)
        except Exception as exc:
            self._failed(exc, len(batch), len(gone))
            return
        self._count(result, len(batch), len(gone))

    async def flush(self) -> None:
        if not self.buffer and not self.gone:
            return
        batch, self.buffer = self.buffer, []
        gone, self.gone = self.gone, []
        self.last_flush = time.monotonic()
        crawl_id = self.stats.get_value("khabar/crawl_id")
        loop = asyncio.get_running_loop()
        try:
            result: WriteResult = await loop.run_in_executor(
                self.writer, self.store.write_articles, batch, crawl_id, gone
            )
        except Exception as exc:  # whatever it is, the batch was rolled back: the run failed
            self._failed(exc, len(batch), len(gone))
            return
        self._count(result, len(batch), len(gone))

    def _count(self, result: WriteResult, articles: int, gone: int) -> None:
        for outcome in ("new", "updated", "unchanged"):
            self.stats.inc_value(f"khabar/articles/{outcome}", getattr(result, outcome))
        if articles:
            logger.info(
                "Stored %d articles (%d new, %d updated, %d unchanged)",
                articles,
                result.new,
                result.updated,
                result.unchanged,
            )
        if gone:
            logger.info("%d known articles are gone (404/410), kept and marked", result.gone)

    def _failed(self, exc: Exception, articles: int, gone: int) -> None:
        reason = store_error(exc)
        self.stats.inc_value("khabar/articles/not_stored", articles)
        logger.error(
            "Could not store %d articles and %d gone marks (the next run fetches them again): %s",
            articles,
            gone,
            reason,
        )
        logger.debug("The store's exception", exc_info=exc)
        if self.signals is not None:
            self.signals.send_catch_log(store_failed, reason=reason)
