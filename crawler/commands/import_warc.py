"""`khabar import-warc FILE… [--site NAME]`: store the configured sites' pages found in WARC
files made by others (Common Crawl's CC-NEWS, Browsertrix, Heritrix, wget --warc-file).

Years of a site without fetching it: each file's response records of a configured site (its
domains and article patterns) go through the crawl's own path, extract → validate → normalise →
deduplicate → store (crawler.warc.spider), so an article is the same whichever way it came.
Importing the same file twice adds nothing. Each site's import is one crawls row of kind
'import', which `khabar status` does not take for the site's crawl health.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
from scrapy.settings import Settings

from crawler.commands import (
    UserError,
    db_option,
    require_sites,
    resolve_db,
    site_option,
    verbose,
    workers_option,
)
from crawler.config import load_config
from crawler.warc.importer import all_ok, run_imports, scan_sites
from storage.paths import check_database_target

EPILOG = """\
\b
examples:
  khabar import-warc CC-NEWS-20240101000000-00000.warc.gz
  khabar import-warc --site alwatan crawl-*.warc.gz --workers 2
\b
Files must be WARC (uncompressed, or gzip per record as every crawler writes them). A damaged
record (a truncated file) ends the reading of its file: what came before it is stored, the run
is recorded failed with the record named, and the command exits 1.
"""


@click.command(
    "import-warc", short_help="store the sites' pages found in WARC files", epilog=EPILOG
)
@site_option
@workers_option
@db_option
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def command(site: str | None, workers: int, db: Path | None, files: tuple[Path, ...]) -> int:
    """Store the articles of the configured sites (or of one) found in FILES, through the
    crawl's own extraction, validation, deduplication and store. Nothing is fetched."""
    config = load_config()
    require_sites(config, [site])
    path = resolve_db(db)
    check_database_target(path)
    if site:
        sites = [config.sites[site]]
    else:
        scan = scan_sites(files, config)
        sites = [entry for name, entry in config.sites.items() if scan.records[name]]
        if not sites:
            for line in scan.damaged:
                click.echo(f"khabar: {line}", err=True)
            click.echo(f"khabar: no page of a configured site in {len(files)} file(s)", err=True)
            return 1 if scan.damaged else 0
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("KHABAR_DB", str(path), priority="cmdline")
    settings.set("KHABAR_EXTRACT_WORKERS", workers, priority="cmdline")
    # The closing line of each run says how it went; the crawl's log is for -v.
    level = logging.DEBUG if verbose() else logging.ERROR
    settings.set("LOG_LEVEL", logging.getLevelName(level), priority="cmdline")
    try:
        runs = run_imports(sites, files, settings)
    except OSError as exc:
        raise UserError(f"cannot import: {exc}") from None
    for run in runs:
        if run.level < level:  # a failed run's line was logged already
            click.echo(run.line, err=True)
    return 0 if all_ok(runs) and len(runs) == len(sites) else 1
