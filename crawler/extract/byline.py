"""The author: a displayed byline («كتب», «بقلم», «بواسطة»), a source line, an agency dateline or
tail, declared metadata, a bare name under the headline, the feed's author; never the site itself.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.arabic import normalize

from . import selectors as S
from .clean import squash
from .elements import (
    by_headline,
    in_navigation,
    is_hidden,
    letters_of,
    menu_texts,
    select_elements,
    site_selector,
    text_of,
)
from .jsonld import first, is_organization, name_of, resolve
from .page import Page
from .site import is_site_account, site_names
from .sources import Source


def _any_keyboard(words: str) -> str:
    """The pattern with ي/ی and ك/ک interchangeable: Persian, Kurdish and Urdu keyboards type
    ی and ک, and Arabic sites in Iran type Arabic with them."""
    return words.translate({ord("ي"): "[يی]", ord("ی"): "[يی]", ord("ك"): "[كک]", ord("ک"): "[كک]"})


# The words that introduce a byline: 'كتب', 'كتبه', 'بقلم', 'بواسطة', 'نشر بواسطة', 'by' ...,
# and their like in the other Arabic-script languages a page may be in: Persian نویسنده / به قلم,
# Kurdish نووسەر / نووسینی, Urdu تحریر, Pashto لیکوال, Uyghur ئاپتور.
_BYLINE_WORD = _any_keyboard(
    r"(?:(?:كتب|نشر|نشرت|أرسل|ارسل|أرسلت|ارسلت)\s+(?:بواسطة|بواسطه)|بواسطة|بواسطه|"
    r"كتبته|كتبتها|كتبها|كتبه|كتبت|كتب|بقلم|حوار|إعداد|اعداد|"
    r"تحرير|متابعة|"
    r"نویسنده|نوشتهٔ|نوشته|به[\s\u200c]*قلم|نووسەر|نووسینی|تحریر|لیکوال|لیکنه|لیکونکی|"
    r"ئاپتورى|ئاپتور|يازغۇچى|"
    r"posted by|written by|by)"
)
# 'الكاتب سالم باعباد', but also the bio line 'الكاتب صحفي يمني': a byline only before a name.
_TITLES = r"(?:الكاتبة|الكاتب|المحررة|المحرر|الصحفية|الصحفي|الإعلامية|الإعلامي|الاعلامية|الاعلامي)"
_TITLE_WORD = rf"(?:{_TITLES}(?:\s+{_TITLES})?)"
# Words that label a report, a translation or an agency copy: a byline only before a name, after
# a colon or a dash ('تقرير: منى سالم', not 'تقرير اللجنة الوطنية').
_CREDIT_WORD = _any_keyboard(
    r"(?:تقرير|متابعة|ترجمة|تحرير|گزارش|گزارشگر|خبرنگار|ترجمه|توسط|تهیه و تنظیم|تهیه|"
    r"ڕاپۆرتی|ڕاپۆرت|ئامادەکردنی|وەرگێڕانی|رپورٹ|رپورٹر|نمائندہ خصوصی|نامہ نگار|راپور|ژباړه|"
    r"مۇخبىر)"
)
# 'إعداد وتحرير:', 'تقرير وتصوير:': labels joined by و are one label.
_AND_LABEL = rf"(?:\s+و\s?(?:{_BYLINE_WORD}|{_CREDIT_WORD}|تصوير|تقديم|كتابة))?"
_LABEL_END = r"(?!\w)\s*[:：\-–—ـ/]?\s*"
_BYLINE_PREFIX = re.compile(
    rf"^\s*(?:[|/•·]\s*)?(?:(?:{_BYLINE_WORD}|{_CREDIT_WORD}|{_TITLE_WORD}){_AND_LABEL}{_LABEL_END})"
    r"{0,2}",
    re.I,
)
BYLINE_LINE = re.compile(
    rf"^(?:[^\d:|/]{{2,30}}/\s*)?{_BYLINE_WORD}{_AND_LABEL}{_LABEL_END}(?:{_TITLE_WORD}{_LABEL_END})?"
    r"(?P<name>[^\d:|]{3,40})$",
    re.I,
)
_NAMED_LINE = re.compile(
    rf"^(?:{_CREDIT_WORD}{_AND_LABEL}(?!\w)\s*[:：\-–—ـ/]|{_TITLE_WORD}{_LABEL_END})"
    r"\s*(?P<name>[^\d:|]{3,40})$"
)
_SOURCE_LINE = re.compile(r"^(?:المصدر|مصدر الخبر)\s*[:：]\s*(?P<name>.{2,60})$")
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
# News agencies as Arabic pages credit them, compared in their matching form without dots or
# spaces (أ.ش.أ = أ ش أ = اشا).
_AGENCY_NAMES = (
    "أ ف ب|أ ش أ|د ب أ|أ ب|رويترز|بترا|سانا|واس|وام|قنا|كونا|بنا|واع|وفا|الأناضول|شينخوا|"
    "سبوتنيك|وكالات|الوكالات|سبأ|واج|وات|ومع|و م ع|إرنا|العمانية|يو بي آي|أسوشيتد برس|"
    "أسوشييتد برس|فرانس برس|الفرنسية|نينا|معا|صفا|سونا|لانا|تسنيم|فارس|مهر|يونهاب|"
    "afp|reuters|ap|dpa|upi|efe|ansa|xinhua|mena|kuna|wam|spa|qna|bna|petra|sana|map|aps|"
    "anadolu|tass"
)
_AGENCIES = frozenset(letters_of(normalize(name)) for name in _AGENCY_NAMES.split("|"))


def is_agency(name: str) -> bool:
    return letters_of(normalize(name)) in _AGENCIES


# 'كل مقالات الكاتب', 'المزيد من مقالات', 'All posts by': the author box's link, not a name.
_MORE_BY = re.compile(
    r"^(?:(?:كل|جميع|المزيد من|مزيد من|باقي|أرشيف|ارشيف)\s+(?:ال)?(?:مقالات|أخبار|اخبار|مواضيع|"
    r"كتابات|منشورات|مشاركات)|(?:مقالات|كتابات|مواضيع|أخبار|المزيد|مقالات أخرى)\s+(?:ل|لل)?"
    r"(?:الكاتب|الكاتبة|كاتب|كاتبة|المؤلف|الكاتب/ة))(?:\s|$)"
    r"|\b(?:all|more|view)\s+(?:posts|articles|stories|from|by|profile)\b",
    re.I,
)
_DASH = re.compile(r"\s+[-–—]\s+|\s*[/:：]\s*")


def _without_dateline(text: str) -> str:
    """'المكلا - سالم باعباد', 'المكلا: سالم باعباد' → 'سالم باعباد': a one-word place (or the
    agency) beside the name is the dateline, not part of it."""
    parts = _DASH.split(text)
    if len(parts) != 2:
        return text
    for name, other in (parts, parts[::-1]):
        if is_agency(name) and not is_agency(other):
            return name
        if looks_like_name(name) and _NAME_WORD.match(other) and other not in _NOT_IN_NAMES:
            return name  # the place is one word of letters ('المكلا'), not a date
    return text


def clean_byline(text: str, page: Page) -> str | None:
    """The name alone: no byline label (in any Arabic-script language), no dateline beside it;
    None for the site's own name and for an 'all articles by' link."""
    text = squash(text)
    text = _BYLINE_PREFIX.sub("", text, count=1).strip(" |:-–—")
    if not text or len(text) > 80 or _MORE_BY.search(text):
        return None
    text = _without_dateline(text)
    if text in site_names(page):
        return None
    return text


