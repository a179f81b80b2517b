"""Outreach commands (handouts, verify): registered on the app by ``cli.py``.

``handout`` writes a printable handout (.html, .md or .txt) and ``verify`` checks the shipped data
against its recorded checksum. Helpers from ``cli.py`` (messages, exit codes, loading) are imported
inside the commands, so importing this module never imports the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from .handout import Handout

# Typer reads the option types from this module's globals.
from .options import JsonOpt, PackOpt, QuietOpt

TopicsArg = Annotated[
    list[str],
    typer.Argument(
        help="Topics (ids or aliases; sign lists work too), e.g. heroin-and-depression overdose.",
        show_default=False,
        metavar="TOPIC",
    ),
]
OutputOpt = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="The file to write; its suffix picks the format: .html, .md or .txt (e.g. -o a.html).",
        metavar="FILE",
        show_default=False,
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", "-f", help="Replace FILE if it exists (e.g. --force).")
]
TitleOpt = Annotated[
    str | None,
    typer.Option(
        "--title",
        "-t",
        help='A heading instead of the topic titles (e.g. -t "Staying safe").',
        metavar="TEXT",
    ),
]


def _handout_cmd(
    topic: TopicsArg,
    output: OutputOpt,
    force: ForceOpt = False,
    title: TitleOpt = None,
    json_: JsonOpt = False,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a printable handout: cited facts, help lines (national and local), QR codes.

    The suffix of FILE picks the format: .html is one self-contained page to print (one or two
    Letter or A4 pages), .md is Markdown, .txt is plain text at 80 columns.
    """
    from . import cli, handout
    from . import output as out
    from .errors import DataError, NotFound, UsageError

    path = Path(output)
    exists = f"heroinfacts: {output} already exists; add --force to replace it."
    try:
        fmt = handout.format_for(path)
    except UsageError as err:
        raise cli.fail(cli.EXIT_USAGE, f"heroinfacts: {err}", json_out=json_) from None
    if path.exists() and not force:
        raise cli.fail(cli.EXIT_USAGE, exists, json_out=json_)
    opts = cli.Opts(json=json_, packs=pack, quiet=quiet)
    try:
        kb = cli.load_kb(opts)
        built = handout.build(kb, topic, title=title)
    except NotFound as err:
        raise cli._not_found_exit(err, json_) from None
    except DataError as err:
        raise cli._data_error(err, json_) from None
    except UsageError as err:
        raise cli.fail(cli.EXIT_USAGE, f"heroinfacts: {err}", json_out=json_) from None
    data = handout.render(built, fmt).encode("utf-8")
    try:
        handout.write_atomic(path, data, force=force)
    except FileExistsError:
        raise cli.fail(cli.EXIT_USAGE, exists, json_out=json_) from None
    except OSError as err:
        reason = err.strerror or str(err)
        raise cli.fail(
            cli.EXIT_USAGE, f"heroinfacts: cannot write {output}: {reason}.", json_out=json_
        ) from None
    if json_:
        out.emit_json(_handout_json(built, path, fmt, len(data), kb))
    else:
        out.write(_handout_line(built, output, fmt) + "\n")
    if not quiet:
        for note in built.notices:
            out.message(note)
    raise typer.Exit(cli.EXIT_FOUND)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _handout_line(built: Handout, output: str, fmt: str) -> str:
    local = sum(1 for r in built.resources if r.pack)
    parts = [
        _count(len(built.topics) + len(built.lists), "topic"),
        _count(len(built.resources), "help service") + (f" ({local} local)" if local else ""),
        _count(len(built.references), "reference"),
    ]
    if fmt == "html":
        parts.append(_count(len(built.urls), "QR code"))
    tail = " Open it in a browser and print it." if fmt == "html" else ""
    from .render.doc import clean_line

    return f"Wrote {clean_line(output)}: {', '.join(parts)}.{tail}"  # a file name is data too


