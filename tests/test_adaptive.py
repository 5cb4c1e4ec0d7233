"""Polling that follows the news: `schedule: {adaptive: {min_minutes, max_minutes}}`.

The rule over generated runs and a simulated clock (runs written into a real crawls table, the
clock advanced by the interval each decision gives), the config's validation, `schedule --list`,
and the daemon rescheduling after each crawl subprocess.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import re
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.adaptive import FAST_RATE, STEP_UP, RunHistory, decide, history_of
from crawler.cli import main
from crawler.config import Adaptive, ConfigError, load_config
from crawler.scheduler import CrawlRunner, Daemon, build_jobs, next_run_after, schedule_period
from storage.store import open_database
from tests.test_scheduler import fake_command, rows, wait_for, write_config

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BOUNDS = Adaptive(min_minutes=5, max_minutes=240)
ADAPTIVE = {"adaptive": {"min_minutes": 5, "max_minutes": 240}}


def simulate(db, site: str, bounds: Adaptive, start: datetime, per_hour, runs: int) -> list[float]:
    """Poll `site` `runs` times on a simulated clock from `start`: each run finds the articles
    published since the previous one (`per_hour(t)` an hour), is written to `crawls`, and the
    next run is one decided interval later. Returns the intervals, in minutes."""
    now, last, chosen = start, None, []
    published = 0.0  # articles published since the first run (whole ones are found)
    for _ in range(runs):
        found = 0
        if last is not None:
            before = published
            published += per_hour(now) * (now - last) / timedelta(hours=1)
            found = int(published + 1e-9) - int(before + 1e-9)
        db["crawls"].insert(
            {
                "site": site,
                "started_at": now.isoformat(),
                "finished_at": (now + timedelta(seconds=30)).isoformat(),
                "status": "ok",
                "articles_new": found,
            }
        )
        last = now
        decision = decide(bounds, history_of(db, site, now + timedelta(seconds=30)), now)
        chosen.append(decision.minutes)
        now += timedelta(minutes=decision.minutes)
    return chosen


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "khabar.sqlite")
    yield database
    database.close()


def test_a_busy_site_is_polled_at_the_minimum(db) -> None:
    """48 new an hour (4 a run at the minimum, so whole articles: the rule at exactly 40 an
    hour is in test_decisions_say_why)."""
    chosen = simulate(db, "alwatan", BOUNDS, NOW, lambda t: 1.2 * FAST_RATE, runs=20)
    assert chosen[-5:] == [5.0] * 5
    assert max(chosen) <= 5 * STEP_UP  # never drifted away while news kept coming


def test_a_silent_site_drifts_to_the_maximum(db) -> None:
    chosen = simulate(db, "alwatan", BOUNDS, NOW, lambda t: 0, runs=15)
    # from the minimum, ×1.5 a run: 7.5, 11.25, ... until the maximum caps it
    expected = [min(240.0, 5 * STEP_UP ** (i + 1)) for i in range(15)]
    assert chosen == pytest.approx(expected)
    assert chosen[-1] == 240.0
    assert all(b >= a for a, b in itertools_pairs(chosen))


def test_breaking_news_brings_the_minimum_back_at_once(db) -> None:
    """Quiet for two days (at the maximum), then 60 new an hour: the next run after the news
    is found goes straight back to the minimum."""

    def rate(t: datetime) -> float:
        return 60.0 if t >= NOW + timedelta(days=2) else 0.0

    chosen = simulate(db, "alwatan", BOUNDS, NOW, rate, runs=25)
    at_max = chosen.index(240.0)
    first_fast = next(i for i, m in enumerate(chosen) if i > at_max and m < 240.0)
    assert chosen[first_fast] == 5.0


def test_a_moderate_site_settles_in_between(db) -> None:
    """4 new an hour, a 6-minute minimum: 6 × 40 / 4 = 60 min, 4 articles a run — to within
    the one run more or less that a 24-hour window holds (24 or 25 runs: 4 % either way)."""
    bounds = Adaptive(min_minutes=6, max_minutes=240)
    chosen = simulate(db, "alwatan", bounds, NOW - timedelta(days=2), lambda t: 4.0, runs=80)
    assert chosen[-10:] == pytest.approx([60.0] * 10, rel=0.045)
    assert all(m < 240 for m in chosen)


def test_decisions_say_why() -> None:
    start = NOW - timedelta(days=3)
    assert decide(BOUNDS, RunHistory(0, None, ()), NOW).reason == "no run yet: the minimum"
    busy = decide(BOUNDS, RunHistory(960, start, (NOW, NOW - timedelta(minutes=5))), NOW)
    assert (busy.minutes, busy.reason) == (
        5,
        "960 new in the last 24 h (40.0/h): every 5 min (the minimum)",
    )
    silent = decide(BOUNDS, RunHistory(0, start, (NOW, NOW - timedelta(minutes=20))), NOW)
    assert silent.minutes == 30
    assert silent.reason == (
        "0 new in the last 24 h (0.0/h): every 30 min, drifting towards every 4 h "
        "(at most ×1.5 a run)"
    )
    between = decide(BOUNDS, RunHistory(96, start, (NOW, NOW - timedelta(minutes=50))), NOW)
    assert between.minutes == 50
    assert between.reason.endswith("every 50 min (about 3.3 new a run)")


def test_the_first_run_is_a_backlog_not_a_rate(db) -> None:
    """A new site's first run stores its feeds' backlog (here 300 articles): that is not 300
    articles of news an hour, and one empty run does not send it to the maximum either."""
    db["crawls"].insert(
        {"site": "sana", "started_at": NOW.isoformat(), "status": "ok", "articles_new": 300}
    )
    decision = decide(BOUNDS, history_of(db, "sana", NOW + timedelta(minutes=1)), NOW)
    assert decision.minutes == 5 * STEP_UP


def itertools_pairs(values: list[float]) -> list[tuple[float, float]]:
    return list(itertools.pairwise(values))


# --- config ------------------------------------------------------------------------------------


def test_adaptive_config(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, schedules={"alwatan": ADAPTIVE}))
    site = config.sites["alwatan"]
    assert site.schedule.adaptive == BOUNDS
    assert site.schedule.cron is None and site.schedule.interval_minutes is None
    # the stale window counts in the longest interval it may wait
    assert schedule_period(site, NOW) == timedelta(hours=4)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"adaptive": {"min_minutes": 60, "max_minutes": 5}}, "must not exceed max_minutes"),
        ({"adaptive": {"min_minutes": 0, "max_minutes": 5}}, "must be between 0.01"),
        ({"adaptive": {"min_minutes": -5, "max_minutes": 5}}, "must be between 0.01"),
        ({"adaptive": {"min_minutes": 5}}, "max_minutes: missing required field"),
        ({"adaptive": {"min_minutes": 5, "max_minutes": "often"}}, "expected a number"),
        ({"adaptive": {"min_minutes": 5, "max_minutes": 9, "step": 2}}, "unknown key"),
        ({"adaptive": [5, 60]}, "expected a mapping"),
        (
            {"interval_minutes": 30, "adaptive": {"min_minutes": 5, "max_minutes": 60}},
            "give exactly one of cron, interval_minutes or adaptive",
        ),
        (
            {"cron": "0 9 * * 1", "adaptive": {"min_minutes": 5, "max_minutes": 60}},
            "give exactly one of cron, interval_minutes or adaptive",
        ),
    ],
)
def test_bad_adaptive_config_is_one_clear_error(tmp_path: Path, schedule: dict, message) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, schedules={"sana": schedule}))
    assert "site sana: schedule" in str(info.value)
    assert message in str(info.value)


# --- where the interval shows and applies -----------------------------------------------------


def test_schedule_list_shows_the_interval_and_why(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(
        "KHABAR_CONFIG", str(write_config(tmp_path, schedules={"alwatan": ADAPTIVE}))
    )
    monkeypatch.delenv("KHABAR_DB", raising=False)
    now = datetime.now(UTC)
    database = open_database(tmp_path / "khabar.sqlite")
    try:
        simulate(database, "alwatan", BOUNDS, now - timedelta(days=3), lambda t: 0, runs=3)
        for ago, found in ((20, 0), (10, 0)):  # the two latest runs: 10 min apart, nothing new
            database["crawls"].insert(
                {
                    "site": "alwatan",
                    "started_at": (now - timedelta(minutes=ago)).isoformat(),
                    "status": "ok",
                    "articles_new": found,
                }
            )
    finally:
        database.close()
    assert main(["schedule", "--list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    line = lines["alwatan"]
    assert "adaptive, every 5 min to every 4 h; now 0 new in the last 24 h" in line
    assert "every 15 min, drifting towards every 4 h" in line  # 10 min × 1.5
    next_at = datetime.strptime(re.search(r"next (\S+ \S+) UTC", line)[1], "%Y-%m-%d %H:%M:%S")
    expected = now - timedelta(minutes=10) + timedelta(minutes=15)
    assert abs(next_at.replace(tzinfo=UTC) - expected) < timedelta(seconds=2)
    assert "every 1 h" in lines["sana"] and "now" not in lines["sana"].split("every 1 h")[1]
    # `khabar status` shows the same next run
    main(["status", "--json", "--site", "alwatan"])
    (row,) = json.loads(capsys.readouterr().out)
    assert abs(datetime.fromisoformat(row["next_run"]) - expected) < timedelta(seconds=2)


def test_jobs_start_at_the_current_interval(tmp_path: Path, db) -> None:
    config = load_config(write_config(tmp_path, schedules={"alwatan": ADAPTIVE}))
    site = config.sites["alwatan"]
    last = NOW - timedelta(minutes=1)
    decision = decide(BOUNDS, RunHistory(0, NOW - timedelta(days=2), (last, last - 100 * MIN)), NOW)
    assert decision.minutes == 150
    (job,) = build_jobs([site], print, {"alwatan": last}, NOW, {"alwatan": decision})
    assert job["trigger"].interval == timedelta(minutes=150)
    assert job["next_run_time"] == last + timedelta(minutes=150)
    assert next_run_after(site, last, NOW, decision) == last + timedelta(minutes=150)
    # without a decision (nothing known) an adaptive site is due at its minimum
    assert next_run_after(site, last, NOW) == NOW + timedelta(minutes=4)


MIN = timedelta(minutes=1)


def test_daemon_reschedules_after_each_crawl(tmp_path: Path, caplog) -> None:
    """The real daemon, its crawl subprocesses finding nothing: after each run it moves the
    next one out (×1.5 of the last gap, from a 3 s minimum towards a 9 s maximum), as it logs,
    and the next run waits that long: the runs' recorded starts (to the second, hence the floor)
    are at least the decided interval apart, where the unadapted trigger would start a run
    every 3 s."""
    bounds = {"adaptive": {"min_minutes": 0.05, "max_minutes": 0.15}}
    config = load_config(write_config(tmp_path, schedules={"alwatan": bounds}))
    env = {**os.environ, "JOURNAL": str(tmp_path / "journal"), "DURATION": "0.05"}
    daemon = Daemon(config, CrawlRunner(config, command=fake_command, env=env), ["alwatan"])
    daemon.add_jobs({})
    caplog.set_level(logging.INFO, logger="crawler.scheduler")

    def decided() -> list[float]:
        found = re.findall(r"alwatan: next run \S+, .*?: every ([\d.]+) (min|h)", caplog.text)
        return [float(v) * (60 if unit == "h" else 1) for v, unit in found]

    def stop_after_three() -> None:
        try:
            wait_for(lambda: len(decided()) >= 3, 60, "three rescheduled runs")
        finally:  # stop the daemon whatever happened, so a failure is not a hang
            os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_after_three, daemon=True)
    stopper.start()
    assert daemon.serve() == 0
    stopper.join()
    chosen = decided()[:3]
    assert len(chosen) == 3, caplog.text[-2000:]
    assert chosen[0] == pytest.approx(0.075)  # one run so far: the minimum × 1.5
    assert chosen[0] < chosen[1] and (chosen[1] < chosen[2] or chosen[2] == 0.15)
    assert all(0.05 <= m <= 0.15 for m in chosen)
    starts = [datetime.fromisoformat(r["started_at"]) for r in rows(config.database)][:3]
    gaps = [(b - a).total_seconds() for a, b in itertools_pairs(starts)]
    assert len(gaps) == 2
    for gap, minutes in zip(gaps, chosen, strict=False):
        assert gap >= math.floor(minutes * 60)
