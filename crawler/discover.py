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
from urllib.parse import parse_qsl, urljoin, urlsplit
from zoneinfo import ZoneInfo

import yaml
from protego import Protego
from scrapy import Selector
from scrapy.utils.sitemap import Sitemap
from trafilatura.feeds import FeedParameters, determine_feed
from w3lib.encoding import html_to_unicode, http_content_type_encoding

from crawler.dates import parse_machine_date
from crawler.extract.article import extract_article
from crawler.extract.rules import ExtractionRules
from crawler.extract.sources import SOURCED_FIELDS
from crawler.sitemaps import news_entries
from crawler.urls import _registered_domain
from crawler.zones import ARAB_CCTLDS, country_of
from crawler.zones import country_zones as _country_zones
from crawler.zones import is_host_name as _is_name

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
# Sitemaps of a sitemap index that list taxonomy pages, not articles.
TAXONOMY_SITEMAP = re.compile(
    r"(category|tag|author|page|section|topic)[-_]?sitemap|"
    r"sitemap[-_]?(category|tag|author|page|section|topic)",
    re.I,
)
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
        """The response (any status), or None: over budget, disallowed, or no answer."""
        if self.used >= self.budget:
            return None
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
    via: str  # "feed" | "sitemap"


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
    return title.strip() if title and title.strip() else None


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


def display_name_of(html: str) -> str | None:
    """og:site_name, else the <title> up to its first separator (« | », « - », « – »)."""
    selector = Selector(text=html)
    name = selector.css("meta[property='og:site_name']::attr(content)").get()
    if not (name and name.strip()):
        name = re.split(r"\s[|\-–—:·]\s", selector.css("title::text").get() or "")[0]
    return name.strip() or None


def html_lang(html: str) -> str | None:
    lang = Selector(text=html).xpath("/html/@lang").get()
    return lang.strip() if lang else None


# --- inference --------------------------------------------------------------------------------


def host_prefix(url: str) -> str:
    """`^https?://(www\\.)?example\\.com` for the URL's host (port kept, www optional)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    bare = host.removeprefix("www.")
    if _is_name(host) and _registered_domain(bare) == bare:  # example.com or www.example.com
        return f"^https?://(www\\.)?{_escape(bare)}{_escape(port)}"
    return f"^https?://{_escape(host)}{_escape(port)}"


def site_domain(url: str) -> str:
    """The domain config.yaml lists for the site: the host without a leading www."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _escape(text: str) -> str:
    return re.escape(text).replace("\\-", "-")


def _segment_regex(values: list[str]) -> str:
    """One path segment across URLs: kept literally when it is the same word everywhere,
    digit runs as \\d+ when the rest of the segment agrees, else any segment."""
    distinct = set(values)
    if (
        len(distinct) == 1
        and not any(ch.isdigit() for ch in values[0])
        and (len(values) > 1 or not _looks_like_slug(values[0]))
    ):
        return _escape(values[0])
    shapes = {re.sub(r"\d+", "\0", v) for v in values}
    if len(shapes) == 1:
        shape = shapes.pop()
        if "\0" in shape and not _looks_like_slug(shape.replace("\0", "")):
            return "\\d+".join(_escape(p) for p in shape.split("\0"))
    return "[^/]+"


def _looks_like_slug(text: str) -> bool:
    """Words rather than a fixed marker: a title slug, percent-encoded or non-ASCII text."""
    return len(re.sub(r"[^A-Za-z]", "", text)) > 8 or "%" in text or not text.isascii()


def _shape_key(url: str) -> tuple[int, tuple[str, ...]]:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return len(segments), tuple(sorted(k for k, _ in parse_qsl(parts.query, True)))


