"""What Scrapy's `Sitemap` drops: the Google News fields of a news sitemap.

`scrapy.utils.sitemap.Sitemap` keeps only the children in the sitemap namespace, so a news
sitemap's `<news:publication_date>` and `<news:title>` never reach the spider. A news sitemap
often has no `<lastmod>` at all; without its publication date it gives neither `since`
filtering nor change detection. This reads them with the same safe lxml settings Scrapy uses
(no entity expansion, no network, bounded trees).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class NewsEntry:
    """The Google News part of one `<url>`: its publication date (W3C text) and title."""

    publication_date: str | None
    title: str | None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False)


def news_entries(body: bytes) -> dict[str, NewsEntry]:
    """`<loc>` → its Google News fields, for every `<url>` of `body` that has a `<news:news>`.

    Empty for anything that is not a news sitemap (a plain urlset, an index, broken XML).
    """
    if NEWS_NS.encode() not in body[:8192]:
        return {}
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}
    out: dict[str, NewsEntry] = {}
    for url in root.iterchildren("{*}url"):
        loc = (url.findtext("{*}loc") or "").strip()
        news = url.find(f"{{{NEWS_NS}}}news")
        if not loc or news is None:
            continue
        published = (news.findtext(f"{{{NEWS_NS}}}publication_date") or "").strip()
        title = (news.findtext(f"{{{NEWS_NS}}}title") or "").strip()
        out[loc] = NewsEntry(published or None, title or None)
    return out
