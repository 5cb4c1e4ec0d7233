"""Arabic full-text search over the articles_fts index, shared by `khabar search` and Datasette.

The index holds two forms of each title and body (``index_entry``): their matching form
(``crawler.arabic.fts_tokens``: normalised letters, clitics peeled) in ``title`` and ``body``,
and the same tokens stemmed (``crawler.stem``) in ``title_stem`` and ``body_stem``. A query goes
through the same functions before it reaches FTS5: the matching form is what makes الاسلام find
الإسلام and والخارجية find الخارجية, the stem what makes الإسلامية find الإسلام and انتخاب find
الانتخابات. A query matches either form, and exact-form matches rank above stem-only ones;
``exact=True`` asks for the matching form alone (``khabar search --exact``). A prefix term
(``خارج*``) is matched on the matching form in both modes: its writer chose where the word
ends. The user's text is never passed to MATCH as syntax: every word becomes a quoted FTS5
string (in a column filter we write), so quotes, AND/OR/NOT/NEAR, parentheses, colons and stars
typed by a user are data, not operators. Two small conveniences survive: text between double
quotes is searched as a phrase, and a word ending in ``*`` is a prefix.

A query is searched as its distinct terms, at most MAX_QUERY_WORDS words of them: ranking and
snippets cost grows with the square of the number of terms, and 6,400 copies of one prefix took
ten seconds. The steps are ``parse_query`` (typed chunks → index tokens → distinct, capped terms)
and ``Query.match`` (the FTS5 expression); Datasette's SQL functions use the same two.

Snippets are cut from the ORIGINAL body (with its hamzas and harakat), around the first word
whose matching form is a query term (else whose stem is a query word's stem), because the
indexed text is the unreadable matching form.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from crawler.arabic import fts_tokens
from crawler.stem import stem_tokens
from storage.schema import ARTICLE_SITE_INDEX

__all__ = [
    "INDEX_COLUMNS",
    "MAX_QUERY_WORDS",
    "DayCount",
    "Query",
    "SearchHit",
    "build_match",
    "has_stems",
    "index_entry",
    "matches_per_day",
    "parse_query",
    "search",
    "snippet",
]

# The columns of articles_fts (storage.schema m013), in order: each text in its matching form, then
# stemmed. A query names the columns it searches (FTS5 column filters), so the form it matches is
# said in the MATCH expression itself and every caller of build_match gets the same behaviour.
INDEX_COLUMNS = ("title", "body", "title_stem", "body_stem")
EXACT_COLUMNS = "{title body}"
STEM_COLUMNS = "{title_stem body_stem}"
TITLE_COLUMNS = "{title title_stem}"  # a title hit, in either form
EXACT_TITLE = "{title}"

# bm25 column weights for (title, body) in either form: a hit in the title counts ten times a hit
# in the body.
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


def index_entry(title: str | None, body: str | None) -> tuple[str, str, str, str]:
    """What articles_fts holds for an article (INDEX_COLUMNS): title and body in their matching
    form, then stemmed. The store writes it, m013 backfills it; queries get the same forms."""
    title_tokens, body_tokens = fts_tokens(title or ""), fts_tokens(body or "")
    return (
        " ".join(title_tokens),
        " ".join(body_tokens),
        " ".join(stem_tokens(title_tokens)),
        " ".join(stem_tokens(body_tokens)),
    )


def _quoted(tokens: tuple[str, ...]) -> str:
    # Tokens are letters/digits only (crawler.arabic._WORD), but double any quote anyway so the
    # string literal can never be closed from inside.
    return '"' + " ".join(tokens).replace('"', '""') + '"'


@dataclass(frozen=True)
class Term:
    """One FTS5 phrase of the query: its matching-form tokens, and whether the last is a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem_tokens(self.tokens))

    def fts(self, *, exact: bool = False) -> str:
        """The term as FTS5 syntax: the stems in the stemmed columns (which every exact-form
        match also matches), or with ``exact`` or a prefix the tokens in the matching-form
        columns."""
        if exact or self.prefix:
            return f"{EXACT_COLUMNS} : {_quoted(self.tokens)}" + ("*" if self.prefix else "")
        return f"{STEM_COLUMNS} : {_quoted(self.stems)}"


