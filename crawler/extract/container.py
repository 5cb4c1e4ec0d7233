"""Where the article body sits in a tree, and its text one line per block.

The site's body selector or a generic article-body container (selectors.BODY) when one holds
the text; without a known container, the element holding the most paragraph text
(`densest_block`: <p>s or <br>-separated runs of an old table layout, whatever the class names).
Pure functions of elements: the page (page.py) and the body (body.py) both build on them, and
this module knows neither.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml.html import HtmlElement

from .clean import squash

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
INLINE_TAGS = frozenset({"font", "span", "b", "strong", "i", "em", "u", "small", "big", "sup"})
MIN_RUN_CHARS = 30  # a paragraph, not a label, a date or a link list entry
MIN_DENSE_RUNS = 3
LINK_HEAVY = 0.3  # link text above this share of a block's text: a menu or a teaser list


def serialise_blocks(root: HtmlElement) -> list[tuple[str, HtmlElement]]:
    """Visible text of `root`, one line per block element or <br>, each with the innermost
    block element holding it (`root` when none): where a line sits decides what it is."""
    lines: list[tuple[str, HtmlElement]] = []
    buf: list[str] = []
    holders = [root]

    def flush() -> None:
        line = squash("".join(buf))
        if line:
            lines.append((line, holders[-1]))
        buf.clear()

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        if block:
            holders.append(el)
        if tag and tag != "br" and el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()
            holders.pop()

    walk(root)
    flush()
    return lines


def serialise(root: HtmlElement) -> list[str]:
    """Visible text of `root`, one line per block element or <br>."""
    return [line for line, _ in serialise_blocks(root)]


def pick_container(
    by_site: list[HtmlElement], generic: Callable[[], list[HtmlElement]]
) -> HtmlElement | None:
    """The body element: the site's selector's first match, else the fullest of the generic
    containers (`generic()`: their matches), innermost when a wrapper and the body inside it
    both match; None when it holds less than MIN_CONTAINER_CHARS."""
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


def link_chars(el: HtmlElement) -> int:
    """Characters of link text under `el`."""
    return sum(len(squash(a.text_content())) for a in el.iter("a"))


def link_heavy(el: HtmlElement, text: str) -> bool:
    return link_chars(el) > LINK_HEAVY * max(len(text), 1)


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
            if len(text) < MIN_RUN_CHARS or link_heavy(el, text):
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
    if runs[best] < MIN_DENSE_RUNS or link_heavy(best, squash(best.text_content())):
        return None
    return best
