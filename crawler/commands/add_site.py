"""`khabar add-site URL [--name NAME] [--write]`: a site's config entry, discovered.

Reads robots.txt, the home page, its feeds and sitemaps and its navigation (crawler.discover),
shows each proposed article pattern with the article URLs it matches and the non-article URLs
it rejects (crawler.article_patterns), fetches a few articles through the crawl's own
extraction so the user sees at once whether the site needs `extraction:` rules, prints the
proposed entry, and with --write adds it to config.yaml's `sites:` (crawler.config_edit: the
file's comments and layout kept, validated by the crawl's loader before it is replaced).

Everything printed that came from the site goes through crawler.terminal.printable.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click

from crawler import settings
from crawler.article_patterns import SHOWN, NonArticle
from crawler.commands import UserError
from crawler.config import (
    DEFAULT_CONFIG,
    MAX_DELAY_SECONDS,
    SITE_NAME_RE,
    ConfigError,
    SiteConfig,
    load_config,
)
from crawler.config_edit import ConfigEditError, add_site, layout_of, render_entry
from crawler.discover import (
    Discovery,
    PoliteFetcher,
    Proposal,
    Sample,
    discover,
    entry_comment,
    propose,
    sample_articles,
    site_entry,
    site_name_for,
)
from crawler.terminal import printable

EXAMPLES = """\b
examples:
  khabar add-site https://alwatan.sy/                 # print what would be added
  khabar add-site https://www.example.com/ --write    # add it to config.yaml
  khabar add-site http://127.0.0.1:8000/ --name local --delay 0"""


@click.command("add-site", epilog=EXAMPLES)
@click.argument("url")
@click.option("--name", help="spider name (default: from the domain, e.g. alwatan.sy → alwatan)")
@click.option("--write", is_flag=True, help="add the entry to the config file's sites")
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
        raise UserError(f"expected an http(s) URL, got {printable(repr(url))}")
    if not (math.isfinite(delay) and 0 <= delay <= MAX_DELAY_SECONDS):
        raise UserError(f"--delay must be from 0 to {MAX_DELAY_SECONDS} seconds, got {delay}")
    if max_requests < 3 or samples < 0:
        raise UserError("--max-requests must be ≥ 3 and --samples ≥ 0")
    name = name or site_name_for(url)
    if not name:
        raise UserError(f"no site name can be made from {parts.hostname}: give --name")
    if not SITE_NAME_RE.match(name):
        raise UserError(f"--name must be lower-case letters, digits and _, got {name!r}")
    path = Path(config_path or os.environ.get("KHABAR_CONFIG") or DEFAULT_CONFIG)
    config = _load(path)
    taken = name in config.sites
    if taken and write:
        raise UserError(f"{path} already has a site named {name!r}: give --name")

    fetcher = PoliteFetcher(
        settings.USER_AGENT,
        delay=delay,
        budget=max_requests,
        report=lambda line: _echo(line, err=True),
    )
    found = discover(url, fetcher)
    if not (found.feeds or found.sitemaps or found.listings):
        raise UserError(
            printable(
                f"found no feed, sitemap or listing page at {url} "
                f"({'; '.join(found.notes) or 'nothing answered'})"
            )
        )
    proposal = propose(found, name)
    if not proposal.article_patterns:
        _echo(_pattern_report(proposal))
        raise UserError(
            f"found {len(found.articles)} URLs in the feeds and sitemaps but no article URL "
            "pattern that fits them and no other page; write the entry by hand"
        )
    sampled = sample_articles(found, proposal, fetcher, samples)
    _echo(_summary(found, proposal))
    _echo(_pattern_report(proposal))
    _echo(_sample_table(sampled))
    entry = site_entry(proposal)
    comment = entry_comment(proposal, found, date.today().isoformat())
    layout = layout_of(path.read_bytes().decode("utf-8"))
    _echo(f"Proposed entry (under `sites:` in {path}):\n")
    _echo(render_entry(entry, comment, layout))
    if taken:
        _echo(
            f"{path} already has a site named {name!r}: this proposal is not written "
            "(compare it with that entry, or give --name to add the site under another name)"
        )
    elif write:
        try:
            written = add_site(path, entry, comment, lambda site: _differs(site, proposal))
        except ConfigEditError as exc:
            raise UserError(str(exc)) from None
        if not written.kept:
            _echo(f"note: {path} mixes indentations; ruamel.yaml re-indented it")
        _echo(f"Written to {path}. Crawl it with: scrapy crawl {name}")


def _echo(text: str, *, err: bool = False) -> None:
    click.echo(printable(text), err=err)


def _differs(site: SiteConfig, proposal: Proposal) -> str | None:
    """What the loader read differently from the proposal (a quoting bug), if anything."""
    loaded = (
        site.display_name,
        site.domains,
        site.locale,
        site.timezone,
        site.feeds,
        site.sitemaps,
        tuple(listing.url for listing in site.listings),
        tuple(p.pattern for p in site.article_patterns),
    )
    wanted = (
        proposal.display_name,
        proposal.domains,
        proposal.locale,
        proposal.timezone,
        proposal.feeds,
        proposal.sitemaps,
        proposal.listings,
        proposal.article_patterns,
    )
    if loaded != wanted:
        return "the written entry reads back differently from the proposal"
    return None


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
        f"  article URLs:     {_count_by_source(found)}",
        f"  locale, timezone: {proposal.locale}, {proposal.timezone}",
        *(f"  note: {note}" for note in found.notes),
    ]
    return "\n".join(lines) + "\n"


def _count_by_source(found: Discovery) -> str:
    counts = Counter(a.via for a in found.articles)
    return ", ".join(f"{n} from {via}s" for via, n in counts.items()) or "none"


def _shown(url: str) -> str:
    """A URL as a reader wants it: percent escapes of UTF-8 text decoded (printable() then
    escapes whatever control characters that reveals)."""
    try:
        return unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url


def _pattern_report(proposal: Proposal) -> str:
    """Each article pattern with the article URLs it matches and the known non-article URLs
    of the same shape it rejects (and why a shape got none)."""
    out = ["Article URL patterns, checked against the non-article URLs the site links to:"]
    for check in proposal.pattern_checks:
        out.append("")
        out.append(f"  {check.pattern}" if check.pattern else "  no pattern for:")
        out.append(f"    matches {len(check.matches)} listed article URL(s):")
        out.extend(f"      {_shown(url)}" for url in check.matches[:SHOWN])
        out.extend(_more(check.matches))
        if check.rejects:
            out.append(f"    rejects {len(check.rejects)} non-article URL(s) of the same shape:")
            out.extend(_with_source(check.rejects))
        if check.also_matches:
            out.append(f"    also matches {len(check.also_matches)} non-article URL(s):")
            out.extend(_with_source(check.also_matches))
        if check.note:
            out.append(f"    ({_shown(check.note)})")
    return "\n".join(out) + "\n"


def _with_source(items: tuple[NonArticle, ...]) -> list[str]:
    return [f"      {_shown(n.url)}  ({n.source})" for n in items[:SHOWN]] + _more(items)


def _more(items: tuple[object, ...]) -> list[str]:
    return [f"      … and {len(items) - SHOWN} more"] if len(items) > SHOWN else []


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
