"""Per-site health verdicts from crawl runs and article statistics (pure functions).

A site is *failing* when its last N finished runs failed (or the last one could not store what it
found), *stale* when no new article arrived
within the window its own schedule and history lead us to expect, *quiet* when it still
publishes but its new articles of the last 24 hours fall below its own normal (mean − 2σ of
the 28 days before, once it has 14 days of history), and *suspicious* when the
share of its latest articles without a date, an author, a section or a full body is far above
the site's own baseline (a changed page layout usually shows up like that before anything fails
outright). Runs interrupted by a daemon shutdown are neither successes nor failures.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

OK, FAILING, STALE, QUIET, SUSPICIOUS, NEW = "ok", "failing", "stale", "quiet", "suspicious", "new"
# Worst first: a site gets the first verdict that applies (and `findings` lists all of them).
PRECEDENCE = (FAILING, STALE, QUIET, SUSPICIOUS, NEW, OK)
UNHEALTHY = frozenset({FAILING, STALE, QUIET, SUSPICIOUS})
STATUS_RUNNING, STATUS_FAILED = "running", "failed"
NEUTRAL_STATUSES = frozenset({"interrupted", STATUS_RUNNING})
VANISHED = "process vanished"
# How a run fails when the database itself does (storage.faults): what the run found was not
# stored, and no retry of the web fixes that, so one such run makes the site failing.
DISK_FULL, READ_ONLY, STORE_ERROR = "disk full", "read-only database", "store error"


@dataclass(frozen=True)
class RunSummary:
    crawl_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    exit_code: int | None
    finish_reason: str | None
    articles_new: int = 0
    error_summary: str | None = None  # what failed, e.g. 'CannotResolveHostError ×24'


@dataclass(frozen=True)
class QualityCounts:
    """How many of a set of articles lack each field (a short body counts as lacking one)."""

    total: int
    null_date: int
    short_body: int
    no_author: int = 0
    no_section: int = 0

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0


@dataclass(frozen=True)
class DailyVolume:
    """New articles in the last 24 hours and in each of the 24-hour windows before it.

    `history` holds only whole windows since the site's history began (its first run or first
    stored article), newest first, so a site crawled for 10 days has 10 numbers, not 28.
    """

    last_24h: int
    history: tuple[int, ...]


@dataclass(frozen=True)
class SiteActivity:
    site: str
    runs: tuple[RunSummary, ...]  # newest first
    articles_24h: int
    last_new_article_at: datetime | None
    recent: QualityCounts  # the site's latest articles
    baseline: QualityCounts  # all its earlier articles
    volume: DailyVolume | None = None  # None: not measured (no quiet verdict)


@dataclass(frozen=True)
class HealthPolicy:
    failing_runs: int = 3  # this many failed runs in a row → failing
    stale_min: timedelta = timedelta(hours=24)  # never call a site stale sooner than this
    stale_periods: int = 4  # ... nor sooner than this many scheduled periods
    stale_gap_factor: float = 2.0  # ... nor sooner than this × its longest gap between news
    recent_size: int = 20  # latest articles compared with the baseline
    min_sample: int = 5  # fewer recent articles than this: no quality verdict
    min_baseline: int = 10  # fewer baseline articles: compare with `absolute_ceiling`
    short_words: int = 60  # a body shorter than this is "short"
    margin: float = 0.25  # suspicious: share ≥ baseline + margin ...
    ratio: float = 2.0  # ... and ≥ ratio × baseline
    absolute_ceiling: float = 0.5  # without a baseline: share above this is suspicious
    quiet_days: int = 28  # the site's normal: its new articles per day over this many days
    quiet_min_days: int = 14  # fewer days of history than this: no quiet verdict
    quiet_sigmas: float = 2.0  # quiet: last 24 h < mean − this × σ


@dataclass(frozen=True)
class Health:
    verdict: str
    reason: str
    # Every unhealthy verdict that applies, worst first (the first is `verdict` itself): a
    # failing site may be suspicious too, and the one who fixes it wants both.
    findings: tuple[tuple[str, str], ...] = ()

    @property
    def healthy(self) -> bool:
        return self.verdict not in UNHEALTHY

    @property
    def summary(self) -> str:
        """The reason, and the other verdicts that apply: 'last 3 runs failed (…); also
        suspicious'."""
        others = [verdict for verdict, _ in self.findings[1:]]
        return self.reason + (f"; also {', '.join(others)}" if others else "")