_BYLINE_TAGS = (
    *("p", "span", "div", "strong", "b", "h4", "h5", "h6", "em", "a", "font", "td", "small", "li"),
)
# What follows a name on the same line: the date, a relative time, a separator.
_AFTER_SOURCE = (
    r"\s(?:نشر|نُشر|تم\s|بتاريخ|تاريخ|في\s|قبل\s|منذ\s|الساعة\s|اخر|آخر|[|•·])|\s\d"
    r"|\s(?:ال|)(?:اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|سبت|أحد|احد)(?!\w)"
)
_AFTER_NAME = re.compile(rf"{_AFTER_SOURCE}|\s[-–—](?:\s|$)")


def _byline_match(page: Page, el: HtmlElement) -> tuple[str, str] | None:
    if len(el) > 3 or any(d in page.menus for d in el.iter("ul", "ol", "nav", "div", "td")):
        return None
    line = _AFTER_NAME.split(text_of(el), maxsplit=1)[0].strip()
    if not line or len(line) > 60:
        return None
    m = BYLINE_LINE.match(line)
    if m is None:
        m = _NAMED_LINE.match(line)
        if m and not looks_like_name(squash(m.group("name")).strip(" .،")):
            m = None
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


def _source_match(el: HtmlElement) -> tuple[str, str] | None:
    if len(el) > 6:
        return None
    line = re.split(_AFTER_SOURCE, text_of(el), maxsplit=1)[0].strip()  # '(أبوظبي - البيان)'
    if not line or len(line) > 80:
        return None
    m = _SOURCE_LINE.match(line)
    return (squash(m.group("name")), line) if m and not is_hidden(el) else None


