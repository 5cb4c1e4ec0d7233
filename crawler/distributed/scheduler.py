"""The worker's scheduler: scrapy-redis' Scheduler on the shared queue, joined to the site's run.

On open the worker registers in the site's workers set and joins the current run, or starts a
new one (discovery pages are read again each run, and once per run however many workers join
it or seeds were queued for it). A run ends KHABAR_HEARTBEAT_TTL after its last worker left,
so workers started a few seconds apart share one. The
queue and fingerprints always persist: the queue is shared, and the last worker to leave must
not wipe what the others still need. On a clean finish the worker's in-flight entries are done
and dropped; on any other close they go back to the queue.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any, Self

from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from crawler.distributed import keys
from crawler.distributed.queue import requeue, worker_id

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_NOW = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
"""
# KEYS: workers zset, run key, request queue. ARGV: worker, heartbeat ttl, id for a new run.
# A new run starts when the last one has ended (its key expired a TTL after its last worker
# left), or when its workers all died and nothing of it is left in the queue.
_JOIN = (
    _NOW
    + """
local live = redis.call('ZCOUNT', KEYS[1], t - tonumber(ARGV[2]), '+inf')
redis.call('ZADD', KEYS[1], t, ARGV[1])
local abandoned = live == 0 and redis.call('PTTL', KEYS[2]) == -1
if redis.call('EXISTS', KEYS[2]) == 0 or (abandoned and redis.call('ZCARD', KEYS[3]) == 0) then
  redis.call('SET', KEYS[2], ARGV[3])
end
redis.call('PERSIST', KEYS[2])
return redis.call('GET', KEYS[2])
"""
)
# KEYS: workers zset, run key. ARGV: worker, heartbeat ttl. The last worker to leave gives the
# run a TTL of grace: workers started a little late still join it.
_LEAVE = (
    _NOW
    + """
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCOUNT', KEYS[1], t - tonumber(ARGV[2]), '+inf') == 0 then
  redis.call('PEXPIRE', KEYS[2], math.floor(tonumber(ARGV[2]) * 1000))
end
"""
)


class WorkerScheduler(Scheduler):
    def __init__(self, server: Any, heartbeat_ttl: float, **kwargs: Any) -> None:
        super().__init__(server, persist=True, **kwargs)
        self.heartbeat_ttl = heartbeat_ttl
        self.worker = worker_id()
        self.run = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        instance = cls(
            keys.connect(keys.redis_url(s)),
            s.getfloat("KHABAR_HEARTBEAT_TTL"),
            queue_key=s.get("SCHEDULER_QUEUE_KEY"),
            queue_cls=s.get("SCHEDULER_QUEUE_CLASS"),
            dupefilter_key=s.get("SCHEDULER_DUPEFILTER_KEY"),
            dupefilter_cls=s.get("DUPEFILTER_CLASS"),
        )
        instance.stats = crawler.stats
        return instance

    def open(self, spider: Spider) -> None:
        # scrapy-redis' open(), minus its deprecated Spider.log() call.
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        self.df = load_object(self.dupefilter_cls).from_spider(spider)
        join = self.server.register_script(_JOIN)
        run = join(
            keys=[
                keys.workers_key(spider.name),
                keys.run_key(spider.name),
                keys.requests_key(spider.name),
            ],
            args=[self.worker, self.heartbeat_ttl, uuid.uuid4().hex],
        )
        self.run = run.decode() if isinstance(run, bytes) else str(run)
        logger.info(
            "Worker %s joined run %s of %s (%d requests queued)",
            self.worker,
            self.run,
            spider.name,
            len(self.queue),
        )

    def close(self, reason: str) -> None:
        site = self.spider.name
        if reason == "finished":
            self.server.delete(keys.inflight_key(site, self.worker))
        else:
            requeue(self.server, site, self.worker)
        leave = self.server.register_script(_LEAVE)
        leave(
            keys=[keys.workers_key(site), keys.run_key(site)],
            args=[self.worker, self.heartbeat_ttl],
        )

    # The two methods below are scrapy-redis' own, with stats calls in Scrapy's current form.
    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self._stats().inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self._stats().inc_value("scheduler/dequeued/redis")
        return request

    def _stats(self) -> StatsCollector:
        assert self.stats is not None
        return self.stats
