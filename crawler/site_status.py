"""A site's volume and field-coverage verdict from the database alone, for the Datasette dashboard.

`khabar status` judges every verdict; Datasette has the database but not config.yaml, so it
cannot know a site's schedule (what *stale* is measured against). What it can show, with the
same rules and numbers as `khabar status`, are the two verdicts that depend only on the
site's own history: *quiet* (new articles below its normal) and *suspicious* (fields gone
missing). The text is made of numbers and field labels only (the dashboard table renders cells
as HTML).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.health import (
    OK,
    QUIET,
    SUSPICIOUS,
    HealthPolicy,
    SiteActivity,
    normal_volume,
    quiet_reason,
    suspicious_reason,
)
from storage.runs import daily_volume, quality_counts

NO_VERDICT = "too little history"


def volume_and_coverage(
    db: Any, site: str, now: datetime, policy: HealthPolicy | None = None
) -> dict[str, Any]:
    """{verdict, reason, new_24h, normal_per_day, threshold, history_days} of one site.

    `db` is anything with `.execute(sql, params)` returning rows as tuples.
    """
    policy = policy or HealthPolicy()
    # Only what these two verdicts read (a site's runs and latest article are not needed):
    # the dashboard calls this for every site within one request's time limit.
    recent, baseline = quality_counts(
        db, site, recent_size=policy.recent_size, short_words=policy.short_words
    )
    volume = daily_volume(db, site, now, policy.quiet_days)
    activity = SiteActivity(site, (), 0, None, recent, baseline, volume)
    normal = normal_volume(volume, policy)
    days = len(volume.history) if volume else 0
    verdict, reason = OK, ""
    if found := quiet_reason(activity, policy):
        verdict, reason = QUIET, found
    elif found := suspicious_reason(activity, policy):
        verdict, reason = SUSPICIOUS, found
    elif normal is None:
        verdict = NO_VERDICT
        reason = f"{days} of the {policy.quiet_min_days} days of history a volume verdict needs"
    return {
        "verdict": verdict,
        "reason": reason,
        "new_24h": volume.last_24h if volume else 0,
        "normal_per_day": round(normal.mean, 1) if normal else None,
        "threshold": round(normal.threshold, 1) if normal else None,
        "history_days": days,
    }