def source_line(page: Page) -> tuple[str, str] | None:
    """'المصدر : وكالات' under the body: (author, line); the innermost element that reads so
    (its parent may add the date)."""
    for el in [*select_elements(page, S.SOURCE_LINE), *page.scope.iter("span", "p", "div")]:
        found = _source_match(el)
        if found is None:
            continue
        for inner in el.iterdescendants("span", "p", "div"):
            found = _source_match(inner) or found
        return found
    return None


_BOX_TAGS = frozenset({"div", "section", "header", "footer", "figure", "span", "p", "li", "td"})
_AUTHOR_BOX = re.compile(r"author|writer|columnist|kateb|katib|kuttab|byline", re.I)
AUTHOR_PAGE = re.compile(
    r"/(?:authors?|writers?|columnists?|kuttab|katib|kateb|opinion-writers?)(?:[/?._-]|$)"
    r"|[?&](?:author|writer)(?:_?id)?=",
    re.I,
)
_NAME_TAGS = (*_BYLINE_TAGS, "h2", "h3")


def _box_name(page: Page, box: HtmlElement) -> str | None:
    """The columnist named in an author box: its heading, name element or author-page link,
    else its first name-like line; never its bio line nor its 'all articles by' link."""
    plain = None
    for el in box.iter(*_NAME_TAGS):
        text = text_of(el)
        if not text or len(text) > 50 or len(el) > 2 or _MORE_BY.search(text) or is_hidden(el):
            continue
        name = clean_byline(text, page)
        if not name or any(c.isdigit() for c in name) or is_site_account(name, page):
            continue
        named = el.tag in ("h2", "h3", "h4", "h5", "h6") or "name" in (el.get("class") or "")
        linked = el.tag == "a" and AUTHOR_PAGE.search(el.get("href") or "")
        if (named or linked) and len(name.split()) <= 5:
            return name
        if plain is None and looks_like_name(name):
            plain = name
    return plain


def _author_boxes(page: Page) -> list[HtmlElement]:
    """Author boxes in the article: an element whose class or id says author/writer/columnist,
    or the block around an 'all articles by' link; not a list of several columnists."""
    out = []
    for el in page.scope.iter(*_BOX_TAGS):
        if _AUTHOR_BOX.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            out.append(el)
    for a in page.scope.iter("a"):
        if _MORE_BY.search(text_of(a)) and len(text_of(a)) <= 40:
            box = a.getparent()
            while box is not None and text_of(box) == text_of(a):
                box = box.getparent()  # up to the block that also holds the name
            if box is not None:
                out.append(box)
    kept = []
    for box in out:
        pages = {a.get("href") for a in box.iter("a") if AUTHOR_PAGE.search(a.get("href") or "")}
        if len(pages) <= 1 and len(text_of(box)) <= 400 and not in_navigation(page, box):
            kept.append(box)
    return kept


def author_box(page: Page) -> str | None:
    """The columnist of an opinion page, as its author box names them."""
    for box in _author_boxes(page):
        name = _box_name(page, box)
        if name:
            return name
    return None


def shown_author(page: Page) -> tuple[str | None, str | None, Source | None]:
    """(author, displayed byline line to drop from the body, source): what the page shows."""
    site = site_selector(page, "author")
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
    boxed = author_box(page)
    if boxed:
        return boxed, None, Source.DISPLAYED
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
    " الكلمات كلمات الدلالية الدالة مفتاحية الوسوم وسوم تاجز"
    # a date line's words
    " نشر نشرت نُشر تاريخ بتاريخ النشر التحديث تحديث"
    # what an author box's bio line says of the writer
    " كاتب كاتبة وكاتب وكاتبة صحفي صحفية وصحفي وصحفية باحث باحثة وباحث وباحثة محلل محللة"
    " ومحلل أستاذ استاذ وأستاذ خبير خبيرة مدير مديرة رئيس مراسل مراسلة ومراسل مقيم مقيمة".split()
)
# Letters of the Arabic script, Persian, Urdu, Kurdish and Pashto ones included (no digits, marks).
_NAME_WORD = re.compile(r"^[\u0621-\u064a\u0671-\u06d3\u06d5]{2,15}$")


def looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(
        _NAME_WORD.match(w) and w not in _NOT_IN_NAMES and not w.startswith("لل") for w in words
    )


def unlabelled_name(page: Page, headline: str | None) -> str | None:
    """A bare name printed between the headline and the body ('<div>حسن الزعبي</div>'):
    a leaf line of two to four name-like words, not a menu entry nor a link elsewhere."""
    menu = menu_texts(page)
    for el in by_headline(page, before=0, after=10):
        if len(el) or el.tag not in _BYLINE_TAGS or el.tag == "a":
            continue
        text = _without_dateline(text_of(el))
        if not text or text == headline or text in menu or not looks_like_name(text):
            continue
        if not is_hidden(el) and not in_navigation(page, el) and not is_site_account(text, page):
            return text
    return None


