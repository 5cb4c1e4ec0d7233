"""Article vs listing: a category/home page mistaken for an article must be recognisable."""

from __future__ import annotations

from .jsonld import LISTING_TYPES, LIVE_BLOG_TYPES, has_type
from .page import Page

ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle"})
MIN_ARTICLE_WORDS = 150


def page_kind(page: Page, body_words: int) -> str:
    """'article', 'listing' or 'other' from og:type, JSON-LD/microdata types and link density.

    og:type "website" is common on real article pages (Sputnik), so it only counts together
    with a short body; many linked headlines over a short body is a listing whatever the tags.
    """
    og_type = (page.meta("og:type") or "").lower()
    microdata = page.select("[itemtype*=Article]")
    if page.ld_articles or og_type in ARTICLE_OG_TYPES or microdata:
        return "article"
    headline_links = page.tree.xpath(
        "//h2//a[@href] | //h3//a[@href] | //h4//a[@href] | //article//a[@href][.//img]"
    )
    if len(headline_links) >= 5 and body_words < MIN_ARTICLE_WORDS:
        return "listing"
    if has_type(page.jsonld, LISTING_TYPES) or og_type in ("object", "website"):
        return "article" if body_words >= MIN_ARTICLE_WORDS else "listing"
    return "article" if body_words >= 80 else "other"


def is_live_blog(page: Page) -> bool:
    """A live blog (schema.org LiveBlogPosting, in JSON-LD or microdata): its body is every
    update in page order, not the one update a container holds."""
    return has_type(page.jsonld, LIVE_BLOG_TYPES) or bool(
        page.select("[itemtype*=LiveBlogPosting]")
    )
