"""Dates as Arabic news pages, meta tags, feeds and sitemaps write them, in the site's timezone.

Why our own month table and not dateparser (measured with dateparser 1.5.0, settings
REQUIRE_PARTS=[day, month, year], DATE_ORDER=DMY, RETURN_AS_TIMEZONE_AWARE):
  * the right answer depends on guessing the site's exact locale: '15 شباط 2024' and
    '4 كانون الثّاني 2017' parse only with ar-SY, 'الجمعة 8 فيفري 2019' only with ar-DZ,
    '9 غشت 2019' only with ar-MA; with languages=['ar'] all of them are None;
  * with no locale '14 آب 2024' silently became the current time, the worst possible failure;
  * it never parses the paired forms every pan-Arab site uses ('17 مارس/ آذار 2020'),
    a month name with shadda inside ('كانون الثّاني') or a year with the AD mark ('2020م');
  * it is slow (seconds for its first calls, milliseconds per call afterwards).
Arabic month names do not collide across dialects (آب, أوت, غشت and أغسطس are all August), so
one table (MONTH_NAMES) covers Levantine, Iraqi, Egyptian/Gulf, Algerian/Tunisian, Moroccan and
Mauritanian names at once, which is also what the paired forms need. The text is normalised
first (digits, harakat, tatweel, alef/hamza and yeh forms), and a few explicit regular
expressions then find day-month-year, month-day-year and numeric dates with an optional
adjacent time. Machine formats (ISO-8601/W3C, RFC-822) take an anchored fast path before
any of that.

Trust rules: a date needs a day, a month and a year (a year or a month+year alone gives None);
an impossible date ('31 شباط 2024') gives None; nothing is ever filled from the clock; and every
result goes through `rejection_reason` (future, before 1990, the Jan-1-midnight default of
htmldate/trafilatura). A value without an offset is local time of the site's timezone; with
no timezone known (`tz=None`) it stays a floating wall time (FLOATING), never UTC.
The `locale` only decides ambiguous numeric dates: day first ('03/04/2020' is 3 April)
except for month-first locales (en-US); a numeric date valid only one way is read that way.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

__all__ = [
    "FLOATING",
    "Precision",
    "date_end",
    "declared_offset",
    "find_date",
    "find_date_precise",
    "from_iso",
    "is_floating",
    "localise",
    "month_number",
    "normalize_date_text",
    "parse_date",
    "parse_date_precise",
    "rejection_reason",
    "to_iso",
]

# How much of the instant the source wrote: a page that shows only a day says "day", and that
# date must stay on its own calendar day wherever it is shown.
Precision = Literal["day", "minute", "second"]

OLDEST_YEAR = 1990
HIJRI_YEARS = (1300, 1500)  # 1882-2077 AD: a year in this range is Hijri, never Gregorian
FUTURE_TOLERANCE = timedelta(days=1)
_MONTH_FIRST_LOCALES = frozenset({"en-us", "en_us"})

# --------------------------------------------------------------------------- normalisation

_DROPPED = (
    "\u0640"  # tatweel
    "\u0670"  # superscript alef
    "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\ufeff"  # ZW*/bidi marks
)
_REPLACED = {
    "\u00a0\u202f\u2009\u2007": " ",  # no-break and thin spaces
    "\u0622\u0623\u0625\u0671": "ا",  # آ أ إ ٱ
    "\u0649\u06cc\u06d2": "ي",  # ى and Persian/Urdu yeh
    "\u06a9": "ك",  # Persian keheh
    "\u06a4": "ف",  # ڤ, the Maghrebi v: نوڤمبر, فيڤري
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    "\uff1a": ":",  # fullwidth colon
}
_TRANSLATE: dict[int, str | None] = {
    **{0x0660 + i: str(i) for i in range(10)},  # Eastern Arabic digits
    **{0x06F0 + i: str(i) for i in range(10)},  # Persian digits
    **{c: None for c in range(0x064B, 0x0660)},  # harakat, shadda, sukun, hamza marks
    **{ord(c): None for c in _DROPPED},
    **{ord(c): new for chars, new in _REPLACED.items() for c in chars},
}


def normalize_date_text(text: str) -> str:
    """Digits to ASCII, harakat/tatweel/bidi marks removed, alef and yeh forms unified."""
    return text.translate(_TRANSLATE)


# --------------------------------------------------------------------------- month names
# Every spelling in print in the Arab world, as pages write it (hamza, alef madda): Levantine
# and Iraqi (كانون الثاني… with Iraq's مايس), Egyptian/Gulf/Sudanese (يناير…, يونيه/يوليه),
# Algerian/Tunisian (جانفي فيفري أفريل ماي جوان جويلية أوت), Moroccan (يوليوز غشت شتنبر نونبر
# دجنبر), Mauritanian (إبريل أغشت شتمبر دجمبر), English and the French of Maghrebi pages. The
# matcher reads them through normalize_date_text (harakat, alef/hamza and yeh forms) with a
# final ة and ه interchangeable, so 'يونية' and 'يونيه', 'أبريل' and 'ابريل' need no line each.
# (Libya's 1980s-2011 names, الربيع or الصيف for March and June, are ordinary words: left out.)
MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("كانون الثاني", "كانون ثاني", "يناير", "جانفي", "January", "Jan", "janvier", "janv"),
    2: ("شباط", "فبراير", "فيفري", "February", "Feb", "février", "fevrier", "févr", "fév"),
    3: ("آذار", "مارس", "March", "Mar", "mars"),
    4: ("نيسان", "أبريل", "إبريل", "أفريل", "April", "Apr", "avril", "avr"),
    5: ("أيار", "مايو", "ماي", "مايس", "May", "mai"),
    6: ("حزيران", "يونيو", "يونيه", "جوان", "June", "Jun", "juin"),
    7: ("تموز", "يوليو", "يوليه", "يوليوز", "جويلية", "July", "Jul", "juillet", "juil"),
    8: ("آب", "أغسطس", "أغسطوس", "أوت", "غشت", "أغشت", "August", "Aug", "août", "aout"),
    9: ("أيلول", "سبتمبر", "سيبتمبر", "شتنبر", "شتمبر", "September", "Sept", "Sep", "septembre"),
    10: ("تشرين الأول", "تشرين أول", "أكتوبر", "أوكتوبر", "October", "Oct", "octobre"),
    11: ("تشرين الثاني", "تشرين ثاني", "نوفمبر", "نونبر", "November", "Nov", "novembre"),
    12: (
        "كانون الأول",
        "كانون أول",
        "ديسمبر",
        "دجنبر",
        "دجمبر",
        "December",
        "Dec",
        "décembre",
        "decembre",
        "déc",
    ),
}


def _month_keys(name: str) -> set[str]:
    """The matcher's forms of one printed name: normalised, final ة/ه either way."""
    key = normalize_date_text(name).lower()
    if key[-1] in "ةه":
        return {key[:-1] + "ة", key[:-1] + "ه"}
    return {key}


