"""Hostile web, bad content, hostile XML/URLs: each fault is handled as specified.

The real `scrapy crawl faulty` runs twice over a generated site (tests/support/faults.py) served
by the fault-injecting replay proxy on 127.0.0.1. Every good article must be stored exactly once,
every fault must end with no row and one logged reason (after bounded retries), and a known
article that starts answering 404/410 must be kept and marked gone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest

from crawler.failures import failure_reason
from crawler.middlewares.retry_after import retry_after_seconds
from tests.support.faults import (
    PASSWD_MARKERS,
    build_fault_site,
    evaluate,
    format_table,
    summary_table,
    unexpected_rows,
)
from tests.support.faults import run_fault_crawls as _run

SITE = build_fault_site()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _run(SITE, tmp_path_factory.mktemp("faults"))


@pytest.mark.parametrize("case", SITE.cases, ids=lambda c: f"{c.kind}:{c.name}")
def test_fault_is_handled_as_specified(crawls: dict, case) -> None:
    result = evaluate(case, crawls[case.run])
    assert result.ok, f"{case.kind} / {case.name}: {result.problems}"


def test_crawls_complete_and_store_no_junk(crawls: dict) -> None:
    assert crawls["returncode_1"] == 0 and crawls["returncode_2"] == 0
    assert unexpected_rows(SITE, crawls[2].rows) == []


def test_table_shows_nothing_lost_or_duplicated(crawls: dict) -> None:
    table = summary_table([evaluate(c, crawls[c.run]) for c in SITE.cases])
    print(format_table(table))
    assert sum(r["lost"] for r in table) == 0
    assert sum(r["duplicated"] for r in table) == 0
    assert all(r["handled"] == r["cases"] for r in table), format_table(table)


def test_gone_articles_keep_body_page_and_search_entry(crawls: dict) -> None:
    import sqlite3

    conn = sqlite3.connect(crawls["db"])
    try:
        gone = conn.execute(
            "SELECT a.id, a.body, a.http_status, p.article_id, f.rowid FROM articles a "
            "LEFT JOIN pages p ON p.article_id = a.id "
            "LEFT JOIN articles_fts f ON f.rowid = a.id WHERE a.status = 'gone'"
        ).fetchall()
    finally:
        conn.close()
    assert sorted(r[2] for r in gone) == [404, 410]
    assert all(body and page and fts for _, body, _, page, fts in gone)


def test_every_failure_is_counted_and_recorded_with_the_run(crawls: dict) -> None:
    import json
    import sqlite3

    stats = crawls[1].stats
    for reason in ("http_500", "timeout", "truncated", "size_limit", "retry_after_too_long"):
        assert stats.get(f"khabar/failed/{reason}", 0) >= 1, reason
    assert stats.get("khabar/retry_after/waits", 0) >= 4
    conn = sqlite3.connect(crawls["db"])
    try:
        first = conn.execute(
            "SELECT status, rejected_reasons, articles_rejected, error_summary, failed_reasons "
            "FROM crawls "
            "ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    assert first[0] == "ok"
    rejected = json.loads(first[1])
    assert rejected.get("language_fa") == 1 and rejected.get("not_article_listing") == 1
    assert first[2] == sum(rejected.values())
    assert "HTTP 503" in first[3] and "DownloadTimeoutError" in first[3]
    failed = json.loads(first[4])
    assert failed == {
        k.removeprefix("khabar/failed/"): v
        for k, v in stats.items()
        if k.startswith("khabar/failed/")
    }
    assert failed["timeout"] >= 1 and failed["size_limit"] >= 1
    # counted once per request given up on (two cases ask for an hour's wait)
    assert failed["retry_after_too_long"] == 2


def test_refused_xml_entities_are_reported(crawls: dict) -> None:
    # billion laughs and XXE in a feed and a sitemap: refused, counted and logged, not silent
    assert crawls[1].stats.get("khabar/discovery/xml_entities_refused", 0) >= 4
    assert "declares XML entities; they are not expanded" in crawls[1].log


def test_no_local_file_is_ever_read(crawls: dict) -> None:
    for run in (1, 2):
        assert not any(m in crawls[run].db_text or m in crawls[run].log for m in PASSWD_MARKERS)


# --- the pure helpers behind the behaviour ----------------------------------------------------
NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (b"0", 0.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        (format_datetime(NOW - timedelta(days=1), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(header, seconds) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (IgnoreRequest("Filtered offsite request to 'evil.example'"), "offsite"),
        (IgnoreRequest("max redirections reached"), "redirect_limit"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_txt"),
        (IgnoreRequest("exceeded DOWNLOAD_MAXSIZE (10 B) during decompression."), "size_limit"),
        (IgnoreRequest("HTTP 429 with Retry-After '3600'"), "retry_after_too_long"),
        (IgnoreRequest("something else"), "ignored"),
        (KeyError("x"), "key_error"),
    ],
)
def test_failure_reason(exc: BaseException, reason: str) -> None:
    assert failure_reason(exc) == reason


def test_fault_site_is_generated_not_copied() -> None:
    # the generator is deterministic and makes distinct articles
    titles = [a.title for a in SITE.articles]
    assert len(set(titles)) == len(titles)
    assert build_fault_site().articles == SITE.articles
    assert not any(Path(a.url).name.endswith(".html") for a in SITE.articles)
