"""Which clock a site keeps, from its country: ccTLD (or declared Arabic region) → IANA zones.

One table for the two places that need it: add-site proposes a site's `timezone` from it
(crawler.discover), and extraction reads a page's local times in it when the page itself
declares no offset (crawler.extract.clock). The zones come from tzdata's zone.tab, so they
follow every DST decision tzdata records (Egypt's return to summer time in 2023, Syria and
Jordan keeping +03:00 since 2022, Morocco's hour back for Ramadan) without a list of ours.
"""

from __future__ import annotations

import importlib.resources
import re
from functools import lru_cache
from urllib.parse import urlsplit

from crawler.article_patterns import is_domain_name

__all__ = [
    "ARAB_CCTLDS",
    "GENERIC_CCTLDS",
    "country_of",
    "country_zones",
    "domain_country",
    "lang_country",
]

# Arab League members by ccTLD: a site under one of these gets that country's locale and zone.
ARAB_CCTLDS = frozenset("ae bh dj dz eg iq jo km kw lb ly ma mr om ps qa sa sd so sy tn ye".split())
# Country codes sold as generic domains (lbcgroup.tv is Lebanese, not from Tuvalu).
GENERIC_CCTLDS = frozenset("ai cc co fm gg io la me nu tk to tv ws".split())
_LANG_REGION = re.compile(r"ar[-_]([a-z]{2})")


@lru_cache(maxsize=1)
def country_zones() -> dict[str, list[str]]:
    """ISO country code → IANA zones, from the tzdata package's zone.tab (no network).

    A country's first zone is its principal one (zone.tab lists the most populous first)."""
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            zones.setdefault(cols[0].lower(), []).append(cols[2])
    return zones


def domain_country(url: str) -> str | None:
    """The country of a URL's ccTLD (.sy → sy); None for generic and sold-as-generic ones."""
    host = (urlsplit(url).hostname or "").lower()
    tld = host.rsplit(".", 1)[-1] if is_domain_name(host) else ""
    if len(tld) == 2 and tld in country_zones() and tld not in GENERIC_CCTLDS:
        return tld
    return None


def lang_country(lang: str | None) -> str | None:
    """The Arab country of a declared language tag (ar-EG, ar_EG → eg). Other regions are not
    countries a reader would infer (Facebook's og:locale ar_AR is "Arabic", not Argentina)."""
    match = _LANG_REGION.fullmatch((lang or "").strip().lower())
    return match.group(1) if match and match.group(1) in ARAB_CCTLDS else None


def country_of(url: str, lang: str | None = None) -> str | None:
    """The country a site belongs to: its ccTLD, else the region of its <html lang>."""
    return domain_country(url) or lang_country(lang)
