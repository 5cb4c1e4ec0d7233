"""Relevance of Arabic search: recall and precision of exact, stemmed and both on a judged set.

The articles are the corpus's Arabic and English gold texts (its sites and the al-Watan and SANA
replicas: id = the path of the gold file without .gold.json), the synthetic search articles of
tests/test_search.py (synthetic:<key>) and the constructed ones of tests/relevance/articles.yaml
(gen:<key>), written into a fresh database by the real ArticleStore. The queries and their
judgments are tests/relevance/queries.yaml: for each query, the articles that are relevant (they
use the word asked for, in any of its forms: inflections, broken plurals, spellings) and those
judged not relevant (they use a word that only looks like it, or none), by id. Every article a
mode retrieves must be judged (`unjudged` counts those that are not).

Three modes, through storage.search:

- exact: ``search(..., exact=True)``, the matching form alone (khabar before stems);
- stemmed: either form, ranked by bm25 alone (what stems without exact-first would give);
- both: ``search(...)`` as `khabar search` runs it: either form, exact-form matches first.

Set recall and precision are over every match (micro-averaged over the queries): stemmed and
both retrieve the same set, so they differ in ranking only, which R-precision shows (precision
in the first R hits of a query with R relevant articles, averaged over the queries).

    .venv/bin/python bench/relevance.py [--queries] [--stemmer light10|snowball]

--stemmer measures another stemmer in the same index (``crawler.stem.stem`` replaced): light10
as published (ان removed, two letters kept), or Snowball's Arabic stemmer (PyStemmer, which is
not a dependency of khabar: ``pip install -e ".[bench]"`` first).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

import crawler.stem  # noqa: E402
import storage.search  # noqa: E402
from bench.throughput import corpus_dir  # noqa: E402
from storage.search import _WEIGHTS, build_match, search  # noqa: E402
from storage.store import ArticleStore  # noqa: E402
from tests.test_search import SYNTHETIC  # noqa: E402

SET_DIR = ROOT / "tests" / "relevance"
MODES = ("exact", "stemmed", "both")
LIMIT = 10_000  # every match: the set is a few hundred articles


def corpus_articles(corpus: Path) -> list[dict[str, Any]]:
    """The corpus's gold articles: one per page (AMP and edited variants, and the seed copy of
    an al-Watan article, left out)."""
    articles = []
    for meta in sorted(corpus.glob("**/*.gold.json")):
        gold = json.loads(meta.read_text(encoding="utf-8"))
        if meta.name.endswith((".amp.gold.json", ".v2.gold.json")) or not gold.get("url"):
            continue
        text = meta.with_name(meta.name.replace(".gold.json", ".gold.txt"))
        if not text.exists():  # a page kept for its metadata alone
            continue
        article_id = str(meta.relative_to(corpus)).removesuffix(".gold.json")
        body = text.read_text(encoding="utf-8").strip()
        articles.append({"id": article_id, "url": gold["url"], "title": gold.get("title") or ""})
        articles[-1]["body"] = body
    return articles


def constructed_articles() -> list[dict[str, Any]]:
    made = yaml.safe_load((SET_DIR / "articles.yaml").read_text(encoding="utf-8"))
    return [
        {"id": f"gen:{key}", "url": f"https://relevance.khabar.test/{key}", **a}
        for key, a in made.items()
    ] + [
        {"id": f"synthetic:{a['key']}", "url": f"https://example.test/{a['key']}", **a}
        for a in SYNTHETIC
    ]


def all_articles(corpus: Path) -> list[dict[str, Any]]:
    return corpus_articles(corpus) + constructed_articles()


def judged_queries() -> list[dict[str, Any]]:
    return yaml.safe_load((SET_DIR / "queries.yaml").read_text(encoding="utf-8"))


def _record(article: dict[str, Any]) -> dict[str, Any]:
    body = article["body"]
    return {
        "url": article["url"],
        "canonical_url": article["url"],
        "site": article["id"].split("/")[0].split(":")[0],
        "title": article["title"],
        "body": body,
        "published_at": "2024-01-01T10:00:00+00:00",
        "language": "ar",
        "word_count": len(body.split()),
        "content_hash": hashlib.sha256(body.encode()).hexdigest(),
        "found_via": "feed",
        "tags": [],
    }


def build(db: Path, articles: list[dict[str, Any]]) -> dict[int, str]:
    """Write the articles through the real store; their rowids → ids."""
    store = ArticleStore(db)
    try:
        store.write_articles([_record(a) for a in articles], crawl_id=None)
        by_url = {a["url"]: a["id"] for a in articles}
        rows = store.db.execute("SELECT id, url FROM articles").fetchall()
    finally:
        store.close()
    return {rowid: by_url[url] for rowid, url in rows}


def ranked(conn: sqlite3.Connection, query: str, mode: str, ids: dict[int, str]) -> list[str]:
    """The ids a mode retrieves, best first."""
    if mode == "stemmed":
        rows = conn.execute(
            f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            f"ORDER BY bm25(articles_fts, {_WEIGHTS}), rowid",
            [build_match(query)],
        )
        return [ids[r[0]] for r in rows]
    return [ids[h.id] for h in search(conn, query, limit=LIMIT, exact=mode == "exact")]


@dataclass
class Score:
    relevant: int = 0
    found: int = 0  # relevant articles retrieved
    wrong: int = 0  # judged not relevant, retrieved
    unjudged: int = 0
    r_precision: float = 0.0  # summed over the queries

    def recall(self) -> float:
        return self.found / self.relevant if self.relevant else 0.0

    def precision(self) -> float:
        retrieved = self.found + self.wrong
        return self.found / retrieved if retrieved else 1.0


def measure(
    conn: sqlite3.Connection, ids: dict[int, str], queries: list[dict[str, Any]]
) -> tuple[dict[str, Score], list[str]]:
    """The scores of each mode, and a line per query (recall of each mode, what went wrong)."""
    scores = {mode: Score() for mode in MODES}
    lines = []
    for item in queries:
        relevant, not_relevant = set(item["relevant"]), set(item.get("not_relevant") or ())
        cells = []
        for mode in MODES:
            hits = ranked(conn, item["q"], mode, ids)
            score = scores[mode]
            score.relevant += len(relevant)
            score.found += len(relevant.intersection(hits))
            score.wrong += len(not_relevant.intersection(hits))
            unjudged = set(hits) - relevant - not_relevant
            score.unjudged += len(unjudged)
            top = hits[: len(relevant)]
            score.r_precision += len(relevant.intersection(top)) / len(relevant)
            missed = len(relevant) - len(relevant.intersection(hits))
            wrong = sorted(not_relevant.intersection(hits))
            cells.append(
                f"{mode} {len(relevant) - missed}/{len(relevant)}"
                + (f" +{len(wrong)} wrong" if wrong else "")
                + (f" unjudged: {', '.join(sorted(unjudged))}" if unjudged else "")
            )
        lines.append(f"{item['q']}: " + "; ".join(cells))
    for score in scores.values():
        score.r_precision /= len(queries)
    return scores, lines


def light10(token: str) -> str:
    """Light10's suffixes as published (Larkey et al.; Lucene's ArabicStemmer), in the matching
    form, two letters kept."""
    for suffix in ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 2:
            token = token[: -len(suffix)]
    return token


def snowball() -> Callable[[str], str]:
    import Stemmer  # PyStemmer: only for this comparison

    return Stemmer.Stemmer("arabic").stemWord


STEMMERS: dict[str, Callable[[], Callable[[str], str]]] = {
    "light10": lambda: light10,
    "snowball": snowball,
}


def run(
    stemmer: str | None = None, corpus: Path | None = None
) -> tuple[dict[str, Score], list[str], int, int]:
    """Build the set's database (with another stemmer if named) and measure it; also how many
    articles and queries it has."""
    original = crawler.stem.stem
    if stemmer:
        crawler.stem.stem = STEMMERS[stemmer]()
    storage.search._word_stems.cache_clear()
    try:
        articles, queries = all_articles(corpus or corpus_dir()), judged_queries()
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "relevance.sqlite"
            ids = build(db, articles)
            conn = sqlite3.connect(db)
            try:
                scores, lines = measure(conn, ids, queries)
            finally:
                conn.close()
    finally:
        crawler.stem.stem = original
        storage.search._word_stems.cache_clear()
    return scores, lines, len(articles), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", action="store_true", help="a line per query")
    parser.add_argument("--stemmer", choices=sorted(STEMMERS), help="measure another stemmer")
    args = parser.parse_args()
    if not (corpus_dir() / "MANIFEST.tsv").exists():
        print(f"no corpus at {corpus_dir()} (set KHABAR_CORPUS to its path)", file=sys.stderr)
        return 2
    scores, lines, articles, queries = run(args.stemmer)
    if args.queries:
        print(*lines, sep="\n")
    print(f"{queries} queries, {articles} articles, stemmer {args.stemmer or 'crawler.stem'}")
    print("mode     recall  precision  R-precision  unjudged")
    for mode, s in scores.items():
        print(
            f"{mode:8} {100 * s.recall():6.1f}  {100 * s.precision():9.1f}  "
            f"{100 * s.r_precision:11.1f}  {s.unjudged:8d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
