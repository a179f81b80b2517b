"""``validate`` checks the packs together, as every command loads them (issue 11): two packs
defining the same id, the same pack twice; ``validate --pack A B`` checks both."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_support import sample_pack
from robust_support import Runner


def _two(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(sample_pack("gear"), encoding="utf-8")
    b.write_text(
        sample_pack("brown")
        .replace("id: test-pack", "id: other-pack")
        .replace("local-fact", "other-fact"),
        encoding="utf-8",
    )
    return a, b


@pytest.mark.parametrize("how", ["arguments", "pack-flags"])
def test_two_packs_with_the_same_id_are_a_clash(hf: Runner, tmp_path: Path, how: str) -> None:
    a, b = _two(tmp_path)
    argv = [str(a), str(b)] if how == "arguments" else ["--pack", str(a), "--pack", str(b)]
    res = hf.check(hf.run("validate", *argv), codes=3)
    assert f"{b}:" in res.out and f"already defined at {a}:" in res.out, res.describe()
    # ... as every command that loads them says.
    hf.check(hf.run("topics", "--pack", str(a), "--pack", str(b)), codes=3)
    # Each alone is valid.
    hf.check(hf.run("validate", str(a)), codes=0)
    hf.check(hf.run("validate", str(b)), codes=0)


def test_the_same_pack_twice_is_a_problem(hf: Runner, tmp_path: Path) -> None:
    a, _ = _two(tmp_path)
    res = hf.check(hf.run("validate", str(a), str(a)), codes=3)
    assert "given twice" in res.out, res.describe()
