"""Language identification (issue 16): Arabic told apart from Persian, Urdu, Kurdish Sorani,
Pashto and Uyghur on a labelled set, and what the pipeline does with a page in another language.

bench/languages.py prints the same sets scored by khabar's detector and by hand-written rules.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler.extract import language
from crawler.extract.article import extract_article
from crawler.extract.rules import ExtractionRules
from crawler.record import ArticleItem
from pipelines.extract import ExtractPipeline
from pipelines.validate import ValidatePipeline
from tests.support.language_samples import SENTENCES, corpus_samples, samples

URL = "https://news.example/2024/05/1"


def test_every_sample_of_the_labelled_set_is_told_apart() -> None:
    """Measured 560/560 (paragraphs, site variants, headlines; bench/languages.py); the letter
    and function-word rules it replaced get 532/560, the old detector 281/560."""
    wrong = Counter(
        (s.language, s.kind, got)
        for s in samples()
        if (got := language.detect_language(s.text, s.declared or None)) != s.language
    )
    assert not wrong, wrong


def test_corpus_pages_keep_their_language(corpus_dir: Path) -> None:
    found = corpus_samples(corpus_dir)
    assert Counter(s.language for s in found) == {"ar": 29, "fa": 2}
    assert [s for s in found if language.detect_language(s.text, s.declared) != s.language] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("از کشف ۷۲ دستگاه موتور قاچاق در مهریز تا دستگیری سارق", "fa"),
        ("ورود ۵۰ هزار میلیارد تومان نقدینگی به بورس در ۳ ماه", "fa"),
        ("پژوهشگاه", "fa"),
        ("طالب وزير الخارجية الروسي سيرغي لافروف كل الأطراف", "ar"),
        # Arabic typed on a Persian keyboard, as Iranian Arabic-language sites do
        ("قال وزیر الخارجیة فی بیان إن المحادثات التی جرت کانت مثمرة", "ar"),
        ("ئەمڕۆ هەرێمی کوردستان", "ckb"),
        ("ئه\u200cمڕۆ حکومه\u200cتی هه\u200cرێم ڕایگه\u200cیاند", "ckb"),  # older Sorani spelling
        ("د افغانستان د ملي شورا غړو", "ps"),
        ("بازاردا كۆكتات باھاسى ئۆرلىدى", "ug"),
        ("قومی کرکٹ ٹیم نے میچ جیت لیا", "ur"),
    ],
)
def test_short_texts(text: str, expected: str) -> None:
    assert language.detect_language(text) == expected


def test_plainly_arabic_text_does_not_load_the_model() -> None:
    """The model costs ~75 MB and a second per process: an Arabic page must not pay for it."""
    language._identifier.cache_clear()
    assert language.detect_language(" ".join(SENTENCES["ar"][:3])) == "ar"
    assert language._identifier.cache_info().misses == 0
    assert language.detect_language(SENTENCES["fa"][0]) == "fa"
    assert language._identifier.cache_info().misses == 1


def test_no_arabic_page_of_the_corpus_loads_the_model(corpus_dir: Path) -> None:
    language._identifier.cache_clear()
    pages = [
        p for p in corpus_dir.glob("*/*.html") if p.parent.name not in ("yjc.ir", "aryanews.com")
    ]
    assert len(pages) > 30
    for path in pages:
        assert extract_article(path.read_bytes(), "https://corpus.example/a")["language"] == "ar"
    assert language._identifier.cache_info().currsize == 0


def page(body: str, head: str = "", lang: str = "") -> str:
    lang_attr = f" lang='{lang}'" if lang else ""
    return (
        f"<html{lang_attr}><head><meta charset='utf-8'>{head}</head><body><article>"
        f"<h1>{body.split('.')[0][:60]}</h1><div class='entry-content'>"
        + "".join(f"<p>{body}</p>" for _ in range(3))
        + "</div></article></body></html>"
    )


KURDISH = " ".join(SENTENCES["ckb"][:4])


@pytest.mark.parametrize("lang", ["ckb", "ku", "fa", "ar", ""])
def test_a_sorani_page_is_kurdish_whatever_it_declares(lang: str) -> None:
    assert extract_article(page(KURDISH, lang=lang), URL)["language"] == "ckb"


@pytest.mark.parametrize(
    ("head", "lang", "expected"),
    [
        ("", "fa-IR", "fa"),
        ("<meta property='og:locale' content='ckb_IQ'>", "", "ckb"),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","inLanguage":"ps-AF"}'
            "</script>",
            "",
            "ps",
        ),
        ("", "", None),
    ],
)
def test_the_declared_language_decides_only_when_there_is_no_text(
    head: str, lang: str, expected: str | None
) -> None:
    html = f"<html lang='{lang}'><head>{head}</head><body><div></div></body></html>"
    if not lang:
        html = html.replace(" lang=''", "")
    assert extract_article(html, URL)["language"] == expected


def extracted(html: str) -> ArticleItem:
    pipeline = ExtractPipeline(ExtractionRules(), 0, get_crawler().stats)
    item = ArticleItem(url=URL, site="demo", found_via="feed", html=html.encode())
    return asyncio.run(pipeline.process_item(item))


@pytest.mark.parametrize(
    ("code", "reason"),
    [("ckb", "language_ckb"), ("fa", "language_fa"), ("ps", "language_ps"), ("ar", None)],
)
def test_an_arabic_site_rejects_a_page_in_another_language_by_name(code: str, reason) -> None:
    validate = ValidatePipeline(min_words=20, stats=get_crawler().stats)
    item = extracted(page(" ".join(SENTENCES[code][:5]), lang="ar"))
    assert item.language == code
    assert validate.reason(item) == reason
