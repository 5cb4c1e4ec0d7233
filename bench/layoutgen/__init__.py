"""Generated Arabic article pages of many CMS families, each with its gold.

`generate(seed, n)` is deterministic for a seed: page i comes from its own Random(seed, i),
families rotate so every family is present in any n >= len(FAMILIES).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import cms, portals, regional, wordpress
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
}


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
    text, encoding = FAMILIES[family](story, Namer(rng))
    html = text.encode(encoding, errors="xmlcharrefreplace")
    return GeneratedPage(html, story.url, encoding, family, story.gold())


def generate(seed: int, n: int, families: list[str] | None = None) -> list[GeneratedPage]:
    names = families or list(FAMILIES)
    unknown = [f for f in names if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown layout family {unknown[0]!r} (known: {', '.join(FAMILIES)})")
    return [generate_one(seed, i, names[i % len(names)]) for i in range(n)]
