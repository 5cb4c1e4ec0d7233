"""`khabar search QUERY [--site NAME] [--json] [--per-day]`: Arabic full-text search from the
shell, and the same matches counted per published day and site (attention over time)."""

from __future__ import annotations

import sqlite3
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import click
from click.core import ParameterSource

from crawler.commands import (
    UserError,
    db_option,
    require_sites,
    require_utf8,
    resolve_db,
    site_option,
)
from crawler.config import load_config
from crawler.terminal import printable, printable_json
from storage.readonly import connect_readonly
from storage.search import (
    MAX_QUERY_WORDS,
    RANK_WINDOW,
    DayCount,
    matches_per_day,
    parse_query,
    search,
)

MAX_LIMIT = 1_000_000  # above this, a number is a typo, not a wish (and SQLite's int is 64-bit)

HELP = f"""Search titles and bodies of the stored articles. Prints each hit's published date, site
and title on one line, then its URL and a snippet of the original text around the first hit
(--json: one object per line). A query with at most {RANK_WINDOW:,}
matches lists them best match first (bm25, title hits weigh more), newer first among equals; a
more frequent one lists its {RANK_WINDOW:,} most recently stored matches, those with a hit in the
title first, then newest first (ranking every match would take seconds in a large archive). The
database is opened read-only. Exit status: 0 when something matched, 1 when nothing did (like
grep), 2 for a mistake.

--per-day counts every match instead (no --limit): a table of days (the day the site printed in
its published date) by site, with totals; articles without a published date are counted on an
"undated" line, left out when --since or --until is given. --json: one {{"day", "site",
"matches"}} object per line, day null for undated. The counts add up to all the articles the
query matches (a search lists --limit of them)."""

EPILOG = f"""\
\b
The query is normalised like the index: hamza forms, alef maksura, teh marbuta, harakat,
tatweel and the prefixes و ف ب ك ل ال are folded, so الاسلام finds الإسلام and والخارجية
finds الخارجية. Words are ANDed; "double quotes" search a phrase; a trailing * is a prefix.
FTS operators typed in the query (AND, OR, NEAR, quotes, parentheses) are searched as words.
A word typed twice is searched once, and at most the first {MAX_QUERY_WORDS} different words are
searched (each word of a phrase counts).

\b
examples:
  khabar search الخارجية
  khabar search '"وزير الخارجية"' --site sana
  khabar search دمشق --json --limit 5 | jq .url
  khabar search الانتخابات --per-day --since 2024-01-01
  khabar search '"وزير الخارجية"' --per-day --site sana --json
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
@click.option(
    "--per-day", is_flag=True, help="count the matches per published day and site instead"
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="with --per-day: from this published day on",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="with --per-day: up to this published day, included",
)
@db_option
def command(
    query: str,
    site: str | None,
    as_json: bool,
    limit: int,
    per_day: bool,
    since: datetime | None,
    until: datetime | None,
    db: Path | None,
) -> int:
    ctx = click.get_current_context()
    if not per_day and (since or until):
        raise UserError("--since and --until count days: use them with --per-day")
    if per_day and ctx.get_parameter_source("limit") is not ParameterSource.DEFAULT:
        raise UserError("--per-day counts every match: --limit does not apply")
    if site:
        require_sites(load_config(), [site])
    if parse_query(query).truncated:
        click.echo(
            f"khabar: the query has more than {MAX_QUERY_WORDS} different words; "
            f"only the first {MAX_QUERY_WORDS} are searched",
            err=True,
        )
    path = resolve_db(db)
    conn = connect_readonly(path)
    try:
        if per_day:
            counts = matches_per_day(conn, query, site=site, since=_day(since), until=_day(until))
        else:
            hits = search(conn, query, site=site, limit=limit)
    except sqlite3.Error as exc:
        raise UserError(f"cannot search {path}: {exc}") from None
    finally:
        conn.close()
    if per_day:
        return _print_per_day(counts, as_json)
    out = sys.stdout
    for hit in hits:
        if as_json:
            out.write(printable_json({k: v for k, v in hit.as_dict().items() if k != "rank"}))
            out.write("\n")
        else:
            date, source, title, url, snippet = (
                printable(value or "", one_line=True)
                for value in (hit.published_at or "-", hit.site, hit.title, hit.url, hit.snippet)
            )
            out.write(f"{date}  {source}  {title}\n  {url}\n  {snippet}\n\n")
    if not hits:
        if not as_json:
            print("no match", file=sys.stderr)
        return 1
    return 0


def _day(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d") if value else None


UNDATED = "undated"


def _print_per_day(counts: list[DayCount], as_json: bool) -> int:
    """Days down, sites across, totals last; or one JSON object per (day, site)."""
    out = sys.stdout
    if not counts:
        if not as_json:
            print("no match", file=sys.stderr)
        return 1
    if as_json:
        for count in counts:
            out.write(printable_json(count.as_dict()) + "\n")
        return 0
    sites = sorted({c.site for c in counts})
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for c in counts:  # in day order, undated last; a day is the database's text too
        table[printable(c.day, one_line=True) if c.day else UNDATED][c.site] = c.matches
    rows = [
        [day, *(str(cells.get(s, 0)) for s in sites), str(sum(cells.values()))]
        for day, cells in table.items()
    ]
    per_site = [sum(cells.get(s, 0) for cells in table.values()) for s in sites]
    rows.append(["total", *map(str, per_site), str(sum(per_site))])
    header = ["day", *(printable(s, one_line=True) for s in sites), "total"]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        first, *numbers = row
        out.write(
            first.ljust(widths[0])
            + "".join("  " + n.rjust(w) for n, w in zip(numbers, widths[1:], strict=True))
            + "\n"
        )
    return 0
