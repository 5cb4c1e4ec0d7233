"""The store and deduplication path alone (no HTTP, no extraction) as the archive grows.

Synthetic articles (bodies drawn from the corpus's Arabic words, 100 sites, 5% near-copies of
one of the 500 articles before) fill the database. The archive is filled in bulk with what the
store writes (rows, search entries, signatures, LSH bands; texts from a pool of POOL articles,
random signatures) up to WINDOW articles before each size of
--sizes; those last WINDOW articles go through the real DeduplicatePipeline and ArticleStore in
batches of KHABAR_WRITE_BATCH, as in a crawl, and are timed. At each size it prints:

- write: CPU and wall ms per article (dedup + store) over the last articles written,
- known URL: the indexed check of one URL (µs), and loading one site's known URLs (what the
  spider does at start: seconds, MB),
- near-duplicate lookup (storage/lsh.py) p50/p95 ms, and how many planted copies it found,
- search: p50/p95 ms of 10 Arabic queries through storage.search (the `khabar search` path),
  and the share of articles they match (words drawn from a small corpus match more articles
  than in real news: a pessimistic case),
- process RSS now and peak, database size.

The database is kept (--db) and filling resumes where it stopped: article n is the same on
every run, so 10^6 can be reached over several time-boxed runs (--minutes).

    .venv/bin/python bench/scale.py --sizes 10000 100000
    .venv/bin/python bench/scale.py --sizes 10000 100000 1000000 --minutes 60
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import random
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from bench.throughput import corpus_dir, load, tree_rss_kb, vocabulary  # noqa: E402
from crawler.arabic import fts_tokens  # noqa: E402
from crawler.fingerprint import (  # noqa: E402
    NUM_PERM,
    MinHash,
    NearDupIndex,
    content_hash,
    minhash_of_tokens,
)
from crawler.record import ArticleItem  # noqa: E402
from crawler.settings import KHABAR_WRITE_BATCH  # noqa: E402
from pipelines.deduplicate import DeduplicatePipeline, Duplicate  # noqa: E402
from pipelines.store import store_record  # noqa: E402
from storage.search import build_match, connect_readonly, search  # noqa: E402
from storage.store import ArticleStore, read_known_articles  # noqa: E402

SITES = 100
WINDOW = 2000  # articles written through the real path (and timed) before each size
POOL = 5000  # distinct texts of the bulk-filled articles
POOLED = ("title", "body", "fts_title", "fts_body", "word_count", "published_at")
COPY_SHARE = 0.05
QUERIES = [
    "الخارجية",
    "وزير الخارجية",
    '"وزارة الصحة"',
    "دمشق",
    "الاقتصاد*",
    "الحكومة المواطنين",
    "مجلس الأمن الدولي",
    "أسعار النفط",
    "الانتخابات",
    "كورونا",
]


class Articles:
    """Article n, the same on every run (so a kept database can be filled further)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        # fts_text works word by word: the matching form of a body of vocabulary words is the
        # words' matching forms, worked out once.
        self.tokens = {w: fts_tokens(w) for w in set(words)}

    def copy_of(self, n: int) -> int | None:
        """The earlier article that article n is a near-copy of, if it is one."""
        rng = random.Random(-n)  # agency copies follow the original within hours
        return rng.randrange(n - 500, n) if n > 500 and rng.random() < COPY_SHARE else None

    def _words(self, n: int) -> list[str]:
        rng = random.Random(n)
        return [rng.choice(self.words) for _ in range(rng.randint(150, 400))]

    def body_words(self, n: int) -> list[str]:
        original = self.copy_of(n)
        words = self._words(n if original is None else original)
        if original is not None:  # an agency copy: a tenth of the words changed
            rng = random.Random(n)
            for _ in range(len(words) // 10):
                words[rng.randrange(len(words))] = rng.choice(self.words)
        return words

    def fields(self, n: int) -> dict[str, Any]:
        """Everything the store keeps of article n, as the pipelines would have filled it."""
        words = self.body_words(n)
        body = " ".join(words)
        site = f"site{n % SITES}"
        day = f"2026-{1 + n % 12:02d}-01T00:00:00+00:00"
        tokens = [t for w in words for t in self.tokens[w]]
        return {
            "url": f"https://{site}.example/news/{n}",
            "site": site,
            "title": " ".join(words[:8]),
            "body": body,
            "fts_title": " ".join(t for w in words[:8] for t in self.tokens[w]),
            "fts_body": " ".join(tokens),
            "word_count": len(words),
            "published_at": day,
            "content_hash": content_hash(body),
            "minhash": NearDupIndex.signature_to_bytes(minhash_of_tokens(tokens)),
        }

    def bulk_fields(self, n: int) -> dict[str, Any]:
        """A cheap stand-in for article n (0.1 ms rather than 1 ms): text from a pool of
        POOL articles, an own URL and content hash, a random signature. The tables get the same
        shape (rows, search terms, one LSH bucket per band) at a fraction of the cost."""
        pooled = self._pool(n % POOL)
        site = f"site{n % SITES}"
        values = np.random.default_rng(n).integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint32)
        return {
            **pooled,
            "url": f"https://{site}.example/news/{n}",
            "site": site,
            "content_hash": hashlib.sha256(str(n).encode()).hexdigest(),
            "minhash": NearDupIndex.signature_to_bytes(MinHash(values)),
        }

    @functools.lru_cache(maxsize=POOL)  # noqa: B019 (one Articles per run)
    def _pool(self, k: int) -> dict[str, Any]:
        f = self.fields(k + 1)
        return {key: f[key] for key in POOLED}

    def item(self, n: int) -> ArticleItem:
        f = self.fields(n)
        return ArticleItem(
            url=f["url"],
            site=f["site"],
            found_via="sitemap",
            fetched_at=f["published_at"],
            canonical_url=f["url"],
            title=f["title"],
            body=f["body"],
            word_count=f["word_count"],
            language="ar",
            published_at=f["published_at"],
            content_hash=f["content_hash"],
            minhash=f["minhash"],
        )


