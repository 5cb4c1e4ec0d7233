"""The type and range of every setting khabar reads, in one table, checked before anything starts.

A setting comes from crawler/settings.py, the environment (KHABAR_EXTRACT_WORKERS and
KHABAR_CRAWL_ID, meant for /etc/default/khabar) or `-s NAME=VALUE`. Components read it in
`from_crawler` with Scrapy's getint/getfloat/getbool, which raise mid-start-up on `abc` and take
1000 workers or a negative delay as given. The spider loader, which every Scrapy command builds
first, checks them all here (check_settings), and `khabar schedule` checks its `-s` values the
same way before it launches any crawl: a bad value is one line naming the setting, where it came
from and what it must be.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# Extraction processes beyond this only cost memory (~65 MB each); `khabar reextract --workers`
# has the same ceiling.
MAX_WORKERS = 4 * (os.cpu_count() or 1)
DAY = 86_400.0


class SettingError(ValueError):
    """A setting's value is not one khabar can use; str() is the user's one line."""


@dataclass(frozen=True)
class Rule:
    """What a setting's value must be: a number of `kind` within [low, high], a boolean, or one
    of `choices`. `environment`: also read from the environment variable of the same name."""

    kind: type = float
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    environment: bool = False

    def describe(self) -> str:
        if self.kind is bool:
            return "True or False (1/0, true/false)"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        noun = "a whole number" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            return f"{noun} from {_number(self.low)} to {_number(self.high)}"
        if self.low is not None:
            return f"{noun} of at least {_number(self.low)}"
        return noun

    def accepts(self, value: object) -> bool:
        if self.kind is bool:
            return _as_bool(value) is not None
        if self.choices:
            return str(value).upper() in self.choices
        number = _as_number(value, self.kind)
        return (
            number is not None
            and (self.low is None or number >= self.low)
            and (self.high is None or number <= self.high)
        )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def _as_number(value: object, kind: type) -> float | None:
    if isinstance(value, bool):  # True is an int to Python, not a count to a user
        return None
    try:
        number = kind(str(value).strip()) if isinstance(value, str) else kind(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


_COUNT = Rule(int, 1, 10_000)
_SECONDS = Rule(float, 0, DAY)
RULES: dict[str, Rule] = {
    # khabar's (crawler/settings.py, crawler/distributed/addon.py)
    "KHABAR_BACKFILL_BATCH": _COUNT,
    "KHABAR_BACKFILL_REPORT_INTERVAL": Rule(float, 0.1, DAY),
    "KHABAR_CRAWL_ID": Rule(int, 0, environment=True),
    "KHABAR_EXTRACT_WORKERS": Rule(int, 0, MAX_WORKERS, environment=True),
    "KHABAR_HEARTBEAT_INTERVAL": Rule(float, 0.1, DAY),
    "KHABAR_HEARTBEAT_TTL": Rule(float, 1, DAY),
    "KHABAR_KEEP_RAW": Rule(bool),
    "KHABAR_MAX_CRAWL_DELAY": _SECONDS,
    "KHABAR_MAX_RETRY_AFTER": _SECONDS,
    "KHABAR_MIN_WORDS": Rule(int, 0, 100_000),
    "KHABAR_NEARDUP_WINDOW_DAYS": Rule(float, 0, 36_500),
    "KHABAR_PROGRESS_INTERVAL": Rule(float, 0.1, DAY),
    "KHABAR_RETRY_BACKOFF": _SECONDS,
    "KHABAR_WORKER_IDLE_EXIT": _SECONDS,
    "KHABAR_WRITE_BATCH": _COUNT,
    "KHABAR_WRITE_INTERVAL": _SECONDS,  # 0: every batch is written at once (the tests)
    # Scrapy's, as users set them with -s (a wrong one fails every scheduled run otherwise)
    "AUTOTHROTTLE_ENABLED": Rule(bool),
    "AUTOTHROTTLE_MAX_DELAY": _SECONDS,
    "AUTOTHROTTLE_START_DELAY": _SECONDS,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": Rule(float, 0.1, 1000),
    "CONCURRENT_ITEMS": _COUNT,
    "CONCURRENT_REQUESTS": _COUNT,
    "CONCURRENT_REQUESTS_PER_DOMAIN": _COUNT,
    "DEPTH_LIMIT": Rule(int, 0, 10_000),
    "DOWNLOAD_DELAY": _SECONDS,
    "DOWNLOAD_MAXSIZE": Rule(int, 0, 2**40),
    "DOWNLOAD_TIMEOUT": Rule(float, 0.01, DAY),
    "DOWNLOAD_WARNSIZE": Rule(int, 0, 2**40),
    "LOG_LEVEL": Rule(choices=tuple(logging.getLevelNamesMapping())),
    "REDIRECT_MAX_TIMES": Rule(int, 0, 1000),
    "RETRY_ENABLED": Rule(bool),
    "RETRY_TIMES": Rule(int, 0, 1000),
    "ROBOTSTXT_OBEY": Rule(bool),
}


def check_value(name: str, value: object, origin: str) -> None:
    """SettingError unless `value` is what RULES says `name` must be (unknown names pass)."""
    rule = RULES.get(name)
    if rule is not None and not rule.accepts(value):
        raise SettingError(f"{name}={value!s} ({origin}): must be {rule.describe()}")


def check_settings(settings: BaseSettings) -> None:
    """Every setting in RULES as the run will read it (`-s`, environment, project)."""
    for name, rule in RULES.items():
        if name not in settings:
            continue
        priority = settings.getpriority(name) or 0
        if priority >= 40:  # Scrapy's "cmdline"
            origin = "-s"
        elif rule.environment and name in os.environ:
            origin = "environment"
        else:
            origin = "settings"
        check_value(name, settings[name], origin)


def check_assignments(assignments: Iterable[str]) -> None:
    """`-s NAME=VALUE` items as `khabar schedule` passes them on to every crawl."""
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise SettingError(f"-s {item}: expected NAME=VALUE")
        check_value(name.strip(), value, "-s")


def check_environment(environ: dict[str, str] | None = None) -> None:
    """The settings also read from the environment (the daemon passes it on to its crawls)."""
    env = os.environ if environ is None else environ
    for name, rule in RULES.items():
        if rule.environment and name in env:
            check_value(name, env[name], "environment")
