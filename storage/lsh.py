"""The near-duplicate index of the whole archive, kept in SQLite instead of memory.

MinHash LSH cuts each article's signature into bands; two articles that share a band are
candidates, and a candidate is a near-duplicate when the signatures' estimated Jaccard reaches
the threshold. An in-memory index keeps the band buckets in Python dicts (~8 KB an article),
rebuilt at every crawl start: memory and start-up time grow with the archive. Here each band
is one row of an indexed table (`minhash_bands`: bucket key → article id, written by the store
in the same transaction as the article), so a lookup costs one index probe per band whatever
the archive size, and the index covers every stored article.

The bucket keys are `crawler.fingerprint.band_keys`, the same as NearDupIndex's, so both indexes
return the same candidates and bench/neardup.py's precision/recall hold.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from crawler.fingerprint import NEAR_DUP_THRESHOLD, NUM_PERM, MinHash, NearDupIndex, band_keys

__all__ = ["MinHashBands", "create_table", "signature_keys"]

TABLE = "minhash_bands"


def create_table(db: Database) -> None:
    """The bucket table (a migration calls this) and the bands of every stored signature."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (bucket, article_id)) WITHOUT ROWID"
    )
    bands = MinHashBands(db)
    # Streamed: an archive of a million signatures is a gigabyte.
    for article_id, blob in db.conn.execute("SELECT article_id, signature FROM article_minhash"):
        bands.insert(article_id, blob)


def signature_keys(
    blob: bytes | None, threshold: float = NEAR_DUP_THRESHOLD, num_perm: int = NUM_PERM
) -> list[int]:
    """The bucket keys of a stored signature BLOB (none for an empty one)."""
    if not blob:
        return []
    return band_keys(NearDupIndex.signature_from_bytes(blob), threshold, num_perm)


class MinHashBands:
    """Insert and query the persisted LSH bands; the caller owns the transaction."""

    def __init__(
        self, db: Database, threshold: float = NEAR_DUP_THRESHOLD, num_perm: int = NUM_PERM
    ) -> None:
        self.db = db
        self.threshold = threshold
        self.num_perm = num_perm

    def keys(self, blob: bytes | None) -> list[int]:
        return signature_keys(blob, self.threshold, self.num_perm)

    def insert(self, article_id: int, signature: bytes, previous: bytes | None = None) -> None:
        """File `article_id` under the bands of `signature`, first taking it out of the bands of
        its `previous` signature (an edited article)."""
        old, new = set(self.keys(previous)), set(self.keys(signature))
        if old - new:
            self.db.conn.executemany(
                f"DELETE FROM {TABLE} WHERE bucket = ? AND article_id = ?",
                [(key, article_id) for key in old - new],
            )
        self.insert_many((key, article_id) for key in new - old)

    def insert_many(self, rows: Iterable[tuple[int, int]]) -> None:
        """File (bucket key, article id) rows; bulk loads sort them by key first."""
        self.db.conn.executemany(
            f"INSERT OR IGNORE INTO {TABLE} (bucket, article_id) VALUES (?, ?)", rows
        )

    def candidates(self, signature: MinHash) -> set[int]:
        """Ids of stored articles sharing at least one band with `signature`."""
        keys = band_keys(signature, self.threshold, self.num_perm)
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(f"SELECT article_id FROM {TABLE} WHERE bucket IN ({marks})", keys)
        return {row[0] for row in rows}

    def query(self, signature: MinHash, stored_since: str | None = None) -> list[tuple[str, float]]:
        """(canonical_url, estimated Jaccard) of stored articles at or above the threshold, most
        similar first; `stored_since` (ISO-8601 UTC) keeps only articles first seen since then."""
        ids = sorted(self.candidates(signature))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = (
            "SELECT a.canonical_url, m.signature, a.first_seen_at FROM article_minhash m "
            f"JOIN articles a ON a.id = m.article_id WHERE m.article_id IN ({marks})"
        )
        scored = [
            (NearDupIndex.signature_from_bytes(blob).jaccard(signature), url)
            for url, blob, first_seen in self.db.execute(sql, ids)
            if stored_since is None or first_seen >= stored_since
        ]
        return [
            (url, score)
            for score, url in sorted(scored, key=lambda t: (-t[0], t[1]))
            if score >= self.threshold
        ]
