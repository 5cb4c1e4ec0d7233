"""Fault hook for crawl subprocesses: every SQLite connection of the process runs the PRAGMA in
KHABAR_TEST_SQLITE_PRAGMA right after it opens.

Put this folder first on PYTHONPATH of a `scrapy crawl` to make SQLite itself refuse writes
the way a full disk (`max_page_count=N`: SQLITE_FULL, "database or disk is full") or a
read-only file (`query_only=1`: SQLITE_READONLY) does, through khabar's unchanged code paths,
without root or a real full file system. Never imported by khabar itself.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

_PRAGMA = os.environ.get("KHABAR_TEST_SQLITE_PRAGMA", "")

if _PRAGMA:
    _connect = sqlite3.connect

    def _connect_with_pragma(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = _connect(*args, **kwargs)
        conn.execute(f"PRAGMA {_PRAGMA}")
        return conn

    sqlite3.connect = _connect_with_pragma
