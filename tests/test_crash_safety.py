"""kill -9 of a crawl at random moments loses nothing it committed and leaves nothing half-done.

A generated site of 80 articles is crawled with small write batches (many transactions). The
crawl's whole process group (scrapy and its extraction worker) is SIGKILLed at seeded random
moments spread over the crawl, several times in a row on the same file; after every kill the
file must pass `PRAGMA integrity_check`, hold no duplicate and no half-written article. A final
uninterrupted run must then leave exactly the database an uninterrupted crawl makes.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.faults import (
    article_set,
    consistency_problems,
    crawl_args,
    plain_config,
    plain_site,
)
from tests.support.replay import ReplayServer

SITE, HOST, N_ARTICLES = "crashy", "news.crash.test", 80
KILLS, MAX_ATTEMPTS = 20, 40  # kills of a running crawl, bounded number of crawls
# Small transactions, and a download delay that spreads the writes over a few seconds.
SETTINGS = {"KHABAR_WRITE_BATCH": "3", "KHABAR_WRITE_INTERVAL": "0.5", "DOWNLOAD_DELAY": "0.04"}


def start_crawl(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", *crawl_args(SITE, SETTINGS)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the worker too
    )


def crawl_to_end(env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    proc = start_crawl(env)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err.decode()[-3000:]
    return time.monotonic() - started, err.decode()


def row_count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        conn.close()


def kill_when(env: dict[str, str], db: Path, rows: int | None, delay: float) -> tuple[bool, float]:
    """Start a crawl; SIGKILL its process group `delay` seconds after `rows` articles are
    stored (or after `delay` seconds from the start if `rows` is None). Returns (killed while
    still running, seconds since start)."""
    started = time.monotonic()
    proc = start_crawl(env)
    try:
        while rows is not None and proc.poll() is None and row_count(db) < rows:
            time.sleep(0.02)
        try:
            proc.wait(timeout=delay)
            return False, time.monotonic() - started
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            moment = time.monotonic() - started
            proc.wait(timeout=30)
            return True, moment
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()


def finish_round(env: dict[str, str], db: Path) -> dict:
    """The uninterrupted rerun after the kills, and what the file holds then."""
    crawl_to_end(env)
    conn = sqlite3.connect(db)
    try:
        runs = dict(conn.execute("SELECT status, COUNT(*) FROM crawls GROUP BY status"))
    finally:
        conn.close()
    return {
        "db": db,
        "problems": consistency_problems(db),
        "articles": article_set(db),
        "runs": runs,
    }


@pytest.fixture(scope="module")
def crash_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("crash")
    config = tmp / "crash.yaml"
    config.write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    site, articles = plain_site(SITE, HOST, N_ARTICLES)
    rng = random.Random(20240606)
    out: dict = {"kills": [], "rounds": [], "articles": articles}
    with ReplayServer([site]) as server:
        base_env = {
            **os.environ,
            **server.env(),
            "KHABAR_CONFIG": str(config),
            "KHABAR_EXTRACT_WORKERS": "1",
        }
        reference = tmp / "reference.sqlite"
        out["reference_seconds"], _ = crawl_to_end({**base_env, "KHABAR_DB": str(reference)})
        out["reference"] = article_set(reference)
        round_no, attempts = 0, 0
        while sum(k["killed"] for k in out["kills"]) < KILLS and attempts < MAX_ATTEMPTS:
            attempts += 1
            db = tmp / f"crashed-{round_no}.sqlite"
            env = {**base_env, "KHABAR_DB": str(db)}
            before = row_count(db)
            # Kill moments: sometimes during start-up (before any write), mostly after a random
            # share of the remaining articles is stored, plus a random delay that lands anywhere
            # in the fetch/extract/transaction cycle.
            if rng.random() < 0.2:
                target, delay = None, rng.uniform(0.3, 3.0)
            else:
                target = before + rng.randint(1, max(1, (N_ARTICLES - before) // 3))
                delay = rng.uniform(0.0, 0.4)
            killed, moment = kill_when(env, db, target, delay)
            after = row_count(db)
            out["kills"].append(
                {
                    "round": round_no,
                    "moment": round(moment, 2),
                    "killed": killed,
                    "rows_before": before,
                    "rows_after": after,
                    "problems": consistency_problems(db) if db.exists() else [],
                }
            )
            if after >= N_ARTICLES:  # this file is complete: rerun, compare, start afresh
                out["rounds"].append(finish_round(env, db))
                round_no += 1
        db = tmp / f"crashed-{round_no}.sqlite"
        if db.exists():
            out["rounds"].append(finish_round({**base_env, "KHABAR_DB": str(db)}, db))
    return out


def test_reference_crawl_stores_every_article(crash_run: dict) -> None:
    assert len(crash_run["reference"]) == N_ARTICLES


def test_at_least_twenty_real_kills_spread_over_the_crawl(crash_run: dict) -> None:
    kills = [k for k in crash_run["kills"] if k["killed"]]
    print(f"reference crawl {crash_run['reference_seconds']:.1f}s; kills:")
    for k in crash_run["kills"]:
        print(
            f"  round {k['round']} at {k['moment']:5.2f}s killed={k['killed']} "
            f"rows {k['rows_before']:3d} -> {k['rows_after']:3d} problems={k['problems']}"
        )
    assert len(kills) >= KILLS, crash_run["kills"]
    # spread: some kills before anything was stored, some mid-way with rows being written
    assert any(k["rows_after"] == k["rows_before"] for k in kills)
    assert any(k["rows_after"] > k["rows_before"] for k in kills)


def test_every_kill_leaves_a_consistent_file(crash_run: dict) -> None:
    broken = [k for k in crash_run["kills"] if k["problems"]]
    assert broken == []


def test_reruns_complete_the_set_exactly(crash_run: dict) -> None:
    assert crash_run["rounds"]
    for result in crash_run["rounds"]:
        assert result["problems"] == []
        assert result["articles"] == crash_run["reference"]


def test_killed_runs_are_closed_by_the_next_crawl(crash_run: dict) -> None:
    # A crawl killed with -9 cannot record its end; the next crawl closes its row as failed.
    for result in crash_run["rounds"]:
        assert "running" not in result["runs"], result["runs"]
        assert result["runs"].get("failed", 0) >= 1 and result["runs"].get("ok", 0) >= 1
