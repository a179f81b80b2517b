"""The config file is read like a pack (issue 11): a FIFO, /dev/zero, a directory or a huge file
is refused with a message, never read; an unknown key is reported. A config that cannot be used
is a notice for a lookup, which answers from the shipped data with its help lines (no config can
hide a crisis line), and an error for `validate`; the same without a TOML reader. (A named
config that does not exist still means "no config": scripts and the test harnesses use it.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from robust_support import Runner


def _config(tmp_path: Path, kind: str) -> tuple[str, str]:
    """(the config path, what the message says) for each kind of bad config."""
    path = tmp_path / "config.toml"
    if kind == "fifo":
        os.mkfifo(path)
        return str(path), "not a regular file"
    if kind == "dev-zero":
        return "/dev/zero", "not a regular file"
    if kind == "directory":
        path.mkdir()
        return str(path), "is a directory"
    if kind == "huge":
        path.write_bytes(b"packs = []\n" + b"# comment\n" * 300_000)
        return str(path), "larger than"
    if kind == "unknown-key":
        path.write_text('pack = ["ours.yaml"]\n', encoding="utf-8")
        return str(path), "unknown key 'pack' in the config file (did you mean 'packs'?)"
    raise AssertionError(kind)


KINDS = ["fifo", "dev-zero", "directory", "huge", "unknown-key"]


@pytest.mark.parametrize("kind", KINDS)
def test_validate_refuses_a_bad_config_with_a_message(
    hf: Runner, tmp_path: Path, kind: str
) -> None:
    where, says = _config(tmp_path, kind)
    res = hf.check(hf.run("validate", env={"HEROINFACTS_CONFIG": where}, timeout=20), codes=2)
    assert where in res.err and says in res.err, res.describe()
    assert res.seconds < 15


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "argv", [["help-now"], ["show", "overdose", "--json"], ["topics", "--quiet"]]
)
def test_a_bad_config_never_hides_the_help_lines(
    hf: Runner, tmp_path: Path, kind: str, argv: list[str]
) -> None:
    """A lookup says the config is not used (even with --quiet) and answers from the shipped
    data: no config can hide a crisis line."""
    where, says = _config(tmp_path, kind)
    res = hf.check(hf.run(*argv, env={"HEROINFACTS_CONFIG": where}, timeout=20), codes=0)
    assert where in res.err and says in res.err and "is not used" in res.err, res.describe()
    if argv[0] != "topics":
        assert "911" in res.out, res.describe()
    assert res.seconds < 15


def test_without_a_toml_reader_the_help_lines_still_show(hf: Runner, tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    for name in ("tomllib", "tomli"):
        (shadow / f"{name}.py").write_text(
            f'raise ModuleNotFoundError("no module named {name}", name="{name}")\n',
            encoding="utf-8",
        )
    config = tmp_path / "config.toml"
    config.write_text('packs = ["ours.yaml"]\n', encoding="utf-8")
    env = {"HEROINFACTS_CONFIG": str(config), "PYTHONPATH": str(shadow)}
    res = hf.check(hf.run("help-now", env=env), codes=0)
    assert "988" in res.out
    assert "needs Python 3.11 or the tomli package" in res.err
    assert res.err.count("tomli") == 1
