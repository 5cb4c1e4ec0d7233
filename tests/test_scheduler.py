"""The scheduler daemon: jobs from config, the subprocess runner, and the daemon end to end.

Fast tests drive CrawlRunner and Daemon in-process with a stand-in crawl (a few lines of Python
that record themselves like the real extension does); the end-to-end tests run the real
`khabar schedule` over the replay proxy with schedules of seconds.
"""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import load_config
from crawler.scheduler import (
    CrawlRunner,
    Daemon,
    build_jobs,
    describe_exit,
    final_values,
    make_scheduler,
    next_run_after,
    schedule_period,
    scheduler_options,
)
from storage.runs import reap_abandoned
from storage.store import ArticleStore, utcnow
from tests.conftest import PROJECT_ROOT
from tests.support.replay import ReplayServer, ReplaySite, slow_fault

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# --- helpers ---------------------------------------------------------------------------------


def write_config(
    folder: Path,
    *,
    scheduler: dict[str, Any] | None = None,
    schedules: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """A config with config.yaml's real alwatan and sana entries, database and logs in
    `folder`, and the given scheduler settings and per-site schedules."""
    real = yaml.safe_load((PROJECT_ROOT / "config.yaml").read_text(encoding="utf-8"))
    sites = []
    for site in real["sites"]:
        if site["name"] in ("alwatan", "sana"):
            site = dict(site)
            site["schedule"] = (schedules or {}).get(site["name"], {"interval_minutes": 60})
            sites.append(site)
    config = {
        "database": "khabar.sqlite",
        "scheduler": {"logs_dir": "logs", **(scheduler or {})},
        "sites": sites,
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def rows(db: Path, sql: str = "SELECT * FROM crawls ORDER BY id") -> list[dict]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    except sqlite3.OperationalError as exc:  # the file exists, its schema is being created
        if "no such table" in str(exc):
            return []
        raise
    finally:
        conn.close()


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"daemon exited {proc.returncode} while waiting for {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# A stand-in for `scrapy crawl`: journals its start and end (for overlap checks), records its
# run the way the crawl-record extension does, and behaves as BEHAVIOUR says.
FAKE_CRAWL = textwrap.dedent(
    """
    import os, signal, sqlite3, sys, time
    site, behaviour = sys.argv[1], os.environ.get("BEHAVIOUR", "ok")
    journal = os.environ["JOURNAL"]

    def note(event):
        with open(journal, "a") as fh:
            fh.write(f"{site} {event} {time.time()}\\n")

    def record(status, reason):
        conn = sqlite3.connect(os.environ["KHABAR_DB"], timeout=30)
        conn.execute(
            "UPDATE crawls SET status = ?, finish_reason = ?, finished_at = datetime('now') "
            "WHERE id = ?", (status, reason, int(os.environ["KHABAR_CRAWL_ID"])))
        conn.commit()

    def interrupted(*_):
        note("end")
        record("interrupted", "shutdown")
        sys.exit(0)

    note("start")
    if behaviour == "ignore-sigint":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGINT, interrupted)
    if behaviour == "exit3":
        sys.exit(3)
    if behaviour == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(float(os.environ.get("DURATION", "0.1")))
    note("end")
    if behaviour != "no-record":
        record("ok", "finished")
    """
)


def fake_command(site: str, scrapy_args: list[str]) -> list[str]:
    return [sys.executable, "-c", FAKE_CRAWL, site, *scrapy_args]


def intervals(journal: Path) -> dict[str, list[tuple[float, float]]]:
    """site → [(start, end)] from the stand-in crawls' journal."""
    open_at: dict[str, float] = {}
    out: dict[str, list[tuple[float, float]]] = {}
    for line in journal.read_text().splitlines():
        site, event, at = line.split()
        if event == "start":
            open_at[site] = float(at)
        else:
            out.setdefault(site, []).append((open_at.pop(site), float(at)))
    return out


def max_overlap(spans: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


# --- schedules and jobs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "last", "expected"),
    [
        ({"interval_minutes": 20}, None, NOW),  # never ran: now
        ({"interval_minutes": 20}, NOW - timedelta(minutes=5), NOW + timedelta(minutes=15)),
        ({"interval_minutes": 20}, NOW - timedelta(hours=3), NOW),  # overdue: now
        ({"interval_minutes": 0.05}, NOW - timedelta(seconds=1), NOW + timedelta(seconds=2)),
        # cron in the site's zone (Asia/Damascus, +03:00 since 2022): 06:00 local = 03:00 UTC
        ({"cron": "0 6 * * *"}, NOW, datetime(2026, 3, 2, 3, 0, tzinfo=UTC)),
        ({"cron": "*/30 * * * *"}, None, NOW),  # 12:00 matches */30 itself
        ({"cron": "*/30 * * * *"}, NOW, NOW),  # the last start does not matter for cron
    ],
)
def test_next_run_after(tmp_path: Path, schedule: dict, last: datetime | None, expected) -> None:
    config = load_config(write_config(tmp_path, schedules={"alwatan": schedule}))
    assert next_run_after(config.sites["alwatan"], last, NOW) == expected
    if schedule.get("cron") == "*/30 * * * *":  # a minute later: the next half hour
        later = next_run_after(config.sites["alwatan"], last, NOW + timedelta(minutes=1))
        assert later == NOW + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("schedule", "period"),
    [
        ({"interval_minutes": 20}, timedelta(minutes=20)),
        ({"interval_minutes": 0.05}, timedelta(seconds=3)),
        ({"cron": "*/30 * * * *"}, timedelta(minutes=30)),
        ({"cron": "0 6 * * *"}, timedelta(days=1)),
    ],
)
def test_schedule_period(tmp_path: Path, schedule: dict, period: timedelta) -> None:
    config = load_config(write_config(tmp_path, schedules={"sana": schedule}))
    assert schedule_period(config.sites["sana"], NOW) == period


def test_jobs_from_config(tmp_path: Path) -> None:
    config = load_config(
        write_config(
            tmp_path,
            scheduler={"misfire_grace_seconds": 42, "max_concurrent_crawls": 1},
            schedules={"alwatan": {"cron": "*/30 * * * *"}, "sana": {"interval_minutes": 0.05}},
        )
    )
    jobs = build_jobs(config.sites.values(), print, {"sana": NOW}, NOW)
    by_id = {job["id"]: job for job in jobs}
    assert set(by_id) == {"alwatan", "sana"}
    assert isinstance(by_id["alwatan"]["trigger"], CronTrigger)
    assert str(by_id["alwatan"]["trigger"].timezone) == "Asia/Damascus"
    assert "next_run_time" not in by_id["alwatan"]  # the cron trigger decides
    assert isinstance(by_id["sana"]["trigger"], IntervalTrigger)
    assert by_id["sana"]["trigger"].interval == timedelta(seconds=3)
    assert by_id["sana"]["next_run_time"] == NOW + timedelta(seconds=3)
    assert by_id["sana"]["args"] == ["sana"]

    options = scheduler_options(config.scheduler)
    assert options["executors"]["default"]._pool._max_workers == 1  # the global cap
    scheduler = BackgroundScheduler(**options)
    scheduler.start(paused=True)
    try:
        for job in jobs:
            scheduler.add_job(**job)
        for job in scheduler.get_jobs():
            assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 42)
        assert scheduler.get_job("sana").next_run_time == NOW + timedelta(seconds=3)
    finally:
        scheduler.shutdown(wait=False)
    assert isinstance(make_scheduler(config.scheduler), BlockingScheduler)


