"""Incremental crawls end to end: a recrawl of an unchanged site fetches no article page, and
an edited article (the replica's v2 crawl) is fetched again, updated, and its old version kept.

Requests are counted at the replay server, so what is asserted is what went over the wire.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import run_scrapy
from tests.support.replay import ReplayServer, ReplaySite

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
ARTICLE_COUNT = 14
EDITED = "https://alwatan.sy/archives/93580"

KINDS = (
    ("article", re.compile(r"/archives/\d+")),
    ("listing", re.compile(r"/archives/category/")),
    ("feed", re.compile(r"/feed/?$")),
    ("sitemap", re.compile(r"sitemap[^/]*\.xml$")),
    ("robots", re.compile(r"/robots\.txt$")),
)


def request_kind(url: str) -> str:
    """What a replica URL is: article, listing, feed, sitemap, robots or other."""
    for kind, pattern in KINDS:
        if pattern.search(url):
            return kind
    return "other"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://alwatan.sy/archives/94762", "article"),
        ("https://alwatan.sy/archives/94762/amp", "article"),
        ("https://alwatan.sy/archives/category/syria/page/2", "listing"),
        ("https://alwatan.sy/feed/", "feed"),
        ("https://alwatan.sy/post-sitemap.xml", "sitemap"),
        ("https://alwatan.sy/sitemap_index.xml", "sitemap"),
        ("https://alwatan.sy/robots.txt", "robots"),
        ("https://alwatan.sy/", "other"),
    ],
)
def test_request_kind(url: str, kind: str) -> None:
    assert request_kind(url) == kind


def query(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def three_crawls(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict:
    """al-Watan crawled three times into one file: v1, v1 again, then the v2 (edited) replica."""
    replica = corpus_dir / "alwatan.sy-replica"
    db = tmp_path_factory.mktemp("incremental") / "khabar.sqlite"
    counts: list[Counter] = []
    urls: list[list[str]] = []
    with ReplayServer([ReplaySite.from_urlmap(replica / "URLMAP.tsv")]) as server:
        env = {**server.env(), "KHABAR_DB": str(db)}
        for round_no in range(3):
            if round_no == 2:
                server.set_site(ReplaySite.from_urlmap(replica / "URLMAP.v2.tsv"))
            server.reset_log()
            run_scrapy(["crawl", "alwatan", *FAST], env=env)
            fetched = [url for _, url, _ in server.requests]
            urls.append(fetched)
            counts.append(Counter(request_kind(u) for u in fetched))
    for i, count in enumerate(counts, start=1):
        print(f"crawl {i} requests: {dict(sorted(count.items()))}")
    return {"db": db, "counts": counts, "urls": urls}


def test_first_crawl_fetches_every_article(three_crawls) -> None:
    first = three_crawls["counts"][0]
    assert first["article"] >= ARTICLE_COUNT
    assert first["feed"] >= 1 and first["sitemap"] >= 1 and first["listing"] >= 1


def test_unchanged_recrawl_fetches_no_article_page(three_crawls) -> None:
    second = three_crawls["counts"][1]
    assert second["article"] == 0, three_crawls["urls"][1]
    # Discovery still runs: feeds, sitemaps and the first page of each listing.
    assert second["feed"] >= 1 and second["sitemap"] >= 1


def test_listing_pagination_stops_on_a_known_page(three_crawls) -> None:
    first, second = three_crawls["urls"][0], three_crawls["urls"][1]
    page2 = "https://alwatan.sy/archives/category/syria/page/2"
    assert page2 in first
    assert page2 not in second
    assert (
        Counter(map(request_kind, second))["listing"] < Counter(map(request_kind, first))["listing"]
    )


def test_edited_article_is_the_only_article_refetched(three_crawls) -> None:
    third = [u for u in three_crawls["urls"][2] if request_kind(u) == "article"]
    assert third == [EDITED]


def test_edited_article_is_updated_with_its_revision_kept(three_crawls, corpus_dir: Path) -> None:
    db = three_crawls["db"]
    (article,) = query(db, "SELECT * FROM articles WHERE url = ?", (EDITED,))
    revisions = query(db, "SELECT * FROM article_revisions WHERE article_id = ?", (article["id"],))
    assert len(revisions) == 1
    old = revisions[0]
    gold_v1 = (corpus_dir / "alwatan.sy-replica" / "article-93580.gold.txt").read_text("utf-8")
    assert old["body"].split() == gold_v1.split()
    assert old["content_hash"] != article["content_hash"]
    assert "تحديث:" in article["body"] and "تحديث:" not in old["body"]
    assert article["modified_at"].startswith("2017-03-27")
    assert article["modified_at"] > (old["modified_at"] or "")
    assert article["updated_at"] >= article["first_seen_at"]
    # No other article changed.
    assert query(db, "SELECT COUNT(*) AS n FROM article_revisions")[0]["n"] == 1
    assert query(db, "SELECT COUNT(*) AS n FROM articles")[0]["n"] == ARTICLE_COUNT


def test_runs_report_new_unchanged_and_updated(three_crawls) -> None:
    runs = query(three_crawls["db"], "SELECT * FROM crawls ORDER BY id")
    assert [r["status"] for r in runs] == ["ok", "ok", "ok"]
    assert [r["articles_new"] for r in runs] == [ARTICLE_COUNT, 0, 0]
    assert [r["articles_updated"] for r in runs] == [0, 0, 1]
