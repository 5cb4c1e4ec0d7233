"""The job an extraction worker runs: a page's article record and its MinHash signature.

Its own module, importing only extraction and fingerprinting: a spawned worker imports the
module of the function it is given, and pipelines/extract.py would bring Scrapy and Twisted
into every worker (~60 MB each) for nothing. The other way round too: the crawl process only
names these functions to its pool, so extraction (trafilatura, htmldate, justext: ~7 MB) is
imported by `init_worker` in each worker, and by the crawl itself only if it extracts in-process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract.rules import ExtractionRules


def analyse_page(
    html: bytes,
    url: str,
    rules: ExtractionRules,
    *,
    http_encoding: str | None,
    hints: dict[str, str],
) -> dict[str, Any]:
    """The article record of a page plus the MinHash signature of its body.

    Runs in a worker process: the signature is CPU work too, and computing it here keeps the
    reactor process free for downloading.
    """
    from crawler.extract.article import extract_article
    from crawler.fingerprint import NearDupIndex, minhash

    record = extract_article(html, url, rules, http_encoding=http_encoding, hints=hints)
    record["minhash"] = NearDupIndex.signature_to_bytes(minhash(record.get("body") or ""))
    return record


PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Ctrl-C reaches the whole foreground process group, systemd's stop SIGTERM the whole cgroup: a
# worker ignores both, and the crawl, which handles them, shuts its pool down.
WORKER_IGNORES = (signal.SIGINT, signal.SIGTERM)


def init_worker(parent_pid: int) -> None:
    """Make an extraction worker die with its crawl.

    A `kill -9` of the crawl would otherwise leave its workers (and with them the
    multiprocessing resource tracker) running under PID 1. On Linux the kernel sends the worker
    SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG); a parent already gone before that
    took effect is caught by comparing the parent PID. Ctrl-C reaches the whole foreground
    process group: the worker ignores it and the crawl shuts the pool down, so no worker prints
    a KeyboardInterrupt traceback.
    """
    for sig in WORKER_IGNORES:
        signal.signal(sig, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)
    import crawler.extract.article  # now, not while the first page waits
    import crawler.fingerprint  # noqa: F401
