"""A generated news archive of N articles over several years, its pages made on request.

What tests/test_backfill.py and bench/backfill.py crawl: a sitemap index with one child
sitemap per month (lastmod on every entry), an archive listing paginated to its first
article (newest first, 20 a page, dated URLs /YYYY/MM/DD/ID), and a feed of the latest ten.
Pages are generated from the URL when asked for (the same bytes every time), so a site of
100,000 articles costs the server no memory; the article pages are those of
tests/support/newssite.py (small synthetic Arabic pages), dated as their URL says.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from tests.support.newssite import MONTHS, WORDS, sentence
from tests.support.replay import ReplaySite, Resource, normalise_url

HOST = "archive.khabar.test"
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2024, 12, 31)
PER_LISTING_PAGE = 20
FEED_ITEMS = 10
XML = "application/xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

_ARTICLE = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/(\d+)$")
_SITEMAP = re.compile(r"^/sitemaps/(\d{4})-(\d{2})\.xml$")
_LISTING = re.compile(r"^/archive/page/(\d+)$")


def article_page(url: str, article_id: int, day: date) -> bytes:
    rng = random.Random(article_id)
    title = " ".join(rng.choice(WORDS) for _ in range(8))
    paragraphs = "\n".join(f"<p>{sentence(rng)} {sentence(rng)}</p>" for _ in range(5))
    iso = f"{day.isoformat()}T10:00:00+03:00"
    return f"""<!DOCTYPE html><html dir="rtl" lang="ar"><head><meta charset="UTF-8">
<title>{title} - صحيفة الأرشيف</title>
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="{iso}">
</head><body><article class="post">
<h1 class="post-title entry-title">{title}</h1>
<div class="date meta-item">{day.day} {MONTHS[day.month - 1]} {day.year}</div>
<div class="entry-content entry">{paragraphs}</div>
</article></body></html>""".encode()


class ArchiveSite(ReplaySite):
    """Articles 1..N, evenly spread from FIRST_DAY to LAST_DAY (article 1 the oldest); served
    over https (as the tests' config says) or http (`scheme`, cheaper for a benchmark)."""

    def __init__(self, count: int, scheme: str = "https") -> None:
        super().__init__("archive")
        self.count = count
        self.origin = f"{scheme}://{HOST}"
        span = (LAST_DAY - FIRST_DAY).days
        self.days = [
            FIRST_DAY + timedelta(days=(i * span) // max(count - 1, 1)) for i in range(count)
        ]
        self.months = sorted({(d.year, d.month) for d in self.days})

    # -- what the tests ask about ------------------------------------------------------------

    def day(self, article_id: int) -> date:
        return self.days[article_id - 1]

    def url(self, article_id: int) -> str:
        day = self.day(article_id)
        return f"{self.origin}/{day.year}/{day.month:02d}/{day.day:02d}/{article_id}"

    def urls_between(self, first: date, last: date) -> set[str]:
        """Article URLs published from `first` to `last`, both included."""
        lo, hi = bisect_left(self.days, first), bisect_right(self.days, last)
        return {self.url(i + 1) for i in range(lo, hi)}

    @property
    def sitemap_urls(self) -> list[str]:
        return [f"{self.origin}/sitemaps/{y}-{m:02d}.xml" for y, m in self.months]

    @property
    def listing_pages(self) -> int:
        return -(-self.count // PER_LISTING_PAGE)

    # -- ReplaySite ----------------------------------------------------------------------------

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({HOST})

    @property
    def urls(self) -> list[str]:
        return [self.url(i) for i in range(1, self.count + 1)]

    def __len__(self) -> int:
        return self.count

    def get(self, url: str) -> Resource | None:
        norm = normalise_url(url)
        if not norm.startswith(self.origin + "/"):
            return None
        path = norm[len(self.origin) :]
        if path == "/robots.txt":
            return Resource(b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/sitemap_index.xml":
            return Resource(self._index(), XML)
        if path == "/feed.xml":
            return Resource(self._feed(), "application/rss+xml")
        if m := _ARTICLE.match(path):
            article_id = int(m.group(4))
            if 1 <= article_id <= self.count and norm == self.url(article_id):
                page = article_page(norm, article_id, self.day(article_id))
                return Resource(page, "text/html")
            return None
        if m := _SITEMAP.match(path):
            month = (int(m.group(1)), int(m.group(2)))
            return Resource(self._sitemap(month), XML) if month in self.months else None
        if m := _LISTING.match(path):
            page = int(m.group(1))
            return (
                Resource(self._listing(page), "text/html") if page <= self.listing_pages else None
            )
        return None

    def _month_ids(self, year: int, month: int) -> range:
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
        return range(bisect_left(self.days, first) + 1, bisect_left(self.days, after) + 1)

    def _index(self) -> bytes:
        entries = []
        for year, month in self.months:
            last = self._month_ids(year, month)[-1]
            entries.append(
                f"<sitemap><loc>{self.origin}/sitemaps/{year}-{month:02d}.xml</loc>"
                f"<lastmod>{self.day(last).isoformat()}</lastmod></sitemap>"
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SITEMAP_NS}">'
            f"{''.join(entries)}</sitemapindex>"
        ).encode()

    def _sitemap(self, month: tuple[int, int]) -> bytes:
        entries = "".join(
            f"<url><loc>{self.url(i)}</loc><lastmod>{self.day(i).isoformat()}</lastmod></url>"
            for i in self._month_ids(*month)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'
        ).encode()

    def _listing(self, page: int) -> bytes:
        newest = self.count - (page - 1) * PER_LISTING_PAGE
        links = "".join(
            f'<li><a href="{self.url(i)}">{i}</a></li>'
            for i in range(newest, max(newest - PER_LISTING_PAGE, 0), -1)
        )
        more = (
            f'<a class="next" href="/archive/page/{page + 1}">التالي</a>'
            if page < self.listing_pages
            else ""
        )
        return f'<html lang="ar"><body><ul>{links}</ul>{more}</body></html>'.encode()

    def _feed(self) -> bytes:
        items = "".join(
            f"<item><link>{self.url(i)}</link></item>"
            for i in range(self.count, max(self.count - FEED_ITEMS, 0), -1)
        )
        return f'<?xml version="1.0"?><rss><channel>{items}</channel></rss>'.encode()


def config(scheme: str = "https", database: str = "archive.sqlite") -> str:
    """The site's config.yaml (a `scheme` site: the article pattern and start URLs follow)."""
    return CONFIG.replace("https://", f"{scheme}://").replace("archive.sqlite", database)


CONFIG = f"""\
database: archive.sqlite
sites:
  - name: archive
    display_name: صحيفة الأرشيف
    domains: [{HOST}]
    locale: ar-SY
    timezone: Asia/Damascus
    feeds: [https://{HOST}/feed.xml]
    sitemaps: [https://{HOST}/sitemap_index.xml]
    listings:
      - url: https://{HOST}/archive/page/1
        max_pages: 2
    article_patterns: ['^https://{HOST.replace(".", "[.]")}/\\d{{4}}/\\d{{2}}/\\d{{2}}/\\d+$']
    extraction:
      title_suffixes: [" - صحيفة الأرشيف"]
"""
