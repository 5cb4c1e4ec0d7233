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
from .sources import Source

logger = logging.getLogger(__name__)

_SEPARATORS = (" - ", " – ", " — ", " | ", " :: ", " « ", " » ", " : ")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# The words that introduce a byline: 'كتب', 'كتبه', 'بقلم', 'بواسطة', 'نشر بواسطة', 'by' ...
_BYLINE_WORD = (
    r"(?:(?:كتب|نشر|نشرت|أرسل|ارسل|أرسلت|ارسلت)\s+(?:بواسطة|بواسطه)|بواسطة|بواسطه|"
    r"كتبته|كتبتها|كتبها|كتبه|كتبت|كتب|بقلم|الكاتبة|الكاتب|المحررة|المحرر|حوار|إعداد|اعداد|"
    r"تحرير|متابعة|"
    r"posted by|written by|by)"
)
_BYLINE_PREFIX = re.compile(
    rf"^\s*(?:[|/•·]\s*)?(?:(?:{_BYLINE_WORD}|تقرير|متابعة|ترجمة|تحرير)(?!\w)\s*[:：\-–]?\s*)?",
    re.I,
)
_BYLINE_LINE = re.compile(
    rf"^(?:[^\d:|/]{{2,30}}/\s*)?{_BYLINE_WORD}(?!\w)\s*[:：\-–]?\s*(?P<name>[^\d:|]{{3,40}})$",
    re.I,
)
_ORG_TYPES = ("Organization", "NewsMediaOrganization", "WebSite")
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
            found = page.select(selector, root)
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
    """The site's names (config, og:site_name, publisher, logo link), computed once per page."""
    if "site_names" not in page.memo:
        page.memo["site_names"] = _site_names(page)
    return page.memo["site_names"]


def _site_names(page: Page) -> list[str]:
    names = [
        page.rules.site_name,
        page.meta("og:site_name"),
        page.meta("application-name"),
        page.meta("twitter:site"),
    ]
    publisher = first(page.ld_articles, "publisher") or first(page.jsonld, "publisher")
    names.append(name_of(publisher))
    names += [name_of(o.get("name")) for o in page.jsonld if o.get("@type") in _ORG_TYPES]
    names += home_link_names(page)
    names += copyright_names(page)
    out: list[str] = []
    for n in names:
        n = squash(n).lstrip("@")
        if n and n not in out:
            out.append(n)
    # "الوكالة العربية السورية للأنباء - سانا" also appears as its parts
    for n in list(out):
        for sep in _SEPARATORS:
            out.extend(p.strip() for p in n.split(sep.strip()) if len(p.strip()) > 1)
    return out


def home_link_names(page: Page) -> list[str]:
    """The site's name as its logo shows it: the text or image alt of a link to the home page
    (an h1 holding it is the blog's or site's title, not the article's)."""
    home = urlsplit(page.url)
    out = []
    homes: dict[str, bool] = {}  # href → links to the home page (menus repeat their links)
    for a in page.tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.rstrip("/").count("/") > 2:
            continue  # a path below the root (cheap test before resolving the link)
        if href not in homes:
            target = urlsplit(page.absolute(href) or "")
            homes[href] = not (
                target.path not in ("", "/")
                or target.query
                or (target.netloc and target.netloc != home.netloc)
            )
        if not homes[href]:
            continue
        for name in (text_of(a), *(img.get("alt") or "" for img in a.iter("img"))):
            if name and name.lower() not in _HOME_WORDS and len(name) <= 60:
                out.append(name)
    return out


_COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|جميع الحقوق محفوظة)\s*(?:لـ|ل)?\s*(?:\d{4}\s*[-–]?\s*)?"
    r"(?P<name>[^\d©|\-–.,،]{2,40}?)\s*(?:$|[-–|.,،©]|\d|جميع)"
)


def copyright_names(page: Page) -> list[str]:
    """The name in the footer's '© 2018 الخليج اليوم - جميع الحقوق محفوظة' line."""
    out = []
    for text in page.tree.xpath("//body//text()[contains(., '©') or contains(., 'الحقوق')]"):
        m = _COPYRIGHT.search(squash(str(text)))
        name = squash(m.group("name")) if m else ""
        if name and "الحقوق" not in name and "محفوظة" not in name:
            out.append(name)
    return out


