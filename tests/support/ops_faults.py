"""Operational faults end to end: disk full, read-only database, a second daemon, a vanished run.

Each scenario runs the real `scrapy crawl` / `khabar schedule` processes on a generated site
behind the loopback replay proxy, and says whether khabar behaved as specified: the crawl exits
non-zero exactly when its run is recorded failed, the reason is recorded and `khabar status`
calls the site failing, nothing is left behind (no orphan process, no half-written article), and
a later healthy run completes the set (`lost` counts articles still missing then, `duplicated`
rows stored twice). SQLite itself refuses the writes (tests/support/sqlite_faults), so khabar's
code paths are the real ones. Used by bench/faults.py and the tests.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.faults import (
    article_set,
    consistency_problems,
    crawl_args,
    plain_config,
    plain_site,
)
from tests.support.replay import ReplayServer, ReplaySite, slow_fault

ROOT = Path(__file__).resolve().parents[2]
FAULT_HOOK = Path(__file__).resolve().parent / "sqlite_faults"
N_ARTICLES = 12


@dataclass
class OpsResult:
    kind: str
    problems: list[str] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def row(self) -> dict:
        return {
            "fault kind": self.kind,
            "cases": 1,
            "handled": int(self.ok),
            "lost": self.lost,
            "duplicated": self.duplicated,
        }

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)


def sqlite_fault_env(pragma: str) -> dict[str, str]:
    """Environment that makes every SQLite connection of a crawl run `PRAGMA <pragma>`."""
    return {"PYTHONPATH": f"{FAULT_HOOK}{os.pathsep}{ROOT}", "KHABAR_TEST_SQLITE_PRAGMA": pragma}


class Workdir:
    """A config for one generated site, its database, and the commands run against them."""

    def __init__(self, folder: Path, site: str) -> None:
        self.folder, self.site = folder, site
        self.host = f"news.{site}.test"
        self.config = folder / "config.yaml"
        self.db = folder / "db.sqlite"
        self.config.write_text(plain_config([(site, self.host)], database="db.sqlite"), "utf-8")

    def env(self, server: ReplayServer | None, extra: dict[str, str] | None = None) -> dict:
        return {
            **os.environ,
            **(server.env() if server else {}),
            "KHABAR_CONFIG": str(self.config),
            "KHABAR_DB": str(self.db),
            **(extra or {}),
        }

    def crawl(
        self, server: ReplayServer, *settings: str, extra: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scrapy", *crawl_args(self.site), *settings],
            cwd=ROOT,
            env=self.env(server, {"KHABAR_EXTRACT_WORKERS": "0", **(extra or {})}),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def khabar(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", *args],
            cwd=ROOT,
            env={**self.env(None), "KHABAR_DB": ""},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def status(self) -> tuple[int, dict]:
        proc = self.khabar("status", "--json")
        out, _ = proc.communicate(timeout=60)
        return proc.returncode, json.loads(out)[0]

    def last_run(self) -> dict:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
            return dict(row) if row else {}
        finally:
            conn.close()

    def count(self, sql: str) -> int:
        if not self.db.exists():
            return 0
        conn = sqlite3.connect(self.db, timeout=30)
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:  # the crawl is still creating the schema
            return 0
        finally:
            conn.close()


def _recovered(result: OpsResult, work: Workdir, site: ReplaySite, n: int) -> None:
    """A healthy run after the fault: the set is complete, consistent, with no duplicate."""
    with ReplayServer([site]) as server:
        proc = work.crawl(server)
    result.expect(proc.returncode == 0, f"recovery crawl exited {proc.returncode}")
    problems = consistency_problems(work.db)
    result.expect(not problems, f"inconsistent after recovery: {problems[:3]}")
    result.lost = max(0, n - len(article_set(work.db)))
    result.duplicated = sum(p.startswith("duplicate") for p in problems)


def _failed_as(result: OpsResult, work: Workdir, proc, reason: str) -> None:
    result.expect(proc.returncode == 1, f"exit code {proc.returncode}, expected 1")
    result.expect(f"failed: {reason}" in proc.stderr, f"no 'failed: {reason}' line")
    result.expect("Traceback" not in proc.stderr.rsplit("Spider closed", 1)[-1], "traceback")


def disk_full(folder: Path) -> OpsResult:
    """The database stops growing mid-crawl (SQLITE_FULL)."""
    from storage.store import open_database

    result, work = OpsResult("disk full"), Workdir(folder, "diskfull")
    site, _ = plain_site(work.site, work.host, N_ARTICLES)
    open_database(work.db).close()
    pages = work.count("PRAGMA page_count")
    with ReplayServer([site]) as server:
        proc = work.crawl(
            server,
            "-s",
            "KHABAR_WRITE_BATCH=1",
            extra=sqlite_fault_env(f"max_page_count={pages + 6}"),
        )
    _failed_as(result, work, proc, "disk full")
    run = work.last_run()
    result.expect(
        (run.get("status"), run.get("finish_reason")) == ("failed", "disk full"),
        f"run recorded {run.get('status')} ({run.get('finish_reason')})",
    )
    stored = work.count("SELECT COUNT(*) FROM articles")
    result.expect(stored < N_ARTICLES, f"all {stored} stored: the disk never filled")
    code, status = work.status()
    result.expect((code, status["health"]) == (1, "failing"), f"status {status['health']}")
    _recovered(result, work, site, N_ARTICLES)
    return result


def read_only_database(folder: Path) -> OpsResult:
    """The database file takes no writes (SQLITE_READONLY)."""
    from storage.store import open_database

    result, work = OpsResult("read-only database"), Workdir(folder, "readonly")
    site, _ = plain_site(work.site, work.host, N_ARTICLES)
    open_database(work.db).close()
    with ReplayServer([site]) as server:
        proc = work.crawl(server, extra=sqlite_fault_env("query_only=1"))
        fetched = sum("/article/" in url for _, url, _ in server.requests)
    _failed_as(result, work, proc, "read-only database")
    result.expect(fetched <= 4, f"{fetched} articles fetched into a read-only database")
    result.expect(work.count("SELECT COUNT(*) FROM crawls") == 0, "a run row was written")
    _recovered(result, work, site, N_ARTICLES)
    return result


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.1)


def second_daemon(folder: Path) -> OpsResult:
    """`khabar schedule` started twice on one database."""
    from crawler.scheduler import lock_path

    result, work = OpsResult("second daemon"), Workdir(folder, "twice")
    text = work.config.read_text("utf-8").replace(
        "defaults:\n", "defaults:\n  schedule:\n    cron: '0 0 1 1 *'\n"
    )
    work.config.write_text(text, "utf-8")
    lock = lock_path(work.db)
    first = work.khabar("schedule")
    try:
        _wait(
            lambda: lock.exists() and lock.read_text().strip() == str(first.pid),
            30,
            "the first daemon to take the lock",
        )
        for args in (("schedule",), ("schedule", "--once")):
            second = work.khabar(*args)
            _, err = second.communicate(timeout=60)
            result.expect(second.returncode != 0, f"{' '.join(args)} exited 0")
            result.expect(
                f"another scheduler (pid {first.pid})" in err and len(err.splitlines()) == 1,
                f"{' '.join(args)} said {err.strip()[:200]!r}",
            )
        result.duplicated = work.count("SELECT COUNT(*) FROM crawls")  # runs it started
    finally:
        first.terminate()
        first.communicate(timeout=60)
    result.expect(first.returncode == 0, f"first daemon exited {first.returncode}")
    return result


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(int(p.name)) in frontier
        }
        frontier = children - found
        found |= children
    return found


def alive(pids: set[int]) -> set[int]:
    """The pids still running (zombies do not count)."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2]
        except OSError:
            continue
        if state.split()[0] != "Z":
            out.add(pid)
    return out


