"""`khabar add-site` end to end: discovery over loopback, the proposed entry, --write, a crawl.

The al-Watan and SANA replicas are served at their real URLs by the replay proxy; two made-up
sites (tests/support/sites.py) too: a WordPress-like one under a fake .com.eg host and a
sitemap-only one straight on 127.0.0.1. A site never configured is added with one command and
crawled with the written entry.
"""

from __future__ import annotations

import os
import shlex
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from ruamel.yaml.comments import CommentedMap

from crawler import discover as discover_module
from crawler.commands.add_site import command
from crawler.config import load_config
from crawler.config_edit import ConfigEditError, layout_of
from crawler.config_edit import add_site as append_site
from crawler.discover import PoliteFetcher
from tests.conftest import FAST, PROJECT_ROOT, run_scrapy
from tests.support.replay import ReplayServer, ReplaySite, normalise_url
from tests.support.sites import (
    RSS,
    MadeSite,
    article_page,
    sitemap_only_site,
    wordpress_site,
)
from tests.test_crawl_replica import ARTICLE_IDS

DISCOVERY_FIELDS = (
    "domains",
    "locale",
    "timezone",
    "feeds",
    "sitemaps",
    "listings",
    "article_patterns",
)

# A config with one unrelated site, so add-site has somewhere to append.
BASE_CONFIG = """\
# test config: comments and layout must survive --write
database: khabar.sqlite   # relative to this file

defaults:
  timezone: UTC

sites:
  # a placeholder site
  - name: placeholder
    domains: [placeholder.example]
    feeds: [https://placeholder.example/feed/]
    article_patterns: ['^https://placeholder\\.example/\\d+$']
"""


def discovery_fields(site) -> dict[str, tuple]:
    """A loaded SiteConfig's discovery fields, in comparable form."""
    return {
        "domains": tuple(site.domains),
        "locale": site.locale,
        "timezone": site.timezone,
        "feeds": tuple(site.feeds),
        "sitemaps": tuple(site.sitemaps),
        "listings": tuple(listing.url for listing in site.listings),
        "article_patterns": tuple(p.pattern for p in site.article_patterns),
    }


