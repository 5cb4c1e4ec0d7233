"""The pure discovery heuristics behind `khabar add-site`, by tables."""

from __future__ import annotations

import re

import pytest
from protego import Protego

from crawler.article_patterns import article_patterns, host_prefix, infer_article_patterns
from crawler.discover import (
    Discovery,
    Found,
    cms_family,
    country_of,
    display_name_of,
    feed_entries,
    infer_locale,
    infer_timezone,
    navigation_links,
    page_feeds,
    read_sitemap,
    robots_sitemaps,
    site_name_for,
    utc_offsets,
    zone_evidence,
)
from tests.support.sites import news_sitemap, urlset


@pytest.mark.parametrize(
    ("articles", "non_articles", "expected"),
    [
        (
            ["https://alwatan.sy/archives/61234", "https://alwatan.sy/archives/94762"],
            ["https://alwatan.sy/archives/category/syria", "https://alwatan.sy/archives/author/x"],
            [r"^https?://(www\.)?alwatan\.sy/archives/\d+/?$"],
        ),
        (
            ["https://sana.sy/?p=532640", "https://sana.sy/?p=532871"],
            [],
            [r"^https?://(www\.)?sana\.sy/\?p=\d+$"],
        ),
        (  # two shapes, each its own pattern; the singleton /about is left out
            [
                "https://www.x.com/news/1.html",
                "https://www.x.com/news/22.html",
                "https://www.x.com/story/2024/5/3/some-long-title-slug/88",
                "https://www.x.com/story/2023/12/30/another-title/9",
                "https://www.x.com/about",
            ],
            [],
            [
                r"^https?://(www\.)?x\.com/news/\d+\.html/?$",
                r"^https?://(www\.)?x\.com/story/\d+/\d+/\d+/[^/?#]+/\d+/?$",
            ],
        ),
        (  # a subdomain is kept whole (no optional www); an id before the slug
            [
                "https://arabic.sputniknews.com/world/202003171044-slug-a/",
                "https://arabic.sputniknews.com/arab_world/202003181045-slug-b/",
            ],
            [],
            [r"^https?://arabic\.sputniknews\.com/[^/?#]+/\d+-[^/?#]+/?$"],
        ),
        (  # a pattern that would also match a listing page is refused
            ["https://y.com/politics/", "https://y.com/sport/"],
            ["https://y.com/economy/"],
            [],
        ),
    ],
)
def test_article_patterns(articles, non_articles, expected) -> None:
    patterns = list(article_patterns(infer_article_patterns(articles, non_articles)))
    assert patterns == expected
    for pattern in patterns:
        assert not any(re.search(pattern, n) for n in non_articles)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://alwatan.sy/", r"^https?://(www\.)?alwatan\.sy"),
        ("https://www.youm7.com/x", r"^https?://(www\.)?youm7\.com"),
        ("https://www.assabah.com.tn/", r"^https?://(www\.)?assabah\.com\.tn"),
        ("http://127.0.0.1:8080/", r"^https?://127\.0\.0\.1:8080"),
    ],
)
def test_host_prefix(url: str, expected: str) -> None:
    assert host_prefix(url) == expected


@pytest.mark.parametrize(
    ("url", "lang", "dates", "locale", "timezone"),
    [
        ("https://alwatan.sy/", None, ["2017-03-25T01:15:00+02:00"], "ar-SY", "Asia/Damascus"),
        ("https://www.youm7.com/", "ar-EG", [], "ar-EG", "Africa/Cairo"),
        ("https://www.lbcgroup.tv/", "ar-LB", [], "ar-LB", "Asia/Beirut"),  # .tv is generic
        ("https://x.com.eg/", "ar", ["Mon, 01 Mar 2024 08:00:00 +0000"], "ar-EG", "Africa/Cairo"),
        # Palestine has two zones; both agree here, so the first of zone.tab
        ("https://fatehwatan.ps/", None, ["2020-01-05T10:00:00+02:00"], "ar-PS", "Asia/Gaza"),
        ("http://127.0.0.1:80/", "ar", ["2024-05-01T09:30:00+03:00"], "ar", "Etc/GMT-3"),
        ("https://news.example.com/", None, ["2024-05-01T09:30:00Z"], "ar", "UTC"),
        ("https://news.example.com/", None, ["2024-05-01T09:30:00+05:30"], "ar", "UTC"),
    ],
)
def test_locale_and_timezone(url, lang, dates, locale, timezone) -> None:
    country = country_of(url, lang)
    assert infer_locale(country) == locale
    assert infer_timezone(country, dates) == timezone


def test_utc_offsets() -> None:
    assert utc_offsets(
        [
            "2017-03-25T01:15:00+02:00",
            "Fri, 24 Mar 2017 23:15:00 +0000",
            "2024-01-01",
            None,
            "2024-05-01T09:30:00Z",
            "2024-05-01T09:30:00-0430",
        ]
    ) == [120, 0, 0, -270]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://alwatan.sy/", "alwatan"),
        ("https://www.akhbar-misr.com.eg/", "akhbar_misr"),
        ("https://arabic.sputniknews.com/", "sputniknews"),
        ("http://127.0.0.1:8000/", None),
        ("https://24.ae/", None),
    ],
)
def test_site_name(url: str, name: str | None) -> None:
    assert site_name_for(url) == name


