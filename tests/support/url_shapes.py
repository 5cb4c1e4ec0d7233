"""Made-up news sites whose article URLs come in several shapes, for add-site's pattern checks.

Each site is built the way its CMS family builds URLs (nothing copied from a real site): a
home page with a menu, article cards (section, author and tag links) and a footer; section
listings with pagination; articles linking to their author, tags and related stories; author,
tag and static pages; the feeds and sitemaps that CMS would have. Some articles are in no feed
or sitemap (only listings reach them), so a pattern fitted to the listed URLs alone is caught;
`listed_every=n` lists only every n-th story, leaving whole sections out of the feed.

`ShapedSite.linked_urls()` is every URL the site links to (links of every page, sitemap and feed
entries): the article URLs plus everything a proposal must not match.

* `nextjs_site`: articles at /<section>/<slug> and columns at /<slug>; feed only in the home
  page's <head>; no sitemap. Authors /authors/<name> and tags /tags/<tag> are linked only from
  the articles; /about-us, /privacy-policy, ... from the footer.
* `drupal_site`: /node/<nid> and pathauto aliases /articles/<section>/<slug>, sub-section pages
  /articles/<section>/<sub> of the same shape; no feed; a sitemap index named only in robots.txt
  with article, page, taxonomy and user sitemaps.
* `wordpress_site`: date permalinks /Y/m/d/<slug>/ and shortlinks /?p=<id>; date archives,
  /?page_id=, /category/, /tag/, /author/.
* `aspnet_site`: /News/Details.aspx?id=<n> and /Opinion/Details.aspx?id=<n>; writers'
  profiles /Writers/Details.aspx?id=<n> and galleries /Photos/Details.aspx?id=<n> of the same
  shape; a plain /sitemap.xml that lists section pages too.
* `uuid_site`: /<section>/<uuid>; authors /authors/<uuid>; a feed at /rss.xml nobody names.
* `arabic_slug_site`: Arabic sections and slugs, /<قسم>/<slug>, raw Arabic in the HTML and
  lower-case percent escapes in the sitemap; sub-sections /<قسم>/<sub> of the same shape.
* `section_slug_site`: articles /<section>/<slug>; section pages /section/<name>, topics
  /topic/<name>, writers /writer/<name>: every non-article page two segments deep.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urljoin, urlsplit

from scrapy import Selector

from crawler.urls import canonicalize_url
from tests.support.replay import ReplaySite
from tests.support.sites import RSS, WORDS, XML, urlset

LATIN = (
    "cabinet approves new budget for the coming fiscal year after long debate minister says "
    "talks with neighbours will resume next week prices of fuel rise again in local markets "
    "national team wins friendly match festival opens in the old city with record attendance "
    "parliament discusses water law farmers protest drought"
).split()
AR_SECTIONS = ("أخبار", "اقتصاد", "رياضة", "رأي")


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass
class Story:
    url: str
    title: str
    section: Link
    author: Link
    tags: tuple[Link, ...]
    published: str
    listed: bool = True  # in the feed/sitemap; else only listings and related links reach it


@dataclass
class ShapedSite:
    name: str
    origin: str
    site: ReplaySite
    articles: tuple[str, ...]  # every article URL, as the site writes it

    @property
    def start_url(self) -> str:
        return self.origin + "/"

    def linked_urls(self) -> set[str]:
        """Every URL of the site that a page links to or a sitemap/feed lists (canonical)."""
        host = urlsplit(self.origin).hostname
        found: set[str] = set()
        for url in self.site.urls:
            resource = self.site.get(url)
            assert resource is not None
            body = resource.read()
            if "html" in resource.content_type:
                hrefs = Selector(text=body.decode("utf-8")).css("a::attr(href)").getall()
            elif "xml" in resource.content_type:
                selector = Selector(body=body, type="xml")
                selector.remove_namespaces()
                hrefs = selector.xpath("//loc/text() | //item/link/text()").getall()
            else:
                continue
            for href in hrefs:
                absolute = urljoin(url, href.strip())
                if urlsplit(absolute).hostname == host:
                    found.add(canonicalize_url(absolute))
        return found

    def non_articles(self) -> set[str]:
        return self.linked_urls() - {canonicalize_url(u) for u in self.articles}


def latin_slug(i: int, words: int) -> str:
    return "-".join(LATIN[(i * 5 + k * 3) % len(LATIN)] for k in range(words))


def arabic_slug(i: int, words: int) -> str:
    return "-".join(WORDS[(i * 7 + k * 2) % len(WORDS)] for k in range(words))


def arabic_title(i: int) -> str:
    return " ".join(WORDS[(i * 11 + k) % len(WORDS)] for k in range(7))


def _body(seed: int) -> str:
    text = [WORDS[(seed * 13 + i) % len(WORDS)] for i in range(90)]
    return "".join(f"<p>{' '.join(text[i : i + 15])}.</p>\n" for i in range(0, 90, 15))


class SiteBuilder:
    """Pages of one made-up site, written as its CMS would, from the URLs given to it."""

    def __init__(
        self, name: str, origin: str, display: str, lang: str = "ar", listed_every: int = 1
    ) -> None:
        self.name, self.origin, self.display, self.lang = name, origin, display, lang
        self.listed_every = listed_every  # only every n-th story in the feed/sitemaps
        self.site = ReplaySite(name)
        self.menu: list[Link] = []
        self.footer: list[Link] = []
        self.stories: list[Story] = []
        self.head_extra = ""
        self.card_links = True  # cards link their section, author and tags, not only the story
        self.pagination: Callable[[str, int], str] = lambda url, n: f"{url}?page={n}"
        self.pages: dict[str, str] = {}  # url → title of static pages
        self.listing_of: dict[str, list[Story]] = {}
        self.sub_listings: dict[str, str] = {}  # sub-section url → its section's url
        self.authors: dict[str, list[Story]] = {}
        self.tags: dict[str, list[Story]] = {}

    def url(self, path: str) -> str:
        return self.origin + path

    # pages --------------------------------------------------------------------------------

    def _page(self, title: str, main: str, head: str = "") -> bytes:
        menu = "".join(f'<li><a href="{escape(m.url)}">{m.text}</a></li>' for m in self.menu)
        foot = "".join(f'<a href="{escape(f.url)}">{f.text}</a> ' for f in self.footer)
        return f"""<!doctype html>
