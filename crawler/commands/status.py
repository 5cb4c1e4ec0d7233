"""`khabar status [--site NAME ...] [--json]`: per site, last run, news in 24 h, next run, health.

The exit status is 1 when any listed site is unhealthy (failing, stale or suspicious), or in
distributed mode when Redis cannot be reached or items wait in the dead-letter list, so the
command can feed monitoring as is (a Nagios-style check, a systemd timer, a cron mail).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.backfill_status import BackfillState, unfinished_backfills
from crawler.commands import db_option, require_sites, resolve_db, sites_option
from crawler.config import KhabarConfig, load_config
from crawler.distributed.status import current_status, healthy, site_json, status_lines
from crawler.health import Health, HealthPolicy, assess
from crawler.scheduler import next_run_after, schedule_period
from crawler.sparkline import new_articles_per_day, sparkline
from crawler.terminal import printable, printable_json
from storage.readonly import open_readonly
from storage.runs import site_activity

EPILOG = """\
\b
examples:
  khabar status                   every configured site
  khabar status --site alwatan    one site
  khabar status --json            machine-readable, one object per site
  khabar status --failing-runs 5  call a site failing only after 5 failed runs in a row

\b
health verdicts:
  ok          crawling and finding news as expected
  failing     the last N finished runs failed (default 3), or the site never succeeded
  stale       runs succeed but no new article within the site's expected window
              (the larger of 24 h, 4 scheduled periods, 2 × its longest recent gap)
  suspicious  the share of its latest 20 articles with no date or a short body is far
              above the site's own baseline (a layout change breaking extraction)
  new         never crawled yet (not unhealthy)

\b
exit status: 0 when every listed site is ok or new, 1 when any is unhealthy; in distributed
mode (KHABAR_REDIS_URL) also 1 when Redis cannot be reached or the writer parked items it
could not store (dead letters).
"""
COLUMNS = (
    "SITE",
    "LAST RUN (UTC)",
    "STATUS",
    "24H",
    "14 DAYS",
    "NEXT RUN (UTC)",
    "HEALTH",
    "REASON",
)


@dataclass(frozen=True)
class SiteStatus:
    site: str
    last_run: datetime | None
    last_status: str | None
    articles_24h: int
    new_per_day: tuple[int, ...]  # new articles per UTC day, the last 14 days, today last
    next_run: datetime | None
    health: Health

    def as_json(self) -> dict[str, object]:
        return {
            "site": self.site,
            "last_run": self.last_run.isoformat() if self.last_run else None,
            "last_status": self.last_status,
            "articles_24h": self.articles_24h,
            "new_per_day": list(self.new_per_day),
            "next_run": self.next_run.isoformat() if self.next_run else None,
            "health": self.health.verdict,
            "reason": self.health.reason,
        }


def collect(
    config: KhabarConfig, database: Path, sites: list[str], now: datetime, policy: HealthPolicy
) -> tuple[list[SiteStatus], list[BackfillState]]:
    """Each listed site's status line and unfinished backfill, read (read-only) from
    `database`."""
    db = open_readonly(database)
    try:
        out = []
        for name in sites:
            site = config.sites[name]
            activity = site_activity(
                db, name, now, recent_size=policy.recent_size, short_words=policy.short_words
            )
            last = activity.runs[0] if activity.runs else None
            out.append(
                SiteStatus(
                    site=name,
                    last_run=last.started_at if last else None,
                    last_status=last.status if last else None,
                    articles_24h=activity.articles_24h,
                    new_per_day=tuple(new_articles_per_day(db, name, now)),
                    next_run=next_run_after(site, last.started_at if last else None, now),
                    health=assess(activity, schedule_period(site, now), now, policy),
                )
            )
        return out, unfinished_backfills(db, database, sites)
    finally:
        db.close()


def render_table(rows: list[SiteStatus], now: datetime) -> str:
    def when(value: datetime | None, *, future: bool = False) -> str:
        if value is None:
            return "-"
        if future and value <= now:
            return "due now"
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M}"

    cells = [COLUMNS] + [
        (
            r.site,
            when(r.last_run),
            r.last_status or "-",
            str(r.articles_24h),
            sparkline(r.new_per_day),
            when(r.next_run, future=True),
            r.health.verdict,
            r.health.reason,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in cells
    )


@click.command(
    "status",
    short_help="per-site last run, articles in 24 h, next run and health (exit 1 if unhealthy)",
    epilog=EPILOG,
)
@sites_option
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@click.option(
    "--failing-runs",
    type=click.IntRange(1, 1000),
    default=HealthPolicy.failing_runs,
    show_default=True,
    metavar="N",
    help="failed runs in a row that make a site failing",
)
@db_option
def command(sites: tuple[str, ...], as_json: bool, failing_runs: int, db: Path | None) -> int:
    """Summarise each site's crawling from the database (opened read-only): its last run and
    how it ended, articles stored in the last 24 hours, when the schedule runs it next, and a
    health verdict with its reason."""
    config = load_config()
    require_sites(config, sites)
    now = datetime.now(UTC)
    policy = HealthPolicy(failing_runs=failing_runs)
    rows, backfills = collect(
        config, resolve_db(db), list(dict.fromkeys(sites or config.sites)), now, policy
    )
    distributed = current_status(r.site for r in rows)  # None unless KHABAR_REDIS_URL is set
    if as_json:
        out = [r.as_json() for r in rows]
        if distributed is not None:
            for entry in out:
                entry["distributed"] = site_json(distributed, str(entry["site"]))
        for backfill in backfills:  # only sites with an unfinished backfill carry one
            next(e for e in out if e["site"] == backfill.row["site"])["backfill"] = (
                backfill.as_json()
            )
        sys.stdout.write(printable_json(out, indent=2) + "\n")
    else:
        print(printable(render_table(rows, now)))
        for line in status_lines(distributed):  # distributed mode's queues, workers
            print(printable(line, one_line=True))
        for backfill in backfills:
            print(printable(backfill.line(), one_line=True))
    return 0 if all(r.health.healthy for r in rows) and healthy(distributed) else 1
