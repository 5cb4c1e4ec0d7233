"""Datasette plugin: Arabic-aware search and right-to-left rendering for the khabar database.

* ``prepare_connection`` registers SQL functions for canned queries: ``khabar_fts(text)`` (the
  matching form the index holds, crawler.arabic.fts_text), ``khabar_match(query[, exact])`` (a
  safe FTS5 MATCH expression for either form of the words, or with a non-empty ``exact`` other
  than ``0`` the matching form alone: storage.search.build_match), ``khabar_title_match(query,
  exact)`` (the same in the title) and ``khabar_snippet(body, query[, exact])`` (a window of the
  original text around the first hit).
* The same hook bounds what one request can cost. Datasette's ``sql_time_limit_ms`` interrupts
  SQLite between VM steps only: it covers neither building a huge value in one step
  (``randomblob(1000000000)``: 22 s and 1.8 GB before this), nor our Python functions, nor the
  memory of the rows fetched. So each connection gets SQLite's own limits (MAX_VALUE_BYTES for any
  string or blob, MAX_SQL_BYTES for a statement), our functions read at most MAX_FUNCTION_CHARS
  of each argument (a query is searched as at most storage.search.MAX_QUERY_WORDS words), and the
  rows one query returns are cut off with an error past MAX_RESULT_BYTES.
* The same hook replaces Datasette's own ``escape_fts(text)``, which its table search wraps
  around ``_search`` / ``_search_<column>``: the FTS index holds normalised text, so the query
  must be normalised the same way (storage.search.build_match) or الإسلام misses every row.
  Doing it in SQL, not by rewriting the query string, keeps ``_search`` what the user typed:
  in the heading, the search box, and the facet, sort and pagination links. build_match never
  returns invalid FTS5, so punctuation-only queries are an empty result, not a 400.
* ``filters_from_request`` adds the exact switch to that search: ``_exact=1`` beside ``_search``
  keeps the rows whose words match in their matching form alone (the rows ``khabar search
  --exact`` finds). A search of one column (``_search_title``, ``_search_body``) is sent to its
  stemmed twin (``asgi_wrapper``: our MATCH expression names its columns, and Datasette's
  ``title MATCH`` would keep none of them), which holds every stem of the column's words;
  ``_exact=1`` then keeps the rows with the words as typed in that column.
* ``asgi_wrapper`` answers 405 to every method but GET/HEAD/OPTIONS, so no endpoint that could
  write (Datasette's or a future plugin's) is reachable, whatever the open mode, 414 to a query
  string over MAX_QUERY_STRING_BYTES, and drops
  ``_searchmode`` so ``_searchmode=raw`` cannot hand FTS5 syntax to MATCH: the parameter Datasette
  would read, i.e. after percent-decoding (``%5Fsearchmode=raw`` is the same parameter).
* ``render_cell`` wraps Arabic text cells in ``<div dir="rtl" lang="ar">``; a small stylesheet
  (served by ``register_routes``) clamps long bodies in tables.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import Response, hookimpl
from datasette.filters import FilterArguments
from markupsafe import Markup, escape

from crawler.arabic import fts_text
from storage.search import build_match, has_stems, parse_query, snippet

STATIC = Path(__file__).resolve().parent.parent / "static"
CSS_PATH = "/-/khabar/khabar.css"
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")

# Per request, whatever the SQL. A stored value is never near these: the crawl refuses pages over
# 10 MB (DOWNLOAD_MAXSIZE), and an article body is a few KB.
MAX_VALUE_BYTES = 32 * 2**20  # any one string or blob (SQLITE_LIMIT_LENGTH)
MAX_RESULT_BYTES = 32 * 2**20  # the text and blobs of all rows one query returns
MAX_SQL_BYTES = 100_000  # one SQL statement (SQLITE_LIMIT_SQL_LENGTH)
MAX_FUNCTION_CHARS = 500_000  # read of each argument of our functions: at most ~0.5 s of khabar_fts


class ResultTooLarge(sqlite3.OperationalError):
    """Raised while fetching: Datasette shows it like any SQLite error (400, with the message)."""


def _bounded(fn: Callable[..., str]) -> Callable[..., str]:
    """``fn`` for SQLite: NULL as "", and each argument cut to MAX_FUNCTION_CHARS, because SQLite
    cannot interrupt a Python function and Datasette's time limit does not see it running."""
    return lambda *args: fn(*("" if a is None else str(a)[:MAX_FUNCTION_CHARS] for a in args))


def _budgeted(row_factory: Callable[[sqlite3.Cursor, tuple], Any]) -> Callable[..., Any]:
    """Datasette's row factory, counting the bytes of text and blobs each query has fetched: one
    connection runs one query at a time, and each query has its own cursor."""
    spent: dict[str, Any] = {"cursor": None, "bytes": 0}

    def make_row(cursor: sqlite3.Cursor, row: tuple) -> Any:
        if cursor is not spent["cursor"]:
            spent["cursor"], spent["bytes"] = cursor, 0
        spent["bytes"] += sum(len(v) for v in row if isinstance(v, str | bytes))
        if spent["bytes"] > MAX_RESULT_BYTES:
            raise ResultTooLarge(
                f"the result is larger than {MAX_RESULT_BYTES // 2**20} MB: "
                "ask for fewer rows or columns"
            )
        return row_factory(cursor, row)

    return make_row


def is_exact(value: str | None) -> bool:
    """Whether a parameter asks for exact matching: anything but empty, 0, false, off or no."""
    return (value or "").strip().lower() not in ("", "0", "false", "off", "no")


