"""Running one hostile case: a scratch folder, the real command in its own process group, a
time limit, and a verdict in the five categories the bench counts.

A :class:`Case` is declarative: its command (``khabar …`` or ``scrapy …`` with ``{db}``,
``{config}``, ``{dir}``, ``{port}`` placeholders), an optional ``setup`` that writes files or
serves pages into the :class:`Scratch`, an optional ``drive`` that talks to the running process
(waits for a line it prints, sends a signal, makes HTTP requests), a time limit, and an
:class:`Expect`. The runner never trusts the command: every case gets a fresh folder and
database, a replay proxy on 127.0.0.1 in its environment (so nothing it fetches leaves the
machine), an address-space limit, and its whole process group is killed at the limit.

The verdict's problems each fall in one category: ``traceback`` ("Traceback (most recent call
last)" in its output or its run logs), ``hang`` (killed at the limit, or a request past its own
limit), ``exit0`` (exit status 0 where a failure was due), ``rows`` (articles lost or stored
wrong, with a count), ``other`` (wrong status, message or output).
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TRACEBACK = "Traceback (most recent call last)"
CATEGORIES = ("traceback", "hang", "exit0", "rows", "other")
# A runaway child (an unbounded read, a huge response) dies of MemoryError instead of taking the
# shared machine down; that traceback is then counted like any other.
MEMORY_LIMIT = 3 * 2**30
ANY = -1  # Expect.code: any exit status (a server stopped by the case)
# Process groups of the cases running now, so a bench that is itself stopped kills them too.
LIVE: set[int] = set()
LIVE_DIRS: set[Path] = set()


def kill_live() -> None:
    for pgid in list(LIVE):
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    for folder in list(LIVE_DIRS):
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Expect:
    """What the command owes the case.

    ``fails``: the input is a mistake or hostile, so the exit status must be non-zero (``code``
    if given), with the reason on stderr's last line matching ``line`` (for khabar commands
    ``one_line``: stderr holds nothing else). Otherwise the exit status is ``code`` (default 0;
    ``ANY`` for a server the case stops). ``stdout``/``stderr``: regexes that must match;
    ``forbid``: regexes that must not match stdout or stderr. ``check``: a callable
    (scratch, result) → problems, for the rows and the run record.
    """

    fails: bool
    code: int | None = None
    line: str | None = None
    one_line: bool = False
    stdout: str | None = None
    stderr: str | None = None
    forbid: tuple[str, ...] = ()
    check: Callable[[Scratch, Result], list[Problem]] | None = None
    codes: tuple[int, ...] = ()  # for a success: the exit statuses allowed (search: 0 or 1)


def refused(line: str, code: int | None = None, *, one_line: bool = True, **kw: Any) -> Expect:
    """A mistake: non-zero exit (``code`` if given) and one line saying why."""
    return Expect(fails=True, code=code, line=line, one_line=one_line, **kw)


def crawl_refused(line: str, code: int | None = None, **kw: Any) -> Expect:
    """A crawl (or any scrapy command) that must fail: its last stderr line says why."""
    return Expect(fails=True, code=code, line=line, one_line=False, **kw)


def succeeds(code: int = 0, **kw: Any) -> Expect:
    return Expect(fails=False, code=code, **kw)


@dataclass(frozen=True)
class Problem:
    category: str  # one of CATEGORIES
    text: str
    rows: int = 0  # for "rows": how many articles were lost or stored wrong


def rows_problem(count: int, text: str) -> Problem:
    return Problem("rows", text, max(1, count))


@dataclass(frozen=True)
class Case:
    """One hostile input. ``command`` starts with ``khabar``, ``scrapy`` or any program; its
    ``{db}``, ``{config}``, ``{dir}``, ``{port}``, ``{root}``, ``{python}`` are the scratch's."""

    name: str
    kind: str
    command: tuple[str, ...]
    expect: Expect
    setup: Callable[[Scratch], None] | None = None
    drive: Callable[[Running, Scratch], list[Problem]] | None = None
    limit: float = 30.0
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None
    defect: str = ""  # the review's defect number ("#9"), "held" for a regression case
    note: str = ""


@dataclass
class Result:
    case: Case
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, category: str) -> int:
        if category == "rows":
            return sum(p.rows for p in self.problems if p.category == "rows")
        return int(any(p.category == category for p in self.problems))


