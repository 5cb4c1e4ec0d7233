"""The khabar add-on resolves the database path once per run and owns the one store that the
pipelines, the crawl recorder and the known-article lookups share."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.addons import database_of, store_of
from crawler.config import load_config
from crawler.extensions.crawlrecord import CrawlRunRecorder
from pipelines.deduplicate import DeduplicatePipeline
from pipelines.store import StorePipeline
from storage.known import SqliteKnownArticles
from tests.conftest import PROJECT_ROOT

ADDON = {"ADDONS": {"crawler.addons.KhabarDatabase": 0}}


class NewsSpider(Spider):
    name = "news"


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KHABAR_DB", raising=False)
    monkeypatch.setenv("KHABAR_CONFIG", str(PROJECT_ROOT / "config.yaml"))


def test_a_khabar_db_setting_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHABAR_DB", str(tmp_path / "env.sqlite"))
    crawler = get_crawler(NewsSpider, {**ADDON, "KHABAR_DB": str(tmp_path / "set.sqlite")})
    assert database_of(crawler) == tmp_path / "set.sqlite"
    assert crawler.settings["KHABAR_DB"] == str(tmp_path / "set.sqlite")


def test_the_environment_comes_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHABAR_DB", str(tmp_path / "env.sqlite"))
    crawler = get_crawler(NewsSpider, ADDON)
    assert crawler.settings["KHABAR_DB"] == str(tmp_path / "env.sqlite")


def test_then_the_config_files_database() -> None:
    crawler = get_crawler(NewsSpider, {**ADDON, "KHABAR_DB": ""})
    assert database_of(crawler) == load_config().database
    assert crawler.settings["KHABAR_DB"] == str(load_config().database)


def test_one_store_shared_opened_on_first_use_closed_when_the_engine_stops(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sub" / "k.sqlite"
    crawler = get_crawler(NewsSpider, {**ADDON, "KHABAR_DB": str(db)})
    recorder = CrawlRunRecorder.from_crawler(crawler)
    assert not db.exists()  # nothing opened the file yet
    store = store_of(crawler)
    assert db.exists()
    assert DeduplicatePipeline.from_crawler(crawler).store is store
    assert StorePipeline.from_crawler(crawler).store is store
    assert SqliteKnownArticles.from_crawler(crawler).db is store.db
    assert recorder.store() is store
    crawler.signals.send_catch_log(signals.engine_stopped)
    with pytest.raises(sqlite3.ProgrammingError):
        store.db.execute("SELECT 1")


def test_without_the_add_on_components_say_so(tmp_path: Path) -> None:
    crawler = get_crawler(NewsSpider, {"KHABAR_DB": str(tmp_path / "k.sqlite")})
    with pytest.raises(NotConfigured, match="add-on"):
        store_of(crawler)
