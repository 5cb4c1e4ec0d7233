"""Body cleaning (each clutter kind, site rules) and decoding of legacy encodings."""

from __future__ import annotations

import pytest

from crawler.extract.article import extract_article
from crawler.extract.clean import is_clutter_line
from crawler.extract.decode import decode_html
from crawler.extract.rules import ExtractionRules

URL = "https://news.example/archives/7"
P1 = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير شبكة النقل العام في المدينة خلال العام المقبل."
P2 = "وقال المتحدث باسم الوزارة إن الخطة تشمل تشغيل حافلات كهربائية على الخطوط الرئيسية."
P3 = "وأضاف أن المرحلة الأولى تبدأ في الربيع وتستمر حتى نهاية الصيف بحسب الجدول المعلن."


def article(inner: str, outer: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'></head><body><article>"
        f"<h1 class='entry-title'>خطة جديدة للنقل العام</h1><div class='entry-content'>"
        f"<p>{P1}</p>{inner}<p>{P2}</p><p>{P3}</p></div>{outer}</article></body></html>"
    )


def body_of(html: str | bytes, rules: ExtractionRules | None = None, **kw) -> list[str]:
    return extract_article(html, URL, rules, **kw)["body"].split("\n")


CLUTTER = [
    ("typed read-also line", "<p><strong>اقرأ أيضاً:</strong> <a href='/x'>خبر آخر</a></p>"),
    ("read-also without hamza", "<p>اقرأ ايضا: <a href='/x'>خبر آخر تماما</a></p>"),
    (
        "read-also box",
        "<div class='read-also-box'><div>اقرأ أيضاً</div><ul><li><a>خبر</a></li></ul></div>",
    ),
    (
        "untyped read-also block",
        "<div><h4>إقرأ أيضاً</h4><ul><li><a href='/1'>خبر أول</a></li>"
        "<li><a href='/2'>خبر ثان</a></li></ul></div>",
    ),
    ("share bar", "<div class='addtoany_share_save_account'><a>فيسبوك</a><a>تويتر</a></div>"),
    ("share bar 2", "<div class='share-buttons'><a>مشاركة</a><a>واتساب</a></div>"),
    ("follow-us line", "<p>تابعونا على فيسبوك وتويتر وتلغرام</p>"),
    (
        "embedded tweet",
        "<blockquote class='twitter-tweet'><p>تغريدة عن الموضوع</p>"
        "&mdash; حساب (@acc)</blockquote><script src='widgets.js'></script>",
    ),
    ("figcaption", "<figure><img src='/a.jpg'><figcaption>صورة من الأرشيف</figcaption></figure>"),
    (
        "in-post ad",
        "<div class='stream-item stream-item-in-post'><span>إعلان</span>"
        "<a><img src='/ad.jpg'></a></div>",
    ),
    ("related posts", "<div id='related-posts'><h3>مقالات ذات صلة</h3><a>خبر</a></div>"),
    (
        "tags box",
        "<div class='tag-box'><span>تاجز:</span> <a rel='tag'>وسم أول</a><a>وسم ثان</a>"
        "<a>وسم ثالث</a><a>وسم رابع</a></div>",
    ),
    ("script", "<script>var x = 'نص برمجي';</script>"),
    ("back to top", "<a id='go-to-top' class='go-to-top-button'>زر الذهاب إلى الأعلى</a>"),
    (
        "comment disclaimer",
        "<div>الآراء الواردة أدناه لا تعبر عن رأي الموقع، بل تعكس وجهات نظر أصحابها فقط.</div>",
    ),
    ("opinion disclaimer", "<p>المقال يعبر عن رأي كاتبه ولا يعبر بالضرورة عن رأي الموقع</p>"),
    (
        "author card",
        "<div class='x1'><img src='/w/7.jpg'><a href='/writers/7/samir'>سمير حداد</a>"
        "<p>كاتب وباحث في الشؤون الاقتصادية</p><a href='/writers/7/samir'>كل مقالات الكاتب</a>"
        "</div>",
    ),
    (
        "share label and buttons",
        "<div><span>شارك:</span><div><a href='https://facebook.example/s'>فيسبوك</a>"
        "<a href='https://twitter.example/s'>تويتر</a><a href='https://wa.example/s'>واتساب</a>"
        "</div></div>",
    ),
    ("update permalink", "<p><a href='#post-4'>رابط التحديث</a></p>"),
    ("labelled date stamp", "<div><span>آخر تحديث: الاثنين 8 فبراير 2021 - 02:45</span></div>"),
    ("update time", "<div><time datetime='2026-03-14T10:45:00+03:00'>10:45 ص</time></div>"),
    (
        "row of tag links",
        "<p>" + " ".join(f"<a href='/tag/{i}'>وسم رقم {i}</a>" for i in range(6)) + "</p>",
    ),
    (
        "list of stories",
        "<ul>"
        + "".join(
            f"<li><a href='/news/{i}'>عنوان خبر آخر منشور في الموقع {i}</a></li>" for i in range(6)
        )
        + "</ul>",
    ),
]


