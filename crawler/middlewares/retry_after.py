"""Back off before retrying 429 and 503, honouring the server's Retry-After.

Scrapy's RetryMiddleware re-sends a 429/503 at once, which only deepens a server's overload
and gets a polite crawler banned. This middleware sits just outside RetryMiddleware (so it sees
the response first) and waits before letting it retry:

* ``Retry-After: <seconds>`` or ``Retry-After: <HTTP-date>`` is honoured up to
  KHABAR_MAX_RETRY_AFTER seconds; a longer demand is not worth holding a crawl for, so the
  request is given up at once (IgnoreRequest with the reason; the spider's errback counts it
  in ``khabar/failed/retry_after_too_long``);
* without the header, the wait is exponential: KHABAR_RETRY_BACKOFF × 2^(retries so far).

The wait is an asyncio sleep of this request only: the reactor and other requests go on.
The number of retries stays bounded by RETRY_TIMES (RetryMiddleware's count is untouched).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest, NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

BACKOFF_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP-date); None if absent
    or unreadable. A date in the past means 0."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Waits (bounded) before RetryMiddleware retries a 429/503; gives up on absurd waits."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.max_wait = settings.getfloat("KHABAR_MAX_RETRY_AFTER", 60.0)
        self.backoff = settings.getfloat("KHABAR_RETRY_BACKOFF", 1.0)
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_codes = BACKOFF_STATUSES & {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def wait_for(self, request: Request, response: Response) -> float | None:
        """Seconds to wait before the retry; None to give up now; 0 when no retry follows."""
        retries = request.meta.get("retry_times", 0)
        if retries >= request.meta.get("max_retry_times", self.max_retry_times):
            return 0.0  # RetryMiddleware gives up on this one and logs why
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            return min(self.backoff * 2**retries, self.max_wait)
        return asked if asked <= self.max_wait else None

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.retry_codes or request.meta.get("dont_retry"):
            return response
        wait = self.wait_for(request, response)
        stats = self.crawler.stats
        assert stats is not None
        if wait is None:
            # The request's errback counts and logs it (khabar/failed/retry_after_too_long).
            raise IgnoreRequest(
                f"HTTP {response.status} with Retry-After "
                f"{response.headers.get(b'Retry-After', b'').decode('latin-1')!r}, "
                f"longer than KHABAR_MAX_RETRY_AFTER={self.max_wait:g}s"
            )
        if wait > 0:
            stats.inc_value("khabar/retry_after/waits")
            stats.inc_value("khabar/retry_after/seconds", wait)
            logger.info(
                "HTTP %d for %s: waiting %.1fs before retrying", response.status, request.url, wait
            )
            await asyncio.sleep(wait)
        return response
