"""Health verdicts from run rows and article statistics (pure, table-driven)."""

from __future__ import annotations

import dataclasses
import errno
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from crawler.health import (
    DISK_FULL,
    FAILING,
    NEW,
    OK,
    READ_ONLY,
    STALE,
    STORE_ERROR,
    SUSPICIOUS,
    HealthPolicy,
    QualityCounts,
    RunSummary,
    SiteActivity,
    assess,
    expected_window,
    failing_reason,
)
from storage.faults import store_error

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
CLEAN = QualityCounts(20, 0, 1)
BASE = QualityCounts(200, 4, 10)


def runs(spec: str, every: timedelta = HOUR, new: int = 3) -> tuple[RunSummary, ...]:
    """Runs newest first from status letters: o=ok f=failed i=interrupted r=running."""
    names = {"o": "ok", "f": "failed", "i": "interrupted", "r": "running"}
    out = []
    for i, letter in enumerate(spec):
        status = names[letter]
        started = NOW - (i + 1) * every
        out.append(
            RunSummary(
                crawl_id=100 - i,
                status=status,
                started_at=started,
                finished_at=None if status == "running" else started + timedelta(minutes=2),
                exit_code={"f": -9}.get(letter, 0),
                finish_reason="killed by SIGKILL" if letter == "f" else "finished",
                articles_new=new if status == "ok" else 0,
            )
        )
    return tuple(out)


def activity(
    run_rows: tuple[RunSummary, ...],
    last_new: timedelta | None = HOUR,
    recent: QualityCounts = CLEAN,
    baseline: QualityCounts = BASE,
) -> SiteActivity:
    return SiteActivity(
        site="alwatan",
        runs=run_rows,
        articles_24h=12,
        last_new_article_at=NOW - last_new if last_new is not None else None,
        recent=recent,
        baseline=baseline,
    )


@pytest.mark.parametrize(
    ("case", "site", "verdict", "reason_part"),
    [
        ("never crawled", activity(()), NEW, "never crawled"),
        ("only running", activity(runs("r"), None), NEW, "no finished run"),
        ("healthy", activity(runs("ooo")), OK, "12 new in 24 h"),
        ("one crash among ok runs", activity(runs("ofoo")), OK, ""),
        ("last 3 failed", activity(runs("fffoo")), FAILING, "last 3 runs failed"),
        ("2 failed is not yet failing", activity(runs("ffoo")), OK, ""),
        ("interruptions are neutral", activity(runs("fifif")), FAILING, "last 3 runs failed"),
        ("never succeeded", activity(runs("f"), None), FAILING, "last run failed"),
        ("failing reason names the exit", activity(runs("fff")), FAILING, "killed by SIGKILL"),
        ("no news for 3 days", activity(runs("ooo"), 72 * HOUR), STALE, "no new article for 3 d"),
        ("no news for 20 h is fine", activity(runs("ooo"), 20 * HOUR), OK, ""),
        (
            "never any article",
            activity(runs("o" * 30, new=0), None),
            STALE,
            "no article ever stored",
        ),
        (
            "failing wins over stale",
            activity(runs("fff"), 72 * HOUR),
            FAILING,
            "",
        ),
        (
            "dates lost",
            activity(runs("ooo"), recent=QualityCounts(20, 15, 1)),
            SUSPICIOUS,
            "15/20 latest articles have no date (baseline 2%)",
        ),
        (
            "bodies cut short",
            activity(runs("ooo"), recent=QualityCounts(20, 0, 18)),
            SUSPICIOUS,
            "18/20 latest articles have a body under 60 words",
        ),
        (
            "a site that never had dates is not suspicious",
            activity(
                runs("ooo"), recent=QualityCounts(20, 20, 0), baseline=QualityCounts(200, 190, 0)
            ),
            OK,
            "",
        ),
        (
            "small rise is noise",
            activity(runs("ooo"), recent=QualityCounts(20, 4, 1)),
            OK,
            "",
        ),
        (
            "too few articles to judge",
            activity(runs("ooo"), recent=QualityCounts(3, 3, 3)),
            OK,
            "",
        ),
        (
            "no baseline: absolute ceiling",
            activity(runs("ooo"), recent=QualityCounts(12, 9, 0), baseline=QualityCounts(0, 0, 0)),
            SUSPICIOUS,
            "no baseline yet",
        ),
    ],
)
def test_assess(case: str, site: SiteActivity, verdict: str, reason_part: str) -> None:
    health = assess(site, HOUR, NOW)
    assert health.verdict == verdict, (case, health)
    assert reason_part in health.reason, (case, health)
    assert health.healthy == (verdict in (OK, NEW))


