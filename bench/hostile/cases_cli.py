"""Command-line mistakes and hostile arguments: a bad option, value, name or output device is one
line and a non-zero exit; search input of any shape is answered (0 or 1) in bounded time and
never changes the archive."""

from __future__ import annotations

import socket

from bench.hostile.common import N_ARTICLES, crawl, crawled, rows, standard
from bench.hostile.harness import (
    Case,
    Expect,
    Problem,
    Result,
    Scratch,
    crawl_refused,
    refused,
    rows_problem,
    succeeds,
)

KIND = "CLI arguments"


def cli(
    name: str,
    command: tuple[str, ...],
    expect: Expect,
    *,
    defect: str = "held",
    setup=None,
    limit: float = 30,
    env: dict[str, str] | None = None,
) -> Case:
    return Case(name, KIND, command, expect, setup=setup, limit=limit, defect=defect, env=env or {})


def _archive_intact(scratch: Scratch, result: Result) -> list[Problem]:
    n = len(rows(scratch.db))
    return [] if n == N_ARTICLES else [rows_problem(N_ARTICLES - n, f"{n} articles left after it")]


def search(name: str, query: str, *, defect: str = "held", limit: float = 30) -> Case:
    """`khabar search QUERY` on a crawled archive: 0 or 1, no error, the archive unchanged."""
    return cli(
        f"search-{name}",
        ("khabar", "search", query, "--db", "{db}"),
        succeeds(codes=(0, 1), check=_archive_intact),
        setup=crawled,
        defect=defect,
        limit=limit,
    )


def _busy_port(scratch: Scratch) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    scratch.port = sock.getsockname()[1]
    scratch.enter(sock)
    crawled(scratch)


def _long_page(scratch: Scratch) -> None:
    """A page whose record is far more than a pipe holds (64 KB), so the write meets EPIPE."""
    text = "".join(
        f"<p>{'هذا نص طويل عن الأخبار المحلية في المدينة. ' * 40}</p>" for _ in range(60)
    )
    scratch.path("long.html").write_text(
        f"<html lang='ar'><head><meta charset='utf-8'><title>عنوان</title></head><body><article>"
        f"<h1>عنوان طويل</h1>{text}</article></body></html>",
        "utf-8",
    )


USAGE = r"\(see khabar[\w -]* --help\)"
TO_FULL = "exec {python} -m crawler.cli %s > /dev/full"
FULL_LINE = r"cannot write the output: No space left on device"

