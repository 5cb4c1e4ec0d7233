"""SelectorGroup and Page.select find exactly what lxml's CSSSelector finds, in its order."""

from __future__ import annotations

import dataclasses

import lxml.html
import pytest
from lxml.cssselect import CSSSelector, SelectorSyntaxError

from crawler.config import load_config
from crawler.extract import selectors as S
from crawler.extract.clean import clean_tree
from crawler.extract.decode import decode_html
from crawler.extract.matcher import SelectorGroup, descendant_chain
from crawler.extract.page import Page, parse_html
from crawler.extract.rules import ExtractionRules
from tests.conftest import PROJECT_ROOT

LISTS = (
    "CLUTTER",
    "BODY",
    "TITLE",
    "KICKER",
    "AUTHOR",
    "SOURCE_LINE",
    "BREADCRUMB",
    "SECTION_LABEL",
    "TAGS",
    "TOPBAR_DATE",
    "DATE_DISPLAY",
    "IMAGE_IN_ARTICLE",
    "LEAD",
)

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


@pytest.mark.parametrize("name", ["CLUTTER", "BODY"])
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


def page_of(html: str) -> Page:
    return Page.build(parse_html(html), "https://news.example/a/1", ExtractionRules())


def same(page: Page, selector: str, root) -> list:
    css, fast = S.css(selector)(root), page.select(selector, root)
    assert [id(el) for el in fast] == [id(el) for el in css], selector
    return css


NESTED = """<html><body><div class="byline" id="outer"><a href="/1">one</a>
<div class="byline"><span><a href="/2">two</a></span></div></div><a href="/3">three</a>
<div id="meta"><p class="date">1</p><div class="date"><b class="date">2</b></div></div>
<figure><img src="1.jpg"><figure><img src="2.jpg"></figure></figure><img src="3.jpg">
<!-- a comment --><article><h1>t</h1></article><h1>u</h1>
<div hidden style="color: red; display: none" aria-hidden="true" id="div-gpt-ad-7">
<span property="dc:date schema:articleBody" rel="category tag" title="القسم">x</span>
<a rel="tag" hidden="" style="display:none" property="dcterms:created	tags">y</a></div>
<p aria-hidden="TRUE" property="schema:articleBodyX" id="xdiv-gpt-ad">z</p>
</body></html><!-- after -->"""


@pytest.mark.parametrize(
    "selector",
    [
        ".byline a",
        "div.byline a",
        "#outer .byline a",
        "#meta .date",
        "figure img",
        "article h1",
        "a",
        ".date",
        "b.date",
        "#outer",
        "body",
        "html",
        "h1",
        "[hidden]",
        "[aria-hidden=true]",
        "[style*='display: none']",
        "[style*='display:none']",
        "[id^=div-gpt-ad]",
        "[property~='schema:articleBody']",
        "[property~='dcterms:created']",
        "span[rel='category tag']",
        "a[rel=tag]",
        "[title='القسم']",
        "div[hidden] a[rel~=tag]",
    ],
)
def test_page_select_is_cssselect_on_every_root(selector):
    page = page_of(NESTED)
    for root in (el for el in page.elements if isinstance(el.tag, str)):
        same(page, selector, root)
    assert same(page, selector, page.tree)


@pytest.mark.parametrize(
    "selector", ["[rel~='category tag']", "[id^='']", "a > b", "a + b", "li:first-child", "*"]
)
def test_what_the_index_does_not_answer_goes_to_cssselect(selector):
    page = page_of(NESTED)
    assert descendant_chain(selector) is None
    same(page, selector, page.tree)


def test_a_combinator_does_not_look_above_the_root():
    page = page_of(NESTED)
    inner = page.tree.xpath("//div[@class='byline']/span")[0]
    assert same(page, ".byline a", inner) == []
    assert len(same(page, ".byline a", page.tree)) == 2


def test_page_select_falls_back_to_cssselect():
    page = page_of(NESTED)
    assert [el.get("href") for el in page.select("a[href='/3']")] == ["/3"]
    assert [el.get("href") for el in page.select("a::attr(href)")][:1] == ["/1"]
    with pytest.raises(SelectorSyntaxError):
        page.select("a[")


def test_page_select_on_every_corpus_page(corpus_dir):
    selectors = {s for name in LISTS for s in getattr(S, name)}
    config = load_config(PROJECT_ROOT / "config.yaml")
    for site in config.sites.values():
        selectors.update(v.split("::")[0] for v in site.extraction.selectors.values())
    selectors = sorted(s for s in selectors if descendant_chain(s))  # the rest is CSSSelector
    assert len(selectors) > 150
    for path in sorted(corpus_dir.rglob("*.html")):
        page = page_of(decode_html(path.read_bytes())[0])
        for group in (S.BODY_GROUP, S.CLUTTER_GROUP):
            by_index, walked = page.select_group(group), group(page.tree)
            assert [id(el) for el in by_index] == [id(el) for el in walked], path.name
        roots = [page.tree, *page.elements[5::397]]
        for root in roots:
            if isinstance(root.tag, str):
                for selector in selectors:
                    same(page, selector, root)


SITE_BOILERPLATE = ("footer", "aside", "[class*=sidebar]", "[class*=widget]", "header", "nav")


def test_cleaned_copy_is_clean_tree_of_a_copy(corpus_dir):
    """The body containers mapped from the page's index protect and find what walks of the
    cleaned copy would: the same cleaned page, the same containers."""
    config = load_config(PROJECT_ROOT / "config.yaml")
    pages = sorted(corpus_dir.rglob("*.html"))
    for path in pages:
        text = decode_html(path.read_bytes())[0]
        site = config.site_for_url(f"https://{path.parent.name.removesuffix('-replica')}/")
        tuned = site.extraction if site else ExtractionRules()
        # site boilerplate selectors drop subtrees, clutter inside them included, first
        dropping = dataclasses.replace(tuned, boilerplate_selectors=SITE_BOILERPLATE)
        for rules in (tuned, dropping):
            page = Page.build(parse_html(text), "https://news.example/a/1", rules)
            copied = page.clean_copy()
            cleaned, generic = copied.tree, copied.bodies
            walked = clean_tree(parse_html(text), rules)
            assert lxml.html.tostring(cleaned) == lxml.html.tostring(walked), path.name
            assert [id(el) for el in generic] == [id(el) for el in S.BODY_GROUP(cleaned)]
