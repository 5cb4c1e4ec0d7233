"""Acknowledge a request taken from the shared queue once everything it produced is handed on.

A response's links are queued as the callback yields them, but its article is still in the
item pipelines (extraction, then the push to Redis) when the callback returns. So a taken
request is acknowledged when its callback's output is exhausted *and* each item it yielded has
left the pipelines (scraped, dropped or failed). Anything not acknowledged when a worker dies
is put back in the queue by the surviving workers (see crawler.distributed.queue); an idle
worker has nothing in flight and drops its leftovers (download failures that reached an
errback, redirected and retried originals).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals

from crawler.distributed import keys
from crawler.distributed.queue import TOKEN, ack, worker_id

if TYPE_CHECKING:
    import redis
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class AcknowledgeFinished:
    """Spider middleware: counts what each taken request still has in progress."""

    def __init__(self, server: redis.Redis, site: str, worker: str) -> None:
        self.server = server
        self.site = site
        self.worker = worker
        self.pending: dict[str, int] = {}  # token → callback still running + items in pipelines

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = cls(
            keys.connect(keys.redis_url(crawler.settings)), crawler.spidercls.name, worker_id()
        )
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(mw.item_done, signal=signal)
        return mw

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        token = self._start(response)
        try:
            for output in result:
                self._count(token, output)
                yield output
        finally:
            self._finish(token)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        token = self._start(response)
        try:
            async for output in result:
                self._count(token, output)
                yield output
        finally:
            self._finish(token)

    def item_done(self, item: Any, response: Response | None = None, **_: Any) -> None:
        self._finish(_token(response))

    def _start(self, response: Response) -> str | None:
        token = _token(response)
        if token is not None:
            self.pending[token] = self.pending.get(token, 0) + 1
        return token

    def _count(self, token: str | None, output: Any) -> None:
        if token is not None and not isinstance(output, Request):
            self.pending[token] += 1

    def _finish(self, token: str | None) -> None:
        if token is None or token not in self.pending:
            return
        self.pending[token] -= 1
        if self.pending[token] == 0:
            del self.pending[token]
            ack(self.server, self.site, self.worker, token)


def _token(response: Any) -> str | None:
    request = getattr(response, "request", None)
    return request.meta.get(TOKEN) if request is not None else None
