"""Dates as Arabic news pages print them, and the machine-readable forms CMSs declare.

Month names by region (Egyptian/Gulf, Levantine, Moroccan, Algerian/Tunisian, Mauritanian), in
every spelling in use (SPELLINGS, the one table of month names), doubled names
("17 مارس/ آذار 2020"), hyphen-joined ("17-يونيو-2019"), Hijri + Gregorian pairs, Eastern Arabic
digits, 12-hour clocks with ص/م. The tabular Hijri calendar is enough here: the Hijri half is
something the extractor must not be fooled by, not a gold value.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

# Every Gregorian month spelling in use in the Arab world, by region: for each month, the
# spelling the region's sites print most first, then the others real pages carry (hamza or madda
# dropped, Egyptian «يونيه/يوليه», «كانون ثاني»). This is the one table of month names: MONTHS
# (the first spelling of each month) is derived from it, and so is everything else that writes one.
SPELLINGS: dict[str, tuple[tuple[str, ...], ...]] = {
    # Egypt, Sudan, the Gulf, Yemen, Libya: the transliterated names.
    "egyptian": (
        ("يناير",),
        ("فبراير",),
        ("مارس",),
        ("أبريل", "إبريل", "ابريل"),
        ("مايو",),
        ("يونيو", "يونيه"),
        ("يوليو", "يوليه"),
        ("أغسطس", "اغسطس"),
        ("سبتمبر",),
        ("أكتوبر", "اكتوبر"),
        ("نوفمبر",),
        ("ديسمبر",),
    ),
    # Syria, Lebanon, Jordan, Palestine, Iraq: the Syriac names.
    "levantine": (
        ("كانون الثاني", "كانون ثاني"),
        ("شباط",),
        ("آذار", "اذار"),
        ("نيسان",),
        ("أيار", "ايار"),
        ("حزيران",),
        ("تموز",),
        ("آب", "اب"),
        ("أيلول", "ايلول"),
        ("تشرين الأول", "تشرين أول", "تشرين اول"),
        ("تشرين الثاني", "تشرين ثاني"),
        ("كانون الأول", "كانون أول"),
    ),
    # Morocco: French-derived spellings of the Latin names.
    "moroccan": (
        ("يناير",),
        ("فبراير",),
        ("مارس",),
        ("أبريل", "ابريل"),
        ("ماي",),
        ("يونيو",),
        ("يوليوز",),
        ("غشت",),
        ("شتنبر",),
        ("أكتوبر", "اكتوبر"),
        ("نونبر",),
        ("دجنبر",),
    ),
    # Algeria and Tunisia: the French names.
    "algerian": (
        ("جانفي",),
        ("فيفري",),
        ("مارس",),
        ("أفريل", "افريل"),
        ("ماي",),
        ("جوان",),
        ("جويلية", "جويليه"),
        ("أوت", "اوت"),
        ("سبتمبر",),
        ("أكتوبر", "اكتوبر"),
        ("نوفمبر",),
        ("ديسمبر",),
    ),
    # Mauritania: «أغشت», «شتمبر», «دجمبر».
    "mauritanian": (
        ("يناير",),
        ("فبراير",),
        ("مارس",),
        ("إبريل", "أبريل"),
        ("مايو",),
        ("يونيو",),
        ("يوليو",),
        ("أغشت",),
        ("سبتمبر", "شتمبر"),
        ("أكتوبر",),
        ("نوفمبر",),
        ("دجمبر",),
    ),
}
SPELLINGS["tunisian"] = SPELLINGS["algerian"]
MONTHS = {region: tuple(m[0] for m in months) for region, months in SPELLINGS.items()}
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
HIJRI_MONTHS = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Site time zones as fixed offsets (the page's wall clock).
OFFSETS = {
    "levantine": 3,
    "egyptian": 2,
    "moroccan": 1,
    "algerian": 1,
    "gulf": 4,
    "saudi": 3,
    "tunisian": 1,
    "mauritanian": 0,
}
PUBLISHED_PREFIXES = ("", "", "نُشر في ", "تم نشره ", "نشر بتاريخ: ", "تاريخ النشر: ", "بتاريخ ")
RELATIVE = ("منذ 3 ساعات", "منذ ساعتين", "منذ 45 دقيقة", "منذ يوم", "منذ 5 دقائق", "قبل ساعة")


def hijri(day: datetime) -> tuple[int, int, int]:
    """(year, month, day) in the tabular Islamic calendar."""
    jd = day.date().toordinal() + 1721425
    ell = jd - 1948440 + 10632
    n = (ell - 1) // 10631
    ell = ell - 10631 * n + 354
    j = ((10985 - ell) // 5316) * ((50 * ell) // 17719) + (ell // 5670) * ((43 * ell) // 15238)
    ell = ell - ((30 - j) // 15) * ((17719 * j) // 50) - (j // 16) * ((15238 * j) // 43) + 29
    month = (24 * ell) // 709
    return 30 * n + j - 30, month, ell - (709 * month) // 24


def random_instant(rng: random.Random, region: str) -> datetime:
    """A publication instant between 2014 and 2025 in the region's wall clock."""
    tz = timezone(timedelta(hours=OFFSETS[region]))
    start = datetime(2014, 1, 1, tzinfo=tz)
    return start + timedelta(minutes=rng.randrange(12 * 365 * 24 * 60))


