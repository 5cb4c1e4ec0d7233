"""Drupal 7, Drupal 9/10, Joomla 3/4 and Blogger article pages.

Drupal 7: node with a "submitted" line (a CMS user, often a desk account) wrapping an RDFa
`dc:date dc:created` span, body and taxonomy fields. Drupal 9: the title in a page-title block
outside the node, node__meta "بواسطة … , date". Joomla: microdata item-page with the title in
<h2 itemprop="headline"> (the logo may hold the only <h1>), an article-info <dl> (createdby,
category-name, published <time datetime>, hits). Blogger: blog title in <h1>, date-header
<h2> with the day, post title <h3>, footer "نشر بواسطة … في <abbr title=ISO>time</abbr>",
labels.
"""

from __future__ import annotations

from . import common
from .kit import Namer, comments, e, el, link, related, share_bar
from .shell import document, head_common, sidebar, site_footer, site_header
from .story import Story

DESKS = ("التحرير", "محرر الموقع", "admin", "editor")


def _submitted_user(story: Story) -> str:
    """Drupal/Joomla print the CMS user: a person when the plan shows one, else a desk account."""
    if story.byline_mode == "header":
        return story.person
    if story.byline_mode == "desk":
        return story.site_name
    return story.rng.choice(DESKS)


def drupal7(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    if story.date_mode in ("header", "time_el", "under_title"):
        machine = story.date_machine(offset=rng.random() < 0.85)
        shown = story.date_shown()
        user = _submitted_user(story)
        show_user = story.byline_mode == "header" or rng.random() < 0.5
        who = (
            f'{rng.choice(("أرسلت بواسطة", "بواسطة", "كتبه"))} <span{k.cls()} property="foaf:name">{e(user)}</span> '
            if show_user
            else ""
        )
        if not show_user and story.byline_mode == "header":
            story.byline_mode = "none"
        submitted = el(
            k,
            "div",
            f'<span property="dc:date dc:created" content="{machine}" datatype="xsd:dateTime">{who}{rng.choice(("في", "-", ""))} {e(shown)}</span>',
        )
        if story.byline_mode == "split":
            submitted = common.byline(k, story) + submitted
    else:
        submitted = common.byline(k, story) + common.date(k, story)
    section = ""
    if story.section_mode in ("above_title", "meta_line", "sub_shown"):
        section = el(
            k,
            "div",
            el(k, "div", "القسم:&nbsp;")
            + el(
                k,
                "div",
                f'<a href="/taxonomy/term/{rng.randint(1, 90)}" typeof="skos:Concept" property="rdfs:label skos:prefLabel">{e(story.section)}</a>',
            ),
        )
    node = [
        f"<h1{k.cls()}>{e(story.title)}</h1>",
        common.kicker(k, story, "div"),
        submitted,
        common.modified(k, story),
        section,
        el(
            k,
            "div",
            el(k, "div", el(k, "div", common.body(k, story), ' property="content:encoded"')),
        ),
        share_bar(k) if rng.random() < 0.5 else "",
    ]
    main = (
        common.breadcrumb(k, story)
        + el(
            k,
            "div",
            "\n".join(node),
            f' about="{story.url}" typeof="sioc:Item foaf:Document"',
        )
        + related(k, story)
        + comments(k, story)
    )
    page = (
        site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    html_attrs = (
        ' xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" version="XHTML+RDFa 1.0" dir="rtl"'
    )
    head = head_common(story, common.head_meta(story, allow_jsonld=False))
    return document(
        head,
        page,
        html_attrs=html_attrs,
        charset='<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
    ), "utf-8"


def drupal9(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    title_block = el(k, "div", f"<h1{k.cls()}><span>{e(story.title)}</span></h1>")
    meta = []
    if story.byline_mode == "header":
        meta.append(
            el(k, "span", f"{e(story.byline_label or 'بواسطة ')}<span>{e(story.person)}</span>")
        )
    else:
        meta.append(common.byline(k, story))
    meta.append(common.date(k, story))
    meta.append(common.modified(k, story))
    if story.section_mode == "meta_line":
        meta.append(common.section_link(k, story))
    above = (
        common.section_link(k, story) if story.section_mode in ("above_title", "sub_shown") else ""
    )
    tags = el(
        k,
        "div",
        el(k, "div", "الوسوم")
        + "".join(
            el(k, "div", link(k, story, t))
            for t in rng.sample(("انتخابات", "الحكومة", "الأسعار", "مونديال", "التعليم"), 2)
        ),
    )
    node = [
        above,
        common.kicker(k, story, "div"),
        el(k, "div", "".join(meta)),
        el(k, "div", common.body(k, story)),
        tags,
    ]
    content = (
        common.breadcrumb(k, story)
        + title_block
        + el(k, "article", "\n".join(node), ' role="article"')
        + related(k, story)
        + comments(k, story)
    )
    page = (
        site_header(k, story)
        + el(k, "main", el(k, "div", content) + sidebar(k, story), ' role="main"')
        + site_footer(k, story)
    )
    return document(
        head_common(story, common.head_meta(story)),
        el(k, "div", page, ' data-off-canvas-main-canvas=""'),
    ), "utf-8"


def joomla(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    info = [el(k, "dt", "التفاصيل")]
    if story.byline_mode == "header" or (
        story.byline_mode in ("desk", "none") and rng.random() < 0.3
    ):
        user = _submitted_user(story)
        info.append(
            el(
                k,
                "dd",
                f'{rng.choice(("كتب بواسطة: ", "الكاتب: ", "كتب "))}<span itemprop="name">{e(user)}</span>',
                ' itemprop="author" itemscope itemtype="https://schema.org/Person"',
            )
        )
    if story.section_mode in ("meta_line", "above_title", "sub_shown"):
        info.append(
            el(
                k,
                "dd",
                f'القسم: <a href="/index.php?option=com_content&amp;view=category&amp;id={rng.randint(1, 40)}" itemprop="genre">{e(story.section)}</a>',
            )
        )
    if story.date_mode in ("header", "time_el"):
        machine = story.date_machine(offset=rng.random() < 0.7)
        info.append(
            el(
                k,
                "dd",
                f'<time datetime="{machine}" itemprop="datePublished">{rng.choice(("نشر بتاريخ: ", "تاريخ النشر: ", "نُشر في "))}{e(story.date_shown())}</time>',
            )
        )
    elif story.date_mode in ("under_title", "relative"):
        info.append(el(k, "dd", common.date(k, story)))
    if story.modified is not None and rng.random() < 0.5:
        info.append(el(k, "dd", e(story.modified_line())))
    info.append(el(k, "dd", f"الزيارات: {rng.randint(10, 9000)}"))
    split = common.byline(k, story) if story.byline_mode == "split" else ""
    item = [
        el(k, "div", f'<h2 itemprop="headline">{e(story.title)}</h2>'),
        common.kicker(k, story, "h3"),
        el(k, "dl", "".join(info)),
        split,
        el(k, "div", common.body(k, story), ' itemprop="articleBody"'),
        share_bar(k) if rng.random() < 0.5 else "",
    ]
    logo_h1 = rng.random() < 0.3
    logo = el(k, "h1" if logo_h1 else "div", f'<a href="/">{e(story.site_name)}</a>')
    main = (
        common.breadcrumb(k, story)
        + el(k, "div", "\n".join(item), ' itemscope itemtype="https://schema.org/Article"')
        + related(k, story)
    )
    page = (
        logo
        + site_header(k, story)
        + el(k, "div", el(k, "main", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    head = head_common(
        story,
        '<meta name="generator" content="Joomla! - Open Source Content Management">\n'
        + common.head_meta(story, allow_jsonld=rng.random() < 0.3),
    )
    return document(head, page), "utf-8"


def blogger(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    story.section_mode = "none"  # labels are tags: which one is "the section" is not decidable
    day_header = (
        el(k, "h2", f"<span>{e(story.date_shown(with_time=False))}</span>")
        if story.date_mode not in ("declared", "relative")
        else ""
    )
    footer = []
    if story.byline_mode == "header":
        footer.append(
            el(
                k,
                "span",
                f"{rng.choice(('نشر بواسطة ', 'كتبه ', 'بقلم '))}<span{k.cls()}>{e(story.person)}</span>",
            )
        )
    elif story.byline_mode == "split":
        footer.append(common.byline(k, story))
    if rng.random() < 0.85 or story.date_mode in ("declared", "relative"):
        machine = story.date_machine()
        if rng.random() < 0.5:
            stamp = f'<a href="{story.url}" rel="bookmark" title="permanent link"><abbr{k.cls()} title="{machine}">{e(story.published.strftime("%I:%M"))} {"ص" if story.published.hour < 12 else "م"}</abbr></a>'
        else:
            stamp = f'<a href="{story.url}" rel="bookmark"><time{k.cls()} datetime="{machine}">{e(story.published.strftime("%H:%M"))}</time></a>'
        footer.append(el(k, "span", f"في {stamp}"))
    labels = "".join(
        f'<a href="/search/label/{i}" rel="tag">{e(t)}</a>، '
        for i, t in enumerate(
            rng.sample(("أخبار", "عاجل", "سياسة", "اقتصاد", "رياضة", "محليات"), 2)
        )
    )
    footer.append(el(k, "span", f"التسميات: {labels}"))
    post = [
        f"<h3{k.cls()}>{e(story.title)}</h3>",
        common.kicker(k, story, "h4"),
        el(k, "div", common.body(k, story)),
        el(k, "div", "".join(footer)),
        share_bar(k) if rng.random() < 0.5 else "",
    ]
    blog_title = el(k, "h1", f'<a href="/">{e(story.site_name)}</a>')
    main = day_header + el(k, "div", "\n".join(post)) + comments(k, story)
    page = (
        blog_title
        + site_header(k, story)
        + el(k, "div", el(k, "div", main) + sidebar(k, story))
        + site_footer(k, story)
    )
    head = head_common(
        story, common.head_meta(story, allow_jsonld=False, allow_og=rng.random() < 0.5)
    )
    return document(head, page), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