def vanished_run(folder: Path) -> OpsResult:
    """`kill -9` of a crawl mid-run, its output going to a log file as under the daemon."""
    result, work = OpsResult("vanished run"), Workdir(folder, "vanish")
    site, articles = plain_site(work.site, work.host, N_ARTICLES)
    workers: set[int] = set()
    with ReplayServer([site]) as server, (folder / "crawl.log").open("w") as log:
        for art in articles[2:]:
            server.add_fault(art.url, slow_fault(30))
        proc = subprocess.Popen(
            [sys.executable, "-m", "scrapy", *crawl_args(work.site), "-s", "RETRY_TIMES=0"],
            cwd=ROOT,
            env=work.env(server, {"KHABAR_EXTRACT_WORKERS": "2"}),
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        try:
            _wait(
                lambda: (
                    work.count("SELECT COUNT(*) FROM articles") > 0
                    and len(descendants(proc.pid)) >= 2
                ),
                60,
                "the crawl to store an article with its workers up",
            )
            workers = descendants(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            deadline = time.monotonic() + 5
            while alive(workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            left = alive(workers)
            result.expect(not left, f"{len(left)} worker processes outlived the crawl")
        finally:
            for pid in alive(workers):
                os.kill(pid, signal.SIGKILL)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    result.expect(work.last_run().get("status") == "running", "the row no longer says running")
    code, status = work.status()
    result.expect(
        (code, status["last_status"], status["health"]) == (1, "failed", "failing")
        and "process vanished" in status["reason"],
        f"status said {status['last_status']} / {status['health']}: {status['reason']}",
    )
    _recovered(result, work, site, N_ARTICLES)
    return result


SCENARIOS: tuple[Callable[[Path], OpsResult], ...] = (
    disk_full,
    read_only_database,
    second_daemon,
    vanished_run,
)


def run_ops_faults(workdir: Path) -> list[OpsResult]:
    """Every operational scenario, each in a folder of its own under `workdir`."""
    results = []
    for scenario in SCENARIOS:
        folder = workdir / scenario.__name__
        folder.mkdir()
        results.append(scenario(folder))
    return results
