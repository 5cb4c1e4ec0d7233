"""Where the site files the story: its section (a breadcrumb, a category label, a label by the
headline that is one of the menu's sections; else what the page declares or the feed says) and
its tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.arabic import normalize

from . import selectors as S
from .byline import AUTHOR_PAGE
from .clean import squash
from .elements import (
    by_headline,
    in_navigation,
    is_hidden,
    letters_of,
    menu_texts,
    select_texts,
    site_selector,
    text_of,
)
from .jsonld import first
from .page import Page
from .site import HOME_WORDS, is_site_account
from .sources import Source

NOT_A_SECTION = frozenset(
    {"تفاصيل الخبر", "التفاصيل", "تفاصيل", "الخبر", "details", "article", "المقال", "الخبر كاملا"}
)
_CRUMB_SEPARATORS = re.compile(r"[»«›‹>/\\|]|→|←")
_CATEGORY_PATH = re.compile(
    r"/(?:category|categories|cat|section|sections|qism|topics?|rubri[ck]|news-category)\b"
    r"|[?&](?:cat|category|section|sec|catid|cid)=",
    re.I,
)


# What every news site files everything under: a breadcrumb's «الأخبار» says nothing of the
# story's section when a category label or the page's metadata names one («محليات»).
_GENERIC_SECTIONS = frozenset(
    normalize(w)
    for w in (
        "الأخبار", "أخبار", "آخر الأخبار", "كل الأخبار", "جميع الأخبار", "الرئيسية",
        "الصفحة الرئيسية", "خبر", "news", "latest news", "all news", "home", "homepage",
    )
)  # fmt: skip


def is_generic_section(text: str) -> bool:
    return normalize(text) in _GENERIC_SECTIONS


def _crumbs(el: HtmlElement, headline: str | None) -> list[str]:
    """The trail's sections: not the home link, the headline, nor a columnist's own page."""
    texts = []
    for a in el.iter("a"):
        href, text = a.get("href") or "", text_of(a)
        path = urlsplit(href).path if href else ""
        if not text or text.lower() in HOME_WORDS or (href and path in ("", "/")):
            continue
        if AUTHOR_PAGE.search(href):
            continue
        if _is_headline(text, headline) or text.lower() in NOT_A_SECTION or len(text) > 60:
            continue
        texts.append(text)
    return texts


def _is_headline(text: str, headline: str | None) -> bool:
    """The crumb repeats the headline, whole or cut with an ellipsis."""
    if not headline:
        return False
    short = letters_of(text.rstrip(" .…"))
    return bool(short) and len(short) >= 12 and letters_of(headline).startswith(short)


def _unlabelled_breadcrumbs(page: Page) -> list[HtmlElement]:
    """A trail without a known class: 'الرئيسية » سياسة » …', 2-6 links, separators between."""
    out = []
    for a in page.tree.iter("a"):
        if text_of(a).lower() not in HOME_WORDS:
            continue
        trail = a.getparent()
        while trail is not None and trail.tag in ("li", "span") and len(trail) <= 1:
            trail = trail.getparent()
        if trail is None:
            continue
        links, text = trail.findall(".//a"), text_of(trail)
        if not (2 <= len(links) <= 6 and len(text) <= 250):
            continue  # a menu of 20 sections starting with الرئيسية is not a trail
        if trail.tag in ("ol", "ul") or _CRUMB_SEPARATORS.search(text):
            out.append(trail)
    return out


_SECTION_LABEL = re.compile(r"^(?:في|القسم|قسم|التصنيف|التصنيفات|الفئة|نشر في)\s*[:：]?\s+")


# An opinion column's section, whatever its link looks like: «آراء» over the columnist's piece.
_OPINION_SECTIONS = frozenset(
    normalize(w)
    for w in (
        "رأي", "الرأي", "آراء", "الآراء", "مقالات", "مقالات الرأي", "مقال", "كتاب وآراء",
        "كتّاب", "الكتاب", "أقلام", "وجهات نظر", "قضايا وآراء", "أعمدة", "منبر الرأي",
        "opinion", "opinions", "columns", "views",
    )
)  # fmt: skip


def _section_near_headline(page: Page, headline: str | None) -> str | None:
    """A short label by the headline that is one of the site menu's sections, a link to a
    category path, or an opinion section's name (class names are not needed; menus and tag
    links are skipped)."""
    menu = menu_texts(page)
    for el in by_headline(page, before=12, after=12):
        if el.tag not in ("a", "span", "font", "div", "td", "p", "b", "strong", "li", "small"):
            continue
        if el.tag != "a" and el.find(".//a") is not None:
            continue  # a line holding a link: the link itself is looked at
        if "tag" in (el.get("rel") or "").split():
            continue
        text = _SECTION_LABEL.sub("", text_of(el)).rstrip(":")
        if not text or len(text) > 40 or len(text.split()) > 5 or _is_headline(text, headline):
            continue
        if text.lower() in HOME_WORDS or text.lower() in NOT_A_SECTION:
            continue
        by_path = el.tag == "a" and _CATEGORY_PATH.search(el.get("href") or "")
        opinion = el.tag == "a" and normalize(text) in _OPINION_SECTIONS
        if (
            (by_path or opinion or text in menu)
            and not in_navigation(page, el)
            and not is_hidden(el)
        ):
            return text
    return None


def _trail_section(crumbs: list[str]) -> str:
    """The last crumb, or the last specific one when the trail ends in a generic word."""
    return next((c for c in reversed(crumbs) if not is_generic_section(c)), crumbs[-1])


def _shown_or_declared(
    page: Page, headline: str | None, hint: str | None
) -> Iterator[tuple[str, Source]]:
    """Every section the page shows or declares, best source first."""
    labelled = False
    for sel in S.BREADCRUMB:
        for el in page.select(sel):
            labelled = True
            crumbs = _crumbs(el, headline)
            if crumbs:
                yield _trail_section(crumbs), Source.BREADCRUMB
    for el in [] if labelled else _unlabelled_breadcrumbs(page):
        crumbs = _crumbs(el, headline)
        if crumbs:
            yield _trail_section(crumbs), Source.BREADCRUMB
    for sel in S.SECTION_LABEL:
        for el in page.select(sel, page.scope):
            text = text_of(el)
            if text and len(text) <= 60 and not is_hidden(el) and not in_navigation(page, el):
                yield text.rstrip(":"), Source.DISPLAYED
    near = _section_near_headline(page, headline)
    if near:
        yield near, Source.POSITION
    value = first(page.ld_articles, "articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, str) and squash(value):
        yield squash(value), Source.JSONLD
    declared = page.meta("article:section")
    if declared and not is_site_account(declared, page):
        yield squash(declared), Source.META
    if hint and squash(hint):
        yield squash(hint), Source.FEED


def section(
    page: Page, headline: str | None, hint: str | None = None
) -> tuple[str | None, Source | None]:
    """The first section shown or declared that is not a generic word («الأخبار», «News»);
    the generic one only when nothing more specific is there."""
    site = site_selector(page, "section")
    if site:
        return site[0], Source.SITE_RULE
    generic = None
    for value, source in _shown_or_declared(page, headline, hint):
        if not is_generic_section(value):
            return value, source
        generic = generic or (value, source)
    return generic or (None, None)


def _split_keywords(value: object) -> list[str]:
    if isinstance(value, list):
        return [squash(v) for v in value if isinstance(v, str) and squash(v)]
    if isinstance(value, str):
        return [squash(v) for v in re.split(r"[,،]", value) if squash(v)]
    return []


def tags(page: Page) -> tuple[list[str], Source | None]:
    found, source = site_selector(page, "tags"), Source.SITE_RULE
    if not found:
        found, source = page.meta_all("article:tag"), Source.META
    if not found:
        found, source = select_texts(page, S.TAGS), Source.DISPLAYED
    if not found:
        found, source = _split_keywords(first(page.ld_articles, "keywords")), Source.JSONLD
    out: list[str] = []
    for t in found:
        t = squash(t).lstrip("#")
        if t and t not in out and len(t) <= 80:
            out.append(t)
    return out, source if out else None
