"""`khabar serve`: hostile GET/POST requests to the real Datasette process on a loopback port.
Every request is answered within its own limit (a request past it counts as a hang), writes are
refused, raw FTS5 never reaches MATCH, stored markup comes out escaped, and a one-row query still
answers while heavy ones run."""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bench.hostile.common import articles, crawled, plain_site, precrawl, serve, site_config
from bench.hostile.harness import ANY, Case, Problem, Running, Scratch, succeeds
from tests.support.faults import article_html
from tests.support.serving import free_port

KIND = "serve requests"
DB = "db"  # Datasette names the database after the file: db.sqlite → /db


@dataclass(frozen=True)
class Req:
    path: str
    statuses: tuple[int, ...] = (200,)
    within: float = 15.0  # the server's own limit is 3 s of SQL; this is for a loaded machine
    method: str = "GET"
    forbid: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()


def _get(base: str, req: Req) -> tuple[int, str, float]:
    url = base + urllib.parse.quote(req.path, safe="/?&=%:.-_*")
    if req.params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(req.params)
    data = b"x=1" if req.method in ("POST", "PUT", "PATCH") else None
    request = urllib.request.Request(url, data=data, method=req.method)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=req.within + 30) as response:
            body = response.read(4 * 2**20).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read(2**20).decode("utf-8", "replace")
    except OSError as exc:
        return 0, repr(exc), time.monotonic() - started
    return status, body, time.monotonic() - started


def _started(running: Running, base: str, timeout: float = 40) -> bool:
    """Until the server answers (it prints its URL first; then the first request is served)."""
    if not running.wait_for(r"http://127\.0\.0\.1:\d+", timeout):
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and running.proc.poll() is None:
        if _get(base, Req("/-/versions.json", within=5))[0] == 200:
            return True
        time.sleep(0.2)
    return False


def probe(*requests: Req, concurrent: tuple[Req, ...] = ()):
    """Drive: once the server answers, start ``concurrent`` requests in threads, make
    ``requests`` one after another, then stop the server with SIGTERM."""

    def drive(running: Running, scratch: Scratch) -> list[Problem]:
        base = f"http://127.0.0.1:{scratch.port}"
        if not _started(running, base):
            return [Problem("other", f"khabar serve did not answer: {running.stderr[-200:]!r}")]
        problems: list[Problem] = []
        threads = [threading.Thread(target=_get, args=(base, r), daemon=True) for r in concurrent]
        for thread in threads:
            thread.start()
        if threads:
            time.sleep(
                0.5
            )  # let the heavy requests reach the server first (no result depends on it)
        for req in requests:
            status, body, seconds = _get(base, req)
            label = f"{req.method} {req.path[:60]}"
            if seconds > req.within:
                problems.append(
                    Problem("hang", f"{label}: {seconds:.1f} s (limit {req.within:.0f} s)")
                )
            if status not in req.statuses:
                problems.append(
                    Problem(
                        "other", f"{label}: status {status}, expected {req.statuses}: {body[:80]!r}"
                    )
                )
            for text in req.forbid:
                if text in body:
                    problems.append(Problem("other", f"{label}: answer contains {text!r}"))
        running.signal(signal.SIGTERM)
        return problems

    return drive


def _port(setup=crawled):
    def wrapped(scratch: Scratch) -> None:
        setup(scratch)
        scratch.port = free_port()

    return wrapped


XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _xss_crawled(scratch: Scratch) -> None:
    arts = articles()
    bad = dataclasses.replace(arts[0], title=f"عنوان {XSS}")
    site = plain_site(arts)
    page = (
        article_html(bad)
        .replace("&lt;script&gt;", "<script>")
        .replace("&lt;/script&gt;", "</script>")
    )
    site.add(bad.url, page.encode())
    scratch.config.write_text(site_config(), "utf-8")
    serve(scratch, site)
    precrawl(scratch)


def case(
    name: str,
    *requests: Req,
    defect: str = "held",
    setup=crawled,
    concurrent: tuple[Req, ...] = (),
    limit: float = 90,
) -> Case:
    return Case(
        name,
        KIND,
        ("khabar", "serve", "--db", "{db}", "--port", "{port}"),
        succeeds(ANY),
        setup=_port(setup),
        drive=probe(*requests, concurrent=concurrent),
        limit=limit,
        defect=defect,
    )


