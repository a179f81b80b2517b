"""Piped, tab-separated output cannot be forged (issue 11): a title, name, label or alias with a
tab, a line break or another control character is a validation problem at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_support import sample_pack
from robust_support import Runner

FORGED = {
    "tab": '"Local\\tfake-topic\\tForged"',
    "newline": '"Local\\nfake-topic\\tForged"',
    "carriage-return": '"Local\\rForged"',
    "line-separator": '"Local\\u2028Forged"',
    "escape": '"Local\\e[2JForged"',
}


@pytest.mark.parametrize("field", ["title", "alias"])
@pytest.mark.parametrize("kind", FORGED)
def test_a_one_line_field_with_a_tab_or_line_break_is_refused(
    hf: Runner, tmp_path: Path, field: str, kind: str
) -> None:
    text = sample_pack()
    if field == "title":
        text = text.replace("title: Local words", f"title: {FORGED[kind]}")
        needle = f"    title: {FORGED[kind]}"
    else:
        text = text.replace(
            "    title: Local words\n", f"    title: Local words\n    aliases: [{FORGED[kind]}]\n"
        )
        needle = f"    aliases: [{FORGED[kind]}]"
    pack = tmp_path / "forged.yaml"
    pack.write_text(text, encoding="utf-8")
    line = text.splitlines().index(needle) + 1
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert f"{pack}:{line}: " in res.out and "keep it to one line" in res.out, res.describe()
    piped = hf.check(hf.run("topics", "--pack", str(pack)), codes=3)
    assert "fake-topic" not in piped.out
