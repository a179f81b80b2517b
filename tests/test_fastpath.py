"""The start-up fast path (``heroinfacts/__main__.py``) in real processes.

tests/test_parse.py checks, in process, that the fast parser and the Typer app read every
command line alike; both then call the same ``execute``. What needs a real process is checked
here, once per behaviour: the same bytes and exit code both ways (the console entry point,
which takes the fast path, against the Typer app alone), that Typer is really not imported,
a first run that builds the cache, and a closed pipe.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-county-outreach.yaml"
FAST = [sys.executable, "-m", "heroinfacts"]
TYPER = [sys.executable, "-c", "from heroinfacts.cli import main; main()"]
WHICH = [
    sys.executable,
    "-c",
    "import sys\n"
    "from heroinfacts.__main__ import _app\n"
    "try:\n    _app('heroinfacts')\nfinally:\n"
    "    sys.__stderr__.write('\\nPATH=' + ('typer' if 'typer' in sys.modules else 'fast'))\n",
]

# (arguments, extra environment): one per kind of answer the fast path gives.
CASES: list[tuple[list[str], dict[str, str]]] = [
    (["show", "heroin", "--width", "60"], {"FORCE_COLOR": "1"}),
    (["search", "gaba", "-k", "term", "--limit", "3", "--json"], {}),
    (["refs", "--for", "heroin", "--format", "bibtex"], {}),
    (["show", "heorin"], {}),  # not found: did you mean
    (["mix", "heroin", "nothing-like-it", "--json"], {}),
    (["-V"], {}),
    (["--plain", "ask", "is", "smack", "a", "downer"], {}),
    (["show", "gear", "-P", str(EXAMPLE)], {"FORCE_COLOR": "1"}),
    (["verify"], {}),
]


def _run(
    cmd: list[str], args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*cmd, *args], env={**os.environ, **env}, capture_output=True, timeout=120, check=False
    )


@pytest.fixture(scope="module", autouse=True)
def _warm(session_cache: Path) -> None:
    """Compiled caches for the shipped data and the example pack."""
    env = {"HEROINFACTS_CACHE_DIR": str(session_cache)}
    _run(TYPER, ["topics"], env)
    _run(TYPER, ["topics"], {**env, "HEROINFACTS_PACKS": str(EXAMPLE)})


@pytest.mark.parametrize(("args", "env"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_same_output_both_ways_without_typer(args: list[str], env: dict[str, str]) -> None:
    slow = _run(TYPER, args, env)
    quick = _run(FAST, args, env)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    which = _run(WHICH, args, env)
    assert which.stderr.endswith(b"PATH=fast"), which.stderr[-300:]


@pytest.mark.parametrize("args", [["show", "--help"], ["show", "-w", "5", "heroin"], ["shwo"]])
def test_help_and_usage_errors_go_to_typer(args: list[str]) -> None:
    which = _run(WHICH, args, {})
    assert which.stderr.endswith(b"PATH=typer"), which.stderr[-300:]


def test_first_run_builds_without_typer(tmp_path: Path) -> None:
    env = {"HEROINFACTS_CACHE_DIR": str(tmp_path / "cold")}
    cold = _run(WHICH, ["show", "heroin", "--json"], env)
    assert cold.returncode == 0 and cold.stderr.endswith(b"PATH=fast")
    assert list((tmp_path / "cold").glob("kb-*.sqlite"))
    warm = _run(FAST, ["show", "heroin", "--json"], env)
    assert warm.stdout == cold.stdout


@pytest.mark.parametrize("cmd", [FAST, TYPER], ids=["fast", "typer"])
def test_broken_pipe(cmd: list[str]) -> None:
    """Typer exits 1, quietly, when stdout is closed under it; so does the fast path."""
    proc = subprocess.Popen([*cmd, "topics"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(timeout=120), err) == (1, b"")