_MONTH_BY_NAME = {
    key: num for num, names in MONTH_NAMES.items() for name in names for key in _month_keys(name)
}


def month_number(name: str) -> int | None:
    """The month a printed name means ('أغشت' → 8), whatever its spelling; None if none."""
    return _MONTH_BY_NAME.get(" ".join(normalize_date_text(name).lower().split()))


def _name_pattern(name: str) -> str:
    return r"\s+".join(re.escape(part) for part in name.split())


_NO_LETTER = r"(?![^\W\d_])"  # a word ends here, though digits may follow: 'ديسمبر2018'
_MONTH_NAME = "|".join(_name_pattern(n) for n in sorted(_MONTH_BY_NAME, key=len, reverse=True))
# A month, optionally paired with its other name: 'مارس/ اذار', 'اذار (مارس)', 'اب - اغسطس'.
_MONTH_EXPR = (
    rf"(?P<m1>{_MONTH_NAME}){_NO_LETTER}"
    rf"(?:\s*(?:/|\\|-|–|\(|\[)\s*(?P<m2>{_MONTH_NAME}){_NO_LETTER}\s*[)\]]?)?"
)

# --------------------------------------------------------------------------- patterns

_AMPM = (
    r"(?P<ampm>صباحا|صباح|فجرا|ص|مساءا|مساء|ظهرا|عصرا|م"
    r"|a\.?\s?m\.?|p\.?\s?m\.?)(?!\w)"
)
# A time a page labels with a place's clock ('بتوقيت مكة المكرمة', 'بتوقيت القاهرة'; KSA):
# written normalised (alef forms -> ا). Names of two places (عمان: Amman and Oman; طرابلس:
# Tripoli of Libya and of Lebanon) are left out.
_PLACE_ZONES = {
    "مكة المكرمة": "Asia/Riyadh",
    "مكة": "Asia/Riyadh",
    "السعودية": "Asia/Riyadh",
    "الرياض": "Asia/Riyadh",
    "القاهرة": "Africa/Cairo",
    "مصر": "Africa/Cairo",
    "دمشق": "Asia/Damascus",
    "سوريا": "Asia/Damascus",
    "بيروت": "Asia/Beirut",
    "لبنان": "Asia/Beirut",
    "القدس": "Asia/Hebron",
    "فلسطين": "Asia/Hebron",
    "الدوحة": "Asia/Qatar",
    "قطر": "Asia/Qatar",
    "ابوظبي": "Asia/Dubai",
    "دبي": "Asia/Dubai",
    "الامارات": "Asia/Dubai",
    "الكويت": "Asia/Kuwait",
    "بغداد": "Asia/Baghdad",
    "العراق": "Asia/Baghdad",
    "المنامة": "Asia/Bahrain",
    "البحرين": "Asia/Bahrain",
    "مسقط": "Asia/Muscat",
    "صنعاء": "Asia/Aden",
    "الخرطوم": "Africa/Khartoum",
    "الرباط": "Africa/Casablanca",
    "المغرب": "Africa/Casablanca",
    "الجزائر": "Africa/Algiers",
    "تونس": "Africa/Tunis",
    "نواكشوط": "Africa/Nouakchott",
    "موسكو": "Europe/Moscow",
}
_PLACE = "|".join(_name_pattern(n) for n in sorted(_PLACE_ZONES, key=len, reverse=True))
_TZ = (
    r"(?P<tz>z|(?:gmt|utc)\s*(?P<tzo1>[+-]\d{1,2}(?::?\d{2})?)?|(?P<tzo2>[+-]\d{2}:?\d{2})"
    r"|ت\.?\s?غ\.?|(?:ب\s?)?توقيت\s+(?:غرينتش|جرينتش|غرينيتش)"
    rf"|(?:ب\s?)?توقيت\s+(?P<place>{_PLACE})|(?P<abbr>ksa))(?!\w)"
)
_TIME_AFTER = (
    rf"(?:(?:t|\s*[,،\-–—|@]?\s*(?:(?:(?:علي|عند|في)\s+)?(?:تمام\s+)?(?:الساعه|الساعة)\s+"
    rf"|(?:في|at|à)\s+)?)"
    rf"(?P<th>\d{{1,2}})\s*(?::|h(?=\d))\s*(?P<tm>\d{{2}})(?:\s*:\s*(?P<ts>\d{{2}}))?(?:[.,]\d+)?"
    rf"(?:\s*{_AMPM})?(?:\s*\(?\s*{_TZ}\s*\)?)?)?"
)
# A time before the date, as Sputnik writes 'GMT 17:27 17.03.2020'.
_TIME_BEFORE = (
    r"(?:(?P<btz1>gmt|utc)\s*)?(?P<bh>\d{1,2}):(?P<bm>\d{2})(?::(?P<bs>\d{2}))?"
    r"(?:\s*(?P<btz2>gmt|utc))?\s*[,،\-–—|]?\s*"
)
_DAY = r"(?<![\d.:/\\-])(?P<d>\d{1,2})(?!\d)"
_YEAR = r"(?P<y>\d{4})(?!\d)(?:\s?م(?!\w))?"  # 2020م: the AD mark, not PM
_DATE = (
    # 2020-03-17, 2020/12/25, 2020.03.17
    r"(?<![\d.:/\\-])(?P<iy>\d{4})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?![\d/])"
    # 17/03/2020, 17.03.2020, 17-03-2020, 17 / 6 / 2019 (or 8/24/2020, month first)
    r"|(?<![\d.:/\\-])(?P<na>\d{1,2})\s?(?P<nsep>[-/.])\s?(?P<nb>\d{1,2})\s?(?P=nsep)\s?"
    r"(?P<ny>\d{4})(?!\d)"
    # 17 مارس 2020, الأحد، 4 أيلول 2016, 17 مارس/ آذار 2020, 17-يونيو-2019, 17 يونيو، 2019
    rf"|{_DAY}\s*(?:[-/.]\s*)?(?:من\s+|of\s+)?{_MONTH_EXPR}\s*[,،\-/.]?\s*{_YEAR}"
    # ديسمبر 25, 2020 ; March 25, 2017
    rf"|(?<!\w)(?P<fm>{_MONTH_NAME})\s+(?P<fd>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?\s*[,،]?\s*"
    r"(?P<fy>\d{4})(?!\d)"
)
_SCAN = re.compile(rf"(?:{_TIME_BEFORE})?(?:{_DATE}){_TIME_AFTER}", re.IGNORECASE)

