"""What `khabar status` shows of distributed mode: queue lengths, the writer, dead letters and
worker heartbeats. Dead letters (items the writer could not store) and an unreachable Redis
make `khabar status` exit 1: a monitor must hear of both."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.distributed import keys
from crawler.distributed.writerlock import current_holder, describe

if TYPE_CHECKING:
    from collections.abc import Iterable

    import redis


@dataclass(frozen=True)
class QueueStatus:
    items: int  # articles waiting for the writer
    writing: int  # taken by a writer, not yet acknowledged
    requests: dict[str, int]  # site → requests queued
    in_flight: dict[str, int]  # site → requests taken by workers, not finished
    workers: list[dict[str, Any]]  # live heartbeats, oldest worker first
    dead_letters: int = 0  # items the writer could not store (keys.DEAD)
    writer: dict[str, Any] | None = None  # the running writer, as its lock describes it

    @property
    def healthy(self) -> bool:
        return not self.dead_letters

    def as_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "writing": self.writing,
            "dead_letters": self.dead_letters,
            "writer": self.writer,
            "requests": self.requests,
            "in_flight": self.in_flight,
            "workers": self.workers,
        }

    def lines(self) -> list[str]:
        """The human-readable block `khabar status` prints under the site table."""
        out = [f"writer queue: {self.items} items waiting, {self.writing} being written"]
        out.append(f"writer: {describe(self.writer)}" if self.writer else "writer: none running")
        if self.dead_letters:
            out.append(
                f"dead letters: {self.dead_letters} items could not be stored; their reasons "
                f"are in the Redis list {keys.DEAD}"
            )
        for site in sorted(set(self.requests) | set(self.in_flight)):
            out.append(
                f"{site}: {self.requests.get(site, 0)} requests queued, "
                f"{self.in_flight.get(site, 0)} in flight"
            )
        if not self.workers:
            out.append("workers: none alive")
        for w in self.workers:
            out.append(
                f"worker {w['worker']} ({w['site']}): {'busy' if w['busy'] else 'idle'}, "
                f"{w['pages']} pages, {w['items']} items, since {w['started_at']}, "
                f"last beat {w['beat_at']}"
            )
        return out


def queue_status(server: redis.Redis, sites: Iterable[str]) -> QueueStatus:
    """Queue lengths of `sites` (and of the writer) and every live worker's heartbeat."""
    requests, in_flight = {}, {}
    for site in sites:
        requests[site] = int(server.zcard(keys.requests_key(site)))
        taken = 0
        for key in server.scan_iter(match=keys.inflight_key(site, "*")):
            taken += sum(1 for f in server.hkeys(key) if not f.startswith(b"s:"))
        in_flight[site] = taken
    workers = []
    for key in server.scan_iter(match=keys.HEARTBEATS):
        raw = server.get(key)
        if raw is not None:  # expired between SCAN and GET
            workers.append(json.loads(raw))
    workers.sort(key=lambda w: (w["started_at"], w["worker"]))
    return QueueStatus(
        items=int(server.llen(keys.ITEMS)),
        writing=keys.processing_count(server),
        requests=requests,
        in_flight=in_flight,
        workers=workers,
        dead_letters=int(server.llen(keys.DEAD)),
        writer=current_holder(server),
    )


def current_status(sites: Iterable[str]) -> QueueStatus | str | None:
    """Distributed mode's state for `khabar status`: None without KHABAR_REDIS_URL, the reason
    as a string when Redis cannot be reached."""
    url = keys.redis_url()
    if not url:
        return None
    import redis  # only in distributed mode: `khabar status` alone never loads the client

    try:
        server = keys.connect(url)
    except (redis.RedisError, ValueError) as exc:
        return f"cannot reach Redis at {url}: {exc}"
    try:
        return queue_status(server, sites)
    finally:
        server.close()


def status_lines(status: QueueStatus | str | None) -> list[str]:
    """`khabar status`'s distributed block: [] outside distributed mode, one line if down."""
    if status is None:
        return []
    if isinstance(status, str):
        return ["", f"distributed: {status}"]
    return ["", f"distributed ({keys.redis_url()}):", *status.lines()]


def site_json(status: QueueStatus | str, site: str) -> dict[str, Any]:
    """The `distributed` entry of one site in `khabar status --json`: its queues, the workers
    crawling it, and the writer's queue (shared by every site), or the error."""
    if isinstance(status, str):
        return {"error": status}
    return {
        "requests_queued": status.requests.get(site, 0),
        "in_flight": status.in_flight.get(site, 0),
        "workers": [w for w in status.workers if w.get("site") == site],
        "writer_items_waiting": status.items,
        "writer_items_writing": status.writing,
        "writer_dead_letters": status.dead_letters,
        "writer": status.writer,
    }


def healthy(status: QueueStatus | str | None) -> bool:
    """False when Redis cannot be reached or items could not be stored (exit 1)."""
    return status is None or (not isinstance(status, str) and status.healthy)
