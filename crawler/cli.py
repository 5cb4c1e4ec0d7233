"""`khabar`: the command line around the crawler (crawling itself is `scrapy crawl <site>`).

Each subcommand lives in its own module under crawler.commands, exposing
`register(subparsers)` (adds its parser, with usage examples in the help) and `run(args)`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from crawler.commands import UnknownSiteError
from crawler.config import ConfigError

COMMANDS = ("extract", "reextract", "search", "serve", "schedule", "status", "writer")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="khabar",
        description="khabar: Arabic news sites into one searchable SQLite file.",
        epilog="Crawl a site with `scrapy crawl <site>` from the project root; "
        "`scrapy list` shows the configured sites.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"crawler.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args) or 0)
    except ConfigError as exc:
        print(f"khabar: config error: {exc}", file=sys.stderr)
        return 2
    except UnknownSiteError as exc:
        print(f"khabar: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `khabar extract … | head`: the reader left. Point stdout at /dev/null so the
        # interpreter's final flush does not raise again, and exit like a piped Unix tool.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
