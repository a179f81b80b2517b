"""The options every command takes, shared by cli.py and cli_outreach.py.

Modules import these names into their globals: with ``from __future__ import annotations``,
Typer resolves a command's annotations there.
"""

from __future__ import annotations

from typing import Annotated

import typer

JsonOpt = Annotated[
    bool, typer.Option("--json", "-j", help="Print one JSON document on stdout (e.g. --json).")
]
PlainOpt = Annotated[
    bool, typer.Option("--plain", "-p", help="Plain text: no colour, no boxes (e.g. --plain).")
]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", "-C", help="No colour; NO_COLOR=1 does the same.")
]
WidthOpt = Annotated[
    int | None,
    typer.Option(
        "--width", "-w", min=20, max=1000, metavar="N", help="Wrap at N columns (e.g. -w 60)."
    ),
]
PackOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--pack",
        "-P",
        help="Add a local pack (repeatable; e.g. --pack ./ours.yaml).",
        metavar="PATH",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Fewer notices on stderr; help lines are always shown."),
]
