"""Measure near-duplicate detection (crawler.fingerprint) on the offline corpus.

Positive pairs: the al-Watan seed story vs its SANA agency copy, the edited re-crawl of an
al-Watan article, and synthetic agency copies of every Arabic gold body (lead rewritten,
agency sentence added or dropped, أمس → اليوم, a dateline, a trailing source line, a cut tail,
and all of these at once). Negative pairs: every pair of different stories (same site, same
section, same topic, other sites), synthetic copies against other stories, and different stories
that carry the same leaked page boilerplate (share bar, tags, related posts, footer).

Each pair is judged by the real component: a NearDupIndex at the threshold holding one side is
queried with the other. Prints precision/recall/F1 for a sweep of thresholds, the chosen
NEAR_DUP_THRESHOLD, the Jaccard range per pair category, and estimated vs exact Jaccard for the
seed pair.

Run: .venv/bin/python bench/neardup.py   (corpus from KHABAR_CORPUS or ../shared/corpus)
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from crawler.arabic import arabic_ratio  # noqa: E402
from crawler.fingerprint import (  # noqa: E402
    NEAR_DUP_THRESHOLD,
    NearDupIndex,
    minhash,
    shingles,
)

SEED = "alwatan.sy-replica/article-94762"
SEED_COPY = "sana.sy-replica/article-532871"
EDITED = ("alwatan.sy-replica/article-93580", "alwatan.sy-replica/article-93580.v2")
# Files that repeat another gold body word for word (AMP view, the seed folder).
ALIASES = {"alwatan.sy-replica/article-94762.amp", "seed/alwatan-seed"}
# Where each replica keeps its article body; everything else on the page is chrome.
BODY_XPATH = {
    "alwatan.sy-replica": "//div[contains(@class,'entry-content')]",
    "sana.sy-replica": "//div[contains(@class,'news-text')]",
}
# Elements that extraction most often leaks into a body: share bar, tags, related posts, footer.
TAIL_XPATH = {
    "alwatan.sy-replica": "//*[@id='share-buttons-bottom' or contains(@class,'post-bottom-tags')"
    " or @id='related-posts' or @id='check-also-box' or @id='footer' or @id='go-to-top']",
    "sana.sy-replica": "//*[contains(@class,'news-tags') or contains(@class,'news-share')"
    " or contains(@class,'more-news') or contains(@class,'site-footer')"
    " or contains(@class,'to-top')]",
}
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(15)]  # 0.20 ... 0.90

AGENCY_LINE = "ونقلت وكالة الأنباء الرسمية عن مصادر مطلعة تأكيدها هذه المعلومات."
DATELINE = "دمشق - سانا: "
SOURCE_LINE = "المصدر: وكالات"
LEAD_VERBS = ["أعلن", "أكد", "أفاد", "ذكر", "قال"]


def corpus_dir() -> Path:
    env = os.environ.get("KHABAR_CORPUS")
    return Path(env) if env else (ROOT / ".." / "shared" / "corpus").resolve()


def load_bodies(corpus: Path) -> dict[str, str]:
    """Arabic gold bodies keyed by 'site/name', aliases left out."""
    bodies = {}
    for path in sorted(corpus.glob("*/*.gold.txt")):
        key = f"{path.parent.name}/{path.name.removesuffix('.gold.txt')}"
        text = path.read_text(encoding="utf-8").strip()
        if key in ALIASES or arabic_ratio(text) < 0.5:
            continue
        bodies[key] = text
    return bodies


def _text(el) -> str:
    return " ".join(el.text_content().split())


def page_parts(corpus: Path, key: str) -> tuple[str, str] | None:
    """(leaked tail boilerplate, whole-page chrome) of a replica article page, or None."""
    site = key.split("/")[0]
    html_path = corpus / f"{key}.html"
    if site not in BODY_XPATH or not html_path.exists():
        return None
    root = lxml.html.fromstring(html_path.read_bytes())
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    tail = " ".join(_text(el) for el in root.xpath(TAIL_XPATH[site]))
    for el in root.xpath(BODY_XPATH[site]):
        el.drop_tree()
    return tail, _text(root.body)


# --- synthetic agency copies ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")


def rewrite_lead(text: str, n: int) -> str:
    """Reword the first sentence: new reporting verb, every third word dropped, order of the
    two halves swapped (what an agency editor does to a lead)."""
    paras = text.split("\n")
    first, _, rest = paras[0].partition(". ")
    words = first.split()
    kept = [w for i, w in enumerate(words[1:], 1) if i % 3]
    half = len(kept) // 2
    new_first = " ".join([LEAD_VERBS[n % len(LEAD_VERBS)], *kept[half:], *kept[:half]])
    paras[0] = new_first + (". " + rest if rest else "")
    return "\n".join(paras)


def add_agency(text: str) -> str:
    paras = text.split("\n")
    return "\n".join([paras[0], AGENCY_LINE, *paras[1:]])


def drop_agency(text: str) -> str:
    """Remove a clause/paragraph citing an agency, else the last sentence of the first paragraph."""
    cited = re.sub(r"(و?بحسب|وفق|نقلت?)\s+وكال[^،.]*[،.]\s*", "", text, count=1)
    if cited != text:
        return cited
    paras = text.split("\n")
    sentences = _SENTENCE_END.split(paras[0])
    if len(sentences) > 1:
        paras[0] = " ".join(sentences[:-1])
    elif len(paras) > 2:
        del paras[1]
    return "\n".join(paras)


def today(text: str) -> str:
    return re.sub(r"\bأمس\b", "اليوم", text)


def dateline(text: str) -> str:
    return DATELINE + text


def source(text: str) -> str:
    return text + "\n" + SOURCE_LINE


def cut_tail(text: str) -> str:
    paras = text.split("\n")
    return "\n".join(paras[:-1]) if len(paras) > 2 else text


def all_edits(text: str, n: int) -> str:
    return source(dateline(today(add_agency(drop_agency(rewrite_lead(text, n))))))


EDITS = {
    "lead": lambda t, n: rewrite_lead(t, n),
    "agency+": lambda t, n: add_agency(t),
    "agency-": lambda t, n: drop_agency(t),
    "ams>alyawm": lambda t, n: today(t),
    "dateline": lambda t, n: dateline(t),
    "source": lambda t, n: source(t),
    "cut-tail": lambda t, n: cut_tail(t),
    "all": all_edits,
}


# --- pairs ----------------------------------------------------------------------------------------


@dataclass
class Pair:
    a: str
    b: str
    dup: bool
    kind: str


def build(corpus: Path) -> tuple[dict[str, str], list[Pair], dict[str, str]]:
    bodies = load_bodies(corpus)
    docs = dict(bodies)
    pairs: list[Pair] = []
    stories = [k for k in bodies if k not in EDITED[1:]]

    pairs.append(Pair(SEED, SEED_COPY, True, "seed vs SANA copy"))
    pairs.append(Pair(*EDITED, True, "edited re-crawl"))
    for n, key in enumerate(stories):
        for name, edit in EDITS.items():
            copy_key = f"{key}#{name}"
            docs[copy_key] = edit(bodies[key], n)
            if docs[copy_key] != bodies[key]:
                pairs.append(Pair(key, copy_key, True, "synthetic copy"))
    # A copy of one story must not match another story.
    for n, key in enumerate(stories):
        other = stories[(n + 1) % len(stories)]
        if {key, other} != {SEED, SEED_COPY}:
            pairs.append(Pair(other, f"{key}#all", False, "copy vs other story"))

    same_story = {frozenset((SEED, SEED_COPY))}
    for a, b in itertools.combinations(stories, 2):
        if frozenset((a, b)) in same_story:
            continue
        site = "same site" if a.split("/")[0] == b.split("/")[0] else "other site"
        if {a.split("/")[0], b.split("/")[0]} == {"alwatan.sy-replica", "sana.sy-replica"}:
            site = "same site"  # both Syrian desks, same topics
        pairs.append(Pair(a, b, False, f"different story, {site}"))

    # Boilerplate: the same leaked chrome around different stories of one site.
    chrome: dict[str, tuple[str, str]] = {}
    for key in stories:
        parts = page_parts(corpus, key)
        if parts:
            chrome[key] = parts
    for key, (tail, _) in chrome.items():
        docs[f"{key}+tail"] = bodies[key] + "\n" + tail
    for a, b in itertools.combinations(chrome, 2):
        if a.split("/")[0] == b.split("/")[0] and frozenset((a, b)) not in same_story:
            pairs.append(Pair(f"{a}+tail", f"{b}+tail", False, "boilerplate tail, diff story"))
    # The same story with and without leaked chrome is still the same story.
    for key in chrome:
        pairs.append(Pair(key, f"{key}+tail", True, "body vs body+tail"))
    # Stress case (reported, not in F1): whole pages, chrome included, of different stories.
    stress = {}
    for a, b in itertools.combinations(chrome, 2):
        if a.split("/")[0] == b.split("/")[0] and frozenset((a, b)) not in same_story:
            stress[f"{a}|{b}"] = (bodies[a] + " " + chrome[a][1], bodies[b] + " " + chrome[b][1])
    return docs, pairs, stress


def exact_jaccard(x: str, y: str) -> float:
    sx, sy = shingles(x), shingles(y)
    return len(sx & sy) / len(sx | sy) if sx | sy else 1.0


def evaluate(docs, pairs, sigs, threshold: float) -> tuple[float, float, float, int, int, int]:
    index = NearDupIndex(threshold=threshold)
    for key, mh in sigs.items():
        index.add(key, mh)
    tp = fp = fn = 0
    for p in pairs:
        found = p.b in index.query(sigs[p.a]) or p.a in index.query(sigs[p.b])
        tp += found and p.dup
        fp += found and not p.dup
        fn += (not found) and p.dup
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, fp, fn


def main() -> int:
    corpus = corpus_dir()
    if not (corpus / SEED_COPY).with_suffix(".gold.txt").exists():
        print(f"corpus not found at {corpus} (set KHABAR_CORPUS)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    docs, pairs, stress = build(corpus)
    sigs = {k: minhash(v) for k, v in docs.items()}
    n_pos = sum(p.dup for p in pairs)
    print(f"corpus: {corpus}")
    print(
        f"documents: {len(docs)}  pairs: {len(pairs)} ({n_pos} positive, "
        f"{len(pairs) - n_pos} negative)  shingles: word 4-grams over fts_tokens, 128 perm"
    )

    print("\nexact Jaccard by pair category")
    print(f"  {'category':34} {'n':>4} {'min':>6} {'median':>7} {'max':>6}")
    cats: dict[str, list[float]] = {}
    for p in pairs:
        cats.setdefault(f"{'+' if p.dup else '-'} {p.kind}", []).append(
            exact_jaccard(docs[p.a], docs[p.b])
        )
    stress_j = [exact_jaccard(x, y) for x, y in stress.values()]
    if stress_j:
        cats["~ whole pages, diff story (stress)"] = stress_j
    for cat, js in sorted(cats.items()):
        js.sort()
        print(f"  {cat:34} {len(js):4d} {js[0]:6.3f} {js[len(js) // 2]:7.3f} {js[-1]:6.3f}")
    worst_neg = max(j for c, js in cats.items() if c.startswith("-") for j in js)
    weakest_pos = min(j for c, js in cats.items() if c.startswith("+") for j in js)
    print(f"  highest negative {worst_neg:.3f}, lowest positive {weakest_pos:.3f}")

    print("\nthreshold sweep (NearDupIndex: LSH candidates filtered by estimated Jaccard)")
    print(f"  {'t':>5} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}")
    for t in sorted({*THRESHOLDS, NEAR_DUP_THRESHOLD}):
        p, r, f, tp, fp, fn = evaluate(docs, pairs, sigs, t)
        mark = "  <- NEAR_DUP_THRESHOLD" if t == NEAR_DUP_THRESHOLD else ""
        print(f"  {t:5.2f} {p:6.3f} {r:6.3f} {f:6.3f} {tp:4d} {fp:4d} {fn:4d}{mark}")

    p, r, f, tp, fp, fn = evaluate(docs, pairs, sigs, NEAR_DUP_THRESHOLD)
    print(f"\nchosen NEAR_DUP_THRESHOLD={NEAR_DUP_THRESHOLD}: P={p:.3f} R={r:.3f} F1={f:.3f}")
    misses = [
        q
        for q in pairs
        if q.dup
        and q.b
        not in NearDupIndex.from_signatures(
            [(q.b, NearDupIndex.signature_to_bytes(sigs[q.b]))], threshold=NEAR_DUP_THRESHOLD
        ).query(sigs[q.a])
    ]
    for q in misses:
        print(f"  missed: {q.a} ~ {q.b} exact J={exact_jaccard(docs[q.a], docs[q.b]):.3f}")

    exact = exact_jaccard(docs[SEED], docs[SEED_COPY])
    est = sigs[SEED].jaccard(sigs[SEED_COPY])
    print(f"\nseed pair {SEED} ~ {SEED_COPY}:")
    print(f"  exact Jaccard {exact:.3f}, MinHash estimate {est:.3f} (error {est - exact:+.3f})")
    elapsed = time.perf_counter() - t0
    print(f"\n{len(docs)} signatures + {len(THRESHOLDS) + 1} sweeps in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
