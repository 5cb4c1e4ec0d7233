"""A backfill's crawl: every request goes through a frontier on disk, fed to Scrapy in batches.

Enabled by the spider argument `-a backfill=1` (`khabar backfill SITE` passes it). This spider
middleware sits between the spider and the known-articles middleware and takes every request
the spider yields (start requests, sitemap and listing pages, articles) into the frontier
table (storage.frontier) instead of passing it on, so Scrapy's scheduler never holds more than
one batch: a sitemap index of a hundred thousand URLs costs rows on disk, not memory, and no
per-URL set grows in the process (the frontier's unique key dedupes). A stored and unchanged
article is left out, as the known-articles middleware does for a crawl.

Every tick it tops Scrapy's scheduler up to KHABAR_BACKFILL_BATCH requests from the frontier
(discovery pages first, so the total is known early) and writes down what became of the
requests it handed out: a discovery page is done once its links are in the frontier (same
transaction); an article is scraped once the pipelines passed it, and done once the store has
committed it (or dropped: done; failed: failed). Killed at any moment, the next run puts back
what was handed out and not stored: only those pages, at most a batch and the store's
buffer, are fetched twice. Progress (done/total, rate, ETA) is logged and written to the
`backfills` row that `khabar status` reads. The run holds its site's crawl lock
(crawler.backfill_lock), so the scheduler starts no crawl of the site meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.request import request_from_dict
from twisted.internet import task

from crawler.addons import database_of
from crawler.backfill_lock import site_lock
from crawler.extensions.progress import Reporter, format_duration
from crawler.known import META_ARTICLE_KEY, META_CHANGED_AT, META_KNOWN, KnownArticles
from crawler.record import ArticleItem, GoneArticle
from crawler.signals import store_failed
from storage.frontier import DONE, FAILED, SCRAPED, BackfillConflict, Counts, Frontier, Row
from storage.store import parse_time

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

META_ROW = "backfill_row"  # the frontier row a request came from
TICK_SECONDS = 0.2  # how often Scrapy's scheduler is topped up
WRITE_SECONDS = 1.0  # how often what became of the requests is written (a transaction)
PAGE_PRIORITY = 20  # above the spider's ARTICLE_PRIORITY
ADD_CHUNK = 1000  # rows per transaction while a big sitemap is read
_RUNTIME_META = frozenset({"depth", META_ROW})  # recomputed for every fetch
_DEFAULTS: dict[str, Any] = Request("http://localhost/").to_dict()


def _meta(response: Any) -> dict[str, Any]:
    """The request meta behind an item's response (a Failure for errback items)."""
    meta = getattr(response, "meta", None)
    if meta is None:
        meta = getattr(getattr(response, "request", None), "meta", None)
    return meta or {}


