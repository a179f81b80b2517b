"""Every command in plain mode (piped, or --plain) and in JSON mode, with its key fields.

The human (rich) layout is covered by the golden files in test_cli_golden.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, no_ansi_no_boxes, wide_lines

Invoke = Callable[..., Run]
REPO = Path(__file__).resolve().parents[2]

#: Every command with arguments that find something (exit 0).
FOUND: list[list[str]] = [
    [],
    ["topics"],
    ["show", "heroin"],
    ["show", "heroin-and-depression"],
    ["symptoms"],
    ["symptoms", "depression"],
    ["define"],
    ["define", "gaba"],
    ["refs"],
    ["refs", "nida-2018-heroin"],
    ["refs", "--for", "heroin"],
    ["mix", "heroin", "xanax"],
    ["help-now"],
    ["about"],
    ["search", "gaba"],
    ["ask", "is smack a downer"],
]
#: Nothing found: exit 1, and still a whole JSON document with --json.
NOTHING: list[list[str]] = [["mix", "xanax", "ambien"], ["search", "zzqxv"]]
ALL_VIEWS = FOUND + NOTHING


def ids(cases: list[list[str]]) -> list[str]:
    return [" ".join(c) or "(welcome)" for c in cases]


# --- plain --------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", ALL_VIEWS, ids=ids(ALL_VIEWS))
def test_piped_output_is_plain(cli: Invoke, args: list[str]) -> None:
    """Not a terminal (CliRunner's stdout): no escape codes, no boxes, even with FORCE_COLOR
    unset and TERM set to a colour terminal."""
    run = cli(*args, env={"TERM": "xterm-256color"})
    assert run.code in (0, 1), run.describe()
    no_ansi_no_boxes(run.stdout + run.stderr)


@pytest.mark.parametrize("args", ALL_VIEWS, ids=ids(ALL_VIEWS))
@pytest.mark.parametrize("width", [80, 40])
def test_plain_flag_wins_over_force_color(cli: Invoke, args: list[str], width: int) -> None:
    run = cli(*args, "--plain", "--width", str(width), env={"FORCE_COLOR": "1"})
    assert run.code in (0, 1), run.describe()
    no_ansi_no_boxes(run.stdout + run.stderr)
    # Wrapped to the width; only a word that cannot be broken (a URL) may stick out, and the
    # machine rows of `topics`, `symptoms` and `define` (id TAB ...), which are never wrapped.
    if args not in (["topics"], ["symptoms"], ["define"]):
        assert not wide_lines(run.stdout, width, allow_long_words=True), run.describe()


def test_plain_is_the_same_piped_or_with_flag(cli: Invoke) -> None:
    assert cli("show", "heroin").stdout == cli("show", "heroin", "--plain").stdout


def test_plain_urls_are_never_broken(cli: Invoke) -> None:
    run = cli("refs", "--for", "heroin", "--plain", "--width", "40", code=0)
    url = "https://medlineplus.gov/ency/article/002861.htm"  # longer than the width
    assert url in [line.strip() for line in run.stdout.splitlines()]


def test_plain_show(cli: Invoke) -> None:
    out = cli("show", "heroin", code=0).stdout
    assert out.startswith("What is heroin?\n")
    assert "\n- Heroin is an opioid. [" in out
    assert "\nReferences\n[1] " in out
    assert "Information, not medical advice." in out


def test_plain_crisis_help_is_indented_under_its_title(cli: Invoke) -> None:
    out = cli("show", "heroin-and-depression", code=0).stdout
    lines = out.splitlines()
    at = lines.index("Help is available now")
    assert lines[at + 1].startswith("  ") and "988" in out
    assert "(1 in 2)" in out or "\u25cf" in out or "#" in out  # the icon array is there


def test_topics_piped_is_one_record_per_line(cli: Invoke) -> None:
    """``heroinfacts topics | cut -f1``: id TAB title, nothing else."""
    lines = cli("topics", code=0).stdout.splitlines()
    assert lines and all(line.count("\t") == 1 for line in lines)
    assert "heroin\tWhat is heroin?" in lines


@pytest.mark.parametrize(
    ("command", "fields", "record"),
    [
        ("symptoms", 3, "signs-of-depression\tSigns of depression\t"),
        ("define", 2, "gaba\tGABA"),
    ],
)
def test_lists_piped_are_one_record_per_line(
    cli: Invoke, command: str, fields: int, record: str
) -> None:
    """``heroinfacts define | cut -f1`` gives the ids, as ``topics`` does: no header, no padding,
    one record per line however long; the same as --plain on a terminal."""
    out = cli(command, code=0, env={"COLUMNS": "30"}).stdout
    lines = out.splitlines()
    assert lines and all(line.count("\t") == fields - 1 for line in lines), out
    assert any(line.startswith(record) for line in lines), out
    ids = [line.split("\t")[0] for line in lines]
    data = cli(command, "--json", code=0).json()
    assert ids == [row["id"] for row in data["lists" if command == "symptoms" else "terms"]]
    assert cli(command, "--plain", env={"FORCE_COLOR": "1"}).stdout == out


def test_topics_plain_flag_is_the_machine_form_too(cli: Invoke) -> None:
    assert cli("topics", "--plain", env={"FORCE_COLOR": "1"}).stdout == cli("topics").stdout


def test_symptoms_checklist(cli: Invoke) -> None:
    out = cli("symptoms", "depression", code=0).stdout
    assert "[ ] Feeling hopeless" in out
    assert "988" in out  # a depression list always shows the crisis line


def test_define_lists_and_defines(cli: Invoke) -> None:
    assert "gaba" in cli("define", code=0).stdout
    assert cli("define", "GABA", code=0).stdout.startswith("GABA\n")


def test_refs_numbered_apa(cli: Invoke) -> None:
    out = cli("refs", "--for", "heroin", code=0).stdout
    assert out.startswith("References cited by 'What is heroin?'\n[1] ")
    assert "National Institute on Drug Abuse. (n.d.). Heroin (Research Report Series)." in out


def test_mix_found_and_no_data(cli: Invoke) -> None:
    found = cli("mix", "heroin", "xanax", code=0)
    assert "Dangerous: Opioids + Benzodiazepines" in found.stdout
    none = cli("mix", "xanax", "ambien", code=1)
    assert "No data does not mean it is safe" in " ".join(none.stdout.split())
    assert none.stderr.strip().endswith("That is not the same as safe.")
    assert cli("mix", "xanax", "ambien", "--quiet", code=1).stderr == ""


def test_help_now(cli: Invoke) -> None:
    out = cli("help-now", code=0).stdout
    assert "988" in out and "1-800-662-HELP (4357)" in out
    assert ".;" not in out  # details read as sentences


def test_about_and_version(cli: Invoke) -> None:
    out = cli("about", code=0).stdout
    assert "Tool version" in out and "Data checksum" in out
    assert cli("-V", code=0).stdout.startswith("heroinfacts ")
    assert cli("--version", code=0).stdout == cli("-V").stdout


def test_validate_shipped_data(cli: Invoke) -> None:
    run = cli("validate", code=0)
    assert run.stdout == ""
    assert run.stderr.startswith("OK: ")


def test_validate_broken_pack(cli: Invoke, broken_pack: Path) -> None:
    run = cli("validate", str(broken_pack), code=3)
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"{broken_pack}:12: "), run.describe()
    assert "Not_Kebab" in first
    assert run.stderr.strip().endswith(f"in {broken_pack}.")


def test_search_and_ask(cli: Invoke) -> None:
    found = cli("search", "gaba", "--kind", "term", "--limit", "2", code=0)
    assert found.stdout.startswith("Results for 'gaba'")
    answer = cli("ask", "is", "smack", "a", "downer", code=0)
    assert "References" in answer.stdout
    nothing = cli("search", "zzqxv", code=1)
    assert nothing.stdout == ""
    assert "nothing found for 'zzqxv'" in nothing.stderr


# --- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", ALL_VIEWS, ids=ids(ALL_VIEWS))
def test_json_is_one_document(cli: Invoke, args: list[str]) -> None:
    """--json: exactly one JSON document on stdout and nothing else, in any environment."""
    run = cli(*args, "--json", env={"FORCE_COLOR": "1", "COLUMNS": "40"})
    assert run.code == (1 if args in NOTHING else 0), run.describe()
    assert isinstance(run.json(), dict)
    assert run.stdout.endswith("}\n") and run.stdout.count("\n}\n") == 1
    no_ansi_no_boxes(run.stdout + run.stderr)


@pytest.mark.parametrize("args", FOUND, ids=ids(FOUND))
def test_json_option_before_the_command(cli: Invoke, args: list[str]) -> None:
    """Display options given before the command apply to it: heroinfacts --json topics."""
    assert cli("--json", *args).json() == cli(*args, "--json").json()


def test_json_welcome(cli: Invoke) -> None:
    data = cli("--json", code=0).json()
    assert data["name"] == "heroinfacts"
    assert "heroinfacts show heroin" in data["examples"]


def test_json_topics(cli: Invoke) -> None:
    topics = cli("topics", "--json", code=0).json()["topics"]
    heroin = next(t for t in topics if t["id"] == "heroin")
    assert set(heroin) == {"id", "title", "summary"}


def test_json_show(cli: Invoke) -> None:
    data = cli("show", "smack", "--json", code=0).json()
    topic = data["topic"]
    assert topic["id"] == "heroin"
    assert {"title", "summary", "aliases", "facts", "related"} <= set(topic)
    cited = {c for f in topic["facts"] for c in f["cites"]}
    assert cited == {r["id"] for r in data["references"]}
    assert [r["number"] for r in data["references"]] == list(range(1, len(cited) + 1))
    assert isinstance(data["related"], list) and isinstance(data["resources"], list)


def test_json_show_crisis_topic_has_resources(cli: Invoke) -> None:
    data = cli("show", "heroin-and-depression", "--json", code=0).json()
    assert any(c["value"] == "988" for r in data["resources"] for c in r["contacts"])


def test_json_symptoms(cli: Invoke) -> None:
    lists = cli("symptoms", "--json", code=0).json()["lists"]
    assert {"id": "signs-of-depression", "title": "Signs of depression"}.items() <= lists[0].items()
    one = cli("symptoms", "depression", "--json", code=0).json()
    assert one["list"]["id"] == "signs-of-depression"
    assert all("text" in i for i in one["list"]["items"])


def test_json_define(cli: Invoke) -> None:
    assert {"id": "gaba", "term": "GABA"} in cli("define", "--json", code=0).json()["terms"]
    data = cli("define", "gaba", "--json", code=0).json()
    assert data["term"]["id"] == "gaba" and data["term"]["definition"]
    assert data["references"][0]["number"] == 1


def test_json_refs(cli: Invoke) -> None:
    refs = cli("refs", "--for", "heroin", "--json", code=0).json()["references"]
    assert [r["number"] for r in refs] == [1, 2, 3, 4]
    nida = next(r for r in refs if r["id"] == "nida-heroin-topic-page")
    assert nida["apa"].startswith("National Institute on Drug Abuse. (n.d.). Heroin.")
    assert nida["csl"]["type"] == "webpage"
    assert nida["checks"][0]["read"] == "https://nida.nih.gov/research-topics/heroin"


def test_json_mix(cli: Invoke) -> None:
    data = cli("mix", "heroin", "benzos", "--json", code=0).json()
    assert [d["id"] for d in data["drugs"]] == ["heroin", "benzodiazepine"]
    (pair,) = data["interactions"]
    assert pair["found"] is True and pair["severity"]["id"] == "dangerous" and pair["citations"]
    none = cli("mix", "xanax", "ambien", "--json", code=1).json()
    assert none["interactions"][0] == {
        "classes": ["benzodiazepine", "sedative"],
        "found": False,
        "severity": None,
        "note": None,
        "citations": [],
    }


def test_json_help_now(cli: Invoke) -> None:
    resources = cli("help-now", "--json", code=0).json()["resources"]
    lifeline = next(r for r in resources if any(c["value"] == "988" for c in r["contacts"]))
    assert {"id", "name", "contacts", "verified"} <= set(lifeline)


def test_json_about(cli: Invoke, session_cache: Path) -> None:
    data = cli("about", "--json", code=0).json()
    raw = (REPO / "data" / "facts.yaml").read_bytes()
    assert data["data"]["checksum"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert data["cache"].startswith(str(session_cache))
    assert data["config"] == "none (HEROINFACTS_CONFIG is empty)"  # as the tests set it
    assert data["packs_from"] == "none" and data["packs"] == []


def test_json_validate(cli: Invoke, broken_pack: Path) -> None:
    ok = cli("validate", "--json", code=0).json()
    assert ok == {"valid": True, "files": ["data/facts.yaml"], "problems": [], "warnings": []}
    bad = cli("validate", str(broken_pack), "--json", code=3).json()
    assert bad["valid"] is False and bad["files"] == [str(broken_pack)]
    assert bad["problems"][0]["line"] == 12 and bad["problems"][0]["file"] == str(broken_pack)


def test_json_search_and_ask(cli: Invoke) -> None:
    data = cli("search", "gaba", "--kind", "term", "--json", code=0).json()
    assert data["query"] == "gaba" and "corrected" in data
    assert data["results"] and {h["kind"] for h in data["results"]} == {"term"}
    hit = data["results"][0]
    assert {"kind", "id", "topic", "title", "text", "citations", "score"} <= set(hit)
    assert len(cli("search", "heroin", "-n", "2", "--json").json()["results"]) <= 2
    answer = cli("ask", "is smack a downer", "--json", code=0).json()
    assert {"query", "corrected", "results", "next_topic"} <= set(answer)
    assert answer["results"]
    assert cli("search", "zzqxv", "--json", code=1).json()["results"] == []


def test_json_errors_are_one_document_too(cli: Invoke, broken_pack: Path) -> None:
    """A failure with --json still prints one JSON document (and the message on stderr)."""
    missing = cli("show", "heroinn", "--json", code=1)
    error = missing.json()["error"]
    assert error["code"] == 1 and error["type"] == "not-found"
    assert error["message"] == "no topic called 'heroinn'."
    assert "heroin" in error["suggestions"]
    assert "Did you mean" in missing.stderr
    usage = cli("refs", "--format", "xml", "--json", code=2).json()["error"]
    assert usage["type"] == "usage" and "xml" in usage["message"]
    data = cli("topics", "--json", "--pack", str(broken_pack), code=3).json()["error"]
    assert data["type"] == "invalid-data" and data["problems"][0]["line"] == 12


def test_csl_json_format_is_valid_csl(cli: Invoke) -> None:
    """refs --format csl-json: a JSON array of CSL items, each with an id and a type."""
    for args in (["refs"], ["refs", "--for", "heroin"], ["refs", "nida-2018-heroin"]):
        run = cli(*args, "--format", "csl-json", env={"FORCE_COLOR": "1"}, code=0)
        items: Any = json.loads(run.stdout)
        assert isinstance(items, list) and items
        for item in items:
            assert isinstance(item["id"], str) and isinstance(item["type"], str)
            assert "number" not in item and "apa" not in item  # pure CSL, nothing of ours
    every = json.loads(cli("refs", "-F", "csl-json").stdout)
    assert len(every) == len(cli("refs", "--json").json()["references"])


def test_bibtex_and_ris_formats(cli: Invoke) -> None:
    bib = cli("refs", "--for", "heroin", "-F", "bibtex", env={"FORCE_COLOR": "1"}, code=0).stdout
    assert bib.startswith("@") and "@misc{nida-heroin-topic-page," in bib
    ris = cli("refs", "--for", "heroin", "--format", "ris", code=0).stdout
    assert ris.startswith("TY  - ") and ris.count("ER  - ") == 4
    no_ansi_no_boxes(bib + ris)


def test_validate_and_version_are_plain_everywhere(cli: Invoke, broken_pack: Path) -> None:
    for env in ({}, {"FORCE_COLOR": "1"}):
        bad = cli("validate", str(broken_pack), env=env, code=3)
        no_ansi_no_boxes(bad.stdout + bad.stderr)
        ok = cli("validate", env=env, code=0)
        no_ansi_no_boxes(ok.stdout + ok.stderr)
        no_ansi_no_boxes(cli("-V", env=env, code=0).stdout)
