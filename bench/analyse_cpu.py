"""CPU per page of the extraction worker's job (`analyse_page`) beside trafilatura's.

The pages are the ones bench/throughput.py and bench/compare.py crawl: every real Arabic
corpus page with its article text replaced by generated text (20-490 KB, scripts, menus and
sidebars kept), one per template and round, rendered in memory. Both extractors run in this one
process on the same bytes: khabar's `analyse_page` (fields, dates, body, MinHash signature) with
the HTTP charset the bench site sends, and trafilatura's `bare_extraction(with_metadata=True)`
as in bench/extraction.py. Each pass over the pages is timed with `time.process_time` (CPU, not
wall: the machine may be shared) and the best of `--repeat` passes is printed, in ms per page,
with the ratio.

    .venv/bin/python bench/analyse_cpu.py                 # 3 rounds of pages, best of 3
    .venv/bin/python bench/analyse_cpu.py --profile 25    # cProfile of analyse_page, top 25

A crawl adds ~9 ms an article in the reactor process on top of the worker's job.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import article_text, corpus_dir, load_templates, vocabulary
from crawler.extract.rules import ExtractionRules
from pipelines.analyse import analyse_page

SEED = 20261129
Page = tuple[bytes, str, str | None]  # page bytes, URL, HTTP charset


def bench_pages(rounds: int, seed: int = SEED) -> list[Page]:
    """`rounds` pages per corpus template, article text generated as bench/throughput.py does."""
    corpus = corpus_dir()
    if not (corpus / "MANIFEST.tsv").exists():
        raise SystemExit(f"corpus not found at {corpus} (set KHABAR_CORPUS)")
    templates, words = load_templates(corpus), vocabulary(corpus)
    rng = random.Random(seed)
    pages = []
    for n in range(rounds * len(templates)):
        template = templates[n % len(templates)]
        url = f"http://bench.localhost/news/{n}.html"
        charset = "utf-8" if template.encoding == "utf-8" else None
        pages.append((template.render(url, article_text(rng, words)), url, charset))
    return pages


def khabar(page: Page) -> object:
    html, url, charset = page
    return analyse_page(html, url, ExtractionRules(), http_encoding=charset, hints={})


def trafilatura(page: Page) -> object:
    import trafilatura

    html, url, _ = page
    return trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)


def cpu_ms_per_page(job: Callable[[Page], object], pages: list[Page], repeat: int) -> float:
    """Best of `repeat` passes over `pages`: CPU milliseconds per page."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for page in pages:
            job(page)
        best = min(best, time.process_time() - start)
    return best * 1000 / len(pages)


def profile(pages: list[Page], top: int) -> None:
    """cProfile of analyse_page over the pages: the `top` functions by cumulative time."""
    profiler = cProfile.Profile(time.process_time)  # CPU: other processes share the cores
    profiler.enable()
    for page in pages:
        khabar(page)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="pages per corpus template")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    parser.add_argument("--profile", type=int, metavar="TOP", help="cProfile khabar instead")
    parser.add_argument("--no-trafilatura", action="store_true", help="time khabar only")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.repeat < 1:
        parser.error("--rounds and --repeat must be at least 1")
    pages = bench_pages(args.rounds)
    for page in pages:  # imports, compiled selectors and regexes: not per-page cost
        khabar(page)
        if not args.no_trafilatura and args.profile is None:
            trafilatura(page)
    if args.profile is not None:
        profile(pages, args.profile)
        return 0
    size = sum(len(p[0]) for p in pages) / len(pages) / 1024
    print(f"{len(pages)} pages (mean {size:.0f} KB), CPU ms/page, best of {args.repeat} passes")
    ours = cpu_ms_per_page(khabar, pages, args.repeat)
    print(f"khabar analyse_page                      {ours:6.1f}")
    if not args.no_trafilatura:
        theirs = cpu_ms_per_page(trafilatura, pages, args.repeat)
        print(f"trafilatura bare_extraction (metadata)   {theirs:6.1f}")
        print(f"ratio khabar / trafilatura               {ours / theirs:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
