"""A fuzz target for the loader: bytes in, problems or records out, never an exception.

The target is what ``--pack FILE`` and ``validate FILE`` run: :func:`heroinfacts.compiler.parse`
(YAML with a safe loader) and :func:`heroinfacts.compiler.compile_sources` (the checks), for a
pack beside the shipped data and for an edited copy of the shipped data itself. Inputs are
random bytes, byte-level mutations of the real data file (flips, inserts, deletions, spliced
and repeated chunks) and truncations at any byte.

In CI hypothesis drives it for at most ``HEROINFACTS_FUZZ_SECONDS`` (default 40) seconds and
``HEROINFACTS_FUZZ_EXAMPLES`` (default 300) inputs per test. For a long run with coverage
guidance, install atheris (not a dependency) and run this file directly::

    pip install atheris && python tests/test_fuzz.py -max_total_time=600 CORPUS_DIR

(seed CORPUS_DIR with a copy of data/facts.yaml).
"""

from __future__ import annotations

import functools
import os
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroinfacts import yamlio
from heroinfacts.compiler import SourceFile, compile_sources, parse
from heroinfacts.errors import Problem

EXAMPLES = int(os.environ.get("HEROINFACTS_FUZZ_EXAMPLES", "300"))
SECONDS = float(os.environ.get("HEROINFACTS_FUZZ_SECONDS", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@functools.cache
def shipped_raw() -> bytes:
    from heroinfacts.sources import shipped

    return shipped().read()


def load(raw: bytes) -> None:
    """The fuzz target. Raises only on a bug."""
    try:
        doc = parse(raw)
    except yamlio.YamlProblem as err:
        assert isinstance(err.line, int) and err.line >= 0 and err.message
    else:
        assert doc is not None
    base = SourceFile("data/facts.yaml", shipped_raw(), True)
    for files in (
        [base, SourceFile("pack.yaml", raw, False)],
        [SourceFile("core.yaml", raw, True)],
    ):
        _, problems = compile_sources(files)
        assert isinstance(problems, list)
        for p in problems:
            assert isinstance(p, Problem) and p.line >= 0 and p.message, p


class _Budget:
    """A wall-clock cap shared by the hypothesis tests here: past it, inputs are not run."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start: float | None = None
        self.ran = 0

    def spend(self) -> bool:
        now = time.monotonic()
        if self.start is None:
            self.start = now
        if now - self.start > self.seconds:
            return False
        self.ran += 1
        return True


BUDGET = _Budget(SECONDS)


#: Snippets that YAML, the safe loader and the checks each treat specially.
INSERTS = [
    b"&a ", b"*a", b"!!python/object:os.system ", b"<<: ", b"? ", b"- ", b": ", b"\n  ", b"\t",
    b"---\n", b"...\n", b"%YAML 1.1\n", b"\xef\xbb\xbf", b"2026-13-45", b"9" * 5000,
    b"0x" + b"f" * 4000, b"!!binary ", b"~", b"override: true\n    ",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The shipped data with a few byte-level changes (every change keeps most of the file)."""
    data = bytearray(shipped_raw())
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "splice", "repeat", "byte"]))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "byte":
            data[at] = draw(st.sampled_from(b"\x00\t\n\r :-[]{}&*!|>'\"#%@`\x1b\x80\xff"))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(INSERTS) | st.binary(max_size=16))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif op == "splice":
            start = draw(st.integers(0, len(data) - 1))
            data[at:at] = data[start : start + draw(st.integers(1, 400))]
        else:
            line_start = data.rfind(b"\n", 0, at) + 1
            line_end = data.find(b"\n", at)
            line_end = len(data) if line_end < 0 else line_end + 1
            data[line_start:line_start] = data[line_start:line_end] * draw(st.integers(1, 5))
    return bytes(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_fuzz_random_bytes(raw: bytes) -> None:
    if BUDGET.spend():
        load(raw)


@FUZZ
@given(mutated())
def test_fuzz_mutations_of_the_real_data(raw: bytes) -> None:
    if BUDGET.spend():
        load(raw)


@FUZZ
@given(st.integers(0, 10**9), st.booleans())
def test_fuzz_truncations(at: int, mutate_tail: bool) -> None:
    raw = shipped_raw()
    cut = raw[: at % (len(raw) + 1)]
    if mutate_tail and cut:
        cut = cut[:-1] + bytes([cut[-1] ^ 0x80])  # a broken UTF-8 sequence or a high byte
    if BUDGET.spend():
        load(cut)


@pytest.mark.parametrize("step", [997])
def test_every_truncation_at_line_ends_and_in_between(step: int) -> None:
    """A sweep: the file cut at every fourth line end and at every ``step``-th byte."""
    raw = shipped_raw()
    ends = [i + 1 for i, b in enumerate(raw) if b == 0x0A]
    cuts = set(ends[::4]) | set(range(0, len(raw), step))
    for cut in sorted(cuts):
        load(raw[:cut])


def test_the_budget_ran_something() -> None:
    """The wall-clock cap must not turn the fuzzers into no-ops (runs after them: file order)."""
    assert BUDGET.ran >= min(EXAMPLES, 100)


def _atheris_main() -> None:  # pragma: no cover - run by hand
    import atheris

    atheris.instrument_all()  # coverage guidance over heroinfacts, yaml and the rest
    shipped_raw()

    def one_input(data: bytes) -> None:
        load(data)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":  # pragma: no cover
    _atheris_main()
