"""Language of the article text: Arabic vs Persian vs Urdu (same script) vs other.

Decided on the extracted text, not on <html lang> (beirutobserver says en-US for Arabic text);
the lang attribute only breaks ties for non-Arabic-script text. Urdu is told by letters Arabic
and Persian never write (ے ں ٹ ڈ ڑ, and ھ in every aspirate: پھر، تھا، بھی).
"""

from __future__ import annotations

from crawler.arabic import arabic_ratio, looks_persian

URDU_ONLY = frozenset("ےںٹڈڑۓ")
URDU_LETTERS = URDU_ONLY | {"ھ"}  # some Arabic sites type ھ for ه: alone it proves nothing
MIN_URDU_SHARE = 0.01  # of the letters; Urdu prose has several in every sentence


def looks_urdu(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    urdu = sum(1 for c in letters if c in URDU_LETTERS)
    only = sum(1 for c in letters if c in URDU_ONLY)
    return only >= 2 and urdu >= MIN_URDU_SHARE * len(letters)


def detect_language(text: str, html_lang: str | None = None) -> str | None:
    sample = (text or "")[:1500]
    declared = (html_lang or "").split("-")[0].split("_")[0].lower() or None
    if not sample.strip():
        return declared
    if arabic_ratio(sample) >= 0.5:
        if looks_urdu(sample):
            return "ur"
        if looks_persian(sample):
            return "fa"
        if declared in ("ur", "ps", "ku", "ckb", "sd", "ug"):
            return declared
        return "ar"
    letters = [c for c in sample if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    if declared and declared not in ("ar", "fa"):
        return declared
    if letters and latin / len(letters) > 0.8:
        return "en"
    return declared
