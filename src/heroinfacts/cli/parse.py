"""The fast path's parser: ``sys.argv`` read against the command table, the way Click reads it.

It follows Click's rules (options anywhere among the words, ``--`` ends them, ``--opt=value``,
``-w40``, clustered flags ``-jq``, the last of a repeated option wins, ``--pack`` repeats) and
converts values as Click does (``int()``, then the range). Whatever it cannot answer exactly as
the Typer app would (``--help``, completion, an unknown command or option, a missing or bad
value, a wrong number of words) it leaves to the Typer app by returning None, having printed
nothing: Typer words usage errors. tests/test_parse.py checks both parsers against each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from .table import BY_NAME, PROGRAM, Command, Option, Params

#: ``-h``/``--help``, which every command and the program take (Typer answers it).
_HELP = Option("help", "--help", "-h", "Show the help and exit.")


class _Defer(Exception):
    """Not for the fast path: the Typer app answers (and words any error)."""


def _split(
    options: Sequence[Option], tokens: Sequence[str], interspersed: bool
) -> tuple[dict[str, list[str | None]], list[str], list[str]]:
    """Click's option parser: (raw values by dest, words, the tokens left after the first word
    when options must come first)."""
    longs = {o.long: o for o in (*options, _HELP)}
    shorts = {o.short: o for o in (*options, _HELP)}
    given: dict[str, list[str | None]] = {}
    words: list[str] = []
    rest = list(tokens)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            if not interspersed:
                return given, words, rest
            return given, words + rest, []
        if arg[:1] != "-" or len(arg) == 1:
            if not interspersed:
                return given, words, [arg, *rest]
            words.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in longs:
            opt = longs[name]
            if not opt.takes_value:
                if eq:
                    raise _Defer  # "does not take a value"
                given.setdefault(opt.dest, []).append(None)
                continue
            if eq:
                rest.insert(0, value)
            if not rest:
                raise _Defer  # "requires an argument"
            given.setdefault(opt.dest, []).append(rest.pop(0))
            continue
        if arg[:2] == "--":
            raise _Defer  # no such option
        for i, ch in enumerate(arg[1:], start=2):
            short = shorts.get("-" + ch)
            if short is None:
                raise _Defer
            if not short.takes_value:
                given.setdefault(short.dest, []).append(None)
                continue
            if i < len(arg):
                rest.insert(0, arg[i:])
            if not rest:
                raise _Defer
            given.setdefault(short.dest, []).append(rest.pop(0))
            break
    return given, words, []


def _values(options: Sequence[Option], given: dict[str, list[str | None]]) -> Params:
    """Each option's value, converted and checked as Click does."""
    out: Params = {}
    for opt in options:
        raw = given.get(opt.dest)
        if raw is None:
            if opt.required:
                raise _Defer
            out[opt.dest] = opt.empty()
        elif opt.kind == "flag":
            out[opt.dest] = True
        elif opt.kind == "list":
            out[opt.dest] = list(raw)
        elif opt.kind == "int":
            try:
                number = int(str(raw[-1]))
            except ValueError:
                raise _Defer from None
            if (opt.low is not None and number < opt.low) or (
                opt.high is not None and number > opt.high
            ):
                raise _Defer
            out[opt.dest] = number
        else:
            out[opt.dest] = raw[-1]
    return out


def _arguments(command: Command, words: list[str]) -> Params:
    """The words shared out among the command's arguments, as Click does."""
    out: Params = {}
    left = list(words)
    for arg in command.arguments:  # the table puts a greedy argument last
        if arg.most is None:
            if len(left) < arg.least:
                raise _Defer  # "missing argument"
            out[arg.dest], left = left, []
        else:
            if not left:
                if arg.least:
                    raise _Defer
                out[arg.dest] = None
            else:
                out[arg.dest] = left.pop(0)
    if left:
        raise _Defer  # "unexpected extra argument"
    return out


def parse(argv: Sequence[str]) -> tuple[Command, Params] | None:
    """The command and its parameters, or None: the Typer app's business."""
    try:
        given, _, rest = _split(PROGRAM.options, argv, interspersed=False)
        eager = [d for d in given if d in ("version", "help")]  # the first given wins
        if eager == ["version"] or eager[:1] == ["version"]:
            return BY_NAME_VERSION, {}
        if eager:
            return None
        root = _values(PROGRAM.options, given)
        if not rest:
            return PROGRAM, root
        command = BY_NAME.get(rest[0])
        if command is None or not command.fast:
            return None
        own, words, _ = _split(command.options, rest[1:], interspersed=True)
        if "help" in own:
            return None
        params = _values(command.options, own)
        for dest, value in root.items():  # options before the command are its defaults
            if value and dest in params and dest not in own:
                params[dest] = value
        params.update(_arguments(command, words))
    except _Defer:
        return None
    return command, params


#: ``--version`` as a command of its own (Typer answers it in the program's callback).
BY_NAME_VERSION = Command("--version", "", "", (), (), "lookup:version")
