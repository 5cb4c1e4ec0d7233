"""Subcommands of `khabar`: one module each, exposing ``command`` (a click command).

A command's function returns its exit status (an int, None = 0); crawler.cli turns that into the
process exit. Problems a user can cause raise UserError (one ``khabar: ...`` line, exit 2), never
a traceback. Options used by several commands are defined once here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

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


def _name_value(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]):
    bad = [item for item in value if "=" not in item]
    if bad:
        raise click.BadParameter(f"expects NAME=VALUE, got {bad[0]!r}")
    return value


def settings_option(help: str) -> Callable[[F], F]:
    """``-s/--set NAME=VALUE`` (repeatable): Scrapy settings for the crawls a command runs."""
    return click.option(
        "-s",
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        callback=_name_value,
        help=help,
    )


def workers_option(fn: F) -> F:
    """``--workers N``: extraction processes for a command that extracts stored or imported
    pages (0 = in the command's own process), one per core by default."""
    from crawler.setting_rules import MAX_WORKERS

    return click.option(
        "--workers",
        type=click.IntRange(0, MAX_WORKERS),
        default=os.cpu_count() or 1,
        show_default="one per core",
        help=f"extraction processes (0 = in-process; at most {MAX_WORKERS})",
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


def verbose() -> bool:
    """Whether `khabar -v` was given (the group's option, read from the running context)."""
    return bool(click.get_current_context().find_root().params.get("verbose"))
