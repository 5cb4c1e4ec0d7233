"""User regular expressions that backtrack catastrophically (article_patterns, deny_patterns)
against the long URLs real sites have: refused at load in one line, or matched in linear time;
never a crawl pinning a core past its limit, never one that ignores SIGTERM."""

from __future__ import annotations

import signal

from bench.hostile.common import (
    BASE,
    all_stored,
    articles,
    crawl,
    last_run,
    plain_site,
    serve,
    site_config,
)
from bench.hostile.harness import ANY, Case, Expect, Problem, Result, Running, Scratch, last_line
from tests.support.faults import urlset

KIND = "regex"
LONG = f"{BASE}/archives/category/" + "-".join(["syria"] * 12) + "/" + "a" * 30 + "!"
ARTICLE = r"^https?://news\.plain\.test/article/[\w.-]+$"


def _site(patterns: list[str], extra: str = ""):
    def setup(scratch: Scratch) -> None:
        arts = articles()
        site = plain_site(arts)
        entries = [(a.url, "2024-01-01") for a in arts] + [(LONG, "2024-01-01")]
        site.add(f"{BASE}/sitemap_index.xml", urlset(entries), "application/xml")
        scratch.articles = arts  # type: ignore[attr-defined]
        scratch.config.write_text(site_config(patterns=patterns, extra=extra), "utf-8")
        serve(scratch, site)

    return setup


def _refused_or_crawled(scratch: Scratch, result: Result) -> list[Problem]:
    """Either answer is right: the pattern refused at load (config error, nothing crawled), or
    the crawl ran in bounded time and stored every article."""
    if result.code == 0:
        return all_stored()(scratch, result)
    if (
        "config error" in last_line(result.stderr)
        and "article_patterns" in last_line(result.stderr)
    ) or "deny_patterns" in last_line(result.stderr):
        return []
    return [Problem("other", f"exit {result.code}: {last_line(result.stderr)[:100]!r}")]


def _sigterm_obeyed(running: Running, scratch: Scratch) -> list[Problem]:
    """Drive: once the crawl is under way (or refused), SIGTERM; it must stop within 10 s."""
    running.wait_for(r"Spider opened|config error", 40)
    if running.proc.poll() is not None:
        return []
    running.signal(signal.SIGTERM)
    try:
        running.proc.wait(timeout=15)
    except Exception:
        return [Problem("hang", "still running 15 s after SIGTERM")]
    run = last_run(scratch.db)
    if run.get("status") not in ("interrupted", "failed", "ok"):
        return [Problem("other", f"run left {run.get('status')!r}")]
    return []


EITHER = Expect(fails=False, code=ANY, check=_refused_or_crawled)
NESTED = r"^https?://news\.plain\.test/([a-z]+[/.-]?)*\d$"

CASES = [
    Case(
        "article-pattern-nested-quantifier",
        KIND,
        crawl(),
        EITHER,
        setup=_site([ARTICLE, NESTED]),
        limit=30,
        defect="#8",
    ),
    Case(
        "article-pattern-a-plus-plus",
        KIND,
        crawl(),
        EITHER,
        setup=_site([ARTICLE, r"^https?://news\.plain\.test/archives/(.+)+\d$"]),
        limit=30,
        defect="#8",
    ),
    Case(
        "article-pattern-star-star",
        KIND,
        crawl(),
        EITHER,
        setup=_site([ARTICLE, r"^https?://news\.plain\.test/(\w*-?\w*)*/\d+$"]),
        limit=30,
        defect="#8",
    ),
    Case(
        "deny-pattern-nested-quantifier",
        KIND,
        crawl(),
        EITHER,
        setup=_site(
            [ARTICLE], extra=r"    deny_patterns: ['^https?://news\.plain\.test/([a-z]+-?)*\d$']"
        ),
        limit=30,
        defect="#8",
    ),
    Case(
        "catastrophic-pattern-sigterm",
        KIND,
        crawl(),
        Expect(fails=False, code=ANY),
        setup=_site([ARTICLE, NESTED]),
        drive=_sigterm_obeyed,
        limit=60,
        defect="#8",
    ),
    Case(
        "ordinary-patterns-crawl",
        KIND,
        crawl(),
        Expect(fails=False, check=all_stored()),
        setup=_site([ARTICLE, r"^https?://news\.plain\.test/archives/\d{4}/\d+/?$"]),
        limit=30,
        defect="held",
    ),
]
