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
        # The whole value, offset included (issue 17: a `startswith` let any offset pass).
        # Damascus in September 2016: summer time, +03:00.
        (
            "<span class='date'>الأحد، ٤ أيلول ٢٠١٦</span>",
            DAMASCUS,
            ("2016-09-04T00:00:00+03:00", "day"),
        ),
        (
            "<span class='date'>الأربعاء، 07 أكتوبر 2020 - 12:09 م</span>",
            CAIRO,
            ("2020-10-07T12:09:00+02:00", "minute"),
        ),
        (
            "<span class='date'>الجمعة 8 فيفري 2019</span>",
            ExtractionRules(locale="ar-TN", timezone="Africa/Tunis"),
            ("2019-02-08T00:00:00+01:00", "day"),
        ),
    ],
)
def test_displayed_arabic_date(
    shown: str, rules: ExtractionRules, expected: tuple[str, str]
) -> None:
    art = run(page(meta_line=shown, top="الأحد، 26 آذار 2017"), rules=rules)
    assert (art["published_at"], art["published_precision"]) == expected
    assert art["date_source"] == "displayed"


@pytest.mark.parametrize(
    "top",
    [
        "الأحد، 26 آذار 2017",
        # where a date selector reads it (issue 17: the old test passed with the rule removed)
        "<span class='date'>الأحد، 26 آذار 2017</span>",
        "<time datetime='2017-03-26T08:00:00+03:00'>الأحد، 26 آذار 2017</time>",
    ],
)
def test_topbar_today_is_not_the_publication_date(top: str) -> None:
    art = run(page(top=top))
    assert art["published_at"] is None


def test_arabic_string_inside_article_published_time() -> None:
    """Cairo kept +02:00 all of 2020 (Egypt's summer time came back in 2023)."""
    head = "<meta property='article:published_time' content='الأربعاء، 07 أكتوبر 2020 - 12:09 م'>"
    assert run(page(head), rules=CAIRO)["published_at"] == "2020-10-07T12:09:00+02:00"


def test_local_time_mislabelled_as_utc_uses_displayed_time() -> None:
    head = "<meta property='article:published_time' content='2020-08-24T09:23:13Z'>"
    shown = "<span class='newsStoryDate'>الإثنين، 24 أغسطس 2020 09:23 ص</span>"
    art = run(page(head, meta_line=shown), rules=CAIRO)
    assert art["published_at"] == "2020-08-24T09:23:00+02:00"
    assert art["field_sources"]["published_offset"] == "site-config"


def test_url_then_feed_fallbacks_never_now() -> None:
    art = run(page(), url="https://www.youm7.com/story/2020/8/24/slug/4943459", rules=CAIRO)
    assert (art["published_at"][:10], art["date_source"]) == ("2020-08-24", "url")
    art = run(page(), hints={"feed_published": "Fri, 24 Mar 2017 23:15:00 +0000"})
    assert (art["published_at"], art["date_source"]) == ("2017-03-25T01:15:00+02:00", "feed")
    assert run(page())["published_at"] is None


def test_future_candidate_rejected_and_counted() -> None:
    head = "<meta property='article:published_time' content='2030-01-01T10:00:00+00:00'>"
    art = run(page(head, meta_line="<span class='date'>الأحد، ٤ أيلول ٢٠١٦</span>"))
    assert art["published_at"] == "2016-09-04T00:00:00+03:00"
    assert art["date_rejections"] == ["future"]


# --- the site's clock (issue 16) ---------------------------------------------------------------
LATER = datetime(2025, 1, 1, tzinfo=UTC)
UNKNOWN = ExtractionRules()  # `khabar extract` on a URL no config entry knows
URL_X = "https://x.example/a/1"


def clock_of(html: str, url: str = URL_X, rules=UNKNOWN, **kw):
    art = extract_article(html, url, rules, now=LATER, **kw)
    return art["published_at"], art["field_sources"].get("published_offset")


def shown_at(text: str) -> str:
    return f"<span class='date'>{text}</span>"


def test_a_displayed_time_takes_the_offset_of_the_pages_own_machine_dates() -> None:
    modified = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"dateModified":"2023-07-10T12:00:00+03:00"}</script>'
    )
    html = page(modified, meta_line=shown_at("10 يوليو 2023 09:15"))
    assert clock_of(html) == ("2023-07-10T09:15:00+03:00", "page-offset")


