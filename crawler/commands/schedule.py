"""`khabar schedule [--once] [--site NAME ...]`: the scheduler daemon, or one round of crawls."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime

from crawler.commands import require_sites
from crawler.config import load_config
from crawler.distributed.seed import RedisUnavailable, SeedRunner
from crawler.scheduler import (
    STATUS_FAILED,
    CrawlRunner,
    Daemon,
    build_jobs,
    run_once,
)
from storage.paths import database_path
from storage.runs import last_started, reap_abandoned
from storage.store import ArticleStore

EPILOG = """\
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
under `defaults:`, and the `scheduler:` section).
"""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "schedule",
        help="run the crawl scheduler daemon (or one round with --once)",
        description="Crawl the configured sites on their cron or interval schedules, at most "
        "one run per site at a time and at most `max_concurrent_crawls` at once. SIGTERM or "
        "SIGINT stops it cleanly: no new runs, running crawls get `shutdown_grace_seconds` to "
        "finish and record their run (a second signal kills them), then exit status 0.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="crawl each site once, one after another, and exit (status 1 if a run failed)",
    )
    parser.add_argument(
        "--site",
        action="append",
        metavar="NAME",
        help="only this site (repeatable; default: every configured site)",
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting passed to every crawl (repeatable)",
    )
    parser.add_argument(
        "--list", action="store_true", help="print the jobs and their next run times and exit"
    )
    parser.add_argument(
        "--distributed",
        action="store_true",
        help="queue each due crawl in Redis (KHABAR_REDIS_URL) for crawl workers, not run here",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config()
    require_sites(config, args.site or ())
    bad = [item for item in args.set if "=" not in item]
    if bad:
        print(f"khabar: -s expects NAME=VALUE, got {bad[0]!r}", file=sys.stderr)
        return 2
    sites = list(dict.fromkeys(args.site or config.sites))
    if not args.verbose:
        logging.getLogger("crawler.scheduler").setLevel(logging.INFO)
    scrapy_args = [part for item in args.set for part in ("-s", item)]
    database = database_path()
    try:
        runner = (
            SeedRunner.from_environment(config)
            if args.distributed
            else CrawlRunner(config, database=database, scrapy_args=scrapy_args)
        )
    except RedisUnavailable as exc:
        print(f"khabar: {exc}", file=sys.stderr)
        return 2

    store = ArticleStore(database)
    try:
        reap_abandoned(store)
        started = last_started(store.db)
    finally:
        store.close()

    if args.list:
        now = datetime.now(UTC)
        jobs = build_jobs([config.sites[s] for s in sites], runner.run, started, now)
        for job in jobs:
            when = job.get("next_run_time") or job["trigger"].get_next_fire_time(None, now)
            print(f"{job['id']:<16} {when.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC  {job['trigger']}")
        return 0
    if args.once:
        outcomes = run_once(runner, sites)
        for outcome in outcomes:
            print(
                f"{outcome.site}: run {outcome.crawl_id} {outcome.status}"
                + (f" ({outcome.finish_reason})" if outcome.finish_reason else "")
                + f", log {outcome.log_path}"
            )
        return 1 if any(o.status == STATUS_FAILED for o in outcomes) else 0
    daemon = Daemon(config, runner, sites)
    daemon.add_jobs(started)
    return daemon.serve()
