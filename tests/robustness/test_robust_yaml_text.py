"""YAML never changes a text (issue 11, safety): an unquoted value that YAML reads as a number
other than what is written (0117 -> 79, 12:34:56 -> 45296, 1.10 -> 1.1 ...) in a field that wants
text is a problem at its line, with the advice to quote it; a number written as itself is fine."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_support import line_pack, sample_pack
from robust_support import Runner

CHANGED = ["0117", "07700", "12:34:56", "9:30", "0x1F", "1_800_662", "1.10", "+5", "1.0e+3"]
SPECIAL = [".nan", ".NaN", ".inf", "-.inf"]
PHONE = line_pack("- kind: call\n        value: {VALUE}")


@pytest.mark.parametrize(
    ("written", "says"),
    [(w, f"is written {w}, which YAML reads as the number") for w in CHANGED]
    + [(w, "a special number to YAML (.nan, .inf): put the text in quotes") for w in SPECIAL],
)
def test_a_number_yaml_rereads_is_refused_in_a_text_field(
    hf: Runner, tmp_path: Path, written: str, says: str
) -> None:
    pack = tmp_path / "summary.yaml"
    text = sample_pack().replace("summary: Words people use here.", f"summary: {written}")
    pack.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"    summary: {written}") + 1
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert f"{pack}:{line}: " in res.out and says in res.out
    if written in CHANGED:
        assert f'put it in quotes ("{written}")' in res.out
    hf.check(hf.run("show", "local-slang", "--pack", str(pack)), codes=3)


@pytest.mark.parametrize("written", ["0117", "07700", "1_800_662", "0x1F"])
def test_a_phone_number_yaml_rereads_is_refused(hf: Runner, tmp_path: Path, written: str) -> None:
    pack = tmp_path / "phone.yaml"
    text = PHONE.replace("{VALUE}", written)
    pack.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"        value: {written}") + 1
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert f"{pack}:{line}: " in res.out and "put it in quotes" in res.out


@pytest.mark.parametrize("written", ["988", "1.5", "-3", '"0117"', "'12:34:56'"])
def test_a_number_written_as_itself_or_quoted_is_text(
    hf: Runner, tmp_path: Path, written: str
) -> None:
    pack = tmp_path / "ok.yaml"
    pack.write_text(sample_pack().replace("Words people use here.", written), encoding="utf-8")
    hf.check(hf.run("validate", str(pack)), codes=0)
    data = hf.check(hf.run("show", "local-slang", "--json", "--pack", str(pack)), codes=0).json()
    assert isinstance(data, dict)
    assert data["topic"]["summary"] == written.strip("\"'")
