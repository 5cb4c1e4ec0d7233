"""Sources that go quiet or break: `quiet` (new articles per day below the site's own mean − 2σ)
and `suspicious` by field coverage (date, body, author, section), from generated history with a
fixed "now" — through the pure rules, the SQL that feeds them, and `khabar status`."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.commands.status import collect
from crawler.config import load_config
from crawler.health import (
    FAILING,
    OK,
    QUIET,
    STALE,
    SUSPICIOUS,
    DailyVolume,
    HealthPolicy,
    QualityCounts,
    RunSummary,
    SiteActivity,
    assess,
    normal_volume,
)
from storage.runs import daily_volume
from storage.store import open_database
from tests.test_scheduler import write_config

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = HealthPolicy()


def ok_runs(count: int, now: datetime = NOW) -> tuple[RunSummary, ...]:
    return tuple(
        RunSummary(i, "ok", now - (i + 1) * timedelta(hours=1), None, 0, "finished", 2)
        for i in range(count)
    )


CLEAN, BASE = QualityCounts(20, 0, 0, 0, 0), QualityCounts(200, 0, 0, 0, 0)


def activity(
    volume: DailyVolume | None, recent: QualityCounts = CLEAN, baseline: QualityCounts = BASE
) -> SiteActivity:
    last_new = NOW - timedelta(hours=1)
    return SiteActivity("alwatan", ok_runs(3), 12, last_new, recent, baseline, volume)


# --- the rule -----------------------------------------------------------------------------------


def test_normal_is_mean_and_sigma_of_the_last_28_days() -> None:
    days = (20, 60, 40, 30, 50) * 6  # 30 days; only the latest 28 count (σ above √mean)
    normal = normal_volume(DailyVolume(10, days), POLICY)
    assert normal is not None
    latest = days[:28]
    mean = sum(latest) / 28
    sigma = (sum((d - mean) ** 2 for d in latest) / 28) ** 0.5
    assert normal.days == 28
    assert normal.mean == pytest.approx(mean)
    assert normal.sigma == pytest.approx(sigma)
    assert normal.threshold == pytest.approx(mean - 2 * sigma)


@pytest.mark.parametrize(
    ("last_24h", "verdict"),
    [(40, OK), (28, OK), (27, QUIET), (5, QUIET), (0, QUIET)],
)
def test_quiet_below_mean_minus_two_sigma(last_24h: int, verdict: str) -> None:
    """Days of 37 and 43: mean 40, σ 3 — below counting noise √40 ≈ 6.32, which is used
    instead, so the threshold is 40 − 2√40 ≈ 27.35."""
    days = (37, 43) * 14
    normal = normal_volume(DailyVolume(last_24h, days), POLICY)
    assert normal is not None
    assert normal.sigma == pytest.approx(40**0.5)
    assert normal.threshold == pytest.approx(40 - 2 * 40**0.5)
    assert assess(activity(DailyVolume(last_24h, days)), None, NOW).verdict == verdict


def test_quiet_reason_gives_the_numbers() -> None:
    days = (30, 50) * 14  # mean 40, pstdev 10 (above the floor of 6.3)
    health = assess(activity(DailyVolume(3, days)), None, NOW)
    assert health.verdict == QUIET
    assert health.reason == (
        "3 new in 24 h, below its normal of 40.0 ± 10.0 a day (threshold 20.0, mean − 2σ over 28 d)"
    )
    assert not health.healthy


def test_not_enough_history_no_quiet_verdict() -> None:
    """13 days of 40 a day, then nothing: no verdict yet (14 needed); with 14 it is quiet."""
    assert normal_volume(DailyVolume(0, (40,) * 13), POLICY) is None
    assert assess(activity(DailyVolume(0, (40,) * 13)), None, NOW).verdict == OK
    assert assess(activity(DailyVolume(0, (40,) * 14)), None, NOW).verdict == QUIET
    assert assess(activity(None), None, NOW).verdict == OK


def test_an_irregular_site_is_never_quiet_by_chance() -> None:
    """A weekly-ish publisher: mean − 2σ is below zero, so no count is below its normal."""
    days = (0, 0, 0, 0, 0, 0, 35) * 4
    normal = normal_volume(DailyVolume(0, days), POLICY)
    assert normal is not None and normal.threshold < 0
    assert assess(activity(DailyVolume(0, days)), None, NOW).verdict == OK


# --- field coverage ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recent", "baseline", "verdict", "reason_part"),
    [
        (QualityCounts(20, 0, 0, 18, 0), QualityCounts(200, 0, 0, 4, 0), SUSPICIOUS, "no author"),
        (QualityCounts(20, 0, 0, 0, 15), QualityCounts(200, 0, 0, 0, 10), SUSPICIOUS, "no section"),
        (QualityCounts(20, 12, 0, 0, 0), QualityCounts(200, 2, 0, 0, 0), SUSPICIOUS, "no date"),
        (QualityCounts(20, 0, 19, 0, 0), QualityCounts(200, 0, 8, 0, 0), SUSPICIOUS, "a body"),
        # a site that never names its authors or sections is not suspicious for it
        (QualityCounts(20, 0, 0, 20, 20), QualityCounts(200, 0, 0, 200, 190), OK, ""),
        # without a baseline, author and section are not judged (dates and bodies are)
        (QualityCounts(20, 0, 0, 20, 20), QualityCounts(3, 0, 0, 0, 0), OK, ""),
        # a few more missing than usual is not a broken layout
        (QualityCounts(20, 0, 0, 3, 0), QualityCounts(200, 0, 0, 10, 0), OK, ""),
    ],
)
def test_field_coverage_drop_names_the_field(
    recent: QualityCounts, baseline: QualityCounts, verdict: str, reason_part: str
) -> None:
    health = assess(activity(None, recent, baseline), None, NOW)
    assert health.verdict == verdict
    assert reason_part in health.reason
    if verdict == SUSPICIOUS:
        assert "latest articles have" in health.reason


def test_precedence_and_findings() -> None:
    """Failing beats stale beats quiet beats suspicious; findings lists them all, worst first."""
    failed = tuple(
        RunSummary(i, "failed", NOW - (i + 1) * timedelta(hours=1), None, 1, "x", 0)
        for i in range(3)
    )
    quiet_and_broken = SiteActivity(
        "alwatan",
        failed + ok_runs(3, NOW - 3 * timedelta(hours=1)),
        0,
        NOW - timedelta(hours=5),
        QualityCounts(20, 0, 0, 20, 0),
        QualityCounts(200, 0, 0, 0, 0),
        DailyVolume(0, (40,) * 28),
    )
    health = assess(quiet_and_broken, None, NOW)
    assert health.verdict == FAILING
    assert [v for v, _ in health.findings] == [FAILING, QUIET, SUSPICIOUS]
    assert health.summary == f"{health.reason}; also quiet, suspicious"  # the table's column
    stale = SiteActivity(
        "alwatan",
        ok_runs(40),
        0,
        NOW - 5 * DAY,
        QualityCounts(20, 0, 0, 20, 0),
        QualityCounts(200, 0, 0, 0, 0),
        DailyVolume(0, (40,) * 28),
    )
    assert [v for v, _ in assess(stale, None, NOW).findings] == [STALE, QUIET, SUSPICIOUS]


# --- generated history in SQLite -------------------------------------------------------------


def add_history(
    db,
    site: str,
    per_day: list[int],
    now: datetime,
    *,
    last_24h: int,
    author: bool = True,
    recent_author: bool | None = None,
) -> None:
    """`per_day[k]` articles in the 24-hour window ending k + 1 days before `now` (k = 0: the
    day before the last 24 hours), `last_24h` in the last 24 hours, one ok run a day (each
    just before its window, so the site's history begins just before the oldest one)."""
    rnd = random.Random(site)
    first = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    n = first

    def article(at: datetime, with_author: bool) -> None:
        nonlocal n
        url = f"https://{site}.example/{n}"
        n += 1
        stamp = at.isoformat(timespec="seconds")
        db["articles"].insert(
            {
                "url": url,
                "canonical_url": url,
                "site": site,
                "first_seen_at": stamp,
                "last_seen_at": stamp,
                "published_at": stamp,
                "word_count": 300,
                "author": "كاتب" if with_author else None,
                "section": "سياسة",
            }
        )

    for k, count in enumerate(per_day):
        start = now - (k + 2) * DAY
        db["crawls"].insert(
            {
                "site": site,
                "started_at": (start - timedelta(minutes=2)).isoformat(timespec="seconds"),
                "finished_at": (start - timedelta(minutes=1)).isoformat(timespec="seconds"),
                "status": "ok",
                "articles_new": count,
            }
        )
        for _ in range(count):
            article(start + timedelta(seconds=rnd.randrange(60, 86000)), author)
    db["crawls"].insert(
        {
            "site": site,
            "started_at": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
            "finished_at": (now - timedelta(minutes=58)).isoformat(timespec="seconds"),
            "status": "ok",
            "articles_new": last_24h,
        }
    )
    for i in range(last_24h):
        article(now - timedelta(minutes=30 + i), author if recent_author is None else recent_author)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KHABAR_CONFIG", str(write_config(tmp_path)))
    monkeypatch.delenv("KHABAR_DB", raising=False)
    monkeypatch.delenv("KHABAR_REDIS_URL", raising=False)
    return tmp_path / "khabar.sqlite"


def steady(days: int, seed: int = 1) -> list[int]:
    rnd = random.Random(seed)
    return [rnd.randint(35, 45) for _ in range(days)]


def test_daily_volume_counts_whole_days_since_history_began(env: Path) -> None:
    db = open_database(env)
    try:
        per_day = steady(10)
        add_history(db, "alwatan", per_day, NOW, last_24h=7)
        volume = daily_volume(db, "alwatan", NOW, 28)
    finally:
        db.close()
    # began 11 days ago: the 10 whole windows before the last 24 h, newest first
    assert volume == DailyVolume(7, tuple(per_day))


def test_status_quiet_suspicious_ok_and_too_little_history(env: Path) -> None:
    db = open_database(env)
    try:
        add_history(db, "alwatan", steady(30), NOW, last_24h=6)  # quiet
        add_history(db, "sana", steady(30, 2), NOW, last_24h=40, recent_author=False)  # broken
    finally:
        db.close()
    config = load_config()
    rows = {r.site: r for r in collect(config, env, ["alwatan", "sana"], NOW, POLICY)}
    quiet = rows["alwatan"]
    assert quiet.health.verdict == QUIET
    assert quiet.health.reason.startswith("6 new in 24 h, below its normal of ")
    assert quiet.normal is not None and quiet.normal.days == 28
    assert quiet.normal.mean == pytest.approx(sum(steady(30)[:28]) / 28)
    assert quiet.as_json()["volume"]["normal"]["days"] == 28
    broken = rows["sana"]
    assert broken.health.verdict == SUSPICIOUS
    # the latest 20 of the 40 new ones lack an author; the other 20 are in the baseline
    earlier = sum(steady(30, 2)) + 20
    assert broken.health.reason == (
        f"20/20 latest articles have no author (baseline {20 / earlier:.0%})"
    )
    assert broken.as_json()["coverage"]["author"] == {
        "missing_recent": 1.0,
        "missing_baseline": round(20 / earlier, 3),
    }
    assert broken.as_json()["coverage"]["section"] == {
        "missing_recent": 0.0,
        "missing_baseline": 0.0,
    }

    # The same quiet day judged 13 days into the site's history: no verdict yet.
    young = env.with_name("young.sqlite")
    db = open_database(young)
    try:
        add_history(db, "alwatan", steady(12), NOW, last_24h=6)
    finally:
        db.close()
    (row,) = collect(config, young, ["alwatan"], NOW, POLICY)
    assert row.health.verdict == OK
    assert row.normal is None
    assert row.as_json()["volume"] == {"last_24h": 6, "history_days": 12, "normal": None}


def test_khabar_status_exits_1_for_quiet_and_lists_it_in_json(env: Path, capsys) -> None:
    now = datetime.now(UTC)
    db = open_database(env)
    try:
        add_history(db, "alwatan", steady(30), now, last_24h=2)
        add_history(db, "sana", steady(30, 3), now, last_24h=41)
    finally:
        db.close()
    assert main(["status", "--json"]) == 1
    out = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    assert out["alwatan"]["health"] == QUIET
    assert out["alwatan"]["findings"] == [{"health": QUIET, "reason": out["alwatan"]["reason"]}]
    assert out["sana"]["health"] == OK
    assert main(["status", "--site", "sana"]) == 0
    assert main(["status"]) == 1
    table = capsys.readouterr().out
    assert "quiet" in table and "2 new in 24 h, below its normal of" in table
