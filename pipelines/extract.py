"""Extract the article record from the raw page, in worker processes.

Extraction costs tens of milliseconds of CPU per page; run inside Twisted's reactor it would cap a
crawl near 30 pages/s and starve the downloader. A process pool keeps both cores busy while the
reactor keeps fetching. A page that breaks the extractor is logged and dropped, never fatal.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem

from crawler.extract.parse_warnings import PARSE_WARNINGS
from crawler.extract.rules import ExtractionRules
from crawler.record import EXTRACTED_FIELDS, ArticleItem, GoneArticle
from pipelines.analyse import WORKER_IGNORES, analyse_page, init_worker

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ExtractFailed(DropItem):
    """The extractor raised on this page."""


class ExtractPipeline:
    def __init__(
        self,
        rules: ExtractionRules,
        workers: int,
        stats: StatsCollector,
        analyse: Callable[..., dict[str, Any]] = analyse_page,
    ) -> None:
        self.rules = rules
        self.workers = workers
        self.stats = stats
        self.analyse = analyse
        self.executor: Executor | None = None
        self.retry_lock = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        site = getattr(crawler.spidercls, "site", None)
        rules = site.extraction if site is not None else ExtractionRules()
        return cls(rules, crawler.settings.getint("KHABAR_EXTRACT_WORKERS"), crawler.stats)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.executor = self._new_pool()

    def _new_pool(self) -> Executor:
        """The pool, every worker started now with SIGINT and SIGTERM ignored.

        An ignored signal stays ignored through exec, and Python installs its KeyboardInterrupt
        handler only over the default: so a Ctrl-C that lands while a worker is still importing
        (before init_worker runs) prints no traceback. Started lazily, a worker could be mid-
        import at any point of the crawl; started here, all are before the first page.
        """
        main = threading.current_thread() is threading.main_thread()
        previous = (
            {sig: signal.signal(sig, signal.SIG_IGN) for sig in WORKER_IGNORES} if main else {}
        )
        try:
            pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(os.getpid(),),
            )
            for _ in range(self.workers):  # no worker is idle yet: each submit starts one
                pool.submit(os.getpid)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        return pool

    def _replace_pool(self, broken: Executor | None) -> None:
        """A worker died (a page crashed the parser, or the OOM killer): every task in flight
        fails with BrokenProcessPool. Start one fresh pool, however many items noticed."""
        if self.executor is broken and broken is not None:
            logger.warning("An extraction worker died; starting a new process pool")
            self.stats.inc_value("khabar/extract/pool_restarts")
            broken.shutdown(wait=False, cancel_futures=True)
            self.executor = self._new_pool()

    def close_spider(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        if isinstance(item, GoneArticle):
            return item
        try:
            record = await self._extract_retrying(item)
        except BrokenProcessPool as exc:
            # The page broke a fresh pool too, on its own: it is the page that kills workers.
            self.stats.inc_value("khabar/rejected/extract_worker_crashed")
            logger.warning("Page crashes the extractor, skipped: %s", item.url)
            raise ExtractFailed("extraction worker crashed") from exc
        except Exception as exc:
            self.stats.inc_value("khabar/rejected/extract_error")
            logger.warning("Broken page skipped: %s (%s: %s)", item.url, type(exc).__name__, exc)
            raise ExtractFailed(f"extraction failed: {type(exc).__name__}") from exc
        for field in EXTRACTED_FIELDS:  # field_sources etc. keep their default until extracted
            if field in record:
                setattr(item, field, record[field])
        for reason in item.date_rejections:
            self.stats.inc_value(f"khabar/date_rejected/{reason}")
        for code in item.extract_warnings:
            self.stats.inc_value(f"khabar/extract_warning/{code}")
            logger.warning("%s: %s", item.url, PARSE_WARNINGS.get(code, code))
        if item.published_at is None:
            self.stats.inc_value("khabar/articles/no_published_date")
        return item

    async def _extract_retrying(self, item: ArticleItem) -> dict[str, Any]:
        """Extract; if the pool broke under this item, retry it once on a fresh pool (it may
        only have been in flight when another page killed a worker). Retries run one at a
        time, so a page that kills its worker again breaks only its own retry."""
        executor = self.executor
        try:
            return await self._extract(item, executor)
        except BrokenProcessPool:
            self._replace_pool(executor)
        async with self.retry_lock:
            executor = self.executor
            try:
                return await self._extract(item, executor)
            except BrokenProcessPool:
                self._replace_pool(executor)
                raise

    async def _extract(self, item: ArticleItem, executor: Executor | None) -> dict[str, Any]:
        kwargs = {"http_encoding": item.http_encoding, "hints": item.hints}
        if executor is None:
            return self.analyse(item.html, item.url, self.rules, **kwargs)
        future = executor.submit(self.analyse, item.html, item.url, self.rules, **kwargs)
        return await asyncio.wrap_future(future)
