"""The parse and the string helpers behave exactly as lxml.html's parser and plain definitions."""

from __future__ import annotations

import re
import sys

import lxml.html

from crawler.arabic import _ARABIC_BLOCKS, arabic_ratio
from crawler.extract.clean import squash
from crawler.extract.elements import letters_of
from crawler.extract.page import parse_html

PAGE = (
    "<html><body><form><input name=q><label>x</label><select><option>1</option></select>"
    "<textarea></textarea></form><!-- c --><p>a &amp; b</p></body></html>"
)


def test_parse_html_gives_lxml_html_element_classes():
    ours = parse_html(PAGE)
    theirs = lxml.html.document_fromstring(
        PAGE, parser=lxml.html.HTMLParser(remove_comments=False, remove_pis=True)
    )
    kinds = [type(el) for el in ours.iter()]
    assert kinds == [type(el) for el in theirs.iter()]
    assert lxml.html.FormElement in kinds and lxml.html.HtmlComment in kinds
    assert ours.find(".//form").inputs["q"] is not None  # FormElement's own API


def test_squash_is_the_regex_collapse_of_every_unicode_space():
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c)))
    text = f"{spaces}أ{spaces[:5]}\u200fب\u200e ج{spaces}"
    assert (
        squash(text)
        == re.sub(r"\s+", " ", text.replace("\u200f", "").replace("\u200e", "")).strip()
    )
    assert squash(text) == "أ ب ج"
    assert squash(None) == squash("") == ""


EVERY_CHAR = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def test_letters_keeps_exactly_the_alphanumeric_characters():
    assert letters_of(EVERY_CHAR) == "".join(c for c in EVERY_CHAR if c.isalnum())


def test_arabic_ratio_counts_arabic_script_letters_among_letters():
    def by_char(text: str) -> float:
        letters = [c for c in text if c.isalpha()]
        arabic = [c for c in letters if any(lo <= ord(c) <= hi for lo, hi in _ARABIC_BLOCKS)]
        return len(arabic) / len(letters) if letters else 0.0

    assert arabic_ratio(EVERY_CHAR) == by_char(EVERY_CHAR) > 0
    for text in ("", "123 ,.", "hello عالم", "ﷺ ﻻ ࢠ ۝", "پچژگ abc"):
        assert arabic_ratio(text) == by_char(text)
