"""`khabar serve`'s Datasette, through Datasette's own test client, on a database crawled from the
replicas by the real spiders (plus the synthetic search articles, via the real writer):
metadata, facets, canned queries, Arabic-aware `_search`, right-to-left cells, and no writes."""

from __future__ import annotations

import asyncio
import html
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from crawler.commands.serve import load_metadata, make_datasette
from crawler.fingerprint import NearDupIndex, minhash
from crawler.record import ArticleItem
from pipelines.store import store_record
from storage.store import ArticleStore
from tests.conftest import run_scrapy
from tests.support.replay import ReplayServer, ReplaySite
from tests.test_search import write_synthetic

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def crawl_replicas(corpus_dir: Path, db: Path) -> None:
    """Crawl the al-Watan and SANA replicas with the real spiders, then add the synthetic rows."""
    sites = [
        ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv"),
        ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv"),
    ]
    with ReplayServer(sites) as server:
        env = {**server.env(), "KHABAR_DB": str(db)}
        for site in ("alwatan", "sana"):
            run_scrapy(["crawl", site, *FAST], env=env)
    store = ArticleStore(db)
    try:
        write_synthetic(store)
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):  # the writers closed: the WAL is checkpointed and gone
        assert not db.with_name(db.name + suffix).exists()


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("datasette") / "news.sqlite"
    crawl_replicas(corpus_dir, db)
    return db


def get(db: Path, path: str, *, snapshot: bool = False):
    async def go():
        ds = make_datasette(db, snapshot=snapshot)
        return await ds.client.get(path)

    return asyncio.run(go())


