"""A backfill of a generated archive: peak memory by archive size, and a kill at 50 % resumed.

The site is tests/support/archive_site.py: N small synthetic Arabic articles over six years,
a sitemap index of 72 monthly sitemaps, a listing paginated to its first article, a feed;
pages made from the URL on request (nothing held per article), served over http by the
loopback replay proxy. For each N:

1. `scrapy crawl archive -a backfill=1` (what `khabar backfill` runs), no politeness delay,
   SIGKILLed with its whole process group once the first --kill-at fraction of the articles is
   stored;
2. the same command again (the resume), killed the same way at each further --kill-at fraction;
3. once more, to the end (or SIGKILLed at --resume-to).

Printed per N and run: seconds, articles stored by the run, articles/s, peak memory of the
crawl's process tree (sum of RSS, sampled every 50 ms; PSS beside it), and at the end:
articles lost (in the site, not stored), duplicated (stored twice), pages fetched twice,
and how many the resumed run said it put back (the bound on refetches).

    .venv/bin/python bench/backfill.py --n 1000 10000
    .venv/bin/python bench/backfill.py --n 100000 --kill-at 0.33 0.66   # killed twice
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.throughput import TreePeak, load  # noqa: E402
from tests.support.archive_site import ArchiveSite, config  # noqa: E402
from tests.support.replay import ReplayServer  # noqa: E402

RESUMED = re.compile(r"(\d+) requests in flight at the last stop go again")
SETTINGS = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=0",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
)


def stored(db: Path) -> tuple[int, int]:
    """(rows, distinct canonical URLs) in articles; (0, 0) before the schema exists."""
    if not db.exists():
        return 0, 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles"
        ).fetchone()
    except sqlite3.OperationalError:
        return 0, 0
    finally:
        conn.close()


def run(env: dict[str, str], db: Path, log: Path, stop_at: int | None) -> dict[str, float]:
    """One backfill run; SIGKILLed (process group) once `stop_at` articles are stored."""
    args = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", "backfill=1"]
    for setting in SETTINGS:
        args += ["-s", setting]
    before = stored(db)[0]
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    killed = False
    with TreePeak(proc.pid) as peak:
        while proc.poll() is None:
            if stop_at is not None and stored(db)[0] >= stop_at:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.1)
        code = proc.wait()
    seconds = time.perf_counter() - started
    articles = stored(db)[0] - before
    if not killed and code != 0:
        raise SystemExit(f"backfill failed ({code}); see {log}")
    return {
        "seconds": round(seconds, 1),
        "articles": articles,
        "articles_per_s": round(articles / seconds, 1),
        "peak_tree_rss_mb": round(peak.rss / 1024),
        "peak_tree_pss_mb": round(peak.pss / 1024),
        "killed": killed,
    }


def bench(n: int, kill_at: list[float], resume_to: float, workdir: Path) -> dict:
    site = ArchiveSite(n, scheme="http")
    db = workdir / f"archive-{n}.sqlite"
    log = workdir / f"archive-{n}.log"
    cfg = workdir / f"archive-{n}.yaml"
    cfg.write_text(config("http", str(db)), encoding="utf-8")
    with ReplayServer([site]) as proxy:
        env = {
            **os.environ,
            **proxy.env(),
            "KHABAR_CONFIG": str(cfg),
            "KHABAR_DB": str(db),
        }
        stops = [round(n * f) for f in kill_at] + [round(n * resume_to) if resume_to < 1 else None]
        runs = []
        for i, stop_at in enumerate(stops, 1):
            runs.append(run(env, db, log, stop_at))
            print(f"  N={n} run {i}: {json.dumps(runs[-1])} ({load()})", flush=True)
        fetches = Counter(
            url
            for _, url, _ in proxy.requests
            if not url.endswith(("/robots.txt", "/sitemap_index.xml", "/feed.xml", "/page/1"))
        )
    rows, distinct = stored(db)
    expected = round(n * resume_to) if resume_to < 1 else n
    return {
        "n": n,
        "runs": runs,
        "stored": distinct,
        "lost": max(expected - distinct, 0) if resume_to >= 1 else None,
        "duplicated": rows - distinct,
        "refetched": sum(c - 1 for c in fetches.values()),
        "put_back": sum(int(x) for x in RESUMED.findall(log.read_text())),
        "articles_fetched": sum(1 for u in fetches if re.search(r"/\d+$", u)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--kill-at",
        type=float,
        nargs="+",
        default=[0.5],
        help="fractions stored at the kills, one run each (then a run to the end)",
    )
    parser.add_argument(
        "--resume-to", type=float, default=1.0, help="stop the resume here too (1 = the end)"
    )
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} CPUs, {load()}, KHABAR_EXTRACT_WORKERS="
        f"{os.environ.get('KHABAR_EXTRACT_WORKERS', 'default')}",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="khabar-backfill-") as tmp:
        for n in args.n:
            results.append(bench(n, args.kill_at, args.resume_to, Path(tmp)))
            print(json.dumps(results[-1]), flush=True)
    print()
    print(
        f"{'N':>7} {'run':>4} {'seconds':>8} {'articles':>8} {'art/s':>6} {'peak RSS MB':>11} "
        f"{'PSS MB':>7}"
    )
    for r in results:
        for i, one in enumerate(r["runs"], 1):
            print(
                f"{r['n']:>7} {i:>4} {one['seconds']:>8.1f} {one['articles']:>8} "
                f"{one['articles_per_s']:>6.1f} {one['peak_tree_rss_mb']:>11} "
                f"{one['peak_tree_pss_mb']:>7}"
            )
    print()
    for r in results:
        print(
            f"N={r['n']}: stored {r['stored']}, lost {r['lost']}, duplicated {r['duplicated']}, "
            f"pages fetched twice {r['refetched']} (the resume put back {r['put_back']})"
        )
    out = PROJECT_ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "backfill.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
