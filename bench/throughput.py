"""Crawl throughput and memory of the real `scrapy crawl` over a generated news site.

A site of N synthetic Arabic articles (Jannah-like markup, a sitemap listing all of them) is
served by the loopback replay proxy; the real spider, pipelines and SQLite writer crawl it.
Prints articles/s, extraction share, peak memory and database size, once with extraction in the
reactor process (KHABAR_EXTRACT_WORKERS=0) and once with the process pool.

    .venv/bin/python bench/throughput.py                 # 2,000 articles
    .venv/bin/python bench/throughput.py --articles 20000 --workers 0 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.support.replay import ReplayServer, ReplaySite  # noqa: E402

HOST = "bench.khabar.test"
WORDS = (
    "أعلنت وزارة الخارجية اليوم عن بدء جولة جديدة من المحادثات بين الوفود المشاركة في "
    "العاصمة دمشق حيث أكد المتحدث الرسمي أن الحكومة ستواصل العمل على تحسين الخدمات "
    "المقدمة للمواطنين في مختلف المحافظات وأشار التقرير إلى ارتفاع أسعار المواد الغذائية "
    "خلال الأسبوع الماضي بنسبة ملحوظة مقارنة بالشهر السابق وقال رئيس اللجنة إن الاجتماع "
    "ناقش عدداً من القضايا الاقتصادية والاجتماعية المهمة وفي سياق متصل أفادت مصادر محلية "
    "بأن فرق الصيانة تعمل على إصلاح الأعطال في شبكة الكهرباء والمياه ومن المتوقع أن تنتهي "
    "الأعمال قبل نهاية الشهر الجاري بحسب ما ذكرت الصحيفة في عددها الصادر صباح الأحد"
).split()
MONTHS = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 24))) + "."


def article_html(article_id: int, rng: random.Random) -> bytes:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    paragraphs = "\n".join(
        f"<p>{sentence(rng)} {sentence(rng)}</p>" for _ in range(rng.randint(4, 9))
    )
    title = " ".join(rng.choice(WORDS) for _ in range(8))
    iso = f"2024-{month:02d}-{day:02d}T10:00:00+03:00"
    return f"""<!DOCTYPE html><html dir="rtl" lang="ar"><head><meta charset="UTF-8">
<title>{title} - صحيفة الوطن</title>
<link rel="canonical" href="https://{HOST}/archives/{article_id}">
<meta property="og:title" content="{title} - صحيفة الوطن">
<meta property="article:section" content="سورية">
<meta property="article:published_time" content="{iso}">
</head><body><div id="tie-wrapper"><article class="post">
<span class="post-cat-wrap"><a class="post-cat">سورية</a></span>
<h1 class="post-title entry-title">{title}</h1>
<div id="single-post-meta"><span class="date meta-item">{day} {MONTHS[month - 1]} 2024</span></div>
<div class="entry-content entry">{paragraphs}</div>
<div id="share-buttons-bottom">فيسبوك تويتر</div>
</article><a id="go-to-top" class="go-to-top-button">زر الذهاب إلى الأعلى</a></div>
</body></html>""".encode()


def build_site(count: int) -> ReplaySite:
    rng = random.Random(20261129)
    site = ReplaySite("bench")
    urls = []
    for article_id in range(1, count + 1):
        url = f"https://{HOST}/archives/{article_id}"
        site.add(url, article_html(article_id, rng))
        urls.append(url)
    sitemap = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    site.add(
        f"https://{HOST}/sitemap.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}</urlset>'.encode(),
        "application/xml",
    )
    site.add(f"https://{HOST}/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    return site


CONFIG = f"""\
database: bench.sqlite
sites:
  - name: bench
    display_name: صحيفة الوطن
    domains: [{HOST}]
    locale: ar-SY
    timezone: Asia/Damascus
    sitemaps: [https://{HOST}/sitemap.xml]
    article_patterns: ['^https://{HOST.replace(".", "[.]")}/archives/\\d+$']
    extraction:
      title_suffixes: [" - صحيفة الوطن"]
      boilerplate_selectors: ["#share-buttons-bottom", "#go-to-top"]
"""


def crawl(server: ReplayServer, workdir: Path, workers: int) -> dict[str, float]:
    db = workdir / f"bench-{workers}.sqlite"
    config = workdir / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        **server.env(),
        "KHABAR_CONFIG": str(config),
        "KHABAR_DB": str(db),
        "KHABAR_EXTRACT_WORKERS": str(workers),
    }
    args = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "bench",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
        "-s",
        "CONCURRENT_REQUESTS=32",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        "-s",
        "LOG_LEVEL=WARNING",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.close()
    return {
        "workers": workers,
        "articles": stored,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(stored / elapsed, 1),
        "cpu_seconds": round(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1
        ),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        "db_mb": round(db.stat().st_size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    args = parser.parse_args()
    site = build_site(args.articles)
    results = []
    with tempfile.TemporaryDirectory() as tmp, ReplayServer([site]) as server:
        for workers in args.workers:
            results.append(crawl(server, Path(tmp), workers))
            print(json.dumps(results[-1]), flush=True)
    print(
        f"\n{'workers':>8} {'articles':>9} {'seconds':>8} {'art/s':>7} {'cpu s':>7} "
        f"{'peak RSS MB':>12} {'db MB':>7}"
    )
    for r in results:
        print(
            f"{r['workers']:>8} {r['articles']:>9} {r['seconds']:>8} {r['articles_per_s']:>7} "
            f"{r['cpu_seconds']:>7} {r['peak_rss_mb']:>12} {r['db_mb']:>7}"
        )
    out = PROJECT_ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "throughput.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