_ISO = re.compile(
    r"\s*(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*",
    re.IGNORECASE,
)
_RFC822 = re.compile(
    r"\s*(?:[A-Za-z]{3,9}\s*,?\s*)?(?P<d>\d{1,2})\s+(?P<mo>[A-Za-z]{3,9})\.?\s+(?P<y>\d{4}|\d{2})"
    r"\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"\s*(?P<tz>[+-]\d{4}|[A-Za-z]{1,5})?\s*"
)
_RFC822_ZONES = {
    "GMT": 0,
    "UT": 0,
    "UTC": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}
_PM = frozenset({"م", "مساء", "مساءا", "ظهرا", "عصرا"})


# A wall time whose UTC offset nobody knows ("floating", as iCalendar calls it): compared and
# ordered as if it were UTC (as SQLite's julianday and storage read an ISO string without an
# offset), rendered by `to_iso` without an offset. Only `tz=None` produces it.
FLOATING = timezone(timedelta(0), "floating")
# /2024/03/15/ in a URL path: the day a CMS filed the article under.
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[-_])")
_FIXED_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")


def is_floating(dt: datetime) -> bool:
    """A wall time of unknown offset (see FLOATING)."""
    return dt.tzinfo is FLOATING


@lru_cache(maxsize=64)
def _zone(tz: str) -> tzinfo:
    """The site's clock: an IANA zone, or a fixed offset '+03:00' a page declared; an unknown
    name is a configuration error and raises."""
    if _FIXED_OFFSET.fullmatch(tz):
        return _offset(tz)
    return ZoneInfo(tz)