<html lang="{self.lang}" dir="rtl"><head><meta charset="utf-8">
<title>{title}</title>{head}
</head><body>
<header class="site-header"><a class="logo" href="{self.origin}/">{self.display}</a>
<nav class="main-menu"><ul><li><a href="{self.origin}/">الرئيسية</a></li>{menu}</ul></nav>
</header>
<main>{main}</main>
<footer class="site-footer">{foot}</footer>
</body></html>""".encode()

    def _card(self, story: Story) -> str:
        title = f'<h3><a href="{escape(story.url)}">{story.title}</a></h3>'
        if not self.card_links:
            return f'<div class="card">{title}</div>'
        tags = " ".join(f'<a class="tag" href="{escape(t.url)}">{t.text}</a>' for t in story.tags)
        return (
            f'<div class="card"><a class="cat" href="{escape(story.section.url)}">'
            f"{story.section.text}</a>{title}"
            f'<a class="by" href="{escape(story.author.url)}">{story.author.text}</a> {tags}</div>'
        )

    def _article(self, i: int, story: Story) -> bytes:
        related = [s for s in self.stories if s is not story][i % 3 :: 7][:2]
        tags = " ".join(f'<a rel="tag" href="{escape(t.url)}">{t.text}</a>' for t in story.tags)
        main = f"""<div class="breadcrumb"><a href="{self.origin}/">الرئيسية</a> ›
<a href="{escape(story.section.url)}">{story.section.text}</a></div>
<article><h1>{story.title}</h1>
<div class="byline">بقلم <a href="{escape(story.author.url)}">{story.author.text}</a>
<time datetime="{story.published}">{story.published[:10]}</time></div>
<div class="article-body">{_body(i)}</div>
<div class="tags">{tags}</div></article>
<aside class="related">{"".join(f'<a href="{escape(r.url)}">{r.title}</a>' for r in related)}
</aside>"""
        head = f"""
