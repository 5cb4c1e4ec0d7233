"""Honour robots.txt `Crawl-delay`: a site's delay is max(its configured delay, Crawl-delay).

Scrapy's RobotsTxtMiddleware obeys Allow/Disallow but ignores Crawl-delay. This middleware
listens for Scrapy's `robots_parsed` signal, reads the delay for our User-Agent, logs it once
per host, and keeps the host's downloader slot at no less than that delay (AutoThrottle may
lower a slot's delay after each response; it is raised again before the next request leaves).
The slot's random jitter is turned off there, so no wait falls below what the site asked.
An absurd Crawl-delay is capped at KHABAR_MAX_CRAWL_DELAY seconds, and the cap is logged.
It must sit after RobotsTxtMiddleware (100), which parses robots.txt before any request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    """Keeps each host's download delay at max(configured, robots.txt Crawl-delay)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.configured = settings.getfloat("DOWNLOAD_DELAY")
        self.cap = settings.getfloat("KHABAR_MAX_CRAWL_DELAY", 60.0)
        self.delays: dict[str, float] = {}  # host → delay the site asked for (capped)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        asked = robotparser.crawl_delay(self.user_agent)
        if not asked or asked <= self.configured:
            return
        host = urlparse_cached(request).hostname or ""
        delay = min(float(asked), self.cap)
        self.delays[host] = delay
        self.crawler.stats.set_value("khabar/robots_crawl_delay", delay)
        logger.info(
            "robots.txt of %s asks for Crawl-delay %g s: waiting %g s between requests "
            "(configured %g s%s)",
            host,
            asked,
            delay,
            self.configured,
            f"; capped by KHABAR_MAX_CRAWL_DELAY={self.cap:g}" if delay < asked else "",
        )

    def process_request(self, request: Request) -> None:
        delay = self.delays.get(urlparse_cached(request).hostname or "")
        if delay is None:
            return
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and (slot.delay < delay or slot.jitter):
            slot.delay, slot.jitter = max(slot.delay, delay), 0.0
