"""The archive at a glance and saved searches as feeds, in Datasette 0.65.

* /-/dashboards/archive (datasette-dashboards): its charts' queries give the right numbers on a
  database crawled from the replicas, every script and stylesheet is served by Datasette
  itself, and in headless Chromium with every non-loopback host unresolvable the charts
  render (a screenshot is written to bench/results/dashboard.png).
* /<db>/search_feed.atom (datasette-atom): the Arabic search as an Atom feed with stable ids.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import etree

from crawler.commands.serve import load_metadata, make_datasette
from tests.conftest import FAST, PROJECT_ROOT, run_scrapy
from tests.support.replay import ReplayServer, ReplaySite
from tests.support.serving import khabar_serve
from tests.test_browser import _chromium, chromium  # noqa: F401  (a fixture)
from tests.test_datasette import crawl_replicas

SCREENSHOT = PROJECT_ROOT / "bench" / "results" / "dashboard.png"
CHARTS = ("articles-per-day", "crawl-outcomes", "crawl-volume", "field-coverage", "field-sources")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """The replicas crawled (al-Watan, SANA) plus one crawl that fails (youm7: not served)."""
    db = tmp_path_factory.mktemp("dashboard") / "news.sqlite"
    crawl_replicas(corpus_dir, db)
    site = ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv")
    with ReplayServer([site]) as replay:
        run_scrapy(
            ["crawl", "youm7", *FAST, "-s", "RETRY_TIMES=0"],
            env={**replay.env(), "KHABAR_DB": str(db)},
            check=False,
        )
    return db


@pytest.fixture(scope="module")
def served(news_db: Path) -> Iterator[str]:
    """`khabar serve` on that database; yields its base URL."""
    with khabar_serve(news_db, news_db.with_name("serve.log")) as base:
        yield base


def fetch(db: Path, path: str):
    async def go():
        return await make_datasette(db).client.get(path)

    return asyncio.run(go())


def chart_rows(db: Path, chart: str) -> list[dict]:
    """A dashboard chart's query run as the dashboard runs it (no filter chosen)."""
    spec = load_metadata(db.stem)["plugins"]["datasette-dashboards"]["archive"]["charts"][chart]
    assert spec["db"] == db.stem  # renamed with the database
    sql = re.sub(r"\[\[.*?\]\]", "", spec["query"], flags=re.S)
    response = fetch(db, f"/{db.stem}.json?_shape=array&sql={quote(sql)}")
    assert response.status_code == 200, response.text
    return response.json()


def test_dashboard_page_serves_everything_itself(news_db: Path) -> None:
    response = fetch(news_db, "/-/dashboards/archive")
    assert response.status_code == 200
    html = response.text
    for chart in CHARTS:
        assert chart in html
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("vega-lite" in a for a in assets)
    assert all(a.startswith("/") for a in assets), assets  # nothing from a CDN


def test_chart_queries_count_the_archive(news_db: Path) -> None:
    conn = sqlite3.connect(news_db)
    try:
        per_site = dict(
            conn.execute(
                "select site, count(*) from articles where published_at is not null "
                "and status = 'live' group by site"
            ).fetchall()
        )
        runs = dict(conn.execute("select status, count(*) from crawls group by status"))
    finally:
        conn.close()
    days = chart_rows(news_db, "articles-per-day")
    totals: dict[str, int] = {}
    for row in days:
        totals[row["site"]] = totals.get(row["site"], 0) + row["articles"]
    assert totals == per_site
    assert totals["alwatan"] == 14

    outcomes = chart_rows(news_db, "crawl-outcomes")
    assert {r["status"]: r["runs"] for r in outcomes} == runs
    assert runs.get("failed") == 1 and runs.get("ok") == 2

    volume = chart_rows(news_db, "crawl-volume")
    assert sum(r["new_articles"] for r in volume) >= 16

    coverage = {
        (r["site"], r["field"]): r["percent"] for r in chart_rows(news_db, "field-coverage")
    }
    assert coverage[("alwatan", "date")] == 100.0
    assert coverage[("alwatan", "section")] == 100.0
    assert 0 < coverage[("alwatan", "author")] < 100  # some al-Watan articles show no byline
    sources = chart_rows(news_db, "field-sources")
    dated = [r for r in sources if r["site"] == "alwatan" and r["field"] == "published_at"]
    assert sum(r["articles"] for r in dated) == 14  # every al-Watan date has a provenance
    assert {r["field"] for r in sources if r["site"] == "alwatan"} == {
        "published_at",
        "author",
        "section",
    }


def test_saved_search_as_atom_feed(news_db: Path) -> None:
    path = f"/{news_db.stem}/search_feed.atom?q={quote('وزير الخارجية')}&site="
    first, second = fetch(news_db, path), fetch(news_db, path)
    assert first.status_code == 200, first.text[:500]
    assert first.headers["content-type"].startswith("application/xml")
    feed = etree.fromstring(first.content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    conn = sqlite3.connect(news_db)
    try:
        canonical = {
            r[0]: r[1:] for r in conn.execute("select canonical_url, url, title from articles")
        }
    finally:
        conn.close()
    for entry in entries:
        entry_id = entry.findtext(f"{ATOM}id")
        assert entry_id in canonical  # the article's canonical URL: stable across crawls
        url, title = canonical[entry_id]
        assert entry.findtext(f"{ATOM}title") == title
        assert entry.find(f"{ATOM}link").get("href") == url
        assert re.match(r"\d{4}-\d{2}-\d{2}T", entry.findtext(f"{ATOM}updated"))
        assert "الخارجية" in entry.findtext(f"{ATOM}content")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert ids == [
        e.findtext(f"{ATOM}id") for e in etree.fromstring(second.content).iter(f"{ATOM}entry")
    ]
    # subscribed before the first match: a valid feed with no entries, not an error
    nothing = fetch(news_db, f"/{news_db.stem}/search_feed.atom?q={quote('كلمةغائبة')}&site=")
    assert nothing.status_code == 200
    empty = etree.fromstring(nothing.content)
    assert empty.findall(f"{ATOM}entry") == [] and empty.findtext(f"{ATOM}updated")
    one_site = fetch(news_db, path.replace("site=", "site=sana"))
    assert all("sana.sy" in e for e in re.findall(r"<id>([^<]+)</id>", one_site.text)[1:])


def test_dashboard_renders_offline_in_chromium(
    chromium: str,  # noqa: F811
    served: str,
    tmp_path: Path,
) -> None:
    """Every host but 127.0.0.1 unresolvable: the charts must come from Datasette alone."""
    offline = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    url = f"{served}/-/dashboards/archive"
    dom = _chromium(
        chromium, tmp_path / "p1", offline, "--virtual-time-budget=15000", "--dump-dom", url
    ).stdout
    rendered = re.findall(r'<(?:canvas|svg)[^>]*class="marks"', dom)
    assert len(rendered) == len(CHARTS), dom[:3000]
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    _chromium(
        chromium,
        tmp_path / "p2",
        offline,
        "--virtual-time-budget=15000",
        f"--screenshot={SCREENSHOT}",
        "--window-size=1400,1600",
        url,
    )
    assert SCREENSHOT.stat().st_size > 20_000