@dataclass(frozen=True)
class Query:
    """A user query as it is searched: its distinct terms, in the order typed, holding at most
    MAX_QUERY_WORDS words; ``truncated`` when the query had more (the rest is not searched)."""

    terms: tuple[Term, ...]
    truncated: bool = False

    def match(self, *, exact: bool = False) -> str:
        """The FTS5 MATCH expression: column-filtered quoted terms joined by AND (either form of
        each word, or the matching form alone with ``exact``), or ``'""'`` (an empty phrase,
        which matches nothing) when there is no term."""
        if not self.terms:
            return '""'
        return " AND ".join(t.fts(exact=exact) for t in self.terms)

    def title_match(self, *, exact: bool = False) -> str:
        """The same expression restricted to the title."""
        if not self.terms:
            return '""'
        return f"{EXACT_TITLE if exact else TITLE_COLUMNS} : ({self.match(exact=exact)})"


def has_stems(conn: sqlite3.Connection) -> bool:
    """Whether the file's index has the stemmed columns (m013). A file no writer has migrated
    since is searched in the matching form alone: what it holds."""
    return (
        conn.execute(
            "SELECT 1 FROM pragma_table_info('articles_fts') WHERE name = ?", [INDEX_COLUMNS[-1]]
        ).fetchone()
        is not None
    )


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


def build_match(query: str, *, exact: bool = False) -> str:
    """The FTS5 MATCH expression for a user query (see Query.match): either form of each word,
    or with ``exact`` the matching form alone."""
    return parse_query(query).match(exact=exact)


@lru_cache(maxsize=50_000)
def _word_stems(word: str) -> tuple[str, ...]:
    return tuple(stem_tokens(_word_tokens(word)))


def _first_hit(words: list[str], query: Query, *, stemmed: bool) -> int | None:
    """Index of the first word with a matching-form token equal to a query token (or starting
    with a prefix term's), or with ``stemmed`` a stem equal to a query word's stem."""
    wanted: set[str] = set()
    prefixes: list[str] = []
    for term in query.terms:
        whole = term.tokens[:-1] if term.prefix else term.tokens
        wanted.update(stem_tokens(whole) if stemmed else whole)
        if term.prefix and not stemmed:
            prefixes.append(term.tokens[-1])
    starts = tuple(prefixes)
    if not wanted and not starts:
        return None
    forms = _word_stems if stemmed else _word_tokens
    for word in dict.fromkeys(words):  # each word once, in order of first appearance
        tokens = forms(word)
        if not wanted.isdisjoint(tokens) or (starts and any(t.startswith(starts) for t in tokens)):
            return words.index(word)
    return None


def snippet(
    text: str | None,
    query: str,
    *,
    exact: bool = False,
    before: int = SNIPPET_BEFORE,
    after: int = SNIPPET_AFTER,
) -> str:
    """A window of the original ``text`` around the first word that matches a query term.

    Words are whitespace-separated chunks of the original text; a chunk matches when one of its
    matching-form tokens equals a query token (or starts with it, for a prefix term); when no
    chunk does and not ``exact``, when one of its stems equals a query word's stem. Without a
    hit (the match was in the title only) the snippet is the beginning of the text.
    """
    if not text:
        return ""
    words = text.split()
    parsed = parse_query(query)
    first = _first_hit(words, parsed, stemmed=False)
    if first is None and not exact:
        first = _first_hit(words, parsed, stemmed=True)
    return _window(words, first, before, after)


def _stem_snippet(text: str | None, query: str) -> str:
    """``snippet`` of a stem-only hit: its text has no query word in the matching form, so the
    first word with a query word's stem is looked for straight away."""
    if not text:
        return ""
    words = text.split()
    return _window(words, _first_hit(words, parse_query(query), stemmed=True))


def _window(
    words: list[str], first: int | None, before: int = SNIPPET_BEFORE, after: int = SNIPPET_AFTER
) -> str:
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
    # The query's words are in the article in their matching form, not only as the same stems.
    exact: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# How many matches get ranked. bm25 needs each query term's document count, and FTS5 finds it by
# reading every match: a frequent word (الرئيس is in a third of all news) then costs time in
# proportion to the archive, 1 s at 10^5 articles. So bm25 ranks a query only when it has at most
# RANK_WINDOW matches (cheap to count: FTS5 walks rowids newest first and stops there). A query
# with more shows its RANK_WINDOW most recently stored matches, exact-form matches first, those
# with a hit in the title first, newest first: a few milliseconds whatever the archive size.
RANK_WINDOW = 1000

_RECENT_SQL = """
SELECT articles_fts.rowid FROM articles_fts {site_join}
WHERE articles_fts MATCH :match {site_filter}
ORDER BY articles_fts.rowid DESC LIMIT :window
"""

