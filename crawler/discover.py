"""Discover a news site's feeds, sitemaps, listings and article URL shape from its home page.

`khabar add-site URL` runs `discover()` and turns the result into a config entry with
`propose()`. Everything here is a pure function of fetched text except `PoliteFetcher` (the only
thing that touches the network) and `discover()`/`sample_articles()` (which drive it), so the
heuristics are tested by tables. Reused rather than rewritten: trafilatura finds the feeds a
page advertises, Protego (Scrapy's robots parser) reads robots.txt, Scrapy's `Sitemap` reads
sitemaps and `crawler.sitemaps` the Google News fields it drops.
"""

from __future__ import annotations

import gzip
import io
import re
import ssl
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from protego import Protego
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from scrapy import Selector
from scrapy.utils.sitemap import Sitemap
from trafilatura.feeds import FeedParameters, determine_feed
from w3lib.encoding import html_to_unicode, http_content_type_encoding
from w3lib.url import safe_url_string

from crawler.article_patterns import (
    NonArticle,
    PatternCheck,
    article_patterns,
    infer_article_patterns,
    is_domain_name,
    matches_any,
)
from crawler.dates import parse_machine_date
from crawler.extract.article import extract_article
from crawler.extract.rules import ExtractionRules
from crawler.extract.sources import SOURCED_FIELDS
from crawler.sitemaps import news_entries
from crawler.terminal import printable, without_controls
from crawler.urls import _registered_domain, canonicalize_url
from crawler.zones import ARAB_CCTLDS, country_of
from crawler.zones import country_zones as _country_zones

# Where CMSs put their feeds when the page advertises none (probed in this order).
FEED_PATHS = ("/feed/", "/rss", "/rss.xml", "/feed", "/atom.xml", "/index.xml")
SITEMAP_PATHS = ("/sitemap_index.xml", "/sitemap.xml")
NEWS_SITEMAP_PATHS = ("/news-sitemap.xml", "/sitemap-news.xml", "/sitemap_news.xml")
# Pages a navigation bar links to that are not listings of articles.
NOT_A_LISTING = re.compile(
    r"about|contact|advert|privacy|terms|policy|login|register|subscribe|search|/feed|"
    r"/tag/|/author/|/wp-|\.xml$|%D9%85%D9%86-%D9%86%D8%AD%D9%86",  # من-نحن
    re.IGNORECASE,
)
# Sitemaps of a sitemap index that list taxonomy or static pages, not articles (Yoast
# category-sitemap.xml, WordPress wp-sitemap-taxonomies-category-1.xml and -users-1.xml, Drupal
# taxonomy-term and user sitemaps): read for the URLs article patterns must not match.
TAXONOMY_SITEMAP = re.compile(
    r"(?:^|[/_.-])(?:categor(?:y|ies)|post_tag|tags?|authors?|users?|pages?|sections?|topics?|"
    r"taxonom(?:y|ies)|terms?|writers?)(?=[/_.-]|$)",
    re.I,
)
# A path segment naming an author, tag, section or page index: links with one are not articles.
TAXONOMY_WORDS = frozenset(
    "author authors writer writers columnist columnists user users profile profiles people "
    "staff tag tags topic topics keyword keywords category categories section sections "
    "taxonomy term terms page pages "
    "كاتب كتاب الكاتب الكتاب كتّاب الكتّاب وسم وسوم الوسم قسم أقسام الأقسام تصنيف".split()
)
MAX_TAXONOMY_SITEMAPS = 2
MAX_TAXONOMY_ENTRIES = 2000  # per sitemap: enough to show a shape, cheap to check patterns on
CMS_SIGNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("WordPress", ("/wp-content/", "/wp-includes/", "wordpress.org/?v=", 'content="WordPress')),
    ("Drupal", ("/sites/default/files/", "Drupal.settings", 'content="Drupal', "drupal.js")),
    ("Joomla", ('content="Joomla', "/media/jui/", "option=com_content")),
    ("Ghost", ('content="Ghost',)),
    ("Blogger", ("blogger.com/static", 'content="blogger"')),
    ("Polopoly", ("/cmlink/", "polopoly")),
)
MIN_LISTING_ARTICLES = 2
SAMPLE_SIZE = 5
_OFFSET = re.compile(r"(?:([+-])(\d{2}):?(\d{2})|(Z|GMT|UTC))\s*$")


