"""Turn response bytes into text with the right charset.

Order of trust: the HTTP charset, then a BOM, then <meta charset>/<meta http-equiv> (w3lib scans
the head for both), then detection. Arabic legacy pages (fatehwatan.ps) declare windows-1256
only in a meta tag; w3lib maps the WHATWG labels (windows-1256, cp1256, ...) to Python codecs.
Pages that declare nothing and are not UTF-8 are tried as Arabic code pages before generic
detection, which mistakes Arabic bytes for Icelandic or Cyrillic.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, resolve_encoding

logger = logging.getLogger(__name__)


# Arabic single-byte code pages, most used first. Generic detection scores Arabic bytes poorly
# (a windows-1256 page came out as mac_iceland mojibake), so these are tried first.
ARABIC_CODEPAGES = ("cp1256", "iso8859_6")
ARABIC_SHARE = 0.6  # of the non-ASCII letters, decoded as Arabic letters
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


def _arabic_codepage(data: bytes) -> str | None:
    """The Arabic code page under which the non-ASCII bytes read as Arabic letters, if any."""
    best, best_share = None, ARABIC_SHARE
    for codec in ARABIC_CODEPAGES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        high = [ch for ch in text if ord(ch) > 0x7F and ch.isalpha()]
        if not high:
            return None
        share = sum(1 for ch in high if _ARABIC_LETTER.match(ch)) / len(high)
        if share > best_share:
            best, best_share = codec, share
    return best


def _detect(data: bytes) -> str | None:
    """Guess an encoding when nothing is declared: strict UTF-8, then an Arabic code page
    when the bytes read as Arabic there, then charset detection."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    arabic = _arabic_codepage(sample)
    if arabic:
        return arabic
    best = from_bytes(sample).best()
    return best.encoding if best is not None else "cp1256"


def decode_html(html: bytes | str, http_encoding: str | None = None) -> tuple[str, str]:
    """Return (text, codec name used). Strings pass through as already decoded."""
    if isinstance(html, str):
        return html, "unicode"
    content_type = None
    if http_encoding:
        label = resolve_encoding(http_encoding.strip().strip("\"'"))
        if label:
            content_type = f"text/html; charset={label}"
        else:
            logger.debug("unknown HTTP charset %r, ignored", http_encoding)
    encoding, text = html_to_unicode(content_type, html, auto_detect_fun=_detect)
    with contextlib.suppress(LookupError):
        encoding = codecs.lookup(encoding).name
    return text, encoding
