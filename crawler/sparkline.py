"""A site's new articles per day over the last two weeks, as a one-line sparkline.

`khabar status` shows it next to each site so a site that slowly dries up (or stopped on a
given day) is visible without opening Datasette: `▃▅▄▆▅▇▅·····▁▂`. Days are UTC calendar
days of `first_seen_at` (when the article was first stored), oldest first, today last.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

BARS = "▁▂▃▄▅▆▇█"
ZERO = "·"  # a day with nothing new: distinct from "a few" (▁)
DAYS = 14


def sparkline(counts: Sequence[int]) -> str:
    """One character per count: · for 0, else ▁…█ scaled to the largest count."""
    top = max(counts, default=0)
    if top <= 0:
        return ZERO * len(counts)
    return "".join(
        ZERO if n <= 0 else BARS[min(len(BARS) - 1, math.ceil(n / top * len(BARS)) - 1)]
        for n in counts
    )


def daily_counts(rows: Iterable[tuple[str, int]], last_day: date, days: int = DAYS) -> list[int]:
    """Counts for the `days` days ending with `last_day`, from (YYYY-MM-DD, count) rows;
    days without a row are 0 and rows outside the window are ignored."""
    first = last_day - timedelta(days=days - 1)
    out = [0] * days
    for day, count in rows:
        try:
            index = (date.fromisoformat(day[:10]) - first).days
        except (TypeError, ValueError):
            continue
        if 0 <= index < days:
            out[index] += int(count)
    return out


def new_articles_per_day(db: Any, site: str, now: datetime, days: int = DAYS) -> list[int]:
    """New articles of `site` per UTC day for the last `days` days (today included).

    `db` is anything with `.execute(sql, params)` (sqlite3 or sqlite_utils); None gives zeros.
    """
    today = now.astimezone(UTC).date()
    if db is None:
        return [0] * days
    since = (today - timedelta(days=days - 1)).isoformat()
    rows = db.execute(
        "SELECT substr(first_seen_at, 1, 10) AS day, count(*) FROM articles "
        "WHERE site = ? AND first_seen_at >= ? GROUP BY day",
        [site, since],
    ).fetchall()
    return daily_counts(rows, today, days)


def site_sparkline(db: Any, site: str, now: datetime, days: int = DAYS) -> str:
    """The status column: the sparkline of `new_articles_per_day`."""
    return sparkline(new_articles_per_day(db, site, now, days))
