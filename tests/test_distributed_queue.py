"""Distributed mode's parts on a real redis-server, without a crawl: the reliable queue (a taken
request is kept until finished), the canonical-URL dupefilter, and the KHABAR_REDIS_URL switch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as khabar_settings
from crawler.config import load_config
from crawler.distributed import keys
from crawler.distributed.dupefilter import CanonicalDupeFilter
from crawler.distributed.heartbeat import WorkerHeartbeat
from crawler.distributed.pipeline import PushToWriterPipeline
from crawler.distributed.queue import TOKEN, ReliableQueue, ack, requeue, requeue_dead, worker_id
from crawler.distributed.retry_later import RetryFailedArticlesLater
from crawler.distributed.scheduler import WorkerScheduler
from crawler.distributed.status import current_status, queue_status, status_lines
from crawler.extensions.crawlrecord import CrawlRunRecorder
from crawler.known import META_ARTICLE_KEY, META_CHANGED_AT, META_KNOWN
from pipelines.deduplicate import DeduplicatePipeline
from pipelines.store import StorePipeline
from spiders.news import spider_class_for
from tests.conftest import PROJECT_ROOT
from tests.support.redis_server import RedisServer


class SiteSpider(Spider):
    name = "site"

    def parse(self, response: object) -> None:
        pass


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def server(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def in_flight(server: redis.Redis, worker: str = "") -> list[bytes]:
    taken = server.hgetall(keys.inflight_key("site", worker or worker_id()))
    return sorted(f for f in taken if not f.startswith(b"s:"))


def test_a_taken_request_is_parked_until_acknowledged(server: redis.Redis) -> None:
    queue = ReliableQueue(server, SiteSpider(), keys.REQUESTS)
    queue.push(Request("https://a.test/low", priority=0))
    queue.push(Request("https://a.test/high", priority=10))
    taken = queue.pop()
    assert taken is not None and taken.url == "https://a.test/high"  # priority order kept
    assert len(queue) == 1
    assert in_flight(server) == [taken.meta[TOKEN].encode()]
    ack(server, "site", worker_id(), taken.meta[TOKEN])
    assert in_flight(server) == []
    assert server.hlen(keys.inflight_key("site", worker_id())) == 0


def test_requeue_puts_taken_requests_back_with_their_priority(server: redis.Redis) -> None:
    queue = ReliableQueue(server, SiteSpider(), keys.REQUESTS)
    queue.push(Request("https://a.test/article", priority=10))
    queue.push(Request("https://a.test/listing", priority=0))
    assert queue.pop().url == "https://a.test/article"  # type: ignore[union-attr]
    assert requeue(server, "site", worker_id()) == 1
    assert queue.pop().url == "https://a.test/article"  # type: ignore[union-attr]


def test_a_retry_copy_is_queued_as_a_new_entry(server: redis.Redis) -> None:
    queue = ReliableQueue(server, SiteSpider(), keys.REQUESTS)
    queue.push(Request("https://a.test/x"))
    taken = queue.pop()
    assert taken is not None
    queue.push(taken.replace(dont_filter=True))  # what RetryMiddleware schedules
    again = queue.pop()
    assert again is not None and again.meta[TOKEN] != taken.meta[TOKEN]
    assert TOKEN in taken.meta  # the original keeps its own entry


def test_silent_workers_requests_go_back_to_the_queue(server: redis.Redis) -> None:
    queue = ReliableQueue(server, SiteSpider(), keys.REQUESTS)
    queue.push(Request("https://a.test/1"))
    queue.push(Request("https://a.test/2"))
    queue.pop()
    now = float(server.time()[0])
    server.zadd(keys.workers_key("site"), {worker_id(): now - 100, "alive:1": now})
    assert requeue_dead(server, "site", heartbeat_ttl=30) == 1
    assert len(queue) == 2
    assert in_flight(server) == []
    assert server.zrange(keys.workers_key("site"), 0, -1) == [b"alive:1"]
    assert requeue_dead(server, "site", heartbeat_ttl=30) == 0


def test_the_test_server_keeps_nothing_on_disk(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    assert client.config_get("save") == {"save": ""}
    assert client.config_get("appendonly") == {"appendonly": "no"}
    assert client.config_get("bind")["bind"] == "127.0.0.1"
    client.close()


# -- the dupefilter --------------------------------------------------------------------------


def article_request(url: str, key: str, **meta: object) -> Request:
    return Request(url, meta={META_ARTICLE_KEY: key, **meta})


def test_article_variants_are_one_request_across_workers_and_runs(server: redis.Redis) -> None:
    worker_a = CanonicalDupeFilter(server, "site", ("a.test",))
    worker_b = CanonicalDupeFilter(server, "site", ("a.test",))
    key = "https://a.test/archives/1"
    assert not worker_a.request_seen(article_request(key, key))
    # The spider keys an article by its canonical URL: utm and AMP variants collapse.
    assert worker_b.request_seen(article_request(f"{key}/amp?utm_source=x", key))
    server.set(keys.run_key("site"), "next-run")
    assert worker_b.request_seen(article_request(key, key))


def test_a_changed_article_is_fetched_once_per_change(server: redis.Redis) -> None:
    dupefilter = CanonicalDupeFilter(server, "site", ("a.test",))
    key = "https://a.test/archives/1"
    assert not dupefilter.request_seen(article_request(key, key))
    edited = {META_KNOWN: True, META_CHANGED_AT: "2026-11-30T10:00:00+00:00"}
    assert not dupefilter.request_seen(article_request(key, key, **edited))
    assert dupefilter.request_seen(article_request(key, key, **edited))


def test_discovery_pages_are_read_once_per_run(server: redis.Redis) -> None:
    dupefilter = CanonicalDupeFilter(server, "site", ("a.test",))
    server.set(keys.run_key("site"), "run-1")
    feed = Request("https://a.test/feed/")
    assert not dupefilter.request_seen(feed)
    assert dupefilter.request_seen(Request("https://a.test/feed/?utm_medium=rss"))
    server.set(keys.run_key("site"), "run-2")
    assert not dupefilter.request_seen(feed)


def test_an_article_that_failed_is_requested_again_by_a_later_run(server: redis.Redis) -> None:
    dupefilter = CanonicalDupeFilter(server, "site", ("a.test",))
    later = RetryFailedArticlesLater(dupefilter)
    key = "https://a.test/archives/1"
    request = article_request(key, key)
    assert not dupefilter.request_seen(request)
    later.process_exception(request, TimeoutError())
    assert not dupefilter.request_seen(request)
    later.process_response(request, HtmlResponse(key, status=200))
    assert dupefilter.request_seen(request)
    later.process_response(request, HtmlResponse(key, status=503))
    assert not dupefilter.request_seen(request)


# -- the switch --------------------------------------------------------------------------------


def test_khabar_redis_url_turns_a_crawl_into_a_worker(redis_url: str) -> None:
    spider = spider_class_for(load_config().sites["alwatan"])
    project = {
        name: getattr(khabar_settings, name) for name in dir(khabar_settings) if name.isupper()
    }
    local = get_crawler(spider, {**project, "KHABAR_REDIS_URL": ""}).settings
    worker = get_crawler(spider, {**project, "KHABAR_REDIS_URL": redis_url}).settings
    assert local["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert worker["SCHEDULER"] == "crawler.distributed.scheduler.WorkerScheduler"
    assert worker["DUPEFILTER_CLASS"] == "crawler.distributed.dupefilter.CanonicalDupeFilter"
    assert worker["KHABAR_KNOWN_ARTICLES"] == "crawler.distributed.known.RedisKnownArticles"
    pipelines = [load_object(p) for p in build_component_list(worker.getwithbase("ITEM_PIPELINES"))]
    assert pipelines[-1] is PushToWriterPipeline
    assert not {DeduplicatePipeline, StorePipeline} & set(pipelines)
    assert {DeduplicatePipeline, StorePipeline} <= {
        load_object(p) for p in build_component_list(local.getwithbase("ITEM_PIPELINES"))
    }
    extensions = {load_object(e) for e in build_component_list(worker.getwithbase("EXTENSIONS"))}
    assert WorkerHeartbeat in extensions and CrawlRunRecorder not in extensions


def test_an_unreachable_redis_is_one_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "alwatan"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "KHABAR_REDIS_URL": "redis://127.0.0.1:1/0",
            "KHABAR_DB": str(tmp_path / "x.sqlite"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "KHABAR_REDIS_URL=redis://127.0.0.1:1/0: cannot reach Redis" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_status_shows_queues_and_worker_heartbeats(
    server: redis.Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = ReliableQueue(server, SiteSpider(), keys.REQUESTS)
    queue.push(Request("https://a.test/1"))
    queue.push(Request("https://a.test/2"))
    queue.pop()
    server.lpush(keys.ITEMS, b"{}")
    beat = {
        "worker": "host-b:42",
        "site": "site",
        "busy": True,
        "pages": 7,
        "items": 5,
        "started_at": "2026-11-30T10:00:00+00:00",
        "beat_at": "2026-11-30T10:05:00+00:00",
    }
    server.set(keys.heartbeat_key("host-b:42"), json.dumps(beat), ex=30)
    status = queue_status(server, ["site"])
    assert (status.items, status.requests, status.in_flight) == (1, {"site": 1}, {"site": 1})
    assert status.workers == [beat]
    monkeypatch.setenv("KHABAR_REDIS_URL", redis_url)
    assert status_lines(current_status(["site"]))[2:] == [
        "writer queue: 1 items waiting, 0 being written",
        "writer: none running",
        "site: 1 requests queued, 1 in flight",
        "worker host-b:42 (site): busy, 7 pages, 5 items, since 2026-11-30T10:00:00+00:00, "
        "last beat 2026-11-30T10:05:00+00:00",
    ]
    monkeypatch.setenv("KHABAR_REDIS_URL", "")
    assert status_lines(current_status(["site"])) == []


# -- runs ----------------------------------------------------------------------------------------


def test_workers_started_apart_share_a_run_until_it_ends(
    server: redis.Redis, redis_url: str
) -> None:
    spider = SiteSpider.from_crawler(get_crawler(SiteSpider, {"KHABAR_REDIS_URL": redis_url}))

    def joined() -> WorkerScheduler:
        scheduler = WorkerScheduler(
            server,
            heartbeat_ttl=0.5,
            queue_key=keys.REQUESTS,
            queue_cls="crawler.distributed.queue.ReliableQueue",
            dupefilter_key=keys.SEEN,
            dupefilter_cls="crawler.distributed.dupefilter.CanonicalDupeFilter",
        )
        scheduler.open(spider)
        return scheduler

    first = joined()
    first.close("finished")
    late = joined()  # within the grace after the last worker left: the same run
    assert late.run == first.run
    late.close("finished")
    time.sleep(0.7)
    after = joined()  # the run ended: feeds and sitemaps are read again
    assert after.run != first.run
    # Its worker dies without leaving; with nothing of its run queued, the next one starts over.
    server.zadd(keys.workers_key("site"), {after.worker: float(server.time()[0]) - 60})
    assert joined().run != after.run
