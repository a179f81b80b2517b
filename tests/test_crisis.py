"""The crisis detector on its own: dev-split recall per kind, false alarms, and the messages
that issue 15 names. It reads only the dev split of tests/eval (the test split stays held out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heroinfacts.eval import load_cases
from heroinfacts.search.crisis import Crisis, detect, words

EVAL = Path(__file__).resolve().parents[1] / "tests" / "eval"

#: Dev-split bars: each kind routed at least this often, and at most this many lookalikes
#: given a crisis box. Figures when set: 113/113 overdose, 108/108 suicide, 4/191 alarms.
RECALL_PER_KIND = 0.97
FALSE_ALARMS = 8


def _dev(stem: str) -> list[tuple[str, str | None]]:
    out = []
    for path in sorted(EVAL.glob(f"{stem}*.yaml")):
        out += [(c.question, c.crisis) for c in load_cases(path) if (c.split or "dev") == "dev"]
    return out


@pytest.mark.parametrize("kind", ["overdose", "suicide"])
def test_dev_crisis_messages_are_routed_to_their_kind(kind: str) -> None:
    cases = [q for q, k in _dev("crisis") if k == kind]
    assert len(cases) >= 80, len(cases)
    missed = [q for q in cases if detect(q).concern != kind]
    assert len(missed) <= (1 - RECALL_PER_KIND) * len(cases), missed


def test_dev_lookalikes_seldom_raise_an_alarm() -> None:
    cases = [q for q, _ in _dev("lookalikes")]
    assert len(cases) >= 80, len(cases)
    alarms = [q for q in cases if detect(q).concern]
    assert len(alarms) <= FALSE_ALARMS, alarms


@pytest.mark.parametrize(
    ("message", "concern"),
    [
        (
            "gonna take my whole xanax script with my dope tonight, dont really care what happens",
            "suicide",
        ),
        ("nobody would even miss me if i od'd", "suicide"),
        ("i just want to take enough tonight to not wake up", "suicide"),
        ("how many xans with dope would it take to kill me", "suicide"),
        ("my friend is nodding and won't wake up", "overdose"),
        ("cant wake my husband up he used tonight", "overdose"),
        ("MY SON IS BLUE", "overdose"),
        ("narcan isnt working what now", "overdose"),
        ("planning on taking my life this weekend", "suicide"),
        # the fallback's lower bar for suicide, and words of feeling trapped or pointless
        ("everything is pointless and i feel trapped", "suicide"),
        ("will withdrawal kill me", "suicide"),
        ("what are the signs of an overdose", None),
        ("suicide rates among users", None),
        ("what does narcan do", None),
        ("my mom died of an overdose in 2019, was it because heroin slows breathing", None),
    ],
)
def test_issue_messages(message: str, concern: str | None) -> None:
    assert detect(message).concern == concern


def test_a_lethal_amount_is_suicide_and_an_amount() -> None:
    found = detect("how many xans with dope would it take to kill me")
    assert found == Crisis("suicide", found.overdose, True)


def test_typo_folding_keeps_known_words() -> None:
    # one edit from a cue word, but words of their own
    assert "taking" in words("planning on taking my life")
    assert "snoring" in words("she is snoring")
    assert "suicidal" in words("feeling sucidal")


def test_odd_input_never_raises() -> None:
    for message in ("", "   ", "?!", "a" * 5000, "911 911 911", "\u0000\u00e9\u4e2d"):
        assert isinstance(detect(message), Crisis)
