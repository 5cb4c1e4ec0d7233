"""Author and section traps on otherwise ordinary in-house portal pages.

author_traps, one per page:
- "organization": no byline shown; JSON-LD author of @type Organization (the site, «فريق
  التحرير», «قسم الأخبار»), as Yoast and most news plugins write it for staff copy → no author;
- "site_latin": no byline; JSON-LD author a Person whose name is the site's own name in Latin
  letters («Al-Marsad», «ALMARSAD», «almarsad.net»), the domain spelling the same → no author;
- "dateline_name": the byline is a dateline then the name, as Yemeni and Egyptian papers print
  it («المكلا - سالم باعباد», «عدن: …», «صنعاء/ …»), sometimes copied whole into JSON-LD
  → the name alone;
- "label_name": a label the first round did not use («تقرير: », «كتب - », «الكاتب الصحفي: »,
  «إعداد وتحرير: », «حوار: ») → the name alone;
- "organization_and_person": JSON-LD says Organization, the page shows a person → the person.
section_traps: the breadcrumb's middle crumb is a generic word («الأخبار», «أخبار», «الرئيسية»
after the site's name, «News» in an English breadcrumb, «آخر الأخبار»), sometimes mirrored in a
JSON-LD BreadcrumbList, while the specific category is shown above the title, declared in
article:section / articleSection, or is the crumb after the generic one → the specific one.
"""

from __future__ import annotations

from . import common, pagekit
from .kit import Namer, e, el, link
from .story import Story

SITE_LATIN = {
    "صوت الشام": "Sawt Al-Sham",
    "المرصد": "Al-Marsad",
    "النهار الجديد": "Ennahar Jadid",
    "الحدث اليوم": "Alhadath Today",
    "بوابة الخبر": "Bawabat Alkhabar",
    "الأنباء": "Al Anba",
    "الوطن العربي": "Alwatan Alarabi",
    "شمس الأخبار": "Shams News",
    "المغرب الآن": "Almaghrib Alan",
    "الخليج اليوم": "Alkhaleej Today",
    "الرافدين نيوز": "Alrafidain News",
    "أخبار النيل": "Akhbar Elnil",
    "الجزائر الجديدة": "Aljazair Jadida",
    "البلد": "Elbalad",
    "عين الحدث": "Ain Alhadath",
}
DATELINE_PLACES = (
    "المكلا",
    "عدن",
    "صنعاء",
    "تعز",
    "سيئون",
    "الحديدة",
    "مأرب",
    "القاهرة",
    "الرباط",
    "بيروت",
)
NEW_LABELS = (
    "تقرير: ",
    "كتب - ",
    "كتبت - ",
    "الكاتب الصحفي: ",
    "إعداد وتحرير: ",
    "حوار: ",
    "بقلم الكاتب: ",
)
GENERIC_CRUMBS = ("الأخبار", "أخبار", "الاخبار", "اخبار", "آخر الأخبار")


def _latin_host(story: Story) -> str:
    latin = SITE_LATIN[story.site_name]
    slug = latin.lower().replace(" ", "").replace("-", "")
    old, story.host = story.host, f"www.{slug}.net"
    story.url = story.url.replace(old, story.host)
    return latin


def _ld(story: Story, author: object) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "publisher": pagekit.publisher(story),
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
    }
    if author is not None:
        data["author"] = author
    if story.date_mode in ("declared", "relative") or story.rng.random() < 0.5:
        data["datePublished"] = story.date_machine()
    section = pagekit.declared_section(story)
    if section:
        data["articleSection"] = section
    return pagekit.ld(story, data)