def get_json(db: Path, path: str) -> dict | list:
    response = get(db, path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_metadata_is_keyed_by_the_served_file(news_db: Path) -> None:
    metadata = get_json(news_db, "/-/metadata.json")
    assert "خبر" in metadata["title"] and "khabar" in metadata["title"]
    database = metadata["databases"]["news"]
    assert set(database["queries"]) == {
        "search",
        "latest_per_site",
        "today",
        "duplicate_groups",
        "search_feed",
        "attention",
        "matches_per_day",
    }
    articles = database["tables"]["articles"]
    assert (articles["fts_table"], articles["fts_pk"]) == ("articles_fts", "id")
    assert load_metadata()["databases"].keys() == {"khabar"}


def test_index_page_has_arabic_and_english_descriptions(news_db: Path) -> None:
    html = get(news_db, "/").text
    assert "أرشيف الأخبار العربية" in html and "Arabic news archive" in html
    assert 'dir="rtl"' in html


def test_facets_site_section_author_day(news_db: Path) -> None:
    data = get_json(news_db, "/news/articles.json?_size=0")
    facets = data["facet_results"]
    assert {"site", "section", "author", "published_day"} <= set(facets)
    sites = {r["value"]: r["count"] for r in facets["site"]["results"]}
    assert sites == {"alwatan": 14, "sana": 2, "synthetic": 5}
    days = {r["value"] for r in facets["published_day"]["results"]}
    assert "2017-03-25" in days  # the seed, published 2017-03-25T01:15:00+02:00 (UTC: the 24th)
    sections = {r["value"] for r in facets["section"]["results"]}
    assert {"سورية", "اقتصاد", "رياضة"} <= sections


@pytest.mark.parametrize(
    ("query", "urls"),
    [
        ("الاسلام", {"https://example.test/islam"}),
        (
            "والخارجية",
            {
                "https://alwatan.sy/archives/94762",
                "https://sana.sy/?p=532871",
                "https://alwatan.sy/archives/64051",
            },
        ),
        ("مدرسة", {"https://example.test/school"}),
        ('NEAR("دمشق', set()),
    ],
)
def test_table_search_box_is_normalised(news_db: Path, query: str, urls: set[str]) -> None:
    rows = get_json(news_db, f"/news/articles.json?_search={query}&_shape=array&_col=url")
    assert {r["url"] for r in rows} == urls


def test_search_page_marks_cells_rtl(news_db: Path) -> None:
    html = get(news_db, "/news/articles?_search=الاسلام").text
    assert "ندوة عن تاريخ الإسلام" in html
    assert '<div class="khabar-ar khabar-col-title" dir="rtl" lang="ar">' in html
    assert "/-/khabar/khabar.css" in html
    css = get(news_db, "/-/khabar/khabar.css")
    assert css.status_code == 200 and "direction: rtl" in css.text


@pytest.mark.parametrize("query", ['"', '""', "!!!", "؟،", "(", "*", '"*', "NEAR(", "-"])
def test_punctuation_only_search_is_an_empty_page_not_an_error(news_db: Path, query: str) -> None:
    path = f"/news/articles?_search={quote(query)}"
    html = get(news_db, path)
    assert html.status_code == 200, html.text[:300]
    assert "0 rows" in html.text
    assert get_json(news_db, f"/news/articles.json?_search={quote(query)}&_shape=array") == []


def test_raw_search_mode_cannot_pass_fts_syntax(news_db: Path) -> None:
    response = get(news_db, f"/news/articles.json?_search={quote('AND (')}&_searchmode=raw")
    assert response.status_code == 200 and response.json()["rows"] == []


SEARCH_BOX = re.compile(r'<input[^>]*name="_search"[^>]*value="([^"]*)"')


def test_heading_box_and_links_keep_the_users_words(news_db: Path) -> None:
    typed = "والخارجية"
    first = get(news_db, f"/news/articles?_search={quote(typed)}&_size=1").text
    assert f"search matches &#34;{typed}&#34;" in first
    assert "خارجيه" not in first.split("<table")[0]  # the matching form is never shown
    assert SEARCH_BOX.search(first).group(1) == typed
    # every follow-up link (facets, sort, next page) carries what the user typed
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*_search=[^"]*)"', first)]
    assert links and all(f"_search={quote(typed)}" in link for link in links)
    kinds = {
        "facet": [x for x in links if "_facet" in x or "site=" in x],
        "sort": [x for x in links if "_sort" in x],
        "next": [x for x in links if "_next=" in x],
    }
    assert all(kinds.values()), kinds
    for link in (kinds["facet"][0], kinds["sort"][0], kinds["next"][0]):
        parts = urlsplit(link)
        page = get(news_db, f"{parts.path}?{parts.query}").text
        assert f"search matches &#34;{typed}&#34;" in page, link
        assert SEARCH_BOX.search(page).group(1) == typed, link


def test_canned_search(news_db: Path) -> None:
    rows = get_json(news_db, "/news/search.json?q=الاسلام&site=&_shape=array")
    assert [r["url"] for r in rows] == ["https://example.test/islam"]
    assert "الإسلام" in rows[0]["snippet"]
    only_sana = get_json(news_db, "/news/search.json?q=والخارجية&site=sana&_shape=array")
    assert [r["url"] for r in only_sana] == ["https://sana.sy/?p=532871"]
    assert get_json(news_db, "/news/search.json?q=&site=&_shape=array") == []
    assert get_json(news_db, '/news/search.json?q=AND "(&site=&_shape=array') == []


def test_canned_latest_per_site(news_db: Path) -> None:
    rows = get_json(news_db, "/news/latest_per_site.json?_shape=array")
    by_site: dict[str, list[str]] = {}
    for row in rows:
        by_site.setdefault(row["site"], []).append(row["published_at"])
    assert {site: len(v) for site, v in by_site.items()} == {
        "alwatan": 10,
        "sana": 2,
        "synthetic": 5,
    }
    assert by_site["alwatan"][0] == "2017-03-25T01:15:00+02:00"


def test_canned_today(news_db: Path) -> None:
    rows = get_json(news_db, "/news/today.json?day=2017-03-24&_shape=array")
    assert [r["url"] for r in rows] == ["https://sana.sy/?p=532871"]
    assert get(news_db, "/news/today.json?day=&_shape=array").status_code == 200


def test_canned_duplicate_groups(news_db: Path) -> None:
    rows = get_json(news_db, "/news/duplicate_groups.json?_shape=array")
    assert [(r["url"], r["is_original"]) for r in rows] == [
        ("https://sana.sy/?p=532871", 1),
        ("https://alwatan.sy/archives/94762", 0),
    ]
    assert rows[0]["size"] == 2


def test_sql_functions_for_queries(news_db: Path) -> None:
    sql = "select khabar_fts('والخارجية') as f, khabar_match('AND \"') as m"
    rows = get_json(news_db, f"/news.json?sql={sql}&_shape=array")
    assert rows == [{"f": "خارجيه", "m": '"and"'}]


# --- read-only -----------------------------------------------------------------------------------

WRITE_ATTEMPTS = [
    ("POST", "/news/-/create", {"table": "x", "rows": [{"a": 1}]}),
    ("POST", "/news/articles/-/insert", {"row": {"url": "u"}}),
    ("POST", "/news/articles/-/upsert", {"rows": [{"id": 1, "title": "x"}]}),
    ("POST", "/news/articles/1/-/update", {"update": {"title": "x"}}),
    ("POST", "/news/articles/1/-/delete", {}),
    ("POST", "/news/articles/-/drop", {"confirm": True}),
    ("POST", "/news", {"sql": "delete from articles"}),
    ("POST", "/news/search", {"q": "x", "site": ""}),
    ("POST", "/-/messages", {"message": "x"}),
    ("PUT", "/news/articles/1", {"title": "x"}),
    ("DELETE", "/news/articles/1", {}),
    ("GET", "/news.json?sql=delete from articles", None),
    ("GET", "/news.json?sql=update articles set title = 'x'", None),
    ("GET", "/news.json?sql=drop table articles", None),
    ("GET", "/news.json?sql=attach database 'x.db' as x", None),
    ("GET", "/news.json?sql=pragma journal_mode=delete", None),
]


@pytest.mark.parametrize("snapshot", [False, True], ids=["read-only", "snapshot"])
def test_no_write_endpoint_is_reachable(news_db: Path, snapshot: bool) -> None:
    before = (news_db.read_bytes(), news_db.stat().st_mtime_ns)
    count = get_json(news_db, "/news.json?sql=select count(*) as n from articles&_shape=array")

    async def attempts() -> list[tuple[str, str, int]]:
        ds = make_datasette(news_db, snapshot=snapshot)
        assert ds.databases["news"].is_mutable is not snapshot
        statuses = []
        for method, path, body in WRITE_ATTEMPTS:
            response = await ds.client.request(
                method,
                path,
                content=json.dumps(body) if body is not None else None,
                headers={"content-type": "application/json"},
            )
            statuses.append((method, path, response.status_code))
        return statuses

    statuses = asyncio.run(attempts())
    accepted = [s for s in statuses if s[2] < 400]
    assert accepted == []
    assert (news_db.read_bytes(), news_db.stat().st_mtime_ns) == before
    assert (
        get_json(news_db, "/news.json?sql=select count(*) as n from articles&_shape=array") == count
    )
    wal = news_db.with_name(news_db.name + "-wal")
    # A mode=ro reader of a WAL database may open an empty -wal; nothing is ever written to it.
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_day_only_date_stays_on_its_day(tmp_path: Path) -> None:
    """Issue 10: a page that shows only a day is stored as local midnight; the day facet and
    the `today` query must file it under that day, not under the previous UTC day."""
    db = tmp_path / "days.sqlite"
    store = ArticleStore(db)
    try:
        item = ArticleItem(
            url="https://news.example/day-only",
            site="news",
            found_via="sitemap",
            canonical_url="https://news.example/day-only",
            title="خبر بتاريخ اليوم فقط",
            body="نص الخبر " * 40,
            published_at="2019-06-20T00:00:00+03:00",
            published_precision="day",
            content_hash="h-day-only",
            minhash=NearDupIndex.signature_to_bytes(minhash("نص الخبر " * 40)),
        )
        store.write_articles([store_record(item, keep_raw=False)], crawl_id=None)
    finally:
        store.close()
    data = get_json(db, "/days/articles.json?_size=0&_facet=published_day")
    days = {r["value"]: r["count"] for r in data["facet_results"]["published_day"]["results"]}
    assert days == {"2019-06-20": 1}
    today = get_json(db, "/days/today.json?day=2019-06-20&_shape=array")
    assert [row["title"] for row in today] == ["خبر بتاريخ اليوم فقط"]
    assert get_json(db, "/days/today.json?day=2019-06-19&_shape=array") == []
