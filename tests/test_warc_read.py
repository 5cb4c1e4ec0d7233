"""crawler.warc.read: every record of a WARC whole or not at all, and a damaged one named."""

from __future__ import annotations

import gzip as gzip_module
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.warc.read import DamagedRecord, responses
from tests.support.warcs import WarcBuilder

PAGE = ("<html><body><p>" + "خبر عاجل من دمشق " * 40 + "</p></body></html>").encode()
URLS = [f"https://alwatan.sy/archives/{n}" for n in (1, 2, 3)]


def write(path: Path, gzip: bool = True) -> dict[str, int]:
    with path.open("wb") as fh:
        warc = WarcBuilder(fh, gzip=gzip)
        warc.response(URLS[0], PAGE)
        warc.response(URLS[1], PAGE, transfer="chunked", with_request=False)
        warc.revisit(URLS[0])
        warc.response(URLS[2], PAGE, with_request=False)
        return warc.offsets


def read(path: Path) -> tuple[list[tuple[str, bytes]], Counter[str]]:
    skipped: Counter[str] = Counter()
    return [(r.url, r.body) for r in responses(path, lambda url: True, skipped)], skipped


@pytest.mark.parametrize("gzip", [True, False])
def test_responses_are_read_whole_and_the_rest_counted(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("t.warc.gz" if gzip else "t.warc")
    write(path, gzip)
    got, skipped = read(path)
    assert got == [(url, PAGE) for url in URLS]  # the chunked one dechunked
    assert skipped == {"warcinfo": 1, "request": 1, "revisit": 1}


@pytest.mark.parametrize("gzip", [True, False])
def test_a_file_cut_anywhere_yields_only_whole_records_and_names_the_cut_one(
    tmp_path: Path, gzip: bool
) -> None:
    whole = tmp_path / "whole.warc.gz"
    offsets = write(whole, gzip)
    data = whole.read_bytes()
    with whole.open("rb") as fh:  # where each record starts: a cut there leaves a sound file
        records = ArchiveIterator(fh)
        boundaries = {records.get_record_offset() for _ in records} | {len(data)}
    cut = tmp_path / "cut.warc.gz"
    for end in sorted({*range(1, len(data), 7), *boundaries} - {0}):
        cut.write_bytes(data[:end])
        before = [url for url, at in offsets.items() if at < end]
        got: list[tuple[str, bytes]] = []
        try:
            for record in responses(cut, lambda url: True, Counter()):
                got.append((record.url, record.body))
        except DamagedRecord as exc:
            assert exc.offset < end and str(exc).startswith(f"{cut}: damaged WARC record")
            # Every record before the damaged one, and none of it.
            assert got == [(url, PAGE) for url in before if offsets[url] < exc.offset]
        else:
            # Uncompressed, a cut in the CRLFs that close a record loses nothing.
            assert end in boundaries or (
                not gzip and min(b - end for b in boundaries if b > end) <= 4
            )
            assert got == [(url, PAGE) for url in before]


def test_warc_1_0_and_a_file_gzipped_whole_are_read(tmp_path: Path) -> None:
    plain = tmp_path / "t.warc"
    with plain.open("wb") as fh:
        warc = WarcBuilder(fh, gzip=False, version="WARC/1.0")
        for url in URLS:
            warc.response(url, PAGE, with_request=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip_module.compress(plain.read_bytes()))
    for path in (plain, whole):
        assert read(path)[0] == [(url, PAGE) for url in URLS]
