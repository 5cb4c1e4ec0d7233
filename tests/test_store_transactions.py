"""Every write of the store is one transaction: a batch that fails midway leaves nothing of
itself (article, raw page, search entry, signature, revision), and the one store a crawl
shares between its reactor and writer threads runs one transaction at a time."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler.fingerprint import NearDupIndex, minhash
from crawler.record import ArticleItem, GoneArticle
from pipelines.store import StorePipeline, store_record
from storage.store import ArticleStore

TABLES = ("articles", "pages", "articles_fts", "article_minhash", "article_revisions")


def record(n: int, body: str = "نص الخبر") -> dict:
    item = ArticleItem(
        url=f"https://news.example/{n}",
        site="news",
        found_via="feed",
        html=b"<html>page</html>",
        canonical_url=f"https://news.example/{n}",
        title=f"خبر {n}",
        body=f"{body} {n}",
        content_hash=f"{body}-{n}",
        minhash=NearDupIndex.signature_to_bytes(minhash(body)),
        near_duplicates=["https://news.example/0"],
    )
    return store_record(item, keep_raw=True)


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


class DiskFull(Exception):
    pass


def test_a_batch_failing_midway_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "k.sqlite"
    store = ArticleStore(db)
    try:
        store.write_articles([record(0)], crawl_id=None)
        before = counts(db)
        calls = 0

        def group_then_fail(self: ArticleStore, article_id: int, similar: list[str]) -> None:
            # The last step of an article's write: its row, page, search entry and signature
            # are written by now (and, for article 0, a revision of its previous text).
            nonlocal calls
            calls += 1
            if calls == 3:
                raise DiskFull

        monkeypatch.setattr(ArticleStore, "_group", group_then_fail)
        with pytest.raises(DiskFull):
            store.write_articles([record(1), record(0, "نص جديد"), record(2)], crawl_id=None)
        assert counts(db) == before
        monkeypatch.undo()
        # The store is usable again: the failure released both of its locks.
        assert store.write_articles([record(3)], crawl_id=None).new == 1
    finally:
        store.close()
    after = counts(db)
    assert after["articles"] == after["articles_fts"] == after["pages"] == 2


def test_threads_sharing_the_store_write_one_transaction_at_a_time(tmp_path: Path) -> None:
    store = ArticleStore(tmp_path / "k.sqlite")
    errors: list[BaseException] = []

    def articles(offset: int) -> None:
        try:
            for n in range(offset, offset + 60, 3):
                store.write_articles([record(n), record(n + 1), record(n + 2)], crawl_id=None)
        except BaseException as exc:
            errors.append(exc)

    def runs() -> None:
        try:
            for _ in range(40):
                crawl_id = store.start_crawl("news")
                store.update_crawl(crawl_id, {"status": "ok"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=articles, args=(1000 * i,)) for i in range(1, 3)]
    threads.append(threading.Thread(target=runs))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 120
        assert store.db.execute("SELECT COUNT(*) FROM crawls").fetchone()[0] == 40
    finally:
        store.close()


def test_gone_items_reach_the_store_with_the_batch(tmp_path: Path) -> None:
    """The spider never writes: a known article answering 404/410 is a GoneArticle item, which
    the store pipeline writes in its batch's transaction (the article is kept, marked)."""
    db = tmp_path / "k.sqlite"
    store = ArticleStore(db)
    store.write_articles([record(1), record(2)], crawl_id=None)
    pipeline = StorePipeline(store, get_crawler().stats, batch_size=10, interval=60, keep_raw=True)

    async def crawl() -> None:
        await pipeline.process_item(GoneArticle("news", "https://news.example/1", 410))
        await pipeline.process_item(ArticleItem(**{**record(3), "near_duplicates": []}))
        assert store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2  # buffered
        await pipeline.close_spider()

    try:
        asyncio.run(crawl())
        statuses = dict(store.db.execute("SELECT url, status FROM articles"))
    finally:
        store.close()
    assert statuses == {
        "https://news.example/1": "gone",
        "https://news.example/2": "live",
        "https://news.example/3": "live",
    }
    assert pipeline.stats.get_value("khabar/articles/new") == 1
    assert counts(db)["articles_fts"] == 3  # the gone article stays searchable
