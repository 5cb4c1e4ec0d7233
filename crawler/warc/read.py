"""Read the response records of WARC files written by others: CC-NEWS, Browsertrix, Heritrix,
wget --warc-file, and khabar's own export.

Records are read with FastWARC (bench/warc.py: faster than warcio). Both libraries read a
truncated file without a word: the last record comes out short, or whole though its gzip member
was cut, or not at all. So a block shorter than its Content-Length is a DamagedRecord, and
after the reader's last record the rest of a gzip file is framed here with zlib, member by
member: anything but that record's complete member is a DamagedRecord naming its offset. What
was read before it stands.

A response record becomes a WarcResponse: URL, capture time, status, the HTTP headers as
recorded and the payload with its Transfer-Encoding undone (its Content-Encoding is left for
Scrapy's HttpCompressionMiddleware, as on a crawl). A metadata record that refers to it and
carries khabar's fields (crawler.warc.export) adds the feed/sitemap hints extraction used.
Every other record is counted by why it was passed over.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from fastwarc.stream_io import ChunkedReader
from fastwarc.warc import ArchiveIterator, HeaderMap, WarcRecord

from crawler.warc.export import META_HINTS

GZIP_MAGIC = b"\x1f\x8b"
READ_CHUNK = 64 << 10  # small: zlib copies what follows a member into unused_data
HEAD_BYTES = 1 << 14  # of a gzip member, kept to name its record if it turns out cut
HTML_TYPES = ("text/html", "application/xhtml+xml")


class DamagedRecord(Exception):
    """A record that cannot be read whole; str() is the one line a user sees."""

    def __init__(self, path: Path, offset: int, why: str, record: str = "") -> None:
        self.path, self.offset, self.why, self.record = path, offset, why, record
        named = f" ({record})" if record else ""
        super().__init__(f"{path}: damaged WARC record at offset {offset}{named}: {why}")


@dataclass(frozen=True)
class WarcResponse:
    """One HTTP response as a WARC file recorded it."""

    path: Path
    offset: int
    record_id: str
    url: str
    fetched_at: str  # ISO-8601, UTC
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    hints: dict[str, str] = field(default_factory=dict)


@dataclass
class _Raw:
    """A record's WARC headers and block, as framed from the file."""

    offset: int
    headers: dict[str, str]
    block: bytes

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "")

    @property
    def name(self) -> str:
        """How a message names the record: its id and URI, as far as they are known."""
        return ", ".join(
            v
            for v in (self.headers.get("warc-record-id"), self.headers.get("warc-target-uri"))
            if v
        )


def _members(fh: BinaryIO, path: Path) -> Iterator[tuple[int, bytes]]:
    """(offset, first inflated bytes) of each gzip member of the file, from where it stands;
    only the head of each is kept (it names the record), so a large member costs no memory."""
    offset = fh.tell()
    inflate = zlib.decompressobj(31)
    head = b""
    data = fh.read(READ_CHUNK)
    while data:
        try:
            out = inflate.decompress(data)
        except zlib.error as exc:
            raise DamagedRecord(path, offset, f"not valid gzip ({exc})") from None
        if len(head) < HEAD_BYTES:
            head += out[: HEAD_BYTES - len(head)]
        if inflate.eof:
            rest = inflate.unused_data
            member_end = fh.tell() - len(rest)
            yield offset, head
            offset, head = member_end, b""
            inflate = zlib.decompressobj(31)
            data = rest or fh.read(READ_CHUNK)
            continue
        data = fh.read(READ_CHUNK)
    if offset < fh.tell():  # the file ended before this member did
        raise DamagedRecord(
            path, offset, "the file ends inside this record (truncated)", _partial_name(head)
        )


def _partial_name(head: bytes) -> str:
    """The id and URI a truncated record's WARC headers give, as far as they were read."""
    fields = {}
    for line in head.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.decode("utf-8", "replace").partition(":")
        fields[name.strip().lower()] = value.strip()
    return _Raw(0, fields, b"").name


def _checked(record: WarcRecord, offset: int, path: Path) -> _Raw:
    headers = {k.lower(): v for k, v in record.headers.to_tuples()}
    block = record.reader.read()
    raw = _Raw(offset, headers, block)
    declared = headers.get("content-length", "")
    if not declared.isdigit() or int(declared) != len(block):
        raise DamagedRecord(
            path,
            offset,
            f"its block is {len(block)} bytes, its Content-Length says {declared or 'nothing'}"
            " (truncated)",
            raw.name,
        )
    return raw


def _check_tail(path: Path, start: int) -> None:
    """Frame the gzip members from `start` (the last record the reader gave) to the end of the
    file: exactly that record's member may be there. FastWARC ends a truncated file without a
    word, or gives its last record whole though its member was cut; this says which."""
    with path.open("rb") as fh:
        fh.seek(start)
        for index, (offset, _) in enumerate(_members(fh, path)):
            if index:
                raise DamagedRecord(path, offset, "a record the WARC reader could not parse")


