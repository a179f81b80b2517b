"""ask on a question that names two drugs shows what the data says about taking them together."""

from __future__ import annotations

import json
from collections.abc import Callable

from cli_support import Run

Invoke = Callable[..., Run]


def test_ask_naming_two_drugs_shows_their_interaction(cli: Invoke) -> None:
    data = json.loads(cli("ask", "can i take xanax with heroin", "--json", code=0).stdout)
    assert [i["classes"] for i in data["interactions"]] == [["opioid", "benzodiazepine"]]
    assert data["interactions"][0]["severity"]["id"] == "dangerous"
    human = cli("ask", "can i take xanax with heroin", "--plain", code=0).stdout
    assert human.index("Dangerous: Opioids + Benzodiazepines") < human.index("From: ")


def test_ask_naming_one_drug_has_no_interaction(cli: Invoke) -> None:
    data = json.loads(cli("ask", "is xanax an opioid", "--json", code=0).stdout)
    assert data["interactions"] == []
