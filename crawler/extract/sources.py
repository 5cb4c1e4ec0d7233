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
    # published_offset: where the UTC offset of published_at came from (crawler.extract.clock)
    DECLARED = "declared"  # the published value wrote its own offset: an instant as given
    PAGE_OFFSET = "page-offset"  # the offset the page's other machine-readable dates write
    DOMAIN = "domain"  # the zone of the domain's country (.sy: Asia/Damascus)
    SITE_CONFIG = "site-config"  # the site's `timezone` in config.yaml
    LANG = "lang"  # the zone of the region the page declares (<html lang="ar-EG">)
    UNKNOWN = "unknown"  # no evidence: the local time is stored without an offset


VOCABULARY = frozenset(s.value for s in Source)

# The key of `field_sources` saying where published_at's UTC offset came from (with FEED and
# SITEMAP for the offsets of the feed item or sitemap entry): not a field, its clock.
OFFSET_KEY = "published_offset"

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
