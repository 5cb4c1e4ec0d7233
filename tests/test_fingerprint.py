"""Tables for crawler.fingerprint: exact hashes, shingles, MinHash, and the persisted LSH index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.fingerprint import (
    NEAR_DUP_THRESHOLD,
    NearDupIndex,
    content_hash,
    lsh_params,
    minhash,
    shingles,
)

SEED = "alwatan.sy-replica/article-94762.gold.txt"
SEED_COPY = "sana.sy-replica/article-532871.gold.txt"

BODY = (
    "أعلنت وزارة التربية اليوم برنامج امتحانات الشهادة الثانوية العامة بفرعيها العلمي والأدبي، "
    "وأوضحت أن الامتحانات تبدأ يوم السبت العشرين من أيار المقبل في جميع المحافظات."
)


SAME_HASH = [
    ("أعلنت الوزارة", "أعلنَت الوزارةُ"),
    ("مدرسة", "مدرســة"),
    ("في عام ٢٠١٧", "في عام 2017"),
    ("سطر أول\n\n  سطر ثان ", "سطر أول سطر ثان"),
    ("دمشق\u200f", "دمشق"),
    ("ﻻ", "لا"),
]
DIFFERENT_HASH = [
    ("أعلنت الوزارة", "أعلن الوزير"),
    ("في عام 2017", "في عام 2018"),
    ("دمشق سانا", "سانا دمشق"),
]


@pytest.mark.parametrize(("a", "b"), SAME_HASH)
def test_content_hash_ignores_spelling_noise(a: str, b: str) -> None:
    assert content_hash(a) == content_hash(b)
    assert len(content_hash(a)) == 64 and int(content_hash(a), 16) >= 0


@pytest.mark.parametrize(("a", "b"), DIFFERENT_HASH)
def test_content_hash_separates_texts(a: str, b: str) -> None:
    assert content_hash(a) != content_hash(b)


SHINGLES = [
    ("", 4, set()),
    ("وزير", 4, {"زير"}),
    ("قال وزير الخارجية", 4, {"قال زير خارجيه"}),
    ("أ ب ج د", 4, {"ا ب ج د"}),
    ("أ ب ج د هـ", 4, {"ا ب ج د", "ب ج د ه"}),
    ("والخارجية وبالتنسيق", 2, {"خارجيه تنسيق"}),  # clitics peeled before shingling
    ("a b a b a b", 2, {"a b", "b a"}),
]


@pytest.mark.parametrize(("text", "k", "expected"), SHINGLES)
def test_shingles(text: str, k: int, expected: set[str]) -> None:
    assert shingles(text, k) == expected


def test_minhash_is_deterministic_and_sized() -> None:
    a, b = minhash(BODY), minhash(BODY)
    assert (a.hashvalues == b.hashvalues).all()
    assert NearDupIndex.signature_to_bytes(a) == NearDupIndex.signature_to_bytes(b)
    assert len(minhash(BODY, num_perm=64)) == 64
    assert a.jaccard(minhash("نص مختلف تماما عن الامتحانات والوزارة في موضوع آخر")) < 0.1
    assert minhash("").is_empty()


def test_signature_bytes_roundtrip() -> None:
    mh = minhash(BODY)
    blob = NearDupIndex.signature_to_bytes(mh)
    back = NearDupIndex.signature_from_bytes(blob)
    assert isinstance(blob, bytes)
    assert (back.hashvalues == mh.hashvalues).all() and back.seed == mh.seed
    assert back.jaccard(mh) == 1.0


LSH_PARAMS = [(0.35, 128), (0.5, 128), (0.8, 128), (0.35, 64)]


@pytest.mark.parametrize(("threshold", "num_perm"), LSH_PARAMS)
def test_lsh_params_favour_recall(threshold: float, num_perm: int) -> None:
    bands, rows = lsh_params(threshold, num_perm)
    assert bands * rows <= num_perm
    assert 1 - (1 - threshold**rows) ** bands >= 0.99


def test_index_add_query_replace_remove() -> None:
    index = NearDupIndex()
    edited = BODY.replace("اليوم", "أمس") + " وأكدت الوزارة أن أي تعديل سيعلن في وقت مبكر."
    other = "انطلقت في ريف طرطوس حملة تشجير تستهدف زراعة عشرة آلاف غرسة حراجية ومثمرة هذا العام"
    index.add("a", minhash(BODY))
    index.add("b", minhash(other))
    index.add("empty", minhash(""))
    assert len(index) == 2 and "empty" not in index
    assert index.query(minhash(edited)) == ["a"]
    assert index.query(minhash("")) == []
    index.add("a", minhash(other))  # re-adding replaces the signature
    assert index.query(minhash(edited)) == []
    assert index.query(minhash(other)) == ["a", "b"]
    index.remove("a")
    assert "a" not in index and index.query(minhash(other)) == ["b"]


def test_index_rebuilt_from_sqlite_blobs(tmp_path: Path) -> None:
    texts = {
        "https://alwatan.sy/archives/1": BODY,
        "https://alwatan.sy/archives/2": "الثلوج تغطي المرتفعات وإغلاق مؤقت لبعض الطرق الجبلية",
    }
    db_path = tmp_path / "sigs.db"
    with sqlite3.connect(db_path) as db:
        db.execute("CREATE TABLE sigs (url TEXT PRIMARY KEY, minhash BLOB)")
        db.executemany(
            "INSERT INTO sigs VALUES (?, ?)",
            [(u, NearDupIndex.signature_to_bytes(minhash(t))) for u, t in texts.items()],
        )
    db.close()
    db = sqlite3.connect(db_path)
    try:
        index = NearDupIndex.from_signatures(db.execute("SELECT url, minhash FROM sigs"))
    finally:
        db.close()
    assert len(index) == 2
    assert index.query(minhash("دمشق - سانا: " + BODY)) == ["https://alwatan.sy/archives/1"]


def test_seed_and_sana_copy_are_near_duplicates(corpus_dir: Path) -> None:
    seed = (corpus_dir / SEED).read_text(encoding="utf-8")
    copy = (corpus_dir / SEED_COPY).read_text(encoding="utf-8")
    others = sorted((corpus_dir / "alwatan.sy-replica").glob("article-*.gold.txt"))
    unrelated = {
        p.name: p.read_text(encoding="utf-8")
        for p in [*others, corpus_dir / "sana.sy-replica/article-532640.gold.txt"]
        if "94762" not in p.name
    }
    assert len(unrelated) >= 14

    index = NearDupIndex(threshold=NEAR_DUP_THRESHOLD)
    index.add("alwatan/94762", minhash(seed))
    for key, text in unrelated.items():
        index.add(key, minhash(text))

    assert index.query(minhash(copy)) == ["alwatan/94762"]
    assert minhash(seed).jaccard(minhash(copy)) > 0.8
    exact = len(shingles(seed) & shingles(copy)) / len(shingles(seed) | shingles(copy))
    assert abs(minhash(seed).jaccard(minhash(copy)) - exact) < 0.1
    for key, text in unrelated.items():
        hits = index.query(minhash(text))
        assert "alwatan/94762" not in hits, key
        # 93580 and its v2 edit are one story; every other article stands alone.
        assert set(hits) - {key} <= {n for n in unrelated if "93580" in n}, key


@pytest.mark.parametrize(
    "text", [BODY, "", "خبر قصير", BODY + " " + BODY[::-1], "Latin text 123 mixed with عربي"]
)
def test_minhash_is_datasketch_bit_for_bit(text: str) -> None:
    """Signatures stored by earlier versions (datasketch 2.0 MinHash) stay comparable."""
    from datasketch import LeanMinHash
    from datasketch import MinHash as DatasketchMinHash

    from crawler.fingerprint import MINHASH_SEED, shingles

    theirs = DatasketchMinHash(num_perm=128, seed=MINHASH_SEED)
    theirs.update_batch([s.encode("utf-8") for s in shingles(text)])
    ours = minhash(text)
    assert ours.hashvalues.tolist() == theirs.hashvalues.tolist()
    lean = LeanMinHash(theirs)
    buf = bytearray(lean.bytesize(byteorder="<"))
    lean.serialize(buf, byteorder="<")
    assert NearDupIndex.signature_to_bytes(ours) == bytes(buf)
    assert (
        NearDupIndex.signature_from_bytes(bytes(buf)).hashvalues.tolist()
        == ours.hashvalues.tolist()
    )
