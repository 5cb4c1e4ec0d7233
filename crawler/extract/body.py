"""Body text: our article container's paragraphs, checked against trafilatura's.

When the site's body selector or a generic article-body container (selectors.BODY) holds the
text, its block structure is serialised directly: that keeps every paragraph the editor wrote
(short datelines included) and is exact on the themes we know. Without a known container, the
element holding the most paragraph text (container.densest_block) is serialised the same way.

A container can be a fragment on page types nobody configured (one update of a live blog, half
an opinion column, a framework page whose lead sits in a sibling element), so when the article
scope holds enough text outside it, trafilatura (favor_precision, measured best on the corpus)
reads the same cleaned scope and second_opinion.reconcile decides between the two. Without any
container, trafilatura's text is the body.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from . import selectors as S
from .clean import is_clutter_line, is_timestamp_line, squash
from .container import (
    MIN_CONTAINER_CHARS,
    MIN_RUN_CHARS,
    densest_block,
    link_chars,
    pick_container,
    serialise,
)
from .rules import ExtractionRules
from .second_opinion import Placement, reconcile, without_repeats, worth_asking
from .sources import Source

logger = logging.getLogger(__name__)

UPDATE_LEVELS = 3  # how far above one update's text the repeated update element may be


def find_container(
    tree: HtmlElement, rules: ExtractionRules | None, generic: list[HtmlElement] | None = None
) -> HtmlElement | None:
    """The article body element: the site's selector, else the fullest generic container
    (`generic`: S.BODY_GROUP(tree), when the caller already knows it)."""
    site = (rules.selectors.get("body") if rules else None) or None
    return pick_container(
        S.css(site)(tree) if site else [],
        lambda: S.BODY_GROUP(tree) if generic is None else generic,
    )


def lead_lines(tree: HtmlElement, container: HtmlElement) -> list[str]:
    """A standfirst printed outside the body container (Sputnik's bold lead paragraph)."""
    for selector in S.LEAD:
        for el in S.css(selector)(tree):
            if (
                el is container
                or container in el.iterancestors()
                or el in container.iterancestors()
            ):
                continue
            lines = serialise(el)
            if lines:
                return lines
    return []


def trafilatura_lines(tree: HtmlElement, url: str | None, precise: bool = True) -> list[str]:
    """trafilatura's main text of an (already cleaned) tree, one line per paragraph.

    `precise` (favor_precision) is measured best where trafilatura alone reads the body; as a
    second opinion its balanced mode is, because what it adds passes our own tests first
    (it keeps a framework page's lead that precision mode drops, at the same cost on a scope).
    """
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=precise,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    return [squash(line) for line in (text or "").split("\n") if squash(line)]


def filter_lines(
    lines: Iterable[str], rules: ExtractionRules | None, drop: Iterable[str | None] = ()
) -> list[str]:
    """Drop clutter lines, bare timestamps and lines repeating the title/kicker/byline."""
    dropped = {squash(d) for d in drop if d}
    return [
        ln
        for ln in lines
        if ln not in dropped and not is_clutter_line(ln, rules) and not is_timestamp_line(ln)
    ]


def article_scope(
    tree: HtmlElement, container: HtmlElement, headline: HtmlElement | None
) -> HtmlElement:
    """The lowest element holding both the headline and the container, and more than the
    container (a container holding the headline is judged with its neighbours: it may be a
    header with the lead); the page's <body> when only that holds both. Without a headline,
    the container's <article>, else <body>."""
    if headline is not None:
        above = {container, *container.iterancestors()}
        for el in (headline, *headline.iterancestors()):
            if el in above:
                if el is container and el.getparent() is not None:
                    el = el.getparent()
                return el if el.tag != "html" else _page_body(tree)
    article = next(container.iterancestors("article"), None)
    return article if article is not None else _page_body(tree)


def _page_body(tree: HtmlElement) -> HtmlElement:
    body = tree.find("body")
    return body if body is not None else tree


def _document_of(el: HtmlElement) -> HtmlElement:
    """A page holding only a copy of `el`: trafilatura reads a bare element as a fragment,
    dropping headings, not as the page it is part of."""
    html = lxml.html.Element("html")
    etree.SubElement(html, "body").append(copy.deepcopy(el))
    return html


def _prose_chars(el: HtmlElement) -> int:
    """Characters of text under `el` that are not link text."""
    return len(squash(el.text_content())) - link_chars(el)


def extract_body(
    clean: HtmlElement,
    rules: ExtractionRules | None,
    url: str | None,
    drop: Iterable[str | None] = (),
    generic: list[HtmlElement] | None = None,
    *,
    headline: HtmlElement | None = None,
    authors: Iterable[str | None] = (),
    live_blog: bool = False,
) -> tuple[list[str], Source]:
    """(paragraphs, where they came from) from a cleaned tree: the site's container or a
    generic one, checked against trafilatura's reading when they may disagree, else
    trafilatura (`generic`: S.BODY_GROUP(clean), when the caller already knows it;
    `headline`: the element of `clean` showing the title; `authors`: names shown as the
    byline, whose author box is not the body; `live_blog`: read every update)."""
    drop = tuple(drop)
    lines, container, source = _our_lines(clean, rules, drop, generic, headline, live_blog)
    if container is None:
        return filter_lines(trafilatura_lines(clean, url), rules, drop), Source.TRAFILATURA
    scope = article_scope(clean, container, headline)
    place = Placement.read(scope, headline, tuple(a for a in authors if a))

    def keep(line: str) -> bool:
        return bool(filter_lines([line], rules, drop))

    if worth_asking(place, container, lines, keep):
        alone = scope.tag == "body" or scope is clean
        theirs = filter_lines(
            trafilatura_lines(clean if alone else _document_of(scope), url, precise=False),
            rules,
            drop,
        )
        lines, source = reconcile(lines, theirs, place, source)
    return without_repeats(lines), source


def live_updates(
    container: HtmlElement, generic: list[HtmlElement], headline: HtmlElement | None
) -> list[HtmlElement]:
    """The updates of the live blog whose one update `container` is, in page order: the
    nearest element above it (or itself, UPDATE_LEVELS at most, below anything holding the
    headline) repeated by its siblings (same tag, same class or itemprop; two at least holding
    a paragraph), else the generic containers that hold no other, else `container` alone."""
    for el in (container, *container.iterancestors())[: UPDATE_LEVELS + 1]:
        parent = el.getparent()
        if parent is None or el.tag in ("body", "html"):
            break
        if headline is not None and (el is headline or el in headline.iterancestors()):
            break
        shape = (el.tag, el.get("class"), el.get("itemprop"))
        if shape[1] is None and shape[2] is None:
            continue
        same = [s for s in parent if (s.tag, s.get("class"), s.get("itemprop")) == shape]
        if sum(_prose_chars(s) >= MIN_RUN_CHARS for s in same) >= 2:
            return same
    apart = [g for g in generic if not any(g in o.iterancestors() for o in generic)]
    return apart if len(apart) >= 2 and container in apart else [container]


def _lowest_common(elements: list[HtmlElement]) -> HtmlElement:
    """The lowest element holding all of `elements`."""
    first, *rest = elements
    for el in (first, *first.iterancestors()):
        if all(el is o or el in o.iterancestors() for o in rest):
            return el
    return first


def _our_lines(
    clean: HtmlElement,
    rules: ExtractionRules | None,
    drop: tuple[str | None, ...],
    generic: list[HtmlElement] | None,
    headline: HtmlElement | None,
    live_blog: bool,
) -> tuple[list[str], HtmlElement | None, Source]:
    """Our reading: the container's lines (with a standfirst printed outside it), else the
    densest block's; on a live blog, every update's. (lines, the element read, SITE_RULE or
    CONTAINER), or no element."""

    def candidates() -> Iterator[tuple[HtmlElement, bool]]:
        found = find_container(clean, rules, generic)
        if found is not None:
            yield found, True
        dense = densest_block(clean)  # a walk of the whole page: only when needed
        if dense is not None:
            yield dense, False

    for container, known in candidates():
        if live_blog:
            generic = S.BODY_GROUP(clean) if generic is None else generic
            updates = live_updates(container, generic if known else [], headline)
            container = _lowest_common(updates)
            lines = [line for update in updates for line in serialise(update)]
        else:
            lines = serialise(container)
        if known:
            lines = [*(ln for ln in lead_lines(clean, container) if ln not in lines), *lines]
        lines = filter_lines(lines, rules, drop)
        if sum(len(x) for x in lines) >= MIN_CONTAINER_CHARS:
            site = rules.selectors.get("body") if rules else None
            by_site = known and bool(site) and container in S.css(site)(clean)
            return lines, container, Source.SITE_RULE if by_site else Source.CONTAINER
    return [], None, Source.TRAFILATURA
