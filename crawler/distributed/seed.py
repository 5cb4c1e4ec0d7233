"""`khabar schedule --distributed`: a due crawl becomes seed requests in the site's Redis queue.

Seeding starts a new run of the site (so its feeds, sitemaps and listing pages are read again)
and queues the spider's start requests through the same dupefilter the workers use; workers
waiting on the queue (`-s KHABAR_WORKER_IDLE_EXIT=...`) or started later crawl them.
`SeedRunner` stands in for the scheduler's CrawlRunner: the daemon's timing, signals and
`--once` are unchanged, only "run the crawl here" becomes "queue it for the workers".
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import redis

from crawler.distributed import keys
from crawler.distributed.dupefilter import CanonicalDupeFilter
from crawler.distributed.queue import ReliableQueue
from crawler.scheduler import RunOutcome
from spiders.news import spider_class_for

if TYPE_CHECKING:
    from scrapy import Request

    from crawler.config import KhabarConfig, SiteConfig

logger = logging.getLogger(__name__)

STATUS_SEEDED = "seeded"


async def _start_requests(site: SiteConfig) -> tuple[object, list[Request]]:
    spider = spider_class_for(site)()
    return spider, [request async for request in spider.start()]


def seed_site(server: redis.Redis, site: SiteConfig) -> int:
    """Start a new run of `site` and queue its start requests; returns how many were queued."""
    spider, requests = asyncio.run(_start_requests(site))
    server.set(keys.run_key(site.name), uuid.uuid4().hex)
    dupefilter = CanonicalDupeFilter(server, site.name, tuple(site.domains))
    queue = ReliableQueue(server, spider, keys.REQUESTS)  # type: ignore[arg-type]
    queued = 0
    for request in requests:
        if request.dont_filter or not dupefilter.request_seen(request):
            queue.push(request)
            queued += 1
    return queued


class RedisUnavailable(Exception):
    """KHABAR_REDIS_URL is not set or Redis does not answer; str() is the user's line."""


class SeedRunner:
    """The scheduler daemon's runner in distributed mode: each due run is queued, not run."""

    def __init__(self, config: KhabarConfig, server: redis.Redis, url: str, database: Path) -> None:
        self.config = config
        self.server = server
        self.url = url
        self.database = database  # whose scheduler lock the daemon holds
        self.stopping = False
        self.forced = False

    @classmethod
    def from_environment(cls, config: KhabarConfig, database: Path) -> SeedRunner:
        """A runner on the Redis of KHABAR_REDIS_URL; RedisUnavailable if there is none."""
        url = keys.redis_url()
        if not url:
            raise RedisUnavailable("--distributed needs KHABAR_REDIS_URL (redis://host:6379/0)")
        try:
            return cls(config, keys.connect(url), url, database)
        except (redis.RedisError, ValueError) as exc:
            raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from None

    def stop(self) -> None:
        self.stopping = True

    def force(self) -> None:
        self.stopping = self.forced = True

    def running(self) -> list[str]:
        return []  # seeding is instant: nothing runs here

    def wait_idle(self, timeout: float) -> bool:
        return True

    def run(self, site: str) -> RunOutcome | None:
        if self.stopping:
            return None
        queued = seed_site(self.server, self.config.sites[site])
        logger.info("%s: queued %d seed requests for the workers", site, queued)
        return RunOutcome(
            crawl_id=0,
            site=site,
            status=STATUS_SEEDED,
            exit_code=None,
            finish_reason=f"{queued} seed requests queued",
            log_path=Path(keys.requests_key(site)),  # where the run went
        )
