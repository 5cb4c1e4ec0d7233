"""The store and deduplication path alone (no HTTP, no extraction) as the archive grows.

Synthetic articles fill the database (the text model is described at `Vocabulary`: real corpus
words in a Zipf vocabulary of a realistic size; 100 sites; 5% near-copies of one of the 500
articles before). A child process fills the archive in bulk with exactly what the store writes
(storage.store.new_article_row and search_entry, storage.lsh bands; random signatures) up to
WINDOW articles before each size of --sizes; those last WINDOW articles go through the real
DeduplicatePipeline and ArticleStore in batches of KHABAR_WRITE_BATCH, as in a crawl, and are
timed. The fill runs in its own processes (one makes the rows, one writes them, with a large
page cache), so the measuring process's memory is what a crawl's would be. At each size it
prints:

- write: CPU and wall ms per article (dedup + store) over the last articles written,
- known URL: the spider's check of one URL (storage.known, an index probe), µs,
- near-duplicate lookup (storage/lsh.py) p50/p95 ms, and how many planted copies it found,
- search: p50/p95 ms of 10 Arabic queries through storage.search (the `khabar search` path),
  wall and CPU (on a shared machine wall time includes waiting for a core); p50/max of the
  same with --site (one site of SITES); each query's share of the archive and its median ms,
- search --exact: p50/p95 ms of the same queries in the matching form alone,
- process RSS now and peak, database size and the search index's share of it (index_mb: the
  articles_fts tables, from dbstat).

The database is kept (--db) and filling resumes where it stopped: article n is the same on
every run, so 10^6 can be reached over several time-boxed runs (--minutes).

    .venv/bin/python bench/scale.py --db /tmp/scale.sqlite --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import multiprocessing
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from bench.throughput import ARABIC_WORD, _language, corpus_dir, load, tree_rss_kb  # noqa: E402
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
from crawler.stem import stem_tokens  # noqa: E402
from pipelines.deduplicate import DeduplicatePipeline, Duplicate  # noqa: E402
from pipelines.store import store_record  # noqa: E402
from storage.known import SqliteKnownArticles  # noqa: E402
from storage.lsh import MinHashBands, signature_keys  # noqa: E402
from storage.readonly import connect_readonly  # noqa: E402
from storage.search import build_match, search  # noqa: E402
from storage.store import (  # noqa: E402
    INDEX_INSERT,
    ArticleStore,
    insert_sql,
    new_article_row,
    open_database,
    search_entry,
)

SITES = 100
WINDOW = 2000  # articles written through the real path (and timed) before each size
BULK_BATCH = 10_000  # articles per transaction of the bulk fill
BULK_CACHE_KB = 4_000_000  # the fill's page cache: every index stays in memory
BLOCK = 1000  # articles drawn at once (article n's words come from block n // BLOCK)
COPY_SHARE = 0.05
VOCABULARY = 200_000  # distinct words of the archive (see Vocabulary)
ZIPF_S = 1.0
COMMON_DF = 3  # a word used by this many distinct corpus texts is general vocabulary
START = 1_672_531_200  # 2023-01-01T00:00:00Z; articles are published SPACING seconds apart
SPACING = 86.4  # 1,000 articles a day over all sites: 10^6 is ~2.7 years of archive
# A realistic mix of what readers type into a news archive: frequent words (a title, a
# country, a minister), names and places, two-word phrases, an AND, a prefix. Each query's
# match share is printed; frequent words are kept on purpose: ranking their matches is what
# costs.
QUERIES = [
    "الرئيس",  # frequent words: a title, a country, a minister
    "سورية",
    "وزير",
    "لافروف",  # a name
    "الخارجية",  # a ministry
    "موسكو",  # a city
    '"وزير الخارجية"',  # two-word phrases
    '"مجلس الأمن"',
    "الحكومة المواطنين",  # two words ANDed
    "الإرهاب*",  # a prefix
]


def corpus_texts() -> list[list[str]]:
    """The Arabic words of each gold body of the corpus (Persian texts left out)."""
    texts = []
    for path in sorted(corpus_dir().glob("*/*.gold.txt")):
        if _language(path) != "fa":
            texts.append([w for w in ARABIC_WORD.findall(path.read_text("utf-8")) if len(w) > 1])
    return texts


def distinct(texts: list[list[str]]) -> list[list[str]]:
    """The texts without the corpus's copies of one story (the al-Watan replica carries SANA's
    text four times): a text sharing half its words with an earlier one is left out."""
    kept: list[list[str]] = []
    for text in texts:
        words = set(text)
        if all(len(words & set(k)) < len(words) / 2 for k in kept):
            kept.append(text)
    return kept


class Vocabulary:
    """Words ranked for a Zipf law (frequency ∝ 1/rank^ZIPF_S) over VOCABULARY distinct words.

    The corpus has 28 distinct Arabic gold texts (7,500 words, 3,000 distinct): drawing bodies
    from its word list as is makes every name and place one of the archive's few hundred most
    common words (دمشق, in a few stories of the corpus, then matched a quarter of all
    articles). A real archive of 10^6 articles has hundreds of thousands of distinct words and
    each name belongs to few stories. So: corpus words used by at least COMMON_DF distinct
    texts (function words and general news vocabulary: في، من، الرئيس، وزير) take the top ranks,
    the most widely used first; the other corpus words (topical: names, places, terms) are
    spread evenly over the remaining ranks in corpus-frequency order; generated letter strings
    fill the ranks between them (they tokenise and index like any word; a body reads as about
    half real words). Words are drawn independently (no burstiness), which over-states how many
    articles a word appears in for its frequency: pessimistic for search.
    """

    def __init__(self, texts: list[list[str]]) -> None:
        texts = distinct(texts)
        counts = Counter(w for text in texts for w in text)
        used_by = Counter(w for text in texts for w in set(text))
        order = sorted(counts, key=lambda w: (-used_by[w], -counts[w], w))
        common = [w for w in order if used_by[w] >= COMMON_DF]
        topical = sorted(
            (w for w in order if used_by[w] < COMMON_DF), key=lambda w: (-counts[w], w)
        )
        slots: list[str | None] = [None] * VOCABULARY
        slots[: len(common)] = common
        step = (VOCABULARY - len(common)) / len(topical)
        for i, word in enumerate(topical):
            slots[len(common) + int(i * step)] = word
        rng = random.Random(20261130)
        taken = set(counts)
        letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوية"
        for r in range(VOCABULARY):
            while slots[r] is None:
                word = "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
                if word not in taken:
                    taken.add(word)
                    slots[r] = word
        self.words: list[str] = [w for w in slots if w is not None]
        # fts_text works word by word: the matching form of a text of vocabulary words is the
        # words' matching forms (checked against search_entry on every bulk batch).
        self.tokens: list[str] = [" ".join(fts_tokens(w)) for w in self.words]
        self.stems: list[str] = [" ".join(stem_tokens(fts_tokens(w))) for w in self.words]
        weights = 1.0 / np.arange(1, len(self.words) + 1) ** ZIPF_S
        self.cdf = np.cumsum(weights) / weights.sum()

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, rng.random(n)), len(self.words) - 1)


class Articles:
    """Article n, the same on every run (so a kept database can be filled further)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._block = functools.lru_cache(maxsize=4)(self._draw_block)

    def copy_of(self, n: int) -> int | None:
        """The earlier article that article n is a near-copy of, if it is one."""
        rng = random.Random(-n)  # agency copies follow the original within hours
        return rng.randrange(n - 500, n) if n > 500 and rng.random() < COPY_SHARE else None

    def _draw_block(self, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Title ranks, body offsets, body ranks and random signatures of BLOCK articles."""
        rng = np.random.default_rng(b)
        lengths = rng.integers(150, 401, BLOCK)
        titles = self.vocabulary.draw(rng, BLOCK * 10).reshape(BLOCK, 10)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        bodies = self.vocabulary.draw(rng, int(offsets[-1]))
        signatures = rng.integers(0, 2**32 - 1, (BLOCK, NUM_PERM), dtype=np.uint32)
        return titles, offsets, bodies, signatures

    def ranks(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary ranks of the title and body of article n."""
        original = self.copy_of(n)
        b, i = divmod(n if original is None else original, BLOCK)
        titles, offsets, bodies, _ = self._block(b)
        title, body = titles[i], bodies[offsets[i] : offsets[i + 1]]
        if original is not None:  # an agency copy: a tenth of the words changed
            rng = np.random.default_rng([n, 1])
            body = body.copy()
            changed = len(body) // 10
            body[rng.integers(0, len(body), changed)] = self.vocabulary.draw(rng, changed)
        return title, body

    def record(self, n: int, *, signature: bool) -> dict[str, Any]:
        """What the pipelines hand the store for article n; the MinHash of the body if
        `signature`, else a random one (the bulk fill: 1 ms an article saved)."""
        words, tokens, stems = self.vocabulary.words, self.vocabulary.tokens, self.vocabulary.stems
        title_ranks, body_ranks = (r.tolist() for r in self.ranks(n))
        body = " ".join(itemgetter(*body_ranks)(words))
        fts_body = " ".join(itemgetter(*body_ranks)(tokens))
        site = f"site{n % SITES}"
        published = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(START + n * SPACING))
        if signature:
            sig = minhash_of_tokens(fts_body.split())
            digest = content_hash(body)
        else:  # a random signature, and a hash without the normalising (0.2 ms saved)
            b, i = divmod(n, BLOCK)
            sig = MinHash(self._block(b)[3][i])
            digest = hashlib.sha256(body.encode()).hexdigest()
        return {
            "url": f"https://{site}.example/news/{n}",
            "canonical_url": f"https://{site}.example/news/{n}",
            "site": site,
            "found_via": "sitemap",
            "fetched_at": published,
            "http_status": 200,
            "title": " ".join(itemgetter(*title_ranks)(words)),
            "body": body,
            "word_count": len(body_ranks),
            "language": "ar",
            "published_at": published,
            "content_hash": digest,
            "tags": [],
            "minhash": NearDupIndex.signature_to_bytes(sig),
            "_fts": (
                " ".join(itemgetter(*title_ranks)(tokens)),
                fts_body,
                " ".join(itemgetter(*title_ranks)(stems)),
                " ".join(itemgetter(*body_ranks)(stems)),
            ),
        }

    def item(self, n: int) -> ArticleItem:
        rec = self.record(n, signature=True)
        return ArticleItem(**{k: v for k, v in rec.items() if not k.startswith("_")})


