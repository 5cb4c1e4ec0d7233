"""Every Redis key khabar uses, in one place, and the connection from KHABAR_REDIS_URL."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis
    from scrapy.settings import BaseSettings

PREFIX = "khabar"
# scrapy-redis formats these with the spider name (= the site name).
REQUESTS = f"{PREFIX}:%(spider)s:requests"  # the site's shared request queue (sorted set)
SEEN = f"{PREFIX}:%(spider)s:seen"  # fingerprints of article requests, kept across runs
ITEMS = f"{PREFIX}:items"  # articles extracted by workers, waiting for the writer (list)
# A writer's batch in progress (list): PROCESSING:<writer id> for each writer; khabar 0.2.0's
# writers shared PROCESSING itself. Whatever matches PROCESSING* and is not the running
# writer's own is a batch a writer left unfinished.
PROCESSING = f"{PREFIX}:items:processing"
DEAD = f"{PREFIX}:items:dead"  # items the writer could not store, each with its reason (list)
WRITER_LOCK = f"{PREFIX}:writer:lock"  # the queue's one writer (crawler.distributed.writerlock)


def processing_key(writer: str) -> str:
    return f"{PROCESSING}:{writer}"


def processing_keys(server: redis.Redis) -> list[str]:
    """Every writer's batch-in-progress list (the running writer's and unfinished ones)."""
    return sorted(key.decode() for key in server.scan_iter(match=f"{PROCESSING}*", count=1000))


def processing_count(server: redis.Redis) -> int:
    """Items in writers' hands: taken from the queue, not yet acknowledged."""
    return sum(int(server.llen(key)) for key in processing_keys(server))


def requests_key(site: str) -> str:
    return REQUESTS % {"spider": site}


def seen_key(site: str) -> str:
    return SEEN % {"spider": site}


def run_key(site: str) -> str:
    """Id of the site's current run: discovery pages are fetched once per run."""
    return f"{PREFIX}:{site}:run"


def pages_key(site: str, run: str) -> str:
    """Fingerprints of the discovery pages (feeds, sitemaps, listings) requested in a run."""
    return f"{PREFIX}:{site}:pages:{run}"


def workers_key(site: str) -> str:
    """Sorted set: worker id → time of its last heartbeat (Redis clock)."""
    return f"{PREFIX}:{site}:workers"


def inflight_key(site: str, worker: str) -> str:
    """Hash: token → queued request a worker has taken and not finished yet."""
    return f"{PREFIX}:{site}:inflight:{worker}"


def heartbeat_key(worker: str) -> str:
    """A worker's heartbeat (JSON), expiring when the worker stops beating."""
    return f"{PREFIX}:worker:{worker}"


HEARTBEATS = f"{PREFIX}:worker:*"


KNOWN = f"{PREFIX}:known:*"


def known_key(site: str) -> str:
    """Hash: canonical URL → latest change time stored for it (kept by the writer)."""
    return f"{PREFIX}:known:{site}"


def known_rebuild_key(site: str) -> str:
    """The writer's fresh copy of a site's known hash, renamed over it when complete."""
    return f"{PREFIX}:known-rebuild:{site}"


def redis_url(settings: BaseSettings | None = None) -> str:
    """KHABAR_REDIS_URL from `-s` (or settings), else the environment; '' = single machine."""
    value = settings.get("KHABAR_REDIS_URL") if settings is not None else None
    return value or os.environ.get("KHABAR_REDIS_URL", "")


def connect(url: str) -> redis.Redis:
    """A client for `url`; raises redis.ConnectionError with a clear message if unreachable."""
    import redis  # here, not at the top: single-machine commands never need the client

    client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
    client.ping()
    return client
