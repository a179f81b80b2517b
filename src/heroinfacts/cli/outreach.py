"""The outreach commands: ``handout`` writes a printable handout (.html, .md or .txt) and
``verify`` checks the shipped data against its recorded checksum."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import output as out
from ..errors import DataError, NotFound, UsageError
from .exits import Exit, data_error, fail, not_found, usage
from .lookup import load_kb
from .table import Params

if TYPE_CHECKING:
    from ..handout import Handout


def handout(p: Params) -> int:
    """Write the handout to the file ``--output`` names; one line (or JSON) says what it holds."""
    from .. import handout
    from ..atomic import check_target, write_atomic
    from ..render.doc import clean_line, short

    output, force, json_ = p["output"], p["force"], p["json_"]
    path = Path(output)
    name = clean_line(short(output))  # a file name is data too: escaped, and not 300 long
    exists = f"heroinfacts: {name} already exists; add --force to replace it."
    try:
        fmt = handout.format_for(path)
        check_target(path, force=force)
    except FileExistsError:
        return fail(Exit.USAGE, exists, json_out=json_)
    except UsageError as err:
        return usage(err, json_)
    except OSError as err:  # a name the system refuses: too long, under a file ...
        return _cannot_write(name, err, json_)
    try:
        kb = load_kb(p["pack"])
        built = handout.build(kb, p["topic"], title=p["title"])
    except NotFound as err:
        return not_found(err, json_)
    except DataError as err:
        return data_error(err, json_)
    except UsageError as err:
        return usage(err, json_)
    data = handout.render(built, fmt).encode("utf-8")
    try:
        write_atomic(path, data, force=force)
    except FileExistsError:
        return fail(Exit.USAGE, exists, json_out=json_)
    except UsageError as err:  # it became a link or a directory meanwhile
        return usage(err, json_)
    except OSError as err:
        return _cannot_write(name, err, json_)
    if json_:
        out.emit_json(_handout_json(built, path, fmt, len(data), kb))
    else:
        out.write(_handout_line(built, output, fmt) + "\n")
    if not p["quiet"]:
        for note in built.notices:
            out.message(note)
    return Exit.FOUND


def _cannot_write(name: str, err: OSError, json_: bool) -> int:
    """A handout that could not be written: exit 1 for the disk (full, failing), as for any
    output that cannot be written; exit 2 for the name (too long, no such directory ...)."""
    from ..atomic import DISK_ERRNOS

    disk = err.errno in DISK_ERRNOS
    reason = err.strerror or str(err)
    return fail(
        Exit.NOTHING if disk else Exit.USAGE,
        f"heroinfacts: cannot write {name}: {reason}.",
        json_out=json_,
        kind="cannot-write" if disk else None,
    )


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
    from ..render.doc import clean_line

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


def verify(p: Params) -> int:
    """Say whether the shipped data matches its recorded checksum (exit 3 if not)."""
    from ..cache import check_cache
    from ..integrity import verify_shipped
    from ..sources import data_files, shipped

    json_, quiet = p["json_"], p["quiet"]
    try:
        result = verify_shipped()
        try:
            files = data_files()
        except DataError:  # packs named out of sight that cannot be loaded: lookups use the
            files = [shipped()]  # shipped data alone, so that is the cache to check
        cache = check_cache(files)
    except (DataError, OSError) as err:
        return fail(Exit.DATA, f"heroinfacts: cannot read the shipped data: {err}", json_out=json_)
    except UsageError as err:  # a broken config file
        return usage(err, json_)
    if json_:
        out.emit_json({**result, "cache": cache})
    elif result["ok"]:
        out.write(f"OK: {result['message']}\n{result['actual']}\n")
        if cache["ok"] and not quiet:
            out.message(f"Cache: {cache['message']}.")
    if result["ok"] and not cache["ok"]:
        out.message(f"heroinfacts: {cache['message']}.")
        return Exit.DATA
    if not result["ok"]:
        lines = [f"heroinfacts: {result['message']}"]
        if not quiet:
            lines.append(f"expected {result['expected'] or '(none recorded)'}")
            lines.append(f"found    {result['actual']}")
        out.message("\n".join(lines))
        return Exit.DATA
    return Exit.FOUND
