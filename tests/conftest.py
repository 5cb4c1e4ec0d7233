"""Shared fixtures: where the offline corpus is, and how to run a real crawl against it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("KHABAR_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared offline corpus of saved Arabic news pages (never copied into the project)."""
    if not (CORPUS / "MANIFEST.tsv").exists():
        pytest.skip(f"offline corpus not found at {CORPUS} (set KHABAR_CORPUS to its path)")
    return CORPUS


# Politeness off for loopback crawls: the replay server is ours.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def run_scrapy(
    args: list[str], *, env: dict[str, str], timeout: float = 240, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the real `scrapy` command from the project root in a subprocess."""
    full_env = {**os.environ, "KHABAR_EXTRACT_WORKERS": "1", **env}
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"scrapy {' '.join(args)} exited {proc.returncode}\n{proc.stderr[-4000:]}"
        )
    return proc


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "khabar.sqlite"
