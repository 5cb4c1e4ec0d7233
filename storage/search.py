"""Arabic full-text search over the articles_fts index, shared by `khabar search` and Datasette.

The index holds ``crawler.arabic.fts_text`` of each title and body (normalised letters, clitics
peeled), so a query must go through the same function before it reaches FTS5: that is what makes
الاسلام find الإسلام and والخارجية find الخارجية. The user's text is never passed to MATCH as
syntax: every word becomes a quoted FTS5 string, so quotes, AND/OR/NOT/NEAR, parentheses,
colons and stars typed by a user are data, not operators. Two small conveniences survive:
text between double quotes is searched as a phrase, and a word ending in ``*`` is a prefix.

A query is searched as its distinct terms, at most MAX_QUERY_WORDS words of them: ranking and
snippets cost grows with the square of the number of terms, and 6,400 copies of one prefix took
ten seconds. The steps are ``parse_query`` (typed chunks → index tokens → distinct, capped terms)
and ``Query.match`` (the FTS5 expression); Datasette's SQL functions use the same two.

Snippets are cut from the ORIGINAL body (with its hamzas and harakat), around the first word
whose matching form is a query term, because the indexed text is the unreadable matching form.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from crawler.arabic import fts_tokens
from storage.schema import ARTICLE_SITE_INDEX

__all__ = [
    "MAX_QUERY_WORDS",
    "DayCount",
    "Query",
    "SearchHit",
    "build_match",
    "matches_per_day",
    "parse_query",
    "search",
    "snippet",
]

# bm25 column weights for (title, body): a hit in the title counts ten times a hit in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_BEFORE = 12  # words of context before the first hit
SNIPPET_AFTER = 24  # words of context after it
ELLIPSIS = "…"

# A double-quoted phrase (the closing quote may be missing) or a bare run of non-space, each
# optionally followed by '*'.
_CHUNK = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')

# The most words of a query that are searched: its distinct terms in the order typed, each word of
# a phrase counting, until this many (a sentence's worth; no search needs more).
MAX_QUERY_WORDS = 32


@dataclass(frozen=True)
class Term:
    """One FTS5 phrase of the query: its matching-form tokens, and whether the last is a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def fts(self) -> str:
        # Tokens are letters/digits only (crawler.arabic._WORD), but double any quote anyway so
        # the string literal can never be closed from inside.
        quoted = '"' + " ".join(self.tokens).replace('"', '""') + '"'
        return quoted + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """A user query as it is searched: its distinct terms, in the order typed, holding at most
    MAX_QUERY_WORDS words; ``truncated`` when the query had more (the rest is not searched)."""

    terms: tuple[Term, ...]
    truncated: bool = False

    def match(self) -> str:
        """The FTS5 MATCH expression: quoted terms joined by implicit AND, or ``'""'`` (an empty
        phrase, which matches nothing) when there is no term."""
        return " ".join(t.fts() for t in self.terms) if self.terms else '""'


def _chunks(query: str) -> Iterator[tuple[str, bool]]:
    """The query as typed: (text, is a prefix) for each "quoted phrase" or bare word."""
    for match in _CHUNK.finditer(query):
        phrase, phrase_star, bare = match.groups()
        if bare is not None:
            yield bare.rstrip("*"), bare.endswith("*")
        else:
            yield phrase, bool(phrase_star)


