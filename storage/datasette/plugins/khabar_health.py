"""Datasette plugin: ``khabar_site_health(site)``, a site's quiet/suspicious verdict as JSON.

The dashboard's "site health" table calls it once per site, so Datasette shows the verdicts of
`khabar status` that the database alone decides (crawler.site_status), computed by the same
rules rather than re-stated in SQL. It reads through a cursor of its own without Datasette's
row factory: the rows it reads are its own business, not part of the query's result.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from datasette import hookimpl

from crawler.site_status import volume_and_coverage


class _PlainRows:
    """`.execute(sql, params)` on a fresh cursor that returns plain tuples."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: list | tuple = ()) -> sqlite3.Cursor:
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params)


@hookimpl
def prepare_connection(conn):
    rows = _PlainRows(conn)

    def site_health(site: str | None) -> str | None:
        if site is None:
            return None
        return json.dumps(
            volume_and_coverage(rows, str(site), datetime.now(UTC)), ensure_ascii=False
        )

    conn.create_function("khabar_site_health", 1, site_health)
