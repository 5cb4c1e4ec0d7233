"""A generated news site of N small synthetic Arabic articles behind one sitemap, served by the
loopback replay proxy: what the distributed-mode tests and bench/distributed.py crawl.

Small pages on purpose (a few KB each): those tests count fetches and kills, not extraction
cost; bench/throughput.py and bench/compare.py generate real-weight pages for that.
"""

from __future__ import annotations

import random

from bench.layoutgen.dates import MONTHS as MONTHS_BY_REGION
from tests.support.replay import ReplaySite

MONTHS = MONTHS_BY_REGION["levantine"]  # the month names al-Watan prints

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
