"""Tables for crawler.arabic: folding rules, clitic peeling, search matching (also through real
SQLite FTS5), script ratio on the corpus pages (languages: tests/test_language.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import lxml.html
import pytest
from w3lib.encoding import html_to_unicode

from crawler.arabic import arabic_ratio, fts_text, fts_tokens, normalize

PERSIAN_SITES = {"yjc.ir", "aryanews.com"}
NON_ARABIC_DIRS = PERSIAN_SITES | {"_benchmark"}


def page_text(path: Path) -> str:
    """Visible text of a saved page (scripts and styles dropped), decoded the way Scrapy does:
    BOM, then <meta> charset (fatehwatan.ps is windows-1256), then UTF-8."""
    _, text = html_to_unicode(None, path.read_bytes())
    root = lxml.html.document_fromstring(text)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    return root.text_content()


# --- normalize -----------------------------------------------------------------------------------

NORMALIZE = [
    # alef variants
    ("أحمد", "احمد"),
    ("إسلام", "اسلام"),
    ("آمال", "امال"),
    ("ٱلله", "الله"),
    # alef maksura, teh marbuta
    ("على", "علي"),
    ("فى", "في"),
    ("مدرسة", "مدرسه"),
    # hamza seats fold to bare hamza; old ىء spelling too
    ("مسؤول", "مسءول"),
    ("مسئول", "مسءول"),
    ("رئيس", "رءيس"),
    ("شاطىء", "شاطء"),
    ("شاطئ", "شاطء"),
    ("شيء", "شء"),
    ("سماء", "سماء"),
    # harakat, shadda, sukun, superscript alef, Quranic marks, tatweel
    ("أعلنَت", "اعلنت"),
    ("كانون الثّاني", "كانون الثاني"),
    ("التُّراث الموسيقيّ", "التراث الموسيقي"),
    ("هٰذا", "هذا"),
    ("الرَّحِيمِ ۝", "الرحيم"),
    ("مدرســة", "مدرسه"),
    ("البـــاردة", "البارده"),
    # Persian / Urdu / Kurdish letter forms
    ("کتاب", "كتاب"),
    ("فی", "في"),
    ("ہذا", "هذا"),
    ("ەذا", "هذا"),
    ("پژوهش", "پژوهش"),  # Persian-only letters are kept
    # digits and Arabic punctuation
    ("٢٠١٧", "2017"),
    ("۱۳۹۹", "1399"),
    ("٣٫٥٪", "3.5%"),
    ("١٢٬٠٠٠", "12,000"),
    # zero-width and bidi controls
    ("وزير\u200bالخارجية", "وزيرالخارجيه"),
    ("می\u200cخواهد", "میخواهد".replace("ی", "ي")),
    ("\u202bدمشق\u202c", "دمشق"),
    ("\u2067سانا\u2069", "سانا"),
    ("\ufeffدمشق\u061c", "دمشق"),
    ("\u200e2017\u200f", "2017"),
    # NFKC presentation forms
    ("ﻻ", "لا"),
    ("ﻷ", "لا"),
    ("ﺍﻟﻌﺮﺑﻴﺔ", "العربيه"),
    ("ﷲ", "الله"),
    ("و\u0654", "ء"),  # decomposed hamza composes to ؤ, then folds
    # whitespace and Latin case
    ("  دمشق \t\n  سانا\u00a0 ", "دمشق سانا"),
    ("CNN عربية", "cnn عربيه"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_returns_new_string_and_leaves_display_text() -> None:
    display = "أعلنَت الوزارةُ مدرســة ٢٠١٧"
    before = str(display)
    matched = normalize(display)
    assert display == before
    assert matched != display
    assert normalize(matched) == matched  # idempotent


# --- clitic peeling ------------------------------------------------------------------------------

PEEL = [
    ("الخارجية", ["خارجيه"]),
    ("والخارجية", ["خارجيه"]),
    ("فالخارجية", ["خارجيه"]),
    ("بالخارجية", ["خارجيه"]),
    ("كالخارجية", ["خارجيه"]),
    ("للخارجية", ["خارجيه"]),
    ("وللخارجية", ["خارجيه"]),
    ("وبالخارجية", ["خارجيه"]),
    ("ووزير", ["زير"]),  # any chain: ووزير and وزير give the same token
    ("وزير", ["زير"]),
    ("وقال", ["قال"]),
    ("بدمشق", ["دمشق"]),
    ("ولد", ["ولد"]),  # would leave 2 letters
    ("الله", ["الله"]),
    ("لله", ["الله"]),
    ("والله", ["الله"]),
    ("الذي", ["الذي"]),
    ("كتاب", ["كتاب"]),  # bare ك needs 4 letters left
    ("وكالة", ["كاله"]),  # stops before اله (إله)
    ("الوكالة", ["كاله"]),
    ("Reuters 2017", ["reuters", "2017"]),
    ("قال، «سانا» - اليوم!", ["قال", "سانا", "يوم"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "tokens"), PEEL)
def test_fts_tokens(text: str, tokens: list[str]) -> None:
    assert fts_tokens(text) == tokens


def test_fts_text_joins_tokens_in_order() -> None:
    text = "طالب وزير الخارجية الروسي سيرغي لافروف"
    # Names starting with a proclitic letter are peeled too (لافروف → افروف), on both sides.
    assert fts_text(text) == " ".join(fts_tokens(text)) == "طالب زير خارجيه روسي سيرغي افروف"


# --- search table --------------------------------------------------------------------------------

SEARCH = [
    ("الاسلام", "تاريخ الإسلام في الشام", True),
    ("الإسلام", "الاسلام دين", True),
    ("مدرسة", "افتتاح مدرســة جديدة", True),
    ("أعلنت", "أعلنَت الوزارة", True),
    ("الخارجية", "قال وزير والخارجية", True),
    ("الخارجية", "بيان للخارجية السورية", True),
    ("الخارجية", "عاد بالخارجية", True),
    ("الخارجية", "خارجية روسيا", True),
    ("وزير", "ووزير الدفاع", True),
    ("وزير الخارجية", "التقى بوزير الخارجية الروسي", True),
    ("وزير الخارجية", "ووزير الخارجية", True),
    ("مسؤول", "قال مسئول في الوزارة", True),
    ("شؤون", "وزير الشئون الاجتماعية", True),
    ("شاطئ", "على شاطىء البحر", True),
    ("مستشفى", "نقل إلى مستشفي المدينة", True),
    ("2017", "في عام ٢٠١٧", True),
    ("1399", "سال ۱۳۹۹", True),
    ("كتاب", "نشر کتاب جديد", True),  # Persian keheh in Arabic text
    ("الله", "الحمد لله", True),
    ("دمشق", "وصل بدمشق", True),
    ("قال", "وقال الوزير", True),
    ("لا", "ﻻ تراجع", True),
    ("Reuters", "نقلت reuters", True),
    ("التنسيق", "بالتنسيق مع الحكومة", True),
    # must not match
    ("لد", "ولد في دمشق", False),
    ("له", "الله أكبر", False),
    ("تاب", "صدر كتاب", False),
    ("إله", "وكالة سانا", False),
    ("الذي", "هذا", False),
    ("وزيرة", "وزير", False),
    ("سورية", "روسيا", False),
    ("مدرسة", "مدارس", False),
    ("لافروف", "بوتين", False),
    ("پارلمان", "بارلمان", False),  # Persian-only letters are not folded
]


@pytest.mark.parametrize(("query", "doc", "should_match"), SEARCH)
def test_search_tokens(query: str, doc: str, should_match: bool) -> None:
    assert (set(fts_tokens(query)) <= set(fts_tokens(doc))) is should_match


@pytest.fixture(scope="module")
def fts_db():
    # unicode61 with remove_diacritics 2: our columns are already folded, so for Arabic it only
    # splits on spaces; remove_diacritics 2 still folds Latin accents (é → e) for Latin names.
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
    )
    docs = sorted({doc for _, doc, _ in SEARCH})
    rows = [(i, fts_text(doc)) for i, doc in enumerate(docs, 1)]
    db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", rows)
    yield db, {doc: i for i, doc in enumerate(docs, 1)}
    db.close()


@pytest.mark.parametrize(("query", "doc", "should_match"), SEARCH)
def test_search_fts5_phrase(fts_db, query: str, doc: str, should_match: bool) -> None:
    db, rowids = fts_db
    phrase = '"' + fts_text(query) + '"'
    hits = {r for (r,) in db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (phrase,))}
    assert (rowids[doc] in hits) is should_match


# --- script ratio -------------------------------------------------------------------------------

RATIO = [
    ("دمشق", 1.0),
    ("CNN", 0.0),
    ("دمشق CNN", 4 / 7),
    ("2017 ،؟", 0.0),
    ("", 0.0),
    ("ﻻ", 1.0),
]


@pytest.mark.parametrize(("text", "ratio"), RATIO)
def test_arabic_ratio(text: str, ratio: float) -> None:
    assert arabic_ratio(text) == pytest.approx(ratio)


def test_arabic_pages_of_the_corpus_are_written_in_the_arabic_script(corpus_dir: Path) -> None:
    pages = sorted(corpus_dir.glob("*/*.html"))
    persian = [p for p in pages if p.parent.name in PERSIAN_SITES]
    arabic = [p for p in pages if p.parent.name not in NON_ARABIC_DIRS]
    assert len(persian) == 2 and len(arabic) > 30
    for page in [*persian, *arabic]:
        assert arabic_ratio(page_text(page)) > 0.8, page
