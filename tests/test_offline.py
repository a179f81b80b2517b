"""Nothing in heroinfacts opens a network connection.

Every command runs in a subprocess whose ``sitecustomize.py`` replaces ``socket.socket.connect``
(and ``connect_ex``, ``sendto``, ``sendmsg``, ``socket.create_connection`` and
``socket.getaddrinfo``) with a function that records the attempt and raises. Each command must
still work (exit 0, or 1 where nothing is found by design), and no attempt may be recorded, not
even one the code caught and recovered from.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import heroinfacts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "example-county-outreach.yaml")

SITECUSTOMIZE = """\
import os
import socket

_LOG = os.environ["NETBLOCK_LOG"]


def _blocked(*args, **kwargs):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write("network attempt: %r\\n" % (args,))
    raise OSError("network access is blocked in this test")


for _name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(socket.socket, _name, _blocked)
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
os.environ["NETBLOCK_ACTIVE"] = "1"
"""

#: (arguments, expected exit code). {tmp} is the test's directory.
COMMANDS: list[tuple[list[str], int]] = [
    (["--version"], 0),
    (["topics"], 0),
    (["show", "heroin"], 0),
    (["show", "overdose", "--pack", EXAMPLE, "--json"], 0),
    (["show", "heroinn"], 1),
    (["symptoms", "depression"], 0),
    (["define", "gaba"], 0),
    (["refs", "--for", "heroin", "--format", "bibtex"], 0),
    (["mix", "heroin", "xanax"], 0),
    (["mix", "xanax", "ambien"], 1),
    (["help-now", "--pack", EXAMPLE], 0),
    (["validate", EXAMPLE], 0),
    (["about"], 0),
    (["search", "gaba"], 0),
    (["search", "qqqzzzxxyy"], 1),
    (["ask", "i feel suicidal", "--pack", EXAMPLE], 0),
    (["handout", "heroin-and-depression", "overdose", "-o", "{tmp}/h.html", "-P", EXAMPLE], 0),
    (["handout", "depression", "-o", "{tmp}/h.md"], 0),
    (["handout", "heroin", "-o", "{tmp}/h.txt", "--json"], 0),
    (["verify", "--json"], 0),  # 3 if the data's recorded checksum is stale: see test_verify.py
]


def _verify_code() -> int:
    import hashlib

    from heroinfacts.sources import shipped, shipped_checksum_recorded

    return 0 if hashlib.sha256(shipped().read()).hexdigest() == shipped_checksum_recorded() else 3


@pytest.fixture(scope="module")
def blocker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("netblock")
    (directory / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return directory


def _env(blocker: Path, tmp: Path, log: Path, **extra: str) -> dict[str, str]:
    package_root = str(Path(heroinfacts.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROINFACTS_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(blocker), package_root]),
        NETBLOCK_LOG=str(log),
        HEROINFACTS_CACHE_DIR=str(tmp / "cache"),
        HEROINFACTS_CONFIG="",  # no config
        HOME=str(tmp),
        **extra,
    )
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heroinfacts", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_blocker_blocks(blocker: Path, tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    code = (
        "import os, socket\n"
        "assert os.environ.get('NETBLOCK_ACTIVE') == '1', 'sitecustomize was not loaded'\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
        "except OSError as e:\n    print(e)\n"
        "s = socket.socket()\n"
        "try:\n    s.connect(('127.0.0.1', 9))\nexcept OSError as e:\n    print(e)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=_env(blocker, tmp_path, log), capture_output=True,
        text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("network access is blocked in this test") == 2
    assert log.read_text(encoding="utf-8").count("network attempt") == 2


def test_every_command_works_with_the_network_blocked(blocker: Path, tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    env = _env(blocker, tmp_path, log)
    first = _run(["show", "heroin"], env, tmp_path)  # builds the cache once
    assert first.returncode == 0, first.stderr

    def one(case: tuple[list[str], int]) -> str | None:
        args = [a.replace("{tmp}", str(tmp_path)) for a in case[0]]
        expected = _verify_code() if args[0] == "verify" else case[1]
        proc = _run(args, env, tmp_path)
        problems = []
        if proc.returncode != expected:
            problems.append(f"exit {proc.returncode}, expected {expected}")
        for bad in ("Traceback", "internal error", "network access is blocked"):
            if bad in proc.stderr:
                problems.append(f"{bad!r} on stderr")
        if not (proc.stdout.strip() or proc.stderr.strip()):
            problems.append("no output at all")
        if problems:
            return f"heroinfacts {' '.join(args)}: {'; '.join(problems)}\n{proc.stderr[-1500:]}"
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for f in pool.map(one, COMMANDS) if f]
    assert not failures, "\n".join(failures)
    assert not log.exists(), log.read_text(encoding="utf-8")
    for name in ("h.html", "h.md", "h.txt"):
        assert (tmp_path / name).stat().st_size > 1000


def test_rich_terminal_output_offline_too(blocker: Path, tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    env = _env(blocker, tmp_path, log, FORCE_COLOR="1", TERM="xterm", COLUMNS="80")
    for args in (["show", "heroin-and-depression"], ["show", "heroin-and-depression"], ["topics"]):
        proc = _run(args, env, tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "\x1b[" in proc.stdout
    assert not log.exists(), log.read_text(encoding="utf-8")
