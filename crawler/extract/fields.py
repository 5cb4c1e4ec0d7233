"""Field extractors: title, kicker, author, section, tags, lead image, site name, language.

Each takes the shared `Page` and returns a plain value. Displayed values win over metadata
(the gold records what the reader sees): a desk account that only appears in JSON-LD or
twitter:data1 is not a byline, and a section only declared in article:section is not shown.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from . import selectors as S
from .clean import squash
from .jsonld import first, name_of
from .page import Page

logger = logging.getLogger(__name__)

_SEPARATORS = (" - ", " – ", " — ", " | ", " :: ", " « ", " » ", " : ")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:[|/•·]\s*)?(?:(?:كتبت|كتب|بقلم|حوار|إعداد|اعداد|تقرير|متابعة|ترجمة|تحرير|"
    r"by|written by)\b\s*[:：\-–]?\s*)?",
    re.I,
)
_BYLINE_LINE = re.compile(
    r"^(?:كتبت|كتب|بقلم|حوار|إعداد|اعداد)\s*[:：\-–]?\s*(?P<name>[^\d:|]{3,40})$"
)
_SOURCE_LINE = re.compile(r"^(?:المصدر|مصدر الخبر)\s*[:：]\s*(?P<name>.{2,60})$")
_HOME_WORDS = frozenset({"الرئيسية", "الصفحة الرئيسية", "الرئيسيه", "home", "accueil", "homepage"})


def text_of(el: HtmlElement) -> str:
    return squash(el.text_content())


def is_hidden(el: HtmlElement) -> bool:
    """Hidden by inline style/attribute on the element or an ancestor (hidden microdata)."""
    node: HtmlElement | None = el
    while node is not None and isinstance(node.tag, str):
        if node.get("hidden") is not None or _HIDDEN_STYLE.search(node.get("style") or ""):
            return True
        if node.tag in ("head", "meta", "noscript", "template"):
            return True
        node = node.getparent()
    return False


def select_texts(
    page: Page, selectors: tuple[str, ...], *, visible: bool = True, scoped: bool = False
) -> list[str]:
    """Texts of the matches, in selector order; `scoped` limits the search to page.scope."""
    root = page.scope if scoped else page.tree
    out = []
    for selector in selectors:
        try:
            found = S.css(selector)(root)
        except Exception:
            logger.warning("bad selector %r", selector)
            continue
        for el in found:
            if visible and is_hidden(el):
                continue
            text = text_of(el)
            if text:
                out.append(text)
    return out


def _site_selector(page: Page, key: str) -> list[str]:
    selector = page.rules.selectors.get(key)
    return select_texts(page, (selector,), visible=False) if selector else []


# --- title ------------------------------------------------------------------------------------
def site_names(page: Page) -> list[str]:
    names = [
        page.rules.site_name,
        page.meta("og:site_name"),
        page.meta("application-name"),
        page.meta("twitter:site"),
    ]
    publisher = first(page.ld_articles, "publisher")
    names.append(name_of(publisher))
    out = []
    for n in names:
        n = squash(n)
        if n and n not in out:
            out.append(n.lstrip("@"))
    # "الوكالة العربية السورية للأنباء - سانا" also appears as its parts
    for n in list(out):
        for sep in _SEPARATORS:
            out.extend(p.strip() for p in n.split(sep.strip()) if len(p.strip()) > 1)
    return out


def strip_site_suffix(title: str, page: Page) -> str:
    """Remove the configured suffixes, then '<sep> site name' at either end."""
    title = squash(title)
    for suffix in sorted(page.rules.title_suffixes, key=len, reverse=True):
        s = squash(suffix)
        if s and title.endswith(s) and len(title) > len(s):
            return title[: -len(s)].strip()
    for name in sorted(site_names(page), key=len, reverse=True):
        for sep in _SEPARATORS:
            if title.endswith(sep + name):
                return title[: -len(sep + name)].strip()
            if title.startswith(name + sep):
                return title[len(name + sep) :].strip()
    return title


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


# A headline is one sentence; an "h1" longer than this is an unclosed <h1> that swallowed the
# article (malformed HTML), not a title.
MAX_HEADLINE_WORDS = 60


def _h1(page: Page) -> str | None:
    for text in select_texts(page, S.TITLE):
        if 2 <= len(text.split()) <= MAX_HEADLINE_WORDS:
            return text
    return None


def title(page: Page) -> str | None:
    """The headline alone: site selector, else h1 cross-checked with og:title/JSON-LD."""
    site = _site_selector(page, "title")
    if site:
        return strip_site_suffix(site[0], page)
    metas = [
        page.meta("og:title"),
        name_of(first(page.ld_articles, "headline")),
        page.meta("twitter:title"),
    ]
    meta_title = next((strip_site_suffix(m, page) for m in metas if m and squash(m)), None)
    h1 = _h1(page)
    if h1 and meta_title:
        if meta_title != h1 and meta_title in h1:
            return meta_title  # the h1 prints a kicker around the headline (al-Watan)
        if _letters(meta_title) == _letters(h1):
            return meta_title  # same words; the h1 adds typographic quotes or stray spaces
        return h1
    if h1 or meta_title:
        return h1 or meta_title
    el = page.tree.find(".//title")
    return strip_site_suffix(text_of(el), page) if el is not None and text_of(el) else None


def kicker(page: Page, headline: str | None) -> str | None:
    texts = _site_selector(page, "kicker") or select_texts(page, S.KICKER, scoped=True)
    for text in texts:
        text = text.strip(" …:-–|")
        if text and text != headline:
            return text
    return None


# --- author -------------------------------------------------------------------------------------
def clean_byline(text: str, page: Page) -> str | None:
    text = squash(text)
    text = _BYLINE_PREFIX.sub("", text, count=1).strip(" |:-–")
    if not text or len(text) > 80:
        return None
    if text in site_names(page):
        return None
    return text


def byline_line(page: Page) -> tuple[str, str] | None:
    """A displayed 'كتب فلان' / 'حوار: فلان' line: (author, the line as shown)."""
    for el in page.scope.iter("p", "span", "div", "strong", "b", "h4", "h5", "h6", "em", "a"):
        if len(el) > 3:
            continue
        line = text_of(el)
        if not line or len(line) > 60:
            continue
        m = _BYLINE_LINE.match(line)
        if m and not is_hidden(el):
            return squash(m.group("name")).strip(" .،"), line
    return None


def source_line(page: Page) -> tuple[str, str] | None:
    """'المصدر : وكالات' under the body: (author, line)."""
    for el in [*select_texts_el(page, S.SOURCE_LINE), *page.scope.iter("span", "p", "div")]:
        if len(el) > 6:
            continue
        line = text_of(el)
        if not line or len(line) > 80:
            continue
        m = _SOURCE_LINE.match(line)
        if m and not is_hidden(el):
            return squash(m.group("name")), line
    return None


def select_texts_el(page: Page, selectors: tuple[str, ...]) -> list[HtmlElement]:
    out = []
    for selector in selectors:
        out.extend(S.css(selector)(page.tree))
    return out


def author(page: Page, hint: str | None = None) -> tuple[str | None, str | None]:
    """(author, displayed byline line to drop from the body or None)."""
    for text in _site_selector(page, "author") or select_texts(page, S.AUTHOR, scoped=True):
        name = clean_byline(text, page)
        if name:
            return name, None
    for finder in (byline_line, source_line):
        found = finder(page)
        if found:
            return found
    if hint:
        name = clean_byline(hint, page)
        if name and not any(name in s for s in site_names(page)):
            return name, None
    return None, None


# --- section, tags ------------------------------------------------------------------------------
def _crumbs(el: HtmlElement) -> list[str]:
    links = [(a.get("href") or "", text_of(a)) for a in el.iter("a")]
    texts = []
    for href, text in links:
        path = urlsplit(href).path if href else ""
        if not text or text.lower() in _HOME_WORDS or (href and path in ("", "/")):
            continue
        texts.append(text)
    return texts


def section(page: Page, headline: str | None, hint: str | None = None) -> str | None:
    site = _site_selector(page, "section")
    if site:
        return site[0]
    for selector in S.BREADCRUMB:
        for el in S.css(selector)(page.tree):
            crumbs = [c for c in _crumbs(el) if c != headline and len(c) <= 60]
            if crumbs:
                return crumbs[-1]
    for text in select_texts(page, S.SECTION_LABEL, scoped=True):
        if len(text) <= 60:
            return text.rstrip(":")
    value = first(page.ld_articles, "articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, str) and squash(value):
        return squash(value)
    return squash(hint) or None if hint else None


def _split_keywords(value: object) -> list[str]:
    if isinstance(value, list):
        return [squash(v) for v in value if isinstance(v, str) and squash(v)]
    if isinstance(value, str):
        return [squash(v) for v in re.split(r"[,،]", value) if squash(v)]
    return []


def tags(page: Page) -> list[str]:
    found = (
        _site_selector(page, "tags")
        or page.meta_all("article:tag")
        or select_texts(page, S.TAGS)
        or _split_keywords(first(page.ld_articles, "keywords"))
    )
    out: list[str] = []
    for t in found:
        t = squash(t).lstrip("#")
        if t and t not in out and len(t) <= 80:
            out.append(t)
    return out


# --- image --------------------------------------------------------------------------------------
def img_src(el: HtmlElement) -> str | None:
    """The real source of an <img>, resolving lazy-loading attributes and placeholders."""
    for attr in S.LAZY_IMAGE_ATTRS:
        value = (el.get(attr) or "").strip()
        if attr == "data-srcset" and value:
            value = value.split(",")[-1].strip().split(" ")[0]
        if value and not re.search(S.PLACEHOLDER_IMAGE, value, re.I):
            return value
    return None


def _in_teaser(el: HtmlElement) -> bool:
    return any(
        re.search(S.NOT_LEAD_IMAGE, f"{a.get('class') or ''} {a.get('id') or ''}")
        for a in el.iterancestors()
    )


def image(page: Page) -> str | None:
    selector = page.rules.selectors.get("image")
    candidates: list[str | None] = []
    if selector:
        for el in S.css(selector)(page.tree):
            candidates.append(
                img_src(el) if el.tag == "img" else el.get("content") or el.get("href")
            )
    candidates += [
        page.meta("og:image", "og:image:url", "og:image:secure_url"),
        page.meta("twitter:image", "twitter:image:src"),
    ]
    ld_image = first(page.ld_articles, "image")
    if isinstance(ld_image, list):
        ld_image = ld_image[0] if ld_image else None
    if isinstance(ld_image, dict):
        ld_image = ld_image.get("url") or ld_image.get("contentUrl")
    candidates.append(ld_image if isinstance(ld_image, str) else None)
    if page.scope is not page.tree:  # never a sidebar or related-post thumbnail
        for sel in S.IMAGE_IN_ARTICLE:
            candidates.extend(img_src(el) for el in S.css(sel)(page.scope) if not _in_teaser(el))
    for c in candidates:
        if c and not re.search(S.PLACEHOLDER_IMAGE, c, re.I):
            return page.absolute(c)
    return None


def site_name(page: Page) -> str | None:
    return page.rules.site_name or page.meta("og:site_name") or None


def canonical(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return page.absolute(link.get("href"))
    return page.absolute(page.meta("og:url"))