_ARTICLES: Articles | None = None  # the row-making process's (forked with it)


def bulk_rows(ids: range) -> tuple[str, list[tuple], list[tuple], list[tuple], list[tuple]]:
    """The rows the store would write for articles `ids`: articles (its INSERT and values),
    search entries, signatures, LSH bands sorted by bucket (in order, the B-tree is walked
    once)."""
    assert _ARTICLES is not None
    recs = [_ARTICLES.record(i, signature=False) for i in ids]
    # the search entry the store would write, derived word by word: check it is the same
    assert recs[0]["_fts"] == search_entry(recs[0]), "vocabulary tokens drifted"
    rows = [new_article_row(rec, None, rec["fetched_at"]) for rec in recs]
    pairs = list(zip(ids, recs, strict=True))
    return (
        insert_sql("articles", ["id", *rows[0]]),
        [(i, *row.values()) for i, row in zip(ids, rows, strict=True)],
        [(i, *rec["_fts"]) for i, rec in pairs],
        [(i, rec["minhash"]) for i, rec in pairs],
        sorted((key, i) for i, rec in pairs for key in signature_keys(rec["minhash"])),
    )


def bulk_fill(db: Path, articles: Articles, upto: int, deadline: float) -> bool:
    """Write articles up to `upto` as the store would (row, search entry, signature, bands), in
    large transactions and without the pipelines, to reach 10^6 in minutes; only the stretch
    before each size goes through the real path and is timed. A forked process makes the rows
    of the next batch while this one writes. False if the deadline came."""
    global _ARTICLES
    _ARTICLES = articles
    ArticleStore(db).close()  # creates or upgrades the schema
    db_ = open_database(db)
    conn = db_.conn
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KB}")
    conn.execute("PRAGMA synchronous = OFF")
    bands = MinHashBands(db_)
    first = n = count(db) + 1
    batches = [range(i, min(i + BULK_BATCH, upto + 1)) for i in range(n, upto + 1, BULK_BATCH)]
    t0 = time.monotonic()
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            pending = pool.apply_async(bulk_rows, (batches[0],)) if batches else None
            for k, ids in enumerate(batches):
                assert pending is not None
                sql, rows, entries, signatures, buckets = pending.get()
                if k + 1 < len(batches):  # one batch ahead, no more: they are 100 MB each
                    pending = pool.apply_async(bulk_rows, (batches[k + 1],))
                if time.monotonic() > deadline:
                    return False
                w0 = time.monotonic()
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(sql, rows)
                conn.executemany(INDEX_INSERT, entries)
                conn.executemany(
                    "INSERT INTO article_minhash (article_id, signature) VALUES (?, ?)",
                    signatures,
                )
                bands.insert_many(buckets)
                conn.execute("COMMIT")
                n = ids[-1] + 1
                rate = (n - first) / (time.monotonic() - t0)
                took = time.monotonic() - w0
                print(
                    f"  {n - 1} articles, {rate:.0f}/s, batch written in {took:.1f} s ({load()})",
                    flush=True,
                )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db_.close()
    return True


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def same_articles(db: Path, articles: Articles) -> bool:
    """Whether the database's first article is this generator's article 1 (resuming a fill)."""
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT title FROM articles WHERE id = 1").fetchone()
    finally:
        conn.close()
    return row is not None and row[0] == articles.record(1, signature=False)["title"]


