"""Layout fuzzer bench: khabar vs plain trafilatura on generated Arabic article pages.

Usage: python bench/layouts.py [--n 1000] [--seed 1] [--families old|new|all]
       [--family NAME ...] [--show-failures K] [--versus-trafilatura]

Pages come from bench/layoutgen with randomised class names and gold. `--families old` (the
default) is the first round's 17 CMS families (WordPress Jannah/tagDiv/JNews/classic, Drupal 7/9,
Joomla, Blogger, ASP.NET WebForms, a windows-1256 table layout, Next.js with JSON-LD only, AMP,
Egyptian, Maghrebi, Gulf, Levantine-PHP and Saudi portals): the same pages for a seed as before
issue 16, so tables stay comparable. `--families new` is issue 16's 22 families (live blog,
opinion column, JS-framework hydration, AEM/Sitecore/Liferay/SharePoint, Hugo/Jekyll, agency
wires, site clocks, Hijri/regional-month date traps, author and section traps, and Sorani, Persian,
Urdu, Pashto and Uyghur pages); `all` both. khabar runs generic (default ExtractionRules, no
per-site config, no HTTP charset); trafilatura is `bare_extraction(with_metadata=True)` as in
bench/extraction.py. `--versus-trafilatura` adds every page's body F1 beside trafilatura's and
the pages where ours is lower by more than 0.05 (bench/extraction.py's view and function).

Scores, per family and overall:
- published: same instant when the page declares an offset; same wall time when it shows a
  time but no offset; same day when it shows a date only (trafilatura returns a day: scored on
  the day);
- published "local" (issue 16: a wall time shown on a ccTLD site): the same instant, the
  country's zone being the only way to it;
- title exact, author/section/kicker exact where the gold has one (NFC, harakat and tatweel
  removed, whitespace collapsed, edge punctuation stripped);
- language (tables with issue 16's families): the detected language is the gold's (ar, ckb,
  fa, ur, ps, ug); trafilatura detects none: "–";
- body token F1 (tests/support/metrics.py) mean and lowest; ms/page.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# This tree's crawler, unless PYTHONPATH names another tree to measure (an extractor branch):
# after the PYTHONPATH entries, before site-packages (which may hold an editable install).
_given = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
sys.path.insert(1 + len(_given), str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import format_versus, traf_fields  # noqa: E402
from layoutgen import ALL_FAMILIES, FAMILIES, ROUND2, GeneratedPage, generate  # noqa: E402

from crawler.extract.article import extract_article  # noqa: E402
from crawler.extract.rules import ExtractionRules  # noqa: E402
from tests.support.metrics import token_f1  # noqa: E402

FIELDS = ("published", "title", "author", "section", "kicker")
ROUND2_FIELDS = (*FIELDS, "language")
FAMILY_SETS = {"old": list(FAMILIES), "new": list(ROUND2), "all": list(ALL_FAMILIES)}
MARKS = re.compile("[\u0640\u064b-\u0652\u0670]")
EDGE = " \t\n:：-–—|/،,.()«»\"'"


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = MARKS.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split()).strip(EDGE) or None


def same_published(ours: str | None, gold: dict[str, Any]) -> bool:
    if not ours:
        return False
    want = datetime.fromisoformat(gold["published_at"])
    try:
        got = datetime.fromisoformat(ours.replace("Z", "+00:00"))
    except ValueError:
        return False
    if len(ours) == 10 or gold["published_precision"] == "day":  # "local" is an instant
        return got.date() == want.date()
    if gold["published_precision"] == "minute" or got.tzinfo is None:
        wall = got.replace(tzinfo=None, second=0, microsecond=0)
        return wall == want.replace(tzinfo=None, second=0, microsecond=0)
    return got == want


def khabar(page: GeneratedPage) -> dict[str, Any]:
    art = extract_article(page.html, page.url, ExtractionRules())
    return dict(art, published=art["published_at"])


def trafilatura(page: GeneratedPage) -> dict[str, Any]:
    return traf_fields(page.html, page.url)


EXTRACTORS: dict[str, Callable[[GeneratedPage], dict[str, Any]]] = {
    "khabar": khabar,
    "trafilatura": trafilatura,
}


def score(page: GeneratedPage, got: dict[str, Any]) -> dict[str, Any]:
    """Per-field booleans (only where scored) and the body F1 of one page."""
    gold = page.gold
    row: dict[str, Any] = {"published": same_published(got.get("published"), gold)}
    row["title"] = norm(got.get("title")) == norm(gold["title"])
    for key in ("author", "section", "kicker"):
        if gold[key] is not None:
            row[key] = norm(got.get(key)) == norm(gold[key])
        elif key != "kicker":  # no byline/section on the page: a value is a false one
            row[f"{key}_absent"] = not norm(got.get(key))
    if "language" in got:  # trafilatura detects none
        row["language"] = got["language"] == gold["language"]
    row["f1"] = token_f1(got.get("body") or "", "\n".join(gold["body"]))
    return row


def run(
    pages: Iterable[GeneratedPage], extractors: Iterable[str] = tuple(EXTRACTORS)
) -> dict[str, list[dict[str, Any]]]:
    """One row per page and extractor: family, url, scores, what was found, ms."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in extractors}
    for page in pages:
        for name in results:
            t0 = time.perf_counter()
            got = EXTRACTORS[name](page)
            ms = (time.perf_counter() - t0) * 1000
            row = score(page, got)
            row.update(family=page.family, url=page.url, ms=ms, got=got, gold=page.gold)
            results[name].append(row)
    return results


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"pages": len(rows)}
    for key in ROUND2_FIELDS:
        scored = [r[key] for r in rows if key in r]
        out[key] = (sum(scored), len(scored))
    f1s = [r["f1"] for r in rows]
    out["f1_mean"] = statistics.mean(f1s) if f1s else 0.0
    out["f1_min"] = min(f1s) if f1s else 0.0
    out["ms"] = statistics.mean(r["ms"] for r in rows) if rows else 0.0
    return out


