"""Turn response bytes into text with the right charset.

Order of trust: the HTTP charset, then a BOM, then <meta charset>/<meta http-equiv> (w3lib scans
the head for both), then detection. Arabic legacy pages (fatehwatan.ps) declare windows-1256
only in a meta tag; w3lib maps the WHATWG labels (windows-1256, cp1256, ...) to Python codecs.
"""

from __future__ import annotations

import codecs
import contextlib
import logging

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, resolve_encoding

logger = logging.getLogger(__name__)


def _detect(data: bytes) -> str | None:
    """Guess an encoding when nothing is declared: strict UTF-8 first, then cp1256."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
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
