"""`khabar serve` beside a crawl writing the same file: a real serve process, a real
`scrapy crawl` against the replay proxy, and every served page right and current afterwards
(issue 10: the immutable default answered 500 "database disk image is malformed" and stale
counts once a crawl had written)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from storage.readonly import connect_readonly
from storage.store import ArticleStore
from tests.conftest import FAST, run_scrapy
from tests.support.replay import ReplayServer, ReplaySite
from tests.support.serving import fetch, fetch_json, khabar_serve


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = connect_readonly(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_served_pages_follow_a_crawl_writing_the_same_file(tmp_path: Path, corpus_dir: Path):
    db = tmp_path / "news.sqlite"
    sites = [
        ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv"),
        ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv"),
    ]
    with ReplayServer(sites) as replay:
        env = {**replay.env(), "KHABAR_DB": str(db)}
        run_scrapy(["crawl", "sana", *FAST], env=env)
        with khabar_serve(db, tmp_path / "serve.log") as base:
            api = f"{base}/news"
            before = fetch_json(f"{api}/articles.json?_size=0&_shape=objects")
            assert before["filtered_table_rows_count"] == 2
            assert len(fetch_json(f"{api}/crawls.json?_shape=array")) == 1
            assert fetch_json(f"{api}/dup_groups.json?_shape=array") == []

            run_scrapy(["crawl", "alwatan", *FAST], env=env)  # writes while serve runs

            # articles: the served count is the file's count, and a new row's page works
            (count,) = _rows(db, "SELECT COUNT(*) FROM articles")[0]
            assert count == 16
            served = fetch_json(f"{api}/articles.json?_size=0&_shape=objects")
            assert served["filtered_table_rows_count"] == count
            new_id, new_title = _rows(
                db, "SELECT id, title FROM articles WHERE url = 'https://alwatan.sy/archives/94762'"
            )[0]
            status, html = fetch(f"{api}/articles/{new_id}")
            assert status == 200 and new_title in html
            row = fetch_json(f"{api}/articles/{new_id}.json?_shape=array")
            assert row[0]["title"] == new_title

            # crawls: both runs, the new one finished
            crawls = fetch_json(f"{api}/crawls.json?_shape=array&_sort=id")
            assert [(c["site"], c["status"]) for c in crawls] == [
                ("sana", "ok"),
                ("alwatan", "ok"),
            ]

            # dup_groups and the canned duplicate_groups query agree (the new group is in both)
            groups = fetch_json(f"{api}/dup_groups.json?_shape=array")
            members = fetch_json(f"{api}/duplicate_groups.json?_shape=array")
            assert len(groups) == 1 and groups[0]["size"] == 2
            assert {m["url"] for m in members} == {
                "https://sana.sy/?p=532871",
                "https://alwatan.sy/archives/94762",
            }

            # search, in the table and in the canned query, finds the new articles
            query = quote("والخارجية")
            hits = fetch_json(f"{api}/articles.json?_search={query}&_shape=array&_col=url")
            expected = {
                "https://alwatan.sy/archives/94762",
                "https://sana.sy/?p=532871",
                "https://alwatan.sy/archives/64051",
            }
            assert {h["url"] for h in hits} == expected
            canned = fetch_json(f"{api}/search.json?q={query}&site=&_shape=array")
            assert {h["url"] for h in canned} == expected
    assert "(read-only)" in (tmp_path / "serve.log").read_text()


def test_snapshot_serves_a_copy_immutable(tmp_path: Path) -> None:
    db = tmp_path / "copy.sqlite"
    ArticleStore(db).close()  # an (empty) khabar database: `serve` refuses any other file
    with khabar_serve(db, tmp_path / "serve.log", "--snapshot") as base:
        databases = fetch_json(f"{base}/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("copy", False)]
    assert "(snapshot)" in (tmp_path / "serve.log").read_text()
