"""The database schema, as sqlite-utils migrations: small, ordered, each in a transaction.

Never edit a migration that has shipped; add a new one. `apply(db)` is idempotent and is run
by every writer that opens the file, so old files are upgraded in place.

A khabar database says so in its header: `PRAGMA application_id` is APPLICATION_ID and
`PRAGMA user_version` the number of migrations applied, both written by `apply` in the
migrations' transaction. Before anything opens a file for writing or reading, `problem()` looks
at them, so a typo in KHABAR_DB never migrates another application's file (15 tables added, WAL
switched on) and a file written by a newer khabar is refused instead of misread. Files made by
khabar 0.2.0 carry no mark: they are recognised by the khabar migrations they record, and
marked by the next writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("khabar")
# 'khbr': what `PRAGMA application_id` holds in every khabar database (file(1) shows it too).
APPLICATION_ID = 0x6B686272
MIGRATION_NAMES: list[str] = []  # in order; SCHEMA_VERSION is how many


def migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register a khabar migration (in definition order)."""
    MIGRATION_NAMES.append(fn.__name__)
    return migrations()(fn)


@migration
def m001_articles_and_crawls(db: Database) -> None:
    db["crawls"].create(
        {
            "id": int,
            "site": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "finish_reason": str,
            "exit_code": int,
            "pages_fetched": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "articles_duplicate": int,
            "articles_near_duplicate": int,
            "articles_rejected": int,
            "rejected_reasons": str,
            "errors": int,
            "error_summary": str,
            "duration_seconds": float,
            "log_path": str,
            "pid": int,
        },
        pk="id",
        defaults={
            "status": "running",
            "pages_fetched": 0,
            "articles_new": 0,
            "articles_updated": 0,
            "articles_unchanged": 0,
            "articles_duplicate": 0,
            "articles_near_duplicate": 0,
            "articles_rejected": 0,
            "errors": 0,
        },
        not_null={"site", "started_at", "status"},
    )
    db["crawls"].create_index(["site", "started_at"])
    db["articles"].create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "site": str,
            "title": str,
            "kicker": str,
            "author": str,
            "section": str,
            "tags": str,
            "published_at": str,
            "modified_at": str,
            "date_source": str,
            "language": str,
            "body": str,
            "word_count": int,
            "image_url": str,
            "content_hash": str,
            "dup_group": int,
            "first_seen_at": str,
            "last_seen_at": str,
            "updated_at": str,
            "crawl_id": int,
            "found_via": str,
            "source_lastmod": str,
            "http_status": int,
            "status": str,
        },
        pk="id",
        not_null={"url", "canonical_url", "site", "first_seen_at", "last_seen_at"},
        defaults={"status": "live", "word_count": 0},
        foreign_keys=[("crawl_id", "crawls", "id")],
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["canonical_url"], unique=True)
    db["articles"].create_index(["site", "published_at"])
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["dup_group"])