def sql(query: str, statuses: tuple[int, ...] = (200, 400), within: float = 15.0, **kw) -> Req:
    return Req(f"/{DB}.json", statuses, within, params=(("sql", query),), **kw)


ONE_ROW = Req(f"/{DB}/articles.json?_size=1", within=10)
MANY_PREFIXES = " ".join(["د*"] * 6000)
FTS_ERRORS = ("fts5: syntax error", "unterminated string", "no such column")

CASES = [
    case(
        "sql-randomblob-1gb",
        sql("select randomblob(1000000000)", (200, 400, 413, 500)),
        ONE_ROW,
        defect="#4",
    ),
    case(
        "sql-khabar-fts-2mb",
        sql("select length(khabar_fts(replace(hex(zeroblob(2000000)),'0','ب ')))", (200, 400, 500)),
        ONE_ROW,
        defect="#4",
    ),
    case(
        "canned-search-6000-prefixes",
        Req(f"/{DB}/search", (200,), params=(("site", ""), ("q", MANY_PREFIXES))),
        ONE_ROW,
        defect="#14",
    ),
    case(
        "table-search-6000-prefixes",
        Req(f"/{DB}/articles", (200,), params=(("_search", MANY_PREFIXES),)),
        ONE_ROW,
        defect="#14",
    ),
    case(
        "search-10000-terms-414",
        Req(f"/{DB}/search", (414,), within=3, params=(("q", " ".join(["د*"] * 10_000)),)),
        ONE_ROW,
        defect="#4",
    ),
    case(
        "one-row-while-3-heavy-searches",
        ONE_ROW,
        concurrent=tuple(
            Req(f"/{DB}/search", (200,), params=(("site", ""), ("q", MANY_PREFIXES)))
            for _ in range(3)
        ),
        defect="#4",
    ),
    case(
        "recursive-cte-bounded",
        sql(
            "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c",
            (200, 400, 500),
        ),
        ONE_ROW,
        defect="new",
    ),
    case(
        "writes-refused",
        *(
            Req(path, (403, 405), method=method)
            for method in ("POST", "PUT", "PATCH", "DELETE")
            for path in (f"/{DB}/articles", f"/{DB}/-/create", f"/{DB}/articles/-/insert")
        ),
    ),
    case("database-download-refused", Req(f"/{DB}.db", (403, 404))),
    # A refused statement is a 400 for the visitor and nothing on the server's terminal (today
    # Datasette prints a full rich traceback there for each one: a log anyone can flood).
    case("attach-refused", sql("ATTACH DATABASE '/tmp/x.sqlite' AS x", (400,)), defect="new"),
    case("pragma-write-refused", sql("PRAGMA journal_mode=delete", (400,)), defect="new"),
    case("load-extension-refused", sql("select load_extension('/lib/x.so')", (400,))),
    case(
        "searchmode-raw-percent-encoded",
        Req(f"/{DB}/articles?_search=%22x&%5Fsearchmode=raw", (200,), forbid=FTS_ERRORS),
        defect="#18",
    ),
    case(
        "searchmode-raw",
        Req(f"/{DB}/articles?_search=%22x&_searchmode=raw", (200,), forbid=FTS_ERRORS),
        defect="#18",
    ),
    case(
        "search-column-filter",
        Req(
            f"/{DB}/articles", (200,), forbid=FTS_ERRORS, params=(("_search", "title:x OR body:y"),)
        ),
        defect="#18",
    ),
    case(
        "path-traversal",
        Req("/../../etc/passwd", (404, 400), forbid=("root:x:0:0",)),
        Req("/%2e%2e/%2e%2e/etc/passwd", (404, 400), forbid=("root:x:0:0",)),
        defect="new",
    ),
    case(
        "huge-page-size",
        Req(f"/{DB}/articles.json?_size=100000000", (200, 400)),
        ONE_ROW,
        defect="new",
    ),
    case(
        "stored-markup-escaped",
        Req(f"/{DB}/articles", forbid=("<script>alert(1)", "<img src=x onerror")),
        Req(f"/{DB}/articles/1", forbid=("<script>alert(1)", "<img src=x onerror")),
        Req(f"/{DB}/search?site=&q=عنوان", forbid=("<script>alert(1)", "<img src=x onerror")),
        Req(f"/{DB}/search_feed.atom?q=عنوان", forbid=("<script>alert(1)",)),
        setup=_xss_crawled,
    ),
]
