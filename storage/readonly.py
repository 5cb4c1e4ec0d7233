"""The one way a reading command opens the khabar database: read-only, never creating it.

Only crawls, the writer (storage.store.ArticleStore) and migrations create or alter the file.
`khabar search`, `status`, `serve`, `schedule --list` and `reextract`'s reading go through here,
so a typo in KHABAR_DB or --db is "no khabar database at PATH", not a fresh empty database, and an
unrelated SQLite file, or one written by a newer khabar, is refused (storage.schema.problem).

SQLite opens a WAL database ``mode=ro`` only when it can use (or create) the ``-wal``/``-shm``
files beside it. In a directory we cannot write, with no ``-wal`` present, nothing can be
writing the file through WAL right now, so it is opened ``immutable=1`` there instead; everywhere
else ``mode=ro`` (never immutable on a file a crawl may write: "database disk image is
malformed").
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage import schema

# Tables every khabar database has from its first migration on.
KHABAR_TABLES = frozenset({"articles", "crawls"})
BUSY_TIMEOUT_S = 10.0


class NoDatabaseError(Exception):
    """The path is not a readable khabar database; str() is the user's one line."""


def _uri(path: Path, query: str) -> str:
    return path.as_uri() + "?" + query


def readonly_query(path: Path) -> str:
    """The URI query a reader of ``path`` uses: ``mode=ro``, or ``immutable=1`` where SQLite
    cannot open it read-only (WAL database, unwritable directory, no -wal: nothing writes it)."""
    directory = path.parent
    wal = path.with_name(path.name + "-wal")
    if not os.access(directory, os.W_OK) and not wal.exists():
        return "immutable=1"
    return "mode=ro"


def check_readable(path: str | Path) -> Path:
    """``path`` resolved, or NoDatabaseError when it is missing, a directory or unreadable."""
    resolved = Path(path).expanduser().resolve()
    if not resolved.exists():
        raise NoDatabaseError(f"no khabar database at {path} (crawl a site first)")
    if not resolved.is_file():
        raise NoDatabaseError(f"no khabar database at {path} (not a file)")
    if not os.access(resolved, os.R_OK):
        raise NoDatabaseError(f"no khabar database at {path} (not readable)")
    return resolved


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only sqlite3 connection to a khabar database (checked: SQLite, with our tables)."""
    resolved = check_readable(path)
    conn = sqlite3.connect(
        _uri(resolved, readonly_query(resolved)), uri=True, timeout=BUSY_TIMEOUT_S
    )
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        problem = schema.problem(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NoDatabaseError(f"no khabar database at {path} ({exc})") from None
    if problem:
        conn.close()
        raise NoDatabaseError(problem)
    if not tables >= KHABAR_TABLES:
        conn.close()
        raise NoDatabaseError(f"no khabar database at {path} (an SQLite file, but not khabar's)")
    return conn


def open_readonly(path: str | Path) -> Database:
    """connect_readonly wrapped in sqlite_utils, for code that queries through Database."""
    return Database(connect_readonly(path))
