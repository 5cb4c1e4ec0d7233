"""Feeds, sitemaps and redirects a hostile or broken site serves: bombs, loops, traps, slow
drips, redirects off the site. The crawl survives each with every good article stored, nothing
hostile stored, requests bounded; a run that can fetch nothing says the true reason."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import cache
from http.server import BaseHTTPRequestHandler

from bench.hostile.common import (
    BASE,
    HOST,
    all_stored,
    articles,
    both,
    crawl,
    plain_site,
    rows,
    run_is,
    serve,
    site_config,
)
from bench.hostile.harness import (
    Case,
    Problem,
    Result,
    Scratch,
    crawl_refused,
    last_line,
    rows_problem,
    succeeds,
)
from tests.support.faults import (
    gzip_bomb,
    hang_fault,
    redirect_fault,
    reset_fault,
    rss,
    stream_fault,
    truncated_fault,
    urlset,
    xxe_dtd,
)
from tests.support.replay import FaultHandler, ReplaySite, status_fault

KIND = "feeds/sitemaps/redirects"
EXTRA = f"{BASE}/article/hostile"  # the URL each case makes hostile, listed in the sitemap
OTHER = "news.other.test"


@cache
def _bomb(encoding: str) -> bytes:
    """64 MB of blanks compressed (~64 KB): six times the crawl's 10 MB limit once inflated."""
    return gzip_bomb(64 * 2**20) if encoding == "gzip" else zlib.compress(b" " * 64 * 2**20, 9)


def _encoded_bomb(encoding: str) -> FaultHandler:
    def handler(req: BaseHTTPRequestHandler) -> None:
        body = _bomb(encoding)
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=UTF-8")
        req.send_header("Content-Encoding", encoding)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)
        req.wfile.flush()

    return handler


Mutate = Callable[[ReplaySite, dict[str, FaultHandler]], None]


def _site_with(
    mutate: Mutate | None, *, config: str | None = None, hostile_in_sitemap: bool = True
):
    def setup(scratch: Scratch) -> None:
        arts = articles()
        site = plain_site(arts)
        if hostile_in_sitemap:
            entries = [(a.url, a.published.date().isoformat()) for a in arts] + [
                (EXTRA, "2024-01-01")
            ]
            site.add(f"{BASE}/sitemap_index.xml", urlset(entries), "application/xml")
        faults: dict[str, FaultHandler] = {}
        if mutate is not None:
            mutate(site, faults)
        scratch.articles = arts  # type: ignore[attr-defined]
        scratch.config.write_text(config or site_config(), "utf-8")
        serve(scratch, site, faults)

    return setup


def _requests(url: str, at_most: int) -> Callable[[Scratch, Result], list[Problem]]:
    def check(scratch: Scratch, result: Result) -> list[Problem]:
        n = scratch.server.count(url)  # type: ignore[attr-defined]
        return (
            [Problem("other", f"{n} requests to {url}, at most {at_most} expected")]
            if n > at_most
            else []
        )

    return check


def _never(fragment: str) -> Callable[[Scratch, Result], list[Problem]]:
    def check(scratch: Scratch, result: Result) -> list[Problem]:
        hit = [u for _, u, _ in scratch.server.requests if fragment in u]  # type: ignore[attr-defined]
        tunnels = [t for t, _ in scratch.server.tunnels if fragment in t]  # type: ignore[attr-defined]
        return [Problem("other", f"requested {(hit + tunnels)[0]}")] if hit or tunnels else []

    return check


def _no_hostile_row(scratch: Scratch, result: Result) -> list[Problem]:
    bad = [
        r["url"]
        for r in rows(scratch.db)
        if "hostile" in r["url"]
        or "passwd" in (r["body"] or "")
        or "root:x:0:0" in (r["body"] or "")
    ]
    return [rows_problem(len(bad), f"hostile content stored: {bad[0]}")] if bad else []


def survives(
    name: str,
    mutate: Mutate,
    *extra_checks,
    defect: str = "held",
    limit: float = 60,
    config: str | None = None,
    settings: tuple[str, ...] = (),
) -> Case:
    return Case(
        name,
        KIND,
        crawl(*settings),
        succeeds(check=both(all_stored(), _no_hostile_row, *extra_checks)),
        setup=_site_with(mutate, config=config),
        limit=limit,
        defect=defect,
    )


