"""Where the SQLite file is: `-s KHABAR_DB=...` / KHABAR_DB env, else config.yaml's `database`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crawler.config import load_config

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def database_path(settings: BaseSettings | None = None) -> Path:
    """The database file for this run; its parent folder is created if missing."""
    override = settings.get("KHABAR_DB") if settings is not None else None
    if not override:
        import os

        override = os.environ.get("KHABAR_DB")
    path = Path(override) if override else load_config().database
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
