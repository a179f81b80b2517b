"""Nothing half-written (issue 11): Ctrl-C or SIGTERM during a large build leaves no temporary
cache file and shows the cursor again; what a kill -9 left behind goes at the next build."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import time
from pathlib import Path

import pytest
from robust_support import Runner, limit_memory
from test_robust_environments import _big_pack

HIDE, SHOW = b"\x1b[?25l", b"\x1b[?25h"


def _interrupted(fresh: Runner, pack: Path, signum: int) -> tuple[int, bytes]:
    """Start a build on a pseudo-terminal, send ``signum`` once the progress bar shows."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [fresh.script, "show", "t5", "--pack", str(pack)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=fresh.env,
        cwd=fresh.cwd,
        preexec_fn=limit_memory,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    sent = False
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not sent and HIDE in seen:
            time.sleep(0.3)  # well into the build
            proc.send_signal(signum)
            sent = True
    code = proc.wait(timeout=60)
    os.close(master)
    assert sent, f"the build never showed its progress bar: {seen[-300:]!r}"
    return code, seen


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_leaves_nothing_behind(
    fresh: Runner, tmp_path: Path, signum: int
) -> None:
    pack = tmp_path / "big.yaml"
    pack.write_text(_big_pack(60_000, "local-directory"), encoding="utf-8")
    code, seen = _interrupted(fresh, pack, signum)
    assert code in (130, 143), f"exit {code}"
    assert b"Traceback" not in seen
    assert seen.rfind(SHOW) > seen.rfind(HIDE), "the cursor was left hidden"
    cache = Path(fresh.env["HEROINFACTS_CACHE_DIR"])
    left = [p.name for p in cache.iterdir()] if cache.exists() else []
    assert not [n for n in left if n.endswith(".tmp")], left


def test_what_a_kill_9_left_is_removed_at_the_next_build(fresh: Runner) -> None:
    cache = Path(fresh.env["HEROINFACTS_CACHE_DIR"])
    cache.mkdir(mode=0o700)
    gone = subprocess.Popen(["true"])
    gone.wait()
    orphan = cache / f".kb-{'0' * 32}-{gone.pid}-abcd1234.tmp"
    orphan.write_bytes(b"x" * 4096)
    alive = cache / f".kb-{'0' * 32}-{os.getpid()}-abcd1234.tmp"  # a build still running
    alive.write_bytes(b"x")
    fresh.check(fresh.run("topics"), codes=0)
    assert not orphan.exists(), "a kill -9 leftover stayed"
    assert alive.exists(), "a running build's temporary file was removed"
