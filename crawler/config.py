"""Load and validate config.yaml into typed site configurations.

The YAML is walked as a node tree (not as plain dicts) so that every mistake can be reported
with the line it sits on: a broken config stops khabar with one line naming the file, the line,
the site and the field — never a traceback.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from crawler.extract.rules import ExtractionRules
from crawler.patterns import PatternError, UserPattern
from crawler.terminal import UNSAFE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.yaml"
SITE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# A bare host name: labels of letters (any script), digits and hyphens, at least one dot.
HOST_RE = re.compile(r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W_](?:[\w-]*[^\W_])?$")
# Upper bounds: a value past these is a typo (or nan/inf), and would break the daemon or hang
# a crawl rather than do what was meant.
MAX_INTERVAL_MINUTES = 366 * 24 * 60
MAX_DELAY_SECONDS = 3600
MAX_CONCURRENCY = 64
MAX_LISTING_PAGES = 10_000
MAX_SCHEDULER = {
    "max_concurrent_crawls": 64,
    "run_timeout_minutes": 7 * 24 * 60,
    "misfire_grace_seconds": 7 * 24 * 3600,
    "shutdown_grace_seconds": 3600,
}


class ConfigError(Exception):
    """A mistake in config.yaml; str() is the one line shown to the user."""

    def __init__(self, path: Path | str, line: int | None, where: str, message: str) -> None:
        self.path, self.line, self.where, self.message = str(path), line, where, message
        location = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{location}: {where}: {message}")


@dataclass(frozen=True)
class Adaptive:
    """An interval that follows the news between two bounds (crawler.adaptive)."""

    min_minutes: float
    max_minutes: float


@dataclass(frozen=True)
class Schedule:
    """When the daemon runs a site: a 5-field cron expression, a fixed interval, or an
    adaptive interval."""

    cron: str | None = None
    interval_minutes: float | None = None
    adaptive: Adaptive | None = None


@dataclass(frozen=True)
class Listing:
    """A listing page whose article links are followed, paginated up to `max_pages`."""

    url: str
    max_pages: int
    next_selector: str


@dataclass(frozen=True)
class SiteConfig:
    """One news site: everything the generic spider and the pipelines need to know."""

    name: str
    display_name: str
    domains: tuple[str, ...]
    locale: str
    timezone: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    listings: tuple[Listing, ...]
    article_patterns: tuple[UserPattern, ...]  # matched by RE2 (crawler/patterns.py)
    deny_patterns: tuple[UserPattern, ...]
    download_delay: float
    concurrency: int
    schedule: Schedule
    extraction: ExtractionRules

    def is_article_url(self, url: str) -> bool:
        """True when `url` matches an article pattern and no deny pattern."""
        return any(p.search(url) for p in self.article_patterns) and not any(
            p.search(url) for p in self.deny_patterns
        )

    def owns_url(self, url: str) -> bool:
        """True when the URL's host is one of the site's domains or a subdomain of one."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class SchedulerConfig:
    max_concurrent_crawls: int = 2
    run_timeout_minutes: float = 30
    misfire_grace_seconds: int = 300
    shutdown_grace_seconds: int = 60
    logs_dir: Path = PROJECT_ROOT / "logs"
    logs_dir_line: int | None = field(default=None, compare=False)  # for the error message


@dataclass(frozen=True)
class KhabarConfig:
    path: Path
    database: Path
    scheduler: SchedulerConfig
    sites: dict[str, SiteConfig] = field(default_factory=dict)

    def site_for_url(self, url: str) -> SiteConfig | None:
        """The configured site whose domains cover `url`, if any."""
        return next((s for s in self.sites.values() if s.owns_url(url)), None)


# --- validation helpers over YAML nodes -------------------------------------------------------

Node = yaml.Node


