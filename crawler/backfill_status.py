"""Where each unfinished backfill stands, for `khabar status`: running or interrupted, and its
position (done/total articles, pages, rate, ETA) as the crawl last wrote it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.backfill_lock import lock_holder
from crawler.extensions.progress import format_duration

FIELDS = (
    "id",
    "site",
    "since",
    "until",
    "started_at",
    "updated_at",
    "runs",
    "articles_total",
    "articles_done",
    "articles_failed",
    "pages_total",
    "pages_done",
    "per_minute",
    "eta_seconds",
)


@dataclass(frozen=True)
class BackfillState:
    row: dict[str, Any]
    running: bool  # its crawl holds the site's lock now; else it was stopped or killed

    def line(self) -> str:
        r = self.row
        span = f"{r['since'] or 'the beginning'} to {r['until'] or 'today'}"
        where = (
            f"{r['articles_done'] or 0}/{r['articles_total'] or 0} articles, "
            f"{r['pages_done'] or 0}/{r['pages_total'] or 0} pages"
        )
        if r["articles_failed"]:
            where += f", {r['articles_failed']} failed"
        if self.running:
            eta = r["eta_seconds"]
            pace = f"{r['per_minute'] or 0:.0f}/min, ETA " + (
                format_duration(eta) if eta is not None else "?"
            )
            return (
                f"backfill {r['site']} ({span}): running, {where}, {pace} (as of {r['updated_at']})"
            )
        again = f"khabar backfill {r['site']}" + "".join(
            f" --{name} {r[name]}" for name in ("since", "until") if r[name]
        )
        return f"backfill {r['site']} ({span}): interrupted at {where}; `{again}` resumes it"

    def as_json(self) -> dict[str, Any]:
        return {**self.row, "running": self.running}


def unfinished_backfills(db: Database, database: Path, sites: Iterable[str]) -> list[BackfillState]:
    """The unfinished backfill of each listed site that has one (read-only)."""
    wanted = list(sites)
    try:
        rows = db.execute(
            f"SELECT {', '.join(FIELDS)} FROM backfills WHERE status = 'running' ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:  # a file from before backfills
        return []
    latest = {row[1]: dict(zip(FIELDS, row, strict=True)) for row in rows if row[1] in wanted}
    return [
        BackfillState(row, running=(lock_holder(database, site) or "").startswith("a backfill"))
        for site, row in sorted(latest.items(), key=lambda kv: wanted.index(kv[0]))
    ]
