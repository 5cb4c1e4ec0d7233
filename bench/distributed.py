"""Distributed mode on a generated site: 1 vs N workers, and what a SIGKILL costs.

The generated news site of tests/support/newssite.py (N Arabic articles behind one sitemap) is
served by the loopback replay proxy; a real redis-server, real `scrapy crawl bench` workers and
one `khabar writer` crawl it into SQLite. Prints, per worker count, the wall time until every
article is stored, articles/s, and the fetches counted at the server (every fetch of an
article URL, and how many URLs were fetched more than once). Then the kill run: one worker
SIGKILLed at 25 % stored and the writer SIGKILLed at 50 % (restarted), with what was lost,
stored twice and fetched twice.

    .venv/bin/python bench/distributed.py                       # 2,000 articles, 1 and 3 workers
    .venv/bin/python bench/distributed.py --articles 500 --workers 1 2 3 --no-kill
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from crawler.distributed import keys  # noqa: E402
from tests.support.cluster import (  # noqa: E402
    start_worker,
    start_writer,
    stored_count,
    wait_all,
    wait_for,
)
from tests.support.newssite import CONFIG, HOST, build_site  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.replay import ReplayServer  # noqa: E402

ARTICLE_PREFIX = f"https://{HOST}/archives/"
# Fetch as fast as the loopback allows; one extraction process per worker.
SETTINGS = ("CONCURRENT_REQUESTS=32", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "LOG_LEVEL=INFO")


def article_fetches(server: ReplayServer) -> Counter[str]:
    return Counter(url for _, url, _ in server.requests if url.startswith(ARTICLE_PREFIX))


def duplicates(db: Path) -> tuple[int, int, int]:
    """(rows, distinct canonical URLs, revisions) in the database."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles"
        ).fetchone()
        revisions = conn.execute("SELECT COUNT(*) FROM article_revisions").fetchone()[0]
    finally:
        conn.close()
    return rows, distinct, revisions


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(
    articles: int, workers: int, redis: RedisServer, proxy: ReplayServer, tmp: Path, kill: bool
) -> dict[str, object]:
    redis.flush()
    proxy.reset_log()
    run_dir = Path(tempfile.mkdtemp(dir=tmp, prefix=f"w{workers}-{'kill-' if kill else ''}"))
    config = run_dir / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    db = run_dir / "khabar.sqlite"
    env = {
        **proxy.env(),
        "KHABAR_CONFIG": str(config),
        "KHABAR_REDIS_URL": redis.url,
        "KHABAR_DB": str(run_dir / "no-worker-writes-here.sqlite"),
        "KHABAR_EXTRACT_WORKERS": "1",
    }
    load_before = load()
    start = time.perf_counter()
    writer = start_writer(db, env, run_dir / "writer.log")
    procs = [
        start_worker("bench", env, run_dir / f"worker{i}.log", SETTINGS) for i in range(workers)
    ]
    killed_worker = killed_writer = False
    if kill:
        wait_for(lambda: stored_count(db) >= articles // 4, 600, "25 % stored")
        procs[0].send_signal(signal.SIGKILL)
        killed_worker = True
        client = redis.client()
        wait_for(
            lambda: stored_count(db) >= articles // 2 and keys.processing_count(client),
            600,
            "50 % stored and a batch in hand",
            poll=0.01,
        )
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        killed_writer = True
        writer = start_writer(db, env, run_dir / "writer.log")
    codes = wait_all(procs, 1800)
    wait_for(lambda: stored_count(db) >= articles, 600, "every article stored")
    elapsed = time.perf_counter() - start
    writer.send_signal(signal.SIGTERM)
    writer_code = writer.wait(60)
    fetches = article_fetches(proxy)
    rows, distinct, revisions = duplicates(db)
    recovered = sum(
        int(line.split("put ")[1].split()[0])
        for log in run_dir.glob("worker*.log")
        for line in log.read_text(errors="replace").splitlines()
        if "requests of a silent worker back" in line
    )
    return {
        "workers": workers,
        "kill": kill,
        "articles": articles,
        "stored": rows,
        "stored_distinct": distinct,
        "revisions": revisions,
        "lost": articles - distinct,
        "seconds": round(elapsed, 1),
        "articles_per_s": round(rows / elapsed, 1),
        "article_fetches": sum(fetches.values()),
        "urls_fetched_twice": sum(1 for n in fetches.values() if n > 1),
        "requests_recovered": recovered,
        "worker_exit_codes": codes,
        "writer_exit_code": writer_code,
        "killed": {"worker": killed_worker, "writer": killed_writer},
        "worker_db_created": (run_dir / "no-worker-writes-here.sqlite").exists(),
        "load_before": load_before,
        "load_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--no-kill", action="store_true", help="skip the SIGKILL run")
    args = parser.parse_args()
    site = build_site(args.articles)
    results = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        RedisServer(Path(tmp) / "redis") as redis,
        ReplayServer([site]) as proxy,
    ):
        plan = [(w, False) for w in args.workers]
        if not args.no_kill:
            plan.append((max(args.workers), True))
        for workers, kill in plan:
            results.append(run(args.articles, workers, redis, proxy, Path(tmp), kill))
            print(json.dumps(results[-1]), flush=True)
    print(
        f"\n{'workers':>7} {'kill':>5} {'stored':>7} {'lost':>5} {'seconds':>8} {'art/s':>7} "
        f"{'fetches':>8} {'twice':>6} {'recovered':>9}  load (1/5/15 min) before → after"
    )
    for r in results:
        print(
            f"{r['workers']:>7} {'yes' if r['kill'] else 'no':>5} {r['stored']:>7} "
            f"{r['lost']:>5} {r['seconds']:>8} {r['articles_per_s']:>7} "
            f"{r['article_fetches']:>8} {r['urls_fetched_twice']:>6} "
            f"{r['requests_recovered']:>9}  {r['load_before']} → {r['load_after']}"
        )
    out = PROJECT_ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "distributed.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
