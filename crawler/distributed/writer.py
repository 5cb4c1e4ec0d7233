"""The one writer: drains the workers' item queue into SQLite, acknowledging after each commit.

Reliable-queue pattern: a batch is moved (BLMOVE/LMOVE) from `khabar:items` to the writer's own
`khabar:items:processing:<writer>`, written with the same steps a local crawl uses (deduplicate:
exact and near duplicates against the archive; store: one transaction per batch, revisions,
near-duplicate groups, FTS), and only then removed from that list. A writer killed at any point
leaves its batch there; the next writer writes every such list first (and again whenever the
queue is idle). A batch committed just before the kill is written again as 'unchanged' (the
store is keyed by canonical URL), so nothing is lost and nothing is stored twice. There is one
writer per queue (crawler.distributed.writerlock), as SQLite has one; a writer that lost the
lock acknowledges nothing.

An item that cannot be stored (not JSON, not an item, data the store refuses) is parked in the
dead-letter list `khabar:items:dead` with its reason, in the acknowledgement's transaction, and
the writer goes on: one bad item must not stop storing, nor be retried forever. A database that
takes no writes (disk full, read-only, locked) is not the item's fault: the writer stops with
the reason, exit 1, and the batch stays queued for the next writer.

After each commit the known-articles hash of each site (crawler.distributed.known) is brought
up to date, so workers skip what is stored; at start it is rebuilt from the whole database, so
an article whose row was deleted is no longer known (nor seen) and workers fetch it again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.distributed import keys
from crawler.record import ArticleItem, GoneArticle, from_wire
from pipelines.deduplicate import DeduplicatePipeline, Duplicate
from pipelines.store import store_record
from storage.faults import store_error
from storage.store import WriteResult, parse_time

if TYPE_CHECKING:
    import redis

    from crawler.distributed.writerlock import WriterLock
    from storage.store import ArticleStore

logger = logging.getLogger(__name__)

SYNC_CHUNK = 5000  # rows per HSET when filling the known-articles hashes


class Counts:
    """Counters with the StatsCollector call the deduplicate step makes."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


