"""A generated Arabic news site full of faults, and the checks that say whether khabar coped.

Why generated: the fault tests need dozens of distinct, realistic articles and a precise
expectation for every hostile URL. Articles are built here from a small Arabic vocabulary with a
seeded RNG (nothing is copied from the corpus), served under the made-up host
``news.faulty.test`` by the ReplayServer proxy, so Scrapy never resolves it.

A :class:`Case` names one fault, the URL it sits at, and what khabar must do: store the article
exactly once (transient faults, odd encodings, redirect chains) or store nothing and log one
line with the reason (``Gave up on … <url>: <reason>`` from the spider's errback, ``Rejected
<url>: <reason>`` from the validate pipeline). :func:`evaluate` turns a crawl's database, log
and proxy request log into one row per case: handled as specified, rows lost, rows duplicated.
Every figure comes from running the real crawler.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
import socket
import sqlite3
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.support.metrics import token_f1
from tests.support.replay import (
    FaultHandler,
    ReplaySite,
    failing_times,
    normalise_url,
    status_fault,
    truncated_fault,
)

HOST = "news.faulty.test"
BASE = f"http://{HOST}"
EVIL_HOST = "evil.faulty-mirror.example"
SITE_NAME = "faulty"
# Crawl settings the fault tests run with: short timeout and back-off so the whole run is
# seconds, not minutes. Retries stay Scrapy's/khabar's defaults (RETRY_TIMES=2).
DOWNLOAD_TIMEOUT = 2
SLOW = DOWNLOAD_TIMEOUT + 1.5
# The size limit under test, a tenth of the crawl's 10 MB: a body streamed without
# Content-Length must cross it well inside DOWNLOAD_TIMEOUT even on a loaded machine.
DOWNLOAD_MAXSIZE = 2**20
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_TIMEOUT": str(DOWNLOAD_TIMEOUT),
    "DOWNLOAD_MAXSIZE": str(DOWNLOAD_MAXSIZE),
    "KHABAR_RETRY_BACKOFF": "0.5",
    "KHABAR_MAX_RETRY_AFTER": "10",
}
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "nologin")

# --- Arabic text ----------------------------------------------------------------------------
_WORDS = """
الحكومة الوزير المدينة العاصمة الاقتصاد السوق الأسعار المواطنين المشروع الطريق المياه الكهرباء
المدرسة الجامعة الطلاب الصحة المستشفى الأطباء الزراعة القمح الموسم الحصاد المطر الشتاء الصيف
المجلس الاجتماع القرار الخطة التنمية الاستثمار الشركات العمال الرواتب الموازنة العام الجديد
أعلن أكد أوضح قال أشار بين أضاف ذكر كشف تابع ناقش افتتح زار استقبل بحث وقع أطلق نفذ
اليوم أمس خلال بعد قبل منذ حتى عند لدى ضمن حول على في من إلى مع عن بين أمام
الماضي المقبل الحالي الأول الثاني الثالث الكبير الصغير الواسع المحلي الوطني الدولي العربي
المحافظة الريف الساحل الجبل النهر البحر الميناء المطار القطار الحافلات النقل السياحة الفنادق
الثقافة المعرض الكتاب المسرح الفيلم المهرجان الفنانين الجمهور الرياضة المنتخب المباراة الفريق
الدوري البطولة اللاعبين المدرب الملعب الأهداف النتيجة الفوز التعادل الخسارة الجماهير الإعلام
الصحيفة التقرير البيان المؤتمر الصحفي المسؤولين المديرية الدائرة اللجنة الفنية العلمية
""".split()
_PERSIAN = """
دولت وزیر شهر پایتخت اقتصاد بازار قیمت شهروندان پروژه راه آب برق مدرسه دانشگاه دانشجویان
گفت کرد شد است می‌شود خواهد بود این آن که را با از به برای پس پیش گزارش خبرگزاری ایران
چهارشنبه پنجشنبه گذشته آینده بزرگ کوچک ملی بین‌المللی استان روستا کشاورزی گندم فصل باران
""".split()
_ENGLISH = """
the government minister city capital economy market prices citizens project road water power
school university students health hospital doctors said announced explained added during after
before since with from into about between new old large small national international region
""".split()


def sentences(rng: random.Random, words: list[str], count: int, end: str = ".") -> str:
    """`count` sentences of 9-15 words drawn from `words`."""
    return " ".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(9, 15))) + end for _ in range(count)
    )


@dataclass(frozen=True)
class Article:
    """One generated article: its URL, title and paragraphs (the text khabar must store)."""

    url: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    lang: str = "ar"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def make_article(slug: str, seed: int, lang: str = "ar", base: str = BASE) -> Article:
    """A distinct article of ~100 words; the same (slug, seed) always gives the same text."""
    rng = random.Random(f"{slug}/{seed}")
    words = {"ar": _WORDS, "fa": _PERSIAN, "en": _ENGLISH}[lang]
    title = " ".join(rng.choice(words) for _ in range(rng.randint(5, 8)))
    paragraphs = tuple(sentences(rng, words, rng.randint(2, 3)) for _ in range(4))
    published = datetime(2024, 1, 1, 8, tzinfo=UTC) + timedelta(hours=rng.randint(0, 2000))
    return Article(f"{base}/article/{slug}", title, paragraphs, published, lang)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def article_html(article: Article, *, charset: str | None = "utf-8", doctype: str = "") -> str:
    """A WordPress-like article page (og:type article, NewsArticle JSON-LD, nav and footer)."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "author": {"@type": "Person", "name": "محرر الأخبار"},
        "mainEntityOfPage": article.url,
    }
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    direction = "ltr" if article.lang == "en" else "rtl"
    body = "".join(f"<p>{_esc(p)}</p>\n" for p in article.paragraphs)
    return f"""{doctype or "<!DOCTYPE html>"}
<html lang="{article.lang}" dir="{direction}"><head>{meta_charset}
<title>{_esc(article.title)} - أخبار فولتي</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{_esc(article.title)}">
<meta property="og:url" content="{article.url}">
<meta property="article:published_time" content="{article.published.isoformat()}">
<link rel="canonical" href="{article.url}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head><body>
<header><nav><a href="{BASE}/">الرئيسية</a> <a href="{BASE}/category/news">أخبار</a></nav></header>
<main><article class="post">
<h1 class="entry-title">{_esc(article.title)}</h1>
<div class="entry-meta"><span class="author">محرر الأخبار</span></div>
<div class="entry-content">
{body}</div></article></main>
<footer><p>جميع الحقوق محفوظة لأخبار فولتي</p></footer>
</body></html>
"""


