"""Field extractors on small inline pages: title, kicker, byline, section, tags, image,
language, page kind."""

from __future__ import annotations

import pytest

from crawler.extract.article import extract_article
from crawler.extract.rules import ExtractionRules

URL = "https://news.example/archives/1"
PARA = "<p>" + "نص الخبر الأول في هذه الصفحة يكفي ليكون فقرة حقيقية من فقرات المقال. " * 3 + "</p>"


def page(head: str = "", body: str = "", article: str = "") -> str:
    return (
        f"<html lang='ar'><head><meta charset='utf-8'>{head}</head><body>{body}"
        f"<article><h1 class='entry-title'>عنوان الخبر الرئيسي هنا</h1>{article}"
        f"<div class='entry-content'>{PARA}{PARA}</div></article></body></html>"
    )


def run(html: str, rules: ExtractionRules | None = None, **kw):
    return extract_article(html, URL, rules, **kw)


@pytest.mark.parametrize(
    ("og_title", "rules", "expected"),
    [
        (
            "عنوان الخبر الرئيسي هنا - صحيفة الوطن",
            ExtractionRules(title_suffixes=(" - صحيفة الوطن",)),
            "عنوان الخبر الرئيسي هنا",
        ),
        (
            "عنوان الخبر الرئيسي هنا | سانا",
            ExtractionRules(site_name="سانا"),
            "عنوان الخبر الرئيسي هنا",
        ),
        (
            "مفوضية العلاقات الوطنية - عنوان الخبر الرئيسي هنا",
            ExtractionRules(site_name="مفوضية العلاقات الوطنية"),
            "عنوان الخبر الرئيسي هنا",
        ),
        (
            "عنوان الخبر الرئيسي هنا – الموقع",
            ExtractionRules(site_name="الموقع"),
            "عنوان الخبر الرئيسي هنا",
        ),
    ],
)
def test_title_without_site_suffix(og_title: str, rules: ExtractionRules, expected: str) -> None:
    art = run(page(head=f"<meta property='og:title' content='{og_title}'>"), rules)
    assert art["title"] == expected


def test_kicker_printed_inside_h1() -> None:
    html = (
        "<html><head><meta property='og:title' content='موسكو تطالب بجبهة - الوطن'></head>"
        "<body><article><h1 class='post-title entry-title'><span class='post-kicker'>"
        "رحبت بكل ما يساعد</span>&nbsp;…&nbsp;موسكو تطالب بجبهة</h1>"
        f"<div class='entry-content'>{PARA}</div></article></body></html>"
    )
    art = run(html, ExtractionRules(title_suffixes=(" - الوطن",)))
    assert art["title"] == "موسكو تطالب بجبهة"
    assert art["kicker"] == "رحبت بكل ما يساعد"


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        (
            "<span class='meta-author'><span>|</span> <a class='author-name'>وكالات</a></span>",
            "وكالات",
        ),
        ("<span class='writeBy'>كتبت أسماء نصار</span>", "أسماء نصار"),
        ("<div class='jeg_meta_author'>كتب <a>ضحى عرفة</a></div>", "ضحى عرفة"),
        ("<p>حوار: آسيا العتروس</p>", "آسيا العتروس"),
        ("<span class='ref'>المصدر : وكالات</span>", "وكالات"),
        (
            "<div class='source'><span>المصدر:</span><ul><li>(أبوظبي - البيان)</li></ul></div>",
            "(أبوظبي - البيان)",
        ),
        ("<a class='author-name'>سانا</a>", "سانا"),
        ("<a class='author-name'>أ ف ب</a>", "أ ف ب"),
        ("<span class='byline'>بقلم رويترز</span>", "رويترز"),
    ],
)
def test_byline_forms(byline: str, expected: str) -> None:
    assert run(page(article=byline))["author"] == expected


@pytest.mark.parametrize(
    "article",
    [
        "",  # no byline shown at all
        "<span class='vcard author' style='display:none'><a class='author-name'>Ziad</a></span>",
        "<a class='author-name'>صحيفة الوطن</a>",  # the desk account is the site, not a person
    ],
)
def test_no_displayed_byline(article: str) -> None:
    head = (
        "<meta name='twitter:data1' content='صحيفة الوطن'><script type='application/ld+json'>"
        '{"@type":"NewsArticle","author":{"@type":"Person","name":"صحيفة الوطن"}}</script>'
    )
    art = run(page(head=head, article=article), ExtractionRules(site_name="صحيفة الوطن"))
    assert art["author"] is None


def test_feed_author_is_last_resort_and_not_the_site() -> None:
    rules = ExtractionRules(site_name="الوكالة العربية السورية للأنباء - سانا")
    assert run(page(), rules, hints={"feed_author": "سانا"})["author"] is None
    assert run(page(), rules, hints={"feed_author": "رامي"})["author"] == "رامي"


