"""Lazy imports: each warm path imports only what it needs (module presence, not timing).

docs/performance.md has the numbers behind each rule. With a fresh compiled cache:

* no path parses YAML, so PyYAML is never imported;
* plain and JSON output never import rich, and a stored terminal output needs neither rich nor
  SQLite (nor ``typing`` and ``re``);
* the fast path answers without Typer (tests/test_fastpath.py checks that it answers alike);
* nothing ever imports ``rich.markdown`` (~180 ms);
* warm lookups import neither ``dataclasses`` (with ``inspect``) nor ``calendar``;
* the user cache directory is found without platformdirs on Linux.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heroinfacts import sources


def _imported(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    """Module names a ``heroinfacts`` run imports, from ``python -X importtime``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "heroinfacts", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {
        line.split("|")[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def _family(modules: set[str], top: str) -> set[str]:
    return {m for m in modules if m == top or m.startswith(top + ".")}


@pytest.fixture(scope="module", autouse=True)
def _warm(session_cache: Path) -> None:
    env = {**os.environ, "HEROINFACTS_CACHE_DIR": str(session_cache)}
    for args in (["topics"], ["show", "heroin"]):
        subprocess.run([sys.executable, "-m", "heroinfacts", *args], env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip


WARM_PLAIN_AND_JSON = [
    ["topics"],
    ["topics", "--json"],
    ["show", "heroin", "--json"],
    ["show", "heroin", "--plain"],
    ["ask", "is heroin a depressant", "--json"],
    ["search", "gaba", "--json"],
    ["define", "gaba"],
    ["mix", "heroin", "xanax", "--json"],
    ["help-now", "--json"],
]


@pytest.mark.parametrize("args", WARM_PLAIN_AND_JSON, ids=" ".join)
def test_warm_plain_and_json_paths(args: list[str]) -> None:
    modules = _imported(args)
    assert "heroinfacts.views" in modules  # the run did its work
    assert not _family(modules, "yaml"), "PyYAML imported with a fresh cache"
    assert not _family(modules, "rich"), "rich imported for plain or JSON output"
    assert not _family(modules, "typer"), "the fast path was not taken"
    assert "heroinfacts.schema" not in modules
    # records.py stands in for dataclasses on this path (~12 ms); calendar pulls in locale
    for slow in ("dataclasses", "inspect", "calendar"):
        assert slow not in modules, f"{slow} imported on a warm lookup"


@pytest.mark.parametrize(
    "args",
    [["show", "heroin"], ["ask", "is heroin a depressant"], ["mix", "heroin", "xanax"], ["-V"]],
    ids=" ".join,
)
def test_stored_output_needs_neither_rich_nor_sqlite(args: list[str]) -> None:
    env = {"FORCE_COLOR": "1", "COLUMNS": "80"}
    first = _imported(args, env)  # renders and stores it (in this environment)
    modules = _imported(args, env)
    assert "heroinfacts.pages" in modules
    assert "rich" in first or "sqlite3" in first
    for top in ("yaml", "rich", "typer", "sqlite3", "typing", "re"):
        assert not _family(modules, top), f"{top} imported to print a stored output"


def test_rendering_on_a_terminal_never_imports_rich_markdown(tmp_path: Path) -> None:
    env = {"FORCE_COLOR": "1", "COLUMNS": "61", "HEROINFACTS_CACHE_DIR": str(tmp_path / "c")}
    first = _imported(["show", "heroin"], env)  # builds the cache, renders the page
    assert "rich.console" in first
    assert "rich.markdown" not in first


def test_cold_paths_import_yaml_only_to_build_and_never_rich_for_json(tmp_path: Path) -> None:
    from pack_support import GOOD_PACK

    from heroinfacts.cache import open_prebuilt
    from heroinfacts.sources import shipped

    modules = _imported(["show", "heroin", "--json"], {"HEROINFACTS_CACHE_DIR": str(tmp_path)})
    assert not _family(modules, "rich")
    # A wheel copies the data compiled with the package; a source checkout builds it.
    assert ("yaml" in modules) == (open_prebuilt([shipped()]) is None)
    pack = tmp_path / "pack.yaml"
    pack.write_text(GOOD_PACK)
    args = ["show", "heroin", "--json", "--pack", str(pack)]
    modules = _imported(args, {"HEROINFACTS_CACHE_DIR": str(tmp_path / "with-pack")})
    assert "yaml" in modules  # a pack is always built
    assert not _family(modules, "rich")


def test_cache_directory_without_platformdirs(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the shortcut is for Linux")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "HEROINFACTS_CACHE_DIR": ""}
    modules = _imported(["topics"], env)
    assert (tmp_path / "xdg" / "heroinfacts").is_dir()
    assert not _family(modules, "platformdirs")


@pytest.mark.parametrize(
    "env",
    [
        {"XDG_CACHE_HOME": "/x/cache", "XDG_CONFIG_HOME": "/x/config", "HOME": "/home/u"},
        {"HOME": "/home/u"},
        {"HOME": "/home/u/", "XDG_CACHE_HOME": "", "XDG_CONFIG_HOME": "  "},
        {"HOME": "/", "XDG_CACHE_HOME": "/a//b/"},
        {"HOME": "/home/u", "XDG_CACHE_HOME": "relative/dir", "XDG_CONFIG_HOME": "rel"},
        {"HOME": "relative", "XDG_CACHE_HOME": "/abs/c"},
    ],
)
def test_user_dirs_agree_with_platformdirs(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert sources.user_dir("cache") == platformdirs.user_cache_dir("heroinfacts")
    assert sources.user_dir("config") == platformdirs.user_config_dir("heroinfacts")


@pytest.mark.parametrize(
    "path", ["", ".", "/", "//", "///x", "a//b/", "./a/./b/.", "/tmp/x/../y", "//host/share"]
)
def test_path_str_is_str_of_path(path: str) -> None:
    from pathlib import Path as P

    assert sources.path_str(path) == str(P(path))


def test_sha256_is_hashlib_sha256() -> None:
    import hashlib

    data = b"heroinfacts" * 1000
    assert sources.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
