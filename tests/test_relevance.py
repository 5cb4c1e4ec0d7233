"""The relevance of Arabic search, pinned at what bench/relevance.py measured on the judged set
(tests/relevance/): stems raise recall, precision stays within 2 points of exact matching, and
exact-form matches first keep the best hits on top. A change to the normaliser, the stemmer,
the index or the ranking that loses relevance fails here; one that gains some moves the pins."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.relevance import all_articles, judged_queries, run

# Measured (bench/relevance.py): relevant articles found and judged-not-relevant ones retrieved,
# of the set's 280 relevant articles over 70 queries; R-precision (x1000, rounded down).
PINNED = {
    "exact": {"found": 165, "wrong": 2, "r_precision": 725},
    "stemmed": {"found": 227, "wrong": 6, "r_precision": 885},
    "both": {"found": 227, "wrong": 6, "r_precision": 892},
}
RELEVANT = 280


@pytest.fixture(scope="module")
def measured(corpus_dir: Path):
    scores, _lines, _articles, _queries = run(corpus=corpus_dir)
    return scores


def test_the_set_is_judged_whole(corpus_dir: Path) -> None:
    queries = judged_queries()
    ids = {a["id"] for a in all_articles(corpus_dir)}
    assert len(queries) >= 60
    for item in queries:
        assert item["relevant"] and item["not_relevant"], item["q"]
        assert set(item["relevant"]) <= ids and set(item["not_relevant"]) <= ids, item["q"]
        assert not set(item["relevant"]) & set(item["not_relevant"]), item["q"]


@pytest.mark.parametrize("mode", PINNED)
def test_relevance_is_pinned(measured, mode: str) -> None:
    score, pinned = measured[mode], PINNED[mode]
    assert score.relevant == RELEVANT
    assert score.unjudged == 0  # every retrieved article is judged: precision is exact
    assert score.found >= pinned["found"]
    assert score.wrong <= pinned["wrong"]
    assert int(1000 * score.r_precision) >= pinned["r_precision"]


def test_stems_raise_recall_and_keep_precision_within_two_points(measured) -> None:
    exact, both = measured["exact"], measured["both"]
    assert both.recall() > exact.recall() + 0.2
    assert both.precision() >= exact.precision() - 0.02
    # exact-form matches first: the same matches, better ordered than by bm25 alone
    assert both.r_precision > measured["stemmed"].r_precision > exact.r_precision
