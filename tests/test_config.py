"""config.yaml loading: the shipped file is valid, and every kind of mistake gets one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config
from tests.conftest import PROJECT_ROOT

GOOD = """\
database: data/test.sqlite
sites:
  - name: demo
    display_name: موقع تجريبي
    domains: [example.org]
    locale: ar-SY
    timezone: Asia/Damascus
    feeds: [https://example.org/feed/]
    article_patterns: ['^https://example\\.org/archives/\\d+$']
    schedule:
      interval_minutes: 15
    extraction:
      title_suffixes: [" - موقع"]
      boilerplate_selectors: [".share"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_valid() -> None:
    config = load_config(PROJECT_ROOT / "config.yaml")
    assert {"alwatan", "sana"} <= set(config.sites)
    assert len(config.sites) >= 6
    alwatan = config.sites["alwatan"]
    assert alwatan.display_name == "صحيفة الوطن"
    assert alwatan.timezone == "Asia/Damascus" and alwatan.locale == "ar-SY"
    assert alwatan.extraction.timezone == "Asia/Damascus"
    assert "https://alwatan.sy/feed/" in alwatan.feeds
    assert "https://alwatan.sy/sitemap_index.xml" in alwatan.sitemaps
    assert alwatan.is_article_url("https://alwatan.sy/archives/94762")
    assert not alwatan.is_article_url("https://alwatan.sy/archives/94762/amp")
    assert not alwatan.is_article_url("https://alwatan.sy/archives/category/syria")
    assert config.sites["sana"].is_article_url("https://sana.sy/?p=532871")


def test_good_config_parses(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    site = config.sites["demo"]
    assert site.schedule.interval_minutes == 15
    assert site.extraction.title_suffixes == (" - موقع",)
    assert site.extraction.site_name == "موقع تجريبي"
    assert config.database == tmp_path / "data" / "test.sqlite"
    assert config.site_for_url("https://www.example.org/archives/1") is site


@pytest.mark.parametrize(
    ("old", "new", "line", "where", "message"),
    [
        (
            "    locale: ar-SY\n",
            "    locale: ar-SY\n    colour: blue\n",
            7,
            "site demo.colour",
            "unknown key",
        ),
        (
            "interval_minutes: 15",
            "interval_minutes: soon",
            11,
            "site demo: schedule",
            "expected a number",
        ),
        (
            "'^https://example\\.org/archives/\\d+$'",
            "'^https://(example'",
            9,
            "site demo: article_patterns",
            "bad regular expression",
        ),
        ("    domains: [example.org]\n", "", 3, "site demo.domains", "missing required field"),
        (
            "timezone: Asia/Damascus",
            "timezone: Asia/Atlantis",
            7,
            "site demo: timezone",
            "unknown IANA timezone",
        ),
        (
            "feeds: [https://example.org/feed/]",
            "feeds: [example.org/feed]",
            8,
            "site demo: feeds",
            "absolute http(s) URL",
        ),
        (
            "interval_minutes: 15",
            "cron: '61 * * * *'",
            11,
            "site demo: schedule: cron",
            "bad cron expression",
        ),
        ("name: demo", "name: Demo Site", 3, "name", "lower-case letters"),
        (
            'boilerplate_selectors: [".share"]',
            'boilerplate_selectors: ["div[["]',
            14,
            "site demo: extraction.boilerplate_selectors",
            "bad CSS selector",
        ),
        (
            "    feeds: [https://example.org/feed/]\n",
            "",
            3,
            "site demo: feeds",
            "at least one of feeds, sitemaps, listings",
        ),
        ("database: data/test.sqlite\n", "", 1, "database", "missing required field"),
        (
            'title_suffixes: [" - موقع"]',
            'title_suffixes: " - موقع"',
            13,
            "site demo: extraction.title_suffixes",
            "expected a list",
        ),
        ("    schedule:\n", "    schedule: [\n", 12, "yaml", "not valid YAML"),
    ],
)
def test_each_mistake_names_line_site_and_field(
    tmp_path: Path, old: str, new: str, line: int, where: str, message: str
) -> None:
    assert old in GOOD, old
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    error = info.value
    assert error.line == line, str(error)
    assert where in error.where, str(error)
    assert message in error.message, str(error)
    assert str(error).startswith(f"{path}:{line}: ")
    assert "\n" not in str(error)


def test_duplicate_site_names_are_refused(tmp_path: Path) -> None:
    text = GOOD + GOOD.split("sites:\n", 1)[1]
    with pytest.raises(ConfigError, match="two sites have this name"):
        load_config(write(tmp_path, text))


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "nope.yaml")


def test_scrapy_list_with_broken_config_prints_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("interval_minutes: 15", "interval_minutes: soon"))
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CONFIG": str(path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"khabar: config error: {path}:11: site demo: schedule: interval_minutes: "
        "expected a number, got 'soon'"
    ]
    assert "Traceback" not in proc.stderr


def test_scrapy_list_shows_every_site() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    listed = proc.stdout.split()
    assert listed == sorted(load_config().sites)
    assert {"alwatan", "sana"} <= set(listed) and len(listed) >= 6


def test_readme_lists_every_configured_site() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Configured sites", 1)[1].split("\n\n", 2)[1]
    listed = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert listed == list(load_config(PROJECT_ROOT / "config.yaml").sites)


