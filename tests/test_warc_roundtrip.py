"""`khabar export-warc` then `khabar import-warc`: crawl the al-Watan replica, write its kept
pages as a WARC that standard tools read, import that into an empty database, and get the same
articles (same canonical URLs, same fields)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.cli import main
from crawler.record import ARTICLE_FIELDS
from crawler.warc.export import SYNTHESISED_FIELD
from storage.pages import PageArchive
from storage.store import ArticleStore, open_database
from tests.conftest import FAST, run_scrapy
from tests.support.replay import ReplayServer, ReplaySite
from tests.support.warcs import import_warc

WARCIO = str(Path(sys.executable).parent / "warcio")
COMPARED = ("url", "canonical_url", "site", "source_lastmod", *ARTICLE_FIELDS)


def rows(db: Path, sql: str) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def round_trip(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("roundtrip")
    crawled, imported, warc = (
        folder / "crawled.sqlite",
        folder / "imported.sqlite",
        folder / "alwatan.warc.gz",
    )
    site = ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv")
    with ReplayServer([site]) as server:
        run_scrapy(["crawl", "alwatan", *FAST], env={**server.env(), "KHABAR_DB": str(crawled)})
    assert main(["export-warc", "--db", str(crawled), "--site", "alwatan", str(warc)]) == 0
    result = import_warc(str(warc), "--workers", "0", db=imported)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"crawled": crawled, "imported": imported, "warc": warc}


def pages_by_url(db: Path) -> dict[str, dict]:
    database = open_database(db, migrate=False)
    archive = PageArchive(database)
    try:
        out = {}
        for row in rows(
            db,
            "SELECT p.*, a.canonical_url, a.id AS aid FROM pages p "
            "JOIN articles a ON a.id = p.article_id",
        ):
            row["html"] = archive.read(row["html_zlib"], row["html_zstd"], row["zstd_dict"])
            out[row["url"]] = row
        return out
    finally:
        database.close()


def test_the_export_is_read_back_by_warcio(round_trip) -> None:
    pages = pages_by_url(round_trip["crawled"])
    assert len(pages) == 14
    with round_trip["warc"].open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]
    assert records[0][0] == "warcinfo"
    assert [r[0] for r in records[1:]] == ["response", "request", "metadata"] * len(pages)
    for (_, response, http, body), (_, request, req_http, _), (_, meta, _, fields) in zip(
        records[1::3], records[2::3], records[3::3], strict=True
    ):
        url = response.get_header("WARC-Target-URI")
        page = pages[url]
        assert body == page["html"]
        assert response.get_header("WARC-Date") == page["fetched_at"].replace("+00:00", "Z")
        assert response.get_header(SYNTHESISED_FIELD) is None
        # The original response headers, as the replay server sent them.
        assert http.get_statuscode() == "200"
        assert http.get_header("ETag") and http.get_header("Content-Type").startswith("text/html")
        assert int(http.get_header("Content-Length")) == len(body)
        record_id = response.get_header("WARC-Record-ID")
        assert request.get_header("WARC-Concurrent-To") == record_id
        assert req_http.get_header("User-Agent").startswith("khabar/")
        assert req_http.get_header("Cookie") is None
        assert meta.get_header("WARC-Refers-To") == record_id
        text = fields.decode("utf-8")
        assert f"khabar-canonical-url: {page['canonical_url']}\r\n" in text
        assert f"khabar-article-id: {page['aid']}\r\n" in text


def test_warcio_check_and_index_accept_the_export(round_trip) -> None:
    check = subprocess.run(
        [WARCIO, "check", "-v", str(round_trip["warc"])], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 1 + 3 * 14
    index = subprocess.run(
        [WARCIO, "index", str(round_trip["warc"])], capture_output=True, text=True, check=True
    )
    entries = [json.loads(line) for line in index.stdout.splitlines()]
    assert sum(e["warc-type"] == "response" for e in entries) == 14


def test_importing_the_export_gives_the_same_articles(round_trip) -> None:
    select = f"SELECT {', '.join(COMPARED)} FROM articles ORDER BY canonical_url"
    crawled = rows(round_trip["crawled"], select)
    imported = rows(round_trip["imported"], select)
    assert [r["canonical_url"] for r in imported] == [r["canonical_url"] for r in crawled]
    assert imported == crawled
    assert {
        r["found_via"] for r in rows(round_trip["imported"], "SELECT found_via FROM articles")
    } == {"warc"}


def test_pages_kept_before_headers_export_with_synthesised_ones(
    tmp_path: Path, corpus_dir: Path
) -> None:
    db, out = tmp_path / "old.sqlite", tmp_path / "old.warc.gz"
    html = (corpus_dir / "alwatan.sy-replica" / "article-61234.html").read_bytes()
    store = ArticleStore(db)
    try:
        store.write_articles(
            [
                {
                    "url": "https://alwatan.sy/archives/61234",
                    "canonical_url": "https://alwatan.sy/archives/61234",
                    "site": "alwatan",
                    "title": "t",
                    "body": "b",
                    "html": html,
                    "http_encoding": "utf-8",
                    "http_status": 200,
                    "fetched_at": "2019-06-01T12:00:00+00:00",
                }
            ],
            crawl_id=None,
        )
    finally:
        store.close()
    assert main(["export-warc", "--db", str(db), str(out)]) == 0
    with out.open("rb") as fh:
        (response,) = [
            (r.rec_headers, r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh)
            if r.rec_type == "response"
        ]
    warc_headers, http_headers, body = response
    assert warc_headers.get_header(SYNTHESISED_FIELD) == "synthesised"
    assert warc_headers.get_header("WARC-Date") == "2019-06-01T12:00:00Z"
    assert http_headers.get_header("Content-Type") == "text/html; charset=utf-8"
    assert body == html
    assert main(["export-warc", "--db", str(db), "--since", "2019-06-02", str(out)]) == 0
    with out.open("rb") as fh:
        assert [r.rec_type for r in ArchiveIterator(fh)] == ["warcinfo"]
