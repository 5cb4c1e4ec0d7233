"""Publication and modification dates, in the order of trust the issue sets.

JSON-LD datePublished/dateModified → article:* / other date metas → <time datetime> and
itemprop=datePublished → the displayed date in the post meta (Arabic month names, Eastern
digits) → a date shown by position and text (a 'نُشر في' line, the line under the headline,
the body's first/last lines, a table cell) → a CMS's HTML comment → the URL (/2020/8/24/) →
the feed/sitemap hint → htmldate, only when all of these found nothing. Never the crawl time.
Every candidate goes through `crawler.dates.rejection_reason`; thrown-away candidates are
reported. The top-bar "today" date, tickers, menus and other stories' teasers are skipped;
'آخر تحديث' is the modification date. Yoast/article:* times are UTC: `to_iso` renders them in
the site's zone. A meta time labelled UTC whose clock time equals the displayed local time is a
local time mislabelled as UTC (youm7) and the displayed one wins.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import htmldate
import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from crawler import dates as D

from . import selectors as S
from .clean import squash
from .clock import Clock, page_clock
from .jsonld import first, has_type
from .matcher import SelectorGroup
from .page import Page
from .sources import Source

logger = logging.getLogger(__name__)

PUBLISHED_METAS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "date",
    "publication_date",
    "originalpublicationdate",
)
MODIFIED_METAS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "dcterms.modified",
    "last-modified",
)
_FAR = datetime(9000, 1, 1, tzinfo=UTC)
_ISO_START = re.compile(r"^\s*(?:19|20)\d{2}-\d{2}-\d{2}")
_HAS_OFFSET = re.compile(r"(?:\d(?:Z|[+-]\d{2}:?\d{2})|\s(?:GMT|UTC|[+-]\d{4}))$", re.I)
_RDFA_CREATED = SelectorGroup(
    ("[property~='dc:date']", "[property~='dc:created']", "[property~='dcterms:created']")
)
# A finer time for a day-only date must fall on that day, wherever its zone put it.
_SAME_DAY = (timedelta(hours=-14), timedelta(hours=38))
_UTC_LABEL = re.compile(r"(?:Z|[+-]00:?00|\bGMT|\bUTC)$", re.I)
_HAS_TIME = re.compile(r"\d{1,2}\s*(?:[:：]|h(?=\d))\s*\d{2}")
_LIVE_BLOG = frozenset({"LiveBlogPosting"})
_LANG_METAS = ("og:locale", "content-language", "dc.language", "language")


@dataclass
class DateResult:
    """The dates on the page's clock (`clock.tz`); `offset_source` says where published's UTC
    offset came from: DECLARED when the value wrote it, else the clock's source."""

    published: datetime | None = None
    modified: datetime | None = None
    source: Source | None = None
    modified_source: Source | None = None
    precision: D.Precision | None = None
    rejections: list[str] = field(default_factory=list)
    clock: Clock = field(default_factory=lambda: Clock(None, Source.UNKNOWN))
    offset_source: Source | None = None


def _parse(
    page: Page, text: str | None, now: datetime | None, res: DateResult | None = None
) -> tuple[datetime, D.Precision] | None:
    """`crawler.dates.parse_date_precise` as written: a time without an offset stays a floating
    wall time until the page's clock is known (extract_dates); a rejection's reason goes to res."""
    if not text or not squash(text):
        return None
    found = D.parse_date_precise(squash(text), locale=page.rules.locale, tz=None, now=now)
    if found is None and res is not None:
        reason = _why_rejected(page, squash(text), now)
        if reason:
            res.rejections.append(reason)
    return found


def _find(page: Page, text: str, now: datetime | None) -> tuple[datetime, D.Precision] | None:
    return D.find_date_precise(text, locale=page.rules.locale, tz=None, now=now)


def _why_rejected(page: Page, text: str, now: datetime | None) -> str | None:
    """parse_date drops untrustworthy dates silently; re-read the candidate to say why."""
    probe = D.parse_date(text, locale=page.rules.locale, tz=None, now=_FAR)
    if probe is None:
        try:
            probe = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return D.rejection_reason(probe, now=now)


def _in_topbar(page: Page, el: HtmlElement) -> bool:
    """The site's "today" date, not the story's: under a top-bar class, or in the page chrome
    above the story whatever its classes (see `_in_chrome`)."""
    node = el
    while node is not None:
        classes = (node.get("class") or "").split()
        if any(sel.lstrip(".") in classes for sel in S.TOPBAR_DATE):
            return True
        if node.tag in ("header",) and node.get("id") == "theme-header":
            return True
        node = node.getparent()
    return _in_chrome(page, el)