@pytest.mark.parametrize(
    ("row", "code", "stopped_for", "killed", "expected"),
    [
        # the crawl's own verdict stands
        ({"status": "ok"}, 0, None, False, {"exit_code": 0}),
        ({"status": "interrupted"}, 0, "shutdown", False, {"exit_code": 0}),
        ({"status": "interrupted"}, 130, "shutdown", False, {"exit_code": 130}),
        # a signal from elsewhere (kill -INT <crawl>): the crawl recorded it and exited 130/143
        ({"status": "interrupted"}, 143, None, False, {"exit_code": 143}),
        (
            {"status": "running"},
            -9,
            "shutdown",
            "after a second signal",
            {"status": "interrupted", "finish_reason": "shutdown: killed after a second signal"},
        ),
        # finished and recorded, then hit by the shutdown's SIGINT on its way out
        ({"status": "ok"}, -2, "shutdown", False, {"exit_code": -2}),
        (
            {"status": "running"},
            0,
            None,
            False,
            {"status": "failed", "finish_reason": "exited without recording its run"},
        ),
        (
            {"status": "running"},
            1,
            None,
            False,
            {"status": "failed", "exit_code": 1, "finish_reason": "exited with status 1"},
        ),
        (
            {"status": "running"},
            -9,
            None,
            False,
            {"status": "failed", "exit_code": -9, "finish_reason": "killed by SIGKILL"},
        ),
        (
            {"status": "failed", "finish_reason": "disk full", "finished_at": "x"},
            1,
            None,
            False,
            {},  # recorded failed, exited 1 saying so: its reason stands
        ),
        (
            {"status": "ok", "finish_reason": "finished"},
            1,
            None,
            False,
            {"status": "failed", "finish_reason": "exited with status 1"},
        ),
        (
            {"status": "ok", "finish_reason": "finished"},
            -11,
            None,
            False,
            {"status": "failed", "finish_reason": "killed by SIGSEGV"},
        ),
        (
            {"status": "interrupted", "finished_at": "x"},
            0,
            "timeout",
            False,
            {"status": "failed", "finish_reason": "timeout"},
        ),
        (
            {"status": "running"},
            -9,
            "timeout",
            True,
            {"status": "failed", "finish_reason": "timeout (killed after the grace period)"},
        ),
        (
            {"status": "running"},
            -9,
            "shutdown",
            True,
            {"status": "interrupted", "finish_reason": "shutdown: killed after the grace period"},
        ),
        (
            {"status": "running"},
            -2,
            "shutdown",
            False,
            {
                "status": "interrupted",
                "finish_reason": "shutdown (killed by SIGINT before recording)",
            },
        ),
    ],
)
def test_final_values(row, code, stopped_for, killed, expected) -> None:
    values = final_values(row, code, stopped_for, killed)
    assert {k: values[k] for k in expected} == expected
    assert values["exit_code"] == code
    if "status" in values and not row.get("finished_at"):
        assert values["finished_at"]
    if "status" not in expected:
        assert "status" not in values  # the crawl's own verdict stands