def domain_name(page: Page) -> str:
    """The registered name of the page's host: 'alwatan' for www.alwatan.sy."""
    host = (urlsplit(page.url).hostname or "").lower().split(".")
    host = [h for h in host if h not in ("www", "m", "amp", "ar", "arabic", "news")]
    return max(host[:-1] or host or [""], key=len)


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


_NOT_ALNUM = re.compile(r"[\W_]+")  # a str pattern's \w is exactly str.isalnum() plus "_"


def _letters(text: str) -> str:
    return _NOT_ALNUM.sub("", text)


# A headline is one sentence; an "h1" longer than this is an unclosed <h1> that swallowed the
# article (malformed HTML), not a title.
MAX_HEADLINE_WORDS = 60
_HEADLINE_TAGS = ("h1", "h2", "h3", "h4", "td", "div", "span", "strong", "b", "font", "p", "a")


def _h1(page: Page) -> HtmlElement | None:
    """The displayed headline element; a logo h1 holding the site name is not one."""
    names = {_letters(n) for n in site_names(page)}
    for selector in S.TITLE:
        for el in page.select(selector):
            text = text_of(el)
            if is_hidden(el) or not 2 <= len(text.split()) <= MAX_HEADLINE_WORDS:
                continue
            if _letters(text) not in names:
                return el
    return None


def shown_as(page: Page, text: str) -> HtmlElement | None:
    """The visible element whose whole text is `text` (a headline only declared in metas is
    still printed somewhere: a table cell, a bold line, an h2)."""
    want = _letters(text)
    if not want:
        return None
    # A heading wins; then another element; a link to itself or a breadcrumb's last item only
    # when nothing else prints the headline.
    plain = link = None
    for el in page.tree.iter(*_HEADLINE_TAGS):
        if len(el) > 3 or el.getparent() is None:
            continue
        raw = el.text_content()
        if len(raw) < len(text) // 2 or len(raw) > 2 * len(text) + 40:
            continue
        if _letters(raw) != want or is_hidden(el):
            continue
        linked = el.tag == "a" or next(el.iterancestors("a"), None) is not None
        if linked or in_navigation(page, el):
            link = link if link is not None else el
        elif el.tag in ("h1", "h2", "h3", "h4"):
            return el
        else:
            plain = plain if plain is not None else el
    return plain if plain is not None else link


def _title_tag_parts(page: Page) -> tuple[str | None, HtmlElement | None]:
    """The <title> without the site name: the part printed on the page, else the stripped tag."""
    el = page.tree.find(".//title")
    raw = text_of(el) if el is not None else ""
    if not raw:
        return None, None
    parts = [raw] + [p.strip() for sep in _SEPARATORS for p in raw.split(sep) if p.strip()]
    for part in sorted(parts, key=len, reverse=True):
        if len(part.split()) >= 2:
            shown = shown_as(page, part)
            if shown is not None:
                return part, shown
    return strip_site_suffix(raw, page), None


def title(page: Page) -> tuple[str | None, Source | None]:
    """The headline alone: site selector, else h1 cross-checked with og:title/JSON-LD.

    Sets page.headline to the element printing it, which anchors the position-based search
    for dates, bylines and sections.
    """
    site = _site_selector(page, "title")
    if site:
        page.headline = page.select(page.rules.selectors["title"])[0]
        return strip_site_suffix(site[0], page), Source.SITE_RULE
    metas = [
        (page.meta("og:title"), Source.META),
        (name_of(first(page.ld_articles, "headline")), Source.JSONLD),
        (page.meta("twitter:title"), Source.META),
    ]
    meta_title, meta_source = next(
        ((strip_site_suffix(m, page), src) for m, src in metas if m and squash(m)), (None, None)
    )
    h1_el = _h1(page)
    h1 = text_of(h1_el) if h1_el is not None else None
    if meta_title and (h1 is None or meta_title not in h1):
        shown = shown_as(page, meta_title)
        if shown is not None:  # printed in an h2/table cell while the h1 is something else
            h1_el, h1 = shown, text_of(shown)
    page.headline = h1_el
    if h1 and meta_title:
        if meta_title != h1 and meta_title in h1:
            return meta_title, Source.DISPLAYED  # the h1 prints a kicker around it (al-Watan)
        if _letters(meta_title) == _letters(h1):
            return meta_title, Source.DISPLAYED  # the h1 adds typographic quotes or spaces
        return h1, Source.DISPLAYED
    if h1:
        return h1, Source.DISPLAYED
    if meta_title:
        return meta_title, meta_source
    text, shown = _title_tag_parts(page)
    if shown is not None:
        page.headline = shown
        return text, Source.DISPLAYED
    return text, Source.TITLE_TAG if text else None


