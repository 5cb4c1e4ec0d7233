"""`khabar add-site URL [--name NAME] [--write]`: a site's config entry, discovered.

Reads robots.txt, the home page, its feeds and sitemaps and its navigation (crawler.discover),
fetches a few articles through the crawl's own extraction so the user sees at once whether the
site needs `extraction:` rules, prints the proposed entry, and with --write appends it to
config.yaml: a plain append keeps every comment and the layout, and the result is validated
with the same loader as the crawl before it replaces the file.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawler import settings
from crawler.commands import UserError, shown
from crawler.config import DEFAULT_CONFIG, SITE_NAME_RE, ConfigError, load_config
from crawler.discover import (
    Discovery,
    PoliteFetcher,
    Proposal,
    Sample,
    discover,
    entry_yaml,
    propose,
    sample_articles,
    site_name_for,
)

EXAMPLES = """\b
examples:
  khabar add-site https://alwatan.sy/                 # print what would be added
  khabar add-site https://www.example.com/ --write    # append it to config.yaml
  khabar add-site http://127.0.0.1:8000/ --name local --delay 0"""


@click.command("add-site", epilog=EXAMPLES)
@click.argument("url")
@click.option("--name", help="spider name (default: from the domain, e.g. alwatan.sy → alwatan)")
@click.option("--write", is_flag=True, help="append the entry to the config file")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="config file (default: KHABAR_CONFIG, else the project's config.yaml)",
)
@click.option(
    "--delay", type=float, default=1.0, show_default=True, help="seconds between requests"
)
@click.option("--max-requests", type=int, default=30, show_default=True, help="request budget")
@click.option("--samples", type=int, default=5, show_default=True, help="articles to extract")
def command(
    url: str,
    name: str | None,
    write: bool,
    config_path: Path | None,
    delay: float,
    max_requests: int,
    samples: int,
) -> None:
    """Discover a news site's feeds, sitemaps, listings and article URLs; propose its entry.

    Politeness as in a crawl: robots.txt is obeyed (and its Crawl-delay), the crawl's
    User-Agent is sent, requests are spaced by --delay and capped by --max-requests.
    Progress goes to stderr; the proposal and the sample table to stdout.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"expected an http(s) URL, got {url!r}")
    if delay < 0 or max_requests < 3 or samples < 0:
        raise UserError("--delay must be ≥ 0, --max-requests ≥ 3, --samples ≥ 0")
    name = name or site_name_for(url)
    if not name:
        raise UserError(f"no site name can be made from {parts.hostname}: give --name")
    if not SITE_NAME_RE.match(name):
        raise UserError(f"--name must be lower-case letters, digits and _, got {name!r}")
    path = Path(config_path or os.environ.get("KHABAR_CONFIG") or DEFAULT_CONFIG)
    config = _load(path)
    if name in config.sites:
        raise UserError(f"{path} already has a site named {name!r}: give --name")

    fetcher = PoliteFetcher(
        settings.USER_AGENT,
        delay=delay,
        budget=max_requests,
        report=lambda line: click.echo(line, err=True),
    )
    found = discover(url, fetcher)
    if not (found.feeds or found.sitemaps or found.listings):
        raise UserError(
            f"found no feed, sitemap or listing page at {url} "
            f"({'; '.join(found.notes) or 'nothing answered'})"
        )
    proposal = propose(found, name)
    if not proposal.article_patterns:
        raise UserError(
            f"found {len(found.articles)} URLs in the feeds and sitemaps but no article URL "
            "pattern that fits them; write the entry by hand"
        )
    sampled = sample_articles(found, proposal, fetcher, samples)
    click.echo(shown(_summary(found, proposal), lines=True))  # text from the site's pages
    click.echo(shown(_sample_table(sampled), lines=True))
    entry = entry_yaml(proposal, found, date.today().isoformat())
    click.echo("Proposed entry (under `sites:` in config.yaml):\n")
    click.echo(shown(entry, lines=True))
    if write:
        write_entry(path, entry, proposal)
        click.echo(f"Written to {path}. Crawl it with: scrapy crawl {name}")


def _load(path: Path):
    try:
        return load_config(path)
    except ConfigError as exc:
        raise UserError(f"config error: {exc}") from None


def _summary(found: Discovery, proposal: Proposal) -> str:
    lines = [
        f"\n{proposal.display_name} ({found.start_url})",
        f"  CMS:              {found.cms or 'not recognised'}",
        f"  feeds:            {', '.join(found.feeds) or 'none'}",
        f"  sitemaps:         {', '.join(found.sitemaps) or 'none'}",
        f"  news sitemaps:    {', '.join(found.news_sitemaps) or 'none'}",
        f"  listings:         {len(found.listings)} from the main navigation",
        f"  article URLs:     {len(found.articles)} listed by feeds and sitemaps",
        f"  locale, timezone: {proposal.locale}, {proposal.timezone}",
        *(f"  note: {note}" for note in found.notes),
    ]
    return "\n".join(lines) + "\n"


def _sample_table(samples: list[Sample]) -> str:
    if not samples:
        return "No sample article could be fetched.\n"
    out = [f"{len(samples)} sample articles, extracted as the crawl would:"]
    for i, sample in enumerate(samples, 1):
        out.append(f"\n[{i}] {sample.url}" + ("" if sample.record else f"  (HTTP {sample.status})"))
        if not sample.record:
            continue
        out.append(f"    {'field':<13} {'value':<60} from")
        for name, value, source in sample.rows():
            shown = value if len(value) <= 60 else value[:57] + "..."
            out.append(f"    {name:<13} {shown:<60} {source}")
    return "\n".join(out) + "\n"


def write_entry(path: Path, entry: str, proposal: Proposal) -> None:
    """Append `entry` to the config, keeping the file as it is, and validate the result with
    the crawl's loader before replacing the file (nothing is written when it fails)."""
    text = path.read_text(encoding="utf-8")
    new_text = text.rstrip("\n") + "\n\n" + entry
    candidate = path.with_name(f".{path.name}.add-site.tmp")
    candidate.write_text(new_text, encoding="utf-8")
    try:
        before = load_config(path)
        after = load_config(candidate)
        site = after.sites.get(proposal.name)
        if site is None or len(after.sites) != len(before.sites) + 1:
            raise UserError(
                f"appending to {path} did not add the site (is `sites:` its last section?); "
                "add the entry by hand"
            )
        candidate.replace(path)
    except ConfigError as exc:
        raise UserError(f"the entry does not validate, nothing written: {exc}") from None
    finally:
        candidate.unlink(missing_ok=True)
