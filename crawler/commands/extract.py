"""`khabar extract PAGE.html --url URL [--site NAME]`: one page's article record as JSON.

The record is what the crawl would store: extracted, then tidied like the normalise pipeline
(control characters removed). A page is read up to the crawl's own limit (DOWNLOAD_MAXSIZE), so
`khabar extract /dev/zero` is one line, not a process that eats the machine's memory.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from w3lib.encoding import resolve_encoding

from crawler import settings
from crawler.commands import UserError, require_sites, site_option
from crawler.config import load_config
from crawler.extract.article import extract_article
from crawler.extract.decode import is_binary
from crawler.extract.parse_warnings import PARSE_WARNINGS
from crawler.extract.rules import ExtractionRules
from crawler.record import SHOWN_FIELDS
from crawler.terminal import printable_json
from pipelines.normalise import tidy_fields

EPILOG = """\
\b
examples:
  khabar extract saved.html --url https://alwatan.sy/archives/94762
  khabar extract page.html --url https://fatehwatan.ps/page-1.html --encoding windows-1256
  curl -s URL | khabar extract - --url URL --all-fields
  khabar extract page.html --url https://news.example.com/a/1 --timezone Africa/Cairo
"""


def check_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An absolute http(s) URL with a host, or a usage error naming what is wrong."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise click.BadParameter(f"{value!r} is not an absolute http(s) URL with a host")
    return value


def check_timezone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown IANA timezone {value!r}") from None
    return value


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and resolve_encoding(value) is None:
        raise click.BadParameter(f"unknown encoding {value!r}")
    return value


def read_page(page: Path, limit: int = settings.DOWNLOAD_MAXSIZE) -> bytes:
    """The page's bytes, at most ``limit``; UserError for an unreadable, empty, binary or larger
    file (read no further than one byte past the limit: standard input may never end)."""
    stdin = str(page) == "-"
    name = "standard input" if stdin else str(page)
    try:
        if stdin:
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with page.open("rb") as file:
                data = file.read(limit + 1)
    except OSError as exc:
        raise UserError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UserError(
            f"{name} is larger than {limit / 2**20:g} MB, the most a crawl fetches of a page "
            "(DOWNLOAD_MAXSIZE); not extracted"
        )
    if not data.strip():
        raise UserError(f"{name} is empty")
    if is_binary(data):
        raise UserError(f"{name} is not an HTML page (binary data)")
    return data


@click.command(
    "extract",
    short_help="print the article record extracted from a saved page",
    epilog=EPILOG,
)
@click.argument(
    "page",
    type=click.Path(exists=True, dir_okay=False, readable=True, allow_dash=True, path_type=Path),
)
@click.option("--url", required=True, callback=check_url, help="the URL the page was served at")
@site_option
@click.option(
    "--encoding",
    callback=check_encoding,
    help="the page's charset, taken like an HTTP header: used unless the bytes contradict it "
    "(default: declared, else detected)",
)
@click.option(
    "--timezone",
    callback=check_timezone,
    help="the site's clock (IANA zone) when the page, its domain and config.yaml do not tell",
)
@click.option(
    "--all-fields", is_flag=True, help="also print the diagnostic fields (date source, ...)"
)
def command(
    page: Path,
    url: str,
    site: str | None,
    encoding: str | None,
    timezone: str | None,
    all_fields: bool,
) -> int:
    """Run the same extraction as the crawl pipeline on a saved HTML file (PAGE, or - for
    standard input) and print the record as JSON. The site's rules apply when --site is given
    or the URL belongs to a configured site. Dates keep the site's UTC offset, found from the
    page and its domain, else --timezone or the site's configured one; with none of these a
    local time is printed without an offset (field_sources.published_offset says which)."""
    config = load_config()
    if site:
        require_sites(config, [site])
        rules = config.sites[site].extraction
    else:
        owner = config.site_for_url(url)
        rules = owner.extraction if owner else ExtractionRules()
    if timezone:
        rules = dataclasses.replace(rules, timezone=timezone)
    record = tidy_fields(extract_article(read_page(page), url, rules, http_encoding=encoding))
    for code in record["extract_warnings"]:
        click.echo(f"khabar: warning: {PARSE_WARNINGS[code]}", err=True)
    fields = record if all_fields else {key: record.get(key) for key in SHOWN_FIELDS}
    sys.stdout.write(printable_json(fields, indent=2) + "\n")
    return 0
