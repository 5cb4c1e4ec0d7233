"""An interrupted crawl (Ctrl-C, SIGTERM, a second signal, a signal while the spider is still
opening) exits 128 + the signal, its run is recorded `interrupted`, and `khabar status` says so
(issue 17, defect 5). Every signal is sent when the process has reported the state under test:
an article request held at the replay proxy, or a line of its log; never after a sleep."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.faults import crawl_args, plain_config, plain_site
from tests.support.replay import ReplayServer

SITE, HOST = "outcome", "news.outcome.test"
TIMEOUT = 90
# Extracted articles wait in the store's batch (no write before the end), and each one that went
# through every pipeline is logged ("Scraped from <200 …>").
SETTINGS = {"KHABAR_WRITE_BATCH": "100", "KHABAR_WRITE_INTERVAL": "600", "LOG_LEVEL": "DEBUG"}


class Crawl:
    """A `scrapy crawl` subprocess in its own session, its log read line by line."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        with self.proc.stderr:
            for line in self.proc.stderr:
                self.lines.put(line)
        self.lines.put(None)

    def wait_line(self, needle: str) -> str:
        while True:
            line = self.lines.get(timeout=TIMEOUT)
            if line is None:
                raise AssertionError(f"exited before logging {needle!r}:\n{''.join(self.log)}")
            self.log.append(line)
            if needle in line:
                return line

    def signal(self, sig: int) -> None:
        """To the whole process group, as a terminal's Ctrl-C or systemd's stop sends it."""
        os.killpg(self.proc.pid, sig)

    def finish(self) -> tuple[int, str]:
        code = self.proc.wait(timeout=TIMEOUT)
        while (line := self.lines.get(timeout=TIMEOUT)) is not None:
            self.log.append(line)
        return code, "".join(self.log)