CASES = [
    cli(
        "no-arguments",
        ("khabar",),
        Expect(fails=True, stderr=r"Usage: khabar", forbid=(r"khabar: Usage",)),
        defect="#27",
    ),
    cli("unknown-command", ("khabar", "serach", "x"), refused(r"No such command", 2)),
    cli("unknown-option", ("khabar", "search", "x", "--bogus"), refused(USAGE, 2)),
    cli("search-limit-negative", ("khabar", "search", "x", "--limit", "-1"), refused(USAGE, 2)),
    cli(
        "search-invalid-utf8-argument",
        ("khabar", "search", "\udcff\udcfe", "--db", "{db}"),
        refused(r"(?i)utf-8|decode|invalid", 2),
        setup=crawled,
    ),
    search("empty-query", ""),
    search("diacritics-only", "ًٌٍَُِّْ"),
    search("rtl-marks-only", "\u200f\u200e\u202b"),
    search("tatweel-only", "ـــــ"),
    search("sql-injection", "'; DROP TABLE articles; --"),
    search("fts-column-filter", "title:دمشق"),
    search("fts-near", "NEAR(دمشق الحكومة, 2)"),
    search("lone-star", "*"),
    search("caret", "^الحكومة"),
    search("unbalanced-parentheses", "((("),
    search("unbalanced-quote", '"الحكومة'),
    search("emoji", "📰🇸🇾"),
    search("10000-prefix-terms", " ".join(f"د{i}*" for i in range(10_000)), defect="#14"),
    search("12000-copies-of-one-word", " ".join(["دمشق"] * 12_000), defect="#14"),
    cli(
        "search-unknown-site",
        ("khabar", "search", "x", "--site", "nosuch", "--db", "{db}"),
        refused(r"nosuch", 2),
        setup=crawled,
    ),
    cli(
        "status-unknown-site",
        ("khabar", "status", "--site", "nosuch", "--db", "{db}"),
        refused(r"nosuch", 2),
        setup=crawled,
    ),
    cli("extract-without-url", ("khabar", "extract", "{config}"), refused(r"--url", 2)),
    cli(
        "schedule-unknown-site",
        ("khabar", "schedule", "--once", "--site", "nosuch"),
        refused(r"nosuch", 2),
        setup=crawled,
    ),
    cli(
        "serve-port-out-of-range",
        ("khabar", "serve", "--port", "99999", "--db", "{db}"),
        refused(USAGE, 2),
        setup=crawled,
    ),
    cli(
        "serve-busy-port",
        ("khabar", "serve", "--port", "{port}", "--db", "{db}"),
        refused(r"(?i)port|address|in use"),
        setup=_busy_port,
    ),
    cli(
        "reextract-100-workers",
        ("khabar", "reextract", "--workers", "100", "--db", "{db}"),
        refused(USAGE, 2),
        setup=crawled,
    ),
    cli(
        "writer-negative-idle-exit",
        ("khabar", "writer", "--idle-exit", "-1", "--db", "{db}"),
        refused(USAGE, 2),
        setup=crawled,
    ),
    cli(
        "add-site-delay-inf",
        ("khabar", "add-site", "http://news.plain.test/", "--delay", "inf"),
        refused(r"(?i)delay"),
        defect="#22",
    ),
    cli(
        "add-site-delay-nan",
        ("khabar", "add-site", "http://news.plain.test/", "--delay", "nan"),
        refused(r"(?i)delay"),
        defect="#22",
    ),
    cli(
        "add-site-max-requests-zero",
        ("khabar", "add-site", "http://news.plain.test/", "--max-requests", "0"),
        refused(r"(?i)max-requests"),
    ),
    cli(
        "add-site-javascript-url",
        ("khabar", "add-site", "javascript:alert(1)"),
        refused(r"(?i)url|http"),
    ),
    cli(
        "add-site-name-path",
        ("khabar", "add-site", "http://news.plain.test/", "--name", "../x"),
        refused(r"(?i)name"),
    ),
    cli(
        "add-site-unreachable",
        ("khabar", "add-site", "http://nowhere.invalid/", "--delay", "0"),
        refused(r"(?i)nowhere\.invalid|fetch|reach|connect", one_line=False),
        limit=60,
    ),
    cli("crawl-unknown-site", ("scrapy", "crawl", "nosuch"), crawl_refused(r"nosuch")),
    cli(
        "crawl-arg-typo-limt",
        crawl("-a", "limt=20"),
        crawl_refused(r"limt"),
        setup=standard(),
        defect="#17",
        limit=40,
    ),
    cli(
        "crawl-arg-typo-sinse",
        crawl("-a", "sinse=2024-01-01"),
        crawl_refused(r"sinse"),
        setup=standard(),
        defect="#17",
        limit=40,
    ),
    cli(
        "crawl-limit-not-a-number",
        crawl("-a", "limit=abc"),
        crawl_refused(r"bad argument|limit"),
        setup=standard(),
        limit=40,
    ),
    cli(
        "crawl-limit-negative",
        crawl("-a", "limit=-5"),
        crawl_refused(r"bad argument|limit"),
        setup=standard(),
        limit=40,
    ),
    cli(
        "crawl-since-garbage",
        crawl("-a", "since=yesterdayish"),
        crawl_refused(r"bad argument|since"),
        setup=standard(),
        limit=40,
    ),
    cli(
        "search-to-full-device",
        ("sh", "-c", TO_FULL % "search الحكومة --db {db}"),
        refused(FULL_LINE, 1),
        setup=crawled,
        defect="#23",
    ),
    cli(
        "status-json-to-full-device",
        ("sh", "-c", TO_FULL % "status --json --db {db}"),
        refused(FULL_LINE, 1),
        setup=crawled,
        defect="#23",
    ),
    cli(
        "extract-to-full-device",
        ("sh", "-c", TO_FULL % "extract {root}/tests/__init__.py --url http://news.plain.test/a"),
        Expect(fails=True, line=FULL_LINE + "|not an HTML page|empty"),
        defect="#23",
    ),
    cli(
        "extract-into-closed-pipe",
        (
            "bash",
            "-c",
            "set -o pipefail; {python} -m crawler.cli extract {dir}/long.html "
            "--url http://news.plain.test/article/long | true",
        ),
        succeeds(141, forbid=(r"Error|Exception",)),
        setup=_long_page,
    ),
]


# --- add-site against a made-up WordPress site served by the replay proxy -------------------
def _wordpress(site_name: str | None = None, config: str | None = None):
    def setup(scratch: Scratch) -> None:
        from bench.hostile.common import serve
        from tests.support.sites import wordpress_site

        made = wordpress_site()
        if site_name is not None:
            home = made.site.get("https://www.akhbar-misr.com.eg/")
            assert home is not None
            made.site.add(
                "https://www.akhbar-misr.com.eg/",
                home.read()
                .decode()
                .replace('content="أخبار مصر"', f'content="{site_name}"')
                .encode(),
            )
        if config is not None:
            scratch.config.write_text(config, "utf-8")
        serve(scratch, made.site)

    return setup


FORMATTER_LAYOUT = """database: db.sqlite
sites:
- name: plain
  display_name: موقع
  domains:
  - news.plain.test
  feeds:
  - http://news.plain.test/feed/
  article_patterns:
  - '^https?://news\\\\.plain\\\\.test/article/[\\\\w.-]+$'
"""


def _config_takes_it(scratch: Scratch, result: Result) -> list[Problem]:
    from crawler.config import ConfigError, load_config

    try:
        names = list(load_config(scratch.config).sites)
    except ConfigError as exc:
        return [Problem("other", f"the written config does not load: {exc}")]
    if names != ["plain", "akhbar_misr"]:
        return [Problem("other", f"sites after --write: {names}")]
    return []


ADD_SITE = ("khabar", "add-site", "https://www.akhbar-misr.com.eg/", "--delay", "0")
CASES += [
    cli(
        "add-site-hostile-site-name",
        ADD_SITE,
        succeeds(forbid=(r"\x1b", r"\x07")),
        setup=_wordpress(site_name="أخبار \x1b]0;OWNED\x07 \x1b[2J مصر"),
        limit=60,
        defect="#3",
    ),
    cli(
        "add-site-write-formatter-layout",
        (*ADD_SITE, "--write", "--config", "{config}"),
        succeeds(check=_config_takes_it),
        setup=_wordpress(config=FORMATTER_LAYOUT),
        limit=60,
        defect="add-site --write",
    ),
]
