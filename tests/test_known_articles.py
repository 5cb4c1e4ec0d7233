"""Skipping stored articles: the SQLite KnownArticles answers per URL from the index, and the
middleware drops stored-and-unchanged article requests, keeps one request per canonical URL
and the `limit`, and stops a listing's pagination on a page of known articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.known import (
    META_ARTICLE_KEY,
    META_CHANGED_AT,
    META_KNOWN,
    META_UNLESS_PAGE_KNOWN,
    KnownArticle,
    KnownArticles,
)
from crawler.middlewares.known_articles import KnownArticlesMiddleware
from crawler.record import ArticleItem
from pipelines.store import store_record
from storage.known import SqliteKnownArticles
from storage.store import ArticleStore

# -- the SQLite implementation ---------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path):
    s = ArticleStore(tmp_path / "k.sqlite")
    items = [
        ArticleItem(
            url="https://news.example/1",
            site="news",
            found_via="feed",
            canonical_url="https://news.example/1",
            published_at="2024-01-01T10:00:00+03:00",
            modified_at="2024-01-02T10:00:00+03:00",
            source_lastmod="2024-01-03T00:00:00+00:00",
        ),
        ArticleItem(
            url="https://news.example/2",
            site="news",
            found_via="feed",
            canonical_url="https://news.example/2",
        ),
        ArticleItem(
            url="https://other.example/3",
            site="other",
            found_via="feed",
            canonical_url="https://other.example/3",
        ),
    ]
    s.write_articles([store_record(i, keep_raw=False) for i in items], crawl_id=None)
    yield s
    s.close()


def test_sqlite_known_articles_answers_per_url(store: ArticleStore) -> None:
    known = SqliteKnownArticles(store.db, "news")
    assert known.get("https://news.example/1") == KnownArticle(
        "https://news.example/1", datetime(2024, 1, 3, tzinfo=UTC)
    )
    assert known.get("https://news.example/2") == KnownArticle("https://news.example/2", None)
    assert known.get("https://news.example/9") is None
    assert known.get("https://other.example/3") is None  # another site's article
    assert known.is_known("https://news.example/2")
    assert known.changed_since("https://news.example/1", datetime(2024, 1, 4, tzinfo=UTC))
    assert not known.changed_since("https://news.example/1", datetime(2024, 1, 2, tzinfo=UTC))
    assert not known.changed_since("https://news.example/9", datetime(2024, 1, 4, tzinfo=UTC))


def test_sqlite_lookup_uses_the_index_never_a_table_scan(store: ArticleStore) -> None:
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    SqliteKnownArticles(store.db, "news").get("https://news.example/1")
    store.db.conn.set_trace_callback(None)
    (sql,) = statements
    plan = " ".join(row[-1] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql))
    # One row by the unique canonical_url index: never a scan of the site's articles.
    assert "USING INDEX idx_articles_canonical_url (canonical_url=?)" in plan, plan


def test_known_article_change_rules() -> None:
    stored = KnownArticle("u", datetime(2024, 1, 3, tzinfo=UTC))
    assert not stored.changed_since(None)
    assert not stored.changed_since(datetime(2024, 1, 3, tzinfo=UTC))
    assert stored.changed_since(datetime(2024, 1, 3, 0, 1, tzinfo=UTC))
    assert KnownArticle("u", None).changed_since(datetime(2000, 1, 1, tzinfo=UTC))


# -- the middleware ---------------------------------------------------------------------------


class DictKnown(KnownArticles):
    """Known articles from a dict (canonical URL → last change), counting lookups."""

    def __init__(self, stored: dict[str, datetime | None] | None = None) -> None:
        self.stored = stored or {}
        self.lookups = 0
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler) -> DictKnown:
        return cls({"https://news.example/known": None})

    def get(self, canonical_url: str) -> KnownArticle | None:
        self.lookups += 1
        if canonical_url not in self.stored:
            return None
        return KnownArticle(canonical_url, self.stored[canonical_url])

    def close(self) -> None:
        self.closed = True


class LimitedSpider(Spider):
    name = "news"
    limit: int | None = None


def middleware(
    stored: dict[str, datetime | None], limit: int | None = None
) -> KnownArticlesMiddleware:
    crawler = get_crawler(LimitedSpider)
    crawler.spider = LimitedSpider()
    crawler.spider.limit = limit
    return KnownArticlesMiddleware(crawler, DictKnown(stored))


def article(key: str, found_via: str = "feed", changed_at: str | None = None) -> Request:
    return Request(
        key + "?utm_source=x",
        meta={"found_via": found_via, META_ARTICLE_KEY: key, META_CHANGED_AT: changed_at},
    )


def passed(mw: KnownArticlesMiddleware, requests: list, response=None) -> list[Request]:
    return list(mw.process_spider_output(response, requests))


STORED = {"https://news.example/old": datetime(2024, 1, 3, tzinfo=UTC)}


def test_stored_and_unchanged_is_skipped_new_is_fetched() -> None:
    mw = middleware(STORED)
    out = passed(mw, [article("https://news.example/old"), article("https://news.example/new")])
    assert [r.meta[META_ARTICLE_KEY] for r in out] == ["https://news.example/new"]
    assert out[0].meta[META_KNOWN] is False
    stats = mw.crawler.stats
    assert stats.get_value("khabar/discovery/skipped_known") == 1
    assert stats.get_value("khabar/discovery/feed") == 1


def test_a_newer_sitemap_date_refetches_a_stored_article() -> None:
    mw = middleware(STORED)
    # The feed gives no change date (skipped, not marked requested); the sitemap's lastmod is
    # newer than what is stored: fetched, marked known (so a 404 would mark it gone).
    out = passed(
        mw,
        [
            article("https://news.example/old"),
            article("https://news.example/old", "sitemap", "2024-01-05T00:00:00+00:00"),
            article("https://news.example/old", "sitemap", "2024-01-06T00:00:00+00:00"),
        ],
    )
    assert len(out) == 1 and out[0].meta["found_via"] == "sitemap"
    assert out[0].meta[META_KNOWN] is True


def test_an_older_sitemap_date_does_not_refetch() -> None:
    mw = middleware(STORED)
    assert (
        passed(mw, [article("https://news.example/old", "sitemap", "2024-01-02T00:00:00Z")]) == []
    )


def test_one_request_per_canonical_url_and_the_limit() -> None:
    mw = middleware({}, limit=2)
    keys = ["https://news.example/a", "https://news.example/a", "https://news.example/b"]
    keys += ["https://news.example/c"]
    out = passed(mw, [article(k) for k in keys])
    assert [r.meta[META_ARTICLE_KEY] for r in out] == keys[1:3]
    assert mw.crawler.stats.get_value("khabar/discovery/skipped_limit") == 1


def test_other_requests_pass_untouched() -> None:
    mw = middleware(STORED)
    feed = Request("https://news.example/feed", meta={"found_via": "feed"})
    item = ArticleItem(url="u", site="news", found_via="feed")
    assert passed(mw, [feed, item]) == [feed, item]
    assert mw.known.lookups == 0


def listing_output(links: list[str], unless_known: bool = True) -> list[Request]:
    next_page = Request(
        "https://news.example/list/2",
        meta={"found_via": "listing", META_UNLESS_PAGE_KNOWN: unless_known},
    )
    return [*(article(k, "listing") for k in links), next_page]


def listing_response() -> HtmlResponse:
    request = Request("https://news.example/list/1", meta={"found_via": "listing"})
    return HtmlResponse(request.url, body=b"<html></html>", request=request)


def test_a_listing_page_of_known_articles_stops_pagination() -> None:
    mw = middleware(dict.fromkeys(["https://news.example/k1", "https://news.example/k2"]))
    out = passed(
        mw,
        listing_output(["https://news.example/k1", "https://news.example/k2"]),
        listing_response(),
    )
    assert out == []
    assert mw.crawler.stats.get_value("khabar/discovery/listing_stopped_known") == 1


def test_a_listing_page_with_a_new_article_goes_on() -> None:
    mw = middleware(dict.fromkeys(["https://news.example/k1"]))
    out = passed(
        mw,
        listing_output(["https://news.example/k1", "https://news.example/n1"]),
        listing_response(),
    )
    assert [r.url for r in out] == [
        "https://news.example/n1?utm_source=x",
        "https://news.example/list/2",
    ]


def test_a_listing_page_with_an_unrequested_unknown_link_goes_on() -> None:
    # n1 was already requested from the feed: nothing fetched here, yet not all are known.
    mw = middleware(dict.fromkeys(["https://news.example/k1"]))
    passed(mw, [article("https://news.example/n1")])
    out = passed(
        mw,
        listing_output(["https://news.example/k1", "https://news.example/n1"]),
        listing_response(),
    )
    assert [r.url for r in out] == ["https://news.example/list/2"]


def test_a_listing_page_whose_links_the_spider_filtered_goes_on() -> None:
    mw = middleware(dict.fromkeys(["https://news.example/k1"]))
    out = passed(
        mw, listing_output(["https://news.example/k1"], unless_known=False), listing_response()
    )
    assert [r.url for r in out] == ["https://news.example/list/2"]


def test_the_lookup_class_is_a_setting_and_is_closed_with_the_spider() -> None:
    crawler = get_crawler(
        LimitedSpider, {"KHABAR_KNOWN_ARTICLES": "tests.test_known_articles.DictKnown"}
    )
    mw = KnownArticlesMiddleware.from_crawler(crawler)
    assert isinstance(mw.known, DictKnown) and mw.known.is_known("https://news.example/known")
    mw.spider_closed()
    assert mw.known.closed
