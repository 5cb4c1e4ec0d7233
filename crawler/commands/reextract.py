"""`khabar reextract [--site NAME]`: run extraction again over the stored raw pages.

After an extractor improvement, stored articles are brought up to date offline: nothing is
fetched. Work is spread over a process pool like the crawl's extraction.
"""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from itertools import islice
from pathlib import Path
from typing import Any

import click

from crawler.commands import UserError, db_option, require_sites, resolve_db, site_option
from crawler.config import load_config
from crawler.extensions.progress import track
from crawler.extract.rules import ExtractionRules
from pipelines.extract import analyse_page
from pipelines.normalise import tidy_fields
from storage.readonly import connect_readonly
from storage.store import ArticleStore, StoredPage

CHUNK = 16  # pages per task sent to a worker
BATCH = 512  # pages read, re-extracted and committed at a time
MAX_WORKERS = 4 * (os.cpu_count() or 1)  # more processes than this only cost memory


def reextract_page(page: StoredPage, rules: ExtractionRules) -> tuple[int, dict[str, Any]]:
    """The fresh record of one stored page, with its keys (runs in a worker process)."""
    record = analyse_page(
        page.html, page.url, rules, http_encoding=page.http_encoding, hints=page.hints
    )
    return page.article_id, tidy_fields(record)


@click.command(
    "reextract",
    short_help="re-run extraction over stored pages, offline",
    epilog="\b\nexamples:\n  khabar reextract\n  khabar reextract --site alwatan --workers 2",
)
@site_option
@click.option(
    "--workers",
    type=click.IntRange(0, MAX_WORKERS),
    default=os.cpu_count() or 1,
    show_default="one per core",
    help=f"extraction processes (0 = in-process; at most {MAX_WORKERS})",
)
@db_option
def command(site: str | None, workers: int, db: Path | None) -> int:
    """Re-extract every stored article (or one site's) from the raw page kept at crawl time
    and update the rows that change. Nothing is fetched. The database must exist: this
    command never creates one."""
    config = load_config()
    require_sites(config, [site])
    rules = {name: entry.extraction for name, entry in config.sites.items()}
    path = resolve_db(db)
    connect_readonly(path).close()  # a khabar database, not a typo that would create one
    try:
        store = ArticleStore(path)
    except sqlite3.Error as exc:
        raise UserError(f"cannot update {path}: {exc}") from None
    done = changed = 0
    try:
        pages = track(store.stored_pages(site), store.count_pages(site), "pages")
        with ProcessPoolExecutor(workers) if workers > 0 else nullcontext() as pool:
            # A batch at a time: the archive is never in memory at once, and each batch's
            # updates are committed before the next is read.
            while batch := list(islice(pages, BATCH)):
                jobs = [rules.get(page.site, ExtractionRules()) for page in batch]
                results = (
                    list(pool.map(reextract_page, batch, jobs, chunksize=CHUNK))
                    if pool is not None
                    else [reextract_page(page, r) for page, r in zip(batch, jobs, strict=True)]
                )
                changed += store.replace_extraction(results)
                done += len(results)
    except sqlite3.Error as exc:  # read-only file, disk full: no batch was half-written
        raise UserError(f"cannot update {path}: {exc}") from None
    finally:
        store.close()
    print(f"khabar: re-extracted {done} stored pages; {changed} articles updated")
    return 0
