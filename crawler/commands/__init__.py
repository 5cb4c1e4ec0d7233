"""Subcommands of `khabar`: one module each, exposing ``command`` (a click command).

A command's function returns its exit status (an int, None = 0); crawler.cli turns that into the
process exit. Problems a user can cause raise UserError (one ``khabar: ...`` line, exit 2), never
a traceback. Options used by several commands are defined once here, and so is ``shown`` /
``shown_json``: every value from a page or a database goes through one of them on its way to
standard output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from crawler.arabic import CONTROL_CHARACTERS
from storage.paths import database_path

if TYPE_CHECKING:
    from crawler.config import KhabarConfig

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """A problem with what the user asked for; shown as one ``khabar: ...`` line, exit 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"khabar: {self.format_message()}", err=True, file=file)


class UnknownSiteError(UserError):
    """A site named on the command line is not in config.yaml."""


def require_sites(config: KhabarConfig, names: Iterable[str | None]) -> None:
    """Refuse site names that config.yaml does not define (None entries are ignored)."""
    unknown = [name for name in names if name and name not in config.sites]
    if unknown:
        raise UnknownSiteError(
            f"unknown site {', '.join(map(repr, unknown))} (known: {', '.join(config.sites)})"
        )


def db_option(fn: F) -> F:
    """``--db PATH`` (else KHABAR_DB, else config.yaml's ``database``): the database file."""
    return click.option(
        "--db",
        type=click.Path(path_type=Path),
        envvar="KHABAR_DB",
        show_envvar=True,
        help="database file (default: config.yaml's `database`)",
    )(fn)


def resolve_db(db: Path | None) -> Path:
    """The --db value, or the database the configuration names."""
    return db if db is not None else database_path()


def site_option(fn: F) -> F:
    """``--site NAME``: one configured site (checked against config.yaml by the command)."""
    return click.option(
        "--site", metavar="NAME", callback=require_utf8, help="only this configured site"
    )(fn)


def sites_option(fn: F) -> F:
    """``--site NAME`` repeatable: some configured sites (default: all)."""
    return click.option(
        "--site",
        "sites",
        multiple=True,
        metavar="NAME",
        help="only this site (repeatable; default: every configured site)",
    )(fn)


def require_utf8(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: refuse text that is not valid UTF-8 (undecodable bytes in argv)."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise click.BadParameter(f"{value!a} is not valid UTF-8") from None
    return value


# The explicit bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): a
# terminal that lays out bidi text lets them reorder the rest of the line ("Trojan Source",
# CVE-2021-42574). The marks (LRM, RLM, ALM) only affect their neighbours and stay.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE = re.compile(f"[{CONTROL_CHARACTERS}\t\n{BIDI_CONTROLS}]")
_UNPRINTABLE_BUT_NEWLINE = re.compile(f"[{CONTROL_CHARACTERS}\t{BIDI_CONTROLS}]")
# In JSON text the C0 controls are already escapes; DEL, C1 and the bidi controls are not.
_UNPRINTABLE_IN_JSON = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def shown(value: object, *, lines: bool = False) -> str:
    """``value`` as terminal output: control characters (tab, and newline unless ``lines``) and
    bidi controls are written as escapes (``\\x1b``, ``\\u202e``), so text from a page can
    neither drive the terminal with escape sequences nor reorder or fake the lines around it.
    Stored text has no control characters (pipelines/normalise.py), but a database may hold
    rows from before that, or from another tool. ``lines``: a block of several lines, such as a
    table, whose newlines are its own."""
    return (_UNPRINTABLE_BUT_NEWLINE if lines else _UNPRINTABLE).sub(_escape, f"{value}")


def shown_json(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON (non-ASCII letters as themselves) in which no character could drive a
    terminal: the JSON means the same, with DEL, C1 and bidi controls as ``\\uXXXX`` escapes."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNPRINTABLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def verbose() -> bool:
    """Whether `khabar -v` was given (the group's option, read from the running context)."""
    return bool(click.get_current_context().find_root().params.get("verbose"))
