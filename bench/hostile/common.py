"""What the case modules share: the generated site they crawl, serving it on 127.0.0.1, a crawl
run before the case, and the checks on stored rows and the run record."""

from __future__ import annotations

import atexit
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

from bench.hostile.harness import ROOT, Problem, Result, Scratch, base_env, rows_problem
from tests.support.faults import Article, article_html, make_article, rss, urlset
from tests.support.replay import FaultHandler, ReplayServer, ReplaySite

HOST = "news.plain.test"
BASE = f"http://{HOST}"
SITE = "plain"
N_ARTICLES = 4
# Politeness off and short timeouts: the replay proxy is ours, and a hostile page must not cost
# the bench minutes.
FAST = tuple(
    part
    for setting in (
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=0",
        "DOWNLOAD_TIMEOUT=3",
        "KHABAR_RETRY_BACKOFF=0.2",
        "KHABAR_MAX_RETRY_AFTER=2",
    )
    for part in ("-s", setting)
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ESC = "\x1b"


def crawl(*extra: str, site: str = SITE) -> tuple[str, ...]:
    return ("scrapy", "crawl", site, *FAST, *extra)


def site_config(
    *,
    feeds: list[str] | None = None,
    sitemaps: list[str] | None = None,
    extra: str = "",
    listings: str = "",
    patterns: list[str] | None = None,
    top: str = "",
) -> str:
    """config.yaml text for the generated site; ``extra`` lines go into the site's entry."""
    feeds = [f"{BASE}/feed/"] if feeds is None else feeds
    sitemaps = [f"{BASE}/sitemap_index.xml"] if sitemaps is None else sitemaps
    patterns = patterns or [r"^https?://news\.plain\.test/article/[\w.-]+$"]
    lines = [
        "database: db.sqlite",
        *(top.splitlines()),
        "defaults:",
        "  download_delay: 0",
        "  concurrency: 4",
        "sites:",
        f"  - name: {SITE}",
        "    display_name: موقع الأخبار",
        f"    domains: [{HOST}]",
        f"    feeds: [{', '.join(feeds)}]" if feeds else "    feeds: []",
        f"    sitemaps: [{', '.join(sitemaps)}]" if sitemaps else "    sitemaps: []",
        *(listings.splitlines()),
        "    article_patterns:",
        *(f"      - '{p}'" for p in patterns),
        *(extra.splitlines()),
    ]
    return "\n".join(lines) + "\n"


def articles(n: int = N_ARTICLES, tag: str = "a") -> list[Article]:
    return [make_article(f"{tag}{i}", i, base=BASE) for i in range(n)]


def plain_site(arts: list[Article]) -> ReplaySite:
    """The generated site: articles, a feed with the first half, a sitemap with all."""
    site = ReplaySite(SITE)
    for art in arts:
        site.add(art.url, article_html(art).encode())
    site.add(
        f"{BASE}/feed/",
        rss([(a.url, "خبر") for a in arts[: len(arts) // 2]]),
        "application/rss+xml",
    )
    site.add(
        f"{BASE}/sitemap_index.xml",
        urlset([(a.url, a.published.date().isoformat()) for a in arts]),
        "application/xml",
    )
    site.add(f"{BASE}/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    return site


def serve(
    scratch: Scratch, site: ReplaySite | None = None, faults: dict[str, FaultHandler] | None = None
) -> ReplayServer:
    """Serve ``site`` through a replay proxy for the rest of the case; the case's env uses it."""
    server = scratch.enter(ReplayServer([site] if site is not None else []))
    for url, handler in (faults or {}).items():
        server.add_fault(url, handler)
    scratch.env.update(server.env())
    scratch.server = server  # type: ignore[attr-defined]
    return server


def standard(
    n: int = N_ARTICLES, config: str | None = None, precrawled: bool = False
) -> Callable[[Scratch], None]:
    """Setup: the generated site served, its config written, optionally crawled once already."""

    def setup(scratch: Scratch) -> None:
        arts = articles(n)
        scratch.articles = arts  # type: ignore[attr-defined]
        scratch.config.write_text(config or site_config(), "utf-8")
        serve(scratch, plain_site(arts))
        if precrawled:
            precrawl(scratch)

    return setup


def run_before(
    scratch: Scratch, *command: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """A command the case needs done first (its failure is the case's setup failing)."""
    from bench.hostile.harness import resolve

    proc = subprocess.run(
        resolve(tuple(command), scratch),
        cwd=ROOT,
        env={**base_env(scratch), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return proc


def precrawl(scratch: Scratch) -> None:
    proc = run_before(scratch, *crawl())
    if proc.returncode != 0:
        raise RuntimeError(f"the first crawl exited {proc.returncode}: {proc.stderr[-300:]}")


_TEMPLATE_LOCK = threading.Lock()
_TEMPLATE: dict[str, Path] = {}


def template_db() -> Path:
    """A database the generated site was crawled into, made once per bench run; cases that only
    read a crawled archive start from a copy of it instead of crawling again."""
    with _TEMPLATE_LOCK:
        if "db" not in _TEMPLATE:
            folder = Path(tempfile.mkdtemp(prefix="hostile-template-"))
            atexit.register(shutil.rmtree, folder, True)
            scratch = Scratch(folder)
            try:
                standard()(scratch)
                precrawl(scratch)
            finally:
                scratch.close()
            _TEMPLATE["db"] = scratch.db
        return _TEMPLATE["db"]


def crawled(scratch: Scratch) -> None:
    """Setup: a copy of the crawled template database (and the site's config)."""
    scratch.config.write_text(site_config(), "utf-8")
    scratch.articles = articles()  # type: ignore[attr-defined]
    source = template_db()
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{scratch.db}{suffix}")


def rows(db: Path, sql: str = "SELECT url, title, body, language FROM articles") -> list[dict]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    except sqlite3.DatabaseError:
        return []
    finally:
        conn.close()


def last_run(db: Path) -> dict:
    found = rows(db, "SELECT * FROM crawls ORDER BY id DESC LIMIT 1")
    return found[0] if found else {}


def bad_text(text: str | None) -> str | None:
    """Why a stored text is wrong (undecoded bytes, mojibake, control characters), or None."""
    if not text:
        return "empty"
    if "\ufffd" in text:
        return "U+FFFD in it"
    if CONTROL.search(text):
        return "control characters in it"
    latin = sum(1 for ch in text if "\u00c0" <= ch <= "\u00ff")
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    if latin > arabic:
        return "Latin-1 mojibake"
    return None


def all_stored(
    expected: Callable[[Scratch], list[Article]] | None = None, status: str | None = "ok"
) -> Callable[[Scratch, Result], list[Problem]]:
    """Check: every expected article stored once with its own title and body; nothing else
    stored wrong; the last run recorded ``status`` (None: not checked)."""

    def check(scratch: Scratch, result: Result) -> list[Problem]:
        arts = expected(scratch) if expected else getattr(scratch, "articles", [])
        found = {r["url"]: r for r in rows(scratch.db)}
        problems: list[Problem] = []
        lost = [a for a in arts if a.url not in found]
        if lost:
            problems.append(
                rows_problem(len(lost), f"{len(lost)} of {len(arts)} articles not stored")
            )
        wrong = []
        for art in arts:
            row = found.get(art.url)
            if row is not None and (
                unicodedata.normalize("NFC", row["title"] or "") != art.title
                or art.paragraphs[0][:40] not in (row["body"] or "")
            ):
                wrong.append(art.url)
        wrong += [
            url
            for url, r in found.items()
            if (bad_text(r["title"]) or bad_text(r["body"])) and url not in wrong
        ]
        if wrong:
            problems.append(rows_problem(len(wrong), f"{len(wrong)} rows stored wrong"))
        if status is not None:
            run = last_run(scratch.db)
            if run.get("status") != status:
                problems.append(
                    Problem(
                        "other",
                        f"run recorded {run.get('status')!r} "
                        f"({run.get('finish_reason')}), expected {status!r}",
                    )
                )
        return problems

    return check


def run_is(status: str, reason: str | None = None) -> Callable[[Scratch, Result], list[Problem]]:
    """Check: the last crawls row says ``status`` with a finish reason matching ``reason``."""

    def check(scratch: Scratch, result: Result) -> list[Problem]:
        run = last_run(scratch.db)
        got = (run.get("status"), run.get("finish_reason") or "")
        if got[0] != status or (reason and not re.search(reason, got[1])):
            return [
                Problem(
                    "other",
                    f"run recorded {got[0]!r} ({got[1][:80]}), expected "
                    f"{status!r} ({reason or 'any reason'})",
                )
            ]
        return []

    return check


def both(
    *checks: Callable[[Scratch, Result], list[Problem]],
) -> Callable[[Scratch, Result], list[Problem]]:
    def check(scratch: Scratch, result: Result) -> list[Problem]:
        return [p for c in checks for p in c(scratch, result)]

    return check


def nothing_stored(scratch: Scratch, result: Result) -> list[Problem]:
    found = rows(scratch.db)
    return [rows_problem(len(found), f"{len(found)} rows stored")] if found else []


def write(scratch: Scratch, name: str, data: bytes | str) -> Path:
    path = scratch.path(name)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path