def fault(url: str, handler: FaultHandler) -> Mutate:
    def mutate(site: ReplaySite, faults: dict[str, FaultHandler]) -> None:
        faults[url] = handler

    return mutate


def page(
    url: str, body: bytes | Callable[[], bytes], ctype: str = "text/html; charset=UTF-8"
) -> Mutate:
    def mutate(site: ReplaySite, faults: dict[str, FaultHandler]) -> None:
        site.add(url, body() if callable(body) else body, ctype)

    return mutate


def _two(*mutations: Mutate) -> Mutate:
    def mutate(site: ReplaySite, faults: dict[str, FaultHandler]) -> None:
        for m in mutations:
            m(site, faults)

    return mutate


SITEMAP_BOMB = f"{BASE}/bomb-sitemap.xml.gz"
SELF_INDEX = f"{BASE}/self-index.xml"
PASSWD_FEED = f"{BASE}/feed/xxe.xml"
JS_FEED = f"{BASE}/feed/js.xml"

CASES = [
    survives(
        "sitemap-gzip-bomb",
        page(
            SITEMAP_BOMB,
            lambda: gzip_bomb(256 * 2**20, b'<?xml version="1.0"?><urlset>'),
            "application/x-gzip",
        ),
        config=site_config(sitemaps=[f"{BASE}/sitemap_index.xml", SITEMAP_BOMB]),
    ),
    survives("page-gzip-bomb", fault(EXTRA, _encoded_bomb("gzip"))),
    survives("page-deflate-bomb", fault(EXTRA, _encoded_bomb("deflate"))),
    survives("page-27mb-with-length", fault(EXTRA, stream_fault(27 * 2**20, content_length=True))),
    survives("page-27mb-streamed", fault(EXTRA, stream_fault(27 * 2**20, content_length=False))),
    survives(
        "sitemap-index-lists-itself",
        page(
            SELF_INDEX,
            f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9"><sitemap><loc>{SELF_INDEX}</loc></sitemap>'
            f"<sitemap><loc>{BASE}/sitemap_index.xml</loc></sitemap>"
            f"</sitemapindex>".encode(),
            "application/xml",
        ),
        _requests(SELF_INDEX, 1),
        config=site_config(sitemaps=[SELF_INDEX]),
    ),
    survives("redirect-to-itself", fault(EXTRA, redirect_fault(EXTRA)), _requests(EXTRA, 12)),
    survives(
        "redirect-ping-pong",
        _two(
            fault(EXTRA, redirect_fault(EXTRA + "-pong")),
            fault(EXTRA + "-pong", redirect_fault(EXTRA)),
        ),
        _requests(EXTRA, 12),
    ),
    survives(
        "redirect-to-another-site",
        fault(EXTRA, redirect_fault(f"http://{OTHER}/article/x")),
        _never(OTHER),
    ),
    survives(
        "redirect-to-loopback",
        fault(EXTRA, redirect_fault("http://127.0.0.1:9/article/x")),
        _never("127.0.0.1:9"),
    ),
    survives("redirect-to-file-url", fault(EXTRA, redirect_fault("file:///etc/passwd"))),
    survives("redirect-to-data-url", fault(EXTRA, redirect_fault("data:text/html,<h1>x</h1>"))),
    survives("slow-drip-page", fault(EXTRA, hang_fault(4)), limit=90),
    survives("connection-reset", fault(EXTRA, reset_fault(b"HTTP/1.1 200 OK\r\n"))),
    survives("truncated-page", fault(EXTRA, truncated_fault(b"<html><body><article><h1>"))),
    survives(
        "503-retry-after-a-day", fault(EXTRA, status_fault(503, headers={"Retry-After": "86400"}))
    ),
    survives(
        "xxe-in-feed",
        page(
            PASSWD_FEED,
            rss([(EXTRA, "&xxe;")], doctype=xxe_dtd(f"{BASE}/xxe-probe")),
            "application/rss+xml",
        ),
        _never("xxe-probe"),
        config=site_config(feeds=[f"{BASE}/feed/", PASSWD_FEED]),
    ),
    survives("feed-not-xml", page(f"{BASE}/feed/", b"\x00\x01 not xml <<<", "application/rss+xml")),
    survives("feed-empty-body", page(f"{BASE}/feed/", b"", "application/rss+xml")),
    survives(
        "feed-javascript-links",
        page(
            JS_FEED,
            rss([("javascript:alert(1)", "x"), ("data:text/html,x", "y")]),
            "application/rss+xml",
        ),
        config=site_config(feeds=[f"{BASE}/feed/", JS_FEED]),
    ),
    survives(
        "sitemap-20k-off-pattern-urls",
        page(
            f"{BASE}/big-sitemap.xml",
            urlset([(f"{BASE}/tag/t{i}", "2024-01-01") for i in range(20_000)]),
            "application/xml",
        ),
        _requests(f"{BASE}/tag/", 0),
        config=site_config(sitemaps=[f"{BASE}/sitemap_index.xml", f"{BASE}/big-sitemap.xml"]),
    ),
    survives(
        "listing-next-points-to-itself",
        page(
            f"{BASE}/category/news",
            b'<html lang="ar"><body><a href="/category/news" rel="next">next</a></body></html>',
        ),
        _requests(f"{BASE}/category/news", 2),
        config=site_config(
            listings="    listings:\n      - url: http://news.plain.test/category/news"
        ),
    ),
    survives(
        "sitemap-gzip-garbage",
        page(f"{BASE}/broken.xml.gz", b"\x1f\x8b\x08\x00garbage", "application/x-gzip"),
        config=site_config(sitemaps=[f"{BASE}/sitemap_index.xml", f"{BASE}/broken.xml.gz"]),
    ),
]


