"""CSS selectors answered by lookups instead of XPath walks, with CSSSelector's results.

lxml's CSSSelector walks the whole tree once per selector, testing the class attribute with
XPath string functions; a group of N selectors is a union of N walks (the 77 clutter selectors
alone cost 25-40 ms a page), and the field extractors ask ~90 single selectors a page.

- `SelectorGroup`: a group matched in one walk, each element's tag, class names and id looked
  up in sets built once; other selectors (attribute tests, combinators) go to CSSSelector.
- `TreeIndex`: the elements of a tree nobody changes any more by tag, class name, id and
  attribute name, built in one walk; a chain of such tests joined by descendant combinators
  is then a few lookups and bisections for any element of the tree.

Both find exactly what CSSSelector finds (tests/test_extract_matcher.py), in document order.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

# `tag`, `.class`, `#id`, `tag.class`, `tag#id`: nothing else is looked up here.
_SIMPLE = re.compile(
    r"^(?P<tag>[a-z][a-z0-9]*)?(?:\.(?P<cls>-?[A-Za-z_][\w-]*)|#(?P<id>-?[A-Za-z_][\w-]*))?$",
    re.ASCII,
)
# cssselect tests a class as a token of normalize-space(@class): XML whitespace only (an NBSP
# does not separate class names there, so it must not here).
_XML_SPACE = re.compile("[ \t\n\r]+")


def _allow(table: dict[str, frozenset[str] | None], key: str, tag: str | None) -> None:
    """Record that `key` matches on `tag` (None: on any element)."""
    if tag is None or (key in table and table[key] is None):
        table[key] = None
        return
    table[key] = (table.get(key) or frozenset()) | {tag}


class SelectorGroup:
    """A group of CSS selectors, called on an element like a compiled CSSSelector."""

    def __init__(self, selectors: Iterable[str]) -> None:
        self.selectors = tuple(selectors)
        self._tags: set[str] = set()
        self._classes: dict[str, frozenset[str] | None] = {}
        self._ids: dict[str, frozenset[str] | None] = {}
        rest = []
        for selector in self.selectors:
            m = _SIMPLE.match(selector)
            if m is None or not selector:
                rest.append(selector)
            elif m["cls"]:
                _allow(self._classes, m["cls"], m["tag"])
            elif m["id"]:
                _allow(self._ids, m["id"], m["tag"])
            else:
                self._tags.add(m["tag"])
        self._rest = CSSSelector(", ".join(rest)) if rest else None

    def __call__(self, root: HtmlElement) -> list[HtmlElement]:
        """The elements of `root` (itself included) matching any selector, in document order."""
        others = set(self._rest(root)) if self._rest is not None else set()
        tags = self._tags
        return [
            el
            for el in root.iter()
            if isinstance(el.tag, str)  # not a comment or a processing instruction
            and (el.tag in tags or el in others or self._named(el, el.tag))
        ]

    def _named(self, el: HtmlElement, tag: str) -> bool:
        """Matched by one of its class names or by its id."""
        value = el.get("class")
        if value and self._classes:
            for token in _XML_SPACE.split(value):
                allowed = self._classes.get(token, ())
                if allowed is None or tag in allowed:
                    return True
        value = el.get("id")
        allowed = self._ids.get(value, ()) if value else ()
        return allowed is None or tag in allowed


class Step(NamedTuple):
    """One compound selector: a tag and/or one class, id or attribute test."""

    tag: str | None
    cls: str | None = None
    id: str | None = None
    attr: str | None = None
    op: str | None = None  # None (has the attribute), "=", "~=", "^=" or "*="
    value: str = ""


_STEP = re.compile(
    r"^(?P<tag>[a-z][a-z0-9]*)?(?:\.(?P<cls>-?[A-Za-z_][\w-]*)|#(?P<id>-?[A-Za-z_][\w-]*)"
    r"|\[(?P<attr>[a-z][a-z0-9_-]*)(?:(?P<op>[~^*]?=)"
    r"(?:(?P<ident>-?[A-Za-z_][\w-]*)|'(?P<sq>[^'\\]*)'|\"(?P<dq>[^\"\\]*)\"))?\])?$",
    re.ASCII,
)
_PART = re.compile(r"(?:[^\s\[\]]|\[[^\]]*\])+")
_CSS_SPACE = re.compile("[ \t\r\n\f]")  # what makes cssselect's ~= match nothing


def _step(part: str) -> Step | None:
    m = _STEP.match(part)
    if m is None or not part:
        return None
    value = next((v for v in (m["ident"], m["sq"], m["dq"]) if v is not None), "")
    op = m["op"]
    if op in ("~=", "^=", "*=") and (not value or (op == "~=" and _CSS_SPACE.search(value))):
        return None  # cssselect makes these match nothing: left to it
    return Step(m["tag"], m["cls"], m["id"], m["attr"], op, value)


@lru_cache(maxsize=512)
def descendant_chain(selector: str) -> tuple[Step, ...] | None:
    """`.byline a` as (Step(None, 'byline'), Step('a')); None for a selector with anything
    but a tag and a class, id or attribute test per step and descendant combinators."""
    parts = _PART.findall(selector)
    if " ".join(parts) != " ".join(selector.split()):
        return None  # a stray bracket, or spaces inside one
    steps = [_step(part) for part in parts]
    if not steps or None in steps:
        return None
    return tuple(s for s in steps if s is not None)


def _attr_test(step: Step, value: str) -> bool:
    """cssselect's translation of the attribute operators, on the attribute's value."""
    if step.op == "=":
        return value == step.value
    if step.op == "^=":
        return value.startswith(step.value)
    if step.op == "*=":
        return step.value in value
    if step.op == "~=":
        return step.value in _XML_SPACE.split(value)
    return True


class TreeIndex:
    """The elements of a tree that no one changes any more, by tag, class name, id and
    attribute name (a CSSSelector walk costs ~0.7 ms on a 100 KB page).

    `elements` is `root.iter()` in document order (comments included) and `order` its inverse.
    """

    def __init__(self, elements: list[HtmlElement], order: dict[HtmlElement, int]) -> None:
        self._elements, self._order = elements, order
        tags: defaultdict[str, list[int]] = defaultdict(list)
        classes: defaultdict[str, list[int]] = defaultdict(list)
        ids: defaultdict[str, list[int]] = defaultdict(list)
        attrs: defaultdict[str, list[int]] = defaultdict(list)
        for i, el in enumerate(elements):
            tag = el.tag
            if not isinstance(tag, str):
                continue
            tags[tag].append(i)
            for name, value in el.items():
                attrs[name].append(i)
                if name == "class" and value:
                    for token in set(_XML_SPACE.split(value)):
                        if token:
                            classes[token].append(i)
                elif name == "id" and value:
                    ids[value].append(i)
        self._tags, self._classes, self._ids, self._attrs = tags, classes, ids, attrs

    def select(self, selector: str, root: HtmlElement) -> list[HtmlElement] | None:
        """CSSSelector(selector)(root), or None when the selector is not a descendant chain."""
        chain = descendant_chain(selector)
        if chain is None or root not in self._order:
            return None
        lo, hi = self._order[root], self._end(root)
        found = self._step(chain[0], lo, hi)
        for step in chain[1:]:
            found = self._below(found, self._step(step, lo, hi))
        return [self._elements[i] for i in found]

    def _step(self, step: Step, lo: int, hi: int) -> list[int]:
        """Positions in [lo, hi) of the elements matching one step."""
        if step.cls is not None:
            positions = self._classes.get(step.cls, [])
        elif step.id is not None:
            positions = self._ids.get(step.id, [])
        elif step.attr is not None:
            positions = self._attrs.get(step.attr, [])
        else:
            positions = self._tags.get(step.tag or "", [])
            step = step._replace(tag=None)
        inside = positions[bisect_left(positions, lo) : bisect_left(positions, hi)]
        elements = self._elements
        if step.tag is not None:
            inside = [i for i in inside if elements[i].tag == step.tag]
        if step.op is not None:
            inside = [i for i in inside if _attr_test(step, elements[i].get(step.attr))]
        return inside

    def _below(self, above: list[int], candidates: list[int]) -> list[int]:
        """The candidates that are proper descendants of an element at one of `above`."""
        spans: list[tuple[int, int]] = []  # (first, last) descendant positions, merged
        for i in above:
            end = self._end(self._elements[i])
            if spans and i < spans[-1][1]:
                continue  # nested inside the previous span
            spans.append((i + 1, end))
        starts = [first for first, _ in spans]
        out = []
        for i in candidates:
            k = bisect_right(starts, i) - 1
            if k >= 0 and i < spans[k][1]:
                out.append(i)
        return out

    def _end(self, el: HtmlElement) -> int:
        """The position after `el`'s last descendant: that of the next node outside it."""
        node: HtmlElement | None = el
        while node is not None:
            following = node.getnext()
            if following is not None and following in self._order:
                return self._order[following]
            node = node.getparent()
        return len(self._elements)
