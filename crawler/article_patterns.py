"""Article URL patterns for add-site, from the structure a site's article URLs share.

One regex per URL depth is not enough: on a site whose articles sit at /<section>/<slug>,
`/[^/]+/[^/]+` also matches every /authors/<name> and /tags/<tag> page, and the crawl fetches
them all to reject them at extraction (issue 16). So each path segment and query value is
described by what every article URL has there: a fixed word, digits (ids, dates), a UUID, an id,
prefix or file extension around a slug, a slug of several words, one of a few section names.
Each pattern is then checked against the URLs known not to be articles (menu and footer links,
listing pages, taxonomy sitemaps, tag and author links) and narrowed until it matches none of
them, or refused when nothing the article URLs share sets them apart.

Patterns are written for canonical URLs (upper-case percent escapes, sorted query), which the
spider tries when a link as given does not match, and use only what RE2 accepts as well (no
look-around, no back-references).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from crawler.urls import _registered_domain, canonicalize_url

SEGMENT = "[^/?#]+"  # any one path segment (never a query string)
QUERY_VALUE = "[^&#]+"
WORD = "[^/?#_-]+"  # one word of a slug
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MAX_SLUG_WORDS = 12
MAX_SECTIONS = 30
# Without a fixed word, a number or an id, a pattern must ask at least this many slug words
# (or name the sections): /about-us and /politics are one and two words.
MIN_FREE_SLUG_WORDS = 3
MAX_COMBINATIONS = 20_000
SHOWN = 5  # URLs listed per pattern in notes

_DIGITS = re.compile(r"\d+")
_UUID = re.compile(UUID, re.IGNORECASE)
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{1,5}$")
_LEADING_ID = re.compile(r"^\d+([-_])")
_TRAILING_ID = re.compile(r"([-_])\d+$")
_TRAILING_UUID = re.compile(r"[-_]" + UUID + "$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_]")


@dataclass(frozen=True)
class NonArticle:
    """A URL of the site known not to be an article, and where add-site saw it."""

    url: str
    source: str  # "menu", "footer", "listing", "tag sitemap", "tag or author link", ...
    certain: bool = True  # False for menu and footer links, which sometimes lead to articles


@dataclass(frozen=True)
class PatternCheck:
    """One proposed pattern (None: refused) with the evidence the user should see."""

    pattern: str | None
    matches: tuple[str, ...]  # the listed article URLs of this shape
    rejects: tuple[NonArticle, ...] = ()  # known non-articles of this shape it does not match
    also_matches: tuple[NonArticle, ...] = ()  # known non-articles it still matches
    note: str = ""
    # the pattern with its fixed words and section names opened up (any segment there): what
    # a link to a section the article URLs did not show would match, for extraction to confirm
    loose: str | None = None


@dataclass(frozen=True)
class _Option:
    regex: str
    cost: int  # 0: what the values share; more: narrower than that
    slug_words: int = 0  # the minimum number of slug words it asks, if any
    sections: bool = False  # one of the names seen

    def fits(self, value: str) -> bool:
        return re.fullmatch(self.regex, value) is not None


@dataclass(frozen=True)
class _Column:
    options: tuple[_Option, ...]  # [0] is the default
    fixed: bool = False  # one literal word
    strong: bool = False  # digits or an id: URLs that share it are articles of one kind


@dataclass
class _Group:
    prefix: str
    depth: int
    keys: tuple[str, ...]
    members: list[str] = field(default_factory=list)


def split_url(url: str) -> tuple[int, tuple[str, ...], list[str]]:
    """(path depth, query keys, values): the path segments then the query values, as written
    (percent escapes kept)."""
    parts = urlsplit(url)
    values = [s for s in parts.path.split("/") if s]
    depth = len(values)
    keys = []
    for pair in parts.query.split("&") if parts.query else ():
        key, _, value = pair.partition("=")
        keys.append(key)
        values.append(value)
    return depth, tuple(keys), values


def host_prefix(url: str) -> str:
    """`^https?://(www\\.)?example\\.com` for the URL's host (port kept, www optional)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    bare = host.removeprefix("www.")
    if is_domain_name(host) and _registered_domain(bare) == bare:  # example.com or www.example.com
        return f"^https?://(www\\.)?{_escape(bare)}{_escape(port)}"
    return f"^https?://{_escape(host)}{_escape(port)}"


def is_domain_name(host: str) -> bool:
    """A host name rather than an IPv4 or IPv6 address."""
    return bool(host) and not re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host)


def _escape(text: str) -> str:
    return re.escape(text).replace("\\-", "-")


def _looks_like_slug(text: str) -> bool:
    """Words rather than a fixed marker: a title slug, percent-encoded or non-ASCII text."""
    return len(re.sub(r"[^A-Za-z]", "", text)) > 8 or "%" in text or not text.isascii()