def stored_urls(db: Path, site: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT url FROM articles WHERE site=?", (site,))
        return sorted(normalise_url(r[0]) for r in rows)
    finally:
        conn.close()


def add_site(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real `khabar add-site` (python -m crawler.cli) in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "add-site", *args, "--delay", "0"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def server(corpus_dir: Path):
    with ReplayServer(
        [
            ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv"),
            ReplaySite.from_urlmap(corpus_dir / "sana.sy-replica" / "URLMAP.tsv"),
            wordpress_site().site,
        ]
    ) as replay:
        yield replay


@pytest.fixture(scope="module")
def odd_site(server: ReplayServer) -> MadeSite:
    made = sitemap_only_site(server.proxy_url)  # served straight on 127.0.0.1:<port>
    server.set_site(made.site)
    return made


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(BASE_CONFIG, encoding="utf-8")
    return path


def test_alwatan_entry_equals_config_and_crawls(server: ReplayServer, config: Path) -> None:
    env = {**server.env(), "KHABAR_CONFIG": str(config)}
    proc = add_site(["https://alwatan.sy/", "--write"], env)
    assert proc.returncode == 0, proc.stderr
    assert "Written to" in proc.stdout
    # the sample table: five articles through the real extraction, with provenance
    assert proc.stdout.count("\n[") == 5
    assert "published_at  2017-03-25T01:15:00+02:00" in proc.stdout
    assert "موسكو تطالب واشنطن" in proc.stdout
    requests = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert 0 < len(requests) <= 30

    written = load_config(config).sites["alwatan"]
    shipped = load_config(PROJECT_ROOT / "config.yaml").sites["alwatan"]
    assert discovery_fields(written) == discovery_fields(shipped)
    text = config.read_text(encoding="utf-8")
    assert text.startswith(BASE_CONFIG.rstrip("\n"))  # comments and layout kept
    assert "# a placeholder site" in text

    db = config.parent / "khabar.sqlite"
    run_scrapy(["crawl", "alwatan", *FAST], env={**env, "KHABAR_DB": str(db)})
    assert stored_urls(db, "alwatan") == sorted(
        f"https://alwatan.sy/archives/{i}" for i in ARTICLE_IDS
    )


def test_sana_without_home_page(server: ReplayServer, config: Path) -> None:
    proc = add_site(["https://sana.sy/"], {**server.env(), "KHABAR_CONFIG": str(config)})
    assert proc.returncode == 0, proc.stderr
    shipped = load_config(PROJECT_ROOT / "config.yaml").sites["sana"]
    assert "      - https://sana.sy/feed/" in proc.stdout
    assert f"      - '{shipped.article_patterns[0].pattern}'" in proc.stdout
    assert "timezone: Asia/Damascus" in proc.stdout
    assert config.read_text(encoding="utf-8") == BASE_CONFIG  # no --write, nothing written


def test_wordpress_like_site_added_and_crawled(server: ReplayServer, config: Path) -> None:
    made = wordpress_site()
    env = {**server.env(), "KHABAR_CONFIG": str(config)}
    result = CliRunner(env=env).invoke(
        command, ["https://www.akhbar-misr.com.eg/", "--write", "--delay", "0"]
    )
    assert result.exit_code == 0, result.output
    site = load_config(config).sites["akhbar_misr"]
    expected = {k: v for k, v in made.expected.items() if k != "name"}
    assert discovery_fields(site) == expected
    assert site.display_name == "أخبار مصر"
    assert "CMS:              WordPress" in result.output
    assert "news sitemaps:    https://www.akhbar-misr.com.eg/news-sitemap.xml" in result.output

    db = config.parent / "khabar.sqlite"
    run_scrapy(["crawl", "akhbar_misr", *FAST], env={**env, "KHABAR_DB": str(db)})
    assert stored_urls(db, "akhbar_misr") == sorted(map(normalise_url, made.articles))


def test_sitemap_only_site_on_loopback(odd_site: MadeSite, config: Path) -> None:
    env = {
        "KHABAR_CONFIG": str(config),
        "http_proxy": "",
        "https_proxy": "",
        "HTTP_PROXY": "",
        "HTTPS_PROXY": "",
    }
    url = odd_site.articles[0].split("/news.php")[0] + "/"
    missing_name = add_site([url], env)
    assert missing_name.returncode != 0
    assert "give --name" in missing_name.stderr
    assert "Traceback" not in missing_name.stderr

    proc = add_site([url, "--name", "odd", "--write"], env)
    assert proc.returncode == 0, proc.stderr
    site = load_config(config).sites["odd"]
    assert discovery_fields(site) == odd_site.expected
    assert site.display_name == "الأنباء المحلية"  # from <title>: no og:site_name, no feed
    assert "dates written at +03:00" in proc.stdout

    db = config.parent / "khabar.sqlite"
    run_scrapy(["crawl", "odd", *FAST], env={**env, "KHABAR_DB": str(db)})
    assert stored_urls(db, "odd") == sorted(map(normalise_url, odd_site.articles))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-a-url"], "expected an http(s) URL"),
        (["https://alwatan.sy/", "--name", "Bad-Name"], "--name must be lower-case"),
        (["https://placeholder.example/", "--name", "placeholder", "--write"], "already has a"),
        (["https://alwatan.sy/", "--delay", "inf"], "--delay must be from 0 to 3600 seconds"),
        (["https://alwatan.sy/", "--delay", "nan"], "--delay must be from 0 to 3600 seconds"),
        (["https://alwatan.sy/", "--delay", "-1"], "--delay must be from 0 to 3600 seconds"),
        (["https://alwatan.sy/", "--delay", "1e300"], "--delay must be from 0 to 3600 seconds"),
    ],
)
def test_bad_input_one_line(config: Path, args: list[str], message: str) -> None:
    with socket.socket() as sock:  # a proxy that refuses: nothing may leave the machine
        sock.bind(("127.0.0.1", 0))
        proxy = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = {"KHABAR_CONFIG": str(config), "http_proxy": proxy, "https_proxy": proxy}
    result = CliRunner(env=env).invoke(command, args)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1  # one line, before any request is sent
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_help_through_the_khabar_command() -> None:
    proc = add_site(["--help"], {})
    assert proc.returncode == 0
    assert "Usage: khabar add-site [OPTIONS] URL" in proc.stdout and "--write" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "add-site", "ftp://x"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr == "khabar: expected an http(s) URL, got 'ftp://x'\n"


