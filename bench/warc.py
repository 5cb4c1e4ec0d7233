"""WARC reading speed (warcio against FastWARC) and `khabar import-warc` throughput against the
crawl's, on the generated site of real-weight Arabic pages (bench/throughput.py).

1. Writes the site's N pages as a CC-NEWS-like WARC (gzip per record, a request record beside
   each response) and reads it back three ways: warcio's ArchiveIterator, FastWARC's, and
   khabar's reader (crawler/warc/read.py: FastWARC on gzip members framed by zlib, so that a
   truncated record is caught), reading every payload; records/s of each, best of --repeat.
2. Where an article's CPU goes on the import path (reading, extraction, normalising, the
   store's batches), in one process over 200 records; then `khabar import-warc` of the WARC into
   an empty database: articles/s, CPU per article, peak memory of the process tree (with
   --profile, a cProfile of the import process itself).
3. `scrapy crawl` of the same site over 127.0.0.1 (--crawl pages of it, no politeness delay,
   KHABAR_EXTRACT_WORKERS=1, the default): articles/s; then the ratio.

    .venv/bin/python bench/warc.py                          # 10,000 records, crawl of 2,000
    .venv/bin/python bench/warc.py --records 2000 --crawl 500 --workers 1 2
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastwarc.warc import ArchiveIterator as FastArchiveIterator
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.throughput import (
    PROJECT_ROOT,
    GeneratedSite,
    crawl_khabar,
    free_port,
    generate_site,
    khabar_config,
    load,
    resolver_env,
    run_tree,
)
from crawler.warc.read import responses
from tests.support.replay import ReplayServer


def write_warc(generated: GeneratedSite, path: Path) -> int:
    """The site's article pages as response + request records; how many responses."""
    count = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="WARC/1.1")
        for url in generated.bodies:
            resource = generated.site.get(url)
            assert resource is not None
            body = resource.read()
            response = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                warc_headers_dict={"WARC-Date": "2024-03-05T08:30:00Z"},
                http_headers=StatusAndHeaders(
                    "200 OK",
                    [("Content-Type", resource.content_type), ("Content-Length", str(len(body)))],
                    protocol="HTTP/1.1",
                ),
            )
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                warc_headers_dict={
                    "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")
                },
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("User-Agent", "bench")], is_http_request=True
                ),
            )
            writer.write_record(response)
            writer.write_record(request)
            count += 1
    return count


