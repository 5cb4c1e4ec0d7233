"""Distributed mode's writer on a throw-away redis-server (127.0.0.1): malformed queue items are
parked in the dead-letter list and the writer goes on (no crash loop), a second writer on one
queue is refused in one line, and `khabar status` counts what was parked."""

from __future__ import annotations

import json
import subprocess
import time

from bench.hostile.common import crawled, rows
from bench.hostile.harness import ROOT, Case, Problem, Result, Scratch, base_env, refused, succeeds
from tests.support.redis_server import RedisServer

KIND = "writer queue"
ITEMS, DEAD = "khabar:items", "khabar:items:dead"


def _queue(*items: str, writer_first: bool = False):
    def setup(scratch: Scratch) -> None:
        crawled(scratch)
        server = scratch.enter(RedisServer(scratch.path("redis")))
        scratch.redis = server.client()  # type: ignore[attr-defined]
        scratch.env["KHABAR_REDIS_URL"] = server.url
        if items:
            scratch.redis.rpush(ITEMS, *items)  # type: ignore[attr-defined]
        if writer_first:
            _first_writer(scratch)

    return setup


def _first_writer(scratch: Scratch) -> None:
    """A writer already draining the queue; the case's own writer is the second."""
    proc = subprocess.Popen(
        [
            *scratch.wrap,
            __import__("sys").executable,
            "-m",
            "crawler.cli",
            "writer",
            "--db",
            str(scratch.db),
        ],
        cwd=ROOT,
        env=base_env(scratch),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    class Stop:
        def __enter__(self) -> Stop:
            return self

        def __exit__(self, *exc: object) -> None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    scratch.enter(Stop())
    # It has the queue once its lock is in Redis (what `khabar status` reads too).
    deadline = time.monotonic() + 30
    while not scratch.redis.get("khabar:writer:lock"):  # type: ignore[attr-defined]
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"the first writer never took the queue: {proc.stderr.read()[:200]!r}"
            )  # type: ignore[union-attr]
        time.sleep(0.1)


def _parked(n: int):
    def check(scratch: Scratch, result: Result) -> list[Problem]:
        client = scratch.redis  # type: ignore[attr-defined]
        dead, left = client.llen(DEAD), client.llen(ITEMS)
        processing = [k for k in client.keys("khabar:items:processing*") if client.llen(k)]
        problems = []
        if dead != n:
            problems.append(Problem("other", f"{dead} items parked, expected {n}"))
        if left or processing:
            problems.append(
                Problem("other", f"{left} still queued, {len(processing)} batches in processing")
            )
        if len(rows(scratch.db)) != 4:
            problems.append(Problem("rows", "the archive changed", 4 - len(rows(scratch.db))))
        return problems

    return check


def poison(name: str, item: str, defect: str = "#6") -> Case:
    return Case(
        f"writer-poison-{name}",
        KIND,
        ("khabar", "writer", "--db", "{db}", "--idle-exit", "1"),
        succeeds(check=_parked(1)),
        setup=_queue(item),
        limit=45,
        defect=defect,
    )


CASES = [
    poison("null", "null"),
    poison("list", "[1, 2, 3]"),
    poison("number", "42"),
    poison("string", json.dumps("an article")),
    poison("not-json", "not json", defect="held"),
    poison("unknown-kind", json.dumps({"kind": "gone"}), defect="held"),
    Case(
        "writer-poison-restart-no-loop",
        KIND,
        (
            "sh",
            "-c",
            "{python} -m crawler.cli writer --db {db} --idle-exit 1 && "
            "{python} -m crawler.cli writer --db {db} --idle-exit 1",
        ),
        succeeds(check=_parked(1)),
        setup=_queue("null"),
        limit=60,
        defect="#6",
    ),
    Case(
        "second-writer-refused",
        KIND,
        ("khabar", "writer", "--db", "{db}", "--idle-exit", "1"),
        refused(r"another writer", 1),
        setup=_queue(writer_first=True),
        limit=45,
        defect="#13",
    ),
    Case(
        "status-counts-dead-letters",
        KIND,
        (
            "sh",
            "-c",
            "{python} -m crawler.cli writer --db {db} --idle-exit 1 2>/dev/null; "
            "exec {python} -m crawler.cli status --db {db}",
        ),
        succeeds(1, stdout=r"(?i)dead|parked"),
        setup=_queue("null"),
        limit=60,
        defect="#6",
    ),
]