def _words(text: str) -> int:
    return len([w for w in _SEPARATORS.split(text) if w])


def _is_section_name(value: str) -> bool:
    text = unquote(value)
    return 0 < len(text) <= 40 and _words(text) <= 3 and not any(c.isdigit() for c in text)


def _column(values: list[str], vocabulary: Iterable[str], *, in_query: bool) -> _Column:
    """What every value at one position shares, and the narrower choices there are."""
    distinct = sorted(set(values))
    first = distinct[0]
    if (
        len(distinct) == 1
        and not any(c.isdigit() for c in first)
        and (len(values) > 1 or not _looks_like_slug(first))
    ):
        return _Column((_Option(_escape(first), 0),), fixed=True)
    shapes = {_DIGITS.sub("\0", v) for v in values}
    if len(shapes) == 1:
        shape = shapes.pop()
        if "\0" in shape and not _looks_like_slug(shape.replace("\0", "")):
            regex = "\\d+".join(_escape(p) for p in shape.split("\0"))
            return _Column((_Option(regex, 0),), strong=True)
    if all(_UUID.fullmatch(v) for v in values):
        return _Column((_Option(_uuid_regex(values), 0),), strong=True)
    # a few names that recur, or that the site's listings name: sections
    listed = {v for v in vocabulary if _is_section_name(v)}
    recurring = len(distinct) < len(values) or (bool(listed) and listed.issuperset(distinct))
    names = sorted({*distinct, *listed})
    sections = recurring and len(names) <= MAX_SECTIONS
    sections = sections and all(_is_section_name(v) for v in distinct)
    alternation = _Option("(?:" + "|".join(_escape(n) for n in names) + ")", 1, sections=True)
    if in_query:
        return _Column((_Option(QUERY_VALUE, 0), *([alternation] if sections else ())))
    prefix, suffix, strong, middles = _affixes(values)
    options = [_Option(prefix + SEGMENT + suffix, 0)]
    fewest = min(_words(m) for m in middles)
    for k in range(2, min(fewest, MAX_SLUG_WORDS) + 1):
        slug = f"{WORD}(?:[-_]{WORD}){{{k - 1},}}"
        options.append(_Option(prefix + slug + suffix, k - 1, slug_words=k))
    if sections:
        options.append(alternation)
    kept = tuple(o for o in options if all(o.fits(v) for v in values))
    return _Column(kept, strong=strong)


def _uuid_regex(values: list[str]) -> str:
    if all(v == v.lower() for v in values):
        return UUID
    return UUID.replace("0-9a-f", "0-9a-fA-F")


def _affixes(values: list[str]) -> tuple[str, str, bool, list[str]]:
    """(prefix regex, suffix regex, whether they hold an id, the slugs between them) shared
    by every value: a leading or trailing number or UUID, a fixed prefix, an extension."""
    prefix = suffix = ""
    strong = False
    middles = list(values)
    extensions = {m.group(0) for v in middles if (m := _EXTENSION.search(v))}
    if len(extensions) == 1 and all(_EXTENSION.search(v) for v in middles):
        ext = extensions.pop()
        suffix = _escape(ext)
        middles = [m[: -len(ext)] for m in middles]
    leading = {m.group(1) for v in middles if (m := _LEADING_ID.match(v))}
    if len(leading) == 1 and all(_LEADING_ID.match(v) for v in middles):
        sep = leading.pop()
        prefix, strong = "\\d+" + _escape(sep), True
        middles = [_LEADING_ID.sub("", m) for m in middles]
    else:
        common = _common_prefix(middles)
        if common:
            prefix = _escape(common)
            middles = [m[len(common) :] for m in middles]
    if all(_TRAILING_UUID.search(v) for v in middles):
        suffix, strong = "[-_]" + _uuid_regex(middles) + suffix, True
        middles = [_TRAILING_UUID.sub("", m) for m in middles]
    else:
        trailing = {m.group(1) for v in middles if (m := _TRAILING_ID.search(v))}
        if len(trailing) == 1 and all(_TRAILING_ID.search(v) for v in middles):
            suffix, strong = _escape(trailing.pop()) + "\\d+" + suffix, True
            middles = [_TRAILING_ID.sub("", m) for m in middles]
    if not all(middles):  # the affixes were the whole value somewhere: no slug between them
        return "", "", False, list(values)
    return prefix, suffix, strong, middles


def _common_prefix(values: list[str]) -> str:
    """A fixed word every value starts with, up to a separator (`news-`, `story_`); three
    values at least, since two title slugs often begin with the same word."""
    if len(values) < 3:
        return ""
    common = values[0]
    for value in values[1:]:
        while not value.startswith(common):
            common = common[:-1]
    cut = max(common.rfind("-"), common.rfind("_"))
    common = common[: cut + 1] if cut > 0 else ""
    if len(common) < 4 or any(c.isdigit() for c in common) or "%" in common:
        return ""
    return common


