"""The shared request queue of distributed mode keeps what a worker took until it is finished.

Real redis-server (tests/support/redis_server.py); no crawl: requests are pushed and taken as
the scheduler does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from scrapy import Request, Spider

from crawler.distributed import keys
from crawler.distributed.queue import TOKEN, ReliableQueue, ack, requeue, requeue_dead, worker_id
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
