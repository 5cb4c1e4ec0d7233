"""Per-site extraction rules: the data a site's `extraction:` block in config.yaml carries.

Kept as a frozen, picklable dataclass because extraction runs in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExtractionRules:
    """What extraction needs to know about one site (all optional). `timezone` is the zone
    config.yaml gives the site, None when none is known: the page's clock is then inferred
    (crawler.extract.clock)."""

    locale: str = "ar"
    timezone: str | None = None
    site_name: str | None = None
    title_suffixes: tuple[str, ...] = ()
    boilerplate_phrases: tuple[str, ...] = ()
    boilerplate_selectors: tuple[str, ...] = ()
    # CSS selectors overriding the generic field extractors: keys among
    # title, kicker, author, section, tags, date, image, body.
    selectors: dict[str, str] = field(default_factory=dict)
