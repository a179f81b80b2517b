"""docs/json.md stays true: it documents every command, its examples are JSON, and each example
has the keys the command really prints."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from cli_support import Run

from heroinfacts.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "json.md"
Invoke = Callable[..., Run]


def sections() -> dict[str, list[Any]]:
    """Heading -> the JSON examples under it."""
    out: dict[str, list[Any]] = {}
    heading = ""
    for part in re.split(r"^(#{2,3} .*)$", DOC.read_text(encoding="utf-8"), flags=re.M):
        if re.match(r"#{2,3} ", part):
            heading = part.lstrip("#").strip()
            out[heading] = []
            continue
        for block in re.findall(r"```json\n(.*?)```", part, flags=re.S):
            out.setdefault(heading, []).append(json.loads(block))
    return out


def test_every_example_is_json() -> None:
    found = sum(len(v) for v in sections().values())
    assert found >= 15


def test_every_command_is_documented() -> None:
    headings = " ".join(sections())
    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"`{name}" in headings, f"docs/json.md has no section for {name}"
    assert "`heroinfacts` (no command)" in headings


CASES: list[tuple[str, list[str], int | None]] = [
    ("`heroinfacts` (no command)", [], 0),
    ("`topics`", ["topics"], 0),
    ("`show TOPIC`", ["show", "heroin"], 0),
    ("`symptoms [LIST]`", ["symptoms"], 0),
    ("`define [TERM]`", ["define", "gaba"], 0),
    ("`refs [ID] [--for TOPIC]`", ["refs", "nida-2018-heroin"], 0),
    ("`mix DRUG DRUG`", ["mix", "xanax", "ambien"], 1),
    ("`help-now`", ["help-now"], 0),
    ("`about`", ["about"], 0),
    ("`search QUERY...`", ["search", "gaba"], 0),
    ("`ask QUESTION...`", ["ask", "is smack a downer"], 0),
    ("`verify`", ["verify"], None),  # 0 or 3, as the data is
    ("Errors", ["show", "heroinn"], 1),
]


@pytest.mark.parametrize(("heading", "args", "code"), CASES, ids=[c[0] for c in CASES])
def test_examples_have_the_real_keys(
    cli: Invoke, heading: str, args: list[str], code: int | None
) -> None:
    example = sections()[heading][0]
    run = cli(*args, "--json", code=code)
    real = run.json()
    assert set(example) == set(real), heading
    for key, value in example.items():
        if isinstance(value, dict) and isinstance(real[key], dict):
            assert set(value) <= set(real[key]), f"{heading}: {key}"


def test_validate_example(cli: Invoke, broken_pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(broken_pack.parent)
    real = cli("validate", broken_pack.name, "--json", code=3).json()
    assert sections()["`validate [PATH]...`"][0] == real


def test_reference_and_resource_examples(cli: Invoke) -> None:
    shared = sections()
    (reference,) = shared["Reference"]
    real = cli("refs", "--for", "heroin", "--json").json()["references"]
    assert reference == next(r for r in real if r["id"] == reference["id"])
    (resource,) = shared["Resource"]
    resources = cli("help-now", "--json").json()["resources"]
    assert set(resource) == set(resources[0])


def test_refs_for_a_topic_shows_how_each_cite_was_checked(cli: Invoke) -> None:
    facts = cli("show", "heroin", "--json").json()["topic"]["facts"]
    real = cli("refs", "--for", "heroin", "--json").json()["references"]
    for ref in real:
        want = [{"fact": f["id"], **c} for f in facts for c in f["checks"] if c["ref"] == ref["id"]]
        assert ref["checks"] == want
    assert "checks" not in cli("refs", "--json").json()["references"][0]


def test_examples_are_the_real_output() -> None:
    """Every marked example is what the command prints now (abridged): regenerating the file
    changes nothing. After a change to the data or to the JSON, run
    ``python -m heroinfacts.jsondoc --write docs/json.md``."""
    from heroinfacts import jsondoc

    text = DOC.read_text(encoding="utf-8")
    assert len(jsondoc.MARKER.findall(text)) >= 17
    assert jsondoc.render(text) == text, (
        "docs/json.md is out of date: python -m heroinfacts.jsondoc --write docs/json.md"
    )


def test_the_issues_the_examples_once_hid(cli: Invoke, tmp_path: Path) -> None:
    """A .txt handout lists no QR codes (it draws none), show heroin's resources are documented
    as non-empty, and suggestions appear only when nothing is found."""
    out = tmp_path / "h.txt"
    data = cli("handout", "heroin", "-o", str(out), "--json", code=0).json()
    assert data["qr_codes"] == [] and data["resources"]
    html = cli("handout", "heroin", "-o", str(tmp_path / "h.html"), "--json", code=0).json()
    assert "https://samhsa.gov/find-help/national-helpline" in html["qr_codes"]
    shown = sections()["`show TOPIC`"][0]
    real = cli("show", "heroin", "--json").json()["resources"]
    assert real and [r["id"] for r in shown["resources"]] == [real[0]["id"]]
    missing = cli("search", "zzqxv", "--json", code=1).json()
    assert missing["results"] == [] and missing["suggestions"]
    assert "suggestions" not in cli("search", "gaba", "--json", code=0).json()
    text = DOC.read_text(encoding="utf-8")
    assert "`suggestions`" in text.split("## `search QUERY...`")[1].split("## `ask")[0]
