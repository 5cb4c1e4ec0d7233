"""Who published the page: the site's names (config, metadata, logo link, copyright line), the
names that stand for the site rather than a person (desk accounts, the domain, the CMS vendor),
and the page's canonical URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .clean import squash
from .elements import letters_of, text_of
from .jsonld import first, name_of
from .page import Page

SEPARATORS = (" - ", " – ", " — ", " | ", " :: ", " « ", " » ", " : ")
_ORG_TYPES = ("Organization", "NewsMediaOrganization", "WebSite")
# The home link's text, in Arabic and the other Arabic-script languages (Persian, Urdu, Kurdish,
# Pashto, Uyghur): the first crumb of a trail, never a section.
HOME_WORDS = frozenset(
    {
        *("الرئيسية", "الصفحة الرئيسية", "الرئيسيه", "home", "accueil", "homepage"),
        *("صفحه نخست", "صفحه اصلی", "خانه", "صفحہ اول", "سرورق", "ہوم"),
        *("سەرەکی", "پەڕەی سەرەکی", "ماڵەوە", "کور پاڼه", "لومړی مخ", "باش بەت"),
    }
)


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
        for sep in SEPARATORS:
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
            if name and name.lower() not in HOME_WORDS and len(name) <= 60:
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


def is_site_account(name: str, page: Page) -> bool:
    """A desk account, the site's name or its domain: declared as author, meaning nobody."""
    low = name.lower().strip(" .")
    if low in _DESK_ACCOUNTS or low.startswith(("http://", "https://", "www.")):
        return True
    if _VENDOR.search(low):
        return True
    letters = letters_of(low)
    domain = letters_of(domain_name(page))  # al-ayyam.ps: 'alayyam'
    if len(domain) >= 3 and (domain in letters or (len(letters) >= 3 and letters in domain)):
        return True
    latin = _skeletons(low) if low.isascii() else set()
    for site in site_names(page):
        site_letters = letters_of(site.lower())
        if letters and (letters == site_letters or f" {low} " in f" {site.lower()} "):
            return True
        if latin and not site.isascii() and latin & _skeletons(site):
            return True  # 'Al-Ghad' for الغد, 'Asharq Al-Awsat' for الشرق الأوسط
    return False


# The site's name written in Latin letters is compared by its consonants: Arabic letters and
# their usual romanisations map to one class each (خ/kh, ق/q/k, ج/j/g …); vowels, alef, waw,
# yeh and ain are dropped, as romanisations write them in too many ways.
_ARABIC_CONSONANTS = dict(
    zip(
        "بتثجحخدذرزسشصضطظغفقكکلمنهپچگژ",
        "BTTJHKDDRZSXSDTZGFKKKLMNHBXJJ",
        strict=True,
    )
)
_LATIN_DIGRAPHS = re.compile(r"kh|gh|sh|ch|th|dh|ph|.")
_LATIN_CONSONANTS = {"kh": "K", "gh": "G", "sh": "X", "ch": "X", "th": "T", "dh": "D", "ph": "F"}
_LATIN_CONSONANTS |= dict(zip("bptdjgzsckqfvhlmnrx", "BBTDJJZSKKKFFHLMNRK", strict=True))
_ARTICLE = re.compile(r"(?:^|(?<=\s))(?:ال|al[-\s]|el[-\s]|a[dnrstz]h?-)", re.I)
_MEDIA_WORDS = re.compile(
    r"(?:^|\s)(?:صحيفة|جريدة|موقع|بوابة|شبكة|قناة|مجلة|إذاعة|اذاعة|"
    r"newspaper|news|online|daily|tv|net|com)(?=\s|$)",
    re.I,
)
MIN_SKELETON = 3  # two consonants match too many unrelated names


def _skeleton(text: str) -> str:
    if text.isascii():
        classes = (_LATIN_CONSONANTS.get(c, "") for c in _LATIN_DIGRAPHS.findall(text.lower()))
    else:
        classes = (_ARABIC_CONSONANTS.get(c, "") for c in text)
    out = ""
    for c in classes:
        if c and not out.endswith(c):  # a doubled letter (Assabah, الصبّاح) is one
            out += c
    return out


def _skeletons(name: str) -> set[str]:
    """The consonant skeletons of a name, with and without its article ('Alkhabar', 'Al-Khabar')."""
    name = _MEDIA_WORDS.sub(" ", name.replace(".", " ")).strip()
    found = {_skeleton(name), _skeleton(_ARTICLE.sub("", name))}
    return {s for s in found if len(s) >= MIN_SKELETON}


def site_name(page: Page) -> str | None:
    return page.rules.site_name or page.meta("og:site_name") or None


def canonical(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return page.absolute(link.get("href"))
    return page.absolute(page.meta("og:url"))
