"""Where each extracted field came from: the one vocabulary of `field_sources`.

A user reading `field_sources` (or faceting it in Datasette) sees at a glance which sites rely
on weak sources (the URL, htmldate, a declared-only author) and which show every field.
"""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    SITE_RULE = "site-rule"  # the site's own selector in config.yaml
    DISPLAYED = "displayed"  # shown on the page, found by a generic selector
    POSITION = "position"  # shown on the page, found by its place and text near the headline
    BYLINE = "byline"  # a byline, source line or agency tail in the article text
    BREADCRUMB = "breadcrumb"
    META = "meta"  # <meta> tags, microdata itemprop, RDFa
    JSONLD = "jsonld"
    TIME = "time"  # <time datetime="...">
    COMMENT = "comment"  # an HTML comment the CMS left in the page
    TITLE_TAG = "title-tag"  # the <title> element
    URL = "url"
    FEED = "feed"
    SITEMAP = "sitemap"
    CONTAINER = "container"  # body: the article container's own blocks
    TRAFILATURA = "trafilatura"  # body: trafilatura's reading (no container, or ours was not it)
    CONTAINER_TRAFILATURA = "container+trafilatura"  # body: ours, with the article text only
    # trafilatura saw outside our container, in page order (extract/second_opinion.py)
    HTMLDATE = "htmldate"


VOCABULARY = frozenset(s.value for s in Source)

# The fields `field_sources` reports on (when a field has a value).
SOURCED_FIELDS = (
    "title",
    "kicker",
    "author",
    "section",
    "tags",
    "published_at",
    "modified_at",
    "image_url",
    "body",
)