def by_family(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["family"]].append(row)
    table = {family: summarise(groups[family]) for family in ALL_FAMILIES if family in groups}
    table["ALL"] = summarise(rows)
    return table


def pct(hit_total: tuple[int, int]) -> str:
    hit, total = hit_total
    return f"{100 * hit / total:.1f}% ({hit}/{total})" if total else "–"


def fields_of(results: dict[str, list[dict[str, Any]]]) -> tuple[str, ...]:
    """The first round's columns; with language for tables holding issue 16's families."""
    rows = next(iter(results.values()))
    return ROUND2_FIELDS if any(r["family"] in ROUND2 for r in rows) else FIELDS


def format_table(results: dict[str, list[dict[str, Any]]]) -> str:
    names = list(results)
    fields = fields_of(results)
    tables = {name: by_family(rows) for name, rows in results.items()}
    head = ["family", "pages"]
    for key in (*fields, "body F1 mean (min)", "ms/page"):
        head += [f"{key} {name}" for name in names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for family, first in tables[names[0]].items():
        cells = [family, str(first["pages"])]
        for key in fields:
            cells += [pct(tables[n][family][key]) for n in names]
        cells += [
            f"{tables[n][family]['f1_mean']:.3f} ({tables[n][family]['f1_min']:.2f})" for n in names
        ]
        cells += [f"{tables[n][family]['ms']:.0f}" for n in names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def placement_table(results: dict[str, list[dict[str, Any]]]) -> str:
    """Accuracy by where the page puts the field (header, body's first line, metadata only…)."""
    names = list(results)
    lines = [
        "| field | placement | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for key in ("published", "author", "section", "author_absent", "section_absent"):
        field = key.split("_")[0]
        label = f"{field}: None when the page has none" if key != field else key
        modes = sorted({r["gold"]["placement"][field] for r in results[names[0]] if key in r})
        for mode in modes:
            cells = []
            for name in names:
                scored = [
                    r[key]
                    for r in results[name]
                    if key in r and r["gold"]["placement"][field] == mode
                ]
                cells.append(pct((sum(scored), len(scored))))
            lines.append(f"| {label} | {mode} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def versus_trafilatura(results: dict[str, list[dict[str, Any]]]) -> str:
    """Per page khabar's body F1 beside trafilatura's; the pages where ours is lower."""
    pairs = [
        (f"[{o['family']}] {o['url']}", o["f1"], t["f1"])
        for o, t in zip(results["khabar"], results["trafilatura"], strict=True)
    ]
    return format_versus(pairs, "khabar")


def failures(rows: list[dict[str, Any]], limit: int) -> str:
    """Up to `limit` failing pages per field: family, url, gold, what was found."""
    out = []
    for key in (*ROUND2_FIELDS, "body"):
        bad = [r for r in rows if (r["f1"] < 0.9 if key == "body" else r.get(key) is False)]
        out.append(f"\n## {key}: {len(bad)} failing")
        for r in bad[:limit]:
            if key == "body":
                want, got = (
                    f"F1 {r['f1']:.2f}",
                    (r["got"].get("body") or "")[:160].replace("\n", " ⏎ "),
                )
            elif key == "language":
                want, got = r["gold"]["language"], r["got"].get("language")
            elif key == "published":
                gold = r["gold"]
                want = f"{gold['published_at']} ({gold['published_precision']}; shown"
                want += f" {gold['published_forms']})"
                got = r["got"].get("published")
            else:
                want, got = r["gold"][key], r["got"].get(key)
            out.append(f"- [{r['family']}] {r['url']}\n    gold: {want}\n    got:  {got}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="pages to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--families",
        choices=list(FAMILY_SETS),
        default="old",
        help="old: the first round's 17 (default, comparable run to run); new: issue 16's; all",
    )
    parser.add_argument(
        "--family", action="append", choices=list(ALL_FAMILIES), help="only these families"
    )
    parser.add_argument(
        "--show-failures",
        type=int,
        default=0,
        metavar="K",
        help="list K failing pages per field (khabar)",
    )
    parser.add_argument("--no-trafilatura", action="store_true", help="score khabar only")
    parser.add_argument(
        "--versus-trafilatura",
        action="store_true",
        help="per page body F1 beside trafilatura's; list pages where ours is lower by > 0.05",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.versus_trafilatura and args.no_trafilatura:
        parser.error("--versus-trafilatura needs trafilatura's run: drop --no-trafilatura")
    families = args.family or FAMILY_SETS[args.families]
    pages = generate(args.seed, args.n, families)
    extractors = ("khabar",) if args.no_trafilatura else tuple(EXTRACTORS)
    results = run(pages, extractors)
    print(f"{args.n} generated pages, seed {args.seed}, families: {', '.join(families)}\n")
    print(format_table(results))
    print()
    print(placement_table(results))
    if args.show_failures:
        print(failures(results["khabar"], args.show_failures))
    if args.versus_trafilatura:
        print(versus_trafilatura(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