@dataclass(frozen=True)
class Normal:
    """A site's normal new articles per 24 hours, and the count below which it is quiet."""

    days: int
    mean: float
    sigma: float  # at least √mean: counting noise alone varies that much
    threshold: float  # mean − quiet_sigmas × sigma

    def as_json(self) -> dict[str, float | int]:
        return {
            "days": self.days,
            "mean": round(self.mean, 2),
            "sigma": round(self.sigma, 2),
            "threshold": round(self.threshold, 2),
        }


def settle_running(run: RunSummary, pid: int | None, alive: bool) -> RunSummary:
    """A run still marked running whose recorded process is gone (kill -9, OOM killer, power
    loss) is failed, 'process vanished': the table cannot say so until a crawl reaps it, but
    status must not show it running meanwhile."""
    if run.status != STATUS_RUNNING or pid is None or alive:
        return run
    return dataclasses.replace(run, status=STATUS_FAILED, finish_reason=VANISHED)


def finished_runs(runs: tuple[RunSummary, ...]) -> list[RunSummary]:
    """Runs that ended in success or failure (not interrupted, not still running)."""
    return [r for r in runs if r.status not in NEUTRAL_STATUSES]


def failing_reason(runs: tuple[RunSummary, ...], policy: HealthPolicy) -> str | None:
    """'last 3 runs failed (latest: …)' when the last N finished runs all failed, the site has
    only ever failed, or the last run failed to store what it found."""
    done = finished_runs(runs)
    streak = 0
    for run in done:
        if run.status != "failed":
            break
        streak += 1
    if not streak:
        return None
    latest = done[0]
    lost = (latest.finish_reason or "").startswith((DISK_FULL, READ_ONLY, STORE_ERROR))
    if streak < policy.failing_runs and streak < len(done) and not lost:
        return None
    # Scrapy's finish reason alone ('finished') does not say why a run that fetched nothing
    # failed: the errors it recorded do.
    why = "; ".join(r for r in (latest.finish_reason, latest.error_summary) if r) or (
        f"exit status {latest.exit_code}" if latest.exit_code is not None else "no reason"
    )
    runs_word = "run" if streak == 1 else f"{streak} runs"
    return f"last {runs_word} failed (latest: {why})"


def expected_window(
    period: timedelta | None, runs: tuple[RunSummary, ...], policy: HealthPolicy
) -> timedelta:
    """How long the site may go without a new article before it counts as stale: the largest of
    a floor, a few scheduled periods, and a multiple of its longest recent gap between runs
    that found something (so a weekly magazine is not judged by a daily's pace)."""
    window = policy.stale_min
    if period:
        window = max(window, policy.stale_periods * period)
    found = sorted(r.started_at for r in runs if r.articles_new > 0)
    gaps = [later - earlier for earlier, later in itertools.pairwise(found)]
    if gaps:
        window = max(window, policy.stale_gap_factor * max(gaps))
    return window


def stale_reason(
    activity: SiteActivity, period: timedelta | None, now: datetime, policy: HealthPolicy
) -> str | None:
    """'no new article for 3 d (expected within 1 d)' when the site crawls fine but finds
    nothing new for longer than its expected window."""
    done = finished_runs(activity.runs)
    ok_runs = [r for r in done if r.status == "ok"]
    if not ok_runs:
        return None  # never crawled successfully: failing or new, not stale
    since = activity.last_new_article_at or min(r.started_at for r in done)
    window = expected_window(period, activity.runs, policy)
    if now - since <= window:
        return None
    what = "no new article" if activity.last_new_article_at else "no article ever stored"
    return f"{what} for {_span(now - since)} (expected within {_span(window)})"


