"""A real `khabar serve` process on a free loopback port, for tests that need HTTP end to end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def khabar_serve(db: Path, log: Path, *args: str) -> Iterator[str]:
    """Run `khabar serve --db DB` until the block ends; yields its base URL."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.cli",
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                *args,
            ],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(
                            "khabar serve did not start:\n" + log.read_text()
                        ) from None
                    time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def fetch(url: str) -> tuple[int, str]:
    """(status, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def fetch_json(url: str) -> Any:
    status, body = fetch(url)
    assert status == 200, f"{url}: {status} {body[:500]}"
    return json.loads(body)