@pytest.mark.parametrize(("kind", "clutter"), CLUTTER, ids=[c[0] for c in CLUTTER])
def test_shared_clutter_removed(kind: str, clutter: str) -> None:
    assert body_of(article(clutter)) == [P1, P2, P3], kind


def test_back_to_top_outside_body_never_leaks() -> None:
    outer = "<a id='go-to-top'>زر الذهاب إلى الأعلى</a><footer>صحيفة الوطن</footer>"
    assert "زر الذهاب إلى الأعلى" not in "\n".join(body_of(article("", outer)))


def test_site_boilerplate_selectors_and_phrases() -> None:
    rules = ExtractionRules(
        boilerplate_selectors=(".promo-box",), boilerplate_phrases=("اشترك في النشرة اليومية",)
    )
    inner = "<div class='promo-box'>عرض خاص للمشتركين</div><p>اشترك في النشرة اليومية</p>"
    assert body_of(article(inner), rules) == [P1, P2, P3]
    assert body_of(article(inner)) != [P1, P2, P3]  # only the site's rules remove them


def test_site_body_selector() -> None:
    html = (
        f"<html><body><div itemprop='articleBody'><span>2min</span><div class='LongDesc'>"
        f"<div>{P1}<br>{P2}<br>{P3}</div></div><a>التالي</a></div></body></html>"
    )
    rules = ExtractionRules(selectors={"body": "[itemprop=articleBody] .LongDesc"})
    assert body_of(html, rules) == [P1, P2, P3]


def test_br_splits_lines_and_spelling_kept() -> None:
    special = "البـــاردة التُّراث الموسيقيّ"
    html = article(f"<p>{special}<br><br>سطر ثان بعد الفاصل في الفقرة نفسها.</p>")
    lines = body_of(html)
    assert special in lines and "سطر ثان بعد الفاصل في الفقرة نفسها." in lines


def test_wrapper_form_is_not_dropped() -> None:
    html = f"<html><body><form id='aspnetForm'>{article('')[12:-14]}</form></body></html>"
    assert body_of(html) == [P1, P2, P3]


@pytest.mark.parametrize(
    "line",
    ["اقرأ أيضاً: عنوان", "إقرأ أيضا", "تابعونا على تويتر", "زر الذهاب إلى الأعلى", "طباعة Email"],
)
def test_clutter_lines(line: str) -> None:
    assert is_clutter_line(line)


@pytest.mark.parametrize("line", [P1, "قرأ الرئيس البيان أيضاً أمام الصحفيين في المؤتمر"])
def test_prose_is_not_clutter(line: str) -> None:
    assert not is_clutter_line(line)


# ------------------------------------------------------------------ encodings
ARABIC = "مجدلاني: صفقة القرن دخلت بمأزق"


