"""`khabar writer [--db PATH] [--idle-exit SECONDS]`: store what distributed crawl workers found.

Workers (`scrapy crawl <site>` with KHABAR_REDIS_URL set) fetch and extract; this is the one
process that writes the SQLite file. See crawler.distributed.writer for the guarantees.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
from pathlib import Path
from types import FrameType

import click
import redis
from scrapy.settings import Settings

from crawler.commands import UserError, db_option, resolve_db
from crawler.distributed import keys
from crawler.distributed.writer import Writer, WriterStopped
from crawler.distributed.writerlock import LEASE, WriterBusy, WriterLock
from storage.faults import DatabaseUnwritable, store_error
from storage.paths import check_database_target
from storage.store import ArticleStore

logger = logging.getLogger(__name__)

EPILOG = f"""\
\b
examples:
  KHABAR_REDIS_URL=redis://10.0.0.5:6379/0 khabar writer
                                  run as a daemon next to the database
  khabar writer --db /data/khabar.sqlite --idle-exit 60
                                  drain the queue, stop after 60 s without items
\b
Workers: KHABAR_REDIS_URL=redis://10.0.0.5:6379/0 scrapy crawl alwatan (any number, any
machine). SIGTERM or Ctrl-C stops the writer after the batch in hand. One writer per queue: a
second one exits 1 (a killed writer's successor takes over within {LEASE:g} s). Items that
cannot be stored are parked in the Redis list {keys.DEAD} with their reason (khabar
status counts them). Exit 1 also when the database takes no writes: the batch in hand stays
queued for the next writer.
"""


class WriterBusyError(UserError):
    """Another writer holds the queue: exit 1, as a second scheduler does, so a supervisor's
    restart takes over once the first one stops."""

    exit_code = 1


@click.command("writer", short_help="store what distributed crawl workers found", epilog=EPILOG)
@db_option
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="stop once the queue has stayed empty this long (default: run until stopped)",
)
def command(db: Path | None, idle_exit: float | None) -> int:
    """Drain the distributed workers' queue (Redis at KHABAR_REDIS_URL) into SQLite.

    Each batch is deduplicated (exact and near duplicates), stored in one transaction and
    only then acknowledged, so a killed writer loses nothing and a restarted one stores
    nothing twice.
    """
    url = keys.redis_url()
    if not url:
        raise UserError("writer needs KHABAR_REDIS_URL (e.g. redis://localhost:6379/0)")
    try:
        server = keys.connect(url)
    except (redis.RedisError, ValueError) as exc:
        raise UserError(f"cannot reach Redis at {url}: {exc}") from None
    path = resolve_db(db)
    check_database_target(path)  # the writer creates the file, but not in a directory's place
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    lock = WriterLock(server, str(path))
    try:
        lock.acquire()  # before the file is created or the queue touched
    except WriterBusy as exc:
        raise WriterBusyError(str(exc)) from None
    lock.start_heartbeat(on_lost=stop.set)
    try:
        store = ArticleStore(path)
        try:
            settings = Settings()
            settings.setmodule("crawler.settings")
            writer = Writer(
                server,
                store,
                lock,
                batch_size=settings.getint("KHABAR_WRITE_BATCH"),
                window_days=settings.getfloat("KHABAR_NEARDUP_WINDOW_DAYS"),
                keep_raw=settings.getbool("KHABAR_KEEP_RAW"),
            )
            writer.open()
            click.echo(f"khabar writer: {url} → {path}", err=True)
            totals = writer.run(idle_exit, stop)
        finally:
            store.close()
    except WriterStopped as exc:
        click.echo(f"khabar writer: {exc} ({writer.totals.line()} → {path})", err=True)
        return 1
    except redis.RedisError as exc:
        click.echo(f"khabar writer: failed: Redis at {url}: {exc}", err=True)
        return 1
    except DatabaseUnwritable as exc:  # opening the file: read-only, disk full
        click.echo(f"khabar writer: failed: {exc.reason} ({path})", err=True)
        return 1
    except (sqlite3.Error, OSError) as exc:  # a write: read-only, disk full
        click.echo(f"khabar writer: failed: {store_error(exc)} ({path})", err=True)
        return 1
    finally:
        lock.release()
    click.echo(f"khabar writer: {totals.line()} → {path}", err=True)
    return 0
