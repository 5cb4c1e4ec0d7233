"""The one switch between single-machine and distributed mode: a Scrapy add-on.

With KHABAR_REDIS_URL set (`-s KHABAR_REDIS_URL=redis://host:6379/0` or the environment
variable), `scrapy crawl <site>` becomes a worker: scrapy-redis' scheduler on the site's shared
queue with the canonical-URL dupefilter, known articles looked up in Redis, and articles pushed
to the writer's queue instead of deduplicated and stored here. Nothing of the database is
enabled, so a worker never opens or creates a SQLite file. Without the URL nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import UsageError

from crawler.distributed import keys

# The worker's components are named by import path, not imported: a single-machine crawl loads
# this add-on too, and must not need the Redis client.
from crawler.extensions.crawlrecord import CrawlRunRecorder
from pipelines.deduplicate import DeduplicatePipeline
from pipelines.store import StorePipeline

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings, Settings

# Defaults of the worker's own settings (each can be overridden with -s).
WORKER_DEFAULTS = {
    # Seconds between heartbeats, and how long a silent worker counts as alive.
    "KHABAR_HEARTBEAT_INTERVAL": 5.0,
    "KHABAR_HEARTBEAT_TTL": 30.0,
    # Once the site's run is done, wait this many seconds for new seeds before stopping.
    "KHABAR_WORKER_IDLE_EXIT": 0.0,
}

WORKER_SETTINGS = {
    "SCHEDULER": "crawler.distributed.scheduler.WorkerScheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.ReliableQueue",
    "SCHEDULER_QUEUE_KEY": keys.REQUESTS,
    "SCHEDULER_DUPEFILTER_KEY": keys.SEEN,
    "DUPEFILTER_CLASS": "crawler.distributed.dupefilter.CanonicalDupeFilter",
    "KHABAR_KNOWN_ARTICLES": "crawler.distributed.known.RedisKnownArticles",
    # Responses waiting for extraction count here: a worker takes from the shared queue only
    # what it will process soon (Scrapy's 5 MB is ~1,000 small pages), so the others get
    # their share and a killed worker has little to put back.
    "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 1_000_000,
}


def check_redis(settings: BaseSettings) -> None:
    """Before the crawl starts: an unreachable KHABAR_REDIS_URL is one UsageError line (exit 2),
    not a traceback from the reactor when the first component connects."""
    url = keys.redis_url(settings)
    if url:
        import redis  # only in distributed mode: a single-machine crawl never loads the client

        try:
            keys.connect(url).close()
        except (redis.RedisError, ValueError) as exc:
            raise UsageError(f"KHABAR_REDIS_URL={url}: cannot reach Redis ({exc})") from None


class DistributedMode:
    """Scrapy add-on (ADDONS): turns the crawl into a worker when KHABAR_REDIS_URL is set."""

    def update_settings(self, settings: Settings) -> None:
        url = keys.redis_url(settings)
        if not url:
            return
        # "project" priority: replaces the project's values, never an explicit -s.
        settings.set("KHABAR_REDIS_URL", url, priority="project")
        for name, value in WORKER_SETTINGS.items():
            settings.set(name, value, priority="project")
        for name, value in WORKER_DEFAULTS.items():
            settings.setdefault(name, value, priority="project")
        settings.replace_in_component_priority_dict(
            "ITEM_PIPELINES", StorePipeline, "crawler.distributed.pipeline.PushToWriterPipeline"
        )
        settings.set_in_component_priority_dict("ITEM_PIPELINES", DeduplicatePipeline, None)
        settings.set_in_component_priority_dict("EXTENSIONS", CrawlRunRecorder, None)
        settings.set_in_component_priority_dict(
            "EXTENSIONS", "crawler.distributed.heartbeat.WorkerHeartbeat", 100
        )
        # Closest to the engine: it sees what every other middleware let through / gave up on.
        settings.set_in_component_priority_dict(
            "SPIDER_MIDDLEWARES", "crawler.distributed.acks.AcknowledgeFinished", 10
        )
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", "crawler.distributed.retry_later.RetryFailedArticlesLater", 10
        )
