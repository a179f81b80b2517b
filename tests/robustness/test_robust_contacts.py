"""What is printed is what is dialled (issue 11, safety): a contact's label may only format its
value, and a number to call, text or TTY is a phone number."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_support import line_pack
from robust_support import Runner

PACK = line_pack("- {CONTACT}")
CONTACT_LINE = PACK.splitlines().index("      - {CONTACT}") + 1


def _pack(tmp_path: Path, contact: str) -> Path:
    path = tmp_path / "line.yaml"
    path.write_text(PACK.replace("{CONTACT}", contact), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("contact", "says"),
    [
        ('{kind: call, value: "555-0142", label: "988"}', "other digits"),
        ('{kind: call, value: "555-0142", label: "Call 988 (Lifeline)"}', "other digits"),
        ('{kind: text, value: "555-0142", label: "555-0143"}', "other digits"),
        ('{kind: tty, value: "1-800-487-4889", label: "1-800-487-4888"}', "other digits"),
        ('{kind: call, value: "call 555-0142"}', "not a phone number"),
        ('{kind: call, value: "555-HELP"}', "not a phone number"),
        ('{kind: call, value: "https://example.org"}', "not a phone number"),
        ('{kind: text, value: "55"}', "not a phone number"),
        ('{kind: call, value: "555\\u00a00142"}', "not a phone number"),
        ('{kind: web, value: "https://evil.example", label: "988lifeline.org"}', "not the address"),
    ],
)
def test_a_label_that_is_not_its_value_is_refused(
    hf: Runner, tmp_path: Path, contact: str, says: str
) -> None:
    pack = _pack(tmp_path, contact)
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert f"{pack}:{CONTACT_LINE}: contact 1 of resource 'my-line': " in res.out
    assert says in res.out
    hf.check(hf.run("help-now", "--pack", str(pack)), codes=3)


@pytest.mark.parametrize(
    "contact",
    [
        '{kind: call, value: "1-800-662-4357", label: "1-800-662-HELP (4357)"}',
        '{kind: call, value: "+44 (0)20 7946 0000", label: "+44 (0) 20 7946 0000"}',
        '{kind: call, value: "555-0142", label: "555-0142 (front desk)"}',
        '{kind: text, value: "741741", label: "HOME to 741741"}',
        '{kind: call, value: "988"}',
        '{kind: web, value: "https://www.example.org/help", label: "example.org/help"}',
        '{kind: visit, value: "1 Main St", label: "Our office"}',
    ],
)
def test_a_label_that_formats_its_value_is_fine(hf: Runner, tmp_path: Path, contact: str) -> None:
    hf.check(hf.run("validate", str(_pack(tmp_path, contact))), codes=0)
