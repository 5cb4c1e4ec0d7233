"""trafilatura as a second opinion on our container's body: which lines to believe.

Our container reading knows Arabic news layouts (it keeps short datelines and every paragraph
the editor wrote); trafilatura knows the rest of the web. On page types nobody configured our
container can be a fragment: one update of a live blog, half of an opinion column split by an
author box or a pull quote, a framework page whose lead paragraphs sit in a sibling element.
Both readings come from the same cleaned page (share bars, «اقرأ أيضاً» boxes, comments and
related stories are already gone) and pass the same line filters. The rule, in `reconcile`:

1. A line of one reading is *confirmed* when the other holds it (equal, or inside one of its
   lines: trafilatura joins and splits a little differently).
2. Agreement: when trafilatura's unconfirmed text is under a sentence (MIN_EXTRA_CHARS), ours
   stands: the two saw the same article and ours is the more exact copy.
3. Ours is a fragment: each unconfirmed line of trafilatura's is found in the page and kept
   only if it reads as the article's own text: it stands after the headline and inside the
   article scope (the lowest element holding the headline and our container: text above the
   headline is navigation, a ticker, a breadcrumb); it is not mostly link text (teaser lists,
   «كل مقالات الكاتب»); it is not a stamp (a short or mostly numeric line holding a date:
   «تم نشره …»); it is not in an author box (a small box holding a link to an author page, or
   the author's name: the bio line). The kept lines join ours in page order
   (`container+trafilatura`).
4. Ours is not the article: when trafilatura confirms under a fifth of our text and what it
   keeps is several times ours, its lines alone are the body (`trafilatura`).

`without_repeats` then drops a pull quote's copy of a sentence the body already has.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from crawler.dates import find_date

from . import selectors as S
from .clean import AUTHOR_BOX_CHARS, AUTHOR_BOX_LEVELS, squash
from .container import Line, serialise_blocks
from .sources import Source

MIN_EXTRA_CHARS = 60  # a sentence: less than this outside ours changes nothing (a framework
# page's lead can be one sentence, whatever the length of the rest, so no share of ours)
NOT_OURS_CONFIRMED = 0.2  # trafilatura confirms less of ours than this ...
NOT_OURS_RATIO = 3  # ... and keeps this many times our text: ours is not the article
LINK_LINE = 0.5  # a line at least this much link text is a link, not prose
DATE_LINE_WORDS = 15  # a line this short holding a date is a dateline or a stamp ...
STAMP_NUMBERS = 0.3  # ... and so is a longer one whose words are this much numbers
MIN_REPEAT_CHARS = 40  # a shorter line may repeat (a dateline, a subheading)
MIN_LINE_CHARS = 30  # a shorter line outside ours (a label, a name) does not call trafilatura
MAX_LINES_COMPARED = 2000  # an article has far fewer lines; a page of link lists may not
_AUTHOR_PAGE = re.compile(S.AUTHOR_PAGE_HREF, re.IGNORECASE)
_QUOTES = "«»\"“”„'‘’ "


@dataclass(frozen=True)
class Placement:
    """Where the article sits in the cleaned page, to place trafilatura's extra lines."""

    scope: HtmlElement  # the lowest element holding the headline and our container
    headline: HtmlElement | None  # the element showing the title, if it is in the page
    authors: tuple[str, ...] = ()  # the byline's names: their box is not the body
    page: list[Line] = field(default_factory=list)  # the scope's lines, in page order

    @classmethod
    def read(
        cls, scope: HtmlElement, headline: HtmlElement | None, authors: tuple[str, ...] = ()
    ) -> Placement:
        return cls(scope, headline, authors, serialise_blocks(scope))


def worth_asking(
    place: Placement, container: HtmlElement, ours: list[str], keep: Callable[[str], bool]
) -> bool:
    """Whether the scope holds, outside our container and our lines, a sentence
    (MIN_EXTRA_CHARS) of lines that rule 3 would keep and `keep` (our line filters) lets
    through: only then can trafilatura's reading change the body, so only then is it asked
    (its cost is most of ours)."""
    prose, found, have = _Prose(place), 0, _Text(ours)
    for i, line in enumerate(place.page):
        text = line.text
        if len(text) < MIN_LINE_CHARS or _inside(line.block, container) or have.holds(text):
            continue
        if keep(text) and prose.at(i, text):
            found += len(text)
            if found >= MIN_EXTRA_CHARS:
                return True
    return False


def _key(line: str) -> str:
    return squash(line).strip(_QUOTES)


class _Text:
    """A reading's lines, answering "do you hold this line?" (equal, or inside a line)."""

    def __init__(self, lines: list[str]) -> None:
        self.keys = {_key(ln) for ln in lines}
        self.joined = "\n".join(_key(ln) for ln in lines)

    def holds(self, line: str) -> bool:
        key = _key(line)
        return key in self.keys or (len(key) >= MIN_REPEAT_CHARS and key in self.joined)


