"""Hostile and mistaken input against the real khabar commands (issue 17's "Done when").

Each case (bench/hostile/cases_*.py) runs `scrapy crawl`, `scrapy list` or a `khabar` command in
a scratch folder with a fresh database, pages served on 127.0.0.1 only (the replay proxy of
tests/support), a time limit after which its process group is killed, and an expectation: a
mistake is a non-zero exit with one line saying why; a hostile page, feed or request is survived
with the right rows stored. Prints one row per kind: cases, failed, and the cases with a
traceback, a hang past the limit, exit 0 on a failure, other problems, and the articles lost or
stored wrong; then one line per failing case. Exit status 1 when any case fails.

Run: .venv/bin/python bench/hostile.py [--kind KIND ...] [--only NAME ...] [--list] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.hostile.catalogue import all_cases  # noqa: E402
from bench.hostile.harness import Result, kill_live  # noqa: E402
from bench.hostile.report import (  # noqa: E402
    as_json,
    failure_line,
    format_table,
    run_all,
    table_rows,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", action="append", help="only cases of this kind (repeatable)")
    parser.add_argument("--only", action="append", help="only the case of this name (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the cases, run nothing")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per case, then the table"
    )
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    args = parser.parse_args(argv)

    cases = all_cases()
    if args.kind:
        unknown = set(args.kind) - {c.kind for c in cases}
        if unknown:
            parser.error(f"no such kind: {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c.kind in args.kind]
    if args.only:
        unknown = set(args.only) - {c.name for c in cases}
        if unknown:
            parser.error(f"no such case: {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c.name in args.only]
    if args.list:
        for case in cases:
            defect = f" {case.defect}" if case.defect else ""
            print(f"{case.kind:22} {case.name:44} {case.limit:5.0f}s{defect}")
        print(f"{len(cases)} cases")
        return 0

    started = time.monotonic()

    def progress(res: Result) -> None:
        mark = "ok  " if res.ok else "FAIL"
        print(
            f"{mark} {res.case.kind}/{res.case.name} {res.seconds:.1f}s",
            file=sys.stderr,
            flush=True,
        )

    def stop(signum: int, frame: object) -> None:
        kill_live()  # the cases run in process groups of their own: they would outlive us
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    results = run_all(cases, jobs=args.jobs, progress=progress)
    if args.json:
        for res in results:
            print(json.dumps(as_json(res), ensure_ascii=False))
    print(format_table(table_rows(results)))
    for res in results:
        if not res.ok:
            print(failure_line(res))
    print(f"{len(results)} cases in {time.monotonic() - started:.0f} s, {args.jobs} at a time")
    return 1 if any(not r.ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
