"""Google News sitemaps: the news: fields Scrapy's Sitemap drops are read, and a news sitemap
without <lastmod> gives the crawl `since` filtering and change detection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrapy.utils.sitemap import Sitemap

from crawler.sitemaps import NewsEntry, news_entries
from tests.conftest import FAST, run_scrapy
from tests.support.replay import ReplayServer, normalise_url
from tests.support.sites import news_sitemap, urlset, wordpress_site

ORIGIN = "https://www.akhbar-misr.com.eg"


def test_scrapy_sitemap_drops_news_fields() -> None:
    """Why crawler.sitemaps exists: Scrapy keeps <news:news> as an empty "news" value."""
    body = news_sitemap([(f"{ORIGIN}/a/1", "2024-03-01T10:00:00+02:00")], "x")
    assert list(Sitemap(body)) == [{"loc": f"{ORIGIN}/a/1", "news": ""}]


def test_news_entries_reads_date_and_title() -> None:
    body = news_sitemap(
        [(f"{ORIGIN}/a/1", "2024-03-01T10:00:00+02:00"), (f"{ORIGIN}/a/2", "2024-03-02")], "x"
    )
    assert news_entries(body) == {
        f"{ORIGIN}/a/1": NewsEntry("2024-03-01T10:00:00+02:00", "عنوان 0"),
        f"{ORIGIN}/a/2": NewsEntry("2024-03-02", "عنوان 1"),
    }


def test_alwatan_news_sitemap(corpus_dir: Path) -> None:
    body = (corpus_dir / "alwatan.sy-replica" / "news-sitemap.xml").read_bytes()
    entries = news_entries(body)
    assert entries["https://alwatan.sy/archives/94762"] == NewsEntry(
        "2017-03-25T01:15:00+02:00",
        "موسكو تطالب واشنطن وأنقرة بتشكيل جبهة ضد الإرهاب بالتنسيق مع دمشق",
    )


def test_not_news_sitemaps_give_nothing() -> None:
    assert news_entries(urlset([(f"{ORIGIN}/a/1", "2024-03-01")])) == {}
    assert news_entries(b"<html><body>no</body></html>") == {}
    truncated = b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    assert news_entries(truncated) == {}
    entity = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e "boom">]>'
        b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        b"<url><loc>&e;</loc><news:news><news:title>t</news:title></news:news></url></urlset>"
    )
    assert "boom" not in str(news_entries(entity))  # entities are never expanded


CONFIG = f"""\
database: khabar.sqlite
sites:
  - name: newsonly
    domains: [akhbar-misr.com.eg]
    timezone: Africa/Cairo
    sitemaps: [{ORIGIN}/news-sitemap.xml]
    article_patterns: ['^https?://(www\\.)?akhbar-misr\\.com\\.eg/\\d+/\\d+/\\d+/[^/]+/?$']
"""


def test_crawl_filters_news_sitemap_by_since_and_skips_unchanged(tmp_path: Path) -> None:
    made = wordpress_site()  # its news sitemap has no <lastmod>, dates 2024-03-01 … 03-06
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "khabar.sqlite"
    with ReplayServer([made.site]) as server:
        env = {**server.env(), "KHABAR_CONFIG": str(config), "KHABAR_DB": str(db)}
        first = run_scrapy(["crawl", "newsonly", "-a", "since=2024-03-04", *FAST], env=env)
        server.reset_log()
        second = run_scrapy(["crawl", "newsonly", *FAST], env=env)
        second_requests = [url for _, url, _ in server.requests]
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT url, published_at FROM articles WHERE crawl_id = 1 ORDER BY url"
        ).fetchall()
    finally:
        conn.close()
    # since=2024-03-04 keeps the three newest of six, by news:publication_date alone
    assert sorted(normalise_url(u) for u, _ in rows) == sorted(
        normalise_url(u) for u in made.articles[3:]
    )
    assert "'khabar/discovery/skipped_before_since': 3" in first.stderr
    # the second crawl fetches only the three it does not have: the stored ones are unchanged
    fetched_articles = [u for u in second_requests if u.count("/") > 4]
    assert sorted(fetched_articles) == sorted(normalise_url(u) for u in made.articles[:3])
    assert "'khabar/discovery/skipped_known': 3" in second.stderr
