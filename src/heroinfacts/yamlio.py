"""Reading YAML safely: a safe loader only, no anchors or aliases, errors with a line number.

The fast path parses with PyYAML's C loader and keeps no positions. Positions are found only when
something is wrong: :func:`compose` builds the document's node tree once and :func:`line_in`
walks it to the offending value.

Speed (see docs/performance.md). ``yaml.load`` composes the whole document into a tree of nodes
(each with two position marks) before it builds a single dict, and the cyclic garbage collector
walks that growing heap again and again: a 100,000-topic pack took ~80 s and 3 GB. :func:`parse`
instead builds the dicts and lists straight from libyaml's event stream, with the collector
paused, and reads the bytes through a small reader that reports progress. It handles the plain
documents data files are made of; anything else (anchors, aliases, explicit collection tags,
merge keys, odd keys, several documents, deep nesting, any error) makes it stop and the
document is parsed again by the original loader, so results and error messages are exactly
those of the loader.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import yaml
from yaml import events as _ev
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

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


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"


class RereadInt(int):
    """An integer YAML read from text that does not say it as written (``0117`` is 79,
    ``1_800_662`` is 1800662, ``12:34:56`` is 45296): ``source`` keeps what was written, so a
    field that wants text can refuse it (see ``compiler._str``)."""

    source: str


class RereadFloat(float):
    """A float YAML read from text that does not say it as written (``1.10``, ``.nan``)."""

    source: str


_INFINITE = (float("inf"), float("-inf"))


def _as_written(value: Any, source: str) -> Any:
    """``value``, or it marked with ``source`` when YAML read ``source`` as another number."""
    kind = type(value)
    if (kind is not int and kind is not float) or value != value or value in _INFINITE:
        return value  # NaN and infinities stay the loader's one object (``compiler._str`` refuses)
    try:
        same = repr(value) == source
    except ValueError:  # an integer too long to print: refused elsewhere
        return value
    if same:
        return value
    marked: RereadInt | RereadFloat = (RereadInt if kind is int else RereadFloat)(value)
    marked.source = source
    return marked


def _shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, shortened, never raising (a huge integer cannot print)."""
    try:
        text = repr(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        return "<a number too long to print>"
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _unbuildable(node: yaml.Node, err: Exception) -> YamlProblem:
    """The problem for a scalar the safe constructor cannot build (ValueError, OverflowError)."""
    line = node.start_mark.line + 1
    detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    value = str(node.value)
    if node.tag == _TIMESTAMP:
        what = "date" if len(value.strip()) <= 10 else "date and time"
        return YamlProblem(
            line, f"{_shown(value)} is not a real {what} ({detail}): write YYYY-MM-DD"
        )
    if node.tag == _INT or "integer string conversion" in detail:
        digits = sum(c.isdigit() for c in value)
        most: int = getattr(sys, "get_int_max_str_digits", lambda: 4300)()  # 3.10.7+
        return YamlProblem(
            line,
            f"a {digits:,}-digit integer is too long (at most {most:,} digits):"
            " write it in quotes if it is meant as text",
        )
    return YamlProblem(line, f"the value {_shown(value)} cannot be read ({detail})")


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that refuses aliases (so a billion-laughs file is never expanded) and
    duplicate keys, and reports a value it cannot build (2026-13-45) as a :class:`YamlProblem`."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YamlProblem(
                node.start_mark.line + 1,
                "YAML anchors and aliases (&name, *name) are not allowed: write values in full",
            )
        if not isinstance(node, ScalarNode):
            return super().construct_object(node, deep)
        try:
            return _as_written(super().construct_object(node, deep), node.value)
        except (ValueError, OverflowError) as err:
            raise _unbuildable(node, err) from None

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        """SafeConstructor's, refusing a key written twice (keys merged in with ``<<`` may be
        overridden, as YAML allows)."""
        if not isinstance(node, MappingNode):
            raise ConstructorError(
                None,
                None,
                f"expected a mapping node, but found {getattr(node, 'id', '?')}",
                node.start_mark,
            )
        written = sum(1 for k, _ in node.value if k.tag != _MERGE)
        self.flatten_mapping(node)
        merged = len(node.value) - written  # flatten_mapping puts merged pairs first
        mapping: dict[Any, Any] = {}
        first: dict[Any, int] = {}
        for i, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                )
            if i >= merged:
                line = key_node.start_mark.line + 1
                if key in first:
                    raise YamlProblem(
                        line, f"duplicate key {_shown(key)} (first at line {first[key]})"
                    )
                first[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


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


#: ``(bytes read, bytes in all)`` while :func:`parse` reads a document (set by the cache builder);
#: each parse ends with exactly one call where the two are equal, whatever happens.
ReadProgress = Callable[[int, int], None]
_READ_PROGRESS: ContextVar[ReadProgress | None] = ContextVar("hf_read_progress", default=None)


@contextlib.contextmanager
def reporting(callback: ReadProgress) -> Iterator[None]:
    """Within the block, :func:`parse` calls ``callback(done, total)`` as it reads bytes."""
    token = _READ_PROGRESS.set(callback)
    try:
        yield
    finally:
        _READ_PROGRESS.reset(token)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building big data makes it rescan the heap often.

    The records built here hold no reference cycles, so nothing is left for it to free.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Reader:
    """A file-like view of the bytes for the C parser that reports how far it has read."""

    STEP = 1 << 20  # report at most once a MiB

    def __init__(self, data: bytes, report: ReadProgress | None) -> None:
        self.view = memoryview(data)
        self.total = len(data)
        self.pos = 0
        self.report = report
        self.next_report = 0

    def read(self, size: int = -1) -> bytes:
        start = self.pos
        end = self.total if size < 0 else min(self.total, start + size)
        self.pos = end
        if self.report is not None and self.next_report <= end < self.total:
            self.next_report = end + self.STEP
            self.report(end, self.total)  # parse() reports the end itself, once
        return bytes(self.view[start:end])


class _Bail(Exception):
    """The fast path met something it leaves to the original loader."""


_EMPTY = "the file is empty: it needs at least `schema` and `bundle`"
_STR = "tag:yaml.org,2002:str"
_KEY_TAGS_REFUSED = (_MERGE, "tag:yaml.org,2002:value")
_MAX_DEPTH = 64


def _fast_parse(data: bytes, report: ReadProgress | None = None) -> Any:
    """The document built from libyaml's events, or :class:`_Bail` (or any error) when the
    original loader must decide. ``data`` is UTF-8 without a byte order mark."""
    if _Base is yaml.SafeLoader:  # no libyaml: the pure-Python loader is the only one
        raise _Bail
    loader = _Base(_Reader(data, report))
    try:
        get: Callable[[], Any] = loader.get_event
        resolve: Callable[..., str] = loader.resolve
        construct: Callable[..., Any] = loader.construct_object
        constructed = loader.constructed_objects
        resolvers = loader.yaml_implicit_resolvers
        firsts = frozenset(k for k in resolvers if k)
        may_resolve = None in resolvers  # a resolver for any first character: always ask
        scalar_t, map_t, seq_t = _ev.ScalarEvent, _ev.MappingStartEvent, _ev.SequenceStartEvent
        end_ts = (_ev.MappingEndEvent, _ev.SequenceEndEvent)

        if type(get()) is not _ev.StreamStartEvent:
            raise _Bail
        ev = get()
        if type(ev) is _ev.StreamEndEvent:
            return None  # no document at all
        if type(ev) is not _ev.DocumentStartEvent:
            raise _Bail
        stack: list[tuple[Any, bool, Any, bool]] = []
        root: Any = None
        cur: Any = None  # the open dict or list
        is_map = False
        key: Any = None
        has_key = False
        while True:
            ev = get()
            t = type(ev)
            value: Any
            if t is scalar_t:
                if ev.anchor is not None:
                    raise _Bail
                value = ev.value
                tag = ev.tag
                if tag is None or tag == "!":
                    implicit = ev.implicit
                    if implicit[0] and value and value[0] not in firsts and not may_resolve:
                        tag = _STR
                    else:
                        tag = resolve(ScalarNode, value, implicit)
                elif is_map and not has_key:
                    raise _Bail  # an explicitly tagged key: leave it to the loader
                if is_map and not has_key and tag in _KEY_TAGS_REFUSED:
                    raise _Bail  # merge keys (<<) and value keys (=)
                if tag != _STR:
                    node = ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style)
                    value = _as_written(construct(node, deep=True), ev.value)
                    constructed.pop(node, None)
            elif t is map_t or t is seq_t:
                if ev.anchor is not None or not (ev.tag is None or ev.tag == "!"):
                    raise _Bail
                stack.append((cur, is_map, key, has_key))
                if len(stack) > _MAX_DEPTH:
                    raise _Bail
                is_map = t is map_t
                cur = {} if is_map else []
                has_key = False
                continue
            elif t in end_ts:
                value = cur
                cur, is_map, key, has_key = stack.pop()
            elif t is _ev.DocumentEndEvent:
                break
            else:  # an alias, or anything unexpected
                raise _Bail
            if cur is None:
                root = value
            elif not is_map:
                cur.append(value)
            elif has_key:
                cur[key] = value
                has_key = False
            else:
                if isinstance(value, (dict, list)) or value in cur:
                    raise _Bail  # a collection as a key, or a duplicate: the loader reports it
                key = value
                has_key = True
        if type(get()) is not _ev.StreamEndEvent:
            raise _Bail  # several documents: the loader reports it
        return root
    finally:
        loader.dispose()


