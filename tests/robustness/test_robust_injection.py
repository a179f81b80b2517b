"""Terminal injection: escape sequences, control and bidi characters and rich markup, in the
arguments and in a pack's text. Whatever the mode (piped, ``--json``, forced colour), none reaches
the terminal raw: escapes show as ``\\x1b``, markup prints as the literal text it is."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from robust_support import Runner, Spec

HOSTILE = {
    "sgr-colour": "\x1b[31mred\x1b[0m",
    "alt-screen": "\x1b[?1049h\x1b[?25l",
    "clear-and-reset": "\x1b[2J\x1b[H\x1bc",
    "osc-title": "\x1b]0;pwned\x07",
    "osc8-link": "\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\",
    "c1-csi": "\x9b31mred\x9d0;title\x9c",
    "bidi-override": "\u202enioreh\u202c\u2066x\u2069",
    "bell-backspace-del": "heroin\x07\x08\x08\x7fxx",
    "carriage-return": "fine\rFAKE LINE",
    "rich-markup": "[bold red]x[/]",
    "rich-link": "[link=file:///etc/passwd]x[/link]",
    "rich-emoji-code": ":skull: [blink]:warning:[/blink]",
}
#: How each one must appear when it is echoed back in a message (as Python writes it: repr).
ECHOED = {
    "sgr-colour": "\\x1b[31mred",
    "alt-screen": "\\x1b[?1049h",
    "clear-and-reset": "\\x1bc",
    "osc-title": "\\x1b]0;pwned\\x07",
    "osc8-link": "\\x1b]8;;file:///etc/passwd",
    "c1-csi": "\\x9b31mred",
    "bidi-override": "\\u202enioreh",
    "bell-backspace-del": "\\x07\\x08\\x08\\x7f",
    "carriage-return": "fine\\rFAKE LINE",
    "rich-markup": "[bold red]x[/]",
    "rich-link": "[link=file:///etc/passwd]x[/link]",
    "rich-emoji-code": ":skull: [blink]:warning:[/blink]",
}
#: define and symptoms echo a name the way show does (one code path): show stands for them.
LOOKUPS = {"show": ["show", "{}"], "mix": ["mix", "heroin", "{}"], "refs": ["refs", "{}"]}
SEARCHES = {"search": ["search", "heroin {}"], "ask": ["ask", "is heroin {} a downer"]}


def _fill(argv: list[str], value: str) -> list[str]:
    return [a.replace("{}", value) for a in argv]


def _modes(argv: list[str]) -> list[Spec]:
    return [
        Spec(argv),
        Spec([*argv, "--json"]),
        Spec(argv, env={"FORCE_COLOR": "1", "COLORTERM": "truecolor"}),
    ]


@pytest.mark.parametrize("command", LOOKUPS)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_echoed_neutralised(hf: Runner, command: str, name: str) -> None:
    specs = _modes(_fill(LOOKUPS[command], HOSTILE[name]))
    for spec, res in zip(specs, hf.many(specs), strict=True):
        hf.check(res, codes=1, color="FORCE_COLOR" in spec.env)
        assert res.stdout == b"" or "--json" in spec.args, res.describe()
        assert ECHOED[name] in res.err, f"not shown neutralised: {ECHOED[name]!r}\n" + (
            res.describe()
        )


@pytest.mark.parametrize("command", SEARCHES)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_queries_in_every_mode(hf: Runner, command: str, name: str) -> None:
    specs = _modes(_fill(SEARCHES[command], HOSTILE[name]))
    for spec, res in zip(specs, hf.many(specs), strict=True):
        hf.check(res, codes=[0, 1], color="FORCE_COLOR" in spec.env)
        assert b"\x1b]8" not in res.stdout, res.describe()  # no hyperlink from [link=...]


# --- hostile text inside a pack ------------------------------------------------------------

PACK = """\
schema: 1
bundle:
  id: hostile-pack
  title: "Hostile {v} pack"
  version: "1"
  language: en
  reviewed: 2026-11-01
  license: CC0-1.0
  disclaimer: "Test data {v} only."
references:
  - id: hostile-ref
    type: webpage
    title: "Title {w} here"
    author:
      - literal: "Org {v}"
    container-title: "Site {v}"
    URL: "https://example.org/{v}"
    note: "Note {v}"
topics:
  - id: hostile-topic
    title: "Topic {w} title"
    aliases: ["alias {w}"]
    summary: "A summary {v} in plain words."
    concerns: [overdose]
    facts:
      - id: hostile-fact
        text: "A fact {v} about heroin."
        cites: [hostile-ref]
        proportion: {{numerator: 1, denominator: 4, wording: "about 1 in 4 {v}"}}
glossary:
  - id: hostile-term
    term: "Term {w}"
    definition: "A definition {v}."
    cites: [hostile-ref]
