"""Turn response bytes into text with the right charset.

Order of trust: a BOM, then the HTTP charset, then <meta charset>/<meta http-equiv> (w3lib scans
the head for both), then detection. Arabic legacy pages (fatehwatan.ps) declare windows-1256
only in a meta tag; w3lib maps the WHATWG labels (windows-1256, cp1256, ...) to Python codecs.

A declaration can be wrong: old Arabic sites send windows-1256 bytes under ``charset=utf-8`` or
``iso-8859-1``, or UTF-8 under ``windows-1256``. Decoded as declared, such a page is stored as
U+FFFD or as mojibake that language detection still calls Arabic (or Urdu, and drops). So a
declared charset is used only when the bytes bear it out (``_fits``): they decode strictly, and for
a single-byte code page (which decodes any bytes) the result is plausible. Otherwise the page is
decoded as detected. Pages that declare nothing and are not UTF-8 are tried as Arabic code pages
before generic detection, which mistakes Arabic bytes for Icelandic or Cyrillic.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
from functools import cache

from charset_normalizer import from_bytes
from charset_normalizer.utils import is_multi_byte_encoding
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

__all__ = ["SNIFF_BYTES", "decode_html", "is_binary"]

logger = logging.getLogger(__name__)


# Arabic single-byte code pages, most used first. Generic detection scores Arabic bytes poorly
# (a windows-1256 page came out as mac_iceland mojibake), so these are tried first.
ARABIC_CODEPAGES = ("cp1256", "iso8859_6")
ARABIC_SHARE = 0.6  # of the non-ASCII letters, decoded as Arabic letters
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")

SAMPLE_BYTES = 200_000  # detection and the plausibility checks read this much of a page
SNIFF_BYTES = 8192  # like grep and git: a NUL byte in the first 8 KB means binary data

# A page whose declared UTF-8 has a few broken sequences (a title cut mid-letter, one pasted
# windows-1256 word) is still UTF-8: at most one bad sequence per this many good non-ASCII
# characters. Windows-1256 Arabic read as UTF-8 is almost all bad sequences.
UTF8_BAD_RATIO = 100
# Among the words that have non-ASCII letters, the share made of one script's letters alone above
# which the text is written in that script (see _whole_words).
WHOLE_WORD_SHARE = 0.5
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile(r"[\u00c0-\u024f]")  # Latin-1 letters, Latin Extended-A and -B


def _arabic_codepage(data: bytes) -> str | None:
    """The Arabic code page under which the bytes read as Arabic, if any: most non-ASCII letters
    are Arabic letters, and most words with them are Arabic words (see _whole_words)."""
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
        if share > best_share and _whole_words(text, _ARABIC_SCRIPT):
            best, best_share = codec, share
    return best


def _whole_words(text: str, script: re.Pattern[str]) -> bool:
    """Whether most words with non-ASCII letters are made of ``script`` letters alone.

    Arabic words are, and so is their Latin mojibake (ÚäæÇä ÚÑÈí for عنوان عربي), while the
    accents of French, Spanish or German sit in ASCII words (café, está, für): their bytes can
    look like Arabic letters in windows-1256 (á ل, í ي, ä ن), but never make Arabic words."""
    accented = [w for w in _WORD.findall(text) if not w.isascii()]
    if not accented:
        return False
    whole = sum(1 for w in accented if all(script.match(ch) for ch in w))
    return whole / len(accented) > WHOLE_WORD_SHARE


def _utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM, from where its NUL bytes fall: markup is ASCII, so in little-endian
    every ASCII character is followed by a NUL and in big-endian preceded by one, while a NUL on
    the other side would be a rare character (U+0100, U+2000). Binary data has NULs on both."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 16:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.1 and nul_even * 20 < nul_odd:
        return "utf-16-le"
    if nul_even > 0.1 and nul_odd * 20 < nul_even:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8, or UTF-8 with a few broken sequences (see UTF8_BAD_RATIO)."""
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - bad  # the other non-ASCII characters
    return good >= bad * UTF8_BAD_RATIO