class _Validator:
    """Reads typed values out of YAML nodes, raising ConfigError with the node's line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Node | None, where: str, message: str) -> ConfigError:
        line = node.start_mark.line + 1 if node is not None else None
        return ConfigError(self.path, line, where, message)

    def mapping(
        self, node: Node, where: str, allowed: set[str], required: set[str] = frozenset()
    ) -> dict[str, tuple[Node, Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, "expected a mapping of keys to values")
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in allowed:
                raise self.fail(
                    key_node,
                    f"{where}.{key}".lstrip("."),
                    f"unknown key (allowed: {', '.join(sorted(allowed))})",
                )
            if key in out:
                raise self.fail(key_node, f"{where}.{key}".lstrip("."), "key given twice")
            out[key] = (key_node, value_node)
        for key in sorted(required - out.keys()):
            raise self.fail(node, f"{where}.{key}".lstrip("."), "missing required field")
        return out

    def scalar(self, node: Node, where: str, label: str, convert: Callable[[str], Any]) -> Any:
        if not isinstance(node, yaml.ScalarNode) or (node.value == "" and label != "text"):
            raise self.fail(node, where, f"expected {label}")
        try:
            return convert(node.value)
        except (ValueError, TypeError):
            raise self.fail(node, where, f"expected {label}, got {node.value!r}") from None

    def string(self, node: Node, where: str) -> str:
        value = self.scalar(node, where, "text", str)
        if not value.strip():
            raise self.fail(node, where, "must not be empty")
        # Raw control bytes are refused when the file is read; YAML escapes ("\e", "\x00",
        # "\u202e") make the same characters, which would reach the terminal.
        if unsafe := UNSAFE.search(value):
            raise self.fail(
                node,
                where,
                f"control character U+{ord(unsafe.group()):04X} (written as an escape) "
                "is not allowed",
            )
        return value

    def number(self, node: Node, where: str, minimum: float, maximum: float) -> float:
        return self._bounded(node, where, minimum, maximum, "a number", float)

    def integer(self, node: Node, where: str, minimum: int, maximum: int) -> int:
        return self._bounded(node, where, minimum, maximum, "an integer", _integer)

    def _bounded(
        self,
        node: Node,
        where: str,
        minimum: float,
        maximum: float,
        label: str,
        convert: Callable[[str], Any],
    ) -> Any:
        if node.tag.endswith(":bool"):  # YAML reads yes/no/true as booleans, not numbers
            raise self.fail(node, where, f"expected {label}, got {node.value!r}")
        value = self.scalar(node, where, label, convert)
        if not math.isfinite(value):
            raise self.fail(node, where, f"expected a finite number, got {node.value}")
        if not minimum <= value <= maximum:
            raise self.fail(
                node, where, f"must be between {minimum} and {maximum}, got {node.value}"
            )
        return value

    def host(self, node: Node, where: str) -> str:
        value = self.string(node, where).strip().lower().rstrip(".")
        if not HOST_RE.match(value):
            bare = urlsplit(value if "//" in value else f"//{value}").hostname
            hint = f" (write {bare!r})" if bare and HOST_RE.match(bare) else ""
            raise self.fail(
                node, where, f"expected a bare host name like example.org, got {value!r}{hint}"
            )
        return value

    def strings(self, node: Node, where: str) -> list[tuple[Node, str]]:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, where, "expected a list")
        return [(item, self.string(item, f"{where}[{i}]")) for i, item in enumerate(node.value)]

    def url(self, node: Node, where: str) -> str:
        value = self.string(node, where)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.fail(node, where, f"expected an absolute http(s) URL, got {value!r}")
        return value

    def regex(self, node: Node, where: str) -> UserPattern:
        value = self.string(node, where)
        try:
            return UserPattern(value)
        except PatternError as exc:
            raise self.fail(node, where, f"bad regular expression {value!r}: {exc}") from None

    def timezone(self, node: Node, where: str) -> str:
        value = self.string(node, where)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(node, where, f"unknown IANA timezone {value!r}") from None
        return value

    def schedule(self, node: Node, where: str) -> Schedule:
        fields = self.mapping(node, where, {"cron", "interval_minutes", "adaptive"})
        if len(fields) != 1:
            raise self.fail(node, where, "give exactly one of cron, interval_minutes or adaptive")
        if "adaptive" in fields:
            return Schedule(adaptive=self.adaptive(fields["adaptive"][1], f"{where}: adaptive"))
        if "cron" in fields:
            value_node = fields["cron"][1]
            cron = self.string(value_node, f"{where}: cron")
            _check_cron(cron, lambda msg: self.fail(value_node, f"{where}: cron", msg))
            return Schedule(cron=cron)
        value_node = fields["interval_minutes"][1]
        return Schedule(
            interval_minutes=self.number(
                value_node, f"{where}: interval_minutes", 0.01, MAX_INTERVAL_MINUTES
            )
        )


    def adaptive(self, node: Node, where: str) -> Adaptive:
        fields = self.mapping(
            node, where, {"min_minutes", "max_minutes"}, required={"min_minutes", "max_minutes"}
        )
        low, high = (
            self.number(fields[key][1], f"{where}: {key}", 0.01, MAX_INTERVAL_MINUTES)
            for key in ("min_minutes", "max_minutes")
        )
        if low > high:
            raise self.fail(
                fields["min_minutes"][1],
                f"{where}: min_minutes",
                f"must not exceed max_minutes ({low:g} > {high:g})",
            )
        return Adaptive(min_minutes=low, max_minutes=high)


def _integer(text: str) -> int:
    """An integer written as one: '12', not '1e20' or '1.5' (int() of a float would truncate)."""
    return int(text.replace("_", ""))


def _check_cron(expr: str, fail: Callable[[str], ConfigError]) -> None:
    """A crontab(5) expression that parses and fires at least once in the coming years."""
    from datetime import UTC, datetime

    from crawler.crontab import cron_trigger, never_fires

    try:
        trigger = cron_trigger(expr)
    except ValueError as exc:
        raise fail(f"bad cron expression {expr!r}: {exc}") from None
    if never_fires(trigger, datetime.now(UTC)):
        raise fail(f"cron expression {expr!r} never fires (no such date)")


def check_logs_dir(config: KhabarConfig) -> None:
    """The scheduler writes one log per run into logs_dir: make sure it can, before any run
    (only the daemon needs it, so a read-only checkout can still search and serve)."""
    folder = config.scheduler.logs_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise ConfigError(
            config.path,
            config.scheduler.logs_dir_line,
            "scheduler.logs_dir",
            f"cannot write run logs to {folder}: {exc.strerror or exc}",
        ) from None


SITE_KEYS = {
    "name",
    "display_name",
    "domains",
    "locale",
    "timezone",
    "feeds",
    "sitemaps",
    "listings",
    "article_patterns",
    "deny_patterns",
    "download_delay",
    "concurrency",
    "listing_max_pages",
    "schedule",
    "extraction",
}
DEFAULT_KEYS = {
    "locale",
    "timezone",
    "download_delay",
    "concurrency",
    "listing_max_pages",
    "schedule",
}
EXTRACTION_KEYS = {"title_suffixes", "boilerplate_phrases", "boilerplate_selectors", "selectors"}
SELECTOR_KEYS = {"title", "kicker", "author", "section", "tags", "date", "image", "body"}
DEFAULT_NEXT_SELECTOR = "link[rel=next]::attr(href), a.next::attr(href), a[rel=next]::attr(href)"


def load_config(path: str | os.PathLike[str] | None = None) -> KhabarConfig:
    """Read the config file (KHABAR_CONFIG, else ./config.yaml of the project).

    Parsed once per file version: a crawl asks for it from the spider loader, the pipelines
    and the extensions, and validating every site costs ~20 ms.
    """
    path = Path(path or os.environ.get("KHABAR_CONFIG") or DEFAULT_CONFIG)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(path, None, "file", f"cannot read config: {exc.strerror}") from None
    return _load(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int, size: int) -> KhabarConfig:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, None, "file", f"cannot read config: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            path, line, "file", f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(path, line, "yaml", f"not valid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:  # a control character (NUL, ESC, ...) in the text
        line = text[: exc.position].count("\n") + 1
        raise ConfigError(
            path, line, "file", f"control character U+{exc.character:04X} is not allowed"
        ) from None
    return _parse(root, path)


def _parse(root: Node | None, path: Path) -> KhabarConfig:
    v = _Validator(path)
    if root is None:
        raise ConfigError(path, None, "file", "config is empty")
    top = v.mapping(
        root, "", {"database", "defaults", "scheduler", "sites"}, required={"database", "sites"}
    )
    base = path.resolve().parent
    database = base / v.string(top["database"][1], "database")

    defaults: dict[str, Any] = {
        "locale": "ar",
        "timezone": None,  # unknown: extraction infers each page's clock; schedules run in UTC
        "download_delay": 1.0,
        "concurrency": 4,
        "listing_max_pages": 3,
        "schedule": Schedule(interval_minutes=60),
    }
    if "defaults" in top:
        fields = v.mapping(top["defaults"][1], "defaults", DEFAULT_KEYS)
        defaults.update(_common_fields(v, fields, "defaults"))

    scheduler = SchedulerConfig(logs_dir=base / "logs")
    if "scheduler" in top:
        fields = v.mapping(
            top["scheduler"][1],
            "scheduler",
            {
                "max_concurrent_crawls",
                "run_timeout_minutes",
                "misfire_grace_seconds",
                "shutdown_grace_seconds",
                "logs_dir",
            },
        )
        kwargs: dict[str, Any] = {}
        for key, (_, node) in fields.items():
            where = f"scheduler.{key}"
            if key == "logs_dir":
                kwargs[key] = base / v.string(node, where)
                kwargs["logs_dir_line"] = node.start_mark.line + 1
            elif key == "run_timeout_minutes":
                kwargs[key] = v.number(node, where, 0.01, MAX_SCHEDULER[key])
            else:
                low = 1 if key == "max_concurrent_crawls" else 0
                kwargs[key] = v.integer(node, where, low, MAX_SCHEDULER[key])
        scheduler = SchedulerConfig(**kwargs)

    sites_node = top["sites"][1]
    if not isinstance(sites_node, yaml.SequenceNode) or not sites_node.value:
        raise v.fail(sites_node, "sites", "expected a non-empty list of sites")
    sites: dict[str, SiteConfig] = {}
    for index, node in enumerate(sites_node.value):
        site = _parse_site(v, node, index, defaults)
        if site.name in sites:
            raise v.fail(node, f"site {site.name}: name", "two sites have this name")
        sites[site.name] = site
    return KhabarConfig(path=path, database=database, scheduler=scheduler, sites=sites)


def _common_fields(
    v: _Validator, fields: dict[str, tuple[Node, Node]], where: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (_, node) in fields.items():
        at = f"{where}: {key}"
        if key == "locale":
            out[key] = v.string(node, at)
        elif key == "timezone":
            out[key] = v.timezone(node, at)
        elif key == "download_delay":
            out[key] = v.number(node, at, 0, MAX_DELAY_SECONDS)
        elif key == "concurrency":
            out[key] = v.integer(node, at, 1, MAX_CONCURRENCY)
        elif key == "listing_max_pages":
            out[key] = v.integer(node, at, 1, MAX_LISTING_PAGES)
        elif key == "schedule":
            out[key] = v.schedule(node, at)
    return out


def _parse_site(v: _Validator, node: Node, index: int, defaults: dict[str, Any]) -> SiteConfig:
    name_hint = f"sites[{index}]"
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "name" and isinstance(value_node, yaml.ScalarNode):
                name_hint = f"site {value_node.value}"
    fields = v.mapping(node, name_hint, SITE_KEYS, required={"name", "domains", "article_patterns"})
    name = v.string(fields["name"][1], f"{name_hint}: name")
    if not SITE_NAME_RE.match(name):
        raise v.fail(
            fields["name"][1],
            f"{name_hint}: name",
            "must be lower-case letters, digits and _ (it is the spider name)",
        )
    where = f"site {name}"
    values = dict(defaults)
    values.update(_common_fields(v, {k: f for k, f in fields.items() if k in DEFAULT_KEYS}, where))

    at = f"{where}: domains"
    domains = [v.host(n, at) for n, _ in v.strings(fields["domains"][1], at)]
    if not domains:
        raise v.fail(fields["domains"][1], f"{where}: domains", "needs at least one domain")

    def each(key: str, check: Callable[[Node, str], Any]) -> tuple[Any, ...]:
        """The list under `key`, every item run through a validator (empty when absent)."""
        if key not in fields:
            return ()
        at = f"{where}: {key}"
        return tuple(check(n, at) for n, _ in v.strings(fields[key][1], at))

    feeds, sitemaps = each("feeds", v.url), each("sitemaps", v.url)
    listings = _parse_listings(v, fields.get("listings"), where, values["listing_max_pages"])
    if not (feeds or sitemaps or listings):
        raise v.fail(node, f"{where}: feeds", "give at least one of feeds, sitemaps, listings")

    article_patterns = each("article_patterns", v.regex)
    if not article_patterns:
        raise v.fail(
            fields["article_patterns"][1],
            f"{where}: article_patterns",
            "needs at least one pattern",
        )
    display_name = (
        v.string(fields["display_name"][1], f"{where}: display_name")
        if "display_name" in fields
        else name
    )
    extraction = _parse_extraction(v, fields.get("extraction"), where, values, display_name)
    return SiteConfig(
        name=name,
        display_name=display_name,
        domains=tuple(domains),
        locale=values["locale"],
        timezone=values["timezone"] or "UTC",
        feeds=feeds,
        sitemaps=sitemaps,
        listings=listings,
        article_patterns=article_patterns,
        deny_patterns=each("deny_patterns", v.regex),
        download_delay=values["download_delay"],
        concurrency=values["concurrency"],
        schedule=values["schedule"],
        extraction=extraction,
    )


def _parse_listings(
    v: _Validator, entry: tuple[Node, Node] | None, where: str, default_pages: int
) -> tuple[Listing, ...]:
    if entry is None:
        return ()
    node = entry[1]
    if not isinstance(node, yaml.SequenceNode):
        raise v.fail(node, f"{where}: listings", "expected a list of {url: ...} entries")
    out = []
    for i, item in enumerate(node.value):
        at = f"{where}: listings[{i}]"
        if isinstance(item, yaml.ScalarNode):
            out.append(Listing(v.url(item, at), default_pages, DEFAULT_NEXT_SELECTOR))
            continue
        fields = v.mapping(item, at, {"url", "max_pages", "next"}, required={"url"})
        out.append(
            Listing(
                url=v.url(fields["url"][1], f"{at}.url"),
                max_pages=(
                    v.integer(fields["max_pages"][1], f"{at}.max_pages", 1, MAX_LISTING_PAGES)
                    if "max_pages" in fields
                    else default_pages
                ),
                next_selector=(
                    _next_selector(v, fields["next"][1], f"{at}.next")
                    if "next" in fields
                    else DEFAULT_NEXT_SELECTOR
                ),
            )
        )
    return tuple(out)


def _parse_extraction(
    v: _Validator,
    entry: tuple[Node, Node] | None,
    where: str,
    values: dict[str, Any],
    display_name: str,
) -> ExtractionRules:
    kwargs: dict[str, Any] = {
        "locale": values["locale"],
        "timezone": values["timezone"],
        "site_name": display_name,
    }
    if entry is not None:
        fields = v.mapping(entry[1], f"{where}: extraction", EXTRACTION_KEYS)
        for key in ("title_suffixes", "boilerplate_phrases", "boilerplate_selectors"):
            if key in fields:
                items = v.strings(fields[key][1], f"{where}: extraction.{key}")
                if key == "boilerplate_selectors":
                    for item_node, selector in items:
                        _check_css(v, item_node, f"{where}: extraction.{key}", selector)
                kwargs[key] = tuple(text for _, text in items)
        if "selectors" in fields:
            sel = v.mapping(fields["selectors"][1], f"{where}: extraction.selectors", SELECTOR_KEYS)
            kwargs["selectors"] = {}
            for key, (_, node) in sel.items():
                at = f"{where}: extraction.selectors.{key}"
                kwargs["selectors"][key] = v.string(node, at)
                _check_css(v, node, at, kwargs["selectors"][key])
    return ExtractionRules(**kwargs)


def _next_selector(v: _Validator, node: Node, where: str) -> str:
    """A listing's `next:`, as the spider runs it (response.css, parsel's ::attr/::text): an
    invalid one would raise on every listing page and skip its links."""
    from cssselect import SelectorError
    from parsel.csstranslator import HTMLTranslator

    selector = v.string(node, where)
    try:
        HTMLTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise v.fail(node, where, f"bad CSS selector {selector!r}: {exc}") from None
    return selector


def _check_css(v: _Validator, node: Node, where: str, selector: str) -> None:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector.split("::")[0])
    except SelectorError as exc:
        raise v.fail(node, where, f"bad CSS selector {selector!r}: {exc}") from None