resources:
  - id: hostile-line
    name: "Line {w}"
    region: "Region {w}"
    offers: "Help {v}."
    contacts:
      - {{kind: call, value: "555 0100", label: "555-0100 (line {w})"}}
    concerns: [overdose]
    verified: 2026-11-01
    cites: [hostile-ref]
"""


def _yaml_escaped(value: str) -> str:
    """``value`` inside a double-quoted YAML string."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0x2028 <= ord(ch) <= 0x2069:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


PACK_COMMANDS = {
    "show": ["show", "hostile-topic"],
    "search": ["search", "fact heroin"],
    "help-now": ["help-now"],
    "refs": ["refs", "hostile-ref"],
    "about": ["about"],
}
PACK_FORMATS = {
    "bibtex": ["refs", "hostile-ref", "-F", "bibtex"],
    "ris": ["refs", "hostile-ref", "-F", "ris"],
    "csl-json": ["refs", "hostile-ref", "-F", "csl-json"],
}
PACK_HOSTILE = {k: HOSTILE[k] for k in ("osc8-link", "alt-screen", "c1-csi", "bidi-override")}
PACK_HOSTILE["markup"] = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.fixture(scope="module", params=list(PACK_HOSTILE))
def hostile_pack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp("hostile") / "pack.yaml"
    value = _yaml_escaped(PACK_HOSTILE[request.param])
    # One-line fields (titles, names, aliases) refuse control characters outright (see
    # test_hostile_text_in_one_line_fields_is_refused); the rest must be escaped when printed.
    one_line = value if request.param in ONE_LINE_ALLOWED else "plain"
    path.write_text(textwrap.dedent(PACK).format(v=value, w=one_line), encoding="utf-8")
    return request.param, path


#: Hostile text that one-line fields may hold: markup is plain text, and a bidi override is
#: escaped wherever it is printed (test_hostile_text_in_a_pack checks both).
ONE_LINE_ALLOWED = {"markup", "bidi-override"}


@pytest.mark.parametrize("name", sorted(set(PACK_HOSTILE) - ONE_LINE_ALLOWED))
def test_hostile_text_in_one_line_fields_is_refused(hf: Runner, tmp_path: Path, name: str) -> None:
    """A title, name or alias holding a control or invisible character is a validation problem,
    reported with the character escaped: it never reaches the terminal or a tab-separated line."""
    value = _yaml_escaped(PACK_HOSTILE[name])
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(PACK).format(v=value, w=value), encoding="utf-8")
    (res,) = hf.many([Spec(["validate", str(path)])])
    hf.check(res, codes=3)
    assert b"title holds" in res.stdout, res.describe()  # problems are the output of validate


def _visible(data: bytes) -> str:
    """Text as a person reads it off the terminal: colour codes gone, wrapping undone."""
    return re.sub(r"\s+", " ", re.sub(r"\x1b\[[0-9;]*m", "", data.decode("utf-8", "replace")))


@pytest.mark.parametrize("command", PACK_COMMANDS)
def test_hostile_text_in_a_pack(hf: Runner, hostile_pack: tuple[str, Path], command: str) -> None:
    name, pack = hostile_pack
    specs = _modes([*PACK_COMMANDS[command], "--pack", str(pack)])
    results = hf.many(specs)
    for spec, res in zip(specs, results, strict=True):
        hf.check(res, codes=0, color="FORCE_COLOR" in spec.env)
    if name == "markup" and command not in ("search", "ask"):
        # rich markup in the data prints as the literal text it is, on a terminal too
        assert "[bold red]x[/]" in _visible(results[2].stdout), results[2].describe()


@pytest.mark.parametrize("fmt", PACK_FORMATS)
def test_hostile_text_in_citation_formats(
    hf: Runner, hostile_pack: tuple[str, Path], fmt: str
) -> None:
    argv = [*PACK_FORMATS[fmt], "--pack", str(hostile_pack[1])]
    for res in hf.many([Spec(argv), Spec(argv, env={"FORCE_COLOR": "1"})]):
        hf.check(res, codes=0, json_out=fmt == "csl-json")


def test_hostile_keys_in_validate_messages(hf: Runner, tmp_path: Path) -> None:
    """A problem message quotes the bad key; the key's escapes must not reach the terminal."""
    path = tmp_path / "keys.yaml"
    keys = "".join(f'"{_yaml_escaped(v)}": 1\n' for v in HOSTILE.values())
    path.write_text("schema: 1\n" + keys, encoding="utf-8")
    for res in hf.many(_modes(["validate", str(path)])):
        hf.check(res, codes=3, color=False)
        text = res.out + res.err
        assert "\\x1b" in text or "\\u001b" in text, res.describe()
