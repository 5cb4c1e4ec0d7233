"""The worker's last pipeline step: hand articles and gone marks to the writer's queue.

Replaces deduplicate + store in distributed mode: both need the archive, which lives with the
one writer (`khabar writer`). The raw page travels only when KHABAR_KEEP_RAW is on.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Self

from crawler.distributed import keys
from crawler.record import ArticleItem, GoneArticle, to_wire

if TYPE_CHECKING:
    import redis
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class PushToWriterPipeline:
    def __init__(self, server: redis.Redis, stats: StatsCollector, keep_raw: bool) -> None:
        self.server = server
        self.stats = stats
        self.keep_raw = keep_raw

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        assert crawler.stats is not None
        return cls(keys.connect(keys.redis_url(s)), crawler.stats, s.getbool("KHABAR_KEEP_RAW"))

    def process_item(self, item: ArticleItem | GoneArticle) -> ArticleItem | GoneArticle:
        wire = item
        if isinstance(item, ArticleItem) and not self.keep_raw:
            wire = dataclasses.replace(item, html=b"")
        self.server.lpush(keys.ITEMS, json.dumps(to_wire(wire), ensure_ascii=False))
        self.stats.inc_value("khabar/distributed/pushed")
        return item
