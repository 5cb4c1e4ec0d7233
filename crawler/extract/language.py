"""Language of the article text: Arabic, the other languages written in the Arabic script
(Persian, Urdu, Kurdish Sorani, Pashto, Uyghur), or another script.

Decided on the extracted text, not on what the page declares: themes declare a wrong default
(beirutobserver says en-US for Arabic text, a Pashto page says fa), and on the labelled set of
tests/support/language_samples.py trusting the declaration over the text lost accuracy
(bench/languages.py). The declaration (`<html lang>`, og:locale, JSON-LD inLanguage) decides only
when the text cannot: no body (a listing, an empty page: rejected whatever its language), or a
script other than Arabic.

Arabic-script text goes to py3langid (langid.py's model, shipped in its wheel; what Media Cloud
uses), restricted to the Arabic-script languages: it measured better than letter and
function-word rules (bench/languages.py). Its model costs ~75 MB and a second to load, so text
that is plainly Arabic skips it: no letter of Persian's neighbours' alphabets (Urdu ے ں ٹ, Pashto
ټ ښ ګ, Kurdish ێ ڵ ڕ ە, Uyghur ۇ ۈ ۋ) and the definite article on a sixth of the words or more,
which no other language here writes (Persian and Urdu borrow a few ال words; Arabic typed on a
Persian keyboard with ی ک keeps its article).
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from crawler.arabic import arabic_ratio

from .jsonld import first
from .page import Page

# py3langid's labels for the Arabic-script languages, and the codes we store: its Egyptian and
# Moroccan Arabic are Arabic; its Kurdish (ku, and sdh, which is what it answers for Sorani
# prose) written in the Arabic script is Sorani.
_MODEL_LABELS = {
    "ar": "ar",
    "arz": "ar",
    "ary": "ar",
    "fa": "fa",
    "ur": "ur",
    "ps": "ps",
    "ug": "ug",
    "ku": "ckb",
    "sdh": "ckb",
}
# Letters of Urdu, Pashto, Kurdish and Uyghur that Arabic never writes (ڤ and ڭ are left out:
# Maghrebi Arabic spells names with them).
OTHER_LETTERS = frozenset("ےںٹڈڑۓ" "ټډړږښګڼځڅۍې" "ێڵڕەۆ" "ۇۈۋ")
_ARTICLE = ("ال", "وال", "بال", "فال", "كال", "لل")
MIN_ARTICLE_SHARE = 0.15  # Arabic news: ≥ 0.16 of words on every corpus page; Persian ≤ 0.01
SAMPLE_CHARS = 1500


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(_MODEL_LABELS))
    return identifier


def _plainly_arabic(text: str) -> bool:
    if any(c in OTHER_LETTERS for c in text):
        return False
    words = [w for w in text.split() if w[0].isalpha()]
    article = sum(1 for w in words if w.startswith(_ARTICLE))
    return bool(words) and article >= MIN_ARTICLE_SHARE * len(words)


def arabic_script_language(text: str) -> str:
    """ar, fa, ur, ckb, ps or ug for text written in the Arabic script."""
    if _plainly_arabic(text):
        return "ar"
    label, _ = _identifier().classify(text)
    return _MODEL_LABELS[label]


def declared_language(page: Page) -> str | None:
    """The page's own word on its language: <html lang>, og:locale, JSON-LD inLanguage."""
    ld = first(page.ld_articles, "inLanguage") or first(page.jsonld, "inLanguage")
    if isinstance(ld, dict):
        ld = ld.get("alternateName") or ld.get("name")
    for value in (page.tree.get("lang"), page.meta("og:locale"), ld):
        if isinstance(value, str) and value.strip():
            return value.strip().replace("_", "-").split("-")[0].lower()
    return None


def detect_language(text: str, declared: str | None = None) -> str | None:
    sample = (text or "")[:SAMPLE_CHARS]
    if not sample.strip():
        return declared
    if arabic_ratio(sample) >= 0.5:
        return arabic_script_language(sample)
    letters = [c for c in sample if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    if declared and declared not in ("ar", "fa"):
        return declared
    if letters and latin / len(letters) > 0.8:
        return "en"
    return declared
