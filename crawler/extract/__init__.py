"""Article extraction: one pure function from page bytes to the article's fields.

The pipeline and the CLI (`khabar extract` / `khabar reextract`) call `extract_article` in
worker processes; it depends only on its arguments.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crawler.dates import to_iso

from . import fields
from .body import extract_body
from .clean import clean_tree
from .dates import extract_dates
from .decode import decode_html
from .kind import page_kind
from .language import detect_language
from .page import Page, parse_html
from .rules import ExtractionRules

__all__ = ["ExtractionRules", "extract_article"]

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
    text, encoding = decode_html(html, http_encoding)
    tree = parse_html(text)
    page = Page.build(tree, url, rules)

    title = fields.title(page)
    kicker = fields.kicker(page, title)
    author, byline_shown = fields.author(page, hints.get("feed_author"))
    section = fields.section(page, title, hints.get("feed_section"))
    found = extract_dates(page, hints, now)

    cleaned = clean_tree(copy.deepcopy(tree), rules)
    paragraphs, method = extract_body(cleaned, rules, url, drop=(title, kicker, byline_shown))
    body = "\n".join(paragraphs)
    words = len(body.split())
    tz = rules.timezone
    return {
        "url": url,
        "canonical_hint": fields.canonical(page),
        "title": title,
        "kicker": kicker,
        "author": author,
        "section": section,
        "tags": fields.tags(page),
        "published_at": to_iso(found.published, tz) if found.published else None,
        "modified_at": to_iso(found.modified, tz) if found.modified else None,
        "date_source": found.source,
        "date_rejections": found.rejections,
        "language": detect_language(body or (title or ""), tree.get("lang")),
        "body": body,
        "word_count": words,
        "image_url": fields.image(page),
        "site_name": fields.site_name(page),
        "page_kind": page_kind(page, words),
        "encoding": encoding,
        "body_method": method,
    }