<meta property="og:type" content="article"><meta property="og:title" content="{story.title}">
<meta property="og:site_name" content="{self.display}">
<meta property="article:published_time" content="{story.published}">"""
        return self._page(f"{story.title} | {self.display}", main, head)

    def _listing(self, title: str, stories: list[Story], url: str, per_page: int = 6) -> None:
        pages = [stories[i : i + per_page] for i in range(0, len(stories), per_page)] or [[]]
        for n, chunk in enumerate(pages, 1):
            page_url = url if n == 1 else self.pagination(url, n)
            nav = ""
            if n < len(pages):
                following = escape(self.pagination(url, n + 1))
                nav = f'<a class="next" rel="next" href="{following}">التالي</a>'
            body = f"<h1>{title}</h1>" + "".join(self._card(s) for s in chunk) + nav
            self.site.add(page_url, self._page(title, body))

    # building -----------------------------------------------------------------------------

    def story(
        self, url: str, section: Link, author: Link, tags: tuple[Link, ...], *, listed: bool = True
    ) -> Story:
        n = len(self.stories)
        listed = listed and n % self.listed_every == 0
        day = 28 - n % 27
        published = f"2024-05-{day:02d}T{8 + n % 10:02d}:30:00+03:00"
        story = Story(url, arabic_title(n), section, author, tags, published, listed)
        self.stories.append(story)
        self.listing_of.setdefault(section.url, []).append(story)
        self.authors.setdefault(author.url, []).append(story)
        for tag in tags:
            self.tags.setdefault(tag.url, []).append(story)
        return story

    def build(
        self,
        *,
        feed: str | None = None,
        feed_in_head: bool = True,
        robots: str = "User-agent: *\nDisallow: /admin/\n",
        sitemaps: dict[str, bytes] | None = None,
        home_cards: int = 10,
    ) -> ShapedSite:
        listed = [s for s in self.stories if s.listed]
        head = ""
        if feed and feed_in_head:
            head = f'<link rel="alternate" type="application/rss+xml" href="{feed}">'
        cards = "".join(self._card(s) for s in self.stories[:home_cards])
        self.site.add(self.url("/"), self._page(self.display, cards, head + self.head_extra))
        for i, story in enumerate(self.stories):
            self.site.add(story.url, self._article(i, story))
        for url, stories in self.listing_of.items():
            section = next(s.section.text for s in stories)
            self._listing(section, stories, url)
        for url, parent in self.sub_listings.items():
            self._listing(url.rsplit("/", 1)[-1], self.listing_of[parent][::2], url)
        for url, stories in {**self.authors, **self.tags}.items():
            self._listing("أرشيف", stories, url, per_page=50)
        for url, title in self.pages.items():
            self.site.add(url, self._page(title, f"<h1>{title}</h1><p>صفحة ثابتة</p>"))
        self.site.add(self.url("/robots.txt"), robots.encode(), "text/plain")
        if feed:
            items = "".join(
                f"<item><title>{s.title}</title><link>{escape(s.url)}</link>"
                f"<pubDate>{s.published}</pubDate></item>"
                for s in listed[:14]
            )
            self.site.add(
                feed,
                f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{self.display}</title><link>{self.origin}/</link>{items}"
                "</channel></rss>".encode(),
                RSS,
            )
        for url, body in (sitemaps or {}).items():
            self.site.add(url, body, XML)
        return ShapedSite(self.name, self.origin, self.site, tuple(s.url for s in self.stories))

    def sitemap_of(self, stories: list[Story], encode: Callable[[str], str] = str) -> bytes:
        return urlset([(encode(s.url), s.published) for s in stories])


def sitemap_index(children: list[str]) -> bytes:
    inner = "".join(f"<sitemap><loc>{escape(c)}</loc></sitemap>" for c in children)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</sitemapindex>'
    ).encode()


def _people(builder: SiteBuilder, url: Callable[[int, str], str], count: int = 6) -> list[Link]:
    names = [
        ("سامر الخطيب", "samer-al-khatib"),
        ("ريم علي", "reem-ali"),
        ("محمد أحمد", "mohammad-ahmad"),
        ("هالة منصور", "hala-mansour"),
        ("عمر عبد الله الحسن", "omar-abdullah-al-hassan"),
        ("لينا يوسف", "lina-youssef"),
        ("فريق التحرير", "editorial-team"),
    ]
    return [Link(url(i, slug), name) for i, (name, slug) in enumerate(names[:count])]


def _tag_names() -> list[tuple[str, str]]:
    return [
        ("الانتخابات", "elections"),
        ("المياه", "water"),
        ("كرة القدم", "football"),
        ("أسعار الوقود", "fuel-prices"),
        ("الموازنة العامة", "state-budget"),
        ("محادثات السلام", "peace-talks"),
        ("التعليم", "education"),
        ("الشرق الأوسط وشمال أفريقيا", "middle-east-north-africa"),
    ]


def nextjs_site(listed_every: int = 1) -> ShapedSite:
    """A Next.js front end: /<section>/<slug>, columns at /<slug>, feed only in <head>."""
    b = SiteBuilder(
        "nextjs",
        "https://www.almirsad-news.com",
        "المرصاد",
        lang="ar-JO",
        listed_every=listed_every,
    )
    b.head_extra = '<script id="__NEXT_DATA__" type="application/json">{"page":"/"}</script>'
    b.card_links = False  # authors and tags are linked only from the articles
    sections = {s: Link(b.url(f"/{s}"), s) for s in ("politics", "economy", "sport", "culture")}
    opinion = Link(b.url("/opinion"), "رأي")
    authors = _people(b, lambda i, slug: b.url(f"/authors/{slug}"))
    tags = [Link(b.url(f"/tags/{slug}"), name) for name, slug in _tag_names()]
    b.menu = [
        *sections.values(),
        opinion,
        Link(b.url("/authors"), "الكتّاب"),
        Link(b.url("/videos"), "فيديو"),
        Link(b.url("/podcasts"), "بودكاست"),
    ]
    b.footer = [
        Link(b.url(p), p)
        for p in (
            "/about-us",
            "/contact-us",
            "/privacy-policy",
            "/terms-and-conditions",
            "/advertise-with-us",
            "/newsletter",
        )
    ]
    b.pages = {f.url: f.text for f in b.footer}
    b.pages.update({b.url(p): p for p in ("/authors", "/videos", "/podcasts")})
    names = list(sections)
    for i in range(16):
        section = sections[names[i % 4]]
        b.story(
            b.url(f"/{section.text}/{latin_slug(i, 4 + i % 5)}"),
            section,
            authors[i % 5],
            (tags[i % 8], tags[(i + 3) % 8]),
            listed=i < 12,
        )
    for i in range(16, 22):
        b.story(
            b.url(f"/{latin_slug(i, 5 + i % 4)}"),
            opinion,
            authors[i % 6],
            (tags[i % 8],),
            listed=i < 20,
        )
    return b.build(feed=b.url("/feed.xml"))


def drupal_site(listed_every: int = 1) -> ShapedSite:
    """Drupal 10: /node/<nid> and aliases /articles/<section>/<slug>; sitemap index in robots."""
    b = SiteBuilder("drupal", "https://www.sawt-alwadi.ps", "صوت الوادي", listed_every=listed_every)
    b.head_extra = '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">'
    b.pagination = lambda url, n: f"{url}?page={n - 1}"
    sections = {s: Link(b.url(f"/articles/{s}"), s) for s in ("local", "world", "economy")}
    subs = [
        Link(b.url(f"/articles/{p}"), p)
        for p in ("world/europe", "world/arab-countries", "local/west-bank-cities", "economy/oil")
    ]
    authors = _people(b, lambda i, slug: b.url(f"/user/{i + 11}"))
    tags = [
        Link(b.url(f"/taxonomy/term/{40 + i}"), name) for i, (name, _) in enumerate(_tag_names())
    ]
    b.menu = [*sections.values(), *subs]
    b.sub_listings = {sub.url: b.url("/articles/" + sub.text.split("/")[0]) for sub in subs}
    b.footer = [Link(b.url(p), p) for p in ("/about", "/contact", "/privacy-policy")]
    b.pages = {f.url: f.text for f in b.footer}
    names = list(sections)
    for i in range(12):
        section = sections[names[i % 3]]
        b.story(
            b.url(f"/articles/{names[i % 3]}/{latin_slug(i, 4 + i % 4)}"),
            section,
            authors[i % 6],
            (tags[i % 8],),
            listed=i < 10,
        )
    for i in range(12, 18):
        b.story(
            b.url(f"/node/{2300 + i * 7}"),
            sections[names[i % 3]],
            authors[i % 6],
            (tags[i % 8],),
            listed=i < 17,
        )
    listed = [s for s in b.stories if s.listed]
    index = b.url("/sitemaps/index.xml")
    children = {
        b.url("/sitemaps/node-article.xml"): b.sitemap_of(listed),
        b.url("/sitemaps/node-page.xml"): urlset([(u, None) for u in b.pages]),
        b.url("/sitemaps/taxonomy-term.xml"): urlset(
            [(t.url, None) for t in tags] + [(s.url, None) for s in subs]
        ),
        b.url("/sitemaps/user.xml"): urlset([(a.url, None) for a in authors]),
    }
    return b.build(
        robots=f"User-agent: *\nDisallow: /admin/\nSitemap: {index}\n",
        sitemaps={index: sitemap_index(list(children)), **children},
    )


def wordpress_site(listed_every: int = 1) -> ShapedSite:
    """WordPress: date permalinks for new posts, /?p=<id> for imported ones, Yoast sitemaps."""
    b = SiteBuilder(
        "wpdates",
        "https://www.akhbar-alsahel.com",
        "أخبار الساحل",
        lang="ar-YE",
        listed_every=listed_every,
    )
    b.head_extra = '<meta name="generator" content="WordPress 6.5.2">'
    b.pagination = lambda url, n: f"{url}page/{n}/"
    sections = {s: Link(b.url(f"/category/{s}/"), s) for s in ("local", "gulf", "sport")}
    authors = _people(b, lambda i, slug: b.url(f"/author/{slug}/"))
    tags = [Link(b.url(f"/tag/{slug}/"), name) for name, slug in _tag_names()]
    b.menu = [
        *sections.values(),
        Link(b.url("/?page_id=2"), "من نحن"),
        Link(b.url("/2024/05/"), "أرشيف مايو"),
        Link(b.url("/2024/"), "أرشيف 2024"),
    ]
    b.footer = [
        Link(b.url("/contact/"), "اتصل بنا"),
        Link(b.url("/2024/05/03/"), "3 مايو"),
        Link(b.url("/page/2/"), "الأقدم"),
    ]
    b.pages = {b.url("/?page_id=2"): "من نحن", b.url("/contact/"): "اتصل بنا"}
    for extra in ("/2024/05/", "/2024/", "/2024/05/03/", "/page/2/"):
        b.pages[b.url(extra)] = "أرشيف"
    names = list(sections)
    for i in range(12):
        day = 28 - i
        b.story(
            b.url(f"/2024/05/{day:02d}/{quote(arabic_slug(i, 4 + i % 4)).lower()}/"),
            sections[names[i % 3]],
            authors[i % 6],
            (tags[i % 8],),
            listed=i < 10,
        )
    for i in range(12, 18):
        b.story(
            b.url(f"/?p={4100 + i * 13}"),
            sections[names[i % 3]],
            authors[i % 6],
            (tags[i % 8],),
            listed=i < 17,
        )
    listed = [s for s in b.stories if s.listed]
    index = b.url("/sitemap_index.xml")
    children = {
        b.url("/post-sitemap.xml"): b.sitemap_of([s for s in listed if "?p=" not in s.url]),
        b.url("/page-sitemap.xml"): urlset(
            [(b.url("/?page_id=2"), None), (b.url("/contact/"), None)]
        ),
        b.url("/category-sitemap.xml"): urlset([(s.url, None) for s in sections.values()]),
        b.url("/post_tag-sitemap.xml"): urlset([(t.url, None) for t in tags]),
    }
    b.stories.sort(key=lambda s: s.published, reverse=True)
    return b.build(
        feed=b.url("/feed/"),
        robots=f"User-agent: *\nDisallow: /wp-admin/\nSitemap: {index}\n",
        sitemaps={index: sitemap_index(list(children)), **children},
    )


def aspnet_site(listed_every: int = 1) -> ShapedSite:
    """ASP.NET Web Forms: Details.aspx?id= for news, opinion, writers and galleries alike."""
    b = SiteBuilder(
        "aspnet", "https://www.alkhaleej-today.ae", "الخليج اليوم", listed_every=listed_every
    )
    b.pagination = lambda url, n: f"{url}&page={n}"
    sections = {
        "News": Link(b.url("/News/List.aspx?cat=1"), "أخبار"),
        "Opinion": Link(b.url("/Opinion/List.aspx?cat=7"), "رأي"),
    }
    authors = _people(b, lambda i, slug: b.url(f"/Writers/Details.aspx?id={i + 3}"))
    galleries = [Link(b.url(f"/Photos/Details.aspx?id={900 + i}"), "صور") for i in range(3)]
    tags = [Link(b.url(f"/Tags/List.aspx?tag={slug}"), name) for name, slug in _tag_names()[:4]]
    b.menu = [*sections.values(), Link(b.url("/Photos/List.aspx"), "صور"), *galleries[:1]]
    b.footer = [Link(b.url(p), p) for p in ("/Pages/About.aspx", "/Pages/Contact.aspx")]
    b.pages = {f.url: f.text for f in b.footer}
    b.pages.update({g.url: "معرض صور" for g in galleries})
    for i in range(14):
        folder = "News" if i % 3 else "Opinion"
        b.story(
            b.url(f"/{folder}/Details.aspx?id={51200 + i * 17}"),
            sections[folder],
            authors[i % 6],
            (tags[i % 4],),
            listed=i < 11,
        )
    listed = [s for s in b.stories if s.listed]
    sitemap = urlset(
        [(b.url("/"), None)]
        + [(s.url, None) for s in sections.values()]
        + [(s.url, s.published) for s in listed]
        + [(f.url, None) for f in b.footer]
    )
    made = b.build(feed=b.url("/Rss/Feed.aspx"), sitemaps={b.url("/sitemap.xml"): sitemap})
    gallery_list = "".join(f'<a href="{escape(g.url)}">{g.text}</a>' for g in galleries)
    made.site.add(b.url("/Photos/List.aspx"), b._page("صور", gallery_list))
    return made


def uuid_site(listed_every: int = 1) -> ShapedSite:
    """A headless CMS: /<section>/<uuid> articles, /authors/<uuid>; /rss.xml named nowhere."""
    b = SiteBuilder(
        "uuid", "https://www.nabd-alsharq.com", "نبض الشرق", lang="ar-LB", listed_every=listed_every
    )
    sections = {s: Link(b.url(f"/{s}"), s) for s in ("lebanon", "region", "business")}
    authors = _people(b, lambda i, slug: b.url(f"/authors/{uuid.uuid5(uuid.NAMESPACE_URL, slug)}"))
    tags = [Link(b.url(f"/topics/{slug}"), name) for name, slug in _tag_names()]
    b.menu = [
        *sections.values(),
        Link(b.url("/region/syria"), "سوريا"),
        Link(b.url("/region/gulf"), "الخليج"),
    ]
    b.footer = [Link(b.url(p), p) for p in ("/about", "/privacy", "/careers")]
    b.pages = {f.url: f.text for f in b.footer}
    b.pages.update({m.url: m.text for m in b.menu[3:]})
    names = list(sections)
    for i in range(15):
        b.story(
            b.url(f"/{names[i % 3]}/{uuid.uuid5(uuid.NAMESPACE_DNS, f'story-{i}')}"),
            sections[names[i % 3]],
            authors[i % 6],
            (tags[i % 8], tags[(i + 1) % 8]),
            listed=i < 12,
        )
    return b.build(feed=b.url("/rss.xml"), feed_in_head=False)


def arabic_slug_site(listed_every: int = 1) -> ShapedSite:
    """Arabic sections and slugs; raw Arabic in links, lower-case escapes in the sitemap."""
    b = SiteBuilder(
        "arabicslug",
        "https://www.sada-alnas.net",
        "صدى الناس",
        lang="ar-IQ",
        listed_every=listed_every,
    )
    sections = {s: Link(b.url(f"/{s}"), s) for s in AR_SECTIONS}
    subs = [
        Link(b.url(f"/{p}"), p) for p in ("أخبار/محليات", "أخبار/عربي-ودولي", "اقتصاد/أسواق-المال")
    ]
    authors = _people(b, lambda i, slug: b.url(f"/كتاب/{slug}"))
    tags = [Link(b.url(f"/وسم/{name.replace(' ', '-')}"), name) for name, _ in _tag_names()]
    b.menu = [*sections.values(), *subs]
    b.sub_listings = {sub.url: b.url("/" + sub.text.split("/")[0]) for sub in subs}
    b.footer = [Link(b.url(p), p) for p in ("/من-نحن", "/اتصل-بنا", "/سياسة-الخصوصية")]
    b.pages = {f.url: f.text for f in b.footer}
    names = list(sections)
    for i in range(16):
        b.story(
            b.url(f"/{names[i % 4]}/{arabic_slug(i, 4 + i % 5)}"),
            sections[names[i % 4]],
            authors[i % 6],
            (tags[i % 8],),
            listed=i < 13,
        )
    listed = [s for s in b.stories if s.listed]

    def lower(url: str) -> str:  # Yoast writes lower-case escapes
        return quote(url, safe=":/?=&").lower()

    index = b.url("/sitemap_index.xml")
    children = {
        b.url("/post-sitemap.xml"): b.sitemap_of(listed, lower),
        b.url("/category-sitemap.xml"): urlset(
            [(lower(s.url), None) for s in [*sections.values(), *subs]]
        ),
    }
    return b.build(sitemaps={index: sitemap_index(list(children)), **children})


def section_slug_site(listed_every: int = 1) -> ShapedSite:
    """Every page two segments deep: /<section>/<slug> articles, /section/<name> sections."""
    b = SiteBuilder(
        "sectionslug",
        "https://www.alwasat-today.com",
        "الوسط اليوم",
        lang="ar-LY",
        listed_every=listed_every,
    )
    names = ("local-news", "arab-world", "economy", "sport")
    sections = {s: Link(b.url(f"/section/{s}"), s) for s in names}
    authors = _people(b, lambda i, slug: b.url(f"/writer/{slug}"))
    tags = [Link(b.url(f"/topic/{slug}"), name) for name, slug in _tag_names()]
    b.menu = [*sections.values(), Link(b.url("/section/videos"), "فيديو")]
    b.footer = [Link(b.url(p), p) for p in ("/page/about-us", "/page/contact-us", "/page/privacy")]
    b.pages = {f.url: f.text for f in b.footer}
    b.pages[b.url("/section/videos")] = "فيديو"
    for i in range(16):
        name = names[i % 4]
        b.story(
            b.url(f"/{name}/{latin_slug(i, 4 + i % 5)}"),
            sections[name],
            authors[i % 6],
            (tags[i % 8], tags[(i + 5) % 8]),
            listed=i < 12,
        )
    return b.build(feed=b.url("/rss"), feed_in_head=False)


SHAPED_SITES: dict[str, Callable[..., ShapedSite]] = {
    "nextjs": nextjs_site,
    "drupal": drupal_site,
    "wordpress-dates": wordpress_site,
    "aspnet": aspnet_site,
    "uuid": uuid_site,
    "arabic-slugs": arabic_slug_site,
    "section-slugs": section_slug_site,
}


@dataclass(frozen=True)
class Counted:
    """How a set of article patterns fares on a generated site."""

    articles: int
    non_articles: int
    missed: tuple[str, ...]  # article URLs no pattern matches
    wrongly_matched: tuple[str, ...]  # non-article URLs some pattern matches

    @property
    def articles_matched(self) -> int:
        return self.articles - len(self.missed)


def count_matches(made: ShapedSite, patterns: Iterable[str]) -> Counted:
    """Match as the spider does: the link as given, else its canonical form."""
    compiled = [re.compile(p) for p in patterns]

    def matches(url: str) -> bool:
        return any(p.search(url) or p.search(canonicalize_url(url)) for p in compiled)

    articles = sorted({canonicalize_url(u) for u in made.articles})
    others = sorted(made.non_articles())
    return Counted(
        len(articles),
        len(others),
        tuple(u for u in articles if not matches(u)),
        tuple(u for u in others if matches(u)),
    )