def test_site_with_nothing_to_discover(server: ReplayServer, config: Path) -> None:
    """A host the proxy does not serve: every request fails, one clear line, non-zero."""
    env = {**server.env(), "KHABAR_CONFIG": str(config)}
    result = CliRunner(env=env).invoke(
        command, ["https://nowhere.example/", "--delay", "0", "--max-requests", "8"]
    )
    assert result.exit_code == 2
    assert "found no feed, sitemap or listing page" in result.output
    assert config.read_text(encoding="utf-8") == BASE_CONFIG


def test_polite_fetcher_obeys_robots_delay_and_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    origin = "https://polite.example"
    site = ReplaySite("polite")
    site.add(f"{origin}/robots.txt", b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n")
    for i in range(4):
        site.add(f"{origin}/n/{i}", b"<html><body>x</body></html>")
    site.add(f"{origin}/private/1", b"<html><body>secret</body></html>")
    lines: list[str] = []
    with ReplayServer([site]) as replay:
        for key, value in replay.env().items():
            monkeypatch.setenv(key, value)
        fetcher = PoliteFetcher("khabar-test/1", delay=0, budget=4, report=lines.append)
        fetcher.load_robots(origin)
        assert fetcher.delay == 0.5  # max(--delay 0, Crawl-delay 0.5)
        started = time.monotonic()
        assert fetcher.get(f"{origin}/private/1") is None  # disallowed: never sent
        got = [fetcher.get(f"{origin}/n/{i}") for i in range(4)]
        elapsed = time.monotonic() - started
        sent = [url for _, url, _ in replay.requests]
    assert [f.status for f in got[:3] if f] == [200, 200, 200]
    assert got[3] is None  # a budget of 4: robots.txt and three pages
    assert f"{origin}/private/1" not in sent
    assert elapsed >= 2 * 0.5 - 0.05  # three pages, two waits
    assert any("robots.txt asks for Crawl-delay 0.5 s" in line for line in lines)
    assert any("skipped (robots.txt disallows)" in line for line in lines)


# A valid config as a YAML formatter writes it: list items not indented under their key, and
# `sites:` not the last section. Appending text at our indentation made the entry part of the
# last site's article_patterns (issue 17).
FORMATTED_CONFIG = """\
database: khabar.sqlite
sites:
- name: placeholder
  domains:
  - placeholder.example
  feeds:
  - https://placeholder.example/feed/
  article_patterns:
  - '^https://placeholder\\.example/\\d+$'
  - "^https://placeholder\\\\.example/news/\\\\d+$"
scheduler:
  logs_dir: logs   # beside this file
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_write_into_a_config_laid_out_differently(
    server: ReplayServer, tmp_path: Path, newline: str
) -> None:
    config = tmp_path / "config.yaml"
    config.write_bytes(FORMATTED_CONFIG.replace("\n", newline).encode())
    result = CliRunner(env={**server.env(), "KHABAR_CONFIG": str(config)}).invoke(
        command, ["https://www.akhbar-misr.com.eg/", "--write", "--delay", "0"]
    )
    assert result.exit_code == 0, result.output
    text = config.read_bytes().decode()
    assert text.count(newline) == text.count("\n")  # the file's line ends kept
    lines = text.replace("\r\n", "\n").splitlines(keepends=True)
    start = lines.index("- name: akhbar_misr\n")  # at the file's own indentation
    end = lines.index("scheduler:\n")
    entry = lines[start:end]
    assert "  - https://www.akhbar-misr.com.eg/feed/\n" in entry
    # everything else is byte for byte what it was
    kept = "".join(lines[:start] + lines[end:])
    comment = [line for line in lines[:start] if line.startswith("# ")]
    assert kept.replace("".join(comment), "").replace("\n\n", "\n") == FORMATTED_CONFIG
    loaded = load_config(config)
    assert list(loaded.sites) == ["placeholder", "akhbar_misr"]
    expected = {k: v for k, v in wordpress_site().expected.items() if k != "name"}
    assert discovery_fields(loaded.sites["akhbar_misr"]) == expected
    assert loaded.scheduler.logs_dir == tmp_path / "logs"


def test_shipped_config_layout_is_kept_exactly() -> None:
    """ruamel.yaml writes config.yaml back byte for byte in the layout found for it."""
    text = (PROJECT_ROOT / "config.yaml").read_text(encoding="utf-8")
    layout = layout_of(text)
    assert layout.kept and (layout.mapping, layout.offset) == (2, 2)
    assert layout_of(FORMATTED_CONFIG).offset == 0


def test_write_refuses_what_would_not_validate(tmp_path: Path) -> None:
    """The same loader as the crawl checks the result first; the file is left as it was."""
    config = tmp_path / "config.yaml"
    config.write_text(BASE_CONFIG, encoding="utf-8")
    entry = CommentedMap(name="bad", domains=["x.example"], article_patterns=["("])
    with pytest.raises(ConfigEditError, match="does not validate, nothing written"):
        append_site(config, entry, ["a comment"], lambda site: None)
    assert config.read_text(encoding="utf-8") == BASE_CONFIG
    assert [p.name for p in tmp_path.iterdir()] == ["config.yaml"]  # no temporary file left


def hostile_site() -> ReplaySite:
    """A site whose name and titles carry terminal escapes: OSC title, screen clear, BEL and
    a bidi override."""
    origin = "https://hostile.example"
    evil = "\x1b]0;OWNED\x07\x1b[2J\u202e"
    site = ReplaySite("hostile")
    site.add(f"{origin}/robots.txt", b"User-agent: *\n", "text/plain")
    site.add(
        f"{origin}/",
        f'<html lang="ar"><head><meta property="og:site_name" content="موقع {evil}الأخبار">'
        f'<link rel="alternate" type="application/rss+xml" href="{origin}/feed/">'
        "</head><body>x</body></html>".encode(),
    )
    urls = [f"{origin}/news/{1000 + i}" for i in range(3)]
    items = "".join(f"<item><link>{u}</link></item>" for u in urls)
    site.add(
        f"{origin}/feed/", f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(), RSS
    )
    for i, url in enumerate(urls):
        site.add(
            url, article_page(f"عنوان {evil} مسح {i}", "2024-05-01T10:00:00+03:00", i, "x").encode()
        )
    return site


def test_page_text_never_reaches_the_terminal_raw(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(BASE_CONFIG, encoding="utf-8")
    with ReplayServer([hostile_site()]) as replay:
        result = CliRunner(env={**replay.env(), "KHABAR_CONFIG": str(config)}).invoke(
            command, ["https://hostile.example/", "--write", "--delay", "0"]
        )
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in result.output
    assert "\\x1b]0;OWNED\\x07" in result.output  # the sample titles, shown escaped
    site = load_config(config).sites["hostile"]
    assert site.display_name == "موقع ]0;OWNED[2Jالأخبار"  # kept without the controls


def test_readme_example_works_on_a_fresh_clone(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's first `khabar add-site` line, as written, against the shipped config.yaml
    (which already has alwatan): the proposal, and a line saying the name is taken."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a site", 1)[1]
    line = next(ln for ln in section.splitlines() if ln.strip().startswith("khabar add-site"))
    args = shlex.split(line.split("#", 1)[0])
    assert args[:2] == ["khabar", "add-site"]
    monkeypatch.delenv("KHABAR_CONFIG", raising=False)
    monkeypatch.setattr(
        discover_module, "time", SimpleNamespace(monotonic=time.monotonic, sleep=lambda s: None)
    )
    shipped = (PROJECT_ROOT / "config.yaml").read_bytes()
    result = CliRunner(env=server.env()).invoke(command, args[2:])
    assert result.exit_code == 0, result.output
    assert "Proposed entry (under `sites:`" in result.output
    assert "already has a site named 'alwatan': this proposal is not written" in result.output
    assert "      - '^https?://(www\\.)?alwatan\\.sy/archives/\\d+/?$'" in result.output
    assert (PROJECT_ROOT / "config.yaml").read_bytes() == shipped
