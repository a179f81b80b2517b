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


#: What a Python built without SQLite gets (exit 2, as a Python too old for heroinfacts does).
NO_SQLITE = (
    "heroinfacts: this Python has no sqlite3 module, which lookups and verify need: use a "
    "Python built with SQLite (from source: install libsqlite3-dev or sqlite-devel first). "
    "validate, --help and --version work without it."
)


def _no_sqlite(err: BaseException) -> bool:
    """Whether ``err`` is the import of sqlite3 failing: a Python built without SQLite."""
    return isinstance(err, ImportError) and err.name in ("sqlite3", "_sqlite3")


def _stream_error(err: BaseException) -> str | None:
    """Why writing stdout or stderr failed, when ``err`` is that failure (a full disk, a
    terminal gone away) raised outside heroinfacts' own writes (Typer printing the help or a
    usage error); else None.

    The write is the innermost frame of the traceback: ``file.write(...)`` in Click's ``echo``
    or in the stream that records the help. It failed on stdout or stderr if that frame holds a
    stream on file descriptor 1 or 2.
    """
    if not isinstance(err, OSError) or isinstance(err, BrokenPipeError):
        return None
    tb = err.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    for value in tb.tb_frame.f_locals.values():
        fileno = getattr(value, "fileno", None)
        if not callable(fileno) or isinstance(value, type):
            continue
        try:
            fd = fileno()
        except (OSError, ValueError, AttributeError, TypeError):
            continue
        if fd in (1, 2):
            return err.strerror or str(err)
    return None


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

        failed = _stream_error(err)
        if isinstance(err, OutputError) or failed is not None:
            # a full disk: say so (if stderr still can), and exit like "nothing shown"
            silence_stdout()
            from .output import message

            message(f"heroinfacts: cannot write the output: {failed or err}.")
            sys.exit(Exit.NOTHING)
        if _no_sqlite(err):
            from .output import message

            message(NO_SQLITE)
            sys.exit(Exit.USAGE)
        if debug:
            raise
        from .output import message

        detail = str(err).splitlines()[0][:200] if str(err) else ""
        message(
            f"heroinfacts: internal error ({type(err).__name__}: {detail}). {REPORT} "
            "Set HEROINFACTS_DEBUG=1 to see the details."
        )
        sys.exit(Exit.INTERNAL)