@migration
def m002_raw_pages_and_revisions(db: Database) -> None:
    # The last fetched bytes of every article, zlib-compressed, for `khabar reextract`.
    db["pages"].create(
        {
            "article_id": int,
            "url": str,
            "fetched_at": str,
            "http_status": int,
            "http_encoding": str,
            "html_zlib": bytes,
            "hints": str,
        },
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    # Previous versions of edited articles: a row per replaced version.
    db["article_revisions"].create(
        {
            "id": int,
            "article_id": int,
            "replaced_at": str,
            "crawl_id": int,
            "title": str,
            "kicker": str,
            "author": str,
            "body": str,
            "modified_at": str,
            "content_hash": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_revisions"].create_index(["article_id"])


@migration
def m003_duplicates_and_search(db: Database) -> None:
    # Near-duplicate groups (the same agency story on several sites); the original is the
    # earliest-published member.
    db["dup_groups"].create(
        {"id": int, "original_article_id": int, "size": int, "created_at": str, "updated_at": str},
        pk="id",
    )
    # MinHash signatures, so the near-duplicate index survives across runs.
    db["article_minhash"].create(
        {"article_id": int, "signature": bytes},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    # Full-text index over *normalised* title and body (see crawler.arabic.fts_text), kept in
    # step by the writer in the same transaction as the article row; rowid = articles.id.
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 2')"
    )


@migration
def m004_crawl_failure_reasons(db: Database) -> None:
    # Requests given up on, by reason (http_503, timeout, dns, size_limit...), as JSON.
    db["crawls"].add_column("failed_reasons", str)


@migration
def m005_field_sources_and_date_precision(db: Database) -> None:
    # Where each extracted value came from (JSON: field → source), and how precise the
    # publication date is (day | minute | second; NULL when there is no date).
    db["articles"].add_column("field_sources", str)
    db["articles"].add_column("published_precision", str)


@migration
def m006_minhash_bands(db: Database) -> None:
    # The near-duplicate index on disk (storage/lsh.py): LSH band → article, every article.
    from storage import lsh

    lsh.create_table(db)


@migration
def m007_zstd_pages(db: Database) -> None:
    # Raw pages compressed with zstd and a per-site dictionary (storage/pages.py).
    from storage import pages

    pages.create_tables(db)


@migration
def m008_published_day(db: Database) -> None:
    # The calendar day the site printed: the date part of published_at, which carries the
    # site's own offset. Views group by it, so a date known only to the day (stored as local
    # midnight) stays on its day instead of falling into the previous UTC day. Generated, so
    # no writer can let it drift from published_at.
    db.execute(
        "ALTER TABLE articles ADD COLUMN published_day TEXT "
        "GENERATED ALWAYS AS (substr(published_at, 1, 10)) VIRTUAL"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_published_day ON articles(published_day)")


# Which site an article id belongs to, in an index rather than the row: a row is a page read
# (its body is inline), and `khabar search --site` checks the site of every match it walks.
# Readers of a file no writer has migrated yet do without it (storage.search).
ARTICLE_SITE_INDEX = "idx_articles_id_site"


@migration
def m009_article_site_by_id(db: Database) -> None:
    db.execute(f"CREATE INDEX IF NOT EXISTS {ARTICLE_SITE_INDEX} ON articles(id, site)")


# The original of a near-duplicate group is its earliest-published member (ORDER BY of its rows).
ORIGINAL_FIRST = "published_at IS NULL, julianday(published_at), first_seen_at, id"

# What an article's id keys besides its row. SQLite reuses the highest rowid after a delete (the
# table has no AUTOINCREMENT), so a row deleted by hand (`sqlite3 … "delete from articles where
# site='x'"`) must take these with it: the next article stored gets the same id, and its search
# entry would fail on the old one's (the crawl could never store it again), while an old raw page
# or revisions would be re-extracted or shown as the new article's.
ARTICLE_DELETE_TRIGGER = "articles_delete_dependents"
_DEPENDENTS = (
    ("articles_fts", "rowid"),
    ("article_minhash", "article_id"),
    ("pages", "article_id"),
    ("article_revisions", "article_id"),
)


@migration
def m010_article_delete_takes_its_dependents(db: Database) -> None:
    # The trigger runs in whatever deletes the row, our code or a user's sqlite3 shell. LSH
    # bands stay: finding them needs the signature's band keys (Python), and a stale band is
    # only one more candidate, which the Jaccard check of the live signature rejects.
    # A near-duplicate group keeps its size and original right, and dissolves below 2.
    deletes = "".join(f"DELETE FROM {t} WHERE {key} = old.id;\n" for t, key in _DEPENDENTS)
    db.execute(
        f"CREATE TRIGGER {ARTICLE_DELETE_TRIGGER} AFTER DELETE ON articles BEGIN\n"
        f"{deletes}"
        "UPDATE dup_groups SET"
        " size = (SELECT COUNT(*) FROM articles WHERE dup_group = old.dup_group),"
        " original_article_id = (SELECT id FROM articles WHERE dup_group = old.dup_group"
        f" ORDER BY {ORIGINAL_FIRST} LIMIT 1) WHERE id = old.dup_group;\n"
        "UPDATE articles SET dup_group = NULL WHERE dup_group = old.dup_group"
        " AND (SELECT size FROM dup_groups WHERE id = old.dup_group) < 2;\n"
        "DELETE FROM dup_groups WHERE id = old.dup_group AND size < 2;\n"
        "END"
    )
    # Rows deleted before this migration left theirs behind: take them out once.
    for table, key in _DEPENDENTS:
        db.execute(f"DELETE FROM {table} WHERE {key} NOT IN (SELECT id FROM articles)")


# What a crawls row records: a crawl of the site (the health `khabar status` judges it by), or
# an import of its pages from WARC files (`khabar import-warc`), which fetches nothing.
RUN_KINDS = ("crawl", "import")


@migration
def m011_http_headers_and_run_kinds(db: Database) -> None:
    # The HTTP exchange behind each kept page, for `khabar export-warc` (storage/pages.py):
    # response and request headers as received, NULL on pages kept before (the export then
    # writes minimal headers and says so in the record).
    from storage import pages

    pages.add_header_columns(db)
    db["crawls"].add_column("kind", str, not_null_default=RUN_KINDS[0])


@migration
def m012_backfill_frontier(db: Database) -> None:
    # A backfill is one row: its range, where it stands (written by the crawl every few
    # seconds, so `khabar status` reads its position) and whether it finished. Its frontier
    # is every request it will make, on disk: the crawl feeds Scrapy's scheduler from it in
    # small batches, so memory does not grow with the archive, and a killed run resumes
    # from it (crawler/backfill.py). state: 0 pending, 1 handed to the crawl, 2 scraped
    # (through the pipelines, stored once the store's batch commits), 3 done, 4 failed.
    db["backfills"].create(
        {
            "id": int,
            "site": str,
            "since": str,
            "until": str,
            "status": str,
            "started_at": str,
            "updated_at": str,
            "finished_at": str,
            "pid": int,
            "runs": int,
            "articles_total": int,
            "articles_done": int,
            "articles_failed": int,
            "pages_total": int,
            "pages_done": int,
            "per_minute": float,
            "eta_seconds": float,
        },
        pk="id",
        not_null={"site", "status", "started_at"},
    )
    db["backfills"].create_index(["site", "status"])
    db["backfill_frontier"].create(
        {
            "id": int,
            "backfill_id": int,
            "key": str,
            "article": int,
            "state": int,
            "request": bytes,
        },
        pk="id",
        not_null={"backfill_id", "key", "article", "state", "request"},
        foreign_keys=[("backfill_id", "backfills", "id")],
    )
    db["backfill_frontier"].create_index(["backfill_id", "key"], unique=True)
    # Discovery pages before articles (so the total is known early), in insertion order.
    db["backfill_frontier"].create_index(["backfill_id", "state", "article", "id"])


# m013: the search index holds two forms of each word, in four columns: title and body in their
# matching form (crawler.arabic.fts_text), title_stem and body_stem the same tokens stemmed
# (crawler.stem), position for position, so a phrase of stems is a phrase. A query matches
# either form and can ask for the first alone (storage.search). FTS5 columns cannot be added to a
# table, so the index is made again and filled from the articles rows, BACKFILL_BATCH at a time.
BACKFILL_BATCH = 1000


@migration
def m013_stemmed_search(db: Database) -> None:
    from storage.search import INDEX_COLUMNS, index_entry

    db.execute("DROP TABLE IF EXISTS articles_fts")  # the delete trigger names it; made again below
    db.execute(
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({', '.join(INDEX_COLUMNS)}, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    insert = (
        f"INSERT INTO articles_fts (rowid, {', '.join(INDEX_COLUMNS)}) "
        f"VALUES (?{', ?' * len(INDEX_COLUMNS)})"
    )
    last = 0
    while True:
        rows = db.execute(
            "SELECT id, title, body FROM articles WHERE id > ? ORDER BY id LIMIT ?",
            [last, BACKFILL_BATCH],
        ).fetchall()
        db.conn.executemany(insert, [(i, *index_entry(t, b)) for i, t, b in rows])
        if len(rows) < BACKFILL_BATCH:
            return
        last = rows[-1][0]


SCHEMA_VERSION = len(MIGRATION_NAMES)


def _applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the khabar migrations recorded in the file (none if it records none)."""
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
        [migrations.migrations_table],
    ).fetchone()
    if table is None:
        return []
    return [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM [{migrations.migrations_table}] WHERE migration_set = ?",
            [migrations.name],
        )
    ]


def problem(conn: sqlite3.Connection, path: Path | str) -> str | None:
    """Why the file behind `conn` must not be used as khabar's database (one line naming
    `path`), or None: a khabar database this version understands, or an empty file.

    A read: it changes nothing, and raises sqlite3.DatabaseError on a file that is not SQLite.
    """
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id not in (0, APPLICATION_ID):
        return f"{path} is an SQLite file, but not khabar's (application_id {app_id:#010x})"
    applied = _applied(conn)
    unknown = [name for name in applied if name not in MIGRATION_NAMES]
    if app_id == APPLICATION_ID and version > SCHEMA_VERSION:
        newer = f"schema version {version}, this khabar knows {SCHEMA_VERSION}"
    elif unknown:
        newer = f"migration {unknown[0]} is unknown to this version"
    else:
        newer = None
    if newer:
        return f"{path} was written by a newer khabar ({newer}): upgrade khabar to use it"
    if app_id == 0 and not applied:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4"
            )
        ]
        if tables:
            shown = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
            return f"{path} is an SQLite file, but not khabar's (its tables: {shown})"
    return None


def needs_upgrade(db: Database) -> bool:
    """Whether `apply` has anything to do: a migration pending, or the mark missing/old."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    return app_id != APPLICATION_ID or version < SCHEMA_VERSION or bool(migrations.pending(db))


def apply(db: Database) -> None:
    """Bring `db` to the current schema and mark it as khabar's at this schema version (in
    the caller's transaction, if any: the mark commits with the migrations)."""
    migrations.apply(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
