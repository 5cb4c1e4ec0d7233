"""What a crawl stores of hostile page text, end to end (issue 17 #2, #3): pages served with a wrong
charset are stored as the Arabic they are, control characters from a page never reach the database,
and `khabar search` never prints them raw, whatever the database holds."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main as khabar
from storage.store import ArticleStore
from tests.conftest import PROJECT_ROOT
from tests.support.faults import (
    Article,
    article_html,
    crawl_args,
    make_article,
    plain_config,
    rss,
    urlset,
)
from tests.support.replay import ReplayServer, ReplaySite
from tests.test_search import _record

SITE, HOST = "hostile", "news.hostile.test"
BASE = f"http://{HOST}"
ESCAPES = "\x1b]0;OWNED\x07 \x1b[2J \x1b]52;c;cm0gLXJmIH4=\x07 \x9b31m"
INERT = "]0;OWNED [2J ]52;c;cm0gLXJmIH4= 31m"  # ESCAPES without its control characters
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _article(slug: str, seed: int) -> Article:
    return make_article(slug, seed, base=BASE)


_plain = _article("escapes", 5)
ESCAPED = dataclasses.replace(
    _plain,
    title=f"عنوان {ESCAPES} عن دمشق والمحافظات",
    paragraphs=(f"{_plain.paragraphs[0]} دمشق {ESCAPES}", *_plain.paragraphs[1:]),
)
# slug → (article, its <meta charset>, the encoding of its bytes, Content-Type): the first four
# declare a charset their bytes are not in (the UTF-16 page declares none, and has a BOM).
PAGES = {
    "cp1256-meta-utf8": (_article("cp1256-meta-utf8", 1), "utf-8", "cp1256", "text/html"),
    "cp1256-http-latin1": (
        _article("cp1256-http-latin1", 2),
        None,
        "cp1256",
        "text/html; charset=iso-8859-1",
    ),
    "utf8-http-cp1256": (
        _article("utf8-http-cp1256", 3),
        None,
        "utf-8",
        "text/html; charset=windows-1256",
    ),
    "utf16": (_article("utf16", 4), None, "utf-16", "text/html"),
    "escapes": (ESCAPED, "utf-8", "utf-8", "text/html; charset=utf-8"),
}


def hostile_site() -> ReplaySite:
    site = ReplaySite(SITE)
    for article, meta, encoding, content_type in PAGES.values():
        site.add(article.url, article_html(article, charset=meta).encode(encoding), content_type)
    urls = [article.url for article, *_ in PAGES.values()]
    site.add(f"{BASE}/feed/", rss([(u, "خبر") for u in urls]), "application/rss+xml")
    site.add(f"{BASE}/sitemap_index.xml", urlset([(u, "2024-01-02") for u in urls]), "text/xml")
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    config = tmp / "hostile.yaml"
    config.write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    db = tmp / "hostile.sqlite"
    with ReplayServer([hostile_site()]) as server:
        env = {
            **os.environ,
            **server.env(),
            "KHABAR_CONFIG": str(config),
            "KHABAR_DB": str(db),
            "KHABAR_EXTRACT_WORKERS": "1",
        }
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", *crawl_args(SITE)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


def stored(db: Path) -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT * FROM articles").fetchall()
    finally:
        conn.close()
    return {row["url"].rsplit("/", 1)[1]: row for row in rows}


def test_every_mislabelled_page_is_stored_as_the_arabic_it_is(crawled: Path) -> None:
    rows = stored(crawled)
    assert set(rows) == set(PAGES)
    for slug, (article, *_) in PAGES.items():
        if slug == "escapes":
            continue
        row = rows[slug]
        assert row["title"] == article.title, slug
        assert row["language"] == "ar", slug
        assert article.paragraphs[0] in row["body"], slug
        assert "\ufffd" not in row["title"] + row["body"], slug


def test_no_control_character_from_a_page_is_stored(crawled: Path) -> None:
    row = stored(crawled)["escapes"]
    assert row["title"] == f"عنوان {INERT} عن دمشق والمحافظات"  # the text around them is kept
    assert f"دمشق {INERT}" in row["body"]
    conn = sqlite3.connect(crawled)
    try:
        texts = conn.execute(
            "SELECT title, kicker, author, section, tags, body FROM articles"
        ).fetchall()
        (fts,) = conn.execute(
            "SELECT group_concat(title || body, ' ') FROM articles_fts"
        ).fetchone()
    finally:
        conn.close()
    assert not any(CONTROL.search(value) for row in texts for value in row if value)
    assert not CONTROL.search(fts)


def test_search_output_of_the_crawled_archive_has_no_control_character(
    crawled: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert khabar(["search", "دمشق", "--db", str(crawled)]) == 0
    out = capfd.readouterr().out
    assert "OWNED" in out and not CONTROL.search(out)


@pytest.fixture
def raw_db(tmp_path: Path) -> Path:
    """A database with control characters in a stored row: written by an older khabar or another
    tool, straight through the store (no normalise step)."""
    db = tmp_path / "raw.sqlite"
    store = ArticleStore(db)
    try:
        body = f"نص عن دمشق {ESCAPES} \u202eتم الحذف\u202c " + "كلمة " * 40
        record = _record("raw", "https://example.test/raw", f"عنوان {ESCAPES}\nمسح", body)
        store.write_articles([record], crawl_id=None)
    finally:
        store.close()
    return db


def test_search_escapes_what_a_database_holds(raw_db: Path, capfd) -> None:
    assert khabar(["search", "دمشق", "--db", str(raw_db)]) == 0
    out = capfd.readouterr().out
    assert not CONTROL.search(out) and "\u202e" not in out
    title_line = out.splitlines()[0]
    assert "عنوان \\x1b]0;OWNED\\x07" in title_line and "\\nمسح" in title_line
    assert "\\u202eتم الحذف\\u202c" in out


def test_search_json_keeps_the_values_and_escapes_them(raw_db: Path, capfd) -> None:
    assert khabar(["search", "دمشق", "--json", "--db", str(raw_db)]) == 0
    out = capfd.readouterr().out
    assert not CONTROL.search(out) and "\u202e" not in out
    assert json.loads(out)["title"] == f"عنوان {ESCAPES}\nمسح"
