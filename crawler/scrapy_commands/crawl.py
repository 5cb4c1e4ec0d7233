"""`scrapy crawl <site>` whose exit status is the recorded outcome of the run.

Scrapy's own crawl command exits 0 whatever the close reason (only a crawler that failed to
start gives 1). khabar's contract is the `crawls` row: the command exits EXIT_RUN_FAILED
exactly when CrawlRunRecorder recorded the run failed, 128 + the signal (130 for Ctrl-C, 143 for
SIGTERM) when a signal interrupted it and it is recorded `interrupted`, and 0 otherwise, so
cron, systemd and the scheduler daemon see the same verdict as `khabar status`. The shutdown
signals are handled by crawler.interrupts, not by Scrapy (see there why).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.distributed.addon import check_redis
from crawler.distributed.keys import redis_url
from crawler.extensions.crawlrecord import EXIT_RUN_FAILED, CrawlRunRecorder
from crawler.interrupts import CrawlInterrupts, finish_abandoned
from storage.faults import DatabaseUnwritable
from storage.paths import database_path
from storage.store import ArticleStore

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def store_problem(settings: BaseSettings) -> str | None:
    """Why the run's database cannot take writes (a read-only mount, a full disk), found by
    opening it before the crawl starts: else the first component to open it fails inside
    Scrapy's start-up, with a traceback. A distributed worker never opens the file."""
    if redis_url(settings):
        return None
    try:
        ArticleStore(database_path(settings)).close()
    except DatabaseUnwritable as exc:
        return str(exc)
    return None


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        assert self.crawler_process
        # An unknown name: the spider loader raises a one-line UsageError (exit 2).
        crawler = self._create_crawler(args[0])
        check_redis(crawler.settings)  # distributed mode: Redis unreachable is one line, exit 2
        if problem := store_problem(crawler.settings):
            logger.error("khabar: %s: failed: %s (run not recorded)", args[0], problem)
            self.exitcode = EXIT_RUN_FAILED
            return
        interrupts = CrawlInterrupts(crawler)
        interrupts.install()
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start(install_signal_handlers=False)
        if interrupts.forced:
            finish_abandoned(crawler)
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_RUN_FAILED
            return
        recorder = crawler.get_extension(CrawlRunRecorder)
        status = recorder.status if recorder is not None else None
        self.exitcode = interrupts.exit_code(status, EXIT_RUN_FAILED if status == "failed" else 0)