# --- fetching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    body: bytes
    content_type: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and bool(self.body)

    def text(self) -> str:
        """The body decoded as browsers do (BOM, HTTP charset, <meta charset>, else UTF-8)."""
        return html_to_unicode(self.content_type, self.body)[1]


class PoliteFetcher:
    """GETs for discovery: robots.txt obeyed, a delay between requests (raised to the site's
    Crawl-delay), the crawl's User-Agent, and a budget of requests.

    Certificates are not verified, like Scrapy's own downloader: the crawl that follows would
    fetch the same pages the same way. Proxies come from http_proxy/https_proxy, as for Scrapy.
    """

    def __init__(
        self,
        user_agent: str,
        *,
        delay: float = 1.0,
        budget: int = 30,
        timeout: float = 20.0,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.user_agent, self.delay, self.budget, self.timeout = user_agent, delay, budget, timeout
        self.used = 0
        self.robots: Protego | None = None
        self.report = report or (lambda line: None)
        self._last = 0.0
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))

    @property
    def left(self) -> int:
        return self.budget - self.used

    def load_robots(self, base: str) -> Fetched | None:
        """Read robots.txt (always allowed); its Crawl-delay raises our delay."""
        fetched = self.get(urljoin(base, "/robots.txt"), check_robots=False)
        text = fetched.text() if fetched is not None and fetched.ok else ""
        self.robots = Protego.parse(text)
        crawl_delay = self.robots.crawl_delay(self.user_agent)
        if crawl_delay and crawl_delay > self.delay:
            self.report(f"robots.txt asks for Crawl-delay {crawl_delay:g} s: waiting that long")
            self.delay = float(crawl_delay)
        return fetched

    def get(self, url: str, *, check_robots: bool = True) -> Fetched | None:
        """The response (any status), or None: over budget, disallowed, or no answer. Non-ASCII
        links (raw Arabic in an href) are sent percent-encoded, as Scrapy sends them."""
        if self.used >= self.budget:
            return None
        url = safe_url_string(url)
        if (
            check_robots
            and self.robots is not None
            and not self.robots.can_fetch(url, self.user_agent)
        ):
            self.report(f"skipped (robots.txt disallows): {url}")
            return None
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.used += 1
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                fetched = Fetched(
                    response.geturl(),
                    response.status,
                    _gunzip(response.read()),
                    response.headers.get("Content-Type", ""),
                )
        except urllib.error.HTTPError as exc:
            fetched = Fetched(url, exc.code, b"", exc.headers.get("Content-Type", ""))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            self.report(f"[{self.used}/{self.budget}] {url}: no answer ({reason})")
            self._last = time.monotonic()
            return None
        self._last = time.monotonic()
        self.report(f"[{self.used}/{self.budget}] {url}: {fetched.status}")
        return fetched


def _gunzip(body: bytes, limit: int = 10 * 1024 * 1024) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            return fh.read(limit)
    except (OSError, EOFError):
        return b""


# --- pure parsing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """An article URL as a feed or sitemap lists it, with the date it gives."""

    url: str
    date: str | None
    via: str  # "feed" | "news sitemap" | "sitemap" (may list other pages too) | "listing"


def page_feeds(html: str, page_url: str) -> list[str]:
    """Feeds a page advertises (<link rel=alternate>, else feed-like <a> links), via trafilatura;
    comment feeds are left out."""
    host = urlsplit(page_url).hostname or ""
    params = FeedParameters(_origin(page_url), host, page_url)
    return determine_feed(html, params)


