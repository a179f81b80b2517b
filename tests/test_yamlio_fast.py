"""The streaming YAML fast path gives exactly what the original loader gives, or steps aside.

``yamlio.parse`` builds data straight from libyaml's events (see docs/performance.md) and hands
anything unusual to the original loader. Here every input is parsed both ways: the value, or the
problem (message and line), must be the same.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from heroinfacts import yamlio


def _outcome(fn: Any, arg: Any) -> tuple[str, Any]:
    try:
        return ("ok", fn(arg))
    except yamlio.YamlProblem as err:
        return ("problem", (err.line, err.message))
    except Exception as err:  # the original loader may raise other errors: the same ones
        return ("error", type(err).__name__)


def _slow(raw: bytes) -> Any:
    if len(raw) > yamlio.MAX_BYTES:
        raise yamlio.YamlProblem(1, "too big")
    with yamlio.gc_paused():
        return yamlio._parse_slow(yamlio.decode(raw))


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down (1 == 1.0 == True is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            _same(k1, k2) and _same(a[k1], b[k2]) for k1, k2 in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def check(text: str | bytes) -> None:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    fast = _outcome(yamlio.parse, raw)
    slow = _outcome(_slow, raw)
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "ok":
        assert _same(fast[1], slow[1]), (fast, slow)
    else:
        assert fast == slow


CASES = [
    "a: 1\nb: text\n",
    "schema: 1\nbundle: {id: x, reviewed: 2026-11-26}\n",
    "a: [1, 2.5, -3, 0x1f, 0o17, 017, 1_000, 190:20:30, .inf, -.inf, .nan, +12]\n",
    "a: [yes, no, on, off, true, False, Y, n, ~, null, Null, '', \"\"]\n",
    "a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\nc: 2001-12-14 21:59:43.10\n",
    "a: 2026-13-45\n",  # looks like a date, is not one
    "text: >-\n  folded\n  lines\n\n  para\nlit: |\n  keep\n   this\n",
    "q: 'single ''quoted'''\nd: \"double \\u00e9 \\t tab\"\n",
    "flow: {a: [1, {b: c}], d: e}\n",
    "a: &x 1\n",  # an anchor, never used
    "a: &x 1\nb: *x\n",
    "a: *nope\n",
    "a: &x 1\nb: &x 2\n",
    "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
    "m:\n  <<: {x: 1}\n  y: 2\n",
    "=: value\n",
    "a: !!str 12\nb: !!int '7'\nc: !!float 1\n",
    "a: !!python/object:os.system echo\n",
    "a: !!set {x, y}\n",
    "a: !!binary aGVsbG8=\n",
    "a: !custom x\n",
    "a: ! 12\n",
    "!!str 5: x\n",
    "? [a, b]\n: 1\n",
    "? {a: 1}\n: 1\n",
    "a: 1\na: 2\nb: 3\n",
    "1: int key\n~: null key\n2026-01-01: date key\n3.5: float key\nyes: bool key\n",
    "a: 1\n---\nb: 2\n",
    "--- \na: 1\n...\n",
    "",
    "# only a comment\n",
    "---\n",
    "~\n",
    "- 1\n- 2\n",
    "just a string\n",
    "\ufeffa: bom\n",
    "a: 1\r\nb: 2\r\n",
    "a:\n\t- tab\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "key: value\n  bad indent: x\n",
    "%YAML 1.1\n---\na: 1\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n",
    "a: \x07bell\n",
    "ü: ñ\nemoji: 🙂\n",
    "[" * 70 + "]" * 70 + "\n",
    "a: " + "[" * 30 + "1" + "]" * 30 + "\n",
]


@pytest.mark.parametrize("text", CASES)
def test_cases(text: str) -> None:
    check(text)


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfea\x00:\x00", b"a: \xff\n", b"a: 1\x00\n", b"\xef\xbb\xbf\xef\xbb\xbfa: 1\n"],
)
def test_bytes(raw: bytes) -> None:
    check(raw)


def test_shipped_data() -> None:
    from heroinfacts.sources import shipped

    check(shipped().read())


def test_the_fast_path_is_taken_for_plain_data() -> None:
    raw = b"a: [1, two, {c: 2026-01-02}]\n"
    assert yamlio._fast_parse(raw) == {"a": [1, "two", {"c": datetime.date(2026, 1, 2)}]}


def test_progress_is_reported() -> None:
    raw = (
        "items:\n" + "".join(f"  - {{id: item-{i}, text: some words}}\n" for i in range(60000))
    ).encode()
    seen: list[tuple[int, int]] = []
    with yamlio.reporting(lambda done, total: seen.append((done, total))):
        yamlio.parse(raw)
    assert len(seen) > 1
    assert seen[-1] == (len(raw), len(raw))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["yes", "No", "~", "0x1f", "1_0", "1:20", "<<", "=", "- a", "a: b", "#x"]),
)
keys = st.one_of(st.text(max_size=8), st.integers(), st.sampled_from(["<<", "=", "on", "null"]))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans(), st.sampled_from([None, "'", '"', "|", ">"]))
def test_dumped_data(value: Any, flow: bool, style: str | None) -> None:
    check(yaml.safe_dump(value, default_flow_style=flow, default_style=style, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{},'\"&*!|> \n#?~01.<=\t")), max_size=40))
def test_arbitrary_text(text: str) -> None:
    check(text)


# --- values the loader cannot build, and duplicate keys: a YamlProblem at their line ----------

UNBUILDABLE = [
    ("schema: 1\nbundle:\n  reviewed: 2026-13-45\n", 3, "'2026-13-45' is not a real date"),
    ("a: 2026-02-30\n", 1, "is not a real date (day is out of range for month)"),
    ("a:\n  - 2001-12-14 25:00:00\n", 2, "is not a real date and time"),
    ("schema: 1\nversion: " + "9" * 5000 + "\n", 2, "5,000-digit integer is too long"),
    ("a: {b: [1, -" + "1" * 4301 + "]}\n", 1, "integer is too long"),
    ("? " + "9" * 5000 + "\n: key\n", 1, "integer is too long"),
    ("a: 1\nb: *x\nc: 2026-13-45\n", 0, ""),  # an error before: the loader's order decides
]


@pytest.mark.parametrize("text,line,words", UNBUILDABLE)
def test_unbuildable_values_are_problems_at_their_line(text: str, line: int, words: str) -> None:
    check(text)  # the fast path and the loader agree
    with pytest.raises(yamlio.YamlProblem) as info:
        yamlio.parse(text.encode())
    if line:
        assert info.value.line == line
        assert words in info.value.message, info.value.message
        if "date" in words:
            assert info.value.message.endswith("write YYYY-MM-DD")


DUPLICATES = [
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
    ("topics:\n  - id: x\n    summary: one\n    title: t\n    summary: two\n", 5,
     "duplicate key 'summary' (first at line 3)"),
    ("a: {x: 1, y: 2, x: 3}\n", 1, "duplicate key 'x' (first at line 1)"),
    ("1: a\n0x1: b\n", 2, "duplicate key 1 (first at line 1)"),
    ("a: {}\na: {}\n", 2, "duplicate key 'a' (first at line 1)"),
    ("- {k: 1}\n- {k: 2, k: 3}\n", 2, "duplicate key 'k' (first at line 2)"),
    ("? 0x" + "f" * 5000 + "\n: 1\n? 0x" + "f" * 5000 + "\n: 2\n", 3,
     "duplicate key <a number too long to print> (first at line 1)"),
    (".nan: 1\n.NaN: 2\n", 2, "duplicate key nan (first at line 1)"),  # one NaN object: one key
]  # fmt: skip


@pytest.mark.parametrize("text,line,message", DUPLICATES)
def test_duplicate_keys_are_problems(text: str, line: int, message: str) -> None:
    check(text)
    with pytest.raises(yamlio.YamlProblem) as info:
        yamlio.parse(text.encode())
    assert (info.value.line, info.value.message) == (line, message)


def test_fast_path_steps_aside_for_duplicates_and_unbuildable_values() -> None:
    for raw in (b"a: 1\na: 2\n", b"a: 2026-13-45\n", b"a: " + b"9" * 5000 + b"\n"):
        with pytest.raises((yamlio._Bail, ValueError)):
            yamlio._fast_parse(raw)


@pytest.mark.parametrize(
    "text,value",
    [
        ("m:\n  <<: {x: 1, y: 1}\n  x: 2\n", {"m": {"x": 2, "y": 1}}),  # a merge may be overridden
        ("m:\n  <<: [{x: 1}, {x: 2}]\n  y: 3\n", {"m": {"x": 1, "y": 3}}),
        ("a: {x: 1}\nb: {x: 1}\n", {"a": {"x": 1}, "b": {"x": 1}}),  # same key, other mappings
    ],
)
def test_keys_that_are_not_duplicates(text: str, value: Any) -> None:
    check(text)
    assert yamlio.parse(text.encode()) == value
