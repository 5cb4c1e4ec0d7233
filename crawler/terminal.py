"""Text from web pages on its way to a terminal or a config file.

A page can put ESC sequences in its title or og:site_name: printed raw they clear the screen,
set the window title or write the clipboard (OSC 52), and a bidi override (U+202E) makes a URL
or a name read differently from what it is. So what a command prints from a page goes through
`printable()` (the characters shown as escapes: nothing is hidden, nothing acts), and a value
that khabar keeps, such as a site's display name, through `without_controls()`.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, and
# the line/paragraph separators some terminals honour.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def _escaped(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """`text` with every unsafe character written as its escape (`\\x1b`, `\\u202e`)."""
    return UNSAFE.sub(_escaped, text)


def without_controls(text: str) -> str:
    """`text` without unsafe characters, its whitespace runs (newlines too) as one space."""
    return _SPACES.sub(" ", UNSAFE.sub("", text)).strip()