def feed_entries(body: bytes) -> list[Found]:
    """Links and dates of an RSS 2.0 / Atom feed's items (empty when `body` is no feed)."""
    if not re.search(rb"<(rss|feed|rdf:RDF)[\s>]", body[:4096]):
        return []
    selector = Selector(body=body, type="xml")
    selector.remove_namespaces()
    out = []
    for entry in selector.xpath("//item | //entry"):
        link = (
            entry.xpath("link[not(@rel) or @rel='alternate']/@href").get()
            or entry.xpath("link/text()").get()
            or ""
        ).strip()
        date = (
            entry.xpath("pubDate/text()").get()
            or entry.xpath("published/text()").get()
            or entry.xpath("updated/text()").get()
            or entry.xpath("date/text()").get()
        )
        if link:
            out.append(Found(link, date.strip() if date else None, "feed"))
    return out


def feed_title(body: bytes) -> str | None:
    selector = Selector(body=body, type="xml")
    selector.remove_namespaces()
    title = selector.xpath("/rss/channel/title/text() | /feed/title/text()").get()
    return without_controls(title or "") or None


@dataclass(frozen=True)
class SitemapRead:
    kind: str  # "sitemapindex" | "urlset" | "" (not a sitemap)
    children: tuple[str, ...] = ()
    entries: tuple[Found, ...] = ()
    is_news: bool = False


def read_sitemap(body: bytes) -> SitemapRead:
    """A sitemap index's children, or a urlset's URLs with their lastmod (or, in a Google News
    sitemap without lastmod, their news:publication_date)."""
    head = body[:4096]
    if b"<urlset" not in head and b"<sitemapindex" not in head:
        return SitemapRead("")
    sitemap = Sitemap(body)
    if sitemap.type == "sitemapindex":
        return SitemapRead("sitemapindex", tuple(e["loc"].strip() for e in sitemap if "loc" in e))
    news = news_entries(body)
    entries = []
    for entry in sitemap:
        loc = entry.get("loc", "").strip()
        date = entry.get("lastmod") or (news[loc].publication_date if loc in news else None)
        if loc:
            entries.append(Found(loc, date, "sitemap"))
    return SitemapRead("urlset", entries=tuple(entries), is_news=bool(news))


def robots_sitemaps(robots: Protego) -> list[str]:
    return list(dict.fromkeys(robots.sitemaps))


def cms_family(*texts: str) -> str | None:
    """WordPress, Drupal, … when a page or feed shows the CMS's fingerprints."""
    for name, signs in CMS_SIGNS:
        if any(sign in text for text in texts for sign in signs):
            return name
    return None


