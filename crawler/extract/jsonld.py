"""JSON-LD blocks of a page, flattened to a list of typed objects (Yoast @graph included)."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BlogPosting",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
        "BackgroundNewsArticle",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "WebPageElement",
    }
)
LIVE_BLOG_TYPES = frozenset({"LiveBlogPosting"})  # its body is every update
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk(node["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object of every ld+json script, in page order; broken blocks are skipped."""
    out: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # trailing commas / control characters are common in CMS output
                data = json.loads(raw.replace("\n", " ").replace("\t", " "), strict=False)
            except ValueError:
                logger.debug("unparsable JSON-LD block skipped")
                continue
        out.extend(_walk(data))
    return out


def articles(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The article-typed objects, the ones that carry headline/dates of this page."""
    return [o for o in objects if _types(o) & ARTICLE_TYPES]


def is_organization(value: Any) -> bool:
    """A schema.org Organization (NewsMediaOrganization, Corporation, …) or the WebSite: the
    publisher, not a person."""
    types = _types(value) if isinstance(value, dict) else set()
    return any(t.endswith("Organization") or t in _NOT_PEOPLE for t in types)


_NOT_PEOPLE = frozenset({"Corporation", "NGO", "WebSite", "WebPage", "Brand"})


def resolve(objects: list[dict[str, Any]], value: Any) -> Any:
    """The node a bare {"@id": …} reference points to (Yoast's @graph names its author and
    publisher once and refers to them); anything else unchanged."""
    if isinstance(value, dict) and "@id" in value and "name" not in value:
        return next((o for o in objects if o.get("@id") == value["@id"] and o is not value), value)
    return value


def has_type(objects: list[dict[str, Any]], types: frozenset[str]) -> bool:
    return any(_types(o) & types for o in objects)


def first(objects: list[dict[str, Any]], key: str) -> Any:
    """First non-empty value of `key` across objects."""
    for obj in objects:
        value = obj.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def name_of(value: Any) -> str | None:
    """A plain string from a string / {name: ...} / list of those."""
    if isinstance(value, str):
        return html.unescape(value).strip() or None  # CMSs double-escape (&quot; in JSON)
    if isinstance(value, dict):
        return name_of(value.get("name"))
    if isinstance(value, list):
        for item in value:
            name = name_of(item)
            if name:
                return name
    return None
