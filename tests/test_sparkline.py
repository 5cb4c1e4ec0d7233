"""The per-site sparkline of new articles per day that `khabar status` shows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crawler.sparkline import daily_counts, new_articles_per_day, site_sparkline, sparkline
from storage.store import open_database


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        ([], ""),
        ([0, 0, 0], "···"),
        ([1, 2, 3, 4, 5, 6, 7, 8], "▁▂▃▄▅▆▇█"),
        ([0, 1, 100], "·▁█"),  # one article is still visible next to a busy day
        ([5, 5], "██"),
        ([3, 0, 6], "▄·█"),
    ],
)
def test_sparkline(counts: list[int], line: str) -> None:
    assert sparkline(counts) == line


def test_daily_counts_fill_gaps_and_drop_outside_days() -> None:
    rows = [
        ("2026-11-30", 4),
        ("2026-11-28", 2),
        ("2026-11-10", 9),
        ("garbage", 1),
        ("2026-12-01", 3),
    ]
    assert daily_counts(rows, date(2026, 11, 30), days=4) == [0, 2, 0, 4]


def test_new_articles_per_day_from_the_database(tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.sqlite")
    stamps = {
        "alwatan": ["2026-11-30T09:00:00+00:00"] * 3
        + ["2026-11-29T23:59:59+00:00", "2026-11-17T00:00:00+00:00", "2026-11-16T23:00:00+00:00"],
        "sana": ["2026-11-30T01:00:00+00:00"],
    }
    n = 0
    for site, times in stamps.items():
        for stamp in times:
            n += 1
            db["articles"].insert(
                {
                    "url": f"https://{site}.sy/{n}",
                    "canonical_url": f"https://{site}.sy/{n}",
                    "site": site,
                    "first_seen_at": stamp,
                    "last_seen_at": stamp,
                }
            )
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    counts = new_articles_per_day(db, "alwatan", now)
    assert len(counts) == 14
    assert counts[0] == 1  # 2026-11-17, the first of the 14 days; the 16th is outside
    assert counts[-2:] == [1, 3]
    assert site_sparkline(db, "alwatan", now) == "▃" + "·" * 11 + "▃█"
    assert site_sparkline(db, "nosuch", now) == "·" * 14
    assert site_sparkline(None, "alwatan", now) == "·" * 14
    db.close()
