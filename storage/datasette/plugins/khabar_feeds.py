"""A saved search with no match yet is an empty Atom feed, not an error.

datasette-atom 0.9 (the latest release) computes the feed's <updated> as max() over the rows,
so a query with no rows answers 500: a media monitor who subscribes to a search before its
first match would see a broken feed. Its renderer is looked up by name when Datasette asks for
output renderers (after this plugins directory is loaded), so wrapping it here is enough: rows
go to datasette-atom unchanged; no rows give a valid feed with no entries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import datasette_atom
from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

_render_atom = datasette_atom.render_atom


def render_atom(
    datasette: Any,
    request: Any,
    sql: str,
    columns: list[str],
    rows: list[Any],
    database: str,
    table: str | None,
    query_name: str | None,
    view_name: str,
    data: dict[str, Any],
) -> Response:
    if rows or not datasette_atom.REQUIRED_COLUMNS.issubset(columns):
        return _render_atom(
            datasette, request, sql, columns, rows, database, table, query_name, view_name, data
        )
    queries = (datasette.metadata(database=database) or {}).get("queries", {})
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title((queries.get(query_name) or {}).get("title") or sql)
    feed.updated(datetime.now(UTC))
    return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8")


datasette_atom.render_atom = render_atom
