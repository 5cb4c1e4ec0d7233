"""`khabar reextract [--site NAME]`: run extraction again over the stored raw pages.

After an extractor improvement, stored articles are brought up to date offline: nothing is
fetched. Work is spread over a process pool like the crawl's extraction. A page that cannot be
had back (a damaged blob) or that extraction chokes on is skipped with a line naming it, and
the others are re-extracted: the run exits 1 if any was skipped, so a script notices.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from itertools import islice
from pathlib import Path
from typing import Any

import click

from crawler.commands import (
    UserError,
    db_option,
    require_sites,
    resolve_db,
    site_option,
    workers_option,
)
from crawler.config import load_config
from crawler.extensions.progress import track
from crawler.extract.rules import ExtractionRules
from pipelines.extract import analyse_page
from pipelines.normalise import tidy_fields
from storage.readonly import connect_readonly
from storage.store import ArticleStore, StoredPage

CHUNK = 16  # pages per task sent to a worker
BATCH = 512  # pages read, re-extracted and committed at a time


def reextract_page(
    page: StoredPage, rules: ExtractionRules
) -> tuple[int, dict[str, Any] | None, str | None]:
    """(article id, fresh record, None) of one stored page, or (article id, None, why) when
    extraction fails on it: one page's problem, not the run's (runs in a worker process)."""
    try:
        record = analyse_page(
            page.html, page.url, rules, http_encoding=page.http_encoding, hints=page.hints
        )
        return page.article_id, tidy_fields(record), None
    except Exception as exc:
        return page.article_id, None, f"extraction failed: {type(exc).__name__}: {exc}"


@click.command(
    "reextract",
    short_help="re-run extraction over stored pages, offline",
    epilog="\b\nexamples:\n  khabar reextract\n  khabar reextract --site alwatan --workers 2",
)
@site_option
@workers_option
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
    done = changed = skipped = 0
    try:
        pages = track(store.stored_pages(site), store.count_pages(site), "pages")
        with ProcessPoolExecutor(workers) if workers > 0 else nullcontext() as pool:
            # A batch at a time: the archive is never in memory at once, and each batch's
            # updates are committed before the next is read.
            while batch := list(islice(pages, BATCH)):
                urls = {page.article_id: page.url for page in batch}
                problems = [
                    (p.article_id, f"unreadable: {p.unreadable}") for p in batch if p.unreadable
                ]
                batch = [page for page in batch if page.unreadable is None]
                jobs = [rules.get(page.site, ExtractionRules()) for page in batch]
                results = (
                    list(pool.map(reextract_page, batch, jobs, chunksize=CHUNK))
                    if pool is not None
                    else [reextract_page(page, r) for page, r in zip(batch, jobs, strict=True)]
                )
                problems += [(i, why) for i, record, why in results if record is None]
                for article_id, why in problems:
                    click.echo(
                        f"khabar: skipped article {article_id} ({urls[article_id]}): "
                        f"stored page {why}",
                        err=True,
                    )
                updates = [(i, record) for i, record, _ in results if record is not None]
                changed += store.replace_extraction(updates)
                done += len(updates)
                skipped += len(problems)
    except sqlite3.Error as exc:  # read-only file, disk full: no batch was half-written
        raise UserError(f"cannot update {path}: {exc}") from None
    finally:
        store.close()
    print(
        f"khabar: re-extracted {done} stored pages; {changed} articles updated"
        + (f"; {skipped} skipped (see above)" if skipped else "")
    )
    return 1 if skipped else 0
