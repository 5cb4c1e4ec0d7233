"""A crawl's exit status, its `crawls` row and `khabar status` tell the same truth.

Each case runs the real `scrapy crawl` against a generated site on the loopback replay proxy
and checks three things together: the process exit code (non-zero exactly when the run is
recorded failed), the recorded status and reason, and the health verdict. A full disk and a
read-only database are made by SQLite itself (tests/support/sqlite_faults: `max_page_count`
gives SQLITE_FULL, `query_only` gives SQLITE_READONLY) so khabar's code runs unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.extensions.crawlrecord import EXIT_RUN_FAILED, start_pages_problem
from storage.store import open_database
from tests.conftest import PROJECT_ROOT
from tests.support.faults import crawl_args, plain_config, plain_site
from tests.support.replay import ReplayServer, ReplaySite

SITE, HOST = "outcome", "news.outcome.test"
FAULT_HOOK = Path(__file__).resolve().parent / "support" / "sqlite_faults"


def crawl(
    tmp: Path, server: ReplayServer | None, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        **os.environ,
        "KHABAR_CONFIG": str(tmp / "config.yaml"),
        "KHABAR_DB": str(tmp / "db.sqlite"),
        "KHABAR_EXTRACT_WORKERS": "0",
    }
    if server is not None:
        base.update(server.env())
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *crawl_args(SITE), "-s", "RETRY_TIMES=0", *args],
        cwd=PROJECT_ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def last_run(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone())
    finally:
        conn.close()


def status_of(tmp: Path) -> tuple[int, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "status", "--json"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CONFIG": str(tmp / "config.yaml"), "KHABAR_DB": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout)[0]


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    return tmp_path


def test_good_crawl_exits_0_recorded_ok_and_healthy(site_dir: Path) -> None:
    site, _ = plain_site(SITE, HOST, 6)
    with ReplayServer([site]) as server:
        proc = crawl(site_dir, server)
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = last_run(site_dir / "db.sqlite")
    assert (run["status"], run["articles_new"]) == ("ok", 6)
    code, status = status_of(site_dir)
    assert (code, status["health"]) == (0, "ok")


def test_bad_argument_fails_with_its_reason(site_dir: Path) -> None:
    site, _ = plain_site(SITE, HOST, 3)
    with ReplayServer([site]) as server:
        proc = crawl(site_dir, server, "-a", "limit=abc")
    assert proc.returncode == EXIT_RUN_FAILED
    run = last_run(site_dir / "db.sqlite")
    assert run["status"] == "failed"
    assert run["finish_reason"].startswith("bad argument: limit must be a positive number")
    assert "Traceback" not in proc.stderr
    code, status = status_of(site_dir)
    assert (code, status["health"]) == (1, "failing")
    assert "bad argument" in status["reason"]


def test_no_network_fails(site_dir: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on: every request is refused
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    proxy = {k: closed for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")}
    proc = crawl(site_dir, None, env=proxy)
    assert proc.returncode == EXIT_RUN_FAILED
    run = last_run(site_dir / "db.sqlite")
    assert run["status"] == "failed"
    assert run["finish_reason"].startswith("no page could be fetched: ")
    assert "failed: no page could be fetched" in proc.stderr
    code, status = status_of(site_dir)
    assert (code, status["health"]) == (1, "failing")


def test_start_pages_all_404_is_a_failure_not_ok(site_dir: Path) -> None:
    (site_dir / "config.yaml").write_text(
        plain_config([(SITE, HOST)]).replace(
            "    article_patterns:", f"    listings: [http://{HOST}/news/]\n    article_patterns:"
        ),
        encoding="utf-8",
    )
    site = ReplaySite(SITE)  # the host answers, but feed, sitemap and listing are 404
    site.add(f"http://{HOST}/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    with ReplayServer([site]) as server:
        proc = crawl(site_dir, server)
    assert proc.returncode == EXIT_RUN_FAILED, proc.stderr[-3000:]
    run = last_run(site_dir / "db.sqlite")
    assert (run["status"], run["finish_reason"]) == ("failed", "no start page answered: 404 ×3")
    code, status = status_of(site_dir)
    assert (code, status["health"]) == (1, "failing")
    assert "no start page answered: 404 ×3" in status["reason"]


def test_disk_full_mid_crawl_fails_and_says_so(site_dir: Path) -> None:
    db = site_dir / "db.sqlite"
    open_database(db).close()  # the schema, then room for a few articles only
    conn = sqlite3.connect(db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    site, articles = plain_site(SITE, HOST, 14)
    with ReplayServer([site]) as server:
        proc = crawl(
            site_dir,
            server,
            "-s",
            "KHABAR_WRITE_BATCH=1",
            env={
                "PYTHONPATH": f"{FAULT_HOOK}{os.pathsep}{PROJECT_ROOT}",
                "KHABAR_TEST_SQLITE_PRAGMA": f"max_page_count={pages + 6}",
            },
        )
    assert proc.returncode == EXIT_RUN_FAILED, proc.stderr[-3000:]
    run = last_run(db)
    assert run["status"] == "failed"
    assert run["finish_reason"] == "disk full"
    assert run["articles_new"] < len(articles)
    assert "failed: disk full" in proc.stderr
    assert "Traceback" not in proc.stderr  # the review saw a 'Scraper close failure' one
    code, status = status_of(site_dir)
    assert (code, status["health"]) == (1, "failing")
    assert "disk full" in status["reason"]


def test_read_only_database_fails_before_fetching(site_dir: Path) -> None:
    db = site_dir / "db.sqlite"
    site, _ = plain_site(SITE, HOST, 3)
    with ReplayServer([site]) as server:
        assert crawl(site_dir, server).returncode == 0  # a healthy history first
        proc = crawl(
            site_dir,
            server,
            env={
                "PYTHONPATH": f"{FAULT_HOOK}{os.pathsep}{PROJECT_ROOT}",
                "KHABAR_TEST_SQLITE_PRAGMA": "query_only=1",
            },
        )
        article_requests = [u for _, u, _ in server.requests if "/article/" in u]
    assert proc.returncode == EXIT_RUN_FAILED, proc.stderr[-3000:]
    assert "failed: read-only database" in proc.stderr
    assert "Traceback" not in proc.stderr.split("failed: read-only database")[-1]
    # Nothing can be recorded in a database that takes no writes: the last row is the good run.
    assert last_run(db)["status"] == "ok"
    assert len(article_requests) <= 3 + 3  # the first crawl's, and at most a few in flight


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, "no start page answered: no response ×3"),
        ({"a": 404, "b": 404, "c": 404}, "no start page answered: 404 ×3"),
        ({"a": 404, "b": 500}, "no start page answered: 404 ×1, 500 ×1, no response ×1"),
        ({"a": 404, "b": 200}, None),
        ({"a": 304}, None),
    ],
)
def test_start_pages_problem(answers: dict[str, int], expected: str | None) -> None:
    assert start_pages_problem(frozenset("abc"), answers) == expected


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder outside pytest's private (0700) tmp tree, so `nobody` can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="khabar-ro-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_read_only_database_file_for_real(open_folder: Path) -> None:
    """A database file with mode 0444 (the crawl runs as `nobody` when we are root, since root
    ignores file modes): the same clean failure as SQLite's query_only above."""
    folder = open_folder
    folder.chmod(0o755)
    (folder / "config.yaml").write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    db = folder / "db.sqlite"
    open_database(db).close()
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv not found: cannot drop root to make a file read-only")
        shutil.chown(folder, "nobody", "nogroup")
        prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    db.chmod(0o444)
    site, _ = plain_site(SITE, HOST, 3)
    with ReplayServer([site]) as server:
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "scrapy", *crawl_args(SITE)],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                **server.env(),
                "PYTHONPATH": str(PROJECT_ROOT),
                "PYTHONDONTWRITEBYTECODE": "1",
                "HOME": str(folder),
                "KHABAR_CONFIG": str(folder / "config.yaml"),
                "KHABAR_DB": str(db),
                "KHABAR_EXTRACT_WORKERS": "0",
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == EXIT_RUN_FAILED, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert "khabar: outcome: failed: read-only database" in last
    assert "run not recorded" in last
    assert "Traceback" not in proc.stderr
