"""`khabar serve [--port N] [--host H] [--live]`: browse the database in Datasette, read-only.

The database is opened immutable (Datasette's ``-i``: SQLite ``immutable=1``, no locks, no
writes possible), with the committed metadata (titles, facets, canned queries) and our plugin
(Arabic-aware ``_search``, SQL functions for the canned search, right-to-left cells) from
storage/datasette/. Datasette 0.65 has no write API, and we define no writable canned query.
"""

from __future__ import annotations

import argparse
import copy
import logging
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from storage.paths import database_path

logger = logging.getLogger(__name__)

DATASETTE_DIR = Path(__file__).resolve().parents[2] / "storage" / "datasette"
METADATA_FILE = DATASETTE_DIR / "metadata.yaml"
PLUGINS_DIR = DATASETTE_DIR / "plugins"
METADATA_DB_KEY = "khabar"  # the database key used in metadata.yaml
SETTINGS = {
    "default_page_size": 50,
    "truncate_cells_html": 0,  # long Arabic cells are clamped by CSS, not cut mid-word
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
}

EPILOG = """\
examples:
  khabar serve                      # http://127.0.0.1:8001/
  khabar serve --port 8080 --host 0.0.0.0
  khabar serve --live               # see rows written by crawls that are running now
"""


@cache
def _metadata_template() -> dict[str, Any]:
    return yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))


def load_metadata(db_name: str = METADATA_DB_KEY) -> dict[str, Any]:
    """The committed metadata, with its database entry keyed by the served file's name.

    Datasette names a database after its file's stem, so a database not called khabar.sqlite
    would otherwise lose its titles, facets and canned queries.
    """
    metadata = copy.deepcopy(_metadata_template())
    databases = metadata.get("databases", {})
    if db_name != METADATA_DB_KEY and METADATA_DB_KEY in databases:
        databases[db_name] = databases.pop(METADATA_DB_KEY)
    for dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).values():
        for part in (*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()):
            if part.get("db") == METADATA_DB_KEY:  # charts name the database too
                part["db"] = db_name
    return metadata


def make_datasette(db_path: Path, *, live: bool = False):  # -> datasette.app.Datasette
    """The Datasette instance `khabar serve` runs (also used by the tests' client).

    Immutable by default; ``live`` opens the file in SQLite read-only mode (``mode=ro``) instead,
    which sees the WAL written by running crawls.
    """
    from datasette.app import Datasette

    path = str(Path(db_path).resolve())
    return Datasette(
        files=[path] if live else [],
        immutables=[] if live else [path],
        metadata=load_metadata(Path(path).stem),
        plugins_dir=str(PLUGINS_DIR),
        settings=SETTINGS,
        cors=False,
    )


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="browse and search the database in Datasette (read-only)",
        description="Open the database in Datasette, read-only, with khabar's metadata: Arabic "
        "and English titles, facets (site, section, author, day), canned queries (Arabic "
        "search, latest per site, today's articles, duplicate groups) and an Arabic-aware "
        "search box on the articles table.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on (8001)")
    parser.add_argument(
        "--db", type=Path, help="database file (default: KHABAR_DB or config.yaml's database)"
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="open read-only (mode=ro) instead of immutable, to see crawls that are running",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    path = args.db or database_path()
    if not path.exists():
        print(f"khabar: no database at {path} (crawl a site first)", file=sys.stderr)
        return 2
    wal = path.with_name(path.name + "-wal")
    if not args.live and wal.exists() and wal.stat().st_size > 0:
        print(
            f"khabar: {wal.name} is not empty: a crawl may be writing; the immutable view "
            "shows the last checkpoint (use --live to follow running crawls)",
            file=sys.stderr,
        )
    ds = make_datasette(path, live=args.live)
    url = f"http://{args.host}:{args.port}/"
    mode = "read-only" if args.live else "immutable"
    print(f"khabar: serving {path} ({mode}) at {url}", flush=True)
    uvicorn.run(ds.app(), host=args.host, port=args.port, log_level="warning", lifespan="on")
    return 0
