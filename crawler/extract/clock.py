"""The site's clock: which UTC offset a page's local times are in, inferred as a reader would.

A page that shows «24 أغسطس 2020 09:23 ص» says nothing of its zone, and reading it as UTC is
wrong by hours on every Arab site. A reader looks for the site's own clock, strongest first:

1. the offsets the page's own machine-readable dates write (JSON-LD, article:* and other date
   metas, <time datetime>, itemprop) and, in a crawl, the feed item's and the sitemap entry's
   dates for that URL. A 'Z'/'+00:00' label is no evidence: CMSs (Yoast, most JSON-LD
   generators) write instants in UTC whatever the site's clock, and some write local times
   mislabelled as UTC. Where a known zone (configured, or the country's) has those very
   offsets at those instants, that zone is the clock, so its DST rules apply to the page's
   other dates; otherwise the offset itself is;
2. the country of the domain (.sy → Asia/Damascus, crawler.zones);
3. the zone configured for the site (config.yaml `timezone`);
4. the region of the language the page declares (<html lang="ar-EG">, og:locale ar_EG, a
   content-language meta);
5. nothing: the clock is unknown, and a local time stays a floating wall time, stored without
   an offset (crawler.dates.FLOATING), never passed off as UTC.
A configured zone that is one of the country's zones (Asia/Hebron for a .ps site) is taken
over the country's principal one. DST, Egypt's return to summer time in 2023, Syria and Jordan
on +03:00 all year since 2022 and Morocco's hour back in Ramadan come from tzdata.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crawler import dates as D
from crawler.zones import country_zones, domain_country, lang_country

from .sources import Source

__all__ = ["Clock", "page_clock"]

# Sources whose offsets count as the page's own clock, and what the clock is then called.
_EVIDENCE_SOURCE = {Source.FEED: Source.FEED, Source.SITEMAP: Source.SITEMAP}


@dataclass(frozen=True)
class Clock:
    """`tz` (an IANA zone, a fixed '+03:00', or None when unknown) and how it was found."""

    tz: str | None
    source: Source


def _fixed(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _agrees(zone: str, seen: list[tuple[datetime, timedelta]]) -> bool:
    tz = ZoneInfo(zone)
    return all(instant.astimezone(tz).utcoffset() == offset for instant, offset in seen)


def page_clock(
    declared: Iterable[tuple[Source, str]],
    url: str,
    *,
    lang: Iterable[str | None] = (),
    configured: str | None = None,
) -> Clock:
    """The clock of the page at `url`, from its machine-readable dates `declared` ((source,
    raw value) in page order, feed/sitemap hints last), its declared languages `lang` and the
    site's configured zone."""
    country = domain_country(url)
    langs = [c for c in map(lang_country, lang) if c]
    zones = list(country_zones().get(country, [])) if country else []
    if configured in zones:
        zones.remove(configured)
        zones.insert(0, configured)
    known = [*zones, *([configured] if configured and configured not in zones else [])]
    known += [z for c in langs for z in country_zones().get(c, []) if z not in known]

    seen: list[tuple[datetime, timedelta]] = []
    first_source: Source | None = None
    for source, raw in declared:
        found = D.declared_offset(raw)
        if found is None or not found[1]:
            continue  # no offset, or a UTC label (see the module docs)
        seen.append(found)
        first_source = first_source or _EVIDENCE_SOURCE.get(source, Source.PAGE_OFFSET)
    if seen and first_source is not None:
        for zone in known:
            if _agrees(zone, seen):
                return Clock(zone, first_source)
        offset, _ = Counter(o for _, o in seen).most_common(1)[0]
        return Clock(_fixed(offset), first_source)
    if zones:
        return Clock(zones[0], Source.DOMAIN)
    if configured:
        return Clock(configured, Source.SITE_CONFIG)
    for c in langs:
        return Clock(country_zones()[c][0], Source.LANG)
    return Clock(None, Source.UNKNOWN)
