"""Run distributed mode for real: N `scrapy crawl` workers and one `khabar writer`, as processes.

Shared by tests/test_distributed_crawl.py and bench/distributed.py. Every process runs from the
project root with the tree's own code (sys.executable -m …), so nothing needs installing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

# Loopback crawls: no politeness delay; heartbeats fast enough for a test to see a dead worker.
WORKER_SETTINGS = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=0",
    "KHABAR_HEARTBEAT_INTERVAL=1",
    "KHABAR_HEARTBEAT_TTL=10",
)


def start_worker(
    site: str, env: Mapping[str, str], log: Path, settings: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """`scrapy crawl <site>` as a worker (KHABAR_REDIS_URL must be in `env`)."""
    args = [sys.executable, "-m", "scrapy", "crawl", site]
    for setting in (*WORKER_SETTINGS, *settings):
        args += ["-s", setting]
    with log.open("ab") as out:
        return subprocess.Popen(
            args, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )


def start_writer(
    db: Path, env: Mapping[str, str], log: Path, idle_exit: float | None = None
) -> subprocess.Popen[bytes]:
    """`khabar writer --db DB` (a daemon unless `idle_exit`)."""
    args = [sys.executable, "-m", "crawler.cli", "writer", "--db", str(db)]
    if idle_exit is not None:
        args += ["--idle-exit", str(idle_exit)]
    with log.open("ab") as out:
        return subprocess.Popen(
            args, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )


def wait_for(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(poll)


def wait_all(procs: list[subprocess.Popen[bytes]], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    return [p.wait(timeout=max(0.1, deadline - time.monotonic())) for p in procs]


def stored_count(db: Path) -> int:
    """Articles in the database (0 until the writer created it)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the writer is creating the schema
        return 0
    finally:
        conn.close()
