"""`khabar backfill SITE [--since DATE] [--until DATE]`: crawl a site's whole archive, resumably."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from scrapy.exceptions import UsageError

from crawler.backfill_lock import lock_holder
from crawler.commands import (
    UserError,
    db_option,
    require_sites,
    require_utf8,
    resolve_db,
    settings_option,
)
from crawler.config import PROJECT_ROOT, load_config
from crawler.terminal import printable
from spiders.news import parse_arguments, parse_backfill_arguments
from storage.frontier import unfinished_range

BACKFILL_EXTRACT_WORKERS = 1

EPILOG = """\
\b
examples:
  khabar backfill alwatan                          everything the site lists, ever
  khabar backfill alwatan --since 2020-01-01       from 2020 on
  khabar backfill alwatan --since 2022-01-01 --until 2022-12-31
                                                   one year
  khabar backfill alwatan -s DOWNLOAD_DELAY=2      with a Scrapy setting

Killed or stopped, the same command again resumes where it was: sitemaps already read are
not read again and no stored article is fetched again. It is `scrapy crawl SITE -a
backfill=1 [-a since=DATE] [-a until=DATE]` in a subprocess, with the site's politeness
(robots.txt, Crawl-delay, AutoThrottle); `khabar status` shows its position. The scheduler
starts no crawl of the site while its backfill runs.
"""


@click.command("backfill", short_help="crawl a site's whole archive (resumable)", epilog=EPILOG)
@click.argument("site", callback=require_utf8)
@click.option("--since", metavar="YYYY-MM-DD", help="only articles published on or after this day")
@click.option("--until", metavar="YYYY-MM-DD", help="only articles published on or before this day")
@settings_option("Scrapy setting for the crawl (repeatable)")
@db_option
def command(
    site: str, since: str | None, until: str | None, settings: tuple[str, ...], db: Path | None
) -> int:
    """Walk SITE's sitemap index (every child sitemap), its listings to the last page and its
    feeds, and store every article in the range through the usual pipelines. Progress goes to
    the terminal (done/total, rate, ETA). Exit status 0 when the backfill is complete, 1 when
    it failed or was stopped before the end (run the same command again)."""
    config = load_config()
    require_sites(config, [site])
    try:
        _, since_at = parse_arguments(None, since)
        _, until_at = parse_backfill_arguments("1", until)
    except UsageError as exc:
        raise UserError(f"--{exc}") from None
    if since_at and until_at and until_at <= since_at:
        raise UserError(f"--until {until} is before --since {since}")
    if os.environ.get("KHABAR_REDIS_URL"):
        raise UserError("a backfill runs on one machine: unset KHABAR_REDIS_URL")
    database = resolve_db(db)
    holder = lock_holder(database, site)
    if holder is not None:
        click.echo(
            printable(f"khabar: {site} is being crawled by {holder}; try again when it ends"),
            err=True,
        )
        return 1
    other = unfinished_range(database, site)
    if other is not None and other != (since or None, until or None):
        raise UserError(
            f"an unfinished backfill of {site} covers {other[0] or 'the beginning'} to "
            f"{other[1] or 'today'}: run it with that --since/--until to finish it"
        )
    args = [sys.executable, "-m", "scrapy", "crawl", site, "-a", "backfill=1"]
    for name, value in (("since", since), ("until", until)):
        if value:
            args += ["-a", f"{name}={value}"]
    if "KHABAR_EXTRACT_WORKERS" not in os.environ:
        # A backfill wants throughput, a scheduled crawl memory: one worker here, none there
        # (crawler/settings.py has the numbers). -s KHABAR_EXTRACT_WORKERS=… still wins.
        args += ["-s", f"KHABAR_EXTRACT_WORKERS={BACKFILL_EXTRACT_WORKERS}"]
    args += [part for item in settings for part in ("-s", item)]
    args += ["-s", f"KHABAR_DB={database}"]
    proc = subprocess.Popen(args, cwd=PROJECT_ROOT)
    try:
        code = proc.wait()
    except KeyboardInterrupt:  # the crawl got the terminal's SIGINT too: it stops cleanly
        code = proc.wait()
    if code < 0:
        return 128 + signal.Signals(-code).value
    if code == 0 and unfinished_range(database, site) is not None:  # stopped, not failed
        click.echo(
            f"khabar: the backfill of {site} is not finished: run the same command again", err=True
        )
        return 1
    return code