@pytest.mark.parametrize(
    ("period", "run_rows", "window"),
    [
        (None, (), timedelta(hours=24)),  # the floor
        (HOUR, runs("ooo"), timedelta(hours=24)),
        (timedelta(hours=12), runs("ooo"), timedelta(hours=48)),  # 4 periods
        # a weekly site: news every 7 days → twice its longest gap
        (HOUR, runs("ooo", every=timedelta(days=7)), timedelta(days=14)),
    ],
)
def test_expected_window(period, run_rows, window: timedelta) -> None:
    assert expected_window(period, run_rows, HealthPolicy()) == window


def test_failing_threshold_is_a_policy() -> None:
    site = activity(runs("ffo"))
    assert assess(site, HOUR, NOW).verdict == OK
    assert assess(site, HOUR, NOW, HealthPolicy(failing_runs=2)).verdict == FAILING


@pytest.mark.parametrize(
    ("finish_reason", "error_summary", "exit_code", "why"),
    [
        ("finished", "CannotResolveHostError ×24", 0, "finished; CannotResolveHostError ×24"),
        ("killed by SIGKILL", None, -9, "killed by SIGKILL"),
        (None, None, 3, "exit status 3"),
        (None, None, None, "no reason"),
    ],
)
def test_failing_reason_says_why_the_latest_run_failed(
    finish_reason, error_summary, exit_code, why
) -> None:
    run = RunSummary(
        crawl_id=1,
        status="failed",
        started_at=NOW,
        finished_at=NOW,
        exit_code=exit_code,
        finish_reason=finish_reason,
        error_summary=error_summary,
    )
    assert failing_reason((run,), HealthPolicy()) == f"last run failed (latest: {why})"


@pytest.mark.parametrize(
    ("finish_reason", "verdict"),
    [
        ("disk full", FAILING),
        ("read-only database", FAILING),
        ("store error: IntegrityError: constraint failed", FAILING),
        ("no page could be fetched: dns ×7", OK),  # the web: the next run may well work
    ],
)
def test_one_run_that_could_not_store_makes_the_site_failing(finish_reason, verdict) -> None:
    """What such a run found is not stored, and retrying the web does not fix a database."""
    failed = dataclasses.replace(runs("f")[0], finish_reason=finish_reason)
    site = activity((failed, *runs("oo")[1:]))
    health = assess(site, HOUR, NOW)
    assert health.verdict == verdict
    if verdict == FAILING:
        assert health.reason == f"last run failed (latest: {finish_reason})"


def test_every_store_failure_reason_is_one_health_knows() -> None:
    errors = [
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("attempt to write a readonly database"),
        OSError(errno.ENOSPC, "No space left on device"),
        sqlite3.IntegrityError("constraint failed"),
        KeyError("url"),
    ]
    reasons = [store_error(exc) for exc in errors]
    assert reasons == [
        "disk full",
        "read-only database",
        "disk full",
        "store error: IntegrityError: constraint failed",
        "store error: KeyError: 'url'",
    ]
    assert all(reason.startswith((DISK_FULL, READ_ONLY, STORE_ERROR)) for reason in reasons)
