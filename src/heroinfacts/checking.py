"""``validate()`` for the API and the CLI: check files without raising."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import DataError, Problem
from .schema import SourceFile, compile_sources, parse
from .sources import SHIPPED_BUNDLE_ID, DataFile, pack_file, shipped
from .yamlio import YamlProblem


def _is_core(raw: bytes) -> bool:
    try:
        doc = parse(raw)
    except YamlProblem:
        return False
    bundle = doc.get("bundle") if isinstance(doc, dict) else None
    return isinstance(bundle, dict) and bundle.get("id") == SHIPPED_BUNDLE_ID


def validate_paths(paths: Sequence[str]) -> list[Problem]:
    """Problems of each path checked with the shipped data (or alone, for a core copy)."""
    problems: list[Problem] = []
    base = shipped()
    try:
        base_raw = base.read()
    except (OSError, DataError) as err:
        return [Problem(base.name, 0, f"cannot read the shipped data: {err}")]
    if not paths:
        return compile_sources([SourceFile(base.name, base_raw, True)])[1]
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
        if _is_core(raw):
            files = [SourceFile(path, raw, True)]
        else:
            files = [SourceFile(base.name, base_raw, True), SourceFile(path, raw, False)]
        problems.extend(compile_sources(files)[1])
    return problems
