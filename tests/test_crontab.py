"""config.yaml cron strings mean what crontab(5) means, whatever APScheduler 3 counts from.

APScheduler 3 numbers weekdays from Monday and ANDs the two day fields; crontab(5) numbers
them from Sunday (0 and 7), accepts names, and runs when either day field matches if both are
restricted. Each line below is a crontab entry and the next times cron would run it, counted
from Sunday 2026-03-01 12:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.crontab import cron_trigger, crontab_weekdays, describe_cron, never_fires
from crawler.scheduler import describe_schedule, list_line, next_run_after, schedule_period
from tests.test_scheduler import NOW, write_config

assert datetime(2026, 3, 1, 12, 0, tzinfo=UTC) == NOW and NOW.strftime("%a") == "Sun"


def fire_times(expr: str, count: int, timezone: str = "UTC") -> list[str]:
    trigger, previous, out = cron_trigger(expr, timezone), None, []
    now = NOW
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        out.append(f"{previous.astimezone(UTC):%m-%d %a %H:%M}")
        now = previous.replace(second=1)
    return out


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 9 * * 0", ["03-08 Sun 09:00", "03-15 Sun 09:00"]),
        ("0 9 * * 7", ["03-08 Sun 09:00", "03-15 Sun 09:00"]),
        ("0 9 * * sun", ["03-08 Sun 09:00", "03-15 Sun 09:00"]),
        ("0 9 * * SUN", ["03-08 Sun 09:00", "03-15 Sun 09:00"]),
        ("0 13 * * 0", ["03-01 Sun 13:00", "03-08 Sun 13:00"]),
        ("0 9 * * 1", ["03-02 Mon 09:00", "03-09 Mon 09:00"]),
        ("0 9 * * 6", ["03-07 Sat 09:00", "03-14 Sat 09:00"]),
        (
            "0 9 * * 1-5",
            [
                *("03-02 Mon 09:00", "03-03 Tue 09:00", "03-04 Wed 09:00"),
                *("03-05 Thu 09:00", "03-06 Fri 09:00", "03-09 Mon 09:00"),
            ],
        ),
        ("0 9 * * mon-fri", ["03-02 Mon 09:00", "03-03 Tue 09:00"]),
        (
            "0 9 * * 5-7",
            ["03-06 Fri 09:00", "03-07 Sat 09:00", "03-08 Sun 09:00", "03-13 Fri 09:00"],
        ),
        ("0 9 * * 0-2", ["03-02 Mon 09:00", "03-03 Tue 09:00", "03-08 Sun 09:00"]),
        (
            "0 9 * * */2",
            ["03-03 Tue 09:00", "03-05 Thu 09:00", "03-07 Sat 09:00", "03-08 Sun 09:00"],
        ),
        ("0 9 * * 1-5/2", ["03-02 Mon 09:00", "03-04 Wed 09:00", "03-06 Fri 09:00"]),
        ("0 9 * * mon,wed", ["03-02 Mon 09:00", "03-04 Wed 09:00", "03-09 Mon 09:00"]),
        ("0 9 * * 0,6", ["03-07 Sat 09:00", "03-08 Sun 09:00", "03-14 Sat 09:00"]),
        # both day fields restricted: the 10th OR any Monday
        (
            "0 0 10 * 1",
            ["03-02 Mon 00:00", "03-09 Mon 00:00", "03-10 Tue 00:00", "03-16 Mon 00:00"],
        ),
        # day-of-month with an unrestricted weekday: only the 10th
        ("0 0 10 * *", ["03-10 Tue 00:00", "04-10 Fri 00:00"]),
        ("*/30 * * * *", ["03-01 Sun 12:00", "03-01 Sun 12:30"]),  # 12:00 itself matches
        ("15 */6 * * *", ["03-01 Sun 12:15", "03-01 Sun 18:15", "03-02 Mon 00:15"]),
        ("0 0 1 jan,jul *", ["07-01 Wed 00:00"]),
        ("@daily", ["03-02 Mon 00:00", "03-03 Tue 00:00"]),
        ("@weekly", ["03-08 Sun 00:00"]),
        ("@hourly", ["03-01 Sun 12:00", "03-01 Sun 13:00"]),
    ],
)
def test_crontab_lines_fire_when_cron_would(expr: str, expected: list[str]) -> None:
    assert fire_times(expr, len(expected)) == expected


def test_cron_runs_in_the_sites_timezone() -> None:
    # 08:30 in Damascus (UTC+3) on Sundays is 05:30 UTC
    assert fire_times("30 8 * * 0", 1, "Asia/Damascus") == ["03-08 Sun 05:30"]


@pytest.mark.parametrize(
    ("field", "days"),
    [
        *(("0", {0}), ("7", {0}), ("0,7", {0}), ("1-5", {1, 2, 3, 4, 5})),
        *(("*", set(range(7))), ("sat,sun", {6, 0}), ("*/3", {0, 3, 6}), ("2/2", {2, 4, 6})),
    ],
)
def test_crontab_weekdays(field: str, days: set[int]) -> None:
    assert crontab_weekdays(field) == days


@pytest.mark.parametrize("field", ["8", "mon-", "funday", "5-1", "*/0", "1-5/x"])
def test_bad_weekdays_are_refused(field: str) -> None:
    with pytest.raises(ValueError):
        crontab_weekdays(field)


@pytest.mark.parametrize(
    ("expr", "never"), [("0 0 31 2 *", True), ("0 0 31 4 *", True), ("0 0 29 2 *", False)]
)
def test_never_fires(expr: str, never: bool) -> None:
    assert never_fires(cron_trigger(expr), NOW) is never


@pytest.mark.parametrize(
    ("expr", "timezone", "text"),
    [
        ("0 9 * * 0", "Asia/Damascus", "cron 0 9 * * 0 (Sundays 09:00 Asia/Damascus)"),
        ("0 6 * * 1-5", "UTC", "cron 0 6 * * 1-5 (Mon–Fri 06:00 UTC)"),
        ("0 6 * * 0,6", "UTC", "cron 0 6 * * 0,6 (Sun, Sat 06:00 UTC)"),
        ("*/30 * * * *", "UTC", "cron */30 * * * * (every 30 min UTC)"),
        ("15 */6 * * *", "UTC", "cron 15 */6 * * * (every 6 h at :15 UTC)"),
        ("0 0 1 * *", "UTC", "cron 0 0 1 * * (day 1 of the month 00:00 UTC)"),
    ],
)
def test_describe_cron(expr: str, timezone: str, text: str) -> None:
    assert describe_cron(expr, timezone) == text


def test_list_line_and_next_runs_are_in_utc(tmp_path: Path) -> None:
    schedules = {"alwatan": {"cron": "0 9 * * 0"}, "sana": {"interval_minutes": 30}}
    config = load_config(write_config(tmp_path, schedules=schedules))
    cron, every = config.sites["alwatan"], config.sites["sana"]  # both in Asia/Damascus
    when = next_run_after(cron, None, NOW)
    assert when is not None and when.utcoffset().total_seconds() == 0
    assert when.isoformat() == "2026-03-08T06:00:00+00:00"
    assert next_run_after(every, NOW, NOW).isoformat() == "2026-03-01T12:30:00+00:00"
    line = list_line(cron, when)
    assert "next 2026-03-08 06:00:00 UTC (2026-03-08 09:00 +03)" in line
    assert line.endswith("cron 0 9 * * 0 (Sundays 09:00 Asia/Damascus)")
    assert "CronTrigger" not in line and "cron[" not in line
    assert describe_schedule(every) == "every 30 min"
    assert schedule_period(cron, NOW).days == 7
