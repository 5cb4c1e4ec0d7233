"""`extract_article`: one pure function from page bytes to the article's fields (see the package
docs for the keys). Its own module so that importing the package (for `rules`, `sources`) does not
load trafilatura and the extractors into processes that never extract: the crawl process hands
pages to workers and needs only the rules.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crawler.dates import to_iso

from . import byline, headline, image, site, taxonomy
from .body import extract_body
from .dates import extract_dates
from .decode import decode_html
from .kind import is_live_blog, page_kind
from .language import declared_language, detect_language
from .page import Page, parse_html
from .rules import ExtractionRules
from .sources import OFFSET_KEY, SOURCED_FIELDS, Source

__all__ = ["extract_article"]

logger = logging.getLogger(__name__)


def extract_article(
    html: bytes | str,
    url: str,
    rules: ExtractionRules | None = None,
    *,
    http_encoding: str | None = None,
    hints: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every field of the article at `url` (see the module docs for the keys)."""
    rules = rules or ExtractionRules()
    hints = dict(hints or {})
    sources: dict[str, Source | None] = {}
    text, encoding = decode_html(html, http_encoding)
    warnings: list[str] = []
    tree = parse_html(text, warnings)
    page = Page.build(tree, url, rules)

    title, sources["title"] = headline.title(page)
    author, byline_shown, sources["author"] = byline.shown_author(page)
    section, sources["section"] = taxonomy.section(page, title, hints.get("feed_section"))
    kicker, sources["kicker"] = headline.kicker(page, title, (section, byline_shown, author))
    tags, sources["tags"] = taxonomy.tags(page)
    image_url, sources["image_url"] = image.image(page)
    found = extract_dates(page, hints, now)
    sources["published_at"], sources["modified_at"] = found.source, found.modified_source

    cleaned = page.clean_copy()
    paragraphs, method = extract_body(
        cleaned.tree,
        rules,
        url,
        (title, kicker, byline_shown),
        cleaned.bodies,
        headline=cleaned.twin(page.headline),
        authors=(author, byline_shown),
        live_blog=is_live_blog(page),
    )
    sources["body"] = method if paragraphs else None
    if author is None:
        author, sources["author"] = byline.author(page, paragraphs, hints.get("feed_author"))
    body = "\n".join(paragraphs)
    words = len(body.split())
    field_sources = {k: str(sources[k]) for k in SOURCED_FIELDS if sources.get(k) is not None}
    if found.offset_source is not None:
        field_sources[OFFSET_KEY] = str(found.offset_source)
    tz = found.clock.tz
    return {
        "url": url,
        "canonical_hint": site.canonical(page),
        "title": title,
        "kicker": kicker,
        "author": author,
        "section": section,
        "tags": tags,
        "published_at": to_iso(found.published, tz) if found.published else None,
        "modified_at": to_iso(found.modified, tz) if found.modified else None,
        "date_source": field_sources.get("published_at"),
        "date_rejections": found.rejections,
        "extract_warnings": warnings,
        "language": detect_language(body, declared_language(page)),
        "body": body,
        "word_count": words,
        "image_url": image_url,
        "site_name": site.site_name(page),
        "page_kind": page_kind(page, words),
        "encoding": encoding,
        "body_method": str(method),
        "field_sources": field_sources,
        "published_precision": found.precision if found.published else None,
    }