def kicker(
    page: Page, headline: str | None, taken: tuple[str | None, ...] = ()
) -> tuple[str | None, Source | None]:
    """The over-/sub-title: a known kicker class, else the short line printed right above or
    below the headline that is not its section, byline, date or a menu entry (`taken` holds
    the section and byline already found)."""
    site = _site_selector(page, "kicker")
    texts = site or select_texts(page, S.KICKER, scoped=True)
    for text in texts:
        text = text.strip(" …:-–|")
        if text and text != headline:
            return text, Source.SITE_RULE if site else Source.DISPLAYED
    near = _kicker_by_headline(page, headline, {t for t in taken if t})
    return (near, Source.POSITION) if near else (None, None)


_RELATIVE_TIME = re.compile(r"^(?:منذ|قبل)\s|\bago$", re.I)
_KICKER_TAGS = frozenset({"h2", "h3", "h4", "h5", "p", "div", "span", "font", "b", "strong", "em"})


def _neighbours(el: HtmlElement) -> list[HtmlElement]:
    """The lines right before and after `el`: its sibling elements, or its wrapper's when it
    is alone there (<div><h1>…</h1></div><p>kicker</p>, a table row's cell), entering a
    sibling wrapper down to its nearest line."""
    node = el
    for _ in range(4):
        before, after = node.getprevious(), node.getnext()
        if before is not None or after is not None:
            lines = (_edge(before, last=True), _edge(after, last=False))
            return [n for n in lines if n is not None]
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return []


def _lines_by(el: HtmlElement) -> list[HtmlElement]:
    """The neighbouring lines, and the next one after each when it is a section label or a
    byline (a wrapper that opens with the category link, then the kicker)."""
    out = []
    for line in _neighbours(el):
        out.append(line)
        node = line
        while node.getnext() is None and node.getparent() is not None and node.tag == "a":
            node = node.getparent()  # the category link's own wrapper line
        step = node.getnext()
        if step is not None and (line.tag == "a" or line.find(".//a") is not None):
            inner = _edge(step, last=False)
            out.append(inner if inner is not None else step)
    return out


def _edge(el: HtmlElement | None, *, last: bool) -> HtmlElement | None:
    """`el` itself when it is a line, else its first (or last) child line, a few levels down."""
    for _ in range(4):
        if el is None or (el.tag in _KICKER_TAGS and not len(el)):
            return el
        children = [c for c in el if isinstance(c.tag, str)]
        if not children or (el.tag in _KICKER_TAGS and (el.text or "").strip()):
            return el
        el = children[-1] if last else children[0]
    return el


def _kicker_by_headline(page: Page, headline: str | None, taken: set[str]) -> str | None:
    if page.headline is None or not headline:
        return None
    container = page.container
    menu = menu_texts(page)
    for el in _lines_by(page.headline):
        if el.tag not in _KICKER_TAGS or len(el) > 2 or el.find(".//a") is not None:
            continue
        if container is not None and (el is container or container in el.iterancestors()):
            continue
        text = text_of(el).strip(" …:-–|")
        words = text.split()
        if not 2 <= len(words) <= 12 or len(text) > 100 or any(c.isdigit() for c in text):
            continue
        if text in taken or text in menu or headline in text or _BYLINE_LINE.match(text):
            continue
        if looks_like_name(text) or text.lower() in _NOT_A_SECTION or _RELATIVE_TIME.match(text):
            continue
        if is_hidden(el):
            continue
        return text
    return None


# --- navigation -------------------------------------------------------------------------------
_NAV_TAGS = frozenset({"nav", "footer", "aside", "marquee", "amp-sidebar", "menu"})


def in_navigation(page: Page, el: HtmlElement) -> bool:
    """Inside a nav/footer/aside/ticker or a menu of links; an article's own <footer> (AMP's
    category and tags line) is not navigation."""
    menus = page.menus
    for node in (el, *el.iterancestors()):
        if node in menus:
            return True
        if node.tag == "footer" and next(node.iterancestors("article"), None) is not None:
            continue
        if node.tag in _NAV_TAGS or node.get("role") in ("navigation", "menu", "menubar"):
            return True
    return False


