"""Give each article its keys: the canonical URL and the hash of its normalised body.

Display text keeps its original spelling; only the keys are computed over normalised text. The
one change display text gets is here: control characters from the page (ESC sequences, BEL) are
removed before anything is stored (crawler.arabic.strip_controls).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from crawler.arabic import strip_controls
from crawler.fingerprint import content_hash
from crawler.record import ONE_LINE_FIELDS, ArticleItem, GoneArticle
from crawler.urls import canonicalize_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def tidy_fields(record: dict[str, Any]) -> dict[str, Any]:
    """Text without control characters; one-line fields with collapsed whitespace (None when
    empty), tags unique and stripped, and the content hash of the body. Shared by the pipeline,
    `khabar reextract` and `khabar extract`."""
    out = dict(record)
    for field in ONE_LINE_FIELDS:
        value = out.get(field)
        out[field] = " ".join(strip_controls(value).split()) or None if value else None
    out["tags"] = unique_tags(out.get("tags") or [])
    out["body"] = strip_controls(out.get("body") or "")
    out["content_hash"] = content_hash(out["body"])
    return out


def unique_tags(tags: Iterable[str]) -> list[str]:
    cleaned = (strip_controls(t).strip() for t in tags if t)
    return list(dict.fromkeys(t for t in cleaned if t))


class NormalisePipeline:
    def __init__(self, domains: tuple[str, ...]) -> None:
        self.domains = domains

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        site = getattr(crawler.spidercls, "site", None)
        return cls(site.domains if site is not None else ())

    def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        if isinstance(item, GoneArticle):
            return item
        item.url = canonicalize_url(item.url, allowed_domains=self.domains)
        item.canonical_url = canonicalize_url(
            item.url, canonical_hint=item.canonical_hint, allowed_domains=self.domains
        )
        tidy = tidy_fields(
            {field: getattr(item, field) for field in (*ONE_LINE_FIELDS, "tags", "body")}
        )
        for field in (*ONE_LINE_FIELDS, "tags", "body", "content_hash"):
            setattr(item, field, tidy[field])
        return item
