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

from crawler.cli import khabar
from crawler.commands.writer import command
from crawler.distributed import keys
from crawler.distributed.known import RedisKnownArticles
from crawler.fingerprint import NearDupIndex, content_hash, minhash
from crawler.record import ArticleItem, GoneArticle, to_wire
from storage.store import ArticleStore
from tests.support.cluster import PROJECT_ROOT, stored_count, wait_for
from tests.support.newssite import WORDS
from tests.support.redis_server import RedisServer
from tests.test_scheduler import write_config

FAULT_HOOK = Path(__file__).resolve().parent / "support" / "sqlite_faults"


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
    assert server.llen(keys.ITEMS) == 0 and keys.processing_count(server) == 0
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
    assert keys.processing_count(server) == 0


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
    assert "1 new" in output and "1 dead-lettered" in output


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


def uncommitted_batch_in_hand(server: redis.Redis, db: Path, at_least: int) -> bool:
    """`at_least` articles stored, and a writer holding a batch it has not committed yet (its
    first item is not stored): a SIGKILL now leaves that batch in hand, since committing the
    rest of it takes far longer than delivering the signal."""
    if stored_count(db) < at_least:
        return False
    for key in keys.processing_keys(server):
        first = server.lindex(key, 0)
        if first is not None:
            url = json.loads(first)["canonical_url"]
            return rows(db, f"SELECT COUNT(*) FROM articles WHERE canonical_url = '{url}'") == [
                (0,)
            ]
    return False


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
        lambda: uncommitted_batch_in_hand(server, db, 100),
        120,
        "100 articles stored and a batch in hand",
        poll=0.005,
    )
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=10)
    in_hand = keys.processing_count(server)
    assert 0 < stored_count(db) < total and in_hand > 0

    again = start_writer(db, redis_server.url, "--idle-exit", "1")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [
        (total, total)
    ]
    assert rows(db, "SELECT COUNT(*) FROM article_revisions") == [(0,)]
    assert server.llen(keys.ITEMS) == 0 and keys.processing_count(server) == 0


def test_sigterm_stops_the_daemon_cleanly(redis_server: RedisServer, tmp_path: Path) -> None:
    writer = start_writer(tmp_path / "khabar.sqlite", redis_server.url)
    wait_for(lambda: (tmp_path / "khabar.sqlite").exists(), 60, "the writer to open the file")
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=30)
    assert writer.returncode == 0
    assert err.strip().splitlines()[-1].startswith("khabar writer: 0 new")


# --- poison items (issue 17, defect 6) ----------------------------------------------------------

POISON = [
    (b"null", "unreadable: not a khabar item: a JSON NoneType, not an object"),
    (b"[1, 2, 3]", "unreadable: not a khabar item: a JSON list, not an object"),
    (b"42", "unreadable: not a khabar item: a JSON int, not an object"),
    (b"{not json", "unreadable: Expecting property name enclosed in double quotes"),
    (b'{"kind": "gone"}', "unreadable: bad gone item: "),
    (b"\xff\xfe not UTF-8", "unreadable: "),
]


def dead_letters(server: redis.Redis) -> list[dict]:
    return [json.loads(raw) for raw in server.lrange(keys.DEAD, 0, -1)]


def test_poison_items_are_parked_with_their_reason_and_the_writer_goes_on(
    server: redis.Redis, tmp_path: Path
) -> None:
    """A queue item that is valid JSON but not an object used to kill the writer with a
    TypeError, its batch left in the processing list and retried first on every restart."""
    db = tmp_path / "khabar.sqlite"
    server.rpush(keys.PROCESSING, b"null")  # a crashed 0.2.0 writer's batch: the old loop
    for data, _ in POISON:
        server.lpush(keys.ITEMS, data)
    push(server, article(1), article(2))
    code, output = run_writer(db)
    assert code == 0, output
    assert "2 new" in output and f"{len(POISON) + 1} dead-lettered" in output
    assert rows(db, "SELECT COUNT(*) FROM articles") == [(2,)]
    assert server.llen(keys.ITEMS) == 0 and keys.processing_count(server) == 0
    parked = dead_letters(server)
    assert sorted(p["item"].encode("latin-1" if p["encoding"] == "latin-1" else "utf-8")
                  for p in parked) == sorted([b"null", *(data for data, _ in POISON)])
    by_item = {p["item"]: p["reason"] for p in parked}
    for data, reason in POISON[:-1]:
        assert by_item[data.decode()].startswith(reason), by_item
    assert all(p["parked_at"] for p in parked)
    # Nothing left to crash on: the next writer starts and stops cleanly.
    code, output = run_writer(db)
    assert code == 0 and "0 new" in output and "0 dead-lettered" in output
    assert len(dead_letters(server)) == len(POISON) + 1