def read_warcio(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            record.content_stream().read()
            n += 1
    return n


def read_fastwarc(path: Path) -> int:
    n = 0
    for record in FastArchiveIterator(str(path), auto_decode="all"):
        record.reader.read()
        n += 1
    return n


def read_khabar(path: Path) -> int:
    skipped: Counter[str] = Counter()
    n = sum(1 for _ in responses(path, lambda url: True, skipped))
    return n + sum(skipped.values())


def best_rate(read: Callable[[Path], int], path: Path, repeat: int) -> tuple[float, int]:
    best = 0.0
    records = 0
    for _ in range(repeat):
        start = time.perf_counter()
        records = read(path)
        best = max(best, records / (time.perf_counter() - start))
    return best, records


def breakdown(warc: Path, pages: int) -> dict[str, float]:
    """CPU milliseconds per article of each step of the import path, in one process, over the
    first `pages` records: reading, extraction (the workers' job), and the store's batch."""
    from crawler.extract.rules import ExtractionRules
    from pipelines.analyse import analyse_page
    from pipelines.normalise import tidy_fields
    from storage.store import ArticleStore

    costs = Counter[str]()
    clock = time.process_time
    start = clock()
    records = []
    for record in responses(warc, lambda url: True, Counter()):
        records.append(record)
        if len(records) == pages:
            break
    costs["read"] = clock() - start
    rules = ExtractionRules()
    stored = []
    for record in records:
        start = clock()
        article = analyse_page(record.body, record.url, rules, http_encoding="utf-8", hints={})
        costs["extract"] += clock() - start
        start = clock()
        article = tidy_fields(article)
        article.update(
            url=record.url, canonical_url=record.url, site="bench", html=record.body, hints={}
        )
        stored.append(article)
        costs["normalise"] += clock() - start
    with tempfile.TemporaryDirectory() as tmp:
        store = ArticleStore(Path(tmp) / "b.sqlite")
        start = clock()
        for at in range(0, len(stored), 50):
            store.write_articles(stored[at : at + 50], crawl_id=None)
        costs["store"] = clock() - start
        store.close()
    return {step: 1000 * seconds / len(records) for step, seconds in costs.items()}


def import_warc(
    generated: GeneratedSite, warc: Path, workdir: Path, workers: int, profile: Path | None
) -> dict:
    db = workdir / f"import-{workers}.sqlite"
    db.unlink(missing_ok=True)
    config = workdir / "khabar.yaml"
    config.write_text(khabar_config(generated, db), encoding="utf-8")
    env = {**os.environ, "KHABAR_CONFIG": str(config), "KHABAR_PROGRESS_INTERVAL": "3600"}
    command = ["-m", "crawler.cli", "import-warc", "--db", str(db), "--workers", str(workers)]
    if profile is not None:
        command = ["-m", "cProfile", "-o", str(profile), *command]
    measure = run_tree([sys.executable, *command, str(warc)], env, PROJECT_ROOT)
    if measure.returncode:
        raise SystemExit(f"import failed ({measure.returncode}):\n{measure.stderr[-3000:]}")
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.close()
    return {"measure": measure, "stored": stored}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="article records imported")
    parser.add_argument("--crawl", type=int, default=2000, help="articles in the crawl measured")
    parser.add_argument("--workers", type=int, nargs="+", default=[os.cpu_count() or 1])
    parser.add_argument("--repeat", type=int, default=2, help="reading passes per library")
    parser.add_argument("--profile", type=Path, help="cProfile the import process into this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khabar-bench-warc-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        generated = generate_site(args.records, port, workdir / "site")
        warc = workdir / "bench.warc.gz"
        responses_written = write_warc(generated, warc)
        print(
            f"warc: {responses_written} responses + as many requests, "
            f"{warc.stat().st_size / 2**20:.0f} MB gzip per record, pages mean "
            f"{generated.page_bytes / args.records / 1024:.0f} KB ({load()})",
            flush=True,
        )
        for name, read in (
            ("warcio==1.8.1", read_warcio),
            ("FastWARC==2.0.0", read_fastwarc),
            ("khabar reader (FastWARC + zlib framing)", read_khabar),
        ):
            rate, records = best_rate(read, warc, args.repeat)
            print(f"read {name}: {records} records, {rate:,.0f} records/s", flush=True)
        steps = breakdown(warc, min(200, args.records))
        print(
            "cpu ms/article, in one process: "
            + ", ".join(f"{step} {ms:.1f}" for step, ms in steps.items()),
            flush=True,
        )
        imports = {}
        for workers in args.workers:
            run = import_warc(generated, warc, workdir, workers, args.profile)
            m = run["measure"]
            imports[workers] = run["stored"] / m.seconds
            print(
                f"import-warc workers={workers}: {run['stored']} articles in {m.seconds:.1f} s = "
                f"{imports[workers]:.1f} articles/s, cpu_s/article="
                f"{m.cpu_seconds / max(run['stored'], 1):.4f}, peak_tree_rss_mb="
                f"{m.peak_rss_mb:.0f} ({load()})",
                flush=True,
            )
        crawl_site = generate_site(args.crawl, port, workdir / "crawl-site")
        env = resolver_env(workdir / "resolve")
        with ReplayServer([crawl_site.site], port=port):
            run = crawl_khabar(crawl_site, workdir, 1, env)
        m, stored = run["measure"], len(run["bodies"])
        crawl_rate = stored / m.seconds
        print(
            f"scrapy crawl workers=1: {stored} articles in {m.seconds:.1f} s = {crawl_rate:.1f} "
            f"articles/s, cpu_s/article={m.cpu_seconds / max(stored, 1):.4f} ({load()})",
            flush=True,
        )
        for workers, rate in imports.items():
            print(f"import/crawl workers={workers}: {rate / crawl_rate:.2f}x (target >= 3x)")


if __name__ == "__main__":
    main()
