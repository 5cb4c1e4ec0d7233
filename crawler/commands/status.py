"""`khabar status [--site NAME ...] [--json | --prometheus] [--textfile PATH]`: per site, last run,
news in 24 h, next run, health.

The exit status is 1 when any listed site is unhealthy (failing, stale, quiet or suspicious), or in
distributed mode when Redis cannot be reached or items wait in the dead-letter list, so the
command can feed monitoring as is (a Nagios-style check, a systemd timer, a cron mail).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.adaptive import current_interval
from crawler.commands import UserError, db_option, require_sites, resolve_db, sites_option
from crawler.config import KhabarConfig, load_config
from crawler.distributed.status import current_status, healthy, site_json, status_lines
from crawler.health import (
    DailyVolume,
    Health,
    HealthPolicy,
    Normal,
    QualityCounts,
    assess,
    coverage_fields,
    normal_volume,
)
from crawler.metrics import SiteMetrics, StatusCollector, exposition, write_textfile
from crawler.scheduler import next_run_after, schedule_period
from crawler.sparkline import new_articles_per_day, sparkline
from crawler.terminal import printable, printable_json
from storage.readonly import open_readonly
from storage.runs import articles_stored, last_success, site_activity

EPILOG = """\
\b
examples:
  khabar status                   every configured site
  khabar status --site alwatan    one site
  khabar status --json            machine-readable, one object per site
  khabar status --failing-runs 5  call a site failing only after 5 failed runs in a row
  khabar status --prometheus      Prometheus metrics on stdout (text exposition format)
  khabar status --textfile /var/lib/node_exporter/khabar.prom
                                  the same metrics written atomically for node_exporter

\b
health verdicts:
  ok          crawling and finding news as expected
  failing     the last N finished runs failed (default 3), or the site never succeeded
  stale       runs succeed but no new article within the site's expected window
              (the larger of 24 h, 4 scheduled periods, 2 × its longest recent gap)
  quiet       fewer new articles in the last 24 h than its own normal: mean − 2σ of its
              daily counts over the 28 days before (σ at least √mean); judged once the
              site has 14 days of history
  suspicious  the share of its latest 20 articles with no date, a short body, no author
              or no section is far above the site's own baseline (a layout change
              breaking extraction); author and section only once it has a baseline
  new         never crawled yet (not unhealthy)
A site gets the first that applies, in this order: failing, stale, quiet, suspicious;
--json lists every one that applies under "findings".

\b
exit status: 0 when every listed site is ok or new, 1 when any is unhealthy; in distributed
mode (KHABAR_REDIS_URL) also 1 when Redis cannot be reached or the writer parked items it
could not store (dead letters). The same with --prometheus and --textfile.
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
    articles_stored: int = 0
    last_success: datetime | None = None
    volume: DailyVolume | None = None  # new articles per 24 h: the quiet verdict's evidence
    normal: Normal | None = None  # None before the site has enough history to judge
    coverage: dict[str, tuple[float, float | None]] | None = None  # field → (recent, baseline)

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
            "findings": [{"health": v, "reason": r} for v, r in self.health.findings],
            "articles_stored": self.articles_stored,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "volume": {
                "last_24h": self.volume.last_24h if self.volume else 0,
                "history_days": len(self.volume.history) if self.volume else 0,
                "normal": self.normal.as_json() if self.normal else None,
            },
            "coverage": {
                field: {"missing_recent": recent, "missing_baseline": baseline}
                for field, (recent, baseline) in (self.coverage or {}).items()
            },
        }

    def metrics(self) -> SiteMetrics:
        return SiteMetrics(
            site=self.site,
            verdict=self.health.verdict,
            articles_stored=self.articles_stored,
            articles_24h=self.articles_24h,
            last_run=self.last_run,
            last_success=self.last_success,
            normal=self.normal,
        )