def _offset(text: str) -> timezone:
    """'+0300', '+03:00', '+3', '-05' -> a fixed offset."""
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes > 59:
        raise ValueError(f"offset out of range: {text}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def localise(dt: datetime, tz: str | None) -> datetime:
    """`dt` on the site's clock `tz`: a naive or floating `dt` is wall time there (a DST gap
    moves forward), an aware one is converted. With `tz` None (no clock known) a naive `dt`
    becomes FLOATING and an aware one keeps the offset it was written with."""
    if tz is None:
        return dt.replace(tzinfo=FLOATING) if dt.tzinfo is None else dt
    zone = _zone(tz)
    if dt.tzinfo is None or dt.tzinfo is FLOATING:
        dt = dt.replace(tzinfo=zone)
    return dt.astimezone(UTC).astimezone(zone)


# --------------------------------------------------------------------------- rejection


def rejection_reason(dt: datetime, *, now: datetime | None = None) -> str | None:
    """Why `dt` is not to be trusted: 'future', 'too_old', 'jan1_default', or None.

    'future' is more than a day after `now` (a day absorbs timezone slips); 'too_old' is
    before 1990 (Hijri years and defaults such as 1970 land there); 'jan1_default' is exactly
    1 January 00:00:00 on the value's own clock, which is what htmldate and trafilatura return
    when they only found a year (a real post at that instant is rarer than the default).
    A naive `dt` is taken as UTC.
    """
    aware = dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if aware > now + FUTURE_TOLERANCE:
        return "future"
    if aware.year < OLDEST_YEAR:
        return "too_old"
    if (aware.month, aware.day, aware.hour, aware.minute, aware.second) == (1, 1, 0, 0, 0):
        return "jan1_default"
    return None


def _accept(
    dt: datetime | None, tz: str | None, now: datetime | None, text: str
) -> datetime | None:
    """`dt` in the site zone if it is trustworthy, else None (and the reason at debug)."""
    if dt is None:
        return None
    local = localise(dt, tz)
    reason = rejection_reason(dt if dt.tzinfo is not None else local, now=now)
    reason = reason or rejection_reason(local, now=now)
    if reason:
        logger.debug("date %r rejected: %s (%s)", text, reason, local.isoformat())
        return None
    return local


# --------------------------------------------------------------------------- machine formats


def _build(
    y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, tzinfo: timezone | None = None
) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tzinfo)
    except ValueError:
        return None