def raw_records(path: Path) -> Iterator[_Raw]:
    """Every record of a WARC file (gzip per record, or uncompressed), in file order; raises
    DamagedRecord at the first one that cannot be read whole, after yielding those before it.

    Each record is held until the next one is read (or the end of the file checked), so one
    whose gzip member turns out cut is never yielded."""
    with path.open("rb") as fh:
        gzipped = fh.read(2) == GZIP_MAGIC
    previous: _Raw | None = None
    failure: OSError | DamagedRecord | None = None
    try:
        for record in ArchiveIterator(str(path), parse_http=False):
            raw = _checked(record, record.stream_pos, path)
            if previous is not None:
                yield previous
            previous = raw
    except (OSError, DamagedRecord) as exc:  # a header FastWARC cannot parse, a short block
        failure = exc
    if gzipped:  # the framing tells a cut member from the rest, and names it better
        try:
            _check_tail(path, previous.offset if previous is not None else 0)
        except DamagedRecord as damage:
            if previous is not None and damage.offset > previous.offset:
                yield previous
            raise
    if previous is not None:
        yield previous
    if isinstance(failure, DamagedRecord):
        raise failure
    if failure is not None:
        offset = _end_of(path, previous) if previous is not None else 0
        raise DamagedRecord(path, offset, f"its WARC header cannot be read ({failure})")


def _end_of(path: Path, raw: _Raw) -> int:
    """Where the record after `raw` starts in an uncompressed file: its header, its block and
    the two CRLFs that close it."""
    with path.open("rb") as fh:
        fh.seek(raw.offset)
        header_end = fh.read(1 << 16).find(b"\r\n\r\n")
    return raw.offset + header_end + 4 + len(raw.block) + 4


def capture_time(value: str) -> str:
    """WARC-Date as khabar stores fetch times (ISO-8601 UTC, seconds); '' if unreadable."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")


def _response(raw: _Raw, path: Path) -> WarcResponse | str:
    """The WarcResponse of a response record, or why it is passed over."""
    if raw.headers.get("warc-truncated"):
        return "truncated_by_crawler"
    http = HeaderMap()
    try:
        consumed = http.parse(io.BytesIO(raw.block), has_status_line=True)
    except OSError:
        return "not_http"
    status = http.status_code
    if status is None:
        return "not_http"
    if status != 200:
        return f"http_{status}"
    headers = list(http.to_tuples())
    ctype = (http.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        return "not_html"
    body = raw.block[consumed:]
    if "chunked" in (http.get("Transfer-Encoding") or "").lower():
        try:
            body = ChunkedReader(io.BytesIO(body)).read()
        except OSError:
            return "bad_chunked_encoding"
    return WarcResponse(
        path=path,
        offset=raw.offset,
        record_id=raw.headers.get("warc-record-id", ""),
        url=raw.headers.get("warc-target-uri", "").strip().strip("<>"),
        fetched_at=capture_time(raw.headers.get("warc-date", "")),
        status=status,
        headers=headers,
        body=body,
    )


def _khabar_hints(raw: _Raw) -> dict[str, str] | None:
    """The hints of a khabar metadata record (application/warc-fields), None if it has none."""
    for line in raw.block.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == META_HINTS:
            try:
                hints = json.loads(value)
            except ValueError:
                return None
            return {str(k): str(v) for k, v in hints.items()} if isinstance(hints, dict) else None
    return None


def responses(
    path: Path, keep: Callable[[str], bool], skipped: Counter[str]
) -> Iterator[WarcResponse]:
    """The response records of `path` whose URL `keep` accepts, with khabar's hints when the
    file carries them; every other record counted in `skipped` by reason. Raises
    DamagedRecord at the first damaged record, after yielding everything before it."""
    pending: WarcResponse | None = None
    records = raw_records(path)
    try:
        for raw in records:
            kind = raw.type
            if kind == "metadata" and pending is not None:
                if raw.headers.get("warc-refers-to") == pending.record_id:
                    hints = _khabar_hints(raw)
                    if hints is not None:
                        pending = dataclasses.replace(pending, hints=hints)
                continue
            if kind in ("request", "metadata", "warcinfo"):
                skipped[kind] += 1
                continue
            if pending is not None:
                yield pending
                pending = None
            if kind != "response":
                skipped[kind or "untyped"] += 1
                continue
            url = raw.headers.get("warc-target-uri", "").strip().strip("<>")
            if not keep(url):
                skipped["other_site"] += 1
                continue
            outcome = _response(raw, path)
            if isinstance(outcome, str):
                skipped[outcome] += 1
            else:
                pending = outcome
    except DamagedRecord:
        if pending is not None:
            yield pending
        raise
    if pending is not None:
        yield pending
