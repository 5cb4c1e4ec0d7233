"""`khabar`: the command line around the crawler (crawling itself is `scrapy crawl <site>`).

A click group; each subcommand lives in its own module under crawler.commands and exposes
``command`` (a click command). COMMANDS lists the modules; the group adds each one's command.
Errors a user can cause end as one ``khabar: ...`` line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from crawler.commands import UserError
from crawler.config import ConfigError
from storage.readonly import NoDatabaseError

COMMANDS = ("extract", "reextract", "search", "serve", "schedule", "status")


class KhabarGroup(click.Group):
    """Turns the errors a user can cause (config, database) into one-line UserErrors, and a
    closed output pipe into exit 141 like any piped Unix tool."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise UserError(f"config error: {exc}") from None
        except NoDatabaseError as exc:
            raise UserError(str(exc)) from None
        except BrokenPipeError:
            # `khabar extract … | head`: the reader left. Point stdout at /dev/null so the
            # interpreter's final flush does not raise again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)


@click.group(
    cls=KhabarGroup,
    name="khabar",
    epilog="Crawl a site with `scrapy crawl <site>` from the project root; "
    "`scrapy list` shows the configured sites.",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="khabar", prog_name="khabar")
@click.option("-v", "--verbose", is_flag=True, help="log at DEBUG level")
def khabar(verbose: bool) -> None:
    """khabar: Arabic news sites into one searchable SQLite file."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@khabar.result_callback()
@click.pass_context
def _exit_with(ctx: click.Context, status: int | None, **_: Any) -> None:
    """A command returns its exit status; this makes it the process's."""
    ctx.exit(int(status or 0))


for _name in COMMANDS:
    khabar.add_command(importlib.import_module(f"crawler.commands.{_name}").command)


def main(argv: Sequence[str] | None = None) -> int:
    """The `khabar` entry point: run one command, return its exit status."""
    try:
        return int(
            khabar.main(
                args=list(argv) if argv is not None else None,
                prog_name="khabar",
                standalone_mode=False,
            )
            or 0
        )
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
        return 130


if __name__ == "__main__":
    sys.exit(main())