def _parse_iso(text: str) -> datetime | bool | None:
    """W3C/ISO-8601. False when `text` is not ISO at all, None when it is but is invalid."""
    m = _ISO.fullmatch(text)
    if not m:
        return False
    tzs = m["tz"]
    if tzs and m["h"] is None and tzs.upper() not in ("Z", "UTC", "GMT"):
        return False  # '2020-03-17-05' is not a date with an offset
    try:
        tzinfo = None if not tzs else UTC if tzs.upper() in ("Z", "UTC", "GMT") else _offset(tzs)
    except ValueError:
        return None
    g = [int(m[k]) if m[k] else 0 for k in ("y", "mo", "d", "h", "mi", "s")]
    return _build(*g, tzinfo=tzinfo)


def _parse_rfc822(text: str) -> datetime | bool | None:
    """RFC-822/2822 as RSS writes it. False when `text` is not RFC-822 at all."""
    m = _RFC822.fullmatch(text)
    if not m:
        return False
    month = _MONTH_BY_NAME.get(m["mo"].lower())
    if month is None:
        return False
    year = int(m["y"])
    if len(m["y"]) == 2:
        year += 2000 if year < 50 else 1900
    tzs = m["tz"]
    tzinfo: timezone | None = None
    if tzs and tzs[0] in "+-":
        try:
            tzinfo = UTC if tzs == "-0000" else _offset(tzs)
        except ValueError:
            return None
    elif tzs and tzs.upper() in _RFC822_ZONES:
        tzinfo = timezone(timedelta(hours=_RFC822_ZONES[tzs.upper()]))
    elif tzs:
        # Sites that write their own abbreviation (EEST, GST) mean their local time.
        logger.debug("unknown zone %r in %r: read as site-local time", tzs, text)
    return _build(year, month, int(m["d"]), int(m["h"]), int(m["mi"]), int(m["s"] or 0), tzinfo)


def _machine(text: str) -> datetime | bool | None:
    """ISO-8601 or RFC-822; False when `text` is neither, None when it is but is invalid."""
    parsed = _parse_iso(text)
    return _parse_rfc822(text) if parsed is False else parsed


# --------------------------------------------------------------------------- text scanner


def _hour24(hour: int, marker: str | None) -> int:
    if not marker or hour > 12:
        return hour
    marker = marker.lower().replace(".", "").replace(" ", "")
    pm = marker in _PM or marker == "pm"
    if pm:
        return hour if hour == 12 else hour + 12
    return 0 if hour == 12 else hour  # ص / صباحا / am


def _numeric_order(a: int, b: int, locale: str) -> tuple[int, int] | None:
    """(day, month) of a numeric 'a/b/year': day first unless only month-first is valid."""
    month_first = locale.lower() in _MONTH_FIRST_LOCALES
    orders = [(b, a), (a, b)] if month_first else [(a, b), (b, a)]
    for day, month in orders:
        if 1 <= month <= 12 and 1 <= day <= 31:
            return day, month
    return None