def menu_texts(page: Page) -> set[str]:
    """Texts of the links in the page's menus: the site's section names."""
    return {t for texts in page.menus.values() for t in texts if t and len(t) <= 40}


# --- author -------------------------------------------------------------------------------------
_DESK_ACCOUNTS = frozenset(
    {
        "admin",
        "administrator",
        "editor",
        "editors",
        "staff",
        "newsroom",
        "webmaster",
        "redaction",
        "rédaction",
        "التحرير",
        "المحرر",
        "محرر",
        "هيئة التحرير",
        "فريق التحرير",
        "أسرة التحرير",
        "اسرة التحرير",
        "محرر الموقع",
        "الإدارة",
        "الادارة",
        "إدارة الموقع",
        "ادارة الموقع",
        "مدير الموقع",
    }
)
# Who built the site, declared in <meta name="author"> by legacy CMS templates.
_VENDOR = re.compile(
    r"\b(?:designs?|designed|developed|powered|soft(?:ware)?|solutions|technolog\w*|studio|"
    r"hosting|web|media group)\b|تصميم|برمجة|تطوير",
    re.I,
)
_AGENCY_TAIL = re.compile(
    r"(?:^|\s|[-–—.])(?:--|-|–|—)?\s*\((?P<name>[^()\d]{2,25})\)\s*\.?$|"
    r"^(?:--|-|–|—)\s*(?P<dash>[^()\d]{2,25})$"
)
# A dateline opening the body: 'حلب (واس) - …', 'الكويت-سانا قال …', 'بغداد - أ ف ب - …'.
_CITY = r"^[^\d()\-–—:،.]{2,30}?"
_DATED_CITY = r"^[^()\-–—:،.]{2,40}?"  # 'الزرقاء 12 أيار (الأناضول) -'
_DATELINE = re.compile(
    rf"{_DATED_CITY}\s*\((?P<paren>[^()\d]{{2,25}})\)"
    rf"|{_CITY}\s*[-–—]\s*(?P<dash>[^\d()\-–—]{{2,20}}?)\s*[-–—:]"
    rf"|{_CITY}[-–—]\s*(?P<joined>[^\s\d()\-–—]{{2,12}}|[^\s\d()\-–—]\s[^\s\d()\-–—]\s"
    rf"[^\s\d()\-–—])(?:\s|$)"
)
_AGENCIES = frozenset(
    {
        "أ ف ب",
        "ا ف ب",
        "أ.ف.ب",
        "أ ش أ",
        "ا ش ا",
        "د ب أ",
        "رويترز",
        "بترا",
        "سانا",
        "واس",
        "وام",
        "قنا",
        "كونا",
        "بنا",
        "واع",
        "وفا",
        "الأناضول",
        "شينخوا",
        "سبوتنيك",
        "وكالات",
        "سبأ",
        "واج",
        "وات",
        "ومع",
        "و م ع",
        "إرنا",
        "ارنا",
        "العمانية",
        "يو بي آي",
        "أسوشيتد برس",
        "afp",
        "reuters",
        "ap",
        "dpa",
    }
)


def clean_byline(text: str, page: Page) -> str | None:
    text = squash(text)
    text = _BYLINE_PREFIX.sub("", text, count=1).strip(" |:-–")
    if not text or len(text) > 80:
        return None
    if text in site_names(page):
        return None
    return text


def is_site_account(name: str, page: Page) -> bool:
    """A desk account, the site's name or its domain: declared as author, meaning nobody."""
    low = name.lower().strip(" .")
    if low in _DESK_ACCOUNTS or low.startswith(("http://", "https://", "www.")):
        return True
    if _VENDOR.search(low):
        return True
    letters = _letters(low)
    domain = domain_name(page)
    if len(domain) >= 3 and (domain in letters or (len(letters) >= 3 and letters in domain)):
        return True
    for site in site_names(page):
        site_letters = _letters(site.lower())
        if letters and (letters == site_letters or f" {low} " in f" {site.lower()} "):
            return True
    return False


_BYLINE_TAGS = (
    *("p", "span", "div", "strong", "b", "h4", "h5", "h6", "em", "a", "font", "td", "small", "li"),
)
# What follows a name on the same line: the date, a relative time, a separator.
_AFTER_NAME = re.compile(
    r"\s(?:نشر|نُشر|تم\s|بتاريخ|تاريخ|في\s|قبل\s|منذ\s|الساعة\s|اخر|آخر|[|•·])|\s\d"
    r"|\s(?:ال|)(?:اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|سبت|أحد|احد)(?!\w)"
    r"|\s[-–—](?:\s|$)"
)


