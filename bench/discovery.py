"""add-site's article URL patterns on generated sites with several URL shapes.

Usage: python bench/discovery.py [--site NAME ...] [--listed-every N] [--show K]

Each site of tests/support/url_shapes.py is served by the loopback replay proxy and discovered
as `khabar add-site URL` does (robots.txt, home page, feeds, sitemaps, menu; the default budget
of 30 requests, no delay). The table shows, for the proposed article patterns, the article URLs
they match (of every article the site has, listed in a feed/sitemap or not) and the non-article
URLs they match (of every other URL the site links to), matched as the spider matches: the link
as given, else its canonical form. --listed-every 3 puts only every third story in the feeds
and sitemaps (whole sections then appear only in the menu's listings). --show K lists K misses
and wrong matches per site.

To measure another tree's crawler (main, say), put it first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This tree's crawler, unless PYTHONPATH names another tree to measure: after the PYTHONPATH
# entries, before site-packages (which may hold an editable install).
_given = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
sys.path.insert(1 + len(_given), str(ROOT))

from crawler.discover import PoliteFetcher, discover, propose  # noqa: E402
from tests.support.replay import ReplayServer  # noqa: E402
from tests.support.url_shapes import SHAPED_SITES, count_matches  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", action="append", choices=sorted(SHAPED_SITES))
    parser.add_argument("--listed-every", type=int, default=1, metavar="N")
    parser.add_argument("--show", type=int, default=0, metavar="K")
    args = parser.parse_args()
    names = args.site or list(SHAPED_SITES)
    made = {name: SHAPED_SITES[name](listed_every=args.listed_every) for name in names}
    rows = []
    with ReplayServer([m.site for m in made.values()]) as replay:
        os.environ.update(replay.env())
        for name, site in made.items():
            fetcher = PoliteFetcher("khabar-bench/1", delay=0, budget=30)
            with contextlib.redirect_stdout(io.StringIO()):
                found = discover(site.start_url, fetcher)
                patterns = propose(found, "bench").article_patterns
            counted = count_matches(site, patterns)
            rows.append((name, counted, fetcher.used, patterns))
    print(f"{'site':<16} {'articles matched':>17} {'non-articles matched':>21} {'requests':>9}")
    for name, counted, used, _ in rows:
        print(
            f"{name:<16} {counted.articles_matched:>10} / {counted.articles:<4} "
            f"{len(counted.wrongly_matched):>13} / {counted.non_articles:<5} {used:>9}"
        )
    total_a = sum(c.articles for _, c, _, _ in rows)
    total_n = sum(c.non_articles for _, c, _, _ in rows)
    print(
        f"{'all':<16} {sum(c.articles_matched for _, c, _, _ in rows):>10} / {total_a:<4} "
        f"{sum(len(c.wrongly_matched) for _, c, _, _ in rows):>13} / {total_n:<5}"
    )
    for name, counted, _, patterns in rows:
        print(f"\n{name}: " + ("\n  ".join(patterns) if patterns else "no pattern"))
        if args.show:
            for url in counted.missed[: args.show]:
                print(f"  missed  {url}")
            for url in counted.wrongly_matched[: args.show]:
                print(f"  matched {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