def _from_match(m: re.Match[str], locale: str) -> datetime | None:
    """The datetime a scanner match spells out, or None when it is not a real date/time."""
    if m["iy"]:
        y, mo, d = int(m["iy"]), int(m["im"]), int(m["id"])
    elif m["ny"]:
        order = _numeric_order(int(m["na"]), int(m["nb"]), locale)
        if order is None:
            return None
        (d, mo), y = order, int(m["ny"])
    elif m["y"]:
        mo = _MONTH_BY_NAME[" ".join(m["m1"].lower().split())]
        if m["m2"] and _MONTH_BY_NAME[" ".join(m["m2"].lower().split())] != mo:
            logger.debug("paired month names disagree in %r", m[0])
            return None
        y, d = int(m["y"]), int(m["d"])
    else:
        y, mo, d = int(m["fy"]), _MONTH_BY_NAME[" ".join(m["fm"].lower().split())], int(m["fd"])

    tzinfo: tzinfo | None = None
    if m["th"] is not None:
        h, mi, s = int(m["th"]), int(m["tm"]), int(m["ts"] or 0)
        h = _hour24(h, m["ampm"])
        if m["place"] or m["abbr"]:
            place = " ".join((m["place"] or "السعودية").split())
            tzinfo = _zone(_PLACE_ZONES[place])
        elif m["tz"]:
            offset = m["tzo1"] or m["tzo2"]
            try:
                tzinfo = _offset(offset) if offset else UTC
            except ValueError:
                return None
    elif m["bh"] is not None:
        h, mi, s = int(m["bh"]), int(m["bm"]), int(m["bs"] or 0)
        if m["btz1"] or m["btz2"]:
            tzinfo = UTC
    else:
        h = mi = s = 0
    if h > 23 or mi > 59 or s > 59:
        # A broken time must not pass as midnight; keep the date only if the time is absent.
        return None
    return _build(y, mo, d, h, mi, s, tzinfo)


def _text_precision(m: re.Match[str]) -> Precision:
    if m["th"] is None and m["bh"] is None:
        return "day"
    return "second" if (m["ts"] or m["bs"]) else "minute"


def _machine_precision(text: str) -> Precision:
    iso = _ISO.fullmatch(text)
    if iso:
        return "day" if iso["h"] is None else "second" if iso["s"] else "minute"
    rfc = _RFC822.fullmatch(text)
    return "second" if rfc and rfc["s"] else "minute"


def _hijri(m: re.Match[str]) -> bool:
    """A numeric Hijri date ('1445/05/27 هـ'): pages print it beside the Gregorian one."""
    year = m["iy"] or m["ny"]
    return year is not None and HIJRI_YEARS[0] <= int(year) <= HIJRI_YEARS[1]


def _candidates(text: str, locale: str) -> list[tuple[str, datetime | None, Precision]]:
    norm = normalize_date_text(text)
    if not any(c.isdigit() for c in norm):
        return []  # every date form needs a digit; skip the scan of long prose
    return [
        (m[0], _from_match(m, locale), _text_precision(m))
        for m in _SCAN.finditer(norm)
        if not _hijri(m)
    ]


def date_end(text: str, *, locale: str = "ar") -> int | None:
    """Where the first date in `text` ends, as an index into normalize_date_text(text) (a
    line that carries two dates is cut there); None when it has none."""
    norm = normalize_date_text(text)
    if not any(c.isdigit() for c in norm):
        return None
    for m in _SCAN.finditer(norm):
        if not _hijri(m) and _from_match(m, locale) is not None:
            return m.end()
    return None


# --------------------------------------------------------------------------- public API


def parse_date(
    text: str, *, locale: str = "ar", tz: str | None = "UTC", now: datetime | None = None
) -> datetime | None:
    """Parse one date/datetime string as a page, meta tag, feed or sitemap shows it.

    Returns a tz-aware datetime in the site's timezone `tz` (IANA name, or a fixed offset
    '+03:00'), or None when nothing trustworthy is found. With `tz` None a text without an
    offset gives a FLOATING wall time and one with an offset keeps it. ISO-8601/W3C and
    RFC-822 take a fast path; anything else is read by the Arabic text scanner, which takes
    the first date in the string and nothing after it (a numeric Hijri date before the
    Gregorian one is passed over).
    """
    found = parse_date_precise(text, locale=locale, tz=tz, now=now)
    return found[0] if found else None