def _handout_json(built: Handout, path: Path, fmt: str, size: int, kb: Any) -> dict[str, Any]:
    bundle = kb.bundle
    return {
        "output": str(path),
        "format": fmt,
        "bytes": size,
        **built.to_dict(),
        "qr_codes": list(built.urls) if fmt == "html" else [],  # only HTML draws them
        "data": {
            "version": bundle.version,
            "reviewed": bundle.reviewed,
            "checksum": f"sha256:{kb.meta('checksum')}",
        },
        "packs": [s.to_dict() for s in kb.sources if not s.shipped],
        "disclaimer": bundle.disclaimer,
    }


# --- verify -----------------------------------------------------------------------------------


def verify_shipped() -> dict[str, Any]:
    """Compare the shipped data's SHA-256 with the one recorded beside it when it was built."""
    import hashlib
    from importlib.resources import files

    from .sources import SHIPPED_NAME, shipped, shipped_checksum_recorded

    data = shipped()
    location = (
        str(data.path)
        if data.path is not None
        else str(files("heroinfacts") / "data" / SHIPPED_NAME)
    )
    actual = hashlib.sha256(data.read()).hexdigest()
    expected = shipped_checksum_recorded()
    if expected is None:
        ok, message = (
            False,
            (
                f"no recorded checksum was found beside {location} "
                f"({SHIPPED_NAME}.sha256), so this copy cannot be checked. "
                "Get a fresh copy from a source you trust."
            ),
        )
    elif expected.lower() != actual:
        ok, message = (
            False,
            (
                f"{location} does not match its recorded checksum: it was changed or damaged "
                "after it was built. Do not rely on this copy; get a fresh one from a source "
                "you trust."
            ),
        )
    else:
        ok, message = True, f"{location} matches its recorded checksum."
    return {
        "ok": ok,
        "file": location,
        "expected": f"sha256:{expected}" if expected else None,
        "actual": f"sha256:{actual}",
        "message": message,
    }


def _verify_cmd(json_: JsonOpt = False, quiet: QuietOpt = False) -> None:
    """Check the shipped data against its recorded SHA-256 checksum (exit 3 if it differs).

    Use it on a copy passed on by USB stick or e-mail. It catches damage and careless edits; to
    rule out a deliberate change, compare the checksum it prints with one published by the
    people you got heroinfacts from.
    """
    from . import cli
    from . import output as out
    from .cache import check_cache
    from .errors import DataError, UsageError
    from .sources import data_files

    try:
        result = verify_shipped()
        cache = check_cache(data_files())
    except (DataError, OSError) as err:
        raise cli.fail(
            cli.EXIT_DATA, f"heroinfacts: cannot read the shipped data: {err}", json_out=json_
        ) from None
    except UsageError as err:  # a broken config file
        raise cli.fail(cli.EXIT_USAGE, f"heroinfacts: {err}", json_out=json_) from None
    if json_:
        out.emit_json({**result, "cache": cache})
    elif result["ok"]:
        out.write(f"OK: {result['message']}\n{result['actual']}\n")
        if cache["ok"] and not quiet:
            out.message(f"Cache: {cache['message']}.")
    if result["ok"] and not cache["ok"]:
        out.message(f"heroinfacts: {cache['message']}.")
        raise typer.Exit(cli.EXIT_DATA)
    if not result["ok"]:
        lines = [f"heroinfacts: {result['message']}"]
        if not quiet:
            lines.append(f"expected {result['expected'] or '(none recorded)'}")
            lines.append(f"found    {result['actual']}")
        out.message("\n".join(lines))
        raise typer.Exit(cli.EXIT_DATA)
    raise typer.Exit(cli.EXIT_FOUND)


def register(app: Any) -> None:
    """Add the outreach commands to ``app``."""
    app.command(
        "handout",
        epilog="Example: heroinfacts handout heroin-and-depression overdose -o handout.html",
    )(_handout_cmd)
    app.command("verify", epilog="Example: heroinfacts verify --json")(_verify_cmd)
