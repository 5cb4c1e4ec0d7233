"""A Scrapy spider loader that makes one spider per site in config.yaml.

Sites are data: `scrapy list` prints every configured site and `scrapy crawl <site>` runs the
generic NewsSpider bound to that site's configuration. No per-site class is written unless a
site needs a hook that data cannot express (see `spiders.hooks`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Self

from crawler.config import ConfigError, KhabarConfig, load_config
from spiders.news import NewsSpider, spider_class_for

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings


class ConfigSpiderLoader:
    """Implements Scrapy's SpiderLoaderProtocol over config.yaml."""

    def __init__(self, config: KhabarConfig) -> None:
        self.config = config
        self._spiders: dict[str, type[NewsSpider]] = {
            name: spider_class_for(site) for name, site in config.sites.items()
        }

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        try:
            return cls(load_config(settings.get("KHABAR_CONFIG") or None))
        except ConfigError as exc:
            # One line, no traceback: the user fixes the file and runs again.
            sys.exit(f"khabar: config error: {exc}")

    def load(self, spider_name: str) -> type[NewsSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self._spiders.items() if cls.site.owns_url(request.url)]
