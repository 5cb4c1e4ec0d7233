"""Hostile pages (issue 17, #25 and #26): nesting past libxml2's limit, and link floods. The
text comes back or the loss is said, never silently; the work and the body stay bounded."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.utils.test import get_crawler

from crawler.cli import main
from crawler.extract.article import extract_article
from crawler.extract.parse_warnings import MAX_LINKS, PARSE_WARNINGS
from crawler.extract.rules import ExtractionRules
from crawler.record import ArticleItem
from pipelines.extract import ExtractPipeline

URL = "https://news.example/2026/12/01/story"
P1 = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير شبكة النقل العام في المدينة خلال العام المقبل."
P2 = "وقال المتحدث باسم الوزارة إن الخطة تشمل تشغيل حافلات كهربائية على الخطوط الرئيسية."
P3 = "وأضاف أن المرحلة الأولى تبدأ في الربيع وتستمر حتى نهاية الصيف بحسب الجدول المعلن."
DEEP = "ويأتي ذلك بعد أشهر من الدراسات التي أجرتها الوزارة بالتعاون مع خبراء دوليين في النقل."
AFTER = "ومن المتوقع أن يستفيد من المشروع أكثر من مليون راكب يومياً عند اكتمال مراحله كلها."


def page(inner: str) -> str:
    return (
        "<html><head><meta charset='utf-8'><title>خطة جديدة للنقل العام</title></head><body>"
        "<article><h1>خطة جديدة للنقل العام</h1><div class='entry-content'>"
        f"<p>{P1}</p><p>{P2}</p><p>{P3}</p>{inner}</div></article></body></html>"
    )


def test_text_past_the_nesting_limit_is_recovered_and_said() -> None:
    n = 100_000
    art = extract_article(
        page("<div>" * n + f"<p>{DEEP}</p>" + "</div>" * n + f"<p>{AFTER}</p>"), URL
    )
    assert art["body"].split("\n") == [P1, P2, P3, DEEP, AFTER]
    assert art["extract_warnings"] == ["nesting_flattened"]


def test_text_lost_past_the_nesting_limit_is_said() -> None:
    n = 3_000  # lists nest too, and are not wrappers the page can do without
    art = extract_article(page("<ul><li>" * n + f"<p>{DEEP}</p>" + "</li></ul>" * n), URL)
    assert DEEP not in art["body"] and P1 in art["body"]
    assert art["extract_warnings"] == ["nesting_limit"]


@pytest.mark.parametrize(
    "links",
    [
        "<ul>" + "".join(f"<li><a href='/t/{i}'>وسم رقم {i}</a></li>" for i in range(150_000)),
        "<p>" + " ".join(f"<a href='/t/{i}'>وسم {i}</a>" for i in range(MAX_LINKS + 1000)),
        "".join(f"<a href='/t/{i}'>وسم {i}</a><br>" for i in range(MAX_LINKS + 1000)),
    ],
    ids=["150000-in-a-list", "a-paragraph-of-links", "links-between-line-breaks"],
)
def test_a_link_flood_is_bounded_and_kept_out_of_the_body(links: str) -> None:
    art = extract_article(page(links), URL)
    assert art["body"].split("\n") == [P1, P2, P3]
    assert art["extract_warnings"] == ["link_flood"]


def test_a_link_list_in_the_article_is_not_body_text() -> None:
    listed = "".join(
        f"<li><a href='/n/{i}'>عنوان خبر آخر في الموقع رقم {i}</a></li>" for i in range(40)
    )
    art = extract_article(page(f"<ul>{listed}</ul>"), URL)
    assert art["body"].split("\n") == [P1, P2, P3]
    assert art["extract_warnings"] == []


def test_the_crawl_counts_each_warning() -> None:
    crawler = get_crawler()
    pipeline = ExtractPipeline(ExtractionRules(), 0, crawler.stats)
    pipeline.open_spider()
    html = page("<div>" * 300 + f"<p>{DEEP}</p>" + "</div>" * 300).encode()
    item = ArticleItem(url=URL, site="demo", found_via="feed", html=html)
    try:
        result = asyncio.run(pipeline.process_item(item))
    finally:
        pipeline.close_spider()
    assert DEEP in result.body
    assert crawler.stats.get_value("khabar/extract_warning/nesting_flattened") == 1


def test_khabar_extract_prints_the_warning(tmp_path, capsys) -> None:
    saved = tmp_path / "deep.html"
    saved.write_text(page("<div>" * 300 + f"<p>{DEEP}</p>" + "</div>" * 300), encoding="utf-8")
    assert main(["extract", str(saved), "--url", URL]) == 0
    captured = capsys.readouterr()
    assert DEEP in captured.out
    assert captured.err == f"khabar: warning: {PARSE_WARNINGS['nesting_flattened']}\n"
