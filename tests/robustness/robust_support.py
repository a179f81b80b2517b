"""What the robustness tests share: the installed console script, an isolated environment for
it, running it in subprocesses (several at once, each with a memory limit and a timeout), and the
checks every run must pass. Fixtures are in conftest.py; the tallies end up in
docs/robustness.md.

Every run is checked for the promises of issue 7: an exit code from the documented set, no
traceback, one JSON document (or nothing) on stdout with ``--json``, and nothing that changes a
terminal: no escape sequence other than colour (SGR) codes when colour is on, none at all when it
is off, no raw C1 control characters and no bidi overrides.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT_NAME = "heroinfacts.exe" if sys.platform == "win32" else "heroinfacts"
#: The documented exit codes: found, nothing found, usage error, invalid data.
DOCUMENTED = frozenset({0, 1, 2, 3})
#: Address space for one run: a 50 MB pack must load within it.
MEMORY_LIMIT = 1 << 30
TIMEOUT = 60.0

_SGR = re.compile(rb"\x1b\[[0-9;]*m")
#: Escape sequences: CSI (with private-mode ``?``), OSC (ended by BEL or ST), and two-byte ones.
_SEQUENCE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)", re.DOTALL)
#: Cursor moves and line erasing that a progress bar on a terminal may use (no screen clearing).
_TTY_OK = re.compile(rb"\x1b\[[0-9;]*[ABCDGK]")
_PRIVATE_MODE = re.compile(rb"\x1b\[\?([0-9;]+)([hl])")
#: Raw control bytes that never belong in output (tab and newline are fine; \r only on a tty).
_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
#: Characters that a terminal acts on or that reorder text: C1 controls and bidi controls.
_C1_BIDI = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069]")

#: Variables that would change how heroinfacts runs; the base environment has none of them.
_DROP = (
    "PYTHONPATH",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "COLORTERM",
    "COLUMNS",
    "LINES",
    "LC_ALL",
    "LC_CTYPE",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION",
)


def console_script() -> str | None:
    """The script beside this Python (its virtual environment), else the one on PATH."""
    beside = Path(sys.executable).parent / SCRIPT_NAME
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("heroinfacts")


def base_env(home: Path, cache: Path) -> dict[str, str]:
    """A clean environment: no user config, packs, colour or width settings; UTF-8 locale."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROP and not k.startswith(("HEROINFACTS_", "HYPOTHESIS"))
    }
    env.update(
        HOME=str(home),
        HEROINFACTS_CACHE_DIR=str(cache),
        HEROINFACTS_CONFIG="",  # set but empty: no config
        HEROINFACTS_PAGER="",  # on a pseudo-terminal a pager would wait for a key
        LANG="C.UTF-8",
        TERM="xterm-256color",
    )
    return env


