"""Content fingerprints: exact (sha256 of the matching form) and near-duplicate (MinHash + LSH).

Exact hashes catch re-crawls and mirror URLs; MinHash catches the same agency story republished
with a new first sentence, a dateline or a source line (al-Watan vs SANA).
"""

from __future__ import annotations

import hashlib
import logging
import struct
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from crawler.arabic import fts_tokens, normalize

__all__ = [
    "MINHASH_SEED",
    "NEAR_DUP_THRESHOLD",
    "MinHash",
    "NearDupIndex",
    "band_keys",
    "content_hash",
    "lsh_params",
    "minhash",
    "minhash_of_tokens",
    "shingles",
]

logger = logging.getLogger(__name__)

MINHASH_SEED = 20170325  # fixed: signatures stored in SQLite must stay comparable across runs
SHINGLE_K = 4
NUM_PERM = 128

# Jaccard (word 4-shingles over fts_tokens) at or above which two bodies are the same story.
# bench/neardup.py on the corpus (278 texts, 225 positive / 526 negative pairs), exact Jaccard:
#   seed vs SANA copy 0.940 (MinHash estimate 0.945); edited re-crawl 0.750; synthetic agency
#   copies 0.19-1.00 (median 0.86; the low end is 65-word bodies with every edit stacked);
#   different stories, same site/section/topic <= 0.005; different stories wrapped in the same
#   leaked share bar/tags/related posts/footer <= 0.318.
# Sweep (P/R/F1): 0.25 0.957/0.978/0.967, 0.30 0.995/0.969/0.982 (1 boilerplate FP),
#   0.35 1.000/0.960/0.980, 0.40 1.000/0.951/0.975, 0.50 1.000/0.907/0.951, 0.70 1.000/0.689/0.816.
# 0.35 is the lowest threshold with no false positive: it clears the worst boilerplate negative
# (0.318) and keeps every natural copy; only stacked-edit copies of very short bodies are missed.
NEAR_DUP_THRESHOLD: float = 0.35


def content_hash(body: str) -> str:
    """sha256 hex of the matching form of ``body``: harakat, tatweel, letter variants, digit
    scripts and whitespace differences do not change it."""
    return hashlib.sha256(normalize(body).encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE_K) -> set[str]:
    """Word k-shingles of ``text`` over ``fts_tokens`` (normalised and clitic-peeled).

    fts_tokens rather than plain normalised words, so that a copy that writes وأشار for أشار or
    بالتنسيق for التنسيق keeps its shingles. Texts shorter than k words give one shingle with
    all their words; an empty text gives an empty set.
    """
    return _shingles(fts_tokens(text), k)


def _shingles(tokens: list[str], k: int = SHINGLE_K) -> set[str]:
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


# MinHash as datasketch 2.0 computes it (scheme "affine32"): a SHA-1 of each shingle (first 4
# bytes), the MurmurHash3 32-bit finalizer, then h -> a*h + b mod 2^32 per permutation, keeping
# the minimum. Written here so that neither the extraction workers nor the crawl process import
# datasketch (whose package pulls in scipy: ~50 MB a process); signatures and BLOBs are the same
# bit for bit (tests/test_fingerprint.py checks against datasketch).
_MAX_HASH = np.uint32(0xFFFFFFFF)
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))
_SCHEME_AFFINE32 = 1  # datasketch's code for the scheme in serialised signatures


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int = MINHASH_SEED) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


class MinHash:
    """A MinHash signature: ``hashvalues`` (uint32, one per permutation) and its ``seed``."""

    __slots__ = ("hashvalues", "seed")

    def __init__(self, hashvalues: np.ndarray, seed: int = MINHASH_SEED) -> None:
        self.hashvalues = hashvalues
        self.seed = seed

    def __len__(self) -> int:
        return len(self.hashvalues)

    def is_empty(self) -> bool:
        """No shingle was added (an empty text)."""
        return bool((self.hashvalues == _MAX_HASH).all())

    def jaccard(self, other: MinHash) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if other.seed != self.seed or len(other) != len(self):
            raise ValueError("signatures made with different seeds or sizes cannot be compared")
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / len(self)


