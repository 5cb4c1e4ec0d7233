"""Give each article its keys: the canonical URL and the hash of its normalised body.

Display text keeps its original spelling; only the keys are computed over normalised text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from crawler.fingerprint import content_hash
from crawler.items import ArticleItem
from crawler.urls import canonicalize_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class NormalisePipeline:
    def __init__(self, domains: tuple[str, ...]) -> None:
        self.domains = domains

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        site = getattr(crawler.spidercls, "site", None)
        return cls(site.domains if site is not None else ())

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.url = canonicalize_url(item.url, allowed_domains=self.domains)
        item.canonical_url = canonicalize_url(
            item.url, canonical_hint=item.canonical_hint, allowed_domains=self.domains
        )
        item.tags = list(dict.fromkeys(t.strip() for t in item.tags if t and t.strip()))
        for field in ("title", "kicker", "author", "section"):
            value = getattr(item, field)
            setattr(item, field, " ".join(value.split()) if value else None)
        item.content_hash = content_hash(item.body)
        return item