def _in_chrome(page: Page, el: HtmlElement) -> bool:
    """Above the story in the site's own header: inside a <header>/role=banner that holds a
    menu or the link home but not the headline, outside any <article>, or before a menu that
    comes before the headline. That is where sites print today's date (with its Hijri twin);
    a story's own date is under or beside its headline."""
    above, cut = _chrome_marks(page)
    if el in above:
        return False
    for node in (el, *el.iterancestors()):
        if node in above or node.tag in ("article", "main"):
            break  # the headline's own header, or the story's region
        if node.tag == "header" or (node.get("role") or "").lower() == "banner":
            return _site_header(page, node)
    return page.order.get(el, cut) < cut


def _site_header(page: Page, header: HtmlElement) -> bool:
    """The site's masthead, not a story's header: it holds a menu or a link to the home page."""
    if any(menu is header or header in menu.iterancestors() for menu in page.menus):
        return True
    home = urlsplit(page.url)._replace(path="/", query="", fragment="").geturl()
    return any(
        (page.absolute(a.get("href")) or "").split("?")[0].rstrip("/") == home.rstrip("/")
        for a in header.iter("a")
    )


def _chrome_marks(page: Page) -> tuple[set[HtmlElement], int]:
    """(the headline and its ancestors, the document position of the last menu before it)."""
    if "chrome" not in page.memo:
        headline, order = page.headline, page.order
        above = {headline, *headline.iterancestors()} if headline is not None else set()
        at = order.get(headline, -1) if headline is not None else -1
        cut = max((order.get(m, -1) for m in page.menus if order.get(m, -1) < at), default=-1)
        page.memo["chrome"] = (above, cut)
    return page.memo["chrome"]


def _drop_chrome(page: Page, root: HtmlElement, copied: HtmlElement) -> None:
    """Remove from `copied` (a deep copy of `root`) what `_in_chrome` calls the site header."""
    doomed = [
        twin
        for el, twin in zip(root.iter(), copied.iter(), strict=True)
        if isinstance(el.tag, str)
        and _in_chrome(page, el)
        and (el is root or not _in_chrome(page, el.getparent()))
    ]
    for twin in doomed:
        if twin.getparent() is not None:
            twin.drop_tree()


Shown = tuple[datetime, D.Precision, str]


def _displayed(page: Page, now: datetime | None, *, tree_wide: bool = True) -> list[Shown]:
    """Dates shown in the post meta, with the text they came from (top bar excluded)."""
    out = []
    site = page.rules.selectors.get("date")
    selectors = ((site,) if site else ()) + S.DATE_DISPLAY
    seen: set[int] = set()
    roots = [page.scope] + ([page.tree] if tree_wide and page.scope is not page.tree else [])
    for root, selector in ((r, sel) for r in roots for sel in selectors):
        for el in page.select(selector, root):
            if id(el) in seen or _in_topbar(page, el) or _in_card(page, el):
                continue
            seen.add(id(el))
            text = _spaced_text(el)
            if not text or len(text) > 120 or _is_update(text) or _RELATIVE.search(text):
                continue
            found = _find(page, text, now)
            if found is not None:
                out.append((*found, text))
        if out:
            break
    return out


# --- position and text: a date shown where no selector knows it ------------------------------
# Matched on normalize_date_text output (harakat gone, alef forms unified).
_PUBLISHED_LABEL = re.compile(r"نشر|تاريخ النشر|تاريخ الخبر|بتاريخ|published|posted|publie", re.I)
_UPDATE_LABEL = re.compile(
    r"اخر تحديث|تم تحديث|تحديث|حدث في|محدث|updated|last modified|modified|mis a jour", re.I
)
_RELATIVE = re.compile(r"منذ\s|قبل\s+\d|\bago\b", re.I)
MAX_LINE = 150  # a date line is short; longer text is prose that may merely mention a date
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option"})
_NOT_THE_STORY = frozenset({"marquee", "nav", "aside", "menu", "amp-sidebar"})


def _spaced_text(el: HtmlElement) -> str:
    """The element's text with its pieces apart: CSS, not spaces, separates two spans on the
    screen, and «آخر تحديث 11 ديسمبر 2023» glued to «10 ديسمبر 2023» is '202310'."""
    return squash(" ".join(el.itertext()))


