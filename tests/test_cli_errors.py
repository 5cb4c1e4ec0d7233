"""No traceback a user can reach (issue 10): each mistake is one line naming the problem and a
non-zero exit, through click's CliRunner and, where argv bytes, pipes or ports matter, real
processes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import khabar
from storage.store import ArticleStore
from tests.conftest import PROJECT_ROOT
from tests.test_search import write_synthetic

URL = "https://alwatan.sy/archives/69402"
PAGE = "alwatan.sy-replica/article-69402.html"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(khabar, list(args), env=env)


def run(args: list[str | bytes], **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        args,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **kwargs.pop("env", {})},
        capture_output=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def khabar_proc(*args: str | bytes, **kwargs) -> subprocess.CompletedProcess[bytes]:
    return run([sys.executable, "-m", "crawler.cli", *args], **kwargs)


def one_line_error(stderr: str | bytes, *needles: str) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    assert "Traceback" not in text, text
    line = next((x for x in text.splitlines() if all(n in x for n in needles)), None)
    assert line is not None, text
    return line


@pytest.fixture(scope="module")
def khabar_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("errors") / "khabar.sqlite"
    store = ArticleStore(db)
    try:
        write_synthetic(store)
    finally:
        store.close()
    return db


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and re.fullmatch(r"khabar, version \d+\.\d+\.\d+\n", result.output)


# --- khabar extract ------------------------------------------------------------------------------


def test_extract_missing_file_and_directory(tmp_path: Path) -> None:
    for page, needle in ((tmp_path / "none.html", "does not exist"), (tmp_path, "is a directory")):
        result = invoke("extract", str(page), "--url", URL)
        assert result.exit_code == 2
        one_line_error(result.output, "Error:", needle)


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "is empty"), (b"  \n\t", "is empty"), (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary")],
    ids=["empty", "blank", "binary"],
)
def test_extract_empty_or_binary_is_refused(tmp_path: Path, content: bytes, needle: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    result = invoke("extract", str(page), "--url", URL)
    assert result.exit_code == 2 and result.stdout == ""
    one_line_error(result.stderr, "khabar:", needle)


def test_extract_empty_standard_input() -> None:
    result = CliRunner().invoke(khabar, ["extract", "-", "--url", URL], input=b"")
    assert result.exit_code == 2
    one_line_error(result.stderr, "khabar: standard input is empty")


@pytest.mark.parametrize(
    "url", ["alwatan.sy/archives/1", "ftp://x.test/a", "http://", "http://[::1"]
)
def test_extract_malformed_url(tmp_path: Path, url: str) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>نص</p></body></html>", encoding="utf-8")
    result = invoke("extract", str(page), "--url", url)
    assert result.exit_code == 2
    one_line_error(result.output, "Error:", "--url")


def _cp1256_page(corpus_dir: Path, folder: Path) -> tuple[Path, str]:
    """The al-Watan page re-encoded as windows-1256 with every charset declaration removed."""
    text = (corpus_dir / PAGE).read_text(encoding="utf-8")
    text = re.sub(r"(?i)charset", "x-charset", text)
    page = folder / "cp1256.html"
    page.write_bytes(text.encode("cp1256", errors="xmlcharrefreplace"))
    title = re.search(r"<title>([^<|–-]+)", text).group(1).strip()
    return page, title


@pytest.mark.parametrize("encoding", [None, "windows-1256"])
def test_extract_undeclared_windows_1256(
    corpus_dir: Path, tmp_path: Path, encoding: str | None
) -> None:
    page, title = _cp1256_page(corpus_dir, tmp_path)
    extra = ["--encoding", encoding] if encoding else []
    result = invoke("extract", str(page), "--url", URL, *extra)
    assert result.exit_code == 0, result.output
    assert title.split()[0] in result.stdout  # Arabic, not mac_iceland mojibake


def test_extract_unknown_encoding(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    result = invoke("extract", str(page), "--url", URL, "--encoding", "klingon")
    assert result.exit_code == 2
    one_line_error(result.output, "Error:", "unknown encoding 'klingon'")


# --- khabar search -------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["99999999999999999999", "-1", "0", "ten"])
def test_search_limit_out_of_range(khabar_db: Path, limit: str) -> None:
    result = invoke("search", "دمشق", "--db", str(khabar_db), "--limit", limit)
    assert result.exit_code == 2
    one_line_error(result.output, "Error:", "--limit")


def test_search_db_is_a_directory_or_not_sqlite(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 20, encoding="utf-8")
    for db in (tmp_path, text):
        result = invoke("search", "دمشق", "--db", str(db))
        assert result.exit_code == 2
        one_line_error(result.stderr, "khabar: no khabar database at", str(db))
    assert text.read_text(encoding="utf-8") == "not a database\n" * 20


def test_search_unknown_site(khabar_db: Path) -> None:
    result = invoke("search", "دمشق", "--db", str(khabar_db), "--site", "nosuch")
    assert result.exit_code == 2
    one_line_error(result.stderr, "khabar: unknown site 'nosuch'")


def test_search_non_utf8_site_and_query(khabar_db: Path) -> None:
    site = khabar_proc("search", "دمشق", "--db", str(khabar_db), "--site", b"s\xffna")
    assert site.returncode == 2
    one_line_error(site.stderr, "khabar search:", "--site", "not valid UTF-8")
    query = khabar_proc("search", b"\xd8\xaf\xff", "--db", str(khabar_db))
    assert query.returncode == 2
    one_line_error(query.stderr, "khabar search:", "not valid UTF-8")


# --- khabar serve --------------------------------------------------------------------------------


def test_serve_port_out_of_range(khabar_db: Path) -> None:
    result = invoke("serve", "--db", str(khabar_db), "--port", "99999")
    assert result.exit_code == 2
    one_line_error(result.output, "Error:", "--port")


def test_serve_busy_port_says_so_without_announcing(khabar_db: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = khabar_proc("serve", "--db", str(khabar_db), "--port", str(port))
    assert proc.returncode == 2
    assert b"serving" not in proc.stdout
    one_line_error(proc.stderr, f"khabar: cannot listen on 127.0.0.1:{port}", "in use")


def test_serve_non_sqlite_file(tmp_path: Path) -> None:
    fake = tmp_path / "khabar.sqlite"
    fake.write_text("<html>not a database</html>", encoding="utf-8")
    result = invoke("serve", "--db", str(fake))
    assert result.exit_code == 2
    one_line_error(result.stderr, "khabar: no khabar database at")


# --- khabar reextract ----------------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["2000", "-1"])
def test_reextract_workers_out_of_range(khabar_db: Path, workers: str) -> None:
    result = invoke("reextract", "--db", str(khabar_db), "--workers", workers)
    assert result.exit_code == 2
    one_line_error(result.output, "Error:", "--workers")


# --- scrapy --------------------------------------------------------------------------------------


def scrapy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return run([sys.executable, "-m", "scrapy", *args], env=env or {})


def test_scrapy_crawl_unknown_spider() -> None:
    proc = scrapy("crawl", "nosuch")
    assert proc.returncode == 2
    one_line_error(proc.stderr, "unknown s", "'nosuch'", "alwatan")


def test_scrapy_list_into_a_reader_that_stops_early() -> None:
    proc = run(
        ["bash", "-c", f"{sys.executable} -m scrapy list | head -1"],
    )
    assert proc.stdout.decode().strip() == "albayan"
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


def test_scrapy_crawl_into_a_directory_or_a_non_sqlite_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("notes\n", encoding="utf-8")
    for target, needle in ((tmp_path, "is a directory"), (text, "is not an SQLite file")):
        proc = scrapy("crawl", "sana", "-s", f"KHABAR_DB={target}")
        assert proc.returncode != 0
        one_line_error(proc.stderr, f"khabar: database {target}", needle)
    assert text.read_text(encoding="utf-8") == "notes\n"


def test_usage_errors_are_one_line_from_the_real_command() -> None:
    proc = khabar_proc("search", "x", "--limit", "-1")
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        "khabar search: Invalid value for '--limit': -1 is not in the range 1<=x<=1000000. "
        "(see khabar search --help)"
    ]


def test_schedule_refuses_a_directory_as_database(tmp_path: Path) -> None:
    proc = khabar_proc("schedule", "--once", "--site", "sana", env={"KHABAR_DB": str(tmp_path)})
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"khabar: database {tmp_path} is a directory, not a file\n"
    assert list(tmp_path.iterdir()) == []


# Runs the CLI with an import hook that reports, on a pipe, the moment the extraction stack starts
# importing and then holds that import: the SIGINT lands inside it however fast the machine is.
HOLD_AT_IMPORT = """
import importlib.abc, os, sys, time
class Hold(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "trafilatura":
            os.write(int(os.environ["KHABAR_TEST_IMPORT_FD"]), b"importing")
            time.sleep(120)
        return None
sys.meta_path.insert(0, Hold())
from crawler.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_during_start_up_is_not_a_traceback(corpus_dir: Path) -> None:
    """SIGINT while the command is still importing the extraction stack: exit 130, quietly."""
    ready, report = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_AT_IMPORT, "extract", str(corpus_dir / PAGE), "--url", URL],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "KHABAR_TEST_IMPORT_FD": str(report)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(report,),
    )
    os.close(report)
    try:
        assert os.read(ready, 16) == b"importing", "the command never imported trafilatura"
    finally:
        os.close(ready)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert proc.returncode == 130 and out == b""


def test_spider_loader_unknown_name_is_a_key_error_and_a_usage_error() -> None:
    """Scrapy commands other than crawl (check, parse --spider) meet it as a usage line."""
    from scrapy.exceptions import UsageError

    from crawler.config import load_config
    from crawler.spiderloader import ConfigSpiderLoader

    loader = ConfigSpiderLoader(load_config())
    with pytest.raises(KeyError) as caught:
        loader.load("nosuch")
    assert isinstance(caught.value, UsageError)
    assert str(caught.value).startswith("unknown spider 'nosuch' (known: albayan, ")