def _has_multibyte_utf8(data: bytes) -> bool:
    """Valid UTF-8 with non-ASCII characters: single-byte text (Arabic or Latin) never is, since
    its letters follow each other where UTF-8 wants continuation bytes."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@cache
def _single_byte(codec: str) -> bool:
    return not is_multi_byte_encoding(codecs.lookup(codec).name.replace("-", "_"))


def _fits(data: bytes, codec: str) -> str | None:
    """The page decoded with its declared ``codec``, or None when the bytes say it is wrong:
    they do not decode (beyond a few bad UTF-8 sequences), the markup does not read as markup
    (an ASCII page declaring UTF-16), or a single-byte code page, which decodes anything, is
    contradicted by valid multi-byte UTF-8 or gives Latin mojibake of bytes that read as Arabic
    in an Arabic code page (ÚäæÇä ÚÑÈí for عنوان عربي)."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        if codecs.lookup(codec).name != "utf-8" or not _mostly_utf8(data):
            return None
        text = data.decode(codec, "replace")
    except LookupError:
        return None
    if "<" not in text[:SNIFF_BYTES]:
        return None
    if _single_byte(codec):
        sample = data[:SAMPLE_BYTES]
        if _has_multibyte_utf8(sample):
            return None
        if _whole_words(text[:SAMPLE_BYTES], _LATIN_LETTER) and _arabic_codepage(sample):
            return None
    return text


def _detect(data: bytes) -> str:
    """Guess an encoding when nothing (true) is declared: UTF-16 by its NULs, (mostly) UTF-8,
    then an Arabic code page when the bytes read as Arabic there, then charset detection."""
    sample = data[:SAMPLE_BYTES]
    utf16 = _utf16(sample[:SNIFF_BYTES])
    if utf16:
        return utf16
    if _mostly_utf8(sample):
        return "utf-8"
    arabic = _arabic_codepage(sample)
    if arabic:
        return arabic
    best = from_bytes(sample).best()
    return best.encoding if best is not None else "cp1256"


def _declared(data: bytes, http_encoding: str | None) -> list[str]:
    """The charsets declared for the page, as Python codecs: the HTTP header's, then the one
    its <meta> gives (servers often send a default ISO-8859-1 over a page's own windows-1256)."""
    declared = []
    if http_encoding:
        label = resolve_encoding(http_encoding.strip().strip("\"'"))
        if label:
            declared.append(label)
        else:
            logger.debug("unknown HTTP charset %r, ignored", http_encoding)
    meta = html_body_declared_encoding(data)
    if meta and meta not in declared:
        declared.append(meta)
    return declared


def decode_html(html: bytes | str, http_encoding: str | None = None) -> tuple[str, str]:
    """Return (text, codec name used). Strings pass through as already decoded."""
    if isinstance(html, str):
        return html, "unicode"
    bom_codec, bom = read_bom(html)
    if bom_codec is not None and bom is not None:  # the bytes' own statement
        return html[len(bom) :].decode(bom_codec, "replace"), bom_codec
    declared = _declared(html, http_encoding)
    for codec in declared:
        text = _fits(html, codec)
        if text is not None:
            return text, _name(codec)
    codec = _detect(html)
    if declared:
        logger.info("declared charset %s does not fit the bytes: read as %s", declared[0], codec)
    return html.decode(codec, "replace"), _name(codec)


def _name(codec: str) -> str:
    with contextlib.suppress(LookupError):
        return codecs.lookup(codec).name
    return codec


def is_binary(data: bytes) -> bool:
    """Whether ``data`` is not a page of text: a NUL byte in its first SNIFF_BYTES, unless it is
    UTF-16 or UTF-32 (a BOM, or UTF-16's pattern of NULs), where NULs are part of the text."""
    head = data[:SNIFF_BYTES]
    return b"\0" in head and read_bom(head)[0] is None and _utf16(head) is None