def _byline_match(page: Page, el: HtmlElement) -> tuple[str, str] | None:
    if len(el) > 3 or any(d in page.menus for d in el.iter("ul", "ol", "nav", "div", "td")):
        return None
    line = _AFTER_NAME.split(text_of(el), maxsplit=1)[0].strip()
    if not line or len(line) > 60:
        return None
    m = _BYLINE_LINE.match(line)
    if m and not is_hidden(el) and not in_navigation(page, el):
        return squash(m.group("name")).strip(" .،"), line
    return None


def byline_line(page: Page) -> tuple[str, str] | None:
    """A displayed 'كتب فلان' / 'بقلم : فلان' / 'site/بقلم : فلان' line: (author, line); the
    innermost element that reads so (its parent may add the date or 'قبل ساعة')."""
    for el in page.scope.iter(*_BYLINE_TAGS):
        found = _byline_match(page, el)
        if found is None:
            continue
        for inner in el.iterdescendants(*_BYLINE_TAGS):
            deeper = _byline_match(page, inner)
            if deeper is not None:
                found = deeper
        return found
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
        out.extend(page.select(selector))
    return out


def shown_author(page: Page) -> tuple[str | None, str | None, Source | None]:
    """(author, displayed byline line to drop from the body, source): what the page shows."""
    site = _site_selector(page, "author")
    texts = site or (
        text_of(el)
        for sel in S.AUTHOR
        for el in page.select(sel, page.scope)
        if not is_hidden(el) and not in_navigation(page, el)
    )
    for text in texts:
        name = clean_byline(text, page)
        if name and len(name.split()) <= 6 and not is_site_account(name, page):
            return name, None, Source.SITE_RULE if site else Source.DISPLAYED
    for finder in (byline_line, source_line):
        found = finder(page)
        if found and not is_site_account(found[0], page):
            return found[0], found[1], Source.BYLINE
    return None, None, None


# Words a name never holds; a kicker or a subtitle of two to four words usually does.
_NOT_IN_NAMES = frozenset(
    "في من على الى إلى عن مع رغم وسط خلال بعد قبل منذ حول ضد عبر بين تحت فوق هل لا لم لن ما"
    " و أو او ثم كل هذا هذه التي الذي اليوم غدا أمس"
    # share bars and reading widgets print short lines too
    " انسخ نسخ الرابط رابط شارك مشاركة اقرأ إقرأ تابع تابعونا أضف اضف اضغط طباعة إرسال ارسال"
    " تعليق تعليقات التعليقات مشاهدة مشاهدات قراءة دقائق دقيقة المزيد التالي السابق الخبر"
    " الكلمات كلمات الدلالية الدالة مفتاحية الوسوم وسوم تاجز".split()
)
_NAME_WORD = re.compile(r"^[\u0621-\u064a]{2,15}$")


def looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(
        _NAME_WORD.match(w) and w not in _NOT_IN_NAMES and not w.startswith("لل") for w in words
    )


def unlabelled_name(page: Page, headline: str | None) -> str | None:
    """A bare name printed between the headline and the body ('<div>حسن الزعبي</div>'):
    a leaf line of two to four name-like words, not a menu entry nor a link elsewhere."""
    menu = menu_texts(page)
    for el in _by_headline(page, before=0, after=10):
        if len(el) or el.tag not in _BYLINE_TAGS or el.tag == "a":
            continue
        text = text_of(el)
        if not text or text == headline or text in menu or not looks_like_name(text):
            continue
        if not is_hidden(el) and not in_navigation(page, el) and not is_site_account(text, page):
            return text
    return None


def agency_line(paragraphs: list[str]) -> str | None:
    """The agency of a dateline opening the body ('حلب (واس) -', 'الكويت-سانا'), or of a tail
    ending it ('(أ ف ب)', '--(بترا)', a last line that is only an agency name)."""
    if paragraphs:
        m = next(filter(None, (_DATELINE.match(p) for p in paragraphs[:2])), None)
        name = squash(m.group("paren") or m.group("dash") or m.group("joined")) if m else ""
        if name.lower() in _AGENCIES:
            return name
    for line in reversed(paragraphs[-2:]):
        m = _AGENCY_TAIL.search(line)
        if not m:
            continue
        name = squash(m.group("name") or m.group("dash")).strip(" .")
        whole_line = len(line) <= len(m.group(0)) + 2
        if name and (name.lower() in _AGENCIES or (whole_line and len(name.split()) <= 3)):
            return name
    return None