def index_bytes(db: Path) -> int:
    """The bytes of the search index's tables (articles_fts and its shadow tables)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'"
        ).fetchone()[0]
    finally:
        conn.close()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def fill(db: Path, articles: Articles, target: int, deadline: float) -> dict[str, Any] | None:
    """Write articles until `target`; CPU/wall per article over the last stretch, or None if
    the deadline came first."""
    window = WINDOW
    if count(db) < target - window:
        # in child processes: their page cache and allocations never count in this one's RSS
        left = (deadline - time.monotonic()) / 60
        bulk = [sys.executable, __file__, "--db", str(db), "--bulk-to", str(target - window)]
        if subprocess.run([*bulk, "--minutes", str(left)], check=False).returncode:
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


def probe(db: Path, size: int) -> tuple[dict[str, Any], list[str]]:
    """Lookups and searches on a database of `size` articles; and a line per query."""
    rng = random.Random(size)
    conn = connect_readonly(db)
    store = ArticleStore(db)
    took = []
    for n in rng.sample(range(1, size), 500):
        known = SqliteKnownArticles(store.db, f"site{n % SITES}")
        t0 = time.perf_counter()
        found = known.get(f"https://site{n % SITES}.example/news/{n}")
        took.append(time.perf_counter() - t0)
        assert found is not None

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
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    cpu = []  # the same searches in CPU time: what they cost when the machine is not shared
    for _ in range(3):
        for q in QUERIES:
            c0, t0 = time.process_time(), time.perf_counter()
            search(conn, q)
            per_query[q].append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    exact = []  # the same searches with --exact
    for _ in range(3):
        for q in QUERIES:
            t0 = time.perf_counter()
            search(conn, q, exact=True)
            exact.append(time.perf_counter() - t0)
    on_site, on_site_cpu = [], []  # the same queries with --site (one site of SITES)
    for q in QUERIES:
        c0, t0 = time.process_time(), time.perf_counter()
        search(conn, q, site="site7")
        on_site.append(time.perf_counter() - t0)
        on_site_cpu.append(time.process_time() - c0)
    conn.close()
    searches = [t for ts in per_query.values() for t in ts]
    lines = [
        f"    {100 * m / size:6.2f}% {1000 * statistics.median(per_query[q]):7.1f} ms  {q}"
        for q, m in zip(QUERIES, matches, strict=True)
    ]
    return {
        "known_url_us_p50": 1e6 * statistics.median(took),
        "known_url_us_p95": 1e6 * pct(took, 0.95),
        "neardup_ms_p50": 1000 * statistics.median(near),
        "neardup_ms_p95": 1000 * pct(near, 0.95),
        "search_ms_p50": 1000 * statistics.median(searches),
        "search_ms_p95": 1000 * pct(searches, 0.95),
        "search_cpu_ms_p50": 1000 * statistics.median(cpu),
        "search_cpu_ms_p95": 1000 * pct(cpu, 0.95),
        "search_exact_ms_p50": 1000 * statistics.median(exact),
        "search_exact_ms_p95": 1000 * pct(exact, 0.95),
        "search_site_ms_p50": 1000 * statistics.median(on_site),
        "search_site_ms_max": 1000 * max(on_site),
        "search_site_cpu_ms_p50": 1000 * statistics.median(on_site_cpu),
        "search_site_cpu_ms_max": 1000 * max(on_site_cpu),
        "search_matches_median_pct": 100 * statistics.median(matches) / size,
        "search_matches_max_pct": 100 * max(matches) / size,
    }, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", type=Path, default=Path("/tmp/khabar-scale.sqlite"))
    parser.add_argument("--minutes", type=float, default=60, help="stop filling after this")
    parser.add_argument("--bulk-to", type=int, help=argparse.SUPPRESS)  # the fill's child
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + 60 * args.minutes
    articles = Articles(Vocabulary(corpus_texts()))
    if args.bulk_to is not None:
        return 0 if bulk_fill(args.db, articles, args.bulk_to, deadline) else 1
    print(f"database {args.db}: {count(args.db)} articles already ({load()})", flush=True)
    if count(args.db) and not same_articles(args.db, articles):
        print(f"{args.db} holds articles of an older bench/scale.py: use another --db")
        return 2
    for size in sorted(args.sizes):
        if count(args.db) > size:
            print(f"{size}: the database already holds more; use another --db", flush=True)
            continue
        written = fill(args.db, articles, size, deadline)
        if written is None:
            print(f"{size}: time is up at {count(args.db)} articles (run again to go on)")
            return 1
        measured, lines = probe(args.db, size)
        row = {"articles": size, **written, **measured}
        row["rss_mb"] = tree_rss_kb(os.getpid()) / 1024
        row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row["db_mb"] = args.db.stat().st_size / 2**20
        row["index_mb"] = index_bytes(args.db) / 2**20
        print(
            " ".join(
                f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
            ),
            f"({load()})",
            flush=True,
        )
        print("    match  search  query", *lines, sep="\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
