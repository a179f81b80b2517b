"""The data commands: ``validate`` checks data files and packs."""

from __future__ import annotations

from .. import output
from ..errors import UsageError
from .exits import Exit, usage
from .table import Params


def validate(p: Params) -> int:
    """Each problem as file:line: message on stdout (JSON with --json); exit 3 if any."""
    from ..sources import configured_packs
    from ..validation import validate_report

    json_ = p["json_"]
    try:
        chosen = list(p["paths"] or []) or configured_packs(p["pack"] or (), strict=True)[0]
    except UsageError as err:
        return usage(err, json_)
    problems, warnings = validate_report(chosen)
    checked = chosen or ["data/facts.yaml"]
    if json_:
        output.emit_json(
            {
                "valid": not problems,
                "files": checked,
                "problems": [
                    {"file": q.file, "line": q.line, "message": q.message} for q in problems
                ],
                "warnings": [
                    {"file": q.file, "line": q.line, "message": q.message} for q in warnings
                ],
            }
        )
    else:
        from ..render.doc import clean

        output.write("".join(clean(str(q)) + "\n" for q in [*problems, *warnings]))
        if not p["quiet"]:
            n, w = len(problems), len(warnings)
            also = f" ({w} warning{'s' * (w != 1)})" if w else ""
            output.message(
                f"{n} problem{'s' * (n != 1)} in {', '.join(checked)}{also}."
                if n
                else f"OK: {', '.join(checked)} valid{also}."
            )
    return Exit.DATA if problems else Exit.FOUND
