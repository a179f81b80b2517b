"""Environments: colour switches, TERM, COLUMNS, a C locale with an ASCII stdout, and a real
pseudo-terminal. Every command keeps the promises in each; colour appears only when asked for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from robust_support import Runner, Spec, terminal_problems

COMMANDS = {
    "welcome": [],
    "help": ["--help"],
    "show": ["show", "heroin"],
    "show-missing": ["show", "h\u00e9ro\u00efne \U0001f489"],
    "topics": ["topics"],
    "mix": ["mix", "heroin", "xanax"],
    "help-now": ["help-now"],
    "refs-bibtex": ["refs", "-F", "bibtex"],
    "about": ["about"],
    "ask": ["ask", "why do i feel low after quitting"],
    "search": ["search", "benzos"],
}
ENVIRONMENTS: dict[str, dict[str, str | None]] = {
    "no-color": {"NO_COLOR": "1"},
    "force-color": {"FORCE_COLOR": "1"},
    "force-and-no-color": {"FORCE_COLOR": "1", "NO_COLOR": "1"},
    "term-dumb": {"TERM": "dumb"},
    "term-dumb-forced": {"TERM": "dumb", "FORCE_COLOR": "1"},
    "term-unset": {"TERM": None},
    "columns-20": {"COLUMNS": "20"},
    "columns-400": {"COLUMNS": "400"},
    "columns-20-forced": {"COLUMNS": "20", "FORCE_COLOR": "1"},
    "columns-400-forced": {"COLUMNS": "400", "FORCE_COLOR": "1"},
    "columns-junk": {"COLUMNS": "wide", "LINES": "-3"},
    "columns-zero": {"COLUMNS": "0"},
    "columns-huge": {"COLUMNS": "99999999999999999999"},
    "lang-c-ascii": {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    "lang-c-ascii-forced": {
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONIOENCODING": "ascii",
        "FORCE_COLOR": "1",
    },
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "ascii-strict": {"PYTHONIOENCODING": "ascii:strict"},
}


def _colour(env: dict[str, str | None]) -> bool:
    """Whether colour codes may appear: FORCE_COLOR asks for them, NO_COLOR always wins."""
    return bool(env.get("FORCE_COLOR")) and "NO_COLOR" not in env


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_command_in_each_environment(hf: Runner, name: str) -> None:
    env = ENVIRONMENTS[name]
    specs = [Spec(argv, env=env) for argv in COMMANDS.values()]
    # JSON does not depend on colour or width: a few commands stand for all
    specs += [Spec([*COMMANDS[c], "--json"], env=env) for c in ("show-missing", "search")]
    specs.append(Spec(["show", "\uff28\uff25\uff32\uff2f\uff29\uff2e", "--json"], env=env))
    for spec, res in zip(specs, hf.many(specs), strict=True):
        hf.check(res, codes=[0, 1], color=_colour(env) and "--json" not in spec.args)
        assert b"UnicodeEncodeError" not in res.stderr, res.describe()
        if "ascii" in str(env.get("PYTHONIOENCODING")):
            assert res.stdout.isascii(), res.describe()  # a fallback, not an error
        if "NO_COLOR" in env or (env.get("TERM") == "dumb" and not env.get("FORCE_COLOR")):
            assert b"\x1b[" not in res.stdout, res.describe()


def _visible_width(line: str) -> int:
    import unicodedata

    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("width", [20, 33, 80, 400])
@pytest.mark.parametrize("forced", [False, True], ids=["plain", "forced-colour"])
def test_text_fits_the_width(hf: Runner, width: int, forced: bool) -> None:
    env = {"COLUMNS": str(width), **({"FORCE_COLOR": "1"} if forced else {})}
    argvs = [
        ["show", "heroin"],
        ["help-now"],
        ["mix", "heroin", "xanax"],
        ["ask", "is smack a downer"],
    ]
    for argv, res in zip(argvs, hf.many([Spec(a, env=env) for a in argvs]), strict=True):
        hf.check(res, codes=0, color=forced)
        # one word longer than the width (a URL, a command) stands on a line of its own
        too_wide = [
            ln for ln in res.out.splitlines() if _visible_width(ln) > width and " " in ln.strip()
        ]
        assert not too_wide, f"{argv}: lines wider than {width}: {too_wide[:3]}"


PTY_COMMANDS = {
    "show": ["show", "heroin"],
    "show-again": ["show", "heroin"],  # a stored page this time
    "show-missing": ["show", "heroinn"],
    "help-now": ["help-now"],
    "ask-crisis": ["ask", "i want to end my life"],
    "mix": ["mix", "heroin", "xanax"],
    "welcome": [],
    "search-escape": ["search", "heroin \x1b[?1049h\x1b]0;x\x07"],
}


@pytest.mark.parametrize("argv", PTY_COMMANDS.values(), ids=PTY_COMMANDS.keys())
@pytest.mark.parametrize("cols", [20, 80])
def test_on_a_real_terminal(hf: Runner, argv: list[str], cols: int) -> None:
    res = hf.pty(*argv, cols=cols)
    assert res.code in (0, 1), res.describe()
    assert b"Traceback" not in res.stdout, res.describe()
    problems = terminal_problems(res.stdout, color=True, tty=True)
    assert not problems, "; ".join(problems) + "\n" + res.describe()


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["no-color", "dumb"])
def test_on_a_real_terminal_without_colour(hf: Runner, env: dict[str, str]) -> None:
    res = hf.pty("show", "heroin", env=env)
    assert res.code == 0, res.describe()
    assert not re.search(rb"\x1b\[[0-9;]*[1-9][0-9;]*m", res.stdout), res.describe()


def _big_pack(topics: int, cite: str) -> str:
    head = """\
