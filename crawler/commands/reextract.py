"""`khabar reextract [--site NAME]`: run extraction again over the stored raw pages.

After an extractor improvement, stored articles are brought up to date offline: nothing is
fetched. Work is spread over a process pool like the crawl's extraction.
"""

from __future__ import annotations

import argparse
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from crawler.commands import require_sites
from crawler.config import load_config
from crawler.extensions.progress import track
from crawler.extract.rules import ExtractionRules
from pipelines.extract import analyse_page
from pipelines.normalise import tidy_fields
from storage.paths import database_path
from storage.store import ArticleStore, StoredPage

logger = logging.getLogger(__name__)
CHUNK = 64


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reextract",
        help="re-run extraction over stored pages, offline",
        description="Re-extract every stored article (or one site's) from the raw page kept "
        "at crawl time and update the rows that change. Nothing is fetched.",
        epilog="examples:\n  khabar reextract\n  khabar reextract --site alwatan --workers 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--site", help="only this configured site")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="extraction processes (default: one per core; 0 = in-process)",
    )
    parser.add_argument("--db", help="database file (default: KHABAR_DB or config.yaml)")
    parser.set_defaults(run=run)


def reextract_page(page: StoredPage, rules: ExtractionRules) -> tuple[int, dict[str, Any]]:
    """The fresh record of one stored page, with its keys (runs in a worker process)."""
    record = analyse_page(
        page.html, page.url, rules, http_encoding=page.http_encoding, hints=page.hints
    )
    return page.article_id, tidy_fields(record)


def run(args: argparse.Namespace) -> int:
    config = load_config()
    require_sites(config, [args.site])
    rules = {name: site.extraction for name, site in config.sites.items()}
    store = ArticleStore(args.db or database_path())
    try:
        pages = list(store.stored_pages(args.site))
        jobs = [(page, rules.get(page.site, ExtractionRules())) for page in pages]
        if args.workers > 0 and len(jobs) > 1:
            with ProcessPoolExecutor(args.workers) as pool:
                mapped = pool.map(reextract_page, *zip(*jobs, strict=True), chunksize=CHUNK)
                results = list(track(mapped, len(jobs), "pages"))
        else:
            results = list(track((reextract_page(p, r) for p, r in jobs), len(jobs), "pages"))
        changed = store.replace_extraction(results)
    finally:
        store.close()
    print(f"khabar: re-extracted {len(results)} stored pages; {changed} articles updated")
    return 0