@pytest.mark.parametrize(
    ("old", "new", "line", "where", "message"),
    [
        ("interval_minutes: 15", "cron: '0 0 31 2 *'", 11, "schedule: cron", "never fires"),
        ("interval_minutes: 15", "cron: '0 0 30 2 *'", 11, "schedule: cron", "never fires"),
        ("interval_minutes: 15", "cron: '0 9 * * 8'", 11, "schedule: cron", "weekday must be"),
        ("interval_minutes: 15", "cron: '0 9 * *'", 11, "schedule: cron", "5 cron fields"),
        ("interval_minutes: 15", "interval_minutes: nan", 11, "interval_minutes", "finite"),
        ("interval_minutes: 15", "interval_minutes: .nan", 11, "interval_minutes", "a number"),
        ("interval_minutes: 15", "interval_minutes: 1e300", 11, "interval_minutes", "between"),
        ("interval_minutes: 15", "interval_minutes: 0", 11, "interval_minutes", "between"),
        ("interval_minutes: 15", "interval_minutes: -1", 11, "interval_minutes", "between"),
        (
            "    locale: ar-SY\n",
            "    locale: ar-SY\n    download_delay: 1e400\n",
            7,
            "site demo: download_delay",
            "finite",
        ),
        (
            "    locale: ar-SY\n",
            "    locale: ar-SY\n    concurrency: 100000\n",
            7,
            "site demo: concurrency",
            "between",
        ),
        (
            "database: data/test.sqlite\n",
            "database: data/test.sqlite\nscheduler:\n  misfire_grace_seconds: 1e20\n",
            3,
            "scheduler.misfire_grace_seconds",
            "expected an integer",
        ),
        (
            "database: data/test.sqlite\n",
            "database: data/test.sqlite\nscheduler:\n"
            "  misfire_grace_seconds: 100000000000000000000\n",
            3,
            "scheduler.misfire_grace_seconds",
            "between",
        ),
        (
            "domains: [example.org]",
            "domains: [https://example.org/]",
            5,
            "site demo: domains",
            "bare host name like example.org, got 'https://example.org/' (write 'example.org')",
        ),
        ("domains: [example.org]", "domains: [example.org/news]", 5, "domains", "bare host"),
        ("domains: [example.org]", "domains: ['example.org:8080']", 5, "domains", "bare host"),
        ("display_name: موقع تجريبي", "display_name: موقع\x01تجريبي", 4, "file", "U+0001"),
        ("display_name: موقع تجريبي", "display_name: موقع\x1b[31m", 4, "file", "U+001B"),
    ],
)
def test_out_of_range_and_malformed_values_name_their_line(
    tmp_path: Path, old: str, new: str, line: int, where: str, message: str
) -> None:
    assert old in GOOD, old
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    error = info.value
    assert (error.line, where in error.where, message in error.message) == (line, True, True), str(
        error
    )
    assert "\n" not in str(error)


def test_arabic_host_names_are_bare_hosts(tmp_path: Path) -> None:
    path = write(
        tmp_path, GOOD.replace("domains: [example.org]", "domains: [موقع.مصر, Example.ORG.]")
    )
    assert load_config(path).sites["demo"].domains == ("موقع.مصر", "example.org")


def test_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(GOOD.encode("cp1256"))  # saved by an editor in Windows Arabic
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 4  # display_name, the first Arabic text
    assert "not UTF-8" in str(info.value)


def test_unwritable_logs_dir_is_a_config_error_naming_its_line(tmp_path: Path) -> None:
    from crawler.config import check_logs_dir

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    text = GOOD.replace(
        "database: data/test.sqlite\n",
        "database: data/test.sqlite\nscheduler:\n  logs_dir: afile/logs\n",
    )
    config = load_config(write(tmp_path, text))  # loading alone never needs the logs
    with pytest.raises(ConfigError) as info:
        check_logs_dir(config)
    assert str(info.value).startswith(f"{config.path}:3: scheduler.logs_dir: cannot write run logs")


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("a[[[[", "bad CSS selector 'a[[[[': Expected ident or '*', got <DELIM '[' at 2>"),
        ("a.next::bogus(x)", "bad CSS selector 'a.next::bogus(x)': The functional pseudo-element"),
    ],
)
def test_a_bad_listing_next_selector_is_refused_at_load(
    tmp_path: Path, selector: str, message: str
) -> None:
    """Was accepted: every listing page then raised SelectorSyntaxError, its links were never
    followed and the run ended `ok` (issue 17, defect 11)."""
    listing = f"    listings: [{{url: 'https://example.org/news', next: '{selector}'}}]\n"
    path = write(tmp_path, GOOD.replace("    feeds: [https://example.org/feed/]\n", listing))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}:8: site demo: listings[0].next: {message}")


def test_a_good_listing_next_selector_with_attr_is_kept(tmp_path: Path) -> None:
    selector = "li.next a::attr(href), a[rel=next]::attr(href)"
    listing = f"    listings: [{{url: 'https://example.org/news', next: '{selector}'}}]\n"
    path = write(tmp_path, GOOD.replace("    feeds: [https://example.org/feed/]\n", listing))
    (only,) = load_config(path).sites["demo"].listings
    assert only.next_selector == selector


@pytest.mark.parametrize(
    ("escaped", "code"),
    [("\\e[31mRED", "001B"), ("x\\x00", "0000"), ("\\u202eevil", "202E"), ("a\\x85b", "0085")],
)
def test_control_characters_written_as_yaml_escapes_are_refused(
    tmp_path: Path, escaped: str, code: str
) -> None:
    """Raw control bytes were refused, their YAML escapes accepted (issue 17, defect 24)."""
    path = write(tmp_path, GOOD.replace("display_name: موقع تجريبي", f'display_name: "{escaped}"'))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:4: site demo: display_name: control character U+{code} (written as an escape) "
        "is not allowed"
    )
