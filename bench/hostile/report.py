"""Running many cases two at a time, and the table by kind the bench prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from bench.hostile.harness import CATEGORIES, Case, Result, run_case

HEADINGS = {
    "traceback": "tracebacks",
    "hang": "hangs",
    "exit0": "exit 0 on failure",
    "rows": "rows lost/wrong",
    "other": "other",
}


def run_all(
    cases: Iterable[Case],
    jobs: int = 2,
    workdir: Path | None = None,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Every case in its own scratch folder, ``jobs`` at a time; results in the cases' order."""
    cases = list(cases)
    results: dict[int, Result] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(run_case, case, workdir): i for i, case in enumerate(cases)}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if progress is not None:
                progress(result)
    return [results[i] for i in range(len(cases))]


def table_rows(results: list[Result]) -> list[dict[str, object]]:
    """One row per kind (in first-seen order) and a TOTAL: cases, failed, then each category
    (cases with a traceback, a hang, exit 0 on failure, other problems; rows lost or wrong)."""
    rows: dict[str, dict[str, object]] = {}
    for res in [*results]:
        for kind in (res.case.kind, "TOTAL"):
            row = rows.setdefault(
                kind, {"kind": kind, "cases": 0, "failed": 0, **dict.fromkeys(CATEGORIES, 0)}
            )
            row["cases"] = int(row["cases"]) + 1  # type: ignore[call-overload]
            row["failed"] = int(row["failed"]) + (not res.ok)  # type: ignore[call-overload]
            for category in CATEGORIES:
                row[category] = int(row[category]) + res.count(category)  # type: ignore[call-overload]
    total = rows.pop("TOTAL", None)
    return [*rows.values(), *([total] if total else [])]


def format_table(rows: list[dict[str, object]]) -> str:
    keys = ("kind", "cases", "failed", *CATEGORIES)
    heads = ("kind", "cases", "failed", *(HEADINGS[c] for c in CATEGORIES))
    widths = [
        max(len(h), *(len(str(r[k])) for r in rows)) for h, k in zip(heads, keys, strict=True)
    ]
    out = [" | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    for row in rows:
        cells = [str(row[k]) for k in keys]
        out.append(
            " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )
    return "\n".join(out)


def failure_line(res: Result) -> str:
    """One line per failing case: name, kind, the review's defect, and what went wrong."""
    defect = f" {res.case.defect}" if res.case.defect else ""
    what = "; ".join(p.text for p in res.problems)
    return f"FAIL {res.case.name} [{res.case.kind}{defect}] ({res.seconds:.1f}s): {what}"


def as_json(res: Result) -> dict[str, object]:
    return {
        "name": res.case.name,
        "kind": res.case.kind,
        "defect": res.case.defect,
        "ok": res.ok,
        "exit": res.code,
        "seconds": round(res.seconds, 2),
        "problems": [
            {"category": p.category, "text": p.text, "rows": p.rows} for p in res.problems
        ],
    }