def test_a_utc_label_says_nothing_of_the_sites_clock() -> None:
    """Yoast and most JSON-LD generators write instants in UTC whatever the site's zone."""
    modified = "<meta property='article:modified_time' content='2023-07-10T12:00:00+00:00'>"
    html = page(modified, meta_line=shown_at("10 يوليو 2023 09:15"))
    assert clock_of(html) == ("2023-07-10T09:15:00", "unknown")


def test_the_pages_offset_in_a_known_zone_brings_that_zones_dst() -> None:
    """A .lb page declares +03:00 in July; its January date is Beirut winter time, +02:00."""
    modified = "<meta property='article:modified_time' content='2023-07-10T12:00:00+03:00'>"
    html = page(modified, meta_line=shown_at("10 كانون الثاني 2023 09:15"))
    assert clock_of(html, "https://www.news.com.lb/a/1") == (
        "2023-01-10T09:15:00+02:00",
        "page-offset",
    )


@pytest.mark.parametrize(
    ("url", "shown", "expected"),
    [
        # Egypt: no summer time 2015-2022, back from the last Friday of April 2023
        ("https://www.x.com.eg/a/1", "15 يوليو 2022 10:00", "2022-07-15T10:00:00+02:00"),
        ("https://www.x.com.eg/a/1", "15 يوليو 2023 10:00", "2023-07-15T10:00:00+03:00"),
        ("https://www.x.com.eg/a/1", "15 يناير 2024 10:00", "2024-01-15T10:00:00+02:00"),
        # Morocco: +01:00, but +00:00 during Ramadan (11 March - 9 April 2024)
        ("https://x.ma/a/1", "25 مارس 2024 10:00", "2024-03-25T10:00:00+00:00"),
        ("https://x.ma/a/1", "25 ماي 2024 10:00", "2024-05-25T10:00:00+01:00"),
        # Syria and Jordan: +03:00 all year since October 2022, summer time before
        ("https://x.sy/a/1", "10 كانون الثاني 2021 10:00", "2021-01-10T10:00:00+02:00"),
        ("https://x.sy/a/1", "10 كانون الثاني 2023 10:00", "2023-01-10T10:00:00+03:00"),
        ("https://x.jo/a/1", "10 كانون الثاني 2024 10:00", "2024-01-10T10:00:00+03:00"),
        # Lebanon keeps summer time
        ("https://x.com.lb/a/1", "10 كانون الثاني 2024 10:00", "2024-01-10T10:00:00+02:00"),
        ("https://x.com.lb/a/1", "10 تموز 2024 10:00", "2024-07-10T10:00:00+03:00"),
        # Mauritania is on UTC: +00:00 there is the site's clock, not a default
        ("https://x.mr/a/1", "10 أغشت 2024 10:00", "2024-08-10T10:00:00+00:00"),
    ],
)
def test_the_domains_country_gives_the_clock_with_its_dst_history(
    url: str, shown: str, expected: str
) -> None:
    assert clock_of(page(meta_line=shown_at(shown)), url) == (expected, "domain")


def test_the_configured_zone_when_page_and_domain_say_nothing() -> None:
    html = page(meta_line=shown_at("10 يوليو 2023 09:15"))
    rules = ExtractionRules(timezone="Asia/Dubai")
    assert clock_of(html, rules=rules) == ("2023-07-10T09:15:00+04:00", "site-config")


def test_a_configured_zone_of_the_domains_country_is_kept() -> None:
    """Palestine has two zones; the one config.yaml names wins over zone.tab's first."""
    html = page(meta_line=shown_at("10 يوليو 2023 09:15"))
    hebron = ExtractionRules(timezone="Asia/Hebron")
    published, source = clock_of(html, "https://x.ps/a/1", rules=hebron)
    assert source == "domain"
    assert published == "2023-07-10T09:15:00+03:00"


def test_the_declared_language_region_is_the_last_evidence() -> None:
    html = page(meta_line=shown_at("10 يوليو 2023 09:15")).replace("<html>", "<html lang='ar-EG'>")
    assert clock_of(html) == ("2023-07-10T09:15:00+03:00", "lang")
    # Facebook's og:locale ar_AR means "Arabic", not Argentina
    html = page("<meta property='og:locale' content='ar_AR'>", shown_at("10 يوليو 2023 09:15"))
    assert clock_of(html) == ("2023-07-10T09:15:00", "unknown")


