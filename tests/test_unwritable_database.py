"""A database that takes no writes (a full disk, a read-only file or mount) is the one promised
line and a non-zero exit for `scrapy crawl` and `khabar schedule --once`, never a traceback
(issue 17, defect 7). SQLite itself refuses through tests/support/sqlite_faults
(`max_page_count`: SQLITE_FULL, `query_only`: SQLITE_READONLY); a real read-only tmpfs mount is
used where the test may mount one (root)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.health import DISK_FULL, READ_ONLY
from storage.faults import DatabaseUnwritable, filesystem_problem, storage_failure
from storage.store import ArticleStore, open_database
from tests.conftest import PROJECT_ROOT
from tests.support.faults import crawl_args, plain_config, plain_site
from tests.support.replay import ReplayServer

SITE, HOST = "outcome", "news.outcome.test"
FAULT_HOOK = Path(__file__).resolve().parent / "support" / "sqlite_faults"


def run(argv: list[str], folder: Path, db: Path, server: ReplayServer, pragma: str = ""):
    env = {
        **os.environ,
        **server.env(),
        "KHABAR_CONFIG": str(folder / "config.yaml"),
        "KHABAR_DB": str(db),
        "KHABAR_EXTRACT_WORKERS": "0",
    }
    if pragma:
        env["PYTHONPATH"] = f"{FAULT_HOOK}{os.pathsep}{PROJECT_ROOT}"
        env["KHABAR_TEST_SQLITE_PRAGMA"] = pragma
    return subprocess.run(
        argv, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def crawl(folder: Path, db: Path, server: ReplayServer, pragma: str = ""):
    return run([sys.executable, "-m", "scrapy", *crawl_args(SITE)], folder, db, server, pragma)


def once(folder: Path, db: Path, server: ReplayServer, pragma: str = ""):
    argv = [sys.executable, "-m", "crawler.cli", "schedule", "--once", "--site", SITE]
    return run(argv, folder, db, server, pragma)


def the_line(stderr: str, needle: str) -> str:
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [line for line in stderr.splitlines() if needle in line]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    return tmp_path


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    site, _ = plain_site(SITE, HOST, 3)
    with ReplayServer([site]) as replay:
        yield replay


def test_crawl_creating_a_database_on_a_full_disk(folder: Path, server: ReplayServer) -> None:
    """Was `RuntimeError: Crawler.engine is not set yet`, hiding the real cause."""
    db = folder / "new.sqlite"
    proc = crawl(folder, db, server, "max_page_count=1")
    assert proc.returncode == 1
    line = the_line(proc.stderr, "failed:")
    assert line.endswith(
        f"khabar: {SITE}: failed: database {db}: disk full (database or disk is full) "
        "(run not recorded)"
    )
    assert server.requests == []  # refused before fetching anything


def test_schedule_once_creating_a_database_on_a_full_disk(
    folder: Path, server: ReplayServer
) -> None:
    db = folder / "new.sqlite"
    proc = once(folder, db, server, "max_page_count=1")
    assert proc.returncode == 2
    assert proc.stderr == f"khabar: database {db}: disk full (database or disk is full)\n"


def test_schedule_once_on_a_read_only_file(folder: Path, server: ReplayServer) -> None:
    db = folder / "db.sqlite"
    open_database(db).close()
    proc = once(folder, db, server, "query_only=1")
    assert proc.returncode == 1, proc.stderr[-3000:]
    line = the_line(proc.stderr, "not started")
    assert line.endswith(f"{SITE}: run not started: cannot record it in {db}: {READ_ONLY}")
    assert proc.stdout == (
        f"{SITE}: run 0 failed (not started: cannot record it in {db}: {READ_ONLY})\n"
    )


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of our own (root only), unmounted afterwards."""
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "mnt"
    point.mkdir()
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def remount(point: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(point)], check=True)


def test_read_only_mount_and_full_disk_for_real(
    folder: Path, server: ReplayServer, tmpfs: Path
) -> None:
    db = tmpfs / "k.sqlite"
    assert crawl(folder, db, server).returncode == 0
    remount(tmpfs, "ro")
    proc = crawl(folder, db, server)
    assert proc.returncode == 1
    assert the_line(proc.stderr, "failed:").endswith(
        f"khabar: {SITE}: failed: database {db}: {READ_ONLY} (unable to open database file) "
        "(run not recorded)"
    )
    proc = once(folder, db, server)
    assert proc.returncode == 2
    assert proc.stderr == (f"khabar: database {db}: {READ_ONLY} (unable to open database file)\n")
    remount(tmpfs, "rw")
    with contextlib.suppress(OSError), (tmpfs / "fill").open("wb") as fill:
        while True:
            fill.write(b"\0" * 65536)
    assert filesystem_problem(db) == DISK_FULL
    for proc in (crawl(folder, tmpfs / "new.sqlite", server), once(folder, db, server)):
        assert proc.returncode != 0
        assert DISK_FULL in the_line(proc.stderr, "khabar: ")


def test_opening_errors_are_put_down_to_the_file_system(tmp_path: Path) -> None:
    """Without a path (or on a healthy file system) an open error stays a plain store error."""
    cantopen = sqlite3.OperationalError("unable to open database file")
    cantopen.sqlite_errorcode = 14  # type: ignore[attr-defined]
    assert storage_failure(cantopen) is None
    assert storage_failure(cantopen, tmp_path / "x.sqlite") is None
    target = tmp_path / "dir.sqlite"
    target.mkdir()
    with pytest.raises(DatabaseUnwritable) as caught:
        ArticleStore(target)
    assert str(caught.value).startswith(f"database {target}: cannot be opened for writing: ")
