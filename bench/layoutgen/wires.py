"""Agency wires: a newspaper page carrying a story credited only to a news agency, and a
government news agency's own story page.

Imitates how Arab papers run wire copy (Al-Ghad, Ammon, Al-Khaleej, Hespress, El Khabar) and
how the agencies print it on their own sites (Petra, SANA, WAM, QNA, SPA, KUNA, MAP, APS, TAP,
MENA): no byline, the author element a link to the agency's author page («بترا») or
«المصدر: …», the agency's own dateline opening the first paragraph, written its way
(«عمّان 21 تموز (بترا)-», «دمشق-سانا», «أبوظبي في 21 يوليو / وام /», «الرياض 12 ربيع الأول 1445
هـ الموافق 27 سبتمبر 2023 م واس», «الكويت - 21 - 7 (كونا) --», «الرباط - 21 يوليوز 2023 (ومع) -»)
and its tail on a line of its own («--(بترا)», «(النهاية)», «/انتهى/»). The agency's own site
runs on its country's ccTLD with the time shown in local time only. Gold: author = the agency as
the page writes it (the short name), body = the paragraphs with the dateline, without the tail.
"""

from __future__ import annotations

from datetime import datetime

from . import common, dates, pagekit
from .kit import Namer, e, el, link
from .story import Story

# short name (the gold), full name, city, country, dateline form, tail line
WIRES = (
    (
        "بترا",
        "وكالة الأنباء الأردنية",
        "عمّان",
        "jo",
        "{city} {day} {month} ({short})-",
        "--({short})",
    ),
    ("سانا", "الوكالة العربية السورية للأنباء", "دمشق", "sy", "{city}-{short}", ""),
    (
        "وام",
        "وكالة أنباء الإمارات",
        "أبوظبي",
        "ae",
        "{city} في {day} {month} / {short} /",
        "/ {short} /",
    ),
    (
        "قنا",
        "وكالة الأنباء القطرية",
        "الدوحة",
        "qa",
        "{city} في {day} {month} /{short}/",
        "/{short}/",
    ),
    (
        "واس",
        "وكالة الأنباء السعودية",
        "الرياض",
        "sa",
        "{city} {hijri} هـ الموافق {day} {month} {year} م {short}",
        "",
    ),
    (
        "كونا",
        "وكالة الأنباء الكويتية",
        "الكويت",
        "kw",
        "{city} - {day} - {month_num} ({short}) --",
        "(النهاية)",
    ),
    (
        "ومع",
        "وكالة المغرب العربي للأنباء",
        "الرباط",
        "ma",
        "{city} - {day} {month} {year} ({short}) -",
        "",
    ),
    ("واج", "وكالة الأنباء الجزائرية", "الجزائر", "dz", "{city} - ", "({short})"),
    ("وات", "وكالة تونس إفريقيا للأنباء", "تونس", "tn", "{city} ({short}) -", ""),
    ("أ ش أ", "وكالة أنباء الشرق الأوسط", "القاهرة", "eg", "{city} - ({short}) -", "/انتهى/"),
)


def dateline(story: Story, wire: tuple[str, ...], when: datetime | None = None) -> str:
    """The agency's dateline for the story's day (or `when`), in its country's month names."""
    short, _, city, country, form, _ = wire
    when = when or story.published
    region = pagekit.COUNTRIES[country][1]
    hy, hm, hd = dates.hijri(when)
    return form.format(
        city=city,
        short=short,
        day=when.day,
        month=dates.MONTHS[region][when.month - 1],
        month_num=when.month,
        year=when.year,
        hijri=f"{hd} {dates.HIJRI_MONTHS[hm - 1]} {hy}",
    )


def _wire_story(story: Story, wire: tuple[str, ...]) -> None:
    """Dateline into the lead; the tail (if the agency writes one) goes on its own line."""
    pagekit.strip_dateline(story)
    line = dateline(story, wire)
    story.dateline = line
    story.paragraphs[0] = (
        f"{line} {story.paragraphs[0]}" if not line.endswith(" ") else line + story.paragraphs[0]
    )
    story.byline_mode = "agency"
    story.byline_label = ""
    story.gold_fixed["author"] = wire[0]


def tail_line(wire: tuple[str, ...]) -> str:
    return f"<p>{e(wire[5].format(short=wire[0]))}</p>" if wire[5] else ""


def body(story: Story) -> str:
    return "\n".join(f"<p>{e(p)}</p>" for p in story.paragraphs)


def agency_wire(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    wire = rng.choice(WIRES)
    pagekit.move_to_country(story, wire[3], host=False)
    if story.date_mode in ("body_end", "relative"):
        story.date_mode = "header"
    _wire_story(story, wire)
    credit = rng.random()
    if credit < 0.5:
        byline = el(
            k,
            "span",
            link(k, story, wire[0], f"/author/agency-{rng.randint(1, 50)}"),
            ' rel="author"' if rng.random() < 0.3 else "",
        )
    elif credit < 0.7:
        byline = el(k, "span", e(f"المصدر: {wire[0]}"))
    else:
        byline = ""
    date = common.date(k, story)
    page = pagekit.news_page(k, story, byline=byline, date=date, body=body(story) + tail_line(wire))
    meta = [pagekit.og(story), pagekit.head_dates(story)]
    return pagekit.document(story, "\n".join(m for m in meta if m), page), "utf-8"


def agency_site(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    wire = rng.choice(WIRES)
    pagekit.move_to_country(story, wire[3], host=True)
    story.site_name = wire[1]
    story.date_mode, story.date_with_time = "header", True
    story.zone_from_host = True
    story.kicker = None
    _wire_story(story, wire)
    shown = story.date_shown(style=rng.choice(("numeric", "name", "iso_numeric")))
    date = el(k, "span", e(rng.choice(("", "تاريخ النشر: ", "نشر بتاريخ: ")) + shown))
    page = pagekit.news_page(k, story, byline="", date=date, body=body(story) + tail_line(wire))
    meta = [pagekit.og(story)]
    if rng.random() < 0.4:  # the agency's CMS declares a wall time without an offset
        meta.append(f'<meta name="pubdate" content="{story.date_machine(offset=False)}">')
    return pagekit.document(story, "\n".join(meta), page), "utf-8"