def reconcile(
    ours: list[str], theirs: list[str], place: Placement, source: Source
) -> tuple[list[str], Source]:
    """The body from our lines (read by `source`) and trafilatura's, by the rule in the module
    docs: (lines, `source` | CONTAINER_TRAFILATURA | TRAFILATURA)."""
    ours_text, theirs_text = _Text(ours), _Text(theirs)
    extra = [t for t in theirs if not ours_text.holds(t)]
    ours_chars = sum(map(len, ours))
    if sum(map(len, extra)) < MIN_EXTRA_CHARS:
        return ours, source
    page = place.page
    prose = _Prose(place)
    kept: dict[int, str] = {}
    for t in extra:
        for i, text in _place(t, page):
            if i not in kept and not ours_text.holds(text) and prose.at(i, text):
                kept[i] = text
    if sum(map(len, kept.values())) < MIN_EXTRA_CHARS:
        return ours, source
    confirmed = sum(len(o) for o in ours if theirs_text.holds(o))
    kept_chars = sum(map(len, kept.values()))
    if confirmed < NOT_OURS_CONFIRMED * ours_chars and kept_chars >= NOT_OURS_RATIO * ours_chars:
        return [text for _, text in sorted(kept.items())], Source.TRAFILATURA
    return _merge(ours, kept, page), Source.CONTAINER_TRAFILATURA


def _place(line: str, page: list[Line]) -> list[tuple[int, str]]:
    """Where trafilatura's `line` is in the page: [(index of the page line, text)]. A page line
    equal to it, or holding it (its text is trafilatura's, without what the page line adds),
    else the page lines it holds (trafilatura joined them); [] when it is not in the scope."""
    key = _key(line)
    for i, (text, *_) in enumerate(page):
        if _key(text) == key:
            return [(i, text)]
    if len(key) < MIN_REPEAT_CHARS:
        return []
    for i, (text, *_) in enumerate(page):
        if key in _key(text):
            return [(i, line)]
    return [
        (i, text)
        for i, (text, *_) in enumerate(page)
        if len(_key(text)) >= MIN_REPEAT_CHARS and _key(text) in key
    ]


class _Prose:
    """Rule 3's tests for a page line: after the headline, not a link, not an author box."""

    def __init__(self, place: Placement) -> None:
        self.page, self.place = place.page, place
        shown = (
            [j for j, line in enumerate(place.page) if _inside(line.block, place.headline)]
            if place.headline is not None
            else []
        )
        self.after = shown[-1] if shown else -1

    def at(self, i: int, text: str) -> bool:
        """Whether `text`, trafilatura's reading of the page line `i`, is the article's."""
        if i <= self.after:
            return False
        line = self.page[i]
        if line.link_share >= LINK_LINE:
            return False
        if _is_stamp(text):
            return False
        block = line.block
        return not _in_author_box(block, self.place)


def _is_stamp(text: str) -> bool:
    """A dateline or the page's stamp («تم نشره الأحد 23 رجب 1437هـ - 1 ماي 2016م», «الاثنين 8
    فبراير 2021م 00:34 آخر تحديث: …»): a line holding a date that is short, or made of
    numbers as much as of words. A sentence that mentions a date is neither."""
    words = text.split()
    numbers = sum(any(c.isdigit() for c in w) for w in words)
    short = len(words) <= DATE_LINE_WORDS or numbers >= STAMP_NUMBERS * len(words)
    return short and find_date(text) is not None


def _inside(el: HtmlElement, root: HtmlElement) -> bool:
    return el is root or root in el.iterancestors()


def _in_author_box(block: HtmlElement, place: Placement) -> bool:
    """Whether a page line's `block` stands in an author box: a small element around it that
    holds a link to an author page, or shows the byline's name on its own (a person's name,
    two words or more: the bio under a columnist's name; a sentence naming them is not)."""
    names = {n for n in place.authors if len(n.split()) >= 2}
    box: HtmlElement | None = block
    for _ in range(AUTHOR_BOX_LEVELS + 1):
        if box is None or box is place.scope:
            return False
        if len(squash(box.text_content())) > AUTHOR_BOX_CHARS:
            return False
        if any(_AUTHOR_PAGE.search(a.get("href") or "") for a in box.iter("a")):
            return True
        if names and any(squash(el.text_content()) in names for el in box.iter()):
            return True
        box = box.getparent()
    return False


def _merge(ours: list[str], kept: dict[int, str], page: list[Line]) -> list[str]:
    """Our lines and the kept page lines in page order; a line of ours not found in the page
    (a standfirst from outside the scope) stays right after the one before it."""
    keyed: dict[str, int] = {}
    for i, (text, *_) in enumerate(page):
        keyed.setdefault(_key(text), i)
    placed: list[tuple[float, int, str]] = []
    last = -1.0
    for n, line in enumerate(ours):
        at = keyed.get(_key(line))
        last = float(at) if at is not None and at > last else last + 1e-6
        placed.append((last, n, line))
    placed += [(float(i), len(ours) + n, text) for n, (i, text) in enumerate(sorted(kept.items()))]
    return [line for _, _, line in sorted(placed)]


def without_repeats(lines: list[str]) -> list[str]:
    """The lines without a pull quote's (or a highlight box's) copy of a sentence: a line of
    MIN_REPEAT_CHARS or more that stands inside a longer line of the body is dropped. A line
    repeated whole stays: the page printed it twice as a paragraph, and we do not guess which
    copy the reader should lose."""
    keys = [_key(ln) for ln in lines]
    counts = Counter(keys)
    # one scan of the body per line, so only on bodies of article size
    joined = "\n".join(keys) if len(keys) <= MAX_LINES_COMPARED else ""
    return [
        line
        for line, key in zip(lines, keys, strict=True)
        if len(key) < MIN_REPEAT_CHARS or joined.count(key) <= counts[key]
    ]