class Scratch:
    """One case's folder: config, database, environment and the servers it needs."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.db = folder / "db.sqlite"
        self.config = folder / "config.yaml"
        self.env: dict[str, str] = {}
        self.port = 0
        self.wrap: list[str] = []  # a prefix for the command (e.g. unshare for a private mount)
        self.stdin: bytes | None = None
        self._stack = contextlib.ExitStack()

    def enter(self, context: contextlib.AbstractContextManager[Any]) -> Any:
        """Keep ``context`` (a ReplayServer, RedisServer…) open until the case ends."""
        return self._stack.enter_context(context)

    def close(self) -> None:
        self._stack.close()

    def path(self, name: str) -> Path:
        return self.dir / name

    def fill(self, text: str) -> str:
        """``{db}``, ``{config}``, ``{dir}``, ``{port}``, ``{root}`` replaced (other braces kept:
        YAML and JSON are full of them)."""
        for key, value in (
            ("db", self.db),
            ("config", self.config),
            ("dir", self.dir),
            ("port", self.port),
            ("root", ROOT),
            ("python", sys.executable),
        ):
            text = text.replace("{" + key + "}", str(value))
        return text


class Running:
    """The case's process while ``drive`` talks to it: output so far, and waiting on it."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._read, args=(proc.stderr, self._err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: Any, into: list[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            with self._changed:
                into.append(chunk)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def stdout(self) -> str:
        with self._changed:
            return b"".join(self._out).decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        with self._changed:
            return b"".join(self._err).decode("utf-8", "replace")

    def wait_for(self, pattern: str, timeout: float) -> bool:
        """Until ``pattern`` appears on stdout or stderr (True), the process ends or the timeout
        passes (False): synchronising on what the process reports, never on a sleep."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                text = b"".join(self._out + self._err).decode("utf-8", "replace")
                if regex.search(text):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._alive()):
                    return False
                self._changed.wait(min(left, 0.2))

    def _alive(self) -> bool:
        return any(reader.is_alive() for reader in self._readers)

    def signal(self, signum: int, group: bool = True) -> None:
        """Send ``signum`` to the process (its whole group, as a terminal's Ctrl-C does)."""
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(self.proc.pid, signum)
            else:
                self.proc.send_signal(signum)

    def join(self, timeout: float) -> None:
        for reader in self._readers:
            reader.join(timeout)


def resolve(command: tuple[str, ...], scratch: Scratch) -> list[str]:
    """``khabar``/``scrapy`` as this interpreter runs them, placeholders filled in."""
    head, *rest = command
    if head == "khabar":
        argv = [sys.executable, "-m", "crawler.cli"]
    elif head == "scrapy":
        argv = [sys.executable, "-m", "scrapy"]
    else:
        argv = [head]
    return scratch.wrap + argv + [scratch.fill(part) for part in rest]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def base_env(scratch: Scratch) -> dict[str, str]:
    """What every case runs with: its own config and database, no network but 127.0.0.1."""
    from tests.support.replay import ReplayServer

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KHABAR_") and key.lower() not in ("http_proxy", "https_proxy")
    }
    proxy = scratch.env.get("http_proxy")
    if proxy is None:  # no pages for this case: a proxy that serves none, so nothing leaves
        server = scratch.enter(ReplayServer([]))
        proxy = server.proxy_url
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "KHABAR_CONFIG": str(scratch.config),
            "KHABAR_DB": str(scratch.db),
            "KHABAR_EXTRACT_WORKERS": "0",
            "http_proxy": proxy,
            "https_proxy": proxy,
            "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy,
            "no_proxy": "",
            "NO_PROXY": "",
            "COLUMNS": "200",
            "PYTHONWARNINGS": "ignore",
        }
    )
    env.update(scratch.env)
    return env


