"""The URL patterns a user writes in config.yaml (article_patterns, deny_patterns), matched by RE2.

Python's `re` backtracks: a pattern users really write, `^https://([a-z]+[/.-]?)*\\d$`, takes
exponential time on a long category URL, holding the GIL, so the crawl pins a core and never
handles Ctrl-C or SIGTERM. RE2 (google-re2) matches in time linear in the URL, whatever the
pattern. What RE2 cannot compile (back-references, look-around, possessive or atomic groups) is
refused when config.yaml loads, with RE2's reason.

Python's `\\w`, `\\d` and `\\s` are Unicode-aware, RE2's only ASCII: they are rewritten to the
Unicode classes RE2 has (`\\w` → `[\\pL\\pN_]`), so a pattern matches an Arabic slug as it did
under `re`. (`\\b` stays RE2's ASCII word boundary.)
"""

from __future__ import annotations

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the error is the user's one line, not a log line on stderr

# Python's Unicode shorthand classes and RE2's equivalents, inside and outside [...].
_INSIDE = {"w": r"\pL\pN_", "d": r"\p{Nd}", "s": r"\s\p{Z}\x{85}"}
_NEGATED_OUTSIDE = {"W": r"[^\pL\pN_]", "D": r"\P{Nd}", "S": r"[^\s\p{Z}\x{85}]"}


class PatternError(ValueError):
    """A pattern RE2 cannot compile; str() says why in one line."""


def unicode_classes(pattern: str) -> str:
    """`pattern` with \\w, \\d, \\s (and negations outside [...]) spelled as RE2 Unicode classes.
    PatternError for a negated class inside [...] (`[\\W-]`), which RE2 cannot say."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            letter = pattern[i + 1]
            if letter in _INSIDE:
                out.append(_INSIDE[letter] if in_class else f"[{_INSIDE[letter]}]")
            elif letter in _NEGATED_OUTSIDE:
                if in_class:
                    raise PatternError(f"\\{letter} inside [...] is not supported; spell it out")
                out.append(_NEGATED_OUTSIDE[letter])
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            # A ']' (after an optional '^') first in a class is a literal.
            i += 1
            if pattern[i : i + 1] == "^":
                out.append("^")
                i += 1
            if pattern[i : i + 1] == "]":
                out.append("]")
                i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


class UserPattern:
    """One compiled user pattern: `.pattern` is the text as written, `.search(url)` RE2's."""

    __slots__ = ("_regexp", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        try:
            self._regexp = re2.compile(unicode_classes(pattern), _OPTIONS)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
            raise PatternError(f"{text} (patterns are matched by RE2)") from None

    def search(self, text: str) -> bool:
        return self._regexp.search(text) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r})"
