"""Pages, charsets and control characters: saved pages through `khabar extract`, served pages
through `scrapy crawl`. A page in a wrong declared charset is stored as the Arabic it is; control
characters from a page never reach the database or the terminal; oversized or binary input is
one line; deep nesting and link floods are bounded."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from bench.hostile.common import (
    BASE,
    CONTROL,
    all_stored,
    articles,
    bad_text,
    crawl,
    plain_site,
    precrawl,
    rows,
    serve,
    site_config,
    write,
)
from bench.hostile.harness import Case, Problem, Result, Scratch, refused, rows_problem, succeeds
from tests.support.faults import Article, article_html, make_article

KIND = "pages/charsets/controls"
URL = f"{BASE}/article/saved"
ART = make_article("saved", 7, base=BASE)
OSC = "\x1b]0;OWNED\x07 \x1b[2J \x1b]52;c;ZWNobyBwd25lZA==\x07"


def _json(result: Result) -> dict | None:
    try:
        return json.loads(result.stdout)
    except ValueError:
        return None


def extracted(art: Article = ART, *, language: str = "ar"):
    """Check: the printed record has the article's title and body, language, no controls."""

    def check(scratch: Scratch, result: Result) -> list[Problem]:
        record = _json(result)
        if record is None:
            return [rows_problem(1, f"no JSON record on stdout: {result.stdout[:80]!r}")]
        problems = []
        if record.get("title") != art.title:
            problems.append(rows_problem(1, f"title {str(record.get('title'))[:40]!r}"))
        if art.paragraphs[0][:40] not in (record.get("body") or ""):
            problems.append(
                rows_problem(1, f"body wrong: {bad_text(record.get('body')) or 'text differs'}")
            )
        if record.get("language") != language:
            problems.append(rows_problem(1, f"language {record.get('language')!r}"))
        return problems

    return check


def no_controls(result_text: str) -> list[Problem]:
    if "\x1b" in result_text or "\x07" in result_text:
        return [Problem("other", "raw ESC/BEL printed to the terminal")]
    return []


def _saved(name: str, data: bytes | Callable[[], bytes]):
    def setup(scratch: Scratch) -> None:
        write(scratch, name, data() if callable(data) else data)

    return setup


def extract_case(
    name: str,
    data: bytes | Callable[[], bytes],
    expect,
    *,
    options: tuple[str, ...] = (),
    defect: str = "held",
    limit: float = 30,
) -> Case:
    return Case(
        name,
        KIND,
        ("khabar", "extract", "{dir}/page.html", "--url", URL, *options),
        expect,
        setup=_saved("page.html", data),
        limit=limit,
        defect=defect,
    )


def page(art: Article = ART, meta: str | None = "utf-8") -> str:
    return article_html(art, charset=meta)


def _controls_in_record(scratch: Scratch, result: Result) -> list[Problem]:
    record = _json(result)
    if record is None:
        return [rows_problem(1, "no JSON record")]
    bad = [k for k, v in record.items() if isinstance(v, str) and CONTROL.search(v)]
    return [rows_problem(1, f"control characters kept in {bad}")] if bad else []


HOSTILE_TITLE = dataclasses.replace(ART, title=f"عنوان {OSC} مسح الشاشة")
RTL_TITLE = dataclasses.replace(ART, title="عنوان \u202eكاذب\u202c آخر")


def nested() -> bytes:
    return (
        "<html lang=ar><head><meta charset=utf-8><title>t</title></head><body><article>"
        f"<h1>{ART.title}</h1>"
        + "<div>" * 100_000
        + "".join(f"<p>{p}</p>" for p in ART.paragraphs)
        + "</div>" * 100_000
        + "</article></body></html>"
    ).encode()


def links() -> bytes:
    return (
        page().replace(
            "</article>",
            "".join(f'<a href="/x{i}">رابط {i}</a> ' for i in range(150_000)) + "</article>",
        )
    ).encode()


def _body_bounded(scratch: Scratch, result: Result) -> list[Problem]:
    record = _json(result)
    words = len((record or {}).get("body", "").split())
    if record is None or ART.paragraphs[0][:40] not in record.get("body", ""):
        return [rows_problem(1, "the article's own text not extracted")]
    return [rows_problem(1, f"body of {words} words (link texts)")] if words > 2_000 else []


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def _big_stdin(scratch: Scratch) -> None:
    scratch.stdin = big()


def big() -> bytes:
    return (
        "<html lang=ar><body><article><p>" + "نص " * (6 * 2**20) + "</p></article></body></html>"
    ).encode()


