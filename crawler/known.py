"""What discovery may ask about stored articles: is this URL known, and has it changed since?

One small interface, so the component that skips stored articles (crawler.middlewares.
known_articles) works the same over the local SQLite file (storage.known) and over a shared
store for crawl workers on other machines. Lookups are one URL at a time: an implementation
answers from an index, never by loading the archive.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class KnownArticle:
    """A stored article as discovery sees it: its URL and the newest date we stored for it
    (modified, source lastmod or published, whichever is latest; None if it has none)."""

    canonical_url: str
    last_changed: datetime | None

    def changed_since(self, changed_at: datetime | None) -> bool:
        """True when a feed/sitemap date is newer than anything we stored for the article."""
        if changed_at is None:
            return False
        return self.last_changed is None or changed_at > self.last_changed


class KnownArticles(ABC):
    """The stored articles of one site, looked up by canonical URL.

    Implementations are built by Scrapy (`from_crawler`) from the KHABAR_KNOWN_ARTICLES
    setting, for the site being crawled.
    """

    @abstractmethod
    def get(self, canonical_url: str) -> KnownArticle | None:
        """The stored article at `canonical_url`, or None if it is not stored."""

    def is_known(self, canonical_url: str) -> bool:
        return self.get(canonical_url) is not None

    def changed_since(self, canonical_url: str, changed_at: datetime | None) -> bool:
        """True when the article is stored and `changed_at` says it changed since."""
        known = self.get(canonical_url)
        return known is not None and known.changed_since(changed_at)

    def close(self) -> None:  # noqa: B027 - most implementations hold nothing to release
        """Release what the lookups hold (called when the spider closes)."""


# The request.meta keys the spider and the known-articles middleware agree on.
META_ARTICLE_KEY = "article_key"  # canonical URL of an article request (marks it as one)
META_CHANGED_AT = "changed_at"  # ISO-8601 change time a feed/sitemap gave, if any
META_KNOWN = "known"  # set by the middleware: the article was already stored
META_UNLESS_PAGE_KNOWN = "unless_page_known"  # next listing page: dropped if this one was known
