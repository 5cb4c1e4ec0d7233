"""A light Arabic stemmer for search: the second form of each word in the index.

``crawler.arabic.fts_tokens`` already folds spellings and peels the proclitics (و ف ب ك ل ال);
what it leaves apart are the suffixes: الإسلامية (اسلاميه) and الإسلام (اسلام), المعلمين and
معلم, الانتخابات and انتخاب. ``stem`` removes them from one matching-form token, in the manner of
Larkey, Ballesteros and Connell's light10 ("Light Stemming for Arabic Information Retrieval",
2007; Lucene's ArabicStemmer is the same algorithm): each suffix of SUFFIXES, in order, is
removed once when it ends the word and enough letters remain. The prefixes are not here
(``_peel`` has removed them), the suffixes are written in the matching form (ة is ه, ى is ي),
and two changes against light10 were measured on the relevance set (bench/relevance.py, 70
judged queries, tests/relevance/):

* ان (the dual) is not removed: names end in it far more often in news than duals do (إيران,
  عمان, سليمان, السودان, رمضان, البرلمان), and light10 turns them into other words.
* A stem keeps at least MIN_STEM = 4 letters (light10: 2). Three-letter stems are too often
  another word: سوري → سور (a wall), نبيه → نبي (a prophet), قطرات → قطر (Qatar). With 3 the set's
  recall is 86.1% at 92.7% precision; with 4, 81.1% at 97.4% (exact matching: 58.9% at 98.8%).

Light10 as published gives 84.6% at 92.6%; Snowball's Arabic stemmer (PyStemmer, C) 75.7% at
93.8% on these tokens (it expects the text before our folding and peeling). This one was kept:
the best precision, within 2 points of exact matching, for 22 points of recall, in a few lines
of Python with a cache (no dependency).

Broken plurals (مدارس/مدرسة, وزراء/وزير, كتب/كتاب) change the word's pattern, not its ends: no
light stemmer conflates them, and this one does not try.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

__all__ = ["MIN_STEM", "SUFFIXES", "stem", "stem_tokens"]

# In light10's order; in the matching form, so ية and يه are one suffix, ة and ه another.
SUFFIXES = ("ها", "ات", "ون", "ين", "يه", "ه", "ي")
MIN_STEM = 4  # letters a stem keeps (see the docstring)
_LAST_LETTERS = frozenset(s[-1] for s in SUFFIXES)  # a word ending in none of them is its stem


# ~3 MB at most; a news archive's vocabulary repeats, so most words are found here.
@lru_cache(maxsize=100_000)
def stem(token: str) -> str:
    """The stem of one matching-form token (``crawler.arabic.fts_tokens``): اسلاميه → اسلام,
    معلمين → معلم, انتخابات → انتخاب, خارجيه → خارج; ايران, عمان, دمشق stay whole. Latin words
    and numbers are returned as they are (no suffix of SUFFIXES is Latin)."""
    if len(token) <= MIN_STEM or token[-1] not in _LAST_LETTERS:  # most words: no loop
        return token
    for suffix in SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            token = token[: -len(suffix)]
    return token


def stem_tokens(tokens: Iterable[str]) -> list[str]:
    """``stem`` of each token, in order (a phrase of stems stays a phrase)."""
    return list(map(stem, tokens))
