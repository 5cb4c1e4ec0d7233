"""Scores shared by the tests and the benchmarks."""

from __future__ import annotations

import unicodedata
from collections import Counter


def token_f1(got: str, want: str) -> float:
    """Body token-F1: whitespace tokens after Unicode NFC (two empty texts score 1.0)."""
    a = Counter(unicodedata.normalize("NFC", got).split())
    b = Counter(unicodedata.normalize("NFC", want).split())
    if not a or not b:
        return float(a == b)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)
