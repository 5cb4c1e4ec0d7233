"""A failed run's reason points the right way (issue 17, defect 15): a feed outside the site's
domains is not "is the network reachable?", a feed over the size limit is not "no response",
and a feed URL with a space that answers 404 is "404"."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.extensions.crawlrecord import failure_cause, network_blamed, start_pages_problem
from tests.conftest import PROJECT_ROOT
from tests.support.faults import crawl_args, plain_config, plain_site, rss
from tests.support.replay import ReplayServer, ReplaySite

SITE, HOST = "outcome", "news.outcome.test"
FEED, SITEMAP = f"http://{HOST}/feed/", f"http://{HOST}/sitemap_index.xml"


def only_feed(feed: str) -> str:
    return (
        plain_config([(SITE, HOST)])
        .replace(f"feeds: [{FEED}]", f"feeds: ['{feed}']")
        .replace(f"    sitemaps: [{SITEMAP}]\n", "")
    )


def crawl(folder: Path, server: ReplayServer, config: str) -> tuple[int, str, str]:
    (folder / "config.yaml").write_text(config, encoding="utf-8")
    db = folder / "db.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", *crawl_args(SITE), "-s", "RETRY_TIMES=0"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            **server.env(),
            "KHABAR_CONFIG": str(folder / "config.yaml"),
            "KHABAR_DB": str(db),
            "KHABAR_EXTRACT_WORKERS": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    conn = sqlite3.connect(db)
    try:
        (reason,) = conn.execute("SELECT finish_reason FROM crawls").fetchone()
    finally:
        conn.close()
    return proc.returncode, reason, proc.stderr.strip().splitlines()[-1]


@pytest.fixture
def server() -> ReplayServer:
    site, articles = plain_site(SITE, HOST, 2)
    site.add(f"http://{HOST}/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    other = ReplaySite("other")
    other.add("http://other.test/feed/", rss([(a.url, "خبر") for a in articles]), "text/xml")
    with ReplayServer([site, other]) as replay:
        yield replay


def test_a_feed_outside_the_domains(tmp_path: Path, server: ReplayServer) -> None:
    code, reason, last = crawl(tmp_path, server, only_feed("http://other.test/feed/"))
    assert code == 1
    assert reason == "no start page answered: outside the site's domains ×1"
    assert "network" not in last and f"failed: {reason} (0 pages" in last


def test_a_feed_url_with_a_space_that_answers_404(tmp_path: Path, server: ReplayServer) -> None:
    code, reason, _ = crawl(tmp_path, server, only_feed(f"http://{HOST}/my feed/"))
    assert (code, reason) == (1, "no start page answered: 404 ×1")


def test_start_pages_problem_says_why_there_was_no_response() -> None:
    urls = frozenset({"a", "b", "c"})
    failures = {"a": "offsite", "b": "size_limit"}
    assert start_pages_problem(urls, {}, failures) == (
        "no start page answered: larger than DOWNLOAD_MAXSIZE ×1, no response ×1, "
        "outside the site's domains ×1"
    )
    assert start_pages_problem(urls, {"c": 500}, {"a": "dns", "b": "http_9"}) == (
        "no start page answered: 500 ×1, dns ×1, http_9 ×1"
    )
    assert network_blamed(urls, {"a": "dns", "b": "timeout"})  # c: no response at all
    assert not network_blamed(urls, failures)


def test_nothing_fetched_blames_the_network_only_when_it_is_to_blame() -> None:
    values = {
        "status": "failed",
        "pages_fetched": 0,
        "failed_reasons": json.dumps({"dns": 2}),
        "error_summary": None,
        "finish_reason": "finished",
    }
    offsite = "no start page answered: outside the site's domains ×1"
    common = {"storage": None, "argument_error": None, "start_problem": offsite}
    assert failure_cause(values, **common, network_to_blame=False) == offsite
    assert failure_cause(values, **common) == "no page could be fetched: dns ×2"
