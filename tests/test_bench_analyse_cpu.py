"""bench/analyse_cpu.py: CPU ms/page of analyse_page beside trafilatura's, one command."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def bench(*args: str, corpus: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bench/analyse_cpu.py", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CORPUS": corpus},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_prints_both_extractors_and_their_ratio(corpus_dir):
    run = bench("--rounds", "1", "--repeat", "1", corpus=str(corpus_dir))
    assert run.returncode == 0, run.stderr
    pages = int(re.search(r"^(\d+) pages \(mean \d+ KB\)", run.stdout, re.M).group(1))
    assert pages >= 10  # one per real Arabic corpus page with a full-body gold
    ours = float(re.search(r"khabar analyse_page\s+([\d.]+)", run.stdout).group(1))
    theirs = float(re.search(r"trafilatura bare_extraction \(metadata\)\s+([\d.]+)", run.stdout)[1])
    ratio = float(re.search(r"ratio khabar / trafilatura\s+([\d.]+)", run.stdout).group(1))
    assert ours > 0 and theirs > 0
    assert abs(ratio - ours / theirs) < 0.01


def test_bad_input_is_one_line_and_an_error_code(tmp_path):
    bad = bench("--rounds", "0", corpus=str(tmp_path))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--rounds and --repeat must be at least 1" in bad.stderr
    missing = bench(corpus=str(tmp_path))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert f"corpus not found at {tmp_path}" in missing.stderr