def malformed_html(article: Article, *, close_h1: bool = True) -> str:
    """The same article with the tag soup real CMSs emit: unclosed and stray tags, bad quotes
    (and, with close_h1=False, a headline whose </h1> is missing)."""
    paragraphs = "".join(f"<p class=x>{_esc(p)}\n" for p in article.paragraphs)
    end_h1 = "</h1 >" if close_h1 else ""
    return (
        f"<html lang=ar><head><meta charset=utf-8><title>{_esc(article.title)}</title>"
        f'<meta property=og:type content=article><meta property="og:url" content={article.url}>'
        f"<body><div><span></div></b></i><main><article><H1>{_esc(article.title)}{end_h1}"
        f"<div class=entry-content>{paragraphs}</span></td></tr></table><br><br/></article"
    )


def listing_html(links: list[str], title: str = "أخبار") -> str:
    """A category page: headline links, pagination, nothing article-like."""
    items = "".join(
        f'<article class="item"><h2><a href="{url}">عنوان الخبر رقم {i}</a></h2>'
        f"<p>مقتطف قصير</p></article>\n"
        for i, url in enumerate(links)
    )
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta property="og:type" content="website"></head><body>'
        f"<h1>{title}</h1>{items}</body></html>"
    )


def rss(items: list[tuple[str, str]], doctype: str = "", title: str = "أخبار فولتي") -> bytes:
    """RSS 2.0 with (link, title) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{_esc(link)}</link>"
        f"<pubDate>Mon, 01 Jan 2024 08:00:00 +0000</pubDate></item>\n"
        for link, t in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<rss version="2.0"><channel>'
        f"<title>{title}</title><link>{BASE}/</link>{entries}</channel></rss>\n"
    ).encode()


SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(entries: list[tuple[str, str]], doctype: str = "", extra: str = "") -> bytes:
    """A sitemap urlset of (loc, lastmod)."""
    body = "".join(
        f"<url><loc>{_esc(loc)}</loc><lastmod>{lastmod}</lastmod>{extra}</url>\n"
        for loc, lastmod in entries
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<urlset xmlns="{SM_NS}">\n'
        f"{body}</urlset>\n"
    ).encode()


def sitemap_index(locs: list[str]) -> bytes:
    body = "".join(f"<sitemap><loc>{_esc(loc)}</loc></sitemap>\n" for loc in locs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SM_NS}">\n'
        f"{body}</sitemapindex>\n"
    ).encode()


BILLION_LAUGHS_DTD = (
    '<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)


def xxe_dtd(probe_url: str) -> str:
    return (
        "<!DOCTYPE foo [\n"
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        f'<!ENTITY net SYSTEM "{probe_url}">\n'
        "]>\n"
    )


@cache
def gzip_bomb(size: int = 64 * 1024 * 1024, prefix: bytes = b"") -> bytes:
    """`size` bytes of blanks after `prefix`, gzipped (~64 KB on the wire for 64 MB)."""
    return gzip.compress(prefix + b" " * size, compresslevel=9)


# --- fault handlers ---------------------------------------------------------------------------
class CallLog:
    """Monotonic times of each call to wrapped handlers, by URL (for back-off checks)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wrap(self, url: str, handler: FaultHandler) -> FaultHandler:
        key = normalise_url(url)

        def recorded(req: BaseHTTPRequestHandler) -> None:
            with self._lock:
                self.times.setdefault(key, []).append(time.monotonic())
            handler(req)

        return recorded

    def gaps(self, url: str) -> list[float]:
        t = self.times.get(normalise_url(url), [])
        return [b - a for a, b in itertools.pairwise(t)]


def reset_fault(after_bytes: bytes = b"") -> FaultHandler:
    """Send `after_bytes` (maybe a partial response), then reset the TCP connection (RST)."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        if after_bytes:
            req.wfile.write(after_bytes)
            req.wfile.flush()
        req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        req.connection.close()

    return handler


def hang_fault(seconds: float = SLOW) -> FaultHandler:
    """Say nothing for longer than the download timeout, then hang up."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return handler


def stream_fault(total: int, content_length: bool, chunk: int = 256 * 1024) -> FaultHandler:
    """A 200 whose body is `total` bytes of HTML filler, with or without Content-Length."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=UTF-8")
        if content_length:
            req.send_header("Content-Length", str(total))
        req.send_header("Connection", "close")
        req.end_headers()
        block = (b"<p>" + "حشو ".encode() * (chunk // 10) + b"</p>\n")[:chunk]
        sent = 0
        try:
            while sent < total:
                req.wfile.write(block[: total - sent])
                sent += len(block)
        except OSError:
            pass  # the client gave up: that is the point

    return handler


def redirect_fault(location: str, status: int = 301) -> FaultHandler:
    return status_fault(status, headers={"Location": location})


def http_date(delta_seconds: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=delta_seconds), usegmt=True)


def retry_after_date_fault(status: int, seconds: float) -> FaultHandler:
    """`status` with Retry-After as an HTTP-date `seconds` ahead (computed when served)."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        status_fault(status, headers={"Retry-After": http_date(seconds)})(req)

    return handler


