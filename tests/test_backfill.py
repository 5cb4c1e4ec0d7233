"""End to end: `khabar backfill` over a generated six-year archive (tests/support/archive_site.py).

A backfill is killed (SIGKILL, its whole process group) twice, at points the test reads from
the database (articles stored), and resumed: every article is stored once, the only pages
fetched twice are the requests the resumed run says were in flight, and child sitemaps read
before a kill are not read again. `khabar status` shows the backfill running and its position,
then interrupted. A second site-wide check: --since/--until keep the crawl inside the range.
And the scheduler and a backfill never crawl one site at the same time.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from crawler.backfill_lock import site_lock
from crawler.config import load_config
from crawler.scheduler import CrawlRunner
from spiders.news import parse_backfill_arguments, url_date
from tests.support.archive_site import CONFIG, HOST, ArchiveSite
from tests.support.cluster import PROJECT_ROOT, stored_count, wait_for
from tests.support.replay import ReplayServer
from tests.test_scheduler import fake_command, write_config

ARTICLES = 600  # 72 monthly sitemaps, 30 listing pages; a test must stay short on 2 cores
KHABAR = (sys.executable, "-m", "crawler.cli")
LOOPBACK = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
FAST = (*LOOPBACK, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")
# About 20 pages/s whatever the machine: the test's own steps (a `khabar status` between
# "a third stored" and the kill) must fit inside a run, however fast the crawl could go.
PACED = ("-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=0")
RESUMED = re.compile(r"(\d+) requests in flight at the last stop go again")


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def reported(db: Path, column: str = "articles_total") -> int:
    """What the running backfill last wrote for `khabar status` (0 before): its article
    total, or with `column` another of its counts."""
    try:
        found = rows(db, f"SELECT {column} FROM backfills ORDER BY id DESC LIMIT 1")
    except sqlite3.OperationalError:
        return 0
    return int(found[0][0] or 0) if found else 0


def start_backfill(
    env: dict[str, str], log: Path, *args: str, pace: tuple[str, ...] = FAST
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [*KHABAR, "backfill", "archive", *args, *pace],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=out,
            start_new_session=True,  # its own group: the kill takes the scrapy child too
        )


def khabar(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KHABAR, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def kill_group(proc: subprocess.Popen[bytes]) -> int:
    os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait(30)


@pytest.fixture
def archive_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return {
        "KHABAR_CONFIG": str(config),
        "KHABAR_DB": str(tmp_path / "archive.sqlite"),
        "KHABAR_EXTRACT_WORKERS": "0",
    }


def test_backfill_killed_twice_resumes_to_every_article_once(
    archive_env: dict[str, str], tmp_path: Path
) -> None:
    site = ArchiveSite(ARTICLES)
    db = Path(archive_env["KHABAR_DB"])
    log = tmp_path / "backfill.log"
    with ReplayServer([site]) as proxy:
        env = {**archive_env, **proxy.env()}
        first = start_backfill(env, log, pace=PACED)
        wait_for(lambda: stored_count(db) >= ARTICLES // 3, 240, "a third stored")
        wait_for(lambda: reported(db) == ARTICLES, 60, "the total reported")
        # the position is written every few seconds: status shows the last one written
        wait_for(lambda: reported(db, "articles_done") > 0, 60, "a position reported")
        running = khabar(env, "status", "--site", "archive")
        stored_then = stored_count(db)
        codes = [kill_group(first)]
        interrupted = khabar(env, "status", "--site", "archive")
        other_range = khabar(env, "backfill", "archive", "--since", "2023-01-01")

        second = start_backfill(env, log, pace=PACED)
        wait_for(lambda: stored_count(db) >= 2 * ARTICLES // 3, 240, "two thirds stored")
        codes.append(kill_group(second))

        third = start_backfill(env, log)
        codes.append(third.wait(240))
        finished = khabar(env, "status", "--site", "archive")
        fetches = Counter(url for _, url, _ in proxy.requests if not url.endswith("/robots.txt"))
    text = log.read_text()
    assert codes == [-signal.SIGKILL, -signal.SIGKILL, 0], text[-3000:]
    assert "Traceback" not in text

    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [
        (ARTICLES, ARTICLES)
    ]
    assert {u for (u,) in rows(db, "SELECT url FROM articles")} == set(site.urls)
    # Refetched: only what the resumed runs put back (handed to Scrapy or unwritten at the kill).
    requeued = [int(n) for n in RESUMED.findall(text)]
    assert len(requeued) == 2
    start_pages = {
        f"https://{HOST}/sitemap_index.xml",
        f"https://{HOST}/feed.xml",
        f"https://{HOST}/archive/page/1",
    }
    refetched = sum(n - 1 for url, n in fetches.items() if url not in start_pages)
    assert refetched <= sum(requeued)
    # Start pages are read once a run; the child sitemaps, all read before the first kill,
    # never again; the listing is walked to its last page.
    assert {url: fetches[url] for url in start_pages} == dict.fromkeys(start_pages, 3)
    assert {url: fetches[url] for url in site.sitemap_urls} == dict.fromkeys(site.sitemap_urls, 1)
    assert fetches[f"https://{HOST}/archive/page/{site.listing_pages}"] >= 1

    assert running.returncode in (0, 1), running.stderr
    (line,) = [x for x in running.stdout.splitlines() if x.startswith("backfill archive")]
    assert line.startswith("backfill archive (the beginning to today): running, ")
    done = int(re.search(r"running, (\d+)/600 articles, \d+/\d+ pages", line).group(1))
    assert 0 < done <= stored_then
    assert re.search(r"/min, ETA \w+", line)
    (line,) = [x for x in interrupted.stdout.splitlines() if x.startswith("backfill archive")]
    assert re.fullmatch(
        r"backfill archive \(the beginning to today\): interrupted at \d+/600 articles, "
        r"\d+/\d+ pages; `khabar backfill archive` resumes it",
        line,
    )
    assert other_range.returncode == 2
    assert other_range.stderr.strip() == (
        "khabar: an unfinished backfill of archive covers the beginning to today: run it "
        "with that --since/--until to finish it"
    )
    assert not [x for x in finished.stdout.splitlines() if x.startswith("backfill")]
    assert rows(db, "SELECT status, runs, articles_done, articles_total FROM backfills") == [
        ("finished", 3, ARTICLES, ARTICLES)
    ]


def test_since_and_until_keep_the_backfill_in_its_range(
    archive_env: dict[str, str], tmp_path: Path
) -> None:
    site = ArchiveSite(ARTICLES)
    db = Path(archive_env["KHABAR_DB"])
    first, last = date(2021, 1, 1), date(2021, 12, 31)
    wanted = site.urls_between(first, last)
    with ReplayServer([site]) as proxy:
        env = {**archive_env, **proxy.env()}
        proc = start_backfill(
            env, tmp_path / "b.log", "--since", "2021-01-01", "--until", "2021-12-31"
        )
        assert proc.wait(240) == 0, (tmp_path / "b.log").read_text()[-3000:]
        fetched = {url for _, url, _ in proxy.requests}
    assert {u for (u,) in rows(db, "SELECT url FROM articles")} == wanted
    articles = {u for u in fetched if re.search(r"/\d{4}/\d\d/\d\d/\d+$", u)}
    assert articles == wanted  # nothing outside the range was even fetched
    sitemaps = {u for u in fetched if "/sitemaps/" in u}
    assert sitemaps == {u for u in site.sitemap_urls if u.rsplit("/", 1)[1] >= "2021"}
    # Newest first: the listing stops at the first page whose links all predate the range.
    pages = {u for u in fetched if "/archive/page/" in u}
    assert 1 < len(pages) < site.listing_pages


def test_bad_range_is_one_line(archive_env: dict[str, str]) -> None:
    bad = khabar(archive_env, "backfill", "archive", "--until", "31/12/2021")
    assert (bad.returncode, bad.stderr.strip()) == (
        2,
        "khabar: --until must be a date YYYY-MM-DD, got '31/12/2021'",
    )
    backwards = khabar(
        archive_env, "backfill", "archive", "--since", "2022-01-01", "--until", "2021-01-01"
    )
    assert (backwards.returncode, backwards.stderr.strip()) == (
        2,
        "khabar: --until 2021-01-01 is before --since 2022-01-01",
    )


@pytest.mark.parametrize(
    ("backfill", "until", "expected"),
    [
        (None, None, (False, None)),
        ("1", "2021-12-31", (True, datetime(2022, 1, 1, tzinfo=UTC))),
        ("no", "", (False, None)),
    ],
)
def test_parse_backfill_arguments(backfill, until, expected) -> None:
    assert parse_backfill_arguments(backfill, until) == expected


@pytest.mark.parametrize(
    ("backfill", "until", "message"),
    [("maybe", None, "backfill must be 1 or 0"), ("1", "2021-13-01", "until must be a date")],
)
def test_parse_backfill_arguments_refuses(backfill, until, message) -> None:
    with pytest.raises(UsageError, match=message):
        parse_backfill_arguments(backfill, until)


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://a.sy/2021/03/07/123", datetime(2021, 3, 7, tzinfo=UTC)),
        ("https://a.sy/2021/3/7/slug-here", datetime(2021, 3, 7, tzinfo=UTC)),
        ("https://a.sy/2021/02/30/123", None),  # no such day
        ("https://a.sy/archives/123", None),
    ],
)
def test_url_date(url: str, day: datetime | None) -> None:
    assert url_date(url) == day


def test_scheduler_and_backfill_never_crawl_one_site_at_once(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    journal = tmp_path / "journal"
    env = {**os.environ, "JOURNAL": str(journal), "BEHAVIOUR": "slow", "DURATION": "60"}
    runner = CrawlRunner(config, command=fake_command, env=env)
    # A backfill holds the site: the scheduler starts nothing, records nothing.
    with site_lock(config.database, "alwatan", "a backfill") as holder:
        assert holder is None
        assert runner.run("alwatan") is None
    assert not journal.exists()
    # A scheduled run holds the site: a backfill of it is refused, with who holds it.
    thread = threading.Thread(target=runner.run, args=("alwatan",))
    thread.start()
    try:
        wait_for(lambda: journal.exists() and "start" in journal.read_text(), 60, "the run")
        refused = khabar(
            {"KHABAR_CONFIG": str(config.path), "KHABAR_DB": str(config.database)},
            "backfill",
            "alwatan",
        )
    finally:
        runner.stop()  # the fake crawl is interrupted and recorded
        thread.join(60)
    assert refused.returncode == 1
    assert re.fullmatch(
        r"khabar: alwatan is being crawled by a scheduled crawl \(pid \d+\); "
        r"try again when it ends",
        refused.stderr.strip(),
    )


@pytest.mark.parametrize(
    ("published", "reason"),
    [("2021-12-31T23:59:00+00:00", None), ("2022-01-01T00:00:00+00:00", "after_until")],
)
def test_an_article_published_after_until_is_rejected(published: str, reason: str | None) -> None:
    """Listing links carry no date: a backfill's --until is checked again after extraction."""
    from crawler.record import ArticleItem
    from pipelines.validate import ValidatePipeline

    pipeline = ValidatePipeline(min_words=1, stats=None)  # type: ignore[arg-type]
    _, pipeline.until = parse_backfill_arguments("1", "2021-12-31")
    item = ArticleItem(
        url="https://news.example/a/1",
        site="demo",
        found_via="listing",
        title="عنوان",
        body="نص " * 30,
        word_count=30,
        language="ar",
        page_kind="article",
        published_at=published,
    )
    assert pipeline.reason(item) == reason