def navigation_links(html: str, page_url: str) -> list[str]:
    """Same-host links of the page's main navigation (header/nav menus, not the footer), in
    order, without the home page and pages that are not listings (about, contact, …)."""
    selector = Selector(text=html)
    hrefs = selector.xpath(
        "//*[self::nav or @role='navigation' or contains(@class,'menu') or contains(@id,'menu')"
        " or contains(@class,'nav') or contains(@id,'nav')]//a[not(ancestor::footer)]/@href"
    ).getall()
    host = urlsplit(page_url).netloc.lower()
    out: dict[str, None] = {}
    for href in hrefs:
        url = urljoin(page_url, href.strip()).split("#")[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host:
            continue
        if (parts.path in ("", "/") and not parts.query) or NOT_A_LISTING.search(url):
            continue
        out[url] = None
    return list(out)


def page_links(html: str, page_url: str) -> list[str]:
    selector = Selector(text=html)
    return list(
        dict.fromkeys(urljoin(page_url, h.strip()) for h in selector.css("a::attr(href)").getall())
    )


def chrome_links(html: str, page_url: str) -> list[NonArticle]:
    """Same-host links of the page's menus, header and footer: pages that are most often not
    articles (sections, about, contact), though a menu sometimes features a story."""
    selector = Selector(text=html)
    host = urlsplit(page_url).netloc.lower()
    out: dict[str, NonArticle] = {}
    for source, xpath in (
        (
            "footer",
            "//*[self::footer or @role='contentinfo' or (not(self::body or self::main) and"
            " (contains(@class,'footer') or contains(@id,'footer')))]//a/@href",
        ),
        (
            "menu",
            "//*[self::header or self::nav or @role='navigation' or @role='banner' or"
            " (not(self::body or self::main) and (contains(@class,'menu') or"
            " contains(@id,'menu')))]//a/@href",
        ),
    ):
        for href in selector.xpath(xpath).getall():
            url = urljoin(page_url, href.strip()).split("#")[0]
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc.lower() == host:
                out[url] = NonArticle(url, source, certain=False)
    return list(out.values())


def taxonomy_links(urls: Iterable[str], article_urls: Iterable[str]) -> list[str]:
    """The URLs with a path segment that names an author, tag, section or page index
    (/authors/x, /tag/y, /page/2), unless article URLs have that word at that place too."""
    used = {(i, w) for url in article_urls for i, w in enumerate(_path_words(url))}
    return [
        url
        for url in dict.fromkeys(urls)
        if any(w in TAXONOMY_WORDS and (i, w) not in used for i, w in enumerate(_path_words(url)))
    ]


def _path_words(url: str) -> list[str]:
    return [unquote(s).lower() for s in urlsplit(url).path.split("/") if s]


def display_name_of(html: str) -> str | None:
    """og:site_name, else the <title> up to its first separator (« | », « - », « – »)."""
    selector = Selector(text=html)
    name = selector.css("meta[property='og:site_name']::attr(content)").get()
    if not (name and name.strip()):
        name = re.split(r"\s[|\-–—:·]\s", selector.css("title::text").get() or "")[0]
    return without_controls(name) or None


def html_lang(html: str) -> str | None:
    lang = Selector(text=html).xpath("/html/@lang").get()
    return lang.strip() if lang else None


# --- inference --------------------------------------------------------------------------------


def site_domain(url: str) -> str:
    """The domain config.yaml lists for the site: the host without a leading www."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def utc_offsets(dates: Iterable[str | None]) -> list[int]:
    """UTC offsets (minutes) written in feed/sitemap dates; dates without one are skipped."""
    out = []
    for text in dates:
        match = _OFFSET.search(text or "")
        if not match:
            continue
        if match.group(4):
            out.append(0)
        else:
            sign = -1 if match.group(1) == "-" else 1
            out.append(sign * (int(match.group(2)) * 60 + int(match.group(3))))
    return out


def infer_locale(country: str | None) -> str:
    return f"ar-{country.upper()}" if country in ARAB_CCTLDS else "ar"


def infer_timezone(country: str | None, dates: Iterable[str | None]) -> str:
    """The country's zone (the one whose offset matches the dates, where it has several);
    without a country, a fixed-offset zone from the dates' most common offset, else UTC."""
    dated = [(t, o) for t in dates if t for o in utc_offsets([t])]
    offsets = Counter(o for _, o in dated if o)
    if country:
        zones = _country_zones()[country]
        if len(zones) == 1 or not offsets:
            return zones[0]

        def agreement(zone: str) -> int:
            tz = ZoneInfo(zone)
            hits = 0
            for text, offset in dated:
                moment = parse_machine_date(text)
                if moment and moment.astimezone(tz).utcoffset().total_seconds() == offset * 60:
                    hits += 1
            return hits

        return max(zones, key=agreement)
    if not offsets:
        return "UTC"
    offset, _ = offsets.most_common(1)[0]
    if offset % 60:
        return "UTC"
    hours = offset // 60
    return f"Etc/GMT{-hours:+d}"  # POSIX sign: Etc/GMT-3 is UTC+03:00


def site_name_for(url: str) -> str | None:
    """A spider name from the domain (alwatan.sy → alwatan), or None when none fits."""
    host = site_domain(url)
    if not is_domain_name(host):
        return None
    label = _registered_domain(host).split(".")[0]
    name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return name if re.fullmatch(r"[a-z][a-z0-9_]*", name) else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- the discovery run ------------------------------------------------------------------------


@dataclass
class Discovery:
    """Everything add-site found, with notes on where each thing came from."""

    start_url: str
    cms: str | None = None
    display_name: str | None = None
    lang: str | None = None
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    news_sitemaps: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    articles: list[Found] = field(default_factory=list)
    non_articles: list[NonArticle] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def article_urls(self) -> list[str]:
        """The URLs to fit article patterns to: what feeds and news sitemaps list, and what
        other sitemaps list unless it is known as something else (a plain sitemap often
        lists the sections and the about page as well)."""
        known = {canonicalize_url(n.url) for n in self.non_articles}
        return [
            a.url
            for a in self.articles
            if _is_article_candidate(a.url, self.start_url)
            and (a.via != "sitemap" or canonicalize_url(a.url) not in known)
        ]

    def negatives(self) -> list[NonArticle]:
        """The known non-articles; a menu link that a sitemap lists too is left out (neither
        article nor not: alwatan's menu features stories)."""
        listed = {canonicalize_url(a.url) for a in self.articles}
        return [n for n in self.non_articles if n.certain or canonicalize_url(n.url) not in listed]

    def patterns(self) -> list[PatternCheck]:
        return infer_article_patterns(self.article_urls(), self.negatives(), listings=self.listings)


def discover(start_url: str, fetcher: PoliteFetcher) -> Discovery:
    """Read robots.txt, the home page, its feeds and sitemaps, and the navigation's listings;
    note the URLs that are not articles on the way (menus, footers, taxonomy sitemaps)."""
    found = Discovery(start_url)
    origin = _origin(start_url)
    robots = fetcher.load_robots(origin)
    if robots is None or not robots.ok:
        found.notes.append("robots.txt: none (everything allowed)")

    home = fetcher.get(start_url)
    home_html = home.text() if home is not None and home.ok else ""
    if not home_html:
        found.notes.append(f"home page {start_url}: not available")
    nav: list[str] = []
    home_links: list[str] = []
    if home_html:
        found.cms = cms_family(home_html)
        found.display_name = display_name_of(home_html)
        found.lang = html_lang(home_html)
        found.feeds = [f for f in page_feeds(home_html, start_url) if _same_site(f, start_url)]
        if found.feeds:
            found.notes.append("feeds: from the home page's <link rel=alternate>")
        nav = navigation_links(home_html, start_url)
        found.non_articles.extend(chrome_links(home_html, start_url))
        home_links = [u for u in page_links(home_html, start_url) if _same_site(u, start_url)]

    feed_bodies: list[bytes] = []
    for url in list(found.feeds):
        fetched = fetcher.get(url)
        entries = feed_entries(fetched.body) if fetched is not None and fetched.ok else []
        if not entries:
            found.feeds.remove(url)
            continue
        feed_bodies.append(fetched.body)
        found.articles.extend(entries)
    if not found.feeds:
        for path in FEED_PATHS:
            fetched = fetcher.get(origin + path)
            entries = feed_entries(fetched.body) if fetched is not None and fetched.ok else []
            if entries:
                found.feeds.append(origin + path)
                found.articles.extend(entries)
                feed_bodies.append(fetched.body)
                found.notes.append(f"feeds: {path} answers with a feed (the page names none)")
                break
    if feed_bodies:
        found.cms = found.cms or cms_family(
            *(b[:4096].decode("utf-8", "replace") for b in feed_bodies)
        )
        found.display_name = found.display_name or feed_title(feed_bodies[0])

    _discover_sitemaps(found, fetcher, origin)
    _note_taxonomy_links(found, home_links, "tag or author link on the home page")

    _discover_listings(found, fetcher, nav)
    if found.listings:
        found.notes.append("listings: main-navigation pages that link to articles")
    found.notes.append(f"locale/timezone: {zone_evidence(found)}")
    return found


def _discover_listings(found: Discovery, fetcher: PoliteFetcher, nav: list[str]) -> None:
    """Menu pages that link to at least two articles are listings. Links there shaped like the
    articles but of a section no feed or sitemap showed count as articles once the crawl's
    extraction takes one of them for an article."""
    start_url = found.start_url
    listed = {canonicalize_url(u) for u in found.article_urls()}
    nav = [u for u in nav if canonicalize_url(u) not in listed]  # menus feature stories too
    checks = found.patterns()
    strict = [re.compile(p) for p in article_patterns(checks)]
    loose = [re.compile(c.loose) for c in checks if c.loose]
    for url in nav:
        if matches_any(strict, url):
            continue
        if fetcher.left <= SAMPLE_SIZE:
            found.notes.append("listings: request budget reached; more nav links not checked")
            break
        fetched = fetcher.get(url)
        if fetched is None or not fetched.ok:
            continue
        html = fetched.text()
        links = [u for u in page_links(html, fetched.url) if _same_site(u, start_url)]
        others = taxonomy_links(links, found.article_urls())
        others += [n.url for n in chrome_links(html, fetched.url)]
        others += [n.url for n in found.non_articles]
        skip = {canonicalize_url(u) for u in others} - listed  # menus feature stories
        links = [u for u in links if canonicalize_url(u) not in skip]
        leading = [u for u in links if canonicalize_url(u) in listed or matches_any(strict, u)]
        unseen = [u for u in links if u not in leading and matches_any(loose, u)]
        if len(unseen) >= MIN_LISTING_ARTICLES and _is_article(unseen[0], fetcher, found):
            # a section the feeds and sitemaps did not show: its articles count as listed
            found.articles.extend(Found(u, None, "listing") for u in unseen)
            listed |= {canonicalize_url(u) for u in unseen}
            leading += unseen
        if len(leading) >= MIN_LISTING_ARTICLES:
            found.listings.append(url)
            found.non_articles.append(NonArticle(url, "listing"))
            _note_taxonomy_links(found, links, "tag, author or page link on a listing")


def _is_article(url: str, fetcher: PoliteFetcher, found: Discovery) -> bool:
    """Whether the crawl's extraction takes the page at `url` for an article; a page it does
    not is noted as a non-article (a photo gallery shaped like the stories)."""
    if fetcher.left <= SAMPLE_SIZE + 1:
        return False
    fetched = fetcher.get(url)
    if fetched is None or not fetched.ok:
        return False
    record = extract_article(
        fetched.body,
        fetched.url,
        ExtractionRules(),
        http_encoding=http_content_type_encoding(fetched.content_type),
    )
    if record.get("page_kind") == "article":
        return True
    found.non_articles.append(NonArticle(url, f"extracted as {record.get('page_kind')}"))
    return False


def _note_taxonomy_links(found: Discovery, links: Iterable[str], source: str) -> None:
    same = [u for u in links if _same_site(u, found.start_url)]
    found.non_articles.extend(
        NonArticle(u, source) for u in taxonomy_links(same, found.article_urls())
    )


def zone_evidence(found: Discovery) -> str:
    """Why propose() picks its locale and timezone, for the user to check."""
    host = (urlsplit(found.start_url).hostname or "").lower()
    country = country_of(found.start_url, found.lang)
    offsets = sorted({o for o in utc_offsets(a.date for a in found.articles) if o})
    seen = ", ".join(
        f"{'+' if o > 0 else '-'}{abs(o) // 60:02d}:{abs(o) % 60:02d}" for o in offsets
    )
    if country and host.endswith("." + country):
        source = f"the .{country} domain"
    elif country:
        source = f"<html lang={found.lang}>"
    else:
        source = "no country in the domain or the page"
    return f"{source}; dates written at {seen}" if seen else f"{source}; no dated offsets seen"


def _discover_sitemaps(found: Discovery, fetcher: PoliteFetcher, origin: str) -> None:
    robots = fetcher.robots
    roots = [u for u in robots_sitemaps(robots) if _same_site(u, origin)] if robots else []
    if roots:
        found.notes.append("sitemaps: from robots.txt")
    probes = [] if roots else [origin + p for p in SITEMAP_PATHS]
    queue = list(roots) + probes
    taxonomy: list[str] = []  # read last, for the URLs that patterns must not match
    children_read = 0
    seen: set[str] = set()
    while queue or taxonomy:
        if fetcher.left <= SAMPLE_SIZE + 2:
            break
        if not queue:  # a few taxonomy sitemaps, leaving requests for the menu's listings
            url = taxonomy.pop(0)
            if fetcher.left <= SAMPLE_SIZE + 6 or url in seen:
                continue
            seen.add(url)
            fetched = fetcher.get(url)
            read = read_sitemap(fetched.body) if fetched is not None and fetched.ok else None
            name = urlsplit(url).path.rsplit("/", 1)[-1]
            found.non_articles.extend(
                NonArticle(e.url, f"{name} (a sitemap of taxonomy or static pages)")
                for e in (read.entries if read is not None else ())[:MAX_TAXONOMY_ENTRIES]
            )
            continue
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        fetched = fetcher.get(url)
        read = read_sitemap(fetched.body) if fetched is not None and fetched.ok else None
        if read is None or not read.kind:
            continue
        is_root = url in roots or url in probes
        if is_root and url not in found.sitemaps:
            if url in probes:
                found.notes.append(f"sitemaps: {urlsplit(url).path} exists")
                probes.clear()  # one general sitemap is enough
                queue = [u for u in queue if u not in (origin + p for p in SITEMAP_PATHS)]
            found.sitemaps.append(url)
        if read.is_news:
            found.news_sitemaps.append(url)
        if read.kind == "sitemapindex":
            children = [c for c in read.children if _same_site(c, origin)]
            wanted = [c for c in children if not _is_taxonomy_sitemap(c)]
            # news sitemaps first: they hold the newest articles
            wanted.sort(key=lambda c: "news" not in c.lower())
            queue[:0] = wanted[: 3 - children_read]
            children_read += len(wanted[:3])
            taxonomy.extend(c for c in children if _is_taxonomy_sitemap(c))
            taxonomy.sort(key=_taxonomy_order)
            del taxonomy[MAX_TAXONOMY_SITEMAPS:]
        else:
            via = "news sitemap" if read.is_news else "sitemap"
            found.articles.extend(Found(e.url, e.date, via) for e in read.entries)
    if not found.sitemaps and not found.feeds:
        for path in NEWS_SITEMAP_PATHS:
            fetched = fetcher.get(origin + path)
            read = read_sitemap(fetched.body) if fetched is not None and fetched.ok else None
            if read is not None and read.kind == "urlset":
                found.sitemaps.append(origin + path)
                found.news_sitemaps.append(origin + path)
                found.articles.extend(Found(e.url, e.date, "news sitemap") for e in read.entries)
                found.notes.append(f"sitemaps: {path} is a news sitemap")
                break


def _is_taxonomy_sitemap(url: str) -> bool:
    return bool(TAXONOMY_SITEMAP.search(urlsplit(url).path))


def _taxonomy_order(url: str) -> int:
    """Tags first, then authors, sections, static pages: the order in which they are most
    numerous and most often shaped like article URLs."""
    path = urlsplit(url).path.lower()
    for rank, words in enumerate((("tag", "term", "taxonom"), ("author", "user", "writer"))):
        if any(w in path for w in words):
            return rank
    return 3 if "page" in path else 2


def _same_site(url: str, start: str) -> bool:
    return site_domain(url) == site_domain(start) or (
        is_domain_name(site_domain(url))
        and _registered_domain(site_domain(url)) == _registered_domain(site_domain(start))
    )


def _is_article_candidate(url: str, start: str) -> bool:
    parts = urlsplit(url)
    return _same_site(url, start) and (parts.path.strip("/") != "" or bool(parts.query))


# --- the proposal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """The discovery fields of a config entry, as `crawler.config` would load them, and the
    checks behind its article patterns."""

    name: str
    display_name: str
    domains: tuple[str, ...]
    locale: str
    timezone: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    listings: tuple[str, ...]
    pattern_checks: tuple[PatternCheck, ...]

    @property
    def article_patterns(self) -> tuple[str, ...]:
        return article_patterns(self.pattern_checks)

    def rules(self) -> ExtractionRules:
        return ExtractionRules(
            locale=self.locale, timezone=self.timezone, site_name=self.display_name
        )


def propose(found: Discovery, name: str) -> Proposal:
    country = country_of(found.start_url, found.lang)
    return Proposal(
        name=name,
        display_name=found.display_name or name,
        domains=(site_domain(found.start_url),),
        locale=infer_locale(country),
        timezone=infer_timezone(country, [a.date for a in found.articles]),
        feeds=tuple(found.feeds),
        sitemaps=tuple(found.sitemaps),
        listings=tuple(found.listings),
        pattern_checks=tuple(found.patterns()),
    )


def site_entry(proposal: Proposal) -> CommentedMap:
    """The config entry, styled as config.yaml writes entries: domains on one line, patterns
    in single quotes (a backslash stays a backslash)."""
    entry = CommentedMap()
    entry["name"] = proposal.name
    entry["display_name"] = proposal.display_name
    domains = CommentedSeq(proposal.domains)
    domains.fa.set_flow_style()
    entry["domains"] = domains
    entry["locale"] = proposal.locale
    entry["timezone"] = proposal.timezone
    if proposal.feeds:
        entry["feeds"] = CommentedSeq(proposal.feeds)
    if proposal.sitemaps:
        entry["sitemaps"] = CommentedSeq(proposal.sitemaps)
    if proposal.listings:
        entry["listings"] = CommentedSeq(CommentedMap(url=url) for url in proposal.listings)
    entry["article_patterns"] = CommentedSeq(
        SingleQuotedScalarString(p) for p in proposal.article_patterns
    )
    return entry


def entry_comment(proposal: Proposal, found: Discovery, today: str) -> list[str]:
    """The comment lines above the entry: who proposed it, when, and from what."""
    header = (
        f"{proposal.display_name}: proposed by `khabar add-site {found.start_url}` on {today}"
        + (f" ({found.cms})." if found.cms else ".")
    )
    how = "; ".join(found.notes) or "nothing found"
    return [printable(line) for line in (*_wrap(header, 92), *_wrap(how, 92))]


def _wrap(text: str, width: int) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*out, line] if line else out


# --- samples ----------------------------------------------------------------------------------

# The sample table shows every field extraction reports a source for; the body as its length.
SAMPLE_FIELDS = tuple(field for field in SOURCED_FIELDS if field != "body")


@dataclass(frozen=True)
class Sample:
    url: str
    status: int
    record: dict[str, Any]

    def rows(self) -> list[tuple[str, str, str]]:
        """(field, value, where it came from) for the table add-site prints."""
        sources = self.record.get("field_sources") or {}
        out = []
        for name in SAMPLE_FIELDS:
            value = self.record.get(name)
            shown = ", ".join(value) if isinstance(value, list) else (value or "")
            source = sources.get(name) or (
                self.record.get("date_source") if name == "published_at" and value else None
            )
            out.append((name, str(shown), str(source or "-")))
        # a page the crawl would reject as not an article shows here first
        out.append(("page_kind", str(self.record.get("page_kind") or ""), "-"))
        body = self.record.get("body") or ""
        out.append(
            (
                "body",
                f"{len(body)} chars, {self.record.get('word_count', 0)} words",
                str(sources.get("body") or self.record.get("body_method") or "-"),
            )
        )
        return out


def sample_articles(
    found: Discovery, proposal: Proposal, fetcher: PoliteFetcher, count: int = SAMPLE_SIZE
) -> list[Sample]:
    """Fetch up to `count` articles (newest first) and run the crawl's own extraction."""
    patterns = [re.compile(p) for p in proposal.article_patterns]
    dated: dict[str, Found] = {}
    for item in found.articles:
        if matches_any(patterns, item.url):
            dated.setdefault(item.url, item)

    def newest(item: Found) -> float:
        moment = parse_machine_date(item.date)
        return -moment.timestamp() if moment else 0.0

    samples = []
    for item in sorted(dated.values(), key=newest)[:count]:
        fetched = fetcher.get(item.url)
        if fetched is None:
            continue
        hint_key = "feed_published" if item.via == "feed" else "sitemap_lastmod"
        record = (
            extract_article(
                fetched.body,
                fetched.url,
                proposal.rules(),
                http_encoding=http_content_type_encoding(fetched.content_type),
                hints={hint_key: item.date} if item.date else None,
            )
            if fetched.ok
            else {}
        )
        samples.append(Sample(item.url, fetched.status, record))
    return samples
