"""`khabar extract PAGE.html --url URL [--site NAME]`: one page's article record as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crawler.commands import require_sites
from crawler.config import load_config
from crawler.extract import extract_article
from crawler.extract.rules import ExtractionRules
from crawler.record import SHOWN_FIELDS


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "extract",
        help="print the article record extracted from a saved page",
        description="Run the same extraction as the crawl pipeline on a saved HTML file and "
        "print the record as JSON. The site's rules apply when --site is given or "
        "the URL belongs to a configured site.",
        epilog="example: khabar extract saved.html --url https://alwatan.sy/archives/94762",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("page", type=Path, help="saved HTML file ('-' reads standard input)")
    parser.add_argument("--url", required=True, help="the URL the page was served at")
    parser.add_argument("--site", help="configured site whose rules apply (default: by URL)")
    parser.add_argument(
        "--all-fields",
        action="store_true",
        help="also print the diagnostic fields (date source, rejections...)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config()
    if args.site:
        require_sites(config, [args.site])
        rules = config.sites[args.site].extraction
    else:
        site = config.site_for_url(args.url)
        rules = site.extraction if site else ExtractionRules()
    html = sys.stdin.buffer.read() if str(args.page) == "-" else args.page.read_bytes()
    record = extract_article(html, args.url, rules)
    shown = record if args.all_fields else {key: record.get(key) for key in SHOWN_FIELDS}
    json.dump(shown, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
