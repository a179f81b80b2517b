"""The config file is read like a pack (issue 11): a FIFO, /dev/zero, a directory or a huge file
is refused with a message, never read; an unknown key is reported. A config that cannot be used
is a notice for a lookup, which answers from the shipped data with its help lines (no config can
hide a crisis line), and an error for `validate`; the same without a TOML reader, and for a
config that HEROINFACTS_CONFIG names but that does not exist (set it to the empty string for no
config). Packs named by the config or HEROINFACTS_PACKS that cannot be loaded are the same: a
notice, and every answer from the shipped data; help-now prints its lines whatever the packs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from pack_support import GOOD_PACK
from robust_support import Runner, Spec


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


LOOKUPS = [["help-now"], ["show", "overdose", "--json"], ["topics", "--quiet"]]


def _help_lines_shown(out: str, argv: Sequence[str]) -> bool:
    """help-now shows 911 and 988; ``show overdose`` shows 911 (``topics`` shows no lines)."""
    if argv[0] == "help-now":
        return "911" in out and "988" in out
    return argv[0] == "topics" or "911" in out


def test_a_named_config_that_does_not_exist_is_reported(hf: Runner, tmp_path: Path) -> None:
    """HEROINFACTS_CONFIG=/no/such/file is a notice (even with --quiet), not "no config";
    lookups answer from the shipped data; validate fails on it."""
    where = str(tmp_path / "no" / "such" / "config.toml")
    env = {"HEROINFACTS_CONFIG": where}
    for argv, res in zip(LOOKUPS, hf.many([Spec(a, env=env) for a in LOOKUPS]), strict=True):
        hf.check(res, codes=0)
        assert where in res.err and "does not exist" in res.err, res.describe()
        assert "HEROINFACTS_CONFIG to the empty string" in res.err, res.describe()
        assert _help_lines_shown(res.out, argv), res.describe()
    res = hf.check(hf.run("validate", env=env), codes=2)
    assert where in res.err and "does not exist" in res.err, res.describe()
    res = hf.check(hf.run("validate", "--json", env=env), codes=2)
    assert res.json()["error"]["type"] == "usage", res.describe()


def test_an_empty_config_variable_means_no_config(hf: Runner, tmp_path: Path) -> None:
    """HEROINFACTS_CONFIG set to the empty string is how a script says "no config": not even the
    config file in the user config directory is read (here a broken one), and nothing is said."""
    xdg = tmp_path / "xdg"
    (xdg / "heroinfacts").mkdir(parents=True)
    (xdg / "heroinfacts" / "config.toml").write_text('pack = ["x.yaml"]\n', encoding="utf-8")
    env = {"HEROINFACTS_CONFIG": "", "XDG_CONFIG_HOME": str(xdg)}
    specs = [Spec(a, env=env) for a in [*LOOKUPS, ["validate"], ["about", "--json"]]]
    results = hf.many(specs)
    for spec, res in zip(specs, results, strict=True):
        hf.check(res, codes=0)
        assert "config" not in res.err and "note" not in res.err, res.describe()
        if spec.args[0] in ("help-now", "show"):
            assert _help_lines_shown(res.out, spec.args), res.describe()
    about = results[-1].json()
    assert about["config"] == "none (HEROINFACTS_CONFIG is empty)" and about["packs_from"] == "none"
    # the control: the same broken file read as the user config when the variable is unset
    unset = {"HEROINFACTS_CONFIG": None, "XDG_CONFIG_HOME": str(xdg)}
    res = hf.check(hf.run("validate", env=unset), codes=2)
    assert "unknown key 'pack'" in res.err, res.describe()


def _unusable_packs(tmp_path: Path) -> dict[str, str]:
    """Packs that cannot be loaded, by kind: missing, a directory, unreadable YAML."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("topics: [\n", encoding="utf-8")
    (tmp_path / "a-directory.yaml").mkdir()
    return {
        "missing": str(tmp_path / "gone" / "pack.yaml"),
        "directory": str(tmp_path / "a-directory.yaml"),
        "invalid": str(broken),
    }


@pytest.mark.parametrize("origin", ["config", "environment"])
@pytest.mark.parametrize("kind", ["missing", "directory", "invalid"])
def test_a_pack_that_cannot_be_loaded_never_hides_the_help_lines(
    hf: Runner, tmp_path: Path, origin: str, kind: str
) -> None:
    """A pack named by the config (or HEROINFACTS_PACKS) that is missing or cannot be read: a
    notice naming it (even with --quiet), then every lookup answers from the shipped data, help
    lines and all. The good pack named beside it is not loaded either (all or none: packs may
    build on each other). Only validate fails."""
    bad = _unusable_packs(tmp_path)[kind]
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_PACK, encoding="utf-8")
    if origin == "config":
        config = tmp_path / "config.toml"
        config.write_text(f"packs = [{str(good)!r}, {bad!r}]\n", encoding="utf-8")
        env = {"HEROINFACTS_CONFIG": str(config)}
        named_by = str(config)
    else:
        env = {"HEROINFACTS_PACKS": os.pathsep.join([str(good), bad])}
        named_by = "HEROINFACTS_PACKS"
    argvs = [*LOOKUPS, ["topics"]]
    results = hf.many([Spec(a, env=env) for a in argvs])
    for argv, res in zip(argvs, results, strict=True):
        hf.check(res, codes=0)
        assert f"the packs named by {named_by} cannot all be loaded" in res.err, res.describe()
        assert bad in res.err and "shipped data" in res.err, res.describe()
        assert _help_lines_shown(res.out, argv), res.describe()
    assert "overdose\t" in results[-1].out and "local-slang" not in results[-1].out
    res = hf.check(hf.run("validate", env=env), codes=3)
    assert bad in res.err, res.describe()


@pytest.mark.parametrize("kind", ["missing", "directory", "invalid"])
def test_help_now_prints_its_lines_whatever_the_packs(
    hf: Runner, tmp_path: Path, kind: str
) -> None:
    """An explicit --pack that cannot be loaded stays an error (exit 3, the problem on stderr),
    but help-now prints the crisis lines from the shipped data all the same, as text and as one
    JSON document; another lookup prints nothing on stdout."""
    bad = _unusable_packs(tmp_path)[kind]
    specs = [
        Spec(["help-now", "--pack", bad]),
        Spec(["help-now", "--pack", bad, "--json"]),
        Spec(["show", "overdose", "--pack", bad]),
    ]
    text, doc, other = hf.many(specs)
    hf.check(text, codes=3)
    assert "988" in text.out and "911" in text.out and bad in text.err, text.describe()
    hf.check(doc, codes=3)
    contacts = {c["value"] for r in doc.json()["resources"] for c in r["contacts"]}
    assert {"988", "911"} <= contacts, doc.describe()
    hf.check(other, codes=3)
    assert other.out == "" and bad in other.err, other.describe()


def test_verify_is_not_stopped_by_a_missing_pack_out_of_sight(hf: Runner, tmp_path: Path) -> None:
    """`verify` checks the shipped data (and the cache the lookups would use: the shipped data's
    alone when a pack named by HEROINFACTS_PACKS cannot be loaded); it does not call the missing
    pack "the shipped data"."""
    env = {"HEROINFACTS_PACKS": str(tmp_path / "gone.yaml")}
    for res in hf.many([Spec(["verify"], env=env), Spec(["verify", "--json"], env=env)]):
        hf.check(res, codes=0)
        assert "cannot read the shipped data" not in res.err, res.describe()
    assert res.json()["ok"] is True and res.json()["cache"]["ok"] is True, res.describe()