_SET_OFF = "()/-–—:"
_SENTENCE_MARKS = re.compile(r"[،,.:؛!?«»\"]")
_DATELINE_WORDS = 14  # an agency named later than this is in the story, not its dateline
# A line ending the story that names no one: KUNA's '(النهاية)', 'يتبع', '(خاص)', '(محدث)'.
_NOT_CREDITS = frozenset(
    normalize(w) for w in "النهاية انتهى يتبع تابع خاص محدث تحديث صور فيديو end".split()
)


def _dateline_agency(paragraph: str) -> str | None:
    """The agency however a dateline sets it off: 'الرباط - 2 شتنبر 2021 (ومع) -', 'الدوحة في
    25 أكتوبر /قنا/', SPA's 'الرياض 20 ربيع الأول 1439 هـ الموافق 9 ديسمبر 2017 م واس أعلن';
    not one the story names ('قال مصدر لـ(سانا)')."""
    words = paragraph.split()[:_DATELINE_WORDS]
    for i in range(len(words)):
        for n in (1, 2, 3):
            raw = " ".join(words[i : i + n])
            name = raw.strip(_SET_OFF + " ")
            if not name or not is_agency(name):
                continue
            head = " ".join(words[:i])
            if _SENTENCE_MARKS.search(head.strip(_SET_OFF + " ")):
                return None
            if _dateline_head(head, raw[0] in _SET_OFF or bool(head and head[-1] in _SET_OFF)):
                return name
    return None


def _dateline_head(head: str, set_off: bool) -> bool:
    """What a dateline puts before the agency: a place and a date (a digit), or a place of one
    or two words when the agency is set off by brackets, slashes or dashes."""
    if _SENTENCE_MARKS.search(head.strip(_SET_OFF + " ")):
        return False
    return any(c.isdigit() for c in head) or (set_off and len(head.split()) <= 2)


def agency_line(paragraphs: list[str]) -> str | None:
    """The agency of a dateline opening the body ('حلب (واس) -', 'الكويت-سانا'), or of a tail
    ending it ('(أ ف ب)', '--(بترا)', a last line that is only an agency name)."""
    if paragraphs:
        m = next(filter(None, (_DATELINE.match(p) for p in paragraphs[:2])), None)
        name = squash(m.group("paren") or m.group("dash") or m.group("joined")) if m else ""
        head = m.string[: m.start("paren")].rstrip(" (") if m and m.group("paren") else ""
        if is_agency(name) and _dateline_head(head, set_off=True):
            return name
        name = next(filter(None, map(_dateline_agency, paragraphs[:2])), None)
        if name:
            return name
    for line in reversed(paragraphs[-2:]):
        m = _AGENCY_TAIL.search(line)
        if not m:
            continue
        name = squash(m.group("name") or m.group("dash")).strip(" .")
        whole_line = len(line) <= len(m.group(0)) + 2
        if normalize(name) in _NOT_CREDITS:
            continue
        if name and (is_agency(name) or (whole_line and len(name.split()) <= 3)):
            return name
    return None


def declared_authors(page: Page) -> tuple[str | None, Source | None]:
    """The author the page declares but does not show: JSON-LD (a list of Persons joined),
    article:author / meta author, itemprop=author. Desk accounts and the site are nobody."""
    candidates: list[tuple[list[str], Source]] = []
    ld = first(page.ld_articles, "author")
    if ld is not None:
        items = [resolve(page.jsonld, item) for item in (ld if isinstance(ld, list) else [ld])]
        names = [(name_of(item), is_organization(item)) for item in items]
        # an Organization is the publisher, unless it is the agency whose copy this is
        candidates.append(
            ([n for n, org in names if n and (not org or is_agency(n))], Source.JSONLD)
        )
    for key in ("author", "article:author", "dc.creator", "byl", "sailthru.author"):
        candidates.append((page.meta_all(key)[:1], Source.META))
    for el in page.select("[itemprop=author]"):
        if "Organization" in (el.get("itemtype") or ""):
            continue
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
    """When the page shows no byline: a bare name under the headline, then the agency of a
    dateline or a tail (a story credited to an agency only), then declared metadata, then the
    feed's author (never the site itself)."""
    bare = unlabelled_name(page, text_of(page.headline) if page.headline is not None else None)
    if bare:
        return bare, Source.POSITION
    tail = agency_line(paragraphs)
    if tail:
        return tail, Source.BYLINE
    name, source = declared_authors(page)
    if name:
        return name, source
    if hint:
        name = clean_byline(hint, page)
        if name and not is_site_account(name, page):
            return name, Source.FEED
    return None, None
