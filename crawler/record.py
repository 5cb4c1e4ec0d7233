"""The article record, defined once: the item that flows spider → pipelines → store.

Each field says in its metadata which stage fills it and how it is stored; every list of field
names the pipelines, the store, the schema check and `khabar extract` use is derived here, so a
new field is one edit (plus its migration), never a silent drop. `to_wire`/`from_wire` turn items
into JSON-safe dicts and back, for queues between processes (the distributed mode's Redis).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal, get_type_hints

Stage = Literal["discovery", "extract", "normalise", "deduplicate"]
# article: an articles column rewritten whenever the extraction changes (and kept in revisions
#          if `revised`); key: an articles column set when the row is created; visit: an
#          articles column refreshed by every fetch; page: the pages table (raw page kept for
#          `khabar reextract`); None: not stored as such (MinHash and duplicate links go to
#          their own tables, diagnostics are only logged and counted).
Stored = Literal["article", "key", "visit", "page"] | None


def _field(
    stage: Stage,
    *,
    stored: Stored = None,
    json: bool = False,
    one_line: bool = False,
    revised: bool = False,
    shown: bool = False,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
    repr: bool = True,
) -> Any:
    """A dataclass field with khabar's metadata: `json` columns hold JSON text, `one_line`
    text has its whitespace collapsed, `revised` fields are kept in article_revisions when an
    article changes, `shown` fields are what `khabar extract` prints."""
    metadata = {
        "stage": stage,
        "stored": stored,
        "json": json,
        "one_line": one_line,
        "revised": revised,
        "shown": shown,
    }
    return field(default=default, default_factory=default_factory, repr=repr, metadata=metadata)


@dataclass
class ArticleItem:
    """One fetched article page; pipelines fill the fields in ITEM_PIPELINES order."""

    # discovery (spider)
    url: str = _field("discovery", stored="key", shown=True)
    site: str = _field("discovery", stored="key")
    found_via: str = _field("discovery", stored="key")  # feed | sitemap | listing
    html: bytes = _field("discovery", stored="page", default=b"", repr=False)
    http_encoding: str | None = _field("discovery", stored="page", default=None)
    http_status: int = _field("discovery", stored="visit", default=200)
    fetched_at: str = _field("discovery", default="")  # first_seen_at / last_seen_at
    hints: dict[str, str] = _field("discovery", stored="page", default_factory=dict)
    # The HTTP exchange as [name, value] pairs in the order sent (crawler/warc/headers.py), kept
    # with the raw page so `khabar export-warc` writes the original response and request.
    response_headers: list[list[str]] = _field("discovery", stored="page", default_factory=list)
    request_headers: list[list[str]] = _field("discovery", stored="page", default_factory=list)
    source_lastmod: str | None = _field("discovery", stored="visit", default=None)
    # content (extract)
    canonical_hint: str | None = _field("extract", default=None)
    title: str | None = _field(
        "extract", stored="article", one_line=True, revised=True, shown=True, default=None
    )
    kicker: str | None = _field(
        "extract", stored="article", one_line=True, revised=True, shown=True, default=None
    )
    author: str | None = _field(
        "extract", stored="article", one_line=True, revised=True, shown=True, default=None
    )
    section: str | None = _field(
        "extract", stored="article", one_line=True, shown=True, default=None
    )
    tags: list[str] = _field(
        "extract", stored="article", json=True, shown=True, default_factory=list
    )
    published_at: str | None = _field("extract", stored="article", shown=True, default=None)
    published_precision: str | None = _field("extract", stored="article", shown=True, default=None)
    modified_at: str | None = _field(
        "extract", stored="article", revised=True, shown=True, default=None
    )
    date_source: str | None = _field("extract", stored="article", default=None)
    date_rejections: list[str] = _field("extract", default_factory=list)
    # what parsing could not keep as the page has it (extract/page.py PARSE_WARNINGS)
    extract_warnings: list[str] = _field("extract", default_factory=list)
    field_sources: dict[str, str] = _field(  # shown: a user sees at once what is weak
        "extract", stored="article", json=True, shown=True, default_factory=dict
    )
    language: str | None = _field("extract", stored="article", shown=True, default=None)
    body: str = _field(
        "extract", stored="article", revised=True, shown=True, default="", repr=False
    )
    word_count: int = _field("extract", stored="article", default=0)
    image_url: str | None = _field("extract", stored="article", shown=True, default=None)
    page_kind: str = _field("extract", default="article")
    minhash: bytes = _field("extract", default=b"", repr=False)  # → article_minhash
    # keys (normalise)
    canonical_url: str = _field("normalise", stored="key", default="")
    content_hash: str = _field("normalise", stored="article", revised=True, default="")
    # duplicates (deduplicate) → the near-duplicate group
    near_duplicates: list[str] = _field("deduplicate", default_factory=list)


@dataclass
class GoneArticle:
    """A known article whose page now answers 404/410: the store marks it `gone` (kept)."""

    site: str
    canonical_url: str
    http_status: int


_FIELDS = {f.name: f for f in dataclasses.fields(ArticleItem)}


def _names(**wanted: Any) -> tuple[str, ...]:
    return tuple(
        name
        for name, f in _FIELDS.items()
        if all(f.metadata[key] == value for key, value in wanted.items())
    )


def empty_value(name: str) -> Any:
    """The value an ArticleItem field has when nothing filled it."""
    f = _FIELDS[name]
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


EXTRACTED_FIELDS = _names(stage="extract")
ONE_LINE_FIELDS = _names(one_line=True)
ARTICLE_FIELDS = _names(stored="article")  # the extracted columns of an articles row
JSON_FIELDS = _names(json=True)
REVISION_FIELDS = _names(revised=True)
SHOWN_FIELDS = _names(shown=True)
# Every articles column the record fills; the rest are the store's own bookkeeping.
ARTICLE_COLUMNS = ARTICLE_FIELDS + _names(stored="key") + _names(stored="visit")
STORE_COLUMNS = (
    "id",
    "dup_group",
    "first_seen_at",
    "last_seen_at",
    "updated_at",
    "crawl_id",
    "status",
)

# -- wire format ---------------------------------------------------------------------------------

WIRE_KINDS: dict[str, type[ArticleItem] | type[GoneArticle]] = {
    "article": ArticleItem,
    "gone": GoneArticle,
}


def _bytes_fields(cls: type) -> frozenset[str]:
    hints = get_type_hints(cls)
    return frozenset(f.name for f in dataclasses.fields(cls) if hints[f.name] is bytes)


_BYTES = {kind: _bytes_fields(cls) for kind, cls in WIRE_KINDS.items()}


def to_wire(item: ArticleItem | GoneArticle) -> dict[str, Any]:
    """The item as a JSON-safe dict (bytes as base64), tagged with its kind."""
    kind = next(k for k, cls in WIRE_KINDS.items() if type(item) is cls)
    out: dict[str, Any] = {"kind": kind}
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if f.name in _BYTES[kind]:
            value = base64.b64encode(value).decode("ascii")
        out[f.name] = value
    return out


def from_wire(data: dict[str, Any]) -> ArticleItem | GoneArticle:
    """The item `to_wire` made; ValueError on an unknown kind or field (never a silent drop)."""
    if not isinstance(data, dict):  # valid JSON, but `null`, a list, a number…
        raise ValueError(f"not a khabar item: a JSON {type(data).__name__}, not an object")
    values = dict(data)
    kind = values.pop("kind", None)
    cls = WIRE_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"not a khabar item: kind {kind!r}")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown {kind} fields: {', '.join(unknown)}")
    try:
        for name in _BYTES[kind] & set(values):
            values[name] = base64.b64decode(values[name], validate=True)
        return cls(**values)
    except (TypeError, binascii.Error) as exc:  # a required field missing, bad base64
        raise ValueError(f"bad {kind} item: {exc}") from None