def _is_update(text: str) -> bool:
    return bool(_UPDATE_LABEL.search(D.normalize_date_text(text)))


def _split_update(text: str, locale: str = "ar") -> tuple[str, str]:
    """('نشر في X', 'آخر تحديث Y') from one line carrying both, in either order: the update
    part runs from its label to a publication label or, without one, to the end of its own
    date ('آخر تحديث 11 ديسمبر 2023 10 ديسمبر 2023': the second date is the publication)."""
    norm = D.normalize_date_text(text)
    m = _UPDATE_LABEL.search(norm)
    if m is None:
        return norm, ""
    before, rest = norm[: m.start()], norm[m.start() :]
    published = _PUBLISHED_LABEL.search(rest, len(m[0]))
    end = published.start() if published else D.date_end(rest, locale=locale)
    if end is None:
        return before, rest
    return f"{before} {rest[end:]}".strip(), rest[:end]


def _lines(page: Page, root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Short text lines in document order: a small element whole, else the text pieces of a
    big one (old table layouts put the date between <br>s of a cell). Teasers, tickers and
    menus are left out, with everything inside them."""
    out: list[tuple[HtmlElement, str]] = []

    def walk(el: HtmlElement) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or _teaser_node(page, el):
            return
        text = _spaced_text(el)
        if not text:
            return
        if len(text) <= MAX_LINE and not any(_teaser_node(page, d) for d in el.iterdescendants()):
            out.append((el, text))
            return
        if el.text and squash(el.text):
            out.append((el, squash(el.text)))
        for child in el:
            walk(child)
            if child.tail and squash(child.tail):
                out.append((el, squash(child.tail)))

    walk(root)
    return out


_ARCHIVE_PATH = re.compile(r"^/?(?:[\w-]+/)?\d{4}/\d{1,2}(?:/\d{1,2})?/?$|/date/")


def _links_elsewhere(page: Page, a: HtmlElement) -> bool:
    """An <a> to another story; the permalink itself, '#' and date archives are not."""
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:")):
        return False
    target = urlsplit(page.absolute(href) or "")
    here = urlsplit(page.url)
    if (target.netloc, target.path.rstrip("/")) == (here.netloc, here.path.rstrip("/")):
        return False
    return not _ARCHIVE_PATH.search(target.path)


def _teaser_node(page: Page, el: HtmlElement) -> bool:
    """This very element is a link to another story, a ticker, a menu or navigation."""
    if el.tag == "a":
        return _links_elsewhere(page, el)
    return el.tag in _NOT_THE_STORY or el in page.menus


def _teaser(page: Page, el: HtmlElement) -> bool:
    """A line belonging to another story (a linked teaser, a menu, a ticker) or hidden."""
    from .elements import in_navigation, is_hidden

    for node in (el, *el.iterancestors("a")):
        if node.tag == "a" and _links_elsewhere(page, node):
            return True
    return _in_card(page, el) or in_navigation(page, el) or is_hidden(el)


CARD_DEPTH = 5  # a related/most-read card is a few levels deep: li > time, div > h4 > a + span
HEADLINE_WORDS = 4  # a link this long is another story's headline, not an author or a section


def _in_card(page: Page, el: HtmlElement) -> bool:
    """In another story's card: the date's enclosing block, below the story's own region,
    links to another story by its headline (related stories, most read, a 'read also' box;
    their <time> sits beside the link, not in it)."""
    above, _ = _chrome_marks(page)
    if "story_blocks" not in page.memo:
        body = page.container
        page.memo["story_blocks"] = {body, *body.iterancestors()} if body is not None else set()
    story = page.memo["story_blocks"]  # the body and what holds it: the story's own region
    for depth, node in enumerate(el.iterancestors()):
        if depth >= CARD_DEPTH or node in above or node in story or node.tag in ("body", "html"):
            return False
        for a in node.iter("a"):
            if len(a.text_content().split()) >= HEADLINE_WORDS and _links_elsewhere(page, a):
                return True
    return False


def _positioned(page: Page, now: datetime | None) -> tuple[list[Shown], list[Shown]]:
    """(published, modified) dates shown by the headline or at the body's edges.

    Class names are not used: a labelled line ('نُشر في', 'تم نشره', 'تاريخ النشر') anywhere
    in the article region, then the nearest dated line around the headline (up to the body,
    never after its end: comments), then the first and last lines of the body. Teasers
    (another story's card too), menus and tickers are skipped and
    'آخر تحديث' lines go to modified; relative times ('منذ 3 ساعات') are never dates.
    """
    published: list[tuple[int, Shown]] = []
    modified: list[Shown] = []
    anchor = page.headline
    order = page.order
    container = page.container
    region = page.scope
    if anchor is not None and region is page.tree:
        region = _header_region(anchor)
    lines = _lines(page, region)
    if container is not None and region is not page.tree and container not in region.iter():
        lines += _lines(page, container)
    at = order.get(anchor, -1) if anchor is not None else -1
    body_start = order.get(container, -1) if container is not None else -1
    # where the body ends: comments and the widgets after it carry other dates
    body_end = body_start + sum(1 for _ in container.iterdescendants()) if body_start >= 0 else -1
    edge = _body_edges(container)
    for el, text in lines:
        if _RELATIVE.search(text):
            text = _tooltip_date(el)  # 'منذ يوم' with the real date in its title attribute
        if not any(c.isdigit() for c in text) or _in_topbar(page, el):
            continue
        if _teaser(page, el):
            continue
        before, after = _split_update(text, page.rules.locale)
        if after:
            found = _find(page, after, now)
            if found:
                modified.append((*found, text))
        if not before.strip():
            continue
        found = _find(page, before, now)
        if found is None:
            continue
        pos = order.get(el, 0)
        if _PUBLISHED_LABEL.search(before):
            rank = 0
        elif (
            at >= 0
            and at < pos
            and (body_start < 0 or pos <= body_start or (pos - at <= 40 and pos <= body_end))
        ):
            rank = 1 + (pos - at)
        elif at >= 0 and 0 < at - pos <= 12:
            rank = 100 + (at - pos)
        elif el in edge:
            rank = 1000
        else:
            continue
        published.append((rank, (*found, text)))
    published.sort(key=lambda x: x[0])
    return [p for _, p in published], modified


def _tooltip_date(el: HtmlElement) -> str:
    """The date a relative time carries in a title/data attribute, or ''."""
    for node in el.iter():
        for attr in ("title", "data-date", "data-time", "data-original-title"):
            value = squash(node.get(attr))
            if value and any(c.isdigit() for c in value) and not _RELATIVE.search(value):
                return value
    return ""


def _header_region(anchor: HtmlElement) -> HtmlElement:
    """No article container holds the headline: its nearest ancestor with some text around it."""
    node = anchor
    for _ in range(3):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return node


def _body_edges(container: HtmlElement | None) -> set[HtmlElement]:
    """Elements of the body's first two and last two blocks (dateline, 'نشر في' footer)."""
    if container is None:
        return set()
    blocks = [c for c in container if isinstance(c.tag, str) and squash(c.text_content())]
    out: set[HtmlElement] = set()
    for block in blocks[:2] + blocks[-2:]:
        out.update(block.iter())
    return out


_COMMENT_LABEL = re.compile(r"publish|created|post(?:ed)?\s*date|pubdate|date\s*:|نشر|تاريخ", re.I)
_COMMENT_NOISE = re.compile(r"cache|served|generated|minif|optimi[sz]ed|page\s*load|query", re.I)


def _commented(page: Page, now: datetime | None) -> tuple[datetime, D.Precision] | None:
    """A publication date a CMS left in an HTML comment ('<!-- publish date: … -->'); cache
    and page-generation stamps (the crawl time) are not."""
    for comment in page.tree.iter(etree.Comment):
        text = squash(comment.text)
        if not text or len(text) > 300 or _COMMENT_NOISE.search(text):
            continue
        if _COMMENT_LABEL.search(text):
            found = _find(page, text, now)
            if found:
                return found
    return None


def _htmldate(page: Page, res: DateResult, now: datetime | None) -> datetime | None:
    """htmldate's original-date guess, one more candidate when nothing else was found: it reads
    layouts nobody described, but falls back to Jan 1 / today, which the rejection rules and a
    same-day check throw away."""
    scope = copy.deepcopy(page.scope)
    _drop_chrome(page, page.scope, scope)  # nor the site's "today" date
    region = scope
    if page.scope is not page.tree:  # never a sidebar's date
        region = lxml.html.fromstring("<html><body></body></html>")
        region.find("body").append(scope)
    for el in list(region.iter("a", "marquee", "nav", "aside", "footer", "menu")):
        if el.getparent() is not None and (el.tag != "a" or _links_elsewhere(page, el)):
            el.drop_tree()  # teasers, tickers and menus carry other stories' dates
    try:
        raw = htmldate.find_date(
            region,
            url=page.url,
            original_date=True,
            extensive_search=True,
            outputformat="%Y-%m-%d",
        )
    except Exception:  # htmldate must never cost the article
        logger.debug("htmldate failed on %s", page.url, exc_info=True)
        return None
    found = _parse(page, raw, now, res)
    if found is None:
        return None
    today = (now or datetime.now(UTC)).astimezone(found[0].tzinfo).date()
    if found[0].date() == today:
        res.rejections.append("now")
        return None
    return found[0]


def _machine(page: Page, keys: tuple[str, ...], ld_key: str) -> list[tuple[Source, str]]:
    """(source, raw value) machine-readable candidates: JSON-LD, metas, <time>, itemprop."""
    out: list[tuple[Source, str]] = []
    value = first(page.ld_articles, ld_key) or first(page.jsonld, ld_key)
    if isinstance(value, str):
        out.append((Source.JSONLD, value))
    for key in keys:
        for v in page.meta_all(key):
            out.append((Source.META, v))
    prop = ld_key
    for el in page.select(f"[itemprop='{prop}']"):
        v = (
            el.get("datetime")
            or el.get("content")
            or (el.text_content() if el.tag not in ("meta", "link") else None)
        )
        if v:
            out.append((Source.TIME if el.tag == "time" else Source.META, v))
    if ld_key == "datePublished":
        for el in page.tree.iter("time"):
            if el.get("datetime") and not _in_topbar(page, el) and not _teaser(page, el):
                out.append((Source.TIME, el.get("datetime")))
        # hAtom/Blogger: <abbr class="published" title="2018-02-02T15:00:00Z">06:00 م</abbr>
        for el in page.tree.iter("abbr"):
            title = el.get("title") or ""
            if _ISO_START.match(title) and not _in_topbar(page, el) and not _teaser(page, el):
                out.append((Source.TIME, title))
        for el in page.select_group(_RDFA_CREATED):
            if el.get("content"):
                out.append((Source.META, el.get("content")))
    # A value with its UTC offset is an instant; one without is a wall time in an unknown zone.
    return sorted(out, key=lambda c: not _HAS_OFFSET.search(c[1].strip()))


def _accept(dt: datetime | None, res: DateResult, now: datetime | None) -> bool:
    if dt is None:
        return False
    reason = D.rejection_reason(dt, now=now)
    if reason:
        res.rejections.append(reason)
        return False
    return True


def _mislabelled_utc(raw: str, dt: datetime, shown: list[Shown], tz: str | None) -> Shown | None:
    """The displayed local time when `raw` is that same clock time labelled as UTC (youm7).
    On a clock that is not at UTC then, the label is wrong; with no clock known, a local time
    equal to its own UTC label is no instant either (Arab sites do not show UTC unlabelled),
    so the displayed time is taken and stays floating. On a clock at UTC the label is right."""
    if not _UTC_LABEL.search(raw.strip()):
        return None
    utc_wall = dt.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
    for wall, precision, text in shown:
        if not _HAS_TIME.search(text) or not D.is_floating(wall):
            continue
        if tz is not None and D.localise(wall, tz).utcoffset() == timedelta(0):
            continue
        if wall.replace(tzinfo=None, second=0, microsecond=0) == utc_wall:
            return wall, precision, text
    return None


def _live_blog_start(page: Page, now: datetime | None) -> list[tuple[Source, str]]:
    """A live blog is published when its coverage starts, not at its latest update: JSON-LD
    coverageStartTime, else the earliest of its datePublished and its updates' (CMSs set
    datePublished to the latest update as often as to the first)."""
    for obj in page.ld_articles:
        if not has_type([obj], _LIVE_BLOG):
            continue
        start = obj.get("coverageStartTime")
        if isinstance(start, str) and start.strip():
            return [(Source.JSONLD, start)]
        updates = obj.get("liveBlogUpdate")
        updates = updates if isinstance(updates, list) else [updates]
        stamps = [obj.get("datePublished")]
        stamps += [u.get("datePublished") for u in updates if isinstance(u, dict)]
        dated = [
            (found[0], raw)
            for raw in stamps
            if isinstance(raw, str) and (found := _parse(page, raw, now)) is not None
        ]
        if dated:
            return [(Source.JSONLD, min(dated, key=lambda d: d[0])[1])]
    return []


def _url_date(page: Page, now: datetime | None) -> datetime | None:
    m = D.URL_DATE.search(page.url)
    if not m:
        return None
    return D.parse_date(
        f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}",
        locale=page.rules.locale,
        tz=None,
        now=now,
    )


def extract_dates(
    page: Page, hints: dict[str, str] | None = None, now: datetime | None = None
) -> DateResult:
    """The cascade: machine-readable, displayed by selector, displayed by position and text,
    CMS comments, URL, feed/sitemap, then htmldate; modified from metas, then 'آخر تحديث'."""
    res = DateResult()
    site_date = Source.SITE_RULE if page.rules.selectors.get("date") else Source.DISPLAYED
    published_raw = _machine(page, PUBLISHED_METAS, "datePublished")
    modified_raw = _machine(page, MODIFIED_METAS, "dateModified")
    hinted = [
        (source, hints[key])
        for key, source in (("feed_published", Source.FEED), ("sitemap_lastmod", Source.SITEMAP))
        if hints and hints.get(key)
    ]
    res.clock = page_clock(
        [*published_raw, *modified_raw, *hinted],
        page.url,
        lang=(page.tree.get("lang"), *(page.meta(key) for key in _LANG_METAS)),
        configured=page.rules.timezone,
    )
    tz = res.clock.tz

    def take(dt: datetime, precision: D.Precision, source: Source) -> None:
        res.published, res.precision, res.source = dt, precision, source

    shown: list[Shown] | None = None
    machine: list[tuple[datetime, D.Precision, Source]] = []
    for source, raw in [*_live_blog_start(page, now), *published_raw]:
        found = _parse(page, raw, now, res)
        if not (found and _accept(found[0], res, now)):
            continue
        machine.append((*found, source))
        if res.published is not None:
            continue
        shown = _displayed(page, now)
        local = _mislabelled_utc(raw, found[0], shown, tz)
        if local:
            take(local[0], local[1], site_date)
        else:
            take(*found, source)
    scoped = _displayed(page, now, tree_wide=False) if shown is None else shown
    positioned: tuple[list[Shown], list[Shown]] | None = None
    if res.published is None:
        for dt, precision, _text in scoped:
            if _accept(dt, res, now):
                take(dt, precision, site_date)
                break
    if res.published is None:
        positioned = _positioned(page, now)
        for dt, precision, _text in positioned[0]:
            if _accept(dt, res, now):
                take(dt, precision, Source.POSITION)
                break
    if res.published is None and page.scope is not page.tree:
        for dt, precision, _text in _displayed(page, now):
            if _accept(dt, res, now):
                take(dt, precision, site_date)
                break
    if res.published is None:
        found = _commented(page, now)
        if found and _accept(found[0], res, now):
            take(*found, Source.COMMENT)
    if res.published is None:
        dt = _url_date(page, now)
        if dt and _accept(dt, res, now):
            take(dt, "day", Source.URL)
    if res.published is None and hints:
        for key, source in (("feed_published", Source.FEED), ("sitemap_lastmod", Source.SITEMAP)):
            found = _parse(page, hints.get(key), now, res)
            if found and _accept(found[0], res, now):
                take(*found, source)
                break
    if res.published is None:
        dt = _htmldate(page, res, now)
        if dt and _accept(dt, res, now):
            take(dt, "day", Source.HTMLDATE)
    if res.published is not None and res.precision == "day":
        if positioned is None:
            positioned = _positioned(page, now)
        finer = [
            *machine,
            *((dt, p, site_date) for dt, p, _ in (shown or scoped)),
            *((dt, p, Source.POSITION) for dt, p, _ in positioned[0]),
        ]
        for dt, precision, source in finer:
            gap = dt - res.published
            if precision != "day" and _SAME_DAY[0] <= gap <= _SAME_DAY[1]:
                take(dt, precision, source)  # the same day, shown to the minute elsewhere
                break
    for source, raw in modified_raw:
        found = _parse(page, raw, now, res)
        if found and _accept(found[0], res, now):
            res.modified, res.modified_source = found[0], source
            break
    if res.modified is None:
        if positioned is None:
            positioned = _positioned(page, now)
        for dt, _precision, _text in positioned[1]:
            if _accept(dt, res, now):
                res.modified, res.modified_source = dt, Source.POSITION
                break
    if res.published is not None:
        declared = not D.is_floating(res.published)
        res.offset_source = Source.DECLARED if declared else res.clock.source
        res.published = D.localise(res.published, tz)
    if res.modified is not None:
        res.modified = D.localise(res.modified, tz)
    return res
