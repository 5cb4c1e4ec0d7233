"""`khabar search QUERY [--site NAME] [--json]`: Arabic full-text search from the shell."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from storage.paths import database_path
from storage.search import connect_readonly, search

EPILOG = """\
The query is normalised like the index: hamza forms, alef maksura, teh marbuta, harakat,
tatweel and the prefixes و ف ب ك ل ال are folded, so الاسلام finds الإسلام and والخارجية
finds الخارجية. Words are ANDed; "double quotes" search a phrase; a trailing * is a prefix.
FTS operators typed in the query (AND, OR, NEAR, quotes, parentheses) are searched as words.

examples:
  khabar search الخارجية
  khabar search '"وزير الخارجية"' --site sana
  khabar search دمشق --json --limit 5 | jq .url
"""


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "search",
        help="full-text search of the stored articles (Arabic-aware)",
        description="Search titles and bodies of the stored articles. Prints url, site, "
        "published_at, title and a snippet of the original text around the first hit, best "
        "match first (bm25, title hits weigh more), newer first among equals.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("query", help="words to find (quote the whole query in the shell)")
    parser.add_argument("--site", help="only articles of this configured site")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    parser.add_argument(
        "--db", type=Path, help="database file (default: KHABAR_DB or config.yaml's database)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = args.db or database_path()
    if not path.exists():
        print(f"khabar: no database at {path} (crawl a site first)", file=sys.stderr)
        return 2
    conn = connect_readonly(path)
    try:
        hits = search(conn, args.query, site=args.site, limit=args.limit)
    except sqlite3.Error as exc:
        print(f"khabar: cannot search {path}: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    out = sys.stdout
    for hit in hits:
        if args.json:
            record = {k: v for k, v in hit.as_dict().items() if k != "rank"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(f"{hit.published_at or '-'}  {hit.site}  {hit.title or ''}\n")
            out.write(f"  {hit.url}\n  {hit.snippet}\n\n")
    if not hits and not args.json:
        print("no match", file=sys.stderr)
    return 0