# bm25 of every match, in the index alone: joining each match's articles row to sort on its date
# would cost ten times the ranking (a row is a page read); dates break ties among the few shown.
_RANKED_SQL = """
SELECT articles_fts.rowid, bm25(articles_fts, {weights})
FROM articles_fts {site_join}
WHERE articles_fts MATCH :match {site_filter}
"""
_WEIGHTS = ", ".join(str(w) for w in (TITLE_WEIGHT, BODY_WEIGHT) * 2)  # INDEX_COLUMNS' order

_NEWER_HITS_SQL = """
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
    conn: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    limit: int = 20,
    exact: bool = False,
) -> list[SearchHit]:
    """Articles matching ``query`` in either form of its words (``exact``: the matching form
    alone), at most ``limit``; those with the words in their matching form first.

    Up to RANK_WINDOW matches (or ``limit``, if more): exact-form matches best bm25 first (a
    title hit weighs TITLE_WEIGHT body hits; the order ``exact`` gives), then stem-only matches
    likewise, newer first among equals. More matches: the RANK_WINDOW most recently stored,
    exact-form matches first, within each those with a query word in the title first, then
    newest first (their ``rank`` is -1.0 and 0.0).

    ``conn`` is any connection to a khabar database (read-only is enough); one whose index has
    no stems yet (see ``has_stems``) is searched as with ``exact``.
    """
    parsed = parse_query(query)
    if not parsed.terms:
        return []
    exact = exact or not has_stems(conn)
    match = parsed.match(exact=exact)
    exact_match = parsed.match(exact=True)
    stemmed = match != exact_match  # a query of prefixes alone is the same in both modes
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
        sql = _RANKED_SQL.format(weights=_WEIGHTS, site_join=site_join, site_filter=site_filter)
        # (stem-only, bm25, id): the exact-form matches ranked as `exact` ranks them, then the rest
        scored = [(False, r, i) for i, r in conn.execute(sql, {**params, "match": exact_match})]
        if stemmed:
            found = {i for _, _, i in scored}
            scored += [(True, r, i) for i, r in conn.execute(sql, params) if i not in found]
        scored.sort()
        if len(scored) > limit:  # keep the ties of the last one shown: dates decide among them
            last = scored[limit - 1][:2]
            scored = [s for s in scored if s[:2] <= last]
        rows = _rows(conn, [i for _, _, i in scored])
        # newer first among equals; no date last (SQLite's julianday and its NULL order)
        scored.sort(key=lambda s: (*s[:2], rows[s[2]][6] is None, -(rows[s[2]][6] or 0), -s[2]))
        ranked = [(i, r, not stem_only) for stem_only, r, i in scored[:limit]]
    else:
        if site:
            sql = _RECENT_SQL.format(site_join=site_join, site_filter=site_filter)
            recent = [row[0] for row in conn.execute(sql, {**params, "window": window})]
        recent = recent[:window]
        if not recent:
            return []

        def newer(expression: str) -> set[int]:
            rows = conn.execute(_NEWER_HITS_SQL, {"match": expression, "oldest": recent[-1]})
            return {row[0] for row in rows}

        titled = newer(parsed.title_match(exact=exact))
        exact_ids = newer(exact_match) if stemmed else set(recent)
        order = sorted(recent, key=lambda i: (i not in exact_ids, i not in titled, -i))[:limit]
        ranked = [(i, -1.0 if i in titled else 0.0, i in exact_ids) for i in order]
        rows = _rows(conn, [i for i, _, _ in ranked])
    return [
        SearchHit(
            id=i,
            url=rows[i][1],
            site=rows[i][2],
            published_at=rows[i][3],
            title=rows[i][4],
            snippet=(
                snippet(rows[i][5], query, exact=True)
                if is_exact
                else _stem_snippet(rows[i][5], query)
            ),
            rank=rank,
            exact=is_exact,
        )
        for i, rank, is_exact in ranked
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
    exact: bool = False,
) -> list[DayCount]:
    """Matches of ``query`` per published day and site: attention over time.

    The matches are those ``search`` ranks (the same parse_query and FTS5 MATCH), every one of
    them, so the counts add up to the number of articles the query finds. An article without a
    published date counts under ``day=None`` (listed last); ``since`` and ``until`` (YYYY-MM-DD,
    both included) keep the days in that range, so they leave undated articles out. ``exact``
    counts the matching form alone, as ``search`` does.
    """
    parsed = parse_query(query)
    if not parsed.terms:
        return []
    exact = exact or not has_stems(conn)
    params = {"match": parsed.match(exact=exact), "site": site, "since": since, "until": until}
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
