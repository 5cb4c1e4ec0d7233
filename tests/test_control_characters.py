"""Control characters from pages (issue 17 #3): removed from display text at normalise, by one
definition (crawler.arabic.strip_controls), and escaped wherever khabar prints text
(crawler.terminal: printable, printable_json). The crawl end to end: tests/test_hostile_text.py."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.arabic import strip_controls
from crawler.cli import khabar
from crawler.cli import main as khabar_main
from crawler.record import ArticleItem
from crawler.terminal import printable, printable_json
from pipelines.normalise import NormalisePipeline, tidy_fields
from storage.store import open_database
from tests.support.faults import make_article
from tests.test_scheduler import write_config
from tests.test_status import add_run, healthy

OSC_TITLE = "\x1b]0;OWNED\x07"  # sets the terminal's window title
CLEAR = "\x1b[2J"  # clears the screen
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: writes the clipboard
CSI_C1 = "\x9b31m"  # the one-byte C1 form of ESC [


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"عنوان {OSC_TITLE} مسح", "عنوان ]0;OWNED مسح"),
        (f"{CLEAR}{CLIPBOARD}نص", "[2J]52;c;cm0gLXJmIH4=نص"),
        (f"أحمر{CSI_C1}", "أحمر31m"),
        ("a\x00b\x7fc\x08d", "abcd"),
        ("سطر\r\nسطر\tعمود", "سطر\nسطر\tعمود"),  # CR LF is a newline; tab and newline stay
        ("كلمة\rكلمة\x0bكلمة\x0cكلمة\x1fكلمة\x85كلمة", "كلمة كلمة كلمة كلمة كلمة كلمة"),
        ("\u200fRLM\u061cALM\u2067isolate\u2069 \u202eRLO\u202c", None),  # bidi: kept as is
        ("الإسلامُ ـــ ﻻ", None),  # Arabic, harakat, tatweel, presentation forms: untouched
    ],
)
def test_strip_controls(text: str, expected: str | None) -> None:
    assert strip_controls(text) == (text if expected is None else expected)


def test_tidy_fields_cleans_every_text_field_and_hashes_the_clean_body() -> None:
    dirty = {
        "title": f"عنوان {OSC_TITLE}",
        "kicker": f"{CLEAR}تمهيد",
        "author": f"كاتب{CSI_C1}",
        "section": "قسم\x07",
        "tags": [f"وسم{CLIPBOARD}", "\x1b", "وسم"],
        "body": f"فقرة {CLEAR}أولى\nفقرة ثانية",
    }
    tidy = tidy_fields(dirty)
    assert tidy["title"] == "عنوان ]0;OWNED"
    assert tidy["kicker"] == "[2Jتمهيد"
    assert tidy["author"] == "كاتب31m"
    assert tidy["section"] == "قسم"
    assert tidy["tags"] == ["وسم]52;c;cm0gLXJmIH4=", "وسم"]
    assert tidy["body"] == "فقرة [2Jأولى\nفقرة ثانية"
    assert tidy["content_hash"] == tidy_fields({"body": tidy["body"]})["content_hash"]


def test_the_normalise_pipeline_stores_the_clean_text() -> None:
    item = ArticleItem(
        url="https://example.test/a",
        site="x",
        found_via="feed",
        title=f"عنوان {OSC_TITLE}",
        body=f"نص {CLEAR}المقال",
    )
    out = NormalisePipeline(domains=("example.test",)).process_item(item)
    assert (out.title, out.body) == ("عنوان ]0;OWNED", "نص [2Jالمقال")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"عنوان {OSC_TITLE}", "عنوان \\x1b]0;OWNED\\x07"),
        (CSI_C1, "\\x9b31m"),
        ("سطر\nسطر مزيف\tعمود", "سطر\\nسطر مزيف\\tعمود"),  # a value cannot fake a line
        ("\u202eمقلوب\u202c \u2066معزول\u2069", "\\u202eمقلوب\\u202c \\u2066معزول\\u2069"),
        ("\u200fعربي\u061c 123", "\u200fعربي\u061c 123"),  # bidi marks only affect neighbours
        ("سطر\u2028سطر", "سطر\\u2028سطر"),
    ],
)
def test_printable_on_one_line_escapes_what_could_drive_a_terminal(value: str, expected: str):
    assert printable(value, one_line=True) == expected


def test_printable_keeps_a_blocks_own_newlines_and_tabs() -> None:
    assert printable(f"أ {CLEAR}\nب\t{CSI_C1}") == "أ \\x1b[2J\nب\t\\x9b31m"


def test_printable_json_means_the_same_and_has_no_raw_control() -> None:
    value = {"title": f"{OSC_TITLE}{CSI_C1}\u202eعنوان\x7f\u2028", "n": [1, "\n"]}
    for indent in (None, 2):
        text = printable_json(value, indent=indent)
        assert json.loads(text) == value
        assert not any(0x7F <= ord(ch) <= 0x9F or 0x202A <= ord(ch) <= 0x202E for ch in text)
        assert not any(ord(ch) < 0x20 and ch != "\n" for ch in text)
        assert "عنوان" in text  # Arabic stays readable


def test_khabar_extract_prints_the_record_as_the_crawl_would_store_it(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in make_article("escapes", 1).paragraphs)
    page = tmp_path / "page.html"
    page.write_text(
        f'<html lang="ar"><head><meta charset="utf-8"><title>عنوان {OSC_TITLE} مسح</title>'
        f"</head><body><article><h1>عنوان {OSC_TITLE} مسح</h1>{paragraphs}<p>آخر {CSI_C1}</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    url = "https://alwatan.sy/archives/2"
    result = CliRunner().invoke(khabar, ["extract", str(page), "--url", url, "--all-fields"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["title"] == "عنوان ]0;OWNED مسح"
    assert record["body"].endswith("31m")
    assert not any(ord(ch) < 0x20 and ch != "\n" for ch in result.stdout)
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in result.stdout)


def test_khabar_status_escapes_what_the_database_holds(tmp_path: Path, monkeypatch, capsys):
    """A finish reason is written by khabar, but a database may hold anything: the table and the
    JSON print it escaped, the JSON still parses to the same text."""
    monkeypatch.setenv("KHABAR_CONFIG", str(write_config(tmp_path)))
    monkeypatch.setenv("KHABAR_DB", str(tmp_path / "khabar.sqlite"))
    db = open_database(tmp_path / "khabar.sqlite")
    try:
        healthy(db, "sana")
        healthy(db, "alwatan")
        for minutes in (50, 30, 10):
            add_run(db, "alwatan", timedelta(minutes=minutes), "failed", reason=f"x{OSC_TITLE}")
    finally:
        db.close()
    assert khabar_main(["status"]) == 1
    table = capsys.readouterr().out
    assert "(latest: x\\x1b]0;OWNED\\x07)" in table and "\x1b" not in table
    assert khabar_main(["status", "--json"]) == 1
    out = capsys.readouterr().out
    rows = {row["site"]: row for row in json.loads(out)}
    assert rows["alwatan"]["reason"].endswith(f"(latest: x{OSC_TITLE})")
    assert "\x07" not in out and "\x1b" not in out
