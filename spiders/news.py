"""The one generic news spider: discovery through feeds, sitemaps and listing pages.

Each configured site gets a subclass made by `spider_class_for(site)`; the subclass only binds
the SiteConfig. Discovery yields article requests for URLs that match the site's article
patterns, marked with their canonical URL and any change time a feed or sitemap gave; the
known-articles middleware skips those already stored (crawler.middlewares.known_articles).
Extraction is not done here: the raw page goes to the item pipelines. The spider never opens
the database: a known article that is now gone is an item for the store.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import scrapy
from scrapy import Request
from scrapy.exceptions import CloseSpider, UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawler.config import SiteConfig
from crawler.dates import URL_DATE, parse_machine_date
from crawler.failures import GONE_STATUSES, failure_reason
from crawler.known import META_ARTICLE_KEY, META_CHANGED_AT, META_KNOWN, META_UNLESS_PAGE_KNOWN
from crawler.record import ArticleItem, GoneArticle
from crawler.signals import request_failed
from crawler.sitemaps import news_entries
from crawler.urls import canonicalize_url, url_is_crawlable
from crawler.warc.headers import CREDENTIALS, META_FETCHED_AT, header_pairs

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10  # fetch articles before walking further listing/sitemap pages
BACKFILL_ON = frozenset({"1", "yes", "true", "on"})
BACKFILL_OFF = frozenset({"", "0", "no", "false", "off"})


# The spider's `-a NAME=VALUE` arguments and what each means: the one list the refusal of an
# unknown name (`-a limt=20`) and its message read. A new argument is an entry here and a
# keyword of NewsSpider.__init__.
SPIDER_ARGUMENTS: dict[str, str] = {
    "limit": "stop after N articles",
    "since": "only articles published on or after YYYY-MM-DD",
    "backfill": "1: the whole archive, resumable (what `khabar backfill` runs)",
    "until": "with backfill: only articles published on or before YYYY-MM-DD",
}


def unknown_arguments(names: Iterable[str]) -> str | None:
    """The refusal of unknown names, e.g. "unknown spider argument 'limt' (known: limit, since)"."""
    unknown = sorted(set(names) - set(SPIDER_ARGUMENTS))
    if not unknown:
        return None
    quoted = ", ".join(repr(name) for name in unknown)
    plural = "s" if len(unknown) > 1 else ""
    return f"unknown spider argument{plural} {quoted} (known: {', '.join(SPIDER_ARGUMENTS)})"


def parse_arguments(
    limit: str | int | None, since: str | None
) -> tuple[int | None, datetime | None]:
    """The spider's `-a limit=N` and `-a since=YYYY-MM-DD`, checked."""
    parsed_limit = None
    if limit not in (None, ""):
        try:
            parsed_limit = int(limit)
        except ValueError:
            parsed_limit = 0
        if parsed_limit < 1:
            raise UsageError(f"limit must be a positive number of articles, got {limit!r}")
    try:
        parsed_since = (
            datetime.combine(date.fromisoformat(since), datetime.min.time(), UTC) if since else None
        )
    except ValueError:
        raise UsageError(f"since must be a date YYYY-MM-DD, got {since!r}") from None
    return parsed_limit, parsed_since


def parse_backfill_arguments(
    backfill: str | None, until: str | None
) -> tuple[bool, datetime | None]:
    """The spider's `-a backfill=1` and `-a until=YYYY-MM-DD` (inclusive), checked.

    `until` is kept as the first instant after the day, so "published < until" is the test.
    """
    flag = (backfill or "").strip().lower()
    if flag not in BACKFILL_ON | BACKFILL_OFF:
        raise UsageError(f"backfill must be 1 or 0, got {backfill!r}")
    try:
        parsed_until = (
            datetime.combine(date.fromisoformat(until), datetime.min.time(), UTC)
            + timedelta(days=1)
            if until
            else None
        )
    except ValueError:
        raise UsageError(f"until must be a date YYYY-MM-DD, got {until!r}") from None
    return flag in BACKFILL_ON, parsed_until


