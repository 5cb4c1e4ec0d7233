"""Extraction workers live and die with their crawl, and a vanished crawl is reported failed.

A real `scrapy crawl` with two extraction workers runs against a site whose later articles
answer slowly, so it is mid-crawl with live workers when the test strikes: SIGKILL of the crawl
process alone must take its workers and the multiprocessing resource tracker with it within a
few seconds (no orphan under PID 1), and `khabar status` must call the run still marked
`running` failed (process vanished). Ctrl-C of the crawl's process group (what a terminal does)
must not make any worker print a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest
from scrapy.utils.test import get_crawler

from crawler.extract.rules import ExtractionRules
from crawler.health import RunSummary, settle_running
from pipelines.extract import ExtractPipeline
from storage.runs import process_alive
from tests.conftest import PROJECT_ROOT
from tests.support.faults import crawl_args, plain_config, plain_site
from tests.support.ops_faults import alive, descendants
from tests.support.replay import ReplayServer, slow_fault
from tests.test_run_outcome import status_of

SITE, HOST, N = "lifetime", "news.lifetime.test", 12
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@pytest.fixture
def slow_crawl(tmp_path: Path):
    (tmp_path / "config.yaml").write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    site, articles = plain_site(SITE, HOST, N)
    with ReplayServer([site]) as server:
        for art in articles[2:]:
            server.add_fault(art.url, slow_fault(30))

        def start(stderr: int | IO[str] = subprocess.PIPE) -> subprocess.Popen[str]:
            return subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "scrapy",
                    # Slow articles hang (no timeout) while the first ones are stored at once.
                    *crawl_args(SITE, {"DOWNLOAD_TIMEOUT": "60", "KHABAR_WRITE_BATCH": "1"}),
                    "-s",
                    "RETRY_TIMES=0",
                ],
                cwd=PROJECT_ROOT,
                env={
                    **os.environ,
                    **server.env(),
                    "KHABAR_CONFIG": str(tmp_path / "config.yaml"),
                    "KHABAR_DB": str(tmp_path / "db.sqlite"),
                    "KHABAR_EXTRACT_WORKERS": "2",
                },
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                text=True,
                start_new_session=True,
            )

        yield start, tmp_path


def wait_for_workers(proc: subprocess.Popen[str], db: Path) -> set[int]:
    """Wait until the crawl has stored an article (so its workers exist), return them."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the crawl exited {proc.returncode}"
        try:
            conn = sqlite3.connect(db)
            stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            stored = 0
        workers = descendants(proc.pid)
        if stored and len(workers) >= 2:
            return workers
        time.sleep(0.2)
    raise AssertionError("the crawl never stored an article with its workers running")


def test_sigkill_of_a_crawl_leaves_no_orphan_and_status_calls_it_vanished(slow_crawl) -> None:
    start, tmp = slow_crawl
    log = (tmp / "crawl.log").open("w")  # as the daemon runs it: output into a log file
    proc = start(log)
    workers: set[int] = set()
    try:
        workers = wait_for_workers(proc, tmp / "db.sqlite")
        os.kill(proc.pid, signal.SIGKILL)  # the crawl only, not its process group
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(workers) == set(), "workers outlived their crawl"
    finally:
        leftovers = alive(workers | descendants(proc.pid))
        if proc.poll() is None:
            leftovers.add(proc.pid)
        for pid in leftovers:  # never leave this test's processes behind, pass or fail
            os.kill(pid, signal.SIGKILL)
        proc.wait()
        log.close()
    returncode, row = status_of(tmp)
    assert (returncode, row["last_status"], row["health"]) == (1, "failed", "failing")
    assert "process vanished" in row["reason"]


def test_ctrl_c_mid_crawl_prints_no_worker_traceback(slow_crawl) -> None:
    start, tmp = slow_crawl
    proc = start()
    try:
        wait_for_workers(proc, tmp / "db.sqlite")
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        time.sleep(1)
        os.killpg(proc.pid, signal.SIGINT)  # impatient: the second Ctrl-C forces the stop
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "KeyboardInterrupt" not in err, err[-3000:]
    assert "Traceback" not in err, err[-3000:]


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "pid", "alive_", "expected"),
    [
        ("running", 4242, False, ("failed", "process vanished")),
        ("running", 4242, True, ("running", None)),
        ("running", None, False, ("running", None)),  # launched by the daemon, no pid yet
        ("ok", 4242, False, ("ok", "finished")),
    ],
)
def test_settle_running(status: str, pid: int | None, alive_: bool, expected) -> None:
    run = RunSummary(1, status, NOW, None, None, "finished" if status == "ok" else None)
    settled = settle_running(run, pid, alive_)
    assert (settled.status, settled.finish_reason) == expected


def test_process_alive_tells_a_reused_pid_apart() -> None:
    me = os.getpid()
    assert process_alive(me, datetime.now(UTC))
    assert not process_alive(me, datetime.now(UTC) - timedelta(days=400))  # started long after
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_alive(child.pid, datetime.now(UTC))


def sigint_ignored(pid: int) -> bool:
    """Whether SIGINT is in the process's ignored-signal mask (/proc/PID/status SigIgn)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    raise AssertionError(f"no SigIgn line for {pid}")


def test_workers_ignore_sigint_from_birth_and_the_crawl_keeps_its_handler() -> None:
    """Every worker is started with the pool, SIGINT already ignored: a Ctrl-C cannot catch
    one still importing (before its initializer runs). The crawl's own handler is restored."""
    before_handler = signal.getsignal(signal.SIGINT)
    before = descendants(os.getpid())
    pool = ExtractPipeline(ExtractionRules(), 2, get_crawler().stats)._new_pool()
    try:
        started = descendants(os.getpid()) - before
        assert len(started) >= 2  # the workers (and the resource tracker, on first use)
        assert all(sigint_ignored(pid) for pid in started)
        assert signal.getsignal(signal.SIGINT) is before_handler
    finally:
        pool.shutdown(wait=True)
