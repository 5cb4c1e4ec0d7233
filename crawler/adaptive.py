"""Polling that follows the news: an adaptive site's next interval, from its recent runs.

`schedule: {adaptive: {min_minutes: 5, max_minutes: 240}}` polls a site as often as its news
warrants. After each run the daemon asks `decide` for the next interval:

* the site's *rate* is the new articles its runs of the last 24 hours found, per hour (its
  first run ever is left out: that one stores the backlog of its feeds, not a day's news), or
  the latest run's own finds per hour since the run before, whichever is higher: one busy run
  is enough to speed up, a day of evidence is needed to slow down;
* the *target* interval is the minimum at FAST_RATE new articles an hour or more, and grows as
  the rate falls (min × FAST_RATE / rate: each run finds about the same number of articles);
  no new article at all → the maximum;
* the interval moves to a shorter target at once (news is breaking), but to a longer one by at
  most STEP_UP per run, starting from the gap between the last two runs: a site that published
  nothing for a day drifts to the maximum over several runs, instead of jumping there after
  one empty run.

Everything comes from the `crawls` table (starts and articles_new of the runs), so the daemon
keeps no state of its own: a restarted daemon, `khabar schedule --list` and `khabar status`
compute the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crawler.config import Adaptive, SiteConfig
from storage.runs import first_run, found_since, latest_runs

FAST_RATE = 40.0  # new articles an hour at which a site is polled at its minimum interval
WINDOW = timedelta(hours=24)  # the runs whose finds make the rate
STEP_UP = 1.5  # the interval grows by at most this factor from one run to the next
MIN_SPAN = timedelta(minutes=1)  # no rate is measured over less than this


@dataclass(frozen=True)
class Decision:
    """The interval to the site's next run, and why, for the daemon and `schedule --list`."""

    minutes: float
    reason: str

    @property
    def seconds(self) -> float:
        return self.minutes * 60


@dataclass(frozen=True)
class RunHistory:
    """What the rule needs of a site's runs (storage.runs reads it from `crawls`)."""

    found: int  # new articles of the runs started in the window (first run excluded)
    first_started: datetime | None  # the site's first run
    starts: tuple[datetime, ...]  # the latest run starts, newest first
    last_found: int = 0  # new articles of the latest run (0 when it is the first run)


def decide(bounds: Adaptive, history: RunHistory, now: datetime) -> Decision:
    """The next interval of an adaptive site (see the module docstring for the rule)."""
    low, high = bounds.min_minutes, bounds.max_minutes
    if history.first_started is None:
        return Decision(low, "no run yet: the minimum")
    since = max(history.first_started, now - WINDOW)
    hours = max(now - since, MIN_SPAN) / timedelta(hours=1)
    day_rate = history.found / hours
    starts = history.starts
    gap = starts[0] - starts[1] if len(starts) >= 2 else None
    last_rate = history.last_found / (max(gap, MIN_SPAN) / timedelta(hours=1)) if gap else 0.0
    rate = max(day_rate, last_rate)
    target = high if rate <= 0 else min(high, max(low, low * FAST_RATE / rate))
    previous = gap / timedelta(minutes=1) if gap else low
    previous = min(high, max(low, previous))
    minutes = target if target <= previous else min(target, previous * STEP_UP)
    found = f"{history.found} new in the last {_hours(hours)} h ({day_rate:.1f}/h)"
    if last_rate > day_rate:
        found += f", {history.last_found} in the last run ({last_rate:.1f}/h)"
    if minutes == target:
        if minutes == low:
            why = "the minimum"
        elif minutes == high:
            why = "the maximum"
        else:
            why = f"about {rate * minutes / 60:.1f} new a run"
        return Decision(minutes, f"{found}: {_every(minutes)} ({why})")
    return Decision(
        minutes,
        f"{found}: {_every(minutes)}, drifting towards {_every(target)} "
        f"(at most ×{STEP_UP:g} a run)",
    )


def _every(minutes: float) -> str:
    """'every 7.5 min', 'every 2.4 h' (three significant digits: the rule is not that exact)."""
    return f"every {minutes / 60:.3g} h" if minutes >= 60 else f"every {minutes:.3g} min"


def _hours(hours: float) -> str:
    return f"{hours:.0f}" if hours >= 10 else f"{hours:.1f}"


def history_of(db: Any, site: str, now: datetime) -> RunHistory:
    """The site's RunHistory from the crawls table (`db`: sqlite_utils or sqlite3)."""
    first = first_run(db, site)
    if first is None:
        return RunHistory(0, None, ())
    found = found_since(db, site, now - WINDOW, skip_run=first[0])
    latest = latest_runs(db, site, 2)
    last_found = latest[0][1] if len(latest) >= 2 else 0  # a first run's finds are a backlog
    return RunHistory(found, first[1], tuple(t for t, _ in latest), last_found)


def current_interval(db: Any, site: SiteConfig, now: datetime) -> Decision | None:
    """The adaptive site's interval now, or None for a cron or fixed-interval site. Without a
    database (nothing crawled yet) the site starts at its minimum."""
    bounds = site.schedule.adaptive
    if bounds is None:
        return None
    history = history_of(db, site.name, now) if db is not None else RunHistory(0, None, ())
    return decide(bounds, history, now)