# --- cases ------------------------------------------------------------------------------------
@dataclass
class Evidence:
    """What one crawl left behind: article rows, its log, the proxy's view, handler timings."""

    rows: list[dict]
    log: str
    requests: list[tuple[str, str, int]]
    calls: CallLog
    stats: dict[str, int]
    db_text: str = ""

    def requests_to(self, url: str) -> int:
        """Requests the proxy saw for `url` (a hanging handler is counted when called)."""
        key = normalise_url(url)
        logged = sum(1 for _, u, _ in self.requests if u == key)
        return max(logged, len(self.calls.times.get(key, [])))

    def reasons_for(self, url: str) -> set[str]:
        """Reasons logged for `url` by the errback, the validator or the extractor."""
        found: set[str] = set()
        for pattern in (
            rf"Gave up on \w+ {re.escape(url)}: (\w+)",
            rf"Rejected {re.escape(url)}: (\w+)",
        ):
            found |= {
                f"failed/{m}" if "Gave" in pattern else f"rejected/{m}"
                for m in re.findall(pattern, self.log)
            }
        if re.search(rf"Broken page skipped: {re.escape(url)} ", self.log):
            found.add("rejected/extract_error")
        return found


Check = Callable[[Evidence], str | None]


@dataclass
class Case:
    """One fault and the behaviour khabar owes it.

    `stored`: the article expected in the database exactly once (None: nothing may be stored
    for this URL). `reasons`: acceptable logged reasons (one must appear) when nothing is stored.
    `requests`: (min, max) requests the proxy may see for `url` (bounded retries/redirects).
    """

    kind: str
    name: str
    url: str
    stored: Article | None = None
    reasons: frozenset[str] = frozenset()
    requests: tuple[int, int] | None = None
    checks: tuple[Check, ...] = ()
    stored_url: str | None = None  # where the row is expected (redirects), default: url
    run: int = 1
    stored_status: str = "live"
    logged_at: str | None = None  # URL the reason is logged for (end of a redirect chain)


@dataclass
class FaultSite:
    """Everything the proxy serves for the fault site, per run, and the expectations."""

    config: str
    articles: list[Article]  # good articles with no fault on them
    runs: dict[int, tuple[ReplaySite, dict[str, FaultHandler]]]
    cases: list[Case]
    calls: CallLog = field(default_factory=CallLog)


def site_config(database: str = "db.sqlite", name: str = SITE_NAME, host: str = HOST) -> str:
    """config.yaml text for a generated site (feed, sitemap index and listing on `host`)."""
    pattern = re.escape(host)
    return f"""database: {database}
defaults:
  download_delay: 0
  concurrency: 8
sites:
  - name: {name}
    display_name: أخبار فولتي
    domains: [{host}]
    feeds:
      - http://{host}/feed/
      - http://{host}/feed/laughs.xml
      - http://{host}/feed/xxe.xml
    sitemaps:
      - http://{host}/sitemap_index.xml
    listings:
      - url: http://{host}/category/news
        max_pages: 1
    article_patterns:
      - '^https?://{pattern}/(article|fault)/[\\w.-]+$'
"""


def _bad_content_cases(rng: random.Random) -> list[tuple[Case, bytes, str]]:
    """(case, body, content type) of pages that are served fine but are not good articles."""
    out: list[tuple[Case, bytes, str]] = []

    def page(
        name: str,
        body: bytes,
        ctype: str = "text/html",
        *,
        stored: Article | None = None,
        reasons: frozenset[str] = frozenset(),
        checks: tuple[Check, ...] = (),
    ) -> None:
        url = f"{BASE}/fault/{name}"
        out.append(
            (
                Case(
                    "bad content",
                    name,
                    url,
                    stored=stored,
                    reasons=reasons,
                    checks=checks,
                    requests=(1, 1),
                ),
                body,
                ctype,
            )
        )

    rejected = frozenset(
        {
            "rejected/not_article_other",
            "rejected/not_article_listing",
            "rejected/empty_body",
            "rejected/too_short",
            "rejected/no_title",
            "rejected/language_unknown",
            "rejected/extract_error",
            "rejected/language_None",
        }
    )
    page("empty-page", b"", reasons=rejected)
    page(
        "json-as-html",
        json.dumps(
            {"posts": [{"id": i, "title": "خبر"} for i in range(50)]}, ensure_ascii=False
        ).encode(),
        reasons=rejected,
    )
    page(
        "pdf-as-html",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>stream\n"
        + rng.randbytes(30_000)
        + b"\nendstream\n%%EOF",
        reasons=rejected,
    )
    page("binary-junk", rng.randbytes(60_000), reasons=rejected)
    page(
        "deeply-nested",
        (b"<html><body>" + b"<div>" * 60_000 + "نص".encode() + b"</div>" * 10 + b"</body></html>"),
        reasons=rejected,
    )
    good = make_article("malformed-html", 1)
    page("malformed-html", malformed_html(good).encode(), stored=good, checks=(body_matches(good),))
    unclosed = make_article("unclosed-h1", 4)
    page(
        "unclosed-h1",
        malformed_html(unclosed, close_h1=False).encode(),
        stored=unclosed,
        checks=(body_matches(unclosed), title_is(unclosed)),
    )
    meta1256 = make_article("cp1256-meta", 2)
    page(
        "cp1256-meta",
        article_html(meta1256, charset="windows-1256").encode("cp1256"),
        stored=meta1256,
        checks=(body_matches(meta1256),),
    )
    bare1256 = make_article("cp1256-undeclared", 3)
    page(
        "cp1256-undeclared",
        article_html(bare1256, charset=None).encode("cp1256"),
        stored=bare1256,
        checks=(body_matches(bare1256),),
    )
    persian = make_article("persian", 4, lang="fa")
    page(
        "persian-page", article_html(persian).encode(), reasons=frozenset({"rejected/language_fa"})
    )
    english = make_article("english", 5, lang="en")
    page(
        "english-page", article_html(english).encode(), reasons=frozenset({"rejected/language_en"})
    )
    listing = listing_html([f"{BASE}/category/news/item-{i}" for i in range(30)], "آخر الأخبار")
    page(
        "listing-as-article", listing.encode(), reasons=frozenset({"rejected/not_article_listing"})
    )
    return out


