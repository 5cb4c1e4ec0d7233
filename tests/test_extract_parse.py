"""The parse and the whitespace squash behave exactly as lxml.html's parser and a regex would."""

from __future__ import annotations

import re
import sys

import lxml.html

from crawler.extract.clean import squash
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