def bulk_fill(db: Path, articles: Articles, upto: int, deadline: float) -> bool:
    """Write articles up to `upto` as the store would (row, search entry, signature, bands), in
    large transactions and without the pipelines, to reach 10^6 in minutes; only the stretch
    before each size goes through the real path and is timed. False if the deadline came."""
    store = ArticleStore(db)  # creates or upgrades the schema
    conn = store.db.conn
    n = count(db) + 1
    try:
        while n <= upto:
            if time.monotonic() > deadline:
                return False
            rows = [(i, articles.bulk_fields(i)) for i in range(n, min(n + 2000, upto + 1))]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO articles (id, url, canonical_url, site, title, body, word_count, "
                "language, published_at, content_hash, tags, first_seen_at, last_seen_at, "
                "updated_at, found_via, status) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, 'ar', ?, ?, '[]', ?, ?, ?, 'sitemap', 'live')",
                [
                    (i, f["url"], f["url"], f["site"], f["title"], f["body"], f["word_count"])
                    + (f["published_at"], f["content_hash"])
                    + (f["published_at"],) * 3
                    for i, f in rows
                ],
            )
            conn.executemany(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                [(i, f["fts_title"], f["fts_body"]) for i, f in rows],
            )
            conn.executemany(
                "INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)",
                [(i, f["minhash"]) for i, f in rows],
            )
            for i, f in rows:
                store.bands.insert(i, f["minhash"])
            conn.execute("COMMIT")
            n += len(rows)
            if n % 100_000 < len(rows):
                print(f"  {n - 1} articles ({load()})", flush=True)
    finally:
        store.close()
    return True


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def fill(db: Path, articles: Articles, target: int, deadline: float) -> dict[str, float] | None:
    """Write articles until `target`; CPU/wall per article over the last stretch, or None if
    the deadline came first."""
    window = WINDOW
    if not bulk_fill(db, articles, target - window, deadline):
        return None
    start_n = count(db) + 1
    store = ArticleStore(db)
    pipeline = DeduplicatePipeline(store, get_crawler().stats)
    pipeline.open_spider()
    cpu = wall = 0.0
    timed = copies = found = 0
    try:
        n = start_n
        while n <= target:
            if time.monotonic() > deadline:
                return None
            items = [articles.item(i) for i in range(n, min(n + KHABAR_WRITE_BATCH, target + 1))]
            c0, w0 = time.process_time(), time.perf_counter()
            records = []
            for item in items:
                with contextlib.suppress(Duplicate):
                    records.append(store_record(pipeline.process_item(item), keep_raw=False))
            store.write_articles(records, crawl_id=None)
            c1, w1 = time.process_time(), time.perf_counter()
            if n > target - window:
                cpu, wall, timed = cpu + c1 - c0, wall + w1 - w0, timed + len(items)
                for i, item in zip(range(n, n + len(items)), items, strict=True):
                    # copies of an article written in bulk cannot be found (random signature)
                    if (articles.copy_of(i) or 0) >= start_n:
                        copies += 1
                        found += bool(item.near_duplicates)
            n += len(items)
    finally:
        store.close()
    if not timed:
        return {"write_cpu_ms": float("nan"), "write_wall_ms": float("nan")}
    return {
        "write_cpu_ms": 1000 * cpu / timed,
        "write_wall_ms": 1000 * wall / timed,
        "copies_found": f"{found}/{copies}",
    }


