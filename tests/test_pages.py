"""The page cache: a stored page is printed only when it is whole (length and SHA-256 checked);
one that was cut short or damaged is a miss, rendered and stored again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from heroinfacts import output, pages

MODE = output.Mode(json=False, rich=True, color_system="truecolor", width=80, ascii_only=False)
PAGE = "\x1b[1mHeroin\x1b[0m\n" + "A line of text with ü and 🙂.\n" * 200


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", str(tmp_path / "cache"))


def _path() -> Path:
    return Path(pages.page_path((), "heroin", MODE))


def _show(capsys: pytest.CaptureFixture[str], text: str = PAGE) -> tuple[str, int]:
    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return text

    pages.show_cached((), "heroin", MODE, render)
    return capsys.readouterr().out, len(calls)


def test_stored_page_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    assert pages.lookup((), "heroin", MODE) is None
    assert _show(capsys) == (PAGE, 1)
    assert pages.lookup((), "heroin", MODE) == PAGE
    assert _show(capsys) == (PAGE, 0)  # printed from the store, not rendered
    raw = _path().read_bytes()
    assert raw.startswith(pages.MAGIC + b" ") and raw.endswith(PAGE.encode())
    assert not [p for p in _path().parent.iterdir() if p.name.startswith(".page-")]


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
        lambda b: b"\xff\xfe" + b,  # not UTF-8
        lambda b: b.split(b"\n", 1)[1],  # an old page without a header
    ],
    ids=[
        "truncated",
        "one-byte-short",
        "header-only",
        "half-header",
        "empty",
        "appended",
        "same-length",
        "not-utf8",
        "no-header",
    ],
)
def test_damaged_page_is_a_miss_and_is_stored_again(
    capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    _show(capsys)
    path = _path()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert pages.lookup((), "heroin", MODE) is None
    assert _show(capsys) == (PAGE, 1)  # rendered again, printed whole
    assert pages.lookup((), "heroin", MODE) == PAGE  # and stored again


def test_store_syncs_before_replacing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    _show(capsys)
    assert events == ["fsync", "replace"]


def test_a_cache_that_cannot_be_written_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    assert _show(capsys) == (PAGE, 1)
    assert not _path().exists()
    assert not list(_path().parent.iterdir())  # no temporary file left


def test_text_that_cannot_be_encoded_is_printed_but_not_stored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(output, "write", lambda text: None)
    _show(capsys, "bad \udcff surrogate\n")
    assert not _path().exists()


def test_lookup_imports_no_hashlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from heroinfacts import output, pages\n"
        "m = output.Mode(json=False, rich=True, color_system=None, width=80, ascii_only=False)\n"
        "pages.lookup((), 'heroin', m)\n"
        "print('hashlib' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() in ("False", "True")  # True only without CPython's _sha2
    import importlib.util

    if importlib.util.find_spec("_sha2") or importlib.util.find_spec("_sha256"):
        assert out.stdout.strip() == "False"
