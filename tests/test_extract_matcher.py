"""SelectorGroup finds exactly what lxml's CSSSelector finds for the same selector group."""

from __future__ import annotations

import pytest
from lxml.cssselect import CSSSelector

from crawler.extract import selectors as S
from crawler.extract.decode import decode_html
from crawler.extract.matcher import SelectorGroup
from crawler.extract.page import parse_html

SELECTORS = (
    "script",
    "svg",
    "blockquote.twitter-tweet",
    ".share",
    "div.box",
    "#comments",
    "section#related",
    "[id^=div-gpt-ad]",
    "[hidden]",
    ".byline a",
)
PAGE = """<html><body class="share">
<!-- a comment --><script>var x;</script>
<div class="x share\ty">tab-separated class names</div>
<div class="share\u00a0x">an NBSP does not separate class names</div>
<div class="SHARE">class names are case-sensitive</div>
<span class="box">the class on another tag</span><div class=" box ">box</div>
<blockquote class="twitter-tweet">tweet</blockquote><p class="twitter-tweet">not a tweet</p>
<div id="comments"><p id="comments">nested, both</p></div>
<div id="related">the id on another tag</div><section id="related">related</section>
<div id="div-gpt-ad-1"><div hidden>hidden</div></div>
<p class="byline">by <a href="/a">him</a></p><svg><g class="share"></g></svg>
</body></html>"""


def both(selectors: tuple[str, ...], tree) -> tuple[list, list]:
    return CSSSelector(", ".join(selectors))(tree), SelectorGroup(selectors)(tree)


def test_same_elements_in_document_order():
    tree = parse_html(PAGE)
    css, fast = both(SELECTORS, tree)
    assert len(css) == 13  # the page exercises every kind of selector
    assert [id(el) for el in fast] == [id(el) for el in css]


def test_matches_below_the_element_it_is_called_on_and_itself():
    tree = parse_html(PAGE)
    body = tree.find("body")
    css, fast = both(SELECTORS, body)
    assert fast[0] is body
    assert [id(el) for el in fast] == [id(el) for el in css]


def test_only_complex_or_only_simple_selectors():
    tree = parse_html(PAGE)
    for group in (("[hidden]", ".byline a"), (".share", "svg")):
        css, fast = both(group, tree)
        assert css and [id(el) for el in fast] == [id(el) for el in css]


@pytest.mark.parametrize("name", ["CLUTTER", "BODY", "AUTHOR", "DATE_DISPLAY", "TAGS"])
def test_same_as_cssselect_on_every_corpus_page(corpus_dir, name):
    selectors = getattr(S, name)
    pages = sorted(corpus_dir.rglob("*.html"))
    assert len(pages) > 40
    matched = 0
    for path in pages:
        tree = parse_html(decode_html(path.read_bytes())[0])
        css, fast = both(selectors, tree)
        assert [id(el) for el in fast] == [id(el) for el in css], path.name
        matched += len(css)
    assert matched
