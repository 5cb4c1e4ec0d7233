"""Body text: the article container's paragraphs, or trafilatura on the cleaned page.

When the site's body selector or a generic article-body container (selectors.BODY) holds the
text, its block structure is serialised directly: that keeps every paragraph the editor wrote
(short datelines included) and is exact on the themes we know. Otherwise trafilatura
(favor_precision, measured best on the corpus) extracts from the cleaned page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import trafilatura
from lxml.html import HtmlElement

from . import selectors as S
from .clean import is_clutter_line, squash
from .rules import ExtractionRules
from .sources import Source

logger = logging.getLogger(__name__)

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "td",
        "th",
        "header",
        "footer",
        "aside",
        "figure",
        "main",
        "nav",
        "address",
        "center",
        "hr",
    }
)
MIN_CONTAINER_CHARS = 150


def _serialise(root: HtmlElement) -> list[str]:
    """Visible text of `root`, one line per block element or <br>."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = squash("".join(buf))
        if line:
            lines.append(line)
        buf.clear()

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        if tag and tag != "br" and el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return lines


def find_container(tree: HtmlElement, rules: ExtractionRules | None) -> HtmlElement | None:
    """The article body element: the site's selector, else the fullest generic container."""
    site = (rules.selectors.get("body") if rules else None) or None
    if site:
        found = S.css(site)(tree)
        if found:
            return found[0]
    sized = [(el, len(squash(el.text_content()))) for el in S.css(S.BODY_GROUP)(tree)]
    if not sized:
        return None
    best, best_len = max(sized, key=lambda x: x[1])
    # a wrapper and the body inside it both match: take the innermost that holds the text
    moved = True
    while moved:
        moved = False
        for el, length in sized:
            if el is not best and length >= 0.6 * best_len and best in el.iterancestors():
                best, best_len, moved = el, length, True
                break
    return best if best_len >= MIN_CONTAINER_CHARS else None


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
            lines = _serialise(el)
            if lines:
                return lines
    return []


def trafilatura_lines(tree: HtmlElement, url: str | None) -> list[str]:
    """trafilatura's main text of an (already cleaned) tree, one line per paragraph."""
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    return [squash(line) for line in (text or "").split("\n") if squash(line)]


def filter_lines(
    lines: Iterable[str], rules: ExtractionRules | None, drop: Iterable[str | None] = ()
) -> list[str]:
    """Drop clutter lines and lines repeating the title/kicker/byline."""
    dropped = {squash(d) for d in drop if d}
    return [ln for ln in lines if ln not in dropped and not is_clutter_line(ln, rules)]


def extract_body(
    clean: HtmlElement,
    rules: ExtractionRules | None,
    url: str | None,
    drop: Iterable[str | None] = (),
) -> tuple[list[str], Source]:
    """(paragraphs, method) from a cleaned tree: the site's container, a generic container or
    trafilatura."""
    container = find_container(clean, rules)
    if container is not None:
        lines = _serialise(container)
        lead = [ln for ln in lead_lines(clean, container) if ln not in lines]
        lines = filter_lines([*lead, *lines], rules, drop)
        if sum(len(x) for x in lines) >= MIN_CONTAINER_CHARS:
            site = rules.selectors.get("body") if rules else None
            by_site = bool(site) and container in S.css(site)(clean)
            return lines, Source.SITE_RULE if by_site else Source.CONTAINER
    return filter_lines(trafilatura_lines(clean, url), rules, drop), Source.TRAFILATURA
