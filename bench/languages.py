"""Language identification bench: khabar's detector (py3langid on Arabic-script text) against
hand-written rules (the letters only one language writes, then Persian against Arabic by
function words: khabar's rule before issue 16, extended to Kurdish, Pashto and Uyghur).

Usage: python bench/languages.py [--seed N] [--pages N]

Three labelled sets, each scored by language (ar fa ur ckb ps ug):
- own: tests/support/language_samples.py, paragraphs, site variants (Arabic typed with ی ک,
  older Sorani spelling) and headlines composed for the test suite, each with a declared
  language that is right, absent or wrong;
- corpus: every corpus page whose gold records its language (the body khabar extracts);
- fuzzer: the bodies khabar extracts from bench/layoutgen's language families and Arabic
  families (text written by another hand, for that generator).
A third column, "declared first", is khabar's detector trusting a declared Arabic-script
language over the text: what the page declares is a theme's default too often.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from layoutgen import generate  # noqa: E402

from crawler.arabic import arabic_ratio  # noqa: E402
from crawler.extract.article import extract_article  # noqa: E402
from crawler.extract.language import declared_language, detect_language  # noqa: E402
from crawler.extract.page import Page, parse_html  # noqa: E402
from crawler.extract.rules import ExtractionRules  # noqa: E402
from tests.support.language_samples import Sample, corpus_samples, samples  # noqa: E402

LANGUAGES = ("ar", "fa", "ur", "ckb", "ps", "ug")
OWN_KINDS = ("paragraph", "variant", "headline")
FUZZER_FAMILIES = ("lang_ckb", "lang_fa", "lang_ur", "lang_ps", "lang_ug", "jannah", "amp")

# --- the hand-written alternative -------------------------------------------------------------
ONLY_IN = {
    "ur": frozenset("ےںٹڈڑۓ"),
    "ps": frozenset("ټډړږښګڼځڅۍ"),
    "ckb": frozenset("ێڵڕ"),
    "ug": frozenset("ۇۈۋڭ"),
}
KURDISH_OR_UYGHUR = frozenset("ەۆ")
_WORD = re.compile(r"[^\W_]+")
_PERSIAN_WORDS = frozenset(
    "است مي هاي اين را كه از با در براي شده شد بود ها يك ان نيز كرد تا هم اما ميشود ميكند".split()
)
_ARABIC_WORDS = frozenset(
    "في على الي عن التي الذي ان هذا هذه مع قد كان ذلك او لا ما الا كما بين حيث وقال وفي".split()
)
_FOLD = str.maketrans({"ی": "ي", "ک": "ك", "\u200c": " "})
_FOLD.update(dict.fromkeys(range(0x064B, 0x0660)))


def looks_persian(text: str) -> bool:
    """khabar's Persian rule before issue 16: function words, else Persian-only letters."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).translate(_FOLD))
    fa = sum(1 for w in words if w in _PERSIAN_WORDS)
    ar = sum(1 for w in words if w.replace("أ", "ا").replace("إ", "ا") in _ARABIC_WORDS)
    if fa + ar >= 3:
        return fa > 2 * ar
    fa_letters = sum(1 for ch in text if ch in "پچژگ")
    return fa_letters > 0 and fa_letters >= sum(1 for ch in text if ch in "ةى")


def by_rules(text: str, declared: str | None) -> str | None:
    sample = text[:1500]
    if not sample.strip() or arabic_ratio(sample) < 0.5:
        return detect_language(sample, declared)
    counts = {lang: sum(c in letters for c in sample) for lang, letters in ONLY_IN.items()}
    best = max(counts, key=counts.__getitem__)
    if counts[best]:
        return best
    if any(c in KURDISH_OR_UYGHUR for c in sample):
        return "ckb"
    return "fa" if looks_persian(sample) else "ar"


def declared_first(text: str, declared: str | None) -> str | None:
    code = (declared or "").split("-")[0].lower()
    code = {"ku": "ckb"}.get(code, code)
    return code if code in LANGUAGES else detect_language(text, declared)


def khabar(text: str, declared: str | None) -> str | None:
    return detect_language(text, declared)


APPROACHES: dict[str, Callable[[str, str | None], str | None]] = {
    "khabar (py3langid)": khabar,
    "rules": by_rules,
    "declared first": declared_first,
}


def fuzzer_samples(seed: int, pages: int) -> list[Sample]:
    out = []
    for page in generate(seed, pages, list(FUZZER_FAMILIES)):
        art = extract_article(page.html, page.url)
        tree = parse_html(page.html.decode(page.encoding))
        declared = declared_language(Page.build(tree, page.url, ExtractionRules())) or ""
        out.append(Sample(page.gold["language"], art["body"], declared, page.family))
    return out


def table(sets: dict[str, list[Sample]]) -> str:
    head = ["set", "approach", *LANGUAGES, "all"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, items in sets.items():
        for approach, detect in APPROACHES.items():
            right, total = Counter(), Counter()
            for s in items:
                total[s.language] += 1
                right[s.language] += detect(s.text, s.declared or None) == s.language
            cells = [f"{right[lang]}/{total[lang]}" if total[lang] else "–" for lang in LANGUAGES]
            cells.append(f"{sum(right.values())}/{sum(total.values())}")
            lines.append(f"| {name} | {approach} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=16, help="seed of the own and fuzzer sets")
    parser.add_argument("--pages", type=int, default=140, help="fuzzer pages")
    args = parser.parse_args(argv)
    corpus = Path(os.environ.get("KHABAR_CORPUS") or ROOT.parent / "shared" / "corpus")
    own = samples(args.seed)
    sets = {f"own {kind}s": [s for s in own if s.kind == kind] for kind in OWN_KINDS}
    if corpus.is_dir():
        sets["corpus"] = corpus_samples(corpus)
    else:
        print(f"corpus not found at {corpus} (set KHABAR_CORPUS): corpus set skipped")
    sets["fuzzer"] = fuzzer_samples(args.seed, args.pages)
    print(table(sets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
