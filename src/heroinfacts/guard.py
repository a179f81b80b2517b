"""The process around the Typer app: stream set-up, broken pipes, and internal errors as one
line with exit 70 (a traceback only with HEROINFACTS_DEBUG=1)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Any

from .cli.exits import Exit

REPORT = "Please report it, with the command you ran, to the heroinfacts issue tracker."


class _ClosedStdout(io.TextIOBase):
    """sys.stdout when the process started with it closed (`heroinfacts topics >&-`).

    Writing fails as on a full disk (OutputError: a message on stderr, exit 1), so a script
    learns that its output went nowhere; a run that prints nothing on stdout still succeeds.
    """

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not text:
            return 0
        from .errors import OutputError

        raise OutputError("stdout is closed")

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    if sys.stdout is None:  # started with stdout closed
        sys.stdout = _ClosedStdout()
    if sys.stderr is None:  # messages go nowhere (Click would put them on stdout instead)
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # never a UnicodeEncodeError: LANG=C, PYTHONIOENCODING=ascii ...
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _is_database_error(err: BaseException) -> bool:
    """``isinstance(err, sqlite3.DatabaseError)``, without importing sqlite3 (~4 ms) on the
    paths that never use it: if it was never imported, no SQLite error can have happened."""
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(err, sqlite3.DatabaseError)


#: The exit status of a process ended by SIGTERM (128 + 15), as the shell reports it.
EXIT_TERMINATED = 143


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(EXIT_TERMINATED)


def _on_terminate() -> None:
    """SIGTERM ends the run like Ctrl-C does: through every ``finally``, so no half-written
    cache file stays behind and a hidden cursor is shown again."""
    import signal

    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGTERM, _terminated)


def main(app: Any) -> None:
    """Run ``app``; turn every failure into a message and a documented exit code."""
    _prepare_streams()
    _on_terminate()
    debug = os.environ.get("HEROINFACTS_DEBUG", "") not in ("", "0")
    try:
        try:
            app(prog_name="heroinfacts")
        except Exception as err:
            if not _is_database_error(err):
                raise
            # A damaged cache file: drop the caches and answer from the data itself.
            from .cache import clear

            clear()
            app(prog_name="heroinfacts")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(Exit.INTERRUPTED)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(Exit.FOUND)
    except Exception as err:
        from .errors import OutputError

        if isinstance(err, OutputError):  # a full disk: say so, and exit like "nothing shown"
            silence_stdout()
            from .output import message

            message(f"heroinfacts: cannot write the output: {err}.")
            sys.exit(Exit.NOTHING)
        if debug:
            raise
        from .output import message

        detail = str(err).splitlines()[0][:200] if str(err) else ""
        message(
            f"heroinfacts: internal error ({type(err).__name__}: {detail}). {REPORT} "
            "Set HEROINFACTS_DEBUG=1 to see the details."
        )
        sys.exit(Exit.INTERNAL)
