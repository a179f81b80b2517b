"""Streams a script may hand over: stdout, stderr or stdin closed, a pipe whose reader goes away
(``heroinfacts topics | head -1``), and a full disk. Never a traceback or BrokenPipeError noise;
an output that cannot be written is a clear message, not an "internal error"."""

from __future__ import annotations

import os

import pytest
from robust_support import Runner, Spec

COMMANDS = {
    "topics": (["topics"], 0),
    "show": (["show", "heroin"], 0),
    "show-json": (["show", "heroin", "--json"], 0),
    "show-missing": (["show", "heroinn"], 1),
    "refs-bibtex": (["refs", "-F", "bibtex"], 0),
    "refs-csl": (["refs", "-F", "csl-json"], 0),
    "search": (["search", "heroin"], 0),
    "help-now": (["help-now"], 0),
    "validate-json": (["validate", "--json"], 0),
    "usage-error": (["show", "--width", "abc"], 2),
}
CLOSED = {
    "stdout": 'exec "$0" "$@" >&-',
    "stderr": 'exec "$0" "$@" 2>&-',
    "stdout-and-stderr": 'exec "$0" "$@" >&- 2>&-',
    "stdin": 'exec "$0" "$@" <&-',
}


@pytest.mark.parametrize("which", CLOSED)
@pytest.mark.parametrize("command", COMMANDS)
def test_closed_streams(hf: Runner, which: str, command: str) -> None:
    argv, code = COMMANDS[command]
    if which.startswith("stdout") and code == 0:
        code = 1  # the output went nowhere: exit 1, as on a full disk
    specs = [
        Spec(argv, wrap=("sh", "-c", CLOSED[which])),
        Spec(argv, wrap=("sh", "-c", CLOSED[which]), env={"FORCE_COLOR": "1"}),
    ]
    for spec, res in zip(specs, hf.many(specs), strict=True):
        hf.check(res, codes=code, color="FORCE_COLOR" in spec.env)
        assert b"Error" not in res.stderr or code == 2, res.describe()
        if which == "stdout" and command != "usage-error" and command != "show-missing":
            assert res.stderr == b"heroinfacts: cannot write the output: stdout is closed.\n", (
                res.describe()
            )


@pytest.mark.parametrize("command", COMMANDS)
def test_reader_goes_away(hf: Runner, command: str) -> None:
    """Our end of the pipe is closed before the tool writes: EPIPE on its first write."""
    argv, code = COMMANDS[command]
    specs = [
        Spec(argv, close_stdout=True),
        Spec(argv, close_stdout=True, env={"FORCE_COLOR": "1"}),
    ]
    for spec, res in zip(specs, hf.many(specs), strict=True):
        # 0, or 1 as click exits on EPIPE; a usage error stays 2
        hf.check(res, codes=[0, 1, code], color="FORCE_COLOR" in spec.env)
        assert b"BrokenPipe" not in res.stderr and b"Exception ignored" not in res.stderr, (
            res.describe()
        )


@pytest.mark.parametrize("command", ["topics", "refs", "refs -F ris", "help-now", "show heroin"])
def test_piped_into_head(hf: Runner, command: str) -> None:
    """``heroinfacts topics | head -1`` as a shell runs it."""
    res = hf.run(*command.split(), wrap=("sh", "-c", '"$0" "$@" | head -1'))
    hf.check(res, codes=0)
    assert res.stdout.count(b"\n") == 1, res.describe()
    assert res.stderr == b"", res.describe()


@pytest.mark.parametrize("command", ["topics", "show-json", "refs-bibtex", "show-missing"])
def test_disk_full(hf: Runner, command: str) -> None:
    """stdout on a full disk (/dev/full): a clear message and a documented exit code."""
    argv, code = COMMANDS[command]
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        res = hf.run(*argv, stdout=fd)
    finally:
        os.close(fd)
    hf.check(res, codes=[code] if code else [1, 2, 3])
    assert b"internal error" not in res.stderr, res.describe()
    if code == 0:
        assert b"No space left" in res.stderr or b"cannot write" in res.stderr, res.describe()
