"""`khabar schedule [--once] [--site NAME ...]`: the scheduler daemon, or one round of crawls."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.commands import (
    UserError,
    db_option,
    require_sites,
    resolve_db,
    settings_option,
    sites_option,
    verbose,
)
from crawler.config import load_config
from crawler.scheduler import (
    STATUS_FAILED,
    CrawlRunner,
    Daemon,
    adaptive_intervals,
    build_jobs,
    list_line,
    run_once,
)
from crawler.setting_rules import SettingError, check_assignments, check_environment
from crawler.terminal import printable
from storage.faults import store_error
from storage.paths import check_database_target
from storage.readonly import open_readonly
from storage.runs import last_started, reap_abandoned
from storage.store import ArticleStore

EPILOG = """\
\b
examples:
  khabar schedule                       run every site on its schedule until SIGTERM/Ctrl-C
  khabar schedule --site alwatan --site sana
                                        schedule only these sites
  khabar schedule --once                crawl every site once, one after another (for cron)
  khabar schedule --once --site sana    crawl one site once
  khabar schedule --list                show the jobs and their next run times, then exit
  khabar schedule -s DOWNLOAD_DELAY=2   pass a Scrapy setting to every crawl
  KHABAR_REDIS_URL=redis://host:6379/0 khabar schedule --distributed
                                        queue each due crawl for distributed workers

Each run is `scrapy crawl <site>` in its own process, logging to
<logs_dir>/<site>/<time>-run<id>.log, and is a row in the `crawls` table
(see `khabar status`). Timing comes from config.yaml (`schedule:` per site or
under `defaults:`, and the `scheduler:` section). A site with
`schedule: {adaptive: {min_minutes: 5, max_minutes: 240}}` is polled more often
while its runs find news and less often when they do not; --list shows its
current interval and why.
"""


@click.command(
    "schedule",
    short_help="run the crawl scheduler daemon (or one round with --once)",
    epilog=EPILOG,
)
@click.option(
    "--once",
    is_flag=True,
    help="crawl each site once, one after another, and exit (status 1 if a run failed)",
)
@sites_option
@settings_option("Scrapy setting passed to every crawl (repeatable)")
@click.option("--list", "list_jobs", is_flag=True, help="print the jobs and their next run times")
@click.option(
    "--distributed",
    is_flag=True,
    help="queue each due crawl in Redis (KHABAR_REDIS_URL) for crawl workers, not run here",
)
@db_option
def command(
    once: bool,
    sites: tuple[str, ...],
    settings: tuple[str, ...],
    list_jobs: bool,
    distributed: bool,
    db: Path | None,
) -> int:
    """Crawl the configured sites on their cron or interval schedules, at most one run per site
    at a time and at most `max_concurrent_crawls` at once. SIGTERM or SIGINT stops it cleanly:
    no new runs, running crawls get `shutdown_grace_seconds` to finish and record their run (a
    second signal kills them), then exit status 0."""
    config = load_config()
    require_sites(config, sites)
    names = list(dict.fromkeys(sites or config.sites))
    if not verbose():
        logging.getLogger("crawler.scheduler").setLevel(logging.INFO)
    try:  # else every crawl it launches would fail on it
        check_assignments(settings)
        check_environment()
    except SettingError as exc:
        raise UserError(f"bad setting: {exc}") from None
    scrapy_args = [part for item in settings for part in ("-s", item)]
    database = resolve_db(db)
    runner: CrawlRunner
    if distributed:
        # Imported here: the single-machine daemon never loads the Redis client.
        from crawler.distributed.seed import RedisUnavailable, SeedRunner

        try:
            runner = SeedRunner.from_environment(config, database)
        except RedisUnavailable as exc:
            raise UserError(str(exc)) from None
    else:
        runner = CrawlRunner(config, database=database, scrapy_args=scrapy_args)

    if list_jobs:  # reads only: never creates the database or closes abandoned runs
        reader = open_readonly(database)
        now = datetime.now(UTC)
        listed = [config.sites[s] for s in names]
        try:
            started = last_started(reader)
            adaptive = adaptive_intervals(reader, listed, now)
        finally:
            reader.close()
        jobs = build_jobs(listed, runner.run, started, now, adaptive)
        for job in jobs:
            when = job.get("next_run_time") or job["trigger"].get_next_fire_time(None, now)
            line = list_line(config.sites[job["id"]], when, adaptive.get(job["id"]))
            print(printable(line, one_line=True))
        return 0

    check_database_target(database)  # the daemon creates the file, but not in a directory's place
    store = ArticleStore(database)  # a read-only mount, a full disk: one line (exit 2)
    try:
        reap_abandoned(store)
        started = last_started(store.db)
    except (sqlite3.Error, OSError) as exc:  # a read-only file, a full disk
        raise UserError(f"database {database}: {store_error(exc, database)}") from None
    finally:
        store.close()
    if once:
        outcomes = run_once(runner, names)
        for outcome in outcomes:
            print(
                printable(
                    f"{outcome.site}: run {outcome.crawl_id} {outcome.status}"
                    + (f" ({outcome.finish_reason})" if outcome.finish_reason else "")
                    + (f", log {outcome.log_path}" if outcome.log_path else ""),
                    one_line=True,
                )
            )
        return 1 if any(o.status == STATUS_FAILED for o in outcomes) else 0
    daemon = Daemon(config, runner, names)
    daemon.add_jobs(started)
    return daemon.serve()
