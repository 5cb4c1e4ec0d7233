"""The article record is defined once: the lists derived from it match the schema and the
extractor, and items survive the wire format (JSON) unchanged."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlite_utils import Database

from crawler.extract.article import extract_article
from crawler.record import (
    ARTICLE_COLUMNS,
    ARTICLE_FIELDS,
    EXTRACTED_FIELDS,
    JSON_FIELDS,
    ONE_LINE_FIELDS,
    REVISION_FIELDS,
    STORE_COLUMNS,
    ArticleItem,
    GoneArticle,
    from_wire,
    to_wire,
)
from storage import schema

PAGE = (
    "<html lang='ar'><head><title>عنوان الخبر</title></head><body><article><h1>عنوان الخبر</h1>"
    "<p>" + "نص الخبر العربي الطويل " * 20 + "</p></article></body></html>"
)


def full_item() -> ArticleItem:
    return ArticleItem(
        url="https://news.example/a/1?x=1",
        site="demo",
        found_via="sitemap",
        html="<p>نص</p>\x00\xff".encode("utf-8", "surrogatepass") + bytes(range(256)),
        http_encoding="windows-1256",
        hints={"lastmod": "2024-05-01T10:00:00+00:00", "feed_author": "سمر"},
        source_lastmod="2024-05-01T10:00:00+00:00",
        title="عنوان",
        tags=["سوريا", "اقتصاد"],
        published_at="2024-05-01T12:00:00+03:00",
        published_precision="minute",
        field_sources={"title": "h1", "published_at": "json-ld"},
        date_rejections=["january_first"],
        body="نص " * 30,
        word_count=30,
        canonical_url="https://news.example/a/1",
        content_hash="ab" * 32,
        minhash=b"\x00\x01\xfe\xff" * 64,
        near_duplicates=["https://other.example/b"],
    )


@pytest.fixture(scope="module")
def articles_columns() -> set[str]:
    db = Database(memory=True)
    schema.apply(db)
    return set(db["articles"].columns_dict)


def test_every_stored_field_is_an_articles_column(articles_columns: set[str]) -> None:
    assert set(ARTICLE_COLUMNS) <= articles_columns


def test_every_articles_column_is_a_record_field_or_the_stores_own(
    articles_columns: set[str],
) -> None:
    # A column nobody fills (or a field nobody stores) shows up here, not as silent NULLs.
    assert articles_columns == set(ARTICLE_COLUMNS) | set(STORE_COLUMNS)


def test_revisions_keep_exactly_the_revised_fields() -> None:
    db = Database(memory=True)
    schema.apply(db)
    bookkeeping = {"id", "article_id", "replaced_at", "crawl_id"}
    assert set(db["article_revisions"].columns_dict) == set(REVISION_FIELDS) | bookkeeping


def test_extractor_fills_the_extracted_fields() -> None:
    record = extract_article(PAGE.encode(), "https://news.example/a/1")
    # minhash comes from the worker (pipelines.extract.analyse_page), the rest from here.
    assert set(EXTRACTED_FIELDS) - {"minhash"} <= set(record)


def test_derived_lists() -> None:
    assert ONE_LINE_FIELDS == ("title", "kicker", "author", "section")
    assert set(JSON_FIELDS) == {"tags", "field_sources"}
    assert {"field_sources", "published_precision", "content_hash"} <= set(ARTICLE_FIELDS)
    assert not {"url", "canonical_url", "html", "minhash"} & set(ARTICLE_FIELDS)


@pytest.mark.parametrize(
    "item",
    [full_item(), ArticleItem(url="u", site="s", found_via="feed"), GoneArticle("s", "u", 410)],
    ids=["full", "empty", "gone"],
)
def test_wire_round_trip(item: ArticleItem | GoneArticle) -> None:
    wire = to_wire(item)
    text = json.dumps(wire)  # JSON-safe: no bytes, no datetimes
    assert from_wire(json.loads(text)) == item


def test_wire_bytes_are_base64() -> None:
    wire = to_wire(ArticleItem(url="u", site="s", found_via="feed", html=b"\xff\x00"))
    assert wire["kind"] == "article" and wire["html"] == "/wA="


def test_wire_covers_every_field() -> None:
    assert set(to_wire(full_item())) == {"kind"} | {
        f.name for f in dataclasses.fields(ArticleItem)
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "page", "url": "u"}, "not a khabar item"),
        ({"url": "u"}, "not a khabar item"),
        ({"kind": "article", "url": "u", "site": "s", "found_via": "f", "colour": 1}, "colour"),
        ({"kind": "article", "url": "u"}, "bad article item"),
        ({"kind": "article", "url": "u", "site": "s", "found_via": "f", "html": "*"}, "bad"),
    ],
)
def test_from_wire_refuses_what_it_cannot_read(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_wire(data)
