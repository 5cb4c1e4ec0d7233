"""A Scrapy spider loader that makes one spider per site in config.yaml.

Sites are data: `scrapy list` prints every configured site and `scrapy crawl <site>` runs the
generic NewsSpider bound to that site's configuration. No per-site class is written unless a
site needs a hook that data cannot express (see `spiders.hooks`).
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import UsageError

from crawler.config import ConfigError, KhabarConfig, load_config
from crawler.setting_rules import SettingError, check_settings
from spiders.news import NewsSpider, spider_class_for
from storage.paths import DatabasePathError, check_database_target, database_path

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings


class UnknownSpiderError(KeyError, UsageError):
    """`scrapy crawl nosuch`: a KeyError for the loader protocol, a UsageError so Scrapy's
    command line prints one usage line and exits 2 instead of a traceback."""

    def __str__(self) -> str:
        return str(self.args[0])


def _silence_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _flush_or_silence() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def guard_broken_pipe() -> None:
    """`scrapy list | head -1`: when the reader leaves, end without a BrokenPipeError
    traceback (from the command's print, or from the interpreter's final flush)."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if issubclass(exc_type, BrokenPipeError):
            _silence_stdout()
            return
        previous(exc_type, exc, tb)

    sys.excepthook = hook
    atexit.register(_flush_or_silence)


class ConfigSpiderLoader:
    """Implements Scrapy's SpiderLoaderProtocol over config.yaml."""

    def __init__(self, config: KhabarConfig) -> None:
        self.config = config
        self._spiders: dict[str, type[NewsSpider]] = {
            name: spider_class_for(site) for name, site in config.sites.items()
        }

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        """The loader of every Scrapy command: the place to refuse a bad config or database
        path with one line before anything starts."""
        guard_broken_pipe()
        try:
            check_settings(settings)
            loader = cls(load_config(settings.get("KHABAR_CONFIG") or None))
            check_database_target(database_path(settings))
        except SettingError as exc:
            sys.exit(f"khabar: bad setting: {exc}")
        except ConfigError as exc:
            # One line, no traceback: the user fixes the file and runs again.
            sys.exit(f"khabar: config error: {exc}")
        except DatabasePathError as exc:
            sys.exit(f"khabar: {exc}")
        return loader

    def load(self, spider_name: str) -> type[NewsSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise UnknownSpiderError(
                f"unknown spider {spider_name!r} (known: {', '.join(self.list())})"
            ) from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, cls in self._spiders.items() if cls.site.owns_url(request.url)]
