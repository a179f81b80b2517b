"""Local packs end to end: where packs come from (flag > environment > config), the example pack,
overrides and clashes, broken packs (exit 3, shipped data unharmed), and local services shown
beside the national ones by help-now, show, symptoms, ask and about."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from cli_support import Run
from cli_support import invoke as cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example-county-outreach.yaml"
SHIPPED = ROOT / "data" / "facts.yaml"
LOCAL_CRISIS = "example-county-crisis-line"
LOCAL_DROP_IN = "example-county-drop-in"
LOCAL_CLINIC = "example-county-recovery-clinic"


def resource_ids(run: Run) -> list[str]:
    return [r["id"] for r in run.json()["resources"]]


PACK_HEAD = """\
schema: 1
bundle:
  id: {pack_id}
  title: {title}
  version: 0.0.1
  language: en
  reviewed: 2026-11-01
  license: CC0-1.0
  disclaimer: Test data only.
references:
  - id: {pack_id}-directory
    type: document
    title: "[{title} directory]"
"""

RESOURCE = """\
resources:
  - id: {pack_id}-line
    name: {title} line
    region: Testville
    offers: A test service.
    contacts:
      - {{kind: call, value: 555-0199}}
    concerns: [{concern}]
    verified: 2026-11-01
    cites: [{pack_id}-directory]
