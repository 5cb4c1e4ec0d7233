"""Static site generators: Hugo (the PaperMod theme) and Jekyll (the minima theme with
jekyll-seo-tag), as small Arabic news blogs and newsletters publish with them.

Hugo/PaperMod: `<meta name="generator" content="Hugo 0.121.1">`; Hugo's internal Open Graph
template (article:published_time with the front matter's offset, and article:section = the
content directory's name, a Latin slug such as "posts" or "politics", not a section name); a
BlogPosting JSON-LD with the whole text in articleBody; `<article class="post-single">` with
`post-header` (breadcrumbs «الرئيسية » <section title>», `post-title`, `post-meta` with the
date as Hugo prints `.Date` in a title attribute, "2023-12-10 14:14:00 +0300 +03", reading time,
author), `post-content`, `post-footer` with tags and prev/next titles.
Jekyll/minima: jekyll-seo-tag's head block (meta author, article:published_time, BlogPosting
JSON-LD with author Person), `<a class="site-title" rel="author">` naming the site, the h-entry
article with `<time class="dt-published" datetime=…>` shown as "Dec 10, 2023" or
dd-mm-yyyy, `p-author h-card`, `post-content e-content`. Simple markup: the body is the
content div's `<p>`s.
"""

from __future__ import annotations

from . import custom, pagekit
from .kit import Namer, e, other_title
from .story import Story

EN_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _menu(story: Story) -> str:
    names = ("الرئيسية", "الأرشيف", "التصنيفات", "من نحن", "بحث")
    return "".join(f'<li><a href="/{i}/"><span>{n}</span></a></li>' for i, n in enumerate(names))


def _offset_date(story: Story) -> str:
    """The front matter's date as ISO with the site's offset (Hugo and Jekyll print it so)."""
    text = story.published.isoformat(timespec="seconds")
    story.published_forms.append(text)
    story.has_offset = True
    return text


def hugo(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.strip_dateline(story)
    story.section_mode = "breadcrumb"
    story.byline_mode = "header" if rng.random() < 0.6 else "none"
    story.byline_label = ""
    story.kicker = None
    slug = custom.SLUGS.get(story.section, "posts") if rng.random() < 0.6 else "posts"
    story.url = f"https://{story.host}/{slug}/{rng.randint(100, 9999)}-{story.published:%Y%m%d}/"
    published = _offset_date(story)
    go_date = (
        story.published.strftime("%Y-%m-%d %H:%M:%S %z")
        + " +"
        + f"{story.published.utcoffset().seconds // 3600:02d}"
    )
    story.published_forms.append(go_date)
    shown = story.date_shown(with_time=False, style="name")
    meta_bits = [f"<span title='{go_date}'>{e(shown)}</span>", f"{rng.randint(1, 9)} دقائق"]
    if story.byline_mode == "header":
        meta_bits.append(e(story.person))
    tags = "".join(
        f'<li><a href="/tags/{i}/">{e(t)}</a></li>'
        for i, t in enumerate(rng.sample(("الحكومة", "الأسعار", "انتخابات", "الطقس", "التعليم"), 2))
    )
    article = (
        '<article class="post-single"><header class="post-header">'
        f'<div class="breadcrumbs"><a href="/">الرئيسية</a>&nbsp;»&nbsp;<a href="/{slug}/">{e(story.section)}</a></div>'
        f'<h1 class="post-title entry-hint-parent">{e(story.title)}</h1>'
        f'<div class="post-meta">{"&nbsp;·&nbsp;".join(meta_bits)}</div></header>'
        f'<figure class="entry-cover"><img loading="eager" src="/{slug}/cover{rng.randint(1, 99)}.jpg" alt=""></figure>'
        '<div class="post-content">'
        + "".join(f"<p>{e(p)}</p>" for p in story.paragraphs)
        + "</div>"
        f'<footer class="post-footer"><ul class="post-tags">{tags}</ul><nav class="paginav">'
        f'<a class="prev" href="/{slug}/p1/"><span class="title">« السابق</span><br><span>{e(other_title(story))}</span></a>'
        f'<a class="next" href="/{slug}/p2/"><span class="title">التالي »</span><br><span>{e(other_title(story))}</span></a></nav></footer></article>'
    )
    page = (
        f'<header class="header"><nav class="nav"><div class="logo"><a href="/" accesskey="h" title="{e(story.site_name)} (Alt + H)">{e(story.site_name)}</a></div><ul id="menu">{_menu(story)}</ul></nav></header>'
        f'<main class="main">{article}</main>'
        f'<footer class="footer"><span>© {story.now.year} <a href="/">{e(story.site_name)}</a></span> · <span>Powered by <a href="https://gohugo.io/">Hugo</a> &amp; <a href="https://github.com/adityatelange/hugo-PaperMod/">PaperMod</a></span></footer>'
    )
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": story.title,
        "name": story.title,
        "description": story.paragraphs[0][:150],
        "articleBody": "\n".join(story.paragraphs),
        "wordCount": str(sum(len(p.split()) for p in story.paragraphs)),
        "inLanguage": "ar",
        "datePublished": published,
        "dateModified": published,
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
        "publisher": {
            "@type": "Organization",
            "name": story.site_name,
            "logo": {"@type": "ImageObject", "url": f"https://{story.host}/favicon.ico"},
        },
    }
    if story.byline_mode == "header":
        data["author"] = [{"@type": "Person", "name": story.person}]
    meta = "\n".join(
        (
            '<meta name="generator" content="Hugo 0.121.1">',
            pagekit.og(story),
            f'<meta property="article:section" content="{slug}">',
            f'<meta property="article:published_time" content="{published}">',
            f'<meta property="article:modified_time" content="{published}">',
            pagekit.ld(story, data),
        )
    )
    return pagekit.document(story, meta, f'<body class="single" id="top">{page}</body>'), "utf-8"


