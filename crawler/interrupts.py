"""What a signal does to `scrapy crawl`: the run is recorded `interrupted`, the process exits
128 + the signal (130 for Ctrl-C, 143 for SIGTERM), and no traceback is printed.

Scrapy's own handling leaves holes a user meets: a signal while the spider is still opening
stops the reactor before the spider ever closes, and a second signal stops it at once ("forcing
unclean shutdown"); either way nothing records the run, it stays `running` until `khabar status`
calls it `failed (process vanished)`, and the process exits 0. Here the crawl command installs
these handlers instead of Scrapy's:

- before the crawler exists (start-up, imports): the process just ends, quietly;
- first signal: a graceful stop, also when it lands before the engine has started (the engine is
  stopped the moment it starts, so the spider closes as `shutdown` and the run is recorded);
- second signal: the reactor stops now; the command then writes what the store pipeline still
  holds and records the run from the stats so far (CrawlInterrupts.abandoned);
- third signal: the process exits at once, recording nothing more.
"""

from __future__ import annotations

import logging
import os
import signal
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

if TYPE_CHECKING:
    from types import FrameType

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_status(signum: int) -> int:
    """The shell's convention for a process ended by a signal: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + signum


def _quit_quietly(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(exit_status(signum))


def quit_quietly_on_signals() -> None:
    """Until a crawl has something to record, Ctrl-C or SIGTERM ends the process with 130/143
    and no KeyboardInterrupt traceback (SystemExit prints nothing)."""
    for sig in SHUTDOWN_SIGNALS:
        signal.signal(sig, _quit_quietly)


class CrawlInterrupts:
    """The shutdown-signal handlers of one crawl process (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.signum: int | None = None  # the first signal received
        self.count = 0
        crawler.signals.connect(self._engine_started, signal=signals.engine_started)

    @property
    def interrupted(self) -> bool:
        return self.signum is not None

    @property
    def forced(self) -> bool:
        return self.count > 1

    def install(self) -> None:
        for sig in SHUTDOWN_SIGNALS:
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        from twisted.internet import reactor

        self.count += 1
        if self.count == 1:
            self.signum = signum
            reactor.callFromThread(self._stop_gracefully, signum)
        elif self.count == 2:
            reactor.callFromThread(self._stop_now, signum)
        else:  # the forced stop itself is stuck (a busy database): give up on recording
            os._exit(exit_status(self.signum or signum))

    # Logging is done from the reactor thread, never in the handler: the interrupted code may be
    # writing to the same stream.

    def _stop_gracefully(self, signum: int) -> None:
        logger.info(
            "Received %s: stopping the crawl (the run is recorded interrupted); "
            "send it again to stop at once",
            signal.Signals(signum).name,
        )
        engine = self.crawler._engine
        if engine is not None and engine.running:
            deferred_from_coro(self.crawler.stop_async())
        # Not running yet: the spider is still opening; _engine_started stops it.

    async def _engine_started(self) -> None:
        if self.interrupted:
            await self.crawler.engine.stop_async()

    def _stop_now(self, signum: int) -> None:
        from twisted.internet import reactor

        logger.warning(
            "Received %s again: stopping at once; what was fetched but not extracted is "
            "fetched again next run",
            signal.Signals(signum).name,
        )
        if reactor.running:
            reactor.stop()

    def exit_code(self, recorded_status: str | None, otherwise: int) -> int:
        """128 + the signal when the run was recorded interrupted, else `otherwise`."""
        if self.signum is not None and recorded_status == "interrupted":
            return exit_status(self.signum)
        return otherwise


def finish_abandoned(crawler: Crawler) -> None:
    """After a forced stop (the reactor stopped with the spider still open): the store pipeline
    writes the articles it holds, then the recorder records the run `interrupted` from the stats
    so far. Nothing here needs the reactor."""
    from crawler.extensions.crawlrecord import CrawlRunRecorder
    from pipelines.store import StorePipeline

    if crawler._engine is not None:
        store = crawler.get_item_pipeline(StorePipeline)
        if store is not None:
            store.write_remaining()
    recorder = crawler.get_extension(CrawlRunRecorder)
    if recorder is not None and recorder.status is None and crawler.spider is not None:
        recorder.spider_closed(crawler.spider, "shutdown")
        recorder.engine_stopped()
