"""The database schema, as sqlite-utils migrations: small, ordered, each in a transaction.

Never edit a migration that has shipped; add a new one. `apply(db)` is idempotent and is run
by every writer and reader that opens the file, so old files are upgraded in place.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("khabar")


@migrations()
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


@migrations()
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


@migrations()
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


@migrations()
def m004_crawl_failure_reasons(db: Database) -> None:
    # Requests given up on, by reason (http_503, timeout, dns, size_limit...), as JSON.
    db["crawls"].add_column("failed_reasons", str)


@migrations()
def m005_field_sources_and_date_precision(db: Database) -> None:
    # Where each extracted value came from (JSON: field → source), and how precise the
    # publication date is (day | minute | second; NULL when there is no date).
    db["articles"].add_column("field_sources", str)
    db["articles"].add_column("published_precision", str)


@migrations()
def m006_minhash_bands(db: Database) -> None:
    # The near-duplicate index on disk (storage/lsh.py): LSH band → article, every article.
    from storage import lsh

    lsh.create_table(db)


@migrations()
def m007_zstd_pages(db: Database) -> None:
    # Raw pages compressed with zstd and a per-site dictionary (storage/pages.py).
    from storage import pages

    pages.create_tables(db)


@migrations()
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


@migrations()
def m009_article_site_by_id(db: Database) -> None:
    db.execute(f"CREATE INDEX IF NOT EXISTS {ARTICLE_SITE_INDEX} ON articles(id, site)")


def apply(db: Database) -> None:
    """Bring `db` to the current schema."""
    migrations.apply(db)
