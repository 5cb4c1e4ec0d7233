"""What the khabar commands read and write at their edges (issue 17 #10, #14, #23, #27): an input
is read no further than the crawl would (DOWNLOAD_MAXSIZE), output to a full device is one line,
`khabar` alone shows its help, and `khabar search` exits like grep."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import storage.search
from crawler import settings
from crawler.commands import UserError
from crawler.commands.extract import read_page
from storage.store import ArticleStore
from tests.conftest import PROJECT_ROOT
from tests.test_search import write_synthetic

URL = "https://alwatan.sy/archives/69402"
MEMORY_CAP = 1024 * 2**20  # far above what extract needs at the limit, far below 24 GB


def khabar(*args: str, stdin=None, stdout=subprocess.PIPE, memory: int | None = None):
    """The real `khabar` process; `memory` caps its address space, so a command that reads
    without bound fails fast here instead of growing until the OOM killer comes."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
        preexec_fn=cap if memory else None,
    )


def one_line(stderr: bytes, needle: str) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    lines = [line for line in text.splitlines() if needle in line]
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture(scope="module")
def khabar_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("io") / "khabar.sqlite"
    store = ArticleStore(db)
    try:
        write_synthetic(store)
    finally:
        store.close()
    return db


# --- input: the crawl's size limit ----------------------------------------------------------------


def test_read_page_takes_the_limit_and_refuses_one_byte_more(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>" + b"x" * 93 + b"</p>")  # 100 bytes
    assert len(read_page(page, limit=100)) == 100
    with pytest.raises(UserError, match=r"larger than .* the most a crawl fetches"):
        read_page(page, limit=99)


def test_the_limit_is_the_crawls_own() -> None:
    assert read_page.__defaults__ == (settings.DOWNLOAD_MAXSIZE,)


@pytest.mark.parametrize("source", ["/dev/zero", "-"], ids=["file", "stdin"])
def test_endless_input_is_one_line_not_all_the_memory(source: str) -> None:
    with open("/dev/zero", "rb") as zeros:
        proc = khabar("extract", source, "--url", URL, stdin=zeros, memory=MEMORY_CAP)
    assert proc.returncode == 2 and proc.stdout == b""
    line = one_line(proc.stderr, "khabar:")
    name = "standard input" if source == "-" else source
    assert line == (
        f"khabar: {name} is larger than 10 MB, the most a crawl fetches of a page "
        "(DOWNLOAD_MAXSIZE); not extracted"
    )


def test_a_large_file_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    with big.open("wb") as out:  # sparse: 200 MB that take no disk
        out.write(b"<html><body><p>")
        out.truncate(200 * 2**20)
    proc = khabar("extract", str(big), "--url", URL, memory=MEMORY_CAP)
    assert proc.returncode == 2
    one_line(proc.stderr, "is larger than 10 MB")


# --- output: a full device -----------------------------------------------------------------------

FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args",
    [
        ("search", "دمشق"),
        ("search", "دمشق", "--limit", "1"),  # small enough to sit in the buffer until exit
        ("status", "--json"),
        ("extract", "PAGE", "--url", URL),
    ],
    ids=["search", "search-one-hit", "status-json", "extract"],
)
def test_output_to_a_full_device_is_one_line(khabar_db: Path, tmp_path: Path, args) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><h1>عنوان</h1><p>نص</p></article></body></html>")
    args = [str(page) if a == "PAGE" else a for a in args]
    if args[0] != "extract":
        args += ["--db", str(khabar_db)]
    with FULL.open("wb") as full:
        proc = khabar(*args, stdout=full)
    assert proc.returncode == 1
    assert one_line(proc.stderr, "khabar:") == (
        "khabar: cannot write the output: No space left on device"
    )


# --- khabar alone, khabar search's exit status ---------------------------------------------------


def test_khabar_alone_shows_its_help() -> None:
    proc = khabar()
    text = proc.stderr.decode()
    assert proc.returncode == 2
    assert text.startswith("Usage: khabar [OPTIONS] COMMAND [ARGS]...\n"), text
    assert "khabar: Usage" not in text and "search" in text


def test_search_exits_1_when_nothing_matches(khabar_db: Path) -> None:
    for extra in ([], ["--json"]):
        proc = khabar("search", "كلمةلاتوجد", "--db", str(khabar_db), *extra)
        assert proc.returncode == 1 and proc.stdout == b""
        assert "Traceback" not in proc.stderr.decode()
    hit = khabar("search", "الإسلام", "--db", str(khabar_db))
    assert hit.returncode == 0 and hit.stdout


def test_a_query_over_the_word_cap_says_so_once(khabar_db: Path) -> None:
    cap = storage.search.MAX_QUERY_WORDS
    words = " ".join(f"كلمة{i}" for i in range(cap + 5))
    proc = khabar("search", f"الإسلام {words}", "--db", str(khabar_db))
    assert one_line(proc.stderr, "khabar:") == (
        f"khabar: the query has more than {cap} different words; only the first {cap} are searched"
    )
    repeated = khabar("search", "الإسلام " * 5000, "--db", str(khabar_db))
    assert repeated.returncode == 0 and repeated.stderr == b""  # one word, typed 5,000 times