class Held:
    """Article requests that wait at the proxy until released; `arrived` once the first came."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, req: BaseHTTPRequestHandler) -> None:
        self.arrived.set()
        self.release.wait(TIMEOUT)
        req.send_mapped()  # type: ignore[attr-defined]


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(plain_config([(SITE, HOST)]), encoding="utf-8")
    return tmp_path


def crawl_env(folder: Path, server: ReplayServer, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **server.env(),
        "KHABAR_CONFIG": str(folder / "config.yaml"),
        "KHABAR_DB": str(folder / "db.sqlite"),
        "KHABAR_EXTRACT_WORKERS": "1",
        **extra,
    }


def runs(db: Path) -> list[tuple[str, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT status, finish_reason FROM crawls ORDER BY id").fetchall()
    finally:
        conn.close()


def stored(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def status_line(folder: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "status", "--site", SITE],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CONFIG": str(folder / "config.yaml"), "KHABAR_DB": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc.returncode, proc.stdout.splitlines()[-1]


@pytest.fixture
def held_site() -> Iterator[tuple[ReplayServer, Held, int]]:
    """Six articles; all but the first two are held at the proxy."""
    site, articles = plain_site(SITE, HOST, 6)
    held = Held()
    with ReplayServer([site]) as server:
        for article in articles[2:]:
            server.add_fault(article.url, held)
        try:
            yield server, held, 2
        finally:
            held.release.set()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_one_signal_mid_crawl(site_dir: Path, held_site, sig: int, code: int) -> None:
    server, held, _ = held_site
    crawl = Crawl([sys.executable, "-m", "scrapy", *crawl_args(SITE)], crawl_env(site_dir, server))
    assert held.arrived.wait(TIMEOUT), "no article request reached the proxy"
    crawl.signal(sig)
    crawl.wait_line(f"Received {signal.Signals(sig).name}: stopping the crawl")
    held.release.set()
    exit_code, log = crawl.finish()
    assert exit_code == code, log[-3000:]
    assert runs(site_dir / "db.sqlite") == [("interrupted", "shutdown")]
    assert "Traceback" not in log
    health_code, line = status_line(site_dir)
    assert "interrupted" in line and "failed" not in line and "vanished" not in line, line
    assert health_code == 0, line


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_second_signal_stops_at_once_and_keeps_what_was_extracted(
    site_dir: Path, held_site, sig: int, code: int
) -> None:
    """The graceful stop waits for held downloads; the second signal does not, and the two
    articles already through the pipelines (sitting in the store's batch) are still stored."""
    server, held, free = held_site
    env = crawl_env(site_dir, server)
    crawl = Crawl([sys.executable, "-m", "scrapy", *crawl_args(SITE, SETTINGS)], env)
    for _ in range(free):
        crawl.wait_line("Scraped from <200")
    assert held.arrived.wait(TIMEOUT)
    crawl.signal(sig)
    crawl.wait_line(f"Received {signal.Signals(sig).name}: stopping the crawl")
    crawl.signal(sig)
    exit_code, log = crawl.finish()
    assert exit_code == code, log[-3000:]
    assert f"Received {signal.Signals(sig).name} again: stopping at once" in log
    assert runs(site_dir / "db.sqlite") == [("interrupted", "shutdown")]
    assert stored(site_dir / "db.sqlite") == free
    assert "Traceback" not in log
    assert "interrupted" in status_line(site_dir)[1]


# Runs `scrapy crawl` with the extraction pipeline's open_spider held until a signal has been
# handled: the signal lands while the spider is still opening (the engine not started), however
# fast the machine is. The crawl reports on a pipe when it is held there.
HOLD_WHILE_OPENING = """
import os, sys, time
from crawler.interrupts import CrawlInterrupts
from pipelines.extract import ExtractPipeline
seen = []
on_signal = CrawlInterrupts._on_signal
def counting(self, signum, frame):
    on_signal(self, signum, frame)
    seen.append(signum)
CrawlInterrupts._on_signal = counting
open_spider = ExtractPipeline.open_spider
def held(self):
    os.write(int(os.environ["KHABAR_TEST_HOLD_FD"]), b"opening")
    while not seen:
        time.sleep(0.01)
    open_spider(self)
ExtractPipeline.open_spider = held
from scrapy.cmdline import execute
execute(["scrapy", *sys.argv[1:]])
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_while_the_spider_opens(site_dir: Path, held_site, sig: int, code: int) -> None:
    server, _, _ = held_site
    ready, report = os.pipe()
    env = crawl_env(site_dir, server, KHABAR_TEST_HOLD_FD=str(report), PYTHONPATH=str(PROJECT_ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WHILE_OPENING, *crawl_args(SITE)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=(report,),
        start_new_session=True,
    )
    os.close(report)
    try:
        assert os.read(ready, 16) == b"opening", "the crawl never opened its spider"
    finally:
        os.close(ready)
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == code, err[-3000:]
    assert runs(site_dir / "db.sqlite") == [("interrupted", "shutdown")]
    assert server.count(f"http://{HOST}/article/") == 0  # stopped before fetching articles
    assert "Traceback" not in err


def wait_in_file(
    path_of: Callable[[], str | None], needle: str, proc: subprocess.Popen[str], times: int = 1
) -> None:
    """Until the file (once it exists) contains `needle` `times` times; fails if `proc` exits
    first."""
    while True:
        path = path_of()
        if path is not None and Path(path).read_text("utf-8").count(needle) >= times:
            return
        if proc.poll() is not None:
            raise AssertionError(f"exited {proc.returncode} before {needle!r} in {path}")
        threading.Event().wait(0.05)


def test_second_signal_to_the_scheduler_records_the_crawl_interrupted(
    site_dir: Path, held_site
) -> None:
    """`khabar schedule --once`: SIGTERM, then SIGTERM again while the crawl waits for held
    downloads. The crawl is sent its own second signal and records itself (not 'killed after
    the grace period'); the articles it had extracted are stored."""
    server, held, free = held_site
    env = crawl_env(site_dir, server)
    env.pop("KHABAR_DB")
    db = site_dir / "db.sqlite"
    settings = [f"-s{k}={v}" for k, v in SETTINGS.items()]
    daemon = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "schedule", "--once", *settings],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def crawl_log() -> str | None:
        if not db.exists():
            return None
        conn = sqlite3.connect(db)
        try:
            (path,) = conn.execute("SELECT log_path FROM crawls").fetchone() or (None,)
        except sqlite3.OperationalError:  # the schema is still being created
            path = None
        finally:
            conn.close()
        return path if path and Path(path).exists() else None

    assert held.arrived.wait(TIMEOUT)
    wait_in_file(crawl_log, "Scraped from <200", daemon, times=free)
    daemon.send_signal(signal.SIGTERM)
    wait_in_file(crawl_log, "Received SIGINT: stopping the crawl", daemon)
    daemon.send_signal(signal.SIGTERM)
    _, err = daemon.communicate(timeout=TIMEOUT)
    assert daemon.returncode == 0, err[-3000:]
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT status, finish_reason, exit_code FROM crawls").fetchone()
    conn.close()
    assert row == ("interrupted", "shutdown", 130), (row, err[-3000:])
    assert stored(db) == free
    assert "Received SIGINT again: stopping at once" in Path(crawl_log() or "").read_text("utf-8")
    assert "Traceback" not in err


# `scrapy crawl` with an import hook that reports, on a pipe, the moment the spider loader starts
# loading the config (it pulls in the extraction stack; the crawler does not exist yet) and holds
# that import there.
HOLD_AT_IMPORT = """
import importlib.abc, os, sys, time
class Hold(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "crawler.config":
            os.write(int(os.environ["KHABAR_TEST_IMPORT_FD"]), b"importing")
            time.sleep(120)
        return None
sys.meta_path.insert(0, Hold())
from scrapy.cmdline import execute
execute(["scrapy", *sys.argv[1:]])
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_while_the_crawl_starts_up_is_quiet(tmp_path: Path, sig: int, code: int) -> None:
    """Issue 17, defect 19: Ctrl-C while `scrapy crawl` loads its config printed a ~40-line
    KeyboardInterrupt traceback. (Before khabar's crawl command is loaded, in Scrapy's own
    imports, Python's default handler still answers.)"""
    ready, report = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_AT_IMPORT, "crawl", "sana"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "KHABAR_TEST_IMPORT_FD": str(report),
            "KHABAR_DB": str(tmp_path / "k.sqlite"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(report,),
    )
    os.close(report)
    try:
        assert os.read(ready, 16) == b"importing", "the crawl never loaded its config"
    finally:
        os.close(ready)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err, err.decode()
    assert proc.returncode == code and out == b""
    assert not (tmp_path / "k.sqlite").exists()
