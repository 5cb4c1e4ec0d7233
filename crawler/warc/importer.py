"""Run the imports of WARC files: which configured sites they hold, then one import crawl per
site (crawler.warc.spider), one after the other in one Scrapy process.

One site at a time: each crawl has the site's own extraction rules, domains and known-article
lookups, as the pipelines take them from the spider, and its own crawls row (kind 'import').
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from crawler.config import KhabarConfig, SiteConfig
from crawler.extensions.crawlrecord import INTERRUPTED, OK, CrawlRunRecorder
from crawler.warc.read import DamagedRecord, responses
from crawler.warc.spider import import_spider_class_for


@dataclass(frozen=True)
class SiteScan:
    """What a first pass over the files found: records per configured site, and the damaged
    record that ended the reading of each file that has one."""

    records: Counter[str]
    damaged: tuple[str, ...]


def scan_sites(files: Sequence[Path], config: KhabarConfig) -> SiteScan:
    """Count the response records of each configured site in `files` (by domain)."""
    found: Counter[str] = Counter()
    damaged: list[str] = []
    skipped: Counter[str] = Counter()

    def configured(url: str) -> bool:
        return config.site_for_url(url) is not None

    for path in files:
        try:
            for record in responses(path, configured, skipped):
                site = config.site_for_url(record.url)
                if site is not None:
                    found[site.name] += 1
        except DamagedRecord as exc:
            damaged.append(str(exc))
    return SiteScan(found, tuple(damaged))


@dataclass(frozen=True)
class ImportRun:
    site: str
    status: str | None  # ok | failed | interrupted (None: the crawl did not start)
    line: str  # the recorder's closing line
    level: int  # the level the recorder logged it at


def run_imports(
    sites: Sequence[SiteConfig], files: Sequence[Path], settings: Settings
) -> list[ImportRun]:
    """Import `files` for each site in turn; stops after a run that was interrupted (Ctrl-C)."""
    # The command's own log handler stays (Scrapy's would print every line twice), at the
    # run's LOG_LEVEL: Scrapy's loggers log at DEBUG whatever the root's level.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    for handler in logging.getLogger().handlers:
        handler.setLevel(settings.get("LOG_LEVEL"))
    process = AsyncCrawlerProcess(settings)
    crawlers: list[tuple[str, Crawler]] = []

    async def import_each() -> None:
        for site in sites:
            crawler = process.create_crawler(import_spider_class_for(site))
            crawlers.append((site.name, crawler))
            await process.crawl(crawler, files=[str(f) for f in files])
            recorder = crawler.get_extension(CrawlRunRecorder)
            if recorder is None or recorder.status in (None, INTERRUPTED):
                return

    def stop(_: asyncio.Task[None]) -> None:
        from twisted.internet import reactor

        with contextlib.suppress(Exception):  # already stopping: a second Ctrl-C
            reactor.stop()  # type: ignore[attr-defined]

    task = asyncio.get_event_loop().create_task(import_each())
    task.add_done_callback(stop)
    process.start(stop_after_crawl=False)
    runs = []
    for name, crawler in crawlers:
        recorder = crawler.get_extension(CrawlRunRecorder)
        status = recorder.status if recorder is not None else None
        line = recorder.final_line if recorder is not None else ""
        level = recorder.final_level if recorder is not None and line else logging.ERROR
        runs.append(
            ImportRun(name, status, line or f"khabar: {name}: the import did not start", level)
        )
    if not runs and task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]  # the first crawl could not start
    return runs


def all_ok(runs: Sequence[ImportRun]) -> bool:
    return all(run.status == OK for run in runs)
