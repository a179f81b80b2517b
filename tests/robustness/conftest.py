"""Fixtures for the robustness matrix (issue 7): the installed console script run in subprocesses.

``hf`` is a :class:`~robust_support.Runner` for one test: a clean environment with a warm,
shared cache, a memory limit and a timeout per run, and the checks every run must pass. The
family of a test is its module name (``test_robust_packs.py`` is "packs"); at the end of the
session a table of cases, runs, tracebacks, wrong exit codes, terminal problems and stale
answers per family is printed (the figures in docs/robustness.md come from it). With
``HEROINFACTS_ROBUSTNESS_REPORT=FILE`` the table is also written to FILE as JSON.

There are no skips here: without the installed script every test fails and says how to install
it, since these tests are about the tool as users run it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from robust_support import TALLY, Runner, base_env, console_script

FAMILIES = {
    "arguments": "Arguments: unknown names, empty, huge, any script, wrong option values",
    "injection": "Terminal injection: escapes, control and bidi characters, rich markup",
    "environments": "Environments: colour, TERM, COLUMNS, LANG=C/ascii, a real terminal",
    "streams": "Streams: stdout/stderr/stdin closed, pipe closed early, disk full",
    "filesystem": "HOME and cache directory: unset, read-only, unwritable, not a directory",
    "packs": "Data and packs: broken files for --pack and validate",
    "cache": "Cache: corrupt, other version, concurrent builds, changed packs",
    "exits": "Exit codes: bad names and titles, full disks, old or partial Pythons, the builder",
}


def _family(nodeid: str) -> str:
    name = Path(nodeid.split("::")[0]).stem
    return name.removeprefix("test_robust_")


@pytest.fixture(scope="session")
def script() -> str:
    found = console_script()
    if found is None:
        pytest.fail(
            "the heroinfacts console script is not installed next to this Python nor on PATH; "
            "the robustness tests run the installed tool: pip install '.[test]' (not editable) "
            "into the virtual environment that runs pytest",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def robust_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("robust-home")


@pytest.fixture(scope="session")
def warm_cache(script: str, robust_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory with the shipped data compiled once, shared by most tests."""
    cache = tmp_path_factory.mktemp("robust-cache")
    done = subprocess.run(
        [script, "topics"],
        env=base_env(robust_home, cache),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return cache


@pytest.fixture
def hf(script: str, robust_home: Path, warm_cache: Path, request: pytest.FixtureRequest) -> Runner:
    """A runner for this test, sharing the warm cache."""
    return Runner(
        script, base_env(robust_home, warm_cache), _family(request.node.nodeid), robust_home
    )


@pytest.fixture
def fresh(script: str, tmp_path: Path, request: pytest.FixtureRequest) -> Runner:
    """A runner with its own empty cache directory and home (for cache and filesystem tests)."""
    home = tmp_path / "home"
    home.mkdir()
    return Runner(script, base_env(home, tmp_path / "cache"), _family(request.node.nodeid), home)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    family = _family(report.nodeid)
    if family not in FAMILIES:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        TALLY.cases[family] += 1
        if report.failed:
            TALLY.failed[family] += 1


def _rows() -> list[dict[str, object]]:
    rows = []
    for family, title in FAMILIES.items():
        if not TALLY.cases[family]:
            continue
        rows.append(
            {
                "family": family,
                "title": title,
                "cases": TALLY.cases[family],
                "failed": TALLY.failed[family],
                "runs": TALLY.runs[family],
                "tracebacks": TALLY.tracebacks[family],
                "wrong_exit_codes": TALLY.wrong_exit[family],
                "terminal_problems": TALLY.terminal[family],
                "answers_compared": TALLY.compared[family],
                "stale_answers": TALLY.stale[family],
                "seconds": round(TALLY.seconds[family], 1),
            }
        )
    return rows


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    rows = _rows()
    if not rows:
        return
    tr = terminalreporter
    tr.section("robustness tallies (docs/robustness.md)")
    tr.write_line(
        "| family | cases | failed | runs | tracebacks | wrong exit codes | terminal problems "
        "| answers compared | stale answers |"
    )
    tr.write_line("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        tr.write_line(
            f"| {r['family']} | {r['cases']} | {r['failed']} | {r['runs']} | {r['tracebacks']} "
            f"| {r['wrong_exit_codes']} | {r['terminal_problems']} | {r['answers_compared']} "
            f"| {r['stale_answers']} |"
        )
    target = os.environ.get("HEROINFACTS_ROBUSTNESS_REPORT")
    if target:
        Path(target).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
