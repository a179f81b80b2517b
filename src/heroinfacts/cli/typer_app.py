"""The Typer app, built from the command table (:mod:`heroinfacts.cli.table`).

Typer gives ``--help``, shell completion and the wording of usage errors; every command then
calls :func:`heroinfacts.cli.run.execute`, as the fast path does. Each command's function is
made here with the signature Typer reads (``__signature__``), from the table's options and
arguments.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from .run import execute
from .table import BY_USE, PROGRAM, Argument, Command, Option, Params


def help_width() -> int:
    """The width ``--help`` wraps to: the terminal's (or COLUMNS) less 2, at most 78. Click
    would never go under 50, so at 40 columns its lines ran off the screen and the terminal
    broke words in half; from 20 columns up, lines now fit."""
    import shutil

    return max(min(shutil.get_terminal_size().columns, 80) - 2, 18)


app = typer.Typer(
    name="heroinfacts",  # the help text is the program's, example included
    invoke_without_command=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": help_width()},
)

_TYPES: dict[str, Any] = {
    "flag": bool,
    "int": int | None,
    "str": str | None,
    "list": list[str] | None,
}


def typer_option(opt: Option) -> tuple[Any, Any]:
    """(annotation, default) of ``opt`` for a Typer command's signature."""
    kind: Any = _TYPES[opt.kind]
    if (opt.kind in ("int", "str") and opt.default is not None) or opt.required:
        kind = int if opt.kind == "int" else str
    info = typer.Option(
        opt.long,
        *([opt.short] if opt.short else []),
        help=opt.help,
        metavar=opt.metavar,
        min=opt.low,
        max=opt.high,
        show_default=opt.show_default,
    )
    default = inspect.Parameter.empty if opt.required else opt.empty()
    return Annotated[kind, info], default


#: What shell completion offers for an argument, by command and argument: record kinds.
COMPLETES = {
    ("show", "topic"): ("topic",),
    ("handout", "topic"): ("topic", "list"),
    ("symptoms", "name"): ("list",),
    ("define", "term"): ("term",),
    ("mix", "first"): ("substance", "class"),
    ("mix", "second"): ("substance", "class"),
    ("refs", "ref_id"): ("reference",),
}


def completer(kinds: tuple[str, ...]) -> Any:
    """A completion function offering the ids of ``kinds`` (shipped data and packs in force)
    that start with what was typed; nothing at all if the data cannot be read."""

    def complete(incomplete: str) -> list[str]:
        try:
            from ..cache import open_kb
            from ..sources import data_files

            kb = open_kb(data_files(()))
            ids = [rid for kind in kinds for rid, _, _ in kb.outline(kind)]
        except Exception:  # completion must never print a traceback into the shell
            return []
        return [rid for rid in dict.fromkeys(ids) if rid.startswith(incomplete.lower())]

    return complete


def typer_argument(arg: Argument, command: str = "") -> tuple[Any, Any]:
    """(annotation, default) of ``arg`` for a Typer command's signature."""
    kind: Any = list[str] if arg.most is None else str
    if not arg.least:
        kind = kind | None
    kinds = COMPLETES.get((command, arg.dest))
    info = typer.Argument(
        help=arg.help,
        show_default=False,
        metavar=arg.metavar,
        autocompletion=completer(kinds) if kinds else None,
    )
    return Annotated[kind, info], (None if not arg.least else inspect.Parameter.empty)


def _signature(command: Command) -> inspect.Signature:
    specs = [
        *((a.dest, *typer_argument(a, command.name)) for a in command.arguments),
        *((o.dest, *typer_option(o)) for o in command.options),
    ]
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature(
        [inspect.Parameter(d, kind, default=v, annotation=t) for d, t, v in specs]
    )


def canonical(command: Command, values: Params) -> Params:
    """Typer's values in the fast parser's form: a greedy argument is always a list."""
    out = dict(values)
    for arg in command.arguments:
        if arg.most is None:
            out[arg.dest] = list(out[arg.dest] or [])
    for opt in command.options:
        if opt.kind == "list" and out.get(opt.dest) is not None:
            out[opt.dest] = list(out[opt.dest])
    return out


def _typed(fn: Any, signature: inspect.Signature, doc: str) -> Any:
    """``fn`` with the signature (and so the options) Typer reads, and its help."""
    fn.__signature__ = signature
    fn.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    fn.__doc__ = doc
    return fn


def _typer_function(command: Command) -> Any:
    def run(**values: Any) -> None:
        raise typer.Exit(execute(command, canonical(command, values)))

    run.__name__ = command.name.replace("-", "_")
    return _typed(run, _signature(command), command.help)


for _command in BY_USE:
    app.command(_command.name, epilog=f"Example: {_command.example}")(_typer_function(_command))


def _version_callback(value: bool) -> None:
    if value:
        from .parse import BY_NAME_VERSION

        raise typer.Exit(execute(BY_NAME_VERSION, {}))


def _program(ctx: typer.Context, **values: Any) -> None:
    given = {k: v for k, v in values.items() if v and k != "version"}
    if ctx.invoked_subcommand is None:
        raise typer.Exit(execute(PROGRAM, {**values, "version": False}))
    if given:  # the command's own defaults: a command without such an option ignores it
        ctx.default_map = {ctx.invoked_subcommand: given}


def _program_signature() -> inspect.Signature:
    ctx = inspect.Parameter(
        "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
    )
    params = [ctx]
    for opt in PROGRAM.options:
        kind, default = typer_option(opt)
        if opt.dest == "version":
            info = typer.Option(
                opt.long, opt.short, help=opt.help, callback=_version_callback, is_eager=True
            )
            kind = Annotated[bool, info]
        params.append(
            inspect.Parameter(
                opt.dest, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=kind
            )
        )
    return inspect.Signature(params)


app.callback()(_typed(_program, _program_signature(), PROGRAM.help))


def main() -> None:
    """Console entry point straight into the Typer app (no fast path): never a traceback unless
    HEROINFACTS_DEBUG=1."""
    from ..guard import main as entry_main

    entry_main(app)
