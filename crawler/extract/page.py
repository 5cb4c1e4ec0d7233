"""The parsed page handed to every field extractor: one parse, shared lookups."""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from . import selectors as S
from .clean import clean_tree
from .container import densest_block, pick_container
from .jsonld import articles, json_ld_objects
from .matcher import SelectorGroup, TreeIndex
from .parse_warnings import MAX_LINKS
from .rules import ExtractionRules

MENU_LINKS = 5  # this many short links side by side make a menu, not a byline or a label
MENU_WORDS_PER_LINK = 4  # a menu entry is a section name; teaser lists carry headlines
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _html_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (FormElement for <form>, HtmlComment, ...), looked up in C.

    lxml.html's own lookup is a Python method, called for every element proxy lxml creates
    (thousands a page over the tree and its cleaned copy). HTML parsing yields lower-case tag
    names, so this table gives every node the class lxml.html's lookup gives it.
    """
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    tags = lookup.get_namespace(None)
    tags.update(lxml.html.HtmlElementClassLookup._default_element_classes)
    return lookup


_HTML_CLASSES = _html_classes()


_WRAPPER_TAGS = re.compile(
    r"</?(?:div|span|section|article|main|aside|header|footer|nav|figure|center|font|b|i|u|em"
    r"|strong|small|big|sup|sub|label|ins|del|mark|abbr|cite|q|s)\b[^>]*>",
    re.IGNORECASE,
)
_DROPPED_LINK = "khabar-dropped-link"


def _parse(text: str) -> tuple[HtmlElement, bool]:
    """The parsed page, and whether libxml2 stopped at its nesting limit (everything deeper
    than 256 levels, and the rest of the page with it, is then missing)."""
    parser = etree.HTMLParser(remove_comments=False, remove_pis=True)
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        tree = lxml.html.document_fromstring("<html><body></body></html>")
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    return tree, too_deep


def parse_html(text: str, warnings: list[str] | None = None) -> HtmlElement:
    """lxml parse of decoded text (XML declarations would make lxml refuse a str).

    Bounded against hostile pages, never silently: past libxml2's nesting limit the page is
    read again without its wrapper tags (the text comes back, its block structure flattened),
    and links beyond MAX_LINKS are dropped; `warnings` gets the code of each
    (parse_warnings.PARSE_WARNINGS).
    """
    text = _XML_DECL.sub("", text, count=1)
    notes = warnings if warnings is not None else []
    tree, too_deep = _parse(text)
    if too_deep:
        flat, still_deep = _parse(_WRAPPER_TAGS.sub(" ", text))
        notes.append("nesting_limit" if still_deep else "nesting_flattened")
        if len(flat.text_content()) > len(tree.text_content()):
            tree = flat
    links = list(tree.iter("a"))
    if len(links) > MAX_LINKS:
        _drop_with_emptied_holders(tree, links[MAX_LINKS:])
        notes.append("link_flood")
    return tree


def _drop_with_emptied_holders(tree: HtmlElement, dropped: list[HtmlElement]) -> None:
    """Remove `dropped` (their text with them, text between them kept), the elements left
    holding nothing by it (the <li> of each link, two levels up at most) and the line breaks
    that separated them: what stays costs no more than a page of MAX_LINKS links."""
    for _ in range(3):
        holders = {el.getparent() for el in dropped} - {None}
        for el in dropped:
            el.tag = _DROPPED_LINK
            if el.tail is not None and not el.tail.strip():
                el.tail = None  # 300,000 spaces would be one text every field reads
            following = el.getnext()
            while following is not None and following.tag == "br" and not following.tail:
                following.tag = _DROPPED_LINK
                following = following.getnext()
        etree.strip_elements(tree, _DROPPED_LINK, with_tail=False)
        dropped = [
            el
            for el in holders
            if el.tag not in ("body", "html") and len(el) == 0 and not (el.text or "").strip()
        ]
        if not dropped:
            return


def _article_scope(page: Page, container: HtmlElement | None) -> HtmlElement:
    tree = page.tree
    heading = None
    for selector in S.TITLE:
        for el in page.select(selector):
            if len(el.text_content().split()) >= 2:
                heading = el
                break
        if heading is not None:
            break
    if container is None:
        if heading is None:
            return tree
        article = next((a for a in heading.iterancestors("article")), None)
        return article if article is not None else tree
    if heading is None:
        article = next((a for a in container.iterancestors("article")), None)
        return article if article is not None else tree
    ancestors = set(container.iterancestors())
    ancestors.add(container)
    for el in heading.iterancestors():
        if el in ancestors:
            return tree if el.tag in ("html", "body") else el
    return tree


@dataclass
class Page:
    tree: HtmlElement
    url: str
    rules: ExtractionRules
    metas: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    ld_articles: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    _scope: HtmlElement | None = None
    _container: list[HtmlElement | None] = field(default_factory=list)
    _order: dict[HtmlElement, int] | None = None
    _elements: list[HtmlElement] = field(default_factory=list)
    _menus: dict[HtmlElement, list[str]] | None = None
    _index: TreeIndex | None = None
    _groups: dict[SelectorGroup, list[HtmlElement]] = field(default_factory=dict)
    headline: HtmlElement | None = None  # the element showing the title, once it is known
    memo: dict[str, Any] = field(default_factory=dict)  # per-page results of field helpers

    @property
    def container(self) -> HtmlElement | None:
        """The article body container of the raw page: the site's selector, a generic one, else
        the densest block of paragraphs (class names unknown), or None."""
        if not self._container:
            site = self.rules.selectors.get("body") or None
            found = pick_container(
                self.select(site) if site else [], lambda: self.select_group(S.BODY_GROUP)
            )
            self._container.append(found if found is not None else densest_block(self.tree))
        return self._container[0]

    @property
    def order(self) -> dict[HtmlElement, int]:
        """Document position of every element: 'near the headline' is measured in it."""
        if self._order is None:
            self._elements = list(self.tree.iter())
            self._order = {el: i for i, el in enumerate(self._elements)}
        return self._order

    @property
    def elements(self) -> list[HtmlElement]:
        """Every element in document order (the inverse of `order`)."""
        if self._order is None:
            _ = self.order
        return self._elements

    @property
    def menus(self) -> dict[HtmlElement, list[str]]:
        """Menus: elements holding many short links side by side (a <ul> of <li><a>, a row of
        links split by '|', an amp-sidebar), with their link texts: the site's sections."""
        if self._menus is None:
            groups: dict[HtmlElement, list[str]] = {}
            for a in self.tree.iter("a"):
                holder = a.getparent()
                if holder is not None and holder.tag == "li":
                    holder = holder.getparent()
                if holder is not None:
                    groups.setdefault(holder, []).append(" ".join(a.text_content().split()))
            self._menus = {
                holder: texts
                for holder, texts in groups.items()
                if len(texts) >= MENU_LINKS
                and sum(len(t.split()) for t in texts) <= MENU_WORDS_PER_LINK * len(texts)
            }
        return self._menus

    @property
    def scope(self) -> HtmlElement:
        """The article region: lowest element holding both the headline and the body.

        Bylines, category labels and displayed dates are looked up here first, so sidebar
        widgets ("by the editor-in-chief", other posts' authors and dates) are not taken.
        """
        if self._scope is None:
            self._scope = _article_scope(self, self.container)
        return self._scope

    @property
    def index(self) -> TreeIndex:
        """Every element by tag, class name, id and attribute name: the field extractors ask
        ~90 selectors of the page, each of which would otherwise walk the whole tree."""
        if self._index is None:
            self._index = TreeIndex(self.elements, self.order)
        return self._index

    def select(self, selector: str, root: HtmlElement | None = None) -> list[HtmlElement]:
        """What `S.css(selector)(root)` finds (root: the whole page), answered from the index
        when the selector is a chain of tags, classes, ids and attribute tests (raises as
        S.css does on a bad one)."""
        root = self.tree if root is None else root
        found = self.index.select(selector.split("::")[0], root)
        return found if found is not None else S.css(selector)(root)

    def select_group(self, group: SelectorGroup) -> list[HtmlElement]:
        """What `group(self.tree)` finds: the union of its selectors' matches, in document
        order (asked once per page)."""
        if group not in self._groups:
            found = {el for selector in group.selectors for el in self.select(selector)}
            self._groups[group] = sorted(found, key=self.order.__getitem__)
        return list(self._groups[group])

    def clean_copy(self) -> CleanCopy:
        """A copy of the page with the clutter removed (fields read the untouched tree).

        The copy's elements stand at the same positions as the page's, so the body containers
        the page's index found are the copy's without another walk of the whole tree; clutter
        removal only drops whole subtrees, so the containers of the cleaned copy are those
        still in it.
        """
        cleaned = copy.deepcopy(self.tree)
        twins = list(cleaned.iter())

        def twin(found: list[HtmlElement]) -> list[HtmlElement]:
            return [twins[self.order[el]] for el in found]

        generic = twin(self.select_group(S.BODY_GROUP))
        bodies = list(generic)
        site = self.rules.selectors.get("body")
        if site:
            with contextlib.suppress(Exception):  # a broken site selector must not stop it
                bodies += twin(self.select(site))
        clean_tree(cleaned, self.rules, bodies, twin(self.select_group(S.CLUTTER_GROUP)))
        return CleanCopy(cleaned, [el for el in generic if _within(el, cleaned)], twins, self)

    @classmethod
    def build(cls, tree: HtmlElement, url: str, rules: ExtractionRules) -> Page:
        metas: dict[str, list[str]] = {}
        for meta in tree.iter("meta"):
            key = (
                (
                    meta.get("property")
                    or meta.get("name")
                    or meta.get("itemprop")
                    or meta.get("http-equiv")
                    or ""
                )
                .strip()
                .lower()
            )
            content = meta.get("content")
            if key and content is not None and content.strip():
                metas.setdefault(key, []).append(content.strip())
        base = url
        for b in tree.iter("base"):
            if b.get("href"):
                base = urljoin(url, b.get("href"))
                break
        objects = json_ld_objects(tree)
        return cls(
            tree=tree,
            url=url,
            rules=rules,
            metas=metas,
            jsonld=objects,
            ld_articles=articles(objects),
            base_url=base,
        )

    def meta(self, *keys: str) -> str | None:
        """First value among the given meta names/properties."""
        for key in keys:
            values = self.metas.get(key.lower())
            if values:
                return values[0]
        return None

    def meta_all(self, key: str) -> list[str]:
        return self.metas.get(key.lower(), [])

    def absolute(self, link: str | None) -> str | None:
        if not link:
            return None
        link = link.strip()
        if not link or link.startswith(("data:", "javascript:")):
            return None
        return urljoin(self.base_url or self.url, link)


def _within(el: HtmlElement, root: HtmlElement) -> bool:
    return el is root or root in el.iterancestors()


@dataclass
class CleanCopy:
    """The page with its clutter removed, which the body is read from."""

    tree: HtmlElement
    bodies: list[HtmlElement]  # the generic body containers (S.BODY_GROUP) still in it
    twins: list[HtmlElement]  # twins[i] is the copy of page.elements[i], dropped or not
    page: Page

    def twin(self, el: HtmlElement | None) -> HtmlElement | None:
        """The copy of the page's element `el`, or None when the cleaning dropped it."""
        if el is None:
            return None
        copied = self.twins[self.page.order[el]]
        return copied if _within(copied, self.tree) else None
