"""Progress of long work: a line redrawn on a terminal, a log line now and then elsewhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from crawler.extensions.progress import Reporter, format_duration, progress_line, track
from tests.conftest import run_scrapy
from tests.support.replay import ReplayServer, ReplaySite


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (12.4, "12s"), (471, "7m51s"), (3720, "1h02m")]
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("args", "kwargs", "line"),
    [
        (
            (120, 450, 171.4),
            {"stored": 118},
            "progress: 120/450 articles, 118 stored, 42/min, ETA 7m51s",
        ),
        ((0, 10, 5.0), {}, "progress: 0/10 articles, 0/min, ETA ?"),
        ((10, 10, 60.0), {"noun": "pages"}, "progress: 10/10 pages, 10/min"),
    ],
)
def test_progress_line(args: tuple, kwargs: dict, line: str) -> None:
    assert progress_line(*args, **kwargs) == line


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_not_a_terminal_logs_once_per_interval() -> None:
    clock, logged = Clock(), []
    reporter = Reporter(io.StringIO(), interval=60, clock=clock, log=logged.append)
    for second in range(0, 181):
        clock.now = float(second)
        reporter.show(f"line {second}")
    assert logged == ["line 60", "line 120", "line 180"]
    reporter.finish()
    assert reporter.stream.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_redraws_in_place() -> None:
    stream, logged = Terminal(), []
    reporter = Reporter(stream, interval=60, clock=Clock(), log=logged.append)
    reporter.show("a")
    reporter.show("b")
    reporter.finish()
    assert stream.getvalue() == "\r\x1b[Ka\r\x1b[Kb\n"
    assert logged == []


def test_track_yields_everything() -> None:
    stream = Terminal()
    assert list(track(iter(range(5)), 5, "pages", stream=stream)) == [0, 1, 2, 3, 4]
    assert re.fullmatch(
        r"(\r\x1b\[K[^\r]*)*\r\x1b\[Kprogress: 5/5 pages, \d+/min\n", stream.getvalue()
    )


def test_crawl_logs_progress_only_when_it_lasts(corpus_dir: Path, tmp_path: Path) -> None:
    site = ReplaySite.from_urlmap(corpus_dir / "alwatan.sy-replica" / "URLMAP.tsv")
    slow = [
        "-s",
        "DOWNLOAD_DELAY=0.25",
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
        "-s",
        "RANDOMIZE_DOWNLOAD_DELAY=0",
    ]
    with ReplayServer([site]) as server:
        often = run_scrapy(
            ["crawl", "alwatan", *slow, "-s", "KHABAR_PROGRESS_INTERVAL=1"],
            env={**server.env(), "KHABAR_DB": str(tmp_path / "a.sqlite")},
        )
        default = run_scrapy(
            ["crawl", "alwatan", *slow],
            env={**server.env(), "KHABAR_DB": str(tmp_path / "b.sqlite")},
        )
    lines = re.findall(r"progress: (\d+)/(\d+) articles, (\d+) stored, \d+/min", often.stderr)
    assert len(lines) >= 2
    assert all(int(done) <= int(total) <= 14 for done, total, _ in lines)
    assert "progress:" not in default.stderr  # a short crawl with the default interval: quiet