def body_matches(article: Article, min_f1: float = 0.95) -> Check:
    """The stored body is the article's text (token F1), so the charset was decoded right."""

    def check(ev: Evidence) -> str | None:
        row = next(
            (r for r in ev.rows if r["url"] == article.url or r["title"] == article.title), None
        )
        if row is None:
            return None  # reported as lost
        f1 = token_f1(row["body"] or "", article.text)
        return None if f1 >= min_f1 else f"body differs from the page text (F1 {f1:.2f})"

    return check


def title_is(article: Article) -> Check:
    """The stored title is the headline alone (an unclosed <h1> must not swallow the body)."""

    def check(ev: Evidence) -> str | None:
        row = next((r for r in ev.rows if article.url in (r["url"], r["canonical_url"])), None)
        if row is None:
            return "no row with the article's URL"
        return None if row["title"] == article.title else f"title is {row['title'][:60]!r}…"

    return check


def waited(url: str, at_least: float) -> Check:
    def check(ev: Evidence) -> str | None:
        gaps = ev.calls.gaps(url)
        if not gaps:
            return "no retry was made"
        return None if gaps[0] >= at_least * 0.9 else f"retried after {gaps[0]:.2f}s"

    return check


def never_requested(host_or_fragment: str) -> Check:
    def check(ev: Evidence) -> str | None:
        hits = [u for _, u, _ in ev.requests if host_or_fragment in u]
        return f"requested: {hits[:2]}" if hits else None

    return check


def stat_at_least(key: str, minimum: int = 1) -> Check:
    def check(ev: Evidence) -> str | None:
        got = ev.stats.get(key, 0)
        return None if got >= minimum else f"stat {key} = {got}, expected ≥ {minimum}"

    return check


def no_passwd(ev: Evidence) -> str | None:
    leaked = [m for m in PASSWD_MARKERS if m in ev.db_text or m in ev.log]
    leaked += [u for _, u, _ in ev.requests if "root" in u or "xxe-probe" in u]
    return f"/etc/passwd or XXE probe leaked: {leaked[:3]}" if leaked else None


def not_expanded(ev: Evidence) -> str | None:
    return "entities expanded" if "lollollol" in ev.db_text or "lollollol" in ev.log else None


