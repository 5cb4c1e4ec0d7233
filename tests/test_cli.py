"""The `khabar` command line: every command is documented, with examples."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from crawler.cli import COMMANDS, khabar, main
from tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_a_readme_row(command: str) -> None:
    name = command.replace("_", "-")  # module add_site is the command add-site
    result = CliRunner().invoke(khabar, [name, "--help"])
    assert result.exit_code == 0, result.output
    help_text = result.output
    assert "example" in help_text and f"khabar {name}" in help_text
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `khabar {name}" in readme


def test_extract_prints_the_record_as_json(corpus_dir, capsys) -> None:
    page = corpus_dir / "alwatan.sy-replica" / "article-94762.html"
    assert main(["extract", str(page), "--url", "https://alwatan.sy/archives/94762"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert list(record) == [
        "url",
        "title",
        "kicker",
        "author",
        "section",
        "tags",
        "published_at",
        "published_precision",
        "modified_at",
        "field_sources",
        "language",
        "body",
        "image_url",
    ]
    assert record["author"] == "وكالات" and record["section"] == "سورية"
    assert record["published_precision"] == "second"
    assert record["field_sources"]["section"] == "breadcrumb"
    assert record["published_at"] == "2017-03-25T01:15:00+02:00"
    assert "زر الذهاب إلى الأعلى" not in record["body"]


SHOWN_LOCAL_TIME = (
    "<html><head><title>وزير الاقتصاد يعلن خطة لدعم الصادرات</title></head><body>"
    "<article><h1>وزير الاقتصاد يعلن خطة لدعم الصادرات</h1>"
    "<span class='date'>10 يوليو 2023 09:15</span><div class='entry-content'>"
    + "<p>أعلن وزير الاقتصاد اليوم أن الحكومة ستطلق خطة جديدة لدعم الصادرات الوطنية.</p>" * 6
    + "</div></article></body></html>"
)


@pytest.mark.parametrize(
    ("url", "options", "published", "offset_source"),
    [
        # issue 16: a URL config.yaml does not know was read as UTC
        ("https://news.example.com.eg/a/1", [], "2023-07-10T09:15:00+03:00", "domain"),
        ("https://news.example.com/a/1", [], "2023-07-10T09:15:00", "unknown"),
        (
            "https://news.example.com/a/1",
            ["--timezone", "Asia/Dubai"],
            "2023-07-10T09:15:00+04:00",
            "site-config",
        ),
    ],
)
def test_extract_reads_a_shown_local_time_on_the_sites_clock(
    tmp_path, capsys, url: str, options: list[str], published: str, offset_source: str
) -> None:
    page = tmp_path / "p.html"
    page.write_text(SHOWN_LOCAL_TIME, encoding="utf-8")
    assert main(["extract", str(page), "--url", url, *options]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["published_at"] == published
    assert record["field_sources"]["published_offset"] == offset_source


def test_extract_unknown_timezone_is_refused(tmp_path, capsys) -> None:
    page = tmp_path / "p.html"
    page.write_text(SHOWN_LOCAL_TIME, encoding="utf-8")
    args = ["extract", str(page), "--url", "https://x.test/", "--timezone", "Mars/Olympus"]
    assert main(args) == 2
    assert "unknown IANA timezone 'Mars/Olympus'" in capsys.readouterr().err


def test_extract_unknown_site_is_refused(tmp_path, capsys) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html></html>", encoding="utf-8")
    assert main(["extract", str(page), "--url", "https://x.test/", "--site", "nope"]) == 2
    assert "unknown site" in capsys.readouterr().err


def test_output_piped_into_a_reader_that_stops_early_is_not_a_traceback(corpus_dir) -> None:
    page = corpus_dir / "alwatan.sy-replica" / "article-94762.html"
    cmd = (
        f"{sys.executable} -m crawler.cli extract {page} "
        "--url https://alwatan.sy/archives/94762 | true"
    )
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # `true` has exited before the record is written: the write meets a closed pipe
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    assert proc.returncode == 141
