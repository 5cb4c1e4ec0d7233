"""Text from web pages on its way to a terminal or a config file.

A page can put ESC sequences in its title or og:site_name: printed raw they clear the screen,
set the window title or write the clipboard (OSC 52), and a bidi override (U+202E) makes a URL
or a name read differently from what it is. So what a command prints from a page or from the
database goes through `printable()` (the characters shown as escapes: nothing is hidden, nothing
acts) or, as JSON, `printable_json()`, and a value that khabar keeps, such as a site's display
name, through `without_controls()`. Stored article text has lost its control characters already
(crawler.arabic.strip_controls, at normalise), but a database may hold older rows, or another
tool's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.arabic import CONTROL_CHARACTERS

# The bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): a terminal
# that lays out bidi text lets them reorder the rest of the line ("Trojan Source",
# CVE-2021-42574). The marks (LRM, RLM, ALM) only affect their neighbours: Arabic text needs them,
# and they stay.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
LINE_SEPARATORS = "\u2028\u2029"  # some terminals break lines there
# CONTROL_CHARACTERS (C0 but tab and newline, DEL, C1), the separators and the bidi controls.
UNSAFE = re.compile(f"[{CONTROL_CHARACTERS}{LINE_SEPARATORS}{BIDI_CONTROLS}]")
_UNSAFE_ON_ONE_LINE = re.compile(f"[{CONTROL_CHARACTERS}\t\n{LINE_SEPARATORS}{BIDI_CONTROLS}]")
# In JSON text the C0 controls are escapes already; DEL, C1 and the rest are not.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{LINE_SEPARATORS}{BIDI_CONTROLS}]")
_SPACES = re.compile(r"\s+")


def _escaped(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every unsafe character written as its escape (`\\x1b`, `\\u202e`);
    `one_line`: tab and newline too, for a value printed on a line with others (a title in a
    search hit), which must not fake the lines around it."""
    return (_UNSAFE_ON_ONE_LINE if one_line else UNSAFE).sub(_escaped, text)


def printable_json(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON, letters as themselves, with no character that could act on a terminal:
    the JSON means the same, DEL, C1, the separators and bidi controls being `\\uXXXX` escapes."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def without_controls(text: str) -> str:
    """`text` without unsafe characters, its whitespace runs (newlines too) as one space."""
    return _SPACES.sub(" ", UNSAFE.sub("", text)).strip()
