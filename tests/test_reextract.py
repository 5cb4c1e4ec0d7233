"""`khabar reextract` re-runs extraction over stored raw pages, offline, and updates rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.config import load_config
from crawler.extract.article import extract_article
from pipelines.extract import analyse_page
from pipelines.normalise import tidy_fields
from storage.store import ArticleStore

IDS = ["61234", "84210", "94762"]


@pytest.fixture
def stored_db(tmp_path: Path, corpus_dir: Path) -> Path:
    db = tmp_path / "khabar.sqlite"
    rules = load_config().sites["alwatan"].extraction
    records = []
    for article_id in IDS:
        url = f"https://alwatan.sy/archives/{article_id}"
        html = (corpus_dir / "alwatan.sy-replica" / f"article-{article_id}.html").read_bytes()
        record = tidy_fields(extract_article(html, url, rules))
        record.update(
            url=url,
            canonical_url=url,
            site="alwatan",
            found_via="feed",
            html=html,
            http_encoding="utf-8",
            http_status=200,
            hints={},
        )
        records.append(record)
    store = ArticleStore(db)
    try:
        assert store.write_articles(records, crawl_id=None).new == len(IDS)
    finally:
        store.close()
    return db


def test_reextract_repairs_rows_from_stored_pages(stored_db: Path, capsys) -> None:
    conn = sqlite3.connect(stored_db)
    before = conn.execute("SELECT id, title, body, tags FROM articles ORDER BY id").fetchall()
    # Simulate rows written by an older, worse extractor.
    conn.execute("UPDATE articles SET title = 'x', body = 'زر الذهاب إلى الأعلى', tags = '[]'")
    conn.execute("DELETE FROM articles_fts")
    conn.commit()

    assert main(["reextract", "--db", str(stored_db), "--workers", "0"]) == 0
    assert "3 articles updated" in capsys.readouterr().out

    after = conn.execute("SELECT id, title, body, tags FROM articles ORDER BY id").fetchall()
    assert after == before
    assert all(json.loads(tags) for *_, tags in after)
    # The search index is rebuilt and no revision is invented for an extractor change.
    assert conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == len(IDS)
    assert conn.execute("SELECT COUNT(*) FROM article_revisions").fetchone()[0] == 0
    conn.close()


def test_reextract_unchanged_rows_are_left_alone(stored_db: Path, capsys) -> None:
    assert main(["reextract", "--db", str(stored_db), "--site", "alwatan", "--workers", "0"]) == 0
    assert "0 articles updated" in capsys.readouterr().out


def test_reextract_unknown_site_is_refused(stored_db: Path, capsys) -> None:
    assert main(["reextract", "--db", str(stored_db), "--site", "nope"]) == 2
    assert "unknown site" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "2"])
def test_reextract_streams_the_archive_in_batches(
    stored_db: Path, capsys, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """One page per batch (each committed before the next is read): same result as one batch."""
    monkeypatch.setattr("crawler.commands.reextract.BATCH", 1)
    conn = sqlite3.connect(stored_db)
    before = conn.execute("SELECT id, title, body FROM articles ORDER BY id").fetchall()
    conn.execute("UPDATE articles SET title = 'x'")
    conn.commit()
    assert main(["reextract", "--db", str(stored_db), "--workers", workers]) == 0
    assert "re-extracted 3 stored pages; 3 articles updated" in capsys.readouterr().out
    assert conn.execute("SELECT id, title, body FROM articles ORDER BY id").fetchall() == before
    conn.close()


def test_stored_pages_are_read_a_page_of_rows_at_a_time(stored_db: Path) -> None:
    store = ArticleStore(stored_db)
    try:
        ids = [page.article_id for page in store.stored_pages(page_size=1)]
        assert ids == sorted(ids) and len(ids) == len(IDS) == store.count_pages()
        assert [p.article_id for p in store.stored_pages("alwatan", page_size=2)] == ids
        assert store.count_pages("sana") == 0 and list(store.stored_pages("sana")) == []
    finally:
        store.close()


@pytest.mark.parametrize("codec", ["zstd", "zlib"])
def test_a_corrupt_stored_page_is_skipped_and_reported_the_rest_reextracted(
    stored_db: Path, capsys, codec: str
) -> None:
    """Issue 17, defect 20: one damaged blob used to abort the whole run with a ZstdError
    traceback, and nothing after it was re-extracted."""
    conn = sqlite3.connect(stored_db)
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
    damaged = ids[0]  # the first page read: every page after it used to be left undone
    column = "html_zstd" if codec == "zstd" else "html_zlib"
    conn.execute(
        f"UPDATE pages SET html_zstd = NULL, {column} = ? WHERE article_id = ?",
        [b"\x28\xb5\x2f\xfd damaged" if codec == "zstd" else b"x\x9c damaged", damaged],
    )
    conn.execute("UPDATE articles SET title = 'x'")
    conn.commit()

    assert main(["reextract", "--db", str(stored_db), "--workers", "0"]) == 1
    out, err = capsys.readouterr()
    assert out == "khabar: re-extracted 2 stored pages; 2 articles updated; 1 skipped (see above)\n"
    url = f"https://alwatan.sy/archives/{IDS[0]}"
    assert err.startswith(f"khabar: skipped article {damaged} ({url}): stored page unreadable: ")
    assert err.count("\n") == 1 and codec in err and "Traceback" not in err
    titles = dict(conn.execute("SELECT id, title FROM articles"))
    conn.close()
    assert titles[damaged] == "x"  # left as it was
    assert all(titles[i] != "x" for i in ids[1:])


def test_a_page_extraction_fails_on_is_skipped_and_reported(
    stored_db: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def choke_on_one(html: bytes, url: str, *args, **kwargs):
        if url.endswith(IDS[1]):
            raise RecursionError("maximum recursion depth exceeded")
        return analyse_page(html, url, *args, **kwargs)

    monkeypatch.setattr("crawler.commands.reextract.analyse_page", choke_on_one)
    assert main(["reextract", "--db", str(stored_db), "--workers", "0"]) == 1
    out, err = capsys.readouterr()
    assert "re-extracted 2 stored pages" in out and "1 skipped" in out
    assert err.endswith(
        f"/{IDS[1]}): stored page extraction failed: RecursionError: "
        "maximum recursion depth exceeded\n"
    )
