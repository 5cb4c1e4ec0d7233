"""The scheduler daemon: every configured site crawled on its own schedule, one subprocess a run.

Why subprocesses: Twisted's reactor cannot be restarted inside one process, so each run is a
fresh `scrapy crawl <site>`, with its output in a log file of its own. The daemon creates the
run's `crawls` row before launch and hands its id to the crawl (KHABAR_CRAWL_ID), so a run that
dies before it could record anything is still in the table, marked failed with its exit status.

APScheduler 3.x does the timing: `max_instances=1` (never two runs of one site at once),
`coalesce` (a backlog of missed runs becomes one run), a misfire grace time, and a thread-pool
executor whose size is the global cap on concurrent crawls. Stopping (SIGTERM/SIGINT, a run
timeout) is graceful: SIGINT lets Scrapy close the spider and record the run, SIGKILL follows
after the grace period.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.adaptive import Decision, current_interval
from crawler.backfill_lock import site_lock
from crawler.config import (
    PROJECT_ROOT,
    KhabarConfig,
    Schedule,
    SchedulerConfig,
    SiteConfig,
    check_logs_dir,
)
from crawler.crontab import cron_trigger, describe_cron, describe_interval
from crawler.extensions.crawlrecord import EXIT_RUN_FAILED
from crawler.interrupts import SHUTDOWN_SIGNALS, exit_status
from storage.faults import DatabaseUnwritable, store_error
from storage.runs import latest_runs
from storage.store import ArticleStore, utcnow

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often a supervising thread looks at its crawl
STATUS_RUNNING = "running"
STATUS_FAILED = "failed"
STATUS_INTERRUPTED = "interrupted"
# How a crawl stopped by SIGINT/SIGTERM that recorded itself `interrupted` exits.
INTERRUPTED_EXITS = frozenset(exit_status(sig) for sig in SHUTDOWN_SIGNALS)
# After a second signal to the daemon, a crawl gets this long to record itself (it was sent
# its own second signal: crawler.interrupts) before it is killed.
FORCED_GRACE_SECONDS = 5.0
AFTER_GRACE, AFTER_SECOND_SIGNAL = "after the grace period", "after a second signal"

CommandBuilder = Callable[[str, Sequence[str]], list[str]]


def scrapy_command(site: str, scrapy_args: Sequence[str] = ()) -> list[str]:
    """`scrapy crawl <site>` with this interpreter, so the daemon and its crawls share a venv."""
    return [sys.executable, "-m", "scrapy", "crawl", site, *scrapy_args]


# --- schedules -------------------------------------------------------------------------------


def trigger_for(schedule: Schedule, timezone: str, adaptive: Decision | None = None) -> BaseTrigger:
    """The APScheduler trigger of a site's schedule, in the site's timezone (cron strings mean
    what crontab(5) means: crawler.crontab); an adaptive site's at its current interval."""
    if schedule.cron:
        return cron_trigger(schedule.cron, timezone)
    return IntervalTrigger(seconds=_interval_seconds(schedule, adaptive), timezone=timezone)


def describe_schedule(site: SiteConfig) -> str:
    """'cron 0 9 * * 0 (Sundays 09:00 Asia/Damascus)', 'every 30 min' or
    'adaptive, every 5 min to every 4 h'."""
    if site.schedule.cron:
        return describe_cron(site.schedule.cron, site.timezone)
    if bounds := site.schedule.adaptive:
        low, high = describe_interval(bounds.min_minutes), describe_interval(bounds.max_minutes)
        return f"adaptive, {low} to {high}"
    return describe_interval(float(site.schedule.interval_minutes or 0))


def list_line(site: SiteConfig, next_run: datetime | None, adaptive: Decision | None = None) -> str:
    """One `khabar schedule --list` line: the site, its schedule in words, and its next run in
    UTC and in the site's own timezone; for an adaptive site its current interval and why."""
    if next_run is None:
        when = "never"
    else:
        local = next_run.astimezone(ZoneInfo(site.timezone))
        when = f"{next_run.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC ({local:%Y-%m-%d %H:%M %Z})"
    now = f"; now {adaptive.reason}" if adaptive else ""
    return f"{site.name:<16} next {when}  {describe_schedule(site)}{now}"


def _interval_seconds(schedule: Schedule, adaptive: Decision | None = None) -> float:
    if schedule.adaptive:  # its current interval; the minimum until that is known
        return adaptive.seconds if adaptive else schedule.adaptive.min_minutes * 60
    return float(schedule.interval_minutes or 0) * 60