def author_traps(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    pagekit.strip_dateline(story)
    if story.date_mode == "body_end":
        story.date_mode = "header"
    trap = rng.choice(
        ("organization", "site_latin", "dateline_name", "label_name", "organization_and_person")
    )
    author: object = None
    byline = ""
    gold: str | None = None
    if trap == "organization":
        name = rng.choice(
            (story.site_name, "فريق التحرير", "قسم الأخبار", f"{story.site_name} - القسم الإخباري")
        )
        author = {"@type": "Organization", "name": name}
    elif trap == "site_latin":
        latin = _latin_host(story)
        name = rng.choice(
            (latin, latin.upper(), story.host.removeprefix("www."), latin.replace("-", " "))
        )
        author = (
            [{"@type": "Person", "name": name}]
            if rng.random() < 0.5
            else {"@type": "Person", "name": name}
        )
        if rng.random() < 0.5:
            story.site_name = latin  # og:site_name in Latin letters too
    elif trap == "dateline_name":
        place = rng.choice(DATELINE_PLACES)
        shown = rng.choice(("{p} - {n}", "{p}: {n}", "{p}/ {n}", "{p} – {n}")).format(
            p=place, n=story.person
        )
        byline = el(k, rng.choice(("span", "div", "p")), e(shown))
        author = {"@type": "Person", "name": shown if rng.random() < 0.3 else story.person}
        gold = story.person
    elif trap == "label_name":
        label = rng.choice(NEW_LABELS)
        byline = el(
            k,
            "div",
            e(label)
            + (
                link(k, story, story.person, f"/author/{rng.randint(1, 300)}")
                if rng.random() < 0.5
                else e(story.person)
            ),
        )
        gold = story.person
    else:
        byline = el(k, "span", link(k, story, story.person, f"/author/{rng.randint(1, 300)}"))
        author = {"@type": "Organization", "name": story.site_name}
        gold = story.person
    story.byline_mode = trap
    story.gold_fixed["author"] = gold
    meta = [pagekit.og(story), _ld(story, author)]
    if trap == "site_latin" and rng.random() < 0.5:
        meta.append(
            f'<meta name="author" content="{e(SITE_LATIN.get(story.site_name, story.site_name))}">'
        )
    page = pagekit.news_page(k, story, byline=byline, date=common.date(k, story))
    return pagekit.document(story, "\n".join(meta), page), "utf-8"


def _crumbs(k: Namer, story: Story, names: list[str]) -> str:
    sep = story.rng.choice((" » ", " / ", " > ", " › "))
    items = [link(k, story, n, "/" if i == 0 else None) for i, n in enumerate(names)]
    items.append(el(k, "span", e(story.rng.choice((story.title, "تفاصيل الخبر")))))
    return el(k, story.rng.choice(("nav", "div", "ol")), sep.join(items))


def section_traps(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    if story.section_mode == "sub_shown":  # the sub-section is the specific one
        story.section_mode = "above_title"
    trap = rng.choice(
        (
            "generic_then_shown",
            "generic_then_declared",
            "generic_then_specific",
            "site_home",
            "english",
        )
    )
    specific = story.section
    if trap == "site_home":
        names = [story.site_name, "الرئيسية"]
    elif trap == "english":
        names = ["Home", "News"]
    else:
        names = ["الرئيسية", rng.choice(GENERIC_CRUMBS)]
    if trap == "generic_then_specific":
        names.append(specific)
    shown_above = trap == "generic_then_shown" or (
        trap in ("site_home", "english") and rng.random() < 0.5
    )
    declared = (not shown_above and trap != "generic_then_specific") or rng.random() < 0.3
    story.section_mode = trap
    story.gold_fixed["section"] = specific
    section_html = el(k, "div", link(k, story, specific)) if shown_above else ""
    meta = [pagekit.og(story)]
    if declared:
        if rng.random() < 0.5:
            meta.append(f'<meta property="article:section" content="{e(specific)}">')
        else:
            meta.append(
                pagekit.ld(
                    story,
                    {
                        "@context": "https://schema.org",
                        "@type": "NewsArticle",
                        "headline": story.title,
                        "articleSection": specific,
                        "publisher": pagekit.publisher(story),
                    },
                )
            )
    if rng.random() < 0.5:
        items = [
            {"@type": "ListItem", "position": i + 1, "name": n, "item": f"https://{story.host}/{i}"}
            for i, n in enumerate(names)
        ]
        meta.append(
            pagekit.ld(
                story,
                {
                    "@context": "https://schema.org",
                    "@type": "BreadcrumbList",
                    "itemListElement": items,
                },
            )
        )
    if story.byline_mode == "declared":
        meta.append(f'<meta name="author" content="{e(story.person)}">')
    meta.append(pagekit.head_dates(story))
    page = pagekit.news_page(
        k,
        story,
        byline=common.byline(k, story),
        date=common.date(k, story),
        crumb=_crumbs(k, story, names),
        section=section_html,
    )
    return pagekit.document(story, "\n".join(m for m in meta if m), page), "utf-8"
