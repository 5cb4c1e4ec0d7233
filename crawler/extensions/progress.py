"""Progress of long work: articles done / discovered, rate, ETA.

On a terminal the line is redrawn in place (stderr, about once a second); anywhere else (a log
file, the scheduler's per-run logs, a pipe) it is a log line every KHABAR_PROGRESS_INTERVAL
seconds, so a short crawl logs none and a long one a handful. `ProgressExtension` does this
for `scrapy crawl`; `track()` wraps any iterable (e.g. `khabar reextract`'s results).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Self, TextIO, TypeVar

from scrapy import signals
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

T = TypeVar("T")
TTY_REDRAW_SECONDS = 1.0
DISCOVERY_STATS = ("feed", "sitemap", "listing", "warc")  # found_via; warc: an import


def format_duration(seconds: float) -> str:
    """12s, 7m51s, 1h02m."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def progress_line(
    done: int, total: int, elapsed: float, *, noun: str = "articles", stored: int | None = None
) -> str:
    """`progress: 120/450 articles, 118 stored, 42/min, ETA 7m51s`."""
    rate = done / elapsed if elapsed > 0 else 0.0
    parts = [f"{done}/{total} {noun}"]
    if stored is not None:
        parts.append(f"{stored} stored")
    parts.append(f"{rate * 60:.0f}/min")
    remaining = total - done
    if remaining > 0:
        parts.append(f"ETA {format_duration(remaining / rate)}" if rate > 0 else "ETA ?")
    return "progress: " + ", ".join(parts)


class Reporter:
    """Shows a progress line: redrawn in place on a terminal, else logged every `interval` s."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval, self.clock = interval, clock
        self.log = log or (lambda line: logger.info("%s", line))
        self.started = self.last = clock()
        self.drawn = False

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def show(self, line: str) -> None:
        now = self.clock()
        if self.tty:
            self.stream.write("\r\x1b[K" + line)
            self.stream.flush()
            self.drawn = True
        elif now - self.last >= self.interval:
            self.last = now
            self.log(line)

    def finish(self) -> None:
        """End the redrawn line, so what is printed next starts on its own line."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def track(
    items: Iterable[T],
    total: int,
    noun: str,
    *,
    stream: TextIO | None = None,
    interval: float = 60.0,
) -> Iterator[T]:
    """Yield `items`, showing how many of `total` are done (for commands outside Scrapy)."""
    reporter = Reporter(stream, interval=interval)
    shown_at, done = reporter.clock(), 0
    try:
        for done, item in enumerate(items, 1):
            yield item
            if reporter.clock() - shown_at >= (TTY_REDRAW_SECONDS if reporter.tty else 0):
                shown_at = reporter.clock()
                reporter.show(progress_line(done, total, reporter.elapsed, noun=noun))
        if reporter.tty and done:  # the final count, however fast it went
            reporter.show(progress_line(done, total, reporter.elapsed, noun=noun))
    finally:
        reporter.finish()


class ProgressExtension:
    """`scrapy crawl` progress: articles done (stored or rejected) / article requests made."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.reporter: Reporter | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler, crawler.settings.getfloat("KHABAR_PROGRESS_INTERVAL", 60.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.reporter = Reporter(interval=self.interval)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TTY_REDRAW_SECONDS, now=False)  # the reporter throttles log lines

    def tick(self) -> None:
        stats = self.crawler.stats
        discovered = sum(stats.get_value(f"khabar/discovery/{v}", 0) for v in DISCOVERY_STATS)
        if not discovered or self.reporter is None:
            return
        stored = stats.get_value("item_scraped_count", 0)
        done = stored + stats.get_value("item_dropped_count", 0)
        self.reporter.show(progress_line(done, discovered, self.reporter.elapsed, stored=stored))

    def spider_closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.reporter is not None:
            self.reporter.finish()