def jekyll(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.strip_dateline(story)
    story.kicker = None
    story.byline_mode = "header" if rng.random() < 0.7 else "none"
    story.byline_label = ""
    if story.section_mode not in ("meta_line", "none"):
        story.section_mode = rng.choice(("meta_line", "none"))
    story.url = (
        f"https://{story.host}/{story.published:%Y/%m/%d}/post-{rng.randint(100, 9999)}.html"
    )
    published = _offset_date(story)
    p = story.published
    if rng.random() < 0.6:
        shown = f"{EN_MONTHS[p.month - 1]} {p.day}, {p.year}"
        story.published_forms.append(shown)
    else:
        shown = story.date_shown(with_time=False, style="numeric")
    meta = [
        f'<time class="dt-published" datetime="{published}" itemprop="datePublished">{e(shown)}</time>'
    ]
    if story.byline_mode == "header":
        meta.append(
            f'<span itemprop="author" itemscope itemtype="http://schema.org/Person"><span class="p-author h-card" itemprop="name">{e(story.person)}</span></span>'
        )
    if story.section_mode == "meta_line":
        meta.append(f'<a href="/categories/#{rng.randint(1, 40)}">{e(story.section)}</a>')
    article = (
        '<article class="post h-entry" itemscope itemtype="http://schema.org/BlogPosting"><header class="post-header">'
        f'<h1 class="post-title p-name" itemprop="name headline">{e(story.title)}</h1>'
        f'<p class="post-meta">{" • ".join(meta)}</p></header>'
        '<div class="post-content e-content" itemprop="articleBody">'
        + "".join(f"<p>{e(x)}</p>" for x in story.paragraphs)
        + "</div>"
        f'<a class="u-url" href="{story.url}" hidden></a></article>'
    )
    page = (
        f'<header class="site-header" role="banner"><div class="wrapper"><a class="site-title" rel="author" href="/">{e(story.site_name)}</a>'
        f'<nav class="site-nav"><div class="trigger"><a class="page-link" href="/about/">من نحن</a><a class="page-link" href="/archive/">الأرشيف</a></div></nav></div></header>'
        f'<main class="page-content" aria-label="Content"><div class="wrapper">{article}</div></main>'
        f'<footer class="site-footer h-card"><data class="u-url" href="/"></data><div class="wrapper"><h2 class="footer-heading">{e(story.site_name)}</h2><p>{e(story.site_name)} - نشرة إخبارية مستقلة</p></div></footer>'
    )
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "dateModified": published,
        "datePublished": published,
        "description": story.paragraphs[0][:150],
        "headline": story.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
        "url": story.url,
    }
    if story.byline_mode == "header":
        data["author"] = {"@type": "Person", "name": story.person}
    head = [
        "<!-- Begin Jekyll SEO tag v2.8.0 -->",
        '<meta name="generator" content="Jekyll v4.3.2" />',
        f'<meta property="og:title" content="{e(story.title)}" />',
    ]
    if story.byline_mode == "header":
        head.append(f'<meta name="author" content="{e(story.person)}" />')
    head += [
        '<meta property="og:locale" content="ar" />',
        f'<meta property="og:site_name" content="{e(story.site_name)}" />',
        '<meta property="og:type" content="article" />',
        f'<meta property="article:published_time" content="{published}" />',
        pagekit.ld(story, data),
        "<!-- End Jekyll SEO tag -->",
    ]
    return pagekit.document(story, "\n".join(head), page), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
