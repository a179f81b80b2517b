"""The start-up fast path (``heroinfacts/__main__.py``) behaves exactly like the Typer app.

Every invocation runs twice in a subprocess: through the console entry point (``python -m
heroinfacts``, which takes the fast path when it can) and through the Typer app alone
(``heroinfacts.cli.main``). Stdout, stderr and the exit code must be identical. A second check
makes sure the fast path is really taken for the invocations it is meant for (Typer is never
imported), and not for the others.
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
    "from heroinfacts.__main__ import main\n"
    "try:\n    main()\nfinally:\n"
    "    sys.__stderr__.write('\\nPATH=' + ('typer' if 'typer' in sys.modules else 'fast'))\n",
]

# (arguments, extra environment, does the fast path answer it once the caches are warm?)
CASES: list[tuple[list[str], dict[str, str], bool]] = [
    (["show", "heroin"], {}, True),
    (["show", "heroin", "--json"], {}, True),
    (["show", "going", "on", "the", "nod", "-q"], {}, True),
    (["show", "--plain", "Heroin", "-C"], {}, True),
    (["show", "heroin"], {"FORCE_COLOR": "1"}, True),
    (["show", "smack"], {"FORCE_COLOR": "1", "COLUMNS": "50", "NO_COLOR": "1"}, True),
    (["show", "heroin", "-j", "-p", "-C", "-q"], {"FORCE_COLOR": "1"}, True),
    (["topics"], {}, True),
    (["topics", "--json"], {}, True),
    (["topics", "-p"], {"FORCE_COLOR": "1"}, True),
    (["ask", "is heroin a depressant", "--json"], {}, True),
    (["ask", "is", "smack", "a", "downer"], {}, True),
    (["search", "gaba", "--json"], {}, True),
    (["search", "benzos"], {}, True),
    (["symptoms"], {}, True),
    (["symptoms", "depression", "--json"], {}, True),
    (["define", "gaba"], {}, True),
    (["define", "--json"], {}, True),
    (["mix", "heroin", "xanax"], {}, True),
    (["mix", "heroin", "xanax", "--json"], {}, True),
    (["help-now"], {}, True),
    (["help-now", "--json"], {}, True),
    (["show", "heroin"], {"HEROINFACTS_PACKS": str(EXAMPLE)}, True),
    (["search", "gear", "--json"], {"HEROINFACTS_PACKS": str(EXAMPLE)}, True),
    (["show", "gear", "--pack", str(EXAMPLE)], {}, True),
    (["-P", str(EXAMPLE)], {}, False),
    (["show", "-P", str(EXAMPLE), "gear"], {"FORCE_COLOR": "1"}, True),
    (["ask", "what is gear", "--json", "-P", str(EXAMPLE)], {}, True),
    (["ask", "what is gear", "-P", str(EXAMPLE), "-P", str(EXAMPLE)], {}, False),  # a clash
    # Left to Typer: errors, other options, help, odd arguments.
    (["show", "heroinn"], {}, False),
    (["show", "heroinn", "--json"], {}, False),
    (["show", "heroinn"], {"FORCE_COLOR": "1"}, False),
    (["show", ""], {}, False),
    (["show", "  ", "--json"], {}, False),
    (["symptoms", "depresion"], {}, False),
    (["mix", "heroin", "nothing-like-it"], {}, False),
    (["mix", "heroin", " "], {}, False),
    (["mix", "heroin"], {}, False),
    (["topics", "extra"], {}, False),
    (["show"], {}, False),
    (["show", "heroin", "--width", "40"], {}, False),
    (["show", "heroin", "-w40"], {}, False),
    (["show", "-jq", "heroin"], {}, False),
    (["show", "--", "heroin"], {}, False),
    (["show", "--help"], {}, False),
    (["search", "gaba", "--kind", "term"], {}, False),
    (["Show", "heroin"], {}, False),
    (["show", "heroin", "--pack"], {}, False),
    (["show", "heroin", "--pack", "--json"], {}, False),
    (["show", "heroin", f"--pack={EXAMPLE}"], {}, False),
    (["show", "heroin", "--pack", "/no/such/pack.yaml"], {}, False),
    (["show", "heroin"], {"HEROINFACTS_PACKS": "/no/such/pack.yaml"}, False),
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


@pytest.mark.parametrize(("args", "env", "fast"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_same_output_both_ways(args: list[str], env: dict[str, str], fast: bool) -> None:
    slow = _run(TYPER, args, env)
    quick = _run(FAST, args, env)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    which = _run(WHICH, args, env)
    assert which.stderr.endswith(b"PATH=fast" if fast else b"PATH=typer"), which.stderr[-300:]


def test_first_run_builds_through_typer(tmp_path: Path) -> None:
    env = {"HEROINFACTS_CACHE_DIR": str(tmp_path / "cold")}
    cold = _run(WHICH, ["show", "heroin", "--json"], env)
    assert cold.returncode == 0 and cold.stderr.endswith(b"PATH=typer")
    warm = _run(WHICH, ["show", "heroin", "--json"], env)
    assert warm.stdout == cold.stdout and warm.stderr.endswith(b"PATH=fast")


@pytest.mark.parametrize("cmd", [FAST, TYPER], ids=["fast", "typer"])
def test_broken_pipe(cmd: list[str]) -> None:
    """Typer exits 1, quietly, when stdout is closed under it; so does the fast path."""
    proc = subprocess.Popen([*cmd, "topics"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(timeout=120), err) == (1, b"")