def next_run_after(
    site: SiteConfig,
    last_started: datetime | None,
    now: datetime,
    adaptive: Decision | None = None,
) -> datetime | None:
    """When the site's next run is due, given its last start (None: never ran) and, for an
    adaptive site, its current interval.

    Interval sites run one interval after their last start — or right away if that is past —
    so restarting the daemon neither hammers every site at once nor skips a due run. Cron
    sites run at the next matching time.
    """
    if site.schedule.cron:
        when = trigger_for(site.schedule, site.timezone).get_next_fire_time(None, now)
        return when.astimezone(UTC) if when else None
    if last_started is None:
        return now
    seconds = _interval_seconds(site.schedule, adaptive)
    return max(now, last_started + timedelta(seconds=seconds))


def schedule_period(site: SiteConfig, now: datetime) -> timedelta:
    """How far apart the site's runs are: its interval (an adaptive site's longest), or the gap
    between its next two cron times (what "a few periods without news" means for the health
    check)."""
    if site.schedule.adaptive:
        return timedelta(minutes=site.schedule.adaptive.max_minutes)
    if not site.schedule.cron:
        return timedelta(seconds=_interval_seconds(site.schedule))
    trigger = trigger_for(site.schedule, site.timezone)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    if first is None or second is None:  # config validation refuses such schedules
        return timedelta(0)
    return second - first


def build_jobs(
    sites: Iterable[SiteConfig],
    run: Callable[[str], Any],
    last_started: dict[str, datetime],
    now: datetime,
    adaptive: dict[str, Decision] | None = None,
) -> list[dict[str, Any]]:
    """`scheduler.add_job(**job)` arguments, one job per site (the job id is the site name);
    `adaptive` holds the current interval of each adaptive site."""
    jobs = []
    for site in sites:
        decision = (adaptive or {}).get(site.name)
        job: dict[str, Any] = {
            "func": run,
            "args": [site.name],
            "id": site.name,
            "name": f"crawl {site.name}",
            "trigger": trigger_for(site.schedule, site.timezone, decision),
            "replace_existing": True,
        }
        if not site.schedule.cron:
            job["next_run_time"] = next_run_after(site, last_started.get(site.name), now, decision)
        jobs.append(job)
    return jobs


def adaptive_intervals(db: Any, sites: Iterable[SiteConfig], now: datetime) -> dict[str, Decision]:
    """Site → current interval, for the adaptive ones among `sites` (`db` may be None)."""
    return {
        site.name: decision
        for site in sites
        if (decision := current_interval(db, site, now)) is not None
    }


def scheduler_options(settings: SchedulerConfig) -> dict[str, Any]:
    """The one place the scheduler's executors, job defaults and timezone are configured."""
    return {
        # The pool size is the global cap on concurrent crawls: a due run waits for a free
        # worker (and is dropped as missed if that takes longer than the misfire grace).
        "executors": {"default": ThreadPoolExecutor(max_workers=settings.max_concurrent_crawls)},
        "job_defaults": {
            "max_instances": 1,  # never two runs of one site at once
            "coalesce": True,  # missed runs collapse into one
            "misfire_grace_time": settings.misfire_grace_seconds or None,
        },
        "timezone": UTC,
    }


def make_scheduler(settings: SchedulerConfig) -> BlockingScheduler:
    return BlockingScheduler(**scheduler_options(settings))


# --- running one crawl -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    """How one scheduled run ended, as recorded in its `crawls` row."""

    crawl_id: int
    site: str
    status: str
    exit_code: int | None
    finish_reason: str | None
    log_path: Path | None  # None: not started, nothing logged


