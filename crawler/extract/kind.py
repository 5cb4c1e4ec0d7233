"""Article vs listing: a category/home page mistaken for an article must be recognisable."""

from __future__ import annotations

from .jsonld import LISTING_TYPES, has_type
from .page import Page

ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle"})


def page_kind(page: Page, body_words: int) -> str:
    """'article', 'listing' or 'other' from og:type, JSON-LD types and link density."""
    og_type = (page.meta("og:type") or "").lower()
    if page.ld_articles or og_type in ARTICLE_OG_TYPES:
        return "article"
    headline_links = page.tree.xpath(
        "//h2//a[@href] | //h3//a[@href] | //article//a[@href][.//img] | //h4//a[@href]")
    if has_type(page.jsonld, LISTING_TYPES) or og_type in ("object", "website"):
        return "listing" if headline_links or body_words < 150 else "other"
    if len(headline_links) >= 8 and body_words < 150:
        return "listing"
    return "article" if body_words >= 80 else "other"
