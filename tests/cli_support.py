"""What the command-line tests share: running the app with Typer's CliRunner (stdout and stderr
apart), the result of a run, and checks on plain output. Fixtures are in tests/cli/conftest.py."""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

GOLDEN = Path(__file__).resolve().parent / "golden"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Box drawing (U+2500-U+257F): never in plain output.
BOX = re.compile("[\u2500-\u257f]")


@functools.cache
def make_runner() -> CliRunner:
    """A runner with stderr apart from stdout: Typer's own runner (0.28+) always keeps them
    apart; the click-based one of older Typer versions needs ``mix_stderr=False``."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg,unused-ignore]
    return CliRunner()


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        """The one JSON document on stdout (fails the test if there is anything else)."""
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError as err:  # pragma: no cover - a failure message
            raise AssertionError(f"not one JSON document: {err}\n{self.stdout!r}") from None

    def describe(self) -> str:
        return (
            f"heroinfacts {' '.join(self.args)} -> exit {self.code}\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
            + (f"--- exception ---\n{self.exception!r}\n" if self.exception else "")
        )


def invoke(*args: str, env: Mapping[str, str | None] | None = None, code: int | None = None) -> Run:
    """Run the app as ``heroinfacts`` with ``args``; with ``code``, the exit code must be it.

    Stdout is not a terminal here, so output is plain unless ``FORCE_COLOR`` is set. An exception
    that escaped the app (not SystemExit) fails the test at once, and so does a traceback."""
    from heroinfacts.cli import app

    result = make_runner().invoke(app, list(args), env=dict(env or {}), prog_name="heroinfacts")
    run = Run(list(args), result.exit_code, result.stdout, result.stderr, result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(run.describe()) from result.exception
    if code is not None:
        assert run.code == code, run.describe()
    assert "Traceback" not in run.stderr, run.describe()
    return run


def golden_text(run: Run) -> str:
    """What a golden file holds: stdout, then stderr (if any) under a marker line."""
    return run.stdout + (f"----- stderr -----\n{run.stderr}" if run.stderr else "")


def no_ansi_no_boxes(text: str) -> None:
    assert "\x1b[" not in text, text
    found = BOX.findall(text)
    assert not found, f"box drawing {found[:5]} in plain output:\n{text}"


def wide_lines(text: str, width: int, *, allow_long_words: bool = False) -> list[str]:
    """Lines longer than ``width`` (by characters; the output here has no wide characters).
    With ``allow_long_words``, a line that is one unbreakable word (a URL) after its indent, or
    that ends in one, is allowed."""
    out = []
    for line in ANSI.sub("", text).splitlines():
        if len(line) <= width:
            continue
        words = line.split()
        if allow_long_words and words and len(words[-1]) > width // 2:
            continue
        out.append(line)
    return out


def slug(args: Sequence[str]) -> str:
    text = "-".join(a.lstrip("-") for a in args) or "welcome"
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def read_all(fd: int) -> bytes:
    """Everything a pseudo-terminal's leader side gives until the other side closes; closes it."""
    import os

    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)
