"""`khabar search QUERY [--site NAME] [--json]`: Arabic full-text search from the shell."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from crawler.commands import (
    UserError,
    db_option,
    require_sites,
    require_utf8,
    resolve_db,
    site_option,
)
from crawler.config import load_config
from storage.readonly import connect_readonly
from storage.search import RANK_WINDOW, search

MAX_LIMIT = 1_000_000  # above this, a number is a typo, not a wish (and SQLite's int is 64-bit)

HELP = f"""Search titles and bodies of the stored articles. Prints url, site, published_at, title
and a snippet of the original text around the first hit. A query with at most {RANK_WINDOW:,}
matches lists them best match first (bm25, title hits weigh more), newer first among equals; a
more frequent one lists its {RANK_WINDOW:,} most recently stored matches, those with a hit in the
title first, then newest first (ranking every match would take seconds in a large archive). The
database is opened read-only."""

EPILOG = """\
\b
The query is normalised like the index: hamza forms, alef maksura, teh marbuta, harakat,
tatweel and the prefixes و ف ب ك ل ال are folded, so الاسلام finds الإسلام and والخارجية
finds الخارجية. Words are ANDed; "double quotes" search a phrase; a trailing * is a prefix.
FTS operators typed in the query (AND, OR, NEAR, quotes, parentheses) are searched as words.

\b
examples:
  khabar search الخارجية
  khabar search '"وزير الخارجية"' --site sana
  khabar search دمشق --json --limit 5 | jq .url
"""


@click.command(
    "search",
    short_help="full-text search of the stored articles (Arabic-aware)",
    help=HELP,
    epilog=EPILOG,
)
@click.argument("query", callback=require_utf8)
@site_option
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=20,
    show_default=True,
    help="at most this many hits",
)
@db_option
def command(query: str, site: str | None, as_json: bool, limit: int, db: Path | None) -> int:
    if site:
        require_sites(load_config(), [site])
    path = resolve_db(db)
    conn = connect_readonly(path)
    try:
        hits = search(conn, query, site=site, limit=limit)
    except sqlite3.Error as exc:
        raise UserError(f"cannot search {path}: {exc}") from None
    finally:
        conn.close()
    out = sys.stdout
    for hit in hits:
        if as_json:
            record = {k: v for k, v in hit.as_dict().items() if k != "rank"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(f"{hit.published_at or '-'}  {hit.site}  {hit.title or ''}\n")
            out.write(f"  {hit.url}\n  {hit.snippet}\n\n")
    if not hits and not as_json:
        print("no match", file=sys.stderr)
    return 0
