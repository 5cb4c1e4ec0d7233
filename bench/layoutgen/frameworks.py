"""A JavaScript-framework article page, server-rendered then hydrated: Next.js, Nuxt or
Angular Universal.

Imitates what these frameworks emit on Arabic news sites built with them (Asharq News, Al
Mashhad, Independent Arabia's newer pages): Emotion/styled-components class names
(`css-1x2y3z`, `sc-AbCdE`) on every element; the root `<div id="__next">`, `<div id="__nuxt">
<div id="__layout">` or `<app-root ng-version="17.3.1" ng-server-context="ssr">`; the first
paragraphs (the lead, 1-2 of them) rendered by a header component in an element of their own,
apart from the rest of the body, which comes after the hero image, the byline and an ad slot,
as `<p>`s inside another component's `<div>`; «اقرأ أيضاً» cards between paragraphs; the whole
article again as hydration data in a script (`__NEXT_DATA__` JSON, the app router's
`self.__next_f.push([1,"…"])`, `window.__NUXT__=(function(a,b,…){…}(…))`, Angular's
`serverApp-state` with &q; quotes). Gold body: lead then the rest, in page order.
"""

from __future__ import annotations

import json

from . import common, pagekit
from .kit import Namer, e, el, link, other_title, related
from .shell import site_footer, site_header
from .story import Story


def _hydration(story: Story, kind: str, body_html: str, published: str) -> str:
    rng = story.rng
    article = {
        "id": rng.randint(10**5, 10**7),
        "title": story.title,
        "body": body_html,
        "publishedAt": published,
        "author": {"name": story.person} if story.byline_mode == "header" else None,
        "section": {"name": story.section, "slug": f"s{rng.randint(1, 40)}"},
    }
    if kind == "next_pages":
        data = {
            "props": {"pageProps": {"article": article}},
            "page": "/[section]/[slug]",
            "buildId": "".join(rng.choices("abcdef0123456789", k=20)),
            "isFallback": False,
        }
        return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data, ensure_ascii=False)}</script>'
    if kind == "next_app":
        chunk = json.dumps(
            f'2:["$","article",null,{json.dumps(article, ensure_ascii=False)}]\n',
            ensure_ascii=False,
        )
        return (
            "<script>(self.__next_f=self.__next_f||[]).push([0])</script>"
            f"<script>self.__next_f.push([1,{chunk}])</script>"
        )
    if kind == "nuxt":
        args = json.dumps([story.title, body_html, published], ensure_ascii=False)[1:-1]
        return (
            '<script>window.__NUXT__=(function(a,b,c){return {layout:"default",data:[{article:'
            "{title:a,body:b,publishedAt:c}}],fetch:{},error:null,serverRendered:true}}"
            f"({args}));</script>"
        )
    state = json.dumps({"article": article}, ensure_ascii=False).replace('"', "&q;")
    return f'<script id="serverApp-state" type="application/json">{state}</script>'


def js_hydrated(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    k.style = rng.choice(("css", "css", "sc"))
    kind = rng.choice(("next_pages", "next_app", "nuxt", "angular"))
    pagekit.strip_dateline(story)
    story.kicker = None
    if story.byline_mode not in ("header", "split", "declared", "none"):
        story.byline_mode = "header"
    if story.date_mode in ("body_end", "under_title"):
        story.date_mode = "time_el"
    if story.section_mode == "sub_shown":
        story.section_mode = "above_title"
    lead_n = 1 if len(story.paragraphs) < 4 or rng.random() < 0.5 else 2
    lead = story.paragraphs[:lead_n]
    rest = story.paragraphs[lead_n:]

    header = []
    if story.section_mode in ("above_title", "meta_line"):
        header.append(el(k, "div", link(k, story, story.section)))
    header.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    header.append(el(k, "div", "".join(f"<p{k.cls()}>{e(p)}</p>" for p in lead)))
    meta = el(k, "div", common.byline(k, story) + common.date(k, story))
    hero = el(
        k,
        "figure",
        f'<img src="https://{story.host}/_next/image?url=%2Fuploads%2F{rng.randint(1, 9999)}.jpg&amp;w=1200&amp;q=75" alt="" loading="eager"{k.cls()}>'
        + el(k, "figcaption", e(rng.choice(("صورة تعبيرية", "أرشيفية", "من المصدر")))),
    )
    paras = [f"<p{k.cls()}>{e(p)}</p>" for p in rest]
    if len(paras) > 2 and rng.random() < 0.6:
        card = el(
            k,
            "div",
            el(k, "span", "اقرأ أيضاً")
            + f'<a href="/news/{rng.randint(1000, 99999)}"{k.cls()}>{e(other_title(story))}</a>',
        )
        paras.insert(rng.randint(1, len(paras) - 1), card)
    ad = el(
        k, "div", "", f' data-ad-slot="/{rng.randint(1000, 9999)}/article_mid" aria-hidden="true"'
    )
    order = (
        [el(k, "header", "\n".join(header)), hero, meta, ad]
        if rng.random() < 0.6
        else [el(k, "header", "\n".join(header)), meta, hero, ad]
    )
    body_div = el(k, "div", "\n".join(paras))
    article = el(k, "article", "\n".join([*order, body_div]))
    crumb = common.breadcrumb(k, story) if story.section_mode == "breadcrumb" else ""
    main = el(k, "main", crumb + article + related(k, story))
    page = site_header(k, story) + main + site_footer(k, story)

    published = story.date_machine()
    body_html = "".join(f"<p>{p}</p>" for p in story.paragraphs)
    if kind == "nuxt":
        root = f'<div id="__nuxt"><div id="__layout">{page}</div></div>'
    elif kind == "angular":
        root = f'<app-root ng-version="17.3.{rng.randint(0, 9)}" ng-server-context="ssr">{page}</app-root>'
    else:
        root = f'<div id="__next">{page}</div>'
    root += _hydration(story, kind, body_html, published)

    section = pagekit.declared_section(story)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": published,
        "publisher": pagekit.publisher(story),
        "mainEntityOfPage": story.url,
    }
    if story.byline_mode in ("header", "split", "declared"):
        data["author"] = [{"@type": "Person", "name": story.person}]
    if section:
        data["articleSection"] = section
    meta_tags = [pagekit.og(story), pagekit.ld(story, data)]
    if kind.startswith("next"):
        meta_tags.append('<meta name="next-head-count" content="24">')
    return pagekit.document(story, "\n".join(meta_tags), root), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
