"""bench/hostile.py's harness itself: it must see a traceback, a hang, an exit 0 on a failure and
lost rows when a (fake) command has them, kill a hanging command's whole process group, and run
real cases end to end, so the bench cannot silently stop measuring anything."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.hostile.catalogue import all_cases
from bench.hostile.harness import (
    ANY,
    Case,
    Expect,
    Problem,
    Result,
    Running,
    Scratch,
    refused,
    rows_problem,
    run_case,
    succeeds,
)
from bench.hostile.report import failure_line, format_table, run_all, table_rows
from tests.conftest import PROJECT_ROOT

PY = sys.executable


def fake(name: str, code: str, expect: Expect, **kw: object) -> Case:
    return Case(name, "fake", (PY, "-c", code), expect, **kw)  # type: ignore[arg-type]


def categories(result: Result) -> set[str]:
    return {p.category for p in result.problems}


def test_a_traceback_is_seen_on_stderr_and_stdout() -> None:
    on_err = run_case(fake("tb-err", "raise ValueError('planted')", refused(r"planted")))
    assert categories(on_err) == {"traceback"}
    assert "ValueError: planted" in on_err.problems[0].text
    on_out = run_case(
        fake(
            "tb-out",
            "print('Traceback (most recent call last):'); raise SystemExit(3)",
            refused(r".*", one_line=False),
        ),
    )
    assert categories(on_out) == {"traceback"}


def test_a_hang_is_killed_at_its_limit_with_its_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([{PY!r}, '-c', 'import time; time.sleep(120)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(120)\n"
    )
    started = time.monotonic()
    result = run_case(fake("hang", code, refused(r"x"), limit=3))
    assert time.monotonic() - started < 30
    assert result.timed_out and categories(result) == {"hang"}
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        # The killed child may linger as a zombie until init reaps it; that is not running.
        if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break
        time.sleep(0.05)
    stat = Path(f"/proc/{child}/stat")
    assert not stat.exists() or stat.read_text().split()[2] == "Z", "the grandchild survived"


def test_exit_0_on_a_failure_and_a_wrong_message_are_told_apart() -> None:
    exit0 = run_case(fake("exit0", "pass", refused(r"bad thing")))
    assert categories(exit0) == {"exit0", "other"}
    wrong = run_case(fake("wrong", "import sys; sys.exit('khabar: other thing')", refused(r"bad")))
    assert categories(wrong) == {"other"}
    two_lines = run_case(
        fake(
            "two",
            "import sys; print('a', file=sys.stderr); sys.exit('khabar: bad')",
            refused(r"bad"),
        )
    )
    assert [p.text for p in two_lines.problems] == ["2 lines on stderr, expected one"]
    right = run_case(fake("right", "import sys; sys.exit('khabar: bad thing')", refused(r"bad", 1)))
    assert right.ok, right.problems


def test_rows_lost_are_counted_and_land_in_the_table() -> None:
    def lost_three(scratch: Scratch, result: Result) -> list[Problem]:
        return [rows_problem(3, "3 articles not stored")]

    results = [
        run_case(fake("rows", "pass", succeeds(check=lost_three))),
        run_case(fake("fine", "pass", succeeds())),
        run_case(fake("exit0", "pass", refused(r"x"))),
    ]
    rows = table_rows(results)
    assert rows[-1]["kind"] == "TOTAL"
    fake_row = rows[0]
    assert (fake_row["cases"], fake_row["failed"], fake_row["rows"], fake_row["exit0"]) == (
        3,
        2,
        3,
        1,
    )
    table = format_table(rows)
    assert table.splitlines()[0].split(" | ")[0].strip() == "kind"
    assert "rows lost/wrong" in table
    assert failure_line(results[0]).startswith("FAIL rows [fake]")


def test_drive_synchronises_on_what_the_process_prints() -> None:
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *a: sys.exit(7))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )

    def drive(running: Running, scratch: Scratch) -> list[Problem]:
        assert running.wait_for(r"^ready", 20)
        running.signal(15)
        return []

    result = run_case(fake("drive", code, succeeds(7), drive=drive, limit=30))
    assert result.ok and result.code == 7, result.problems
    assert run_case(fake("any", code, Expect(fails=False, code=ANY), drive=drive)).ok


def test_the_catalogue_has_120_uniquely_named_cases_of_every_kind() -> None:
    cases = all_cases()
    assert len(cases) >= 120
    kinds = {c.kind for c in cases}
    assert {
        "config",
        "settings/env",
        "pages/charsets/controls",
        "feeds/sitemaps/redirects",
        "CLI arguments",
        "storage/disk/db files",
        "serve requests",
        "regex",
    } <= kinds
    assert all(c.limit > 0 for c in cases)


def test_real_cases_run_end_to_end() -> None:
    """A config mistake through `scrapy list`, a missing database through `khabar status`, and a
    crawl through the replay proxy whose rows are checked: each is judged as the bench judges."""
    wanted = {"unknown-site-key", "status-no-database", "crawl-cp1256-under-utf8-header"}
    cases = [c for c in all_cases() if c.name in wanted]
    results = run_all(cases, jobs=2)
    assert [r.case.name for r in results] == [c.name for c in cases]
    for result in results:
        assert result.ok, failure_line(result)
    crawl = next(r for r in results if r.case.name == "crawl-cp1256-under-utf8-header")
    assert crawl.code == 0 and "4 new" in crawl.stderr


def test_the_command_lists_and_refuses_unknown_names() -> None:
    listed = subprocess.run(
        [PY, "bench/hostile.py", "--list", "--kind", "config"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[-1].endswith(" cases")
    unknown = subprocess.run(
        [PY, "bench/hostile.py", "--only", "no-such-case"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 2 and "no such case" in unknown.stderr


def test_the_row_check_counts_lost_and_garbled_articles(tmp_path: Path) -> None:
    """all_stored(): a missing article is lost, a U+FFFD or mojibake title is wrong."""
    import sqlite3

    from bench.hostile.common import all_stored, articles

    arts = articles(4)
    scratch = Scratch(tmp_path)
    scratch.articles = arts  # type: ignore[attr-defined]
    conn = sqlite3.connect(scratch.db)
    conn.execute("CREATE TABLE articles (url TEXT, title TEXT, body TEXT, language TEXT)")
    conn.execute("CREATE TABLE crawls (id INTEGER PRIMARY KEY, status TEXT, finish_reason TEXT)")
    conn.execute("INSERT INTO crawls (status, finish_reason) VALUES ('ok', 'finished')")
    good = [(a.url, a.title, "\n".join(a.paragraphs), "ar") for a in arts[:2]]
    garbled = (arts[2].url, "ÚäæÇä ÚÑÈí", "\n".join(arts[2].paragraphs), "ar")
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", [*good, garbled])
    conn.commit()
    conn.close()
    result = Result(fake("x", "pass", succeeds()), 0, "", "", 0.0, False, [])
    problems = all_stored()(scratch, result)
    assert sorted((p.category, p.rows) for p in problems) == [("rows", 1), ("rows", 1)]
    assert {p.text for p in problems} == {"1 of 4 articles not stored", "1 rows stored wrong"}