# KEYS: lock, the batch's processing list, the dead-letter list. ARGV: holder, dead letters...
# Acknowledges the batch (and parks its dead letters) only while the writer holds the queue.
_ACK = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
redis.call('DEL', KEYS[2])
return 1
"""


class WriterStopped(Exception):
    """The writer cannot go on (the database takes no writes, it lost the queue); str() is the
    line it ends with."""


def database_problem(exc: BaseException) -> bool:
    """Whether `exc` says the database takes no writes now (disk full, read-only, locked,
    damaged: stop, the batch is retried later) rather than that one item's data cannot be
    stored (a constraint, a value SQLite or the store refuses: park the item)."""
    return isinstance(exc, (OSError, sqlite3.OperationalError, sqlite3.InternalError)) or (
        type(exc) is sqlite3.DatabaseError
    )


@dataclass
class WriterTotals:
    batches: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # new/updated/unchanged/...

    def line(self) -> str:
        o = self.outcomes
        return (
            f"{o['new']} new, {o['updated']} updated, {o['unchanged']} unchanged, "
            f"{o['duplicate']} duplicate, {o['gone']} gone, {o['dead']} dead-lettered; "
            f"{self.batches} batches"
        )


def last_changed(*values: str | None) -> str:
    """The newest of the stored dates, as the known-articles hash keeps it ('' if none)."""
    dates = [d for d in map(parse_time, values) if d is not None]
    return max(dates).isoformat() if dates else ""


def dead_letter(data: bytes, reason: str) -> str:
    """A dead-letter entry: the item as queued (UTF-8 text, or Latin-1 if it is not UTF-8, so
    every byte is kept) and why it was not stored."""
    try:
        item, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        item, encoding = data.decode("latin-1"), "latin-1"
    return json.dumps(
        {
            "reason": reason,
            "parked_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "item": item,
            "encoding": encoding,
        },
        ensure_ascii=False,
    )


@dataclass
class _Entry:
    """One queued item of a batch, read: what the store takes of it."""

    data: bytes
    record: dict[str, Any] | None = None  # an article
    gone: tuple[str, int] | None = None  # a gone mark


class Writer:
    def __init__(
        self,
        server: redis.Redis,
        store: ArticleStore,
        lock: WriterLock,
        *,
        batch_size: int = 50,
        window_days: float = 30,
        keep_raw: bool = True,
    ) -> None:
        self.server = server
        self.store = store
        self.lock = lock
        self.processing = keys.processing_key(lock.id)
        self.batch_size = batch_size
        self.keep_raw = keep_raw
        self.counts = Counts()
        self.dedupe = DeduplicatePipeline(store, self.counts, window_days)  # type: ignore[arg-type]
        self.totals = WriterTotals()
        self._ack = server.register_script(_ACK)

    def open(self) -> None:
        """Load the near-duplicate index and publish what is stored to the workers."""
        self.dedupe.open_spider()
        self.sync_known()

    def sync_known(self) -> int:
        """Rebuild every site's known-articles hash from the database; returns the rows sent.

        Each hash is filled afresh beside the old one and renamed over it, so workers always
        read a whole one. A URL the old hash had and the database no longer has (its row
        deleted by hand) is also taken out of the site's seen set, so it is fetched again."""
        sent = 0
        sites: set[str] = set()
        rows = self.store.db.execute(
            "SELECT site, canonical_url, modified_at, source_lastmod, published_at FROM articles"
        )
        for key in self.server.scan_iter(match=keys.known_rebuild_key("*"), count=1000):
            self.server.delete(key)  # a sync cut short
        while chunk := rows.fetchmany(SYNC_CHUNK):
            pipe = self.server.pipeline(transaction=False)
            for site, url, *dates in chunk:
                pipe.hset(keys.known_rebuild_key(site), url, last_changed(*dates))
                sites.add(site)
            pipe.execute()
            sent += len(chunk)
        for site in sites | {key.decode().rpartition(":")[2] for key in self._known_keys()}:
            self._forget_deleted(site, rebuilt=site in sites)
        return sent

    def _known_keys(self) -> list[bytes]:
        return list(self.server.scan_iter(match=keys.KNOWN, count=1000))

    def _forget_deleted(self, site: str, *, rebuilt: bool) -> None:
        old, new = keys.known_key(site), keys.known_rebuild_key(site)
        stale: list[bytes] = []
        batch: list[bytes] = []
        for url, _ in self.server.hscan_iter(old, count=SYNC_CHUNK):  # NOVALUES: Redis 7.4+
            batch.append(url)
            if len(batch) >= SYNC_CHUNK:
                stale += self._not_in(new, batch) if rebuilt else batch
                batch = []
        stale += (self._not_in(new, batch) if rebuilt else batch) if batch else []
        for start in range(0, len(stale), SYNC_CHUNK):
            self.server.srem(keys.seen_key(site), *stale[start : start + SYNC_CHUNK])
        if stale:
            logger.warning(
                "%d articles of %s are no longer in the database: workers fetch them again",
                len(stale),
                site,
            )
        if rebuilt:
            self.server.rename(new, old)
        else:
            self.server.delete(old)

    def _not_in(self, key: str, urls: list[bytes]) -> list[bytes]:
        pipe = self.server.pipeline(transaction=False)
        for url in urls:
            pipe.hexists(key, url)
        return [url for url, present in zip(urls, pipe.execute(), strict=True) if not present]

    def take(self, wait: float) -> list[bytes]:
        """The next batch, moved from the queue to this writer's processing list."""
        first = self.server.blmove(keys.ITEMS, self.processing, wait, "RIGHT", "RIGHT")
        if first is None:
            return []
        batch = [first]
        while len(batch) < self.batch_size:
            more = self.server.lmove(keys.ITEMS, self.processing, "RIGHT", "RIGHT")
            if more is None:
                break
            batch.append(more)
        return batch

    def finish_unfinished(self) -> None:
        """Write the batches writers left in hand (killed, or cut off from the queue)."""
        for key in keys.processing_keys(self.server):
            if key == self.processing:
                continue
            batch = self.server.lrange(key, 0, -1)
            if batch:
                logger.warning("Writing again the %d items of an unfinished batch", len(batch))
                self.write(batch, key)

    def write(self, batch: list[bytes], source: str | None = None) -> None:
        """Deduplicate and store one batch, then acknowledge it (and publish what is known).

        `source` is the processing list holding it (this writer's own by default)."""
        if self.lock.lost.is_set():
            raise WriterStopped("lost the queue to another writer; the batch stays queued")
        outcomes: Counter[str] = Counter()
        entries: list[_Entry] = []
        dead: list[str] = []
        for data in batch:
            try:
                item = from_wire(json.loads(data))
            except Exception as exc:  # not JSON, not an item: it can never be stored
                dead.append(dead_letter(data, f"unreadable: {exc}"))
                continue
            if isinstance(item, GoneArticle):
                entries.append(_Entry(data, gone=(item.canonical_url, item.http_status)))
                continue
            try:
                self.dedupe.process_item(item)
            except Duplicate:
                outcomes["duplicate"] += 1
                continue
            except Exception as exc:
                if database_problem(exc):
                    raise WriterStopped(self._stop_line(exc, source)) from exc
                dead.append(dead_letter(data, f"deduplicate: {type(exc).__name__}: {exc}"))
                continue
            assert isinstance(item, ArticleItem)
            entries.append(_Entry(data, record=store_record(item, self.keep_raw)))
        stored = self._store(entries, dead, outcomes, source)
        if dead:
            logger.error("Parked %d items the writer cannot store in %s", len(dead), keys.DEAD)
        # Committed: publish, then acknowledge (and park) while the queue is still ours.
        pipe = self.server.pipeline(transaction=False)
        for entry in stored:
            if entry.record is not None:
                rec = entry.record
                pipe.hset(
                    keys.known_key(rec["site"]),
                    rec["canonical_url"],
                    last_changed(
                        rec.get("modified_at"), rec.get("source_lastmod"), rec.get("published_at")
                    ),
                )
        pipe.execute()
        acknowledged = self._ack(
            keys=[keys.WRITER_LOCK, source or self.processing, keys.DEAD],
            args=[self.lock.value, *dead],
        )
        if not acknowledged:
            self.lock.lost.set()
            raise WriterStopped("lost the queue to another writer; the batch stays queued")
        outcomes["dead"] += len(dead)
        self.totals.batches += 1
        self.totals.outcomes.update(outcomes)
        logger.info("Wrote a batch of %d items: %s", len(batch), dict(outcomes))

    def _store(
        self, entries: list[_Entry], dead: list[str], outcomes: Counter[str], source: str | None
    ) -> list[_Entry]:
        """Store the entries in one transaction, or, when an item's data makes it fail, each
        alone, parking the ones that fail; returns the entries stored."""
        if not entries:
            return []
        try:
            self._count(self._write(entries), outcomes)
            return entries
        except Exception as exc:
            if database_problem(exc):
                raise WriterStopped(self._stop_line(exc, source)) from exc
        stored = []
        for entry in entries:
            try:
                self._count(self._write([entry]), outcomes)
            except Exception as exc:
                if database_problem(exc):
                    raise WriterStopped(self._stop_line(exc, source)) from exc
                dead.append(dead_letter(entry.data, store_error(exc)))
                continue
            stored.append(entry)
        return stored

    def _write(self, entries: list[_Entry]) -> WriteResult:
        records = [e.record for e in entries if e.record is not None]
        gone = [e.gone for e in entries if e.gone is not None]
        return self.store.write_articles(records, None, gone)

    @staticmethod
    def _count(result: WriteResult, outcomes: Counter[str]) -> None:
        outcomes.update(
            new=result.new, updated=result.updated, unchanged=result.unchanged, gone=result.gone
        )

    def _stop_line(self, exc: BaseException, source: str | None) -> str:
        queued = self.server.llen(source or self.processing)
        return f"failed: {store_error(exc)}; the {queued} items in hand stay queued"

    def run(self, idle_exit: float | None, stop: threading.Event) -> WriterTotals:
        """Write batches until `stop` is set, or the queue stayed empty `idle_exit` seconds;
        unfinished batches of other writers first, and again whenever the queue is empty."""
        self.finish_unfinished()
        idle_since = time.monotonic()
        while not stop.is_set():
            batch = self.take(wait=1)
            if batch:
                self.write(batch)
                idle_since = time.monotonic()
                continue
            self.finish_unfinished()
            if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                break
        if self.lock.lost.is_set():
            raise WriterStopped("lost the queue to another writer; stopped")
        return self.totals