# ~5 MB at most. Words repeat, so 20 snippets cost ~1 ms, not ~10, and a query of one word typed
# 10,000 times is read in milliseconds.
@lru_cache(maxsize=50_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The index tokens of one word or phrase (crawler.arabic.fts_tokens)."""
    return tuple(fts_tokens(word))


@lru_cache(maxsize=64)  # Datasette's khabar_snippet parses the same query once per row
def parse_query(query: str) -> Query:
    """Split a user query into terms: "quoted phrases", bare words, trailing-* prefixes.

    Every word is normalised and clitic-peeled exactly like the index (crawler.arabic.fts_tokens);
    a bare chunk that normalises to several tokens (e.g. ``شمال-سوريا``) becomes a phrase. A term
    typed twice is searched once; past MAX_QUERY_WORDS words the query is cut (in a phrase, after
    its words that fit) and the rest is not even read.
    """
    terms: dict[Term, None] = {}
    room = MAX_QUERY_WORDS
    for text, prefix in _chunks(query):
        tokens = _word_tokens(text)
        term = Term(tokens, prefix)
        if not tokens or term in terms:
            continue
        if len(tokens) > room:
            if room:
                terms[Term(tokens[:room])] = None
            return Query(tuple(terms), truncated=True)
        terms[term] = None
        room -= len(tokens)
    return Query(tuple(terms))


def build_match(query: str) -> str:
    """The FTS5 MATCH expression for a user query (see Query.match); applying it to its own
    output gives the same string, so callers can always bind the result."""
    return parse_query(query).match()


def snippet(
    text: str | None, query: str, *, before: int = SNIPPET_BEFORE, after: int = SNIPPET_AFTER
) -> str:
    """A window of the original ``text`` around the first word that matches a query term.

    Words are whitespace-separated chunks of the original text; a chunk matches when one of its
    matching-form tokens equals a query token (or starts with it, for a prefix term). Without a
    hit (the match was in the title only) the snippet is the beginning of the text.
    """
    if not text:
        return ""
    words = text.split()
    exact: set[str] = set()
    prefixes: list[str] = []
    for term in parse_query(query).terms:
        exact.update(term.tokens[:-1] if term.prefix else term.tokens)
        if term.prefix:
            prefixes.append(term.tokens[-1])

    starts = tuple(prefixes)
    first = None
    for word in dict.fromkeys(words):  # each word once, in order of first appearance
        tokens = _word_tokens(word)
        if not exact.isdisjoint(tokens) or (starts and any(t.startswith(starts) for t in tokens)):
            first = words.index(word)
            break
    start = 0 if first is None else max(0, first - before)
    end = min(len(words), (0 if first is None else first) + after + 1)
    if first is None:
        end = min(len(words), before + after + 1)
    parts = words[start:end]
    return (
        (ELLIPSIS + " " if start > 0 else "")
        + " ".join(parts)
        + (" " + ELLIPSIS if end < len(words) else "")
    )


@dataclass(frozen=True)
class SearchHit:
    id: int
    url: str
    site: str
    published_at: str | None
    title: str | None
    snippet: str
    rank: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# How many matches get ranked. bm25 needs each query term's document count, and FTS5 finds it by
# reading every match: a frequent word (الرئيس is in a third of all news) then costs time in
# proportion to the archive, 1 s at 10^5 articles. So bm25 ranks a query only when it has at most
# RANK_WINDOW matches (cheap to count: FTS5 walks rowids newest first and stops there). A query
# with more shows its RANK_WINDOW most recently stored matches, those with a hit in the title
# first, newest first: a few milliseconds whatever the archive size.
RANK_WINDOW = 1000

_RECENT_SQL = """
SELECT articles_fts.rowid FROM articles_fts {site_join}
WHERE articles_fts MATCH :match {site_filter}
ORDER BY articles_fts.rowid DESC LIMIT :window
"""

# bm25 of every match, in the index alone: joining each match's articles row to sort on its date
# would cost ten times the ranking (a row is a page read); dates break ties among the few shown.
_RANKED_SQL = """
SELECT articles_fts.rowid, bm25(articles_fts, {title_weight}, {body_weight})
FROM articles_fts {site_join}
WHERE articles_fts MATCH :match {site_filter}
"""

_TITLE_HITS_SQL = """
SELECT rowid FROM articles_fts
WHERE articles_fts MATCH :match AND rowid >= :oldest
ORDER BY rowid DESC
"""

_ROWS_SQL = """
SELECT id, url, site, published_at, title, body, julianday(published_at)
FROM articles WHERE id IN ({marks})
"""


def _rows(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple]:
    rows = {}
    for start in range(0, len(ids), 500):  # SQLite takes at most 32,766 parameters
        chunk = ids[start : start + 500]
        sql = _ROWS_SQL.format(marks=",".join("?" * len(chunk)))
        rows.update((row[0], row) for row in conn.execute(sql, chunk))
    return rows


def search(
    conn: sqlite3.Connection, query: str, *, site: str | None = None, limit: int = 20
) -> list[SearchHit]:
    """Articles matching ``query``, at most ``limit``.

    Up to RANK_WINDOW matches (or ``limit``, if more): best bm25 first (a title hit weighs
    TITLE_WEIGHT body hits), newer first among equals. More matches: the RANK_WINDOW most
    recently stored, those with a query word in the title first, then newest first (their
    ``rank`` is -1.0 and 0.0).

    ``conn`` is any connection to a khabar database (read-only is enough).
    """
    parsed = parse_query(query)
    if not parsed.terms:
        return []
    match = parsed.match()
    window = max(RANK_WINDOW, limit)
    params: dict[str, Any] = {"match": match, "window": window + 1, "site": site}
    site_join = ""
    if site:
        indexed = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [ARTICLE_SITE_INDEX]
        ).fetchone()
        # the planner would read each match's row instead: six times slower
        hint = f"INDEXED BY {ARTICLE_SITE_INDEX}" if indexed else ""
        site_join = f"JOIN articles a {hint} ON a.id = articles_fts.rowid"
    site_filter = "AND a.site = :site" if site else ""
    recent = [
        row[0] for row in conn.execute(_RECENT_SQL.format(site_join="", site_filter=""), params)
    ]
    if len(recent) <= window:  # few matches in the whole archive: rank them all
        sql = _RANKED_SQL.format(
            title_weight=TITLE_WEIGHT,
            body_weight=BODY_WEIGHT,
            site_join=site_join,
            site_filter=site_filter,
        )
        scored = sorted(conn.execute(sql, params).fetchall(), key=lambda r: r[1])
        if len(scored) > limit:  # keep the ties of the last one shown: dates decide among them
            scored = [r for r in scored if r[1] <= scored[limit - 1][1]]
        rows = _rows(conn, [i for i, _ in scored])
        # newer first among equals; no date last (SQLite's julianday and its NULL order)
        scored.sort(key=lambda r: (r[1], rows[r[0]][6] is None, -(rows[r[0]][6] or 0), -r[0]))
        ranked = scored[:limit]
    else:
        if site:
            sql = _RECENT_SQL.format(site_join=site_join, site_filter=site_filter)
            recent = [row[0] for row in conn.execute(sql, {**params, "window": window})]
        recent = recent[:window]
        if not recent:
            return []
        title_match = "{title} : (" + match + ")"
        in_window = set(recent)
        titled = [
            row[0]
            for row in conn.execute(_TITLE_HITS_SQL, {"match": title_match, "oldest": recent[-1]})
            if row[0] in in_window
        ]
        shown = set(titled[:limit])
        ranked = [(i, -1.0) for i in titled[:limit]]
        ranked += [(i, 0.0) for i in recent if i not in shown][: limit - len(ranked)]
        rows = _rows(conn, [i for i, _ in ranked])
    return [
        SearchHit(
            id=i,
            url=rows[i][1],
            site=rows[i][2],
            published_at=rows[i][3],
            title=rows[i][4],
            snippet=snippet(rows[i][5], query),
            rank=rank,
        )
        for i, rank in ranked
    ]


@dataclass(frozen=True)
class DayCount:
    """How many articles of one site matched a query on one day (``None``: no published date)."""

    day: str | None
    site: str
    matches: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Every match of the query, no ranking and no window: the same MATCH that `search` ranks. Grouped
# by the calendar day the site printed (schema m008: published_day, the date part of
# published_at), so a date known only to the day stays on its day. Each match costs a row read
# (~5 µs), so a word in half of 10^5 articles takes ~0.25 s (bench/attention.py). With a range of
# days, ``+a.id`` lets the published_day index lead instead of the matches' rowids, so only the
# matches in the range are read: that word's last ten days cost a fifth as much.
_PER_DAY_SQL = """
SELECT a.published_day, a.site, count(*) FROM articles a
WHERE {id} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match) {filters}
GROUP BY a.published_day, a.site
ORDER BY a.published_day IS NULL, a.published_day, a.site
"""


def matches_per_day(
    conn: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[DayCount]:
    """Matches of ``query`` per published day and site: attention over time.

    The matches are those ``search`` ranks (the same parse_query and FTS5 MATCH), every one of
    them, so the counts add up to the number of articles the query finds. An article without a
    published date counts under ``day=None`` (listed last); ``since`` and ``until`` (YYYY-MM-DD,
    both included) keep the days in that range, so they leave undated articles out.
    """
    parsed = parse_query(query)
    if not parsed.terms:
        return []
    params = {"match": parsed.match(), "site": site, "since": since, "until": until}
    filters = "".join(
        clause
        for clause, value in (
            ("AND a.site = :site ", site),
            ("AND a.published_day >= :since ", since),
            ("AND a.published_day <= :until ", until),
        )
        if value
    )
    return [
        DayCount(day, row_site, n)
        for day, row_site, n in conn.execute(
            _PER_DAY_SQL.format(id="+a.id" if since or until else "a.id", filters=filters), params
        )
    ]
