"""khabar's databases say so (`PRAGMA application_id`, `user_version`), and nothing khabar runs
touches a file that is not one (issue 17, defect 12): another application's SQLite file, even
one with an `articles` table, and a file written by a newer khabar are refused in one line by
the crawl and by every command, byte for byte unchanged. Files of khabar 0.2.0, which carry no
mark, keep working and are marked by the next writer."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from crawler.cli import khabar
from storage import schema
from storage.paths import DatabasePathError
from storage.store import ArticleStore, open_database
from tests.conftest import PROJECT_ROOT
from tests.test_scheduler import write_config
from tests.test_search import write_synthetic


def header(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
        )
    finally:
        conn.close()


def other_application(db: Path) -> None:
    """Someone else's database, with a table named like ours."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, headline TEXT)")
    conn.execute("CREATE TABLE subscribers (email TEXT)")
    conn.execute("INSERT INTO articles (headline) VALUES ('not ours')")
    conn.commit()
    conn.close()


def other_application_id(db: Path) -> None:
    """A file another application marked as its own (here: an empty one)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 0x47504B47")  # a GeoPackage
    conn.close()


def newer_schema(db: Path) -> None:
    """A database a later khabar wrote: its mark says a schema version this one does not know
    (here also a column renamed, which this version would trip over)."""
    ArticleStore(db).close()
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE crawls RENAME COLUMN articles_new TO articles_added")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def unknown_migration(db: Path) -> None:
    """A database a later khabar migrated, unmarked: it records a migration we do not have."""
    old_khabar(db, up_to=len(schema.MIGRATION_NAMES))
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('khabar', 'm099_from_the_future', '2027-01-01')"
    )
    conn.commit()
    conn.close()


def old_khabar(db: Path, up_to: int) -> None:
    """A database as khabar 0.2.0 left it: the first `up_to` migrations, and no mark."""
    conn = sqlite3.connect(db)
    database = Database(conn)
    schema.migrations.apply(database, stop_before=schema.MIGRATION_NAMES[up_to:])
    conn.commit()
    conn.close()
    assert header(db) == (0, 0)


REFUSED: dict[str, tuple[Callable[[Path], None], str]] = {
    "another application's file": (other_application, "is an SQLite file, but not khabar's"),
    "another application id": (other_application_id, "but not khabar's (application_id"),
    "a newer schema version": (newer_schema, "was written by a newer khabar (schema version"),
    "an unknown migration": (unknown_migration, "migration m099_from_the_future is unknown"),
}


def snapshot(folder: Path) -> dict[str, bytes]:
    """The folder's files and their bytes; a WAL database's -wal/-shm, which any reader of it
    makes, left out (a file in rollback-journal mode must not get them: WAL switched on)."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    for name, data in list(files.items()):
        if data[:16] == b"SQLite format 3\x00" and data[18] == 2:
            files.pop(f"{name}-wal", None)
            files.pop(f"{name}-shm", None)
    return files


def test_a_new_database_is_marked_as_khabars(tmp_path: Path) -> None:
    ArticleStore(tmp_path / "k.sqlite").close()
    assert header(tmp_path / "k.sqlite") == (schema.APPLICATION_ID, schema.SCHEMA_VERSION)
    # Numbered in the order they run (numbers are handed out per branch, so one may be missing).
    numbers = [int(name[1:4]) for name in schema.MIGRATION_NAMES]
    assert numbers == sorted(set(numbers))
    assert schema.SCHEMA_VERSION == len(schema.MIGRATION_NAMES) == 13


@pytest.mark.parametrize("case", REFUSED)
@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["search", "دمشق"],
        ["schedule", "--list"],
        ["schedule", "--once", "--site", "sana"],
        ["reextract", "--workers", "0"],
        ["serve", "--host", "0.0.0.256"],  # never serves: a wrong host if the check let it by
    ],
    ids=lambda c: " ".join(c),
)
def test_every_command_refuses_the_file_in_one_line(
    tmp_path: Path, case: str, command: list[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "khabar.sqlite"
    make, message = REFUSED[case]
    make(db)
    before = snapshot(folder)
    env = {"KHABAR_CONFIG": str(write_config(tmp_path)), "KHABAR_DB": str(db)}
    result = CliRunner().invoke(khabar, command, env=env)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"khabar: {db} ") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot(folder) == before  # no table added, not switched to WAL, no -wal/-shm


@pytest.mark.parametrize("case", REFUSED)
def test_a_crawl_refuses_the_file_before_it_starts(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "other.sqlite"
    make, message = REFUSED[case]
    make(db)
    before = snapshot(folder)
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "alwatan", "-s", f"KHABAR_DB={db}"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CONFIG": str(write_config(tmp_path)), "KHABAR_DB": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"khabar: {db} ") and message in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert snapshot(folder) == before


@pytest.mark.parametrize("case", REFUSED)
def test_the_store_itself_refuses_the_file(tmp_path: Path, case: str) -> None:
    """Whatever opens the store (the scheduler's runs, the writer, a bench): the same check."""
    db = tmp_path / "other.sqlite"
    make, message = REFUSED[case]
    make(db)
    before = snapshot(tmp_path)
    with pytest.raises(DatabasePathError, match=message.replace("(", r"\(")):
        open_database(db)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("up_to", [8, 9], ids=["0.2.0", "0.2.0 with m009"])
def test_a_database_of_khabar_0_2_0_keeps_working_and_is_marked(tmp_path: Path, up_to: int) -> None:
    db = tmp_path / "khabar.sqlite"
    old_khabar(db, up_to)
    env = {"KHABAR_CONFIG": str(write_config(tmp_path)), "KHABAR_DB": str(db)}
    result = CliRunner().invoke(khabar, ["status", "--json"], env=env)  # a reader: no mark
    assert result.exit_code == 0, result.output
    assert header(db) == (0, 0)
    store = ArticleStore(db)  # the next writer migrates and marks it
    try:
        write_synthetic(store)
    finally:
        store.close()
    assert header(db) == (schema.APPLICATION_ID, schema.SCHEMA_VERSION)
    result = CliRunner().invoke(khabar, ["search", "الاسلام"], env=env)
    assert result.exit_code == 0 and "https://example.test/islam" in result.output


def test_an_older_marked_database_is_upgraded(tmp_path: Path) -> None:
    """A file a khabar with fewer migrations marked: readers take it, the writer upgrades it."""
    db = tmp_path / "khabar.sqlite"
    old_khabar(db, 9)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 9")
    conn.close()
    open_database(db).close()
    assert header(db) == (schema.APPLICATION_ID, schema.SCHEMA_VERSION)
