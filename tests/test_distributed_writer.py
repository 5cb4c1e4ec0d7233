"""`khabar writer`: drains the workers' Redis queue into SQLite, acknowledging after each commit.

Real redis-server; items are made the way workers make them (crawler.record.to_wire) and
pushed on the queue. The CLI is tested through click's CliRunner and as a real subprocess,
including a SIGKILL with a batch in hand.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from crawler.commands.writer import command
from crawler.distributed import keys
from crawler.fingerprint import NearDupIndex, content_hash, minhash
from crawler.record import ArticleItem, GoneArticle, to_wire
from tests.support.cluster import PROJECT_ROOT, stored_count, wait_for
from tests.support.newssite import WORDS
from tests.support.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def server(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[redis.Redis]:
    redis_server.flush()
    monkeypatch.setenv("KHABAR_REDIS_URL", redis_server.url)
    client = redis_server.client()
    yield client
    client.close()


def article(n: int, site: str = "alwatan", body: str | None = None) -> ArticleItem:
    """An article as a worker pushes it: extracted, validated and normalised."""
    rng = random.Random(n)
    body = body or " ".join(rng.choice(WORDS) for _ in range(120))
    url = f"https://{site}.test/archives/{n}"
    return ArticleItem(
        url=url,
        site=site,
        found_via="sitemap",
        html=f"<html><body><p>{body}</p></body></html>".encode(),
        fetched_at="2026-11-30T10:00:00+00:00",
        title=f"خبر رقم {n}",
        published_at=f"2026-11-{1 + n % 28:02d}T10:00:00+03:00",
        language="ar",
        body=body,
        word_count=len(body.split()),
        minhash=NearDupIndex.signature_to_bytes(minhash(body)),
        canonical_url=url,
        content_hash=content_hash(body),
    )


def push(server: redis.Redis, *items: ArticleItem | GoneArticle) -> None:
    for item in items:
        server.lpush(keys.ITEMS, json.dumps(to_wire(item), ensure_ascii=False))


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def run_writer(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(command, ["--db", str(db), "--idle-exit", "0.5", *args])
    return result.exit_code, result.output


def test_writer_stores_every_item_once_and_publishes_what_is_known(
    server: redis.Redis, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    push(server, *(article(n) for n in range(120)))
    code, output = run_writer(db)
    assert code == 0, output
    assert "120 new" in output
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [(120, 120)]
    assert server.llen(keys.ITEMS) == 0 and server.llen(keys.PROCESSING) == 0
    known = server.hgetall(keys.known_key("alwatan"))
    assert len(known) == 120
    assert known[b"https://alwatan.test/archives/5"] == b"2026-11-06T07:00:00+00:00"
    # FTS is written in the same transaction: the search table knows every article.
    assert rows(db, "SELECT COUNT(*) FROM articles_fts") == [(120,)]


def test_a_restarted_writer_finishes_the_batch_in_hand_and_stores_nothing_twice(
    server: redis.Redis, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    push(server, *(article(n) for n in range(10)))
    assert run_writer(db)[0] == 0
    # A writer killed after committing these, before acknowledging them, and one killed
    # before committing those: both batches are still in the processing list.
    for item in (article(3), article(4), article(10), article(11)):
        server.rpush(keys.PROCESSING, json.dumps(to_wire(item)))
    code, output = run_writer(db)
    assert code == 0, output
    assert "2 new" in output and "2 unchanged" in output
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [(12, 12)]
    assert rows(db, "SELECT COUNT(*) FROM article_revisions") == [(0,)]
    assert server.llen(keys.PROCESSING) == 0


def test_near_duplicates_across_sites_are_grouped_and_gone_marks_applied(
    server: redis.Redis, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    rng = random.Random(7)
    story = " ".join(rng.choice(WORDS) for _ in range(150))
    copy = "قالت الوكالة " + story  # an agency copy with a new first words
    push(server, article(1, "alwatan", body=story), article(2, "sana", body=copy))
    assert run_writer(db)[0] == 0
    groups = rows(db, "SELECT dup_group FROM articles ORDER BY site")
    assert groups[0][0] is not None and groups[0] == groups[1]
    push(server, GoneArticle("alwatan", "https://alwatan.test/archives/1", 410))
    code, output = run_writer(db)
    assert code == 0 and "1 gone" in output
    assert rows(db, "SELECT status, http_status FROM articles WHERE site = 'alwatan'") == [
        ("gone", 410)
    ]


def test_an_unreadable_item_is_dropped_with_a_reason_not_fatal(
    server: redis.Redis, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    server.lpush(keys.ITEMS, b"{not json")
    push(server, article(1))
    code, output = run_writer(db)
    assert code == 0
    assert "1 new" in output and "1 unreadable" in output


def test_without_redis_it_says_so_in_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KHABAR_REDIS_URL", raising=False)
    result = CliRunner().invoke(command, ["--db", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "khabar: writer needs KHABAR_REDIS_URL (e.g. redis://localhost:6379/0)"
    ]
    monkeypatch.setenv("KHABAR_REDIS_URL", "redis://127.0.0.1:1/0")
    result = CliRunner().invoke(command, ["--db", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "khabar: cannot reach Redis at redis://127.0.0.1:1/0: "
        "Error 111 connecting to 127.0.0.1:1. Connection refused."
    ]
    assert not (tmp_path / "x.sqlite").exists()


def start_writer(db: Path, url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "writer", "--db", str(db), *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_REDIS_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_writer_sigkilled_mid_batch_loses_and_duplicates_nothing(
    server: redis.Redis, redis_server: RedisServer, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    total = 400
    push(server, *(article(n) for n in range(total)))
    writer = start_writer(db, redis_server.url)
    wait_for(
        lambda: stored_count(db) >= 100 and server.llen(keys.PROCESSING) > 0,
        120,
        "100 articles stored and a batch in hand",
        poll=0.005,
    )
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=10)
    in_hand = server.llen(keys.PROCESSING)
    assert 0 < stored_count(db) < total and in_hand > 0

    again = start_writer(db, redis_server.url, "--idle-exit", "1")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [
        (total, total)
    ]
    assert rows(db, "SELECT COUNT(*) FROM article_revisions") == [(0,)]
    assert server.llen(keys.ITEMS) == 0 and server.llen(keys.PROCESSING) == 0


def test_sigterm_stops_the_daemon_cleanly(redis_server: RedisServer, tmp_path: Path) -> None:
    writer = start_writer(tmp_path / "khabar.sqlite", redis_server.url)
    wait_for(lambda: (tmp_path / "khabar.sqlite").exists(), 60, "the writer to open the file")
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=30)
    assert writer.returncode == 0
    assert err.strip().splitlines()[-1].startswith("khabar writer: 0 new")
