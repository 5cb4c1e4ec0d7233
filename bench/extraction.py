"""Extraction bench: khabar vs plain trafilatura on every corpus page with gold.

Usage: python bench/extraction.py [--generic] [--versus-trafilatura] [--json PATH] [--repeat N]

--generic also runs khabar with every site's `extraction:` rules off (title suffixes,
boilerplate, selectors; the site's locale, timezone and display name stay: they are site facts,
not extraction rules) and prints it beside the tuned run, with a leave-one-site-out view: each
site's pages with that site's rules off; and "unconfigured", with no site facts either (no
locale, timezone or display name: `khabar extract` on a URL config.yaml does not know), which
shows whether the site's clock is found from the page and its domain. A site's rules only
ever apply to its own pages (rules are chosen by URL), so leaving site X out is exactly the
generic run on X's pages; the view shows which sites would come out wrong if a user added them
without a line of config.

Corpus: $KHABAR_CORPUS, else ../shared/corpus next to the project root. Pages: the real Arabic
pages with .gold.json/.gold.txt (MANIFEST.tsv), every alwatan/sana replica article, and the seed
(seed/alwatan-seed.gold.* scored against the replica's article-94762.html).

Metrics, only where the gold covers them (each gold.json's _gold_type):
- body: token F1 (whitespace tokens after NFC) of gold.txt vs our body, for "full body" golds;
  golds with must-include/must-exclude fragments (`with`/`without`, assabah) are also scored as
  snippet recall (fraction of `with` present and `without` absent);
- exact match (whitespace collapsed, NFC) for title, author, section, kicker where the gold has
  the key (null included: "no byline shown" is a value). Declared beats nothing: where the gold
  has no displayed author/section but records a declared one (author_declared,
  section_declared), the declared value is expected;
- published: same instant when the gold has an offset; same local wall time (site zone) when it
  has a time without offset; same local date when it is a bare date;
- Persian pages (language fa in gold): the detected language instead of F1.
--versus-trafilatura adds, for each khabar run, every page's body F1 beside plain
trafilatura's on the same page and the list of pages where ours is lower by more than 0.05
(bench/layouts.py prints the same view for generated pages, with the same function).

Writes bench/results/extraction.json and prints its path. Like bench/layouts.py it measures
the crawler of the tree named first on PYTHONPATH, else this tree's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
# This tree's crawler, unless PYTHONPATH names another tree to measure (an extractor branch):
# after the PYTHONPATH entries, before site-packages (which may hold an editable install).
_given = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
if str(ROOT) not in sys.path:
    sys.path.insert(1 + len(_given), str(ROOT))

from crawler.extract.article import extract_article  # noqa: E402
from crawler.extract.rules import ExtractionRules  # noqa: E402
from tests.support.metrics import token_f1  # noqa: E402

SCORED_FIELDS = ("title", "author", "section", "kicker", "published")
VERSUS_MARGIN = 0.05  # "never clearly worse than trafilatura": ours lower by more is listed


def corpus_dir() -> Path:
    return Path(os.environ.get("KHABAR_CORPUS") or ROOT.parent / "shared" / "corpus")


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split())


def snippet_recall(body: str, gold: dict[str, Any]) -> float | None:
    withs, withouts = gold.get("with") or [], gold.get("without") or []
    if not withs and not withouts:
        return None
    text = norm(body) or ""
    hits = sum(norm(s) in text for s in withs) + sum(norm(s) not in text for s in withouts)
    return hits / (len(withs) + len(withouts))


def same_published(ours: str | None, gold: str | None, tz: str | None) -> bool:
    """Instant when the gold has an offset, local wall time/date in the site zone otherwise
    (`tz` None: a site config.yaml does not know, whose wall time is our value's own). A value
    of ours without an offset (a floating local time) is never the same instant."""
    if ours is None or gold is None:
        return ours == gold
    gold = gold.strip().replace(" ", "T", 1)
    mine = datetime.fromisoformat(ours)
    if mine.tzinfo is not None and tz:
        mine = mine.astimezone(ZoneInfo(tz))
    if len(gold) == 10:
        return mine.date().isoformat() == gold
    g = datetime.fromisoformat(gold.replace("Z", "+00:00"))
    if g.tzinfo is None:
        local = mine.replace(tzinfo=None, second=0, microsecond=0)
        return local == g.replace(second=0, microsecond=0)
    return mine.tzinfo is not None and mine == g


@dataclass
class Case:
    name: str
    html: Path
    url: str
    gold_json: dict[str, Any]
    gold_txt: str | None


def load_cases(corpus: Path) -> list[Case]:
    cases = []
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            path = row["local_path"]
            if row["kind"] != "article" or row["has_gold"] != "yes" or path.startswith("_"):
                continue
            html = corpus / path
            stem = html.with_suffix("")
            gj, gt = Path(f"{stem}.gold.json"), Path(f"{stem}.gold.txt")
            gold = json.loads(gj.read_text(encoding="utf-8")) if gj.exists() else {}
            cases.append(
                Case(
                    path,
                    html,
                    row["original_url"],
                    gold,
                    gt.read_text(encoding="utf-8") if gt.exists() else None,
                )
            )
    seed = corpus / "seed" / "alwatan-seed"
    if Path(f"{seed}.gold.json").exists():
        cases.append(
            Case(
                "seed (alwatan 94762)",
                corpus / "alwatan.sy-replica" / "article-94762.html",
                "https://alwatan.sy/archives/94762",
                json.loads(Path(f"{seed}.gold.json").read_text(encoding="utf-8")),
                Path(f"{seed}.gold.txt").read_text(encoding="utf-8"),
            )
        )
    return cases


def site_of(url: str) -> Any:
    try:
        from crawler.config import load_config

        return load_config(ROOT / "config.yaml").site_for_url(url)
    except Exception as exc:  # the bench still runs on defaults
        print(f"config not usable ({exc}); default rules", file=sys.stderr)
    return None


def rules_for(url: str, *, generic: bool = False, unconfigured: bool = False) -> ExtractionRules:
    """The site's rules; with `generic`, only its locale, timezone and display name; with
    `unconfigured`, none at all (what `khabar extract` does for a URL no config entry knows)."""
    site = site_of(url)
    if site is None or unconfigured:
        return ExtractionRules()
    if generic:
        tuned = site.extraction
        return ExtractionRules(
            locale=tuned.locale, timezone=tuned.timezone, site_name=tuned.site_name
        )
    return site.extraction


def gold_value(gold: dict[str, Any], key: str) -> tuple[bool, Any]:
    """(scored?, value) of a gold field."""
    if key == "published":
        value = gold.get("published") or gold.get("publishing_date")
        return value is not None, value
    if key == "title":
        return bool(gold.get("title")), gold.get("title")
    if key == "kicker":
        return bool(gold.get("kicker")), gold.get("kicker")
    if key in gold and "_gold_type" in gold and "newspaper4k" not in gold["_gold_type"]:
        declared = gold.get(f"{key}_declared")
        if gold[key] is None and declared and not _is_the_site(declared, gold.get("url", "")):
            return True, declared
        return True, gold[key]
    return False, None


def _is_the_site(name: str, url: str) -> bool:
    """A declared author that is the site itself ('Sputnik' on Sputnik Arabic) names nobody."""
    site = site_of(url)
    names = [site.display_name.lower()] if site else []
    names += (urlsplit(url).hostname or "").lower().split(".")
    low = name.lower()
    return any(low in n or n in low for n in names if len(n) > 3)


def full_body(gold: dict[str, Any]) -> bool:
    kind = gold.get("_gold_type", "")
    if not gold:  # a bare .gold.txt: magic-html full-body gold (MANIFEST/README)
        return True
    return "full body" in kind or "body sections" in kind or "newspaper4k" in kind


def traf_fields(raw: bytes, url: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return {"body": "", "title": None, "author": None, "section": None, "published": None}
    cats = getattr(doc, "categories", None) or []
    return {
        "body": doc.text or "",
        "title": doc.title,
        "author": doc.author,
        "section": cats[0] if cats else None,
        "published": doc.date,
        "kicker": None,
    }


def score(case: Case, ours: dict[str, Any], tz: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {"page": case.name}
    gold = case.gold_json
    if gold.get("language") == "fa":
        row["language"] = ours.get("language")
        row["language_ok"] = ours.get("language") == "fa"
        return row
    if case.gold_txt is not None and full_body(gold):
        row["f1"] = round(token_f1(ours["body"], case.gold_txt), 4)
        row["exact_body"] = [norm(x) for x in ours["body"].split("\n")] == [
            norm(x) for x in case.gold_txt.strip().split("\n")
        ]
    rec = snippet_recall(ours["body"], gold)
    if rec is not None:
        row["snippets"] = rec
    for key in SCORED_FIELDS:
        scored, value = gold_value(gold, key)
        if not scored:
            continue
        if key == "published":
            mine = ours.get("published")
            if mine and len(mine) == 10:  # plain trafilatura gives a date only
                row[key] = mine == (value.strip()[:10])
            else:
                row[key] = same_published(mine, value, tz)
        else:
            row[key] = norm(ours.get(key)) == norm(value)
    return row


def run(repeat: int = 1, *, generic: bool = False) -> dict[str, Any]:
    """Tuned khabar and plain trafilatura on every page; with `generic`, generic khabar too."""
    corpus = corpus_dir()
    if not (corpus / "MANIFEST.tsv").exists():
        raise SystemExit(f"corpus not found at {corpus} (set KHABAR_CORPUS)")
    runs = ("khabar", "khabar-generic", "khabar-unconfigured") if generic else ("khabar",)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in (*runs, "trafilatura")}
    timings: dict[str, list[float]] = {name: [] for name in results}
    for case in load_cases(corpus):
        raw = case.html.read_bytes()
        rules = rules_for(case.url)
        for name in runs:
            mode_rules = rules_for(
                case.url,
                generic=name == "khabar-generic",
                unconfigured=name == "khabar-unconfigured",
            )
            for _ in range(repeat):
                t0 = time.perf_counter()
                art = extract_article(raw, case.url, mode_rules)
                timings[name].append((time.perf_counter() - t0) * 1000)
            ours = dict(art, published=art["published_at"])
            row = score(case, ours, rules.timezone)
            site = site_of(case.url)
            row.update(
                site=site.name if site else case.name.split("/")[0],
                ours_language=art["language"],
                field_sources=art["field_sources"],
                body_method=art.get("body_method"),
            )
            results[name].append(row)
        for _ in range(repeat):
            t0 = time.perf_counter()
            tf = traf_fields(raw, case.url)
            timings["trafilatura"].append((time.perf_counter() - t0) * 1000)
        tf["language"] = None
        results["trafilatura"].append(score(case, tf, rules.timezone))
    summary = {name: summarise(rows) for name, rows in results.items()}
    for name in summary:
        summary[name]["ms_per_page"] = round(statistics.mean(timings[name]), 1)
    report: dict[str, Any] = {"corpus": str(corpus), "pages": results, "summary": summary}
    if generic:
        report["leave_one_site_out"] = leave_one_site_out(results["khabar-generic"])
    return report


def leave_one_site_out(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per site: the generic run's figures on that site's pages (its rules left out)."""
    sites: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        sites.setdefault(row["site"], []).append(row)
    return {site: summarise(site_rows) for site, site_rows in sorted(sites.items())}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    f1s = [r["f1"] for r in rows if "f1" in r]
    arabic = [
        r["f1"]
        for r in rows
        if "f1" in r and "replica" not in r["page"] and not r["page"].startswith("seed")
    ]
    if f1s:
        out["mean_f1"] = round(statistics.mean(f1s), 4)
        out["min_f1"] = round(min(f1s), 4)
        out["pages_f1"] = len(f1s)
    if arabic:
        out["mean_f1_real_sites"] = round(statistics.mean(arabic), 4)
        out["min_f1_real_sites"] = round(min(arabic), 4)
    out["exact_bodies"] = sum(1 for r in rows if r.get("exact_body"))
    for key in (*SCORED_FIELDS, "language_ok"):
        vals = [r[key] for r in rows if key in r]
        if vals:
            out[key] = {
                "right": sum(vals),
                "of": len(vals),
                "rate": round(sum(vals) / len(vals), 3),
            }
    return out


def mark(row: dict[str, Any], key: str) -> str:
    if key not in row:
        return "  -"
    return "  ✓" if row[key] else "  ✗"


def print_table(report: dict[str, Any]) -> None:
    cols = ("title", "author", "section", "kicker", "published")
    head = f"{'page':58} {'F1 kh':>6} {'F1 tf':>6} " + " ".join(f"{c[:5]:>5}" for c in cols)
    mode = "generic khabar" if "khabar-generic" in report["pages"] else "khabar"
    print(head + f"   ({mode} fields; trafilatura in brackets)")
    ours_rows = report["pages"].get("khabar-generic") or report["pages"]["khabar"]
    for ours, tf in zip(ours_rows, report["pages"]["trafilatura"], strict=True):
        if "language" in ours:
            print(
                f"{ours['page'][:58]:58} language={ours['language']} (Persian: rejected "
                f"as not Arabic = {ours['language_ok']})"
            )
            continue
        f1 = f"{ours['f1']:.3f}" if "f1" in ours else "  -  "
        tf1 = f"{tf['f1']:.3f}" if "f1" in tf else "  -  "
        marks = " ".join(f"{mark(ours, c).strip()}({mark(tf, c).strip()})".rjust(5) for c in cols)
        extra = (
            f"  snippets={ours['snippets']:.2f}({tf['snippets']:.2f})" if "snippets" in ours else ""
        )
        print(f"{ours['page'][:58]:58} {f1:>6} {tf1:>6} {marks}{extra}")
    for name, summ in report["summary"].items():
        print(f"\n{name}: " + json.dumps(summ, ensure_ascii=False))
    print_side_by_side(report)


def _cell(summ: dict[str, Any], key: str) -> str:
    if key == "f1":
        return f"{summ['mean_f1']:.4f} ({summ['min_f1']:.3f})" if "mean_f1" in summ else "-"
    if key == "ms":
        return f"{summ['ms_per_page']}" if "ms_per_page" in summ else "-"
    value = summ.get(key)
    return f"{value['right']}/{value['of']}" if value else "-"


def print_side_by_side(report: dict[str, Any]) -> None:
    """Tuned, generic and trafilatura per field; then leave-one-site-out, one row per site."""
    keys = ("title", "author", "section", "kicker", "published", "f1", "ms")
    names = list(report["summary"])
    print("\n| field | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for key in keys:
        label = {"f1": "body F1 mean (min)", "ms": "ms/page"}.get(key, key)
        cells = " | ".join(_cell(report["summary"][n], key) for n in names)
        print(f"| {label} | {cells} |")
    loso = report.get("leave_one_site_out")
    if not loso:
        return
    print("\nleave-one-site-out (each site's pages, its extraction: rules off)")
    print("| site | " + " | ".join(keys[:-1]) + " |")
    print("|---|" + "---|" * (len(keys) - 1))
    for site, summ in loso.items():
        print(f"| {site} | " + " | ".join(_cell(summ, k) for k in keys[:-1]) + " |")


def behind_trafilatura(
    pairs: list[tuple[str, float, float]], margin: float = VERSUS_MARGIN
) -> list[tuple[str, float, float]]:
    """The (page, ours, trafilatura's) body F1s where ours is lower by more than `margin`,
    worst first."""
    behind = [p for p in pairs if round(p[2] - p[1], 4) > margin]
    return sorted(behind, key=lambda p: p[1] - p[2])


def format_versus(
    pairs: list[tuple[str, float, float]], label: str, margin: float = VERSUS_MARGIN
) -> str:
    """Per page our body F1 beside trafilatura's, then every page where ours is lower."""
    lines = [f"\n## body F1 per page: {label} vs trafilatura", "| page | ours | trafilatura | Δ |"]
    lines.append("|---|---|---|---|")
    lines += [f"| {n} | {o:.3f} | {t:.3f} | {o - t:+.3f} |" for n, o, t in pairs]
    behind = behind_trafilatura(pairs, margin)
    mean_ours = statistics.mean(o for _, o, _ in pairs) if pairs else 0.0
    mean_tf = statistics.mean(t for _, _, t in pairs) if pairs else 0.0
    lines.append(
        f"\n{label}: body F1 mean {mean_ours:.4f} vs trafilatura {mean_tf:.4f} on {len(pairs)}"
        f" pages; ours lower by more than {margin} on {len(behind)}:"
    )
    lines += [f"- {n}: ours {o:.3f}, trafilatura {t:.3f} ({o - t:+.3f})" for n, o, t in behind]
    return "\n".join(lines)


def print_versus(report: dict[str, Any]) -> None:
    theirs = report["pages"]["trafilatura"]
    for name in ("khabar", "khabar-generic"):
        ours = report["pages"].get(name)
        if ours is None:
            continue
        pairs = [
            (o["page"], o["f1"], t["f1"])
            for o, t in zip(ours, theirs, strict=True)
            if "f1" in o and "f1" in t
        ]
        print(format_versus(pairs, name))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "extraction.json"))
    ap.add_argument("--repeat", type=int, default=1, help="timing repetitions per page")
    ap.add_argument(
        "--generic",
        action="store_true",
        help="also run with every site's extraction: rules off, and leave-one-site-out",
    )
    ap.add_argument(
        "--versus-trafilatura",
        action="store_true",
        help="per page body F1 beside trafilatura's; list pages where ours is lower by > 0.05",
    )
    args = ap.parse_args(argv)
    report = run(args.repeat, generic=args.generic)
    print_table(report)
    if args.versus_trafilatura:
        print_versus(report)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
