"""`khabar import-warc`: WARCs made by others, read into the crawl's own pipelines.

The test WARC is CC-NEWS-shaped: many hosts, one record each, gzip per record, with request,
revisit, metadata and non-article records among the articles; some responses were sent chunked,
gzip-encoded or in windows-1256. Each import runs the real command in a subprocess (it runs a
Scrapy crawl, whose reactor cannot be started twice in one process).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crawler.cli import main
from storage.runs import recent_runs
from storage.store import open_database
from tests.support.warcs import DATE, WarcBuilder, import_warc, replica_pages

CHUNKED = "https://alwatan.sy/archives/75903"
GZIPPED = "https://alwatan.sy/archives/78415"
CP1256 = "https://alwatan.sy/archives/80660"
REVISITED = "https://alwatan.sy/archives/61234"
OTHER_HOSTS = {  # corpus pages of sites config.yaml does not list, under URLs of their hosts
    "https://www.akhbarelyom.com/news/3126898": "akhbarelyom.com/article-3126898-naima-akef.html",
    "https://arabic.cnn.com/2013/syria-clashes": "arabic.cnn.com/article-2013-syria-clashes.html",
    "https://www.elbaladtv.net/2020/12": "elbaladtv.net/article-2020-12-turki-al-sheikh-covid.html",
    "https://www.yjc.ir/fa/news/7349926": "yjc.ir/article-7349926-fa.html",
}


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def gold(corpus: Path, url: str) -> dict:
    name = f"article-{url.rsplit('/', 1)[1]}.gold.json"
    return json.loads((corpus / "alwatan.sy-replica" / name).read_text(encoding="utf-8"))


def as_cp1256(page: bytes) -> bytes:
    text = page.decode("utf-8").replace('<meta charset="UTF-8"', '<meta charset="windows-1256"')
    return text.encode("cp1256", errors="xmlcharrefreplace")


@pytest.fixture(scope="module")
def warcs(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("warcs")
    alwatan = replica_pages(corpus_dir / "alwatan.sy-replica")
    sana = replica_pages(corpus_dir / "sana.sy-replica")
    replica = corpus_dir / "alwatan.sy-replica"
    mixed = folder / "CC-NEWS-mixed.warc.gz"
    with mixed.open("wb") as fh:
        warc = WarcBuilder(fh)
        for (url, page), (other, name) in zip(
            list(alwatan.items())[:4], OTHER_HOSTS.items(), strict=False
        ):
            warc.response(url, page)
            warc.response(other, (corpus_dir / name).read_bytes())  # not a configured site
        for url, page in list(alwatan.items())[4:]:
            if url == CHUNKED:
                warc.response(url, page, transfer="chunked")
            elif url == GZIPPED:
                warc.response(url, page, encoding="gzip", transfer="chunked")
            elif url == CP1256:
                warc.response(url, as_cp1256(page), content_type="text/html; charset=windows-1256")
            else:
                warc.response(url, page)
        warc.revisit(REVISITED)
        warc.metadata(REVISITED, "fetchTimeMs: 120\r\n")
        # Configured site, not articles: home page, listing, feed, an image, a 404.
        warc.response("https://alwatan.sy/", (replica / "home.html").read_bytes())
        warc.response(  # an AMP variant: the site's deny patterns
            "https://alwatan.sy/archives/94762/amp",
            (replica / "article-94762.amp.html").read_bytes(),
        )
        warc.response(
            "https://alwatan.sy/archives/category/syria",
            (replica / "category-syria.html").read_bytes(),
        )
        warc.response(
            "https://alwatan.sy/feed/",
            (replica / "feed.xml").read_bytes(),
            content_type="application/rss+xml",
        )
        warc.response(
            "https://alwatan.sy/archives/99999", b"<html>gone</html>", status="404 Not Found"
        )
        warc.response(
            "https://alwatan.sy/wp-content/uploads/2016/04/weather-rain.jpg",
            b"\xff\xd8\xff\xe0" + bytes(2000),
            content_type="image/jpeg",
        )
        for url, page in sana.items():
            warc.response(url, page)
    truncated = folder / "truncated.warc.gz"
    with truncated.open("wb") as fh:
        warc = WarcBuilder(fh)
        for url, page in list(alwatan.items())[:4]:
            warc.response(url, page, with_request=False)
    data = truncated.read_bytes()
    last = max(warc.offsets.values())
    truncated.write_bytes(data[: last + (len(data) - last) // 2])  # the 4th record cut in half
    return {"mixed": mixed, "truncated": truncated, "last_url": list(alwatan)[3], "last": last}


@pytest.fixture(scope="module")
def imported(warcs: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("import") / "khabar.sqlite"
    first = import_warc(str(warcs["mixed"]), "--workers", "1", db=db)
    first_rows = rows(db, "SELECT * FROM articles ORDER BY url")
    second = import_warc(str(warcs["mixed"]), "--workers", "0", db=db)
    return {"db": db, "first": first, "second": second, "first_rows": first_rows}


def test_import_stores_the_configured_sites_articles_only(imported, corpus_dir: Path) -> None:
    assert imported["first"].returncode == 0, imported["first"].stderr[-3000:]
    alwatan = sorted(replica_pages(corpus_dir / "alwatan.sy-replica"))
    sana = sorted(replica_pages(corpus_dir / "sana.sy-replica"))
    stored = imported["first_rows"]
    assert sorted(r["url"] for r in stored if r["site"] == "alwatan") == alwatan
    assert sorted(r["url"] for r in stored if r["site"] == "sana") == sana
    assert len(stored) == len(alwatan) + len(sana)  # no other host, no listing, no image
    assert {r["found_via"] for r in stored} == {"warc"}
    # The capture time is the fetch time.
    assert {r["first_seen_at"] for r in stored} == {DATE.replace("Z", "+00:00")}


def test_every_imported_article_is_extracted_as_on_a_crawl(imported, corpus_dir: Path) -> None:
    for row in imported["first_rows"]:
        if row["site"] != "alwatan":
            continue
        expected = gold(corpus_dir, row["url"])
        assert row["title"] == expected["title"], row["url"]
        assert row["published_at"] == expected["published"], row["url"]
        assert row["word_count"] > 50, row["url"]


@pytest.mark.parametrize("url", [CHUNKED, GZIPPED, CP1256])
def test_chunked_gzipped_and_windows_1256_responses_are_read(imported, url: str) -> None:
    row = next(r for r in imported["first_rows"] if r["url"] == url)
    assert "\ufffd" not in row["body"] and "&#" not in row["body"]
    page = rows(imported["db"], "SELECT * FROM pages WHERE article_id = ?", (row["id"],))[0]
    names = [name.lower() for name, _ in json.loads(page["response_headers"])]
    if url == CP1256:
        assert page["http_encoding"] == "cp1256"
    else:
        assert "transfer-encoding" in names  # the headers as recorded


def test_each_site_import_is_one_run_of_kind_import(imported) -> None:
    runs = rows(imported["db"], "SELECT * FROM crawls ORDER BY id")
    assert [(r["site"], r["kind"], r["status"]) for r in runs[:2]] == [
        ("alwatan", "import", "ok"),
        ("sana", "import", "ok"),
    ]
    assert json.loads(runs[0]["rejected_reasons"]) == {}  # non-articles never reached extraction


def test_importing_twice_adds_nothing(imported) -> None:
    assert imported["second"].returncode == 0, imported["second"].stderr[-3000:]
    db = imported["db"]
    assert rows(db, "SELECT * FROM articles ORDER BY url") == imported["first_rows"]
    assert rows(db, "SELECT COUNT(*) AS n FROM article_revisions")[0]["n"] == 0
    second_runs = rows(db, "SELECT * FROM crawls WHERE id > 2 ORDER BY id")
    assert [(r["articles_new"], r["pages_fetched"], r["status"]) for r in second_runs] == [
        (0, 0, "ok"),
        (0, 0, "ok"),
    ]
    assert "0 new" in imported["second"].stderr


def test_imports_are_not_the_sites_crawl_health(imported, capsys) -> None:
    store = open_database(imported["db"])
    try:
        assert recent_runs(store, "alwatan") == []
    finally:
        store.close()
    main(["status", "--db", str(imported["db"]), "--site", "alwatan", "--json"])
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["last_run"] is None and entry["health"] == "new"


def test_one_site_only(warcs: dict, tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "khabar.sqlite"
    result = import_warc("--site", "sana", str(warcs["mixed"]), "--workers", "0", db=db)
    assert result.returncode == 0, result.stderr[-3000:]
    sana = sorted(replica_pages(corpus_dir / "sana.sy-replica"))
    assert [r["url"] for r in rows(db, "SELECT url FROM articles ORDER BY url")] == sana
    assert [r["site"] for r in rows(db, "SELECT site FROM crawls")] == ["sana"]


def test_a_truncated_file_stores_the_good_records_and_fails(warcs: dict, tmp_path: Path) -> None:
    db = tmp_path / "khabar.sqlite"
    result = import_warc("--site", "alwatan", str(warcs["truncated"]), "--workers", "0", db=db)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "damaged" in line]
    assert len(lines) == 1, result.stderr[-3000:]
    assert f"offset {warcs['last']}" in lines[0] and warcs["last_url"] in lines[0]
    assert "truncated" in lines[0]
    stored = [r["url"] for r in rows(db, "SELECT url FROM articles")]
    assert len(stored) == 3 and warcs["last_url"] not in stored
    (run,) = rows(db, "SELECT * FROM crawls")
    assert run["status"] == "failed" and f"offset {warcs['last']}" in run["finish_reason"]
