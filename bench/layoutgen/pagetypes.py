"""Page types beyond the single story: a live blog and an opinion column.

live_blog imitates the live pages of Al Jazeera, BBC Arabic and Al Arabiya and WordPress's
Liveblog plugin: schema.org LiveBlogPosting JSON-LD with coverageStartTime / coverageEndTime
and one BlogPosting per update in liveBlogUpdate; a «مباشر» badge and «آخر تحديث» (the
latest update's time, not the publication) under the headline; an intro, then timestamped
updates (a <time datetime> with a clock or «منذ 5 دقائق», sometimes a heading), newest first
as most Arab news sites order them or oldest first, sometimes a pinned «مثبّت» update first,
as `<article>`s with ad slots between them or as an `<ol>` timeline; «رابط التحديث» links; a
«تحميل المزيد» button. Gold: body = the
intro and every update's text in page order without the timestamps; published = the
coverage start.

opinion_column imitates the column pages of Asharq Al-Awsat, Al-Araby Al-Jadeed and Al-Quds
Al-Arabi: an author box (photo with the name in alt, the columnist's name linked to /writers/N,
a bio line, «كل مقالات الكاتب»), a pull quote repeating a sentence of the text inside the
body (often with the text field split in two containers around it and an ad), the «المقال يعبر عن رأي كاتبه» disclaimer, «مقالات أخرى للكاتب» with dates; JSON-LD
OpinionNewsArticle. Gold: author = the columnist (not the bio, not the link text), section =
the opinion section, body without the pull quote and disclaimer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import bank, common, dates, pagekit
from .kit import Namer, comments, e, el, link, related, share_bar
from .story import Story

LIVE_BADGES = ("مباشر", "تغطية مباشرة", "بث مباشر", "LIVE")


def _update_clock(story: Story, when: datetime, newest: bool) -> str:
    rng = story.rng
    if newest and rng.random() < 0.5:
        return rng.choice(("منذ 5 دقائق", "منذ دقيقتين", "قبل 12 دقيقة", "الآن"))
    if rng.random() < 0.3:
        return f"{dates.clock(rng, when)} بتوقيت {rng.choice(('مكة المكرمة', 'القدس', 'غرينتش', 'بيروت'))}"
    return dates.clock(rng, when)


def live_blog(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.strip_dateline(story)
    story.kicker = None
    if story.section_mode in ("meta_line", "sub_shown"):
        story.section_mode = "above_title"
    start = story.published
    seen = set(story.paragraphs)
    intro = story.paragraphs[0]
    updates = []
    when = start + timedelta(minutes=rng.randint(0, 20))
    for _ in range(rng.randint(5, 12)):
        heading = bank.title(rng, story.section) if rng.random() < 0.35 else None
        if heading in seen:
            heading = None
        elif heading:
            seen.add(heading)
        paras = [
            " ".join(pagekit.sentences(rng, story.section, rng.randint(1, 2), seen))
            for _ in range(rng.randint(1, 2))
        ]
        updates.append((when, heading, paras))
        when += timedelta(minutes=rng.randint(4, 75))
    last = updates[-1][0]
    story.modified = last
    newest_first = rng.random() < 0.65
    shown = list(reversed(updates)) if newest_first else updates
    story.paragraphs = [intro]
    if rng.random() < 0.25:  # a pinned update first, out of time order («مثبّت»)
        shown.insert(0, shown.pop(rng.randrange(1, len(shown))))
        pinned = True
    else:
        pinned = False
    timeline = rng.random() < 0.3  # an <ol> timeline of <li> updates, not <article>s
    items = []
    for i, (at, heading, paras) in enumerate(shown):
        story.paragraphs += ([heading] if heading else []) + paras
        clock = _update_clock(story, at, newest=newest_first and i < 2 and not pinned)
        stamp = f'<time datetime="{at.isoformat(timespec="seconds")}"{k.cls()}>{e(clock)}</time>'
        inner = [el(k, "div", stamp + (el(k, "span", "مثبّت") if pinned and not i else ""))]
        if heading:
            inner.append(el(k, rng.choice(("h3", "h2", "strong")), e(heading)))
        inner += [f"<p>{e(p)}</p>" for p in paras]
        if rng.random() < 0.3:
            inner.append(share_bar(k))
        if rng.random() < 0.3:
            inner.append(f'<a href="{story.url}#post-{i}"{k.cls()}>رابط التحديث</a>')
        tag = "li" if timeline else "article"
        items.append(el(k, tag, "\n".join(inner), f' id="post-{rng.randint(10**5, 10**6)}"'))
        if not timeline and i % 4 == 3:
            items.append(el(k, "div", "", ' data-ad-slot="liveblog-inline" aria-hidden="true"'))

    start_iso = story.date_machine()
    author_shown = rng.random() < 0.4
    story.byline_mode = "header" if author_shown else "desk"
    head = [el(k, "span", e(rng.choice(LIVE_BADGES)))]
    if story.section_mode == "above_title":
        head.append(el(k, "div", link(k, story, story.section)))
    head.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    if author_shown:
        label = story.byline_label = rng.choice(("إعداد: ", "تحرير: ", "متابعة: ", ""))
        head.append(
            el(k, "div", e(label) + link(k, story, story.person, f"/author/{rng.randint(1, 400)}"))
        )
    if story.date_mode in ("header", "time_el", "under_title"):
        head.append(
            el(k, "span", e(rng.choice(("بدأت التغطية: ", "نُشر في ", "")) + story.date_shown()))
        )
    head.append(el(k, "span", e("آخر تحديث: " + dates.shown_date(rng, last, story.region, True))))
    updates_html = (
        f"<ol{k.cls()}>" + "\n".join(items) + "</ol>"
        if timeline
        else el(k, "div", "\n".join(items))
    )
    body = [el(k, "header", "\n".join(head)), el(k, "p", e(intro)), updates_html]
    body.append(f'<button type="button"{k.cls()}>تحميل المزيد</button>')
    crumb = ""
    if story.section_mode == "breadcrumb":
        crumb = el(
            k, "nav", link(k, story, "الرئيسية", "/") + " › " + link(k, story, story.section)
        )
    main = crumb + el(k, "main", "\n".join(body)) + related(k, story) + comments(k, story)

    section = pagekit.declared_section(story)
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": story.title,
        "description": intro[:150],
        "url": story.url,
        "mainEntityOfPage": story.url,
        "coverageStartTime": start_iso,
        "datePublished": start_iso,
        "dateModified": pagekit.iso_local(last),
        "publisher": pagekit.publisher(story),
        "author": {"@type": "Person", "name": story.person}
        if author_shown
        else {"@type": "Organization", "name": story.site_name},
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": heading or paras[0][:60],
                "datePublished": pagekit.iso_local(at),
                "articleBody": " ".join(paras),
            }
            for at, heading, paras in shown
        ],
    }
    if rng.random() < 0.4:
        data["coverageEndTime"] = pagekit.iso_local(last + timedelta(hours=rng.randint(1, 6)))
    if section:
        data["articleSection"] = section
    meta = [pagekit.og(story), pagekit.ld(story, data)]
    if rng.random() < 0.5:
        meta.append(f'<meta property="article:published_time" content="{story.date_machine()}">')
    meta.append(f'<meta property="article:modified_time" content="{pagekit.iso_local(last)}">')
    story.gold_fixed["author"] = story.person if author_shown else None
    html = pagekit.document(story, "\n".join(meta), pagekit.frame(k, story, main))
    return html, "utf-8"


def _author_box(k: Namer, story: Story, href: str, bio: str, *, full: bool) -> str:
    rng = story.rng
    photo = f'<a href="{href}"><img src="https://{story.host}/writers/{rng.randint(1, 999)}.jpg" alt="{e(story.person)}"{k.cls()}></a>'
    parts = [
        photo,
        el(k, rng.choice(("h3", "div", "span")), f'<a href="{href}">{e(story.person)}</a>'),
    ]
    if full:
        parts.append(el(k, "p", e(bio)))
        parts.append(
            f'<a href="{href}"{k.cls()}>{rng.choice(("كل مقالات الكاتب", "جميع مقالات الكاتب", "مقالات الكاتب"))}</a>'
        )
    if full and rng.random() < 0.4:
        parts.append(
            el(k, "span", f"@{rng.choice(('kateb', 'writer', 'col'))}{rng.randint(1, 99)}")
        )
    return el(k, rng.choice(("div", "aside", "section")), "\n".join(parts))


def opinion_column(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    topic = story.section
    story.section = rng.choice(bank.OPINION_SECTIONS)
    story.section_mode = rng.choice(("breadcrumb", "breadcrumb", "above_title", "declared"))
    story.paragraphs = bank.opinion_paragraphs(rng)
    nouns = bank.TITLE_NOUNS.get(topic, bank.TITLE_NOUNS["سياسة"])
    story.title = rng.choice(bank.OPINION_TITLES).format(
        noun=rng.choice(nouns), place=rng.choice(bank.PLACES)
    )
    story.kicker = None
    story.byline_mode, story.byline_label = "author_box", ""
    if story.date_mode in ("body_end", "relative"):
        story.date_mode = "header"
    href = f"/writers/{rng.randint(1, 900)}"
    bio = bank.fill(rng, rng.choice(bank.COLUMNIST_BIOS))
    where = rng.choice(("top", "top", "bottom", "both"))

    paras = [f"<p>{e(p)}</p>" for p in story.paragraphs]
    quote = rng.choice(story.paragraphs[1:]).split(". ")[0].removesuffix(".")
    pull = el(k, rng.choice(("blockquote", "aside", "div")), f"<p>«{e(quote)}»</p>")
    at = rng.randint(2, len(paras) - 1)
    if rng.random() < 0.4:  # the CMS splits the text field around the quote (and an ad)
        ad = (
            el(k, "div", "", ' data-ad-slot="inread" aria-hidden="true"')
            if rng.random() < 0.5
            else ""
        )
        text = el(k, "div", "\n".join(paras[:at])) + pull + ad + el(k, "div", "\n".join(paras[at:]))
    else:
        paras.insert(at, pull)
        text = el(k, "div", "\n".join(paras))
    header = []
    if story.section_mode == "above_title":
        header.append(el(k, "div", link(k, story, story.section)))
    header.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    if where in ("top", "both"):
        header.append(_author_box(k, story, href, bio, full=where == "top"))
    header.append(common.date(k, story))
    article = [el(k, "header", "\n".join(header)), text]
    article.append(
        el(
            k,
            "p",
            e(
                rng.choice(
                    (
                        "المقال يعبر عن رأي كاتبه ولا يعبر بالضرورة عن رأي الموقع",
                        "الآراء الواردة في المقال تعبر عن رأي كاتبها",
                    )
                )
            ),
        )
    )
    if where in ("bottom", "both"):
        article.append(
            el(k, "div", el(k, "h4", "عن الكاتب") + _author_box(k, story, href, bio, full=True))
        )
    more = story_list_of_writer(k, story, href)
    crumb = ""
    if story.section_mode == "breadcrumb":
        sep = rng.choice((" › ", " / ", " » "))
        crumb = el(
            k,
            "nav",
            link(k, story, "الرئيسية", "/")
            + sep
            + link(k, story, story.section, "/opinion")
            + sep
            + el(k, "span", e(story.title)),
        )
    main = crumb + el(k, "article", "\n".join(article)) + more + share_bar(k) + comments(k, story)

    data = {
        "@context": "https://schema.org",
        "@type": rng.choice(("OpinionNewsArticle", "OpinionNewsArticle", "Article", "NewsArticle")),
        "headline": story.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
        "author": {
            "@type": "Person",
            "name": story.person,
            "url": f"https://{story.host}{href}",
            "description": bio,
        },
        "publisher": pagekit.publisher(story),
    }
    machine = story.date_machine() if story.date_mode == "declared" or rng.random() < 0.5 else None
    if machine:
        data["datePublished"] = machine
    section = pagekit.declared_section(story)
    if section:
        data["articleSection"] = section
    meta = [pagekit.og(story), pagekit.ld(story, data)]
    if rng.random() < 0.4:
        meta.append(f'<meta name="author" content="{e(story.person)}">')
    story.gold_fixed["author"] = story.person
    return pagekit.document(story, "\n".join(meta), pagekit.frame(k, story, main)), "utf-8"


def story_list_of_writer(k: Namer, story: Story, href: str) -> str:
    """«مقالات أخرى للكاتب»: the columnist's earlier columns, each with its date."""
    rng = story.rng
    items = []
    for _ in range(rng.randint(2, 4)):
        when = story.published - timedelta(days=rng.randint(3, 60))
        title = rng.choice(bank.OPINION_TITLES).format(
            noun=rng.choice(bank.TITLE_NOUNS["اقتصاد"]), place=rng.choice(bank.PLACES)
        )
        items.append(
            el(
                k,
                "li",
                f'<a href="{href}/{rng.randint(1000, 9999)}">{e(title)}</a> '
                + el(k, "span", e(dates.shown_date(rng, when, story.region, False))),
            )
        )
    return el(
        k, "section", el(k, "h3", "مقالات أخرى للكاتب") + f"<ul{k.cls()}>{''.join(items)}</ul>"
    )


# ruff: noqa: E501  (HTML templates read best one element per line)
