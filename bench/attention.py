"""Attention over time on a large archive: what counting a query's matches per day costs.

Opens a database filled by bench/scale.py (100 sites, 1,000 articles a day, Zipf vocabulary)
read-only and, for each of its queries, times storage.search.matches_per_day (`khabar search
--per-day`: every match read, none ranked), the same with --site, with --since the archive's last
ten days (what a monitor asks each morning), and Datasette's
matches_per_day canned query (the chart's data, its SQL from storage/datasette/metadata.yaml
with khabar_match registered as the plugin does). Per query: its share of the archive, the
(day, site) rows it gives, the median of 3 runs in ms (wall; on a shared machine wall time
includes waiting for a core) and the CPU ms. Datasette cuts a request at 3 s
(crawler.commands.serve.SETTINGS).

    .venv/bin/python bench/scale.py --db /tmp/scale.sqlite --sizes 100000
    .venv/bin/python bench/attention.py --db /tmp/scale.sqlite
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import QUERIES  # noqa: E402
from bench.throughput import load  # noqa: E402
from crawler.commands.serve import load_metadata  # noqa: E402
from storage.readonly import connect_readonly  # noqa: E402
from storage.search import build_match, matches_per_day  # noqa: E402

RUNS = 3


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """fn's result, and its median wall and CPU ms over RUNS runs."""
    walls, cpus = [], []
    for _ in range(RUNS):
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return result, 1000 * statistics.median(walls), 1000 * statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/khabar-scale.sqlite"))
    args = parser.parse_args()
    conn = connect_readonly(args.db)
    conn.create_function("khabar_match", 1, build_match, deterministic=True)
    size = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    chart_sql = load_metadata()["databases"]["khabar"]["queries"]["matches_per_day"]["sql"]
    print(f"{args.db}: {size} articles ({load()})")
    last = conn.execute("SELECT max(published_day) FROM articles").fetchone()[0]
    since = str(date.fromisoformat(last) - timedelta(days=9))
    print(f"  last ten days: --since {since}")
    print(
        "  match%   rows  per-day ms (cpu)  --site ms (cpu)  --since ms (cpu)"
        "  chart ms (cpu)  query"
    )
    for q in QUERIES:
        matches = conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [build_match(q)]
        ).fetchone()[0]
        counts, wall, cpu = timed(lambda q=q: matches_per_day(conn, q))
        assert sum(c.matches for c in counts) == matches
        _, site_wall, site_cpu = timed(lambda q=q: matches_per_day(conn, q, site="site7"))
        _, since_wall, since_cpu = timed(lambda q=q: matches_per_day(conn, q, since=since))
        params = {"q": q, "site": "", "since": "", "until": ""}
        days, chart_wall, chart_cpu = timed(
            lambda params=params: conn.execute(chart_sql, params).fetchall()
        )
        assert sum(row[1] for row in days) == matches
        print(
            f"  {100 * matches / size:6.2f} {len(counts):6d} {wall:9.1f} ({cpu:6.1f})"
            f" {site_wall:8.1f} ({site_cpu:6.1f}) {since_wall:9.1f} ({since_cpu:6.1f})"
            f" {chart_wall:8.1f} ({chart_cpu:6.1f})  {q}"
        )
    conn.close()
    print(f"({load()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