schema: 1
bundle:
  id: big-pack
  title: Big pack
  version: "1"
  language: en
  reviewed: 2026-11-01
  license: CC0-1.0
  disclaimer: Test data only.
references:
  - id: local-directory
    type: document
    title: "[Local service directory]"
topics:
"""
    topic = """\
  - id: t{i}
    title: Topic number {i}
    summary: A summary for topic {i} with some words.
    facts:
      - id: f{i}
        text: Fact {i} says something about heroin and sleep.
        cites: [{cite}]
"""
    return head + "".join(topic.format(i=i, cite=cite) for i in range(topics))


@pytest.mark.parametrize(("cite", "code"), [("local-directory", 0), ("nowhere", 3)])
def test_progress_bar_on_a_real_terminal(
    fresh: Runner, tmp_path: Path, cite: str, code: int
) -> None:
    """A cold cache and a large pack: the build takes long enough for the progress bar on
    stderr, which must leave the terminal as it found it (cursor shown), also when the data is
    invalid and the build stops half-way."""
    pack = tmp_path / "big.yaml"
    pack.write_text(_big_pack(30_000, cite), encoding="utf-8")
    res = fresh.pty("show", "t5", "--pack", str(pack))
    assert res.code == code, res.describe()
    assert b"Traceback" not in res.stdout, res.describe()
    problems = terminal_problems(res.stdout, color=True, tty=True)
    assert not problems, "; ".join(problems) + "\n" + res.describe()


@pytest.mark.parametrize(
    "argv",
    [["refs", "-F", "csl-json"], ["refs", "--json"], ["show", "heroin", "--json"]],
    ids=["csl-json", "refs-json", "show-json"],
)
def test_json_is_the_same_data_on_an_ascii_stdout(hf: Runner, argv: list[str]) -> None:
    """JSON can say any character in ASCII (\\uXXXX): an ASCII stdout changes no data."""
    ascii_env = {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    utf8, ascii_ = hf.many([Spec(argv), Spec(argv, env=ascii_env)])
    hf.check(utf8, codes=0, json_out=True)
    hf.check(ascii_, codes=0, json_out=True)
    assert ascii_.stdout.isascii(), ascii_.describe()
    assert ascii_.json() == utf8.json(), "the data changed on an ASCII stdout"
