"""Arabic full-text search over the articles_fts index, shared by `khabar search` and Datasette.

The index holds ``crawler.arabic.fts_text`` of each title and body (normalised letters, clitics
peeled), so a query must go through the same function before it reaches FTS5: that is what makes
الاسلام find الإسلام and والخارجية find الخارجية. The user's text is never passed to MATCH as
syntax: every word becomes a quoted FTS5 string, so quotes, AND/OR/NOT/NEAR, parentheses,
colons and stars typed by a user are data, not operators. Two small conveniences survive:
text between double quotes is searched as a phrase, and a word ending in ``*`` is a prefix.

Snippets are cut from the ORIGINAL body (with its hamzas and harakat), around the first word
whose matching form is a query term, because the indexed text is the unreadable matching form.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from crawler.arabic import fts_tokens

__all__ = ["SearchHit", "build_match", "parse_query", "search", "snippet"]

# bm25 column weights for (title, body): a hit in the title counts ten times a hit in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_BEFORE = 12  # words of context before the first hit
SNIPPET_AFTER = 24  # words of context after it
ELLIPSIS = "…"

# A double-quoted phrase (the closing quote may be missing) or a bare run of non-space, each
# optionally followed by '*'.
_CHUNK = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')


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


def parse_query(query: str) -> list[Term]:
    """Split a user query into terms: "quoted phrases", bare words, trailing-* prefixes.

    Every word is normalised and clitic-peeled exactly like the index (crawler.arabic.fts_tokens);
    a bare chunk that normalises to several tokens (e.g. ``شمال-سوريا``) becomes a phrase.
    """
    terms: list[Term] = []
    for match in _CHUNK.finditer(query):
        phrase, phrase_star, bare = match.groups()
        if bare is not None:
            prefix = bare.endswith("*")
            tokens = fts_tokens(bare.rstrip("*"))
        else:
            prefix = bool(phrase_star)
            tokens = fts_tokens(phrase)
        if tokens:
            terms.append(Term(tuple(tokens), prefix))
    return terms


def build_match(query: str) -> str:
    """The FTS5 MATCH expression for a user query: quoted terms joined by implicit AND.

    Returns ``'""'`` (an empty phrase, which matches nothing) when the query has no words, so
    callers can always bind the result; applying it to its own output gives the same string.
    """
    terms = parse_query(query)
    return " ".join(t.fts() for t in terms) if terms else '""'


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
    for term in parse_query(query):
        exact.update(term.tokens[:-1] if term.prefix else term.tokens)
        if term.prefix:
            prefixes.append(term.tokens[-1])

    def hit(word: str) -> bool:
        return any(t in exact or t.startswith(tuple(prefixes)) for t in fts_tokens(word))

    first = next((i for i, word in enumerate(words) if hit(word)), None)
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


_SQL = """
SELECT a.id, a.url, a.site, a.published_at, a.title, a.body,
       bm25(articles_fts, {title_weight}, {body_weight}) AS rank
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH :match {site_filter}
ORDER BY rank, julianday(a.published_at) DESC, a.id DESC
LIMIT :limit
"""


def search(
    conn: sqlite3.Connection, query: str, *, site: str | None = None, limit: int = 20
) -> list[SearchHit]:
    """Articles matching ``query``, best bm25 first, newer first among equals.

    ``conn`` is any connection to a khabar database (read-only is enough).
    """
    terms = parse_query(query)
    if not terms:
        return []
    sql = _SQL.format(
        title_weight=TITLE_WEIGHT,
        body_weight=BODY_WEIGHT,
        site_filter="AND a.site = :site" if site else "",
    )
    params: dict[str, Any] = {"match": " ".join(t.fts() for t in terms), "limit": limit}
    if site:
        params["site"] = site
    rows = conn.execute(sql, params).fetchall()
    return [
        SearchHit(
            id=row[0],
            url=row[1],
            site=row[2],
            published_at=row[3],
            title=row[4],
            snippet=snippet(row[5], query),
            rank=row[6],
        )
        for row in rows
    ]
