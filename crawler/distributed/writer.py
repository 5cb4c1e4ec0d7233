"""The one writer: drains the workers' item queue into SQLite, acknowledging after each commit.

Reliable-queue pattern: a batch is moved (BLMOVE/LMOVE) from `khabar:items` to
`khabar:items:processing`, written with the same steps a local crawl uses (deduplicate:
exact and near duplicates against the archive; store: one transaction per batch, revisions,
near-duplicate groups, FTS), and only then removed from the processing list. A writer killed
at any point leaves its batch in the processing list; the next writer writes it first. A batch
committed just before the kill is written again as 'unchanged' (the store is keyed by canonical
URL), so nothing is lost and nothing is stored twice. There is one writer: SQLite has one.

After each commit the known-articles hash of each site (crawler.distributed.known) is brought
up to date, so workers skip what is stored; at start it is filled from the whole database.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.distributed import keys
from crawler.record import ArticleItem, GoneArticle, from_wire
from pipelines.deduplicate import DeduplicatePipeline, Duplicate
from pipelines.store import store_record
from storage.store import parse_time

if TYPE_CHECKING:
    import redis

    from storage.store import ArticleStore

logger = logging.getLogger(__name__)

SYNC_CHUNK = 5000  # rows per HSET when filling the known-articles hashes


class Counts:
    """Counters with the StatsCollector call the deduplicate step makes."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


@dataclass
class WriterTotals:
    batches: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # new/updated/unchanged/...

    def line(self) -> str:
        o = self.outcomes
        return (
            f"{o['new']} new, {o['updated']} updated, {o['unchanged']} unchanged, "
            f"{o['duplicate']} duplicate, {o['gone']} gone, {o['bad']} unreadable "
            f"in {self.batches} batches"
        )


def last_changed(*values: str | None) -> str:
    """The newest of the stored dates, as the known-articles hash keeps it ('' if none)."""
    dates = [d for d in map(parse_time, values) if d is not None]
    return max(dates).isoformat() if dates else ""


class Writer:
    def __init__(
        self,
        server: redis.Redis,
        store: ArticleStore,
        *,
        batch_size: int = 50,
        window_days: float = 30,
        keep_raw: bool = True,
    ) -> None:
        self.server = server
        self.store = store
        self.batch_size = batch_size
        self.keep_raw = keep_raw
        self.counts = Counts()
        self.dedupe = DeduplicatePipeline(store, self.counts, window_days)  # type: ignore[arg-type]
        self.totals = WriterTotals()

    def open(self) -> None:
        """Load the near-duplicate index and publish what is stored to the workers."""
        self.dedupe.open_spider()
        self.sync_known()

    def sync_known(self) -> int:
        """Fill every site's known-articles hash from the database; returns the rows sent."""
        sent = 0
        rows = self.store.db.execute(
            "SELECT site, canonical_url, modified_at, source_lastmod, published_at FROM articles"
        )
        while chunk := rows.fetchmany(SYNC_CHUNK):
            pipe = self.server.pipeline(transaction=False)
            for site, url, *dates in chunk:
                pipe.hset(keys.known_key(site), url, last_changed(*dates))
            pipe.execute()
            sent += len(chunk)
        return sent

    def take(self, wait: float) -> list[bytes]:
        """The next batch, moved to the processing list; a killed writer's batch comes first."""
        pending = self.server.lrange(keys.PROCESSING, 0, -1)
        if pending:
            logger.warning("Writing again the %d items of an unfinished batch", len(pending))
            return pending
        first = self.server.blmove(keys.ITEMS, keys.PROCESSING, wait, "RIGHT", "RIGHT")
        if first is None:
            return []
        batch = [first]
        while len(batch) < self.batch_size:
            more = self.server.lmove(keys.ITEMS, keys.PROCESSING, "RIGHT", "RIGHT")
            if more is None:
                break
            batch.append(more)
        return batch

    def write(self, batch: list[bytes]) -> None:
        """Deduplicate and store one batch, then acknowledge it (and publish what is known)."""
        records: list[dict[str, Any]] = []
        gone: list[tuple[str, int]] = []
        outcomes: Counter[str] = Counter()
        for data in batch:
            try:
                item = from_wire(json.loads(data))
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                logger.error("Dropped an unreadable item from the queue: %s", exc)
                outcomes["bad"] += 1
                continue
            if isinstance(item, GoneArticle):
                gone.append((item.canonical_url, item.http_status))
                continue
            try:
                self.dedupe.process_item(item)
            except Duplicate:
                outcomes["duplicate"] += 1
                continue
            assert isinstance(item, ArticleItem)
            records.append(store_record(item, self.keep_raw))
        if records or gone:  # one transaction, as the local store step
            result = self.store.write_articles(records, None, gone)
            outcomes.update(
                new=result.new, updated=result.updated, unchanged=result.unchanged, gone=result.gone
            )
        # Committed: publish and acknowledge together.
        pipe = self.server.pipeline(transaction=True)
        for rec in records:
            pipe.hset(
                keys.known_key(rec["site"]),
                rec["canonical_url"],
                last_changed(
                    rec.get("modified_at"), rec.get("source_lastmod"), rec.get("published_at")
                ),
            )
        pipe.delete(keys.PROCESSING)
        pipe.execute()
        self.totals.batches += 1
        self.totals.outcomes.update(outcomes)
        logger.info("Wrote a batch of %d items: %s", len(batch), dict(outcomes))

    def run(self, idle_exit: float | None, stop: threading.Event) -> WriterTotals:
        """Write batches until `stop` is set, or the queue stayed empty `idle_exit` seconds."""
        idle_since = time.monotonic()
        while not stop.is_set():
            batch = self.take(wait=1)
            if batch:
                self.write(batch)
                idle_since = time.monotonic()
            elif idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                break
        return self.totals
