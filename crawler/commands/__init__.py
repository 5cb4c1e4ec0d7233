"""Subcommands of `khabar`: one module each, with `register(subparsers)` and `run(args)`."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.config import KhabarConfig


class UnknownSiteError(Exception):
    """A site named on the command line is not in config.yaml; str() is the user's line."""


def require_sites(config: KhabarConfig, names: Iterable[str | None]) -> None:
    """Refuse site names that config.yaml does not define (None entries are ignored)."""
    unknown = [name for name in names if name and name not in config.sites]
    if unknown:
        raise UnknownSiteError(
            f"unknown site {', '.join(map(repr, unknown))} (known: {', '.join(config.sites)})"
        )
