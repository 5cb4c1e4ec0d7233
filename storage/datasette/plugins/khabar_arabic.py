"""Datasette plugin: Arabic-aware search and right-to-left rendering for the khabar database.

* ``prepare_connection`` registers SQL functions for canned queries: ``khabar_fts(text)`` (the
  matching form the index holds, crawler.arabic.fts_text), ``khabar_match(query)`` (a safe FTS5
  MATCH expression, storage.search.build_match) and ``khabar_snippet(body, query)`` (a window of
  the original text around the first hit).
* The same hook replaces Datasette's own ``escape_fts(text)``, which its table search wraps
  around ``_search`` / ``_search_<column>``: the FTS index holds normalised text, so the query
  must be normalised the same way (storage.search.build_match) or الإسلام misses every row.
  Doing it in SQL, not by rewriting the query string, keeps ``_search`` what the user typed:
  in the heading, the search box, and the facet, sort and pagination links. build_match never
  returns invalid FTS5, so punctuation-only queries are an empty result, not a 400.
* ``asgi_wrapper`` answers 405 to every method but GET/HEAD/OPTIONS, so no endpoint that could
  write (Datasette's or a future plugin's) is reachable, whatever the open mode, and drops
  ``_searchmode`` so ``_searchmode=raw`` cannot hand FTS5 syntax to MATCH.
* ``render_cell`` wraps Arabic text cells in ``<div dir="rtl" lang="ar">``; a small stylesheet
  (served by ``register_routes``) clamps long bodies in tables.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import Response, hookimpl
from markupsafe import Markup, escape

from crawler.arabic import fts_text
from storage.search import build_match, snippet

STATIC = Path(__file__).resolve().parent.parent / "static"
CSS_PATH = "/-/khabar/khabar.css"
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def _or_empty(fn):
    return lambda *args: fn(*("" if a is None else str(a) for a in args))


@hookimpl(trylast=True)  # after Datasette's own sql_functions plugin, so our escape_fts wins
def prepare_connection(conn):
    conn.create_function("khabar_fts", 1, _or_empty(fts_text), deterministic=True)
    conn.create_function("khabar_match", 1, _or_empty(build_match), deterministic=True)
    conn.create_function("khabar_snippet", 2, _or_empty(snippet), deterministic=True)
    conn.create_function("escape_fts", 1, _or_empty(build_match), deterministic=True)


def without_search_mode(query_string: bytes) -> bytes:
    """The query string without ``_searchmode`` (raw mode would pass FTS5 syntax to MATCH)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    kept = [(key, value) for key, value in pairs if key != "_searchmode"]
    if len(kept) == len(pairs):
        return query_string
    return urlencode(kept, encoding="latin-1").encode("latin-1")


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _refuse(send) -> None:
    """405 for any method that could change state: the server is read-only end to end."""
    body = b"khabar serve is read-only\n"
    await send(
        {
            "type": "http.response.start",
            "status": 405,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"allow", b"GET, HEAD, OPTIONS"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope.get("type") == "http":
                if scope.get("method", "GET") not in READ_METHODS:
                    await _refuse(send)
                    return
                if b"_searchmode" in scope.get("query_string", b""):
                    scope = dict(scope, query_string=without_search_mode(scope["query_string"]))
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