def run_case(case: Case, workdir: Path | None = None) -> Result:
    """Run one case in a fresh scratch folder and judge it."""
    folder = Path(tempfile.mkdtemp(prefix=f"hostile-{case.name[:40]}-", dir=workdir))
    scratch = Scratch(folder)
    LIVE_DIRS.add(folder)
    try:
        return _run(case, scratch)
    finally:
        LIVE_DIRS.discard(folder)
        scratch.close()
        _unmount_all(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _unmount_all(folder: Path) -> None:
    """Cases that mount a tmpfs do it in a private mount namespace; this is a safety net."""
    with contextlib.suppress(OSError):
        mounts = Path("/proc/self/mounts").read_text().splitlines()
        for line in mounts:
            target = line.split()[1]
            if target.startswith(str(folder)):
                subprocess.run(["umount", "-l", target], check=False, capture_output=True)


def _run(case: Case, scratch: Scratch) -> Result:
    from tests.support.faults import plain_config

    scratch.config.write_text(plain_config([("plain", "news.plain.test")]), "utf-8")
    started = time.monotonic()
    try:
        if case.setup is not None:
            case.setup(scratch)
    except Exception as exc:  # a broken case, not a khabar defect: say so loudly
        return Result(case, None, "", "", 0.0, False, [Problem("other", f"setup failed: {exc!r}")])
    env = {**base_env(scratch), **{k: scratch.fill(v) for k, v in case.env.items()}}
    argv = resolve(case.command, scratch)
    stdin = case.stdin if case.stdin is not None else scratch.stdin
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: killed whole at the limit
        )
    except OSError as exc:
        return Result(case, None, "", "", 0.0, False, [Problem("other", f"cannot start: {exc}")])
    LIVE.add(proc.pid)
    with contextlib.suppress(OSError):  # set before the interpreter has even imported much
        resource.prlimit(proc.pid, resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if stdin is not None:
        threading.Thread(target=_feed, args=(proc, stdin), daemon=True).start()
    running = Running(proc)
    problems: list[Problem] = []
    timed_out = False
    try:
        if case.drive is not None:
            problems += case.drive(running, scratch)
        left = case.limit - (time.monotonic() - started)
        proc.wait(timeout=max(left, 0.1))
    except subprocess.TimeoutExpired:
        timed_out = True
    except Exception as exc:  # the case's own code broke: report it, stop the process
        problems.append(Problem("other", f"drive failed: {exc!r}"))
    finally:
        if proc.poll() is None:
            _kill_group(proc)
            proc.wait()
        else:
            _kill_group(proc)  # helpers the command left behind in its group
        LIVE.discard(proc.pid)
        running.join(10)
        for stream in (proc.stdout, proc.stderr, proc.stdin):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
    seconds = time.monotonic() - started
    result = Result(
        case, proc.returncode, running.stdout, running.stderr, seconds, timed_out, problems
    )
    result.problems += judge(case, scratch, result)
    return result


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    with contextlib.suppress(OSError):
        proc.stdin.write(data)
    with contextlib.suppress(OSError):
        proc.stdin.close()


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_logs(scratch: Scratch) -> Iterator[tuple[Path, str]]:
    """Logs the command wrote in its folder (the scheduler's per-run crawl logs)."""
    for path in scratch.dir.rglob("*.log"):
        with contextlib.suppress(OSError):
            yield path, path.read_text("utf-8", "replace")


def judge(case: Case, scratch: Scratch, result: Result) -> list[Problem]:
    exp = case.expect
    problems: list[Problem] = []
    out, err = result.stdout, result.stderr
    if TRACEBACK in out or TRACEBACK in err:
        where = "stderr" if TRACEBACK in err else "stdout"
        text = err if where == "stderr" else out
        problems.append(Problem("traceback", f"traceback on {where}: {_exception_line(text)}"))
    for path, log in run_logs(scratch):
        if TRACEBACK in log:
            problems.append(
                Problem("traceback", f"traceback in {path.name}: {_exception_line(log)}")
            )
            break
    if result.timed_out:
        problems.append(Problem("hang", f"still running after {case.limit:.0f} s (killed)"))
        return problems
    code = result.code
    if exp.fails:
        if code == 0:
            problems.append(Problem("exit0", "exit 0 on a failure"))
        elif exp.code is not None and code != exp.code:
            problems.append(Problem("other", f"exit {code}, expected {exp.code}"))
        # With a traceback, the line after it is the exception: the traceback says it all.
        traceback = any(p.category == "traceback" for p in problems)
        if exp.line is not None and not traceback:
            line = last_line(err)
            lines = len([s for s in err.splitlines() if s.strip()])
            if not re.search(exp.line, line):
                problems.append(
                    Problem(
                        "other", f"last stderr line {_short(line)!r} does not match {exp.line!r}"
                    )
                )
            elif exp.one_line and lines != 1:
                problems.append(Problem("other", f"{lines} lines on stderr, expected one"))
    elif exp.code != ANY and code not in (exp.codes or (exp.code or 0,)):
        wanted = "/".join(map(str, exp.codes or (exp.code or 0,)))
        problems.append(
            Problem("other", f"exit {code}, expected {wanted}: {_short(last_line(err))!r}")
        )
    if exp.stdout is not None and not re.search(exp.stdout, out):
        problems.append(Problem("other", f"stdout does not match {exp.stdout!r}: {_short(out)!r}"))
    if exp.stderr is not None and not re.search(exp.stderr, err):
        problems.append(
            Problem("other", f"stderr does not match {exp.stderr!r}: {_short(last_line(err))!r}")
        )
    for pattern in exp.forbid:
        if re.search(pattern, out) or re.search(pattern, err):
            problems.append(Problem("other", f"output matches forbidden {pattern!r}"))
    if exp.check is not None:
        try:
            problems += exp.check(scratch, result)
        except Exception as exc:
            problems.append(Problem("other", f"check failed: {exc!r}"))
    return problems


def _exception_line(text: str) -> str:
    """The line naming the exception after the last traceback."""
    tail = text[text.rfind(TRACEBACK) :].splitlines()
    for line in tail[1:]:
        if line and not line.startswith((" ", "\t")) and not line.startswith("During handling"):
            return _short(line)
    return ""


def _short(text: str, width: int = 110) -> str:
    text = text.strip().replace("\n", " ⏎ ")
    return text if len(text) <= width else text[: width - 1] + "…"