# --- runs that can fetch nothing: the reason must point the right way ------------------------
def _not_the_network(scratch: Scratch, result: Result) -> list[Problem]:
    if "network reachable" in last_line(result.stderr):
        return [Problem("other", "its last line blames the network")]
    return []


def nothing_fetched(
    name: str,
    reason: str,
    *,
    feeds: list[str],
    mutate: Mutate | None = None,
    defect: str = "#15",
    network: bool = False,
) -> Case:
    checks = [run_is("failed", reason)] + ([] if network else [_not_the_network])
    return Case(
        name,
        KIND,
        crawl(),
        crawl_refused(r"failed: ", 1, check=both(*checks)),
        setup=_site_with(
            mutate, config=site_config(feeds=feeds, sitemaps=[]), hostile_in_sitemap=False
        ),
        limit=60,
        defect=defect,
    )


BIG_FEED = f"{BASE}/feed/big.xml"
CASES += [
    nothing_fetched(
        "feed-outside-domains",
        r"(?i)domain|offsite|outside",
        feeds=[f"http://{OTHER}/feed/"],
        mutate=page(
            f"http://{OTHER}/feed/", rss([(f"{BASE}/article/a0", "x")]), "application/rss+xml"
        ),
    ),
    nothing_fetched(
        "feed-over-10mb",
        r"(?i)size|too (big|large)|MB",
        feeds=[BIG_FEED],
        mutate=fault(BIG_FEED, stream_fault(11 * 2**20, True)),
    ),
    nothing_fetched("feed-url-with-space-404", r"404", feeds=[f"'{BASE}/feed/my feed.xml'"]),
    nothing_fetched(
        "feed-answers-410",
        r"410",
        feeds=[f"{BASE}/feed/gone.xml"],
        mutate=fault(f"{BASE}/feed/gone.xml", status_fault(410)),
        defect="held",
    ),
    nothing_fetched(
        "feed-host-unknown",
        # the replay proxy answers 404 for a host it does not serve (offline, no DNS is asked)
        r"(?i)network|resolve|dns|connect|no response|tunnel|404",
        feeds=[f"http://feeds.{HOST}/feed/"],  # the site's own subdomain: not offsite
        defect="held",
        network=True,
    ),
]
