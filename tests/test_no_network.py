"""Without a network the main job ends with one clear line, not a traceback."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from tests.conftest import FAST, run_scrapy


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_crawl_without_network_ends_with_one_clear_line(tmp_path: Path) -> None:
    # Every connection is refused: the proxy port has no listener.
    proxy = f"http://127.0.0.1:{closed_port()}"
    db = tmp_path / "khabar.sqlite"
    proc = run_scrapy(
        ["crawl", "alwatan", *FAST, "-s", "RETRY_TIMES=0"],
        env={"https_proxy": proxy, "http_proxy": proxy, "KHABAR_DB": str(db)},
        check=False,
    )
    assert proc.returncode == 1  # the run is recorded failed
    log = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr
    assert "no page could be fetched" in log[-1]
    assert "is the network reachable?" in log[-1]
    assert "connection_refused" in log[-1]
    conn = sqlite3.connect(db)
    try:
        status, pages = conn.execute("SELECT status, pages_fetched FROM crawls").fetchone()
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
    finally:
        conn.close()
    assert (status, pages) == ("failed", 0)
