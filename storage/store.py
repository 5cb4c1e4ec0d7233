"""The one writer of the SQLite file: articles, raw pages, revisions, duplicates, crawl runs.

Everything that changes the database goes through ArticleStore, in short transactions, so a
crawl killed at any moment leaves complete rows or none, and two crawls of different sites can
write at once (WAL mode + busy timeout). A later distributed mode feeds this same interface.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.record import ARTICLE_FIELDS, JSON_FIELDS, REVISION_FIELDS, empty_value
from storage import schema
from storage.faults import DatabaseUnwritable
from storage.lsh import MinHashBands
from storage.pages import PageArchive, UnreadablePage, headers_json
from storage.paths import DatabasePathError
from storage.search import INDEX_COLUMNS, index_entry

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 60_000


def _article_values(rec: dict[str, Any]) -> dict[str, Any]:
    """The extracted columns of an articles row (see crawler.record), JSON fields as text."""
    values = {field: rec.get(field) for field in ARTICLE_FIELDS}
    for field in JSON_FIELDS:
        value = values[field] if values[field] is not None else empty_value(field)
        values[field] = json.dumps(value, ensure_ascii=False)
    return values


def _visit_values(rec: dict[str, Any], crawl_id: int | None, now: str) -> dict[str, Any]:
    """The columns every fetch of an article rewrites (a changed one, or a new one)."""
    values = _article_values(rec)
    values.update(
        last_seen_at=now, crawl_id=crawl_id, http_status=rec.get("http_status"), status="live"
    )
    return values


def new_article_row(rec: dict[str, Any], crawl_id: int | None, now: str) -> dict[str, Any]:
    """The articles row of an article stored for the first time (without its id)."""
    values = _visit_values(rec, crawl_id, now)
    values.update(
        url=rec["url"],
        canonical_url=rec["canonical_url"],
        site=rec["site"],
        first_seen_at=now,
        updated_at=now,
        found_via=rec.get("found_via"),
        source_lastmod=rec.get("source_lastmod"),
    )
    return values


def search_entry(rec: dict[str, Any]) -> tuple[str, str, str, str]:
    """The article's row of articles_fts (storage.search.INDEX_COLUMNS): title and body in their
    matching form, then stemmed, as queries get them."""
    return index_entry(rec.get("title"), rec.get("body"))


def insert_sql(table: str, columns: Iterable[str]) -> str:
    """INSERT of the named columns, for a dict's keys or a bulk executemany of its values.

    Plain SQL rather than sqlite-utils' insert, which inspects the table on every call (a third
    of the store's time an article)."""
    columns = list(columns)
    names = ", ".join(f"[{c}]" for c in columns)
    return f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})"


# The store's INSERT of a search entry (rowid, then storage.search.INDEX_COLUMNS).
INDEX_INSERT = insert_sql("articles_fts", ["rowid", *INDEX_COLUMNS])


def _update(conn: sqlite3.Connection, table: str, pk: int, values: Mapping[str, Any]) -> None:
    sets = ", ".join(f"[{c}] = ?" for c in values)
    conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*values.values(), pk])


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_database(path: Path | str, *, migrate: bool = True) -> Database:
    """Open the file in WAL mode with a busy timeout, upgrading the schema if asked.

    Raises DatabasePathError, before changing anything, when the file is another
    application's SQLite database or one written by a newer khabar (storage.schema.problem).
    """
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        problem = schema.problem(conn, path)
    except BaseException:
        conn.close()
        raise
    if problem:
        conn.close()
        raise DatabasePathError(problem)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    # Checking is a read; the write lock is taken only when there is something to apply, so
    # the half-dozen opens of one crawl do not queue behind another crawl's transaction.
    if migrate and schema.needs_upgrade(db):
        with _write_lock(db):
            schema.apply(db)
    return db


