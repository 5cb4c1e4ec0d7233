"""`khabar serve [--port N] [--host H] [--snapshot]`: browse the database in Datasette, read-only.

The database is opened read-only (SQLite ``mode=ro``: it follows the WAL, so articles appear as
running crawls store them), never ``immutable=1`` on a file something may write, which SQLite
answers with "database disk image is malformed" once it changes. ``--snapshot`` (immutable) is for
files nothing writes, e.g. a copy; a database in a directory we cannot write is served the way
storage.readonly opens it. With the committed metadata (titles, facets, canned queries) and our
plugin (Arabic-aware ``_search``, SQL functions for the canned search, right-to-left cells) from
storage/datasette/. Datasette 0.65 has no write API, and we define no writable canned query.
"""

from __future__ import annotations

import copy
import logging
import socket
from functools import cache
from pathlib import Path
from typing import Any

import click
import yaml

from crawler.commands import UserError, db_option, resolve_db
from storage.readonly import connect_readonly, readonly_query

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
\b
examples:
  khabar serve                      # http://127.0.0.1:8001/
  khabar serve --port 8080 --host 0.0.0.0
  khabar serve --snapshot           # a copy nothing writes: immutable, no locking
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
    return metadata


def make_datasette(db_path: Path, *, snapshot: bool = False):  # -> datasette.app.Datasette
    """The Datasette instance `khabar serve` runs (also used by the tests' client).

    Read-only (``mode=ro``) by default, following the WAL written by running crawls; ``snapshot``
    opens the file ``immutable=1``, only for files nothing writes.
    """
    from datasette.app import Datasette

    resolved = Path(db_path).resolve()
    path = str(resolved)
    immutable = snapshot or readonly_query(resolved) == "immutable=1"
    return Datasette(
        files=[] if immutable else [path],
        immutables=[path] if immutable else [],
        metadata=load_metadata(Path(path).stem),
        plugins_dir=str(PLUGINS_DIR),
        settings=SETTINGS,
        cors=False,
    )


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, so a busy port or a bad host is refused before we announce
    anything (uvicorn would log "serving" and then fail to bind)."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], info[1], info[2])
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


@click.command(
    "serve",
    short_help="browse and search the database in Datasette (read-only)",
    epilog=EPILOG,
)
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to bind")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="TCP port"
)
@db_option
@click.option(
    "--snapshot",
    is_flag=True,
    help="open immutable (no locking, no WAL): only for a file nothing writes, e.g. a copy",
)
def command(host: str, port: int, db: Path | None, snapshot: bool) -> int:
    """Open the database in Datasette, read-only, with khabar's metadata: Arabic and English
    titles, facets (site, section, author, day), canned queries (Arabic search, latest per site,
    today's articles, duplicate groups) and an Arabic-aware search box on the articles table.
    New articles appear as running crawls store them."""
    import uvicorn

    path = resolve_db(db)
    connect_readonly(path).close()  # refuses a missing, unreadable or non-khabar file
    ds = make_datasette(path, snapshot=snapshot)
    sock = listen(host, port)
    mode = "snapshot" if snapshot else "read-only"
    print(f"khabar: serving {path} ({mode}) at http://{host}:{port}/", flush=True)
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
    return 0