def build_fault_site(n_good: int = 12) -> FaultSite:
    """The fault site: good articles found via feed, sitemap and listing, plus every fault."""
    rng = random.Random(6)
    calls = CallLog()
    site = ReplaySite(SITE_NAME)
    faults: dict[str, FaultHandler] = {}
    cases: list[Case] = []
    good = [make_article(f"news-{i}", i) for i in range(n_good)]
    for art in good:
        site.add(art.url, article_html(art).encode())

    def fault(case: Case, handler: FaultHandler, article: Article | None = None) -> None:
        if article is not None:  # the page served once the fault lets go
            site.add(case.url, article_html(article).encode())
        faults[case.url] = calls.wrap(case.url, handler)
        cases.append(case)

    def furl(name: str) -> str:
        return f"{BASE}/fault/{name}"

    def transient(
        kind: str, name: str, times: int, handler: FaultHandler, checks: tuple[Check, ...] = ()
    ) -> None:
        art = make_article(name, 100 + len(cases))
        art = Article(furl(name), art.title, art.paragraphs, art.published)
        fault(
            Case(kind, name, art.url, stored=art, requests=(times + 1, times + 1), checks=checks),
            failing_times(times, handler),
            art,
        )

    def permanent(
        kind: str,
        name: str,
        handler: FaultHandler,
        reason: str,
        requests: int | tuple[int, int],
        checks: tuple[Check, ...] = (),
    ) -> None:
        fault(
            Case(
                kind,
                name,
                furl(name),
                reasons=frozenset({reason}),
                requests=requests if isinstance(requests, tuple) else (requests, requests),
                checks=checks,
            ),
            handler,
        )

    # -- server faults: 3 attempts in all (RETRY_TIMES=2), then one logged reason
    k = "HTTP 5xx"
    for status in (500, 502, 503):
        permanent(k, f"http-{status}", status_fault(status), f"failed/http_{status}", 3)
    permanent(
        k,
        "http-504-html",
        status_fault(504, b"<html>Gateway Timeout</html>", {"Content-Type": "text/html"}),
        "failed/http_504",
        3,
    )
    transient(k, "http-500-twice", 2, status_fault(500))
    transient(k, "http-502-once", 1, status_fault(502))
    transient(k, "http-503-backoff", 1, status_fault(503), (waited(furl("http-503-backoff"), 0.5),))
    k = "503 + Retry-After"
    transient(
        k,
        "503-retry-after-1",
        1,
        status_fault(503, headers={"Retry-After": "1"}),
        (waited(furl("503-retry-after-1"), 1),),
    )
    transient(
        k,
        "503-retry-after-date",
        1,
        retry_after_date_fault(503, 2),
        (waited(furl("503-retry-after-date"), 1),),
    )
    permanent(
        k,
        "503-retry-after-3600",
        status_fault(503, headers={"Retry-After": "3600"}),
        "failed/retry_after_too_long",
        1,
    )
    permanent(
        k,
        "503-retry-after-always",
        status_fault(503, headers={"Retry-After": "1"}),
        "failed/http_503",
        3,
    )
    k = "429 Too Many Requests"
    transient(
        k,
        "429-retry-after-1",
        1,
        status_fault(429, headers={"Retry-After": "1"}),
        (waited(furl("429-retry-after-1"), 1),),
    )
    transient(k, "429-no-header", 2, status_fault(429), (waited(furl("429-no-header"), 0.5),))
    permanent(
        k,
        "429-retry-after-3600",
        status_fault(429, headers={"Retry-After": "3600"}),
        "failed/retry_after_too_long",
        1,
    )
    permanent(
        k, "429-always", status_fault(429, headers={"Retry-After": "0"}), "failed/http_429", 3
    )
    k = "timeout"
    permanent(k, "hang-always", hang_fault(), "failed/timeout", 3)
    transient(k, "hang-once", 1, hang_fault())
    k = "connection reset"
    # 3 attempts; a 4th when an attempt went out on a reused keep-alive connection: Twisted's
    # connection pool (retryAutomatically) resends an idempotent request once in that case.
    permanent(k, "reset-always", reset_fault(), "failed/connection_lost", (3, 4))
    permanent(
        k,
        "reset-mid-body",
        reset_fault(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 50000\r\n\r\n<html><p>"
            + "نص ".encode() * 500
        ),
        "failed/connection_lost",
        3,
    )
    cases[-1].reasons = frozenset({"failed/connection_lost", "failed/truncated"})
    transient(k, "reset-once", 1, reset_fault())
    k = "truncated body"
    half = article_html(make_article("truncated", 7)).encode()[:1500]
    permanent(k, "truncated-always", truncated_fault(half, len(half) * 3), "failed/truncated", 3)
    transient(k, "truncated-once", 1, truncated_fault(half, len(half) * 3))
    k = "redirects"
    chain_target = make_article("redirect-target", 8)
    site.add(chain_target.url, article_html(chain_target).encode())
    for i in range(1, 4):
        nxt = furl(f"chain-{i + 1}") if i < 3 else chain_target.url
        faults[furl(f"chain-{i}")] = redirect_fault(nxt, 302 if i % 2 else 301)
    cases.append(
        Case(
            k,
            "chain-of-3",
            furl("chain-1"),
            stored=chain_target,
            stored_url=chain_target.url,
            requests=(1, 1),
        )
    )
    faults[furl("loop-a")] = redirect_fault(furl("loop-b"))
    faults[furl("loop-b")] = redirect_fault(furl("loop-a"))
    cases.append(
        Case(k, "loop-a-b-a", furl("loop-a"), requests=(1, 2), checks=(bounded(furl("loop-b"), 1),))
    )
    faults[furl("self-redirect")] = redirect_fault(furl("self-redirect"))
    cases.append(Case(k, "self-redirect", furl("self-redirect"), requests=(1, 2)))
    for i in range(1, 14):
        faults[furl(f"long-{i}")] = redirect_fault(furl(f"long-{i + 1}"))
    cases.append(
        Case(
            k,
            "chain-of-13",
            furl("long-1"),
            reasons=frozenset({"failed/redirect_limit"}),
            requests=(1, 1),
            logged_at=furl("long-11"),  # REDIRECT_MAX_TIMES=10: the 11th hop is refused
            checks=(bounded(furl("long-11"), 1), never_requested("/fault/long-12")),
        )
    )
    faults[furl("offsite-redirect")] = redirect_fault(f"http://{EVIL_HOST}/article/x")
    cases.append(
        Case(
            k,
            "redirect-offsite",
            furl("offsite-redirect"),
            requests=(1, 1),
            checks=(never_requested(EVIL_HOST), stat_at_least("offsite/filtered")),
        )
    )
    k = "404/410"
    permanent(k, "unknown-404", status_fault(404), "failed/http_404", 1)
    permanent(k, "unknown-410", status_fault(410), "failed/http_410", 1)

    # -- bad content
    for case, body, ctype in _bad_content_cases(rng):
        site.add(case.url, body, content_type=ctype)
        cases.append(case)
    k = "bad content"
    fault(
        Case(
            k,
            "50MB-declared",
            furl("50MB-declared"),
            reasons=frozenset({"failed/size_limit"}),
            requests=(1, 1),
        ),
        stream_fault(50 * 2**20, content_length=True),
    )
    fault(
        Case(
            k,
            "50MB-streamed",
            furl("50MB-streamed"),
            reasons=frozenset({"failed/size_limit"}),
            # The size limit is never retried; a second request would be a timeout retried
            # before the limit was reached, which DOWNLOAD_MAXSIZE's small value rules out.
            requests=(1, 1),
        ),
        stream_fault(50 * 2**20, content_length=False),
    )
    bomb = gzip_bomb()
    fault(
        Case(
            k,
            "gzip-bomb-page",
            furl("gzip-bomb-page"),
            reasons=frozenset({"failed/size_limit"}),
            requests=(1, 1),
        ),
        status_fault(200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
    )

    # -- hostile XML and URLs (discovery documents)
    k = "hostile XML"
    laughs_feed_art = make_article("laughs-feed", 9)
    laughs_sm_art = make_article("laughs-sitemap", 10)
    xxe_feed_art = make_article("xxe-feed", 11)
    xxe_sm_art = make_article("xxe-sitemap", 12)
    xxe_page_art = make_article("xxe-page", 13)
    for art in (laughs_feed_art, laughs_sm_art, xxe_feed_art, xxe_sm_art):
        site.add(art.url, article_html(art).encode())
    probe = f"{BASE}/xxe-probe"
    site.add(
        f"{BASE}/feed/laughs.xml",
        # libxml2 stops at the bomb (amplification limit): items before it are still read
        rss(
            [(laughs_feed_art.url, "خبر"), (f"{BASE}/article/bomb-&lol9;", "&lol9;")],
            BILLION_LAUGHS_DTD,
        ),
        "application/rss+xml",
    )
    site.add(
        f"{BASE}/feed/xxe.xml",
        rss(
            [(xxe_feed_art.url, "&xxe;&net;"), (f"{BASE}/article/x-&xxe;", "&xxe;")], xxe_dtd(probe)
        ),
        "application/rss+xml",
    )
    cases += [
        Case(
            k,
            "billion-laughs-feed",
            laughs_feed_art.url,
            stored=laughs_feed_art,
            checks=(not_expanded,),
        ),
        Case(k, "xxe-feed", xxe_feed_art.url, stored=xxe_feed_art, checks=(no_passwd,)),
    ]
    site.add(
        f"{BASE}/sitemap-laughs.xml",
        urlset(
            [(laughs_sm_art.url, "2024-02-01"), (f"{BASE}/article/bomb-&lol9;", "2024-02-01")],
            BILLION_LAUGHS_DTD,
        ),
        "application/xml",
    )
    site.add(
        f"{BASE}/sitemap-xxe.xml",
        urlset(
            [(xxe_sm_art.url, "2024-02-01"), (f"{BASE}/article/s-&xxe;", "2024-02-01")],
            xxe_dtd(probe),
        ),
        "application/xml",
    )
    site.add(
        xxe_page_art.url,
        article_html(
            xxe_page_art, doctype=('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
        )
        .replace("<footer>", "<footer>&xxe;")
        .encode(),
    )
    cases += [
        Case(
            k,
            "billion-laughs-sitemap",
            laughs_sm_art.url,
            stored=laughs_sm_art,
            checks=(not_expanded,),
        ),
        Case(k, "xxe-sitemap", xxe_sm_art.url, stored=xxe_sm_art, checks=(no_passwd,)),
        Case(k, "xxe-html-page", xxe_page_art.url, stored=xxe_page_art, checks=(no_passwd,)),
    ]
    bomb_sm = gzip_bomb(prefix=f'<?xml version="1.0"?><urlset xmlns="{SM_NS}">'.encode())
    site.add(f"{BASE}/sitemap-bomb.xml.gz", bomb_sm, "application/x-gzip")
    faults[f"{BASE}/sitemap-bomb-encoded.xml"] = status_fault(
        200, bomb_sm, {"Content-Type": "application/xml", "Content-Encoding": "gzip"}
    )
    cases += [
        Case(
            k,
            "gzip-bomb-sitemap",
            f"{BASE}/sitemap-bomb.xml.gz",
            requests=(1, 1),
            checks=(stat_at_least("khabar/discovery/bad_sitemap"),),
        ),
        Case(
            k,
            "gzip-bomb-sitemap-encoded",
            f"{BASE}/sitemap-bomb-encoded.xml",
            reasons=frozenset({"failed/size_limit"}),
            requests=(1, 1),
        ),
    ]
    # sitemap index that lists itself, and a two-index cycle
    sm_art = make_article("sitemap-only", 14)
    site.add(sm_art.url, article_html(sm_art).encode())
    site.add(
        f"{BASE}/sitemap_index.xml",
        sitemap_index(
            [
                f"{BASE}/sitemap_index.xml",
                f"{BASE}/sitemap-articles.xml",
                f"{BASE}/sitemap-laughs.xml",
                f"{BASE}/sitemap-xxe.xml",
                f"{BASE}/sitemap-bomb.xml.gz",
                f"{BASE}/sitemap-bomb-encoded.xml",
                f"{BASE}/sitemap-cycle-a.xml",
                f"http://{EVIL_HOST}/sitemap.xml",
            ]
        ),
        "application/xml",
    )
    site.add(
        f"{BASE}/sitemap-cycle-a.xml",
        sitemap_index([f"{BASE}/sitemap-cycle-b.xml"]),
        "application/xml",
    )
    site.add(
        f"{BASE}/sitemap-cycle-b.xml",
        sitemap_index([f"{BASE}/sitemap-cycle-a.xml", f"{BASE}/sitemap_index.xml"]),
        "application/xml",
    )
    cases += [
        Case(k, "sitemap-index-self", f"{BASE}/sitemap_index.xml", requests=(1, 1)),
        Case(
            k,
            "sitemap-index-cycle",
            f"{BASE}/sitemap-cycle-a.xml",
            requests=(1, 1),
            checks=(bounded(f"{BASE}/sitemap-cycle-b.xml", 1),),
        ),
        Case(k, "sitemap-article", sm_art.url, stored=sm_art),
    ]

    k = "hostile URLs"
    long_url = f"{BASE}/article/{'a' * 5000}"
    hostile = [
        (f"http://{EVIL_HOST}/article/stolen", "offsite-link"),
        (f"http://{HOST}.{EVIL_HOST}/article/lookalike", "lookalike-host"),
        ("javascript:alert(document.cookie)", "javascript-url"),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data-url"),
        (long_url, "absurdly-long-url"),
    ]
    cases += [
        Case(
            k,
            "offsite-links",
            f"http://{EVIL_HOST}/article/stolen",
            requests=(0, 0),
            checks=(
                never_requested(EVIL_HOST),
                stat_at_least("khabar/discovery/skipped_offsite", 2),
            ),
        ),
        Case(k, "lookalike-host", f"http://{HOST}.{EVIL_HOST}/article/lookalike", requests=(0, 0)),
        Case(
            k,
            "javascript-and-data-urls",
            "javascript:alert(document.cookie)",
            requests=(0, 0),
            checks=(
                never_requested("javascript"),
                never_requested("data:"),
                stat_at_least("khabar/discovery/skipped_bad_url", 2),
            ),
        ),
        Case(
            k,
            "absurdly-long-url",
            long_url,
            requests=(0, 0),
            checks=(never_requested("aaaaaaaaaa"),),
        ),
    ]
    for art in good:
        cases.append(Case("good articles", art.url.rsplit("/", 1)[1], art.url, stored=art))

    # -- discovery: every case URL is linked from the feed and the listing; half the good
    #    articles only from the sitemap
    fault_urls = [
        c.url for c in cases if c.kind not in ("good articles", "hostile URLs", "hostile XML")
    ]
    feed_links = fault_urls + [a.url for a in good[: n_good // 2]] + [u for u, _ in hostile]
    feed_links.append(xxe_page_art.url)
    site.add(
        f"{BASE}/feed/",
        rss([(u, f"خبر {i}") for i, u in enumerate(feed_links)]),
        "application/rss+xml; charset=UTF-8",
    )
    sitemap_entries = [(a.url, "2024-02-01") for a in good[n_good // 2 :]] + [
        (sm_art.url, "2024-02-01"),
        (f"http://{EVIL_HOST}/article/other", "2024-02-01"),
        (long_url, "2024-02-01"),
    ]
    site.add(f"{BASE}/sitemap-articles.xml", urlset(sitemap_entries), "application/xml")
    listing_links = [a.url for a in good] + [u for u, _ in hostile]
    site.add(f"{BASE}/category/news", listing_html(listing_links).encode())

    # -- run 2: known articles that now answer 404/410 are kept and marked gone
    gone_cases: list[Case] = []
    site2 = ReplaySite(SITE_NAME)
    faults2: dict[str, FaultHandler] = {}
    for art, status in ((good[0], 404), (good[-1], 410)):
        faults2[art.url] = status_fault(status)
        gone_cases.append(
            Case(
                "404/410",
                f"known-{status}-marked-gone",
                art.url,
                stored=art,
                reasons=frozenset({f"failed/http_{status}"}),
                requests=(1, 1),
                run=2,
                stored_status="gone",
            )
        )
    site2.add(f"{BASE}/feed/", rss([]), "application/rss+xml")
    for path in ("/feed/laughs.xml", "/feed/xxe.xml"):
        site2.add(BASE + path, rss([]), "application/rss+xml")
    site2.add(
        f"{BASE}/sitemap_index.xml",
        urlset([(c.url, "2025-06-01T00:00:00+00:00") for c in gone_cases]),
        "application/xml",
    )
    site2.add(f"{BASE}/category/news", listing_html([]).encode())
    cases += gone_cases
    return FaultSite(site_config(), good, {1: (site, faults), 2: (site2, faults2)}, cases, calls)


def bounded(url: str, at_most: int) -> Check:
    def check(ev: Evidence) -> str | None:
        n = ev.requests_to(url)
        return None if n <= at_most else f"{url} requested {n} times"

    return check


# --- evaluation ---------------------------------------------------------------------------------
@dataclass
class CaseResult:
    case: Case
    ok: bool
    lost: int
    duplicated: int
    problems: list[str]


def read_rows(db: Path) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY id")]
    finally:
        conn.close()


def db_text(db: Path) -> str:
    """Every text value stored anywhere in the database (to search for leaks)."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        chunks = []
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                chunks += [v for v in row if isinstance(v, str)]
                chunks += [zlib_text(v) for v in row if isinstance(v, bytes)]
        return "\n".join(chunks)
    finally:
        conn.close()


def zlib_text(blob: bytes) -> str:
    import zlib

    try:
        return zlib.decompress(blob).decode("utf-8", "replace")
    except zlib.error:
        return ""


def parse_stats(log: str) -> dict[str, int]:
    """Integer stats from Scrapy's end-of-crawl stats dump."""
    return {k: int(v) for k, v in re.findall(r"'([\w/.-]+)': (\d+)(?:,|\})", log)}


def evaluate(case: Case, ev: Evidence) -> CaseResult:
    """Whether the crawl handled `case` as specified, and the rows it lost or duplicated."""
    problems: list[str] = []
    lost = duplicated = 0
    row_url = case.stored_url or case.url
    if case.stored is not None:
        matching = [r for r in ev.rows if r["title"] == case.stored.title]
        at_url = [r for r in ev.rows if r["url"] == row_url]
        if not at_url:
            lost = 1
            problems.append("article not stored")
        duplicated = max(0, len(matching) - 1)
        if duplicated:
            problems.append(f"{len(matching)} rows for one article")
        for row in at_url:
            if row["status"] != case.stored_status:
                problems.append(f"status {row['status']!r}, expected {case.stored_status!r}")
    else:
        stored = [r for r in ev.rows if r["url"] == case.url]
        if stored:
            problems.append(f"stored although it should not be: {stored[0]['title']!r}")
    if case.reasons:
        got = ev.reasons_for(case.logged_at or case.url)
        if not got & case.reasons:
            problems.append(
                f"reason logged {sorted(got) or 'none'}, expected {sorted(case.reasons)}"
            )
    if case.requests is not None:
        n = ev.requests_to(case.url)
        low, high = case.requests
        if not low <= n <= high:
            problems.append(f"{n} requests, expected {low}..{high}")
    for check in case.checks:
        problem = check(ev)
        if problem:
            problems.append(problem)
    return CaseResult(case, not problems, lost, duplicated, problems)


def unexpected_rows(site: FaultSite, rows: list[dict]) -> list[str]:
    """Stored rows that no case expects (junk that should have been rejected)."""
    expected = {c.stored.title for c in site.cases if c.stored is not None}
    return [r["url"] for r in rows if r["title"] not in expected]


def summary_table(results: list[CaseResult]) -> list[dict]:
    """One row per fault kind: cases tried, handled as specified, rows lost, rows duplicated."""
    table: dict[str, dict] = {}
    for res in results:
        row = table.setdefault(
            res.case.kind,
            {"fault kind": res.case.kind, "cases": 0, "handled": 0, "lost": 0, "duplicated": 0},
        )
        row["cases"] += 1
        row["handled"] += res.ok
        row["lost"] += res.lost
        row["duplicated"] += res.duplicated
    return list(table.values())


def format_table(rows: list[dict]) -> str:
    head = ("fault kind", "cases tried", "handled as specified", "rows lost", "rows duplicated")
    keys = ("fault kind", "cases", "handled", "lost", "duplicated")
    widths = [max(len(h), *(len(str(r[k])) for r in rows)) for h, k in zip(head, keys, strict=True)]
    line = " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    for r in rows:
        out.append(" | ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths, strict=True)))
    return "\n".join(out)


# --- running the real crawler -------------------------------------------------------------------
def crawl_args(site_name: str = SITE_NAME, settings: dict[str, str] | None = None) -> list[str]:
    args = ["crawl", site_name]
    for key, value in {**CRAWL_SETTINGS, **(settings or {})}.items():
        args += ["-s", f"{key}={value}"]
    return args


def run_fault_crawls(site: FaultSite, workdir: Path, runs: tuple[int, ...] = (1, 2)) -> dict:
    """Crawl the fault site with the real `scrapy crawl`, once per run, into one database.

    Returns {run: Evidence} plus the database path under "db".
    """
    import os
    import subprocess
    import sys

    from tests.support.replay import ReplayServer

    root = Path(__file__).resolve().parents[2]
    config = workdir / "faulty.yaml"
    config.write_text(site.config, encoding="utf-8")
    db = workdir / "faulty.sqlite"
    out: dict = {"db": db}
    for run in runs:
        replay, faults = site.runs[run]
        with ReplayServer([replay]) as server:
            for url, handler in faults.items():
                server.add_fault(url, handler)
            env = {
                **os.environ,
                **server.env(),
                "KHABAR_DB": str(db),
                "KHABAR_CONFIG": str(config),
                "KHABAR_EXTRACT_WORKERS": "1",
            }
            started = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "scrapy", *crawl_args()],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            elapsed = time.monotonic() - started
            requests = list(server.requests)
        out[run] = Evidence(
            read_rows(db), proc.stderr, requests, site.calls, parse_stats(proc.stderr), db_text(db)
        )
        out[f"returncode_{run}"] = proc.returncode
        out[f"seconds_{run}"] = elapsed
    return out


def evaluate_all(site: FaultSite, crawls: dict) -> list[CaseResult]:
    return [evaluate(case, crawls[case.run]) for case in site.cases if case.run in crawls]


# --- plain generated sites (crash and concurrency tests) ---------------------------------------
def plain_site(name: str, host: str, n: int) -> tuple[ReplaySite, list[Article]]:
    """`n` good articles on `host`, half found through the feed, all through the sitemap."""
    base = f"http://{host}"
    site = ReplaySite(name)
    articles = [make_article(f"{name}-{i}", i, base=base) for i in range(n)]
    for art in articles:
        site.add(art.url, article_html(art).encode())
    site.add(
        f"{base}/feed/",
        rss([(a.url, f"خبر {i}") for i, a in enumerate(articles[: n // 2])]),
        "application/rss+xml",
    )
    site.add(
        f"{base}/sitemap_index.xml",
        urlset([(a.url, a.published.date().isoformat()) for a in articles]),
        "application/xml",
    )
    return site, articles


def plain_config(sites: list[tuple[str, str]], database: str = "db.sqlite") -> str:
    """config.yaml text for plain generated sites given as (name, host)."""
    entries = "".join(
        f"""  - name: {name}
    display_name: موقع {name}
    domains: [{host}]
    feeds: [http://{host}/feed/]
    sitemaps: [http://{host}/sitemap_index.xml]
    article_patterns: ['^https?://{re.escape(host)}/article/[\\w.-]+$']
"""
        for name, host in sites
    )
    return (
        f"database: {database}\ndefaults:\n  download_delay: 0\n  concurrency: 8\nsites:\n{entries}"
    )


def consistency_problems(db: Path) -> list[str]:
    """What a crash could have left broken: integrity, duplicates, half-written articles."""
    conn = sqlite3.connect(db)
    try:
        problems = []
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        for column in ("url", "canonical_url"):
            dups = conn.execute(
                f"SELECT {column}, COUNT(*) FROM articles GROUP BY {column} HAVING COUNT(*) > 1"
            ).fetchall()
            problems += [f"duplicate {column} {u} ×{n}" for u, n in dups]
        dups = conn.execute(
            "SELECT site, content_hash, COUNT(*) FROM articles GROUP BY site, content_hash "
            "HAVING COUNT(*) > 1"
        ).fetchall()
        problems += [f"duplicate content {h[:12]} ×{n} on {s}" for s, h, n in dups]
        half = conn.execute(
            "SELECT a.url FROM articles a "
            "LEFT JOIN pages p ON p.article_id = a.id "
            "LEFT JOIN article_minhash m ON m.article_id = a.id "
            "WHERE a.body IS NULL OR a.body = '' OR a.title IS NULL OR a.content_hash IS NULL "
            "OR p.article_id IS NULL OR m.article_id IS NULL "
            "OR a.id NOT IN (SELECT rowid FROM articles_fts)"
        ).fetchall()
        problems += [f"half-written article {u}" for (u,) in half]
        counts = conn.execute(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM articles_fts), "
            "(SELECT COUNT(*) FROM pages)"
        ).fetchone()
        if len(set(counts)) != 1:
            problems.append(f"articles/fts/pages counts differ: {counts}")
        return problems
    finally:
        conn.close()


def article_set(db: Path) -> dict[str, tuple[str, str, str]]:
    """canonical_url → (content_hash, title, body): what 'the same database' means."""
    conn = sqlite3.connect(db)
    try:
        return {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute("SELECT canonical_url, content_hash, title, body FROM articles")
        }
    finally:
        conn.close()
