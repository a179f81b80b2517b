"""What people type first (issue 12): ``heroinfacts help``, a question without a command, a
typo of a command, ``--version --json``, and ``--help`` that reads at 40 columns with the
commands listed by use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from heroinfacts.cli.words import rewrite


def hf(*args: str, columns: int = 80, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEROINFACTS_", "FORCE"))}
    env.update(COLUMNS=str(columns), HEROINFACTS_CACHE_DIR=str(cache))
    env["HEROINFACTS_CONFIG"] = ""  # no config
    return subprocess.run(
        [sys.executable, "-m", "heroinfacts", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "read"),
    [
        (["help"], ["--help"]),
        (["help", "show"], ["show", "--help"]),
        (["help", "nonsense"], ["--help"]),
        (["heroin"], ["ask", "heroin"]),
        (["is", "heroin", "a", "depressant"], ["ask", "is", "heroin", "a", "depressant"]),
        (["--json", "heroin"], ["--json", "ask", "heroin"]),
        (["-w", "40", "cant", "wake", "her"], ["-w", "40", "ask", "cant", "wake", "her"]),
        (["shwo", "heroin"], ["shwo", "heroin"]),  # a typo: Typer says "did you mean show"
        (["topic"], ["topic"]),
        (["show", "heroin"], ["show", "heroin"]),
        (["--version"], ["--version"]),
        ([], []),
        (["--bogus", "heroin"], ["--bogus", "heroin"]),
    ],
)
def test_first_words_are_read_as_meant(argv: list[str], read: list[str]) -> None:
    assert rewrite(argv) == read


def test_help_word_shows_the_help(tmp_path: Path) -> None:
    run = hf("help", cache=tmp_path)
    assert run.returncode == 0 and run.stdout == hf("--help", cache=tmp_path).stdout
    assert run.stdout.startswith("Usage: heroinfacts [OPTIONS] COMMAND")
    assert hf("help", "show", cache=tmp_path).stdout.startswith("Usage: heroinfacts show")


def test_a_question_without_a_command_is_answered_as_ask(tmp_path: Path) -> None:
    for words in (["heroin"], ["is", "heroin", "a", "depressant"], ["cant", "wake", "her"]):
        bare = hf(*words, "--json", cache=tmp_path)
        asked = hf("ask", *words, "--json", cache=tmp_path)
        assert bare.returncode == asked.returncode == 0, bare.stderr
        assert json.loads(bare.stdout) == json.loads(asked.stdout)
    crisis = json.loads(hf("cant", "wake", "her", "--json", cache=tmp_path).stdout)
    assert crisis["crisis"] == "overdose" and crisis["results"][0]["id"] == "emergency-911"


def test_a_typo_of_a_command_still_gets_did_you_mean(tmp_path: Path) -> None:
    run = hf("shwo", "heroin", cache=tmp_path)
    assert run.returncode == 2 and "Did you mean 'show'?" in run.stderr


def test_version_json_is_json(tmp_path: Path) -> None:
    for flags in (["--version", "--json"], ["--json", "--version"], ["-jV"]):
        run = hf(*flags, cache=tmp_path)
        assert run.returncode == 0, run.stderr
        data = json.loads(run.stdout)
        assert data["name"] == "heroinfacts" and data["version"] and data["data"]
    plain = hf("--version", cache=tmp_path).stdout
    assert plain == f"heroinfacts {data['version']} (data {data['data']})\n"


@pytest.mark.parametrize("columns", [40, 80])
def test_help_fits_the_terminal_and_breaks_no_word(tmp_path: Path, columns: int) -> None:
    """Every line fits, and every word is one a wide terminal shows too (none cut in half)."""
    for args in (["--help"], ["show", "--help"], ["handout", "--help"]):
        text = hf(*args, columns=columns, cache=tmp_path).stdout
        wide = hf(*args, columns=200, cache=tmp_path).stdout
        assert text and all(len(line) <= columns for line in text.splitlines()), (args, text)
        # Click may wrap after a hyphen (heroin-and-|depression), never inside a word.
        cut = set(re.sub(r"-\s+", "-", text).split()) - set(wide.split())
        assert not {w for w in cut if not w.endswith("...")}, (args, cut)


def test_help_lists_commands_by_use(tmp_path: Path) -> None:
    text = hf("--help", cache=tmp_path).stdout
    listed = [line.split()[0] for line in text.split("Commands:\n")[1].splitlines() if line]
    assert listed[:3] == ["ask", "show", "help-now"]
    assert sorted(listed) != listed  # not alphabetical


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("heroinfacts show her", {"heroin", "heroin-and-depression"}),
        ("heroinfacts define ga", {"gaba"}),
        ("heroinfacts mix heroin xa", {"xanax"}),
        ("heroinfacts symptoms signs-of-d", {"signs-of-depression"}),
        ("heroinfacts handout overdose", {"overdose", "overdose-steps"}),
        ("heroinfacts refs nida-2018-h", {"nida-2018-heroin"}),
    ],
)
def test_shell_completion_completes_names(line: str, offered: set[str]) -> None:
    from cli_support import invoke

    env = {
        "_HEROINFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split()) - 1),
    }
    assert set(invoke(env=env).stdout.split()) == offered


def test_man_page_is_made_from_the_reference(tmp_path: Path) -> None:
    """heroinfacts --man: a roff page with every command the README's reference has."""
    from heroinfacts import docgen

    page = hf("--man", cache=tmp_path)
    assert page.returncode == 0 and page.stdout == docgen.man()
    assert page.stdout.startswith(".TH HEROINFACTS 1 ")
    for command in docgen.reference().split("### `")[1:]:
        name = command.split("`", 1)[0]
        assert f".SS {name}\n" in page.stdout, name
    assert "\\fB\\-\\-no\\-color\\fR" in page.stdout
    man = subprocess.run(["man", "-l", "-"], input=page.stdout, capture_output=True, text=True)
    if man.returncode == 0 and man.stdout:  # where man is installed, it reads the page cleanly
        assert "heroinfacts ask" in man.stdout and "warning" not in man.stderr.lower()


@pytest.mark.parametrize(
    "words", [["heroin", "overdose"], ["going", "on", "the", "nod", "overdose"]]
)
def test_show_and_handout_read_the_same_words_alike(words: list[str], tmp_path: Path) -> None:
    """Words that name several topics: handout puts each on the page; show (one topic a page)
    suggests exactly those topics, in the same order."""
    from cli_support import invoke

    made = invoke("handout", *words, "-o", str(tmp_path / "h.txt"), "--json", code=0).json()
    shown = invoke("show", *words, "--json", code=1).json()["error"]
    assert shown["suggestions"] == [t["id"] for t in made["topics"]]
    assert len(shown["suggestions"]) == 2
    one = invoke("show", "going", "on", "the", "nod", "--json", code=0).json()
    assert one["topic"]["id"] == "effects-of-heroin"
