"""Attention over time in a real browser: from the Arabic search page, its "attention over time"
link opens the chart of that query, which headless Chromium (every host but 127.0.0.1
unresolvable) draws from Datasette's own scripts with the counts of `khabar search --per-day`,
the list of the matching articles below it. The screenshot goes to the test's tmp dir (its path
is printed: pytest -s shows it).
"""

from __future__ import annotations

import html
import re
import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from storage.search import matches_per_day
from tests.support.serving import khabar_serve
from tests.test_attention import QUERY, write_attention_db
from tests.test_browser import _chromium, chromium  # noqa: F401  (a fixture)

# Module scripts and the chart's fetch finish well within this much virtual time.
BUDGET = "--virtual-time-budget=15000"


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path
) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("attention-browser")
    db = write_attention_db(folder / "news.sqlite", corpus_dir)
    with khabar_serve(db, folder / "serve.log") as base:
        yield base, db


def test_search_page_leads_to_the_chart_of_its_query(
    chromium: str,  # noqa: F811
    served: tuple[str, Path],
    tmp_path: Path,
) -> None:
    base, db = served
    search_url = f"{base}/{db.stem}/search?q={quote(QUERY)}&site=sana"
    dom = _chromium(chromium, tmp_path / "p1", BUDGET, "--dump-dom", search_url).stdout
    link = re.search(r'<a class="khabar-carry-query" href="([^"]+)">attention over time', dom)
    assert link is not None, dom[:3000]
    chart_url = html.unescape(link.group(1))
    parts = urlsplit(chart_url)
    assert parts.path == f"/{db.stem}/attention"
    assert parse_qs(parts.query, keep_blank_values=True) == {"q": [QUERY], "site": ["sana"]}

    # the articles table's own search box leads there too, with its words
    table_url = f"{base}/{db.stem}/articles?_search={quote(QUERY)}"
    dom = _chromium(chromium, tmp_path / "p0", BUDGET, "--dump-dom", table_url).stdout
    table_link = re.search(r'<a class="khabar-attention-link" href="([^"]+)">', dom)
    assert table_link is not None, dom[:3000]
    assert html.unescape(table_link.group(1)) == f"{base}/{db.stem}/attention?q={quote(QUERY)}"

    # every site, as a monitor would widen it: the chart's bars are the CLI's counts
    chart_url = chart_url.replace("site=sana", "site=")
    conn = sqlite3.connect(db)
    try:
        counts = matches_per_day(conn, QUERY)
    finally:
        conn.close()
    dated = [c for c in counts if c.day]
    undated = sum(c.matches for c in counts if not c.day)
    assert len(dated) == 4 and undated == 1  # the story of tests/test_attention.py

    dom = _chromium(chromium, tmp_path / "p2", BUDGET, "--dump-dom", chart_url).stdout
    svg = re.search(r'<svg[^>]*class="marks"[^>]*width="(\d+)"', dom)
    assert svg is not None, dom[:3000]
    assert int(svg.group(1)) > 600  # as wide as the page, not a 0-wide container
    marks = re.search(r'aria-roledescription="rect mark container">(.*?)</g>', dom, re.S)
    assert marks is not None, dom[:3000]
    bars = re.findall(r'<path aria-label="([^"]+)" role="graphics-symbol"', marks.group(1))
    assert sorted(bars) == sorted(f"{c.day} {c.site}: {c.matches}" for c in dated)
    summary = re.search(r'id="khabar-attention-summary">([^<]*)<', dom)
    assert summary is not None
    assert (
        summary.group(1) == "8 matches on 3 days; 1 without a published date (listed, not charted)"
    )
    # the list below the chart: every match, undated included, after the chart in the page
    listed = re.findall(r'<td class="col-id[^"]*">(\d+)</td>', dom)
    assert len(listed) == sum(c.matches for c in counts)
    assert dom.index('id="khabar-attention-chart"') < dom.index('class="rows-and-columns"')

    screenshot = tmp_path / "attention.png"
    _chromium(
        chromium,
        tmp_path / "p3",
        BUDGET,
        f"--screenshot={screenshot}",
        "--window-size=1400,1200",
        chart_url,
    )
    print(f"attention chart screenshot: {screenshot}")
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 1200)
    assert len(data) > 20_000  # a rendered page, not a blank image