@pytest.mark.parametrize(
    ("code", "text"),
    [(0, "exited with status 0"), (2, "exited with status 2"), (-15, "killed by SIGTERM")],
)
def test_describe_exit(code: int, text: str) -> None:
    assert describe_exit(code) == text


# --- the runner with a stand-in crawl --------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "timeout_minutes", "status", "exit_code", "reason"),
    [
        ("ok", 1, "ok", 0, "finished"),
        ("exit3", 1, "failed", 3, "exited with status 3"),
        ("sigkill", 1, "failed", -9, "killed by SIGKILL"),
        ("no-record", 1, "failed", 0, "exited without recording its run"),
        ("slow", 0.02, "failed", 0, "timeout"),  # SIGINT stops it within the grace
        ("ignore-sigint", 0.02, "failed", -9, "timeout (killed after the grace period)"),
    ],
)
def test_runner_records_every_ending(
    tmp_path: Path, behaviour: str, timeout_minutes: float, status: str, exit_code: int, reason
) -> None:
    config = load_config(
        write_config(
            tmp_path,
            scheduler={"run_timeout_minutes": timeout_minutes, "shutdown_grace_seconds": 1},
        )
    )
    env = {
        **os.environ,
        "BEHAVIOUR": behaviour,
        "JOURNAL": str(tmp_path / "journal"),
        "DURATION": "30" if behaviour in ("slow", "ignore-sigint") else "0.1",
    }
    runner = CrawlRunner(config, command=fake_command, env=env, scrapy_args=["-s", "X=1"])
    started = time.monotonic()
    outcome = runner.run("sana")
    assert time.monotonic() - started < 10
    assert outcome is not None
    (row,) = rows(config.database)
    assert (row["status"], row["exit_code"], row["finish_reason"]) == (status, exit_code, reason)
    assert row["finished_at"] and row["pid"] and row["site"] == "sana"
    assert Path(row["log_path"]).parent == config.scheduler.logs_dir / "sana"
    assert Path(row["log_path"]).exists()
    assert outcome.status == status and outcome.crawl_id == row["id"]
    assert runner.running() == []


