"""Kept pages as WARC/1.1 records: a response with the original headers and fetch time, the
request that fetched it, and a metadata record with khabar's keys; gzip per record.

Written with warcio (the reference implementation; it computes the block and payload digests
that `warcio check` verifies). The response body is the page as kept: already decoded from its
Content-Encoding and Transfer-Encoding, so those headers and a Content-Length that no longer
matches are renamed X-Crawler-<name>, as Common Crawl does, and a true Content-Length is set.
Pages kept before khabar stored headers (m011) get minimal ones, made from what the row knows
(status, charset), and the record says so: `WARC-Khabar-Headers: synthesised`.

The metadata record (application/warc-fields, WARC-Refers-To the response) carries the
article's id, site, canonical URL, how it was found and the feed/sitemap hints extraction used,
so `khabar import-warc` of this file gives the same articles.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.pages import ArchivedPage

SYNTHESISED_FIELD = "WARC-Khabar-Headers"
# The warc-fields names of the metadata record (read back by crawler.warc.read).
META_ARTICLE_ID = "khabar-article-id"
META_SITE = "khabar-site"
META_CANONICAL_URL = "khabar-canonical-url"
META_FOUND_VIA = "khabar-found-via"
META_HINTS = "khabar-hints"
# Headers that describe the bytes on the wire, not the decoded page the record holds.
WIRE_HEADERS = ("content-encoding", "transfer-encoding")
RENAMED_PREFIX = "X-Crawler-"


def warc_date(iso: str | None) -> str:
    """WARC-Date of a stored ISO-8601 time: UTC, second precision, 'Z' (now if unknown)."""
    parsed = None
    if iso:
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            parsed = None
    if parsed is None:
        parsed = datetime.now(UTC)
    elif parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_line(status: int | None) -> str:
    code = status or 200
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"


def response_headers(page: ArchivedPage) -> tuple[list[tuple[str, str]], bool]:
    """The response's headers as the record writes them, and whether they were synthesised."""
    length = str(len(page.html))
    if not page.response_headers:
        charset = f"; charset={page.http_encoding}" if page.http_encoding else ""
        return [("Content-Type", f"text/html{charset}"), ("Content-Length", length)], True
    out: list[tuple[str, str]] = []
    for name, value in page.response_headers:
        lower = name.lower()
        if lower in WIRE_HEADERS or (lower == "content-length" and value.strip() != length):
            out.append((RENAMED_PREFIX + name, value))
        elif lower != "content-length":
            out.append((name, value))
    out.append(("Content-Length", length))
    return out, False


def request_headers(page: ArchivedPage) -> list[tuple[str, str]]:
    if page.request_headers:
        return [(name, value) for name, value in page.request_headers]
    return [("Host", urlsplit(page.url).netloc)]


def request_line(url: str) -> str:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"GET {target} HTTP/1.1"


def metadata_fields(page: ArchivedPage) -> bytes:
    fields = [
        (META_ARTICLE_ID, str(page.article_id)),
        (META_SITE, page.site),
        (META_CANONICAL_URL, page.canonical_url),
        (META_FOUND_VIA, page.found_via or ""),
        (META_HINTS, json.dumps(page.hints, ensure_ascii=False, sort_keys=True)),
    ]
    return "".join(f"{name}: {value}\r\n" for name, value in fields).encode("utf-8")


@dataclass
class ExportCounts:
    pages: int = 0
    synthesised: int = 0


class WarcExport:
    """Writes pages to one gzip-per-record WARC/1.1 stream, after a warcinfo record."""

    def __init__(self, out: BinaryIO, filename: str, software: str) -> None:
        self.writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        self.counts = ExportCounts()
        info = self.writer.create_warcinfo_record(
            filename,
            {
                "software": software,
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                "warc-format/warc-1.1/",
                "description": "raw article pages kept by khabar at crawl time",
            },
        )
        self.writer.write_record(info)

    def write(self, page: ArchivedPage) -> None:
        date = warc_date(page.fetched_at)
        headers, synthesised = response_headers(page)
        warc_headers = {"WARC-Date": date}
        if synthesised:
            warc_headers[SYNTHESISED_FIELD] = "synthesised"
        response = self.writer.create_warc_record(
            page.url,
            "response",
            payload=io.BytesIO(page.html),
            length=len(page.html),  # known: warcio needs no temporary file
            warc_headers_dict=warc_headers,
            http_headers=StatusAndHeaders(
                status_line(page.http_status), headers, protocol="HTTP/1.1"
            ),
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request = self.writer.create_warc_record(
            page.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
            http_headers=StatusAndHeaders(
                request_line(page.url), request_headers(page), is_http_request=True
            ),
        )
        metadata = self.writer.create_warc_record(
            page.url,
            "metadata",
            payload=io.BytesIO(fields := metadata_fields(page)),
            length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": response_id},
        )
        for record in (response, request, metadata):
            self.writer.write_record(record)
        self.counts.pages += 1
        self.counts.synthesised += synthesised

    def write_all(self, pages: Iterable[ArchivedPage]) -> None:
        for page in pages:
            self.write(page)
