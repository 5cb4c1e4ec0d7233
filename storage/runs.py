"""Queries over crawl runs and article statistics, for `khabar status`, the daemon and the
crawl recorder, and the closing of runs whose process died without recording them.

The SQL lives here so the CLI and the health rules (crawler.health) deal in plain values.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.health import (
    STATUS_RUNNING,
    DailyVolume,
    QualityCounts,
    RunSummary,
    SiteActivity,
    settle_running,
)
from storage.store import ArticleStore, parse_time, utcnow

logger = logging.getLogger(__name__)

# A run row that never got a process (the daemon died between creating it and starting the
# crawl) is abandoned after this long.
ABANDONED_AFTER = timedelta(minutes=10)
RUN_COLUMNS = (
    "id, site, status, started_at, finished_at, exit_code, finish_reason, articles_new, "
    "error_summary, pid"
)
# A process that started this long after its run's row cannot be the run's: its PID was reused.
PID_REUSE_SLACK = timedelta(minutes=1)


def _run(row: dict[str, Any]) -> RunSummary:
    run = RunSummary(
        crawl_id=row["id"],
        status=row["status"],
        started_at=parse_time(row["started_at"]) or datetime.min.replace(tzinfo=UTC),
        finished_at=parse_time(row["finished_at"]),
        exit_code=row["exit_code"],
        finish_reason=row["finish_reason"],
        articles_new=row["articles_new"] or 0,
        error_summary=row["error_summary"],
    )
    if run.status != STATUS_RUNNING:
        return run
    pid = row["pid"]
    return settle_running(run, pid, pid is not None and process_alive(pid, run.started_at))


def recent_runs(db: Database, site: str, limit: int = 50) -> list[RunSummary]:
    """The site's latest runs, newest first."""
    rows = db.execute(
        f"SELECT {RUN_COLUMNS} FROM crawls WHERE site = ? ORDER BY started_at DESC, id DESC "
        "LIMIT ?",
        [site, limit],
    ).fetchall()
    cols = [c.strip() for c in RUN_COLUMNS.split(",")]
    return [_run(dict(zip(cols, row, strict=True))) for row in rows]


def last_started(db: Database) -> dict[str, datetime]:
    """Site → start of its latest run."""
    rows = db.execute("SELECT site, MAX(started_at) FROM crawls GROUP BY site").fetchall()
    return {site: t for site, value in rows if (t := parse_time(value)) is not None}


def latest_runs(db: Database, site: str, limit: int = 2) -> list[tuple[datetime, int]]:
    """(start, new articles found) of the site's latest runs, newest first."""
    rows = db.execute(
        "SELECT started_at, articles_new FROM crawls WHERE site = ? "
        "ORDER BY started_at DESC, id DESC LIMIT ?",
        [site, limit],
    ).fetchall()
    return [(t, found or 0) for value, found in rows if (t := parse_time(value)) is not None]


def first_run(db: Database, site: str) -> tuple[int, datetime] | None:
    """(id, start) of the site's first run."""
    row = db.execute(
        "SELECT id, started_at FROM crawls WHERE site = ? ORDER BY started_at, id LIMIT 1", [site]
    ).fetchone()
    started = parse_time(row[1]) if row else None
    return (row[0], started) if row and started else None


def found_since(db: Database, site: str, since: datetime, *, skip_run: int | None) -> int:
    """New articles found by the site's runs started after `since` (except `skip_run`): a run
    started at `since` itself found what was published before it."""
    return db.execute(
        "SELECT COALESCE(SUM(articles_new), 0) FROM crawls WHERE site = ? AND id IS NOT ? "
        "AND julianday(started_at) > julianday(?)",
        [site, skip_run, since.isoformat()],
    ).fetchone()[0]


def running_runs(db: Database) -> list[dict[str, Any]]:
    """Rows still marked running (live crawls, or ones whose process died unrecorded)."""
    return [
        dict(zip(("id", "site", "pid", "started_at"), row, strict=True))
        for row in db.execute(
            "SELECT id, site, pid, started_at FROM crawls WHERE status = 'running' ORDER BY id"
        ).fetchall()
    ]


def articles_since(db: Database, site: str, since: datetime) -> int:
    """Articles of `site` first stored at or after `since`."""
    return db.execute(
        "SELECT COUNT(*) FROM articles WHERE site = ? AND julianday(first_seen_at) >= julianday(?)",
        [site, since.isoformat()],
    ).fetchone()[0]


def last_new_article(db: Database, site: str) -> datetime | None:
    """When the site's most recently stored article was first seen."""
    value = db.execute(
        "SELECT first_seen_at FROM articles WHERE site = ? "
        "ORDER BY julianday(first_seen_at) DESC LIMIT 1",
        [site],
    ).fetchone()
    return parse_time(value[0]) if value else None


