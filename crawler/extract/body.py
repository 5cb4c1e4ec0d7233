"""Body text: the article container's paragraphs, or trafilatura on the cleaned page.

When the site's body selector or a generic article-body container (selectors.BODY) holds the
text, its block structure is serialised directly: that keeps every paragraph the editor wrote
(short datelines included) and is exact on the themes we know. Without a known container, the
element holding the most paragraph text (`densest_block`: <p>s or <br>-separated runs of an
old table layout, whatever the class names) is serialised the same way. Otherwise trafilatura
(favor_precision, measured best on the corpus) extracts from the cleaned page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import trafilatura
from lxml.html import HtmlElement

from . import selectors as S
from .clean import is_clutter_line, squash
from .rules import ExtractionRules
from .sources import Source

if TYPE_CHECKING:
    from .page import Page

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


def find_container(
    tree: HtmlElement, rules: ExtractionRules | None, generic: list[HtmlElement] | None = None
) -> HtmlElement | None:
    """The article body element: the site's selector, else the fullest generic container
    (`generic`: S.BODY_GROUP(tree), when the caller already knows it)."""
    site = (rules.selectors.get("body") if rules else None) or None
    return _container(
        S.css(site)(tree) if site else [],
        lambda: S.BODY_GROUP(tree) if generic is None else generic,
    )


def page_container(page: Page) -> HtmlElement | None:
    """`find_container` of the untouched page, its selectors answered from the page's index."""
    site = page.rules.selectors.get("body") or None
    return _container(page.select(site) if site else [], lambda: page.select_group(S.BODY_GROUP))


def _container(
    by_site: list[HtmlElement], generic: Callable[[], list[HtmlElement]]
) -> HtmlElement | None:
    if by_site:
        return by_site[0]
    sized = [(el, len(squash(el.text_content()))) for el in generic()]
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


INLINE_TAGS = frozenset({"font", "span", "b", "strong", "i", "em", "u", "small", "big", "sup"})
MIN_RUN_CHARS = 30  # a paragraph, not a label, a date or a link list entry
MIN_DENSE_RUNS = 3


def _runs(el: HtmlElement) -> list[str]:
    """The text runs `el` holds itself (its text and its children's tails, inline children
    included, split at <br>): paragraphs of an old table layout live this way."""
    runs, buf = [], [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):
            buf.append(child.tail or "")
            continue
        if child.tag == "br" or child.tag in BLOCK_TAGS:
            runs.append(squash("".join(buf)))
            buf = []
        elif child.tag in INLINE_TAGS:
            buf.append(child.text_content())
        buf.append(child.tail or "")
    runs.append(squash("".join(buf)))
    return [r for r in runs if len(r) >= MIN_RUN_CHARS]


def _link_heavy(el: HtmlElement, text: str) -> bool:
    links = sum(len(squash(a.text_content())) for a in el.iter("a"))
    return links > 0.3 * max(len(text), 1)


def densest_block(tree: HtmlElement) -> HtmlElement | None:
    """The element holding the most paragraph text, found without class names: each <p>
    (or text run between <br>s) of prose scores for the element holding it, half for the one
    above. Menus and link lists do not score; fewer than three paragraphs is not a body."""
    score: dict[HtmlElement, float] = {}
    runs: dict[HtmlElement, int] = {}
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("a", "li", "head", "title", "html"):
            continue
        if el.tag == "p":
            text = squash(el.text_content())
            if len(text) < MIN_RUN_CHARS or _link_heavy(el, text):
                continue
            holder, size, count = el.getparent(), len(text), 1
        else:
            own = _runs(el)
            if not own:
                continue
            holder, size, count = el, sum(map(len, own)), len(own)
        while holder is not None and holder.tag in INLINE_TAGS:
            holder = holder.getparent()
        if holder is None:
            continue
        score[holder] = score.get(holder, 0) + size
        runs[holder] = runs.get(holder, 0) + count
        above = holder.getparent()
        if above is not None:
            score[above] = score.get(above, 0) + size / 2
            runs[above] = runs.get(above, 0) + count
    if not score:
        return None
    best = max(score, key=score.__getitem__)
    if runs[best] < MIN_DENSE_RUNS or _link_heavy(best, squash(best.text_content())):
        return None
    return best


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
    generic: list[HtmlElement] | None = None,
) -> tuple[list[str], Source]:
    """(paragraphs, method) from a cleaned tree: the site's container, a generic container or
    trafilatura (`generic`: S.BODY_GROUP(clean), when the caller already knows it)."""
    container = find_container(clean, rules, generic)
    if container is not None:
        lines = _serialise(container)
        lead = [ln for ln in lead_lines(clean, container) if ln not in lines]
        lines = filter_lines([*lead, *lines], rules, drop)
        if sum(len(x) for x in lines) >= MIN_CONTAINER_CHARS:
            site = rules.selectors.get("body") if rules else None
            by_site = bool(site) and container in S.css(site)(clean)
            return lines, Source.SITE_RULE if by_site else Source.CONTAINER
    dense = densest_block(clean)
    if dense is not None:
        lines = filter_lines(_serialise(dense), rules, drop)
        if sum(len(x) for x in lines) >= MIN_CONTAINER_CHARS:
            return lines, Source.CONTAINER
    return filter_lines(trafilatura_lines(clean, url), rules, drop), Source.TRAFILATURA
