"""Where the article body sits in a tree, and its text one line per block.

The site's body selector or a generic article-body container (selectors.BODY) when one holds
the text; without a known container, the element holding the most paragraph text
(`densest_block`: <p>s or <br>-separated runs of an old table layout, whatever the class names).
Pure functions of elements: the page (page.py) and the body (body.py) both build on them, and
this module knows neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

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
LINK_LIST_SHARE = 0.8  # a line this much link text is a link, not a sentence holding one
LABEL_WORDS = 3  # a linked line this short is a label (a tag, a menu entry), not a sentence
MENU_LINKS = 5  # this many links side by side (or lines of links one after another): a list


class Line(NamedTuple):
    """A line of a serialised block: its text, the innermost block element holding it, how
    many links it holds and the share of its characters that are link text."""

    text: str
    block: HtmlElement
    links: int
    link_share: float


def serialise_blocks(root: HtmlElement) -> list[Line]:
    """Visible text of `root`, one line per block element or <br>, each with the innermost
    block element holding it (`root` when none) and its links: where a line sits and what it
    is made of decide whether it is prose."""
    lines: list[Line] = []
    buf: list[str] = []
    holders = [root]
    count = {"chars": 0, "link_chars": 0, "links": 0, "in_link": 0}

    def add(text: str) -> None:
        buf.append(text)
        size = len("".join(text.split()))  # whitespace between links is not text
        count["chars"] += size
        if count["in_link"]:
            count["link_chars"] += size

    def flush() -> None:
        line = squash("".join(buf))
        if line:
            share = count["link_chars"] / max(count["chars"], 1)
            lines.append(Line(line, holders[-1], count["links"], share))
        buf.clear()
        count.update(chars=0, link_chars=0, links=0)

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        if block:
            holders.append(el)
        if tag == "a":
            count["links"] += 1
            count["in_link"] += 1
        if tag and tag != "br" and el.text:
            add(el.text)
        for child in el:
            walk(child)
            if child.tail:
                add(child.tail)
        if tag == "a":
            count["in_link"] -= 1
        if block:
            flush()
            holders.pop()

    walk(root)
    flush()
    return lines


def without_link_lists(lines: list[Line]) -> list[Line]:
    """The lines without link lists: a line of link text holding MENU_LINKS links or more, or
    three short ones (a row of tags or share buttons: «فيسبوك تويتر واتساب»), or a run of
    MENU_LINKS lines of link text (a list of stories, one a line). A single linked line (a
    source, a lone "read also") is left to the clutter rules."""
    linky = [_is_link_line(ln) for ln in lines]

    def row(line: Line) -> bool:
        words = len(line.text.split())
        return line.links >= MENU_LINKS or (line.links >= 3 and words <= 3 * line.links)

    out: list[Line] = []
    n = 0
    while n < len(lines):
        if not linky[n]:
            out.append(lines[n])
            n += 1
            continue
        end = n
        while end < len(lines) and linky[end]:
            end += 1
        if end - n < MENU_LINKS:
            out += [ln for ln in lines[n:end] if not row(ln)]
        n = end
    return out


def _is_link_line(line: Line) -> bool:
    """Mostly link text, or a label of a few words beside a link (a tag whose link wraps an
    icon or the whole card: «<a href=/tag/x></a> ترامب»)."""
    return line.link_share >= LINK_LIST_SHARE or (
        line.links >= 1 and len(line.text.split()) <= LABEL_WORDS
    )


def serialise(root: HtmlElement) -> list[str]:
    """Visible text of `root`, one line per block element or <br>, link lists left out."""
    return [line.text for line in without_link_lists(serialise_blocks(root))]


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
    above. Menus and link lists do not score; fewer than three paragraphs is not a body (the
    fullest element that holds three is)."""
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
    for best in sorted(score, key=score.__getitem__, reverse=True):
        if runs[best] >= MIN_DENSE_RUNS:  # a lead of two paragraphs is not the body
            return None if link_heavy(best, squash(best.text_content())) else best
    return None
