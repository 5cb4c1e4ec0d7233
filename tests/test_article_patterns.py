"""add-site's article URL patterns: fitted to what article URLs share, checked against the
URLs known not to be articles (crawler.article_patterns), on tables and on generated sites.

The generated sites (tests/support/url_shapes.py) have articles of several URL shapes and
non-article pages of the same shapes; the proposal must match every article the site has,
listed in a feed or sitemap or not, and no other URL the site links to (issue 16).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.article_patterns import (
    NonArticle,
    article_patterns,
    infer_article_patterns,
    matches_any,
)
from crawler.commands.add_site import command
from crawler.config import load_config
from crawler.discover import PoliteFetcher, discover, propose
from tests.conftest import FAST, run_scrapy
from tests.support.replay import ReplayServer, normalise_url
from tests.support.url_shapes import SHAPED_SITES, count_matches, nextjs_site

HOST = "https://www.example.com"


def patterns(articles, non_articles=(), listings=()) -> list[str]:
    return list(article_patterns(infer_article_patterns(articles, non_articles, listings=listings)))


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        (  # a UUID
            [f"{HOST}/news/0f8fad5b-d9cb-469f-a165-70867728950{i}" for i in range(3)],
            [
                r"^https?://(www\.)?example\.com/news/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                r"[0-9a-f]{4}-[0-9a-f]{12}/?$"
            ],
        ),
        (  # an id after the slug, and an extension
            [
                f"{HOST}/world/{slug}-{1000 + i}.html"
                for i, slug in enumerate(("rain-in-the-north", "cabinet-meets", "bridge-opens"))
            ],
            [r"^https?://(www\.)?example\.com/world/[^/?#]+-\d+\.html/?$"],
        ),
        (  # a fixed prefix before the slug
            [f"{HOST}/a/news-{w}-today" for w in ("rain", "sun", "snow")],
            [r"^https?://(www\.)?example\.com/a/news-[^/?#]+/?$"],
        ),
        (  # ASP.NET: the page is fixed, the id a number
            [f"{HOST}/News/Details.aspx?id={i}" for i in (5, 77, 901)],
            [r"^https?://(www\.)?example\.com/News/Details\.aspx\?id=\d+$"],
        ),
        (  # nothing fixed: slugs of three words or more, not any one-segment page
            [f"{HOST}/{s}" for s in ("a-long-title-here", "another-long-title", "third-one-x")],
            [r"^https?://(www\.)?example\.com/[^/?#_-]+(?:[-_][^/?#_-]+){2,}/?$"],
        ),
        (  # nothing fixed but recurring sections: the sections are named
            [f"{HOST}/{s}/{w}" for s, w in (("sport", "x"), ("sport", "y"), ("world", "z"))],
            [r"^https?://(www\.)?example\.com/(?:sport|world)/[^/?#]+/?$"],
        ),
    ],
)
def test_structure_the_urls_share(articles, expected) -> None:
    assert patterns(articles) == expected


def test_narrowed_against_section_pages_of_the_same_shape() -> None:
    """/news/<slug> articles beside /news/<sub-section> pages: the slugs' word count tells."""
    articles = [f"{HOST}/news/{s}" for s in ("one-two-three-four", "five-six-seven-eight-nine")]
    sections = [NonArticle(f"{HOST}/news/{s}", "menu", False) for s in ("local", "arab-world")]
    (check,) = infer_article_patterns(articles, sections)
    assert check.pattern == r"^https?://(www\.)?example\.com/news/[^/?#_-]+(?:[-_][^/?#_-]+){2,}/?$"
    assert {n.url for n in check.rejects} == {n.url for n in sections}
    assert check.also_matches == ()
    assert "slugs of 3 words or more" in check.note


def test_listing_pages_name_sections_the_articles_did_not_show() -> None:
    """/culture is a listing: /culture/<slug> are articles too; /tags is one, but /tags/x is a
    known tag page, so the name is not taken for a section."""
    articles = [f"{HOST}/{s}/{w}" for s, w in (("sport", "a"), ("sport", "b"), ("world", "c"))]
    tags = [NonArticle(f"{HOST}/tags/x", "tag link")]
    assert patterns(articles, tags, listings=[f"{HOST}/culture", f"{HOST}/tags"]) == [
        r"^https?://(www\.)?example\.com/(?:culture|sport|world)/[^/?#]+/?$"
    ]


