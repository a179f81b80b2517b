"""Reading YAML safely: a safe loader only, no anchors or aliases, errors with a line number.

The fast path parses with PyYAML's C loader and keeps no positions. Positions are found only when
something is wrong: :func:`line_of` composes the document again and walks to the offending value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

try:  # the C parser is several times faster; PyYAML wheels ship it
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - only on a PyYAML built without libyaml
    _Base = yaml.SafeLoader

#: Bigger files are refused before parsing: a 100,000-topic pack is about 60 MB.
MAX_BYTES = 512 * 1024 * 1024

Path = Sequence[str | int]


class YamlProblem(Exception):
    """The text is not YAML heroinfacts accepts; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that refuses aliases, so a billion-laughs file is never expanded."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(
                node.start_mark.line + 1,
                "YAML anchors and aliases (&name, *name) are not allowed: write values in full",
            )
        return super().construct_object(node, deep)


def _mark_line(err: yaml.YAMLError) -> int:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return mark.line + 1 if mark is not None else 0


def decode(raw: bytes) -> str:
    """UTF-8 text of ``raw`` (a BOM is allowed), or :class:`YamlProblem`."""
    if b"\x00" in raw[:8192]:
        raise YamlProblem(1, "this is a binary file, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise YamlProblem(line, "the file is not valid UTF-8: save it as UTF-8 text") from None


def parse(raw: bytes) -> Any:
    """Parse one YAML document from ``raw``; raise :class:`YamlProblem` on anything wrong."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(1, f"the file is larger than {MAX_BYTES // 2**20} MiB")
    text = decode(raw)
    try:
        loader = _Loader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        detail = getattr(err, "problem", None) or str(err).splitlines()[0]
        if "could not determine a constructor" in str(err):
            detail = "tags such as !!python/object are not allowed: use plain YAML values"
        raise YamlProblem(_mark_line(err), f"YAML error: {detail}") from None
    except RecursionError:
        raise YamlProblem(1, "the YAML is nested too deeply") from None
    if data is None:
        raise YamlProblem(1, "the file is empty: it needs at least `schema` and `bundle`")
    return data


def line_of(raw: bytes, path: Path) -> int:
    """The 1-based line of the value at ``path`` (keys and list indexes) in ``raw``.

    Falls back to the nearest enclosing value that exists; 1 when nothing can be found.
    """
    try:
        node = yaml.compose(decode(raw), Loader=_Base)
    except (yaml.YAMLError, YamlProblem, RecursionError):
        return 1
    line = 1
    for step in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key, value in node.value:
                if getattr(key, "value", None) == step:
                    line = key.start_mark.line + 1
                    nxt = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            nxt = node.value[step]
        if nxt is None:
            return line
        node = nxt
    return node.start_mark.line + 1 if node is not None else line
