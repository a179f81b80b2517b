"""A broken pack is fixed in one run: ``validate`` reports every independent problem at once,
in different entries and in the same entry, each at its file and line, and a knock-on of an
earlier problem (a cite of a reference refused for its own mistake) is not reported again."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import invoke
from pack_support import GOOD_PACK, PACK_HEAD

import heroinfacts

#: Each line marked ``# N`` holds mistake N (and ``# ok`` a line that must give no problem: it
#: names an entry that is refused for a mistake of its own).
BROKEN = (
    PACK_HEAD
    + """\
references:
  - id: local-directory
    type: document
    title: "[Local service directory]"
    issued: {date-parts: [[2026, 13, 1]]}  # 1
  - id: second-ref
    type: pamphlett  # 2
    title: Leaflet
topics:
  - id: local-slang
    title: Local words
    summary: [not, text]  # 3
    concerns: [sadness]  # 4
    facts:
      - id: local-fact
        text: People here say gear for heroin.
        cites: [local-directory]  # ok
      - id: second-fact
        txt: A key with a typo.  # 5
        cites: [nowhere]  # 6
    related: [no-such-topic]  # 7
  - id: other-topic
    title: Other words
    summary: Fine.
    facts:
      - id: other-fact
        text: Fine.
        cites: [article]
    related: [local-slang]  # ok
lists:
  - id: local-signs
    title: Signs
    cites: [second-ref]  # ok
    items:
      - id: one
        text: First.
      - id: one  # 8
        text: Again.
      - text: No id.  # 9
glossary:
  - id: Bad Term  # 10
    term: Gear
    definition: Slang for heroin.
    cites: []  # 11
resources:
  - id: my-line
    name: Testville line
    region: Testville
    offers: Help in Testville.
    contacts:
      - {kind: call, value: "555-0100", label: "555-0199"}  # 12
      - {kind: pager, value: x}  # 13
    concerns: [overdose]
    verified: 2099-01-01  # 14
    cites: [local-directory]  # ok
aliases:
  - {kind: topic, id: local-slang, add: [gear words]}  # ok
  - kind: topic
    id: no-topic  # 15
    add: [[not, text]]  # 16
"""
)

#: Mistake number -> a part of its message.
EXPECTED = {
    1: "reference 'local-directory': issued [2026, 13, 1] is not a real date",
    2: "reference 'second-ref': type 'pamphlett' is not one of",
    3: "topic 'local-slang': summary must be text",
    4: "topic 'local-slang': concerns entry 1 'sadness' is not one of",
    5: "fact 'second-fact' has an unknown key 'txt' (did you mean 'text'?)",
    6: "topic 'local-slang' cites 'nowhere', which is not in `references`",
    7: "topic 'local-slang': related topic 'no-such-topic' does not exist",
    8: "list item 'one' is already defined at",
    9: "item 3 of list 'local-signs' is missing the required key 'id'",
    10: "term 'Bad Term': id 'Bad Term' is not a kebab-case id",
    11: "term 'Bad Term': cites must list at least one entry",
    12: "contact 1 of resource 'my-line': label '555-0199' shows other digits",
    13: "contact 2 of resource 'my-line': kind 'pager' is not one of",
    14: "resource 'my-line': verified '2099-01-01' is in the future",
    15: "topic 'no-topic' does not exist",
    16: "alias entry 'no-topic': add entry 1 must be text",
}
#: Problems reported at an entry's (or a part's) first line rather than at a marked line.
AT_START = {"fact 'second-fact' is missing the required key 'text'"}


def marked_lines(text: str) -> dict[int | str, int]:
    """Mistake number (or "ok" lines, by line number) -> its line in ``text``."""
    found: dict[int | str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        mark = line.rpartition("# ")[2] if "  # " in line else ""
        if mark.isdigit():
            found[int(mark)] = n
        elif mark == "ok":
            found[f"ok:{n}"] = n
    return found


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_every_mistake_is_reported_at_its_line_in_one_run(broken: Path) -> None:
    found = heroinfacts.validate(broken)
    lines = marked_lines(BROKEN)
    assert set(EXPECTED) == {k for k in lines if isinstance(k, int)}
    for n, needle in EXPECTED.items():
        hits = [p for p in found if needle in p.message]
        assert len(hits) == 1, f"mistake {n} ({needle!r}) reported {len(hits)} times: {found}"
        assert hits[0].line == lines[n], (n, hits[0])
        assert hits[0].file == str(broken)
    (start,) = AT_START
    fact_line = BROKEN.splitlines().index("      - id: second-fact") + 1
    assert [p.line for p in found if start in p.message] == [fact_line]


def test_a_knock_on_problem_is_not_reported(broken: Path) -> None:
    found = heroinfacts.validate(broken)
    expected = [*EXPECTED.values(), *AT_START]
    extra = [p for p in found if not any(needle in p.message for needle in expected)]
    assert extra == [], extra
    ok_lines = {v for k, v in marked_lines(BROKEN).items() if isinstance(k, str)}
    assert not [p for p in found if p.line in ok_lines]
    assert not [p for p in found if "local-directory" in p.message and "cites" in p.message]


def test_validate_prints_every_problem_with_its_file_and_line(broken: Path) -> None:
    run = invoke("validate", "--pack", str(broken), code=3)
    printed = run.stdout.splitlines()
    assert len(printed) == len(EXPECTED) + len(AT_START), run.describe()
    expected = sorted(heroinfacts.validate(broken), key=lambda p: (p.file, p.line))
    assert printed == [str(p) for p in expected]
    lines = marked_lines(BROKEN)
    for n, needle in EXPECTED.items():
        assert any(ln.startswith(f"{broken}:{lines[n]}: ") and needle in ln for ln in printed), (
            n,
            needle,
            printed,
        )


def test_a_problem_in_a_fact_does_not_hide_a_problem_beside_it(tmp_path: Path) -> None:
    """The entry's other facts, its fields and the fact's own cites are all checked."""
    text = (
        PACK_HEAD
        + """\
