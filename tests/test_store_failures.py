"""Whatever the store raises fails the run with its reason, and a row deleted by hand is stored
again by the next crawl (issue 17, defect 1).

Before: a batch write failing with anything but disk-full/read-only (an FTS IntegrityError after
a user deleted a site's rows with sqlite3) was logged mid-log as 'Scraper close failure', the run
recorded `ok … 0 new … 1 errors`, exit 0, and no later run could store those articles either.
The crawls are real `scrapy crawl`s of a generated site on the loopback replay proxy; the store
errors are SQLite's own (a trigger that refuses inserts, search entries left behind by a delete),
so khabar's code runs unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.extensions.crawlrecord import EXIT_RUN_FAILED
from storage import schema
from storage.store import ArticleStore
from tests.support.faults import plain_config, plain_site
from tests.support.replay import ReplayServer
from tests.test_run_outcome import HOST, SITE, crawl, last_run, status_of
from tests.test_store_transactions import record

REFUSE = (
    "CREATE TRIGGER refuse BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'not today'); END"
)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    return tmp_path


def sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("articles", "articles_fts", "pages", "article_minhash")
        }
    finally:
        conn.close()


def article_requests(server: ReplayServer) -> int:
    return sum(1 for _, url, _ in server.requests if "/article/" in url)


def test_an_unexpected_store_error_fails_the_run_and_loses_nothing(site_dir: Path) -> None:
    db = site_dir / "db.sqlite"
    site, _ = plain_site(SITE, HOST, 3)
    with ReplayServer([site]) as server:
        assert crawl(site_dir, server).returncode == 0  # a healthy history first
    sql(db, REFUSE)
    site, _ = plain_site(SITE, HOST, 6)  # three more articles since
    with ReplayServer([site]) as server:
        proc = crawl(site_dir, server)
    reason = "store error: IntegrityError: not today"
    assert proc.returncode == EXIT_RUN_FAILED, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Scraper close failure" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert f"khabar: {SITE}: failed: {reason} (" in last, last
    assert "Could not store 3 articles and 0 gone marks" in proc.stderr
    run = last_run(db)
    assert (run["status"], run["finish_reason"], run["articles_new"]) == ("failed", reason, 0)
    code, status = status_of(site_dir)
    assert (code, status["health"]) == (1, "failing")
    assert reason in status["reason"]
    # Nothing was lost: the articles were not stored, so they are not known, and the next run
    # (the store repaired) fetches and stores them.
    sql(db, "DROP TRIGGER refuse")
    with ReplayServer([site]) as server:
        proc = crawl(site_dir, server)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (last_run(db)["status"], last_run(db)["articles_new"]) == ("ok", 3)
    assert counts(db)["articles"] == counts(db)["articles_fts"] == 6


def test_rows_deleted_by_hand_are_fetched_and_stored_again(site_dir: Path) -> None:
    """The review's reproduction: `sqlite3 db "delete from articles where site='sana'"`."""
    db = site_dir / "db.sqlite"
    site, articles = plain_site(SITE, HOST, 4)
    with ReplayServer([site]) as server:
        assert crawl(site_dir, server).returncode == 0
        assert counts(db) == dict.fromkeys(counts(db), len(articles))
        sql(db, f"DELETE FROM articles WHERE site = '{SITE}'")
        # The delete took each article's search entry, signature and raw page with it.
        assert counts(db) == dict.fromkeys(counts(db), 0)
        server.reset_log()
        proc = crawl(site_dir, server)
        assert article_requests(server) == len(articles)  # the known-URL filter let them by
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = last_run(db)
    assert (run["status"], run["articles_new"], run["errors"]) == ("ok", len(articles), 0)
    assert counts(db) == dict.fromkeys(counts(db), len(articles))
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_what_a_delete_before_the_upgrade_left_behind_is_cleared(tmp_path: Path) -> None:
    """A 0.2.0 database where rows were deleted by hand: their search entries, signatures and
    pages are still there, keyed by ids the next articles get. The migration clears them."""
    db = tmp_path / "k.sqlite"
    store = ArticleStore(db)
    store.write_articles([record(n) for n in range(3)], crawl_id=None)
    store.close()
    sql(
        db,
        f"DROP TRIGGER {schema.ARTICLE_DELETE_TRIGGER}",
        "DELETE FROM _sqlite_migrations WHERE name = 'm010_article_delete_takes_its_dependents'",
        "PRAGMA application_id = 0",
        "PRAGMA user_version = 0",
        "DELETE FROM articles",
    )
    assert counts(db) == {"articles": 0, "articles_fts": 3, "pages": 3, "article_minhash": 3}
    store = ArticleStore(db)
    try:
        assert store.write_articles([record(n) for n in range(3, 5)], crawl_id=None).new == 2
    finally:
        store.close()
    assert counts(db) == dict.fromkeys(counts(db), 2)


def test_a_deleted_member_leaves_its_near_duplicate_group_right(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    store = ArticleStore(db)
    try:
        # record(n) resembles record(0): 1 and 2 join 0's group, of three.
        store.write_articles([record(0), record(1), record(2)], crawl_id=None)
        group = store.db.execute("SELECT id, size, original_article_id FROM dup_groups").fetchall()
        assert [(size, original) for _, size, original in group] == [(3, 1)]
        store.db.execute("DELETE FROM articles WHERE id = 1")
        assert store.db.execute("SELECT size, original_article_id FROM dup_groups").fetchall() == [
            (2, 2)
        ]
        store.db.execute("DELETE FROM articles WHERE id = 2")  # one left: no group any more
        assert store.db.execute("SELECT COUNT(*) FROM dup_groups").fetchone() == (0,)
        assert store.db.execute("SELECT dup_group FROM articles").fetchall() == [(None,)]
    finally:
        store.close()