def test_a_content_language_meta_is_a_declared_region() -> None:
    head = "<meta http-equiv='Content-Language' content='ar-SA'>"
    assert clock_of(page(head, shown_at("10 يوليو 2023 09:15"))) == (
        "2023-07-10T09:15:00+03:00",
        "lang",
    )


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("10 يوليو 2023 09:15 بتوقيت مكة المكرمة", "2023-07-10T09:15:00+03:00"),
        ("10 يوليو 2023 - 09:15 (بتوقيت القاهرة)", "2023-07-10T09:15:00+03:00"),
        ("10 يناير 2023 - 09:15 (بتوقيت القاهرة)", "2023-01-10T09:15:00+02:00"),
        ("10 يوليو 2023 09:15 ت.غ", "2023-07-10T09:15:00+00:00"),
        ("10 يوليو 2023 09:15 KSA", "2023-07-10T09:15:00+03:00"),
    ],
)
def test_a_time_labelled_with_a_places_clock_is_declared(shown: str, expected: str) -> None:
    """Al Jazeera's «بتوقيت مكة المكرمة», «ت.غ» (GMT), KSA: the page names its clock."""
    assert clock_of(page(meta_line=shown_at(shown))) == (expected, "declared")


def test_no_evidence_stores_the_local_time_without_an_offset_never_as_utc() -> None:
    art = extract_article(
        page(meta_line=shown_at("10 يوليو 2023 09:15")), URL_X, UNKNOWN, now=LATER
    )
    assert (art["published_at"], art["published_precision"]) == ("2023-07-10T09:15:00", "minute")
    assert art["field_sources"]["published_offset"] == "unknown"


@pytest.mark.parametrize(
    ("hint", "source"),
    [("sitemap_lastmod", "sitemap"), ("feed_published", "feed")],
)
def test_the_feed_or_sitemap_entry_of_the_url_gives_its_offset(hint: str, source: str) -> None:
    html = page(meta_line=shown_at("10 يوليو 2023 09:15"))
    hints = {hint: "2023-07-10T09:30:00+03:00"}
    assert clock_of(html, hints=hints) == ("2023-07-10T09:15:00+03:00", source)


def test_a_value_with_its_own_offset_is_declared_and_shown_on_the_sites_clock() -> None:
    head = "<meta property='article:published_time' content='2023-07-10T06:15:00Z'>"
    assert clock_of(page(head), "https://x.sy/a/1") == ("2023-07-10T09:15:00+03:00", "declared")
    assert clock_of(page(head)) == ("2023-07-10T06:15:00+00:00", "declared")


def test_a_local_time_mislabelled_as_utc_with_no_clock_known_is_not_an_instant() -> None:
    """youm7 writes its Cairo wall time with a Z: shown beside the same wall time, and with
    no clock known, the label is not believed either way: the time stays local."""
    head = "<meta property='article:published_time' content='2020-08-24T09:23:13Z'>"
    shown = "<span class='newsStoryDate'>الإثنين، 24 أغسطس 2020 09:23 ص</span>"
    assert clock_of(page(head, meta_line=shown)) == ("2020-08-24T09:23:00", "unknown")
    # on a clock at UTC (Mauritania) the label is right
    assert clock_of(page(head, meta_line=shown), "https://x.mr/a/1") == (
        "2020-08-24T09:23:13+00:00",
        "declared",
    )


# --- live blogs ------------------------------------------------------------------------------
def _live(data: str) -> str:
    return f"<script type='application/ld+json'>{data}</script>"


def test_a_live_blog_is_published_when_its_coverage_starts() -> None:
    head = _live(
        '{"@type":"LiveBlogPosting","coverageStartTime":"2023-10-07T06:30:00+03:00",'
        '"datePublished":"2023-10-07T21:10:00+03:00","dateModified":"2023-10-07T21:10:00+03:00"}'
    )
    assert clock_of(page(head)) == ("2023-10-07T06:30:00+03:00", "declared")


def test_a_live_blog_without_a_coverage_start_is_published_at_its_first_update() -> None:
    head = _live(
        '{"@type":"LiveBlogPosting","datePublished":"2023-10-07T21:10:00+03:00",'
        '"liveBlogUpdate":[{"@type":"BlogPosting","datePublished":"2023-10-07T21:10:00+03:00"},'
        '{"@type":"BlogPosting","datePublished":"2023-10-07T14:00:00+03:00"},'
        '{"@type":"BlogPosting","datePublished":"2023-10-07T08:05:00+03:00"}]}'
    )
    assert clock_of(page(head))[0] == "2023-10-07T08:05:00+03:00"


# --- the site's "today" date, whatever its classes ------------------------------------------
MENU = "<ul>" + "".join(f"<li><a href='/s/{i}'>قسم {i}</a></li>" for i in range(8)) + "</ul>"


