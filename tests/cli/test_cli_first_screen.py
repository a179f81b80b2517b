"""On a terminal of 80x24 or 40 columns, every page with a crisis box shows the whole box on the
first screen: the help lines never scroll away above the answer (issue 12). Read from the golden
files, which are the terminal pages at 80 and 40 columns."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
#: Rows of the first screen left when the shell prompt takes the last one.
ROWS = 23
PAGES = sorted(p for p in GOLDEN.glob("*.[48]0.txt") if "Help is available now" in p.read_text())


def test_there_are_crisis_pages_at_both_widths() -> None:
    names = {p.name for p in PAGES}
    for page in ("show-overdose", "show-heroin-and-depression", "ask-what-is-narcan"):
        assert {f"{page}.80.txt", f"{page}.40.txt"} <= names, sorted(names)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_help_box_is_on_the_first_screen(page: Path) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    top = next(i for i, line in enumerate(lines) if "Help is available now" in line)
    bottom = next((i for i in range(top, len(lines)) if lines[i].lstrip().startswith("╰")), top + 1)
    assert bottom < ROWS, f"{page.name}: the help box ends on line {bottom + 1}, past {ROWS}"
