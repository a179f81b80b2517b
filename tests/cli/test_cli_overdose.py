"""Where an overdose may be happening, 911 comes first; 988 comes first for suicide."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cli_support import Run

Invoke = Callable[..., Run]


def as_json(cli: Invoke, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cli(*args, "--json", code=0).stdout)
    return data


def first_help(data: dict[str, Any]) -> str:
    return str(data["resources"][0]["id"])


@pytest.mark.parametrize(
    "args",
    [
        ("show", "overdose"),
        ("show", "naloxone"),
        ("symptoms", "signs-of-overdose"),
        ("symptoms", "overdose-steps"),
        ("mix", "heroin", "alcohol"),
        ("mix", "heroin", "xanax"),
        ("ask", "what is narcan"),
        ("help-now",),
    ],
)
def test_911_first_where_an_overdose_may_be_happening(cli: Invoke, args: tuple[str, ...]) -> None:
    data = as_json(cli, *args)
    assert first_help(data) == "emergency-911"
    assert data["resources"][0]["contacts"][0]["value"] == "911"


def test_988_first_for_suicide(cli: Invoke) -> None:
    assert first_help(as_json(cli, "symptoms", "signs-of-depression")) == "lifeline-988"
    assert first_help(as_json(cli, "show", "heroin-and-depression")) == "lifeline-988"


def test_overdose_page_leads_with_911_and_cites_what_was_read(cli: Invoke) -> None:
    topic = as_json(cli, "show", "overdose")["topic"]
    assert "911" in topic["facts"][0]["text"]
    checked = {c["ref"] for f in topic["facts"] for c in f["checks"]}
    assert {"cdc-stop-overdose-response", "nida-heroin-short-term-effects"} <= checked
    human = cli("show", "overdose", "--plain", code=0).stdout
    assert human.index("911 (emergency)") < human.index("Poison Help") < human.index("Facts")


def test_overdose_steps_print_numbered_in_order(cli: Invoke) -> None:
    data = as_json(cli, "symptoms", "overdose-steps")
    assert data["list"]["ordered"] is True
    human = cli("symptoms", "overdose-steps", "--plain", code=0).stdout
    assert human.index("1. Call 911") < human.index("2. Give naloxone") < human.index("5. Stay")
    signs = cli("symptoms", "signs-of-overdose", "--plain", code=0).stdout
    assert "[ ] Cannot be woken up" in signs and "\n1. " not in signs


def test_mix_ratings_open_with_the_danger(cli: Invoke) -> None:
    for other in ("alcohol", "xanax", "booze"):
        data = as_json(cli, "mix", "heroin", other)
        inter = data["interactions"][0]
        assert inter["severity"]["id"] == "dangerous"
        assert inter["note"].startswith("This mix can kill.")


def test_withdrawal_and_narcan_answer_with_cited_facts(cli: Invoke) -> None:
    topic = as_json(cli, "show", "withdrawal")["topic"]
    assert topic["facts"] and all(f["checks"] for f in topic["facts"])
    answer = as_json(cli, "ask", "what is narcan")
    best = next(r for r in answer["results"] if r["kind"] != "resource")
    assert best["topic"] == "naloxone" and best["citations"]


def test_welcome_says_911_and_988(cli: Invoke) -> None:
    out = cli(code=0).stdout
    assert "911" in out and "988" in out
