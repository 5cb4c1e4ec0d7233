"""Storage: database files that are not khabar's, newer, damaged, read-only or full; rows a user
deleted by hand; damaged stored pages. Each is one line and a non-zero exit (nothing of another
application's file touched), or a run that stores every article."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from bench.hostile.common import (
    all_stored,
    both,
    crawl,
    crawled,
    rows,
    run_is,
    standard,
)
from bench.hostile.harness import (
    Case,
    Problem,
    Result,
    Scratch,
    crawl_refused,
    refused,
    rows_problem,
    succeeds,
)
from tests.support.faults import consistency_problems
from tests.support.ops_faults import sqlite_fault_env

KIND = "storage/disk/db files"


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _foreign(with_articles: bool):
    def setup(scratch: Scratch) -> None:
        standard()(scratch)
        table = (
            "articles (id INTEGER PRIMARY KEY, headline TEXT)"
            if with_articles
            else "users (id INTEGER PRIMARY KEY, email TEXT)"
        )
        _sql(scratch.db, f"CREATE TABLE {table}", "CREATE TABLE orders (id INTEGER, total REAL)")
        scratch.digest = hashlib.sha256(scratch.db.read_bytes()).hexdigest()  # type: ignore[attr-defined]

    return setup


def _untouched(scratch: Scratch, result: Result) -> list[Problem]:
    changed = hashlib.sha256(scratch.db.read_bytes()).hexdigest() != scratch.digest  # type: ignore[attr-defined]
    wal = Path(f"{scratch.db}-wal").exists()
    if changed or wal:
        return [
            Problem("other", "the other application's file was changed" + (" (WAL)" if wal else ""))
        ]
    return []


def _newer(scratch: Scratch) -> None:
    crawled(scratch)
    standard()(scratch)
    _sql(scratch.db, "PRAGMA user_version = 999")


def _garbage(scratch: Scratch) -> None:
    standard()(scratch)
    scratch.db.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)


def _empty_file(scratch: Scratch) -> None:
    standard()(scratch)
    scratch.db.write_bytes(b"")


def _rows_deleted(scratch: Scratch) -> None:
    crawled(scratch)
    standard()(scratch)
    _sql(scratch.db, "DELETE FROM articles WHERE site = 'plain'")


def _damaged_page(codec: str):
    def setup(scratch: Scratch) -> None:
        crawled(scratch)
        if codec == "zstd":
            _sql(
                scratch.db,
                "UPDATE pages SET html_zstd = x'28b52ffd0058deadbeefdeadbeef' "
                "WHERE article_id = (SELECT MIN(article_id) FROM pages)",
            )
        else:
            _sql(
                scratch.db,
                "UPDATE pages SET html_zstd = NULL, html_zlib = x'789cdeadbeef' "
                "WHERE article_id = (SELECT MIN(article_id) FROM pages)",
            )

    return setup


def _others_reextracted(scratch: Scratch, result: Result) -> list[Problem]:
    # Every article is still there, and the run went past the damaged page (it names it and
    # counts the others).
    found = len(rows(scratch.db))
    problems = [] if found == 4 else [rows_problem(4 - found, f"{found} articles left")]
    if "Traceback" in result.stderr:
        problems.append(Problem("other", "stopped at the damaged page"))
    return problems


def _consistent(scratch: Scratch, result: Result) -> list[Problem]:
    problems = consistency_problems(scratch.db)
    dup = sum(p.startswith("duplicate") for p in problems)
    return [rows_problem(dup or 1, "; ".join(problems[:2]))] if problems else []


def _fault(pragma: str) -> dict[str, str]:
    return sqlite_fault_env(pragma)


def _fills_after(extra_pages: int):
    """Setup: an empty khabar database that may grow by ``extra_pages`` pages only (SQLITE_FULL
    after that, from SQLite itself)."""

    def setup(scratch: Scratch) -> None:
        from storage.store import open_database

        standard()(scratch)
        open_database(scratch.db).close()
        conn = sqlite3.connect(scratch.db)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.close()
        scratch.env.update(_fault(f"max_page_count={pages + extra_pages}"))

    return setup


def _read_only_mount(scratch: Scratch) -> None:
    """The database on a tmpfs remounted read-only, in a mount namespace of the command's own
    (unshare -m), so nothing outside the case ever sees the mount."""
    crawled(scratch)
    standard()(scratch)
    mnt = scratch.path("ro")
    mnt.mkdir()
    source = scratch.path("seed.sqlite")
    scratch.db.rename(source)
    scratch.db = mnt / "db.sqlite"
    scratch.env["KHABAR_DB"] = str(scratch.db)
    scratch.wrap = [
        "unshare",
        "-m",
        "--propagation",
        "private",
        "sh",
        "-c",
        f"mount -t tmpfs -o size=8m tmpfs {mnt} && cp {source} {mnt}/db.sqlite && "
        f'mount -o remount,ro {mnt} && exec "$@"',
        "sh",
    ]


def _full_tmpfs(seeded: bool):
    """The database (a copy of a crawled one, or none) on a completely full file system: a tmpfs
    filled with dd, in a private mount namespace."""

    def setup(scratch: Scratch) -> None:
        if seeded:
            crawled(scratch)
            scratch.db.rename(scratch.path("seed.sqlite"))
        standard()(scratch)
        mnt = scratch.path("full")
        mnt.mkdir()
        copy = f"cp {scratch.path('seed.sqlite')} {mnt}/db.sqlite && " if seeded else ""
        scratch.db = mnt / "db.sqlite"
        scratch.env["KHABAR_DB"] = str(scratch.db)
        scratch.wrap = [
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            f"mount -t tmpfs -o size=2m tmpfs {mnt} && {copy}"
            f'(dd if=/dev/zero of={mnt}/fill bs=4k 2>/dev/null; true) && exec "$@"',
            "sh",
        ]

    return setup


TWO_CRAWLS = (
    "sh",
    "-c",
    "{python} -m scrapy crawl plain -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=0 & "
    "{python} -m scrapy crawl plain -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=0; b=$?; "
    "wait $!; a=$?; exit $((a | b))",
)
DISK_FULL = r"(?i)disk full|database or disk is full|No space"
READ_ONLY = r"(?i)read-only"

CASES = [
    Case(
        "rows-deleted-by-hand-then-crawl",
        KIND,
        crawl(),
        succeeds(check=all_stored()),
        setup=_rows_deleted,
        limit=60,
        defect="#1",
    ),
    Case(
        "foreign-sqlite-file",
        KIND,
        crawl(),
        crawl_refused(r"not khabar's", check=_untouched),
        setup=_foreign(False),
        defect="#12",
    ),
    Case(
        "foreign-file-with-articles-table",
        KIND,
        crawl(),
        crawl_refused(r"not khabar's", check=_untouched),
        setup=_foreign(True),
        defect="#12",
    ),
    Case(
        "status-on-foreign-file",
        KIND,
        ("khabar", "status", "--db", "{db}"),
        refused(r"not khabar's", 2),
        setup=_foreign(False),
        defect="held",
    ),
    Case(
        "newer-schema-crawl",
        KIND,
        crawl(),
        crawl_refused(r"newer khabar"),
        setup=_newer,
        defect="#12",
    ),
    Case(
        "newer-schema-status",
        KIND,
        ("khabar", "status", "--db", "{db}"),
        refused(r"newer khabar"),
        setup=_newer,
        defect="#12",
    ),
    Case(
        "newer-schema-search",
        KIND,
        ("khabar", "search", "الحكومة", "--db", "{db}"),
        refused(r"newer khabar"),
        setup=_newer,
        defect="#12",
    ),
    Case(
        "garbage-database-file",
        KIND,
        crawl(),
        crawl_refused(r"(?i)not a (khabar )?database|damaged|corrupt|malformed|not khabar"),
        setup=_garbage,
        defect="#12",
    ),
    Case(
        "garbage-database-status",
        KIND,
        ("khabar", "status", "--db", "{db}"),
        refused(r"(?i)not a (khabar )?database|damaged|corrupt|malformed|not khabar"),
        setup=_garbage,
        defect="#12",
    ),
    Case(
        "empty-file-as-database",
        KIND,
        crawl(),
        succeeds(check=all_stored()),
        setup=_empty_file,
        defect="held",
    ),
    Case(
        "status-no-database",
        KIND,
        ("khabar", "status", "--db", "{dir}/none.sqlite"),
        refused(r"no khabar database at", 2),
        defect="held",
    ),
    Case(
        "search-no-database",
        KIND,
        ("khabar", "search", "x", "--db", "{dir}/none.sqlite"),
        refused(r"no khabar database at", 2),
        defect="held",
    ),
    Case(
        "reextract-no-database",
        KIND,
        ("khabar", "reextract", "--db", "{dir}/none.sqlite"),
        refused(r"no khabar database at|does not exist", 2),
        defect="held",
    ),
    Case(
        "read-only-database-file",
        KIND,
        crawl(),
        crawl_refused(r"failed: read-only database", 1),
        setup=crawled,
        env=_fault("query_only=1"),
        defect="held",
    ),
    Case(
        "read-only-file-system",
        KIND,
        crawl(),
        crawl_refused(READ_ONLY, 1),
        setup=_read_only_mount,
        limit=60,
        defect="#7",
    ),
    Case(
        "schedule-once-read-only-file",
        KIND,
        ("khabar", "schedule", "--once", "--site", "plain"),
        refused(READ_ONLY, 1, one_line=False),
        setup=crawled,
        env=_fault("query_only=1"),
        defect="#7",
    ),
    Case(
        "schedule-once-disk-full",
        KIND,
        ("khabar", "schedule", "--once", "--site", "plain"),
        # the database cannot be made, so no run starts: exit 2, as for a database that is
        # not there (a run that starts and fails is 1)
        refused(DISK_FULL, 2, one_line=False),
        setup=_full_tmpfs(True),
        defect="#7",
        limit=60,
    ),
    Case(
        "crawl-new-database-full-disk",
        KIND,
        crawl(),
        crawl_refused(DISK_FULL, 1),
        setup=_full_tmpfs(False),
        defect="#7",
        limit=60,
    ),
    Case(
        "crawl-disk-fills-mid-crawl",
        KIND,
        crawl("-s", "KHABAR_WRITE_BATCH=1"),
        crawl_refused(r"failed: disk full", 1, check=run_is("failed", "disk full")),
        setup=_fills_after(6),
        defect="#7",
        limit=60,
    ),
    Case(
        "reextract-damaged-zstd-page",
        KIND,
        ("khabar", "reextract", "--workers", "0", "--db", "{db}"),
        refused(r".", 1, one_line=False, check=_others_reextracted),
        setup=_damaged_page("zstd"),
        defect="#20",
        limit=60,
    ),
    Case(
        "reextract-damaged-zlib-page",
        KIND,
        ("khabar", "reextract", "--workers", "0", "--db", "{db}"),
        refused(r".", 1, one_line=False, check=_others_reextracted),
        setup=_damaged_page("zlib"),
        defect="held",
        limit=60,
    ),
    Case(
        "two-crawls-one-database",
        KIND,
        TWO_CRAWLS,
        succeeds(check=both(all_stored(), _consistent)),
        setup=standard(),
        limit=90,
        defect="held",
    ),
]
