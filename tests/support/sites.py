"""Two made-up news sites for add-site and discovery tests, generated (no corpus page copied).

* `wordpress_site()`: https://www.akhbar-misr.com.eg, WordPress + Yoast: a feed advertised
  with <link rel=alternate> (plus a comments feed to ignore), a sitemap index named in
  robots.txt with post, page, category and Google News sitemaps (the news one without
  <lastmod>), date permalinks with percent-encoded Arabic slugs, category listings in the menu.
* `sitemap_only_site(origin)`: no feed, no robots Sitemap line, no menu; one /sitemap.xml whose
  article URLs come in two odd shapes (`/news.php?id=N&lang=ar`, `/Article/Details/N`), dates
  at +03:00, a .0.0.1 host with no ccTLD.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from tests.support.replay import ReplaySite

WORDS = (
    "أعلنت وزارة الخارجية اليوم عن بدء جولة جديدة من المحادثات بين الوفود المشاركة في العاصمة "
    "حيث ناقش المجتمعون ملفات التعاون الاقتصادي والتبادل التجاري وسبل تعزيز الاستقرار في المنطقة "
    "وأكد المتحدث الرسمي أن الاجتماعات ستستمر خلال الأيام المقبلة بمشاركة خبراء من عدة دول عربية "
    "وأشار إلى أن الحكومة تعمل على تطوير البنية التحتية وتحسين الخدمات المقدمة للمواطنين في المدن "
    "والأرياف على حد سواء مع التركيز على قطاعي التعليم والصحة"
).split()

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"


def _body(seed: int, words: int = 70) -> str:
    text = [WORDS[(seed * 7 + i) % len(WORDS)] for i in range(words)]
    return "".join(f"<p>{' '.join(text[i : i + 14])}.</p>\n" for i in range(0, words, 14))


def article_page(title: str, published: str, seed: int, site_name: str) -> str:
    return f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} - {site_name}</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site_name}">
<meta property="article:published_time" content="{published}">
</head><body>
<header><nav class="main-menu"><a href="/">الرئيسية</a></nav></header>
<article><h1 class="entry-title">{title}</h1>
<time class="published" datetime="{published}">{published[:10]}</time>
<div class="entry-content">
{_body(seed)}</div></article>
<footer><a href="/about-us/">من نحن</a></footer>
</body></html>"""


@dataclass(frozen=True)
class MadeSite:
    site: ReplaySite
    articles: tuple[str, ...]  # every article URL the site has
    expected: dict[str, object]  # what add-site should propose


def wordpress_site() -> MadeSite:
    origin = "https://www.akhbar-misr.com.eg"
    name = "أخبار مصر"
    site = ReplaySite("akhbar-misr")
    slugs = [
        "افتتاح-مشروع-جديد",
        "محادثات-في-القاهرة",
        "أسعار-الذهب-اليوم",
        "مباراة-الأهلي",
        "معرض-الكتاب",
        "طقس-الأسبوع",
    ]
    days = ["2024/03/01", "2024/03/02", "2024/03/03", "2024/03/04", "2024/03/05", "2024/03/06"]
    articles = [f"{origin}/{d}/{quote(s).lower()}/" for d, s in zip(days, slugs, strict=True)]
    stamps = [f"{d.replace('/', '-')}T10:00:00+02:00" for d in days]
    for i, (url, stamp) in enumerate(zip(articles, stamps, strict=True)):
        title = f"خبر رقم {i + 1}: {slugs[i].replace('-', ' ')}"
        site.add(url, article_page(title, stamp, i, name).encode())

    site.add(
        f"{origin}/robots.txt",
        f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {origin}/sitemap_index.xml\n".encode(),
        "text/plain; charset=UTF-8",
    )
    links = "".join(f'<li><a href="{u}">خبر</a></li>' for u in articles[:3])
    home = f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{name} | أخبار مصر والعالم</title>
<meta name="generator" content="WordPress 6.4.3">
<meta property="og:site_name" content="{name}">
<link rel="alternate" type="application/rss+xml" title="{name}" href="{origin}/feed/">
<link rel="alternate" type="application/rss+xml" title="تعليقات"
 href="{origin}/comments/feed/">
