"""A backfill's frontier in the SQLite file: every request it will make, and where each stands.

Why a table and not Scrapy's JOBDIR: JOBDIR's disk queues and its `requests.seen` are written
for a clean stop (queuelib writes a queue's state when it is closed), so kill -9 loses or
corrupts them, and the seen-set is loaded whole into memory; a table is committed as the crawl
goes, survives kill -9 like the articles do, answers "how far along is it" for `khabar
status`, and dedupes by its unique key without holding anything in memory.

The frontier keeps its own connection: it must see only what the store has *committed* (an
article the pipelines passed is done only once it is really in `articles`), and the store's
shared connection also sees the writer thread's open transaction.

Rows are (key, article?, state, request): the key is the canonical URL for an article, the URL
for a discovery page (sitemap, feed, listing page); the request is Scrapy's own dict form of
the request (scrapy.utils.request.request_to_dict), pickled, as Scrapy's disk queues store it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from storage.store import _write_lock, open_database, utcnow

PENDING, HANDED, SCRAPED, DONE, FAILED = range(5)
RUNNING, FINISHED = "running", "finished"


class BackfillConflict(Exception):
    """An unfinished backfill of the site covers another range: resume it or finish it first."""


@dataclass(frozen=True)
class Row:
    """A frontier entry to add: `key` is unique within the backfill."""

    key: str
    article: bool
    request: bytes


@dataclass
class Counts:
    """How many articles and discovery pages the frontier holds, and how many are finished."""

    articles_total: int = 0
    articles_done: int = 0
    articles_failed: int = 0
    pages_total: int = 0
    pages_done: int = 0


def unfinished_range(path: Path, site: str) -> tuple[str | None, str | None] | None:
    """(since, until) of `site`'s unfinished backfill in the file at `path`, or None (a read:
    no file, or one from before backfills, is none)."""
    if not path.is_file():
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT since, until FROM backfills WHERE site = ? AND status = ? "
            "ORDER BY id DESC LIMIT 1",
            [site, RUNNING],
        ).fetchone()
    except sqlite3.OperationalError:  # no backfills table yet
        return None
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else ""


class Frontier:
    """One backfill's frontier, on its own connection to the database file."""

    def __init__(self, db: Database, backfill_id: int, site: str) -> None:
        self.db = db
        self.id = backfill_id
        self.site = site

    @classmethod
    def open(
        cls, path: Path | str, site: str, since: datetime | None, until: datetime | None
    ) -> tuple[Frontier, bool]:
        """The unfinished backfill of `site` (resumed: True) or a new one (False).

        `until` is the spider's (the instant after the last day). An unfinished backfill of
        another range raises BackfillConflict rather than mixing two ranges in one frontier.
        """
        db = open_database(path)
        since_day, until_day = _day(since), _day(until - timedelta(days=1) if until else None)
        with _write_lock(db):
            row = db.execute(
                "SELECT id, since, until FROM backfills WHERE site = ? AND status = ? "
                "ORDER BY id DESC LIMIT 1",
                [site, RUNNING],
            ).fetchone()
            if row is not None and (row[1] or "", row[2] or "") != (since_day, until_day):
                db.close()
                raise BackfillConflict(
                    f"an unfinished backfill of {site} covers "
                    f"{row[1] or 'the beginning'} to {row[2] or 'today'}: run it again with "
                    "the same --since/--until to finish it"
                )
            now = utcnow()
            if row is not None:
                backfill_id, resumed = int(row[0]), True
                db.execute(
                    "UPDATE backfills SET runs = runs + 1, pid = ?, updated_at = ? WHERE id = ?",
                    [os.getpid(), now, backfill_id],
                )
            else:
                resumed = False
                backfill_id = int(
                    db["backfills"]
                    .insert(
                        {
                            "site": site,
                            "since": since_day or None,
                            "until": until_day or None,
                            "status": RUNNING,
                            "started_at": now,
                            "updated_at": now,
                            "pid": os.getpid(),
                            "runs": 1,
                        }
                    )
                    .last_pk
                )
        return cls(db, backfill_id, site), resumed

    def close(self) -> None:
        self.db.close()

    # -- requests ------------------------------------------------------------------------------

    def add(
        self, rows: Sequence[Row], finished: int | None = None, *, again: bool = False
    ) -> tuple[int, int]:
        """Add `rows` not already there (and mark the page `finished` they came from done, in
        the same transaction); returns how many articles and pages were new. With `again`,
        rows already there are made pending again (a resumed run's start pages)."""
        new_articles = new_pages = 0
        with _write_lock(self.db):
            if again:
                self.db.conn.executemany(
                    f"UPDATE backfill_frontier SET state = {PENDING} "
                    "WHERE backfill_id = ? AND key = ?",
                    [(self.id, r.key) for r in rows],
                )
            for article in (True, False):
                part = [
                    (self.id, r.key, int(article), r.request) for r in rows if r.article is article
                ]
                if not part:
                    continue
                cursor = self.db.conn.executemany(
                    "INSERT OR IGNORE INTO backfill_frontier (backfill_id, key, article, state, "
                    f"request) VALUES (?, ?, ?, {PENDING}, ?)",
                    part,
                )
                if article:
                    new_articles = cursor.rowcount
                else:
                    new_pages = cursor.rowcount
            if finished is not None:
                self._set(DONE, [finished])
        return new_articles, new_pages

    def take(self, n: int) -> list[tuple[int, bytes]]:
        """Up to `n` pending requests, discovery pages first, now marked handed to the crawl."""
        with _write_lock(self.db):
            rows = self.db.execute(
                "SELECT id, request FROM backfill_frontier WHERE backfill_id = ? AND state = ? "
                "ORDER BY article, id LIMIT ?",
                [self.id, PENDING, n],
            ).fetchall()
            self._set(HANDED, [row[0] for row in rows])
        return [(int(row[0]), bytes(row[1])) for row in rows]

    def mark(self, changes: dict[int, int]) -> None:
        """Set the state of rows ({row id: state}) in one transaction."""
        if not changes:
            return
        with _write_lock(self.db):
            self.db.conn.executemany(
                "UPDATE backfill_frontier SET state = ? WHERE id = ?",
                [(state, row_id) for row_id, state in changes.items()],
            )

    def settle(self) -> int:
        """Scraped articles that the store has committed become done; how many did."""
        with _write_lock(self.db):
            return self.db.execute(
                f"UPDATE backfill_frontier SET state = {DONE} WHERE backfill_id = ? "
                f"AND state = {SCRAPED} AND EXISTS (SELECT 1 FROM articles "
                "WHERE articles.canonical_url = backfill_frontier.key AND articles.site = ?)",
                [self.id, self.site],
            ).rowcount

    def recover(self) -> int:
        """After a stop: what was handed out or scraped and is not stored goes back to pending.

        Returns how many requests go again: those in flight at the stop (at most the feeding
        batch and the store's unwritten buffer), the only pages a resumed backfill may fetch
        twice.
        """
        self.settle()
        with _write_lock(self.db):
            requeued = self.db.execute(
                f"UPDATE backfill_frontier SET state = {PENDING} WHERE backfill_id = ? "
                f"AND state IN ({HANDED}, {SCRAPED})",
                [self.id],
            ).rowcount
        return int(requeued)

    def close_run(self, *, complete: bool) -> None:
        """End of a run: scraped rows still waiting are done (the store has flushed) and, if
        the run went to the end, what was handed out and never answered failed."""
        self.settle()
        if not complete:
            return
        with _write_lock(self.db):
            self._set_where(DONE, SCRAPED)
            self._set_where(FAILED, HANDED)

    def _set(self, state: int, ids: Iterable[int]) -> None:
        self.db.conn.executemany(
            "UPDATE backfill_frontier SET state = ? WHERE id = ?", [(state, i) for i in ids]
        )

    def _set_where(self, state: int, current: int) -> None:
        self.db.execute(
            "UPDATE backfill_frontier SET state = ? WHERE backfill_id = ? AND state = ?",
            [state, self.id, current],
        )

    # -- position ------------------------------------------------------------------------------

    def pending(self) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM backfill_frontier WHERE backfill_id = ? AND state = ?",
                [self.id, PENDING],
            ).fetchone()[0]
        )

    def counts(self) -> Counts:
        """Totals and finished counts, from the table (one indexed pass)."""
        counts = Counts()
        for article, state, n in self.db.execute(
            "SELECT article, state, COUNT(*) FROM backfill_frontier WHERE backfill_id = ? "
            "GROUP BY article, state",
            [self.id],
        ):
            if article:
                counts.articles_total += n
                counts.articles_done += n if state in (DONE, FAILED) else 0
                counts.articles_failed += n if state == FAILED else 0
            else:
                counts.pages_total += n
                counts.pages_done += n if state in (DONE, FAILED) else 0
        return counts

    def report(self, counts: Counts, per_minute: float, eta_seconds: float | None) -> None:
        """Write where the backfill stands into its row (what `khabar status` shows)."""
        with _write_lock(self.db):
            self.db["backfills"].update(
                self.id,
                {
                    **counts.__dict__,
                    "per_minute": round(per_minute, 1),
                    "eta_seconds": eta_seconds,
                    "updated_at": utcnow(),
                    "pid": os.getpid(),
                },
            )

    def finish(self) -> None:
        with _write_lock(self.db):
            self.db["backfills"].update(
                self.id, {"status": FINISHED, "finished_at": utcnow(), "eta_seconds": 0}
            )
