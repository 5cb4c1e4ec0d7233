"""One scheduler per database, and a scheduler that cannot write its logs never starts a run.

Real `khabar schedule` processes on one config: the second is refused with the PID of the
first (exit non-zero, one line), whether it is a daemon or `--once`; the lock goes with its
holder (SIGTERM or kill -9), so the next daemon starts. Schedules are a cron that does not
fire during the test, so no crawl runs.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.scheduler import SchedulerBusy, lock_path, one_scheduler
from tests.conftest import PROJECT_ROOT
from tests.test_scheduler import write_config

IDLE = {"cron": "0 0 1 1 *"}  # 1 January: never during a test run


def khabar(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "schedule", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CONFIG": str(config), "KHABAR_DB": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_scheduling(proc: subprocess.Popen[str], lock: Path) -> None:
    """Wait until the daemon holds the lock (it wrote its PID there)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        if lock.exists() and lock.read_text().strip() == str(proc.pid):
            return
        time.sleep(0.1)
    raise AssertionError("the daemon never took the lock")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, schedules={"alwatan": IDLE, "sana": IDLE})


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_second_scheduler_is_refused_naming_the_first(config: Path, how: signal.Signals) -> None:
    lock = lock_path(load_config(config).database)
    first = khabar(config)
    try:
        wait_scheduling(first, lock)
        for args in ((), ("--once",)):
            second = khabar(config, *args)
            _, err = second.communicate(timeout=60)
            assert second.returncode != 0
            lines = err.strip().splitlines()
            assert len(lines) == 1, err
            assert f"another scheduler (pid {first.pid}) is running on" in lines[0]
        first.send_signal(how)
        first.communicate(timeout=60)
        third = khabar(config)  # the lock went with its holder, even after kill -9
        try:
            wait_scheduling(third, lock)
        finally:
            third.terminate()
            third.communicate(timeout=60)
        assert third.returncode == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    db = sqlite3.connect(load_config(config).database)
    try:  # no crawl was started by the refused schedulers
        assert db.execute("SELECT COUNT(*) FROM crawls").fetchone()[0] == 0
    finally:
        db.close()


def test_lock_in_process(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    with one_scheduler(db) as path:
        assert path.read_text().strip() == str(os.getpid())
        with pytest.raises(SchedulerBusy, match=f"pid {os.getpid()}"), one_scheduler(db):
            pass
    with one_scheduler(db):  # released
        pass


def test_unwritable_logs_dir_stops_once_before_any_run(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    config = write_config(tmp_path, scheduler={"logs_dir": "afile/logs"})
    proc = khabar(config, "--once")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip() == (
        f"khabar: config error: {config}:3: scheduler.logs_dir: cannot write run logs to "
        f"{tmp_path / 'afile' / 'logs'}: Not a directory"
    )
    database = load_config(config).database
    if database.exists():
        db = sqlite3.connect(database)
        try:
            assert db.execute("SELECT COUNT(*) FROM crawls").fetchone()[0] == 0
        finally:
            db.close()
