"""`khabar export-warc [--site NAME] [--since DATE] OUT.warc.gz`: the kept raw pages as a WARC.

Researchers' tools (warcio, pywb, the Internet Archive's) read WARC, not our SQLite file. Each
kept page becomes a response record with its original headers and fetch time, the request that
fetched it and a metadata record with khabar's keys (crawler.warc.export). The file is written
beside OUT and renamed into place at the end, so an interrupted export leaves no half archive
under OUT's name. A page whose bytes cannot be had back is skipped with a line naming it, and
the export exits 1.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import date
from importlib.metadata import version
from pathlib import Path

import click

from crawler.commands import UserError, db_option, require_sites, resolve_db, site_option
from crawler.config import load_config
from crawler.extensions.progress import track
from crawler.terminal import printable
from crawler.warc.export import WarcExport
from storage.pages import PageArchive, archived_pages, count_archived
from storage.readonly import open_readonly

EPILOG = """\
\b
examples:
  khabar export-warc archive.warc.gz
  khabar export-warc --site alwatan --since 2024-01-01 alwatan-2024.warc.gz
\b
Check it with `warcio check archive.warc.gz`; `warcio index` lists its records.
"""


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}") from None


@click.command("export-warc", short_help="write the kept raw pages as a WARC file", epilog=EPILOG)
@site_option
@click.option(
    "--since",
    metavar="DATE",
    callback=parse_day,
    help="only pages fetched on or after this day (YYYY-MM-DD, UTC)",
)
@db_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def command(site: str | None, since: str | None, db: Path | None, out: Path) -> int:
    """Write every kept raw page (or one site's, or those fetched since a day) to OUT as
    WARC/1.1: response, request and metadata records, gzip per record. The database is only
    read."""
    config = load_config()
    require_sites(config, [site])
    path = resolve_db(db)
    database = open_readonly(path)
    partial = out.with_name(out.name + ".part")
    skipped = 0
    try:
        archive = PageArchive(database)
        total = count_archived(database, site, since)
        with partial.open("wb") as fh:
            export = WarcExport(fh, out.name, f"khabar/{version('khabar')}")
            for page in track(archived_pages(archive, site, since), total, "pages"):
                if page.unreadable:
                    skipped += 1
                    click.echo(
                        f"khabar: skipped article {page.article_id} ({printable(page.url)}): "
                        f"stored page unreadable: {page.unreadable}",
                        err=True,
                    )
                    continue
                export.write(page)
        os.replace(partial, out)
    except sqlite3.Error as exc:
        raise UserError(f"cannot read {path}: {exc}") from None
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        database.close()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    counts = export.counts
    click.echo(
        f"khabar: exported {counts.pages} pages to {out}"
        + (f" ({counts.synthesised} with synthesised headers)" if counts.synthesised else "")
        + (f"; {skipped} skipped (see above)" if skipped else "")
    )
    return 1 if skipped else 0
