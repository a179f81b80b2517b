"""Overrides are visible and bounded (issue 11, safety): a pack that replaces a shipped entry is
named on every run, in ``about`` and by ``validate``; no pack can replace a crisis line, strip
concerns, drop a substance's classes, soften a severity or word one as "safe"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pack_support import PACK_HEAD
from robust_support import Runner

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "facts.yaml"

REF = """\
references:
  - id: my-dir
    type: document
    title: "[Local directory]"
"""


def resource(
    rid: str,
    *,
    name: str,
    override: bool = True,
    concerns: str = "overdose",
    value: str = "555-0142",
) -> str:
    return f"""\
resources:
  - id: {rid}
{"    override: true" + chr(10) if override else ""}    name: {name}
    region: Testville
    offers: Help in Testville.
    contacts:
      - {{kind: call, value: {value}}}
    concerns: [{concerns}]
    verified: 2026-11-01
    cites: [my-dir]
"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(PACK_HEAD + REF + body, encoding="utf-8")
    return path


def shipped_doc() -> dict[str, object]:
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


CRISIS = {"depression", "suicide", "overdose"}


def test_the_data_marks_every_crisis_line_protected() -> None:
    """Which resources are protected is in the data: every shipped resource with a number to call
    or text and a crisis concern says ``protected: true`` (988, 911, SAMHSA, Poison Help)."""
    resources = shipped_doc()["resources"]
    assert isinstance(resources, list)
    crisis = [
        r["id"]
        for r in resources
        if CRISIS & set(r["concerns"]) and any(c["kind"] in ("call", "text") for c in r["contacts"])
    ]
    assert {"lifeline-988", "samhsa-national-helpline", "poison-help"} <= set(crisis)
    unprotected = [r["id"] for r in resources if r["id"] in crisis and not r.get("protected")]
    assert not unprotected


PROTECTED = ["lifeline-988", "samhsa-national-helpline", "poison-help"]


@pytest.mark.parametrize("rid", PROTECTED)
def test_a_pack_cannot_replace_a_crisis_line(hf: Runner, tmp_path: Path, rid: str) -> None:
    pack = write(tmp_path, rid, resource(rid, name="Somewhere else", concerns="suicide, overdose"))
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert re.search(rf"{re.escape(str(pack))}:\d+: resource '{rid}'.*protected", res.out)
    res = hf.check(hf.run("help-now", "--json", "--pack", str(pack)), codes=3)
    assert "555-0142" not in res.out
    # The 988 line is still there, with its number, when the pack is left out.
    help_now = hf.check(hf.run("help-now", "--json"), codes=0).json()
    assert isinstance(help_now, dict)
    assert any(c["value"] == "988" for r in help_now["resources"] for c in r["contacts"])


def test_a_pack_cannot_mark_its_own_lines_protected(hf: Runner, tmp_path: Path) -> None:
    body = resource("my-line", name="My line", override=False).replace(
        "    name:", "    protected: true\n    name:"
    )
    res = hf.check(hf.run("validate", str(write(tmp_path, "prot", body))), codes=3)
    assert "only the shipped data may mark a resource `protected`" in res.out


@pytest.mark.parametrize(
    "name",
    ["988 Suicide & Crisis Lifeline", "988 suicide and crisis lifeline", "Call 988 now"],
)
def test_a_pack_line_cannot_pose_as_a_crisis_line(hf: Runner, tmp_path: Path, name: str) -> None:
    pack = write(tmp_path, "pose", resource("my-line", name=f'"{name}"', override=False))
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert "lifeline-988" in res.out


def test_an_override_cannot_strip_concerns(hf: Runner, tmp_path: Path) -> None:
    pack = write(
        tmp_path, "strip", resource("findtreatment-gov", name="Local finder", concerns="overdose")
    )
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert "drops the concern substance-use" in res.out
    topic = """\
topics:
  - id: depression
    override: true
    title: Depression
    summary: Nothing to see.
    facts:
      - id: my-fact
        text: Nothing.
        cites: [my-dir]
"""
    doc = shipped_doc()
    shipped_topic = next(t for t in doc["topics"] if t["id"] == "depression")  # type: ignore[attr-defined]
    assert shipped_topic.get("concerns"), "the shipped depression topic has concerns to keep"
    res = hf.check(hf.run("validate", str(write(tmp_path, "topic", topic))), codes=3)
    assert "drops the concern" in res.out


SAFE_SEVERITY = """\
severities:
  - id: fine
    label: {label}
    definition: {definition}
interactions:
  - id: my-pair
    classes: [opioid, stimulant]
    severity: fine
    note: Take care.
    cites: [my-dir]
"""


@pytest.mark.parametrize(
    ("label", "definition"),
    [
        ("Safe", "Nothing happens."),
        ("Totally fine together", "Nothing happens."),
        ("Low", "There is no risk at all."),
        ("OK", "Go ahead."),
    ],
)
def test_no_severity_reads_as_safe(hf: Runner, tmp_path: Path, label: str, definition: str) -> None:
    pack = write(tmp_path, "safe", SAFE_SEVERITY.format(label=label, definition=definition))
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert "reads as safe" in res.out


