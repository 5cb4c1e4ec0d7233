"""CSS selector groups matched in one walk of the tree, by set lookups instead of XPath.

lxml's CSSSelector turns a group of N selectors into an XPath union of N walks over the whole
tree, each testing the class attribute with string functions: the 77 clutter selectors alone
cost 25-40 ms a page. Most of them are a tag, a class or an id. `SelectorGroup` tests those by
looking each element's tag, class tokens and id up in sets built once, and hands the others
(attribute tests, combinators) to CSSSelector, so that it finds exactly what
`CSSSelector(", ".join(selectors))` finds, in document order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
