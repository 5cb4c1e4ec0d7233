"""Pieces the families of issue 16 share: JSON-LD written whole, the page frame, declared
sections, a site clock in a real IANA zone (with its DST history), and fresh text.

The families of the first round build their head from `common.head_meta`'s random plan; these
families each imitate one page type's markup, so they write their metadata themselves and
state the gold it implies.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import bank, common
from .kit import Namer, comments, e, el, related, share_bar
from .shell import document as shell_document
from .shell import head_common, sidebar, site_footer, site_header
from .story import Story

# Arab ccTLDs: (IANA zone, month-name region of bench/layoutgen/dates.py, registrable suffixes).
COUNTRIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "jo": ("Asia/Amman", "levantine", ("jo", "com.jo", "gov.jo")),
    "lb": ("Asia/Beirut", "levantine", ("com.lb", "lb")),
    "sy": ("Asia/Damascus", "levantine", ("sy", "com.sy")),
    "iq": ("Asia/Baghdad", "levantine", ("iq", "com.iq")),
    "eg": ("Africa/Cairo", "egyptian", ("com.eg", "eg", "gov.eg")),
    "sd": ("Africa/Khartoum", "egyptian", ("sd", "com.sd")),
    "ly": ("Africa/Tripoli", "egyptian", ("ly", "com.ly")),
    "sa": ("Asia/Riyadh", "egyptian", ("sa", "com.sa", "gov.sa")),
    "ae": ("Asia/Dubai", "egyptian", ("ae", "gov.ae")),
    "kw": ("Asia/Kuwait", "egyptian", ("com.kw", "kw")),
    "qa": ("Asia/Qatar", "egyptian", ("qa", "com.qa")),
    "bh": ("Asia/Bahrain", "egyptian", ("bh", "com.bh")),
    "om": ("Asia/Muscat", "egyptian", ("om", "com.om")),
    "ye": ("Asia/Aden", "egyptian", ("ye", "net.ye")),
    "ma": ("Africa/Casablanca", "moroccan", ("ma", "press.ma")),
    "dz": ("Africa/Algiers", "algerian", ("dz", "com.dz")),
    "tn": ("Africa/Tunis", "tunisian", ("tn", "com.tn")),
    "mr": ("Africa/Nouakchott", "mauritanian", ("mr", "info.mr")),
}


def strip_dateline(story: Story) -> None:
    """Undo the plan's «دمشق-سانا» lead for a family that credits the story its own way."""
    if story.dateline is not None:
        story.paragraphs[0] = story.paragraphs[0][len(story.dateline) + 1 :]
        story.dateline = None


def move_to_country(story: Story, country: str, *, host: bool) -> None:
    """The story on the country's clock; with `host`, on a domain under its ccTLD too."""
    zone, region, suffixes = COUNTRIES[country]
    to_zone(story, zone, region)
    if host:
        old = story.host
        story.host = f"www.{story.rng.choice(('al', 'el', ''))}{story.rng.choice(('khabar', 'akhbar', 'yawm', 'wasat', 'sharq', 'nabd'))}{story.rng.randint(1, 99)}.{story.rng.choice(suffixes)}"
        story.url = story.url.replace(old, story.host)


def ld(story: Story, data: dict[str, Any]) -> str:
    """A JSON-LD block; some CMSs escape every non-ASCII letter (\\u0627…), most do not."""
    text = json.dumps(data, ensure_ascii=story.rng.random() < 0.3)
    return f'<script type="application/ld+json">{text}</script>'


def publisher(story: Story) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": story.site_name,
        "logo": {"@type": "ImageObject", "url": f"https://{story.host}/logo.png"},
    }


def og(story: Story, *, description: bool = True) -> str:
    out = [
        f'<meta property="og:site_name" content="{e(story.site_name)}">',
        f'<meta property="og:title" content="{e(story.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{e(story.url)}">',
    ]
    if description:
        out.append(f'<meta property="og:description" content="{e(story.paragraphs[0][:150])}">')
    return "\n".join(out)


def frame(k: Namer, story: Story, main: str) -> str:
    """Site header, the main column beside a sidebar, footer."""
    return (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )


def document(story: Story, meta: str, page: str, *, lang: str = "ar") -> str:
    """The page: <title>, canonical and `meta` in the head; `lang` on <html> ("" for none)."""
    attrs = f' lang="{lang}" dir="rtl"' if lang else ' dir="rtl"'
    return shell_document(head_common(story, meta), page, html_attrs=attrs)


def news_page(
    k: Namer,
    story: Story,
    *,
    byline: str,
    date: str,
    body: str | None = None,
    crumb: str | None = None,
    section: str | None = None,
) -> str:
    """An in-house portal's article: crumb, section, h1, kicker, meta line, image, body,
    share bar and tags, then related stories and comments; each part given or the plan's."""
    rng = story.rng
    crumb = common.breadcrumb(k, story) if crumb is None else crumb
    if section is None:
        section = common.section_link(k, story)
    parts = [
        section,
        f"<h1{k.cls()}>{e(story.title)}</h1>",
        common.kicker(k, story, "h2"),
        el(k, "div", byline + "\n" + date + "\n" + common.modified(k, story)),
        el(
            k,
            "figure",
            f'<img src="https://{story.host}/uploads/{rng.randint(1, 9999)}.jpg" alt="">',
        ),
        el(k, "div", common.body(k, story) if body is None else body),
        share_bar(k),
    ]
    main = crumb + el(k, "article", "\n".join(parts)) + related(k, story) + comments(k, story)
    return frame(k, story, main)


def head_dates(story: Story) -> str:
    """article:published_time with the site's offset: always when the page shows no date."""
    if story.date_mode in ("declared", "relative") or story.rng.random() < 0.5:
        return f'<meta property="article:published_time" content="{story.date_machine()}">'
    return ""


def declared_section(story: Story) -> str | None:
    """What the metadata names as section, by the plan (as common.head_meta decides it)."""
    if story.section_mode in ("declared", "sub_shown"):
        return story.declared_section
    if story.shows_section and story.rng.random() < 0.3:
        return story.section
    return None


def to_zone(story: Story, zone: str, region: str) -> None:
    """Put the story on a real zone's wall clock (month names of `region`).

    A wall time a DST change repeats (the autumn hour) is moved on by two hours: a page that
    shows it names two instants, and the gold must be one.
    """
    tz = ZoneInfo(zone)
    when = story.published.astimezone(tz)
    if when.replace(fold=1 - when.fold).utcoffset() != when.utcoffset():
        when = (when + timedelta(hours=2)).astimezone(tz)
    shift = when - story.published
    day_path = f"/{story.published:%Y/%m/%d}/"  # a date in the URL follows the local day
    story.url = story.url.replace(day_path, f"/{when:%Y/%m/%d}/")
    story.published, story.now = when, (story.now + shift).astimezone(tz)
    if story.modified is not None:
        story.modified = (story.modified + shift).astimezone(tz)
    story.region = region


def sentences(rng: random.Random, section: str, count: int, seen: set[str]) -> list[str]:
    """`count` news sentences not yet used on the page (so every body line is distinct)."""
    out: list[str] = []
    for _ in range(count * 100):  # the bank holds thousands of sentences: this never runs dry
        text = bank.sentence(rng, section)
        if text not in seen:
            seen.add(text)
            out.append(text)
            if len(out) == count:
                break
    return out


def iso_local(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


# ruff: noqa: E501  (HTML templates read best one element per line)
