"""Spider arguments on a real crawl of the al-Watan replica: `-a limit=N`, `-a since=DATE`."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from spiders.news import parse_arguments, unknown_arguments
from tests.conftest import FAST, run_scrapy
from tests.support.replay import ReplayServer, ReplaySite


@pytest.fixture(scope="module")
def server(corpus_dir: Path):
    site = ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv")
    with ReplayServer([site]) as replay:
        yield replay


def stored(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT url, published_at FROM articles ORDER BY url").fetchall()
    finally:
        conn.close()


def test_limit_stops_after_n_articles(server: ReplayServer, tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    run_scrapy(
        ["crawl", "alwatan", "-a", "limit=3", *FAST], env={**server.env(), "KHABAR_DB": str(db)}
    )
    assert len(stored(db)) == 3


def test_since_skips_older_articles_from_every_source(server: ReplayServer, tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    run_scrapy(
        ["crawl", "alwatan", "-a", "since=2017-02-01", *FAST],
        env={**server.env(), "KHABAR_DB": str(db)},
    )
    rows = stored(db)
    # Feeds and sitemaps are filtered before fetching; listing links after extraction.
    assert [url.rsplit("/", 1)[1] for url, _ in rows] == ["87355", "90418", "93580", "94762"]
    assert all(published >= "2017-02-01" for _, published in rows)


@pytest.mark.parametrize(
    ("limit", "since", "expected"),
    [
        (None, None, (None, None)),
        ("5", None, (5, None)),
        (7, "2024-02-15", (7, datetime(2024, 2, 15, tzinfo=UTC))),
        ("", "", (None, None)),
    ],
)
def test_parse_arguments(limit, since, expected) -> None:
    assert parse_arguments(limit, since) == expected


@pytest.mark.parametrize(
    ("limit", "since", "message"),
    [
        ("0", None, "limit must be a positive"),
        ("-3", None, "limit must be a positive"),
        ("ten", None, "limit must be a positive"),
        (None, "yesterday", "since must be a date"),
        (None, "15/02/2024", "since must be a date"),
    ],
)
def test_parse_arguments_refuses(limit, since, message) -> None:
    with pytest.raises(UsageError, match=message):
        parse_arguments(limit, since)


def test_bad_argument_ends_the_crawl_with_one_clear_line(tmp_path: Path) -> None:
    proc = run_scrapy(
        ["crawl", "alwatan", "-a", "limit=zero"],
        env={"KHABAR_DB": str(tmp_path / "k.sqlite")},
        check=False,
    )
    assert proc.returncode == 1  # the run is recorded failed
    assert "Traceback" not in proc.stderr
    assert "bad argument: limit must be a positive number of articles, got 'zero'" in proc.stderr
    assert (
        proc.stderr.strip()
        .splitlines()[-1]
        .endswith("(0 pages, 0 new, 1 errors → " + str(tmp_path / "k.sqlite") + ", run 1)")
    )


def test_unknown_arguments() -> None:
    assert unknown_arguments(["limit", "since"]) is None
    assert unknown_arguments(["limt"]) == (
        "unknown spider argument 'limt' (known: limit, since, backfill, until)"
    )
    assert unknown_arguments(["sinse", "limt", "limit"]) == (
        "unknown spider arguments 'limt', 'sinse' (known: limit, since, backfill, until)"
    )


def test_a_mistyped_argument_is_refused_not_ignored(tmp_path: Path) -> None:
    """`-a limt=20` ran a full, unlimited crawl without a word (issue 17, defect 17)."""
    proc = run_scrapy(
        ["crawl", "alwatan", "-a", "limt=20"],
        env={"KHABAR_DB": str(tmp_path / "k.sqlite")},
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "khabar: alwatan: failed: bad argument: unknown spider argument 'limt' " in last
    assert "(known: limit, since, backfill, until) (0 pages, 0 new, 1 errors" in last
