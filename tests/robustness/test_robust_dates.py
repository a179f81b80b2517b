"""Dates (issue 11): 30 February, year 0 or negative, a range that ends before it starts and a
``reviewed`` date in the future are problems at their line; a rejected reference does not also
bring a knock-on "cites ... not in references"."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_support import sample_pack
from robust_support import Runner

ISSUED = "    publisher: Test County\n"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ((ISSUED, ISSUED + "    issued: {date-parts: [[2024, 2, 30]]}\n"), "is not a real date"),
        ((ISSUED, ISSUED + "    issued: {date-parts: [[0]]}\n"), "is not a real date"),
        ((ISSUED, ISSUED + "    issued: {date-parts: [[-5, 1]]}\n"), "is not a real date"),
        (
            (ISSUED, ISSUED + "    issued: {date-parts: [[2024, 5], [2023, 1]]}\n"),
            "ends before it starts",
        ),
        (("reviewed: 2026-11-01", 'reviewed: "2026-02-30"'), "is not a real date"),
        (("reviewed: 2026-11-01", "reviewed: 2999-01-01"), "is in the future"),
    ],
)
def test_impossible_dates_are_problems(
    hf: Runner, tmp_path: Path, change: tuple[str, str], says: str
) -> None:
    pack = tmp_path / "dates.yaml"
    text = sample_pack().replace(*change)
    assert text != sample_pack()
    pack.write_text(text, encoding="utf-8")
    res = hf.check(hf.run("validate", str(pack)), codes=3)
    assert says in res.out, res.describe()
    assert "not in `references`" not in res.out, "a knock-on problem as well"
    assert len(res.out.splitlines()) == 1, res.describe()
