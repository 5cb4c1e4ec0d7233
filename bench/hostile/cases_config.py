"""config.yaml mistakes and hostile YAML: each is one line naming the file (and line), exit 1,
before anything is crawled. Run through `scrapy list` (what loads every site), plus a few
through `scrapy crawl` and `khabar status`, which must refuse the same way."""

from __future__ import annotations

from bench.hostile.common import site_config
from bench.hostile.harness import Case, Problem, Result, Scratch, refused

KIND = "config"
AT_LINE = r"config error: \S*config\.yaml:\d+: "


def _config(text: str | bytes):
    def setup(scratch: Scratch) -> None:
        data = scratch.fill(text) if isinstance(text, str) else text
        scratch.config.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return setup


def _site(extra: str = "", **kw: object) -> str:
    return site_config(extra=extra, **kw)  # type: ignore[arg-type]


def case(
    name: str,
    text: str | bytes,
    line: str = "",
    *,
    defect: str = "held",
    command: tuple[str, ...] = ("scrapy", "list"),
    at_line: bool = True,
) -> Case:
    pattern = (AT_LINE if at_line else r"config error: \S*config\.yaml\S*: ") + line
    return Case(
        name,
        KIND,
        command,
        refused(pattern, 1 if command[0] == "scrapy" else 2),
        setup=_config(text),
        limit=30,
        defect=defect,
    )


def _nothing_constructed(scratch: Scratch, result: Result) -> list[Problem]:
    if scratch.path("pwned").exists():
        return [Problem("other", "a !!python tag was constructed (the file it touches exists)")]
    return []


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

CASES = [
    case("unknown-site-key", _site("    bogus: 1"), r".*bogus"),
    case("duplicate-site-name", _site() + "\n".join(_site().split("sites:\n")[1:]), r".*plain"),
    case("wrong-type-concurrency", _site("    concurrency: many"), r".*concurrency"),
    case("boolean-as-number", _site("    download_delay: yes"), r".*download_delay"),
    case("nan-delay", _site("    download_delay: .nan"), r".*download_delay"),
    case("inf-delay", _site("    download_delay: .inf"), r".*download_delay"),
    case("huge-concurrency", _site("    concurrency: 100000000000000000000"), r".*concurrency"),
    case("bad-timezone", _site("    timezone: Mars/Olympus_Mons"), r".*timezone"),
    case("timezone-path-traversal", _site("    timezone: ../../etc/passwd"), r".*timezone"),
    case("cron-minute-61", _site("    schedule: {cron: '61 * * * *'}"), r".*(cron|schedule)"),
    case("cron-at-reboot", _site("    schedule: {cron: '@reboot'}"), r".*(cron|schedule)"),
    case("cron-six-fields", _site("    schedule: {cron: '0 0 * * * *'}"), r".*(cron|schedule)"),
    case("cron-step-zero", _site("    schedule: {cron: '*/0 * * * *'}"), r".*(cron|schedule)"),
    case(
        "cron-backwards-range", _site("    schedule: {cron: '30-10 * * * *'}"), r".*(cron|schedule)"
    ),
    case("cron-never-fires", _site("    schedule: {cron: '0 0 31 2 *'}"), r".*(cron|schedule)"),
    case("cron-quartz-L", _site("    schedule: {cron: '0 0 L * *'}"), r".*(cron|schedule)"),
    case("cron-jenkins-H", _site("    schedule: {cron: 'H * * * *'}"), r".*(cron|schedule)"),
    case("tab-indentation", _site().replace("    domains", "\tdomains"), r""),
    case("utf16-file", _site().encode("utf-16"), r"", at_line=False),
    case("empty-file", b"", r"", at_line=False),
    case(
        "python-object-tag",
        _site("    display_name2: !!python/object/apply:os.system ['touch {dir}/pwned']"),
        r"",
    ),
    case("anchor-bomb-top-level", BOMB + _site(), r""),
    case("invalid-regex", _site(patterns=["^https?://news[.plain"]), r".*article_patterns"),
    case(
        "invalid-css-selector",
        _site("    extraction:\n      selectors: {title: 'h1[[[['}"),
        r".*(selector|title)",
    ),
    case("missing-domains", _site().replace("    domains: [news.plain.test]\n", ""), r".*domains"),
    case("yaml-syntax-error", _site().replace("feeds: [", "feeds: [[", 1), r""),
    case("binary-junk", bytes(range(256)) * 8, r"", at_line=False),
    case(
        "literal-control-byte",
        _site().replace("موقع الأخبار", "موقع\x1b[31m"),
        r".*control character",
    ),
    case(
        "yaml-escaped-controls",
        _site().replace("display_name: موقع الأخبار", 'display_name: "\\e[31mRED\\x00"'),
        r".*display_name",
        defect="#24",
    ),
    case(
        "listing-next-invalid-selector",
        _site(listings="    listings:\n      - {url: 'http://news.plain.test/c', next: 'a[[[['}"),
        r".*next",
        defect="#11",
    ),
    case(
        "crawl-unknown-key", _site("    bogus: 1"), r".*bogus", command=("scrapy", "crawl", "plain")
    ),
    case(
        "status-unknown-key",
        _site("    bogus: 1"),
        r".*bogus",
        command=("khabar", "status", "--db", "{db}"),
    ),
]
CASES[20] = Case(
    **{**CASES[20].__dict__, "expect": refused(AT_LINE, 1, check=_nothing_constructed)}
)

CASES += [
    Case(
        "missing-config-file",
        KIND,
        ("scrapy", "list"),
        refused(r"config error: \S*nowhere\.yaml: .*(No such file|cannot read)", 1),
        env={"KHABAR_CONFIG": "{dir}/nowhere.yaml"},
        defect="held",
    ),
    Case(
        "config-is-a-directory",
        KIND,
        ("scrapy", "list"),
        refused(r"config error: \S+: .*(directory|cannot read)", 1),
        env={"KHABAR_CONFIG": "{dir}"},
        defect="held",
    ),
]
