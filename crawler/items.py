"""The article item that flows from the spider through the pipelines to storage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleItem:
    """One fetched article page; pipelines fill the fields in ITEM_PIPELINES order.

    The spider sets the discovery fields, ExtractPipeline the content fields,
    NormalisePipeline the keys, DeduplicatePipeline the duplicate links.
    """

    # discovery (spider)
    url: str
    site: str
    found_via: str  # feed | sitemap | listing
    html: bytes = field(default=b"", repr=False)
    http_encoding: str | None = None
    http_status: int = 200
    fetched_at: str = ""
    hints: dict[str, str] = field(default_factory=dict)
    # content (extract)
    canonical_hint: str | None = None
    title: str | None = None
    kicker: str | None = None
    author: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    published_at: str | None = None
    modified_at: str | None = None
    date_source: str | None = None
    date_rejections: list[str] = field(default_factory=list)
    language: str | None = None
    body: str = field(default="", repr=False)
    word_count: int = 0
    image_url: str | None = None
    page_kind: str = "article"
    # keys (normalise)
    canonical_url: str = ""
    content_hash: str = ""
    # duplicates (deduplicate)
    minhash: bytes = field(default=b"", repr=False)
    near_duplicates: list[str] = field(default_factory=list)