def declared_authors(page: Page) -> tuple[str | None, Source | None]:
    """The author the page declares but does not show: JSON-LD (a list of Persons joined),
    article:author / meta author, itemprop=author. Desk accounts and the site are nobody."""
    candidates: list[tuple[list[str], Source]] = []
    ld = first(page.ld_articles, "author")
    if ld is not None:
        items = ld if isinstance(ld, list) else [ld]
        candidates.append(([n for n in map(name_of, items) if n], Source.JSONLD))
    for key in ("author", "article:author", "dc.creator", "byl", "sailthru.author"):
        candidates.append((page.meta_all(key)[:1], Source.META))
    for el in page.select("[itemprop=author]"):
        inner = el.find(".//*[@itemprop='name']")
        name = el.get("content") or text_of(inner if inner is not None else el)
        candidates.append(([name] if name else [], Source.META))
    for names, source in candidates:
        kept = []
        for n in names:
            name = clean_byline(n, page)
            if name and not is_site_account(name, page) and name not in kept:
                kept.append(name)
        if kept:
            return "، ".join(kept), source
    return None, None


def author(
    page: Page, paragraphs: list[str], hint: str | None = None
) -> tuple[str | None, Source | None]:
    """When the page shows no byline: the agency of a dateline or a tail, then declared metadata,
    then a bare name under the headline, then the feed's author (never the site itself)."""
    tail = agency_line(paragraphs)
    if tail:
        return tail, Source.BYLINE
    name, source = declared_authors(page)
    if name:
        return name, source
    bare = unlabelled_name(page, text_of(page.headline) if page.headline is not None else None)
    if bare:
        return bare, Source.POSITION
    if hint:
        name = clean_byline(hint, page)
        if name and not is_site_account(name, page):
            return name, Source.FEED
    return None, None


# --- section, tags ------------------------------------------------------------------------------
_NOT_A_SECTION = frozenset(
    {"تفاصيل الخبر", "التفاصيل", "تفاصيل", "الخبر", "details", "article", "المقال", "الخبر كاملا"}
)
_CRUMB_SEPARATORS = re.compile(r"[»«›‹>/\\|]|→|←")
_CATEGORY_PATH = re.compile(
    r"/(?:category|categories|cat|section|sections|qism|topics?|rubri[ck]|news-category)\b"
    r"|[?&](?:cat|category|section|sec|catid|cid)=",
    re.I,
)


def _crumbs(el: HtmlElement, headline: str | None) -> list[str]:
    texts = []
    for a in el.iter("a"):
        href, text = a.get("href") or "", text_of(a)
        path = urlsplit(href).path if href else ""
        if not text or text.lower() in _HOME_WORDS or (href and path in ("", "/")):
            continue
        if _is_headline(text, headline) or text.lower() in _NOT_A_SECTION or len(text) > 60:
            continue
        texts.append(text)
    return texts


def _is_headline(text: str, headline: str | None) -> bool:
    """The crumb repeats the headline, whole or cut with an ellipsis."""
    if not headline:
        return False
    short = _letters(text.rstrip(" .…"))
    return bool(short) and len(short) >= 12 and _letters(headline).startswith(short)


def _unlabelled_breadcrumbs(page: Page) -> list[HtmlElement]:
    """A trail without a known class: 'الرئيسية » سياسة » …', 2-6 links, separators between."""
    out = []
    for a in page.tree.iter("a"):
        if text_of(a).lower() not in _HOME_WORDS:
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


def _by_headline(page: Page, before: int, after: int) -> list[HtmlElement]:
    """Elements around the headline, nearest first: `before` elements above it, and below it
    down to the body container (at least `after`)."""
    if page.headline is None or page.headline not in page.order:
        return []
    at, elements = page.order[page.headline], page.elements
    limit = after
    container = page.container
    if container is not None and page.order.get(container, 0) > at:
        limit = max(after, page.order[container] - at)
    inside = set(page.headline.iter())
    span = range(max(0, at - before), min(len(elements), at + limit + 1))
    nearest = sorted(span, key=lambda i: abs(i - at))
    return [elements[i] for i in nearest if elements[i] not in inside]


