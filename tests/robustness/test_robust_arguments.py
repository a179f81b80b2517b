"""Arguments a user or a script may pass: names that match nothing, empty and blank strings, a
100 KB query, text in any script, and option values of the wrong type. Each case runs piped, with
``--json``, and on a forced-colour "terminal" (FORCE_COLOR), all at once."""

from __future__ import annotations

import pytest
from robust_support import Runner, Spec

#: Commands that take a name, with where the name goes.
NAMED = {
    "show": ("show", "{}"),
    "define": ("define", "{}"),
    "symptoms": ("symptoms", "{}"),
    "refs": ("refs", "{}"),
    "refs-for": ("refs", "--for", "{}"),
    "mix-first": ("mix", "{}", "heroin"),
    "mix-second": ("mix", "heroin", "{}"),
    "ask": ("ask", "{}"),
    "search": ("search", "{}"),
}
#: Commands that answer "nothing found" (1) for a name that matches nothing.
LOOKUPS = ("show", "define", "symptoms", "refs", "refs-for", "mix-first", "mix-second")

BIG = ("heroin depression " * 6000)[:102_400]
UNKNOWN = {
    "unknown-word": "zzyzx-no-such-thing",
    "near-miss": "heroinn",
    "emoji": "\U0001f489\U0001f48a\U0001f9e0",
    "rtl-arabic": "\u0647\u064a\u0631\u0648\u064a\u0646",
    "combining-marks": "he\u0301\u0302ro\u0308i\u0327n\u0336",
    "full-width-unknown": "\uff3a\uff3a\uff39\uff3a\uff38",
    "cjk": "\u6d77\u6d1b\u56e0",
    "punctuation-only": "?!?...;;",
    "lone-surrogate-escape": "caf\udce9",  # an undecodable byte in argv (surrogateescape)
    "very-long-word": "x" * 5000,
}
EMPTY = {"empty": "", "spaces": "   ", "tabs-newlines": "\t\n \r\n", "nbsp": "\u00a0\u3000"}


def _argv(command: str, value: str) -> list[str]:
    return [value if part == "{}" else part for part in NAMED[command]]


def _three_ways(hf: Runner, argv: list[str]) -> tuple:
    """The same arguments piped, with --json and with FORCE_COLOR, run at once."""
    return tuple(
        hf.many(
            [
                Spec(argv),
                Spec([*argv, "--json"]),
                Spec(argv, env={"FORCE_COLOR": "1"}),
            ]
        )
    )


#: The lookups share one not-found path: these run in every mode, the others piped only.
EVERY_MODE = ("show", "mix-second", "ask", "search")


@pytest.mark.parametrize("command", NAMED)
@pytest.mark.parametrize("value", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_names_that_match_nothing(hf: Runner, command: str, value: str) -> None:
    codes = [1] if command in LOOKUPS else [0, 1]
    argv = _argv(command, value)
    if command not in EVERY_MODE:
        plain = hf.check(hf.run(*argv), codes=codes)
    else:
        plain, as_json, color = _three_ways(hf, argv)
        hf.check(plain, codes=codes)
        hf.check(as_json, codes=codes)
        hf.check(color, codes=codes, color=True)
    if plain.code == 1:
        assert plain.stdout == b"", plain.describe()  # nothing found: nothing on stdout
        assert plain.stderr.strip(), plain.describe()  # ... and a message saying so


@pytest.mark.parametrize("command", NAMED)
@pytest.mark.parametrize("value", EMPTY.values(), ids=EMPTY.keys())
def test_empty_and_blank_names_are_usage_errors(hf: Runner, command: str, value: str) -> None:
    plain, as_json, color = _three_ways(hf, _argv(command, value))
    for res in (plain, as_json, color):
        hf.check(res, codes=2, color=res is color)
        assert res.stdout == b"" or res is as_json, res.describe()
        assert b"empty" in res.stderr or b"Give" in res.stderr, res.describe()


@pytest.mark.parametrize("command", NAMED)
def test_a_100_kb_query(hf: Runner, command: str) -> None:
    """Answers in bounded time; the message echoes the input shortened, not 100 KB of it."""
    for res in hf.many([Spec(_argv(command, BIG)), Spec([*_argv(command, BIG), "--json"])]):
        hf.check(res, codes=[0, 1], max_stderr=4096)
        assert res.seconds < 20, res.describe()


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("\uff28\uff25\uff32\uff2f\uff29\uff2e", "heroin"),  # full-width letters
        ("HEROIN", "heroin"),
        ("  Going_On-The  Nod ", "effects-of-heroin"),
        ("going\u2014on\u2014the\u2014nod", "effects-of-heroin"),  # em dashes
        ("  sMaCk\t", "heroin"),
    ],
)
def test_names_in_other_forms_still_resolve(hf: Runner, name: str, topic: str) -> None:
    res = hf.check(hf.run("show", name, "--json"), codes=0)
    assert res.json()["topic"]["id"] == topic  # type: ignore[index]


