"""Wrong-day traps: Hijri + Gregorian dates with an agency dateline of another day, and every
regional month spelling.

hijri_dateline imitates Gulf and Iraqi papers (Okaz, Al-Riyadh, Al-Khaleej, Al-Sabah): the
header prints «الأحد 27 جمادى الأولى 1445هـ - 10 ديسمبر 2023م»; the story is a wire filed the
evening before and published after midnight, so the agency's dateline in the lead names the
previous day («الرياض 26 جمادى الأولى 1445 هـ الموافق 09 ديسمبر 2023 م واس», «عمّان 9 كانون
الأول (بترا)-»); a sentence of the text recalls an earlier date; related stories carry their
own dates. Gold: the header's day (and time, or the instant where a machine date says it).

regional_months imitates Moroccan (Hespress, Le360 Arabic), Algerian (El Khabar, Echorouk),
Tunisian (Assabah, Mosaique FM), Mauritanian (Alakhbar, Sahara Medias), Egyptian and
Levantine pages: the date in the region's month names in any spelling in use there
(bench/layoutgen/dates.py SPELLINGS: «أغشت», «شتمبر», «دجمبر», «يوليوز», «شتنبر», «جويلية»,
«أوت», «يونيه», «كانون أول»…), a body sentence with an earlier date in the same spelling,
related stories with theirs. Gold: the shown date.
"""

from __future__ import annotations

from datetime import timedelta

from . import common, dates, pagekit, wires
from .kit import Namer, e, el
from .story import Story

NO_DST = ("sa", "ae", "kw", "qa", "bh", "om", "ye", "iq")
REGION_COUNTRIES = {
    "moroccan": ("ma",),
    "algerian": ("dz",),
    "tunisian": ("tn",),
    "mauritanian": ("mr",),
    "egyptian": ("eg", "sd"),
    "levantine": ("jo", "sy", "lb", "iq"),
}
RECALLS = (
    "وكانت الجهات المعنية قد أعلنت في {date} عن خطوة مماثلة.",
    "ويذكر أن الاجتماع السابق عقد في {date} دون التوصل إلى اتفاق.",
    "وكان المشروع قد أطلق رسمياً في {date}.",
)


def _recall(story: Story, text_of_date: str) -> None:
    """A sentence naming an earlier date, into a paragraph after the lead."""
    i = story.rng.randint(1, len(story.paragraphs) - 1)
    story.paragraphs[i] += " " + story.rng.choice(RECALLS).format(date=text_of_date)


def hijri_dateline(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.move_to_country(story, rng.choice(NO_DST), host=False)
    story.published = story.published.replace(hour=rng.randint(0, 7), minute=rng.randint(0, 59))
    story.now = story.published + timedelta(hours=rng.randint(1, 30))
    story.date_mode = "header"
    if story.section_mode == "declared":
        story.section_mode = "breadcrumb"
    wire = rng.choice(wires.WIRES)
    pagekit.strip_dateline(story)
    filed = story.published - timedelta(
        hours=rng.randint(story.published.hour + 1, story.published.hour + 5)
    )
    line = wires.dateline(story, wire, filed)
    story.dateline = line
    story.gold_fixed["dateline_date"] = filed.date().isoformat()  # the distractor: not gold
    story.paragraphs[0] = (
        f"{line} {story.paragraphs[0]}" if not line.endswith(" ") else line + story.paragraphs[0]
    )
    if rng.random() < 0.5:
        story.byline_mode = "header"
    else:
        story.byline_mode = "agency"
        story.gold_fixed["author"] = wire[0]
    earlier = story.published - timedelta(days=rng.randint(3, 40))
    _recall(
        story,
        dates.shown_date(rng, earlier, story.region, False, style=rng.choice(("name", "hijri"))),
    )
    shown = story.date_shown(style="hijri")
    date = el(k, "span", e(story.published_label() + shown))
    meta = [pagekit.og(story)]
    if rng.random() < 0.5:
        meta.append(f'<meta property="article:published_time" content="{story.date_machine()}">')
    text = wires.body(story) + (wires.tail_line(wire) if story.byline_mode == "agency" else "")
    page = pagekit.news_page(k, story, byline=common.byline(k, story), date=date, body=text)
    return pagekit.document(story, "\n".join(meta), page), "utf-8"


def regional_months(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    region = rng.choice(list(REGION_COUNTRIES))
    pagekit.move_to_country(story, rng.choice(REGION_COUNTRIES[region]), host=False)
    story.region = region
    story.date_mode = "header"
    if story.section_mode == "declared":
        story.section_mode = "breadcrumb"
    if story.byline_mode in ("declared", "desk"):
        story.byline_mode = "header"
    earlier = story.published - timedelta(days=rng.randint(3, 60))
    _recall(story, dates.spelled_date(rng, earlier, region, False))
    shown = dates.spelled_date(rng, story.published, region, story.date_with_time)
    story.published_forms.append(shown)
    story.shows_time = story.date_with_time
    date = el(k, "span", e(story.published_label() + shown))
    meta = [pagekit.og(story)]
    if rng.random() < 0.25:
        meta.append(f'<meta property="article:published_time" content="{story.date_machine()}">')
    page = pagekit.news_page(k, story, byline=common.byline(k, story), date=date)
    return pagekit.document(story, "\n".join(meta), page), "utf-8"