def describe_exit(code: int) -> str:
    """'exited with status 1' / 'killed by SIGKILL' for a Popen return code."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


def final_values(
    row: dict[str, Any], exit_code: int, stopped_for: str | None, killed: bool | str
) -> dict[str, Any]:
    """What the daemon writes into a run's row after its process ended.

    A crawl that recorded itself keeps its own verdict (and a failed one exits with
    EXIT_RUN_FAILED) unless it then crashed, or was stopped
    for running past its timeout: those are failed, with the exit status and why. A crawl the
    daemon stopped for shutting down is `interrupted` (neither success nor failure), even if it
    had to be killed (`killed` says when: AFTER_GRACE or AFTER_SECOND_SIGNAL) or was stopped
    before it could record anything. A crawl still 'running'
    in the table after it exited is failed.
    """
    values: dict[str, Any] = {"exit_code": exit_code}
    recorded = row.get("status") != STATUS_RUNNING
    status, reason = STATUS_FAILED, None
    if stopped_for == "timeout":
        reason = "timeout" + (" (killed after the grace period)" if killed else "")
    elif stopped_for == "shutdown":
        status = STATUS_INTERRUPTED
        if killed:
            reason = f"shutdown: killed {killed if isinstance(killed, str) else AFTER_GRACE}"
        elif not recorded:
            reason = f"shutdown ({describe_exit(exit_code)} before recording)"
    elif exit_code == EXIT_RUN_FAILED and row.get("status") == STATUS_FAILED:
        pass  # the crawl recorded its failure and why, and exited saying so
    elif row.get("status") == STATUS_INTERRUPTED and exit_code in INTERRUPTED_EXITS:
        pass  # a signal from elsewhere stopped it, and it recorded that itself
    elif exit_code != 0:
        reason = describe_exit(exit_code)
    elif not recorded:
        reason = "exited without recording its run"
    if reason is not None:
        values.update(status=status, finish_reason=reason)
        if not row.get("finished_at"):
            values["finished_at"] = utcnow()
    return values


class CrawlRunner:
    """Launches, supervises and records crawl subprocesses; thread-safe, one call per run."""

    def __init__(
        self,
        config: KhabarConfig,
        *,
        database: Path | None = None,
        scrapy_args: Sequence[str] = (),
        command: CommandBuilder = scrapy_command,
        env: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.database = database or config.database
        self.settings = config.scheduler
        self.scrapy_args = list(scrapy_args)
        self.command = command
        self.env = dict(os.environ if env is None else env)
        # Plain flags, so a signal handler may set them: stop() refuses new runs and has the
        # running ones interrupted; force() skips the rest of the grace period.
        self.stopping = False
        self.forced = False
        self._active: dict[str, subprocess.Popen[bytes]] = {}
        self._idle = threading.Condition()

    # -- control ------------------------------------------------------------------------------

    def stop(self) -> None:
        """Refuse new runs; running crawls are interrupted by their supervising threads."""
        self.stopping = True

    def force(self) -> None:
        """Kill running crawls now instead of waiting out the grace period."""
        self.stopping = self.forced = True

    def running(self) -> list[str]:
        with self._idle:
            return sorted(self._active)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no run is in progress (recording included); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, POLL_SECONDS))
        return True

    # -- one run ------------------------------------------------------------------------------

    def run(self, site: str) -> RunOutcome | None:
        """Crawl `site` once in a subprocess and record the run; None if refused (stopping, or
        the site's backfill is running: the two would fetch the same pages)."""
        if self.stopping:
            logger.info("%s: not started, the scheduler is stopping", site)
            return None
        with site_lock(self.database, site, "a scheduled crawl") as holder:
            if holder is not None:
                logger.info("%s: not started, the site is being crawled by %s", site, holder)
                return None
            return self._run(site)

    def _run(self, site: str) -> RunOutcome:
        try:
            store = ArticleStore(self.database)
        except DatabaseUnwritable as exc:
            return self._not_started(site, exc.reason)
        try:
            try:
                crawl_id = store.start_crawl(site)
            except (sqlite3.Error, OSError) as exc:  # a read-only file, a full disk
                return self._not_started(site, store_error(exc, self.database))
            log_path = self._log_path(site, crawl_id)
            proc = self._launch(site, crawl_id, log_path)
            if isinstance(proc, str):  # no log file or no process: the row must not stay running
                reason = f"could not start the crawl: {proc}"
                store.update_crawl(
                    crawl_id,
                    {
                        "status": STATUS_FAILED,
                        "finished_at": utcnow(),
                        "finish_reason": reason,
                        "log_path": str(log_path),
                    },
                )
                return RunOutcome(crawl_id, site, STATUS_FAILED, None, reason, log_path)
            with self._idle:
                self._active[site] = proc
            try:
                store.update_crawl(crawl_id, {"log_path": str(log_path), "pid": proc.pid})
                logger.info(
                    "%s: run %d started (pid %d, log %s)", site, crawl_id, proc.pid, log_path
                )
                exit_code, stopped_for, killed = self._supervise(site, proc)
                row = store.crawl(crawl_id)
                values = final_values(row, exit_code, stopped_for, killed)
                store.update_crawl(crawl_id, values)
                row.update(values)
            finally:
                with self._idle:
                    self._active.pop(site, None)
                    self._idle.notify_all()
        finally:
            store.close()
        outcome = RunOutcome(
            crawl_id, site, row["status"], exit_code, row.get("finish_reason"), log_path
        )
        log = logger.warning if outcome.status == STATUS_FAILED else logger.info
        log(
            "%s: run %d %s (%s; %s new, %s updated)",
            site,
            crawl_id,
            outcome.status,
            outcome.finish_reason or describe_exit(exit_code),
            row.get("articles_new"),
            row.get("articles_updated"),
        )
        return outcome

    def _not_started(self, site: str, reason: str) -> RunOutcome:
        """The run cannot even be recorded (the database takes no writes): one line, no row."""
        why = f"not started: cannot record it in {self.database}: {reason}"
        logger.error("%s: run %s", site, why)
        return RunOutcome(0, site, STATUS_FAILED, None, why, None)

    def _log_path(self, site: str, crawl_id: int) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return Path(self.settings.logs_dir) / site / f"{stamp}-run{crawl_id}.log"

    def _launch(self, site: str, crawl_id: int, log_path: Path) -> subprocess.Popen[bytes] | str:
        """The crawl process, or why it could not be started."""
        env = {
            **self.env,
            "KHABAR_CRAWL_ID": str(crawl_id),
            "KHABAR_CONFIG": str(self.config.path),
            "KHABAR_DB": str(self.database),
        }
        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("ab") as log:
                # A session of its own: a terminal's Ctrl-C reaches the daemon only, and the
                # crawl's whole process group (extraction workers too) can be killed at once.
                return subprocess.Popen(
                    self.command(site, self.scrapy_args),
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        except OSError as exc:
            logger.error("%s: cannot start the crawl: %s", site, exc)
            return f"{exc.strerror or exc} ({exc.filename or self.command(site, ())[0]})"

    def _supervise(
        self, site: str, proc: subprocess.Popen[bytes]
    ) -> tuple[int, str | None, str | None]:
        """Wait for the crawl; on timeout or stop: SIGINT, then SIGKILL after the grace. After a
        second signal to the daemon (force): a second SIGINT, so the crawl stops at once and
        records itself (crawler.interrupts), and SIGKILL if it has not within a few seconds."""
        timeout_at = time.monotonic() + self.settings.run_timeout_minutes * 60
        stopped_for: str | None = None
        kill_at = 0.0
        forced = False
        killed: str | None = None
        while True:
            try:
                code = proc.wait(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if stopped_for is None:
                if self.stopping:
                    stopped_for = "shutdown"
                elif now >= timeout_at:
                    stopped_for = "timeout"
                    logger.warning(
                        "%s: still running after %s min, stopping it",
                        site,
                        self.settings.run_timeout_minutes,
                    )
                if stopped_for:
                    _signal(proc.pid, signal.SIGINT, group=False)
                    kill_at = now + self.settings.shutdown_grace_seconds
            elif killed is None and self.forced and not forced:
                forced = True
                _signal(proc.pid, signal.SIGINT, group=False)
                kill_at = min(kill_at, now + FORCED_GRACE_SECONDS)
            elif killed is None and now >= kill_at:
                logger.warning(
                    "%s: did not stop %s, killing it",
                    site,
                    "in time" if forced else "within the grace period",
                )
                _signal(proc.pid, signal.SIGKILL, group=True)
                killed = AFTER_SECOND_SIGNAL if forced else AFTER_GRACE
        if code != 0:  # leave no extraction worker of a crashed crawl behind
            _signal(proc.pid, signal.SIGKILL, group=True)
        return code, stopped_for, killed


def _signal(pid: int, sig: signal.Signals, *, group: bool) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


# --- the daemon ------------------------------------------------------------------------------


class SchedulerBusy(SystemExit):
    """Another scheduler holds this database's lock; exits 1 with its one line on stderr."""


def lock_path(database: Path) -> Path:
    """The lock file of the schedulers of `database`, beside it."""
    return database.with_name(database.name + ".scheduler.lock")


@contextlib.contextmanager
def one_scheduler(database: Path) -> Iterator[Path]:
    """Hold the database's scheduler lock (an exclusive flock) for the daemon's life.

    Two daemons on one database would run two crawls of a site at once. The kernel releases a
    flock when its holder dies, even by kill -9, so there is never a stale lock to clean up;
    the file holds the holder's PID for the message a second daemon prints.
    """
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by the crawls
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise SchedulerBusy(
                f"khabar: another scheduler (pid {holder}) is running on {database} "
                f"(lock {path}); stop it first"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)


class Daemon:
    """`khabar schedule`: the BlockingScheduler, its signal handling and the clean shutdown."""

    def __init__(
        self,
        config: KhabarConfig,
        runner: CrawlRunner,
        sites: Sequence[str] | None = None,
    ) -> None:
        self.config = config
        self.runner = runner
        self.sites = [config.sites[name] for name in (sites or config.sites)]
        self.scheduler = make_scheduler(config.scheduler)
        self.scheduler.add_listener(self._job_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
        self.scheduler.add_listener(self._job_done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self.signal_received: str | None = None
        self.adaptive: dict[str, Decision] = {}  # the adaptive sites' intervals at start

    def add_jobs(self, last_started: dict[str, datetime], now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        self.adaptive = self._intervals([s for s in self.sites if s.schedule.adaptive], now)
        for job in build_jobs(self.sites, self.runner.run, last_started, now, self.adaptive):
            self.scheduler.add_job(**job)

    def _intervals(self, sites: list[SiteConfig], now: datetime) -> dict[str, Decision]:
        if not sites:
            return {}
        store = ArticleStore(self.runner.database)
        try:
            return adaptive_intervals(store.db, sites, now)
        finally:
            store.close()

    def _job_done(self, event: JobExecutionEvent) -> None:
        """After an adaptive site's run: its next run one new interval after this run's start
        (the run's subprocess has recorded what it found in the crawls table by now)."""
        site = self.config.sites.get(event.job_id)
        if site is None or site.schedule.adaptive is None or self.runner.stopping:
            return
        now = datetime.now(UTC)
        store = ArticleStore(self.runner.database)
        try:
            decision = adaptive_intervals(store.db, [site], now)[site.name]
            latest = latest_runs(store.db, site.name, 1)
        finally:
            store.close()
        when = next_run_after(site, latest[0][0] if latest else None, now, decision)
        try:
            self.scheduler.modify_job(
                site.name,
                trigger=trigger_for(site.schedule, site.timezone, decision),
                next_run_time=when,
            )
        except JobLookupError:  # removed meanwhile (shutting down)
            return
        logger.info("%s: next run %s, %s", site.name, f"{when:%H:%M:%S}", decision.reason)

    def _job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MAX_INSTANCES:
            logger.warning("%s: run skipped, the previous run is still going", event.job_id)
        else:
            logger.warning(
                "%s: run due at %s missed (later than the misfire grace time)",
                event.job_id,
                event.scheduled_run_time,
            )

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.signal_received:  # a second signal: stop waiting for the crawls
            logger.warning("second signal: killing running crawls")
            self.runner.force()
            return
        self.signal_received = signal.Signals(signum).name
        self.runner.stop()
        self.scheduler.shutdown(wait=False)

    def serve(self) -> int:
        """Run until SIGTERM/SIGINT; then let running crawls finish and record; exit 0."""
        check_logs_dir(self.config)
        with one_scheduler(self.runner.database):
            return self._serve()

    def _serve(self) -> int:
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            logger.info(
                "scheduling %d sites (max %d crawls at once)",
                len(self.sites),
                self.config.scheduler.max_concurrent_crawls,
            )
            now = datetime.now(UTC)
            for job in self.scheduler.get_jobs():
                # A job added before start has a next_run_time only if it was given one.
                when = getattr(job, "next_run_time", None) or job.trigger.get_next_fire_time(
                    None, now
                )
                site = self.config.sites[job.id]
                logger.info("%s", list_line(site, when, self.adaptive.get(job.id)))
            self.scheduler.start()
            logger.info(
                "%s received: no new runs; waiting for %s",
                self.signal_received,
                ", ".join(self.runner.running()) or "no running crawl",
            )
            grace = self.config.scheduler.shutdown_grace_seconds
            if not self.runner.wait_idle(grace + 30):
                logger.error("crawls still running at exit: %s", ", ".join(self.runner.running()))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("scheduler stopped")
        return 0


def run_once(runner: CrawlRunner, sites: Sequence[str]) -> list[RunOutcome]:
    """Crawl each site once, one after another (`khabar schedule --once`); SIGTERM/SIGINT
    stop the current crawl gracefully and skip the rest."""

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if runner.stopping:
            runner.force()
        runner.stop()

    check_logs_dir(runner.config)
    with one_scheduler(runner.database):
        return _run_each(runner, sites, on_signal)


def _run_each(
    runner: CrawlRunner, sites: Sequence[str], on_signal: Callable[[int, FrameType | None], None]
) -> list[RunOutcome]:
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    outcomes = []
    try:
        for site in sites:
            outcome = runner.run(site)
            if outcome is None:
                break
            outcomes.append(outcome)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return outcomes
