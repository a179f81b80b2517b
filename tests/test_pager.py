"""Long output on a terminal goes through the pager (issue 12); short output, piped output and
--no-pager print directly. The pager here is a stand-in that writes what it was given to a
file, run on a real pseudo-terminal of 80x24."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from cli_support import read_all


def on_terminal(tmp_path: Path, *args: str, **env: str) -> tuple[str, str]:
    """(what the terminal showed, what the pager was given) for ``heroinfacts args``."""
    got = tmp_path / "paged.txt"
    got.unlink(missing_ok=True)
    full = {k: v for k, v in os.environ.items() if not k.startswith(("HEROINFACTS_", "PAGER"))}
    full.update(
        HEROINFACTS_CACHE_DIR=str(tmp_path / "cache"),
        HEROINFACTS_CONFIG="",  # no config
        HEROINFACTS_PAGER=f"sh -c 'cat > {got}'",
        TERM="xterm",
    )
    full.update(env)
    full.pop("COLUMNS", None)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "heroinfacts", *args],
        stdin=follower, stdout=follower, stderr=follower, env=full,
    )  # fmt: skip
    os.close(follower)
    shown = read_all(leader).decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0
    return shown, got.read_text(encoding="utf-8") if got.exists() else ""


@pytest.mark.parametrize("repeat", [1, 2], ids=["built", "stored"])
def test_a_long_page_goes_through_the_pager_crisis_box_first(tmp_path: Path, repeat: int) -> None:
    for _ in range(repeat):  # the second run replays the stored page: paged the same way
        shown, paged = on_terminal(tmp_path, "show", "overdose")
    assert paged.count("\n") > 24, paged
    assert "Overdose and slowed breathing" in paged.splitlines()[0]
    assert paged.index("Help is available now") < paged.index("Facts")
    assert "References" not in shown  # the terminal showed only what the pager showed


def test_short_output_and_no_pager_print_directly(tmp_path: Path) -> None:
    shown, paged = on_terminal(tmp_path, "define", "gaba")
    assert paged == "" and "GABA" in shown
    shown, paged = on_terminal(tmp_path, "show", "overdose", "--no-pager")
    assert paged == "" and "References" in shown and "Help is available now" in shown
    shown, paged = on_terminal(tmp_path, "show", "overdose", HEROINFACTS_PAGER="")
    assert paged == "" and "References" in shown


def test_piped_output_is_never_paged(tmp_path: Path) -> None:
    got = tmp_path / "paged.txt"
    env = {**os.environ, "HEROINFACTS_PAGER": f"sh -c 'cat > {got}'"}
    env["HEROINFACTS_CACHE_DIR"] = str(tmp_path / "cache")
    run = subprocess.run(
        [sys.executable, "-m", "heroinfacts", "show", "overdose"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert "References" in run.stdout and not got.exists()


def test_pager_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from heroinfacts import pager

    for name in ("HEROINFACTS_PAGER", "PAGER", pager.OFF):
        monkeypatch.delenv(name, raising=False)
    assert pager.command() == "less -FRX"
    monkeypatch.setenv("PAGER", "more")
    assert pager.command() == "more"
    monkeypatch.setenv("HEROINFACTS_PAGER", "cat")
    assert pager.command() is None
    monkeypatch.setenv("HEROINFACTS_PAGER", "most")
    assert pager.command() == "most"
    assert pager.strip_flag(["show", "x", "--", "--no-pager"]) == ["show", "x", "--", "--no-pager"]
    assert pager.command() == "most"
    assert pager.strip_flag(["--no-pager", "show", "x"]) == ["show", "x"]
    assert pager.command() is None
