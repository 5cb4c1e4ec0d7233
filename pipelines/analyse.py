"""The job an extraction worker runs: a page's article record and its MinHash signature.

Its own module, importing only extraction and fingerprinting: a spawned worker imports the
module of the function it is given, and pipelines/extract.py would bring Scrapy and Twisted
into every worker (~60 MB each) for nothing.
"""

from __future__ import annotations

from typing import Any

from crawler.extract import extract_article
from crawler.extract.rules import ExtractionRules
from crawler.fingerprint import NearDupIndex, minhash


def analyse_page(
    html: bytes,
    url: str,
    rules: ExtractionRules,
    *,
    http_encoding: str | None,
    hints: dict[str, str],
) -> dict[str, Any]:
    """The article record of a page plus the MinHash signature of its body.

    Runs in a worker process: the signature is CPU work too, and computing it here keeps the
    reactor process free for downloading.
    """
    record = extract_article(html, url, rules, http_encoding=http_encoding, hints=hints)
    record["minhash"] = NearDupIndex.signature_to_bytes(minhash(record.get("body") or ""))
    return record
