"""Attention over time in Datasette: the matches of a search per day per site, charted.

The ``attention`` canned query lists the matches of q (the same MATCH as the Arabic search, the
saved-search feed and ``khabar search --per-day``); ``matches_per_day`` counts them per published
day and site. static/attention.js draws those counts above the list with Vega-Lite and makes the
links between the search pages keep the query (``khabar-carry-query`` links in metadata.yaml);
a search of the articles table (``?_search=``) gets a link to the chart of the same words.
Its scripts are datasette-dashboards' own copies of Vega, served by Datasette: a monitor
offline or behind a firewall still sees the chart, and no page asks a CDN for code.

Canned queries, not a dashboard: they answer without permission to run one's own SQL, which
`khabar serve --host` withholds from other machines, and their list is Datasette's table
(escaped, right-to-left cells, CSV and JSON), where the dashboard's table inserts cells as HTML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette import Response, hookimpl

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "attention.js"
SCRIPT_PATH = "/-/khabar/attention.js"
VEGA = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
CHARTED = "attention"  # the canned query whose page draws the chart
LINKED = frozenset({"search", CHARTED, "matches_per_day"})  # pages whose links keep the query
SEARCHED_TABLE = "articles"  # its ?_search= gets a link to the chart of the same words


def _page(template: str, table: str | None, request: Any) -> str | None:
    """The canned query or table a page shows (None for any other page)."""
    if request is None:
        return None
    if template.startswith("query"):  # a canned query is routed as a table: its name is there
        return request.url_vars.get("table")
    return table if template.startswith("table") else None


@hookimpl
def extra_js_urls(template, database, table, columns, view_name, request, datasette):
    name = _page(template, table, request)
    if name not in LINKED | {SEARCHED_TABLE}:
        return []
    vega = [datasette.urls.static_plugins("datasette_dashboards", f) for f in VEGA]
    # a module runs once the page is parsed (these URLs go in <head>), after the Vega scripts
    script = {"url": datasette.urls.path(SCRIPT_PATH), "module": True}
    return [*(vega if name == CHARTED else []), script]


async def _script(request):
    return Response(
        SCRIPT.read_text(encoding="utf-8"),
        content_type="text/javascript; charset=utf-8",
        headers={"cache-control": "max-age=300"},
    )


@hookimpl
def register_routes():
    return [(r"^/-/khabar/attention\.js$", _script)]