def parse_date_precise(
    text: str, *, locale: str = "ar", tz: str | None = "UTC", now: datetime | None = None
) -> tuple[datetime, Precision] | None:
    """`parse_date` with the precision the text spelled out ('day' when it shows no time)."""
    if not text or not text.strip():
        return None
    text = normalize_date_text(text) if not text.isascii() else text
    parsed = _machine(text)
    if parsed is not False:
        if parsed is None:
            logger.debug("invalid machine date %r", text)
        dt = _accept(parsed or None, tz, now, text)
        return (dt, _machine_precision(text.strip())) if dt else None
    found = _candidates(text, locale)
    if not found:
        logger.debug("no date in %r", text)
        return None
    raw, dt, precision = found[0]
    if dt is None:
        logger.debug("impossible date %r in %r", raw, text)
    accepted = _accept(dt, tz, now, text)
    return (accepted, precision) if accepted else None


def parse_machine_date(text: str | None, *, tz: str = "UTC") -> datetime | None:
    """ISO-8601/W3C or RFC-822 only, as feeds and sitemaps write them, in zone `tz`.

    No plausibility check: a sitemap's lastmod of 1 January is a real date, not a default.
    """
    if not text or not text.strip():
        return None
    parsed = _machine(text.strip())
    return localise(parsed, tz) if parsed else None


def find_date(
    text: str, *, locale: str = "ar", tz: str | None = "UTC", now: datetime | None = None
) -> datetime | None:
    """The first trustworthy date in a longer text, e.g. a post-meta line
    'الأحد، ٤ أيلول ٢٠١٦ - 11:10 ص | سانا'. Impossible or rejected candidates are skipped.
    A year or a month with a year alone is not a date."""
    found = find_date_precise(text, locale=locale, tz=tz, now=now)
    return found[0] if found else None


def find_date_precise(
    text: str, *, locale: str = "ar", tz: str | None = "UTC", now: datetime | None = None
) -> tuple[datetime, Precision] | None:
    """`find_date` with the precision the text spelled out ('day' when it shows no time)."""
    if not text or not text.strip():
        return None
    for raw, dt, precision in _candidates(text, locale):
        accepted = _accept(dt, tz, now, raw)
        if accepted is not None:
            return accepted, precision
    return None


def to_iso(dt: datetime, tz: str | None) -> str:
    """ISO-8601 with the site's UTC offset for that instant, e.g. '2017-03-25T01:15:00+02:00'.

    A naive `dt` is read as wall time in `tz`, as parse_date does. With no clock (`tz` None) an
    aware `dt` keeps its own offset and a floating one is written without any
    ('2020-08-24T09:23:00'): a local time is never passed off as UTC. Seconds precision: no
    news site publishes sub-second times and stable strings compare and deduplicate better.
    """
    local = localise(dt, tz).replace(microsecond=0)
    return local.replace(tzinfo=None).isoformat() if local.tzinfo is FLOATING else local.isoformat()


def from_iso(text: str) -> datetime:
    """A stored ISO-8601 date as an aware datetime; one without an offset (a floating local
    time) is read as UTC, as storage and SQLite's julianday read it. ValueError if not ISO."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def declared_offset(text: str | None) -> tuple[datetime, timedelta] | None:
    """(instant, UTC offset) of a machine date (ISO-8601/W3C, RFC-822) that writes its offset;
    None when it writes none ('2020-08-24T09:23:00') or is not a machine date. A 'Z', 'GMT'
    or '+00:00' label is offset zero."""
    if not text or not text.strip():
        return None
    parsed = _machine(text.strip())
    if not isinstance(parsed, datetime) or parsed.tzinfo is None:
        return None
    offset = parsed.utcoffset()
    return (parsed, offset) if offset is not None else None
