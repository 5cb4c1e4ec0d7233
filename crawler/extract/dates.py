"""Publication and modification dates, in the order of trust the issue sets.

JSON-LD datePublished/dateModified → article:* / other date metas → <time datetime> and
itemprop=datePublished → the displayed date in the post meta (Arabic month names, Eastern
digits) → the URL (/2020/8/24/) → the feed/sitemap hint. Never the crawl time. Every candidate
goes through `crawler.dates.rejection_reason`; thrown-away candidates are reported.
The top-bar "today" date is skipped. Yoast/article:* times are UTC: `to_iso` renders them in
the site's zone. A meta time labelled UTC whose clock time equals the displayed local time is a
local time mislabelled as UTC (youm7) and the displayed one wins.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lxml.html import HtmlElement

from crawler import dates as D

from . import selectors as S
from .clean import squash
from .jsonld import first
from .page import Page

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
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[-_])")
_FAR = datetime(9000, 1, 1, tzinfo=UTC)
_UTC_LABEL = re.compile(r"(?:Z|[+-]00:?00|\bGMT|\bUTC)$", re.I)
_HAS_TIME = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}")


@dataclass
class DateResult:
    published: datetime | None = None
    modified: datetime | None = None
    source: str | None = None
    rejections: list[str] = field(default_factory=list)


def _parse(
    page: Page, text: str | None, now: datetime | None, res: DateResult | None = None
) -> datetime | None:
    """`crawler.dates.parse_date` in the site zone; a rejected candidate's reason goes to res."""
    if not text or not squash(text):
        return None
    rules = page.rules
    dt = D.parse_date(squash(text), locale=rules.locale, tz=rules.timezone, now=now)
    if dt is None and res is not None:
        reason = _why_rejected(page, squash(text), now)
        if reason:
            res.rejections.append(reason)
    return dt


def _why_rejected(page: Page, text: str, now: datetime | None) -> str | None:
    """parse_date drops untrustworthy dates silently; re-read the candidate to say why."""
    probe = D.parse_date(text, locale=page.rules.locale, tz=page.rules.timezone, now=_FAR)
    if probe is None:
        try:
            probe = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return D.rejection_reason(probe, now=now)


def _in_topbar(el: HtmlElement) -> bool:
    node = el
    while node is not None:
        classes = (node.get("class") or "").split()
        if any(sel.lstrip(".") in classes for sel in S.TOPBAR_DATE):
            return True
        if node.tag in ("header",) and node.get("id") == "theme-header":
            return True
        node = node.getparent()
    return False


def _displayed(page: Page, now: datetime | None) -> list[tuple[datetime, str]]:
    """Dates shown in the post meta, with the text they came from (top bar excluded)."""
    out = []
    site = page.rules.selectors.get("date")
    selectors = ((site,) if site else ()) + S.DATE_DISPLAY
    seen: set[int] = set()
    roots = (page.scope, page.tree) if page.scope is not page.tree else (page.tree,)
    for root, selector in ((r, sel) for r in roots for sel in selectors):
        for el in S.css(selector)(root):
            if id(el) in seen or _in_topbar(el):
                continue
            seen.add(id(el))
            text = squash(el.text_content())
            if not text or len(text) > 120:
                continue
            dt = D.find_date(text, locale=page.rules.locale, tz=page.rules.timezone, now=now)
            if dt is not None:
                out.append((dt, text))
        if out:
            break
    return out


def _machine(page: Page, keys: tuple[str, ...], ld_key: str) -> list[tuple[str, str]]:
    """(source, raw value) machine-readable candidates: JSON-LD, metas, <time>, itemprop."""
    out: list[tuple[str, str]] = []
    value = first(page.ld_articles, ld_key) or first(page.jsonld, ld_key)
    if isinstance(value, str):
        out.append(("json-ld", value))
    for key in keys:
        for v in page.meta_all(key):
            out.append(("meta", v))
    prop = ld_key
    for el in page.tree.xpath(f"//*[@itemprop='{prop}']"):
        v = (
            el.get("datetime")
            or el.get("content")
            or (el.text_content() if el.tag not in ("meta", "link") else None)
        )
        if v:
            out.append(("time" if el.tag == "time" else "meta", v))
    if ld_key == "datePublished":
        for el in page.tree.iter("time"):
            if el.get("datetime") and not _in_topbar(el):
                out.append(("time", el.get("datetime")))
        for el in page.tree.xpath("//*[@property='dc:date' or @property='dcterms:created']"):
            if el.get("content"):
                out.append(("meta", el.get("content")))
    return out


def _accept(dt: datetime | None, res: DateResult, now: datetime | None) -> bool:
    if dt is None:
        return False
    reason = D.rejection_reason(dt, now=now)
    if reason:
        res.rejections.append(reason)
        return False
    return True


def _mislabelled_utc(raw: str, dt: datetime, shown: list[tuple[datetime, str]]) -> datetime | None:
    """The displayed local time when `raw` is that same clock time labelled as UTC."""
    if not _UTC_LABEL.search(raw.strip()):
        return None
    utc_wall = dt.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
    for local, text in shown:
        if not _HAS_TIME.search(text) or local.utcoffset() == timedelta(0):
            continue
        if local.replace(tzinfo=None, second=0, microsecond=0) == utc_wall:
            return local
    return None


def extract_dates(
    page: Page, hints: dict[str, str] | None = None, now: datetime | None = None
) -> DateResult:
    res = DateResult()
    shown: list[tuple[datetime, str]] | None = None
    for source, raw in _machine(page, PUBLISHED_METAS, "datePublished"):
        dt = _parse(page, raw, now, res)
        if _accept(dt, res, now):
            assert dt is not None
            shown = _displayed(page, now)
            local = _mislabelled_utc(raw, dt, shown)
            res.published, res.source = (local, "text") if local else (dt, source)
            break
    if res.published is None:
        for dt, _text in shown if shown is not None else _displayed(page, now):
            if _accept(dt, res, now):
                res.published, res.source = dt, "text"
                break
    if res.published is None:
        m = _URL_DATE.search(page.url)
        if m:
            try:
                dt = D.parse_date(
                    f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}",
                    locale=page.rules.locale,
                    tz=page.rules.timezone,
                    now=now,
                )
            except ValueError:
                dt = None
            if _accept(dt, res, now):
                res.published, res.source = dt, "url"
    if res.published is None and hints:
        for key in ("feed_published", "sitemap_lastmod"):
            dt = _parse(page, hints.get(key), now, res)
            if _accept(dt, res, now):
                res.published, res.source = dt, "feed" if key == "feed_published" else "sitemap"
                break
    for _source, raw in _machine(page, MODIFIED_METAS, "dateModified"):
        dt = _parse(page, raw, now, res)
        if _accept(dt, res, now):
            res.modified = dt
            break
    return res