BAD_OPTIONS = {
    "width-text": ["topics", "--width", "abc"],
    "width-empty": ["topics", "--width", ""],
    "width-float": ["topics", "-w", "60.5"],
    "width-negative": ["show", "heroin", "--width", "-5"],
    "width-zero": ["show", "heroin", "-w", "0"],
    "width-huge": ["show", "heroin", "-w", "99999999999999999999999"],
    "width-escape": ["topics", "--width", "\x1b[?1049h"],
    "limit-negative": ["search", "heroin", "--limit", "-5"],
    "limit-zero": ["search", "heroin", "-n", "0"],
    "limit-text": ["search", "heroin", "-n", "ten"],
    "limit-float": ["search", "heroin", "-n", "1e3"],
    "kind-unknown": ["search", "heroin", "--kind", "drug"],
    "kind-empty": ["search", "heroin", "-k", ""],
    "format-unknown": ["refs", "--format", "mla"],
    "format-empty": ["refs", "-F", ""],
    "format-escape": ["refs", "-F", "\x1b]0;pwned\x07"],
    "unknown-option": ["topics", "--frobnicate"],
    "option-escape": ["--\x1b]8;;file:///etc/passwd\x1b\\x"],
    "missing-argument": ["show"],
    "missing-second-drug": ["mix", "heroin"],
    "too-many-drugs": ["mix", "heroin", "xanax", "alcohol"],
    "pack-without-value": ["topics", "--pack"],
    "json-flag-value": ["topics", "--json=yes"],
}


@pytest.mark.parametrize("argv", BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_option_values_of_the_wrong_type_are_usage_errors(hf: Runner, argv: list[str]) -> None:
    for res in hf.many([Spec(argv), Spec(argv, env={"FORCE_COLOR": "1"})]):
        hf.check(res, codes=2)
        assert res.stdout == b"", res.describe()
        assert res.stderr.strip(), res.describe()


@pytest.mark.parametrize("argv", [["frobnicate"], ["\x1b[2Jfrob"]], ids=["word", "escape"])
def test_a_first_word_that_is_no_command_is_asked(hf: Runner, argv: list[str]) -> None:
    """A word that is neither a command nor close to one is read as a question (README, "What
    people type first"): nothing on it is exit 1 with the message on stderr, escapes escaped."""
    for res in hf.many([Spec(argv), Spec(argv, env={"FORCE_COLOR": "1"})]):
        hf.check(res, codes=1)
        assert b"nothing on that" in res.stderr, res.describe()


GOOD = {
    "welcome": [],
    "help": ["--help"],
    "version": ["--version"],
    "show": ["show", "heroin"],
    "topics": ["topics"],
    "symptoms": ["symptoms"],
    "symptoms-one": ["symptoms", "depression"],
    "define": ["define"],
    "define-one": ["define", "gaba"],
    "refs": ["refs"],
    "refs-bibtex": ["refs", "--for", "heroin", "-F", "bibtex"],
    "refs-ris": ["refs", "-F", "ris"],
    "refs-csl": ["refs", "-F", "csl-json"],
    "mix": ["mix", "heroin", "xanax"],
    "mix-no-data": ["mix", "heroin", "heroin"],
    "help-now": ["help-now"],
    "about": ["about"],
    "validate": ["validate"],
    "ask": ["ask", "is smack a downer"],
    "ask-crisis": ["ask", "i want to kill myself"],
    "search": ["search", "benzos", "--kind", "term", "--limit", "3"],
}


@pytest.mark.parametrize("argv", GOOD.values(), ids=GOOD.keys())
def test_every_command_keeps_the_promises(hf: Runner, argv: list[str]) -> None:
    """The baseline: ordinary use, piped, as JSON and with colour, keeps every promise."""
    specs = [Spec(argv)]  # with colour: in test_environments.py
    if argv and argv[0] not in ("--help", "--version") and "-F" not in argv:
        specs.append(Spec([*argv, "--json"]))
    for res, spec in zip(hf.many(specs), specs, strict=True):
        hf.check(res, codes=[0, 1], color="FORCE_COLOR" in spec.env)
