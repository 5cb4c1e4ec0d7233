"""khabar vs trafilatura's CLI, side by side, on one generated site of real-weight Arabic pages.

Both tools crawl the same sitemap on 127.0.0.1 (bench/throughput.py generates and serves it) with
no politeness delay, on both cores:

- khabar: `scrapy crawl bench` of a throwaway config: the crawl process (fetching, dedup, the
  store) with extraction in the crawl process (`--workers 0`, KHABAR_EXTRACT_WORKERS=0) or
  beside N extraction processes (`--workers 1`); `--workers 0 1` measures both, in turn;
- trafilatura: `trafilatura --sitemap URL --list`, then `-i urls --output-dir DIR --json
  --parallel 2 --with-metadata` with SLEEP_TIME = 0 and SSRF_PROTECTION = off in a settings.cfg
  (its one-step `--sitemap --output-dir` loops on the sitemap with courlan 1.4).

Prints, for each tool: articles/s, CPU seconds per article (the whole process tree), peak memory
of the whole process tree (RSS, the issue's measure, and PSS, which counts the libraries the
processes share once), body token-F1 against the generated text; then the ratios and the
issue-18 targets (articles/s >= 3.5x trafilatura's, CPU/article <= 0.6x, peak tree memory <=
1.7x).

    .venv/bin/python bench/compare.py --n 500
    .venv/bin/python bench/compare.py --n 2000 --workers 0 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import (
    PROJECT_ROOT,
    GeneratedSite,
    Measure,
    crawl_khabar,
    free_port,
    generate_site,
    load,
    resolver_env,
    run_tree,
)
from tests.support.metrics import token_f1
from tests.support.replay import ReplayServer

TRAFILATURA_CFG = """\
[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = on
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""


def trafilatura_bin() -> str:
    return str(Path(sys.executable).with_name("trafilatura"))


def crawl_trafilatura(generated: GeneratedSite, workdir: Path, env: dict[str, str]) -> dict:
    """Both CLI steps, measured together; the bodies of the JSON files it wrote."""
    cfg = workdir / "trafilatura.cfg"
    cfg.write_text(TRAFILATURA_CFG, encoding="utf-8")
    urls, out = workdir / "urls.txt", workdir / "trafilatura-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    env = {**os.environ, **env}
    base = [trafilatura_bin(), "--config-file", str(cfg)]
    with urls.open("w") as fh:
        listed = run_tree([*base, "--sitemap", generated.sitemap, "--list"], env, workdir, fh)
    extracted = run_tree(
        [
            *base,
            "-i",
            str(urls),
            "--output-dir",
            str(out),
            "--json",
            "--parallel",
            "2",
            "--with-metadata",
        ],
        env,
        workdir,
    )
    measure: Measure = listed + extracted
    if measure.returncode:
        raise SystemExit(f"trafilatura failed ({measure.returncode}):\n{measure.stderr[-3000:]}")
    # trafilatura's "source" is the URL the page claims (JSON-LD, twitter:url of the corpus page
    # it was made from), not the one fetched: find each result's page by its paragraphs.
    starts = {
        " ".join(p.split()[:6]): url
        for url, text in generated.bodies.items()
        for p in text.split("\n")
    }
    bodies = {}
    for path in out.rglob("*.json"):  # past 1,000 files it writes into numbered folders
        doc = json.loads(path.read_text("utf-8"))
        text = doc.get("text") or doc.get("raw_text") or ""
        votes = Counter(starts.get(" ".join(line.split()[:6])) for line in text.split("\n"))
        votes.pop(None, None)
        url = votes.most_common(1)[0][0] if votes else doc.get("source") or path.name
        bodies[url] = text
    return {"measure": measure, "bodies": bodies, "listed": len(urls.read_text().split())}


def summarise(name: str, run: dict, generated: GeneratedSite) -> dict[str, float]:
    m: Measure = run["measure"]
    got = run["bodies"]
    articles = sum(url in got for url in generated.bodies)
    if not articles:
        raise SystemExit(f"{name} stored no article of the site:\n{m.stderr[-3000:]}")
    f1 = [token_f1(got.get(url, ""), want) for url, want in generated.bodies.items()]
    return {
        "tool": name,
        "articles": articles,
        "seconds": m.seconds,
        "articles_per_s": articles / m.seconds,
        "cpu_s_per_article": m.cpu_seconds / max(articles, 1),
        "peak_tree_rss_mb": m.peak_rss_mb,
        "peak_tree_pss_mb": m.peak_pss_mb,
        # Over every generated article: a page the tool did not store scores 0.
        "body_f1": statistics.fmean(f1),
    }


def print_table(rows: list[dict[str, float]]) -> None:
    print(
        f"{'tool':12} {'articles':>8} {'seconds':>8} {'art/s':>7} {'CPU s/art':>10} "
        f"{'peak tree RSS MB':>17} {'PSS MB':>7} {'body F1':>8}"
    )
    for r in rows:
        print(
            f"{r['tool']:12} {r['articles']:>8} {r['seconds']:>8.1f} {r['articles_per_s']:>7.1f} "
            f"{r['cpu_s_per_article']:>10.4f} {r['peak_tree_rss_mb']:>17.0f} "
            f"{r['peak_tree_pss_mb']:>7.0f} {r['body_f1']:>8.3f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="articles in the generated site")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each tool (alternating)")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[0],
        help="khabar extraction workers (0 = in the crawl process, the default); several: each",
    )
    parser.add_argument("--only", choices=["khabar", "trafilatura"], help="run one tool only")
    args = parser.parse_args()
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="khabar-compare-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        generated = generate_site(args.n, port, workdir / "site")
        env = resolver_env(workdir / "resolve")
        print(
            f"site: {args.n} pages, mean {generated.page_bytes / args.n / 1024:.0f} KB, "
            f"{generated.sitemap}; {os.cpu_count()} CPUs, {load()}",
            flush=True,
        )
        with ReplayServer([generated.site], port=port):
            for _ in range(args.repeat):
                for workers in args.workers if args.only != "trafilatura" else ():
                    run = crawl_khabar(generated, workdir, workers, env)
                    rows.append(summarise(f"khabar w={workers}", run, generated))
                    print(json.dumps(rows[-1]), f"({load()})", flush=True)
                if args.only != "khabar":
                    rows.append(
                        summarise(
                            "trafilatura", crawl_trafilatura(generated, workdir, env), generated
                        )
                    )
                    print(json.dumps(rows[-1]), f"({load()})", flush=True)
    print()
    print_table(rows)
    tools = dict.fromkeys(r["tool"] for r in rows)
    best = {
        tool: min((r for r in rows if r["tool"] == tool), key=lambda r: r["cpu_s_per_article"])
        for tool in tools
    }
    t = best.get("trafilatura")
    for tool, k in best.items():
        if t is None or tool == "trafilatura":
            continue
        print(
            f"\n{tool} / trafilatura (best CPU run of each): articles/s "
            f"{k['articles_per_s'] / t['articles_per_s']:.2f}x (target >= 3.5x), CPU/article "
            f"{k['cpu_s_per_article'] / t['cpu_s_per_article']:.2f}x (target <= 0.6x), peak "
            f"memory {k['peak_tree_rss_mb'] / t['peak_tree_rss_mb']:.2f}x "
            f"({k['peak_tree_rss_mb']:.0f} MB vs {t['peak_tree_rss_mb']:.0f}; target <= 1.7x), "
            f"body F1 {k['body_f1']:.3f} vs {t['body_f1']:.3f}"
        )
    out = PROJECT_ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"compare-{args.n}.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
