"""crontab(5) schedules on APScheduler 3: one translation, so config.yaml means what cron means.

APScheduler 3 numbers weekdays from Monday (0 = mon … 6 = sun) and rejects 7, and it ANDs the
day-of-month and day-of-week fields. crontab(5) numbers them from Sunday (0 and 7 = sun, names
sun..sat), runs a job when *either* day field matches if both are restricted, and has @daily
and friends. Every cron string of config.yaml goes through `cron_trigger`; `describe_cron` is
its human form for `khabar schedule --list`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering: 0 = Sunday
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
FIELDS = 5
# A schedule with no run within this horizon never runs (29 February runs every 4-8 years).
HORIZON = timedelta(days=366 * 9)
_ITEM = re.compile(r"^(?:(\*)|(\w+)(?:-(\w+))?)(?:/(\d+))?$")


def _day_number(token: str) -> int:
    if token.lower() in DAY_NAMES:
        return DAY_NAMES.index(token.lower())
    if token.isdigit() and int(token) <= 7:
        return int(token) % 7
    raise ValueError(f"weekday must be 0-7 or sun..sat, got {token!r}")


def crontab_weekdays(field: str) -> frozenset[int]:
    """The days (0 = Sunday) a crontab day-of-week field selects: lists, ranges, steps, names,
    and 7 for Sunday."""
    days: set[int] = set()
    for item in field.split(","):
        match = _ITEM.match(item)
        if not match:
            raise ValueError(f"bad day-of-week {item!r}")
        star, first, last, step = match.groups()
        if star:
            low, high = 0, 6
        else:
            low = _day_number(first)
            high = _day_number(last) if last else (6 if step else low)
            if last and last.isdigit() and int(last) == 7:
                high = 7  # 5-7 = Fri-Sun: 7 is Sunday at the end of the week
        if step is not None and int(step) == 0:
            raise ValueError(f"step 0 in {item!r}")
        if high < low:
            raise ValueError(f"range {item!r} runs backwards")
        days.update(d % 7 for d in range(low, high + 1, int(step or 1)))
    return frozenset(days)


def expand(expr: str) -> list[str]:
    """The five fields of a crontab expression (macros like @daily expanded)."""
    text = MACROS.get(expr.strip().lower(), expr)
    fields = text.split()
    if len(fields) != FIELDS:
        raise ValueError(
            f"expected 5 cron fields (min hour day month weekday) or @daily etc., got {expr!r}"
        )
    return fields


def cron_trigger(expr: str, timezone: str = "UTC") -> BaseTrigger:
    """The APScheduler trigger that fires when crontab(5) would run `expr` in `timezone`."""
    minute, hour, day, month, weekday = expand(expr)
    days = crontab_weekdays(weekday)
    names = "*" if len(days) == 7 else ",".join(DAY_NAMES[d] for d in sorted(days))
    common = {"minute": minute, "hour": hour, "month": month, "timezone": timezone}
    if day.startswith("*") or weekday.startswith("*"):
        return CronTrigger(day=day, day_of_week=names, **common)
    # Both day fields restricted: crontab runs when either matches.
    return OrTrigger([CronTrigger(day=day, **common), CronTrigger(day_of_week=names, **common)])


def never_fires(trigger: BaseTrigger, now: datetime) -> bool:
    """True when the trigger has no fire time within HORIZON (e.g. `0 0 31 2 *`)."""
    first = trigger.get_next_fire_time(None, now)
    return first is None or first - now > HORIZON


def _days_text(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if len(ordered) == 1:
        return DAY_NAMES[ordered[0]].capitalize() + "days"
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{DAY_NAMES[ordered[0]].capitalize()}–{DAY_NAMES[ordered[-1]].capitalize()}"
    return ", ".join(DAY_NAMES[d].capitalize() for d in ordered)


def _time_text(minute: str, hour: str) -> str:
    if minute.isdigit() and hour.isdigit():
        return f"{int(hour):02d}:{int(minute):02d}"
    if minute.startswith("*/") and hour == "*":
        return f"every {minute[2:]} min"
    if minute == "*" and hour == "*":
        return "every minute"
    if minute.isdigit() and hour == "*":
        return f"hourly at :{int(minute):02d}"
    if minute.isdigit() and hour.startswith("*/"):
        return f"every {hour[2:]} h at :{int(minute):02d}"
    return f"minute {minute} of hour {hour}"


def describe_cron(expr: str, timezone: str) -> str:
    """'cron 0 9 * * 0 (Sundays 09:00 Asia/Damascus)': the expression and what it means."""
    minute, hour, day, month, weekday = expand(expr)
    parts = []
    if weekday != "*":
        parts.append(_days_text(crontab_weekdays(weekday)))
    if day != "*":
        parts.append(f"{'or ' if parts else ''}day {day} of the month")
    if month != "*":
        parts.append(f"in month {month}")
    parts.append(_time_text(minute, hour))
    return f"cron {expr} ({' '.join(parts)} {timezone})"


def describe_interval(minutes: float) -> str:
    """'every 30 min', 'every 2 h', 'every 1.5 min'."""
    if minutes >= 60 and minutes % 60 == 0:
        return f"every {int(minutes // 60)} h"
    return f"every {minutes:g} min"