def _search_functions(stems: bool) -> dict[str, Callable[..., str]]:
    """khabar_match, khabar_title_match and khabar_snippet; without ``stems`` (a file whose index
    no writer has given stems yet: storage.search.has_stems) they search the matching form."""

    def match(query: str, exact: str = "") -> str:
        return build_match(query, exact=is_exact(exact) or not stems)

    def title_match(query: str, exact: str) -> str:
        return parse_query(query).title_match(exact=is_exact(exact) or not stems)

    def snip(body: str, query: str, exact: str = "") -> str:
        return snippet(body, query, exact=is_exact(exact) or not stems)

    return {"khabar_match": match, "khabar_title_match": title_match, "khabar_snippet": snip}


@hookimpl(trylast=True)  # after Datasette's own sql_functions plugin, so our escape_fts wins
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.row_factory = _budgeted(conn.row_factory or (lambda cursor, row: row))
    conn.create_function("khabar_fts", 1, _bounded(fts_text), deterministic=True)
    functions = _search_functions(has_stems(conn))
    arities = {"khabar_match": (1, 2), "khabar_title_match": (2,), "khabar_snippet": (2, 3)}
    for name, fn in functions.items():
        for arity in arities[name]:
            conn.create_function(name, arity, _bounded(fn), deterministic=True)
    conn.create_function("escape_fts", 1, _bounded(functions["khabar_match"]), deterministic=True)


# The columns a one-column search (``_search_<column>``) is sent to: their stemmed twins.
STEM_TWINS = {"title": "title_stem", "body": "body_stem"}


@hookimpl
def filters_from_request(request, database, table, datasette):
    """``_exact=1`` beside ``_search`` (or a one-column search): the rows Datasette's own search
    finds (either form of the words, through our escape_fts) that also match in the matching
    form alone (in that column)."""
    if not is_exact(request.args.get("_exact")):
        return None
    metadata = datasette.table_metadata(database, table)
    if metadata.get("fts_table") != "articles_fts":
        return None
    searches = {"": request.args.get("_search")} | {
        column: request.args.get(f"_search_{twin}") for column, twin in STEM_TWINS.items()
    }
    pk = metadata.get("fts_pk", "rowid")
    clauses, params = [], {}
    for n, (column, text) in enumerate(searches.items()):
        if text is None:
            continue
        expression = f"khabar_match(:khabar_exact_{n}, '1')"
        if column:
            expression = f"'{{{column}}} : (' || {expression} || ')'"
        clauses.append(
            f"[{pk}] in (select rowid from articles_fts where articles_fts match {expression})"
        )
        params[f"khabar_exact_{n}"] = text
    return FilterArguments(clauses, params, ["in the words' exact form"]) if clauses else None


def to_stem_twins(query_string: bytes) -> bytes:
    """The query string with ``_search_title``/``_search_body`` renamed to their stemmed twins
    (STEM_TWINS), names compared percent-decoded as Datasette reads them."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    twins = {f"_search_{column}": f"_search_{twin}" for column, twin in STEM_TWINS.items()}
    if not any(key in twins for key, _ in pairs):
        return query_string
    renamed = [(twins.get(key, key), value) for key, value in pairs]
    return urlencode(renamed, encoding="latin-1").encode("latin-1")


def without_search_mode(query_string: bytes) -> bytes:
    """The query string without ``_searchmode`` (raw mode would pass FTS5 syntax to MATCH).

    Names are compared percent-decoded, as Datasette's ``request.args`` reads them; values and
    the other parameters keep their bytes (latin-1 both ways)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    kept = [(key, value) for key, value in pairs if key != "_searchmode"]
    if len(kept) == len(pairs):
        return query_string
    return urlencode(kept, encoding="latin-1").encode("latin-1")


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Datasette reads the query string again for each part of a page (~90 times for a table), so its
# length is work per request; a search is at most MAX_QUERY_WORDS words, and SQL a few KB.
MAX_QUERY_STRING_BYTES = 64 * 1024


async def _refuse(send, status: int, text: str, headers: tuple[tuple[bytes, bytes], ...] = ()):
    body = f"khabar serve: {text}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope.get("type") == "http":
                if scope.get("method", "GET") not in READ_METHODS:  # it is read-only end to end
                    await _refuse(send, 405, "read-only", ((b"allow", b"GET, HEAD, OPTIONS"),))
                    return
                query_string = scope.get("query_string", b"")
                if len(query_string) > MAX_QUERY_STRING_BYTES:
                    await _refuse(
                        send, 414, f"the URL's query is over {MAX_QUERY_STRING_BYTES // 1024} KB"
                    )
                    return
                kept = to_stem_twins(without_search_mode(query_string))
                if kept != query_string:
                    scope = dict(scope, query_string=kept)
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def render_cell(value, column):
    if not isinstance(value, str) or not _ARABIC.search(value) or value.startswith("http"):
        return None
    return Markup('<div class="khabar-ar khabar-col-{}" dir="rtl" lang="ar">{}</div>').format(
        re.sub(r"[^a-z0-9_]", "", column.lower()), escape(value)
    )


async def _css(request):
    return Response(
        (STATIC / "khabar.css").read_text(encoding="utf-8"),
        content_type="text/css; charset=utf-8",
        headers={"cache-control": "max-age=300"},
    )


@hookimpl
def register_routes():
    return [(r"^/-/khabar/khabar\.css$", _css)]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(CSS_PATH)]