def limit_memory() -> None:
    """preexec_fn: cap the address space, so a bomb fails fast instead of eating the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


# --- what a run did --------------------------------------------------------------------------


@dataclass
class Result:
    argv: list[str]
    env: dict[str, str]  # only what differs from the base environment
    code: int | None  # None: killed after the timeout
    stdout: bytes
    stderr: bytes
    seconds: float

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def json(self) -> object:
        return json.loads(self.stdout)

    def describe(self) -> str:
        env = " ".join(f"{k}={v!r}" for k, v in self.env.items())
        args = " ".join(repr(a) if len(a) < 200 else f"<{len(a)} chars>" for a in self.argv[1:])
        return (
            f"{env} heroinfacts {args} -> exit {self.code} in {self.seconds:.2f}s\n"
            f"--- stdout ({len(self.stdout)} bytes) ---\n{self.stdout[:600]!r}\n"
            f"--- stderr ({len(self.stderr)} bytes) ---\n{self.stderr[:600]!r}"
        )


def terminal_problems(data: bytes, *, color: bool, tty: bool = False) -> list[str]:
    """What in ``data`` would change or garble a terminal.

    ``color``: SGR colour codes are allowed. ``tty``: the stream is a terminal, where a progress
    bar may move the cursor, erase its line, use ``\\r`` and hide the cursor if it shows it again.
    """
    problems = []
    rest = _SGR.sub(b"", data) if color else data
    modes: dict[bytes, bytes] = {}
    for m in _SEQUENCE.finditer(rest):
        seq = m.group()
        private = _PRIVATE_MODE.fullmatch(seq)
        if tty and private and private.group(1) == b"25":
            modes[b"25"] = private.group(2)
        elif not (tty and _TTY_OK.fullmatch(seq)):
            problems.append(f"escape sequence {seq[:40]!r}")
    if modes.get(b"25") == b"l":
        problems.append("the cursor is left hidden")
    controls = _C0.findall(_SEQUENCE.sub(b"", rest))
    if not tty:
        controls += re.findall(rb"\r", rest)
    if controls:
        problems.append(f"raw control characters {sorted(set(controls))!r}")
    found = _C1_BIDI.findall(data.decode("utf-8", "replace"))
    if found:
        problems.append(f"raw C1 or bidi control characters {sorted(set(found))!r}")
    return problems


# --- tallies for docs/robustness.md ----------------------------------------------------------


@dataclass
class Tally:
    runs: Counter[str] = field(default_factory=Counter)
    tracebacks: Counter[str] = field(default_factory=Counter)
    wrong_exit: Counter[str] = field(default_factory=Counter)
    terminal: Counter[str] = field(default_factory=Counter)
    stale: Counter[str] = field(default_factory=Counter)
    compared: Counter[str] = field(default_factory=Counter)
    cases: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))


TALLY = Tally()


# --- running ---------------------------------------------------------------------------------


@dataclass
class Spec:
    """One run: arguments, environment changes (None removes a variable), and how to start it."""

    args: Sequence[str]
    env: Mapping[str, str | None] = field(default_factory=dict)
    stdin: int | None = subprocess.DEVNULL
    stdout: int | None = subprocess.PIPE  # or a file descriptor, e.g. of /dev/full
    close_stdout: bool = False  # close our end of the pipe at once: a reader that went away
    wrap: Sequence[str] = ()  # e.g. ("sh", "-c", 'exec "$0" "$@" >&-') or an unshare prefix
    timeout: float = TIMEOUT
    memory_limit: bool = True


class Runner:
    """Runs the console script for one test (one family), checks and tallies every run."""

    def __init__(self, script: str, env: dict[str, str], family: str, cwd: Path) -> None:
        self.script = script
        self.env = env
        self.family = family
        self.cwd = cwd

    def _start(self, spec: Spec) -> tuple[subprocess.Popen[bytes], dict[str, str], float]:
        env = dict(self.env)
        shown: dict[str, str] = {}
        for k, v in spec.env.items():
            if v is None:
                env.pop(k, None)
                shown[k] = "<unset>"
            else:
                env[k] = v
                shown[k] = v
        argv = [*spec.wrap, self.script, *spec.args]
        proc = subprocess.Popen(
            argv,
            stdin=spec.stdin,
            stdout=spec.stdout,
            stderr=subprocess.PIPE,
            env=env,
            cwd=self.cwd,
            preexec_fn=limit_memory if spec.memory_limit else None,
        )
        if spec.close_stdout and proc.stdout is not None:
            proc.stdout.close()
            proc.stdout = None
        return proc, shown, time.monotonic()

    def _finish(
        self, spec: Spec, proc: subprocess.Popen[bytes], shown: dict[str, str], start: float
    ) -> Result:
        try:
            out, err = proc.communicate(timeout=spec.timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            code = None
        seconds = time.monotonic() - start
        TALLY.runs[self.family] += 1
        TALLY.seconds[self.family] += seconds
        return Result([self.script, *spec.args], shown, code, out or b"", err or b"", seconds)

    def pty(
        self, *args: str, env: Mapping[str, str | None] | None = None, cols: int = 80
    ) -> Result:
        """Run on a real pseudo-terminal (stdin, stdout and stderr): what a person sees."""
        import fcntl
        import pty
        import struct
        import termios

        full = dict(self.env)
        for k, v in (env or {}).items():
            if v is None:
                full.pop(k, None)
            else:
                full[k] = v
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
        start = time.monotonic()
        proc = subprocess.Popen(
            [self.script, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full,
            cwd=self.cwd,
            preexec_fn=limit_memory,
            start_new_session=True,
        )
        os.close(slave)
        chunks = []
        try:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other side is closed
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            try:
                code: int | None = proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                code = None
        finally:
            os.close(master)
        seconds = time.monotonic() - start
        TALLY.runs[self.family] += 1
        TALLY.seconds[self.family] += seconds
        shown = {k: ("<unset>" if v is None else v) for k, v in (env or {}).items()}
        shown["(terminal)"] = f"{cols} columns"
        return Result([self.script, *args], shown, code, b"".join(chunks), b"", seconds)

    def run(self, *args: str, **kw: object) -> Result:
        """Run once (see :class:`Spec` for the keywords)."""
        return self.many([Spec(args, **kw)])[0]  # type: ignore[arg-type]

    def many(self, specs: Sequence[Spec], parallel: int = 4) -> list[Result]:
        """Run every spec, up to ``parallel`` at a time; results in the same order."""
        results: list[Result | None] = [None] * len(specs)
        running: list[tuple[int, subprocess.Popen[bytes], dict[str, str], float]] = []
        for i, spec in enumerate(specs):
            if len(running) >= parallel:
                j, proc, shown, start = running.pop(0)
                results[j] = self._finish(specs[j], proc, shown, start)
            running.append((i, *self._start(spec)))
        for j, proc, shown, start in running:
            results[j] = self._finish(specs[j], proc, shown, start)
        return [r for r in results if r is not None]

    # --- checks ------------------------------------------------------------------------------

    def check(
        self,
        res: Result,
        *,
        codes: Sequence[int] | int | None = None,
        json_out: bool | None = None,
        color: bool = False,
        max_stderr: int | None = None,
    ) -> Result:
        """Assert the promises every run keeps; ``codes`` narrows the allowed exit codes."""
        allowed = {codes} if isinstance(codes, int) else set(codes or DOCUMENTED)
        if json_out is None:
            json_out = "--json" in res.argv or "-j" in res.argv
        problems = []
        if res.code is None:
            problems.append(f"no answer within {TIMEOUT:.0f} s")
        if b"Traceback" in res.stderr or b"Traceback" in res.stdout:
            TALLY.tracebacks[self.family] += 1
            problems.append("a traceback")
        if res.code not in allowed or res.code not in DOCUMENTED:
            TALLY.wrong_exit[self.family] += 1
            problems.append(f"exit code {res.code}, expected one of {sorted(allowed)}")
        if json_out and res.stdout.strip():
            try:
                res.json()
            except ValueError as err:
                problems.append(f"stdout is not one JSON document: {err}")
        term = terminal_problems(res.stdout, color=color) + terminal_problems(
            res.stderr, color=False
        )
        if term:
            TALLY.terminal[self.family] += 1
            problems += term
        if max_stderr is not None and len(res.stderr) > max_stderr:
            problems.append(f"a message of {len(res.stderr)} bytes (at most {max_stderr})")
        assert not problems, "; ".join(problems) + "\n" + res.describe()
        return res

    def same(self, expected: Result, got: Result, what: str = "the answer") -> None:
        """``got`` must answer exactly as ``expected`` (a fresh run): a difference is stale."""
        TALLY.compared[self.family] += 1
        if (got.code, got.stdout) != (expected.code, expected.stdout):
            TALLY.stale[self.family] += 1
            raise AssertionError(
                f"stale or wrong {what}:\n--- expected ---\n{expected.describe()}\n"
                f"--- got ---\n{got.describe()}"
            )


# --- a private mount namespace, for read-only directories that root cannot write either ----------


def mount_namespace() -> list[str] | None:
    """The command prefix that runs a command in a private mount namespace where it may mount
    (``unshare -m`` as root, else ``unshare -rm`` in a user namespace); None if neither works.

    Tests run as root here, and root ignores mode bits: a directory is read-only for it only on a
    read-only mount.
    """
    import tempfile

    if shutil.which("unshare") is None:
        return None
    with tempfile.TemporaryDirectory() as d:
        probe = (
            f"mount --bind {d} {d} && mount -o remount,bind,ro {d} && "
            f"if touch {d}/x 2>/dev/null; then exit 9; fi"
        )
        for prefix in (["unshare", "-m"], ["unshare", "-rm"]):
            done = subprocess.run(
                [*prefix, "sh", "-c", probe], capture_output=True, timeout=30, check=False
            )
            if done.returncode == 0:
                return prefix
    return None


def in_namespace(
    prefix: Sequence[str],
    *,
    readonly: Sequence[Path] = (),
    tmpfs: Sequence[Path] = (),
    tmpfs_readonly: Sequence[Path] = (),
    overlay: Sequence[tuple[Path, Path]] = (),
) -> list[str]:
    """A ``Spec.wrap`` that mounts ``readonly`` paths read-only and empty tmpfs over ``tmpfs``
    (read-only ones over ``tmpfs_readonly``) in a private mount namespace, then runs the tool.

    Each ``(directory, scratch)`` of ``overlay`` first gets an overlay whose changes go to a
    tmpfs on ``scratch``: the directory looks the same, but what is made in it (a mount point
    such as ``~/.cache`` on a machine without one) never reaches the real one."""
    import shlex

    steps = []
    for target, scratch in overlay:
        t, w = shlex.quote(str(target)), shlex.quote(str(scratch))
        steps.append(
            f"mount -t tmpfs -o size=64m tmpfs {w} && mkdir {w}/up {w}/work && "
            f"mount -t overlay overlay -o lowerdir={t},upperdir={w}/up,workdir={w}/work {t}"
        )
    steps += [f"mkdir -p {shlex.quote(str(p))}" for p in [*tmpfs, *tmpfs_readonly]]
    steps += [
        f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))} && "
        f"mount -o remount,bind,ro {shlex.quote(str(p))}"
        for p in readonly
    ]
    steps += [f"mount -t tmpfs -o size=64m tmpfs {shlex.quote(str(p))}" for p in tmpfs]
    steps += [f"mount -t tmpfs -o ro,size=1m tmpfs {shlex.quote(str(p))}" for p in tmpfs_readonly]
    return [*prefix, "sh", "-c", " && ".join([*steps, 'exec "$0" "$@"'])]
