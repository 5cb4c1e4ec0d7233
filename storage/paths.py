"""Where the SQLite file is: `-s KHABAR_DB=...`, else the KHABAR_DB environment variable, else
the `database` of the config file in use (`-s KHABAR_CONFIG`, KHABAR_CONFIG, ./config.yaml)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.config import load_config

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def database_path(settings: BaseSettings | None = None) -> Path:
    """The database file for this run. Readers must not create it; the writer does."""
    override = settings.get("KHABAR_DB") if settings is not None else None
    override = override or os.environ.get("KHABAR_DB")
    if override:
        return Path(override)
    config = settings.get("KHABAR_CONFIG") if settings is not None else None
    return load_config(config or None).database
