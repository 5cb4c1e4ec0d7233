"""Record every crawl run in the `crawls` table: when, how it ended, what it found, what failed.

Opened on `spider_opened` (or adopting the row the scheduler daemon created, KHABAR_CRAWL_ID),
finalised on `spider_closed` from the crawl stats. A crawl that fetched nothing ends with one
clear log line saying why, instead of leaving the user to read the stats dump.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from crawler.addons import database_of, store_of
from storage.runs import reap_abandoned
from storage.store import utcnow

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from storage.store import ArticleStore

logger = logging.getLogger(__name__)

REJECTED_PREFIX = "khabar/rejected/"
FAILED_PREFIX = "khabar/failed/"
EXCEPTION_PREFIX = "downloader/exception_type_count/"


def crawl_status(reason: str, pages_fetched: int) -> str:
    """ok | failed | interrupted, from Scrapy's finish reason and what was fetched."""
    if reason == "shutdown":
        return "interrupted"
    if reason == "finished" or reason.startswith("closespider_"):
        return "ok" if pages_fetched else "failed"
    return "failed"


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key.removeprefix(prefix): int(v) for key, v in stats.items() if key.startswith(prefix)}


def summarise_run(stats: dict[str, Any], reason: str) -> dict[str, Any]:
    """The crawls-row values for a finished run, from Scrapy's and khabar's stats."""
    rejected = _by_prefix(stats, REJECTED_PREFIX)
    failed = _by_prefix(stats, FAILED_PREFIX)
    exceptions = {
        key.removeprefix(EXCEPTION_PREFIX).rpartition(".")[2]: value
        for key, value in stats.items()
        if key.startswith(EXCEPTION_PREFIX)
    }
    http_errors = {
        key.rpartition("/")[2]: value
        for key, value in stats.items()
        if key.startswith("downloader/response_status_count/")
        and key.rpartition("/")[2][:1] in "45"
    }
    pages = int(stats.get("downloader/response_count", 0))
    summary = ", ".join(
        f"{name} ×{count}"
        for name, count in sorted(
            {**exceptions, **{f"HTTP {k}": v for k, v in http_errors.items()}}.items(),
            key=lambda kv: -kv[1],
        )
    )
    return {
        "finished_at": utcnow(),
        "status": crawl_status(reason, pages),
        "finish_reason": reason,
        "pages_fetched": pages,
        "articles_new": int(stats.get("khabar/articles/new", 0)),
        "articles_updated": int(stats.get("khabar/articles/updated", 0)),
        "articles_unchanged": int(stats.get("khabar/articles/unchanged", 0)),
        "articles_duplicate": int(stats.get("khabar/articles/duplicate", 0)),
        "articles_near_duplicate": int(stats.get("khabar/articles/near_duplicate", 0)),
        "articles_rejected": sum(rejected.values()),
        "rejected_reasons": json.dumps(rejected, ensure_ascii=False, sort_keys=True),
        "failed_reasons": json.dumps(failed, sort_keys=True),
        "errors": int(stats.get("log_count/ERROR", 0)),
        "error_summary": summary or None,
    }


def final_line(site: str, crawl_id: int, values: dict[str, Any], db_path: Path) -> tuple[int, str]:
    """The one line (and its log level) that tells the user how the crawl went."""
    if values["pages_fetched"] == 0 and values["finish_reason"] != "finished":
        return logging.ERROR, (
            f"khabar: {site}: stopped ({values['finish_reason']}) before any page was fetched "
            f"(run {crawl_id} recorded as {values['status']})."
        )
    if values["pages_fetched"] == 0:
        failed = json.loads(values.get("failed_reasons") or "{}")
        why = (
            f"gave up on {sum(failed.values())} requests: "
            + ", ".join(f"{reason} ×{n}" for reason, n in sorted(failed.items()))
            if failed
            else values["error_summary"] or "no response"
        )
        return logging.ERROR, (
            f"khabar: {site}: no page could be fetched ({why}); is the network reachable? "
            f"Nothing was stored (run {crawl_id} recorded as {values['status']})."
        )
    return logging.INFO, (
        f"khabar: {site}: {values['status']}: {values['pages_fetched']} pages, "
        f"{values['articles_new']} new, {values['articles_updated']} updated, "
        f"{values['articles_unchanged']} unchanged, {values['articles_duplicate']} "
        f"duplicate, {values['articles_rejected']} rejected, {values['errors']} errors "
        f"→ {db_path} (run {crawl_id})"
    )


class CrawlRunRecorder:
    def __init__(
        self, store: Callable[[], ArticleStore], db_path: Path, crawl_id: int, stats: StatsCollector
    ) -> None:
        self.store = store  # the process' one store, opened when the spider opens
        self.db_path = db_path
        self.crawl_id = crawl_id
        self.stats = stats
        self.started = datetime.now(UTC)
        self.final_line = ""
        self.final_level = logging.INFO

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(
            partial(store_of, crawler),
            database_of(crawler),
            crawler.settings.getint("KHABAR_CRAWL_ID"),
            crawler.stats,
        )
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        store = self.store()
        # A crawl killed earlier (kill -9, power loss) left its row 'running': close it.
        reap_abandoned(store)
        if self.crawl_id:
            store.update_crawl(self.crawl_id, {"pid": os.getpid(), "status": "running"})
        else:
            self.crawl_id = store.start_crawl(spider.name, pid=os.getpid())
        self.stats.set_value("khabar/crawl_id", self.crawl_id)
        logger.info("Crawl run %d of %s → %s", self.crawl_id, spider.name, self.db_path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        values = summarise_run(self.stats.get_stats(), reason)
        values["duration_seconds"] = round((datetime.now(UTC) - self.started).total_seconds(), 3)
        self.store().update_crawl(self.crawl_id, values)
        self.final_level, self.final_line = final_line(
            spider.name, self.crawl_id, values, self.db_path
        )

    def engine_stopped(self) -> None:
        # Logged last, after Scrapy's stats dump, so it is the line a user reads.
        if self.final_line:
            logger.log(self.final_level, "%s", self.final_line)
