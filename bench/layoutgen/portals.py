"""Hand-built portals: ASP.NET WebForms, an old windows-1256 table layout, Next.js with
JSON-LD only, and AMP.

ASP.NET: one <form> with __VIEWSTATE, fields in <span id="ctl00_…_LabelN"> (no <h1>), body
as <br />-separated text. Table layout: nested tables, <font size=5><b> title, <br><br>
paragraphs, windows-1256 declared only in http-equiv, no lang. Next.js: hashed classes,
the date only in JSON-LD (or shown relatively), __NEXT_DATA__. AMP: ⚡ html, amp-img,
JSON-LD, canonical to the non-AMP page. Egyptian portal: "كتب name" under the title, a
weekday date with ص/م, sometimes an Arabic string in article:published_time. Maghrebi
portal: Moroccan/Algerian month names, "نُشر في … على الساعة", "آخر تحديث".
"""

from __future__ import annotations

import base64

from . import bank, common
from .kit import Namer, e, el, jsonld, link, most_read, related
from .shell import document, head_common, site_footer, site_header
from .story import Story


def _no_declared_section(story: Story) -> None:
    """Pages that declare nothing machine-readable show their section (or have none)."""
    if story.section_mode == "declared":
        story.section_mode = "none"
    elif story.section_mode == "sub_shown":
        story.section_mode = "above_title"


def aspnet(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    cph = rng.choice(("ContentPlaceHolder1", "MainContent", "cphMain", "Body"))

    def span(inner: str) -> str:
        ctrl = rng.choice(("Label", "lbl", "Literal", "lit")) + str(rng.randint(1, 40))
        return (
            f'<span id="ctl00_{cph}_{ctrl}"{k.cls() if rng.random() < 0.5 else ""}>{inner}</span>'
        )

    encoding = "windows-1256" if rng.random() < 0.4 else "utf-8"
    rows = []
    if story.section_mode in ("above_title", "sub_shown", "breadcrumb", "meta_line"):
        rows.append(span(e(story.section)))
    rows.append(f'<font size="4"><b>{span(e(story.title))}</b></font>')
    if story.kicker:
        rows.append(span(e(story.kicker)))
    if story.byline_mode == "header":
        rows.append(span(e(story.byline_text())))
    elif story.byline_mode == "split":
        rows.append(common.byline(k, story))
    if story.date_mode in ("header", "time_el", "under_title"):
        rows.append(span(e(story.published_label() + story.date_shown())))
    elif story.date_mode == "relative":
        rows.append(common.date(k, story))
    rows.append(common.modified(k, story))
    body_html = common.body(k, story, breaks=rng.random() < 0.6)
    rows.append(span(body_html) if "<p" not in body_html else el(k, "div", body_html))
    table = "".join(f"<tr><td{k.cls()}>{r}</td></tr>" for r in rows if r)
    viewstate = base64.b64encode(rng.randbytes(rng.randint(60, 200))).decode()
    form = (
        f'<form method="post" action="./NewsDetails.aspx?NewsID={rng.randint(1000, 99999)}" id="aspnetForm">'
        f'<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate}" /></div>'
        + site_header(k, story)
        + f'<table{k.cls()} width="100%"><tr><td valign="top"><table>{table}</table>{related(k, story)}</td>'
        + f'<td valign="top" width="250">{most_read(k, story)}</td></tr></table>'
        + site_footer(k, story)
        + "</form>"
    )
    charset = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}" />'
    head = head_common(
        story, common.head_meta(story, allow_jsonld=False, allow_og=rng.random() < 0.5)
    )
    return document(head, form, html_attrs=' dir="rtl"', charset=charset), encoding