def _assemble(group: _Group, regexes: Sequence[str]) -> str:
    path = "".join("/" + r for r in regexes[: group.depth])
    if group.keys:
        query = "&".join(
            f"{_escape(k)}={r}" for k, r in zip(group.keys, regexes[group.depth :], strict=True)
        )
        return f"{group.prefix}{path or '/'}\\?{query}$"
    return f"{group.prefix}{path}/?$" if path else f"{group.prefix}/?$"


def infer_article_patterns(
    article_urls: Iterable[str],
    non_articles: Iterable[NonArticle | str] = (),
    *,
    listings: Iterable[str] = (),
    min_group: int = 2,
) -> list[PatternCheck]:
    """A check per URL shape of the article URLs (same host, depth and query keys): the
    pattern fitted to that shape and narrowed against `non_articles`, or None with the reason.
    Listing pages name sections the articles did not show (/opinion → /opinion/<slug>).
    Shapes with fewer than `min_group` URLs get no pattern unless nothing else is found."""
    urls = list(dict.fromkeys(canonicalize_url(u) for u in article_urls if urlsplit(u).hostname))
    negatives = [n if isinstance(n, NonArticle) else NonArticle(n, "given") for n in non_articles]
    negatives = [
        NonArticle(canonicalize_url(n.url), n.source, n.certain)
        for n in negatives
        if urlsplit(n.url).hostname
    ]
    known = set(urls)
    unique: dict[str, NonArticle] = {}
    for n in negatives:  # the first source, unless a later one is certain
        if n.url not in known and (
            n.url not in unique or (n.certain and not unique[n.url].certain)
        ):
            unique[n.url] = n
    negatives = list(unique.values())
    listing_urls = [canonicalize_url(u) for u in listings]
    groups: dict[tuple[str, int, tuple[str, ...]], _Group] = {}
    for url in urls:
        depth, keys, _ = split_url(url)
        prefix = host_prefix(url)
        groups.setdefault((prefix, depth, keys), _Group(prefix, depth, keys)).members.append(url)
    ordered = sorted(groups.values(), key=lambda g: -len(g.members))
    kept = [g for g in ordered if len(g.members) >= min_group] or ordered[:1]
    checks = [_check(g, negatives, listing_urls) for g in kept]
    checks += [
        PatternCheck(
            None,
            tuple(g.members),
            note=f"only {len(g.members)} URL of this shape",
            loose=_assemble(g, [SEGMENT] * g.depth + [QUERY_VALUE] * len(g.keys)),
        )
        for g in ordered
        if g not in kept
    ]
    seen: set[str] = set()
    out = []
    for check in checks:
        if check.pattern is None or check.pattern not in seen:
            out.append(check)
            seen.add(check.pattern or "")
    return out


def _same_shape(group: _Group, url: str) -> list[str] | None:
    depth, keys, values = split_url(url)
    if depth != group.depth or keys != group.keys or not re.search(group.prefix, url):
        return None
    return values


def _check(group: _Group, negatives: list[NonArticle], listings: list[str]) -> PatternCheck:
    rows = [split_url(u)[2] for u in group.members]
    shaped = [(n, v) for n in negatives if (v := _same_shape(group, n.url)) is not None]
    columns: list[_Column] = []
    for i in range(len(rows[0])):
        # a listing one level down names a section (/opinion → /opinion/<slug>), unless
        # known non-articles have that name there (/tags → /tags/<tag>)
        taken = {v[i] for n, v in shaped if n.certain}
        vocabulary = [
            values[i]
            for depth, keys, values in map(split_url, listings)
            if i < group.depth
            and depth == i + 1
            and not keys
            and values[i] not in taken
            and all(columns[j].options[0].fits(values[j]) for j in range(i))
        ]
        columns.append(_column([r[i] for r in rows], vocabulary, in_query=i >= group.depth))
    anchored = bool(group.keys) or any(c.fixed or c.strong for c in columns)
    if not anchored:  # ask for enough slug words, or name the sections
        floor = MIN_FREE_SLUG_WORDS
        columns = [
            _Column(
                tuple(
                    o
                    for o in c.options
                    if not o.slug_words or o.slug_words >= min(floor, _max_words(c))
                ),
                c.fixed,
                c.strong,
            )
            for c in columns
        ]
    matched = [
        (n, v) for n, v in shaped if all(c.options[0].fits(v[i]) for i, c in enumerate(columns))
    ]
    choice = _narrowest_needed(columns, [v for _, v in matched], require=not anchored)
    loose = _loose(group, columns, [c.options[0] for c in columns])
    if choice is None:
        return PatternCheck(
            None,
            tuple(group.members),
            note="these URLs share no fixed word, number or id, and no slug or section "
            "names that set them apart from other pages",
            loose=loose,
        )
    chosen = [c.options[j] for c, j in zip(columns, choice, strict=True)]
    pattern = _assemble(group, [o.regex for o in chosen])
    loose = _loose(group, columns, chosen)
    compiled = re.compile(pattern)
    rejects = tuple(n for n, _ in shaped if not compiled.search(n.url))
    still = tuple(n for n, _ in shaped if compiled.search(n.url))
    strong = any(c.strong for c in columns)
    certain = [n for n in still if n.certain]
    if certain and not strong:
        return PatternCheck(
            None,
            tuple(group.members),
            rejects,
            still,
            note=f"every pattern these URLs share also matches {len(still)} non-article "
            "URL(s): " + ", ".join(f"{n.url} ({n.source})" for n in still[:SHOWN]),
            loose=loose,
        )
    notes = []
    if any(j for j in choice):
        narrowed = [_describe(c.options[j]) for c, j in zip(columns, choice, strict=True) if j]
        notes.append("narrowed to " + " and ".join(narrowed))
    if still:
        notes.append(
            f"also matches {len(still)} link(s) that share the article URLs' "
            + ("id structure" if strong else "structure")
            + ": check they are articles, else add deny_patterns"
        )
    return PatternCheck(pattern, tuple(group.members), rejects, still, "; ".join(notes), loose)


