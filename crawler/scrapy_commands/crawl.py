"""`scrapy crawl <site>` whose exit status is the recorded outcome of the run.

Scrapy's own crawl command exits 0 whatever the close reason (only a crawler that failed to
start gives 1). khabar's contract is the `crawls` row: the command exits EXIT_RUN_FAILED
exactly when CrawlRunRecorder recorded the run failed, so cron, systemd and the scheduler
daemon see the same verdict as `khabar status`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.distributed.addon import check_redis
from crawler.extensions.crawlrecord import EXIT_RUN_FAILED, CrawlRunRecorder

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        assert self.crawler_process
        # An unknown name: the spider loader raises a one-line UsageError (exit 2).
        crawler = self._create_crawler(args[0])
        check_redis(crawler.settings)  # distributed mode: Redis unreachable is one line, exit 2
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_RUN_FAILED
            return
        recorder = crawler.get_extension(CrawlRunRecorder)
        if recorder is not None and recorder.failed:
            self.exitcode = EXIT_RUN_FAILED
