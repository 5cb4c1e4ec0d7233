"""Reading commands never write (issue 10): they open the database read-only, say "no khabar
database at PATH" (exit 2) instead of creating one, leave unrelated SQLite files alone, and still
work in a directory they cannot write (run as `nobody`, since root ignores permissions)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import khabar
from crawler.extract.decode import decode_html
from storage.store import ArticleStore
from tests.conftest import PROJECT_ROOT
from tests.support.serving import fetch_json, free_port
from tests.test_scheduler import write_config
from tests.test_search import write_synthetic

SETPRIV = shutil.which("setpriv")


@pytest.fixture
def config_env(tmp_path: Path) -> dict[str, str]:
    return {"KHABAR_CONFIG": str(write_config(tmp_path)), "KHABAR_DB": ""}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in the folder with its bytes and mtime."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_schedule_list_with_a_typo_creates_nothing(tmp_path: Path, config_env) -> None:
    typo = tmp_path / "typo.db"
    result = CliRunner().invoke(
        khabar, ["schedule", "--list"], env={**config_env, "KHABAR_DB": str(typo)}
    )
    assert result.exit_code == 2
    assert f"khabar: no khabar database at {typo}" in result.stderr
    assert not typo.exists()


def test_reextract_into_a_missing_directory_creates_nothing(tmp_path: Path, config_env) -> None:
    target = tmp_path / "nodir" / "x.db"
    result = CliRunner().invoke(khabar, ["reextract", "--db", str(target)], env=config_env)
    assert result.exit_code == 2
    assert "no khabar database at" in result.stderr and "re-extracted" not in result.output
    assert not target.parent.exists()


@pytest.mark.parametrize("command", [["status"], ["search", "x"], ["schedule", "--list"]])
def test_an_unrelated_sqlite_file_is_left_alone(tmp_path: Path, config_env, command) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text)")
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    result = CliRunner().invoke(khabar, [*command, "--db", str(other)], env=config_env)
    assert result.exit_code == 2
    assert "not khabar's" in result.stderr
    assert snapshot(tmp_path) == before  # no tables added, not switched to WAL, no -wal/-shm
    assert other.read_bytes()[18:20] == b"\x01\x01"  # still a rollback-journal database


# --- a directory the user cannot write ----------------------------------------------------------


@pytest.fixture
def readonly_folder() -> Iterator[Path]:
    """A khabar database and its config in a 0555 directory outside root's private tmp."""
    folder = Path(tempfile.mkdtemp(prefix="khabar-ro-", dir="/tmp"))
    db = folder / "khabar.sqlite"
    store = ArticleStore(db)
    try:
        write_synthetic(store)
    finally:
        store.close()
    write_config(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml", "khabar.sqlite"]
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def as_nobody(args: list[str], folder: Path, **kwargs) -> list[str]:
    """The command run as `nobody` when we are root (root ignores the directory's mode)."""
    if os.geteuid() == 0:
        if SETPRIV is None:
            pytest.skip("setpriv not found: cannot drop root to test a read-only directory")
        return [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args]
    return args


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(folder),
        "KHABAR_CONFIG": str(folder / "config.yaml"),
        "KHABAR_DB": str(folder / "khabar.sqlite"),
    }


@pytest.mark.parametrize(
    ("command", "expected_exit", "expected"),
    [
        (["search", "الاسلام"], 0, "https://example.test/islam"),
        (["status", "--json"], 0, '"health": "new"'),
        (["schedule", "--list"], 0, "alwatan"),
    ],
)
def test_reading_commands_work_in_a_readonly_directory(
    readonly_folder: Path, command: list[str], expected_exit: int, expected: str
) -> None:
    before = snapshot(readonly_folder)
    proc = subprocess.run(
        as_nobody([sys.executable, "-m", "crawler.cli", *command], readonly_folder),
        cwd=PROJECT_ROOT,
        env=_env(readonly_folder),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == expected_exit, proc.stderr
    assert expected in proc.stdout and "Traceback" not in proc.stderr
    assert snapshot(readonly_folder) == before


def test_serve_works_in_a_readonly_directory(readonly_folder: Path) -> None:
    before = snapshot(readonly_folder)
    port = free_port()
    proc = subprocess.Popen(
        as_nobody(
            [sys.executable, "-m", "crawler.cli", "serve", "--port", str(port)], readonly_folder
        ),
        cwd=PROJECT_ROOT,
        env=_env(readonly_folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "khabar: serving" in line, line + proc.stdout.read()
        rows = fetch_json(
            f"http://127.0.0.1:{port}/khabar/articles.json?_search=%D8%A7%D9%84%D8%A7%D8%B3%D9%84%D8%A7%D9%85&_shape=array&_col=url"
        )
        assert [r["url"] for r in rows] == ["https://example.test/islam"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    assert snapshot(readonly_folder) == before


# --- decoding undeclared windows-1256 -----------------------------------------------------------


@pytest.mark.parametrize("page", ["article-69402", "article-71177", "article-66820", "home"])
@pytest.mark.parametrize("codec", ["cp1256", "iso8859_6"])
def test_undeclared_arabic_code_page_is_detected(corpus_dir: Path, page: str, codec: str) -> None:
    text = (corpus_dir / "alwatan.sy-replica" / f"{page}.html").read_text(encoding="utf-8")
    text = text.replace("charset", "x-charset").replace("CHARSET", "x-charset")
    data = text.encode(codec, errors="xmlcharrefreplace")
    decoded, codec_used = decode_html(data)
    assert decoded == data.decode(codec)
    assert codec_used.replace("-", "_").replace("windows_1256", "cp1256") == codec


def test_reextract_on_a_database_it_cannot_write_says_so(readonly_folder: Path) -> None:
    before = snapshot(readonly_folder)
    proc = subprocess.run(
        as_nobody(
            [sys.executable, "-m", "crawler.cli", "reextract", "--workers", "0"], readonly_folder
        ),
        cwd=PROJECT_ROOT,
        env=_env(readonly_folder),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    db = readonly_folder / "khabar.sqlite"
    assert proc.stderr == (
        f"khabar: database {db}: read-only database (attempt to write a readonly database)\n"
    )
    assert snapshot(readonly_folder) == before


def test_unreadable_page_and_database_are_one_line(readonly_folder: Path) -> None:
    readonly_folder.chmod(0o755)
    page = readonly_folder / "page.html"
    page.write_text("<html><body><p>نص</p></body></html>", encoding="utf-8")
    for path in (page, readonly_folder / "khabar.sqlite"):
        path.chmod(0o600)  # root's; `nobody` may not read it
    readonly_folder.chmod(0o555)
    cases = [
        (["extract", str(page), "--url", "https://x.test/a"], "is not readable"),
        (["search", "x"], "not readable"),
        (["status"], "not readable"),
    ]
    for command, needle in cases:
        proc = subprocess.run(
            as_nobody([sys.executable, "-m", "crawler.cli", *command], readonly_folder),
            cwd=PROJECT_ROOT,
            env=_env(readonly_folder),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2, (command, proc.stderr)
        assert needle in proc.stderr and proc.stderr.count("\n") == 1, (command, proc.stderr)