def clock(rng: random.Random, when: datetime) -> str:
    if rng.random() < 0.5:
        return f"{when:%H:%M}"
    hour = when.hour % 12 or 12
    if rng.random() < 0.8:
        suffix = "ص" if when.hour < 12 else "م"
    else:
        suffix = "صباحاً" if when.hour < 12 else "مساءً"
    return f"{hour:02d}:{when:%M} {suffix}"


def month_name(rng: random.Random, when: datetime, region: str) -> str:
    names = MONTHS.get(region, MONTHS["egyptian"])
    name = names[when.month - 1]
    if region == "levantine" and rng.random() < 0.35:  # both calendars, either order
        other = MONTHS["egyptian"][when.month - 1]
        sep = rng.choice(("/", "/ ", " / "))
        name = f"{other}{sep}{name}" if rng.random() < 0.5 else f"{name}{sep}{other}"
    return name


STYLES = ("name", "name", "name", "hyphen", "numeric", "iso_numeric", "hijri")


def shown_date(
    rng: random.Random, when: datetime, region: str, with_time: bool, style: str | None = None
) -> str:
    """The publication date as printed on the page (wall clock of `when`)."""
    style = style or rng.choice(STYLES)
    if style == "hyphen":
        names = (
            MONTHS["egyptian" if region == "levantine" else region]
            if region in MONTHS
            else MONTHS["egyptian"]
        )
        text = f"{when.day:02d}-{names[when.month - 1]}-{when.year}"
    elif style == "numeric":
        sep = rng.choice("/-.")
        text = f"{when.day:02d}{sep}{when.month:02d}{sep}{when.year}"
    elif style == "iso_numeric":
        sep = rng.choice("-/")
        text = f"{when.year}{sep}{when.month:02d}{sep}{when.day:02d}"
    elif style == "hijri":
        hy, hm, hd = hijri(when)
        greg = f"{when.day} {month_name(rng, when, region)} {when.year}م"
        text = f"{WEEKDAYS[when.weekday()]} {hd} {HIJRI_MONTHS[hm - 1]} {hy}هـ - {greg}"
    else:
        day = f"{when.day:02d}" if rng.random() < 0.5 else str(when.day)
        text = f"{day} {month_name(rng, when, region)}{rng.choice(('', '،', ','))} {when.year}"
        if rng.random() < 0.4:
            text = f"{WEEKDAYS[when.weekday()]}{rng.choice(('، ', ' '))}{text}"
    if with_time:
        text += rng.choice((" - ", " | ", " ", " الساعة ", " على الساعة ")) + clock(rng, when)
    if rng.random() < 0.15:
        text = text.translate(EASTERN)
    return text


def iso(when: datetime, rng: random.Random, utc_ok: bool = True) -> str:
    """A machine date: the site's offset, or UTC written with Z or +00:00."""
    if utc_ok and rng.random() < 0.3:
        text = when.astimezone(UTC).isoformat(timespec="seconds")
        return text.replace("+00:00", "Z") if rng.random() < 0.5 else text
    return when.isoformat(timespec="seconds")


def spelled_date(rng: random.Random, when: datetime, region: str, with_time: bool) -> str:
    """A date as a region's sites print it, month in any of its spellings (SPELLINGS)."""
    month = rng.choice(SPELLINGS[region][when.month - 1])
    day = f"{when.day:02d}" if rng.random() < 0.4 else str(when.day)
    text = f"{day} {month} {when.year}"
    if region == "levantine" and rng.random() < 0.35:  # «كانون الأول/ديسمبر», «آذار (مارس)»
        other = rng.choice(SPELLINGS["egyptian"][when.month - 1])
        form = rng.choice(("{a}/{b}", "{a} / {b}", "{a} ({b})", "{b} ({a})"))
        text = f"{day} {form.format(a=month, b=other)} {when.year}"
    if rng.random() < 0.4:
        text = f"{WEEKDAYS[when.weekday()]}{rng.choice(('، ', ' '))}{text}"
    if with_time:
        text += rng.choice((" - ", " | ", " الساعة ", " على الساعة ")) + clock(rng, when)
    return text
