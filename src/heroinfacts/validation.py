"""``validate()`` for the API and the CLI: check files without raising."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .compiler import NOT_PARSED, Compiled, SourceFile, compile_sources, parse
from .errors import DataError, Problem
from .sources import SHIPPED_BUNDLE_ID, DataFile, pack_file, shipped
from .yamlio import YamlProblem


def _parsed(raw: bytes) -> Any:
    """The document, or NOT_PARSED when it does not parse (compile_sources then says why)."""
    try:
        return parse(raw)
    except YamlProblem:
        return NOT_PARSED


def _is_core(doc: Any) -> bool:
    """Whether the document is a copy of the shipped data (its bundle id is the shipped one)."""
    bundle = doc.get("bundle") if isinstance(doc, dict) else None
    return isinstance(bundle, dict) and bundle.get("id") == SHIPPED_BUNDLE_ID


def validate_paths(paths: Sequence[str]) -> list[Problem]:
    """Problems of each path checked with the shipped data (or alone, for a core copy)."""
    return validate_report(paths)[0]


def _overrides(compiled: Compiled) -> list[Problem]:
    return [
        Problem(
            o["file"],
            o["line"],
            f"warning: {o['kind']} {o['id']!r} replaces the shipped entry at {o['replaces']} "
            "(override: true); every run will say so",
        )
        for o in compiled.overrides
    ]


def validate_report(paths: Sequence[str]) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of ``paths``; a warning is an entry that replaces a shipped one
    (``override: true``): allowed, but never silent.

    The packs are checked together with the shipped data, in order, as every command loads
    them: two packs defining the same id clash, and a pack given twice is a problem. A copy of
    the shipped data (its bundle id is the shipped one) is checked alone, in its place.
    """
    import os

    problems: list[Problem] = []
    warnings: list[Problem] = []
    base = shipped()
    try:
        base_raw = base.read()
    except (OSError, DataError) as err:
        return [Problem(base.name, 0, f"cannot read the shipped data: {err}")], []
    if not paths:
        return compile_sources([SourceFile(base.name, base_raw, True)])[1], []
    together = [SourceFile(base.name, base_raw, True)]
    runs: list[list[SourceFile]] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            f: DataFile = pack_file(path)
            raw = f.read()
        except DataError as err:
            problems.extend(err.problems)
            continue
        except OSError as err:
            problems.append(Problem(path, 0, f"cannot read the file: {err.strerror}"))
            continue
        real = os.path.realpath(f.path) if f.path else path
        if real in seen:
            problems.append(
                Problem(path, 0, f"this pack is given twice (also as {seen[real]}): give it once")
            )
            continue
        seen[real] = path
        doc = _parsed(raw)  # parsed once: the check below reuses it
        if _is_core(doc):
            runs.append([SourceFile(path, raw, True, doc)])
        else:
            together.append(SourceFile(path, raw, False, doc))
    if len(together) > 1:
        runs.append(together)
    for files in runs:
        compiled, found = compile_sources(files)
        problems.extend(found)
        warnings.extend(_overrides(compiled))
    return problems, warnings