@pytest.mark.parametrize(
    ("data", "http", "expected_codec"),
    [
        (
            "<html><head><meta http-equiv='Content-Type' "
            f"content='text/html; charset=windows-1256'>"
            f"</head><body><p>{ARABIC}</p></body></html>".encode("cp1256"),
            None,
            "cp1256",
        ),
        (
            f"<html><head><meta charset='cp1256'></head><body><p>{ARABIC}</p></body></html>".encode(
                "cp1256"
            ),
            None,
            "cp1256",
        ),
        (
            f"<html><head></head><body><p>{ARABIC}</p></body></html>".encode("cp1256"),
            "windows-1256",
            "cp1256",
        ),
        (
            f"<html><head><meta charset='windows-1256'></head><body><p>{ARABIC}</p></body>"
            "</html>".encode(),
            "utf-8",
            "utf-8",
        ),  # the HTTP charset wins over the meta
        (f"<html><body><p>{ARABIC}</p></body></html>".encode(), None, "utf-8"),
    ],
)
def test_decoding(data: bytes, http: str | None, expected_codec: str) -> None:
    text, codec = decode_html(data, http)
    assert codec == expected_codec
    assert ARABIC in text


def test_numeric_character_references() -> None:
    encoded = "".join(f"&#{ord(c)};" for c in P1)
    html = (
        article("")
        .replace(f"<p>{P1}</p>", f"<p>{encoded}</p>")
        .encode("ascii", "xmlcharrefreplace")
    )
    assert body_of(html)[0] == P1


def test_undeclared_cp1256_is_detected() -> None:
    data = (
        f"<html><body><article><div class='entry-content'><p>{P1}</p><p>{P2}</p>"
        f"<p>{P3}</p></div></article></body></html>".encode("cp1256")
    )
    art = extract_article(data, URL)
    assert art["encoding"] != "utf-8" and P1 in art["body"]


# --- what a body container holds besides the story (the lbcgroup layout, on any site) ------
TITLE_HIDDEN = "<span class='d-none'>خطة جديدة للنقل العام كما تعرضها الصفحة مخفية</span>"
TAG_ROW = "".join(
    f"<div class='tag'><h3><a class='cover' href='/search/{w}'></a> {w}</h3></div>"
    for w in ("النقل", "الحافلات", "المدينة", "الوزارة", "الخطة")
)
NEXT_CARD = (
    "<div class='next'><a class='cover' href='/news/8'></a><div><span>التالي</span></div>"
    "<div><span>افتتاح معرض الكتاب في العاصمة بمشاركة واسعة من دور النشر</span></div></div>"
)


@pytest.mark.parametrize(
    ("what", "inner", "gone"),
    [
        ("text hidden by a framework class", TITLE_HIDDEN, "مخفية"),
        ("a reading-time line", "<div class='ttr'><span>2<sup>min</sup></span></div>", "min"),
        ("a reading-time line in Arabic", "<div>4 دقائق للقراءة</div>", "دقائق"),
        ("a row of tag labels under cover links", TAG_ROW, "الحافلات"),
        ("a next-story card under a cover link", NEXT_CARD, "معرض الكتاب"),
    ],
)
def test_what_the_container_holds_besides_the_story_is_dropped(
    what: str, inner: str, gone: str
) -> None:
    lines = body_of(article(inner))
    assert lines == [P1, P2, P3], what
    assert gone not in "\n".join(lines)


def test_text_shown_on_wider_screens_is_kept() -> None:
    """`d-none d-md-block` is Bootstrap's 'hidden on phones only': a reader on a desktop sees
    it, so it is the story's."""
    kept = "وتشمل الخطة كذلك توسيع محطات القطار في الضواحي الشمالية خلال السنوات المقبلة."
    lines = body_of(article(f"<p class='d-none d-md-block'>{kept}</p>"))
    assert kept in lines


def test_a_short_linked_line_alone_is_kept() -> None:
    """One short line holding a link (a source) is not a tag row."""
    lines = body_of(article("<p><a href='https://sana.sy/x'>وكالة سانا</a></p>"))
    assert "وكالة سانا" in lines
