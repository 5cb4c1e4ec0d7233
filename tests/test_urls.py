"""Tables for crawler.urls: canonical dedup keys, the canonical-hint guard, crawlability."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.urls import canonicalize_url, is_same_site, url_is_crawlable

ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _escapes(url: str, case) -> str:
    """``url`` with every percent-escape's hex digits in the given case."""
    return ESCAPE.sub(lambda m: case(m.group(0)), url)


ALJAZEERA = (
    "https://www.aljazeera.net/news/politics/2019/9/23/"
    "%D9%87%D8%AC%D9%88%D9%85-%D8%A3%D8%B1%D8%A7%D9%85%D9%83%D9%88"
)
ELBALAD_LOWER = "https://elbaladtv.net/%d8%aa%d8%b1%d9%83%d9%89-%d8%a2%d9%84/"
ELBALAD_UPPER = "https://elbaladtv.net/%D8%AA%D8%B1%D9%83%D9%89-%D8%A2%D9%84/"

CANONICAL = [
    # tracking parameters
    ("https://alwatan.sy/archives/94762?utm_source=facebook", "https://alwatan.sy/archives/94762"),
    (
        "https://alwatan.sy/archives/94762?utm_source=fb&utm_medium=social&utm_campaign=x",
        "https://alwatan.sy/archives/94762",
    ),
    ("https://example.com/a?fbclid=IwAR0x&id=7", "https://example.com/a?id=7"),
    ("https://example.com/a?gclid=1&dclid=2&msclkid=3", "https://example.com/a"),
    ("https://example.com/a?mc_cid=1&mc_eid=2&igshid=3&_ga=4", "https://example.com/a"),
    ("https://example.com/a?ref=home&ocid=x&cmpid=y", "https://example.com/a"),
    ("https://example.com/a?__twitter_impression=true", "https://example.com/a"),
    ("https://example.com/a?at_medium=rss&at_campaign=z&page=2", "https://example.com/a?page=2"),
    ("https://example.com/a?UTM_Source=x&Q=1", "https://example.com/a?Q=1"),
    # AMP and mobile variants
    ("https://alwatan.sy/archives/94762/amp", "https://alwatan.sy/archives/94762"),
    ("https://example.com/2020/11/post/amp/", "https://example.com/2020/11/post/"),
    ("https://example.com/news/5?amp=1", "https://example.com/news/5"),
    ("https://example.com/news/5?amp", "https://example.com/news/5"),
    ("https://example.com/news/5?outputType=amp", "https://example.com/news/5"),
    ("https://example.com/news/5?amp=0", "https://example.com/news/5?amp=0"),  # not a switch
    ("https://example.com/amp-stories/x", "https://example.com/amp-stories/x"),
    ("https://example.com/ampere", "https://example.com/ampere"),
    # WordPress shortlinks keep their meaningful query
    ("https://sana.sy/?p=532871", "https://sana.sy/?p=532871"),
    ("https://sana.sy/?p=532871&utm_source=rss#comments", "https://sana.sy/?p=532871"),
    ("https://sana.sy/?p=532871&amp=1", "https://sana.sy/?p=532871"),
    # case, ports, fragments, query order, trailing slash as given
    ("HTTPS://Alwatan.SY:443/archives/94762#top", "https://alwatan.sy/archives/94762"),
    ("http://Example.com:80/A/b/", "http://example.com/A/b/"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com", "https://example.com/"),
    ("https://www.youm7.com/story/1", "https://www.youm7.com/story/1"),  # www kept
    # percent-encoding: uppercase hex, unreserved characters decoded, UTF-8 for raw Arabic
    (ELBALAD_LOWER, ELBALAD_UPPER),
    (_escapes(ALJAZEERA, str.lower), ALJAZEERA),
    ("https://example.com/%7Euser/%41b", "https://example.com/~user/Ab"),
    ("https://www.yjc.ir/fa/news/از-کشف", "https://www.yjc.ir/fa/news/" + quote("از-کشف")),
    ("https://example.com/a b", "https://example.com/a%20b"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected
    assert canonicalize_url(expected) == expected  # idempotent


MOBILE = [
    ("https://m.youm7.com/story/1", ["www.youm7.com"], "https://www.youm7.com/story/1"),
    ("https://amp.example.com/a/amp", ["example.com"], "https://example.com/a"),
    ("https://mobile.example.com/a", ["www.example.com"], "https://www.example.com/a"),
    ("https://m.example.com/a", [], "https://m.example.com/a"),  # no host invented
    ("https://m.example.com/a", ["other.com"], "https://m.example.com/a"),
]


@pytest.mark.parametrize(("url", "allowed", "expected"), MOBILE)
def test_mobile_hosts(url: str, allowed: list[str], expected: str) -> None:
    assert canonicalize_url(url, allowed_domains=allowed) == expected


HINTS = [
    # AMP alias with a trailing slash: rel=canonical resolves it
    ("https://alwatan.sy/archives/94762/amp/", "https://alwatan.sy/archives/94762",
     (), "https://alwatan.sy/archives/94762"),
    ("https://alwatan.sy/archives/94762?utm_source=facebook", "https://alwatan.sy/archives/94762",
     (), "https://alwatan.sy/archives/94762"),
    # relative hints are resolved against the page URL and cleaned
    ("https://alwatan.sy/archives/94762/amp", "/archives/94762?utm_medium=amp",
     (), "https://alwatan.sy/archives/94762"),
    # www and bare host are the same site; the site's own choice wins
    ("https://alwatan.sy/archives/1", "https://www.alwatan.sy/archives/1",
     (), "https://www.alwatan.sy/archives/1"),
    # off-site hint (syndication partner) is ignored ...
    ("https://alwatan.sy/archives/1", "https://sana.sy/?p=532871",
     (), "https://alwatan.sy/archives/1"),
    # ... unless the other host is one of the site's allowed domains
    ("https://alwatan.sy/archives/1", "https://alwatan-news.com/1",
     ("alwatan.sy", "alwatan-news.com"), "https://alwatan-news.com/1"),
    # home page as canonical on an article is a template bug
    ("https://alwatan.sy/archives/1", "https://alwatan.sy/", (), "https://alwatan.sy/archives/1"),
    ("https://alwatan.sy/", "https://alwatan.sy/", (), "https://alwatan.sy/"),
    # garbage hints
    ("https://alwatan.sy/archives/1", "javascript:void(0)", (), "https://alwatan.sy/archives/1"),
    ("https://alwatan.sy/archives/1", "", (), "https://alwatan.sy/archives/1"),
    ("https://sana.sy/?p=1", "https://sana.sy/?p=532871&utm_source=x",
     (), "https://sana.sy/?p=532871"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "hint", "allowed", "expected"), HINTS)
def test_canonical_hint(url: str, hint: str, allowed: tuple[str, ...], expected: str) -> None:
    assert canonicalize_url(url, canonical_hint=hint, allowed_domains=allowed) == expected


SAME_SITE = [
    ("https://alwatan.sy/a", "https://www.alwatan.sy/b", True),
    ("https://m.youm7.com/a", "https://www.youm7.com/b", True),
    ("https://news.bbc.co.uk/a", "https://www.bbc.co.uk/b", True),
    ("https://a.co.uk/x", "https://b.co.uk/x", False),  # public suffix is not a site
    ("https://alwatan.sy/a", "https://sana.sy/a", False),
    ("https://alwatan.sy/a", "/relative", False),
]


@pytest.mark.parametrize(("a", "b", "expected"), SAME_SITE)
def test_is_same_site(a: str, b: str, expected: bool) -> None:
    assert is_same_site(a, b) is expected
    assert is_same_site(b, a) is expected


CRAWLABLE = [
    ("https://alwatan.sy/archives/94762", True),
    ("http://sana.sy/?p=532871", True),
    ("HTTPS://ALWATAN.SY/", True),
    ("javascript:void(0)", False),
    ("JavaScript:alert(1)", False),
    ("data:text/html,<b>x</b>", False),
    ("mailto:news@alwatan.sy", False),
    ("tel:+963112345678", False),
    ("ftp://alwatan.sy/file", False),
    ("whatsapp://send?text=x", False),
    ("/archives/94762", False),
    ("//alwatan.sy/archives/1", False),
    ("https://", False),
    ("https://alwatan.sy/a b", False),
    ("https://alwatan.sy:99999/", False),
    ("https://alwatan.sy/" + "a" * 2100, False),
    ("", False),
]


@pytest.mark.parametrize(("url", "expected"), CRAWLABLE)
def test_url_is_crawlable(url: str, expected: bool) -> None:
    assert url_is_crawlable(url) is expected


def test_url_is_crawlable_max_length() -> None:
    url = "https://alwatan.sy/" + "a" * 81
    assert url_is_crawlable(url, max_length=100)
    assert not url_is_crawlable(url + "a", max_length=100)


def test_manifest_arabic_urls_escape_case_insensitive(corpus_dir: Path) -> None:
    """Upper-case, lower-case and raw-Arabic spellings of every manifest URL give one key."""
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        urls = [row["original_url"] for row in csv.DictReader(fh, delimiter="\t")]
    escaped = [u for u in urls if re.search(r"%[0-9A-Fa-f]{2}", u)]
    raw_arabic = [u for u in urls if re.search(r"[\u0600-\u06FF]", u)]
    assert len(escaped) >= 5 and len(raw_arabic) >= 3
    for url in escaped:
        upper, lower = _escapes(url, str.upper), _escapes(url, str.lower)
        key = canonicalize_url(upper)
        assert canonicalize_url(lower) == key, url
        assert all(e == e.upper() for e in ESCAPE.findall(key)), key
    for url in raw_arabic:
        key = canonicalize_url(url)
        assert key.isascii(), url
        assert canonicalize_url(_escapes(key, str.lower)) == key, url
