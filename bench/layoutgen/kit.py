"""HTML pieces every family reuses: random class names, head metadata, and page clutter.

Class names and ids come from one role-blind generator (CSS-module hashes, utility classes,
short words), so the same role gets unrelated names on two pages and no rule can key on them.
Clutter is what real Arabic news pages carry around an article: a top bar with today's date,
a 20-link section menu, a breaking-news ticker with relative times, most-read and related
lists with their own dates, comments with dates, share bars and newsletter boxes.
"""

from __future__ import annotations

import json
import random
import string
from datetime import timedelta
from html import escape

from . import bank, dates
from .story import Story

WORDS = (
    "wrap box col row grid flex tile unit blk pane card strip zone cell area part slot "
    "inner outer main side block holder stack frame sec lay"
).split()


class Namer:
    """Role-blind class names and ids for one page."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.style = rng.choice(("hash", "css", "utility", "words", "sc"))

    def _one(self) -> str:
        rng = self.rng
        alnum = string.ascii_lowercase + string.digits
        if self.style == "hash":
            return "x" + "".join(rng.choices(alnum, k=rng.randint(5, 7)))
        if self.style == "css":
            return "css-" + "".join(rng.choices(alnum, k=6))
        if self.style == "sc":
            return "sc-" + "".join(rng.choices(string.ascii_letters, k=6))
        if self.style == "utility":
            return (
                rng.choice(("mt", "mb", "px", "py", "d", "col", "text", "fs"))
                + "-"
                + str(rng.randint(1, 12))
            )
        return f"{rng.choice(WORDS)}-{rng.randint(1, 99)}"

    def cls(self) -> str:
        names = " ".join(self._one() for _ in range(self.rng.randint(1, 3)))
        return f' class="{names}"'

    def ident(self) -> str:
        if self.rng.random() < 0.6:
            return ""
        return f' id="{self._one()}{self.rng.randint(1, 999)}"'

    def attrs(self) -> str:
        return self.cls() + self.ident()


def e(text: str) -> str:
    return escape(text, quote=True)


def el(k: Namer, tag: str, inner: str, extra: str = "") -> str:
    return f"<{tag}{k.attrs()}{extra}>{inner}</{tag}>"


def link(k: Namer, story: Story, text: str, path: str | None = None) -> str:
    href = (
        path
        or f"/{story.rng.choice(('category', 'section', 'cat', 'news'))}/{story.rng.randint(1, 99)}"
    )
    return f'<a href="{href}"{k.cls()}>{e(text)}</a>'


def title_tag(story: Story) -> str:
    rng, site = story.rng, story.site_name
    form = rng.choice(("{t} - {s}", "{t} | {s}", "{s} | {t}", "{s} - {t}", "{t}"))
    return f"<title>{e(form.format(t=story.title, s=site))}</title>"


def og_meta(story: Story) -> str:
    out = [
        f'<meta property="og:site_name" content="{e(story.site_name)}">',
        f'<meta property="og:title" content="{e(story.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{e(story.url)}">',
        f'<meta property="og:image" content="https://{story.host}/uploads/{story.rng.randint(1000, 9999)}.jpg">',
        f'<meta property="og:description" content="{e(story.paragraphs[0][:150])}">',
    ]
    return "\n".join(out)


def jsonld(story: Story, *, author: object, section: str | None, published: str | None) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": story.rng.choice(
            ("NewsArticle", "NewsArticle", "Article", "ReportageNewsArticle")
        ),
        "headline": story.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
        "image": [f"https://{story.host}/uploads/{story.rng.randint(1000, 9999)}.jpg"],
        "publisher": {
            "@type": "Organization",
            "name": story.site_name,
            "logo": {"@type": "ImageObject", "url": f"https://{story.host}/logo.png"},
        },
    }
    if published:
        data["datePublished"] = published
    if story.modified is not None:
        data["dateModified"] = dates.iso(story.modified, story.rng)
    if author is not None:
        data["author"] = author
    if section:
        data["articleSection"] = section
    return (
        '<script type="application/ld+json">'
        + json.dumps(data, ensure_ascii=story.rng.random() < 0.3)
        + "</script>"
    )


def top_bar(k: Namer, story: Story) -> str:
    today = dates.shown_date(story.rng, story.now, story.region, with_time=False)
    weather = f"{story.rng.choice(bank.PLACES)} {story.rng.randint(5, 38)}°"
    return el(k, "div", el(k, "span", e(today)) + el(k, "span", e(weather)) + social(k))


def social(k: Namer) -> str:
    items = "".join(
        f'<a href="https://{n}.example/share"{k.cls()}>{t}</a>'
        for n, t in (
            ("facebook", "فيسبوك"),
            ("twitter", "تويتر"),
            ("whatsapp", "واتساب"),
            ("telegram", "تلغرام"),
        )
    )
    return el(k, "div", items)


def menu(k: Namer, story: Story) -> str:
    items = "".join(
        f'<li{k.cls()}><a href="/section/{i}">{e(name)}</a></li>'
        for i, name in enumerate(bank.MENU)
    )
    return el(k, "nav", f"<ul{k.cls()}>{items}</ul>")


def other_title(story: Story) -> str:
    return bank.title(story.rng, story.rng.choice(list(bank.TITLE_NOUNS)))


def ticker(k: Namer, story: Story) -> str:
    rng = story.rng
    items = "".join(
        el(
            k,
            "li",
            f'<a href="/news/{rng.randint(1000, 99999)}">{e(other_title(story))}</a> '
            + el(k, "span", e(rng.choice(dates.RELATIVE))),
        )
        for _ in range(5)
    )
    return el(k, "div", el(k, "strong", "عاجل") + f"<ul{k.cls()}>{items}</ul>")


def story_list(k: Namer, story: Story, heading: str, count: int) -> str:
    """Related / most-read stories, each with its own (earlier) date."""
    rng = story.rng
    items = []
    for _ in range(count):
        when = story.published - timedelta(hours=rng.randint(2, 24 * 40))
        shown = dates.shown_date(rng, when, story.region, with_time=rng.random() < 0.5)
        items.append(
            el(
                k,
                "div",
                el(
                    k,
                    "h3",
                    f'<a href="/news/{rng.randint(1000, 99999)}">{e(other_title(story))}</a>',
                )
                + el(k, "span", e(shown)),
            )
        )
    return el(k, rng.choice(("section", "div", "aside")), el(k, "h2", e(heading)) + "".join(items))


def comments(k: Namer, story: Story) -> str:
    rng = story.rng
    if rng.random() < 0.4:
        return ""
    items = []
    for _ in range(rng.randint(1, 3)):
        when = story.published + timedelta(hours=rng.randint(1, 60))
        items.append(
            el(
                k,
                "li",
                el(k, "b", e(bank.person(rng)))
                + el(k, "span", e(dates.shown_date(rng, when, story.region, with_time=True)))
                + el(k, "p", e(rng.choice(bank.COMMENT_TEXTS))),
            )
        )
    return el(k, "div", el(k, "h3", "التعليقات") + f"<ol{k.cls()}>{''.join(items)}</ol>")


def share_bar(k: Namer) -> str:
    return el(k, "div", el(k, "span", "شارك:") + social(k))


def newsletter(k: Namer) -> str:
    form = (
        f'<form action="/subscribe"{k.cls()}><input type="email" placeholder="بريدك الإلكتروني">'
        '<button type="submit">اشترك</button></form>'
    )
    return el(
        k,
        "div",
        el(k, "h4", "اشترك في النشرة البريدية")
        + el(k, "p", "احصل على أهم الأخبار يومياً في بريدك")
        + form,
    )


def read_also(k: Namer, story: Story, inline: bool = False) -> str:
    """An "اقرأ أيضاً" line inside the body (a bare line in <br>-separated bodies)."""
    label = story.rng.choice(("اقرأ أيضاً:", "اقرأ أيضا:", "إقرأ أيضاً", "طالع أيضاً:", "شاهد أيضاً:"))
    href = f"/news/{story.rng.randint(1000, 99999)}"
    line = f'<strong>{label}</strong> <a href="{href}">{e(other_title(story))}</a>'
    return line if inline else el(k, story.rng.choice(("p", "div")), line)


def footer(k: Namer, story: Story) -> str:
    links = "".join(
        f'<a href="/p/{i}">{t}</a> '
        for i, t in enumerate(("من نحن", "اتصل بنا", "سياسة الخصوصية", "أعلن معنا"))
    )
    return el(
        k,
        "footer",
        el(k, "div", links)
        + el(k, "p", f"© {story.now.year} {e(story.site_name)} - جميع الحقوق محفوظة"),
    )


def most_read(k: Namer, story: Story) -> str:
    return story_list(
        k, story, story.rng.choice(("الأكثر قراءة", "الأكثر مشاهدة", "آخر الأخبار")), 5
    )


def related(k: Namer, story: Story) -> str:
    return story_list(
        k, story, story.rng.choice(("أخبار ذات صلة", "مواضيع ذات صلة", "قد يهمك أيضاً")), 4
    )


# ruff: noqa: E501  (HTML templates read best one element per line)
