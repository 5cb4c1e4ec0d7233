"""The title (the headline alone, without the site's name) and the kicker printed by it."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from . import selectors as S
from .byline import BYLINE_LINE, looks_like_name
from .clean import squash
from .elements import (
    in_navigation,
    is_hidden,
    letters_of,
    menu_texts,
    select_texts,
    site_selector,
    text_of,
)
from .jsonld import first, name_of
from .page import Page
from .site import SEPARATORS, site_names
from .sources import Source
from .taxonomy import NOT_A_SECTION

# A headline is one sentence; an "h1" longer than this is an unclosed <h1> that swallowed the
# article (malformed HTML), not a title.
MAX_HEADLINE_WORDS = 60
_HEADLINE_TAGS = ("h1", "h2", "h3", "h4", "td", "div", "span", "strong", "b", "font", "p", "a")


def strip_site_suffix(title: str, page: Page) -> str:
    """Remove the configured suffixes, then '<sep> site name' at either end."""
    title = squash(title)
    for suffix in sorted(page.rules.title_suffixes, key=len, reverse=True):
        s = squash(suffix)
        if s and title.endswith(s) and len(title) > len(s):
            return title[: -len(s)].strip()
    for name in sorted(site_names(page), key=len, reverse=True):
        for sep in SEPARATORS:
            if title.endswith(sep + name):
                return title[: -len(sep + name)].strip()
            if title.startswith(name + sep):
                return title[len(name + sep) :].strip()
    return title


def _h1(page: Page) -> HtmlElement | None:
    """The displayed headline element; a logo h1 holding the site name is not one."""
    names = {letters_of(n) for n in site_names(page)}
    for selector in S.TITLE:
        for el in page.select(selector):
            text = text_of(el)
            if is_hidden(el) or not 2 <= len(text.split()) <= MAX_HEADLINE_WORDS:
                continue
            if letters_of(text) not in names:
                return el
    return None


def shown_as(page: Page, text: str) -> HtmlElement | None:
    """The visible element whose whole text is `text` (a headline only declared in metas is
    still printed somewhere: a table cell, a bold line, an h2)."""
    want = letters_of(text)
    if not want:
        return None
    # A heading wins; then another element; a link to itself or a breadcrumb's last item only
    # when nothing else prints the headline.
    plain = link = None
    for el in page.tree.iter(*_HEADLINE_TAGS):
        if len(el) > 3 or el.getparent() is None:
            continue
        raw = el.text_content()
        if len(raw) < len(text) // 2 or len(raw) > 2 * len(text) + 40:
            continue
        if letters_of(raw) != want or is_hidden(el):
            continue
        linked = el.tag == "a" or next(el.iterancestors("a"), None) is not None
        if linked or in_navigation(page, el):
            link = link if link is not None else el
        elif el.tag in ("h1", "h2", "h3", "h4"):
            return el
        else:
            plain = plain if plain is not None else el
    return plain if plain is not None else link


def _title_tag_parts(page: Page) -> tuple[str | None, HtmlElement | None]:
    """The <title> without the site name: the part printed on the page, else the stripped tag."""
    el = page.tree.find(".//title")
    raw = text_of(el) if el is not None else ""
    if not raw:
        return None, None
    parts = [raw] + [p.strip() for sep in SEPARATORS for p in raw.split(sep) if p.strip()]
    for part in sorted(parts, key=len, reverse=True):
        if len(part.split()) >= 2:
            shown = shown_as(page, part)
            if shown is not None:
                return part, shown
    return strip_site_suffix(raw, page), None


def title(page: Page) -> tuple[str | None, Source | None]:
    """The headline alone: site selector, else h1 cross-checked with og:title/JSON-LD.

    Sets page.headline to the element printing it, which anchors the position-based search
    for dates, bylines and sections.
    """
    site = site_selector(page, "title")
    if site:
        page.headline = page.select(page.rules.selectors["title"])[0]
        return strip_site_suffix(site[0], page), Source.SITE_RULE
    metas = [
        (page.meta("og:title"), Source.META),
        (name_of(first(page.ld_articles, "headline")), Source.JSONLD),
        (page.meta("twitter:title"), Source.META),
    ]
    meta_title, meta_source = next(
        ((strip_site_suffix(m, page), src) for m, src in metas if m and squash(m)), (None, None)
    )
    h1_el = _h1(page)
    h1 = text_of(h1_el) if h1_el is not None else None
    if meta_title and (h1 is None or meta_title not in h1):
        shown = shown_as(page, meta_title)
        if shown is not None:  # printed in an h2/table cell while the h1 is something else
            h1_el, h1 = shown, text_of(shown)
    page.headline = h1_el
    if h1 and meta_title:
        if meta_title != h1 and meta_title in h1:
            return meta_title, Source.DISPLAYED  # the h1 prints a kicker around it (al-Watan)
        if letters_of(meta_title) == letters_of(h1):
            return meta_title, Source.DISPLAYED  # the h1 adds typographic quotes or spaces
        return h1, Source.DISPLAYED
    if h1:
        return h1, Source.DISPLAYED
    if meta_title:
        return meta_title, meta_source
    text, shown = _title_tag_parts(page)
    if shown is not None:
        page.headline = shown
        return text, Source.DISPLAYED
    return text, Source.TITLE_TAG if text else None


def kicker(
    page: Page, headline: str | None, taken: tuple[str | None, ...] = ()
) -> tuple[str | None, Source | None]:
    """The over-/sub-title: a known kicker class, else the short line printed right above or
    below the headline that is not its section, byline, date or a menu entry (`taken` holds
    the section and byline already found)."""
    site = site_selector(page, "kicker")
    texts = site or select_texts(page, S.KICKER, scoped=True)
    for text in texts:
        text = text.strip(" …:-–|")
        if text and text != headline:
            return text, Source.SITE_RULE if site else Source.DISPLAYED
    near = _kicker_by_headline(page, headline, {t for t in taken if t})
    return (near, Source.POSITION) if near else (None, None)


_RELATIVE_TIME = re.compile(r"^(?:منذ|قبل)\s|\bago$", re.I)
_KICKER_TAGS = frozenset({"h2", "h3", "h4", "h5", "p", "div", "span", "font", "b", "strong", "em"})


def _neighbours(el: HtmlElement) -> list[HtmlElement]:
    """The lines right before and after `el`: its sibling elements, or its wrapper's when it
    is alone there (<div><h1>…</h1></div><p>kicker</p>, a table row's cell), entering a
    sibling wrapper down to its nearest line."""
    node = el
    for _ in range(4):
        before, after = node.getprevious(), node.getnext()
        if before is not None or after is not None:
            lines = (_edge(before, last=True), _edge(after, last=False))
            return [n for n in lines if n is not None]
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return []


def _lines_by(el: HtmlElement) -> list[HtmlElement]:
    """The neighbouring lines, and the next one after each when it is a section label or a
    byline (a wrapper that opens with the category link, then the kicker)."""
    out = []
    for line in _neighbours(el):
        out.append(line)
        node = line
        while node.getnext() is None and node.getparent() is not None and node.tag == "a":
            node = node.getparent()  # the category link's own wrapper line
        step = node.getnext()
        if step is not None and (line.tag == "a" or line.find(".//a") is not None):
            inner = _edge(step, last=False)
            out.append(inner if inner is not None else step)
    return out


def _edge(el: HtmlElement | None, *, last: bool) -> HtmlElement | None:
    """`el` itself when it is a line, else its first (or last) child line, a few levels down."""
    for _ in range(4):
        if el is None or (el.tag in _KICKER_TAGS and not len(el)):
            return el
        children = [c for c in el if isinstance(c.tag, str)]
        if not children or (el.tag in _KICKER_TAGS and (el.text or "").strip()):
            return el
        el = children[-1] if last else children[0]
    return el


def _kicker_by_headline(page: Page, headline: str | None, taken: set[str]) -> str | None:
    if page.headline is None or not headline:
        return None
    container = page.container
    menu = menu_texts(page)
    for el in _lines_by(page.headline):
        if el.tag not in _KICKER_TAGS or len(el) > 2 or el.find(".//a") is not None:
            continue
        if container is not None and (el is container or container in el.iterancestors()):
            continue
        text = text_of(el).strip(" …:-–|")
        words = text.split()
        if not 2 <= len(words) <= 12 or len(text) > 100 or any(c.isdigit() for c in text):
            continue
        if text in taken or text in menu or headline in text or BYLINE_LINE.match(text):
            continue
        if looks_like_name(text) or text.lower() in NOT_A_SECTION or _RELATIVE_TIME.match(text):
            continue
        if is_hidden(el):
            continue
        return text
    return None