def coverage_shares(
    recent: QualityCounts, baseline: QualityCounts, policy: HealthPolicy
) -> dict[str, tuple[float, float | None]]:
    """Field → (share of the latest articles lacking it, share of the earlier ones, or None
    when there are too few of those to be a baseline), for the JSON."""
    judged = baseline.total >= policy.min_baseline
    return {
        field: (
            round(recent.share(now), 3),
            round(baseline.share(base), 3) if judged else None,
        )
        for field, _, now, base, _ in coverage_fields(recent, baseline, policy)
    }


def collect(
    config: KhabarConfig, database: Path, sites: list[str], now: datetime, policy: HealthPolicy
) -> list[SiteStatus]:
    """Each listed site's status line, read (read-only) from `database`."""
    db = open_readonly(database)
    try:
        out = []
        for name in sites:
            site = config.sites[name]
            activity = site_activity(
                db,
                name,
                now,
                recent_size=policy.recent_size,
                short_words=policy.short_words,
                volume_days=policy.quiet_days,
            )
            last = activity.runs[0] if activity.runs else None
            out.append(
                SiteStatus(
                    site=name,
                    last_run=last.started_at if last else None,
                    last_status=last.status if last else None,
                    articles_24h=activity.articles_24h,
                    new_per_day=tuple(new_articles_per_day(db, name, now)),
                    next_run=next_run_after(
                        site,
                        last.started_at if last else None,
                        now,
                        current_interval(db, site, now),  # None unless adaptive
                    ),
                    health=assess(activity, schedule_period(site, now), now, policy),
                    articles_stored=articles_stored(db, name),
                    last_success=last_success(db, name),
                    volume=activity.volume,
                    normal=normal_volume(activity.volume, policy),
                    coverage=coverage_shares(activity.recent, activity.baseline, policy),
                )
            )
        return out
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
            r.health.summary,
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
    "--prometheus",
    is_flag=True,
    help="print Prometheus metrics (text exposition format) instead of a table",
)
@click.option(
    "--textfile",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help="also write the Prometheus metrics to PATH atomically (node_exporter textfile collector)",
)
@click.option(
    "--failing-runs",
    type=click.IntRange(1, 1000),
    default=HealthPolicy.failing_runs,
    show_default=True,
    metavar="N",
    help="failed runs in a row that make a site failing",
)
@db_option
def command(
    sites: tuple[str, ...],
    as_json: bool,
    prometheus: bool,
    textfile: Path | None,
    failing_runs: int,
    db: Path | None,
) -> int:
    """Summarise each site's crawling from the database (opened read-only): its last run and
    how it ended, articles stored in the last 24 hours, when the schedule runs it next, and a
    health verdict with its reason."""
    if as_json and prometheus:
        raise click.UsageError("give --json or --prometheus, not both")
    config = load_config()
    require_sites(config, sites)
    now = datetime.now(UTC)
    policy = HealthPolicy(failing_runs=failing_runs)
    rows = collect(config, resolve_db(db), list(dict.fromkeys(sites or config.sites)), now, policy)
    distributed = current_status(r.site for r in rows)  # None unless KHABAR_REDIS_URL is set
    ok = all(r.health.healthy for r in rows) and healthy(distributed)
    if prometheus or textfile:
        collector = StatusCollector([r.metrics() for r in rows], ok, distributed)
        if textfile:
            try:
                write_textfile(textfile, collector)
            except OSError as exc:
                raise UserError(f"cannot write {textfile}: {exc.strerror or exc}") from None
    if prometheus:
        sys.stdout.write(exposition(collector))
    elif as_json:
        out = [r.as_json() for r in rows]
        if distributed is not None:
            for entry in out:
                entry["distributed"] = site_json(distributed, str(entry["site"]))
        sys.stdout.write(printable_json(out, indent=2) + "\n")
    else:
        print(printable(render_table(rows, now)))
        for line in status_lines(distributed):  # distributed mode's queues, workers
            print(printable(line, one_line=True))
    return 0 if ok else 1
