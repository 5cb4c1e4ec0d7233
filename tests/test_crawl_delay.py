"""robots.txt Crawl-delay: a site's delay is max(config, Crawl-delay), logged once."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from crawler.middlewares.crawl_delay import CrawlDelayMiddleware
from tests.conftest import FAST, run_scrapy
from tests.support.replay import ReplayServer
from tests.support.sites import sitemap_only_site


def robots(text: str) -> ProtegoRobotParser:
    return ProtegoRobotParser(text.encode(), None)


@pytest.mark.parametrize(
    ("robots_txt", "configured", "expected"),
    [
        ("User-agent: *\nCrawl-delay: 5\n", 1.0, 5.0),
        ("User-agent: *\nCrawl-delay: 0.5\n", 1.0, None),  # config is already slower
        ("User-agent: *\nDisallow: /x\n", 1.0, None),
        ("User-agent: *\nCrawl-delay: 3600\n", 1.0, 60.0),  # capped
        ("User-agent: khabar\nCrawl-delay: 7\n\nUser-agent: *\nCrawl-delay: 2\n", 0.0, 7.0),
    ],
)
def test_delay_from_robots(robots_txt: str, configured: float, expected: float | None) -> None:
    crawler = get_crawler(
        settings_dict={
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": configured,
            "USER_AGENT": "khabar/0.1",
            "KHABAR_MAX_CRAWL_DELAY": 60.0,
        }
    )
    middleware = CrawlDelayMiddleware.from_crawler(crawler)
    middleware.robots_parsed(robots(robots_txt), Request("https://alwatan.sy/archives/1"))
    assert middleware.delays.get("alwatan.sy") == expected


def test_crawl_waits_crawl_delay_between_requests(tmp_path: Path) -> None:
    times: list[float] = []
    lock = threading.Lock()

    def timed(handler) -> None:
        with lock:
            times.append(time.monotonic())
        handler.send_mapped()

    with ReplayServer() as server:
        made = sitemap_only_site(server.proxy_url)
        made.site.add(
            f"{server.proxy_url}/robots.txt",
            b"User-agent: *\nCrawl-delay: 1\n",
            "text/plain",
        )
        server.set_site(made.site)
        for url in made.articles:
            server.add_fault(url, timed)
        pattern = server.proxy_url.replace(".", "\\.").replace("http://", "")
        config = tmp_path / "config.yaml"
        config.write_text(
            "database: khabar.sqlite\nsites:\n  - name: odd\n    domains: [127.0.0.1]\n"
            f"    sitemaps: [{server.proxy_url}/sitemap.xml]\n"
            f"    article_patterns: ['^https?://{pattern}/(news|Article)']\n",
            encoding="utf-8",
        )
        proc = run_scrapy(
            ["crawl", "odd", "-a", "limit=3", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4"],
            env={"KHABAR_CONFIG": str(config), "KHABAR_DB": str(tmp_path / "k.sqlite")},
        )
    assert len(times) == 3
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # DOWNLOAD_DELAY=0, AutoThrottle off: only Crawl-delay spaces them (without it: ~0.02 s);
    # measured at the server, so allow for scheduling jitter
    assert min(gaps) >= 0.8, gaps
    assert proc.stderr.count("asks for Crawl-delay 1 s: waiting 1 s between requests") == 1