class BackfillFrontierMiddleware:
    def __init__(
        self,
        crawler: Crawler,
        known: KnownArticles,
        *,
        batch: int,
        report_interval: float,
        progress_interval: float,
    ) -> None:
        self.crawler = crawler
        self.known = known
        self.batch = batch
        self.report_interval = report_interval
        self.reporter = Reporter(interval=progress_interval)
        self.frontier: Frontier | None = None
        self.lock = contextlib.ExitStack()
        self.changes: dict[int, int] = {}  # row id -> state, written on the next tick
        self.loop: task.LoopingCall | None = None
        self.store_failed = False
        self.counts = Counts()
        self.done_at_start = 0
        self.reported_at = self.written_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        spider = crawler.spider
        if not getattr(spider, "backfill", False):
            raise NotConfigured("not a backfill")
        s = crawler.settings
        known = build_from_crawler(load_object(s["KHABAR_KNOWN_ARTICLES"]), crawler)
        mw = cls(
            crawler,
            known,
            batch=s.getint("KHABAR_BACKFILL_BATCH"),
            report_interval=s.getfloat("KHABAR_BACKFILL_REPORT_INTERVAL"),
            progress_interval=s.getfloat("KHABAR_PROGRESS_INTERVAL"),
        )
        crawler.signals.connect(mw.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(mw.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(mw.item_error, signal=signals.item_error)
        crawler.signals.connect(mw.on_store_failed, signal=store_failed)
        return mw

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> str | None:
        """Take the site's lock and open (or resume) its backfill; why not, if it cannot."""
        spider = self.crawler.spider
        if self.crawler.settings.get("KHABAR_REDIS_URL"):
            return "a backfill runs on one machine: unset KHABAR_REDIS_URL"
        database = database_of(self.crawler)
        holder = self.lock.enter_context(site_lock(database, spider.name, "a backfill"))
        if holder is not None:
            return f"{spider.name} is being crawled by {holder}; try again when it ends"
        try:
            self.frontier, resumed = Frontier.open(
                database, spider.name, spider.since, spider.until
            )
        except BackfillConflict as exc:
            return str(exc)
        requeued = self.frontier.recover() if resumed else 0
        self.counts = self.frontier.counts()
        self.done_at_start = self.counts.articles_done
        self.crawler.stats.set_value("khabar/backfill/id", self.frontier.id)
        self.crawler.stats.set_value("khabar/backfill/requeued", requeued)
        if resumed:
            logger.info(
                "Backfill %d of %s resumed: %d/%d articles done; %d requests in flight at "
                "the last stop go again",
                self.frontier.id,
                spider.name,
                self.counts.articles_done,
                self.counts.articles_total,
                requeued,
            )
        else:
            logger.info("Backfill %d of %s started", self.frontier.id, spider.name)
        return None

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        problem = self._open()
        if problem:
            logger.error("%s: backfill not started: %s", self.crawler.spider.name, problem)
            self.lock.close()
            raise CloseSpider("backfill_refused")
        rows = []
        async for entry in start:
            if isinstance(entry, Request):
                if (row := self._row(entry)) is not None:
                    rows.append(row)
            else:
                yield entry
        # Read again on a resume (a new month's sitemap is found; the crawl record sees its
        # start pages answer); what they list and is done stays done, so a sitemap already
        # read is not fetched again.
        self._add(rows, again=True)
        self.counts = self.frontier.counts()  # once a run; kept up to date from here on
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TICK_SECONDS, now=True)

    # -- into the frontier ---------------------------------------------------------------------

    def _row(self, request: Request) -> Row | None:
        meta = request.meta
        key = meta.get(META_ARTICLE_KEY)
        if key is not None:
            known = self.known.get(key)
            if known is not None and not known.changed_since(parse_time(meta.get(META_CHANGED_AT))):
                self.crawler.stats.inc_value("khabar/discovery/skipped_known")
                return None
            meta[META_KNOWN] = known is not None
        data = request.to_dict(spider=self.crawler.spider)
        data["meta"] = {k: v for k, v in data["meta"].items() if k not in _RUNTIME_META}
        # What request_from_dict would default anyway is left out: a third of every row.
        data = {
            k: v for k, v in data.items() if k == "url" or k not in _DEFAULTS or _DEFAULTS[k] != v
        }
        return Row(key or request.url, key is not None, pickle.dumps(data, protocol=5))

    def _add(self, rows: list[Row], finished: int | None = None, *, again: bool = False) -> None:
        assert self.frontier is not None
        articles, pages = self.frontier.add(rows, finished, again=again)
        # Kept up to date here rather than counted from the table: a count over a million rows
        # costs the reactor a second.
        self.counts.articles_total += articles
        self.counts.pages_total += pages
        self.counts.pages_done += finished is not None
        self.crawler.stats.inc_value("khabar/backfill/articles_queued", articles)
        self.crawler.stats.inc_value("khabar/backfill/pages_queued", pages)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        """Requests go into the frontier, items on to the pipelines; a discovery page is done
        once everything it links to is in the frontier."""
        rows: list[Row] = []
        for entry in result:
            if not isinstance(entry, Request):
                yield entry
                continue
            if (row := self._row(entry)) is not None:
                rows.append(row)
            if len(rows) >= ADD_CHUNK:
                self._add(rows)
                rows = []
        page = None if META_ARTICLE_KEY in response.meta else response.meta.get(META_ROW)
        if rows or page is not None:
            self._add(rows, page)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = [entry async for entry in result]
        for entry in self.process_spider_output(response, items):
            yield entry

    # -- out of the frontier -------------------------------------------------------------------

    def _feed(self) -> int:
        """Top Scrapy's scheduler up to one batch; how many requests were handed over."""
        engine = self.crawler.engine
        if self.frontier is None or engine is None or engine.scheduler is None:
            return 0
        want = self.batch - len(engine.scheduler)  # type: ignore[arg-type]
        if want < max(1, self.batch // 4):
            return 0
        taken = self.frontier.take(want)
        for row_id, blob in taken:
            request = request_from_dict(pickle.loads(blob), spider=self.crawler.spider)
            request.meta[META_ROW] = row_id
            request.dont_filter = True  # the frontier's key already made it unique
            # The frontier has ordered them; in Scrapy's queue a discovery page must not wait
            # behind the articles topped up after it (the spider ranks articles first).
            request.priority = 0 if META_ARTICLE_KEY in request.meta else PAGE_PRIORITY
            engine.crawl(request)
        return len(taken)

    def _finish(self, response: Any, state: int) -> None:
        row = _meta(response).get(META_ROW)
        if row is not None:
            self.changes[row] = state

    def item_scraped(self, item: Any, response: Any) -> None:
        if isinstance(item, ArticleItem | GoneArticle):
            self._finish(response, SCRAPED)  # done once the store has committed it

    def item_dropped(self, item: Any, response: Any) -> None:
        self._finish(response, DONE)

    def item_error(self, item: Any, response: Any) -> None:
        self._finish(response, FAILED)

    def on_store_failed(self) -> None:
        self.store_failed = True

    def _write_changes(self) -> None:
        assert self.frontier is not None
        changes, self.changes = self.changes, {}
        self.frontier.mark(changes)
        finished = [state for state in changes.values() if state in (DONE, FAILED)]
        self.counts.articles_done += len(finished) + self.frontier.settle()
        self.counts.articles_failed += finished.count(FAILED)

    def tick(self) -> None:
        if self.frontier is None:
            return
        now = time.monotonic()
        if now - self.written_at >= WRITE_SECONDS or len(self.changes) >= self.batch:
            self.written_at = now
            self._write_changes()
        self._feed()
        if now - self.reported_at >= self.report_interval:
            self.reported_at = now
            self._report()

    def _report(self) -> None:
        assert self.frontier is not None
        counts = self.counts
        elapsed = self.reporter.elapsed
        rate = (counts.articles_done - self.done_at_start) / elapsed if elapsed > 0 else 0.0
        remaining = counts.articles_total - counts.articles_done
        eta = remaining / rate if rate > 0 else None
        self.frontier.report(counts, rate * 60, eta)
        if counts.articles_total or counts.pages_total:
            self.reporter.show(backfill_line(counts, rate * 60, eta))

    def spider_idle(self) -> None:
        if self.frontier is None:
            return
        self._write_changes()
        if self._feed():
            raise DontCloseSpider

    def spider_closed(self, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.frontier is None:
            return
        try:
            self._write_changes()
            complete = (
                reason == "finished" and not self.store_failed and self.frontier.pending() == 0
            )
            self.frontier.close_run(complete=complete)
            self.counts = self.frontier.counts()
            self._report()
            self.reporter.finish()
            counts, name, backfill = self.counts, self.crawler.spider.name, self.frontier.id
            if complete:
                self.frontier.finish()
                logger.info(
                    "Backfill %d of %s finished: %d articles (%d failed), %d discovery pages",
                    backfill,
                    name,
                    counts.articles_total,
                    counts.articles_failed,
                    counts.pages_total,
                )
            else:
                logger.info(
                    "Backfill %d of %s stopped (%s) at %d/%d articles; run it again to resume",
                    backfill,
                    name,
                    reason,
                    counts.articles_done,
                    counts.articles_total,
                )
        finally:
            self.frontier.close()
            self.frontier = None
            self.lock.close()
            self.known.close()


def backfill_line(counts: Counts, per_minute: float, eta_seconds: float | None) -> str:
    """`backfill: 1200/5000 articles (3 failed), 40/40 pages, 310/min, ETA 12m15s`."""
    parts = [f"{counts.articles_done}/{counts.articles_total} articles"]
    if counts.articles_failed:
        parts[0] += f" ({counts.articles_failed} failed)"
    parts.append(f"{counts.pages_done}/{counts.pages_total} pages")
    parts.append(f"{per_minute:.0f}/min")
    if counts.articles_done < counts.articles_total:
        parts.append(f"ETA {format_duration(eta_seconds)}" if eta_seconds is not None else "ETA ?")
    return "backfill: " + ", ".join(parts)
