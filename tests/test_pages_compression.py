"""storage/pages.py: raw pages in zstd with a per-site dictionary, every page readable again
(old zlib rows included), and smaller than zlib once the dictionary is trained."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from crawler.fingerprint import content_hash
from storage.pages import PageArchive
from storage.store import ArticleStore

WORDS = "قال وزير الخارجية في مؤتمر صحفي اليوم إن المحادثات حققت تقدما ملموسا".split()
_chrome = random.Random(0)
# The site's menus, the same on every page, as varied as real ones (zlib alone does not fold it).
CHROME = "".join(
    f'<li class="menu-{_chrome.getrandbits(32):x}"><a href="/c/{_chrome.getrandbits(40):x}">'
    f"{' '.join(_chrome.choice(WORDS) for _ in range(4))}</a></li>"
    for _ in range(300)
)


def page(n: int, rng: random.Random) -> bytes:
    body = " ".join(rng.choice(WORDS) for _ in range(200))
    return (
        f'<html lang="ar"><head><title>خبر {n}</title></head><body><ul>{CHROME}</ul>'
        f"<article><h1>خبر {n}</h1><p>{body}</p></article><footer>{CHROME}</footer></body></html>"
    ).encode()


def record(n: int, html: bytes, site: str = "paper") -> dict:
    url = f"https://{site}.example/{n}"
    return {
        "url": url,
        "canonical_url": url,
        "site": site,
        "title": f"خبر {n}",
        "body": str(n),
        "content_hash": content_hash(str(n)),
        "html": html,
    }


@pytest.fixture
def store(tmp_path: Path):
    s = ArticleStore(tmp_path / "k.sqlite")
    s.pages = PageArchive(s.db, train_after=20)
    yield s
    s.close()


def sizes(store: ArticleStore) -> list[tuple[int, int | None]]:
    sql = "SELECT length(html_zstd), zstd_dict FROM pages ORDER BY article_id"
    return store.db.execute(sql).fetchall()


def test_dictionary_is_trained_per_site_and_every_page_reads_back(store: ArticleStore) -> None:
    rng = random.Random(2)
    pages = {n: page(n, rng) for n in range(60)}
    for n, html in pages.items():  # one page a transaction, as batches arrive
        store.write_articles([record(n, html)], crawl_id=None)
    rows = sizes(store)
    assert [d for _, d in rows[:20]] == [None] * 20  # until the site has 20 pages stored
    assert {d for _, d in rows[20:]} == {1}
    assert store.db.execute("SELECT site, samples FROM page_dicts").fetchall() == [("paper", 20)]
    with_dict = [size for size, d in rows[20:]]
    zlib_sizes = [len(zlib.compress(pages[n], 6)) for n in range(20, 60)]
    assert sum(with_dict) < 0.6 * sum(zlib_sizes)  # the chrome is in the dictionary (0.52)
    assert {p.url: p.html for p in store.stored_pages()} == {
        f"https://paper.example/{n}": html for n, html in pages.items()
    }


def test_another_site_gets_its_own_dictionary(store: ArticleStore) -> None:
    rng = random.Random(3)
    store.write_articles([record(n, page(n, rng)) for n in range(25)], crawl_id=None)
    store.write_articles([record(n, page(n, rng), "other") for n in range(25)], crawl_id=None)
    assert store.db.execute("SELECT id, site FROM page_dicts ORDER BY id").fetchall() == [
        (1, "paper"),
        (2, "other"),
    ]
    assert [d for _, d in sizes(store)[20:30]] == [1] * 5 + [None] * 5


def test_pages_written_as_zlib_before_still_read_back(store: ArticleStore) -> None:
    html = page(1, random.Random(1))
    store.write_articles([record(1, b"<html>placeholder</html>")], crawl_id=None)
    store.db.execute(
        "UPDATE pages SET html_zlib = ?, html_zstd = NULL, zstd_dict = NULL",
        [zlib.compress(html, 6)],
    )
    assert [p.html for p in store.stored_pages()] == [html]


def test_training_takes_the_newest_pages_up_to_its_byte_budget(
    store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Training memory grows with the samples: a site of heavy pages trains on fewer of them."""
    rng = random.Random(4)
    pages = [page(n, rng) for n in range(30)]
    monkeypatch.setattr("storage.pages.TRAIN_BYTES", 12 * max(map(len, pages)))
    for n, html in enumerate(pages):
        store.write_articles([record(n, html)], crawl_id=None)
    (samples,) = store.db.execute("SELECT samples FROM page_dicts").fetchone()
    assert samples == 12
    assert {p.url: p.html for p in store.stored_pages()} == {
        f"https://paper.example/{n}": html for n, html in enumerate(pages)
    }


def test_a_damaged_page_is_no_sample_and_reads_as_unreadable(store: ArticleStore) -> None:
    """One damaged row must not stop the site's training (a store error on every later crawl)
    nor the reading of the others (issue 17, defect 20)."""
    rng = random.Random(4)
    for n in range(10):
        store.write_articles([record(n, page(n, rng))], crawl_id=None)
    store.db.execute("UPDATE pages SET html_zstd = X'28B52FFD00' WHERE article_id = 3")
    for n in range(10, 30):
        store.write_articles([record(n, page(n, rng))], crawl_id=None)
    assert store.db.execute("SELECT samples FROM page_dicts").fetchall() == [(19,)]
    read = list(store.stored_pages())
    assert [p.article_id for p in read if p.unreadable] == [3]
    assert read[2].unreadable.startswith("zstd: ") and read[2].html == b""
    assert all(p.html.startswith(b"<html") for p in read if p.article_id != 3)
