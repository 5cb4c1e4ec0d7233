"""Content fingerprints: exact (sha256 of the matching form) and near-duplicate (MinHash + LSH).

Exact hashes catch re-crawls and mirror URLs; MinHash catches the same agency story republished
with a new first sentence, a dateline or a source line (al-Watan vs SANA).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from functools import lru_cache

from datasketch import LeanMinHash, MinHash, MinHashLSH

from crawler.arabic import fts_tokens, normalize

__all__ = [
    "MINHASH_SEED",
    "NEAR_DUP_THRESHOLD",
    "NearDupIndex",
    "content_hash",
    "jaccard",
    "minhash",
    "shingles",
]

logger = logging.getLogger(__name__)

MINHASH_SEED = 20170325  # fixed: signatures stored in SQLite must stay comparable across runs
SHINGLE_K = 4
NUM_PERM = 128
_BYTEORDER = "<"  # fixed byte order so BLOBs move between machines

# Jaccard (word 4-shingles over fts_tokens) above which two bodies count as the same story.
# Measured by bench/neardup.py on the corpus (32 gold bodies, 143 positive / 196 negative pairs):
# positives (agency copies, edited updates) have exact Jaccard 0.43-1.00 (seed vs SANA: 0.860);
# the highest negative is 0.19 (two short pages sharing leaked share-bar/related-posts/footer
# boilerplate); same-site different stories are below 0.05. Precision and recall are both 1.00
# for any threshold from 0.25 to 0.40; 0.5 loses the two weakest synthetic copies (short bodies
# with every edit applied), 0.3 still has a 0.11 margin over the worst boilerplate negative.
# 0.35 sits in the middle of the clean band.
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
    tokens = fts_tokens(text)
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


@lru_cache(maxsize=8)
def _template(num_perm: int) -> MinHash:
    # Generating the permutations is the slow part of MinHash(); reuse them.
    return MinHash(num_perm=num_perm, seed=MINHASH_SEED)


def minhash(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """MinHash of ``shingles(text)`` with a fixed seed (deterministic across runs and machines)."""
    tpl = _template(num_perm)
    mh = MinHash(
        num_perm=num_perm,
        seed=MINHASH_SEED,
        permutations=tpl.permutations,
        scheme=tpl.scheme,
    )
    sh = shingles(text)
    if sh:
        mh.update_batch([s.encode("utf-8") for s in sh])
    return mh


def jaccard(a: MinHash, b: MinHash) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(a.jaccard(b))


class NearDupIndex:
    """MinHashLSH over article signatures, rebuilt from stored BLOBs at the start of a crawl.

    ``query`` returns only keys whose estimated Jaccard reaches the threshold (LSH alone also
    returns weaker candidates), best first. Empty signatures (no text) are never indexed: they
    would all match each other.
    """

    def __init__(self, threshold: float = NEAR_DUP_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, LeanMinHash] = {}

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
        lean = mh if isinstance(mh, LeanMinHash) else LeanMinHash(mh)
        self._lsh.insert(key, lean, check_duplication=False)
        self._sigs[key] = lean

    def remove(self, key: str) -> None:
        if key in self._sigs:
            self._lsh.remove(key)
            del self._sigs[key]

    def query(self, mh: MinHash) -> list[str]:
        """Keys of indexed signatures with estimated Jaccard >= threshold, most similar first."""
        if mh.is_empty():
            return []
        scored = [(self._sigs[k].jaccard(mh), k) for k in self._lsh.query(mh)]
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
        """Serialise a signature for a SQLite BLOB (seed, scheme and hash values, little-endian)."""
        lean = mh if isinstance(mh, LeanMinHash) else LeanMinHash(mh)
        buf = bytearray(lean.bytesize(byteorder=_BYTEORDER))
        lean.serialize(buf, byteorder=_BYTEORDER)
        return bytes(buf)

    @staticmethod
    def signature_from_bytes(b: bytes) -> LeanMinHash:
        """Inverse of ``signature_to_bytes``; the result can be queried, compared and indexed."""
        return LeanMinHash.deserialize(b, byteorder=_BYTEORDER)
