"""The HTTP exchange a kept page carries: header pairs as sent, for the WARC records it becomes.

Its own small module, importing nothing of ours: the spider fills an item's headers with it, and
the WARC reader and writer share its names. Headers are [name, value] pairs in the order they
were sent (a name may repeat: Set-Cookie, Link); bytes are Latin-1, as HTTP/1.1 defines them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Our own credentials never go into an archive that is meant to be shared.
CREDENTIALS = frozenset({"cookie", "authorization", "proxy-authorization"})
# request.meta: the capture time of a page read from a WARC record (ISO-8601), which an import
# stores as the page's fetch time instead of the time it was read.
META_FETCHED_AT = "fetched_at"


def header_pairs(
    headers: Mapping[bytes, Iterable[bytes]], drop: frozenset[str] = frozenset()
) -> list[list[str]]:
    """[name, value] pairs of a Scrapy Headers object (every value of a repeated name), less
    the names in `drop` (lower-case)."""
    return [
        [name.decode("latin-1"), value.decode("latin-1")]
        for name, values in headers.items()
        if name.decode("latin-1").lower() not in drop
        for value in values
    ]
