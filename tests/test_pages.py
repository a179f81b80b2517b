"""Stored output (heroinfacts.stored_output): printed only when it is whole (length and SHA-256
checked), trusted (this user's, writable by no one else) and fresh (its data files unchanged);
anything else is a miss, answered and stored again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heroinfacts import output, stored_output

OUT = "\x1b[1mHeroin\x1b[0m\n" + "A line of text with ü and 🙂.\n" * 200
ARGS = ["show", "heroin"]


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(stored_output, "argv", ARGS)
    data = tmp_path / "facts.yaml"
    data.write_text("data\n")
    return data


def _path() -> Path:
    path = stored_output.path_for(ARGS)
    assert path is not None
    return Path(path)


def _run(data: Path, text: str = OUT, code: int = 0) -> int:
    calls: list[int] = []

    def run() -> int:
        calls.append(1)
        output.write(text)
        output.message("a notice")
        return code

    assert stored_output.record(run, lambda: [str(data)]) == code
    return len(calls)


def test_stored_output_round_trips(_own_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stored_output.read(str(_path())) is None
    assert _run(_own_cache) == 1
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == (OUT, "a notice\n")
    assert stored_output.read(str(_path())) == (0, OUT.encode(), b"a notice\n")
    assert not [p for p in _path().parent.iterdir() if p.name.startswith(".page-")]


def test_a_changed_data_file_makes_it_stale(_own_cache: Path) -> None:
    _run(_own_cache)
    _own_cache.write_text("other data\n")
    assert stored_output.read(str(_path())) is None


def test_the_key_covers_the_command_line_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = stored_output.path_for(ARGS)
    assert stored_output.path_for(["show", "smack"]) != before
    monkeypatch.setenv("COLUMNS", "41")
    assert stored_output.path_for(ARGS) != before


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 3],  # cut short
        lambda b: b[:-1],  # one byte short
        lambda b: b[: b.index(b"\n") + 1],  # the header only
        lambda b: b[: b.index(b"\n")],  # part of the header
        lambda b: b"",  # emptied
        lambda b: b + b"more\n",  # grown
        lambda b: b[:-5] + b"XXXXX",  # same length, other bytes
        lambda b: b"\xff\xfe" + b,  # garbage in front
        lambda b: b.split(b"\n", 1)[1],  # no header
    ],
    ids=[
        "truncated",
        "one-byte-short",
        "header-only",
        "half-header",
        "empty",
        "appended",
        "same-length",
        "garbage",
        "no-header",
    ],
)
def test_damaged_output_is_a_miss_and_is_stored_again(_own_cache: Path, damage: object) -> None:
    _run(_own_cache)
    path = _path()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert stored_output.read(str(path)) is None
    assert _run(_own_cache) == 1
    assert stored_output.read(str(path)) is not None  # and stored again


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no file owners on this system")
def test_output_others_may_write_is_not_trusted(_own_cache: Path) -> None:
    _run(_own_cache)
    path = _path()
    path.chmod(0o622)
    assert stored_output.read(str(path)) is None
    path.chmod(0o600)
    assert stored_output.read(str(path)) is not None
    st = os.stat(path)
    assert stored_output.trusted(st)
    other = os.stat_result((*tuple(st)[:4], st.st_uid + 1, *tuple(st)[5:]))
    assert not stored_output.trusted(other)


def test_errors_and_unencodable_text_are_not_stored(
    _own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(_own_cache, code=3)
    assert not _path().exists()
    monkeypatch.setattr(output, "write", lambda text: None)
    output.recording = None
    _run(_own_cache, "bad \udcff surrogate\n")
    assert stored_output.read(str(_path())) in (None, (0, b"", b"a notice\n"))


def test_a_cache_that_cannot_be_written_stores_nothing(
    _own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", fail)
    assert _run(_own_cache) == 1
    assert not _path().exists()
    assert not list(_path().parent.iterdir())  # no temporary file left


def test_a_repeat_in_a_real_process_is_the_same_bytes_without_the_package(tmp_path: Path) -> None:
    env = {**os.environ, "HEROINFACTS_CACHE_DIR": str(tmp_path / "c"), "FORCE_COLOR": "1"}
    cmd = [sys.executable, "-X", "importtime", "-m", "heroinfacts", "mix", "heroin", "xanax"]
    first = subprocess.run(cmd, env=env, capture_output=True, timeout=120, check=False)
    again = subprocess.run(cmd, env=env, capture_output=True, timeout=120, check=False)
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    assert b"\x1b[" in again.stdout  # the terminal layout
    assert b"heroinfacts.stored_output" in again.stderr and b"heroinfacts.views" not in again.stderr
    assert b"heroinfacts.views" in first.stderr


def test_reading_imports_no_hashlib() -> None:
    code = (
        "import sys; from heroinfacts import stored_output\n"
        "stored_output.read(stored_output.path_for(['show', 'heroin']) or '')\n"
        "print('hashlib' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    import importlib.util

    if importlib.util.find_spec("_sha2") or importlib.util.find_spec("_sha256"):
        assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "hostile",
    ["\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\", "\x1b[?1049h", "\u202eevil", "\x9b31m"],
    ids=["osc8-link", "alt-screen", "bidi-override", "c1-csi"],
)
def test_a_planted_output_is_never_replayed(_own_cache: Path, hostile: str) -> None:
    """Only text, tabs, line breaks and SGR colour codes are ever replayed."""
    _run(_own_cache, "\x1b[1mHeroin\x1b[0m\tok\n")
    path = _path()
    assert stored_output.read(str(path)) is not None
    _run(_own_cache, f"Heroin {hostile}\n")
    assert stored_output.read(str(path)) is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no file owners on this system")
def test_nothing_is_stored_or_read_in_a_directory_others_can_write(
    _own_cache: Path, tmp_path: Path
) -> None:
    _run(_own_cache)
    (tmp_path / "cache").chmod(0o777)
    try:
        assert stored_output.path_for(ARGS) is None
    finally:
        (tmp_path / "cache").chmod(0o700)
    assert stored_output.path_for(ARGS) is not None
