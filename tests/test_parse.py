"""The fast path's parser (heroinfacts.cli.parse) and the Typer app read command lines alike.

Both are built from one table (heroinfacts.cli.table) and both end in ``execute(command,
params)``. Here, in process, ``execute`` is replaced by a recorder and every command line is
given to both: when either calls it, both must call it with the same command and the same
parameters; when Typer refuses a command line (a usage error, ``--help``), the fast parser
must leave it to Typer (None). Only validate and handout, and Typer's own completion options,
are Typer's alone.
"""

from __future__ import annotations

import contextlib
import io
import random
from typing import Any

import pytest
import typer

from heroinfacts.cli import parse, table, typer_app

Call = tuple[str, dict[str, Any]]


@pytest.fixture(scope="module")
def typer_calls() -> Any:
    calls: list[Call] = []

    def record(command: table.Command, params: dict[str, Any]) -> int:
        calls.append((command.name, dict(params)))
        return 0

    real = typer_app.execute
    typer_app.execute = record  # type: ignore[assignment]
    group = typer.main.get_command(typer_app.app)  # built once: ~80 ms each time

    def call(argv: list[str]) -> tuple[Call | None, int]:
        calls.clear()
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            try:
                group.main(argv, prog_name="heroinfacts")
                code = 0
            except SystemExit as done:
                code = int(done.code or 0)
        assert len(calls) <= 1, (argv, calls)
        return (calls[0] if calls else None), code

    yield call
    typer_app.execute = real  # type: ignore[assignment]


def fast(argv: list[str]) -> Call | None:
    parsed = parse.parse(argv)
    return None if parsed is None else (parsed[0].name, parsed[1])


WORDS = ["heroin", "going", "on the nod", "-", "", " ", "xanax", "-5", "bibtex"]
TOKENS = [
    *WORDS,
    *("--json", "-j", "--plain", "-p", "--no-color", "-C", "--quiet", "-q"),
    *("--width", "-w", "40", "19", "1001", "abc", "--width=60", "-w60", "-w=60", "--width="),
    *("-jq", "-jw40", "-qj", "-jx", "-wj", "--json=1", "--jso", "--bogus", "-x", "--", "-h"),
    *("--pack", "-P", "--pack=./ours.yaml", "-P./ours.yaml", "--help", "-V", "--version"),
    *("--kind", "-k", "term", "bogus", "--limit", "-n", "5", "0", "501", "-n5", "--limit=3"),
    *("--for", "-f", "--format", "-F", "ris", "csl-json", "-Fris", "--format=bibtex"),
    *("--refs", "-r", "-rj", "--refs=1"),
]
NAMES = [c.name for c in table.COMMANDS] + ["", "Show", "shwo", "help"]

HAND_PICKED = [
    [],
    ["show", "heroin"],
    ["show", "going", "on", "the", "nod", "-q"],
    ["show", "--plain", "Heroin", "-C"],
    ["show", "heroin", "-j", "-p", "-C", "-q"],
    ["show", "heroin", "--width", "40"],
    ["show", "heroin", "--refs"],
    ["show", "-rq", "heroin"],
    ["refs", "--refs"],
    ["mix", "heroin", "xanax", "-r"],
    ["show", "heroin", "-w40"],
    ["show", "-jq", "heroin"],
    ["show", "--", "heroin"],
    ["show", "--", "--json"],
    ["show", "heroin", "--pack"],
    ["show", "heroin", "--pack", "--json"],
    ["show", "heroin", "--pack=ours.yaml"],
    ["show"],
    ["show", "--help"],
    ["topics", "extra"],
    ["mix", "heroin"],
    ["mix", "heroin", "xanax", "benzos"],
    ["mix", "-w", "50", "heroin", "xanax"],
    ["search", "gaba", "--kind", "term", "-k", "topic", "--limit", "3"],
    ["search", "gaba", "-n", "0"],
    ["refs"],
    ["refs", "nida-2018-heroin"],
    ["refs", "--for", "heroin", "--format", "bibtex"],
    ["refs", "a", "b"],
    ["ask", "is heroin a depressant", "--json"],
    ["--plain", "topics"],
    ["--json", "-w", "30", "show", "heroin", "-w", "50"],
    ["-j", "-p", "verify"],
    ["--version"],
    ["-V", "show", "heroin"],
    ["--version", "--bogus"],
    ["--width", "abc", "--version"],
    ["-w", "10"],
    ["-jp"],
    ["--", "show", "heroin"],
    ["about", "--pack", "a.yaml", "-P", "b.yaml"],
    ["verify", "--json", "-q"],
    ["help-now", "--width=25"],
    ["validate", "x.yaml"],
    ["handout", "heroin", "-o", "x.html"],
    ["--show-completion"],
]


def _generated(n: int, pool: list[str]) -> list[list[str]]:
    rnd = random.Random(13)
    out = []
    for _ in range(n):
        before = [rnd.choice(pool) for _ in range(rnd.choice([0, 0, 0, 1, 2]))]
        after = [rnd.choice(pool) for _ in range(rnd.choice([0, 1, 2, 3, 4, 5]))]
        out.append([*before, rnd.choice(NAMES), *after])
    return out


#: Mostly well-formed command lines, then anything at all.
VALID = [*WORDS[:3], "xanax", "-j", "--plain", "-q", "-C", "-w", "40", "-w50", "-P", "p.yaml", "-r"]
CASES = HAND_PICKED + _generated(500, VALID) + _generated(700, TOKENS)


def test_both_parsers_accept_and_reject_the_same_command_lines(typer_calls: Any) -> None:
    taken = 0
    for argv in CASES:
        typer_call, code = typer_calls(argv)
        quick = fast(argv)
        if quick is not None:
            taken += 1
            assert quick == typer_call, argv
        elif typer_call is not None:
            # only Typer's own commands may be left to Typer when it would run them
            assert not table.BY_NAME[typer_call[0]].fast, (argv, typer_call)  # type: ignore[union-attr]
        else:
            assert code != 0 or "-h" in argv or "--help" in argv or "completion" in str(argv), (
                argv,
                code,
            )
    assert taken > 150  # the corpus really exercises the fast path


def test_every_lookup_option_reaches_the_fast_path() -> None:
    for command in table.COMMANDS:
        if not command.fast:
            continue
        argv = [command.name]
        for arg in command.arguments:
            argv += ["x"] * max(arg.least, 1 if arg.most is None else arg.least)
        for opt in command.options:
            value = {"flag": [], "int": [str(opt.low or 20)], "str": ["apa"], "list": ["p"]}
            argv += [opt.long, *value[opt.kind]]
        parsed = parse.parse(argv)
        assert parsed is not None and parsed[0] is command, argv


def test_options_before_a_command_are_its_defaults() -> None:
    parsed = parse.parse(["--json", "-w", "30", "show", "heroin", "-w", "50"])
    assert parsed is not None
    assert parsed[1]["json_"] is True and parsed[1]["width"] == 50
    assert parse.parse(["--plain", "verify"]) is not None  # verify has no --plain: ignored
