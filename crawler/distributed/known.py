"""KnownArticles over Redis, for workers that have no SQLite file: one HGET per URL.

The hash `khabar:known:<site>` maps canonical URL → the newest date stored for the article
(ISO-8601, '' when it has none). `khabar writer` fills it from the database when it starts and
after every commit, so it says what the database says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from crawler.distributed import keys
from crawler.known import KnownArticle, KnownArticles
from storage.store import parse_time

if TYPE_CHECKING:
    import redis
    from scrapy.crawler import Crawler


class RedisKnownArticles(KnownArticles):
    def __init__(self, server: redis.Redis, site: str) -> None:
        self.server = server
        self.key = keys.known_key(site)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(keys.connect(keys.redis_url(crawler.settings)), crawler.spidercls.name)

    def get(self, canonical_url: str) -> KnownArticle | None:
        value = self.server.hget(self.key, canonical_url)
        if value is None:
            return None
        return KnownArticle(canonical_url, parse_time(value.decode()))

    def close(self) -> None:
        self.server.close()