CASES = [
    extract_case(
        "cp1256-under-utf8-meta", page().encode("cp1256"), succeeds(check=extracted()), defect="#2"
    ),
    extract_case(
        "cp1256-under-iso-8859-1",
        page(meta=None).encode("cp1256"),
        succeeds(check=extracted()),
        options=("--encoding", "iso-8859-1"),
        defect="#2",
    ),
    extract_case(
        "utf8-under-windows-1256",
        page(meta=None).encode(),
        succeeds(check=extracted()),
        options=("--encoding", "windows-1256"),
        defect="#2",
    ),
    extract_case(
        "cp1256-undeclared", page(meta=None).encode("cp1256"), succeeds(check=extracted())
    ),
    extract_case("utf8-undeclared", page(meta=None).encode(), succeeds(check=extracted())),
    extract_case(
        "utf16-with-bom",
        b"\xff\xfe" + page(meta=None).encode("utf-16-le"),
        succeeds(check=extracted()),
        defect="#21",
    ),
    extract_case(
        "utf16-declared-no-bom",
        page(meta="utf-16").encode("utf-16-le"),
        succeeds(check=extracted()),
        defect="#21",
    ),
    extract_case(
        "osc-escapes-in-title",
        page(HOSTILE_TITLE).encode(),
        succeeds(check=_controls_in_record, forbid=(r"\x1b", r"\x07")),
        defect="#3",
    ),
    extract_case(
        "rtl-override-in-title", page(RTL_TITLE).encode(), succeeds(forbid=("\u202e",)), defect="#3"
    ),
    extract_case("nested-100k-divs", nested, succeeds(check=extracted()), defect="#25", limit=60),
    extract_case("150k-links", links, succeeds(check=_body_bounded), defect="#26", limit=60),
    extract_case("over-10mb", big, refused(r"10 MB|too (big|large)|limit"), defect="#10"),
    extract_case("empty-page", b"", refused(r"empty", 2)),
    extract_case("png-bytes", PNG, refused(r"(?i)binary|not (an )?html|not text")),
    extract_case(
        "bogus-encoding",
        page().encode(),
        refused(r"(?i)encoding|charset", 2),
        options=("--encoding", "no-such-charset"),
    ),
    extract_case(
        "extract-timezone-path-traversal",
        page().encode(),
        refused(r"(?i)timezone|zone", 2),
        options=("--timezone", "../../etc/passwd"),
    ),
    extract_case(
        "javascript-url",
        page().encode(),
        refused(r"(?i)url"),
        options=("--url", "javascript:alert(1)"),
    ),
    Case(
        "dev-zero",
        KIND,
        ("khabar", "extract", "/dev/zero", "--url", URL),
        refused(r"10 MB|too (big|large)|limit"),
        limit=30,
        defect="#10",
    ),
    Case(
        "stdin-over-10mb",
        KIND,
        ("khabar", "extract", "-", "--url", URL),
        refused(r"10 MB|too (big|large)|limit"),
        setup=_big_stdin,
        limit=30,
        defect="#10",
    ),
    Case(
        "extract-missing-file",
        KIND,
        ("khabar", "extract", "{dir}/nope.html", "--url", URL),
        refused(r"nope\.html", 2),
        defect="held",
    ),
    Case(
        "directory-as-page",
        KIND,
        ("khabar", "extract", "{dir}", "--url", URL),
        refused(r"(?i)directory", 2),
        defect="held",
    ),
]


# --- the same through a crawl: stored rows, then what `khabar search` prints ----------------
def crawl_with(first_page: bytes, content_type: str):
    """Setup: the site, its first article served as ``first_page`` under ``content_type``."""

    def setup(scratch: Scratch) -> None:
        arts = articles()
        site = plain_site(arts)
        site.add(arts[0].url, first_page, content_type)
        scratch.articles = arts  # type: ignore[attr-defined]
        scratch.config.write_text(site_config(), "utf-8")
        serve(scratch, site)

    return setup


A0 = articles()[0]
HOSTILE_A0 = dataclasses.replace(A0, title=f"عنوان {OSC} مسح الشاشة")


def _hostile_crawled(scratch: Scratch) -> None:
    arts = articles()
    site = plain_site(arts)
    site.add(A0.url, article_html(HOSTILE_A0).encode())
    scratch.config.write_text(site_config(), "utf-8")
    serve(scratch, site)
    precrawl(scratch)


def _no_control_rows(scratch: Scratch, result: Result) -> list[Problem]:
    bad = [r["url"] for r in rows(scratch.db) if CONTROL.search(r["title"] + r["body"])]
    return [rows_problem(len(bad), "control characters stored")] if bad else []


CASES += [
    Case(
        "crawl-cp1256-under-utf8-header",
        KIND,
        crawl(),
        succeeds(check=all_stored()),
        defect="#2",
        setup=crawl_with(
            article_html(A0, charset=None).encode("cp1256"), "text/html; charset=utf-8"
        ),
    ),
    Case(
        "crawl-cp1256-under-iso-8859-1-header",
        KIND,
        crawl(),
        succeeds(check=all_stored()),
        defect="#2",
        setup=crawl_with(
            article_html(A0, charset=None).encode("cp1256"), "text/html; charset=iso-8859-1"
        ),
    ),
    Case(
        "crawl-utf8-under-windows-1256-header",
        KIND,
        crawl(),
        succeeds(check=all_stored()),
        defect="#2",
        setup=crawl_with(
            article_html(A0, charset=None).encode(), "text/html; charset=windows-1256"
        ),
    ),
    Case(
        "crawl-utf16-bom-page",
        KIND,
        crawl(),
        succeeds(check=all_stored()),
        defect="held",
        setup=crawl_with(
            b"\xff\xfe" + article_html(A0, charset=None).encode("utf-16-le"), "text/html"
        ),
    ),
    Case(
        "crawl-controls-stored-stripped",
        KIND,
        ("khabar", "status", "--db", "{db}"),
        succeeds(check=_no_control_rows, forbid=(r"\x1b",)),
        setup=_hostile_crawled,
        defect="#3",
    ),
    Case(
        "search-prints-no-escapes",
        KIND,
        ("khabar", "search", "مسح", "--db", "{db}"),
        succeeds(stdout="مسح", forbid=(r"\x1b", r"\x07")),
        setup=_hostile_crawled,
        defect="#3",
    ),
]