def probe(db: Path, size: int) -> dict[str, float]:
    """Lookups and searches on a database of `size` articles."""
    rng = random.Random(size)
    conn = connect_readonly(db)
    urls = [f"https://site{n % SITES}.example/news/{n}" for n in rng.sample(range(1, size), 500)]
    took = []
    for url in urls:
        t0 = time.perf_counter()
        conn.execute("SELECT id FROM articles WHERE canonical_url = ?", [url]).fetchone()
        took.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    known = len(read_known_articles(db, "site7"))
    load_s = time.perf_counter() - t0

    store = ArticleStore(db)
    near = []
    for n in rng.sample(range(1, size), 200):
        blob = store.db.execute(
            "SELECT signature FROM article_minhash WHERE article_id = ?", [n]
        ).fetchone()
        if blob is None:
            continue
        sig = NearDupIndex.signature_from_bytes(blob[0])
        t0 = time.perf_counter()
        store.bands.query(sig)
        near.append(time.perf_counter() - t0)
    store.close()

    matches = [
        conn.execute(
            "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", [build_match(q)]
        ).fetchone()[0]
        for q in QUERIES
    ]
    searches = []
    for _ in range(3):
        for q in QUERIES:
            t0 = time.perf_counter()
            search(conn, q)
            searches.append(time.perf_counter() - t0)
    conn.close()
    return {
        "known_url_us_p50": 1e6 * statistics.median(took),
        "known_url_us_p95": 1e6 * pct(took, 0.95),
        "site_known_load_s": load_s,
        "site_known_urls": known,
        "neardup_ms_p50": 1000 * statistics.median(near),
        "neardup_ms_p95": 1000 * pct(near, 0.95),
        "search_ms_p50": 1000 * statistics.median(searches),
        "search_ms_p95": 1000 * pct(searches, 0.95),
        "search_matches_median_pct": 100 * statistics.median(matches) / size,
        "search_matches_max_pct": 100 * max(matches) / size,
    }


def tree_rss_kb_self() -> int:
    return tree_rss_kb(os.getpid())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "results" / "scale.sqlite")
    parser.add_argument("--minutes", type=float, default=60, help="stop filling after this")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + 60 * args.minutes
    articles = Articles(vocabulary(corpus_dir()))
    print(f"database {args.db}: {count(args.db)} articles already ({load()})", flush=True)
    for size in sorted(args.sizes):
        if count(args.db) > size:
            print(f"{size}: the database already holds more; use another --db", flush=True)
            continue
        written = fill(args.db, articles, size, deadline)
        if written is None:
            print(f"{size}: time is up at {count(args.db)} articles (run again to go on)")
            return 1
        row = {"articles": size, **written, **probe(args.db, size)}
        row["rss_mb"] = tree_rss_kb_self() / 1024
        row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row["db_mb"] = args.db.stat().st_size / 2**20
        print(
            " ".join(
                f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
            ),
            f"({load()})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
