"""Extraction on layouts nobody configured (issue 9): small pages written the way real Arabic
CMSs mark them up (WordPress Jannah/tagDiv/JNews, Drupal, ASP.NET WebForms, Next.js, AMP, old
windows-1256 tables), with class names nobody's selectors know. Default rules only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract.article import extract_article
from crawler.extract.rules import ExtractionRules
from crawler.extract.sources import OFFSET_KEY, SOURCED_FIELDS, VOCABULARY

NOW = datetime(2025, 1, 1, tzinfo=UTC)
URL = "https://www.news.example/story/4711"
TITLE = "وزير الاقتصاد يعلن خطة لدعم الصادرات"
PARA = (
    "أعلن وزير الاقتصاد اليوم أن الحكومة ستطلق خطة جديدة لدعم الصادرات الوطنية خلال العام "
    "المقبل، مشيراً إلى أن الخطة تشمل تسهيلات للمصدرين وتخفيضات في الرسوم الجمركية."
)
BODY = "".join(f"<p>{PARA} فقرة رقم {i}.</p>" for i in range(4))
MENU = (
    "<nav class='q81'><ul>"
    + "".join(
        f"<li><a href='/section/{i}'>{name}</a></li>"
        for i, name in enumerate(
            "الرئيسية سياسة اقتصاد رياضة محليات منوعات صحة تكنولوجيا ثقافة فيديو صور مجتمع تعليم "
            "سياحة بيئة أسواق حوادث تحقيقات مقالات رأي".split()
        )
    )
    + "</ul></nav>"
)


def page(head: str = "", header: str = "", body: str = BODY, after: str = "", top: str = "") -> str:
    """A page whose classes are hashes: header region under the headline, then the body."""
    return (
        f"<html lang='ar'><head><meta charset='utf-8'><title>{TITLE} - الخبر اليوم</title>"
        f"{head}</head><body><header class='x1'><a href='/'>الخبر اليوم</a>"
        f"<span class='x7'>{top}</span>{MENU}</header>"
        f"<main class='x2'><div class='c9f'><h1 class='h3k'>{TITLE}</h1>"
        f"<div class='m4z'>{header}</div><div class='b8q'>{body}</div>{after}</div></main>"
        "<aside class='x3'><h2>الأكثر قراءة</h2><div><h3><a href='/news/1'>خبر آخر عن "
        "الانتخابات البلدية</a></h3><span class='d1'>12 مارس 2019</span></div></aside>"
        "</body></html>"
    )


def run(html: str | bytes, rules: ExtractionRules | None = None, **kw):
    return extract_article(html, URL, rules, now=NOW, **kw)


# --- declared beats nothing ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("head", "author", "source"),
    [
        ("<meta property='article:author' content='سامر يوسف'>", "سامر يوسف", "meta"),
        ("<meta name='author' content='ريم الحسن'>", "ريم الحسن", "meta"),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","author":'
            '[{"@type":"Person","name":"علي حسن"},{"@type":"Person","name":"منى سالم"}]}</script>',
            "علي حسن، منى سالم",
            "jsonld",
        ),
        # desk accounts, the site's name and domain, a web designer credit: nobody
        ("<meta name='author' content='admin'>", None, None),
        ("<meta name='author' content='فريق التحرير'>", None, None),
        ("<meta name='author' content='الخبر اليوم'>", None, None),
        ("<meta name='author' content='News.example'>", None, None),
        ("<meta name='author' content='MONGID DESIGNS'>", None, None),
        ("<meta property='article:author' content='https://facebook.com/site'>", None, None),
    ],
)
def test_declared_author_when_none_is_shown(head: str, author: str | None, source: str) -> None:
    art = run(page(head=head))
    assert art["author"] == author
    assert art["field_sources"].get("author") == source


@pytest.mark.parametrize(
    ("head", "header", "section", "source"),
    [
        ("<meta property='article:section' content='اقتصاد'>", "", "اقتصاد", "meta"),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle",'
            '"articleSection":["اقتصاد","أسواق"]}</script>',
            "",
            "اقتصاد",
            "jsonld",
        ),
        # the parent section declared, the sub-section shown: the shown one
        (
            "<meta property='article:section' content='اقتصاد'>",
            "<span class='zz1'><a href='/section/15'>أسواق</a></span>",
            "أسواق",
            "position",
        ),
        # a plain label above nothing but a menu entry's name, no link, no class we know
        ("", "<span class='k2'>القسم: رياضة</span>", "رياضة", "position"),
        ("", "<a class='u5' href='/category/sport'>ملاعب</a>", "ملاعب", "position"),
        ("", "", None, None),  # a menu of 20 sections is not a section
    ],
)
def test_section_declared_or_shown_by_the_headline(
    head: str, header: str, section: str | None, source: str | None
) -> None:
    art = run(page(head=head, header=header))
    assert art["section"] == section
    assert art["field_sources"].get("section") == source


@pytest.mark.parametrize(
    ("trail", "expected"),
    [
        (
            "<div class='t1'><a href='/'>الرئيسية</a> » <a href='/section/2'>اقتصاد</a> » "
            f"<a href='/story/4711'>{TITLE}</a></div>",
            "اقتصاد",
        ),
        (
            "<div class='t1'><a href='/'>الرئيسية</a> / <a href='/section/4'>محليات</a> / "
            "<a href='/x'>تفاصيل الخبر</a></div>",
            "محليات",
        ),
        (
            "<ol class='t2'><li><a href='/'>الرئيسية</a></li><li><a href='/s/9'>عربي ودولي</a>"
            f"</li><li><a href='/story/4711'>{TITLE[:20]}…</a></li></ol>",
            "عربي ودولي",
        ),
    ],
)
def test_unlabelled_breadcrumb(trail: str, expected: str) -> None:
    art = run(page(header=trail))
    assert (art["section"], art["field_sources"]["section"]) == (expected, "breadcrumb")


def crumbs(middle: str, href: str = "/news") -> str:
    return (
        f"<div class='t1'><a href='/'>الرئيسية</a> » <a href='{href}'>{middle}</a> » "
        f"<a href='/story/4711'>{TITLE}</a></div>"
    )


@pytest.mark.parametrize(
    ("head", "header", "hints", "section", "source"),
    [
        # a generic crumb gives way to a specific category, shown or declared
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","articleSection":"محليات"}'
            "</script>",
            crumbs("الأخبار"),
            None,
            "محليات",
            "jsonld",
        ),
        (
            "<meta property='article:section' content='اقتصاد'>",
            crumbs("أخبار"),
            None,
            "اقتصاد",
            "meta",
        ),
        (
            "",
            crumbs("News") + "<a class='u5' href='/category/sport'>رياضة</a>",
            None,
            "رياضة",
            "position",
        ),
        ("", crumbs("آخر الأخبار"), {"feed_section": "سياسة"}, "سياسة", "feed"),
        # ... and stays when nothing more specific is there; a specific crumb stays first
        ("", crumbs("الأخبار"), None, "الأخبار", "breadcrumb"),
        (
            "<meta property='article:section' content='اقتصاد'>",
            crumbs("أسواق"),
            None,
            "أسواق",
            "breadcrumb",
        ),
        # an opinion column's trail ends in the columnist's page: the section is the opinion one
        (
            "",
            "<nav class='breadcrumb'><a href='/'>الرئيسية</a> › <a href='/opinion'>مقالات</a> › "
            "<a href='/writers/12'>سالم باعباد</a></nav>",
            None,
            "مقالات",
            "breadcrumb",
        ),
        # ... or its link over the headline, wherever it points
        ("", "", None, "آراء", "position"),
        # the home crumb in Persian, Urdu, Kurdish, Pashto, Uyghur
        *(
            (
                "",
                f"<div class='t3'><a href='/'>{home}</a> › <a href='/c/4'>جیهان</a></div>",
                None,
                "جیهان",
                "breadcrumb",
            )
            for home in ("صفحه نخست", "صفحہ اول", "سەرەکی", "کور پاڼه", "باش بەت")
        ),
    ],
)
def test_generic_crumb_is_not_the_section(
    head: str, header: str, hints: dict | None, section: str, source: str
) -> None:
    html = page(head=head, header=header)
    if section == "آراء" and not header:
        html = html.replace("<h1 ", "<div class='o1'><a href='/news/10'>آراء</a></div><h1 ", 1)
    art = run(html, hints=hints)
    assert (art["section"], art["field_sources"]["section"]) == (section, source)


# --- bylines -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "body", "author", "source"),
    [
        ("<span class='a1'>بقلم : سمير علي</span>", BODY, "سمير علي", "byline"),
        ("", f"<p><b>الأيام/بقلم : سمير علي</b></p>{BODY}", "سمير علي", "byline"),
        (
            "<div class='r'><span>كتب</span> <span>هالة سرحان</span></div>",
            BODY,
            "هالة سرحان",
            "byline",
        ),
        (
            "<span>بواسطة <a href='/author/7/'>جمال منصور</a></span>",
            BODY,
            "جمال منصور",
            "displayed",
        ),
        (
            "<div class='z'><span class='q'>كتبه <span>شيماء بوزيد</span></span> "
            "<span>قبل ساعة</span></div>",
            BODY,
            "شيماء بوزيد",
            "byline",
        ),
        (
            "<span>بواسطة دينا الزعبي &nbsp; نشر بتاريخ: 29 سبتمبر 2020</span>",
            BODY,
            "دينا الزعبي",
            "byline",
        ),
        ("", BODY + f"<p>{PARA} (أ ف ب)</p>", "أ ف ب", "byline"),
        ("", BODY + "<p>--(بترا)</p>", "بترا", "byline"),
        ("", f"<p>حلب (واس) - {PARA}</p>{BODY}", "واس", "byline"),
        ("", f"<p>الكويت-سانا {PARA}</p>{BODY}", "سانا", "byline"),
        ("", f"<p>بغداد - أ ف ب - {PARA}</p>{BODY}", "أ ف ب", "byline"),
        ("", BODY + "<p>المصدر: سانا</p>", "سانا", "byline"),
        ("<div class='p'>حسن الزعبي</div>", BODY, "حسن الزعبي", "position"),
        # a desk account posting the story is nobody; the agency dateline is the author
        (
            "<span>أرسلت بواسطة editor في 16 ماي 2014</span>",
            f"<p>القاهرة - وام - {PARA}</p>",
            "وام",
            "byline",
        ),
    ],
)
def test_byline_forms_without_known_classes(
    header: str, body: str, author: str, source: str
) -> None:
    art = run(page(header=header, body=body))
    assert (art["author"], art["field_sources"]["author"]) == (author, source)


def test_navigation_fragment_is_never_an_author() -> None:
    menu = "<ul class='w'>" + "".join(
        f"<li><a href='/c/{i}'>{t}</a></li>"
        for i, t in enumerate(["كتب وإصدارات", "ثقافة", "فنون", "رياضة", "صحة", "علوم"])
    )
    art = run(page(header=menu + "</ul>"))
    assert art["author"] is None


# --- issue 16: who is not an author, and what is not part of a name ----------------------------
def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


@pytest.mark.parametrize(
    ("head", "url", "author"),
    [
        # the publisher as author: an Organization, inline or by @id in a Yoast graph
        (
            ld('{"@type":"NewsArticle","author":{"@type":"Organization","name":"مؤسسة الخبر"}}'),
            URL,
            None,
        ),
        (
            ld(
                '{"@type":"NewsArticle","author":[{"@type":"Person","name":"علي حسن"},'
                '{"@type":"NewsMediaOrganization","name":"مؤسسة الخبر"}]}'
            ),
            URL,
            "علي حسن",
        ),
        (
            ld(
                '{"@graph":[{"@type":"NewsArticle","author":{"@id":"https://x/#o"}},'
                '{"@type":"Organization","@id":"https://x/#o","name":"مؤسسة الخبر"}]}'
            ),
            URL,
            None,
        ),
        (
            ld(
                '{"@graph":[{"@type":"NewsArticle","author":{"@id":"https://x/#p"}},'
                '{"@type":"Person","@id":"https://x/#p","name":"سامر يوسف"}]}'
            ),
            URL,
            "سامر يوسف",
        ),
        # ... unless it is the agency whose copy this is
        (
            ld('{"@type":"NewsArticle","author":{"@type":"Organization","name":"رويترز"}}'),
            URL,
            "رويترز",
        ),
        # the site's name in Latin letters: its domain (with a hyphen), or its romanisation
        (
            "<meta name='author' content='Al-Ayyam'>",
            "https://www.al-ayyam.ps/ar_page.php?id=1",
            None,
        ),
        ("<meta name='author' content='Al Khabar Al Yawm'>", URL, None),
        ("<meta name='author' content='Alkhabar alyawm news'>", URL, None),
        ("<meta name='author' content='Sameer Ali'>", URL, "Sameer Ali"),
    ],
)
def test_the_publisher_is_not_the_author(head: str, url: str, author: str | None) -> None:
    assert extract_article(page(head=head), url, now=NOW)["author"] == author


@pytest.mark.parametrize(
    ("header", "body", "author"),
    [
        # a dateline beside the name
        ("<span class='byline'>المكلا - سالم باعباد</span>", BODY, "سالم باعباد"),
        ("<div class='q5'>المكلا - سالم باعباد</div>", BODY, "سالم باعباد"),
        ("<span class='byline'>سالم باعباد - المكلا</span>", BODY, "سالم باعباد"),
        # byline labels of every Arabic-script language
        ("<span class='q6'>نویسنده: علی رضایی</span>", BODY, "علی رضایی"),
        ("<span class='q6'>به‌قلم علی رضایی</span>", BODY, "علی رضایی"),
        ("<span class='q6'>نووسینی: ئارام عەلی</span>", BODY, "ئارام عەلی"),
        ("<span class='q6'>تحریر: احمد علی</span>", BODY, "احمد علی"),
        ("<span class='q6'>لیکوال: احمد شاه</span>", BODY, "احمد شاه"),
        ("<p>تقرير: منى سالم</p>", BODY, "منى سالم"),
        ("<span class='byline'>بقلم الكاتب سالم باعباد</span>", BODY, "سالم باعباد"),
        ("<p>تقرير: اللجنة الوطنية للانتخابات تحذر من التأجيل</p>", BODY, None),
        ("<div class='q7'>المكلا: نبيل العلي</div>", BODY, "نبيل العلي"),
        ("<div class='q7'>سيئون/ كريم سلامة</div>", BODY, "كريم سلامة"),
        ("<div class='q7'>بقلم الكاتب: علي العبيدي</div>", BODY, "علي العبيدي"),
        ("<div class='q7'>الكاتب الصحفي: إبراهيم نصار</div>", BODY, "إبراهيم نصار"),
        ("<div class='q7'>إعداد وتحرير: نورهان الشامي</div>", BODY, "نورهان الشامي"),
        ("<div class='q7'>تهیه و تنظیم: رضا رحیمی</div>", BODY, "رضا رحیمی"),
        ("<div class='q7'>نمائندہ خصوصی: احمد علی</div>", BODY, "احمد علی"),
        # a date line is not a dateline beside a name
        ("<div class='q7'>تاريخ النشر: 2020/05/03</div>", BODY, None),
        # agencies however they are dotted, bracketed or slashed, after the place and the date
        ("", f"<p>القاهرة (أ.ش.أ) - {PARA}</p>{BODY}", "أ.ش.أ"),
        ("", f"<p>عمّان 21 تموز (بترا)- {PARA}</p>{BODY}", "بترا"),
        ("", f"<p>الرباط - 2 شتنبر 2021 (ومع) - {PARA}</p>{BODY}", "ومع"),
        ("", f"<p>الدوحة في 16 يونيو /قنا/ {PARA}</p>{BODY}", "قنا"),
        ("", f"<p>أبوظبي في 27 أغسطس / وام / {PARA}</p>{BODY}", "وام"),
        (
            "",
            f"<p>الرياض 20 ربيع الأول 1439 هـ الموافق 9 ديسمبر 2017 م واس {PARA}</p>{BODY}",
            "واس",
        ),
        ("", f"<p>الكويت - 21 - 2 (كونا) -- {PARA}</p>{BODY}<p>(النهاية)</p>", "كونا"),
        # an agency named in the story is no dateline
        ("", f"<p>قال مصدر لـ(سانا) إن {PARA}</p>{BODY}", None),
        # the source line, not the date printed after it; its own dashes stay
        (
            "<div class='q8'><span>المصدر: ومع</span> <span>تم نشره 3 أبريل 2019</span></div>",
            BODY,
            "ومع",
        ),
        ("<div class='q8'>المصدر: (أبوظبي - البيان)</div>", BODY, "(أبوظبي - البيان)"),
        # a name shown under the headline beats the agency of the dateline
        (
            "<p class='q9'>عماد القحطاني</p>",
            f"<p>الدوحة في 16 يونيو /قنا/ {PARA}</p>{BODY}",
            "عماد القحطاني",
        ),
    ],
)
def test_the_name_without_dateline_or_label(header: str, body: str, author: str | None) -> None:
    assert run(page(header=header, body=body))["author"] == author


# An opinion column's author box, as CMS themes print it: a photo, the name, a bio line, a link to
# all of the writer's articles; above the headline or under the body; with or without telling
# classes.
COLUMNIST_BOXES = [
    "<div class='k8'><a href='/columnists/salem'><img src='/w/12.jpg' alt=''></a><div class='k9'>"
    "<a class='c1' href='/columnists/salem'>سالم باعباد</a><p>كاتب وصحفي يمني مقيم في المكلا</p>"
    "<a href='/columnists/salem'>كل مقالات الكاتب</a></div></div>",
    "<div class='x-author-box'><img src='/w/12.jpg'><div><h4>سالم باعباد</h4>"
    "<p>الكاتب صحفي يمني يكتب في الشؤون السياسية</p>"
    "<a href='/?author=12'>كل مقالات الكاتب</a></div></div>",
    "<div class='q1'><div class='q2'><img src='/w/12.jpg'></div><div class='q3'><b>سالم باعباد</b>"
    "<span>الكاتب صحفي يمني</span></div><a class='q4' href='/kuttab/12'>كل مقالات الكاتب</a></div>",
]


@pytest.mark.parametrize("box", COLUMNIST_BOXES)
@pytest.mark.parametrize("where", ["header", "after"])
def test_opinion_column_author_is_the_columnist_of_the_author_box(box: str, where: str) -> None:
    assert run(page(**{where: box}))["author"] == "سالم باعباد"


def test_a_bio_line_is_not_a_byline() -> None:
    assert run(page(after="<p>الكاتب صحفي يمني</p>"))["author"] is None


# --- dates by position and text ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "body", "after", "published", "precision"),
    [
        (
            "<span class='f3a9'>نُشر في 17-يونيو-2019</span>",
            BODY,
            "",
            "2019-06-17T00:00:00",
            "day",
        ),
        (
            "<div class='u'>تم نشره في 06.09.2020 على الساعة 16:56</div>",
            BODY,
            "",
            "2020-09-06T16:56:00",
            "minute",
        ),
        (
            "<span>الأحد 27 جمادى الأولى 1445هـ - 10 ديسمبر 2023م</span>",
            BODY,
            "",
            "2023-12-10T00:00:00",
            "day",
        ),
        (
            "<span>1445/05/27 هـ الموافق 10/12/2023</span>",
            BODY,
            "",
            "2023-12-10T00:00:00",
            "day",
        ),
        (
            "<table><tr><td>٢٤/٠٤/٢٠١٨</td></tr></table>",
            BODY,
            "",
            "2018-04-24T00:00:00",
            "day",
        ),
        (
            "",
            BODY + "<p>نشر بتاريخ: 12/3/2020 - 10:15</p>",
            "",
            "2020-03-12T10:15:00",
            "minute",
        ),
        # 'آخر تحديث' is the modification; the published date is the other one
        (
            "<span>نشر: 12 مارس 2020 | آخر تحديث: 14 مارس 2020</span>",
            BODY,
            "",
            "2020-03-12T00:00:00",
            "day",
        ),
    ],
)
def test_dates_found_by_position_and_text(
    header: str, body: str, after: str, published: str, precision: str
) -> None:
    art = run(page(header=header, body=body, after=after, top="الأربعاء 1 يناير 2025"))
    assert art["published_at"] == published
    assert art["published_precision"] == precision
    assert art["field_sources"]["published_at"] == "position"


def test_update_line_is_modified_not_published() -> None:
    art = run(page(header="<span>نشر: 12 مارس 2020 | آخر تحديث: 14 مارس 2020 10:00</span>"))
    assert art["modified_at"] == "2020-03-14T10:00:00"
    art = run(page(header="<span>آخر تحديث: 14 مارس 2020</span>"))
    assert not (art["published_at"] or "").startswith("2020-03-14")


@pytest.mark.parametrize(
    "distractor",
    [
        "",  # the top-bar today date (in page()) and the sidebar teaser date
        "<span>منذ 3 ساعات</span>",  # a relative time is never a publication date
        "<div class='rel'><a href='/news/9'><span>11 مايو 2022</span> خبر ذو صلة</a></div>",
        "<marquee>عاجل: 2 فبراير 2022 انقطاع الكهرباء</marquee>",
    ],
)
def test_distractors_are_not_the_publication_date(distractor: str) -> None:
    art = run(page(header=distractor, top="الأربعاء 1 يناير 2025"))
    assert art["published_at"] is None
    assert art["published_precision"] is None


@pytest.mark.parametrize(
    ("meta", "expected", "precision", "source"),
    [
        (
            "<meta name='pubdate' content='2019-06-20T14:14:00+03:00'>",
            "2019-06-20T14:14:00+03:00",
            "second",
            "meta",
        ),
        (
            "<meta name='publishdate' content='2019-06-20'>",
            "2019-06-20T00:00:00",
            "day",
            "meta",
        ),
        (
            "<meta name='date' content='2019-06-20 14:14'>",
            "2019-06-20T14:14:00",
            "minute",
            "meta",
        ),
        (
            "<meta name='DC.date.issued' content='2019-06-20T14:14:00Z'>",
            "2019-06-20T14:14:00+00:00",
            "second",
            "meta",
        ),
        (
            "<!-- publish date: 2019-06-20 14:14 -->",
            "2019-06-20T14:14:00",
            "minute",
            "comment",
        ),
    ],
)
def test_date_metas_and_cms_comments(meta: str, expected: str, precision: str, source: str) -> None:
    art = run(page(head=meta))
    assert art["published_at"] == expected
    assert (art["published_precision"], art["field_sources"]["published_at"]) == (precision, source)
    assert art["date_source"] == source


def test_cache_stamp_comment_is_not_a_date() -> None:
    art = run(page() + "<!-- Page generated by W3 Total Cache, served 2024-12-31 10:00 -->")
    assert art["published_at"] is None


def test_day_only_meta_refined_by_the_time_shown_that_day() -> None:
    art = run(
        page(
            head="<meta name='date' content='2015-07-12'>",
            header="<span>2015/07/12 الساعة 06:04</span>",
        )
    )
    assert (art["published_at"], art["published_precision"]) == (
        "2015-07-12T06:04:00",
        "minute",
    )


def test_offset_beats_wall_time_among_machine_dates() -> None:
    head = (
        "<meta name='DC.date.issued' content='2020-08-11T21:54:00'>"
        "<meta property='article:published_time' content='2020-08-11T20:54:00+00:00'>"
    )
    assert run(page(head=head))["published_at"] == "2020-08-11T20:54:00+00:00"


def test_htmldate_is_a_last_validated_candidate() -> None:
    """A date only htmldate finds (in a layout none of our rules read) is taken, labelled."""
    header = "<span class='x'>Published on 2019-06-20 by the desk</span>"
    art = run(page(header=header))
    assert art["published_at"].startswith("2019-06-20")
    assert art["field_sources"]["published_at"] in ("position", "htmldate")


# --- old layouts, AMP, Next.js ------------------------------------------------------------------
def test_old_table_layout_windows_1256() -> None:
    paras = "<br><br>".join(f"{PARA} {i}" for i in range(4))
    html = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1256'>"
        f"<title>صوت الشام | {TITLE}</title></head><body><table><tr><td>"
        + " | ".join(f"<a href='/sec.php?id={i}'>قسم {i}</a>" for i in range(20))
        + "</td></tr></table><table><tr><td width='160'><a href='/n.php?id=1'>خبر آخر</a></td>"
        f"<td><table><tr><td><font color='#990000'>اقتصاد</font></td></tr><tr><td><font size='5'>"
        f"<b>{TITLE}</b></font></td></tr><tr><td><font size='2'>كتب سامر يوسف &nbsp; تم نشره "
        f"2021-04-20 الساعة 09:55 م</font></td></tr><tr><td><font size='3'>{paras}</font></td></tr>"
        "</table></td></tr></table></body></html>"
    ).encode("cp1256")
    art = run(html)
    assert art["encoding"] == "cp1256"
    assert art["title"] == TITLE
    assert art["author"] == "سامر يوسف"
    assert art["published_at"] == "2021-04-20T21:55:00"
    assert art["body"].split("\n") == [f"{PARA} {i}" for i in range(4)]
    assert "قسم" not in art["body"]


def test_aspnet_form_wrapping_the_page_is_not_clutter() -> None:
    html = (
        "<html><head><title>x</title></head><body><form id='aspnetForm' method='post'>"
        f"<input type='hidden' name='__VIEWSTATE' value='abc'><h1>{TITLE}</h1>"
        f"<span id='ctl00_cphMain_lit13'>{'<br><br>'.join([PARA] * 4)}</span></form></body></html>"
    )
    art = run(html)
    assert art["body"].count(PARA[:40]) == 4
    assert art["field_sources"]["body"] == "container"


def test_nextjs_json_ld_only() -> None:
    ld = (
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":"' + TITLE + '",'
        '"datePublished":"2022-07-17T10:48:00+02:00","author":{"@type":"Person","name":"ريم يوسف"},'
        '"articleSection":"اقتصاد","publisher":{"@type":"Organization","name":"المرصد"}}'
    )
    html = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body>"
        f"<div id='__next'><h1 class='css-1x'>{TITLE}</h1><div class='css-9'>{BODY}</div></div>"
        "<script id='__NEXT_DATA__' type='application/json'>{}</script></body></html>"
    )
    art = run(html)
    assert (art["title"], art["author"], art["section"]) == (TITLE, "ريم يوسف", "اقتصاد")
    assert art["published_at"] == "2022-07-17T10:48:00+02:00"
    assert art["field_sources"] == {
        "title": "displayed",
        "author": "jsonld",
        "section": "jsonld",
        "published_at": "jsonld",
        "published_offset": "declared",
        "body": "container",
    }


def test_blog_title_h1_is_not_the_headline() -> None:
    html = (
        f"<html><head><title>المغرب الآن - {TITLE}</title></head><body>"
        "<h1><a href='/'>المغرب الآن</a></h1><div class='post'><h2><span>07/08/2020</span></h2>"
        f"<h3 class='p'>{TITLE}</h3><div class='b'>{BODY}</div></div></body></html>"
    )
    art = run(html)
    assert art["title"] == TITLE
    assert art["published_at"] == "2020-08-07T00:00:00"


# --- language ---------------------------------------------------------------------------------
URDU = (
    "پاکستان کے وزیراعظم نے کہا ہے کہ ملک میں معاشی صورتحال بہتر ہو رہی ہے اور حکومت عوام کو "
    "ریلیف دینے کے لیے اقدامات کر رہی ہے۔ انہوں نے بتایا کہ بجٹ میں ترقیاتی منصوبوں کے لیے رقم "
    "مختص کی گئی ہے۔"
)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [("ur", URDU, "ur"), ("ar", URDU, "ur"), ("fa", URDU, "ur"), ("", PARA, "ar")],
)
def test_urdu_is_neither_persian_nor_arabic(lang: str, text: str, expected: str) -> None:
    html = (
        f"<html lang='{lang}'><body><h1>{TITLE}</h1><div class='entry-content'><p>{text}</p>"
        f"<p>{text}</p></div></body></html>"
    )
    assert run(html)["language"] == expected


# --- provenance --------------------------------------------------------------------------------
def test_field_sources_use_the_one_vocabulary() -> None:
    head = (
        "<meta property='og:image' content='https://www.news.example/a.jpg'>"
        "<meta property='article:tag' content='تصدير'>"
    )
    art = run(page(head=head, header="<span>كتب سامر يوسف</span><span>نشر في 17-06-2019</span>"))
    sources = art["field_sources"]
    assert set(sources) <= {*SOURCED_FIELDS, OFFSET_KEY}
    assert set(sources.values()) <= VOCABULARY
    assert sources == {
        "title": "displayed",
        "author": "byline",
        "tags": "meta",
        "published_at": "position",
        "published_offset": "unknown",
        "image_url": "meta",
        "body": "container",
    }
    assert art["date_source"] == sources["published_at"]


def test_site_rules_are_labelled_site_rule() -> None:
    rules = ExtractionRules(selectors={"author": ".m4z", "body": ".b8q", "section": ".m4z"})
    art = run(page(header="رامي"), rules)
    assert art["field_sources"]["author"] == "site-rule"
    assert art["field_sources"]["section"] == "site-rule"
    assert art["field_sources"]["body"] == "site-rule"


# --- kicker ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after", "kicker"),
    [
        ("", "<h2 class='k1'>في خطوة هي الأولى من نوعها</h2>", "في خطوة هي الأولى من نوعها"),
        ("<span class='z'>رغم التحذيرات الرسمية</span>", "", "رغم التحذيرات الرسمية"),
        ("", "<p class='q'>قبل ساعة</p>", None),  # a relative time
        ("", "<span>تفاصيل الخبر</span>", None),  # a breadcrumb's last item
        ("", "<div>حسن الزعبي</div>", None),  # a bare byline
        ("", "<div>17 يونيو 2019</div>", None),  # a date
    ],
)
def test_kicker_is_the_short_line_by_the_headline(before: str, after: str, kicker: str) -> None:
    html = (
        f"<html><body>{MENU}<div class='w'>{before}<h1 class='t'>{TITLE}</h1>{after}"
        f"<div class='b'>{BODY}</div></div></body></html>"
    )
    art = run(html)
    assert art["kicker"] == kicker
    assert art["field_sources"].get("kicker") == ("position" if kicker else None)
    assert kicker is None or kicker not in art["body"]


def test_byline_and_site_names_from_footer_and_weekday() -> None:
    header = "<span>بواسطة محمد عيسى الاثنين 3 مايو 2021</span>"
    footer = "<p>© 2018 الخليج اليوم - جميع الحقوق محفوظة</p>"
    art = run(page(header=header, after=footer))
    assert art["author"] == "محمد عيسى"
    art = run(page(head="<meta name='author' content='الخليج اليوم'>", after=footer))
    assert art["author"] is None  # the site, named only in its copyright line


def test_relative_time_with_the_date_in_its_tooltip() -> None:
    art = run(page(header="<span title='05/07/2018 12:56'>منذ يوم</span>"))
    assert (art["published_at"], art["published_precision"]) == (
        "2018-07-05T12:56:00",
        "minute",
    )


def test_headline_printed_in_a_cell_not_the_link_to_itself() -> None:
    """Only og:title names the headline; a 'most read' link repeats it before the page does."""
    html = (
        f"<html><head><meta property='og:title' content='{TITLE}'></head><body>"
        f"<ul class='m'><li><a href='/story/4711'>{TITLE}</a></li></ul><table><tr><td>"
        f"<font size='4'><b>{TITLE}</b></font></td></tr><tr><td><span>بتاريخ الأربعاء 01 "
        f"أغسطس, 2018</span></td></tr><tr><td>{BODY}</td></tr></table></body></html>"
    )
    art = run(html)
    assert (art["title"], art["published_at"]) == (TITLE, "2018-08-01T00:00:00")
    assert art["field_sources"]["published_at"] == "position"


def test_kicker_after_the_category_line_and_headline_not_from_the_breadcrumb() -> None:
    html = (
        f"<html><head><meta property='og:title' content='{TITLE}'></head><body>"
        f"<nav class='bc'><a href='/'>الرئيسية</a> » <span>{TITLE}</span></nav>"
        f"<div class='w'><h2 itemprop='headline'>{TITLE}</h2></div><article>"
        "<div class='c'><a href='/category/81'>كرة القدم</a></div>"
        f"<div class='k'>خلال اجتماع طارئ للحكومة</div><div class='b'>{BODY}</div></article>"
        "</body></html>"
    )
    art = run(html)
    assert (art["kicker"], art["section"]) == ("خلال اجتماع طارئ للحكومة", "كرة القدم")