def url_date(url: str) -> datetime | None:
    """The day a /YYYY/MM/DD/ article URL names (midnight UTC), or None: how a backfill keeps
    listing links, which carry no date, inside its range before fetching them."""
    m = URL_DATE.search(url)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
    except ValueError:
        return None


class NewsSpider(scrapy.Spider):
    """Crawls one configured news site. Arguments: SPIDER_ARGUMENTS (limit=N, since=DATE;
    backfill=1 with until=DATE for a backfill of the whole archive: every listing page to the
    end, the frontier of crawler.backfill holding and ordering the requests, see README
    "Backfilling a whole archive")."""

    site: ClassVar[SiteConfig]

    def __init__(
        self,
        *args: Any,
        limit: str | int | None = None,
        since: str | None = None,
        backfill: str | None = None,
        until: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Anything else is a mistyped argument (Scrapy would set it as an attribute, unread).
        self.argument_error = unknown_arguments(kwargs) or ""
        super().__init__(*args)
        self.backfill, self.until = False, None
        try:
            self.limit, self.since = parse_arguments(limit, since)
            self.backfill, self.until = parse_backfill_arguments(backfill, until)
        except UsageError as exc:
            # Raised here it would surface as a traceback from the reactor; start() reports it.
            self.limit, self.since = None, None
            self.argument_error = self.argument_error or str(exc)

    # -- start ----------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.argument_error:
            logger.error("%s: bad argument: %s", self.name, self.argument_error)
            raise CloseSpider("bad_argument")
        for url in self.site.feeds:
            yield Request(
                url, callback=self.parse_feed, errback=self.failed, meta={"found_via": "feed"}
            )
        for url in self.site.sitemaps:
            yield Request(
                url, callback=self.parse_sitemap, errback=self.failed, meta={"found_via": "sitemap"}
            )
        for listing in self.site.listings:
            yield Request(
                listing.url,
                callback=self.parse_listing,
                errback=self.failed,
                cb_kwargs={
                    "page": 1,
                    "max_pages": listing.max_pages,
                    "next_selector": listing.next_selector,
                },
                meta={"found_via": "listing"},
            )

    # -- discovery ------------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 items and Atom entries: link, dates, creator, categories."""
        self._warn_entities(response.url, response.body)
        selector = scrapy.Selector(response, type="xml")
        selector.remove_namespaces()
        entries = selector.xpath("//item | //entry")
        if not entries:
            self.crawler.stats.inc_value("khabar/discovery/empty_feed")
            logger.warning("%s: no items in feed %s", self.name, response.url)
        for entry in entries:
            link = (
                entry.xpath("link[not(@rel) or @rel='alternate']/@href").get()
                or entry.xpath("link/text()").get()
                or ""
            ).strip()
            if not link:
                continue
            published = (
                entry.xpath("pubDate/text()").get()
                or entry.xpath("published/text()").get()
                or entry.xpath("date/text()").get()
            )
            updated = entry.xpath("updated/text()").get() or published
            hints = {
                "feed_published": published or "",
                "feed_author": (entry.xpath("creator/text()").get() or "").strip(),
                "feed_section": (entry.xpath("category/text()").get() or "").strip(),
            }
            request = self.article_request(
                response.urljoin(link),
                "feed",
                changed_at=parse_machine_date(updated),
                published=parse_machine_date(published),
                hints={k: v for k, v in hints.items() if v},
            )
            if request:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap indexes, urlsets and Google News sitemaps (Scrapy's safe parser)."""
        body = self._sitemap_body(response)
        if body is None:
            self.crawler.stats.inc_value("khabar/discovery/bad_sitemap")
            logger.warning("%s: not a usable sitemap: %s", self.name, response.url)
            return
        self._warn_entities(response.url, body)
        sitemap = Sitemap(body)
        news = news_entries(body)  # Scrapy's Sitemap drops the news: namespace
        for entry in sitemap:
            raw_loc = entry.get("loc", "").strip()
            loc = response.urljoin(raw_loc)
            if not entry.get("lastmod") and raw_loc in news:
                entry["lastmod"] = news[raw_loc].publication_date or ""
            lastmod = parse_machine_date(entry.get("lastmod"))
            if sitemap.type == "sitemapindex":
                if self.since and lastmod and lastmod < self.since:
                    continue
                if self.site.owns_url(loc) and url_is_crawlable(loc):
                    yield Request(
                        loc,
                        callback=self.parse_sitemap,
                        errback=self.failed,
                        meta={"found_via": "sitemap"},
                    )
            elif sitemap.type == "urlset":
                hints = {"sitemap_lastmod": entry["lastmod"]} if entry.get("lastmod") else {}
                request = self.article_request(
                    loc, "sitemap", changed_at=lastmod, published=lastmod, hints=hints
                )
                if request:
                    yield request

    def parse_listing(
        self, response: Response, page: int, max_pages: int, next_selector: str
    ) -> Iterator[Request]:
        """Article links of a listing page; next page only while it still shows new articles."""
        links = dict.fromkeys(
            response.urljoin(href) for href in response.css("a::attr(href)").getall()
        )
        articles = [url for url in links if self.article_url(url)]
        requests = [r for url in articles if (r := self.article_request(url, "listing"))]
        yield from requests
        if self.backfill:
            # To the last page, unless every link on this one is dated before the range.
            dates = [url_date(url) for url in articles]
            if self.since and dates and all(d is not None and d < self.since for d in dates):
                return
        elif page >= max_pages:
            return
        next_url = response.css(next_selector).get()
        if next_url:
            yield response.follow(
                next_url.strip(),
                callback=self.parse_listing,
                errback=self.failed,
                cb_kwargs={
                    "page": page + 1,
                    "max_pages": max_pages,
                    "next_selector": next_selector,
                },
                # Every article link went to the middleware: if all were stored, stop here
                # (not in a backfill, which walks the whole archive).
                meta={
                    "found_via": "listing",
                    META_UNLESS_PAGE_KNOWN: not self.backfill and len(requests) == len(articles),
                },
            )

    def _warn_entities(self, url: str, body: bytes) -> None:
        """Entity declarations are never expanded (billion laughs, XXE); lxml stops at the first
        undefined reference, so entries after it are lost — say so instead of staying silent."""
        if b"<!ENTITY" in body[:65536]:
            self.crawler.stats.inc_value("khabar/discovery/xml_entities_refused")
            logger.warning(
                "%s: %s declares XML entities; they are not expanded, and entries after the "
                "first entity reference may be lost",
                self.name,
                url,
            )

    def _sitemap_body(self, response: Response) -> bytes | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (ValueError, OSError, EOFError):  # too large once unpacked, or not gzip
                return None
        return body if b"<urlset" in body[:4096] or b"<sitemapindex" in body[:4096] else None

    # -- articles -------------------------------------------------------------------------------

    def article_url(self, url: str) -> str | None:
        """The URL to fetch for an article link, or None when the link is not an article.

        A link matching the site's article patterns is fetched as given. One that matches only
        in canonical form (tracking parameters such as utm_* removed) is fetched in that form:
        feeds and "most read" boxes that tag their links still lead to the article, and the
        tagged variant is never requested. Deny patterns apply to the link as given too.
        """
        if self.site.is_article_url(url):
            return url
        key = canonicalize_url(url, allowed_domains=self.site.domains)
        if (
            key != url
            and self.site.is_article_url(key)
            and not any(p.search(url) for p in self.site.deny_patterns)
        ):
            return key
        return None

    def article_request(
        self,
        url: str,
        found_via: str,
        *,
        changed_at: datetime | None = None,
        published: datetime | None = None,
        hints: dict[str, str] | None = None,
    ) -> Request | None:
        """A request for an article URL; None if off-site, off-pattern or too old.

        Whether it is fetched (not stored, or changed since; not already requested; within
        `limit`) is decided by the known-articles middleware.
        """
        stats = self.crawler.stats
        if not url_is_crawlable(url):  # javascript:, data:, absurdly long, malformed
            stats.inc_value("khabar/discovery/skipped_bad_url")
            return None
        if not self.site.owns_url(url):  # never followed off the site's domains
            stats.inc_value("khabar/discovery/skipped_offsite")
            return None
        article_url = self.article_url(url)
        if article_url is None:
            return None
        url = article_url
        if self.backfill and published is None:
            published = url_date(url)
        if self.since and published and published < self.since:
            stats.inc_value("khabar/discovery/skipped_before_since")
            return None
        if self.until and published and published >= self.until:
            stats.inc_value("khabar/discovery/skipped_after_until")
            return None
        hints = dict(hints or {})
        if changed_at is not None:
            hints["lastmod"] = changed_at.isoformat()
        return Request(
            url,
            callback=self.parse_article,
            errback=self.failed,
            priority=ARTICLE_PRIORITY,
            meta={
                "found_via": found_via,
                "hints": hints,
                META_ARTICLE_KEY: canonicalize_url(url, allowed_domains=self.site.domains),
                META_CHANGED_AT: hints.get("lastmod"),
            },
        )

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        """Hand the raw page to the pipelines; extraction happens off the reactor."""
        yield ArticleItem(
            url=response.url,
            site=self.name,
            found_via=response.meta.get("found_via", "listing"),
            html=response.body,
            http_encoding=http_content_type_encoding(
                response.headers.get(b"Content-Type", b"").decode("latin-1")
            ),
            http_status=response.status,
            fetched_at=response.meta.get(META_FETCHED_AT)
            or datetime.now(UTC).isoformat(timespec="seconds"),
            hints=response.meta.get("hints", {}),
            response_headers=header_pairs(response.headers),
            request_headers=header_pairs(response.request.headers, CREDENTIALS)
            if response.request is not None
            else [],
            source_lastmod=response.meta.get(META_CHANGED_AT),
        )

    # -- failures -------------------------------------------------------------------------------

    def failed(self, failure: Failure) -> Iterator[GoneArticle]:
        """Explain a request that gave no usable response (after Scrapy's bounded retries).

        Every failure is counted as `khabar/failed/<reason>` and logged with its URL and reason.
        A known article that now answers 404/410 becomes a GoneArticle item: the store marks
        it `gone`, kept in the archive, never deleted.
        """
        request = failure.request
        reason = failure_reason(failure.value)
        self.crawler.signals.send_catch_log(request_failed, request=request, reason=reason)
        if reason == "offsite":  # Scrapy already counts offsite/filtered; not a failure
            logger.debug("Not followed (offsite): %s", request.url)
            return
        self.crawler.stats.inc_value(f"khabar/failed/{reason}")
        kind = "article" if request.callback == self.parse_article else "page"
        logger.warning("Gave up on %s %s: %s (%s)", kind, request.url, reason, failure.value)
        if (
            isinstance(failure.value, HttpError)
            and failure.value.response.status in GONE_STATUSES
            and request.meta.get(META_KNOWN)
        ):
            self.crawler.stats.inc_value("khabar/articles/gone")
            yield GoneArticle(
                site=self.name,
                canonical_url=request.meta[META_ARTICLE_KEY],
                http_status=failure.value.response.status,
            )


def spider_class_for(site: SiteConfig) -> type[NewsSpider]:
    """A NewsSpider subclass bound to `site`, with its politeness as custom settings."""
    return type(
        f"{site.name.title().replace('_', '')}Spider",
        (NewsSpider,),
        {
            "name": site.name,
            "site": site,
            "allowed_domains": list(site.domains),
            "custom_settings": {
                "DOWNLOAD_DELAY": site.download_delay,
                "AUTOTHROTTLE_START_DELAY": max(site.download_delay, 0.1),
                "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency,
            },
            "__module__": __name__,
        },
    )