def parse(raw: bytes) -> Any:
    """Parse one YAML document from ``raw``; raise :class:`YamlProblem` on anything wrong."""
    report = _READ_PROGRESS.get()
    try:
        if len(raw) > MAX_BYTES:
            raise YamlProblem(1, f"the file is larger than {MAX_BYTES // 2**20} MiB")
        decode(raw)  # refuses binary and non-UTF-8 files, with the line
        body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw  # what decode() keeps, as UTF-8
        with gc_paused():
            try:
                data = _fast_parse(body, report)
            except Exception:  # anything unusual: the original loader decides and words the error
                pass
            else:
                if data is None:
                    raise YamlProblem(1, _EMPTY)
                return data
            return _parse_slow(decode(raw))
    finally:
        if report is not None:
            report(len(raw), len(raw))


def _parse_slow(text: str) -> Any:
    """The original loader: composes the document, then refuses aliases while constructing."""
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
    except (ValueError, OverflowError) as err:  # not from a scalar (those are reported above)
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise YamlProblem(1, f"YAML error: a value cannot be read ({detail})") from None
    if data is None:
        raise YamlProblem(1, _EMPTY)
    return data


def compose(raw: bytes) -> yaml.Node | None:
    """The node tree of ``raw`` (with positions), or None when it cannot be composed."""
    try:
        return yaml.compose(decode(raw), Loader=_Base)
    except (yaml.YAMLError, YamlProblem, RecursionError):
        return None


def line_in(
    root: yaml.Node | None,
    path: Path,
    index: dict[int, dict[Any, tuple[yaml.Node, yaml.Node]]] | None = None,
) -> int:
    """The 1-based line of the value at ``path`` in a composed tree (see :func:`compose`).

    Falls back to the nearest enclosing value that exists; 1 when nothing can be found. With
    ``index`` (kept by the caller across calls), each mapping's keys are indexed the first time
    a path goes through it, so many lookups in one big mapping stay linear in all.
    """
    node = root
    if node is None:
        return 1
    line = 1
    for step in path:
        if node is None:
            break
        line = node.start_mark.line + 1
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            if index is not None:
                keys = index.get(id(node))
                if keys is None:
                    keys = index[id(node)] = {}
                    for key, value in node.value:
                        keys.setdefault(getattr(key, "value", None), (key, value))
                found = keys.get(step)
                if found is not None:
                    line = found[0].start_mark.line + 1
                    nxt = found[1]
            else:
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
