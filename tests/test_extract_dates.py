"""Published/modified dates: order of trust, UTC metas shown in the site zone, Arabic
strings in metas, the top-bar date ignored, URL and feed fallbacks, rejections."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract.article import extract_article
from crawler.extract.rules import ExtractionRules

NOW = datetime(2021, 1, 1, tzinfo=UTC)
DAMASCUS = ExtractionRules(locale="ar-SY", timezone="Asia/Damascus")
CAIRO = ExtractionRules(locale="ar-EG", timezone="Africa/Cairo")
PARA = "<p>" + "نص الخبر في هذه الصفحة فقرة كاملة تكفي للاستخراج. " * 5 + "</p>"


def page(head: str = "", meta_line: str = "", top: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div class='topbar-today-date'>{top}</div>"
        f"<article><h1 class='entry-title'>عنوان الخبر هنا</h1>"
        f"<div class='post-meta'>{meta_line}</div>"
        f"<div class='entry-content'>{PARA}</div></article></body></html>"
    )


def run(html: str, url: str = "https://x.example/a/1", rules: ExtractionRules = DAMASCUS, **kw):
    return extract_article(html, url, rules, now=NOW, **kw)


def test_json_ld_first_then_meta_converted_to_site_zone() -> None:
    head = (
        "<meta property='article:published_time' content='2017-03-24T23:15:00+00:00'>"
        "<meta property='article:modified_time' content='2017-03-24T23:20:00+00:00'>"
    )
    art = run(page(head))
    assert art["published_at"] == "2017-03-25T01:15:00+02:00"
    assert art["modified_at"] == "2017-03-25T01:20:00+02:00"
    assert art["date_source"] == "meta"
    ld = (
        '<script type=\'application/ld+json\'>{"@type":"NewsArticle",'
        '"datePublished":"2017-03-25T01:10:00+02:00"}</script>'
    )
    art = run(page(ld + head))
    assert (art["published_at"], art["date_source"]) == ("2017-03-25T01:10:00+02:00", "jsonld")


def test_time_element() -> None:
    art = run(
        page(meta_line="<time datetime='2020-06-03T03:01+0400'>03 يونيو 2020</time>"),
        rules=ExtractionRules(timezone="Asia/Dubai"),
    )
    assert art["published_at"] == "2020-06-03T03:01:00+04:00"


@pytest.mark.parametrize(
    ("shown", "rules", "expected"),
    [
        ("<span class='date'>الأحد، ٤ أيلول ٢٠١٦</span>", DAMASCUS, "2016-09-04"),
        ("<span class='date'>الأربعاء، 07 أكتوبر 2020 - 12:09 م</span>", CAIRO, "2020-10-07T12:09"),
        (
            "<span class='date'>الجمعة 8 فيفري 2019</span>",
            ExtractionRules(locale="ar-TN", timezone="Africa/Tunis"),
            "2019-02-08",
        ),
    ],
)
def test_displayed_arabic_date(shown: str, rules: ExtractionRules, expected: str) -> None:
    art = run(page(meta_line=shown, top="الأحد، 26 آذار 2017"), rules=rules)
    assert art["published_at"].startswith(expected)
    assert art["date_source"] == "displayed"


def test_topbar_today_is_not_the_publication_date() -> None:
    art = run(page(top="الأحد، 26 آذار 2017"))
    assert art["published_at"] is None


def test_arabic_string_inside_article_published_time() -> None:
    head = "<meta property='article:published_time' content='الأربعاء، 07 أكتوبر 2020 - 12:09 م'>"
    assert run(page(head), rules=CAIRO)["published_at"] == "2020-10-07T12:09:00+03:00" or run(
        page(head), rules=CAIRO
    )["published_at"].startswith("2020-10-07T12:09")


def test_local_time_mislabelled_as_utc_uses_displayed_time() -> None:
    head = "<meta property='article:published_time' content='2020-08-24T09:23:13Z'>"
    shown = "<span class='newsStoryDate'>الإثنين، 24 أغسطس 2020 09:23 ص</span>"
    art = run(page(head, meta_line=shown), rules=CAIRO)
    assert art["published_at"].startswith("2020-08-24T09:23")


def test_url_then_feed_fallbacks_never_now() -> None:
    art = run(page(), url="https://www.youm7.com/story/2020/8/24/slug/4943459", rules=CAIRO)
    assert (art["published_at"][:10], art["date_source"]) == ("2020-08-24", "url")
    art = run(page(), hints={"feed_published": "Fri, 24 Mar 2017 23:15:00 +0000"})
    assert (art["published_at"], art["date_source"]) == ("2017-03-25T01:15:00+02:00", "feed")
    assert run(page())["published_at"] is None


def test_future_candidate_rejected_and_counted() -> None:
    head = "<meta property='article:published_time' content='2030-01-01T10:00:00+00:00'>"
    art = run(page(head, meta_line="<span class='date'>الأحد، ٤ أيلول ٢٠١٦</span>"))
    assert art["published_at"].startswith("2016-09-04")
    assert "future" in art["date_rejections"]
