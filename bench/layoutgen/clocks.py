"""The site's own clock: a displayed local time without a zone.

zone_declared: the page shows «10 ديسمبر 2023 - 14:14» (no zone) while its machine-readable
dates carry the site's offset: JSON-LD datePublished, article:published_time or the datetime of
the `<time>` around the displayed text (the way WordPress themes, Drupal and most in-house
CMSs print both); a generic domain, the site in a real Arab zone with its DST history (Amman,
Beirut, Cairo, Casablanca…). Gold: the instant (the displayed wall time in that zone).

zone_cctld: a site under an Arab ccTLD (.com.jo, .ma, .dz, .gov.eg, …) that shows only its
local date and time, with at most a machine date without offset («2023-12-10T14:14:00»):
how many small national papers print dates. Gold: the instant in the country's zone (precision
"local"); a reader who assumes UTC is hours off.
"""

from __future__ import annotations

from . import common, pagekit
from .kit import Namer, e, el
from .story import Story


def zone_declared(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.move_to_country(story, rng.choice(list(pagekit.COUNTRIES)), host=False)
    story.date_mode, story.date_with_time = "header", True
    shown = story.published_label() + story.date_shown()
    machine = story.published.isoformat(timespec="seconds")
    where = rng.choice(("jsonld", "og", "time"))
    story.published_forms.append(machine)
    story.has_offset = True
    if where == "time":
        date = f'<time datetime="{machine}"{k.cls()}>{e(shown)}</time>'
    else:
        date = el(k, "span", e(shown))
    meta = [pagekit.og(story)]
    if where == "og":
        meta.append(f'<meta property="article:published_time" content="{machine}">')
    if where == "jsonld" or rng.random() < 0.4:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": machine,
            "publisher": pagekit.publisher(story),
        }
        if story.byline_mode in ("header", "split", "declared", "body_first"):
            data["author"] = {"@type": "Person", "name": story.person}
        section = pagekit.declared_section(story)
        if section:
            data["articleSection"] = section
        meta.append(pagekit.ld(story, data))
    else:
        if story.byline_mode == "declared":
            meta.append(f'<meta name="author" content="{e(story.person)}">')
        if story.section_mode in ("declared", "sub_shown"):
            meta.append(f'<meta property="article:section" content="{e(story.declared_section)}">')
    page = pagekit.news_page(k, story, byline=common.byline(k, story), date=date)
    return pagekit.document(story, "\n".join(meta), page), "utf-8"


def zone_cctld(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.move_to_country(story, rng.choice(list(pagekit.COUNTRIES)), host=True)
    story.date_mode, story.date_with_time = "header", True
    story.zone_from_host = True
    if story.byline_mode == "declared":
        story.byline_mode = "header"
    if story.section_mode in ("declared", "sub_shown"):
        story.section_mode = "above_title"
    date = el(k, "span", e(story.published_label() + story.date_shown()))
    meta = [pagekit.og(story)]
    if rng.random() < 0.4:
        meta.append(
            f'<meta itemprop="datePublished" content="{story.published:%Y-%m-%dT%H:%M:%S}">'
        )
        story.published_forms.append(f"{story.published:%Y-%m-%dT%H:%M:%S}")
    page = pagekit.news_page(k, story, byline=common.byline(k, story), date=date)
    return pagekit.document(story, "\n".join(meta), page), "utf-8"