def _loose(group: _Group, columns: list[_Column], chosen: list[_Option]) -> str:
    regexes = [
        (QUERY_VALUE if i >= group.depth else SEGMENT) if c.fixed or o.sections else o.regex
        for i, (c, o) in enumerate(zip(columns, chosen, strict=True))
    ]
    return _assemble(group, regexes)


def _max_words(column: _Column) -> int:
    return max((o.slug_words for o in column.options), default=0)


def _describe(option: _Option) -> str:
    if option.slug_words:
        return f"slugs of {option.slug_words} words or more"
    return "the section names " + option.regex.removeprefix("(?:").removesuffix(")").replace(
        "|", ", "
    )


def _narrowest_needed(
    columns: list[_Column], negatives: list[list[str]], *, require: bool
) -> tuple[int, ...] | None:
    """The cheapest choice of an option per column that rejects every negative some option
    can reject (`require`: at least one column narrower than its default), or None."""
    rejected = [
        [frozenset(k for k, v in enumerate(negatives) if not o.fits(v[i])) for o in c.options]
        for i, c in enumerate(columns)
    ]
    excludable = frozenset().union(*(s for per in rejected for s in per))
    choices = [range(len(c.options)) for c in columns]
    count = 1
    for c in columns:
        count *= len(c.options)
    if count > MAX_COMBINATIONS:  # narrow one column at a time, cheapest useful step first
        return _greedy(columns, rejected, excludable, require=require)
    best: tuple[tuple[int, int], tuple[int, ...]] | None = None
    for combo in itertools.product(*choices):
        if require and not any(combo):
            continue
        covered = frozenset().union(*(rejected[i][j] for i, j in enumerate(combo)))
        if covered != excludable:
            continue
        key = (sum(columns[i].options[j].cost for i, j in enumerate(combo)), sum(map(bool, combo)))
        if best is None or key < best[0]:
            best = (key, combo)
    return best[1] if best else None


def _greedy(
    columns: list[_Column],
    rejected: list[list[frozenset[int]]],
    excludable: frozenset[int],
    *,
    require: bool,
) -> tuple[int, ...] | None:
    combo = [0] * len(columns)
    covered: frozenset[int] = frozenset()
    while covered != excludable or (require and not any(combo)):
        steps = [
            (len(rejected[i][j] - covered), -columns[i].options[j].cost, i, j)
            for i, c in enumerate(columns)
            for j in range(1, len(c.options))
            if j != combo[i]
        ]
        if not steps:
            return None
        gain, _, i, j = max(steps)
        if gain == 0 and not (require and not any(combo)):
            return None
        combo[i] = j
        covered = frozenset().union(*(rejected[k][m] for k, m in enumerate(combo)))
    return tuple(combo)


def article_patterns(checks: Iterable[PatternCheck]) -> tuple[str, ...]:
    return tuple(c.pattern for c in checks if c.pattern)


def matches_any(patterns: Iterable[re.Pattern[str]], url: str) -> bool:
    """As the spider matches: the URL as given, else its canonical form."""
    compiled = list(patterns)
    if any(p.search(url) for p in compiled):
        return True
    canonical = canonicalize_url(url)
    return canonical != url and any(p.search(canonical) for p in compiled)
