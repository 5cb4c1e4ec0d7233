"""`khabar serve [--port N] [--host H] [--snapshot] [--allow-sql]`: the database in Datasette.

The database is opened read-only (SQLite ``mode=ro``: it follows the WAL, so articles appear as
running crawls store them), never ``immutable=1`` on a file something may write, which SQLite
answers with "database disk image is malformed" once it changes. ``--snapshot`` (immutable) is
for files nothing writes, e.g. a copy, and is what a database in a directory we cannot write
gets (SQLite cannot open it mode=ro there; see storage.readonly). Served with the committed
metadata (titles, facets, canned queries) and our plugin (Arabic-aware ``_search``, SQL
functions for the canned search, right-to-left cells) from storage/datasette/. Datasette 0.65
has no write API, and we define no writable canned query.

Every request is bounded in time and memory (SETTINGS, and the plugin's per-connection limits),
but a server reachable from other machines is more than a local convenience: there, running one's
own SQL is off unless --allow-sql asks for it, and the start-up says who can reach what.
"""

from __future__ import annotations

import copy
import ipaddress
import socket
from functools import cache
from pathlib import Path
from typing import Any

import click
import yaml

from crawler.commands import UserError, db_option, resolve_db
from storage.readonly import connect_readonly, readonly_query

DATASETTE_DIR = Path(__file__).resolve().parents[2] / "storage" / "datasette"
METADATA_FILE = DATASETTE_DIR / "metadata.yaml"
PLUGINS_DIR = DATASETTE_DIR / "plugins"
METADATA_DB_KEY = "khabar"  # the database key used in metadata.yaml
SETTINGS = {
    "default_page_size": 50,
    "truncate_cells_html": 0,  # long Arabic cells are clamped by CSS, not cut mid-word
    # What one request may cost: SQLite time (between VM steps), rows, a CSV export, and the
    # threads all requests share (so at most this many slow queries at once; the rest wait).
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    "max_csv_mb": 100,
    "num_sql_threads": 3,
}

EPILOG = """\
\b
examples:
  khabar serve                      # http://127.0.0.1:8001/
  khabar serve --snapshot           # a copy nothing writes: immutable, no locking
  khabar serve --host 0.0.0.0       # other machines too: anyone who reaches the port reads all
  khabar serve --host 0.0.0.0 --allow-sql   # ... and may run their own SQL (read-only)
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


def _answer_errors_quietly() -> None:
    """Datasette prints every error it answers (a refused ATTACH, a 404) to the server's
    terminal through rich, with the request's local variables (the visitor's SQL among them),
    and outside an except block rich itself raises, so a path like /../../etc/passwd got a 500
    instead of its 404. Without rich the visitor gets the same error page and the terminal
    only real server errors."""
    import datasette.handle_exception as handler

    handler.rich = None


def make_datasette(db_path: Path, *, snapshot: bool = False, allow_sql: bool = True):
    """The Datasette instance `khabar serve` runs (also used by the tests' client).

    Read-only (``mode=ro``) by default, following the WAL written by running crawls; ``snapshot``
    opens the file ``immutable=1``, only for files nothing writes. Without ``allow_sql`` only the
    tables, rows, facets, searches and canned queries answer: no SQL of the visitor's own.
    """
    from datasette.app import Datasette

    _answer_errors_quietly()
    path = str(Path(db_path).resolve())
    return Datasette(
        files=[] if snapshot else [path],
        immutables=[path] if snapshot else [],
        metadata=load_metadata(Path(path).stem),
        plugins_dir=str(PLUGINS_DIR),
        settings={**SETTINGS, "default_allow_sql": allow_sql},
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


def url_of(sock: socket.socket) -> str:
    """The address a browser would open for the bound socket (IPv6 in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def is_loopback(sock: socket.socket) -> bool:
    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


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
@click.option(
    "--allow-sql",
    is_flag=True,
    help="let visitors run their own SQL (read-only) when --host is reachable from other "
    "machines; on a loopback address it is always allowed",
)
def command(host: str, port: int, db: Path | None, snapshot: bool, allow_sql: bool) -> int:
    """Open the database in Datasette, read-only, with khabar's metadata: Arabic and English
    titles, facets (site, section, author, day), canned queries (Arabic search, latest per site,
    today's articles, duplicate groups) and an Arabic-aware search box on the articles table.
    New articles appear as running crawls store them. Served on a loopback address (the
    default) anyone on this machine may also run their own SQL; on any other address that needs
    --allow-sql. Every request is bounded in time and memory."""
    import uvicorn

    path = resolve_db(db)
    connect_readonly(path).close()  # refuses a missing, unreadable or non-khabar file
    if snapshot:
        mode = "snapshot"
    elif readonly_query(path.resolve()) == "immutable=1":
        snapshot, mode = True, "snapshot: its directory is not writable, so nothing writes it"
    else:
        mode = "read-only"
    sock = listen(host, port)
    local = is_loopback(sock)
    ds = make_datasette(path, snapshot=snapshot, allow_sql=local or allow_sql)
    print(f"khabar: serving {path} ({mode}) at {url_of(sock)}", flush=True)
    if not local:
        reach = (
            f"khabar: warning: {host} is reachable from other machines: anyone who can reach "
            f"port {port} can read the whole database"
        )
        click.echo(
            f"{reach} and run SQL on it (--allow-sql)"
            if allow_sql
            else f"{reach}; their own SQL is off (--allow-sql turns it on)",
            err=True,
        )
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
    return 0
