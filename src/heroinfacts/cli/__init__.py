"""The command line, as a package (docs/architecture.md):

- :mod:`.table`: every command as data (words, options, help, examples, the function that
  answers it); no Typer.
- :mod:`.parse`: the fast path's parser of ``sys.argv`` against the table.
- :mod:`.run`: runs a parsed command (both paths call it); stores terminal output.
- :mod:`.exits`: the exit codes, and errors turned into messages and codes.
- :mod:`.lookup`, :mod:`.data`, :mod:`.outreach`: the commands themselves.
- :mod:`.typer_app`: the Typer app built from the table (``--help``, completion, usage errors).

Importing this package imports nothing heavy: ``app`` and ``main`` load Typer when first used.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("app", "main"):
        from . import typer_app as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
