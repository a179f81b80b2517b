"""``python -m heroinfacts`` and the ``heroinfacts`` console script.

Start-up is most of what a lookup costs (docs/performance.md), so a lookup takes the shortest
road it can:

1. A repeat on a terminal is a read: :func:`heroinfacts.stored_output.replay` prints the
   stored output and ends the process, having imported only ``os``, ``sys`` and a SHA-256.
2. Otherwise the command line is parsed against the command table (:mod:`heroinfacts.cli.parse`)
   and the command answered without Typer.
3. Whatever that parser leaves (``--help``, completion, usage errors, ``validate``,
   ``handout``) goes to the Typer app built from the same table, which prints exactly what it
   always does: nothing is printed before that decision.

Both parsers call the same :func:`heroinfacts.cli.run.execute`; tests/test_parse.py checks
that they accept and reject the same command lines.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """The console script: replay a stored page if there is one, else run the app."""
    from .pager import strip_flag

    args = sys.argv[1:] = strip_flag(sys.argv[1:])  # --no-pager, on any command
    if not os.environ.get("_HEROINFACTS_COMPLETE"):
        from . import stored_output

        stored_output.replay(args)  # returns only when nothing is stored
        from .cli.words import rewrite

        args = sys.argv[1:] = rewrite(args)  # `heroinfacts help`, `heroinfacts heroin`
        stored_output.argv = args
    from .guard import main as entry_main

    try:
        entry_main(_app)
    except SystemExit as done:
        code = done.code
        if code is not None and not isinstance(code, int):
            raise
        # Everything is written; skip the interpreter's teardown (~10 ms: module and object
        # clean-up that a process about to end does not need).
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code or 0)


def _app(prog_name: str) -> None:
    """What :func:`heroinfacts.guard.main` runs: the fast path when it applies, else Typer."""
    args = sys.argv[1:]
    code = _fast(args)
    if code is not None:
        sys.exit(code)
    from .cli.typer_app import app

    if ("-h" in args or "--help" in args) and not os.environ.get("_HEROINFACTS_COMPLETE"):
        from . import stored_output

        stored_output.record_help(lambda: app(prog_name=prog_name))
    else:
        app(prog_name=prog_name)


def _fast(argv: list[str]) -> int | None:
    """Answer ``argv`` and return the exit code, or None (having printed nothing)."""
    if os.environ.get("_HEROINFACTS_COMPLETE"):  # shell completion: Typer's business
        return None
    from .cli.parse import parse

    parsed = parse(argv)
    if parsed is None:
        return None
    from .cli.run import execute

    try:
        return execute(*parsed)
    except BrokenPipeError:  # the reader went away: quietly, exit 1 as Click does
        from .guard import silence_stdout

        silence_stdout()
        return 1


if __name__ == "__main__":
    main()