def test_refused_when_a_certain_non_article_cannot_be_told_apart() -> None:
    articles = [f"{HOST}/{s}" for s in ("a-b-c-d", "e-f-g-h")]
    tag = NonArticle(f"{HOST}/w-x-y-z-q", "post_tag-sitemap.xml")
    (check,) = infer_article_patterns(articles, [tag])
    assert check.pattern is None
    assert check.also_matches == (tag,)
    assert "post_tag-sitemap.xml" in check.note


def test_kept_when_only_a_menu_link_shares_the_id_structure() -> None:
    """A menu featuring a story not in the feed: numbered like the articles, so kept."""
    articles = [f"https://alwatan.sy/archives/{i}" for i in (61234, 94762)]
    featured = NonArticle("https://alwatan.sy/archives/55555", "menu", certain=False)
    (check,) = infer_article_patterns(articles, [featured])
    assert check.pattern == r"^https?://(www\.)?alwatan\.sy/archives/\d+/?$"
    assert check.also_matches == (featured,)


def test_patterns_are_written_for_canonical_urls() -> None:
    """Lower-case escapes in a sitemap, raw Arabic in links: the spider's canonical form."""
    articles = [
        f"{HOST}/%d8%b1%d9%8a%d8%a7%d8%b6%d8%a9/{i}-%d8%ae%d8%a8%d8%b1-%d8%ac%d8%af%d9%8a%d8%af"
        for i in range(3)
    ]
    compiled = [re.compile(p) for p in patterns(articles)]
    assert matches_any(compiled, f"{HOST}/رياضة/123-خبر-آخر")
    assert matches_any(compiled, articles[0])
    assert not matches_any(compiled, f"{HOST}/رياضة")
    assert not matches_any(compiled, f"{HOST}/وسم/خبر-جديد")  # a tag page: no id, another word


@pytest.mark.parametrize("listed_every", [1, 3])
@pytest.mark.parametrize("name", sorted(SHAPED_SITES))
def test_generated_site_proposal_matches_its_articles_and_nothing_else(
    name: str, listed_every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every article (also those of sections no feed lists, with listed_every=3) and none of
    the other URLs the site links to, as the spider matches them."""
    made = SHAPED_SITES[name](listed_every=listed_every)
    with ReplayServer([made.site]) as replay:
        for key, value in replay.env().items():
            monkeypatch.setenv(key, value)
        fetcher = PoliteFetcher("khabar-test/1", delay=0, budget=30)
        proposal = propose(discover(made.start_url, fetcher), "site")
    counted = count_matches(made, proposal.article_patterns)
    assert counted.articles == len(made.articles) >= 14
    assert counted.non_articles >= 20
    assert counted.missed == ()
    assert counted.wrongly_matched == ()


def test_nextjs_site_report_and_crawl(tmp_path: Path) -> None:
    """The issue's site: two URL shapes, authors and tags linked only from the articles. The
    report shows what each pattern matches and rejects; the crawl fetches no tag or author."""
    made = nextjs_site()
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: khabar.sqlite\nsites:\n  - name: placeholder\n    domains: [p.example]\n"
        "    feeds: [https://p.example/feed]\n    article_patterns: ['^https://p\\.example/\\d+$']\n",
        encoding="utf-8",
    )
    with ReplayServer([made.site]) as replay:
        env = {**replay.env(), "KHABAR_CONFIG": str(config)}
        result = CliRunner(env=env).invoke(
            command, [made.start_url, "--delay", "0", "--write", "--name", "mirsad"]
        )
        assert result.exit_code == 0, result.output
        out = result.output
        assert "Article URL patterns, checked against" in out
        assert "(narrowed to the section names culture, economy, opinion, politics, sport)" in out
        assert "rejects 14 non-article URL(s) of the same shape:" in out
        assert f"{made.origin}/about-us  (footer)" in out or "… and" in out
        site = load_config(config).sites["mirsad"]
        assert len(site.article_patterns) == 2

        db = tmp_path / "khabar.sqlite"
        proc = run_scrapy(["crawl", "mirsad", *FAST], env={**env, "KHABAR_DB": str(db)})
        fetched = [url for _, url, _ in replay.requests]
    last = proc.stderr.strip().splitlines()[-1]
    assert f"{len(made.articles)} new" in last and "0 rejected" in last, last
    assert not [u for u in fetched if "/authors/" in u or "/tags/" in u]
    stored = {normalise_url(u) for u in made.articles}
    assert {normalise_url(u) for u in fetched} >= stored
