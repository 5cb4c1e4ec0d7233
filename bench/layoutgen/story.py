"""One generated article: its content, how the page shows each field, and the gold that follows.

The plan decides, per page, where the byline, date, section and kicker are shown (or only
declared in metadata, or absent); the gold is derived from the plan by the rules the project
uses for real pages: displayed beats declared, declared beats nothing, a site or desk name is
not an author, an agency tail is the author when no person is named, the section shown (a
sub-section) beats a parent named in metadata, and a date is as precise as the page says.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from . import bank, dates

REGIONS = ("levantine", "egyptian", "moroccan", "algerian", "gulf")

BYLINE_MODES = (
    "header",
    "header",
    "body_first",
    "split",
    "agency_tail",
    "dateline",
    "declared",
    "desk",
    "none",
)
BYLINE_LABELS = ("بقلم : ", "بقلم: ", "كتب ", "كتب: ", "بواسطة ", "", "إعداد: ")
SECTION_MODES = ("above_title", "breadcrumb", "meta_line", "declared", "sub_shown", "none")
DATE_MODES = ("header", "header", "time_el", "under_title", "body_end", "declared", "relative")


@dataclass
class Story:
    rng: random.Random
    family: str
    host: str
    site_name: str
    region: str
    url: str
    title: str
    section: str
    paragraphs: list[str]
    person: str
    published: datetime
    now: datetime
    modified: datetime | None
    kicker: str | None
    agency: tuple[str, str]
    byline_mode: str
    byline_label: str
    section_mode: str
    date_mode: str
    date_with_time: bool
    dateline: str | None = None
    # Filled by the family while rendering: every published-date form written into the page.
    published_forms: list[str] = field(default_factory=list)
    has_offset: bool = False
    shows_time: bool = False
    # Set by the families of issue 16 (ROUND2 in __init__.py): the page's language, a site
    # zone a reader knows from the host alone (its ccTLD), and gold a page type states by its
    # own rule (a live blog's body is every update, an opinion column's author the columnist).
    language: str = "ar"
    zone_from_host: bool = False
    gold_fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def declared_section(self) -> str:
        return bank.SECTIONS[self.section] if self.section_mode == "sub_shown" else self.section

    @property
    def shows_section(self) -> bool:
        return self.section_mode in ("above_title", "breadcrumb", "meta_line", "sub_shown")

    @property
    def shows_byline(self) -> bool:
        return self.byline_mode in ("header", "body_first", "split")

    def replace_dateline(self, dateline: str) -> None:
        """A family's own dateline style (e.g. with the day: "عمان 20 حزيران (بترا) -")."""
        assert self.dateline is not None
        lead = self.paragraphs[0][len(self.dateline) + 1 :]
        self.dateline, self.paragraphs[0] = dateline, f"{dateline} {lead}"

    def move_to(self, region: str) -> None:
        """A regional portal: same instants, on that region's wall clock and month names."""
        tz = timezone(timedelta(hours=dates.OFFSETS[region]))
        self.region = region
        self.published, self.now = self.published.astimezone(tz), self.now.astimezone(tz)
        if self.modified is not None:
            self.modified = self.modified.astimezone(tz)

    # What the families write -------------------------------------------------------------
    def byline_text(self) -> str:
        return f"{self.byline_label}{self.person}"

    def date_shown(self, with_time: bool | None = None, style: str | None = None) -> str:
        """Render the publication date for display and record that the page shows it."""
        timed = self.date_with_time if with_time is None else with_time
        text = dates.shown_date(self.rng, self.published, self.region, timed, style)
        self.published_forms.append(text)
        self.shows_time = self.shows_time or timed
        return text

    def date_machine(self, *, offset: bool = True, utc_ok: bool = True) -> str:
        """A machine-readable publication date (ISO), recorded as page evidence."""
        if offset:
            text = dates.iso(self.published, self.rng, utc_ok)
            self.has_offset = True
        elif self.rng.random() < 0.5:
            text = f"{self.published:%Y-%m-%d}"
        else:
            text = f"{self.published:%Y-%m-%dT%H:%M:%S}"
            self.shows_time = True
        self.published_forms.append(text)
        return text

    def modified_line(self) -> str:
        assert self.modified is not None
        label = self.rng.choice(("آخر تحديث: ", "آخر تحديث ", "تم التحديث: ", "تحديث: "))
        return label + dates.shown_date(self.rng, self.modified, self.region, True)

    def published_label(self) -> str:
        return self.rng.choice(dates.PUBLISHED_PREFIXES)

    # Gold ---------------------------------------------------------------------------------
    def gold(self) -> dict[str, Any]:
        if self.shows_byline or self.byline_mode == "declared":
            author: str | None = self.person
        elif self.byline_mode in ("agency_tail", "dateline"):
            author = self.agency[1]
        else:
            author = None
        if self.shows_section or self.section_mode == "declared":
            section: str | None = self.section
        else:
            section = None
        precision = "instant" if self.has_offset else "minute" if self.shows_time else "day"
        if precision == "minute" and self.zone_from_host:
            precision = "local"  # a wall time in the zone of the site's country: an instant
        gold = {
            "title": self.title,
            "author": author,
            "section": section,
            "kicker": self.kicker,
            "published_at": self.published.isoformat(),
            "published_precision": precision,
            "published_forms": list(self.published_forms),
            "modified_at": self.modified.isoformat() if self.modified else None,
            "body": list(self.paragraphs),
            "language": self.language,
            # Where the page shows (or only declares) each field: for failure analysis.
            "placement": {
                "published": self.date_mode,
                "author": self.byline_mode,
                "author_label": self.byline_label,
                "section": self.section_mode,
            },
        }
        gold.update(self.gold_fixed)
        return gold


