"""Every setting khabar reads is checked before anything starts, in one table (issue 17, defects
9 and 16): a bad value from the environment or `-s` is one line and a non-zero exit, for every
Scrapy command and for `khabar schedule`, never a traceback or a run that fails later."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import crawler.settings as project_settings
from crawler.distributed.addon import WORKER_DEFAULTS
from crawler.setting_rules import (
    MAX_WORKERS,
    RULES,
    SettingError,
    check_assignments,
    check_environment,
    check_value,
)
from tests.conftest import PROJECT_ROOT

# Text settings checked where they are used (a path, a URL, a class path).
TEXT_SETTINGS = {"KHABAR_DB", "KHABAR_KNOWN_ARTICLES", "KHABAR_REDIS_URL", "KHABAR_CONFIG"}


def test_every_khabar_setting_has_a_rule() -> None:
    names = {n for n in dir(project_settings) if n.startswith("KHABAR_")} | set(WORKER_DEFAULTS)
    assert names - TEXT_SETTINGS - set(RULES) == set()
    for name in names - TEXT_SETTINGS:  # and the defaults pass their own rule
        default = getattr(project_settings, name, WORKER_DEFAULTS.get(name))
        check_value(name, default, "settings")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KHABAR_EXTRACT_WORKERS", "abc", f"must be a whole number from 0 to {MAX_WORKERS}"),
        ("KHABAR_EXTRACT_WORKERS", "1000", f"must be a whole number from 0 to {MAX_WORKERS}"),
        ("KHABAR_EXTRACT_WORKERS", "-1", f"must be a whole number from 0 to {MAX_WORKERS}"),
        ("KHABAR_EXTRACT_WORKERS", "1.5", f"must be a whole number from 0 to {MAX_WORKERS}"),
        ("KHABAR_PROGRESS_INTERVAL", "abc", "must be a number from 0.1 to 86400"),
        ("KHABAR_NEARDUP_WINDOW_DAYS", "abc", "must be a number from 0 to 36500"),
        ("KHABAR_MIN_WORDS", "abc", "must be a whole number from 0 to 100000"),
        ("KHABAR_WRITE_INTERVAL", "abc", "must be a number from 0 to 86400"),
        ("KHABAR_KEEP_RAW", "maybe", "must be True or False (1/0, true/false)"),
        ("KHABAR_CRAWL_ID", "abc", "must be a whole number of at least 0"),
        ("KHABAR_WRITE_BATCH", "-3", "must be a whole number from 1 to 10000"),
        ("KHABAR_MAX_CRAWL_DELAY", "-1", "must be a number from 0 to 86400"),
        ("DOWNLOAD_DELAY", "-5", "must be a number from 0 to 86400"),
        ("DOWNLOAD_DELAY", "nan", "must be a number from 0 to 86400"),
        ("DOWNLOAD_DELAY", "inf", "must be a number from 0 to 86400"),
        ("CONCURRENT_REQUESTS", "0", "must be a whole number from 1 to 10000"),
        ("LOG_LEVEL", "BOGUS", "must be one of CRITICAL, FATAL, ERROR, WARN, WARNING, INFO"),
    ],
)
def test_bad_values(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingError) as caught:
        check_value(name, value, "-s")
    assert str(caught.value).startswith(f"{name}={value} (-s): {message}")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KHABAR_EXTRACT_WORKERS", "0"),
        ("KHABAR_EXTRACT_WORKERS", str(MAX_WORKERS)),
        ("KHABAR_KEEP_RAW", "false"),
        ("KHABAR_KEEP_RAW", "1"),
        ("DOWNLOAD_DELAY", "0.25"),
        ("LOG_LEVEL", "debug"),
        ("KHABAR_CRAWL_ID", 12),
        ("SOME_OTHER_SETTING", "anything"),  # not ours to judge
    ],
)
def test_good_values(name: str, value: object) -> None:
    check_value(name, value, "-s")


def test_schedule_assignments_and_environment() -> None:
    check_assignments(["DOWNLOAD_DELAY=2", "LOG_LEVEL=INFO"])
    with pytest.raises(SettingError, match=r"^-s DOWNLOAD_DELAY: expected NAME=VALUE$"):
        check_assignments(["DOWNLOAD_DELAY"])
    with pytest.raises(SettingError, match=r"^KHABAR_CRAWL_ID=x \(environment\)"):
        check_environment({"KHABAR_CRAWL_ID": "x"})


def run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_environment_value_for_every_scrapy_command() -> None:
    """Was a ValueError traceback from crawler/settings.py at import, on every command."""
    proc = run([sys.executable, "-m", "scrapy", "list"], KHABAR_EXTRACT_WORKERS="abc")
    assert proc.returncode == 1
    assert proc.stderr == (
        "khabar: bad setting: KHABAR_EXTRACT_WORKERS=abc (environment): "
        f"must be a whole number from 0 to {MAX_WORKERS}\n"
    )
    assert proc.stdout == ""


def test_crawl_setting_is_refused_before_the_crawl(tmp_path: Path) -> None:
    db = tmp_path / "k.sqlite"
    proc = run(
        [sys.executable, "-m", "scrapy", "crawl", "sana", "-s", "KHABAR_KEEP_RAW=maybe"],
        KHABAR_DB=str(db),
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (
        "khabar: bad setting: KHABAR_KEEP_RAW=maybe (-s): must be True or False (1/0, true/false)"
    )
    assert "Traceback" not in proc.stderr
    assert not db.exists()


def test_schedule_refuses_a_bad_setting_up_front(tmp_path: Path) -> None:
    """Was accepted, and then every scheduled run failed with 'exited with status 1'."""
    db = tmp_path / "k.sqlite"
    khabar = [sys.executable, "-m", "crawler.cli", "schedule", "--once", "--site", "sana"]
    proc = run([*khabar, "-s", "DOWNLOAD_DELAY=abc"], KHABAR_DB=str(db))
    assert proc.returncode == 2
    assert proc.stderr == (
        "khabar: bad setting: DOWNLOAD_DELAY=abc (-s): must be a number from 0 to 86400\n"
    )
    assert not db.exists()
