"""Language of the article text: Arabic vs Persian (same script) vs other.

Decided on the extracted text, not on <html lang> (beirutobserver says en-US for Arabic text);
the lang attribute only breaks ties for non-Arabic-script text.
"""

from __future__ import annotations

from crawler.arabic import arabic_ratio, looks_persian


def detect_language(text: str, html_lang: str | None = None) -> str | None:
    sample = (text or "")[:1500]
    declared = (html_lang or "").split("-")[0].split("_")[0].lower() or None
    if not sample.strip():
        return declared
    if arabic_ratio(sample) >= 0.5:
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
