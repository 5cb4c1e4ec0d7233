"""Record every crawl run in the `crawls` table: when, how it ended, what it found, what failed.

Opened on `spider_opened` (or adopting the row the scheduler daemon created, KHABAR_CRAWL_ID),
finalised on `spider_closed` from the crawl stats. The recorded status is the truth the exit
code (crawler/scrapy_commands/crawl.py), the daemon and `khabar status` rely on, so a run is
`ok` only when it really worked: a start page answered, nothing it found was lost to a
database that stopped taking writes, its arguments were valid. A failed run carries its reason
("disk full", "no start page answered: 404 ×3", "bad argument: …"), and one clear log line
closes the crawl.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from w3lib.url import safe_url_string

from crawler import signals as khabar_signals
from crawler.addons import database_of, store_of
from storage.faults import DatabaseUnwritable, storage_failure, store_error
from storage.runs import reap_abandoned
from storage.store import utcnow

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from scrapy import Spider
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector
    from twisted.internet.defer import Deferred

    from storage.store import ArticleStore

logger = logging.getLogger(__name__)

REJECTED_PREFIX = "khabar/rejected/"
FAILED_PREFIX = "khabar/failed/"
EXCEPTION_PREFIX = "downloader/exception_type_count/"
# `scrapy crawl` exits with this when its run is recorded failed (0 otherwise).
EXIT_RUN_FAILED = 1
OK, FAILED, INTERRUPTED = "ok", "failed", "interrupted"
CRAWL = "crawl"  # the run kind of a crawl (storage.schema.RUN_KINDS); an import is 'import'
NO_PAGE = "no page could be fetched"


def crawl_status(reason: str, pages_fetched: int, *, fetches: bool = True) -> str:
    """ok | failed | interrupted, from Scrapy's finish reason and what was fetched (a run that
    `fetches` nothing, an import, fails by fetching nothing no more than it succeeds by it)."""
    if reason == "shutdown":
        return INTERRUPTED
    if reason == "finished" or reason.startswith("closespider_"):
        return OK if pages_fetched or not fetches else FAILED
    return FAILED


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key.removeprefix(prefix): int(v) for key, v in stats.items() if key.startswith(prefix)}


def _counts(counter: dict[str, int]) -> str:
    """'404 ×3, no response ×1', most frequent first."""
    return ", ".join(
        f"{name} ×{n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    )


# Why a start page gave no response, in words (crawler.failures reasons); a reason missing
# here is shown as it is. These and "no response" are the network's doing.
START_FAILURES = {
    "offsite": "outside the site's domains",
    "size_limit": "larger than DOWNLOAD_MAXSIZE",
    "robots_txt": "disallowed by robots.txt",
    "redirect_limit": "too many redirects",
}
NETWORK_FAILURES = frozenset(
    {"timeout", "connection_refused", "dns", "proxy_tunnel", "connection_lost", "truncated"}
)


def start_pages_problem(
    start_urls: frozenset[str], answers: dict[str, int], failures: dict[str, str] | None = None
) -> str | None:
    """'no start page answered: 404 ×3' when none of the feeds, sitemaps and listings answered
    with a page (status < 400); `answers` maps each start URL that got a response to its last
    status, `failures` each that got none to why (a crawler.failures reason). None when one
    did, or when the run had no start pages to judge by."""
    if not start_urls or any(answers.get(url, 999) < 400 for url in start_urls):
        return None
    failures = failures or {}

    def outcome(url: str) -> str:
        if url in answers:
            return str(answers[url])
        reason = failures.get(url)
        return START_FAILURES.get(reason, reason) if reason else "no response"

    return f"no start page answered: {_counts(Counter(map(outcome, start_urls)))}"


def network_blamed(start_urls: frozenset[str], failures: dict[str, str]) -> bool:
    """Whether the start pages that failed failed the way an unreachable network makes them
    (no response at all, DNS, refused, timeouts), not for a reason of their own (offsite…)."""
    return all(failures.get(url, "timeout") in NETWORK_FAILURES for url in start_urls)


def summarise_run(stats: dict[str, Any], reason: str, *, fetches: bool = True) -> dict[str, Any]:
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
    summary = _counts({**exceptions, **{f"HTTP {k}": v for k, v in http_errors.items()}})
    return {
        "finished_at": utcnow(),
        "status": crawl_status(reason, pages, fetches=fetches),
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


def failure_cause(
    values: dict[str, Any],
    *,
    storage: str | None,
    argument_error: str | None,
    start_problem: str | None,
    input_problem: str | None = None,
    fetches: bool = True,
    network_to_blame: bool = True,
) -> str | None:
    """Why a run counts as failed, in the words `khabar status` shows; None if it did not.

    In order: a database that stopped taking writes (whatever was fetched, what was found is
    lost), invalid spider arguments, input that could not be read whole (a damaged WARC record
    of an import), nothing fetched at all by a run that `fetches` (unless no start page answered
    for a reason of its own, `network_to_blame` False: offsite, too large), no start page
    answered, any
    other unclean finish of Scrapy's.
    """
    if values["status"] == INTERRUPTED:
        return None
    if storage:
        return storage
    if argument_error:
        return f"bad argument: {argument_error}"
    if input_problem:
        return input_problem
    if fetches and values["pages_fetched"] == 0 and not (start_problem and not network_to_blame):
        failed = json.loads(values.get("failed_reasons") or "{}")
        why = _counts(failed) or values["error_summary"] or "no response"
        return f"{NO_PAGE}: {why}"
    if start_problem:
        return start_problem
    if values["status"] == FAILED:
        return values["finish_reason"]
    return None


def final_line(site: str, crawl_id: int, values: dict[str, Any], db_path: Path) -> tuple[int, str]:
    """The one line (and its log level) that tells the user how the crawl went."""
    run = f"run {crawl_id}" if crawl_id else "run not recorded"
    if values["status"] == FAILED:
        no_page = values["finish_reason"].startswith(NO_PAGE)
        hint = "; is the network reachable?" if no_page else ""
        return logging.ERROR, (
            f"khabar: {site}: failed: {values['finish_reason']}{hint} "
            f"({values['pages_fetched']} pages, {values['articles_new']} new, "
            f"{values['errors']} errors → {db_path}, {run})"
        )
    return logging.INFO, (
        f"khabar: {site}: {values['status']}: {values['pages_fetched']} pages, "
        f"{values['articles_new']} new, {values['articles_updated']} updated, "
        f"{values['articles_unchanged']} unchanged, {values['articles_duplicate']} "
        f"duplicate, {values['articles_rejected']} rejected, {values['errors']} errors "
        f"→ {db_path} ({run})"
    )


class StorageFaultWatch(logging.Handler):
    """Sees every exception Scrapy logs (an item pipeline's write, a pipeline's close, a
    signal handler) and keeps the first that means the database takes no more writes, or any
    SQLite error (a lookup of the known-articles filter or the deduplicate step).

    Why a log handler: Scrapy catches and logs those exceptions in several places (item
    errors, 'Scraper close failure', send_catch_log); the log is the one place all pass."""

    def __init__(self, on_failure: Any) -> None:
        super().__init__(logging.ERROR)
        self.reason: str | None = None
        self.on_failure = on_failure

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or self.reason is not None:
            return
        if reason := storage_failure(exc) or (
            store_error(exc) if isinstance(exc, sqlite3.Error) else None
        ):
            self.reason = reason
            self.on_failure(reason)


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
        self.status: str | None = None  # the recorded outcome, once the spider closed
        self.reason: str | None = None
        self.start_urls: frozenset[str] = frozenset()
        self.start_answers: dict[str, int] = {}
        self.start_failures: dict[str, str] = {}
        self.crawler: Crawler | None = None
        self.watch = StorageFaultWatch(self._stop_crawl)
        self.closing: Deferred[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(
            partial(store_of, crawler),
            database_of(crawler),
            crawler.settings.getint("KHABAR_CRAWL_ID"),
            crawler.stats,
        )
        ext.crawler = crawler
        logging.getLogger().addHandler(ext.watch)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(ext.store_failed, signal=khabar_signals.store_failed)
        crawler.signals.connect(ext.request_failed, signal=khabar_signals.request_failed)
        return ext

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def _stop_crawl(self, reason: str) -> None:
        """Storing failed: fetching on would only lose more articles."""
        logger.error("The store failed (%s): stopping the crawl", reason)
        # Also met before the engine exists (a component could not open the store).
        engine = self.crawler._engine if self.crawler else None
        if engine is not None and engine.spider is not None:
            close = reason.replace(" ", "_").replace("-", "_")
            call_later(0, self._close, engine, close)

    def store_failed(self, reason: str) -> None:
        """A batch was not stored (pipelines.store), whatever the exception: the run failed."""
        if self.watch.reason is None:
            self.watch.reason = reason
            self._stop_crawl(reason)

    def _close(self, engine: ExecutionEngine, reason: str) -> None:
        if engine.spider is not None:
            self.closing = deferred_from_coro(engine.close_spider_async(reason=reason))

    def spider_opened(self, spider: Spider) -> None:
        site = getattr(spider, "site", None)
        if site is not None and self._fetches(spider):
            # As requested: Scrapy percent-encodes a URL (a space in a feed's URL) on the way.
            self.start_urls = frozenset(
                safe_url_string(url)
                for url in (*site.feeds, *site.sitemaps, *(item.url for item in site.listings))
            )
            # Scrapy's offsite filter drops these when they are scheduled, and no errback runs.
            self.start_failures = {u: "offsite" for u in self.start_urls if not site.owns_url(u)}
        try:
            store = self.store()
            # A crawl killed earlier (kill -9, power loss) left its row 'running': close it.
            reap_abandoned(store)
            if self.crawl_id:
                store.update_crawl(self.crawl_id, {"pid": os.getpid(), "status": "running"})
            else:
                self.crawl_id = store.start_crawl(
                    spider.name, pid=os.getpid(), kind=getattr(spider, "run_kind", CRAWL)
                )
        except (sqlite3.Error, OSError, DatabaseUnwritable) as exc:
            reason = (
                exc.reason
                if isinstance(exc, DatabaseUnwritable)
                else storage_failure(exc, self.db_path) or f"cannot record the run: {exc}"
            )
            self.watch.reason = reason
            logger.error("%s: cannot record the run in %s: %s", spider.name, self.db_path, exc)
            self._stop_crawl(reason)
            return
        self.stats.set_value("khabar/crawl_id", self.crawl_id)
        logger.info("Crawl run %d of %s → %s", self.crawl_id, spider.name, self.db_path)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        if first in self.start_urls:
            self.start_answers[first] = response.status

    @staticmethod
    def _fetches(spider: Spider) -> bool:
        """Whether the run fetches pages (a crawl) or reads them from files (an import)."""
        return getattr(spider, "run_kind", CRAWL) == CRAWL

    def request_failed(self, request: Request, reason: str) -> None:
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        if first in self.start_urls:
            self.start_failures[first] = reason

    def spider_closed(self, spider: Spider, reason: str) -> None:
        fetches = self._fetches(spider)
        values = summarise_run(self.stats.get_stats(), reason, fetches=fetches)
        values["duration_seconds"] = round((datetime.now(UTC) - self.started).total_seconds(), 3)
        cause = failure_cause(
            values,
            storage=self.watch.reason,
            argument_error=getattr(spider, "argument_error", None),
            start_problem=start_pages_problem(
                self.start_urls, self.start_answers, self.start_failures
            ),
            network_to_blame=network_blamed(self.start_urls, self.start_failures),
            input_problem=getattr(spider, "input_problem", None),
            fetches=fetches,
        )
        if cause:
            values.update(status=FAILED, finish_reason=cause)
        if self.crawl_id:
            try:
                self.store().update_crawl(self.crawl_id, values)
            except (sqlite3.Error, OSError) as exc:
                logger.error("Run %d not recorded in %s: %s", self.crawl_id, self.db_path, exc)
                if values["status"] != FAILED:
                    values.update(status=FAILED, finish_reason=storage_failure(exc) or str(exc))
        self.status, self.reason = values["status"], values["finish_reason"]
        self.final_level, self.final_line = final_line(
            spider.name, self.crawl_id, values, self.db_path
        )

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self.watch)
        # Logged last, after Scrapy's stats dump, so it is the line a user reads.
        if self.final_line:
            logger.log(self.final_level, "%s", self.final_line)
