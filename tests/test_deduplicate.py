"""DeduplicatePipeline over a real store: exact copies on one site dropped, near copies grouped,
the index limited to a window of recently stored articles."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler.fingerprint import content_hash
from crawler.record import ArticleItem
from pipelines.deduplicate import DeduplicatePipeline, Duplicate
from pipelines.extract import analyse_page
from pipelines.store import store_record
from storage.store import ArticleStore

STORY = (
    "قال وزير الخارجية في مؤتمر صحفي عقده اليوم في العاصمة إن المحادثات بين الوفود حققت تقدما "
    "ملموسا في عدد من الملفات الاقتصادية والسياسية وأضاف أن الجولة المقبلة ستعقد الشهر القادم "
    "بمشاركة ممثلين عن المنظمات الدولية وأكد أن الحكومة ماضية في تنفيذ التزاماتها تجاه المواطنين "
    "في مختلف المحافظات وأن فرق العمل ستواصل اجتماعاتها الدورية لمتابعة التنفيذ على الأرض "
)
OTHER = (
    "افتتح في المدينة معرض الكتاب السنوي بمشاركة مئة دار نشر من عشرين بلدا وتضمن البرنامج "
    "ندوات شعرية وأمسيات موسيقية وورشات للأطفال ويستمر المعرض عشرة أيام في قاعة المعارض الكبرى "
)


def item(url: str, site: str, body: str) -> ArticleItem:
    html = f"<html><body><article><h1>خبر</h1><p>{body}</p></article></body></html>"
    minhash = analyse_page(html.encode(), url, None, http_encoding=None, hints={})["minhash"]
    return ArticleItem(
        url=url,
        site=site,
        found_via="feed",
        canonical_url=url,
        body=body,
        title="خبر",
        content_hash=content_hash(body),
        minhash=minhash,
    )


def store(db: Path, *items: ArticleItem, first_seen: str | None = None) -> None:
    records = [{**store_record(i, keep_raw=False), "fetched_at": first_seen} for i in items]
    s = ArticleStore(db)
    try:
        s.write_articles(records, crawl_id=None)
    finally:
        s.close()


def pipeline(db: Path, window_days: float = 30) -> DeduplicatePipeline:
    p = DeduplicatePipeline(ArticleStore(db), get_crawler().stats, window_days)
    p.open_spider()
    return p


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "k.sqlite"
    store(
        path,
        item("https://paper.example/old", "paper", STORY + "قديم"),
        first_seen="2020-01-01T00:00:00+00:00",
    )
    store(
        path,
        item("https://paper.example/new", "paper", STORY + "جديد"),
        item("https://paper.example/other", "paper", OTHER),
    )
    return path


def test_exact_copy_on_the_same_site_is_dropped(db: Path) -> None:
    p = pipeline(db)
    try:
        with pytest.raises(Duplicate):
            p.process_item(item("https://paper.example/copy", "paper", STORY + "جديد"))
    finally:
        p.store.close()


def test_agency_copy_on_another_site_is_kept_and_linked(db: Path) -> None:
    p = pipeline(db)
    try:
        copy = p.process_item(item("https://agency.example/1", "agency", "عاجل " + STORY))
    finally:
        p.store.close()
    assert copy.near_duplicates == ["https://paper.example/new"]  # old one is outside the window


def test_window_zero_searches_the_whole_archive(db: Path) -> None:
    p = pipeline(db, window_days=0)
    try:
        copy = p.process_item(item("https://agency.example/1", "agency", "عاجل " + STORY))
    finally:
        p.store.close()
    assert sorted(copy.near_duplicates) == [
        "https://paper.example/new",
        "https://paper.example/old",
    ]


def test_grouping_is_written_by_the_store(db: Path) -> None:
    p = pipeline(db)
    try:
        copy = p.process_item(item("https://agency.example/1", "agency", "عاجل " + STORY))
    finally:
        p.store.close()
    store(db, copy)
    conn = sqlite3.connect(db)
    groups = dict(conn.execute("SELECT canonical_url, dup_group FROM articles"))
    conn.close()
    assert groups["https://agency.example/1"] == groups["https://paper.example/new"] is not None
    assert groups["https://paper.example/other"] is None
