"""Why the database takes no writes, in the words a run fails with: 'disk full', 'read-only
database', or 'store error: <type>: <message>'.

SQLite says it in a result code when the file is open (SQLITE_FULL, SQLITE_READONLY), but on a
file system that is read-only or full it often cannot even open the file ("unable to open
database file", "disk I/O error": it cannot create the -wal/-shm files). The file system itself
is asked then (statvfs), so a read-only mount and a full disk get their own one line too.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from crawler.health import DISK_FULL, READ_ONLY, STORE_ERROR
from storage.paths import DatabasePathError

# SQLite result codes (primary code = the low byte of the extended code) that no retry fixes.
_STORAGE_CODES = {13: DISK_FULL, 8: READ_ONLY}  # SQLITE_FULL, SQLITE_READONLY
_OPEN_CODES = frozenset({10, 14})  # SQLITE_IOERR, SQLITE_CANTOPEN: ask the file system why
_STORAGE_ERRNOS = {errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL, errno.EROFS: READ_ONLY}


def filesystem_problem(path: Path | str) -> str | None:
    """'read-only database' when `path`'s file system is mounted read-only, 'disk full' when it
    has no free block left, else None."""
    folder = Path(path).parent
    try:
        fs = os.statvfs(folder if folder.exists() else Path.cwd())
    except OSError:
        return None
    if fs.f_flag & os.ST_RDONLY:
        return READ_ONLY
    if fs.f_bavail == 0:
        return DISK_FULL
    return None


def storage_failure(exc: BaseException, path: Path | str | None = None) -> str | None:
    """'disk full' / 'read-only database' when `exc` means the database cannot take writes
    (a crawl that meets one has failed, however many pages it fetched), else None. With the
    database's `path`, an error opening the file is put down to its file system when that is
    read-only or full."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            if reason := _STORAGE_CODES.get(code & 0xFF):
                return reason
            if code & 0xFF in _OPEN_CODES and path is not None:
                return filesystem_problem(path)
            return None
        message = str(exc).lower()
        if "disk is full" in message:
            return DISK_FULL
        if "readonly database" in message:
            return READ_ONLY
        return None
    if isinstance(exc, OSError):
        return _STORAGE_ERRNOS.get(exc.errno or 0)
    return None


def store_error(exc: BaseException, path: Path | str | None = None) -> str:
    """The one line a run fails with when the store raised `exc`: 'disk full' / 'read-only
    database', else 'store error: <type>: <message>' (a first line only: it ends a log line)."""
    message = next(iter(str(exc).splitlines()), "")
    return storage_failure(exc, path) or f"{STORE_ERROR}: {type(exc).__name__}: {message}".rstrip(
        ": "
    )


class DatabaseUnwritable(DatabasePathError):
    """The database cannot be opened for writing; str() is the user's one line, `reason` the
    run's ('read-only database', 'disk full', 'store error: …')."""

    def __init__(self, path: Path | str, exc: BaseException) -> None:
        self.reason = store_error(exc, path)
        detail = next(iter(str(exc).splitlines()), "") or type(exc).__name__
        if self.reason.startswith(STORE_ERROR):
            super().__init__(f"database {path}: cannot be opened for writing: {detail}")
        else:
            super().__init__(f"database {path}: {self.reason} ({detail})")