def normal_volume(volume: DailyVolume | None, policy: HealthPolicy) -> Normal | None:
    """The site's normal new articles per day from its own last `quiet_days` days, or None
    before it has `quiet_min_days` of history (no verdict on too little evidence).

    σ is the population standard deviation of the daily counts, but never below √mean: a
    site whose generated or very regular history has σ ≈ 0 would otherwise be quiet for one
    article less than usual, though a count of news varies by about √mean on its own.
    """
    if volume is None:
        return None
    days = volume.history[: policy.quiet_days]
    if len(days) < policy.quiet_min_days:
        return None
    mean = statistics.fmean(days)
    sigma = max(statistics.pstdev(days), math.sqrt(mean))
    return Normal(len(days), mean, sigma, mean - policy.quiet_sigmas * sigma)


def quiet_reason(activity: SiteActivity, policy: HealthPolicy) -> str | None:
    """'3 new in 24 h, below its normal of 41 ± 6 a day (threshold 29, mean − 2σ over 28 d)'."""
    normal = normal_volume(activity.volume, policy)
    if normal is None or activity.volume is None:
        return None
    if not activity.volume.last_24h < normal.threshold:
        return None
    return (
        f"{activity.volume.last_24h} new in 24 h, below its normal of {normal.mean:.1f} ± "
        f"{normal.sigma:.1f} a day (threshold {normal.threshold:.1f}, mean − "
        f"{policy.quiet_sigmas:g}σ over {normal.days} d)"
    )


def coverage_fields(
    recent: QualityCounts, baseline: QualityCounts, policy: HealthPolicy
) -> list[tuple[str, str, int, int, bool]]:
    """(field, what lacking it reads as, recent count, baseline count, judged without a
    baseline?) per watched field of the article record.

    A missing date or a short body is suspicious even before the site has a baseline (every
    article should have both); a missing author or section only relative to the site's own
    history, since many sites never print one.
    """
    return [
        ("published_at", "no date", recent.null_date, baseline.null_date, True),
        (
            "body",
            f"a body under {policy.short_words} words",
            recent.short_body,
            baseline.short_body,
            True,
        ),
        ("author", "no author", recent.no_author, baseline.no_author, False),
        ("section", "no section", recent.no_section, baseline.no_section, False),
    ]


def suspicious_reason(activity: SiteActivity, policy: HealthPolicy) -> str | None:
    """'27/30 latest articles have no date (baseline 2 %)' when extraction quality dropped."""
    recent, baseline = activity.recent, activity.baseline
    if recent.total < policy.min_sample:
        return None
    problems = []
    for _, label, now_count, base_count, absolute in coverage_fields(recent, baseline, policy):
        share = recent.share(now_count)
        if baseline.total >= policy.min_baseline:
            base = baseline.share(base_count)
            bad = share >= base + policy.margin and share >= policy.ratio * base
            against = f"baseline {base:.0%}"
        elif absolute:
            bad = share > policy.absolute_ceiling
            against = "no baseline yet"
        else:
            continue
        if bad:
            problems.append(f"{now_count}/{recent.total} latest articles have {label} ({against})")
    return "; ".join(problems) or None


def assess(
    activity: SiteActivity,
    period: timedelta | None,
    now: datetime,
    policy: HealthPolicy | None = None,
) -> Health:
    """The site's verdict, the worst that applies (PRECEDENCE: failing, stale, quiet,
    suspicious), else new or ok; `findings` lists every unhealthy verdict that applies."""
    policy = policy or HealthPolicy()
    if not activity.runs:
        return Health(NEW, "never crawled")
    found = tuple(
        (verdict, reason)
        for verdict, reason in (
            (FAILING, failing_reason(activity.runs, policy)),
            (STALE, stale_reason(activity, period, now, policy)),
            (QUIET, quiet_reason(activity, policy)),
            (SUSPICIOUS, suspicious_reason(activity, policy)),
        )
        if reason
    )
    if found:
        return Health(found[0][0], found[0][1], found)
    if not finished_runs(activity.runs):
        return Health(NEW, "no finished run yet")
    latest = activity.last_new_article_at
    last = f"last new article {_span(now - latest)} ago" if latest else "no article yet"
    return Health(OK, f"{activity.articles_24h} new in 24 h, {last}")


def _span(delta: timedelta) -> str:
    """A short human duration: 45 s, 12 min, 5 h, 3 d."""
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