def minhash(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """MinHash of ``shingles(text)`` with a fixed seed (deterministic across runs and machines)."""
    return minhash_of_tokens(fts_tokens(text), num_perm)


def minhash_of_tokens(tokens: list[str], num_perm: int = NUM_PERM) -> MinHash:
    """``minhash`` of a text whose ``fts_tokens`` are already known."""
    values = np.full(num_perm, _MAX_HASH, dtype=np.uint32)
    shingled = _shingles(tokens)
    if shingled:
        sha1 = hashlib.sha1
        hv = np.fromiter(
            (int.from_bytes(sha1(s.encode()).digest()[:4], "little") for s in shingled),
            dtype=np.uint32,
            count=len(shingled),
        ).reshape(-1, 1)
        s1, m1, s2, m2 = _FMIX
        hv ^= hv >> s1
        hv *= m1
        hv ^= hv >> s2
        hv *= m2
        hv ^= hv >> s1
        a, b = _permutations(num_perm)
        values = np.minimum(values, (hv * a + b).min(axis=0))
    return MinHash(values)


@lru_cache(maxsize=8)
def lsh_params(threshold: float, num_perm: int, recall: float = 0.99) -> tuple[int, int]:
    """(bands, rows) with the fewest candidates that still finds a pair at ``threshold`` with
    probability >= ``recall``.

    datasketch's default optimises false positives and false negatives equally, which at 0.35
    gives 32x4 bands and misses a pair with Jaccard 0.55 about 4% of the time. We re-check every
    candidate against the estimated Jaccard, so extra candidates only cost a comparison: tune the
    banding for recall instead.
    """
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= recall:
            return bands, rows
    return num_perm, 1


_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio, odd: multiplying by it is a bijection
_SHIFT = np.uint64(32)


def band_keys(
    mh: MinHash, threshold: float = NEAR_DUP_THRESHOLD, num_perm: int = NUM_PERM
) -> list[int]:
    """One signed 64-bit bucket key per LSH band of ``mh`` (``lsh_params`` banding): two
    signatures are candidates when they share a key. The band's number is mixed in, so equal
    values in different bands do not meet. Empty signatures have no keys: every text-less page
    would otherwise match every other.

    Vectorised (numpy over all bands at once): ~20 µs, where datasketch's per-band hashing
    costs ~1 ms an article.
    """
    if mh.is_empty():
        return []
    bands, rows = lsh_params(threshold, num_perm)
    values = np.asarray(mh.hashvalues[: bands * rows], dtype=np.uint64).reshape(bands, rows)
    keys = np.arange(1, bands + 1, dtype=np.uint64) * _MIX
    for column in range(rows):
        keys = (keys ^ values[:, column]) * _MIX
        keys ^= keys >> _SHIFT
    return keys.view(np.int64).tolist()


class NearDupIndex:
    """An in-memory LSH index of article signatures (bench/neardup.py, and the deduplicate
    pipeline's articles not yet written; storage/lsh.py keeps the same bands in SQLite).

    ``query`` returns only keys whose estimated Jaccard reaches the threshold (LSH alone also
    returns weaker candidates), best first. Empty signatures (no text) are never indexed: they
    would all match each other.
    """

    def __init__(self, threshold: float = NEAR_DUP_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._buckets: dict[int, list[str]] = {}
        self._sigs: dict[str, MinHash] = {}
        self._keys: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, key: str) -> bool:
        return key in self._sigs

    def add(self, key: str, mh: MinHash) -> None:
        """Index ``mh`` under ``key``; re-adding a key replaces its signature (edited article)."""
        if mh.is_empty():
            logger.debug("not indexing empty signature for %s", key)
            return
        if key in self._sigs:
            self.remove(key)
        self._sigs[key] = mh
        self._keys[key] = band_keys(mh, self.threshold, self.num_perm)
        for bucket in self._keys[key]:
            self._buckets.setdefault(bucket, []).append(key)

    def remove(self, key: str) -> None:
        if key not in self._sigs:
            return
        del self._sigs[key]
        for bucket in self._keys.pop(key):
            members = self._buckets[bucket]
            members.remove(key)
            if not members:
                del self._buckets[bucket]

    def query(self, mh: MinHash) -> list[str]:
        """Keys of indexed signatures with estimated Jaccard >= threshold, most similar first."""
        candidates = {
            key
            for bucket in band_keys(mh, self.threshold, self.num_perm)
            for key in self._buckets.get(bucket, ())
        }
        scored = [(self._sigs[k].jaccard(mh), k) for k in candidates]
        return [k for s, k in sorted(scored, key=lambda t: (-t[0], t[1])) if s >= self.threshold]

    @classmethod
    def from_signatures(
        cls,
        rows: Iterable[tuple[str, bytes]],
        threshold: float = NEAR_DUP_THRESHOLD,
        num_perm: int = NUM_PERM,
    ) -> NearDupIndex:
        """Rebuild an index from (key, signature BLOB) rows, e.g. a SELECT on the articles table."""
        index = cls(threshold=threshold, num_perm=num_perm)
        for key, blob in rows:
            index.add(key, cls.signature_from_bytes(blob))
        return index

    @staticmethod
    def signature_to_bytes(mh: MinHash) -> bytes:
        """Serialise a signature for a SQLite BLOB: datasketch's LeanMinHash layout (seed,
        minus the number of values, scheme code, uint32 values), little-endian."""
        head = struct.pack("<qiB", mh.seed, -len(mh), _SCHEME_AFFINE32)
        return head + mh.hashvalues.astype("<u4").tobytes()

    @staticmethod
    def signature_from_bytes(b: bytes) -> MinHash:
        """Inverse of ``signature_to_bytes``; the result can be queried, compared and indexed."""
        seed, count, scheme = struct.unpack_from("<qiB", b)
        if count >= 0 or scheme != _SCHEME_AFFINE32:
            raise ValueError("not a signature written by signature_to_bytes")
        values = np.frombuffer(b, dtype="<u4", count=-count, offset=13).astype(np.uint32)
        return MinHash(values, seed)