@pytest.mark.parametrize(
    "chrome",
    [
        f"<header><div class='q1'><span class='date'>الخميس 1 فبراير 2024</span></div>{MENU}"
        "</header>",
        f"<div class='r2'><span class='date'>الخميس 1 فبراير 2024</span></div><nav>{MENU}</nav>",
        f"<div class='r2'><span>الخميس 20 رجب 1445 هـ - 1 فبراير 2024 م</span></div>{MENU}",
    ],
)
def test_the_sites_today_date_above_its_menu_is_not_the_publication_date(chrome: str) -> None:
    html = (
        f"<html><body>{chrome}<div class='w'><h1>عنوان الخبر هنا</h1>"
        f"<div class='c'>{PARA}</div></div></body></html>"
    )
    assert extract_article(html, URL_X, UNKNOWN, now=LATER)["published_at"] is None


def test_the_storys_own_header_date_is_kept() -> None:
    html = (
        f"<html><body><header>{MENU}</header><article><header><h1>عنوان الخبر هنا</h1>"
        "<span class='date'>الخميس 25 يناير 2024</span></header>"
        f"<div class='entry-content'>{PARA}</div></article></body></html>"
    )
    assert extract_article(html, URL_X, UNKNOWN, now=LATER)["published_at"] == "2024-01-25T00:00:00"


# --- the wrong day: other stories' dates, datelines, update lines (issue 16) ------------------
STORY = "وزير الاقتصاد يعلن خطة لدعم الصادرات"


def related(kind: str) -> str:
    """A related-stories list whose dates sit beside the links, not in them."""
    items = []
    for i, (iso_date, shown) in enumerate(
        (
            ("2024-08-03T10:00:00+03:00", "3 أغسطس 2024"),
            ("2024-07-28T09:00:00+03:00", "28 يوليو 2024"),
        )
    ):
        date = f"<time datetime='{iso_date}'>{shown}</time>" if kind == "time" else shown
        link = f"<a href='/news/{i}'>خبر آخر عن موضوع مختلف رقم {i}</a>"
        items.append(f"<li><span class='date'>{date}</span> {link}</li>")
    return f"<div class='k1'><h3>أخبار ذات صلة</h3><ul>{''.join(items)}</ul></div>"


def story(
    header: str, lead: str = "", recall: str = "", inside: str = "", outside: str = ""
) -> str:
    return (
        f"<html><body>{MENU}<div class='w'><h1>{STORY}</h1><div class='m'>{header}</div>"
        f"<div class='b'><p>{lead}{PARA}</p><p>{PARA} {recall}</p><p>{PARA}</p></div>{inside}"
        f"</div>{outside}</body></html>"
    )


def published(html: str) -> str | None:
    return extract_article(html, URL_X, UNKNOWN, now=LATER)["published_at"]


@pytest.mark.parametrize("kind", ["time", "span"])
@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize(
    "header", ["<span>10 أغشت 2024</span>", "<span class='date'>10 أغسطس 2024</span>"]
)
def test_a_related_storys_date_beside_its_link_is_not_the_publication_date(
    kind: str, where: str, header: str
) -> None:
    """Related, most-read and 'read also' cards print their date beside the headline link:
    the card links to another story by its headline, so none of its dates is ours."""
    html = story(header, **{where: related(kind)})
    assert published(html) == "2024-08-10T00:00:00"


@pytest.mark.parametrize(
    ("header", "lead", "recall", "expected"),
    [
        # Gulf papers: Hijri + Gregorian header, the wire filed the evening before
        (
            "<span>الأحد 27 جمادى الأولى 1445هـ - 10 ديسمبر 2023م</span>",
            "الرياض 26 جمادى الأولى 1445 هـ الموافق 09 ديسمبر 2023 م واس - ",
            "وكان المشروع قد أطلق رسمياً في 3 نوفمبر 2023.",
            "2023-12-10T00:00:00",
        ),
        # Petra's dateline names a day and month only
        (
            "<span>10 كانون الأول 2023</span>",
            "عمّان 9 كانون الأول (بترا)- ",
            "",
            "2023-12-10T00:00:00",
        ),
        # a Mauritanian spelling, and a sentence recalling an earlier date in it
        (
            "<span>الأحد 10 دجمبر 2023</span>",
            "",
            "وكان المشروع قد أطلق رسمياً في 3 دجمبر 2023.",
            "2023-12-10T00:00:00",
        ),
        # Iraq's May
        (
            "<span>10 مايس 2023</span>",
            "",
            "وعقد الاجتماع السابق في 3 مايس 2023.",
            "2023-05-10T00:00:00",
        ),
    ],
)
def test_datelines_and_recalled_dates_are_not_the_publication_date(
    header: str, lead: str, recall: str, expected: str
) -> None:
    assert published(story(header, lead=lead, recall=recall, outside=related("span"))) == expected