@pytest.mark.parametrize(
    ("text", "cms"),
    [
        ('<link href="/wp-content/themes/x.css">', "WordPress"),
        ('<meta name="Generator" content="Drupal 7">', "Drupal"),
        ('<meta name="generator" content="Joomla! - Open Source">', "Joomla"),
        ('<a href="/cmlink/1.2547363">rss</a>', "Polopoly"),
        ("<html><body>plain</body></html>", None),
    ],
)
def test_cms_family(text: str, cms: str | None) -> None:
    assert cms_family(text) == cms


def test_page_feeds_skip_comment_feeds() -> None:
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="https://alwatan.sy/feed/">
    <link rel="alternate" type="application/rss+xml" href="https://alwatan.sy/comments/feed">
    </head><body><p>الصفحة الرئيسية</p></body></html>"""
    assert page_feeds(html, "https://alwatan.sy/") == ["https://alwatan.sy/feed/"]


def test_navigation_links_keep_menu_sections_only() -> None:
    html = """<html><body>
    <nav id="main-nav"><a href="/">home</a><a href="/category/politics">سياسة</a>
    <a href="https://a.sy/about">about</a><a href="https://other.com/x">off</a>
    <a href="/category/sport#top">رياضة</a><a href="/tag/x/">tag</a></nav>
    <div class="content"><a href="/category/economy">not in a menu</a></div>
    <footer><div class="footer-menu"><a href="/category/old">footer</a></div></footer>
    </body></html>"""
    assert navigation_links(html, "https://a.sy/") == [
        "https://a.sy/category/politics",
        "https://a.sy/category/sport",
    ]


def test_feed_entries_rss_and_atom() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
    <channel><atom:link href="https://a.sy/feed" rel="self"/><link>https://a.sy</link>
    <item><link>https://a.sy/archives/1</link><pubDate>Fri, 24 Mar 2017 23:15:00 +0000</pubDate>
    </item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
    <link rel="alternate" href="https://b.com/n/2"/><published>2024-01-01T10:00:00+03:00</published>
    </entry></feed>"""
    assert [(e.url, e.date) for e in feed_entries(rss)] == [
        ("https://a.sy/archives/1", "Fri, 24 Mar 2017 23:15:00 +0000")
    ]
    assert [(e.url, e.date) for e in feed_entries(atom)] == [
        ("https://b.com/n/2", "2024-01-01T10:00:00+03:00")
    ]
    assert feed_entries(b"<html><body>not a feed</body></html>") == []


def test_read_sitemap_kinds() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://a.sy/post-sitemap.xml</loc></sitemap></sitemapindex>"""
    assert read_sitemap(index).children == ("https://a.sy/post-sitemap.xml",)
    plain = read_sitemap(urlset([("https://a.sy/1", "2024-01-01T00:00:00+02:00")]))
    assert [(e.url, e.date) for e in plain.entries] == [
        ("https://a.sy/1", "2024-01-01T00:00:00+02:00")
    ]
    assert not plain.is_news
    news = read_sitemap(news_sitemap([("https://a.sy/2", "2024-02-02T10:00:00+02:00")], "x"))
    assert news.is_news
    assert [(e.url, e.date) for e in news.entries] == [
        ("https://a.sy/2", "2024-02-02T10:00:00+02:00")
    ]
    assert read_sitemap(b"<html></html>").kind == ""


def test_robots_sitemaps_deduplicated() -> None:
    robots = Protego.parse(
        "User-agent: *\nDisallow: /wp-admin/\nSitemap: https://a.sy/sitemap_index.xml\n"
        "Sitemap: https://a.sy/sitemap_index.xml\nSitemap: https://a.sy/news.xml\n"
    )
    assert robots_sitemaps(robots) == ["https://a.sy/sitemap_index.xml", "https://a.sy/news.xml"]


@pytest.mark.parametrize(
    ("html", "name"),
    [
        ('<meta property="og:site_name" content="صحيفة الوطن"><title>x</title>', "صحيفة الوطن"),
        ("<title>الأنباء المحلية | الرئيسية</title>", "الأنباء المحلية"),
        ("<title>اليوم السابع - أخبار</title>", "اليوم السابع"),
        ("<p>no title</p>", None),
    ],
)
def test_display_name(html: str, name: str | None) -> None:
    assert display_name_of(f"<html><head>{html}</head><body></body></html>") == name


@pytest.mark.parametrize(
    ("url", "lang", "dates", "evidence"),
    [
        (
            "https://alwatan.sy/",
            None,
            ["2017-03-25T01:15:00+02:00", "Fri, 24 Mar 2017 23:15:00 +0000"],
            "the .sy domain; dates written at +02:00",
        ),
        ("https://www.lbcgroup.tv/", "ar-LB", [], "<html lang=ar-LB>; no dated offsets seen"),
        (
            "http://127.0.0.1:80/",
            "ar",
            ["2024-05-01T09:30:00+03:00"],
            "no country in the domain or the page; dates written at +03:00",
        ),
    ],
)
def test_zone_evidence(url: str, lang: str | None, dates: list[str], evidence: str) -> None:
    found = Discovery(url, lang=lang, articles=[Found(f"{url}a/1", d, "feed") for d in dates])
    assert zone_evidence(found) == evidence