def new_story(rng: random.Random, family: str, index: int) -> Story:
    region = rng.choice(REGIONS)
    section = rng.choice(list(bank.SECTIONS))
    section_mode = rng.choice(SECTION_MODES)
    if section_mode == "sub_shown":
        section = rng.choice([s for s, parent in bank.SECTIONS.items() if s != parent])
    host = f"www.site{rng.randint(100, 999)}.example"
    published = dates.random_instant(rng, region)
    now = published + timedelta(minutes=rng.randint(30, 60 * 24 * 3))
    modified = published + timedelta(minutes=rng.randint(20, 600)) if rng.random() < 0.3 else None
    slug = rng.choice(("news", "article", "archives", "ar/news", "details", "story"))
    url = f"https://{host}/{slug}/{rng.randint(10000, 999999)}"
    if rng.random() < 0.3:
        url = f"https://{host}/{published:%Y/%m/%d}/{rng.randint(10000, 999999)}.html"
    date_mode = rng.choice(DATE_MODES)
    story = Story(
        rng=rng,
        family=family,
        host=host,
        site_name=rng.choice(bank.SITE_WORDS),
        region=region,
        url=url,
        title=bank.title(rng, section),
        section=section,
        paragraphs=bank.paragraphs(rng, section),
        person=bank.person(rng),
        published=published,
        now=now,
        modified=modified,
        kicker=rng.choice(bank.KICKERS) if rng.random() < 0.35 else None,
        agency=rng.choice(bank.AGENCIES),
        byline_mode=rng.choice(BYLINE_MODES),
        byline_label=rng.choice(BYLINE_LABELS),
        section_mode=section_mode,
        date_mode=date_mode,
        date_with_time=rng.random() < 0.6,
    )
    if story.byline_mode == "dateline":  # "دمشق-سانا" / "دبي - وام:" opening the lead
        place, agency = rng.choice(bank.PLACES), story.agency[1]
        form = rng.choice(("{p}-{a}", "{p} - {a}:", "{p} ({a}) -", "{p} - {a} -"))
        story.dateline = form.format(p=place, a=agency)
        story.paragraphs[0] = f"{story.dateline} {story.paragraphs[0]}"
    return story
