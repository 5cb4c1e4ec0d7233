"""What `khabar status` costs as the archive grows, and what the quiet/suspicious checks add.

Fills a database with N synthetic articles (first seen over the last 40 days, spread over
--sites sites, one run a day each; only the columns the checks read), then times, per site and
for all sites: the verdict's inputs before this check existed (runs, 24 h count, latest
article, field coverage) and the new daily-volume query (crawler.health's quiet verdict), and
the dashboard's `khabar_site_health()` for every site.

    .venv/bin/python bench/status_cost.py --articles 100000 1000000 --sites 20
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.site_status import volume_and_coverage  # noqa: E402
from storage.runs import (  # noqa: E402
    articles_since,
    daily_volume,
    last_new_article,
    quality_counts,
    recent_runs,
)
from storage.store import open_database  # noqa: E402

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAYS = 40


def fill(path: Path, articles: int, sites: int) -> None:
    db = open_database(path)
    rnd = random.Random(7)
    names = [f"site{i:03d}" for i in range(sites)]
    try:
        with db.conn:
            db.conn.executemany(
                "INSERT INTO crawls (site, started_at, finished_at, status, articles_new) "
                "VALUES (?, ?, ?, 'ok', 10)",
                [
                    (
                        s,
                        (NOW - timedelta(days=d)).isoformat(),
                        (NOW - timedelta(days=d)).isoformat(),
                    )
                    for s in names
                    for d in range(DAYS)
                ],
            )
            batch = []
            for n in range(articles):
                seen = NOW - timedelta(seconds=rnd.randrange(DAYS * 86400))
                stamp = seen.isoformat(timespec="seconds")
                url = f"https://x.example/{n}"
                batch.append((url, url, names[n % sites], stamp, stamp, stamp, 300, "a", "s"))
                if len(batch) == 50_000:
                    _insert(db, batch)
                    batch = []
            _insert(db, batch)
    finally:
        db.close()


def _insert(db, rows: list[tuple]) -> None:
    db.conn.executemany(
        "INSERT INTO articles (url, canonical_url, site, first_seen_at, last_seen_at, "
        "published_at, word_count, author, section) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def seconds(calls) -> float:
    """CPU time of making every call in `calls` (an iterable of thunks): SQLite runs in this
    process, and on a shared machine wall time mostly measures the wait for a core."""
    started = time.process_time()
    for call in calls:
        call()
    return time.process_time() - started


def measure(db, names: list[str]) -> tuple[float, float, float]:
    """Seconds for all sites: the inputs the verdicts had before, the daily volume, and the
    dashboard's function."""
    for name in names:  # warm the page cache: what follows measures the queries
        quality_counts(db, name, recent_size=20, short_words=60)

    def before(site: str) -> None:
        recent_runs(db, site)
        articles_since(db, site, NOW - timedelta(hours=24))
        last_new_article(db, site)
        quality_counts(db, site, recent_size=20, short_words=60)

    return (
        seconds(functools.partial(before, s) for s in names),
        seconds(functools.partial(daily_volume, db, s, NOW, 28) for s in names),
        seconds(functools.partial(volume_and_coverage, db, s, NOW) for s in names),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[100_000])
    parser.add_argument("--sites", type=int, default=20)
    args = parser.parse_args()
    print("CPU time; before = runs, 24 h count, latest article, field coverage")
    print("articles  sites  before ms/site  daily volume ms/site  dashboard ms (all sites)")
    for n in args.articles:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "status.sqlite"
            fill(path, n, args.sites)
            db = open_database(path, migrate=False)
            try:
                before, volume, board = measure(db, [f"site{i:03d}" for i in range(args.sites)])
            finally:
                db.close()
        per = 1000 / args.sites
        print(
            f"{n:>8}  {args.sites:>5}  {before * per:>14.1f}  {volume * per:>20.1f}  "
            f"{board * 1000:>24.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
