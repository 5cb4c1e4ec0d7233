"""Custom PHP portals: a Levantine one (Ammon/Alghad-like) and a Saudi one (Okaz/Al-Riyadh-like).

Levantine: an icon list under the headline (<li><i class=…></i> text) holding the byline with
labels like "الكاتب:"/"المحرر:"/"تحرير:"/"متابعة:", a weekday + dd/mm/yyyy date or a relative
time whose exact date is only in the element's title attribute, microdata datePublished as a
<meta> inside the article, English section slugs (/ar/politics), Petra-style datelines with the
day ("عمان 20 حزيران (بترا) -"). Saudi: the header shows the Hijri date alone or "… 1445هـ
الموافق 10 ديسمبر 2023م", bylines "name (جدة)", desk lines "site - الرياض".
"""

from __future__ import annotations

from . import common, dates
from .kit import Namer, comments, e, el, link, related, share_bar
from .shell import document, head_common, sidebar, site_footer, site_header
from .story import Story

SLUGS = {
    "سياسة": "politics",
    "اقتصاد": "economy",
    "رياضة": "sports",
    "محليات": "local",
    "عربي ودولي": "world",
    "ثقافة وفنون": "culture",
    "صحة": "health",
    "تكنولوجيا": "tech",
    "كرة القدم": "football",
    "أسواق": "markets",
    "حوادث": "accidents",
    "تعليم": "education",
}
LABELS = ("الكاتب: ", "المحرر: ", "تحرير: ", "متابعة: ", "كتبت: ")


def _icon(k: Namer) -> str:
    return f"<i{k.cls()}></i> "


def _section_slug(k: Namer, story: Story) -> str:
    href = (
        f"/ar/{SLUGS[story.section]}"
        if story.rng.random() < 0.6
        else f"/?cat={story.rng.randint(2, 60)}"
    )
    return f'<a href="{href}"{k.cls()}>{e(story.section)}</a>'


def levant_php(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    story.move_to("levantine")
    if story.byline_mode == "dateline" and rng.random() < 0.6:
        month = dates.MONTHS["levantine"][story.published.month - 1]
        story.replace_dateline(
            f"{rng.choice(('عمان', 'إربد', 'الزرقاء'))} {story.published.day} {month} ({story.agency[1]}) -"
        )
    items = []
    if story.byline_mode == "header":
        items.append(el(k, "li", _icon(k) + e(rng.choice(LABELS) + story.person)))
    elif story.byline_mode == "split":
        items.append(el(k, "li", _icon(k) + common.byline(k, story)))
    if story.date_mode in ("header", "time_el", "under_title"):
        if rng.random() < 0.4:
            exact = f"{story.published:%d/%m/%Y %H:%M}"
            story.published_forms.append(exact)
            story.shows_time = True
            shown = f'<span title="{exact}"{k.cls()}>{e(rng.choice(dates.RELATIVE))}</span>'
        else:
            shown = e(
                f"{dates.WEEKDAYS[story.published.weekday()]} {story.date_shown(style='numeric')}"
            )
        items.append(el(k, "li", _icon(k) + shown))
    elif story.date_mode == "relative":
        items.append(el(k, "li", _icon(k) + common.date(k, story)))
    items.append(el(k, "li", _icon(k) + f"{rng.randint(20, 20000)} مشاهدة"))
    if story.modified is not None and rng.random() < 0.5:
        items.append(el(k, "li", _icon(k) + e(story.modified_line())))
    head = []
    if story.section_mode in ("above_title", "sub_shown", "meta_line"):
        head.append(el(k, "div", _section_slug(k, story)))
    head += [f"<h1{k.cls()}>{e(story.title)}</h1>", common.kicker(k, story, "h2")]
    head.append(f"<ul{k.cls()}>" + "\n".join(items) + "</ul>")
    microdata = ""
    if rng.random() < 0.5:
        microdata = f'<meta itemprop="datePublished" content="{story.date_machine()}">'
    article = [
        common.breadcrumb(k, story),
        el(k, "div", "\n".join(head)),
        share_bar(k),
        el(k, "div", microdata + common.body(k, story)),
    ]
    main = (
        el(k, "div", "\n".join(article), ' itemscope itemtype="http://schema.org/NewsArticle"')
        + related(k, story)
        + comments(k, story)
    )
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    title = f"<title>{e(story.title)} | {e(story.section)} | {e(story.site_name)}</title>"
    head_html = title + "\n" + head_common(story, common.head_meta(story)).split("\n", 1)[1]
    return document(head_html, page), "utf-8"


def saudi_portal(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    story.move_to("saudi")
    city = rng.choice(("جدة", "الرياض", "مكة المكرمة", "الدمام", "المدينة المنورة"))
    info = []
    if story.byline_mode == "header":
        if rng.random() < 0.5:
            info.append(
                el(k, "span", el(k, "span", e(story.person)) + " " + el(k, "span", f"({e(city)})"))
            )
        else:
            info.append(el(k, "span", e(story.byline_text())))
    elif story.byline_mode == "desk":
        info.append(el(k, "span", e(f"{story.site_name} - {city}")))
    else:
        info.append(common.byline(k, story))
    if story.date_mode in ("header", "time_el", "under_title"):
        hy, hm, hd = dates.hijri(story.published)
        hijri = (
            f"{dates.WEEKDAYS[story.published.weekday()]} {hd} {dates.HIJRI_MONTHS[hm - 1]} {hy}هـ"
        )
        if rng.random() < 0.5:
            gregorian = f"{story.published.day} {dates.MONTHS['egyptian'][story.published.month - 1]} {story.published.year}م"
            story.published_forms.append(gregorian)
            info.append(el(k, "span", e(f"{hijri} الموافق {gregorian}")))
        else:  # the Hijri day alone is shown: the Gregorian date is declared
            info.append(el(k, "span", e(hijri)))
            story.date_mode = "declared"
    else:
        info.append(common.date(k, story))
    if story.modified is not None and rng.random() < 0.5:
        info.append(el(k, "span", e(story.modified_line())))
    parts = [common.breadcrumb(k, story)]
    if story.section_mode in ("above_title", "sub_shown", "meta_line"):
        parts.append(
            el(
                k,
                "div",
                f"الأقسام: {link(k, story, story.section)}"
                if rng.random() < 0.3
                else link(k, story, story.section),
            )
        )
    parts += [
        f"<h1{k.cls()}>{e(story.title)}</h1>",
        common.kicker(k, story, "h2"),
        el(k, "div", "\n".join(info)),
    ]
    parts.append(el(k, "div", common.body(k, story)))
    main = el(k, "article", "\n".join(parts)) + related(k, story) + comments(k, story)
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    return document(head_common(story, common.head_meta(story)), page), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