def test_stopping_runner_refuses_new_runs(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    runner = CrawlRunner(config, command=fake_command, env={**os.environ, "JOURNAL": "x"})
    runner.stop()
    assert runner.run("alwatan") is None
    assert rows(config.database) == []


def test_abandoned_running_rows_are_failed(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    store = ArticleStore(config.database)
    try:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        gone = store.start_crawl("alwatan", pid=dead.pid)
        alive = store.start_crawl("sana", pid=os.getpid())
        assert reap_abandoned(store) == 1
        assert store.crawl(gone)["status"] == "failed"
        assert "abandoned" in store.crawl(gone)["finish_reason"]
        assert store.crawl(alive)["status"] == "running"
    finally:
        store.close()


def test_daemon_in_process_caps_and_refuses_overlaps(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two sites every 1.2 s, runs of 2 s, one crawl at a time: runs of a site never overlap,
    the cap holds across sites, late runs are skipped, SIGTERM ends it cleanly."""
    config = load_config(
        write_config(
            tmp_path,
            scheduler={"max_concurrent_crawls": 1, "shutdown_grace_seconds": 5},
            schedules={"alwatan": {"interval_minutes": 0.02}, "sana": {"interval_minutes": 0.02}},
        )
    )
    journal = tmp_path / "journal"
    env = {**os.environ, "JOURNAL": str(journal), "DURATION": "2"}
    runner = CrawlRunner(config, command=fake_command, env=env)
    daemon = Daemon(config, runner)
    daemon.add_jobs({})

    def stop_when_done() -> None:
        # SIGTERM once two runs have finished and a third is well under way (not about to end).
        def mid_run() -> bool:
            if not journal.exists():
                return False
            lines = [line.split() for line in journal.read_text().splitlines()]
            ends = sum(event == "end" for _, event, _ in lines)
            starts = [float(at) for _, event, at in lines if event == "start"]
            return ends >= 2 and len(starts) > ends and 0.3 < time.time() - starts[-1] < 1.2

        wait_for(mid_run, 30, "two finished runs and one under way")
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_when_done, daemon=True)
    caplog.set_level("INFO", logger="crawler.scheduler")
    stopper.start()
    assert daemon.serve() == 0
    stopper.join()

    spans = intervals(journal)
    assert set(spans) == {"alwatan", "sana"}
    assert max_overlap([s for site in spans.values() for s in site]) == 1
    runs = rows(config.database)
    assert runs and all(r["status"] in ("ok", "interrupted") for r in runs)
    assert runs[-1]["status"] == "interrupted"  # the crawl running at SIGTERM
    assert "previous run is still going" in caplog.text or "missed" in caplog.text


# --- end to end: the real `khabar schedule` over the replay proxy -----------------------------


@pytest.fixture(scope="module")
def replicas(corpus_dir: Path) -> dict[str, ReplaySite]:
    return {
        "alwatan": ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv"),
        "sana": ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv"),
    }


def khabar_env(server: ReplayServer, config: Path) -> dict[str, str]:
    env = {**os.environ, **server.env(), "KHABAR_CONFIG": str(config)}
    env["KHABAR_EXTRACT_WORKERS"] = "0"
    env.pop("KHABAR_DB", None)
    return env


def khabar(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def test_once_runs_each_site_in_turn(tmp_path: Path, replicas) -> None:
    config_path = write_config(tmp_path)
    with ReplayServer(replicas.values()) as server:
        proc = subprocess.run(
            khabar("schedule", "--once", *FAST),
            cwd=PROJECT_ROOT,
            env=khabar_env(server, config_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    runs = rows(tmp_path / "khabar.sqlite")
    assert [r["site"] for r in runs] == ["alwatan", "sana"]
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert [r["articles_new"] for r in runs] == [14, 2]
    assert all(r["exit_code"] == 0 and r["pid"] for r in runs)
    assert runs[0]["finished_at"] <= runs[1]["started_at"]  # one after another
    for run in runs:
        log = Path(run["log_path"])
        assert log.parent == tmp_path / "logs" / run["site"]
        assert f"khabar: {run['site']}: ok:" in log.read_text(encoding="utf-8")
        assert f"{run['site']}: run {run['id']} ok" in proc.stdout


def test_once_with_a_crashing_crawl_records_it_failed(tmp_path: Path, replicas) -> None:
    config_path = write_config(tmp_path)
    broken = 'ITEM_PIPELINES={"pipelines.no_such_module.Pipeline": 100}'
    with ReplayServer(replicas.values()) as server:
        proc = subprocess.run(
            khabar("schedule", "--once", "--site", "sana", "-s", broken),
            cwd=PROJECT_ROOT,
            env=khabar_env(server, config_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1, proc.stderr
    (run,) = rows(tmp_path / "khabar.sqlite")
    assert (run["site"], run["status"], run["exit_code"]) == ("sana", "failed", 1)
    assert run["finish_reason"] == "exited with status 1" and run["finished_at"]
    assert "no_such_module" in Path(run["log_path"]).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def daemon_run(tmp_path_factory: pytest.TempPathFactory, replicas) -> dict[str, Any]:
    """The real daemon over both replicas with 3-second intervals: two rounds, a crawl killed
    with SIGKILL (a crash), more rounds, then SIGTERM while a crawl is mid-way."""
    folder = tmp_path_factory.mktemp("daemon")
    config_path = write_config(
        folder,
        scheduler={
            "max_concurrent_crawls": 2,
            "shutdown_grace_seconds": 20,
            "misfire_grace_seconds": 5,
            "run_timeout_minutes": 2,
        },
        schedules={"alwatan": {"interval_minutes": 0.05}, "sana": {"interval_minutes": 0.05}},
    )
    db = folder / "khabar.sqlite"
    with ReplayServer(replicas.values()) as server:
        # Every al-Watan crawl takes > 3 s (its feed answers slowly), so the next tick comes
        # while it still runs and must be refused.
        server.add_fault("https://alwatan.sy/feed/", slow_fault(3.5))
        env = khabar_env(server, config_path)
        daemon = subprocess.Popen(
            khabar("schedule", *FAST),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:

            def mid_log(crawl_id: int) -> str:
                return next(r["log_path"] for r in rows(db) if r["id"] == crawl_id) or ""

            def finished(site: str) -> int:
                return sum(
                    1
                    for r in rows(db)
                    if r["site"] == site
                    and r["status"] not in ("running",)
                    and r["exit_code"] is not None
                )

            wait_for(
                lambda: finished("alwatan") >= 2 and finished("sana") >= 2,
                120,
                "two finished rounds of both sites",
                daemon,
            )
            # A crash: kill the running al-Watan crawl outright.
            victim = wait_for(
                lambda: next(
                    (
                        r
                        for r in rows(db)
                        if r["site"] == "alwatan" and r["status"] == "running" and r["pid"]
                    ),
                    None,
                ),
                30,
                "a running alwatan crawl",
                daemon,
            )
            time.sleep(1.0)
            os.killpg(victim["pid"], signal.SIGKILL)

            wait_for(
                lambda: any(
                    r["site"] == "alwatan" and r["id"] > victim["id"] and r["status"] == "ok"
                    for r in rows(db)
                ),
                60,
                "an al-Watan run after the crash",
                daemon,
            )
            # SIGTERM while a crawl is mid-way (al-Watan waiting on its slow feed).
            mid = wait_for(
                lambda: next(
                    (
                        r
                        for r in rows(db)
                        if r["site"] == "alwatan" and r["status"] == "running" and r["pid"]
                    ),
                    None,
                ),
                30,
                "another running alwatan crawl",
                daemon,
            )
            wait_for(
                lambda: (
                    Path(mid_log(mid["id"])).exists()
                    and "Crawl run" in Path(mid_log(mid["id"])).read_text(encoding="utf-8")
                ),
                30,
                "the crawl to be under way",
                daemon,
            )
            time.sleep(0.5)
            signal_at = utcnow()
            daemon.send_signal(signal.SIGTERM)
            stdout, stderr = daemon.communicate(timeout=60)
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.communicate()
        status = subprocess.run(
            khabar("status"),
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    print(f"\n$ khabar status  (exit {status.returncode})\n{status.stdout}{status.stderr}")
    return {
        "db": db,
        "runs": rows(db),
        "victim": victim["id"],
        "mid": mid["id"],
        "signal_at": signal_at,
        "returncode": daemon.returncode,
        "stderr": stderr,
        "stdout": stdout,
        "status": status,
        "logs": folder / "logs",
    }


def test_daemon_exits_zero_on_sigterm(daemon_run) -> None:
    assert daemon_run["returncode"] == 0, daemon_run["stderr"][-3000:]
    assert "SIGTERM received" in daemon_run["stderr"]


def test_daemon_ran_two_rounds_of_both_sites(daemon_run) -> None:
    ok = [r for r in daemon_run["runs"] if r["status"] == "ok"]
    assert sum(r["site"] == "alwatan" for r in ok) >= 2
    assert sum(r["site"] == "sana" for r in ok) >= 2
    first_alwatan = next(r for r in ok if r["site"] == "alwatan")
    assert first_alwatan["articles_new"] == 14
    later = [r for r in ok if r["site"] == "alwatan" and r["id"] > first_alwatan["id"]]
    assert later and all(r["articles_new"] == 0 for r in later)  # incremental rounds


def test_daemon_never_overlaps_runs_of_a_site(daemon_run) -> None:
    assert "alwatan: run skipped, the previous run is still going" in daemon_run["stderr"]
    for site in ("alwatan", "sana"):
        runs = [r for r in daemon_run["runs"] if r["site"] == site]
        for earlier, later in itertools.pairwise(runs):
            assert earlier["finished_at"] <= later["started_at"], (earlier, later)


def test_crashed_crawl_is_recorded_failed_and_the_daemon_goes_on(daemon_run) -> None:
    victim = next(r for r in daemon_run["runs"] if r["id"] == daemon_run["victim"])
    assert victim["status"] == "failed"
    assert victim["exit_code"] == -9
    assert victim["finish_reason"] == "killed by SIGKILL"
    assert victim["finished_at"]
    assert any(r["id"] > victim["id"] and r["status"] == "ok" for r in daemon_run["runs"])


def test_sigterm_mid_crawl_ends_cleanly_with_the_run_recorded(daemon_run) -> None:
    runs = daemon_run["runs"]
    assert not [r for r in runs if r["status"] == "running"]
    mid = next(r for r in runs if r["id"] == daemon_run["mid"])
    assert mid["status"] == "interrupted"
    assert mid["finish_reason"] == "shutdown"
    assert mid["exit_code"] == 130 and mid["finished_at"]  # 128 + SIGINT, the daemon's stop
    assert all(r["started_at"] <= daemon_run["signal_at"] for r in runs)  # none after SIGTERM
    assert all(r["finished_at"] for r in runs)


def test_every_run_has_its_log_file(daemon_run) -> None:
    for run in daemon_run["runs"]:
        log = Path(run["log_path"])
        assert log.is_file() and log.parent == daemon_run["logs"] / run["site"]


def test_status_after_the_daemon(daemon_run) -> None:
    status = daemon_run["status"]
    lines = status.stdout.splitlines()
    assert lines[0].split()[:2] == ["SITE", "LAST"]
    by_site = {line.split()[0]: line for line in lines[1:]}
    assert set(by_site) == {"alwatan", "sana"}
    assert "interrupted" in by_site["alwatan"]
    # One crash among successful runs is not "failing"; news arrived just now: not stale.
    assert all(" ok " in line for line in by_site.values()), status.stdout
    assert status.returncode == 0