topics:
  - id: two-facts
    title: Two facts
    summary: Two facts, both wrong.
    facts:
      - id: first-fact
        text: [a list]
        cites: [{ref: article, read: x, section: y, supports: maybe}]
      - id: second-fact
        text: Fine.
        cites: [article]
        proportion: {numerator: 5, denominator: 2, wording: five in two}
"""
    )
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    found = heroinfacts.validate(path)
    messages = [p.message for p in found]
    assert any("fact 'first-fact': text must be text" in m for m in messages), found
    assert any("cite 1: supports 'maybe' is not one of" in m for m in messages), found
    assert any("fact 'second-fact': proportion needs" in m for m in messages), found
    assert len(found) == 3, found


def test_a_refused_entry_is_not_reported_again_where_it_is_named(tmp_path: Path) -> None:
    """A class refused for its own mistake: a substance naming it is not also told it is
    missing; a class that no file defines still is."""
    text = (
        PACK_HEAD
        + """\
classes:
  - id: local-class
    name: [not text]
substances:
  - id: local-drug
    name: Local drug
    classes: [local-class, no-such-class]
    cites: [article]
"""
    )
    path = tmp_path / "classes.yaml"
    path.write_text(text, encoding="utf-8")
    found = [p.message for p in heroinfacts.validate(path)]
    assert any("class 'local-class': name must be text" in m for m in found), found
    assert any("class 'no-such-class' does not exist" in m for m in found), found
    assert not any("'local-class' does not exist" in m for m in found), found
    assert len(found) == 2, found


def test_a_copied_entry_is_one_problem_and_its_own_mistakes_more(tmp_path: Path) -> None:
    """A second entry with a taken id is reported once, not again for each of its facts that
    repeats the first entry's; a mistake of its own is still reported."""
    copy = GOOD_PACK.split("topics:\n", 1)[1].replace(
        "    summary: Words people use here.", "    summary: [not text]"
    )
    path = tmp_path / "copy.yaml"
    path.write_text(GOOD_PACK + copy, encoding="utf-8")
    found = heroinfacts.validate(path)
    messages = [p.message for p in found]
    assert len(found) == 2, found
    assert "topic 'local-slang' is already defined at" in messages[0]
    assert "topic 'local-slang': summary must be text, not a list" in messages[1]
