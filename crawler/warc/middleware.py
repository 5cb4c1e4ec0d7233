"""Answer a request for a page read from a WARC file with its record: nothing is fetched.

A downloader middleware, so the rest of the chain sees the response as on a crawl: Scrapy's
HttpCompressionMiddleware undoes a recorded Content-Encoding, the downloader stats count the
page, and the spider's parse_article makes the same item of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

if TYPE_CHECKING:
    from scrapy import Request

    from crawler.warc.read import WarcResponse

# request.meta: the WarcResponse a request stands for (crawler.warc.spider sets it).
META_WARC_RESPONSE = "warc_response"


class WarcResponses:
    def process_request(self, request: Request) -> Response | None:
        record: WarcResponse | None = request.meta.pop(META_WARC_RESPONSE, None)
        if record is None:
            return None
        headers = Headers(record.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=record.body)
        return cls(
            url=request.url,
            status=record.status,
            headers=headers,
            body=record.body,
            request=request,
        )
