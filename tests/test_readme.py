"""The README stays true: its command reference is the one generated from the app, and its quick
start commands are there word for word."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heroinfacts import docgen

README = Path(__file__).resolve().parents[1] / "README.md"
REGENERATE = "python -m heroinfacts.docgen --write README.md"


def test_command_reference_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    current = docgen.current_block(text)
    assert current is not None, f"README.md lacks the markers {docgen.START} ... {docgen.END}"
    if current != docgen.reference():
        pytest.fail(
            f"README.md's command reference differs from the app. Regenerate it with: {REGENERATE}",
            pytrace=False,
        )


def test_reference_covers_every_command_and_option() -> None:
    import typer

    from heroinfacts.cli import app

    text = docgen.reference()
    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"### `heroinfacts {name}`" in text
    for option in ("`--json`", "`--width N`", "`--format FORMAT`", "`--for TOPIC`", "`[ID]`"):
        assert option in text
    assert "Example: `heroinfacts mix heroin xanax`" in text
    assert "\x1b" not in text and "\u2500" not in text


def test_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = docgen.reference()
    monkeypatch.setenv("COLUMNS", "30")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert docgen.reference() == wide


def test_docgen_write_replaces_only_the_block(tmp_path: Path) -> None:
    page = tmp_path / "README.md"
    page.write_text(f"# Title\n\nbefore\n{docgen.START}\nold\n{docgen.END}\nafter\n")
    assert docgen.main(["--write", str(page)]) == 0
    text = page.read_text()
    assert text.startswith(f"# Title\n\nbefore\n{docgen.START}\n")
    assert text.endswith(f"{docgen.END}\nafter\n")
    assert docgen.current_block(text) == docgen.reference()
    assert docgen.main(["--write", str(page)]) == 0  # a second run changes nothing
    assert page.read_text() == text
    (tmp_path / "bare.md").write_text("no markers\n")
    assert docgen.main(["--write", str(tmp_path / "bare.md")]) == 2


def test_docgen_runs_as_a_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "heroinfacts.docgen"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "20", "FORCE_COLOR": "1"},
    ).stdout
    assert out == docgen.reference()


@pytest.mark.parametrize(
    "command",
    [
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && heroinfacts show heroin",
        'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" '
        "&& python -m pytest",
    ],
)
def test_quick_start_commands_are_word_for_word(command: str) -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert command in lines, f"README.md lost its quick-start line: {command}"


def test_exit_codes_table_is_the_enum() -> None:
    """README "Exit codes" lists exactly the codes of heroinfacts.cli.exits.Exit, in order."""
    from heroinfacts.cli.exits import Exit

    text = README.read_text(encoding="utf-8")
    table = text[text.index("| code | meaning |") :].split("\n\n", 1)[0]
    codes = [int(row.split("|")[1]) for row in table.splitlines()[2:]]
    assert codes == [int(code) for code in Exit]
