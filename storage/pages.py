"""Raw pages, compressed with zstd and a dictionary trained on the site's own pages.

Most of a news page is the site's chrome (scripts, menus, sidebars, footer), the same on every
article; zlib sees one page at a time and keeps paying for it (~20-35 KB an article). Once a site
has TRAIN_AFTER pages stored, a zstd dictionary is trained on them and kept in `page_dicts`;
later pages of the site are compressed against it (bench/compare.py prints the sizes). Level 3
is several times faster than zlib level 6.

Reading never depends on how a row was written: `html_zstd` (+ `zstd_dict`) when set, else the
`html_zlib` of rows written before, so `khabar reextract` covers the whole archive.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from typing import Any

import zstandard
from sqlite_utils import Database

__all__ = ["DICT_SIZE", "LEVEL", "TRAIN_AFTER", "PageArchive", "UnreadablePage", "create_tables"]

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
            trained = zstandard.train_dictionary(
                size, samples, level=self.level, **COVER_PARAMS
            )
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
