"""Which requests the shared queue refuses: an article URL once ever, a discovery page once a run.

Articles are keyed by their canonical URL (crawler.urls.canonicalize_url with the site's
domains), so utm/AMP/mobile variants of one article collapse across workers; the set persists
across runs. A known article that a feed or sitemap says changed is keyed with that change
time, so each edit is fetched once. Feeds, sitemaps and listing pages are keyed per run
(`keys.run_key`): every run reads them again, but N workers joining the same run read them once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.distributed import keys
from crawler.known import META_ARTICLE_KEY, META_CHANGED_AT, META_KNOWN
from crawler.urls import canonicalize_url

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider

PAGES_TTL = 7 * 24 * 3600  # a run's discovery fingerprints are dropped a week after it


class CanonicalDupeFilter(RFPDupeFilter):
    def __init__(
        self, server: redis.Redis, site: str, domains: tuple[str, ...] = (), debug: bool = False
    ) -> None:
        super().__init__(server, keys.seen_key(site), debug)
        self.site = site
        self.domains = domains

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        site = getattr(spider, "site", None)
        return cls(
            keys.connect(keys.redis_url(spider.settings)),
            spider.name,
            tuple(site.domains) if site is not None else (),
            spider.settings.getbool("DUPEFILTER_DEBUG"),
        )

    @staticmethod
    def is_article(request: Request) -> bool:
        return request.meta.get(META_ARTICLE_KEY) is not None

    def request_fingerprint(self, request: Request) -> str:
        if not self.is_article(request):
            return canonicalize_url(request.url, allowed_domains=self.domains)
        key = request.meta[META_ARTICLE_KEY]
        if request.meta.get(META_KNOWN):  # stored, and a feed/sitemap says it changed
            return f"{key} @ {request.meta.get(META_CHANGED_AT) or ''}"
        return key

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        if self.is_article(request):
            return self.server.sadd(self.key, fingerprint) == 0
        run = self.server.get(keys.run_key(self.site)) or b"-"
        pages = keys.pages_key(self.site, run.decode() if isinstance(run, bytes) else run)
        pipe = self.server.pipeline()
        pipe.sadd(pages, fingerprint)
        pipe.expire(pages, PAGES_TTL)
        added, _ = pipe.execute()
        return added == 0

    def forget(self, request: Request) -> None:
        """Let a later run request this article again (its download failed for good)."""
        if self.is_article(request):
            self.server.srem(self.key, self.request_fingerprint(request))

    def close(self, reason: str = "") -> None:
        """Kept: the fingerprints are shared with the other workers and later runs."""

    def clear(self) -> None:
        """Kept, as close()."""
