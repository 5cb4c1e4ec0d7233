"""End to end: distributed crawl workers on a real redis-server, one `khabar writer`.

Three `scrapy crawl alwatan` workers (and one of sana) crawl the replicas through the
loopback replay proxy, as tests/test_crawl_replica.py does for one process; one writer stores
what they push. Then a generated news site (tests/support/newssite.py) is crawled by three
workers while one worker and then the writer are SIGKILLed mid-run.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.distributed import keys
from crawler.distributed.status import queue_status
from tests.support.cluster import (
    PROJECT_ROOT,
    start_worker,
    start_writer,
    stored_count,
    wait_all,
    wait_for,
)
from tests.support.newssite import CONFIG, HOST, build_site
from tests.support.redis_server import RedisServer
from tests.support.replay import ReplayServer, ReplaySite

ALWATAN_ARTICLES = 14
SANA_ARTICLES = 2
KHABAR = (sys.executable, "-m", "crawler.cli")
GENERATED_ARTICLES = 300  # 2,000 in bench/distributed.py; a test must stay short on 2 cores


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


def fetched(proxy: ReplayServer) -> Counter[str]:
    """Fetches per URL counted at the server; robots.txt is read by each worker for itself."""
    return Counter(url for _, url, _ in proxy.requests if not url.endswith("/robots.txt"))


def drain_and_stop(writer, redis_server: RedisServer) -> int:  # type: ignore[no-untyped-def]
    client = redis_server.client()
    wait_for(
        lambda: client.llen(keys.ITEMS) == 0 and keys.processing_count(client) == 0,
        120,
        "the writer to drain the queue",
    )
    writer.send_signal(signal.SIGTERM)
    return int(writer.wait(60))


@pytest.fixture(scope="module")
def replicas_crawled(
    corpus_dir: Path, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    """Run 1: 3 al-Watan workers and 1 SANA worker + 1 writer. Run 2: 2 al-Watan workers."""
    redis_server.flush()
    tmp = tmp_path_factory.mktemp("replicas")
    alwatan = ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv")
    sana = ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv")
    db = tmp / "khabar.sqlite"
    worker_db = tmp / "worker.sqlite"
    with ReplayServer([alwatan, sana]) as proxy:
        env = {
            **proxy.env(),
            "KHABAR_REDIS_URL": redis_server.url,
            "KHABAR_DB": str(worker_db),  # a worker must ignore it
            "KHABAR_EXTRACT_WORKERS": "0",
        }
        writer = start_writer(db, env, tmp / "writer.log")
        workers = [start_worker("alwatan", env, tmp / f"run1-alwatan-{i}.log") for i in range(3)]
        workers.append(start_worker("sana", env, tmp / "run1-sana.log"))
        first_codes = wait_all(workers, 300)
        first_writer_code = drain_and_stop(writer, redis_server)
        first = fetched(proxy)
        first_rows = rows(db, "SELECT site, url FROM articles ORDER BY url")
        proxy.reset_log()
        # Run 1 ends a heartbeat TTL after its last worker stopped.
        client = redis_server.client()
        wait_for(lambda: not client.exists(keys.run_key("alwatan")), 60, "run 1 to end")

        writer = start_writer(db, env, tmp / "writer.log")
        workers = [start_worker("alwatan", env, tmp / f"run2-{i}.log") for i in range(2)]
        second_codes = wait_all(workers, 300)
        drain_and_stop(writer, redis_server)
        second = fetched(proxy)
    return {
        "db": db,
        "tmp": tmp,
        "worker_db": worker_db,
        "codes": first_codes + second_codes + [first_writer_code],
        "first": first,
        "first_rows": first_rows,
        "second": second,
    }


def test_every_article_is_stored_once(replicas_crawled: dict) -> None:
    assert replicas_crawled["codes"] == [0] * 7
    sites = Counter(site for site, _ in replicas_crawled["first_rows"])
    assert sites == {"alwatan": ALWATAN_ARTICLES, "sana": SANA_ARTICLES}
    urls = [url for _, url in replicas_crawled["first_rows"]]
    assert len(urls) == len(set(urls))
    assert not any("utm_" in u or u.endswith("/amp") for u in urls)


def test_no_url_is_fetched_twice_across_workers(replicas_crawled: dict) -> None:
    first = replicas_crawled["first"]
    assert first, "nothing was fetched"
    assert {url: n for url, n in first.items() if n > 1} == {}
    stored = {url for _, url in replicas_crawled["first_rows"]}
    assert stored <= set(first)


def test_a_second_run_reads_discovery_again_and_fetches_no_article(
    replicas_crawled: dict,
) -> None:
    first, second = replicas_crawled["first"], replicas_crawled["second"]
    stored = {url for _, url in replicas_crawled["first_rows"]}
    assert not stored & set(second)
    assert {url: n for url, n in second.items() if n > 1} == {}
    # Feeds, sitemaps and first listing pages are read every run (once); pagination stops
    # at a page whose articles are all stored, as in a local crawl.
    discovery = {
        url
        for url in first
        if url.startswith("https://alwatan.sy") and url not in stored and "/page/" not in url
    }
    assert discovery and discovery <= set(second)
    assert rows(replicas_crawled["db"], "SELECT COUNT(*) FROM articles") == [
        (ALWATAN_ARTICLES + SANA_ARTICLES,)
    ]


def test_the_agency_copy_on_sana_is_grouped_with_the_seed(replicas_crawled: dict) -> None:
    groups = rows(
        replicas_crawled["db"],
        "SELECT url, dup_group FROM articles WHERE url IN "
        "('https://alwatan.sy/archives/94762', 'https://sana.sy/?p=532871') ORDER BY url",
    )
    assert len(groups) == 2 and groups[0][1] is not None and groups[0][1] == groups[1][1]
    unrelated = rows(
        replicas_crawled["db"],
        "SELECT dup_group FROM articles WHERE url = 'https://sana.sy/?p=532640'",
    )
    assert unrelated == [(None,)]


def test_workers_never_touch_a_database_file(replicas_crawled: dict) -> None:
    assert not replicas_crawled["worker_db"].exists()
    logs = "".join(p.read_text() for p in replicas_crawled["tmp"].glob("run*.log"))
    assert "Worker " in logs and "joined run" in logs
    assert "Traceback" not in logs


def test_schedule_distributed_queues_a_run_that_workers_crawl(
    corpus_dir: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    redis_server.flush()
    client = redis_server.client()
    sana = ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv")
    db = tmp_path / "khabar.sqlite"
    with ReplayServer([sana]) as proxy:
        env = {
            **proxy.env(),
            "KHABAR_REDIS_URL": redis_server.url,
            "KHABAR_DB": str(db),
            "KHABAR_EXTRACT_WORKERS": "0",
        }
        seed = subprocess.run(
            [*KHABAR, "schedule", "--once", "--distributed", "--site", "sana"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert seed.returncode == 0, seed.stderr
        assert seed.stdout.startswith("sana: run 0 seeded")
        seeded = client.zcard(keys.requests_key("sana"))
        assert seeded > 0 and proxy.requests == []  # queued, not fetched, by the scheduler
        writer = start_writer(db, env, tmp_path / "writer.log")
        worker = start_worker("sana", env, tmp_path / "worker.log")
        assert wait_all([worker], 300) == [0]
        assert drain_and_stop(writer, redis_server) == 0
        fetches = fetched(proxy)
    assert rows(db, "SELECT COUNT(*) FROM articles") == [(SANA_ARTICLES,)]
    # The workers' own start requests joined the seeded run: nothing was read twice.
    assert {url: n for url, n in fetches.items() if n > 1} == {}


def test_without_redis_schedule_distributed_says_so(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*KHABAR, "schedule", "--once", "--distributed"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_REDIS_URL": "", "KHABAR_DB": str(tmp_path / "x.sqlite")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "khabar: --distributed needs KHABAR_REDIS_URL (redis://host:6379/0)"
    )


def holders(
    client: redis.Redis, workers: list[subprocess.Popen[bytes]]
) -> list[subprocess.Popen[bytes]]:
    """The workers holding requests they took and have not finished, right now."""
    return [
        worker
        for worker in workers
        if any(
            not field.startswith(b"s:")
            for field in client.hkeys(
                keys.inflight_key("bench", f"{socket.gethostname()}:{worker.pid}")
            )
        )
    ]


def test_generated_site_survives_a_killed_worker_and_a_killed_writer(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    redis_server.flush()
    client = redis_server.client()
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "khabar.sqlite"
    with ReplayServer([build_site(GENERATED_ARTICLES)]) as proxy:
        env = {
            **proxy.env(),
            "KHABAR_CONFIG": str(config),
            "KHABAR_REDIS_URL": redis_server.url,
            "KHABAR_EXTRACT_WORKERS": "0",
        }
        fast = ("CONCURRENT_REQUESTS=32", "CONCURRENT_REQUESTS_PER_DOMAIN=32")
        writer = start_writer(db, env, tmp_path / "writer.log")
        workers = [start_worker("bench", env, tmp_path / f"worker{i}.log", fast) for i in range(3)]
        wait_for(lambda: stored_count(db) >= GENERATED_ARTICLES // 4, 240, "25 % stored")
        status = queue_status(client, ["bench"])
        assert sorted(w["pid"] for w in status.workers) == sorted(w.pid for w in workers)
        assert any(w["busy"] for w in status.workers)
        assert any(line.startswith("bench: ") for line in status.lines())
        # Kill a worker that holds taken, unfinished requests: those are what must come back.
        held: list[subprocess.Popen[bytes]] = []
        wait_for(lambda: bool(held.extend(holders(client, workers)) or held), 60, "work held")
        held[0].send_signal(signal.SIGKILL)
        wait_for(
            lambda: stored_count(db) >= GENERATED_ARTICLES // 2 and keys.processing_count(client),
            240,
            "half stored and a batch in hand",
            poll=0.01,
        )
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        writer = start_writer(db, env, tmp_path / "writer.log")
        codes = wait_all(workers, 300)
        assert drain_and_stop(writer, redis_server) == 0
        article_fetches = Counter(
            url for _, url, _ in proxy.requests if url.startswith(f"https://{HOST}/archives/")
        )
    assert sorted(codes) == [-signal.SIGKILL, 0, 0]
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [
        (GENERATED_ARTICLES, GENERATED_ARTICLES)
    ]
    assert rows(db, "SELECT COUNT(*) FROM article_revisions") == [(0,)]
    assert len(article_fetches) == GENERATED_ARTICLES
    # Only what the killed worker had taken is fetched again: the requests put back.
    refetched = sum(n - 1 for n in article_fetches.values())
    recovered = sum(
        int(m)
        for log in tmp_path.glob("worker*.log")
        for m in re.findall(r"put (\d+) requests of a silent worker back", log.read_text())
    )
    assert recovered > 0 and refetched <= recovered
    assert client.zcard(keys.requests_key("bench")) == 0