_SECTION_LABEL = re.compile(r"^(?:في|القسم|قسم|التصنيف|التصنيفات|الفئة|نشر في)\s*[:：]?\s+")


def _section_near_headline(page: Page, headline: str | None) -> str | None:
    """A short label by the headline that is one of the site menu's sections, or a link to a
    category path (class names are not needed; menus and tag links are skipped)."""
    menu = menu_texts(page)
    for el in _by_headline(page, before=12, after=12):
        if el.tag not in ("a", "span", "font", "div", "td", "p", "b", "strong", "li", "small"):
            continue
        if el.tag != "a" and el.find(".//a") is not None:
            continue  # a line holding a link: the link itself is looked at
        if "tag" in (el.get("rel") or "").split():
            continue
        text = _SECTION_LABEL.sub("", text_of(el)).rstrip(":")
        if not text or len(text) > 40 or len(text.split()) > 5 or _is_headline(text, headline):
            continue
        if text.lower() in _HOME_WORDS or text.lower() in _NOT_A_SECTION:
            continue
        by_path = el.tag == "a" and _CATEGORY_PATH.search(el.get("href") or "")
        if (by_path or text in menu) and not in_navigation(page, el) and not is_hidden(el):
            return text
    return None


def section(
    page: Page, headline: str | None, hint: str | None = None
) -> tuple[str | None, Source | None]:
    site = _site_selector(page, "section")
    if site:
        return site[0], Source.SITE_RULE
    labelled = False
    for sel in S.BREADCRUMB:
        for el in page.select(sel):
            labelled = True
            crumbs = _crumbs(el, headline)
            if crumbs:
                return crumbs[-1], Source.BREADCRUMB
    for el in [] if labelled else _unlabelled_breadcrumbs(page):
        crumbs = _crumbs(el, headline)
        if crumbs:
            return crumbs[-1], Source.BREADCRUMB
    for sel in S.SECTION_LABEL:
        for el in page.select(sel, page.scope):
            text = text_of(el)
            if text and len(text) <= 60 and not is_hidden(el) and not in_navigation(page, el):
                return text.rstrip(":"), Source.DISPLAYED
    near = _section_near_headline(page, headline)
    if near:
        return near, Source.POSITION
    value = first(page.ld_articles, "articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, str) and squash(value):
        return squash(value), Source.JSONLD
    declared = page.meta("article:section")
    if declared and not is_site_account(declared, page):
        return squash(declared), Source.META
    if hint and squash(hint):
        return squash(hint), Source.FEED
    return None, None


def _split_keywords(value: object) -> list[str]:
    if isinstance(value, list):
        return [squash(v) for v in value if isinstance(v, str) and squash(v)]
    if isinstance(value, str):
        return [squash(v) for v in re.split(r"[,،]", value) if squash(v)]
    return []


def tags(page: Page) -> tuple[list[str], Source | None]:
    found, source = _site_selector(page, "tags"), Source.SITE_RULE
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


def image(page: Page) -> tuple[str | None, Source | None]:
    selector = page.rules.selectors.get("image")
    candidates: list[tuple[str | None, Source]] = []
    if selector:
        for el in page.select(selector):
            value = img_src(el) if el.tag == "img" else el.get("content") or el.get("href")
            candidates.append((value, Source.SITE_RULE))
    candidates += [
        (page.meta("og:image", "og:image:url", "og:image:secure_url"), Source.META),
        (page.meta("twitter:image", "twitter:image:src"), Source.META),
    ]
    ld_image = first(page.ld_articles, "image")
    if isinstance(ld_image, list):
        ld_image = ld_image[0] if ld_image else None
    if isinstance(ld_image, dict):
        ld_image = ld_image.get("url") or ld_image.get("contentUrl")
    candidates.append((ld_image if isinstance(ld_image, str) else None, Source.JSONLD))
    if page.scope is not page.tree:  # never a sidebar or related-post thumbnail
        for sel in S.IMAGE_IN_ARTICLE:
            candidates.extend(
                (img_src(el), Source.DISPLAYED)
                for el in page.select(sel, page.scope)
                if not _in_teaser(el)
            )
    for c, source in candidates:
        if c and not re.search(S.PLACEHOLDER_IMAGE, c, re.I):
            return page.absolute(c), source
    return None, None


def site_name(page: Page) -> str | None:
    return page.rules.site_name or page.meta("og:site_name") or None


def canonical(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return page.absolute(link.get("href"))
    return page.absolute(page.meta("og:url"))
