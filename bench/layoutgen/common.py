"""Field snippets shared by the families: head metadata, byline, date, section, kicker, body.

Each family arranges these in its own skeleton (and overrides the ones its CMS writes
differently); every snippet follows the story's plan so the gold stays true.
"""

from __future__ import annotations

import json

from . import bank, dates
from .kit import Namer, e, el, jsonld, link, newsletter, read_also
from .story import Story


def head_meta(story: Story, *, allow_jsonld: bool = True, allow_og: bool = True) -> str:
    """<meta>/JSON-LD declarations: always carries what the plan says is declared only."""
    rng, out = story.rng, []
    if allow_og and rng.random() < 0.85:
        out.append(f'<meta property="og:site_name" content="{e(story.site_name)}">')
        out.append(f'<meta property="og:title" content="{e(story.title)}">')
        out.append('<meta property="og:type" content="article">')
    need_date = story.date_mode in ("declared", "relative")
    use_jsonld = allow_jsonld and rng.random() < 0.55
    published = None
    # Dates: one or more machine forms; a page whose date is declared only always gets one.
    kinds = ("og", "pubdate", "dc", "jsonld") if allow_jsonld else ("og", "pubdate", "dc")
    forms = [f for f in kinds if rng.random() < 0.3]
    if need_date and not forms:
        forms = [rng.choice(kinds)]
    if "jsonld" in forms and allow_jsonld:
        use_jsonld = True
        published = story.date_machine()
    if "og" in forms and allow_og:
        out.append(f'<meta property="article:published_time" content="{story.date_machine()}">')
    elif "og" in forms:
        out.append(f'<meta name="date" content="{story.date_machine()}">')
    if "pubdate" in forms:
        name = rng.choice(("pubdate", "publishdate", "date", "publish-date"))
        out.append(
            f'<meta name="{name}" content="{story.date_machine(offset=rng.random() < 0.5)}">'
        )
    if "dc" in forms:
        out.append(
            f'<meta name="DC.date.issued" content="{story.date_machine(offset=rng.random() < 0.3)}">'
        )
    if story.modified is not None and rng.random() < 0.5:
        out.append(
            f'<meta property="article:modified_time" content="{story.modified.isoformat()}">'
        )
        if rng.random() < 0.3:
            out.append(
                f'<meta http-equiv="last-modified" content="{story.modified:%Y-%m-%d@%H:%M:%S %Z}">'
            )
    # Author: the declared person, a desk account, or (beside a shown byline) either.
    declared_author: object = None
    if story.byline_mode == "declared":
        declared_author = story.person
    elif story.byline_mode == "desk" or (story.shows_byline and rng.random() < 0.3):
        declared_author = (
            story.site_name if story.byline_mode == "desk" or rng.random() < 0.5 else story.person
        )
    jsonld_author: object = None
    if declared_author is not None:
        where = (
            rng.choice(("meta", "jsonld", "article"))
            if allow_jsonld
            else rng.choice(("meta", "article"))
        )
        if where == "jsonld":
            use_jsonld = True
            kind = "Organization" if declared_author == story.site_name else "Person"
            person = {"@type": kind, "name": declared_author}
            jsonld_author = [person] if rng.random() < 0.5 else person
        elif where == "article" and allow_og:
            out.append(f'<meta property="article:author" content="{e(str(declared_author))}">')
        else:
            out.append(f'<meta name="author" content="{e(str(declared_author))}">')
    # Section: declared when the plan says so (a parent desk when a sub-section is shown).
    declared_section = None
    if story.section_mode in ("declared", "sub_shown") or (
        story.shows_section and rng.random() < 0.3
    ):
        declared_section = story.declared_section
        if allow_jsonld and rng.random() < 0.4:
            use_jsonld = True
        elif allow_og:
            out.append(f'<meta property="article:section" content="{e(declared_section)}">')
        else:
            use_jsonld = use_jsonld or allow_jsonld
    if use_jsonld:
        if published is None and (need_date or rng.random() < 0.5):
            published = story.date_machine()
        out.append(
            jsonld(story, author=jsonld_author, section=declared_section, published=published)
        )
    return "\n".join(out)


def byline(k: Namer, story: Story) -> str:
    """The header byline (modes header/split); empty otherwise."""
    if story.byline_mode == "header":
        label = story.byline_label
        name = (
            link(k, story, story.person, f"/author/{story.rng.randint(1, 500)}")
            if story.rng.random() < 0.5
            else e(story.person)
        )
        return el(k, story.rng.choice(("span", "div", "p")), f"{e(label)}{name}")
    if story.byline_mode == "split":
        label = story.byline_label.strip() or "بقلم"
        return el(k, "div", el(k, "span", e(label)) + " " + el(k, "span", e(story.person)))
    return ""


