"""Generated Arabic article pages of many CMS families, each with its gold.

`generate(seed, n)` is deterministic for a seed: families rotate (every family is present in
any n >= len(names)) and the k-th page of a family comes from its own Random(seed, k,
family), so adding a family leaves the other families' pages as they were.

FAMILIES are the 17 of the first round (issue 9); `generate` without `families` rotates over
them only, so their tables stay comparable run to run. ROUND2 are the families of issue 16
(page types, frameworks, enterprise portals, static sites, agency wires, site clocks, date,
author and section traps, other Arabic-script languages), written before the extractor was
changed for them; ask for them by name, or all of them with `families=list(ROUND2)`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import (
    clocks,
    cms,
    custom,
    datetraps,
    enterprise,
    frameworks,
    languages,
    pagetypes,
    portals,
    regional,
    ssg,
    traps,
    wires,
    wordpress,
)
from .kit import Namer
from .story import Story, new_story

Family = Callable[[Story, Namer], tuple[str, str]]

FAMILIES: dict[str, Family] = {
    "jannah": wordpress.jannah,
    "tagdiv": wordpress.tagdiv,
    "jnews": wordpress.jnews,
    "wp_classic": wordpress.wp_classic,
    "drupal7": cms.drupal7,
    "drupal9": cms.drupal9,
    "joomla": cms.joomla,
    "blogger": cms.blogger,
    "aspnet": portals.aspnet,
    "table1256": portals.table1256,
    "nextjs": portals.nextjs,
    "amp": portals.amp,
    "egypt_portal": regional.egypt_portal,
    "maghreb_portal": regional.maghreb_portal,
    "gulf_portal": regional.gulf_portal,
    "levant_php": custom.levant_php,
    "saudi_portal": custom.saudi_portal,
}
ROUND2: dict[str, Family] = {
    "live_blog": pagetypes.live_blog,
    "opinion_column": pagetypes.opinion_column,
    "js_hydrated": frameworks.js_hydrated,
    "aem": enterprise.aem,
    "sitecore": enterprise.sitecore,
    "liferay": enterprise.liferay,
    "sharepoint": enterprise.sharepoint,
    "hugo": ssg.hugo,
    "jekyll": ssg.jekyll,
    "agency_wire": wires.agency_wire,
    "agency_site": wires.agency_site,
    "zone_declared": clocks.zone_declared,
    "zone_cctld": clocks.zone_cctld,
    "hijri_dateline": datetraps.hijri_dateline,
    "regional_months": datetraps.regional_months,
    "author_traps": traps.author_traps,
    "section_traps": traps.section_traps,
    "lang_ckb": languages.lang_ckb,
    "lang_fa": languages.lang_fa,
    "lang_ur": languages.lang_ur,
    "lang_ps": languages.lang_ps,
    "lang_ug": languages.lang_ug,
}
ALL_FAMILIES: dict[str, Family] = {**FAMILIES, **ROUND2}


@dataclass(frozen=True)
class GeneratedPage:
    html: bytes
    url: str
    encoding: str
    family: str
    gold: dict[str, Any]


def generate_one(seed: int, index: int, family: str) -> GeneratedPage:
    rng = random.Random(f"{seed}:{index}:{family}")
    story = new_story(rng, family, index)
    text, encoding = ALL_FAMILIES[family](story, Namer(rng))
    html = text.encode(encoding, errors="xmlcharrefreplace")
    return GeneratedPage(html, story.url, encoding, family, story.gold())


def generate(seed: int, n: int, families: list[str] | None = None) -> list[GeneratedPage]:
    names = families or list(FAMILIES)
    unknown = [f for f in names if f not in ALL_FAMILIES]
    if unknown:
        known = ", ".join(ALL_FAMILIES)
        raise ValueError(f"unknown layout family {unknown[0]!r} (known: {known})")
    return [generate_one(seed, i // len(names), names[i % len(names)]) for i in range(n)]
