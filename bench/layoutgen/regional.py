"""Regional portals built in-house: Egyptian, Maghrebi and Gulf news sites.

Egyptian (youm7/akhbarelyom-like): "كتب name" under the title, a weekday date with ص/م,
sometimes an Arabic string in article:published_time. Maghrebi (Hespress/Echorouk-like):
Moroccan/Algerian month names, "نُشر في … على الساعة", "آخر تحديث". Gulf (Al-Bayan/Al-Khaleej-
like): a Hijri + Gregorian date line, agency datelines ("دبي - وام:") opening the lead, the
section as the first word of a two-level breadcrumb.
"""

from __future__ import annotations

from . import common
from .kit import Namer, comments, e, el, related, share_bar
from .shell import document, head_common, sidebar, site_footer, site_header
from .story import Story


def egypt_portal(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    story.move_to("egyptian")
    if story.byline_mode == "header" and rng.random() < 0.7:
        story.byline_label = rng.choice(("كتب ", "كتبت ", "كتب - "))
    parts = [common.breadcrumb(k, story)]
    if story.section_mode in ("above_title", "sub_shown", "meta_line"):
        parts.append(common.section_link(k, story))
    parts.append(common.kicker(k, story, "h3") if story.kicker and rng.random() < 0.5 else "")
    parts.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    if story.kicker and not parts[-2]:
        parts.append(common.kicker(k, story, "h2"))
    parts.append(el(k, "div", common.byline(k, story)))
    parts.append(el(k, "div", common.date(k, story) + common.modified(k, story)))
    parts.append(share_bar(k))
    parts.append(el(k, "div", common.body(k, story)))
    main = el(k, "div", "\n".join(parts)) + related(k, story) + comments(k, story)
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    meta = common.head_meta(story)
    if rng.random() < 0.3:  # akhbarelyom-style: an Arabic string where an ISO date belongs
        meta += f'\n<meta property="article:published_time" content="{e(story.date_shown(with_time=True))}">'
    return document(head_common(story, meta), page), "utf-8"


def maghreb_portal(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    story.move_to(rng.choice(("moroccan", "algerian")))
    if story.date_mode in ("header", "time_el"):
        story.date_mode = "under_title"
    parts = []
    if story.section_mode in ("above_title", "sub_shown", "meta_line"):
        parts.append(common.section_link(k, story))
    parts.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    parts.append(common.kicker(k, story, "h2"))
    info = [common.byline(k, story), common.date(k, story)]
    if story.modified is not None:
        info.append(el(k, "span", e(story.modified_line())))
    parts.append(el(k, "div", " ".join(info)))
    parts.append(
        el(k, "figure", f'<img src="https://{story.host}/files/{rng.randint(1, 9999)}.jpg" alt="">')
    )
    parts.append(el(k, "div", common.body(k, story)))
    parts.append(share_bar(k))
    main = (
        common.breadcrumb(k, story)
        + el(k, "article", "\n".join(parts))
        + related(k, story)
        + comments(k, story)
    )
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    return document(head_common(story, common.head_meta(story)), page), "utf-8"


def gulf_portal(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    story.move_to("gulf")
    if story.byline_mode in ("body_first", "none") and rng.random() < 0.6:
        story.byline_mode = "header"
    parts = [common.breadcrumb(k, story)]
    if story.section_mode in ("above_title", "sub_shown", "meta_line"):
        parts.append(common.section_link(k, story))
    parts.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    parts.append(common.kicker(k, story, "h2"))
    info = []
    info.append(common.byline(k, story))
    if story.date_mode in ("header", "time_el", "under_title"):
        shown = story.date_shown(style="hijri" if rng.random() < 0.6 else None)
        if story.date_mode == "time_el":
            machine = story.date_machine(offset=rng.random() < 0.8)
            info.append(f'<time datetime="{machine}"{k.cls()}>{e(shown)}</time>')
        else:
            info.append(el(k, "span", e(shown)))
    else:
        info.append(common.date(k, story))
    if story.modified is not None:
        info.append(el(k, "span", e(story.modified_line())))
    parts.append(el(k, "div", "".join(info)))
    parts.append(el(k, "div", common.body(k, story)))
    parts.append(share_bar(k))
    main = el(k, "article", "\n".join(parts)) + related(k, story) + comments(k, story)
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    return document(head_common(story, common.head_meta(story)), page), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
