"""WARC files for the import tests, written with warcio the way crawlers write them.

Gzip per record (as CC-NEWS, Heritrix, wget and Browsertrix do); responses may be sent chunked,
gzip-encoded or in another charset, exactly as the bytes went over the wire.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATE = "2024-03-05T08:30:00Z"


def chunked(body: bytes, size: int = 1000) -> bytes:
    """`body` in HTTP/1.1 chunked transfer coding."""
    out = b""
    for start in range(0, len(body), size):
        part = body[start : start + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


class WarcBuilder:
    """Appends records to one WARC file; `offsets` maps each response URL to its record."""

    def __init__(self, fh: BinaryIO, gzip: bool = True, version: str = "WARC/1.1") -> None:
        self.writer = WARCWriter(fh, gzip=gzip, warc_version=version)
        self.fh = fh
        self.offsets: dict[str, int] = {}
        self.writer.write_record(
            self.writer.create_warcinfo_record("test.warc.gz", {"software": "tests"})
        )

    def response(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str = "text/html; charset=UTF-8",
        status: str = "200 OK",
        transfer: str = "",  # "chunked"
        encoding: str = "",  # "gzip"
        date: str = DATE,
        with_request: bool = True,
    ) -> None:
        headers = [("Content-Type", content_type), ("Server", "nginx")]
        wire = body
        if encoding == "gzip":
            wire = gzip.compress(wire)
            headers.append(("Content-Encoding", "gzip"))
        if transfer == "chunked":
            wire = chunked(wire)
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(len(wire))))
        record = self.writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(wire),
            length=len(wire),
            warc_headers_dict={"WARC-Date": date},
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        )
        self.offsets[url] = self.fh.tell()
        self.writer.write_record(record)
        if with_request:
            self.request(url, record.rec_headers.get_header("WARC-Record-ID"))

    def request(self, url: str, concurrent_to: str) -> None:
        record = self.writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict={"WARC-Date": DATE, "WARC-Concurrent-To": concurrent_to},
            http_headers=StatusAndHeaders(
                "GET / HTTP/1.1", [("User-Agent", "test")], is_http_request=True
            ),
        )
        self.writer.write_record(record)

    def revisit(self, url: str) -> None:
        record = self.writer.create_revisit_record(
            url,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=url,
            refers_to_date=DATE,
            http_headers=StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            ),
        )
        self.writer.write_record(record)

    def metadata(self, url: str, text: str) -> None:
        record = self.writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(data := text.encode("utf-8")),
            length=len(data),
            warc_content_type="application/warc-fields",
        )
        self.writer.write_record(record)


def replica_pages(replica: Path) -> dict[str, bytes]:
    """URL → bytes of the replica's article pages: the first URL its URLMAP gives each
    article-<id>.html (the others are variants: tracking parameters)."""
    pages: dict[str, bytes] = {}
    seen: set[str] = set()
    for line in (replica / "URLMAP.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        url, name, *_ = line.split("\t")
        if re.fullmatch(r"article-\d+\.html", name) and name not in seen:
            seen.add(name)
            pages[url] = (replica / name).read_bytes()
    return pages


def import_warc(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """The real `khabar import-warc` in a subprocess (it runs a Scrapy crawl, whose reactor
    cannot be started twice in one process)."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "import-warc", "--db", str(db), *args],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