def infer_article_patterns(
    article_urls: Iterable[str], non_articles: Iterable[str] = (), *, min_group: int = 2
) -> list[str]:
    """Regexes that match the article URLs (grouped by shape: segment count and query keys)
    and none of `non_articles`. Groups of fewer than `min_group` URLs are left out unless
    nothing else is found."""
    urls = list(dict.fromkeys(u for u in article_urls if urlsplit(u).hostname))
    negatives = list(non_articles)
    groups: dict[tuple[str, tuple[int, tuple[str, ...]]], list[str]] = {}
    for url in urls:
        groups.setdefault((host_prefix(url), _shape_key(url)), []).append(url)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    kept = [g for g in ordered if len(g[1]) >= min_group] or ordered[:1]
    patterns: list[str] = []
    for (prefix, (count, keys)), members in kept:
        split = [urlsplit(u) for u in members]
        columns = [[s for s in p.path.split("/") if s] for p in split]
        path = "".join("/" + _segment_regex([c[i] for c in columns]) for i in range(count))
        if keys:
            queries = [dict(parse_qsl(p.query, True)) for p in split]
            query = "&".join(
                f"{_escape(k)}={_segment_regex([q[k] for q in queries])}" for k in keys
            )
            pattern = f"{prefix}{path or '/'}\\?{query}$"
        else:
            pattern = f"{prefix}{path}/?$" if path else f"{prefix}/?$"
        compiled = re.compile(pattern)
        if any(compiled.search(n) for n in negatives) or not all(
            compiled.search(u) for u in members
        ):
            continue
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


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
    if not _is_name(host):
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
    non_articles: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def discover(start_url: str, fetcher: PoliteFetcher) -> Discovery:
    """Read robots.txt, the home page, its feeds and sitemaps, and the navigation's listings."""
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
    if home_html:
        found.cms = cms_family(home_html)
        found.display_name = display_name_of(home_html)
        found.lang = html_lang(home_html)
        found.feeds = [f for f in page_feeds(home_html, start_url) if _same_site(f, start_url)]
        if found.feeds:
            found.notes.append("feeds: from the home page's <link rel=alternate>")
        nav = navigation_links(home_html, start_url)
        found.non_articles = [
            u for u in page_links(home_html, start_url) if re.search(r"/(author|tag)s?/", u)
        ]

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

    article_urls = [a.url for a in found.articles if _is_article_candidate(a.url, start_url)]
    listed = set(article_urls)
    nav = [u for u in nav if u not in listed]  # menus and tickers link to articles too
    patterns = [re.compile(p) for p in infer_article_patterns(article_urls, nav)]
    for url in nav:
        if any(p.search(url) for p in patterns):
            continue
        if fetcher.left <= SAMPLE_SIZE:
            found.notes.append("listings: request budget reached; more nav links not checked")
            break
        fetched = fetcher.get(url)
        if fetched is None or not fetched.ok:
            continue
        links = page_links(fetched.text(), fetched.url)
        if sum(1 for link in links if any(p.search(link) for p in patterns)) >= (
            MIN_LISTING_ARTICLES
        ):
            found.listings.append(url)
    if found.listings:
        found.notes.append("listings: main-navigation pages that link to articles")
    found.notes.append(f"locale/timezone: {zone_evidence(found)}")
    return found


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
    children_read = 0
    seen: set[str] = set()
    while queue and fetcher.left > SAMPLE_SIZE + 2:
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
            wanted = [c for c in read.children if not TAXONOMY_SITEMAP.search(c)]
            # news sitemaps first: they hold the newest articles
            wanted.sort(key=lambda c: "news" not in c.lower())
            queue[:0] = [c for c in wanted[: 3 - children_read] if _same_site(c, origin)]
            children_read += len(wanted[:3])
            found.non_articles.extend(c for c in read.children if TAXONOMY_SITEMAP.search(c))
        else:
            found.articles.extend(read.entries)
    if not found.sitemaps and not found.feeds:
        for path in NEWS_SITEMAP_PATHS:
            fetched = fetcher.get(origin + path)
            read = read_sitemap(fetched.body) if fetched is not None and fetched.ok else None
            if read is not None and read.kind == "urlset":
                found.sitemaps.append(origin + path)
                found.news_sitemaps.append(origin + path)
                found.articles.extend(read.entries)
                found.notes.append(f"sitemaps: {path} is a news sitemap")
                break


def _same_site(url: str, start: str) -> bool:
    return site_domain(url) == site_domain(start) or (
        _is_name(site_domain(url))
        and _registered_domain(site_domain(url)) == _registered_domain(site_domain(start))
    )


def _is_article_candidate(url: str, start: str) -> bool:
    parts = urlsplit(url)
    return _same_site(url, start) and (parts.path.strip("/") != "" or bool(parts.query))


# --- the proposal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """The discovery fields of a config entry, as `crawler.config` would load them."""

    name: str
    display_name: str
    domains: tuple[str, ...]
    locale: str
    timezone: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    listings: tuple[str, ...]
    article_patterns: tuple[str, ...]

    def rules(self) -> ExtractionRules:
        return ExtractionRules(
            locale=self.locale, timezone=self.timezone, site_name=self.display_name
        )


def propose(found: Discovery, name: str) -> Proposal:
    article_urls = [a.url for a in found.articles if _is_article_candidate(a.url, found.start_url)]
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
        article_patterns=tuple(
            infer_article_patterns(article_urls, [*found.listings, *found.non_articles])
        ),
    )


def _yaml_scalar(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()


def _quoted(regex: str) -> str:
    return "'" + regex.replace("'", "''") + "'"


def entry_yaml(proposal: Proposal, found: Discovery, today: str) -> str:
    """The config entry as YAML text in config.yaml's own layout (a comment, then the keys)."""
    how = "; ".join(found.notes) or "nothing found"
    header = (
        f"{proposal.display_name}: proposed by `khabar add-site {found.start_url}` on {today}"
        + (f" ({found.cms})." if found.cms else ".")
    )
    lines = [
        *(f"  # {line}" for line in _wrap(header, 92)),
        *(f"  # {line}" for line in _wrap(how, 92)),
        f"  - name: {proposal.name}",
        f"    display_name: {_yaml_scalar(proposal.display_name)}",
        f"    domains: [{', '.join(_yaml_scalar(d) for d in proposal.domains)}]",
        f"    locale: {proposal.locale}",
        f"    timezone: {proposal.timezone}",
    ]
    for key, values in (("feeds", proposal.feeds), ("sitemaps", proposal.sitemaps)):
        if values:
            lines.append(f"    {key}:")
            lines.extend(f"      - {_yaml_scalar(v)}" for v in values)
    if proposal.listings:
        lines.append("    listings:")
        lines.extend(f"      - url: {_yaml_scalar(v)}" for v in proposal.listings)
    lines.append("    article_patterns:")
    lines.extend(f"      - {_quoted(p)}" for p in proposal.article_patterns)
    return "\n".join(lines) + "\n"


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
        if any(p.search(item.url) for p in patterns):
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