def test_an_article_the_store_refuses_is_parked_and_the_rest_of_its_batch_stored(
    server: redis.Redis, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    bad = to_wire(article(2))
    bad["title"] = ["a", "list"]  # reads as an item; the store cannot take it
    push(server, article(1))
    server.lpush(keys.ITEMS, json.dumps(bad))
    push(server, article(3))
    code, output = run_writer(db)
    assert code == 0, output
    assert "2 new" in output and "1 dead-lettered" in output
    assert rows(db, "SELECT url FROM articles ORDER BY url") == [
        ("https://alwatan.test/archives/1",),
        ("https://alwatan.test/archives/3",),
    ]
    [parked] = dead_letters(server)
    assert parked["reason"].startswith("store error: ") and json.loads(parked["item"]) == bad


def status_json(tmp_path: Path, db: Path) -> tuple[int, list[dict], str]:
    env = {"KHABAR_CONFIG": str(write_config(tmp_path)), "KHABAR_DB": str(db)}
    result = CliRunner().invoke(khabar, ["status", "--json"], env=env)
    text = CliRunner().invoke(khabar, ["status"], env=env)
    assert text.exit_code == result.exit_code
    return result.exit_code, json.loads(result.stdout), text.stdout


def test_status_counts_dead_letters_and_fails(server: redis.Redis, tmp_path: Path) -> None:
    db = tmp_path / "khabar.sqlite"
    push(server, article(1))
    assert run_writer(db)[0] == 0
    code, sites, text = status_json(tmp_path, db)
    assert code == 0, text
    assert {s["distributed"]["writer_dead_letters"] for s in sites} == {0}
    server.lpush(keys.ITEMS, b"null")
    assert run_writer(db)[0] == 0
    code, sites, text = status_json(tmp_path, db)
    assert code == 1
    assert {s["distributed"]["writer_dead_letters"] for s in sites} == {1}
    assert (
        f"dead letters: 1 items could not be stored; their reasons are in the Redis list "
        f"{keys.DEAD}" in text
    )


# --- a failed commit acknowledges nothing (issue 17, audit gap) ---------------------------------


def test_a_failed_commit_acknowledges_nothing_and_loses_nothing(
    server: redis.Redis, redis_server: RedisServer, tmp_path: Path
) -> None:
    """The database is full when the writer commits its first batch (SQLite's own SQLITE_FULL,
    tests/support/sqlite_faults): it stops, exit 1, with the whole batch still queued and
    nothing published as known; the next writer stores all of it. A writer that acknowledged
    before committing would lose the batch."""
    db = tmp_path / "khabar.sqlite"
    ArticleStore(db).close()
    conn = sqlite3.connect(db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    total = 30
    push(server, *(article(n) for n in range(total)))
    full = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "writer", "--db", str(db), "--idle-exit", "1"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "KHABAR_REDIS_URL": redis_server.url,
            "PYTHONPATH": f"{FAULT_HOOK}{os.pathsep}{PROJECT_ROOT}",
            "KHABAR_TEST_SQLITE_PRAGMA": f"max_page_count={pages + 2}",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert full.returncode == 1, full.stderr
    assert stored_count(db) == 0
    assert keys.processing_count(server) + server.llen(keys.ITEMS) == total  # none acknowledged
    assert server.hlen(keys.known_key("alwatan")) == 0 and server.llen(keys.DEAD) == 0
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith(f"khabar writer: failed: disk full; the {total} items in hand stay ")
    assert "Traceback" not in full.stderr

    code, output = run_writer(db)
    assert code == 0, output
    assert f"{total} new" in output
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [
        (total, total)
    ]
    assert keys.processing_count(server) == 0 and server.hlen(keys.known_key("alwatan")) == total


# --- the known-articles hash says what the database says (issue 17, defect 1) -------------------


def test_rows_deleted_from_the_database_are_no_longer_known_to_workers(
    server: redis.Redis, tmp_path: Path
) -> None:
    db = tmp_path / "khabar.sqlite"
    push(server, *(article(n) for n in range(5)), article(9, site="sana"))
    assert run_writer(db)[0] == 0
    urls = [f"https://alwatan.test/archives/{n}" for n in range(5)]
    server.sadd(keys.seen_key("alwatan"), *urls)  # what the workers requested
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM articles WHERE url IN (?, ?)", urls[:2])
    conn.execute("DELETE FROM articles WHERE site = 'sana'")
    conn.commit()
    conn.close()
    assert run_writer(db)[0] == 0  # a writer's start rebuilds the hashes
    known = RedisKnownArticles(server, "alwatan")
    assert [known.is_known(url) for url in urls] == [False, False, True, True, True]
    assert sorted(server.smembers(keys.seen_key("alwatan"))) == [u.encode() for u in urls[2:]]
    assert not server.exists(keys.known_key("sana"))
    assert not list(server.scan_iter(match=keys.known_rebuild_key("*")))
