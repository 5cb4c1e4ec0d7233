"""Log network failures as one line each, without a traceback.

A DNS failure, a refused connection or a timeout is an expected event for a crawler, not a bug:
Scrapy's robots.txt middleware and scraper log them with a full traceback, which buries the
one thing a user needs to read. This extension strips the traceback from those records (the
message, with the URL and the reason, stays) for the known network exception types only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    TunnelError,
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
    ResponseFailed,
    ResponseNeverReceived,
)
NOISY_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper")


class NetworkErrorFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        chain = [exc, getattr(exc, "__cause__", None), getattr(exc, "value", None)]
        if any(isinstance(e, NETWORK_ERRORS) for e in chain if e is not None):
            reason = next(e for e in chain if isinstance(e, NETWORK_ERRORS))
            message = record.getMessage()
            if str(reason) not in message:
                message = f"{message}: {reason}"
            record.msg, record.args = message, None
            record.exc_info = None
            record.exc_text = None
        return True


class QuietNetworkErrors:
    def __init__(self) -> None:
        self.filter = NetworkErrorFilter()
        for name in NOISY_LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()
