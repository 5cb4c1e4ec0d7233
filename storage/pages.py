"""Raw pages, compressed with zstd and a dictionary trained on the site's own pages.

Most of a news page is the site's chrome (scripts, menus, sidebars, footer), the same on every
article; zlib sees one page at a time and keeps paying for it (~20-35 KB an article). Once a site
has TRAIN_AFTER pages stored, a zstd dictionary is trained on them and kept in `page_dicts`;
later pages of the site are compressed against it (bench/compare.py prints the sizes). Level 3
is several times faster than zlib level 6.

Reading never depends on how a row was written: `html_zstd` (+ `zstd_dict`) when set, else the
`html_zlib` of rows written before, so `khabar reextract` covers the whole archive.

Beside the bytes, a page keeps its HTTP exchange (response and request headers as received,
since m011) so `khabar export-warc` writes the original response; `archived_pages` reads pages
back with what an export needs.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import zstandard
from sqlite_utils import Database

__all__ = [
    "DICT_SIZE",
    "LEVEL",
    "TRAIN_AFTER",
    "ArchivedPage",
    "PageArchive",
    "UnreadablePage",
    "add_header_columns",
    "archived_pages",
    "count_archived",
    "create_tables",
    "headers_json",
]

logger = logging.getLogger(__name__)

LEVEL = 3
TRAIN_AFTER = 200  # pages of a site stored before its dictionary is trained on them
DICT_SIZE = 512 * 1024  # room for a site with several page layouts
# Training runs in the crawl process and its memory grows with the samples (~1.2x their size on
# top of them): the newest pages up to this budget, not all TRAIN_AFTER of a heavy site.
TRAIN_BYTES = 8 * 1024 * 1024
# fastcover with fixed parameters. zstd's default searches dozens of (k, d) pairs: on 200 news
# pages that cost 6x the CPU (1.3 s on the reactor thread) and 10 MB more, for a dictionary that
# compressed them worse (13 KB a page against 9.6 KB on the corpus pages, level 3).
COVER_PARAMS = {"k": 2048, "d": 8, "f": 16, "accel": 4}


def create_tables(db: Database) -> None:
    """Columns and table for zstd pages (a migration calls this); old rows keep html_zlib."""
    db["page_dicts"].create(
        {"id": int, "site": str, "trained_at": str, "samples": int, "dictionary": bytes},
        pk="id",
        not_null={"site", "dictionary"},
    )
    db["page_dicts"].create_index(["site"])
    db["pages"].add_column("html_zstd", bytes)
    db["pages"].add_column("zstd_dict", int)


def add_header_columns(db: Database) -> None:
    """The HTTP exchange of each page (a migration calls this); rows kept before stay NULL."""
    db["pages"].add_column("response_headers", str)
    db["pages"].add_column("request_headers", str)


def headers_json(pairs: list[list[str]] | None) -> str | None:
    """The column value of [name, value] header pairs: JSON text, None when none were kept."""
    return json.dumps(pairs, ensure_ascii=False) if pairs else None


class UnreadablePage(ValueError):
    """A stored page that does not decompress (a damaged blob, a missing dictionary); str() says
    which codec failed and how."""


class PageArchive:
    """Compress pages for the `pages` table and read them back, whatever their codec."""

    def __init__(self, db: Database, level: int = LEVEL, train_after: int = TRAIN_AFTER) -> None:
        self.db = db
        self.level = level
        self.train_after = train_after
        self._site_dict: dict[str, int | None] = {}  # site → its dictionary id (None: none yet)
        self._untrained: dict[str, int] = {}  # site → pages stored without a dictionary
        self._compressors: dict[int | None, zstandard.ZstdCompressor] = {}
        self._decompressors: dict[int | None, zstandard.ZstdDecompressor] = {}

    def columns(self, site: str, html: bytes) -> dict[str, Any]:
        """The `pages` columns holding `html`, compressed with the site's dictionary if any."""
        dict_id = self._dictionary_for(site)
        if dict_id not in self._compressors:
            self._compressors[dict_id] = zstandard.ZstdCompressor(
                level=self.level, dict_data=self._dictionary(dict_id)
            )
        blob = self._compressors[dict_id].compress(html)
        return {"html_zlib": None, "html_zstd": blob, "zstd_dict": dict_id}

    def read(
        self, html_zlib: bytes | None, html_zstd: bytes | None, zstd_dict: int | None
    ) -> bytes:
        """The page bytes of a `pages` row, from whichever column and codec wrote it; raises
        UnreadablePage when they cannot be had back (one damaged row, not the whole archive)."""
        if html_zstd is None:
            try:
                return zlib.decompress(html_zlib or b"")
            except zlib.error as exc:
                raise UnreadablePage(f"zlib: {exc}") from None
        try:
            if zstd_dict not in self._decompressors:
                self._decompressors[zstd_dict] = zstandard.ZstdDecompressor(
                    dict_data=self._dictionary(zstd_dict)
                )
            return self._decompressors[zstd_dict].decompress(html_zstd)
        except zstandard.ZstdError as exc:
            raise UnreadablePage(f"zstd: {exc}") from None

    def _dictionary(self, dict_id: int | None) -> zstandard.ZstdCompressionDict | None:
        if dict_id is None:
            return None
        row = self.db.execute(
            "SELECT dictionary FROM page_dicts WHERE id = ?", [dict_id]
        ).fetchone()
        if row is None:
            raise UnreadablePage(f"zstd: dictionary {dict_id} is missing")
        return zstandard.ZstdCompressionDict(row[0])

    def _dictionary_for(self, site: str) -> int | None:
        if site not in self._site_dict:
            row = self.db.execute(
                "SELECT id FROM page_dicts WHERE site = ? ORDER BY id DESC LIMIT 1", [site]
            ).fetchone()
            self._site_dict[site] = row[0] if row else None
            if row is None:
                self._untrained[site] = self._stored_count(site)
        if self._site_dict[site] is None:
            self._untrained[site] += 1
            if self._untrained[site] > self.train_after:
                self._site_dict[site] = self.train(site)
                self._untrained[site] = 0
        return self._site_dict[site]

    def _stored_count(self, site: str) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM pages p JOIN articles a ON a.id = p.article_id "
            "WHERE a.site = ? LIMIT ?)",
            [site, self.train_after],
        ).fetchone()[0]

    def train(self, site: str) -> int | None:
        """Train and store a dictionary on the site's latest pages; its id, or None if zstd
        finds too little in common to build one (the pages stay plain zstd)."""
        rows = self.db.execute(
            "SELECT p.html_zlib, p.html_zstd, p.zstd_dict FROM pages p "
            "JOIN articles a ON a.id = p.article_id WHERE a.site = ? "
            "ORDER BY p.article_id DESC LIMIT ?",
            [site, self.train_after],
        )
        samples: list[bytes] = []
        budget = TRAIN_BYTES
        for row in rows:
            try:
                page = self.read(*row)
            except UnreadablePage:  # a damaged row is no sample; the rest still are
                continue
            if len(page) > budget and samples:
                break
            samples.append(page)
            budget -= len(page)
        rows.close()
        try:
            # zstd wants ~20-100x the dictionary's size in samples.
            size = min(DICT_SIZE, sum(map(len, samples)) // 20)
            trained = zstandard.train_dictionary(size, samples, level=self.level, **COVER_PARAMS)
        except zstandard.ZstdError as exc:
            logger.info("No page dictionary for %s: %s", site, exc)
            return None
        dict_id = int(
            self.db["page_dicts"]
            .insert(
                {
                    "site": site,
                    "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "samples": len(samples),
                    "dictionary": trained.as_bytes(),
                }
            )
            .last_pk
        )
        logger.info("Trained a %d KB page dictionary for %s", len(trained) // 1024, site)
        return dict_id


@dataclass(frozen=True)
class ArchivedPage:
    """A kept page with its article's keys and HTTP exchange: what a WARC export writes. The
    header lists are empty for pages kept before m011; `unreadable` says why `html` is empty."""

    article_id: int
    site: str
    url: str
    canonical_url: str
    found_via: str | None
    fetched_at: str | None
    http_status: int | None
    http_encoding: str | None
    hints: dict[str, str]
    response_headers: list[list[str]]
    request_headers: list[list[str]]
    html: bytes
    unreadable: str | None = None


def _archived_where(site: str | None, since: str | None) -> tuple[str, list[Any]]:
    where, params = [], []
    if site:
        where.append("a.site = ?")
        params.append(site)
    if since:
        where.append("julianday(p.fetched_at) >= julianday(?)")
        params.append(since)
    return "".join(f" AND {w}" for w in where), params


def count_archived(db: Database, site: str | None = None, since: str | None = None) -> int:
    """How many pages `archived_pages` yields for the same arguments."""
    where, params = _archived_where(site, since)
    return int(
        db.execute(
            f"SELECT COUNT(*) FROM pages p JOIN articles a ON a.id = p.article_id WHERE 1{where}",
            params,
        ).fetchone()[0]
    )


def archived_pages(
    archive: PageArchive,
    site: str | None = None,
    since: str | None = None,
    page_size: int = 200,
) -> Iterator[ArchivedPage]:
    """Every kept page (of one site, fetched at or after `since`), by article id, `page_size`
    rows at a time: the archive is never in memory at once and no cursor stays open between.
    A file no writer has migrated to m011 yet reads as pages without headers."""
    where, params = _archived_where(site, since)
    columns = {c.name for c in archive.db["pages"].columns}
    headers = ", ".join(
        f"p.{name}" if name in columns else "NULL"
        for name in ("response_headers", "request_headers")
    )
    sql = (
        "SELECT a.id, a.site, p.url, a.canonical_url, a.found_via, p.fetched_at, p.http_status, "
        f"p.http_encoding, p.hints, {headers}, p.html_zlib, p.html_zstd, p.zstd_dict "
        f"FROM pages p JOIN articles a ON a.id = p.article_id WHERE a.id > ?{where} "
        "ORDER BY a.id LIMIT ?"
    )
    last = 0
    while True:
        rows = archive.db.execute(sql, [last, *params, page_size]).fetchall()
        for row in rows:
            try:
                html, unreadable = archive.read(*row[11:]), None
            except UnreadablePage as exc:
                html, unreadable = b"", str(exc)
            yield ArchivedPage(
                *row[:8],
                hints=json.loads(row[8] or "{}"),
                response_headers=json.loads(row[9] or "[]"),
                request_headers=json.loads(row[10] or "[]"),
                html=html,
                unreadable=unreadable,
            )
        if len(rows) < page_size:
            return
        last = rows[-1][0]
