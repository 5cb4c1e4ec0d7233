"""The document around an article: doctype, head, site header and footer chrome."""

from __future__ import annotations

from .kit import Namer, e, el, footer, menu, most_read, newsletter, ticker, title_tag, top_bar
from .story import Story


def document(
    head: str,
    body: str,
    *,
    html_attrs: str = ' lang="ar" dir="rtl"',
    charset: str = '<meta charset="utf-8">',
) -> str:
    return (
        f"<!DOCTYPE html>\n<html{html_attrs}>\n<head>\n{charset}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def site_header(k: Namer, story: Story) -> str:
    """Top bar with today's date, logo, 20-section menu, breaking-news ticker."""
    rng = story.rng
    logo_tag = (
        "h1" if rng.random() < 0.1 else rng.choice(("div", "span"))
    )  # old themes: logo in <h1>
    logo = el(
        k,
        logo_tag,
        f'<a href="/"><img src="/logo.png" alt="{e(story.site_name)}">{e(story.site_name)}</a>',
    )
    parts = [top_bar(k, story) if rng.random() < 0.7 else "", logo, menu(k, story)]
    if rng.random() < 0.6:
        parts.append(ticker(k, story))
    return el(k, "header", "\n".join(parts))


def sidebar(k: Namer, story: Story) -> str:
    parts = [most_read(k, story)]
    if story.rng.random() < 0.5:
        parts.append(newsletter(k))
    return el(k, "aside", "\n".join(parts))


def head_common(story: Story, meta: str, canonical: str | None = None) -> str:
    return f'{title_tag(story)}\n<link rel="canonical" href="{canonical or story.url}">\n{meta}'


def site_footer(k: Namer, story: Story) -> str:
    return footer(k, story)