"""


def make_pack(directory: Path, pack_id: str, concern: str = "suicide") -> Path:
    title = pack_id.replace("-", " ").title()
    text = PACK_HEAD.format(pack_id=pack_id, title=title) + RESOURCE.format(
        pack_id=pack_id, title=title, concern=concern
    )
    path = directory / f"{pack_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the example pack --------------------------------------------------------------------------


def test_example_pack_is_valid() -> None:
    run = cli("validate", str(EXAMPLE), code=0)
    assert "OK" in run.stderr


def test_example_pack_is_clearly_sample_data() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert "(sample data)" in data["bundle"]["title"]
    assert "SAMPLE DATA" in data["bundle"]["disclaimer"]
    for res in data["resources"]:
        assert "(sample data)" in res["name"], res["id"]
        for contact in res["contacts"]:
            if contact["kind"] in ("call", "text", "tty"):
                assert re.fullmatch(r"555-01\d\d", contact["value"]), contact
                assert "sample" in contact.get("label", ""), contact
            if contact["kind"] in ("web", "chat"):
                assert contact["value"].startswith("https://example.org/"), contact
    (ref,) = data["references"]
    assert ref["type"] == "document" and "directory" in ref["title"]
    for topic in data["topics"]:
        assert "(sample data)" in topic["title"]


def test_example_pack_reference_is_cited_in_apa() -> None:
    run = cli("refs", "--for", "naloxone-in-example-county", "--pack", str(EXAMPLE), code=0)
    text = " ".join(run.stdout.split())
    assert "Example County Outreach (sample data). (2026, November)." in text
    assert "[Example County Outreach service directory (sample data)]" in text


def test_local_slang_from_a_pack() -> None:
    assert cli("show", "gear", code=1).code == 1
    data = cli("show", "gear", "--pack", str(EXAMPLE), "--json", code=0).json()
    assert data["topic"]["id"] == "heroin"
    assert "gear" in data["topic"]["aliases"]
    mix = cli("mix", "gear", "xanax", "--pack", str(EXAMPLE), "--json", code=0).json()
    assert mix["drugs"][0]["id"] == "heroin"


def test_a_pack_adds_topics_with_their_own_references() -> None:
    data = cli("show", "free naloxone", "--pack", str(EXAMPLE), "--json", code=0).json()
    assert data["topic"]["id"] == "naloxone-in-example-county"
    assert [r["id"] for r in data["references"]] == ["example-county-directory"]
    assert '"type": "document"' in json.dumps(data["references"][0])


# --- where packs come from ---------------------------------------------------------------------


def test_pack_sources_flag_beats_environment_beats_config(tmp_path: Path) -> None:
    flag, env_pack, cfg_pack = (make_pack(tmp_path, n) for n in ("flag-pack", "env-pack", "cfg"))
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "packs").mkdir()
    cfg_pack = cfg_pack.rename(config_dir / "packs" / cfg_pack.name)
    config = config_dir / "config.toml"
    config.write_text('packs = ["packs/cfg.yaml"]\n', encoding="utf-8")  # relative to the file
    base = {"HEROINFACTS_CONFIG": str(config)}

    def loaded(env: dict[str, str], *flags: str) -> tuple[str, list[str], list[str]]:
        about = cli("about", "--json", *flags, env={**base, **env}, code=0).json()
        helpers = cli("help-now", "--json", *flags, env={**base, **env}, code=0)
        packs = [p["bundle"]["id"] for p in about["packs"]]
        local = [r["id"] for r in helpers.json()["resources"] if r["pack"]]
        return about["packs_from"], packs, local

    assert loaded({}) == ("config", ["cfg"], ["cfg-line"])
    assert loaded({"HEROINFACTS_PACKS": str(env_pack)}) == (
        "environment",
        ["env-pack"],
        ["env-pack-line"],
    )
    assert loaded({"HEROINFACTS_PACKS": str(env_pack)}, "--pack", str(flag)) == (
        "flag",
        ["flag-pack"],
        ["flag-pack-line"],
    )
    # Set but empty: no packs at all, and the config is not read.
    assert loaded({"HEROINFACTS_PACKS": ""}) == ("environment", [], [])


def test_environment_is_a_path_list_and_flags_repeat(tmp_path: Path) -> None:
    a, b = make_pack(tmp_path, "pack-a"), make_pack(tmp_path, "pack-b")
    import os

    env = {"HEROINFACTS_PACKS": os.pathsep.join([str(a), str(b)])}
    about = cli("about", "--json", env=env, code=0).json()
    assert [p["bundle"]["id"] for p in about["packs"]] == ["pack-a", "pack-b"]
    about = cli("about", "--json", "--pack", str(b), "-P", str(a), code=0).json()
    assert [p["bundle"]["id"] for p in about["packs"]] == ["pack-b", "pack-a"]


def test_about_lists_the_packs_loaded() -> None:
    run = cli("about", "--plain", "--pack", str(EXAMPLE), code=0)
    assert re.search(r"^Pack\s+.*example-county-outreach\.yaml", run.stdout, re.M), run.stdout
    assert "Example County Outreach (sample data) 0.1.0" in " ".join(run.stdout.split())
    assert re.search(r"^Packs from\s+flag$", run.stdout, re.M)
    data = cli("about", "--json", "--pack", str(EXAMPLE), code=0).json()
    assert [p["bundle"]["id"] for p in data["packs"]] == ["example-county-outreach"]
    assert cli("about", "--json", code=0).json()["packs"] == []


# --- local services beside national ones -------------------------------------------------------


def test_help_now_lists_national_then_local_services() -> None:
    run = cli("help-now", "--json", "--pack", str(EXAMPLE), code=0)
    resources = run.json()["resources"]
    ids = [r["id"] for r in resources]
    assert {"lifeline-988", "samhsa-national-helpline", LOCAL_CRISIS, LOCAL_DROP_IN} <= set(ids)
    packs = [r["pack"] for r in resources]
    assert packs == sorted(packs, key=lambda p: p is not None), "national first, then local"
    assert {r["pack"] for r in resources if r["id"].startswith("example-")} == {
        "example-county-outreach"
    }
    text = " ".join(cli("help-now", "--plain", "--pack", str(EXAMPLE), code=0).stdout.split())
    assert "555-0100 (sample number)" in text and "local: Example County" in text
    assert "Languages: English, Spanish, Vietnamese" in text
    assert "12 Example Street" in text and "Monday to Friday, 9 am to 5 pm" in text


@pytest.mark.parametrize(
    ("topic", "local"),
    [
        ("overdose", {LOCAL_CRISIS, LOCAL_DROP_IN}),
        ("heroin-and-depression", {LOCAL_CRISIS, LOCAL_CLINIC}),
        ("depression", {LOCAL_CRISIS, LOCAL_CLINIC}),
    ],
)
def test_show_crisis_topics_include_local_crisis_services(topic: str, local: set[str]) -> None:
    data = cli("show", topic, "--json", "--pack", str(EXAMPLE), code=0).json()
    ids = [r["id"] for r in data["resources"]]
    assert local <= set(ids), ids
    concerns = set(data["topic"]["concerns"])
    for r in data["resources"]:
        assert concerns & set(r["concerns"]), f"{r['id']} shares no concern with {topic}"
    # National help first, local beside it, in the human output too; --quiet never hides it.
    for flags in ([], ["--quiet"]):
        text = cli("show", topic, "--plain", "--pack", str(EXAMPLE), *flags, code=0).stdout
        head = text.split("\nFacts\n")[0]
        assert "Help is available" in head
        assert "555-0100 (sample number)" in head
        national = "988" if topic != "overdose" else "1-800-222-1222"
        assert head.index(national) < head.index("555-0100")


def test_symptoms_depression_includes_local_crisis_services() -> None:
    run = cli("symptoms", "depression", "--json", "--pack", str(EXAMPLE), code=0)
    assert {"lifeline-988", LOCAL_CRISIS} <= set(resource_ids(run))
    text = cli("symptoms", "depression", "--plain", "-q", "--pack", str(EXAMPLE), code=0).stdout
    assert "988" in text and "555-0100 (sample number)" in text


def test_ask_about_suicide_includes_local_crisis_services() -> None:
    run = cli("ask", "i feel suicidal", "--json", "--pack", str(EXAMPLE), code=0)
    ids = resource_ids(run)
    assert "lifeline-988" in ids and LOCAL_CRISIS in ids, ids
    text = cli("ask", "i feel suicidal", "--plain", "--pack", str(EXAMPLE), "-q", code=0).stdout
    assert "988" in text and "555-0100" in text


def test_without_packs_only_national_services() -> None:
    ids = resource_ids(cli("show", "overdose", "--json", code=0))
    assert ids and not any(i.startswith("example-") for i in ids)


# --- overrides and clashes ---------------------------------------------------------------------

OVERRIDE = """\
resources:
  - id: poison-help
{override}    name: Poison Help (Testville desk)
    region: Testville
    offers: Poison advice for Testville.
    contacts:
      - {{kind: call, value: 555-0142}}
    concerns: [overdose]
    verified: 2026-11-01
    cites: [test-pack-directory]
