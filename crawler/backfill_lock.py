"""One crawl of a site at a time between a backfill and the scheduler: a per-site flock.

A backfill holds its site's lock for its whole run; the scheduler takes the same lock around
each run it starts, and does not start one while a backfill holds it (and a backfill does not
start while a scheduled run of the site is going), so the two never fetch the same page. The
kernel drops a flock when its holder dies, even by kill -9, so a killed backfill leaves no
stale lock; the file holds who has it, for the message the other side prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


def lock_path(database: Path, site: str) -> Path:
    """The lock file of `site`'s crawls on `database`, beside it."""
    return database.with_name(f"{database.name}.{site}.crawl.lock")


@contextlib.contextmanager
def site_lock(database: Path, site: str, holder: str) -> Iterator[str | None]:
    """Try to take `site`'s lock without waiting: yields None when taken (held until the
    block ends), else the description of whoever holds it."""
    path = lock_path(database, site)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # close-on-exec: not inherited
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            return
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder} (pid {os.getpid()})\n".encode(), 0)
        yield None
    finally:
        os.close(fd)


def lock_holder(database: Path, site: str) -> str | None:
    """Who holds `site`'s lock now, or None if nobody does (a look that writes nothing)."""
    try:
        fd = os.open(lock_path(database, site), os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
    else:
        return None
    finally:
        os.close(fd)
