"""WordPress news themes as Arabic sites run them: Jannah (TieLabs), tagDiv Newspaper, JNews.

Skeletons follow the themes' single-post templates: Jannah's entry-header (category badge,
h1, entry-sub-title, single-post-meta with author/date/reading time), tagDiv's td-post-header
(category list, h1, sub-title, meta-info with <time datetime>, featured image inside the
content, author box and next/previous posts after it), JNews (breadcrumbs, h1, subtitle,
meta container "بواسطة … في …", share bars). Class names are randomised (see kit.Namer).
"""

from __future__ import annotations

from . import common
from .kit import Namer, comments, e, el, other_title, related, share_bar
from .shell import document, head_common, sidebar, site_footer, site_header
from .story import Story


def _figure(k: Namer, story: Story) -> str:
    caption = story.rng.choice(
        ("صورة أرشيفية", "من المصدر", f"{story.rng.choice(('جانب من', 'خلال'))} الاجتماع")
    )
    return el(
        k,
        "figure",
        f'<img src="https://{story.host}/wp-content/uploads/{story.published:%Y/%m}/img{story.rng.randint(1, 999)}.jpg" alt="">'
        + el(k, "figcaption", e(caption)),
    )


def _tags(k: Namer, story: Story) -> str:
    tags = story.rng.sample(
        ("سوريا", "مصر", "الحكومة", "الاقتصاد", "كرة القدم", "انتخابات", "الأسعار", "الطقس"), 3
    )
    links = "".join(f'<a href="/tag/{i}" rel="tag">{e(t)}</a>' for i, t in enumerate(tags))
    return el(
        k,
        "div",
        el(k, "span", story.rng.choice(("الوسوم:", "كلمات مفتاحية:", "الكلمات الدلالية"))) + links,
    )


def _meta_extras(k: Namer, story: Story) -> str:
    rng = story.rng
    parts = []
    if rng.random() < 0.5:
        parts.append(el(k, "span", f"{rng.randint(1, 9)} دقائق للقراءة"))
    if rng.random() < 0.5:
        parts.append(el(k, "span", f"{rng.randint(50, 9000)} مشاهدة"))
    return "".join(parts)


def jannah(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    header = [common.breadcrumb(k, story)]
    inner = [common.section_link(k, story) if story.section_mode != "meta_line" else ""]
    if story.kicker and rng.random() < 0.3:
        inner.append(common.kicker(k, story, "span"))
        above_kicker = True
    else:
        above_kicker = False
    inner.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    if story.kicker and not above_kicker:
        inner.append(common.kicker(k, story, "h2"))
    if story.date_mode == "under_title":
        inner.append(common.date(k, story))
    meta = [common.byline(k, story)]
    if story.date_mode != "under_title":
        meta.append(common.date(k, story))
    meta += [
        common.modified(k, story),
        common.section_link(k, story) if story.section_mode == "meta_line" else "",
        _meta_extras(k, story),
    ]
    inner.append(el(k, "div", "".join(meta)))
    header.append(el(k, "div", "\n".join(inner)))
    article = [
        el(k, "header", "\n".join(header)),
        _figure(k, story),
        share_bar(k) if rng.random() < 0.5 else "",
        el(k, "div", common.body(k, story)),
        _tags(k, story),
        share_bar(k),
    ]
    main = (
        el(k, "article", "\n".join(article), ' id="the-post"' if rng.random() < 0.3 else "")
        + related(k, story)
        + comments(k, story)
    )
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    return document(head_common(story, common.head_meta(story)), el(k, "div", page)), "utf-8"


def tagdiv(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    if rng.random() < 0.6 and story.date_mode == "header":
        story.date_mode = "time_el"  # Newspaper prints <time class="entry-date" datetime=…>
    head = []
    if story.section_mode in ("above_title", "sub_shown"):
        head.append(f"<ul{k.cls()}><li{k.cls()}>{common.section_link(k, story)}</li></ul>")
    title = [f"<h1{k.cls()}>{e(story.title)}</h1>", common.kicker(k, story, "p")]
    if story.date_mode == "under_title":
        title.append(common.date(k, story))
    by = common.byline(k, story)
    if story.byline_mode == "header" and not story.byline_label and rng.random() < 0.5:
        by = el(k, "div", el(k, "div", "بواسطة") + " " + by + el(k, "div", " - "))
    meta = [by]
    if story.date_mode != "under_title":
        meta.append(el(k, "span", common.date(k, story)))
    meta += [
        common.modified(k, story),
        common.section_link(k, story) if story.section_mode == "meta_line" else "",
        _meta_extras(k, story),
    ]
    title.append(el(k, "div", "".join(meta)))
    head.append(el(k, "header", "\n".join(title)))
    content = el(k, "div", _figure(k, story) + common.body(k, story))
    author_box = ""
    if story.shows_byline and rng.random() < 0.4:
        author_box = el(
            k,
            "div",
            el(k, "a", e(story.person), ' href="/author/x"')
            + el(k, "p", "صحفي متخصص في الشؤون المحلية"),
        )
    prev_next = el(
        k,
        "div",
        el(k, "span", "المقال السابق")
        + el(k, "a", e(other_title(story)), ' href="/n/1"')
        + el(k, "span", "المقالة القادمة")
        + el(k, "a", e(other_title(story)), ' href="/n/2"'),
    )
    article = [
        common.breadcrumb(k, story),
        el(k, "div", "\n".join(head)),
        share_bar(k),
        content,
        el(k, "footer", _tags(k, story) + share_bar(k) + prev_next + author_box),
    ]
    main = el(k, "article", "\n".join(article)) + related(k, story) + comments(k, story)
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    return document(head_common(story, common.head_meta(story)), el(k, "div", page)), "utf-8"


def jnews(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    header = [common.breadcrumb(k, story)]
    if story.section_mode in ("above_title", "sub_shown"):
        header.append(common.section_link(k, story))
    header.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    if story.kicker:
        header.append(common.kicker(k, story, "h2"))
    meta = []
    by = common.byline(k, story)
    if story.byline_mode == "header" and not story.byline_label:
        by = el(k, "div", el(k, "span", "بواسطة") + " " + by)
    meta.append(by)
    date = common.date(k, story)
    if story.date_mode == "header" and rng.random() < 0.5:
        date = el(k, "div", f'<a href="/{story.published:%Y/%m/%d}/">{date}</a>')
    meta.append(date)
    if story.section_mode == "meta_line":
        meta.append(el(k, "div", el(k, "span", "في") + " " + common.section_link(k, story)))
    meta.append(common.modified(k, story))
    header.append(el(k, "div", el(k, "div", "".join(meta))))
    article = [
        el(k, "div", "\n".join(header)),
        _figure(k, story),
        share_bar(k),
        el(k, "div", el(k, "div", common.body(k, story))),
        _tags(k, story),
        share_bar(k) if rng.random() < 0.5 else "",
    ]
    main = el(k, "div", "\n".join(article)) + related(k, story) + comments(k, story)
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    return document(head_common(story, common.head_meta(story)), el(k, "div", page)), "utf-8"

# ruff: noqa: E501  (HTML templates read best one element per line)