"""


def _shipped_line(needle: str) -> int:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == needle)


def test_clash_without_override_names_both_files_and_lines(tmp_path: Path) -> None:
    pack = tmp_path / "clash.yaml"
    pack.write_text(
        PACK_HEAD.format(pack_id="test-pack", title="Test pack") + OVERRIDE.format(override=""),
        encoding="utf-8",
    )
    run = cli("validate", str(pack), code=3)
    line = next(x for x in run.stdout.splitlines() if "already defined" in x)
    assert line.startswith(f"{pack}:15: ")
    assert f"data/facts.yaml:{_shipped_line('- id: poison-help')}" in line
    assert "override: true" in line
    # Using the pack fails the same way (exit 3, on stderr), but help-now still prints the help
    # lines of the shipped data; and the shipped data alone still works.
    run = cli("help-now", "--pack", str(pack), code=3)
    assert "already defined" in run.stderr and "911" in run.stdout and "988" in run.stdout
    assert "fix it or leave that pack out" in run.stderr
    cli("help-now", code=0)


def test_override_replaces_a_shipped_entry_when_it_says_so(tmp_path: Path) -> None:
    pack = tmp_path / "override.yaml"
    text = OVERRIDE.format(override="    override: true\n")
    text = (
        text.replace("id: poison-help", "id: findtreatment-gov")
        .replace("Poison Help (Testville desk)", "FindTreatment (Testville desk)")
        .replace("concerns: [overdose]", "concerns: [substance-use, overdose]")
    )
    pack.write_text(PACK_HEAD.format(pack_id="test-pack", title="Test pack") + text, "utf-8")
    cli("validate", str(pack), code=0)
    data = cli("help-now", "--json", "--pack", str(pack), code=0).json()
    found = [r for r in data["resources"] if r["id"] == "findtreatment-gov"]
    assert len(found) == 1 and found[0]["name"] == "FindTreatment (Testville desk)"
    assert found[0]["pack"] == "test-pack"
    # Without the pack the shipped entry is back.
    data = cli("help-now", "--json", code=0).json()
    shipped = next(r for r in data["resources"] if r["id"] == "findtreatment-gov")
    assert shipped["name"] == "FindTreatment.gov"


def test_a_crisis_line_cannot_be_overridden(tmp_path: Path) -> None:
    pack = tmp_path / "override.yaml"
    pack.write_text(
        PACK_HEAD.format(pack_id="test-pack", title="Test pack")
        + OVERRIDE.format(override="    override: true\n"),
        encoding="utf-8",
    )
    assert "protected" in cli("validate", str(pack), code=3).stdout


def test_override_of_nothing_is_reported(tmp_path: Path) -> None:
    pack = tmp_path / "nothing.yaml"
    text = PACK_HEAD.format(pack_id="test-pack", title="Test pack") + OVERRIDE.format(
        override="    override: true\n"
    ).replace("id: poison-help", "id: no-such-service")
    pack.write_text(text, encoding="utf-8")
    run = cli("validate", str(pack), code=3)
    assert "no earlier file defines it" in run.stdout


# --- broken packs ------------------------------------------------------------------------------

BROKEN = textwrap.dedent(
    """\
    schema: 1
    bundle:
      id: broken
      title: Broken
      version: 0.0.1
      language: en
      reviewed: 2026-11-01
      license: CC0-1.0
      disclaimer: Test.
    resources:
      - id: broken-line
        name: [not, text
    """
)


def test_broken_pack_is_exit_3_with_a_clear_message(tmp_path: Path) -> None:
    """A broken pack given with --pack: exit 3 and its problems; help-now and ask (a question
    may be a cry for help) still answer, with the help lines, from the shipped data."""
    pack = tmp_path / "broken.yaml"
    pack.write_text(BROKEN, encoding="utf-8")
    crisis = "my friend took too much and wont wake up"
    for args in (
        ["show", "heroin"],
        ["help-now"],
        ["ask", crisis],
        ["about"],
        ["handout", "heroin"],
    ):
        extra = ["-o", str(tmp_path / "h.html")] if args[0] == "handout" else []
        run = cli(*args, *extra, "--pack", str(pack), code=3)
        if args[0] == "ask":
            assert run.stdout.index("911") < run.stdout.index("Naloxone"), run.stdout
        assert ("911" in run.stdout) if args[0] in ("help-now", "ask") else run.stdout == ""
        first = run.stderr.splitlines()[0]
        assert first.startswith(f"{pack}:"), run.stderr
        assert "YAML error" in first
        assert "fix it or leave that pack out" in run.stderr
    assert not (tmp_path / "h.html").exists()
    # The shipped data never breaks because of a pack.
    cli("show", "heroin", code=0)
    cli("validate", code=0)


@pytest.mark.parametrize("how", ["environment", "config"])
def test_broken_pack_out_of_sight_is_a_notice(tmp_path: Path, how: str) -> None:
    """A broken pack named by HEROINFACTS_PACKS or the config file, which the person asking may
    not see: a notice with its problems, and every command answers from the shipped data;
    validate fails (exit 3)."""
    pack = tmp_path / "broken.yaml"
    pack.write_text(BROKEN, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f"packs = [{json.dumps(str(pack))}]\n", encoding="utf-8")
    env = {
        "environment": {"HEROINFACTS_PACKS": str(pack)},
        "config": {"HEROINFACTS_CONFIG": str(config)},
    }[how]
    said = ""
    for args in (["show", "heroin"], ["help-now"], ["about"], ["handout", "heroin"]):
        extra = ["-o", str(tmp_path / "h.html")] if args[0] == "handout" else []
        run = cli(*args, *extra, env=env, code=0)
        said += run.stderr  # the notice is said once per process (the runner runs in this one)
        if args[0] == "help-now":
            assert "911" in run.stdout and "988" in run.stdout
    assert "cannot all be loaded" in said and f"{pack}:" in said and "YAML error" in said
    assert (tmp_path / "h.html").exists()
    assert f"{pack}:" in cli("validate", env=env, code=3).stdout


def test_missing_pack_file_is_exit_3(tmp_path: Path) -> None:
    run = cli("show", "heroin", "--pack", str(tmp_path / "nope.yaml"), code=3)
    assert "no such file" in run.stderr
    run = cli("show", "heroin", "--pack", str(tmp_path), code=3)
    assert "directory" in run.stderr