def table1256(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    _no_declared_section(story)
    if story.date_mode in ("time_el", "relative"):
        story.date_mode = "header"
    menu = " | ".join(f'<a href="/sec.php?id={i}">{e(s)}</a>' for i, s in enumerate(bank.MENU))
    cells = []
    if story.section_mode != "none":
        cells.append(f'<font color="#990000" size="2">{e(story.section)}</font>')
    if story.kicker:
        cells.append(f'<font size="3" color="#666666">{e(story.kicker)}</font>')
    cells.append(f'<font size="5" face="Simplified Arabic"><b>{e(story.title)}</b></font>')
    meta = []
    if story.byline_mode == "header":
        meta.append(e(story.byline_text()))
    elif story.byline_mode == "split":
        meta.append(common.byline(k, story))
    if story.date_mode in ("header", "under_title"):
        meta.append(e(story.published_label() + story.date_shown()))
    if meta:
        cells.append(f'<font size="2" color="gray">{" &nbsp; ".join(meta)}</font>')
    if story.modified is not None and rng.random() < 0.4:
        cells.append(f'<font size="1">{e(story.modified_line())}</font>')
    cells.append(f'<font size="3">{common.body(k, story, breaks=True)}</font>')
    article = "".join(
        f"<tr><td{k.cls() if rng.random() < 0.3 else ''}>{c}</td></tr>" for c in cells
    )
    side = "".join(
        f'<a href="/n.php?id={rng.randint(1, 9999)}">{e(bank.title(rng, "سياسة"))}</a><br>'
        for _ in range(6)
    )
    body = (
        f'<table width="100%" border="0" cellpadding="0" cellspacing="0"><tr><td><img src="/images/banner.gif"></td></tr>'
        f'<tr><td bgcolor="#003366">{menu}</td></tr></table>'
        f'<table width="780" align="center" border="0"><tr><td width="160" valign="top">{side}</td>'
        f'<td valign="top"><table width="100%">{article}</table></td></tr></table>'
        f'<p align="center"><font size="1">جميع الحقوق محفوظة © {e(story.site_name)}</font></p>'
    )
    head = head_common(story, common.head_meta(story, allow_jsonld=False, allow_og=False))
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    return document(
        head, body, html_attrs=rng.choice(("", ' dir="rtl"')), charset=charset
    ), "windows-1256"


def nextjs(story: Story, k: Namer) -> tuple[str, str]:
    """Client-rendered site: what the HTML says in words is thin; JSON-LD carries the rest."""
    rng = story.rng
    if story.date_mode not in ("declared", "relative", "header"):
        story.date_mode = rng.choice(("declared", "relative"))
    if story.byline_mode in ("body_first", "desk", "none"):
        story.byline_mode = "declared"
    published = story.date_machine()
    author: object = None
    if story.byline_mode != "agency_tail":
        person = {
            "@type": "Person",
            "name": story.person,
            "url": f"https://{story.host}/author/{rng.randint(1, 300)}",
        }
        author = [person] if rng.random() < 0.5 else person
    section = story.declared_section if story.section_mode != "none" else None
    parts = []
    if story.section_mode in ("above_title", "sub_shown", "meta_line"):
        parts.append(el(k, "div", link(k, story, story.section)))
    elif story.section_mode == "breadcrumb":
        parts.append(common.breadcrumb(k, story))
    parts.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    parts.append(common.kicker(k, story, "p"))
    parts.append(el(k, "div", common.byline(k, story) + common.date(k, story)))
    parts.append(el(k, "div", common.body(k, story)))
    main = el(k, "main", el(k, "article", "\n".join(parts)) + related(k, story))
    root = f'<div id="__next">{site_header(k, story)}{main}{site_footer(k, story)}</div>{common.next_data(story)}'
    meta = [f'<meta property="og:title" content="{e(story.title)}">'] if rng.random() < 0.5 else []
    meta.append(jsonld(story, author=author, section=section, published=published))
    head = head_common(story, "\n".join(meta)) + '\n<meta name="next-head-count" content="12">'
    return document(head, root), "utf-8"


def amp(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    canonical = story.url
    story.url = canonical.rstrip("/") + "/amp"
    head_extra = (
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        "<style amp-boilerplate>body{visibility:hidden}</style>\n<style amp-custom>body{direction:rtl}</style>"
    )
    menu = "".join(f'<a href="/section/{i}">{e(s)}</a>' for i, s in enumerate(bank.MENU))
    parts = [common.breadcrumb(k, story), common.section_link(k, story)]
    parts.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    parts.append(common.kicker(k, story, "h2"))
    parts.append(
        el(k, "div", common.byline(k, story) + common.date(k, story) + common.modified(k, story))
    )
    parts.append(
        f'<amp-img src="https://{story.host}/img/{rng.randint(1, 9999)}.jpg" width="800" height="450" layout="responsive"></amp-img>'
    )
    parts.append(el(k, "div", common.body(k, story)))
    parts.append(
        '<amp-social-share type="facebook"></amp-social-share><amp-social-share type="whatsapp"></amp-social-share>'
    )
    body = (
        f'<amp-sidebar id="sidebar" layout="nodisplay" side="right">{menu}</amp-sidebar>'
        + el(k, "header", f'<a href="/">{e(story.site_name)}</a>')
        + el(k, "article", "\n".join(parts))
        + related(k, story)
        + site_footer(k, story)
    )
    meta = common.head_meta(story)
    head = f"{head_common(story, meta, canonical)}\n{head_extra}"
    return document(head, body, html_attrs=' ⚡ lang="ar" dir="rtl"'), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
