"""How a reader sees the page's elements: their text, whether they are hidden, in a menu or
near the headline. Shared by the field extractors (headline, byline, section, tags, image, site).

Each extractor takes the shared `Page` and returns a plain value. Displayed values win over
metadata (the gold records what the reader sees): a desk account that only appears in JSON-LD or
twitter:data1 is not a byline, and a section only declared in article:section is not shown.
"""

from __future__ import annotations

import logging
import re

from lxml.html import HtmlElement

from .clean import squash
from .page import Page

logger = logging.getLogger(__name__)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def text_of(el: HtmlElement) -> str:
    return squash(el.text_content())


def is_hidden(el: HtmlElement) -> bool:
    """Hidden by inline style/attribute on the element or an ancestor (hidden microdata)."""
    node: HtmlElement | None = el
    while node is not None and isinstance(node.tag, str):
        if node.get("hidden") is not None or _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
        if node.tag in ("head", "meta", "noscript", "template"):
            return True
        node = node.getparent()
    return False


def select_texts(
    page: Page, selectors: tuple[str, ...], *, visible: bool = True, scoped: bool = False
) -> list[str]:
    """Texts of the matches, in selector order; `scoped` limits the search to page.scope."""
    root = page.scope if scoped else page.tree
    out = []
    for selector in selectors:
        try:
            found = page.select(selector, root)
        except Exception:
            logger.warning("bad selector %r", selector)
            continue
        for el in found:
            if visible and is_hidden(el):
                continue
            text = text_of(el)
            if text:
                out.append(text)
    return out


def select_elements(page: Page, selectors: tuple[str, ...]) -> list[HtmlElement]:
    out = []
    for selector in selectors:
        out.extend(page.select(selector))
    return out


def site_selector(page: Page, key: str) -> list[str]:
    selector = page.rules.selectors.get(key)
    return select_texts(page, (selector,), visible=False) if selector else []


_NOT_ALNUM = re.compile(r"[\W_]+")  # a str pattern's \w is exactly str.isalnum() plus "_"


def letters_of(text: str) -> str:
    return _NOT_ALNUM.sub("", text)


_NAV_TAGS = frozenset({"nav", "footer", "aside", "marquee", "amp-sidebar", "menu"})


def in_navigation(page: Page, el: HtmlElement) -> bool:
    """Inside a nav/footer/aside/ticker or a menu of links; an article's own <footer> (AMP's
    category and tags line) is not navigation."""
    menus = page.menus
    for node in (el, *el.iterancestors()):
        if node in menus:
            return True
        if node.tag == "footer" and next(node.iterancestors("article"), None) is not None:
            continue
        if node.tag in _NAV_TAGS or node.get("role") in ("navigation", "menu", "menubar"):
            return True
    return False


def menu_texts(page: Page) -> set[str]:
    """Texts of the links in the page's menus: the site's section names."""
    return {t for texts in page.menus.values() for t in texts if t and len(t) <= 40}


def by_headline(page: Page, before: int, after: int) -> list[HtmlElement]:
    """Elements around the headline, nearest first: `before` elements above it, and below it
    down to the body container (at least `after`)."""
    if page.headline is None or page.headline not in page.order:
        return []
    at, elements = page.order[page.headline], page.elements
    limit = after
    container = page.container
    if container is not None and page.order.get(container, 0) > at:
        limit = max(after, page.order[container] - at)
    inside = set(page.headline.iter())
    span = range(max(0, at - before), min(len(elements), at + limit + 1))
    nearest = sorted(span, key=lambda i: abs(i - at))
    return [elements[i] for i in nearest if elements[i] not in inside]
