"""Every case of every kind, in the order the table shows the kinds."""

from __future__ import annotations

from bench.hostile import (
    cases_cli,
    cases_config,
    cases_feeds,
    cases_pages,
    cases_regex,
    cases_serve,
    cases_settings,
    cases_signals,
    cases_storage,
    cases_writer,
)
from bench.hostile.harness import Case

MODULES = (
    cases_config,
    cases_settings,
    cases_pages,
    cases_feeds,
    cases_cli,
    cases_storage,
    cases_serve,
    cases_regex,
    cases_signals,
    cases_writer,
)


def all_cases() -> list[Case]:
    cases = [case for module in MODULES for case in module.CASES]
    names = [c.name for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"case names used twice: {sorted(duplicates)}")
    return cases
