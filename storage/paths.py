"""Where the SQLite file is: `-s KHABAR_DB=...`, else the KHABAR_DB environment variable, else
the `database` of the config file in use (`-s KHABAR_CONFIG`, KHABAR_CONFIG, ./config.yaml)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def database_path(settings: BaseSettings | None = None) -> Path:
    """The database file for this run. Readers must not create it; the writer does."""
    override = settings.get("KHABAR_DB") if settings is not None else None
    override = override or os.environ.get("KHABAR_DB")
    if override:
        return Path(override)
    from crawler.config import load_config  # heavy (the extraction stack): only when needed

    config = settings.get("KHABAR_CONFIG") if settings is not None else None
    return load_config(config or None).database


SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabasePathError(ValueError):
    """The database path cannot hold khabar's database; str() is the user's one line."""


def check_database_target(path: Path) -> None:
    """Refuse, before a crawl starts, a database path that is a directory, an existing file
    that is not SQLite (SQLite would fail only when the first row is written, mid-crawl), or
    an SQLite file that is not khabar's or was written by a newer khabar (storage.schema)."""
    if path.is_dir():
        raise DatabasePathError(f"database {path} is a directory, not a file")
    if path.is_file() and path.stat().st_size > 0:
        try:
            with path.open("rb") as file:
                header = file.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise DatabasePathError(f"database {path}: {exc.strerror or exc}") from None
        if header != SQLITE_MAGIC:
            raise DatabasePathError(f"database {path} is not an SQLite file")
        if problem := _identity_problem(path):
            raise DatabasePathError(problem)


def _identity_problem(path: Path) -> str | None:
    """storage.schema.problem of the file, read through a read-only connection (None when it
    cannot be read here: the writer's own open says why, with the same check)."""
    import sqlite3

    from storage import schema  # sqlite-utils: only for the commands that open the file

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        return schema.problem(conn, path)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
