"""The installed ``heroinfacts`` console script, run as a user runs it: a separate process, from
another directory, with its output on a pipe (and, on POSIX, on a real pseudo-terminal).

CI installs the package non-editable into a fresh virtual environment, so this checks the wheel:
entry point, shipped data, no import from the source tree. It never skips: without the script it
fails and says how to install it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import ANSI, BOX, no_ansi_no_boxes, read_all

SCRIPT_NAME = "heroinfacts.exe" if sys.platform == "win32" else "heroinfacts"


def console_script() -> str:
    """The script beside this Python (its virtual environment), else the one on PATH."""
    beside = Path(sys.executable).parent / SCRIPT_NAME
    if beside.is_file():
        return str(beside)
    found = shutil.which("heroinfacts")
    if found:
        return found
    pytest.fail(
        "the heroinfacts console script is not installed next to "
        f"{sys.executable} nor on PATH; install the package first: pip install '.[test]'",
        pytrace=False,
    )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the installed package only
    env["HEROINFACTS_PAGER"] = ""  # on a pseudo-terminal a pager would wait for a key
    env.update(extra)
    return env


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *args],
        cwd=tmp_path,
        env=_env(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_installed_script_shows_a_topic(tmp_path: Path) -> None:
    done = run(tmp_path, "show", "heroin")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("What is heroin?\n")
    no_ansi_no_boxes(done.stdout + done.stderr)
    assert done.stderr == ""


def test_installed_script_uses_its_shipped_data(tmp_path: Path) -> None:
    version = run(tmp_path, "--version")
    assert version.returncode == 0
    assert "(data unavailable)" not in version.stdout
    about = run(tmp_path, "about", "--json")
    assert about.returncode == 0, about.stderr
    data = json.loads(about.stdout)
    assert data["data"]["checksum"].startswith("sha256:")
    assert run(tmp_path, "validate").returncode == 0


def test_installed_script_exit_codes_and_messages(tmp_path: Path) -> None:
    missing = run(tmp_path, "show", "heroinn")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.splitlines()[-1].startswith("Did you mean: heroin")
    usage = run(tmp_path, "show", "--bogus")
    assert usage.returncode == 2 and "No such option" in usage.stderr
    assert "Traceback" not in missing.stderr + usage.stderr


def test_installed_script_json_and_pipes(tmp_path: Path) -> None:
    done = run(tmp_path, "topics", "--json", FORCE_COLOR="1")
    assert done.returncode == 0
    assert json.loads(done.stdout)["topics"]
    rows = run(tmp_path, "topics").stdout.splitlines()
    assert "heroin\tWhat is heroin?" in rows


def test_installed_script_is_rich_on_a_terminal(tmp_path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - no pseudo-terminals there
        pytest.fail("run this suite on Linux or macOS (CI does)")
    import pty

    def on_terminal(*args: str, **env: str) -> str:
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [console_script(), *args],
            cwd=tmp_path,
            env=_env(**{"TERM": "xterm", "COLUMNS": "70", **env}),
            stdin=follower,
            stdout=follower,
            stderr=subprocess.DEVNULL,
        )
        os.close(follower)
        shown = read_all(leader)
        assert proc.wait(timeout=60) == 0
        return shown.decode("utf-8").replace("\r\n", "\n")

    coloured = on_terminal("mix", "heroin", "xanax")
    assert "\x1b[" in coloured and BOX.search(coloured)
    assert max(len(line) for line in ANSI.sub("", coloured).splitlines()) <= 70
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        text = on_terminal("mix", "heroin", "xanax", **env)
        assert "\x1b[" not in text, env
        assert BOX.search(text), "still the rich layout"
    no_ansi_no_boxes(on_terminal("mix", "heroin", "xanax", "--plain"))


def test_the_package_says_it_is_typed(tmp_path: Path) -> None:
    # PEP 561: with py.typed installed, a script's type checker reads heroinfacts' own types
    # (kb.topic(...).facts[0].text is a str, not Any).
    probe = "import heroinfacts, pathlib; print(pathlib.Path(heroinfacts.__file__).parent)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert (Path(done.stdout.strip()) / "py.typed").is_file()
