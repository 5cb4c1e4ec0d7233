"""Ctrl-C and SIGTERM at the moments they hurt: during imports, when the spider has just opened,
twice in a row. An interrupted crawl exits 130 (SIGINT) or 143 (SIGTERM), quietly, and its run is
recorded `interrupted`, never left `running`. Each signal is sent when the process reports the
moment (a line it prints, an import it starts), never after a sleep."""

from __future__ import annotations

import signal

from bench.hostile.common import (
    BASE,
    articles,
    crawl,
    crawled,
    last_run,
    plain_site,
    serve,
    site_config,
)
from bench.hostile.harness import ANY, Case, Expect, Problem, Running, Scratch, succeeds
from tests.support.faults import article_html
from tests.support.replay import slow_fault
from tests.support.serving import free_port

KIND = "signals"
# Makes the command announce on stderr that it starts importing MODULE, then hold that import,
# so a signal lands inside it however fast the machine is.
HOLD = """
import importlib.abc, os, sys, time
class Hold(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "MODULE" and not os.environ.get("HOSTILE_HELD"):
            os.environ["HOSTILE_HELD"] = "1"
            sys.stderr.write("hostile: importing MODULE\\n"); sys.stderr.flush()
            time.sleep(60)
        return None
sys.meta_path.insert(0, Hold())
"""


def _slow_site(scratch: Scratch) -> None:
    """The site with each article taking 1.5 s: the crawl is still running when signalled."""
    arts = articles(8)
    scratch.articles = arts  # type: ignore[attr-defined]
    scratch.config.write_text(site_config(), "utf-8")
    serve(scratch, plain_site(arts), {a.url: slow_fault(1.5) for a in arts})


def _held_at_import(module: str):
    """Setup: the slow site, a saved page, and the import of ``module`` held (see HOLD)."""

    def setup(scratch: Scratch) -> None:
        _slow_site(scratch)
        scratch.path("page.html").write_text(article_html(articles(1)[0]), "utf-8")
        hook = scratch.path("hold")
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(HOLD.replace("MODULE", module), "utf-8")
        scratch.env["PYTHONPATH"] = f"{hook}:{scratch.fill('{root}')}"

    return setup


def _serving(scratch: Scratch) -> None:
    crawled(scratch)
    scratch.port = free_port()


def send(signum: int, at: str, *, again: str | None = None, record: str | None = "interrupted"):
    """Drive: ``signum`` to the process group when ``at`` appears; again when ``again`` does."""

    def drive(running: Running, scratch: Scratch) -> list[Problem]:
        if not running.wait_for(at, 60):
            return [Problem("other", f"never printed {at!r} (exit {running.proc.poll()})")]
        running.signal(signum)
        if again is not None:
            if running.wait_for(again, 30):
                running.signal(signum)
            else:
                return [Problem("other", f"never printed {again!r} after the first signal")]
        try:
            running.proc.wait(timeout=40)
        except Exception:
            return [Problem("hang", "still running 40 s after the signal")]
        if record is None:
            return []
        run = last_run(scratch.db)
        if run.get("status") != record:
            return [Problem("other", f"run recorded {run.get('status')!r}, expected {record!r}")]
        return []

    return drive


OPENED = r"Spider opened"
CASES = [
    Case(
        "sigint-when-spider-opened",
        KIND,
        crawl(),
        succeeds(130),
        setup=_slow_site,
        drive=send(signal.SIGINT, OPENED),
        limit=90,
        defect="#5",
    ),
    Case(
        "sigterm-when-spider-opened",
        KIND,
        crawl(),
        succeeds(143),
        setup=_slow_site,
        drive=send(signal.SIGTERM, OPENED),
        limit=90,
        defect="#5",
    ),
    Case(
        "second-sigint-forces-shutdown",
        KIND,
        crawl(),
        succeeds(130),
        setup=_slow_site,
        drive=send(signal.SIGINT, OPENED, again=r"(?i)shutting down gracefully|Received SIGINT"),
        limit=90,
        defect="#5",
    ),
    Case(
        "sigint-during-crawl-imports",
        KIND,
        crawl(),
        succeeds(130, forbid=(r"KeyboardInterrupt",)),
        setup=_held_at_import("crawler.settings"),
        drive=send(signal.SIGINT, r"hostile: importing", record=None),
        limit=90,
        defect="#19",
    ),
    Case(
        "sigint-during-extract-imports",
        KIND,
        ("khabar", "extract", "{dir}/page.html", "--url", f"{BASE}/article/x"),
        succeeds(130, forbid=(r"KeyboardInterrupt",)),
        setup=_held_at_import("trafilatura"),
        drive=send(signal.SIGINT, r"hostile: importing", record=None),
        limit=60,
        defect="held",
    ),
    Case(
        "serve-ctrl-c",
        KIND,
        ("khabar", "serve", "--db", "{db}", "--port", "{port}"),
        Expect(fails=False, code=ANY, forbid=(r"KeyboardInterrupt",)),
        setup=_serving,
        drive=send(signal.SIGINT, r"http://127\.0\.0\.1:\d+", record=None),
        limit=60,
        defect="held",
    ),
]
