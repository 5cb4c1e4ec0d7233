"""Arabic text normalisation for matching: deduplication fingerprints and full-text search.

Everything here produces a *matching form*. Stored display text is never altered: callers keep the
original string and pass it through these pure functions when they need a key, a fingerprint or
an FTS column.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["arabic_ratio", "fts_text", "fts_tokens", "normalize"]

# --- normalize ------------------------------------------------------------------------------------

_DROP = [
    *range(0x064B, 0x0660),  # harakat, shadda, sukun, hamza/madda combining marks
    0x0670,  # superscript (dagger) alef
    *range(0x06D6, 0x06EE),  # Quranic annotation marks
    0x0640,  # tatweel
    *range(0x200B, 0x2010),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
    *range(0x2066, 0x206A),  # LRI RLI FSI PDI
    0xFEFF,  # BOM / zero-width no-break space
    0x061C,  # Arabic letter mark
    0x00AD,  # soft hyphen
    0x2060,  # word joiner
]

_FOLD = {
    # alef variants -> bare alef
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",  # alef maksura written for final yeh (Egyptian "فى") and vice versa
    "ة": "ه",  # teh marbuta is often typed as heh
    # hamza on a seat -> bare hamza (see normalize docstring)
    "ؤ": "ء",
    "ئ": "ء",
    # Persian/Urdu/Kurdish forms that Arabic sites (and Iranian CMSs) emit for Arabic letters
    "ک": "ك",  # U+06A9 keheh
    "ڪ": "ك",  # U+06AA swash kaf
    "ی": "ي",  # U+06CC Farsi yeh
    "ې": "ي",  # U+06D0
    "ہ": "ه",  # U+06C1 heh goal (Urdu)
    "ۂ": "ه",  # U+06C2
    "ە": "ه",  # U+06D5 ae (Kurdish)
    "ۀ": "ه",  # U+06C0 heh with yeh above (Persian ezafe)
    # digits and Arabic punctuation with an ASCII twin
    "٪": "%",
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
}
_FOLD.update({chr(0x0660 + i): str(i) for i in range(10)})  # Eastern Arabic digits
_FOLD.update({chr(0x06F0 + i): str(i) for i in range(10)})  # Persian digits

_MAPPING: dict[int, str | None] = {cp: None for cp in _DROP}
_MAPPING.update({ord(k): v for k, v in _FOLD.items()})
# str.translate with a list is ~3x faster than with a dict. Presentation forms are gone after
# NFKC, so the list stops below U+2070 (higher code points raise IndexError = keep) and U+FEFF,
# the one mapped character above it, is removed separately.
_LIST_END = 0x2070
_TABLE: list[int | str | None] = list(range(_LIST_END))
for _cp, _to in _MAPPING.items():
    if _cp < _LIST_END:
        _TABLE[_cp] = _to


def normalize(text: str) -> str:
    """Return the matching form of ``text`` (a new string; the input is never modified).

    Steps, in order:

    * NFKC, so presentation forms (ﻻ, ﷲ, ﺍﻟ…) and compatibility characters become plain letters,
      and decomposed sequences (و + U+0654) compose before the marks are stripped.
    * Drop harakat U+064B–U+065F, superscript alef U+0670, Quranic marks U+06D6–U+06ED, tatweel,
      zero-width and bidi controls (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF, U+061C),
      soft hyphen and word joiner. ZWNJ is dropped, not turned into a space, so Persian
      ``می‌خواهد`` and the common unjoined spelling ``میخواهد`` meet.
    * Fold أ إ آ ٱ → ا, ى → ي, ة → ه.
    * Hamza seats: ؤ and ئ → bare ء, and the old spelling يء (ىء) → ء. Writers disagree on the seat:
      Levantine مسؤول/شؤون vs Egyptian مسئول/شئون (youm7 is Egyptian), شاطئ vs شاطىء, شيء vs شئ;
      and the seat changes with the case ending of one word (رؤساؤهم/رؤسائهم/رؤساءهم). Folding
      ؤ → و and ئ → ي (the other common choice) would keep مسؤول and مسئول apart, so we fold
      the seat away and keep the hamza itself (dropping ء would merge ماء with ما).
    * Persian/Urdu/Kurdish forms of Arabic letters: ک ڪ → ك, ی ې → ي, ہ ۂ ە ۀ → ه. Iranian
      Arabic-language sites type Arabic with a Persian keyboard; these are the same letters.
      Persian-only letters (پ چ ژ گ) are kept: folding them would invent matches.
    * Eastern Arabic ٠-٩ and Persian ۰-۹ digits → ASCII; ٪ ٫ ٬ → % . ,
    * Lowercase (Latin), collapse whitespace runs to one space, strip the ends.
    """
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if "يء" in text:
        text = text.replace("يء", "ء")
    return " ".join(text.split()).lower()


# --- tokens for FTS -------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")  # letters and digits: the same classes SQLite's unicode61 keeps

# Minimum number of letters that must remain after peeling each kind of proclitic.
MIN_STEM_CONJ = 3  # و ف  : وقال → قال, but ولد stays ولد (not لد)
MIN_STEM_ARTICLE = 3  # ال  : الخارجية → خارجيه, but الله, الذي, التي stay whole
MIN_STEM_PREP = 4  # ب ك ل (bare, without ال): بوزير → وزير, but كتاب stays (not تاب), and
#                     وكالة → كاله stops there (not اله, which would match إله)


def _peel(word: str) -> str:
    """Strip a chain of Arabic proclitics from one normalised word.

    The loop peels one proclitic at a time from the left while enough letters remain:
    ``لل`` → ``ال`` (ل + ال loses its alef: للخارجية is ل + الخارجية, لله is ل + الله), then
    ``ال`` (MIN_STEM_ARTICLE), ``و``/``ف`` (MIN_STEM_CONJ), bare ``ب``/``ك``/``ل`` (MIN_STEM_PREP).
    Any chain is accepted (و ف ب ك ل ال وال فال بال كال لل وبال ولل فلل وو ...), which makes the
    result independent of how many clitics precede a word: peel(p + w) == peel(w) whenever w
    itself is long enough for each peel (so ببيت stays apart from بيت). The price is
    that long words beginning with a root و/ف/ب/ك/ل are peeled too (وزير → زير, فريق → ريق);
    both the index and the query peel the same way, so that only costs a rare collision with
    another word (زير). No suffixes are removed.
    """
    while True:
        n = len(word)
        if word.startswith("لل") and n >= 3:
            if word == "لله":  # ل + الله: the one word where three lams are written as two
                return "الله"
            word = "ا" + word[1:]  # ل + ال lost its alef: للخارجية → الخارجية
            continue
        if word.startswith("ال") and n - 2 >= MIN_STEM_ARTICLE:
            word = word[2:]
            continue
        first = word[:1]
        if first in ("و", "ف") and n - 1 >= MIN_STEM_CONJ:
            word = word[1:]
            continue
        if first in ("ب", "ك", "ل") and n - 1 >= MIN_STEM_PREP:
            word = word[1:]
            continue
        return word


def fts_tokens(text: str) -> list[str]:
    """Normalised, clitic-peeled words of ``text`` for the FTS index and for queries, in order.

    ``normalize()``, split on anything that is not a letter or digit, then peel Arabic proclitics
    (see ``_peel``): والخارجية, فالخارجية, بالخارجية, للخارجية, كالخارجية, الخارجية and خارجية
    all become خارجيه; ووزير and وزير meet; ولد, الله, الذي keep their letters because peeling
    would leave fewer than three (four after a bare ب/ك/ل). Latin and digit tokens are only
    lowercased.
    """
    return [_peel(w) for w in _WORD.findall(normalize(text))]


def fts_text(text: str) -> str:
    """What goes into the FTS5 column; the query side runs the same function."""
    return " ".join(fts_tokens(text))


# --- script and language checks ------------------------------------------------------------------

_ARABIC_BLOCKS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


_ARABIC_SCRIPT = re.compile(
    "[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _ARABIC_BLOCKS) + "]+"
)


def arabic_ratio(text: str) -> float:
    """Share of the letters in ``text`` that are Arabic-script (0.0 when there are no letters).

    Used to reject pages that are mostly another script (English editions, mis-routed feeds).
    Counted with C loops (str.isalpha mapped, a regex for the blocks): it runs on every page.
    """
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0.0
    arabic = sum(map(str.isalpha, "".join(_ARABIC_SCRIPT.findall(text))))
    return arabic / letters
