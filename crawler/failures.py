"""Name the reason a request failed, for stats (`khabar/failed/<reason>`) and log lines.

Scrapy reports a failed request as one of a dozen exception types (and IgnoreRequest for
everything a middleware refused, told apart only by its message). A crawl report needs a short,
stable reason per failure — "http_503", "timeout", "truncated", "size_limit" — so that every
URL that did not become an article is explained. (Why the store failed is storage.faults.)
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import TunnelError
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

GONE_STATUSES = frozenset({404, 410})

# IgnoreRequest messages of Scrapy's and khabar's middlewares → reason (first match wins).
_IGNORED = (
    ("retry-after", "retry_after_too_long"),
    ("download_maxsize", "size_limit"),
    ("max redirections", "redirect_limit"),
    ("offsite", "offsite"),
    ("robots.txt", "robots_txt"),
)
_TYPES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError), "timeout"),
    ((ResponseDataLossError,), "truncated"),
    ((DownloadCancelledError,), "size_limit"),
    ((DownloadConnectionRefusedError, net.ConnectionRefusedError), "connection_refused"),
    ((CannotResolveHostError, net.DNSLookupError), "dns"),
    ((TunnelError,), "proxy_tunnel"),
    (
        (
            net.ConnectionLost,
            net.ConnectionDone,
            net.ConnectError,
            ResponseFailed,
            ResponseNeverReceived,
            DownloadFailedError,
        ),
        "connection_lost",
    ),
)


def failure_reason(exc: BaseException) -> str:
    """A short snake_case reason for a failed request's exception."""
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        message = str(exc).lower()
        return next((reason for key, reason in _IGNORED if key in message), "ignored")
    if isinstance(exc, ResponseFailed) and any(
        "DataLoss" in type(getattr(r, "value", r)).__name__ for r in exc.reasons
    ):
        return "truncated"
    for types, reason in _TYPES:
        if isinstance(exc, types):
            return reason
    name = type(exc).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
