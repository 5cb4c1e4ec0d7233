"""The lead image: a site rule, og/twitter/JSON-LD image, else the article's first real picture."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from . import selectors as S
from .jsonld import first
from .page import Page
from .sources import Source


def img_src(el: HtmlElement) -> str | None:
    """The real source of an <img>, resolving lazy-loading attributes and placeholders."""
    for attr in S.LAZY_IMAGE_ATTRS:
        value = (el.get(attr) or "").strip()
        if attr == "data-srcset" and value:
            value = value.split(",")[-1].strip().split(" ")[0]
        if value and not re.search(S.PLACEHOLDER_IMAGE, value, re.I):
            return value
    return None


def _in_teaser(el: HtmlElement) -> bool:
    return any(
        re.search(S.NOT_LEAD_IMAGE, f"{a.get('class') or ''} {a.get('id') or ''}")
        for a in el.iterancestors()
    )


def image(page: Page) -> tuple[str | None, Source | None]:
    selector = page.rules.selectors.get("image")
    candidates: list[tuple[str | None, Source]] = []
    if selector:
        for el in page.select(selector):
            value = img_src(el) if el.tag == "img" else el.get("content") or el.get("href")
            candidates.append((value, Source.SITE_RULE))
    candidates += [
        (page.meta("og:image", "og:image:url", "og:image:secure_url"), Source.META),
        (page.meta("twitter:image", "twitter:image:src"), Source.META),
    ]
    ld_image = first(page.ld_articles, "image")
    if isinstance(ld_image, list):
        ld_image = ld_image[0] if ld_image else None
    if isinstance(ld_image, dict):
        ld_image = ld_image.get("url") or ld_image.get("contentUrl")
    candidates.append((ld_image if isinstance(ld_image, str) else None, Source.JSONLD))
    if page.scope is not page.tree:  # never a sidebar or related-post thumbnail
        for sel in S.IMAGE_IN_ARTICLE:
            candidates.extend(
                (img_src(el), Source.DISPLAYED)
                for el in page.select(sel, page.scope)
                if not _in_teaser(el)
            )
    for c, source in candidates:
        if c and not re.search(S.PLACEHOLDER_IMAGE, c, re.I):
            return page.absolute(c), source
    return None, None
