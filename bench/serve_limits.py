"""Time the hostile-input reproductions of issue 17 #4 and #14 against the real commands.

The database is the review's: the al-Watan and SANA replicas crawled by the real spiders (plus
the synthetic search articles). Then:
* `khabar search` with 800, 3,200 and 6,400 copies of د* and 12,000 of دمشق (#14): wall time
  of the process (start-up included);
* a real `khabar serve` (#4): `select randomblob(1000000000)`, khabar_fts over 4 million
  characters, the canned search and the table's _search with 6,000 × د* (the longest a 64 KB
  query string holds) and with 10,000, and three concurrent 6,000-term searches with a one-row
  query made while they run: HTTP status, seconds, bytes, and the server's peak RSS after each.
Numbers on a shared machine are noisy; statuses and sizes are exact.

Run: .venv/bin/python bench/serve_limits.py
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import CORPUS  # noqa: E402
from tests.support.serving import free_port  # noqa: E402
from tests.test_datasette import crawl_replicas  # noqa: E402

http.client._MAXLINE = 10**8  # Datasette echoes a 10,000-term query in its headers
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def search_cases(db: Path) -> None:
    print("khabar search                      seconds  exit")
    for label, query in (
        ("800 × د*", "د* " * 800),
        ("3,200 × د*", "د* " * 3200),
        ("6,400 × د*", "د* " * 6400),
        ("12,000 × دمشق", "دمشق " * 12000),
    ):
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "search", query, "--db", str(db)],
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        print(f"  {label:30} {seconds:7.2f}  {proc.returncode}")


def peak_rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024
    return -1


def get(base: str, path: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=600) as response:
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        status, size = exc.code, len(exc.read())
    except OSError:
        status, size = 0, 0  # the connection broke
    return status, size, time.perf_counter() - started


def serve_cases(db: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    name = db.stem
    with subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as server:
        try:
            server.stdout.readline()  # "khabar: serving …": the socket listens
            print("\nkhabar serve                       HTTP        bytes  seconds  server RSS")

            def sql(query: str) -> str:
                return f"/{name}.json?" + urllib.parse.urlencode({"sql": query})

            for label, path in (
                ("randomblob(1e9)", sql("select randomblob(1000000000)")),
                (
                    "khabar_fts(4M characters)",
                    sql("select length(khabar_fts(replace(hex(zeroblob(2000000)),'0','ب ')))"),
                ),
                (
                    "canned search, 6,000 × د*",
                    f"/{name}/search?" + urllib.parse.urlencode({"site": "", "q": "د* " * 6000}),
                ),
                (
                    "_search, 6,000 × د*",
                    f"/{name}/articles.json?" + urllib.parse.urlencode({"_search": "د* " * 6000}),
                ),
                (
                    "canned search, 10,000 × د*",
                    f"/{name}/search?" + urllib.parse.urlencode({"site": "", "q": "د* " * 10000}),
                ),
            ):
                status, size, seconds = get(base, path)
                print(
                    f"  {label:30} {status:4} {size:12,} {seconds:8.2f}  "
                    f"{peak_rss_mb(server.pid):6} MB"
                )
            long = f"/{name}/search?" + urllib.parse.urlencode({"site": "", "q": "د* " * 6000})
            results: list[tuple[int, int, float]] = []
            threads = [
                threading.Thread(target=lambda: results.append(get(base, long))) for _ in range(3)
            ]
            for thread in threads:
                thread.start()
            time.sleep(1.0)  # a benchmark: the one-row query goes while the three may still run
            one = get(base, f"/{name}/articles.json?_size=1")
            for thread in threads:
                thread.join()
            print(
                "  3 × 6,000-term searches         "
                + ", ".join(f"{s} in {t:.1f} s" for s, _, t in results)
                + f"; a one-row query meanwhile: {one[0]} in {one[2]:.2f} s"
                + f"; server RSS {peak_rss_mb(server.pid)} MB"
            )
        finally:
            server.terminate()


def main() -> int:
    if not (CORPUS / "MANIFEST.tsv").exists():
        print(f"no corpus at {CORPUS} (set KHABAR_CORPUS)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="khabar-serve-limits-") as tmp:
        db = Path(tmp) / "khabar.sqlite"
        crawl_replicas(CORPUS, db)
        search_cases(db)
        serve_cases(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