def quality_counts(
    db: Database, site: str, *, recent_size: int, short_words: int
) -> tuple[QualityCounts, QualityCounts]:
    """(latest `recent_size` articles, all earlier ones): totals, and how many lack a date,
    a body of `short_words`, an author, a section. One pass over the site's articles (summing
    in SQL takes two passes, which measured slower)."""
    rows = db.execute(
        "SELECT published_at IS NULL, COALESCE(word_count, 0) < ?, COALESCE(author, '') = '', "
        "COALESCE(section, '') = '' FROM articles WHERE site = ? "
        "ORDER BY julianday(first_seen_at) DESC, id DESC",
        [short_words, site],
    ).fetchall()

    def counts(part: list[tuple[int, int, int, int]]) -> QualityCounts:
        return QualityCounts(len(part), *(sum(r[i] for r in part) for i in range(4)))

    return counts(rows[:recent_size]), counts(rows[recent_size:])


def articles_stored(db: Database, site: str) -> int:
    """How many articles of `site` the database holds."""
    return db.execute("SELECT COUNT(*) FROM articles WHERE site = ?", [site]).fetchone()[0]


def last_success(db: Database, site: str) -> datetime | None:
    """When the site's latest successful run ended."""
    value = db.execute(
        "SELECT finished_at FROM crawls WHERE site = ? AND status = 'ok' "
        "ORDER BY started_at DESC, id DESC LIMIT 1",
        [site],
    ).fetchone()
    return parse_time(value[0]) if value else None


def daily_volume(db: Database, site: str, now: datetime, days: int) -> DailyVolume:
    """New articles in the 24 hours before `now` and in each of the `days` 24-hour windows
    before that, counting only windows that lie wholly after the site's history began (its
    first run or its first stored article, whichever is earlier).

    One pass over the site's articles: window k holds those first seen k whole days before
    `now`, and the largest k is its first stored article's.
    """
    counts = dict(
        db.execute(
            "SELECT CAST(julianday(?) - julianday(first_seen_at) AS INTEGER) AS k, COUNT(*) "
            "FROM articles WHERE site = ? AND julianday(first_seen_at) <= julianday(?) "
            "GROUP BY k",
            [now.isoformat(), site, now.isoformat()],
        ).fetchall()
    )
    first_run = db.execute("SELECT MIN(started_at) FROM crawls WHERE site = ?", [site]).fetchone()
    began = parse_time(first_run[0])
    age = int((now - began) / timedelta(days=1)) if began else -1
    age = max(age, max(counts, default=-1))  # whole days since the earlier of the two
    whole = min(days, age - 1)
    return DailyVolume(
        last_24h=counts.get(0, 0), history=tuple(counts.get(k, 0) for k in range(1, whole + 1))
    )


def site_activity(
    db: Database | None,
    site: str,
    now: datetime,
    *,
    recent_size: int,
    short_words: int,
    run_limit: int = 50,
    volume_days: int = 28,
) -> SiteActivity:
    """Everything the health verdict and the status line need about one site."""
    if db is None:
        empty = QualityCounts(0, 0, 0)
        return SiteActivity(site, (), 0, None, empty, empty)
    recent, baseline = quality_counts(db, site, recent_size=recent_size, short_words=short_words)
    return SiteActivity(
        site=site,
        runs=tuple(recent_runs(db, site, run_limit)),
        articles_24h=articles_since(db, site, now - timedelta(hours=24)),
        last_new_article_at=last_new_article(db, site),
        recent=recent,
        baseline=baseline,
        volume=daily_volume(db, site, now, volume_days),
    )


def _boot_time() -> datetime | None:
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("btime "):
                    return datetime.fromtimestamp(int(line.split()[1]), UTC)
    except OSError:
        pass
    return None


def _process_started(pid: int) -> datetime | None:
    """When process `pid` started (Linux /proc), or None when that cannot be told."""
    boot = _boot_time()
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except OSError:
        return None
    if boot is None:
        return None
    return boot + timedelta(seconds=int(fields[19]) / os.sysconf("SC_CLK_TCK"))


def process_alive(pid: int, run_started: datetime | None = None) -> bool:
    """Whether the process that owns a run still exists on this machine: `pid` exists and
    (where /proc tells) did not start well after the run did, which would mean the PID was
    reused by an unrelated process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = _process_started(pid)
    return run_started is None or started is None or started <= run_started + PID_REUSE_SLACK


def reap_abandoned(store: ArticleStore, now: datetime | None = None) -> int:
    """Mark failed the runs left 'running' by a crawl (or daemon) that died unrecorded.

    A row counts as abandoned when its process no longer exists, or when it never got a
    process and is more than a few minutes old. Returns how many rows were closed.
    """
    now = now or datetime.now(UTC)
    closed = 0
    for row in running_runs(store.db):
        started = parse_time(row["started_at"]) or now
        if row["pid"] is not None and process_alive(row["pid"], started):
            continue
        if row["pid"] is None and now - started < ABANDONED_AFTER:
            continue
        store.update_crawl(
            row["id"],
            {
                "status": "failed",
                "finished_at": utcnow(),
                "finish_reason": "abandoned: its process ended without recording the run",
            },
        )
        logger.warning(
            "%s: run %d was left running by a dead process; marked failed", row["site"], row["id"]
        )
        closed += 1
    return closed
