"""Issue 16's layout families (bench/layoutgen ROUND2): their pages are valid and their gold
is consistent with what the page says; the first round's pages did not change; and the
versus-trafilatura view lists every page where khabar's body is clearly worse.

No accuracy floors here: the families were written before the extractor was changed for
them, and the extraction work pins its floors on `bench/layouts.py --families new`.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import extraction  # noqa: E402
import layouts as bench  # noqa: E402
from layoutgen import (  # noqa: E402  # noqa: E402
    ALL_FAMILIES,
    FAMILIES,
    ROUND2,
    GeneratedPage,
    bank,
    dates,
    generate,
    pagekit,
    wires,
)
from layoutgen.languages import LANGUAGES  # noqa: E402
from layoutgen.traps import GENERIC_CRUMBS  # noqa: E402

SEED = 20261130
SAMPLE = generate(SEED, 10 * len(ROUND2), list(ROUND2))
ISO = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d)?(Z|[+-]\d\d:\d\d)?$", re.ASCII)
# Letters that only the language writes, among ar/fa/ur/ckb/ps/ug (one is enough per page).
OWN_LETTERS = {"ckb": "ێۆڵڕڤە", "ur": "ےںٹڈڑ", "ps": "ښړګېځڅټډ", "ug": "ۇۈېڭۋ", "fa": "پچژگ"}


def page_text(page: GeneratedPage) -> str:
    """The decoded page with entities resolved, plus its JSON-LD with \\u escapes resolved."""
    text = page.html.decode(page.encoding)
    return html.unescape(text) + "\n".join(
        json.dumps(block, ensure_ascii=False) for block in jsonld_blocks(page)
    )


def jsonld_blocks(page: GeneratedPage) -> list[dict]:
    text = page.html.decode(page.encoding)
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    return [json.loads(b) for b in found]


def of(family: str) -> list[GeneratedPage]:
    return [p for p in SAMPLE if p.family == family]


def test_the_first_rounds_pages_are_byte_identical_to_before_issue_16() -> None:
    """The hashes of main's generator before the new families (b1357bd): tables stay
    comparable. Re-pin only for a deliberate change of an old family, and say so."""
    sample = hashlib.sha256(b"".join(p.html for p in generate(SEED, 10 * len(FAMILIES))))
    assert sample.hexdigest() == (
        "2495a6d9b43fd76c4818f0e8829c6f622d54ab29096c5d9813e1dba4418860d7"
    )
    assert generate(SEED, 170) == generate(SEED, 170, list(FAMILIES))
    assert not set(FAMILIES) & set(ROUND2) and ALL_FAMILIES == {**FAMILIES, **ROUND2}


def test_same_seed_same_pages_and_every_family_present() -> None:
    again = generate(SEED, 10 * len(ROUND2), list(ROUND2))
    assert [(p.html, p.gold) for p in again] == [(p.html, p.gold) for p in SAMPLE]
    assert Counter(p.family for p in SAMPLE) == {f: 10 for f in ROUND2}


def test_gold_is_complete_and_appears_in_the_page() -> None:
    for page in SAMPLE:
        text, gold = page_text(page), page.gold
        assert gold["title"] and len(gold["body"]) >= 2, page.family
        assert gold["published_precision"] in ("instant", "minute", "day", "local")
        assert datetime.fromisoformat(gold["published_at"]).tzinfo is not None
        assert gold["published_forms"], page.family
        for key in ("title", "author", "section", "kicker"):
            if gold[key] is not None:
                assert gold[key] in text, (page.family, key, gold[key])
        for form in gold["published_forms"]:
            assert form in text, (page.family, form)
        assert len(set(gold["body"])) == len(gold["body"]), page.family
        for line in gold["body"]:
            assert line in text, (page.family, line[:40])


def test_machine_dates_in_the_gold_are_the_gold_instant() -> None:
    for page in SAMPLE:
        want = datetime.fromisoformat(page.gold["published_at"])
        for form in page.gold["published_forms"]:
            if not ISO.match(form):
                continue
            got = datetime.fromisoformat(form.replace("Z", "+00:00"))
            if got.tzinfo is not None:
                assert got == want, (page.family, form)
            elif len(form) == 10:
                assert got.date() == want.date(), (page.family, form)
            else:
                assert got == want.replace(tzinfo=None), (page.family, form)


def test_local_precision_is_a_wall_time_on_an_arab_cctld_in_that_countrys_zone() -> None:
    local = [p for p in SAMPLE if p.gold["published_precision"] == "local"]
    assert {p.family for p in local} == {"zone_cctld", "agency_site"}
    for page in local:
        host = urlsplit(page.url).hostname or ""
        country = host.rsplit(".", 1)[-1]
        zone = ZoneInfo(pagekit.COUNTRIES[country][0])
        when = datetime.fromisoformat(page.gold["published_at"])
        assert when.utcoffset() == when.astimezone(zone).utcoffset(), page.url
        offsets = [f for f in page.gold["published_forms"] if re.search(r"[+-]\d\d:\d\d$|Z$", f)]
        assert not offsets, (page.url, offsets)  # nothing on the page says the offset


def test_zone_declared_shows_no_zone_but_declares_the_offset() -> None:
    for page in of("zone_declared"):
        when = datetime.fromisoformat(page.gold["published_at"])
        assert page.gold["published_precision"] == "instant"
        assert when.isoformat(timespec="seconds") in page.gold["published_forms"]
        shown = page.gold["published_forms"][0].translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        assert f"{when:%M}" in shown and not ISO.match(shown)  # the wall clock, no zone


def test_languages_are_as_declared_in_the_gold_and_written_in_their_letters() -> None:
    declared = Counter()
    for page in SAMPLE:
        code = page.family.removeprefix("lang_") if page.family.startswith("lang_") else "ar"
        assert page.gold["language"] == code, page.family
        body = "\n".join(page.gold["body"])
        if code == "ar":
            continue
        assert code in LANGUAGES
        assert any(c in body for c in OWN_LETTERS[code]), (code, body[:60])
        if code == "fa":  # Persian writes none of the others' own letters
            others = "".join(v for k, v in OWN_LETTERS.items() if k != "fa")
            assert not any(c in body for c in others), body[:60]
        lang = re.search(r'<html lang="([^"]*)"', page.html.decode())
        declared[(code, lang.group(1) if lang else "")] += 1
    assert any(lang != code and lang for (code, lang) in declared)  # a wrong declaration


def test_live_blog_gold_is_every_update_in_page_order_and_the_coverage_start() -> None:
    for page in of("live_blog"):
        (blog,) = [b for b in jsonld_blocks(page) if b["@type"] == "LiveBlogPosting"]
        start = datetime.fromisoformat(blog["coverageStartTime"].replace("Z", "+00:00"))
        assert start == datetime.fromisoformat(page.gold["published_at"])
        updates = blog["liveBlogUpdate"]
        times = [datetime.fromisoformat(u["datePublished"]) for u in updates]
        assert all(t >= start for t in times) and len(updates) >= 5
        in_order = times[1:] if "مثبّت" in page.html.decode() else times  # a pinned one first
        assert in_order in (sorted(in_order), sorted(in_order, reverse=True))
        body = "\n".join(page.gold["body"])
        positions = [body.index(u["articleBody"].split(". ")[0]) for u in updates]
        assert positions == sorted(positions)  # gold in the page's order
        assert not re.search(r"\d\d:\d\d", body)  # no timestamps in the gold body


def test_opinion_column_author_is_the_columnist_and_section_the_opinion_section() -> None:
    for page in of("opinion_column"):
        gold, text = page.gold, page.html.decode()
        assert gold["section"] in bank.OPINION_SECTIONS
        assert re.search(r"(كل|جميع) مقالات الكاتب|مقالات الكاتب", text)
        assert f'alt="{gold["author"]}"' in text  # the author box's photo
        (ld,) = [b for b in jsonld_blocks(page) if "author" in b]
        assert ld["author"]["name"] == gold["author"]
        assert ld["author"]["description"] not in gold["body"]  # the bio is not the text


def test_agency_stories_credit_the_agency_as_the_page_writes_it() -> None:
    shorts = {w[0] for w in wires.WIRES}
    for page in of("agency_wire") + of("agency_site"):
        author = page.gold["author"]
        assert author in shorts
        wire = next(w for w in wires.WIRES if w[0] == author)
        assert page.gold["body"][0].startswith(wire[2])  # the dateline's city opens the lead
        if wire[5]:
            tail = wire[5].format(short=author)
            assert f"<p>{html.escape(tail)}</p>" in page.html.decode()  # a line of its own
            assert tail not in page.gold["body"][-1]


def test_hijri_dateline_names_another_day_than_the_publication() -> None:
    for page in of("hijri_dateline"):
        when = datetime.fromisoformat(page.gold["published_at"])
        filed = datetime.fromisoformat(page.gold["dateline_date"]).date()
        assert "هـ" in page.gold["published_forms"][0]
        assert filed < when.date()
        wire = next(w for w in wires.WIRES if page.gold["body"][0].startswith(w[2]))
        if "{day}" in wire[4]:
            assert f" {filed.day} " in page.gold["body"][0][:60]


def test_regional_months_use_a_spelling_of_the_right_month() -> None:
    regions = Counter()
    for page in generate(SEED, 120, ["regional_months"]):
        when = datetime.fromisoformat(page.gold["published_at"])
        shown = page.gold["published_forms"][0]
        spellings = [
            (region, s)
            for region, months in dates.SPELLINGS.items()
            for s in months[when.month - 1]
            if s in shown
        ]
        assert spellings, shown
        regions.update(r for r, _ in spellings)
    assert {"mauritanian", "moroccan", "algerian", "levantine", "egyptian"} <= set(regions)


def test_month_table_is_one_table_and_covers_mauritania() -> None:
    assert dates.MONTHS["levantine"][6] == "تموز"
    assert (
        "أغشت" in dates.SPELLINGS["mauritanian"][7]
        and "دجمبر" in dates.SPELLINGS["mauritanian"][11]
    )
    assert all(len(months) == 12 for months in dates.SPELLINGS.values())
    assert all(dates.MONTHS[r] == tuple(m[0] for m in dates.SPELLINGS[r]) for r in dates.SPELLINGS)


def test_author_traps_gold() -> None:
    seen = Counter()
    for page in generate(SEED, 60, ["author_traps"]):
        trap, gold = page.gold["placement"]["author"], page.gold["author"]
        seen[trap] += 1
        authors = [b["author"] for b in jsonld_blocks(page) if "author" in b]
        if trap in ("organization", "site_latin"):
            assert gold is None and authors
        else:
            assert gold is not None and not gold.startswith(tuple(bank.PLACES))
    assert len(seen) == 5


def test_section_traps_breadcrumb_has_a_generic_crumb_and_gold_is_specific() -> None:
    for page in of("section_traps"):
        section = page.gold["section"]
        assert section in bank.SECTIONS and section not in GENERIC_CRUMBS
        text = html.unescape(page.html.decode())
        assert any(f">{g}</a>" in text for g in (*GENERIC_CRUMBS, "الرئيسية", "News"))


def test_versus_lists_a_page_where_ours_is_lower_by_more_than_the_margin() -> None:
    pairs = [("a", 0.50, 0.95), ("b", 0.91, 0.95), ("c", 1.0, 0.9), ("d", 0.80, 0.86)]
    assert extraction.behind_trafilatura(pairs) == [("a", 0.50, 0.95), ("d", 0.80, 0.86)]
    text = extraction.format_versus(pairs, "khabar")
    assert "ours lower by more than 0.05 on 2:" in text
    assert "- a: ours 0.500, trafilatura 0.950 (-0.450)" in text and "- b:" not in text


def test_layouts_versus_view_is_per_page_and_lists_the_lower_page() -> None:
    pages = of("aem")[:2]
    results = bench.run(pages, ("khabar", "trafilatura"))
    results["khabar"][0]["f1"] = results["trafilatura"][0]["f1"] - 0.2  # ours clearly worse
    results["khabar"][1]["f1"] = results["trafilatura"][1]["f1"]
    text = bench.versus_trafilatura(results)
    assert f"| [aem] {pages[0].url} |" in text and f"| [aem] {pages[1].url} |" in text
    assert f"- [aem] {pages[0].url}: ours" in text and f"- [aem] {pages[1].url}:" not in text


def test_extraction_versus_view_per_khabar_run(capsys: pytest.CaptureFixture[str]) -> None:
    report = {
        "pages": {
            "khabar": [{"page": "x.html", "f1": 0.99}, {"page": "fa.html", "language": "fa"}],
            "khabar-generic": [{"page": "x.html", "f1": 0.70}, {"page": "fa.html"}],
            "trafilatura": [{"page": "x.html", "f1": 0.98}, {"page": "fa.html"}],
        }
    }
    extraction.print_versus(report)
    out = capsys.readouterr().out
    assert "khabar: body F1 mean 0.9900 vs trafilatura 0.9800 on 1 pages" in out
    assert "khabar-generic: body F1 mean 0.7000" in out and "- x.html: ours 0.700" in out


def test_cli_new_families_table_has_language_and_versus() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "bench/layouts.py",
            "--n",
            "3",
            "--family",
            "lang_ckb",
            "--family",
            "live_blog",
            "--versus-trafilatura",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "| ALL | 3 |" in run.stdout and "language khabar" in run.stdout
    assert "## body F1 per page: khabar vs trafilatura" in run.stdout
    old = subprocess.run(
        [
            sys.executable,
            "bench/layouts.py",
            "--n",
            "2",
            "--no-trafilatura",
            "--versus-trafilatura",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert old.returncode == 2 and "Traceback" not in old.stderr