def test_a_severity_that_says_not_safe_is_allowed(hf: Runner, tmp_path: Path) -> None:
    body = SAFE_SEVERITY.format(label="Careful", definition="It does not mean safe.")
    res = hf.check(hf.run("validate", str(write(tmp_path, "notsafe", body))), codes=(0, 3))
    assert "reads as safe" not in res.out


INTERACTION = """\
interactions:
  - id: opioid-benzodiazepine
    override: true
    classes: [{classes}]
    severity: {severity}
    note: {note}
    cites: [my-dir]
"""


@pytest.mark.parametrize(
    ("severity", "note", "classes", "says"),
    [
        ("caution", "Take care.", "opioid, benzodiazepine", "lowers the shipped severity"),
        ("dangerous", "Totally fine together.", "opioid, benzodiazepine", "reads as safe"),
        ("dangerous", "Take care.", "opioid, opioid", "changes the classes"),
    ],
)
def test_a_shipped_danger_rating_cannot_be_lowered(
    hf: Runner, tmp_path: Path, severity: str, note: str, classes: str, says: str
) -> None:
    body = INTERACTION.format(severity=severity, note=note, classes=classes)
    pack = write(tmp_path, "lower", body)
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert says in res.out
    res = hf.check(hf.run("mix", "heroin", "xanax", "--pack", str(pack)), codes=3)
    assert "Totally fine" not in res.out


def test_a_shipped_severity_cannot_be_replaced(hf: Runner, tmp_path: Path) -> None:
    body = "severities:\n  - id: dangerous\n    override: true\n    label: Mild\n"
    body += "    definition: A mild level.\n"
    res = hf.check(hf.run("validate", str(write(tmp_path, "sev", body))), codes=3)
    assert "a shipped severity cannot be replaced" in res.out


def test_an_override_cannot_drop_a_substances_classes(hf: Runner, tmp_path: Path) -> None:
    body = """\
classes:
  - id: candy
    name: Candy
substances:
  - id: xanax
    override: true
    name: Xanax
    classes: [candy]
    cites: [my-dir]
"""
    res = hf.check(hf.run("validate", str(write(tmp_path, "sub", body))), codes=3)
    assert "drops the class benzodiazepine" in res.out


# --- every override is reported -------------------------------------------------------------


@pytest.fixture
def override_pack(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        "finder",
        resource("findtreatment-gov", name="Local finder", concerns="substance-use, overdose"),
    )


def _override_line(pack: Path) -> int:
    lines = pack.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == "- id: findtreatment-gov")


def test_validate_warns_of_an_override(hf: Runner, override_pack: Path) -> None:
    res = hf.check(hf.run("validate", str(override_pack)), codes=0)
    line = _override_line(override_pack)
    assert f"{override_pack}:{line}: warning: resource 'findtreatment-gov' replaces" in res.out
    data = hf.check(hf.run("validate", "--json", str(override_pack)), codes=0).json()
    assert isinstance(data, dict) and data["valid"] is True
    assert [(w["file"], w["line"]) for w in data["warnings"]] == [(str(override_pack), line)]


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["help-now", "--quiet"], {}),
        (["help-now", "--json", "-q"], {}),
        (["show", "heroin", "-q"], {"FORCE_COLOR": "1"}),  # a stored page
        (["mix", "heroin", "xanax", "--plain"], {}),
        (["topics"], {}),
    ],
)
def test_every_run_says_a_pack_replaces_an_entry(
    fresh: Runner, override_pack: Path, argv: list[str], env: dict[str, str]
) -> None:
    """Once per run, on stderr, even with --quiet; also when the cache and the page are warm."""
    line = _override_line(override_pack)
    for _ in range(2):  # a cold cache, then the fast path (and the stored page)
        run = fresh.run(*argv, env={**env, "HEROINFACTS_PACKS": str(override_pack)})
        res = fresh.check(run, color=bool(env))
        assert res.code in (0, 1)
        assert res.err.count("replaces 1 shipped entry") == 1, res.describe()
        assert "resource 'findtreatment-gov' replaced by pack 'test-pack' at " in res.err
        assert f"{override_pack}:{line}" in res.err
    quiet = fresh.check(fresh.run(*argv, env=env), color=bool(env))
    assert "replace" not in quiet.err


def test_about_lists_what_was_replaced(hf: Runner, override_pack: Path) -> None:
    data = hf.check(hf.run("about", "--json", "--pack", str(override_pack)), codes=0).json()
    assert isinstance(data, dict)
    assert data["overrides"] == [
        {
            "kind": "resource",
            "id": "findtreatment-gov",
            "file": str(override_pack),
            "line": _override_line(override_pack),
            "pack": "test-pack",
            "replaces": data["overrides"][0]["replaces"],
        }
    ]
    assert re.fullmatch(r"data/facts\.yaml:\d+", data["overrides"][0]["replaces"])
    text = hf.check(hf.run("about", "--plain", "-w", "200", "--pack", str(override_pack)), codes=0)
    assert "Replaced" in text.out and "findtreatment-gov" in text.out
    plain = hf.check(hf.run("about", "--json"), codes=0).json()
    assert isinstance(plain, dict) and plain["overrides"] == []
