"""Run the real crawler over the generated fault site and print what happened to each fault.

Two `scrapy crawl faulty` runs (the second turns two known articles into 404/410) go through
the fault-injecting replay proxy on 127.0.0.1 (tests/support/faults.py describes every case).
Then the operational faults (tests/support/ops_faults.py): a disk that fills mid-crawl, a
read-only database, a second scheduler daemon on one database, a crawl killed with kill -9
(vanished run), each followed by a healthy run that must complete the set.
Prints one line per fault kind — cases tried, handled as specified, rows lost, rows duplicated
— then any case not handled as specified, and writes bench/results/faults.json.

Run: .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.faults import (  # noqa: E402
    build_fault_site,
    evaluate_all,
    format_table,
    run_fault_crawls,
    summary_table,
    unexpected_rows,
)
from tests.support.ops_faults import run_ops_faults  # noqa: E402


def main() -> int:
    site = build_fault_site()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="khabar-faults-") as tmp:
        crawls = run_fault_crawls(site, Path(tmp))
        ops = run_ops_faults(Path(tmp))
    results = evaluate_all(site, crawls)
    table = summary_table(results) + [r.row() for r in ops]
    junk = unexpected_rows(site, crawls[2].rows)
    total = {
        "fault kind": "TOTAL",
        **{k: sum(r[k] for r in table) for k in ("cases", "handled", "lost", "duplicated")},
    }
    print(format_table([*table, total]))
    failures = [r for r in results if not r.ok]
    for r in failures:
        print(f"NOT AS SPECIFIED: {r.case.kind} / {r.case.name}: {'; '.join(r.problems)}")
    for r in ops:
        if not r.ok:
            print(f"NOT AS SPECIFIED: {r.kind}: {'; '.join(r.problems)}")
    if junk:
        print(f"rows stored that should have been rejected: {junk}")
    seconds = {run: round(crawls[f"seconds_{run}"], 1) for run in (1, 2)}
    print(
        f"crawl exit codes {crawls['returncode_1']}, {crawls['returncode_2']}; "
        f"seconds {seconds[1]} + {seconds[2]}; total {time.monotonic() - started:.1f}s"
    )
    out = ROOT / "bench" / "results" / "faults.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "table": [*table, total],
                "cases": [
                    {
                        "kind": r.case.kind,
                        "name": r.case.name,
                        "url": r.case.url[:200],
                        "handled": r.ok,
                        "lost": r.lost,
                        "duplicated": r.duplicated,
                        "problems": r.problems,
                    }
                    for r in results
                ],
                "operational": [{**r.row(), "problems": r.problems} for r in ops],
                "unexpected_rows": junk,
                "crawl_seconds": seconds,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    ok = (
        not failures
        and all(r.ok for r in ops)
        and not junk
        and total["lost"] == 0
        and total["duplicated"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