class _write_lock:
    """BEGIN IMMEDIATE … COMMIT: take the write lock up front so concurrent writers queue on
    the busy timeout instead of failing with 'database is locked' on lock upgrade.

    With `thread_lock`, the transaction also holds it: a connection shared by several threads
    (the crawl's writer thread and its reactor thread) runs one transaction at a time."""

    def __init__(self, db: Database, thread_lock: threading.Lock | None = None) -> None:
        self.conn = db.conn
        self.thread_lock = thread_lock

    def __enter__(self) -> None:
        if self.thread_lock is not None:
            self.thread_lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if exc_type is None:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
            else:
                self._rollback()
        finally:
            self._release()

    def _rollback(self) -> None:
        # SQLite ends the transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR): a
        # second ROLLBACK would fail and hide the error that says what went wrong.
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _release(self) -> None:
        if self.thread_lock is not None:
            self.thread_lock.release()


def parse_time(value: str | None) -> datetime | None:
    """Stored ISO-8601 timestamps as aware UTC datetimes (naive ones are taken as UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True)
class StoredPage:
    """A kept raw page and what is needed to extract it again; `unreadable` says why a page
    whose bytes cannot be had back has none (its `html` is empty)."""

    article_id: int
    site: str
    url: str
    http_encoding: str | None
    hints: dict[str, str]
    html: bytes
    unreadable: str | None = None


@dataclass
class WriteResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: int = 0


class ArticleStore:
    """Batched, transactional writes of article records and crawl runs.

    One store per process, shared by its components (crawler.addons): the writer thread and the
    reactor thread both write through it, so each transaction also holds the store's thread
    lock.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = open_database(self.path)
        except (sqlite3.Error, OSError) as exc:  # a read-only mount, a full disk: one line
            raise DatabaseUnwritable(self.path, exc) from None
        self._thread_lock = threading.Lock()
        self.bands = MinHashBands(self.db)
        self.pages = PageArchive(self.db)

    def close(self) -> None:
        self.db.close()

    def _transaction(self) -> _write_lock:
        return _write_lock(self.db, self._thread_lock)

    # -- crawl runs ---------------------------------------------------------------------------

    def start_crawl(
        self,
        site: str,
        *,
        pid: int | None = None,
        log_path: str | None = None,
        kind: str = schema.RUN_KINDS[0],
    ) -> int:
        """A new crawls row, 'running'; `kind` is what the run is (storage.schema.RUN_KINDS)."""
        with self._transaction():
            return int(
                self.db["crawls"]
                .insert(
                    {
                        "site": site,
                        "started_at": utcnow(),
                        "status": "running",
                        "pid": pid,
                        "log_path": log_path,
                        "kind": kind,
                    }
                )
                .last_pk
            )

    def update_crawl(self, crawl_id: int, values: Mapping[str, Any]) -> None:
        with self._transaction():
            self.db["crawls"].update(crawl_id, dict(values))

    def crawl(self, crawl_id: int) -> dict[str, Any]:
        return self.db["crawls"].get(crawl_id)

    # -- articles ------------------------------------------------------------------------------

    def find_by_hash(self, content_hash: str) -> list[tuple[str, str]]:
        """(canonical_url, site) of stored articles whose normalised body hashes the same."""
        return self.db.execute(
            "SELECT canonical_url, site FROM articles WHERE content_hash = ?", [content_hash]
        ).fetchall()

    def count_pages(self, site: str | None = None) -> int:
        """How many raw pages are kept (optionally of one site)."""
        sql = "SELECT count(*) FROM pages p JOIN articles a ON a.id = p.article_id"
        params = [site] if site else []
        return int(
            self.db.execute(sql + (" WHERE a.site = ?" if site else ""), params).fetchone()[0]
        )

    def stored_pages(self, site: str | None = None, page_size: int = 200) -> Iterator[StoredPage]:
        """Every kept raw page (optionally of one site), for re-extraction without fetching;
        a page that does not decompress comes with its reason instead of its bytes.

        Read `page_size` rows at a time by article id, so the archive is never in memory at
        once and no read cursor stays open while the caller writes its updates.
        """
        sql = (
            "SELECT a.id, a.site, p.url, p.http_encoding, p.hints, "
            "p.html_zlib, p.html_zstd, p.zstd_dict "
            "FROM pages p JOIN articles a ON a.id = p.article_id WHERE a.id > ?"
            + (" AND a.site = ?" if site else "")
            + " ORDER BY a.id LIMIT ?"
        )
        last = 0
        while True:
            rows = self.db.execute(sql, [last, *([site] if site else []), page_size]).fetchall()
            for row in rows:
                try:
                    html, unreadable = self.pages.read(*row[5:]), None
                except UnreadablePage as exc:
                    html, unreadable = b"", str(exc)
                yield StoredPage(
                    row[0], row[1], row[2], row[3], json.loads(row[4] or "{}"), html, unreadable
                )
            if len(rows) < page_size:
                return
            last = rows[-1][0]

    def replace_extraction(self, updates: Iterable[tuple[int, dict[str, Any]]]) -> int:
        """Overwrite extracted fields of stored articles (no revision: the article did not
        change, our reading of it did) and re-index them; returns how many rows changed."""
        changed = 0
        with self._transaction():
            for article_id, rec in updates:
                values = _article_values(rec)
                current = self.db["articles"].get(article_id)
                if all(current.get(k) == v for k, v in values.items()):
                    continue
                values["updated_at"] = utcnow()
                self.db["articles"].update(article_id, values)
                self._index(article_id, rec)
                changed += 1
        return changed

    def write_articles(
        self,
        records: list[dict[str, Any]],
        crawl_id: int | None,
        gone: Iterable[tuple[str, int]] = (),
    ) -> WriteResult:
        """Insert new articles, update changed ones and mark gone ones, in one transaction.

        Each record is an ArticleItem as a dict (crawler.record; pipelines.store.store_record):
        the article fields plus `url`, `canonical_url`, `site`, `found_via`, `fetched_at`,
        `source_lastmod`, `tags` (list), `html` (bytes), `http_encoding`, `http_status`,
        `hints`, `response_headers` and `request_headers` ([name, value] lists), `minhash`
        (bytes) and `near_duplicates` (canonical URLs it resembles).

        `gone` holds (URL, HTTP status) pairs of stored articles whose page now answers
        404/410, matched on canonical_url or url: they get `status='gone'`. The row, its body
        and its raw page are kept (a removed article is still part of the archive), and a
        later 200 brings it back to 'live'.
        """
        result = WriteResult()
        with self._transaction():
            for record in records:
                outcome = self._write_one(record, crawl_id)
                setattr(result, outcome, getattr(result, outcome) + 1)
            for url, status in gone:
                result.gone += self.db.execute(
                    "UPDATE articles SET status = 'gone', http_status = ? "
                    "WHERE canonical_url = ? OR url = ?",
                    [status, url, url],
                ).rowcount
        return result

    def _write_one(self, rec: dict[str, Any], crawl_id: int | None) -> str:
        now = rec.get("fetched_at") or utcnow()
        conn = self.db.conn
        columns = ("id", "source_lastmod", *REVISION_FIELDS)
        row = conn.execute(
            f"SELECT {', '.join(columns)} FROM articles WHERE canonical_url = ?",
            [rec["canonical_url"]],
        ).fetchone()
        if row is None:
            values = new_article_row(rec, crawl_id, now)
            article_id = int(
                conn.execute(insert_sql("articles", values), [*values.values()]).lastrowid
            )
            outcome = "new"
        else:
            existing = dict(zip(columns, row, strict=True))
            article_id = existing["id"]
            values = _visit_values(rec, None, now)
            values.pop("crawl_id")  # crawl_id stays the crawl that found the article
            lastmod = rec.get("source_lastmod")
            if lastmod and (not existing["source_lastmod"] or lastmod > existing["source_lastmod"]):
                values["source_lastmod"] = lastmod
            if existing["content_hash"] == rec.get("content_hash"):
                seen = ("last_seen_at", "http_status", "status", "source_lastmod")
                _update(conn, "articles", article_id, {k: values[k] for k in seen if k in values})
                self._save_page(article_id, rec)
                return "unchanged"
            revision = {
                "article_id": article_id,
                "replaced_at": now,
                "crawl_id": crawl_id,
                **{field: existing[field] for field in REVISION_FIELDS},
            }
            conn.execute(insert_sql("article_revisions", revision), [*revision.values()])
            values["updated_at"] = now
            _update(conn, "articles", article_id, values)
            outcome = "updated"
        self._save_page(article_id, rec)
        self._index(article_id, rec, new=outcome == "new")
        if rec.get("near_duplicates"):
            self._group(article_id, rec["near_duplicates"])
        return outcome

    def _save_page(self, article_id: int, rec: dict[str, Any]) -> None:
        html = rec.get("html")
        if not html:
            return
        self.db["pages"].upsert(
            {
                "article_id": article_id,
                "url": rec["url"],
                "fetched_at": rec.get("fetched_at"),
                "http_status": rec.get("http_status"),
                "http_encoding": rec.get("http_encoding"),
                **self.pages.columns(rec["site"], html),
                "hints": json.dumps(rec.get("hints") or {}, ensure_ascii=False),
                "response_headers": headers_json(rec.get("response_headers")),
                "request_headers": headers_json(rec.get("request_headers")),
            },
            pk="article_id",
        )

    def _index(self, article_id: int, rec: dict[str, Any], *, new: bool = False) -> None:
        """Bring the article's search entry and MinHash signature in step with its text (a `new`
        article has neither yet: nothing to look up or take out first)."""
        conn = self.db.conn
        if rec.get("minhash"):
            previous = None
            if not new:
                previous = conn.execute(
                    "SELECT signature FROM article_minhash WHERE article_id = ?", [article_id]
                ).fetchone()
            self.bands.insert(article_id, rec["minhash"], previous[0] if previous else None)
            conn.execute(
                "INSERT OR REPLACE INTO article_minhash (article_id, signature) VALUES (?, ?)",
                [article_id, rec["minhash"]],
            )
        if not new:
            conn.execute("DELETE FROM articles_fts WHERE rowid = ?", [article_id])
        conn.execute(INDEX_INSERT, [article_id, *search_entry(rec)])

    def _group(self, article_id: int, similar_urls: list[str]) -> None:
        """Put the article in one near-duplicate group with the articles it resembles."""
        marks = ",".join("?" * len(similar_urls))
        members = self.db.execute(
            f"SELECT id, dup_group FROM articles WHERE canonical_url IN ({marks})", similar_urls
        ).fetchall()
        if not members:
            return
        groups = sorted({g for _, g in members if g})
        now = utcnow()
        if groups:
            group_id = groups[0]
            for other in groups[1:]:  # the new article bridges two groups: merge them
                self.db.execute(
                    "UPDATE articles SET dup_group = ? WHERE dup_group = ?", [group_id, other]
                )
                self.db["dup_groups"].delete(other)
        else:
            group_id = int(
                self.db["dup_groups"]
                .insert({"created_at": now, "updated_at": now, "size": 0})
                .last_pk
            )
        ids = [article_id] + [i for i, _ in members]
        self.db.execute(
            f"UPDATE articles SET dup_group = ? WHERE id IN ({','.join('?' * len(ids))})",
            [group_id, *ids],
        )
        size, original = self.db.execute(
            "SELECT COUNT(*), (SELECT id FROM articles WHERE dup_group = :g "
            f"ORDER BY {schema.ORIGINAL_FIRST} LIMIT 1) "
            "FROM articles WHERE dup_group = :g",
            {"g": group_id},
        ).fetchone()
        self.db["dup_groups"].update(
            group_id, {"size": size, "original_article_id": original, "updated_at": now}
        )
