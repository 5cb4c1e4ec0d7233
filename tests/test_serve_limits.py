"""What one request to `khabar serve` can cost, and who may run SQL (issue 17 #4, #18, #27):
SQLite's own limits and a result budget on Datasette's connections, bounded inputs to khabar's SQL
functions, queries capped at storage.search.MAX_QUERY_WORDS words, arbitrary SQL off on an address
other machines reach, and a `_searchmode` guard that reads parameters as Datasette does. Through
Datasette's test client, and real `khabar serve` processes where the bound address matters."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from datasette.utils.asgi import Request

from crawler.arabic import fts_text
from crawler.commands.serve import make_datasette
from storage.datasette.plugins import khabar_arabic
from storage.search import build_match
from storage.store import ArticleStore
from tests.conftest import PROJECT_ROOT
from tests.support.serving import fetch, free_port
from tests.test_search import write_synthetic

MB = 2**20


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "news.sqlite"
    store = ArticleStore(path)
    try:
        write_synthetic(store)
    finally:
        store.close()
    return path


def get(db: Path, path: str, *, allow_sql: bool = True):
    options = {} if allow_sql else {"allow_sql": False}  # the default is what `khabar serve` runs

    async def go():
        return await make_datasette(db, **options).client.get(path)

    return asyncio.run(go())


def sql(query: str) -> str:
    return "/news.json?" + urlencode({"sql": query, "_shape": "array"})


def error_of(response) -> str:
    assert response.status_code == 400, response.text[:300]
    return response.json()["error"]


# --- memory: values and results ------------------------------------------------------------------


def test_a_huge_value_is_refused_by_sqlite_before_it_is_built(db: Path) -> None:
    """randomblob(1000000000) took 22 s and 1.8 GB of the server: a value over 32 MB is refused."""
    for query in ("select randomblob(33554433)", "select hex(zeroblob(17000000))"):
        assert error_of(get(db, sql(query))) == "string or blob too big"
    assert get(db, sql("select length(hex(zeroblob(1000000))) as n")).json() == [{"n": 2000000}]


def test_a_result_over_the_budget_is_an_error_not_a_response(db: Path) -> None:
    query = "select zeroblob(20000000) as b from (select 1 union all select 2)"
    assert error_of(get(db, sql(query))) == (
        "the result is larger than 32 MB: ask for fewer rows or columns"
    )
    one = get(db, sql("select length(zeroblob(20000000)) as n"))
    assert one.json() == [{"n": 20000000}]  # the budget is per query, not per connection


def test_the_budget_is_counted_per_query(db: Path) -> None:
    """One connection serves many queries: each starts from nothing."""
    conn = sqlite3.connect(db)
    khabar_arabic.prepare_connection(conn)
    try:
        for _ in range(3):
            rows = conn.execute("select zeroblob(20000000)").fetchall()
            assert len(rows[0][0]) == 20000000
    finally:
        conn.close()


# --- work: khabar's SQL functions and long queries -----------------------------------------------


def test_our_sql_functions_read_a_bounded_part_of_their_arguments(db: Path) -> None:
    long = "ب " * 2_000_000  # the 4.3 s khabar_fts of the review
    conn = sqlite3.connect(db)
    khabar_arabic.prepare_connection(conn)
    try:
        (fts,) = conn.execute("select khabar_fts(?)", [long]).fetchone()
        (snip,) = conn.execute("select khabar_snippet(?, 'ت')", [long]).fetchone()
    finally:
        conn.close()
    assert fts == fts_text(long[: khabar_arabic.MAX_FUNCTION_CHARS])
    assert len(fts) < khabar_arabic.MAX_FUNCTION_CHARS <= len(long) // 8
    assert snip.startswith("ب ب") and len(snip) < 100


def test_a_query_of_thousands_of_prefixes_is_searched_as_one(db: Path) -> None:
    """6,000 × د* took 9 s of a server thread; it is one term. (4,000 here: the test client
    takes URLs up to 64 KB.)"""
    many = quote("د* " * 4000)
    one = quote("د*")
    canned = "/news/search.json?_shape=array&site=&q="
    assert get(db, canned + many).json() == get(db, canned + one).json() != []
    table = "/news/articles.json?_shape=array&_col=id&_search="
    assert get(db, table + many).json() == get(db, table + one).json() != []

    rows = get(db, sql(f"select khabar_match('{'د* ' * 4000}') as m")).json()
    assert rows == [{"m": '"د"*'}] and build_match("د* " * 4000) == '"د"*'


# --- who may run SQL -----------------------------------------------------------------------------


def test_without_allow_sql_only_the_published_views_answer(db: Path) -> None:
    assert get(db, sql("select 1"), allow_sql=False).status_code == 403
    assert get(db, "/news/articles.json?_where=1", allow_sql=False).status_code == 403
    for path in (
        "/news/articles.json?_shape=array",
        f"/news/articles.json?_search={quote('دمشق')}",
        f"/news/search.json?q={quote('دمشق')}&site=",
        "/news/articles.json?_facet=site",
    ):
        assert get(db, path, allow_sql=False).status_code == 200, path


# --- _searchmode=raw, however it is spelled (#18) -------------------------------------------------

SPELLINGS = [
    "_searchmode=raw",
    "%5Fsearchmode=raw",
    "%5fsearchmode=raw",
    "_searchmod%65=raw",
    "%5F%73%65archmode=raw",
]


@pytest.mark.parametrize("mode", SPELLINGS)
def test_raw_search_mode_is_dropped_however_it_is_encoded(db: Path, mode: str) -> None:
    for query in ('"x', "title:دمشق", "NEAR(دمشق"):
        response = get(db, f"/news/articles.json?_search={quote(query)}&{mode}&_shape=array")
        assert response.status_code == 200, (query, mode, response.text[:200])
    typed = get(db, f"/news/articles.json?_search={quote('الاسلام')}&{mode}&_col=id&_shape=array")
    assert typed.json() != []  # normalised like the index: الاسلام finds الإسلام


@pytest.mark.parametrize("mode", SPELLINGS)
def test_what_is_left_has_no_searchmode_for_datasette(mode: str) -> None:
    query_string = f"_search=%22x&{mode}&_sort=id&q=%D8%AF".encode()
    kept = khabar_arabic.without_search_mode(query_string)
    args = Request({"type": "http", "query_string": kept}, None).args
    assert "_searchmode" not in args
    assert (args.get("_search"), args.get("_sort"), args.get("q")) == ('"x', "id", "د")


# --- the address `khabar serve` binds ------------------------------------------------------------


@contextmanager
def serve(db: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A real `khabar serve`, and its start-up line: printed once the socket listens, so the
    requests made after it wait in the socket's queue until the server takes them."""
    with subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            line = proc.stdout.readline()
            assert line.startswith("khabar: serving"), line + proc.stderr.read()
            yield line.strip(), proc
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_an_ipv6_address_is_printed_as_a_browser_takes_it(db: Path) -> None:
    port = free_port()
    with serve(db, "--host", "::1", "--port", str(port)) as (line, proc):
        assert line.endswith(f"at http://[::1]:{port}/")
        status, _ = fetch(f"http://[::1]:{port}/news.json?sql=select+1")
        assert status == 200  # loopback: SQL stays on
        proc.terminate()
        assert "warning" not in proc.stderr.read()