@pytest.mark.parametrize(
    ("body", "article", "head", "expected"),
    [
        (
            "<nav id='breadcrumb'><a href='/'>الرئيسية</a> / <a href='/cat/syria'>سورية</a>"
            "<span class='current'>عنوان الخبر الرئيسي هنا</span></nav>",
            "",
            "",
            "سورية",
        ),
        (
            "<ul class='breadcrumb'><li><a href='/'>الرئيسية</a></li><li><a href='/uae'>"
            "عبر الإمارات"
            "</a></li><li><a href='/uae/news'>أخبار وتقارير</a></li></ul>",
            "",
            "",
            "أخبار وتقارير",
        ),
        (
            "<nav class='nav-path'><a href='/news'>الأخبار</a>"
            "<a href='/news/politics'>سياسة</a></nav>",
            "",
            "",
            "سياسة",
        ),
        (
            "",
            "<span class='post-cat-wrap'><a class='post-cat' href='/c/sport'>رياضة</a></span>",
            "",
            "رياضة",
        ),
        (
            "",
            "<a href='page-19.html' title='القسم'>منظمة التحرير الفلسطينية</a>",
            "",
            "منظمة التحرير الفلسطينية",
        ),
        (
            "",
            "",
            '<script type=\'application/ld+json\'>{"@type":"NewsArticle",'
            '"articleSection":"اقتصاد"}</script>',
            "اقتصاد",
        ),
        # declared beats nothing
        ("", "", "<meta property='article:section' content='فن و متفرقات'>", "فن و متفرقات"),
    ],
)
def test_section_sources(body: str, article: str, head: str, expected: str | None) -> None:
    assert run(page(head=head, body=body, article=article))["section"] == expected


def test_tags_from_meta_then_links() -> None:
    head = (
        "<meta property='article:tag' content='لافروف'>"
        "<meta property='article:tag' content='روسيا'>"
    )
    assert run(page(head=head))["tags"] == ["لافروف", "روسيا"]
    links = "<div class='post-bottom-tags'><a rel='tag'>تشجير</a> <a rel='tag'>طرطوس</a></div>"
    assert run(page(article=links))["tags"] == ["تشجير", "طرطوس"]


@pytest.mark.parametrize(
    ("img", "expected"),
    [
        (
            "<figure class='single-featured-image'><img src='/t/tie-empty.png' data-src='/u/a.jpg'>"
            "</figure>",
            "https://news.example/u/a.jpg",
        ),
        (
            "<div class='post-thumb'><img class='lazy' src='/img/blank.gif' data-original='b.jpg'>"
            "</div>",
            "https://news.example/archives/b.jpg",
        ),
        ("<figure><img src='https://cdn.example/c.jpg'></figure>", "https://cdn.example/c.jpg"),
        ("<div class='stream-item'><figure><img src='/ads/banner.jpg'></figure></div>", None),
    ],
)
def test_lead_image_resolves_lazy_sources(img: str, expected: str | None) -> None:
    assert run(page(article=img))["image_url"] == expected


def test_og_image_wins() -> None:
    head = "<meta property='og:image' content='https://news.example/full.jpg'>"
    art = run(page(head=head, article="<figure><img data-src='/small.jpg'></figure>"))
    assert art["image_url"] == "https://news.example/full.jpg"


PERSIAN = (
    "<p>" + "این یک خبر فارسی است که در آن کلمات پیش‌بینی و گزارش‌های ویژه آمده است. " * 4 + "</p>"
)
ENGLISH = (
    "<p>" + "This is an English news story about the weather and the markets today. " * 4 + "</p>"
)


@pytest.mark.parametrize(
    ("lang_attr", "text", "expected"),
    [
        ("ar", PARA, "ar"),
        ("en-US", PARA, "ar"),  # beirutobserver: Arabic text under lang=en-US
        ("fa", PERSIAN, "fa"),
        ("ar", PERSIAN, "fa"),
        ("en", ENGLISH, "en"),
    ],
)
def test_language_from_text(lang_attr: str, text: str, expected: str) -> None:
    html = (
        f"<html lang='{lang_attr}'><body><article><h1>عنوان الخبر هنا</h1>"
        f"<div class='entry-content'>{text}{text}</div></article></body></html>"
    )
    assert run(html)["language"] == expected


def test_listing_page_is_not_an_article() -> None:
    items = "".join(
        f"<article><h2><a href='/archives/{i}'>خبر رقم {i} عن الأحداث</a></h2>"
        f"<p>مقتطف قصير</p></article>"
        for i in range(10)
    )
    html = (
        f"<html><head><meta property='og:type' content='object'></head><body><main>{items}"
        "</main></body></html>"
    )
    assert run(html)["page_kind"] == "listing"


def test_result_keys_and_canonical() -> None:
    head = "<link rel='canonical' href='/archives/1'>"
    art = run(page(head=head))
    assert art["canonical_hint"] == "https://news.example/archives/1"
    assert {
        "url",
        "title",
        "kicker",
        "author",
        "section",
        "tags",
        "published_at",
        "modified_at",
        "date_source",
        "date_rejections",
        "language",
        "body",
        "word_count",
        "image_url",
        "site_name",
        "page_kind",
        "encoding",
    } <= set(art)
    assert art["word_count"] == len(art["body"].split())


def test_unclosed_h1_does_not_swallow_the_article_into_the_title() -> None:
    html = (
        "<html lang='ar'><head><meta charset='utf-8'><title>عنوان الخبر الرئيسي هنا</title></head>"
        f"<body><article><h1 class='entry-title'>عنوان الخبر الرئيسي هنا"
        f"<div class='entry-content'>{PARA}{PARA}{PARA}</div></article></body></html>"
    )
    art = run(html)
    assert art["title"] == "عنوان الخبر الرئيسي هنا"
    assert len(art["body"].split()) > 60
