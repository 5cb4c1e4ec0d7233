"""Arabic date parsing: month names of every dialect, digits, times, machine formats, traps."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from bench.layoutgen.dates import SPELLINGS as LAYOUTGEN_SPELLINGS
from crawler.dates import (
    MONTH_NAMES,
    find_date,
    find_date_precise,
    from_iso,
    is_floating,
    normalize_date_text,
    parse_date,
    parse_date_precise,
    rejection_reason,
    to_iso,
)

DAMASCUS = "Asia/Damascus"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def iso(text: str, *, tz: str = DAMASCUS, locale: str = "ar", find: bool = False) -> str | None:
    fn = find_date if find else parse_date
    dt = fn(text, locale=locale, tz=tz, now=NOW)
    return None if dt is None else to_iso(dt, tz)


# --------------------------------------------------------------------------- month names

# Two tables of month names, tested against each other rather than written a third time: the
# parser's (crawler.dates.MONTH_NAMES, every spelling it reads) and the layout generator's
# (bench/layoutgen/dates.py SPELLINGS, every spelling its pages print, by region).
_HAMZA_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def _arabic(name: str) -> bool:
    return not name.isascii() and not any("a" <= c.lower() <= "z" for c in name)


def _variants(name: str) -> list[tuple[str, str]]:
    """How pages spell one printed name besides as written: hamza-less alef, harakat and a
    shadda, tatweel, alef maqsura for a final yeh, the other of ة/ه."""
    out = [("as-written", name)]
    if not _arabic(name):
        return [*out, ("upper", name.upper())]
    if name.translate(_HAMZA_FORMS) != name:
        out.append(("no-hamza", name.translate(_HAMZA_FORMS)))
    out.append(("harakat", name[0] + "\u064e" + name[1:] + "\u0651"))
    out.append(("tatweel", name[0] + "\u0640\u0640" + name[1:]))
    if name.endswith("ي"):
        out.append(("alef-maqsura", name[:-1] + "ى"))
    if name[-1] in "ةه":
        out.append(("ta-ha", name[:-1] + ("ه" if name[-1] == "ة" else "ة")))
    return out


def _month_tables() -> list[tuple[str, list[tuple[int, str]]]]:
    parser = [(month, name) for month, names in MONTH_NAMES.items() for name in names]
    generator = [
        (f"layoutgen-{region}", [(m, name) for m, names in enumerate(months, 1) for name in names])
        for region, months in LAYOUTGEN_SPELLINGS.items()
    ]
    return [("parser", parser), *generator]


MONTH_CASES = sorted(
    {
        (f"{table}-{form}", spelled, month)
        for table, pairs in _month_tables()
        for month, name in pairs
        for form, spelled in _variants(name)
    }
)


@pytest.mark.parametrize("digits", ["western", "eastern", "persian"])
@pytest.mark.parametrize(
    ("dialect", "name", "month"), MONTH_CASES, ids=[f"{d}-{m:02d}-{n}" for d, n, m in MONTH_CASES]
)
def test_every_month_name_in_every_digit_system(
    dialect: str, name: str, month: int, digits: str
) -> None:
    text = f"15 {name} 2019"
    if digits == "eastern":
        text = text.translate(EASTERN)
    elif digits == "persian":
        text = text.translate(PERSIAN)
    expected = datetime(2019, month, 15, tzinfo=ZoneInfo(DAMASCUS)).isoformat()
    assert iso(text) == expected
    assert iso(f"نشر في {text} في دمشق", find=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 كانون الثّاني 2017", "2017-01-04T00:00:00+02:00"),
        ("11 تشرين الأوّل 2016", "2016-10-11T00:00:00+03:00"),
        ("16 تِشْرِين الثَّانِي 2016", "2016-11-16T00:00:00+02:00"),
        ("22 أيّار 2016", "2016-05-22T00:00:00+03:00"),
        ("15 حَزِيرَان 2016", "2016-06-15T00:00:00+03:00"),
        ("14 شُبَاط 2017", "2017-02-14T00:00:00+02:00"),
        ("7 كانـــون الأول 2016", "2016-12-07T00:00:00+02:00"),  # tatweel
        ("9 آبْ 2016", "2016-08-09T00:00:00+03:00"),
        ("12 نَيْسَان 2016", "2016-04-12T00:00:00+03:00"),
        ("5 نوڤمبر 2019", "2019-11-05T00:00:00+02:00"),  # Maghrebi ڤ
        ("8 فيڤري 2019", "2019-02-08T00:00:00+02:00"),
        ("6\u00a0آذار\u00a02017", "2017-03-06T00:00:00+02:00"),  # no-break spaces
        ("\u200f6 آذار 2017\u200f", "2017-03-06T00:00:00+02:00"),  # RLM marks
        ("13 ديسمبر2018", "2018-12-13T00:00:00+02:00"),  # year glued to the month (assabah)
        ("03 يونيو 2020م", "2020-06-03T00:00:00+03:00"),  # م after a year is AD, not PM
        ("5 من آذار 2017", "2017-03-05T00:00:00+02:00"),
    ],
)
def test_harakat_shadda_tatweel_and_spacing(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 مارس/ آذار 2020", "2020-03-17T00:00:00+02:00"),
        ("17 مارس/آذار 2020", "2020-03-17T00:00:00+02:00"),
        ("28 آب/اغسطس 2013", "2013-08-28T00:00:00+03:00"),
        ("5 آذار (مارس) 2017", "2017-03-05T00:00:00+02:00"),
        ("16 تشرين الثاني/نوفمبر 2016", "2016-11-16T00:00:00+02:00"),
        ("14 شباط - فبراير 2017", "2017-02-14T00:00:00+02:00"),
        ("١٨ كانون الثاني (يناير) ٢٠١٧", "2017-01-18T00:00:00+02:00"),
        ("17 مارس/ نيسان 2020", None),  # the two names disagree: not trustworthy
        ("تشرين الثاني/نوفمبر 2018", None),  # no day
        ("آذار (مارس) 2017", None),
    ],
)
def test_paired_month_forms(text: str, expected: str | None) -> None:
    assert iso(text) == expected


WEEKDAYS = [
    ("الأحد", 4),
    ("الاثنين", 5),
    ("الإثنين", 5),
    ("الثلاثاء", 6),
    ("الأربعاء", 7),
    ("الخميس", 8),
    ("الجمعة", 9),
    ("السبت", 10),
]


@pytest.mark.parametrize("sep", ["، ", " ", ", ", " - "])
@pytest.mark.parametrize(("weekday", "day"), WEEKDAYS)
def test_weekday_prefixes(weekday: str, day: int, sep: str) -> None:
    expected = f"2016-09-{day:02d}T00:00:00+03:00"
    assert iso(f"{weekday}{sep}{day} أيلول 2016") == expected
    assert iso(f"{weekday}{sep}{day} سبتمبر 2016".translate(EASTERN)) == expected


# --------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", "2020-10-07T12:09:00+03:00"),
        ("الأحد، ٤ أيلول ٢٠١٦ - 11:10 ص", "2016-09-04T11:10:00+03:00"),
        ("21 أغسطس 2020 09:06 م", "2020-08-21T21:06:00+03:00"),
        ("24 أغسطس 2020 09:23 ص", "2020-08-24T09:23:00+03:00"),
        ("25 ديسمبر 2020 | 12:30 ص", "2020-12-25T00:30:00+02:00"),
        ("25 ديسمبر 2020 | 2:01 ص", "2020-12-25T02:01:00+02:00"),
        ("2020/12/25 - 1:59 صباحًا", "2020-12-25T01:59:00+02:00"),
        ("25 ديسمبر 2020 - 8:15 مساءً", "2020-12-25T20:15:00+02:00"),
        ("25 ديسمبر 2020 الساعة 8:15 مساءً", "2020-12-25T20:15:00+02:00"),
        ("25 ديسمبر 2020 - 14:05", "2020-12-25T14:05:00+02:00"),  # 24h
        ("25 ديسمبر 2020 - 14:05 م", "2020-12-25T14:05:00+02:00"),  # redundant PM mark
        ("25 ديسمبر 2020 - ٠٨:٠٥:٣٠ م", "2020-12-25T20:05:30+02:00"),
        ("8/24/2020 9:23:13 AM", "2020-08-24T09:23:13+03:00"),
        ("9/23/2019 11:27:27 PM", "2019-09-23T23:27:27+03:00"),
        ("GMT 17:27 17.03.2020", "2020-03-17T19:27:00+02:00"),  # Sputnik: GMT time first
        ("17:49 GMT 17.03.2020", "2020-03-17T19:49:00+02:00"),
        ("28 آب/اغسطس 2013 14:00 (GMT+0400)", "2013-08-28T13:00:00+03:00"),
        ("7 آذار 2017 10:00 GMT", "2017-03-07T12:00:00+02:00"),
        ("7 آذار 2017 10:00 بتوقيت غرينتش", "2017-03-07T12:00:00+02:00"),
        ("2019-06-20 | 14:14", "2019-06-20T14:14:00+03:00"),
        ("25 ديسمبر 2020 - 25:10", None),  # impossible clock time
        ("25 ديسمبر 2020 - 10:75", None),
    ],
)
def test_times_am_pm_and_24h(text: str, expected: str | None) -> None:
    assert iso(text) == expected


# --------------------------------------------------------------------------- numeric dates


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("17/03/2020", "ar", "2020-03-17T00:00:00+02:00"),
        ("17.03.2020", "ar", "2020-03-17T00:00:00+02:00"),
        ("17-03-2020", "ar", "2020-03-17T00:00:00+02:00"),
        ("١٧/٠٣/٢٠٢٠", "ar", "2020-03-17T00:00:00+02:00"),
        ("۱۷/۰۳/۲۰۲۰", "ar", "2020-03-17T00:00:00+02:00"),
        ("03/04/2020", "ar", "2020-04-03T00:00:00+03:00"),  # ambiguous: day first
        ("03/04/2020", "en-US", "2020-03-04T00:00:00+02:00"),
        ("2019/02/08", "ar", "2019-02-08T00:00:00+02:00"),
        ("٢٠١٩/٠٢/٠٨", "ar", "2019-02-08T00:00:00+02:00"),
        ("2019.02.08", "ar", "2019-02-08T00:00:00+02:00"),
        ("30/02/2020", "ar", None),
        ("17/13/2020", "ar", None),
        ("13/13/2020", "ar", None),
    ],
)
def test_numeric_dates_day_first(text: str, locale: str, expected: str | None) -> None:
    assert iso(text, locale=locale) == expected


# --------------------------------------------------------------------------- machine formats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # sitemaps / W3C
        ("2017-03-24T23:15:00+00:00", "2017-03-25T01:15:00+02:00"),
        ("2017-03-24T23:15:00Z", "2017-03-25T01:15:00+02:00"),
        ("2017-03-24T23:15:00.123456Z", "2017-03-25T01:15:00+02:00"),
        ("2017-03-24", "2017-03-24T00:00:00+02:00"),  # date only: local midnight
        ("2017-03-20 12:30:00", "2017-03-20T12:30:00+02:00"),  # naive: local time
        ("2016-07-19T23:55:00+03:00", "2016-07-19T23:55:00+03:00"),
        ("2016-07-19T16:55:00-04:00", "2016-07-19T23:55:00+03:00"),
        ("2016-07-19T20:55:00Z", "2016-07-19T23:55:00+03:00"),
        ("2016-11-16T16:45:00+0200", "2016-11-16T16:45:00+02:00"),
        ("2020-06-03T03:01+0400", "2020-06-03T02:01:00+03:00"),
        ("2020-12-24T23:59:50+00:00", "2020-12-25T01:59:50+02:00"),
        ("  2017-03-24T23:15:00+00:00\n", "2017-03-25T01:15:00+02:00"),
        ("٢٠١٧-٠٣-٢٤T٢٣:١٥:٠٠+٠٠:٠٠", "2017-03-25T01:15:00+02:00"),
        # feeds / RFC-822
        ("Sat, 25 Mar 2017 00:15:00 +0000", "2017-03-25T02:15:00+02:00"),
        ("Fri, 24 Mar 2017 23:15:00 GMT", "2017-03-25T01:15:00+02:00"),
        ("Fri, 24 Mar 2017 18:15:00 EST", "2017-03-25T01:15:00+02:00"),
        ("Tue, 19 Jul 2016 23:55:00 +0300", "2016-07-19T23:55:00+03:00"),
        ("Tue, 19 Jul 2016 20:55:00 -0000", "2016-07-19T23:55:00+03:00"),
        ("Mon, 20 Mar 2017 12:30:00", "2017-03-20T12:30:00+02:00"),  # no zone: local
        ("Sat, 25 Mar 17 00:15:00 +0000", "2017-03-25T02:15:00+02:00"),
        ("25 Mar 2017 00:15 +0000", "2017-03-25T02:15:00+02:00"),
        # Arabic strings wrongly put in article:published_time
        ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", "2020-10-07T12:09:00+03:00"),
        # DST gap: Damascus skipped 00:00-01:00 on 2016-03-25, so the day starts at 01:00
        ("2016-03-25", "2016-03-25T01:00:00+03:00"),
    ],
)
def test_machine_formats_into_damascus_with_dst(text: str, expected: str) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("2020-06-03T03:01+0400", "Asia/Dubai", "2020-06-03T03:01:00+04:00"),
        ("2020-03-15 20:18:45 GST", "Asia/Dubai", "2020-03-15T20:18:45+04:00"),
        ("Sat, 25 Mar 2017 00:15:00 +0000", "UTC", "2017-03-25T00:15:00+00:00"),
        ("الجمعة 8 فيفري 2019", "Africa/Tunis", "2019-02-08T00:00:00+01:00"),
        ("2020-10-07T12:09:00", "Africa/Cairo", "2020-10-07T12:09:00+02:00"),
    ],
)
def test_other_site_timezones(text: str, tz: str, expected: str) -> None:
    assert iso(text, tz=tz) == expected


def test_result_is_aware_in_site_zone() -> None:
    dt = parse_date("Sat, 25 Mar 2017 00:15:00 +0000", tz=DAMASCUS, now=NOW)
    assert dt is not None
    assert dt.tzinfo == ZoneInfo(DAMASCUS)
    assert dt == datetime(2017, 3, 25, 0, 15, tzinfo=UTC)


# --------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2024",
        "2024-03",
        "شباط 2024",
        "آب",
        "شباط",
        "14 آب",
        "آذار 2017",
        "تشرين الثاني/نوفمبر 2018",
        "31 شباط 2024",
        "32 آذار 2017",
        "0 آذار 2017",
        "2017-02-30",
        "2017-13-01",
        "2017-03-24T25:00:00",
        "Sat, 31 Feb 2017 00:15:00 +0000",
        "garbage",
        "lorem ipsum dolor",
        "لا يوجد تاريخ هنا",
        "17:55 GMT",
        "12:09 م",
        "20 صفر 1442 هـ",
        "2017-03-24T23:15:00+25:00",
        # future (NOW is 2026-06-01 12:00 UTC)
        "2030-01-05",
        "5 آذار 2030",
        "Thu, 04 Jun 2026 00:00:00 +0000",
        "2026-06-03T12:00:00Z",
        # Jan-1 midnight: the htmldate/trafilatura fallback
        "1 كانون الثاني 2017",
        "2017-01-01",
        "2017-01-01T00:00:00Z",
        "2017-01-01T00:00:00+02:00",
        "01/01/2020",
        "Sun, 01 Jan 2017 00:00:00 +0000",
        # too old
        "23 أبريل 1966",
        "1970-01-02T00:00:00Z",
        "31 كانون الأول 1989",
    ],
)
def test_untrustworthy_strings_give_none(text: str) -> None:
    assert parse_date(text, tz=DAMASCUS, now=NOW) is None
    assert find_date(text, tz=DAMASCUS, now=NOW) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # dateparser(languages=['ar']) gives None here, and with defaults '14 آب' becomes *now*
        ("15 شباط 2024", "2024-02-15T00:00:00+03:00"),  # Syria: +03:00 all year since 2022
        ("14 آب 2024", "2024-08-14T00:00:00+03:00"),
        ("1 كانون الثاني 2017 10:30 ص", "2017-01-01T10:30:00+02:00"),  # Jan 1 with a time is real
        ("2017-01-01T00:00:00+00:00", None),  # its own clock says 00:00 on Jan 1: the default
        ("2026-06-02T06:00:00Z", "2026-06-02T09:00:00+03:00"),  # within the one-day tolerance
    ],
)
def test_dateparser_traps_and_boundaries(text: str, expected: str | None) -> None:
    assert iso(text) == expected


@pytest.mark.parametrize(
    ("dt", "reason"),
    [
        (datetime(2017, 3, 25, 1, 15, tzinfo=ZoneInfo(DAMASCUS)), None),
        (NOW + timedelta(hours=23), None),
        (NOW + timedelta(days=1, seconds=1), "future"),
        (datetime(2031, 1, 1, 10, tzinfo=UTC), "future"),
        (datetime(1989, 12, 31, 23, 59, tzinfo=UTC), "too_old"),
        (datetime(1970, 1, 1, tzinfo=UTC), "too_old"),
        (datetime(2020, 1, 1, tzinfo=UTC), "jan1_default"),
        (datetime(2020, 1, 1, tzinfo=ZoneInfo(DAMASCUS)), "jan1_default"),
        (datetime(2020, 1, 1), "jan1_default"),  # naive: read as UTC
        (datetime(2020, 1, 1, 0, 0, 1, tzinfo=UTC), None),
        (datetime(2020, 1, 2, tzinfo=UTC), None),
        (datetime(2020, 6, 1, tzinfo=timezone(timedelta(hours=4))), None),
    ],
)
def test_rejection_reason(dt: datetime, reason: str | None) -> None:
    assert rejection_reason(dt, now=NOW) == reason


def test_rejection_reason_defaults_to_the_real_clock() -> None:
    assert rejection_reason(datetime.now(UTC) + timedelta(days=3)) == "future"
    assert rejection_reason(datetime.now(UTC) - timedelta(days=3)) is None


# --------------------------------------------------------------------------- to_iso


@pytest.mark.parametrize(
    ("dt", "tz", "expected"),
    [
        (datetime(2016, 7, 19, 20, 55, tzinfo=UTC), DAMASCUS, "2016-07-19T23:55:00+03:00"),
        (datetime(2017, 3, 24, 23, 15, tzinfo=UTC), DAMASCUS, "2017-03-25T01:15:00+02:00"),
        (datetime(2016, 7, 19, 23, 55), DAMASCUS, "2016-07-19T23:55:00+03:00"),  # naive: local
        (
            datetime(2017, 3, 25, 1, 15, 0, 999_999, tzinfo=ZoneInfo(DAMASCUS)),
            DAMASCUS,
            "2017-03-25T01:15:00+02:00",
        ),
        (
            datetime(2017, 3, 31, 12, 0, tzinfo=ZoneInfo(DAMASCUS)),
            DAMASCUS,
            "2017-03-31T12:00:00+03:00",
        ),  # DST started that night
        (
            datetime(2020, 6, 3, 3, 1, tzinfo=timezone(timedelta(hours=4))),
            "Asia/Dubai",
            "2020-06-03T03:01:00+04:00",
        ),
        (
            datetime(2020, 6, 3, 3, 1, tzinfo=timezone(timedelta(hours=4))),
            "UTC",
            "2020-06-02T23:01:00+00:00",
        ),
    ],
)
def test_to_iso_uses_the_offset_of_that_instant(dt: datetime, tz: str, expected: str) -> None:
    assert to_iso(dt, tz) == expected


def test_to_iso_damascus_summer_and_winter() -> None:
    summer = parse_date("الثلاثاء، 19 تموز 2016", tz=DAMASCUS, now=NOW)
    winter = parse_date("2017-03-24T23:15:00+00:00", tz=DAMASCUS, now=NOW)
    assert summer is not None
    assert winter is not None
    assert to_iso(summer, DAMASCUS) == "2016-07-19T00:00:00+03:00"  # the instant, not a suffix
    assert to_iso(winter, DAMASCUS) == "2017-03-25T01:15:00+02:00"


def test_unknown_timezone_is_a_configuration_error() -> None:
    with pytest.raises(KeyError):
        parse_date("2017-03-24", tz="Mars/Olympus_Mons", now=NOW)


# --------------------------------------------------------------------------- find_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الأحد، ٤ أيلول ٢٠١٦ - 11:10 ص | سانا", "2016-09-04T11:10:00+03:00"),
        ("بقلم سامر الحلبي | الأحد، 22 أيار 2016 | 0 تعليقات", "2016-05-22T00:00:00+03:00"),
        ("القاهرة: الأربعاء، 07 أكتوبر 2020 12:19 م", "2020-10-07T12:19:00+03:00"),
        ("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)", "2013-08-28T00:00:00+03:00"),
        ("نُشر في تشرين الثاني/نوفمبر 2018 وحدّث في 20 يونيو 2019", "2019-06-20T00:00:00+03:00"),
        ("31 شباط 2024 ثم 1 آذار 2024", "2024-03-01T00:00:00+03:00"),  # impossible one skipped
        ("5 آذار 2030 أو 5 آذار 2020", "2020-03-05T00:00:00+02:00"),  # future one skipped
        ("GMT 17:27 17.03.2020 (محدثة GMT 17:49 17.03.2020)", "2020-03-17T19:27:00+02:00"),
        ("منذ بداية الحراك الشعبي في 13 ديسمبر2018 ونحن", "2018-12-13T00:00:00+02:00"),
        ("جريدة الصباح بتاريخ 2019/02/08", "2019-02-08T00:00:00+02:00"),
        ("ديسمبر 25, 2020", "2020-12-25T00:00:00+02:00"),  # WordPress 'F j, Y'
        ("November 9, 2020", "2020-11-09T00:00:00+02:00"),
        ("updated 2020-08-24T09:23:13Z by", "2020-08-24T12:23:13+03:00"),
        ("https://www.youm7.com/story/2020/8/24/وزير", None),  # a URL path is not a displayed date
        ("زر الذهاب إلى الأعلى", None),
        ("ولدت عام 1929 ورحلت سنة 1966", None),
    ],
)
def test_find_date_in_post_meta_lines(text: str, expected: str | None) -> None:
    assert iso(text, find=True) == expected


# --------------------------------------------------------------------------- real corpus pages

# (page, a displayed or meta string copied from it, site zone, expected ISO)
CORPUS_STRINGS = [
    (
        "akhbarelyom.com/article-3126898-naima-akef.html",
        "الأربعاء، 07 أكتوبر 2020 - 12:09 م",
        "Africa/Cairo",
        "2020-10-07T12:09:00+02:00",
    ),
    (
        "akhbarelyom.com/article-3126898-naima-akef.html",
        "القاهرة: الأربعاء، 07 أكتوبر 2020 12:19 م",
        "Africa/Cairo",
        "2020-10-07T12:19:00+02:00",
    ),
    (
        "youm7.com/article-2020-8-24-4943459-irrigation-minister.html",
        "الإثنين، 24 أغسطس 2020 09:23 ص",
        "Africa/Cairo",
        "2020-08-24T09:23:00+02:00",
    ),
    (
        "youm7.com/article-2020-8-24-4943459-irrigation-minister.html",
        "8/24/2020 9:23:13 AM",
        "Africa/Cairo",
        "2020-08-24T09:23:13+02:00",
    ),
    (
        "youm7.com/article-2024-5-13-6573469-electric-taxi.html",
        "الإثنين، 13 مايو 2024 06:00 ص",
        "Africa/Cairo",
        "2024-05-13T06:00:00+03:00",
    ),
    (
        "albayan.ae/article-2020-06-03-1.3874341.html",
        "03 يونيو 2020م",
        "Asia/Dubai",
        "2020-06-03T00:00:00+04:00",
    ),
    (
        "albayan.ae/article-2020-06-03-1.3874341.html",
        "2020-06-03T03:01+0400",
        "Asia/Dubai",
        "2020-06-03T03:01:00+04:00",
    ),
    (
        "alfajertv.com/article-4037470-qatar-gaza-grants.html",
        "الخميس 20 يونيو 2019",
        "Asia/Gaza",
        "2019-06-20T00:00:00+03:00",
    ),
    (
        "alfajertv.com/article-4037470-qatar-gaza-grants.html",
        "تشرين الثاني/نوفمبر 2018",
        "Asia/Gaza",
        None,
    ),
    (
        "arabic.sputniknews.com/article-202003171044893040-egypt-covid-cases.html",
        "17 مارس/ آذار 2020",
        "UTC",
        "2020-03-17T00:00:00+00:00",
    ),
    (
        "arabic.sputniknews.com/article-202003171044893040-egypt-covid-cases.html",
        '<span class="m-timezone">GMT</span> 17:27 17.03.2020',
        "Europe/Moscow",
        "2020-03-17T20:27:00+03:00",
    ),
    (
        "assabah.com.tn/article-khaled-abdelkarim-masa-interview.html",
        "الجمعة 8 فيفري 2019",
        "Africa/Tunis",
        "2019-02-08T00:00:00+01:00",
    ),
    (
        "elbaladtv.net/article-2020-12-turki-al-sheikh-covid.html",
        "25 ديسمبر 2020 | 2:01 ص",
        "Africa/Cairo",
        "2020-12-25T02:01:00+02:00",
    ),
    (
        "elbaladtv.net/article-2020-12-turki-al-sheikh-covid.html",
        "2020/12/25 - 1:59 صباحًا",
        "Africa/Cairo",
        "2020-12-25T01:59:00+02:00",
    ),
    (
        "elbaladtv.net/article-2020-12-turki-al-sheikh-covid.html",
        "2020-12-24T23:59:50+00:00",
        "Africa/Cairo",
        "2020-12-25T01:59:50+02:00",
    ),
    (
        "fatehwatan.ps/article-page-183525.html",
        "2019-06-20 | 14:14",
        "Asia/Hebron",
        "2019-06-20T14:14:00+03:00",
    ),
    (
        "arabic.cnn.com/article-2013-syria-clashes.html",
        "الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)",
        "Asia/Dubai",
        "2013-08-28T00:00:00+04:00",
    ),
    (
        "aljazeera.net/article-2019-9-23-aramco-attack-iran-statement.html",
        "2019-09-23T23:27:27+00:00",
        "Asia/Qatar",
        "2019-09-24T02:27:27+03:00",
    ),
    ("sana.sy-replica/article-532871.html", "24-03-2017", DAMASCUS, "2017-03-24T00:00:00+02:00"),
]


def _page_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1256")


@pytest.mark.parametrize(
    ("page", "shown", "tz", "expected"),
    CORPUS_STRINGS,
    ids=[f"{p.split('/')[0]}-{i}" for i, (p, *_) in enumerate(CORPUS_STRINGS)],
)
def test_real_corpus_strings(
    corpus_dir: Path, page: str, shown: str, tz: str, expected: str | None
) -> None:
    assert shown in _page_text(corpus_dir / page), "the test string must be copied from the page"
    text = lxml.html.fromstring(f"<p>{shown}</p>").text_content()
    assert iso(text, tz=tz, find=True) == expected


# The 14 al-Watan replica articles (README table), published April 2016 to March 2017.
ALWATAN_ARTICLES = [
    61234,
    64051,
    66820,
    69402,
    71177,
    73520,
    75903,
    78415,
    80660,
    84210,
    87355,
    90418,
    93580,
    94762,
]


@pytest.mark.parametrize("article", ALWATAN_ARTICLES)
def test_alwatan_post_meta_date_matches_gold(corpus_dir: Path, article: int) -> None:
    """The `span.date.meta-item` in `#single-post-meta` gives the gold publication day."""
    path = corpus_dir / "alwatan.sy-replica" / f"article-{article}.html"
    gold = json.loads(path.with_suffix(".gold.json").read_text("utf-8"))
    tree = lxml.html.fromstring(path.read_bytes())
    spans = tree.xpath(
        "//*[@id='single-post-meta']//span[contains(concat(' ', @class, ' '),"
        " ' date ') and contains(@class, 'meta-item')]"
    )
    assert spans, "post meta date not found"
    shown = spans[0].text_content()
    dt = find_date(shown, tz=DAMASCUS, now=NOW)
    assert dt is not None, shown
    published = datetime.fromisoformat(gold["published"])
    assert dt.date() == published.date()
    assert to_iso(dt, DAMASCUS)[19:] == published.isoformat()[19:]  # same DST offset


def test_every_levantine_month_is_displayed_in_the_alwatan_replica(corpus_dir: Path) -> None:
    months = set()
    for path in (corpus_dir / "alwatan.sy-replica").glob("*.html"):
        tree = lxml.html.fromstring(path.read_bytes())
        for span in tree.xpath("//span[contains(@class, 'meta-item')]"):
            dt = find_date(span.text_content(), tz=DAMASCUS, now=NOW)
            if dt is not None:
                months.add(dt.month)
    assert months == set(range(1, 13))


# --------------------------------------------------------------------------- helpers, speed


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("كانون الثّاني", "كانون الثاني"),
        ("أيار إبريل آذار", "ايار ابريل اذار"),
        ("كانـــون", "كانون"),
        ("الثانى", "الثاني"),
    ],
)
def test_normalize_date_text(raw: str, normalised: str) -> None:
    assert normalize_date_text(raw) == normalised


@pytest.mark.parametrize(
    "text",
    [
        "2017-03-24T23:15:00+00:00",
        "Sat, 25 Mar 2017 00:15:00 +0000",
        "الأربعاء، 07 أكتوبر 2020 - 12:09 م",
    ],
)
def test_parse_is_well_under_a_millisecond(text: str) -> None:
    parse_date(text, tz=DAMASCUS, now=NOW)
    n = 500
    start = time.perf_counter()
    for _ in range(n):
        parse_date(text, tz=DAMASCUS, now=NOW)
    assert (time.perf_counter() - start) / n < 0.001


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("17-يونيو-2019", "2019-06-17T00:00:00", "day"),
        ("١١-أبريل-٢٠٢٤ على الساعة ٠٤:١٨ ص", "2024-04-11T04:18:00", "minute"),
        ("17 يونيو، 2019", "2019-06-17T00:00:00", "day"),
        ("17 / 6 / 2019", "2019-06-17T00:00:00", "day"),
        ("07/01/2022 على الساعة 02:28 م", "2022-01-07T14:28:00", "minute"),
        ("12 مايو 2020 في تمام الساعة 10:30", "2020-05-12T10:30:00", "minute"),
        ("الأحد 27 جمادى الأولى 1445هـ - 10 ديسمبر 2023م", "2023-12-10T00:00:00", "day"),
        ("1445/05/27 هـ الموافق 10/12/2023", "2023-12-10T00:00:00", "day"),  # Hijri passed over
        ("2020-03-17T17:27:41+00:00", "2020-03-17T17:27:41", "second"),
        ("2020-03-17", "2020-03-17T00:00:00", "day"),
        ("2020-03-17 17:27", "2020-03-17T17:27:00", "minute"),
        ("Tue, 17 Mar 2020 17:27 +0000", "2020-03-17T17:27:00", "minute"),
        ("منذ 3 ساعات", None, None),  # a relative time is never a date
        ("قبل ساعة", None, None),
    ],
)
def test_parse_date_precise_formats_and_precision(
    text: str, expected: str | None, precision: str | None
) -> None:
    found = parse_date_precise(text, tz="UTC", now=NOW)
    assert found is not None if expected else found is None
    if found:
        assert (found[0].replace(tzinfo=None).isoformat(), found[1]) == (expected, precision)
    assert find_date_precise(f"نشر في {text} | اقرأ أيضاً", tz="UTC", now=NOW) == found


# --------------------------------------------------------------------------- floating times


def test_a_floating_local_time_is_stored_without_an_offset_and_compared_as_utc() -> None:
    """No clock known (tz None): the wall time stays as shown, never passed off as UTC."""
    local = parse_date("10 يوليو 2023 09:15", tz=None, now=NOW)
    assert local is not None and is_floating(local)
    assert to_iso(local, None) == "2023-07-10T09:15:00"
    assert to_iso(local, "Asia/Amman") == "2023-07-10T09:15:00+03:00"  # the clock, once known
    declared = parse_date("2023-07-10T09:15:00+03:00", tz=None, now=NOW)
    assert declared is not None and to_iso(declared, None) == "2023-07-10T09:15:00+03:00"
    assert from_iso("2023-07-10T09:15:00") == datetime(2023, 7, 10, 9, 15, tzinfo=UTC)


def test_since_filter_takes_a_floating_published_at() -> None:
    """`-a since=` compared an offset-less published_at with an aware date: a TypeError."""
    from crawler.record import ArticleItem
    from pipelines.validate import ValidatePipeline

    pipeline = ValidatePipeline(min_words=1, stats=None)
    pipeline.since = datetime(2023, 7, 11, tzinfo=UTC)
    item = ArticleItem(
        url="https://news.example/a/1",
        site="demo",
        found_via="feed",
        title="عنوان",
        body="نص " * 30,
        word_count=30,
        language="ar",
        page_kind="article",
        published_at="2023-07-10T09:15:00",
    )
    assert pipeline.reason(item) == "before_since"
