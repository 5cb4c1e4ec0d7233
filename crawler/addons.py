"""The khabar add-on: the database path resolved once, and the one store of the process.

Before, half a dozen components each looked the path up and opened their own connection. Now
`update_settings` fixes KHABAR_DB for the whole run (from `-s KHABAR_DB`, the KHABAR_DB
environment variable or config.yaml's `database`), and every pipeline, extension and lookup of
a crawl gets the same ArticleStore from `store_of(crawler)`. The store is opened on first use,
so a process that never needs the file (a crawl worker feeding a remote writer) never creates
it, and closed when the engine stops.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from storage.paths import database_path
from storage.store import ArticleStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings


class KhabarDatabase:
    """Scrapy add-on (ADDONS) that owns the run's database path and ArticleStore."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._store: ArticleStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        addon = cls(crawler)
        # engine_stopped comes after spider_closed: every user of the store is done by then.
        crawler.signals.connect(addon.close, signal=signals.engine_stopped)
        return addon

    def update_settings(self, settings: Settings) -> None:
        # Re-set at the priority the value already has (-s, project or none), so the resolved
        # path replaces an empty default without outranking anything.
        priority = settings.getpriority("KHABAR_DB")
        settings.set(
            "KHABAR_DB",
            str(database_path(settings)),
            priority="addon" if priority is None else priority,
        )

    @property
    def path(self) -> Path:
        return Path(self.crawler.settings["KHABAR_DB"])

    @property
    def store(self) -> ArticleStore:
        if self._store is None:
            self._store = ArticleStore(self.path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _addon(crawler: Crawler) -> KhabarDatabase:
    addon = crawler.get_addon(KhabarDatabase)
    if addon is None:
        raise NotConfigured("the khabar add-on (crawler.addons.KhabarDatabase) is not enabled")
    return addon


def store_of(crawler: Crawler) -> ArticleStore:
    """The one ArticleStore of this crawl's process."""
    return _addon(crawler).store


def database_of(crawler: Crawler) -> Path:
    """The database file of this crawl, as resolved once by the add-on."""
    return _addon(crawler).path
