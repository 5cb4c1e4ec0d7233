"""KnownArticles over the local SQLite file: one indexed lookup per URL.

The archive grows to millions of articles, so nothing here loads the table: each question is
answered from the unique index on canonical_url.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from crawler.addons import store_of
from crawler.known import KnownArticle, KnownArticles
from storage.store import parse_time

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlite_utils import Database


class SqliteKnownArticles(KnownArticles):
    def __init__(self, db: Database, site: str) -> None:
        self.db = db
        self.site = site

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(store_of(crawler).db, crawler.spidercls.name)

    def get(self, canonical_url: str) -> KnownArticle | None:
        row = self.db.execute(
            "SELECT modified_at, source_lastmod, published_at FROM articles "
            "WHERE canonical_url = ? AND site = ?",
            [canonical_url, self.site],
        ).fetchone()
        if row is None:
            return None
        dates = [d for d in map(parse_time, row) if d is not None]
        return KnownArticle(canonical_url, max(dates) if dates else None)
