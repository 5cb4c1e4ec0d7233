"""`khabar`: the command line around the crawler (crawling itself is `scrapy crawl <site>`).

A click group; each subcommand lives in its own module under crawler.commands and exposes
``command`` (a click command). COMMANDS lists the modules; the group adds each one's command when
it is first asked for, so `khabar search` does not import the extraction stack (seconds of start-up
during which Ctrl-C would otherwise be a traceback). Errors a user can cause end as one line and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import errno
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from crawler.commands import UserError

COMMANDS = (
    "extract",
    "reextract",
    "search",
    "serve",
    "schedule",
    "status",
    "add_site",
    "writer",
    "backfill",
    "export_warc",
    "import_warc",
)
# Errors only a write can give: output to a full device (`> /dev/full`), a full disk or quota.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush of what is still buffered does
    not raise again (and print "Exception ignored" after our one line)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class KhabarGroup(click.Group):
    """Loads each command module on demand; turns the errors a user can cause (config, database)
    into one-line UserErrors, and a closed output pipe into exit 141 like any piped Unix tool."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [module.replace("_", "-") for module in COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = cmd_name.replace("-", "_")
        if cmd_name not in self.commands and module in COMMANDS:
            self.add_command(importlib.import_module(f"crawler.commands.{module}").command)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        # Imported here, not at the top: the config pulls in the extraction stack, seconds of
        # start-up during which Ctrl-C must be a clean exit 130 (see main), not a traceback.
        from crawler.config import ConfigError
        from storage.paths import DatabasePathError
        from storage.readonly import NoDatabaseError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise UserError(f"config error: {exc}") from None
        except (NoDatabaseError, DatabasePathError) as exc:
            raise UserError(str(exc)) from None
        except BrokenPipeError:  # `khabar extract … | head`: the reader left
            _stdout_to_devnull()
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


def main(argv: Sequence[str] | None = None) -> int:
    """The `khabar` entry point: run one command, return its exit status."""
    try:
        status = khabar.main(
            args=list(argv) if argv is not None else None,
            prog_name="khabar",
            standalone_mode=False,
        )
        sys.stdout.flush()  # what is still buffered fails here, where it is handled below
        return int(status or 0)
    except BrokenPipeError:  # the reader left after the last write
        _stdout_to_devnull()
        return 141
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        _stdout_to_devnull()
        click.echo(f"khabar: cannot write the output: {exc.strerror}", err=True)
        return 1
    except click.exceptions.NoArgsIsHelpError as exc:  # `khabar` alone: the help, as it is
        exc.show()
        return exc.exit_code
    except click.UsageError as exc:
        # click's form is three lines (usage, hint, error); a mistyped option gets one.
        where = exc.ctx.command_path if exc.ctx else "khabar"
        click.echo(f"{where}: {exc.format_message()} (see {where} --help)", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
        return 130


if __name__ == "__main__":
    sys.exit(main())
