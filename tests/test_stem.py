"""The light stemmer (crawler/stem.py) by table, and m013: the stemmed index of a database
written before it, backfilled from its articles rows, and searched before and after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.arabic import fts_tokens
from crawler.stem import stem
from storage import schema
from storage.datasette.plugins.khabar_arabic import prepare_connection
from storage.search import INDEX_COLUMNS, index_entry, search
from storage.store import ArticleStore, open_database
from tests.test_search import synthetic_records


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("الإسلامية", "اسلام"),  # ية
        ("الإسلام", "اسلام"),
        ("المعلمين", "معلم"),  # ين
        ("المعلمون", "معلم"),  # ون
        ("الانتخابات", "انتخاب"),  # ات
        ("حكوماتها", "حكوم"),  # ها, then ات
        ("الخارجية", "خارج"),
        ("سياسيين", "سياس"),  # ين, then ي
        ("مستشفى", "مستشف"),  # ى is ي in the matching form
        # what is kept: at least three letters, and ان (names end in it far more than duals)
        ("إيران", "ايران"),
        ("عمان", "عمان"),
        ("سليمان", "سليمان"),
        ("لبنان", "بنان"),  # ل peeled as a preposition (crawler.arabic): not the stemmer's doing
        ("دمشق", "دمشق"),
        ("بيت", "بيت"),
        ("سفيرها", "سفير"),
        ("مصري", "مصري"),  # a stem of three letters is too often another word (سور, نبي, قطر)
        ("فيه", "فيه"),  # two letters would remain
        ("covid19", "covid19"),
        # broken plurals are another pattern, not another ending: left apart
        ("مدارس", "مدارس"),
        ("وزراء", "زراء"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    (token,) = fts_tokens(word)
    assert stem(token) == expected


def test_the_index_entry_stems_token_for_token() -> None:
    title, body, title_stem, body_stem = index_entry("الانتخابات الرئاسية", None)
    assert (title, body, title_stem, body_stem) == ("انتخابات رءاسيه", "", "انتخاب رءاس", "")


def test_m013_backfills_the_stems_of_existing_articles(tmp_path: Path) -> None:
    db = tmp_path / "khabar.sqlite"
    store = ArticleStore(db)
    try:
        store.write_articles(synthetic_records(), crawl_id=None)
    finally:
        store.close()
    # make it the file an older khabar wrote: the index of two columns, no m013 recorded
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE articles_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    rows = conn.execute("SELECT id, title, body FROM articles").fetchall()
    conn.executemany(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
        [(i, *index_entry(t, b)[:2]) for i, t, b in rows],
    )
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_stemmed_search'")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
    conn.commit()
    # a reader before any writer migrates it: the matching form alone, no error
    assert [h.url for h in search(conn, "الإسلام")] == ["https://example.test/islam"]
    assert search(conn, "الإسلامية") == []
    conn.close()
    served = sqlite3.connect(db)  # and Datasette's SQL functions (khabar serve) likewise
    prepare_connection(served)
    expression = served.execute("SELECT khabar_match('الإسلامية')").fetchone()[0]
    assert expression == '{title body} : "اسلاميه"'
    served.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [expression])
    served.close()

    open_database(db).close()  # the next writer migrates

    conn = sqlite3.connect(db)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(articles_fts)")]
        assert tuple(columns) == INDEX_COLUMNS
        entries = conn.execute(
            f"SELECT rowid, {', '.join(INDEX_COLUMNS)} FROM articles_fts ORDER BY rowid"
        ).fetchall()
        assert entries == [(i, *index_entry(t, b)) for i, t, b in sorted(rows)]
        hits = search(conn, "الإسلامية")
        assert [(h.url, h.exact) for h in hits] == [("https://example.test/islam", False)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        # the delete trigger (m010) still takes the article's search entry with it
        conn.execute("DELETE FROM articles WHERE url = 'https://example.test/islam'")
        assert search(conn, "الإسلامية") == []
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == len(rows) - 1
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    finally:
        conn.close()
