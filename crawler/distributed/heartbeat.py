"""Worker heartbeats, recovery of dead workers' requests, and when a worker may stop.

Every KHABAR_HEARTBEAT_INTERVAL seconds a worker writes `khabar:worker:<host>:<pid>` (JSON,
expiring after KHABAR_HEARTBEAT_TTL) and its time in the site's workers set, then puts back in
the queue the in-flight requests of any worker of the site whose heartbeat is older than the
TTL (SIGKILLed, or its machine lost). `khabar status` reads the heartbeats. The beat runs on
its own thread: extraction in the reactor (KHABAR_EXTRACT_WORKERS=0) or a loaded machine can
hold the reactor for seconds, and a worker that is slow is not dead.

A worker whose own work is done does not stop while the shared queue has requests, another
worker of the site is busy (it may still queue links) or a silent worker's requests are not yet
recovered; then it waits KHABAR_WORKER_IDLE_EXIT seconds more for new seeds (0: stop now).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from crawler.distributed import keys
from crawler.distributed.queue import requeue_dead, worker_id

if TYPE_CHECKING:
    import redis
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# KEYS: workers zset. ARGV: worker. The Redis clock, so the machines' clocks need not agree.
_BEAT = """
local now = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(now[1]) + tonumber(now[2]) / 1000000, ARGV[1])
"""


class WorkerHeartbeat:
    def __init__(
        self, crawler: Crawler, server: redis.Redis, interval: float, ttl: float, idle_exit: float
    ) -> None:
        self.crawler = crawler
        self.server = server
        self.interval = interval
        self.ttl = ttl
        self.idle_exit = idle_exit
        self.worker = worker_id()
        self.site = crawler.spidercls.name
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.idle_since: float | None = None
        self.busy = True  # sampled on the reactor, read by the beating thread
        self.sampler: task.LoopingCall | None = None
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self._beat = server.register_script(_BEAT)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        ext = cls(
            crawler,
            keys.connect(keys.redis_url(s)),
            s.getfloat("KHABAR_HEARTBEAT_INTERVAL"),
            s.getfloat("KHABAR_HEARTBEAT_TTL"),
            s.getfloat("KHABAR_WORKER_IDLE_EXIT"),
        )
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.sampler = task.LoopingCall(self.sample)
        self.sampler.start(self.interval, now=True)
        self.thread = threading.Thread(target=self._beat_loop, name="khabar-heartbeat", daemon=True)
        self.thread.start()

    def spider_closed(self, spider: Spider) -> None:
        if self.sampler is not None and self.sampler.running:
            self.sampler.stop()
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
        self.server.delete(keys.heartbeat_key(self.worker))

    def sample(self) -> None:
        engine = self.crawler.engine
        try:
            self.busy = engine is not None and not engine.spider_is_idle()
        except RuntimeError:  # the engine has no slot yet, or no more
            self.busy = False

    def _beat_loop(self) -> None:
        while True:
            self.beat()
            if self.stopped.wait(self.interval):
                return

    def beat(self) -> None:
        """Say this worker is alive (and whether busy); recover the requests of dead ones."""
        stats = self.crawler.stats
        assert stats is not None
        record = {
            "worker": self.worker,
            "site": self.site,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": self.started_at,
            "beat_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "busy": self.busy,
            "pages": stats.get_value("response_received_count", 0),
            "items": stats.get_value("item_scraped_count", 0),
        }
        self.server.set(
            keys.heartbeat_key(self.worker), json.dumps(record), px=int(self.ttl * 1000)
        )
        self._beat(keys=[keys.workers_key(self.site)], args=[self.worker])
        recovered = requeue_dead(self.server, self.site, self.ttl)
        if recovered:
            self.crawler.stats.inc_value("khabar/distributed/recovered", recovered)
            logger.warning(
                "%s: put %d requests of a silent worker back in the queue", self.site, recovered
            )

    def others_busy(self) -> bool:
        """Is another worker of the site busy, or silent with requests not yet recovered?"""
        for member in self.server.zrange(keys.workers_key(self.site), 0, -1):
            worker = member.decode()
            if worker == self.worker:
                continue
            raw = self.server.get(keys.heartbeat_key(worker))
            if raw is None or json.loads(raw)["busy"]:
                return True  # busy, or silent and not yet past the TTL: wait for recovery
        return False

    def spider_idle(self, spider: Spider) -> None:
        # Idle means everything this worker took is finished: leftovers are done entries that
        # were never acknowledged (download failures, redirected/retried originals).
        self.server.delete(keys.inflight_key(self.site, self.worker))
        self.busy = False
        self.beat()
        if self.server.zcard(keys.requests_key(self.site)) or self.others_busy():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_exit:
            raise DontCloseSpider
        logger.info("%s: the shared queue is empty and no worker is busy: stopping", self.site)