<link rel="stylesheet" href="{origin}/wp-content/themes/news/style.css">
</head><body>
<div class="breaking-news"><ul>{links}</ul></div>
<nav id="main-nav" class="main-menu"><ul>
<li><a href="{origin}/">الرئيسية</a></li>
<li><a href="{origin}/category/politics/">سياسة</a></li>
<li><a href="{origin}/category/economy/">اقتصاد</a></li>
<li><a href="{origin}/about-us/">من نحن</a></li>
</ul></nav>
<main>{links}<a href="{origin}/author/editor/">المحرر</a>
<a href="{origin}/tag/cairo/">القاهرة</a></main>
<footer><a href="{origin}/contact/">اتصل بنا</a></footer>
</body></html>"""
    site.add(f"{origin}/", home.encode())
    for category, members in (("politics", articles[:4]), ("economy", articles[2:])):
        page = "".join(f'<h2><a href="{u}">خبر</a></h2>' for u in members)
        site.add(
            f"{origin}/category/{category}/",
            f"<html lang='ar'><body><nav class='main-menu'></nav>{page}</body></html>".encode(),
        )
    site.add(f"{origin}/about-us/", b"<html><body><p>about</p></body></html>")

    items = "".join(
        f"<item><title>خبر</title><link>{u}</link>"
        f"<pubDate>Mon, 0{i + 1} Mar 2024 08:00:00 +0000</pubDate></item>"
        for i, u in enumerate(articles[3:])
    )
    site.add(
        f"{origin}/feed/",
        f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>{name}</title>
<atom:link href="{origin}/feed/" rel="self" type="application/rss+xml" />
<link>{origin}</link><generator>https://wordpress.org/?v=6.4.3</generator>
{items}</channel></rss>""".encode(),
        RSS,
    )
    site.add(
        f"{origin}/sitemap_index.xml",
        f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{origin}/post-sitemap.xml</loc><lastmod>2024-03-06T10:00:00+02:00</lastmod></sitemap>
<sitemap><loc>{origin}/page-sitemap.xml</loc></sitemap>
<sitemap><loc>{origin}/category-sitemap.xml</loc></sitemap>
<sitemap><loc>{origin}/news-sitemap.xml</loc></sitemap>
</sitemapindex>""".encode(),
        XML,
    )
    dated = list(zip(articles, stamps, strict=True))
    site.add(f"{origin}/post-sitemap.xml", urlset(dated[:4]), XML)
    site.add(f"{origin}/page-sitemap.xml", urlset([(f"{origin}/about-us/", None)]), XML)
    site.add(
        f"{origin}/category-sitemap.xml",
        urlset([(f"{origin}/category/politics/", None), (f"{origin}/category/economy/", None)]),
        XML,
    )
    site.add(f"{origin}/news-sitemap.xml", news_sitemap(dated, name), XML)
    return MadeSite(
        site,
        tuple(articles),
        {
            "name": "akhbar_misr",
            "domains": ("akhbar-misr.com.eg",),
            "locale": "ar-EG",
            "timezone": "Africa/Cairo",
            "feeds": (f"{origin}/feed/",),
            "sitemaps": (f"{origin}/sitemap_index.xml",),
            "listings": (f"{origin}/category/politics/", f"{origin}/category/economy/"),
            "article_patterns": (
                r"^https?://(www\.)?akhbar-misr\.com\.eg/\d+/\d+/\d+/[^/?#]+/?$",
            ),
        },
    )


def urlset(entries: list[tuple[str, str | None]]) -> bytes:
    urls = "".join(
        f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</url>"
        for loc, mod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def news_sitemap(entries: list[tuple[str, str]], publication: str) -> bytes:
    """A Google News sitemap with no <lastmod>: dates and titles only in the news: namespace."""
    urls = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>{publication}"
        f"</news:name><news:language>ar</news:language></news:publication>"
        f"<news:publication_date>{date}</news:publication_date>"
        f"<news:title>عنوان {i}</news:title></news:news></url>"
        for i, (loc, date) in enumerate(entries)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


def sitemap_only_site(origin: str) -> MadeSite:
    """Served at `origin` (e.g. http://127.0.0.1:PORT): only /sitemap.xml, odd URL shapes."""
    name = "الأنباء المحلية"
    site = ReplaySite("odd")
    shaped = [f"{origin}/news.php?id={1000 + i}&lang=ar" for i in range(3)] + [
        f"{origin}/Article/Details/{5000 + i}" for i in range(3)
    ]
    stamps = [f"2024-05-0{i + 1}T09:30:00+03:00" for i in range(len(shaped))]
    for i, (url, stamp) in enumerate(zip(shaped, stamps, strict=True)):
        site.add(url, article_page(f"نبأ محلي رقم {i + 1}", stamp, i + 3, name).encode())
    site.add(f"{origin}/robots.txt", b"User-agent: *\nDisallow: /admin/\n", "text/plain")
    site.add(
        f"{origin}/",
        f"<html lang='ar'><head><title>{name}</title></head><body>مرحبا</body></html>".encode(),
    )
    site.add(
        f"{origin}/sitemap.xml",
        urlset([(f"{origin}/", None), *zip(shaped, stamps, strict=True)]),
        XML,
    )
    port_origin = origin.replace(".", "\\.").replace("http://", "")
    return MadeSite(
        site,
        tuple(shaped),
        {
            "domains": ("127.0.0.1",),
            "locale": "ar",
            "timezone": "Etc/GMT-3",
            "feeds": (),
            "sitemaps": (f"{origin}/sitemap.xml",),
            "listings": (),
            "article_patterns": (
                f"^https?://{port_origin}/news\\.php\\?id=\\d+&lang=ar$",
                f"^https?://{port_origin}/Article/Details/\\d+/?$",
            ),
        },
    )