@pytest.mark.parametrize("allow_sql", [False, True], ids=["default", "--allow-sql"])
def test_an_address_other_machines_reach_is_said_and_sql_is_off_unless_asked(
    db: Path, allow_sql: bool
) -> None:
    port = free_port()
    args = ["--host", "0.0.0.0", "--port", str(port), *(["--allow-sql"] * allow_sql)]
    with serve(db, *args) as (line, proc):
        assert line.endswith(f"at http://0.0.0.0:{port}/")
        status, _ = fetch(f"http://127.0.0.1:{port}/news.json?sql=select+1")
        table, _ = fetch(f"http://127.0.0.1:{port}/news/articles.json")
        proc.terminate()  # then stderr ends: reading it cannot wait for a line never written
        warning = proc.stderr.read().strip()
    assert warning.startswith(
        f"khabar: warning: 0.0.0.0 is reachable from other machines: anyone who can reach "
        f"port {port} can read the whole database"
    )
    assert ("run SQL on it (--allow-sql)" in warning) == allow_sql
    assert status == (200 if allow_sql else 403) and table == 200


def test_a_query_string_over_64_kb_is_refused_before_datasette_reads_it(db: Path) -> None:
    """Datasette parses the query string for each part of a page: a 10,000-term search URL
    (100 KB) is 414, one line, and never reaches Datasette; 6,000 terms (60 KB) are searched."""
    assert get(db, "/news/search?site=&" + urlencode({"q": "د* " * 6000})).status_code == 200
    reached, sent = [], []

    async def datasette(scope, receive, send):
        reached.append(scope)

    async def send(message):
        sent.append(message)

    wrapped = khabar_arabic.asgi_wrapper(None)(datasette)
    query = urlencode({"site": "", "q": "د* " * 10000}).encode()
    scope = {"type": "http", "method": "GET", "path": "/news/search", "query_string": query}
    asyncio.run(wrapped(scope, None, send))
    assert not reached
    assert sent[0]["status"] == 414
    assert sent[1]["body"] == b"khabar serve: the URL's query is over 64 KB\n"


def test_errors_are_answered_without_printing_the_request(
    db: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A refused statement is a 400 and a path outside the site a 404, and neither prints a
    traceback (with the visitor's SQL in its locals) on the server's terminal."""
    assert get(db, "/../../etc/passwd").status_code == 404
    refused = get(db, sql("attach database '/tmp/x.sqlite' as x"))
    assert refused.status_code == 400
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "attach" not in (out + err).lower()
