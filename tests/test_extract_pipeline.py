"""ExtractPipeline: extraction in worker processes, and a worker that dies loses one page only."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler.extract.rules import ExtractionRules
from crawler.record import ArticleItem
from pipelines.extract import ExtractFailed, ExtractPipeline, analyse_page

PARA = "<p>" + "أعلنت وزارة النقل اليوم عن خطة جديدة لتحسين الخدمات في المدينة. " * 4 + "</p>"
PAGE = (
    "<html lang='ar'><head><meta charset='utf-8'><title>خبر تجريبي للاختبار</title></head>"
    f"<body><article><h1>خبر تجريبي للاختبار</h1><div class='entry-content'>{PARA}{PARA}</div>"
    "</article></body></html>"
).encode()


def crash_on_marker(html: bytes, url: str, rules: ExtractionRules, **kwargs: Any) -> dict:
    """Stands in for a page that kills the worker process (a parser crash, the OOM killer)."""
    if b"KILL-THE-WORKER" in html:
        os._exit(1)
    return analyse_page(html, url, rules, **kwargs)


def item(n: int, html: bytes = PAGE) -> ArticleItem:
    return ArticleItem(url=f"https://news.example/{n}", site="demo", found_via="feed", html=html)


async def process_all(pipeline: ExtractPipeline, items: list[ArticleItem]) -> list:
    return await asyncio.gather(*(pipeline.process_item(i) for i in items), return_exceptions=True)


@pytest.mark.parametrize("workers", [0, 1])
def test_pages_are_extracted_in_process_or_in_the_pool(workers: int) -> None:
    pipeline = ExtractPipeline(ExtractionRules(), workers, get_crawler().stats)
    pipeline.open_spider()
    try:
        (result,) = asyncio.run(process_all(pipeline, [item(1)]))
    finally:
        pipeline.close_spider()
    assert result.title == "خبر تجريبي للاختبار"
    assert "وزارة النقل" in result.body and result.minhash


def test_a_page_that_kills_its_worker_is_skipped_and_the_crawl_goes_on() -> None:
    crawler = get_crawler()
    pipeline = ExtractPipeline(ExtractionRules(), 1, crawler.stats, analyse=crash_on_marker)
    pipeline.open_spider()
    try:
        poison = item(0, PAGE + b"<!-- KILL-THE-WORKER -->")
        results = asyncio.run(process_all(pipeline, [item(1), poison, item(2), item(3)]))
        after = asyncio.run(process_all(pipeline, [item(4)]))
    finally:
        pipeline.close_spider()
    assert isinstance(results[1], ExtractFailed)
    good = [r for i, r in enumerate(results) if i != 1] + after
    assert all(isinstance(r, ArticleItem) and r.title for r in good), good
    stats = crawler.stats.get_stats()
    assert stats["khabar/rejected/extract_worker_crashed"] == 1
    assert stats["khabar/extract/pool_restarts"] >= 1