@pytest.mark.parametrize(
    "header",
    [
        "<span>آخر تحديث: 11 ديسمبر 2023 | نشر في: 10 ديسمبر 2023</span>",
        "<span>آخر تحديث 11 ديسمبر 2023</span><span>10 ديسمبر 2023</span>",
    ],
)
def test_an_update_line_before_the_publication_date(header: str) -> None:
    art = extract_article(story(header), URL_X, UNKNOWN, now=LATER)
    assert (art["published_at"], art["modified_at"]) == (
        "2023-12-10T00:00:00",
        "2023-12-11T00:00:00",
    )


def test_a_french_date_with_an_h_clock() -> None:
    """Maghrebi pages print French dates and «10h30»."""
    assert published(story("<span>10 décembre 2023 à 10h30</span>")) == "2023-12-10T10:30:00"
    assert published(story("<span>10 ديسمبر 2023 - 10h30</span>")) == "2023-12-10T10:30:00"


def test_comment_dates_after_the_body_are_not_the_publication_date() -> None:
    """Blogger prints the day above the post title; the comments under a short body carry
    their own times, nearer to the headline than the 40 elements a date may sit below it."""
    comments = "".join(
        f"<li><b>قارئ {i}</b> <span>{12 + i} ديسمبر 2023 01:5{i}</span><p>شكراً على الخبر</p></li>"
        for i in range(3)
    )
    html = (
        f"<html><head><title>{STORY} - مدونة الخبر</title></head><body>{MENU}<div class='w'>"
        f"<h2><span>١٠.١٢.٢٠٢٣</span></h2><div><h3>{STORY}</h3>"
        f"<div class='b'>{PARA * 3}</div></div>"
        f"<div><h3>التعليقات</h3><ol>{comments}</ol></div></div></body></html>"
    )
    assert published(html) == "2023-12-10T00:00:00"


# --- floors on the layout fuzzer's date families (bench/layouts.py --families new) -----------
DATE_FAMILIES = (
    "zone_declared",
    "zone_cctld",
    "hijri_dateline",
    "regional_months",
    "agency_site",
    "live_blog",
)


def _same(ours: str | None, gold: dict) -> bool:
    """The gold's instant when it has one ('instant', and 'local': a wall time on a ccTLD
    site), our value carrying an offset; the wall time or the day otherwise."""
    if not ours:
        return False
    got, want = datetime.fromisoformat(ours), datetime.fromisoformat(gold["published_at"])
    if gold["published_precision"] == "day":
        return got.date() == want.date()
    if gold["published_precision"] == "minute":
        return got.replace(tzinfo=None, second=0) == want.replace(tzinfo=None, second=0)
    return got.tzinfo is not None and got == want


def test_the_fuzzers_date_families_stay_at_their_measured_floor() -> None:
    """Measured after issue 16's date work: every page of every date family. On main
    agency_site was 0 of 10 here (bench/layouts.py --families new: agency_site 1/45,
    zone_cctld 4/45, a wall time on a .jo/.ma/.eg site read as UTC)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from layoutgen import generate

    pages = generate(20261130, 10 * len(DATE_FAMILIES), list(DATE_FAMILIES))
    right = {family: 0 for family in DATE_FAMILIES}
    for page in pages:
        art = extract_article(page.html, page.url, UNKNOWN, now=None)
        right[page.family] += _same(art["published_at"], page.gold)
    assert right == {family: 10 for family in DATE_FAMILIES}


def test_a_storys_own_header_beside_its_headline_is_not_the_site_header() -> None:
    """A <header> with no menu and no link home is the story's, even when the h1 is outside it."""
    html = (
        f"<html><body><header><a href='/'>الخبر</a>{MENU}</header><div class='post'>"
        "<header><span class='date'>الخميس 25 يناير 2024</span></header>"
        f"<h1>عنوان الخبر هنا</h1><div class='entry-content'>{PARA}</div></div></body></html>"
    )
    assert extract_article(html, URL_X, UNKNOWN, now=LATER)["published_at"] == "2024-01-25T00:00:00"