def date(k: Namer, story: Story) -> str:
    """The published date where the header shows it (modes header/time_el/under_title/relative)."""
    rng = story.rng
    if story.date_mode == "header":
        return el(k, "span", e(story.published_label() + story.date_shown()))
    if story.date_mode == "time_el":
        machine = story.date_machine(offset=rng.random() < 0.8)
        return f'<time datetime="{machine}"{k.cls()}>{e(story.date_shown())}</time>'
    if story.date_mode == "under_title":
        prefix = rng.choice(("نُشر في ", "تم نشره في ", "نشر في: ", "تاريخ النشر: "))
        return el(k, "div", e(prefix + story.date_shown()))
    if story.date_mode == "relative":
        return el(k, "span", e(rng.choice(dates.RELATIVE)))
    return ""


def modified(k: Namer, story: Story) -> str:
    if story.modified is None or story.rng.random() < 0.4:
        return ""
    return el(k, "span", e(story.modified_line()))


def section_link(k: Namer, story: Story) -> str:
    """A category link above the title or in the meta line."""
    if story.section_mode in ("above_title", "sub_shown"):
        return el(k, "div", link(k, story, story.section))
    if story.section_mode == "meta_line":
        return el(
            k,
            "span",
            f"{story.rng.choice(('في ', 'القسم: ', 'التصنيف: ', ''))}{link(k, story, story.section)}",
        )
    return ""


def breadcrumb(k: Namer, story: Story) -> str:
    """Home › [parent ›] section › headline|تفاصيل الخبر; shown sections only in mode breadcrumb."""
    rng = story.rng
    sep = rng.choice((" » ", " / ", " > ", " › "))
    items = [link(k, story, "الرئيسية", "/")]
    if story.section_mode == "breadcrumb":
        if bank.SECTIONS[story.section] != story.section and rng.random() < 0.5:
            items.append(link(k, story, bank.SECTIONS[story.section]))
        items.append(link(k, story, story.section))
        items.append(el(k, "span", e(rng.choice((story.title, "تفاصيل الخبر", story.title)))))
    elif rng.random() < 0.5:
        return ""
    else:
        items.append(el(k, "span", e(rng.choice(("تفاصيل الخبر", story.title)))))
    return el(
        k,
        rng.choice(("nav", "div")),
        sep.join(items),
        ' aria-label="breadcrumb"' if rng.random() < 0.4 else "",
    )


def kicker(k: Namer, story: Story, tag: str = "h2") -> str:
    return el(k, tag, e(story.kicker)) if story.kicker else ""


def body(k: Namer, story: Story, *, breaks: bool = False) -> str:
    """Paragraphs plus the things real bodies carry: byline line, read-also, agency tail."""
    rng = story.rng
    paras = [f"<p{k.cls() if rng.random() < 0.2 else ''}>{e(p)}</p>" for p in story.paragraphs]
    if breaks:
        paras = [e(p) for p in story.paragraphs]
    if rng.random() < 0.6 and len(paras) > 2:
        paras.insert(rng.randint(2, len(paras) - 1), read_also(k, story, inline=breaks))
    if not breaks and rng.random() < 0.15 and len(paras) > 3:
        paras.insert(rng.randint(1, len(paras) - 1), newsletter(k))
    if story.byline_mode == "body_first":
        label = story.byline_label.strip() or "بقلم :"
        line = (
            f"{e(story.site_name)}/{e(label)} {e(story.person)}"
            if rng.random() < 0.3
            else f"{e(label)} {e(story.person)}"
        )
        paras.insert(0, f"<strong>{line}</strong>" if breaks else f"<p><strong>{line}</strong></p>")
    if story.byline_mode == "agency_tail":
        tail = story.agency[0]
        paras.append(e(tail) if breaks else f"<p>{e(tail)}</p>")
    if story.date_mode == "body_end":
        line = rng.choice(("تاريخ النشر: ", "نشر بتاريخ ", "نُشر في ")) + story.date_shown()
        paras.append(e(line) if breaks else f"<p><em>{e(line)}</em></p>")
    if breaks:
        return "<br><br>\n".join(paras)
    return "\n".join(paras)


def next_data(story: Story) -> str:
    """The __NEXT_DATA__ blob a Next.js page ships (props only, no rendered text)."""
    data = {
        "props": {
            "pageProps": {"id": story.rng.randint(1, 10**6), "slug": story.url.rsplit("/", 1)[-1]}
        },
        "page": "/[section]/[id]",
        "buildId": "".join(story.rng.choices("abcdef0123456789", k=12)),
    }
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'


# ruff: noqa: E501  (HTML templates read best one element per line)
