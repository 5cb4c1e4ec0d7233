"""storage/lsh.py: the near-duplicate index kept in SQLite finds what the in-memory one finds,
follows edits, ignores empty texts and is rebuilt for databases written before it existed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawler.fingerprint import NearDupIndex, content_hash, lsh_params, minhash
from storage import lsh
from storage.store import ArticleStore

WORDS = (
    "قال وزير الخارجية في مؤتمر صحفي عقده اليوم في العاصمة إن المحادثات بين الوفود حققت تقدما "
    "ملموسا في عدد من الملفات الاقتصادية والسياسية وأضاف أن الجولة المقبلة ستعقد الشهر القادم "
    "بمشاركة ممثلين عن المنظمات الدولية وأكد أن الحكومة ماضية في تنفيذ التزاماتها تجاه المواطنين "
    "افتتح في المدينة معرض الكتاب السنوي بمشاركة مئة دار نشر من عشرين بلدا وتضمن البرنامج "
    "ندوات شعرية وأمسيات موسيقية وورشات للأطفال ويستمر المعرض عشرة أيام في قاعة المعارض الكبرى"
).split()


def story(rng: random.Random, words: int = 120) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def copy_of(text: str, rng: random.Random, edits: int) -> str:
    """The same story with `edits` words replaced (an agency copy, lightly edited)."""
    words = text.split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def record(url: str, body: str) -> dict:
    sig = NearDupIndex.signature_to_bytes(minhash(body))
    return {
        "url": url,
        "canonical_url": url,
        "site": "paper",
        "title": "خبر",
        "body": body,
        "content_hash": content_hash(body),
        "minhash": sig,
    }


@pytest.fixture
def store(tmp_path: Path):
    s = ArticleStore(tmp_path / "k.sqlite")
    yield s
    s.close()


def test_same_matches_as_the_in_memory_index(store: ArticleStore) -> None:
    rng = random.Random(7)
    texts: dict[str, str] = {}
    for n in range(40):
        base = story(rng)
        texts[f"https://a.example/{n}"] = base
        # copies from barely edited to hardly the same story, around the threshold
        texts[f"https://b.example/{n}"] = copy_of(base, rng, edits=rng.choice([2, 15, 30, 45]))
    store.write_articles([record(u, t) for u, t in texts.items()], crawl_id=None)
    memory = NearDupIndex.from_signatures(
        (u, NearDupIndex.signature_to_bytes(minhash(t))) for u, t in texts.items()
    )
    bands = lsh.MinHashBands(store.db)
    sigs = {url: minhash(text) for url, text in texts.items()}
    found = 0
    for sig in sigs.values():
        on_disk = bands.query(sig)
        assert [u for u, _ in on_disk] == memory.query(sig)
        # what comparing with every stored signature finds (LSH could miss a borderline pair)
        every = {u for u, other in sigs.items() if other.jaccard(sig) >= bands.threshold}
        assert {u for u, _ in on_disk} == every
        found += len(on_disk) > 1
    assert found >= 20  # the copies are found, not only each text itself


def test_one_row_per_band_and_an_edit_moves_the_article(store: ArticleStore) -> None:
    rng = random.Random(1)
    first, second = story(rng), story(rng)
    store.write_articles([record("https://a.example/1", first)], crawl_id=None)
    bands, _ = lsh_params(lsh.NEAR_DUP_THRESHOLD, lsh.NUM_PERM)
    count = "SELECT COUNT(*) FROM minhash_bands"
    assert store.db.execute(count).fetchone()[0] == bands
    assert [u for u, _ in store.bands.query(minhash(first))] == ["https://a.example/1"]

    store.write_articles([record("https://a.example/1", second)], crawl_id=None)  # edited
    assert store.bands.query(minhash(first)) == []
    assert [u for u, _ in store.bands.query(minhash(second))] == ["https://a.example/1"]
    assert store.db.execute(count).fetchone()[0] == bands


def test_empty_text_is_never_a_near_duplicate(store: ArticleStore) -> None:
    store.write_articles([record("https://a.example/1", "")], crawl_id=None)
    assert store.db.execute("SELECT COUNT(*) FROM minhash_bands").fetchone()[0] == 0
    assert store.bands.query(minhash("")) == []


def test_window_keeps_only_recent_articles(store: ArticleStore) -> None:
    text = story(random.Random(3))
    old = {**record("https://a.example/old", text), "fetched_at": "2020-01-01T00:00:00+00:00"}
    store.write_articles([old], crawl_id=None)
    assert store.bands.query(minhash(text), stored_since="2024-01-01T00:00:00+00:00") == []
    assert store.bands.query(minhash(text), stored_since="2019-01-01T00:00:00+00:00")


def test_bands_are_rebuilt_from_stored_signatures(store: ArticleStore) -> None:
    """A database written before the table existed gets its bands from article_minhash."""
    text = story(random.Random(5))
    store.write_articles([record("https://a.example/1", text)], crawl_id=None)
    store.db.execute("DROP TABLE minhash_bands")
    lsh.create_table(store.db)
    assert [u for u, _ in store.bands.query(minhash(text))] == ["https://a.example/1"]
