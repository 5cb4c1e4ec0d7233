"""config.yaml's URL patterns are matched by RE2 (issue 17, defect 8): a catastrophic pattern
cannot pin a core and block signals, what RE2 cannot compile is refused at load in one line, and
Python's Unicode `\\w`/`\\d` keep matching Arabic slugs."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config
from crawler.patterns import PatternError, UserPattern, unicode_classes
from tests.conftest import PROJECT_ROOT
from tests.test_config import GOOD, write

CATASTROPHIC = r"^https://([a-z]+[/.-]?)*\d$"
# Under Python's re this takes ~2^40 steps: the crawl held the GIL and ignored Ctrl-C.
LONG_URL = "https://example.org/archives/category/" + "syria-news-" * 4 + "x"


def config_with(tmp_path: Path, pattern: str) -> Path:
    yaml_quoted = "'" + pattern.replace("'", "''") + "'"
    return write(tmp_path, GOOD.replace("'^https://example\\.org/archives/\\d+$'", yaml_quoted))


def test_a_catastrophic_pattern_matches_at_once_and_signals_still_work(tmp_path: Path) -> None:
    """The crawl's matching, in a process of its own: it reports when it matched, then waits
    for SIGINT, which must be handled (under `re` it never got past the match)."""
    path = config_with(tmp_path, CATASTROPHIC)
    script = (
        "import os, signal, sys\n"
        "from crawler.config import load_config\n"
        "site = load_config(sys.argv[1]).sites['demo']\n"
        "print(site.is_article_url(sys.argv[2]), site.is_article_url(sys.argv[2] + '7'))\n"
        "sys.stdout.flush()\n"
        "signal.pause()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path), LONG_URL],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        # Bounded: under `re` no answer ever comes (the pattern backtracks ~2^40 times).
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "matching one URL did not finish within a minute"
        assert proc.stdout.readline() == "False True\n"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
    # KeyboardInterrupt raised in pause(), Python's exit by SIGINT: the signal was handled.
    assert proc.returncode == -signal.SIGINT


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"^https://example\.org/(\d+)/\1$", "invalid escape sequence: \\1"),
        (r"^https://example\.org/(?!tag/)", "invalid perl operator: (?!"),
        (r"^https://example\.org/(?>a+)", "invalid perl operator: (?>"),
    ],
)
def test_what_re2_cannot_compile_is_refused_at_load(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    path = config_with(tmp_path, pattern)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:9: site demo: article_patterns: bad regular expression ")
    assert message.endswith(f"{reason} (patterns are matched by RE2)")
    assert "\n" not in message


def test_refused_pattern_prints_nothing_but_the_line(tmp_path: Path) -> None:
    """RE2 logs its parse errors on stderr unless told not to: only the config line remains."""
    path = config_with(tmp_path, r"(a)\1")
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "KHABAR_CONFIG": str(path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("khabar: config error: ")


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (r"^/ar/[\w-]+/\d+$", "/ar/أخبار-عاجلة/٣١", True),
        (r"^/\w+$", "/سوريا", True),
        (r"^/\W$", "/-", True),
        (r"^/\W$", "/ب", False),
        (r"^/\D+$", "/abc", True),
        (r"^/\S+\s\S+$", "/a\u00a0b", True),
        (r"^/[^\w]+$", "/--", True),
        (r"^/[]\w]+$", "/]a", True),
        (r"^/\\w$", "/\\w", True),  # an escaped backslash, then a plain w
        (r"(?i)^https://EXAMPLE\.org/", "https://example.org/x", True),
    ],
)
def test_python_semantics_are_kept(pattern: str, text: str, matches: bool) -> None:
    assert UserPattern(pattern).search(text) is matches


def test_unicode_classes() -> None:
    assert unicode_classes(r"[\w-]+/\d+") == r"[\pL\pN_-]+/[\p{Nd}]+"
    with pytest.raises(PatternError, match=r"\\W inside \[\.\.\.\] is not supported"):
        unicode_classes(r"[\W-]")


def test_patterns_compare_by_text() -> None:
    assert UserPattern("^a") == UserPattern("^a") != UserPattern("^b")
    assert UserPattern("^a").pattern == "^a"
