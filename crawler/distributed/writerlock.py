"""One `khabar writer` per queue: a lease in Redis, renewed by a heartbeat, that outlives no crash.

Two writers on one queue split the archive (each writes what it takes into its own --db) and,
sharing one processing list, each took the other's batch in hand for a crashed one and wrote it
too. The writer holds `khabar:writer:lock` (SET NX with a lease of LEASE seconds) and renews it
every LEASE/4 seconds from a thread, so a slow batch is not a dead writer. A second writer is
refused in one line as soon as it sees the lease renewed; a SIGKILLed or lost writer stops
renewing, and the next one takes over once the lease runs out, within LEASE seconds. Renewal,
release and the acknowledgement of a batch check the lock is still the holder's (Lua), so a
writer that lost its lease (paused past it, cut off from Redis) never acknowledges anything.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.distributed import keys

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

LEASE = 10.0  # seconds a writer that stopped renewing still holds the queue
POLL = 0.1  # seconds between a waiting writer's looks at the lease

# KEYS: lock. ARGV: holder, lease (ms). Extends the lease only if it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# KEYS: lock. ARGV: holder.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class WriterBusy(Exception):
    """Another writer holds the queue; str() is the user's one line."""


def parse_holder(raw: bytes | str | None) -> dict[str, Any] | None:
    """The lock's value as the holder wrote it (None: no writer holds the queue)."""
    if raw is None:
        return None
    try:
        holder = json.loads(raw)
    except ValueError:
        return {}
    return holder if isinstance(holder, dict) else {}


def describe(holder: dict[str, Any]) -> str:
    """'pid 123 on host, into /data/khabar.sqlite, since …'."""
    if not {"pid", "host", "db", "since"} <= set(holder):
        return "holder unknown"
    return f"pid {holder['pid']} on {holder['host']}, into {holder['db']}, since {holder['since']}"


def current_holder(server: redis.Redis) -> dict[str, Any] | None:
    """The running writer as its lock describes it (None: no writer holds the queue)."""
    return parse_holder(server.get(keys.WRITER_LOCK))


class WriterLock:
    def __init__(self, server: redis.Redis, database: str, lease: float = LEASE) -> None:
        self.server = server
        self.lease = lease
        self.id = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns():x}"
        self.value = json.dumps(
            {
                "id": self.id,
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "db": database,
                "since": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
        )
        self.lost = threading.Event()  # set once the lease is no longer ours
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._renew = server.register_script(_RENEW)
        self._release = server.register_script(_RELEASE)

    @property
    def lease_ms(self) -> int:
        return max(1, int(self.lease * 1000))

    def acquire(self) -> None:
        """Take the queue, waiting out the lease of a writer that stopped renewing it; raise
        WriterBusy when its holder is seen renewing it (alive)."""
        seen: int | None = None
        deadline = time.monotonic() + 2 * self.lease  # a lease neither renewed nor run out
        while True:
            if self.server.set(keys.WRITER_LOCK, self.value, nx=True, px=self.lease_ms):
                return
            pipe = self.server.pipeline(transaction=True)
            pipe.get(keys.WRITER_LOCK)
            pipe.pttl(keys.WRITER_LOCK)
            raw, ttl = pipe.execute()
            if raw is None:  # ran out between the two looks
                continue
            if ttl < 0 or (seen is not None and ttl > seen) or time.monotonic() > deadline:
                # Renewed since the last look (or held with no lease at all): alive.
                holder = describe(parse_holder(raw) or {})
                raise WriterBusy(f"another writer drains this queue ({holder}); stop it first")
            seen = ttl
            time.sleep(POLL)

    def start_heartbeat(self, on_lost: Callable[[], None]) -> None:
        """Renew the lease every lease/4 seconds until released; call `on_lost` if it is lost."""

        import redis  # the writer's process has it loaded already

        def beat() -> None:
            renewed = time.monotonic()
            while not self._stop.wait(self.lease / 4):
                try:
                    if self._renew(keys=[keys.WRITER_LOCK], args=[self.value, self.lease_ms]):
                        renewed = time.monotonic()
                        continue
                    reason = "another writer took the queue"
                except redis.RedisError as exc:  # unreachable: ours until the lease runs out
                    if time.monotonic() - renewed < self.lease:
                        continue
                    reason = f"cannot renew the lease: {exc}"
                logger.error("The writer lost its lock on the queue: %s", reason)
                self.lost.set()
                on_lost()
                return

        self._thread = threading.Thread(target=beat, name="khabar-writer-lease", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._stop.clear()

    def release(self) -> None:
        """Stop renewing and free the queue for the next writer (if it is still ours)."""
        self.stop_heartbeat()
        if not self.lost.is_set():
            import redis

            try:
                self._release(keys=[keys.WRITER_LOCK], args=[self.value])
            except redis.RedisError as exc:  # the lease runs out by itself
                logger.warning("Could not release the writer lock: %s", exc)
