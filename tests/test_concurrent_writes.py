"""Two crawls of different sites writing into one SQLite file at once never see
"database is locked": WAL, a busy timeout and BEGIN IMMEDIATE make them queue, not fail.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.faults import consistency_problems, crawl_args, plain_config, plain_site
from tests.support.replay import ReplayServer

SITES = [("alpha", "news.alpha.test"), ("beta", "news.beta.test")]
N_ARTICLES, REPEATS = 40, 3
# One-article transactions, flushed as often as possible: the most lock contention.
SETTINGS = {"KHABAR_WRITE_BATCH": "1", "KHABAR_WRITE_INTERVAL": "0"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    tmp = tmp_path_factory.mktemp("concurrent")
    config = tmp / "two-sites.yaml"
    config.write_text(plain_config(SITES), encoding="utf-8")
    served = [plain_site(name, host, N_ARTICLES)[0] for name, host in SITES]
    results = []
    with ReplayServer(served) as server:
        for repeat in range(REPEATS):
            db = tmp / f"shared-{repeat}.sqlite"
            env = {
                **os.environ,
                **server.env(),
                "KHABAR_CONFIG": str(config),
                "KHABAR_DB": str(db),
                "KHABAR_EXTRACT_WORKERS": "1",
            }
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "scrapy", *crawl_args(name, SETTINGS)],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for name, _ in SITES
            ]
            logs = [p.communicate(timeout=240)[1] for p in procs]
            results.append({"db": db, "codes": [p.returncode for p in procs], "logs": logs})
    return results


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT site, COUNT(*) FROM articles GROUP BY site"))
    finally:
        conn.close()


def test_both_crawls_succeed_every_time(runs: list[dict]) -> None:
    for run in runs:
        assert run["codes"] == [0, 0], [log[-2000:] for log in run["logs"]]


def test_never_database_is_locked(runs: list[dict]) -> None:
    for run in runs:
        for log in run["logs"]:
            assert "database is locked" not in log
            assert "OperationalError" not in log


def test_both_sites_stored_completely_and_consistently(runs: list[dict]) -> None:
    for run in runs:
        assert counts(run["db"]) == {name: N_ARTICLES for name, _ in SITES}
        assert consistency_problems(run["db"]) == []


def test_the_crawls_really_overlapped(runs: list[dict]) -> None:
    conn = sqlite3.connect(runs[0]["db"])
    try:
        spans = conn.execute("SELECT started_at, finished_at FROM crawls ORDER BY id").fetchall()
    finally:
        conn.close()
    (s1, f1), (s2, f2) = spans
    assert s2 <= f1 and s1 <= f2  # second-resolution timestamps: the runs intersect
