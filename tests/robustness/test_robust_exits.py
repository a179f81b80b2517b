"""Exit 70 only for real bugs (issue 11): what a user's system or command line can do to the tool
gets a documented exit code and one clear line on stderr, never a traceback and never 70.

An undecodable ``--title``, a 300-character ``-o`` name, a cache directory 3,000 levels deep,
``--help`` and usage errors with stdout or stderr on a full disk, a Python without ``_sqlite3``,
a Python older than 3.10, a full disk under a handout, the zipapp builder's failures, and
``handout --force`` onto a file with its own mode or onto a symbolic link. Pythons without a
module are simulated with a module of that name on PYTHONPATH that fails to import (as the real
absence does), an old Python with a ``sitecustomize`` that sets ``sys.version_info``.
"""

from __future__ import annotations

import ast
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from robust_support import Result, Runner, Spec, base_env, mount_namespace


def _one_line(res: Result, says: str) -> None:
    """stderr is exactly one line, and it says ``says``."""
    assert res.err.count("\n") == 1 and res.err.endswith("\n"), res.describe()
    assert says in res.err, res.describe()
    assert "internal error" not in res.err, res.describe()


@pytest.fixture(scope="module")
def namespace() -> list[str]:
    prefix = mount_namespace()
    if prefix is None:
        pytest.fail(
            "cannot mount a small tmpfs here: neither `unshare -m` nor `unshare -rm` can mount "
            "(util-linux unshare and mount privileges are needed)",
            pytrace=False,
        )
    return prefix


def _on_full_disk(prefix: list[str], where: Path, listing: Path, before: str = "") -> list[str]:
    """A ``Spec.wrap`` that mounts a 64 KiB tmpfs on ``where``, runs ``before`` there, fills it
    up, runs the command, then writes what is left in ``where`` to ``listing``."""
    w, out = shlex.quote(str(where)), shlex.quote(str(listing))
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {w} && cd {w} && {before or 'true'} && "
        "{ dd if=/dev/zero of=fill bs=4096 2>/dev/null || true; } && cd / && "
        f'"$0" "$@"; rc=$?; ls -A {w} > {out}; exit $rc'
    )
    return [*prefix, "sh", "-c", script]


# --- 1. a --title that is not UTF-8 ------------------------------------------------------------


def test_an_undecodable_title_is_a_usage_error(hf: Runner, tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    # "caf\udce9" reaches the tool as the bytes caf\xe9 (Latin-1 é), as a shell would pass them
    for title in ["caf\udce9", "\udcff\udcfe"]:
        res = hf.check(hf.run("handout", "heroin", "-t", title, "-o", str(out)), codes=2)
        _one_line(res, "--title is not UTF-8")
        assert not out.exists()
    res = hf.check(hf.run("handout", "heroin", "-t", "caf\udce9", "-o", str(out), "--json"))
    assert res.code == 2 and res.json()["error"]["type"] == "usage"  # type: ignore[index]


# --- 2. a file name longer than the system allows --------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_a_300_character_file_name(hf: Runner, tmp_path: Path, force: bool) -> None:
    name = str(tmp_path / ("a" * 295 + ".html"))
    args = ["handout", "heroin", "-o", name] + (["--force"] if force else [])
    res = hf.check(hf.run(*args), codes=2)
    _one_line(res, "File name too long")
    assert len(res.err) < 300, res.describe()  # the name is cut short, not echoed whole


def test_a_250_character_file_name_is_written(hf: Runner, tmp_path: Path) -> None:
    """Within the system's 255: its temporary file must not need a longer name."""
    out = tmp_path / ("c" * 245 + ".html")
    hf.check(hf.run("handout", "heroin", "-o", str(out)), codes=0)
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_name_under_a_file(hf: Runner, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    res = hf.check(hf.run("handout", "heroin", "-o", str(tmp_path / "file" / "h.html")), codes=2)
    _one_line(res, "Not a directory")


# --- 3. a cache directory 3,000 levels deep --------------------------------------------------


def test_a_cache_directory_3000_levels_deep(hf: Runner, tmp_path: Path) -> None:
    deep = str(tmp_path / "deep") + "/a" * 3000
    commands = [["show", "heroin", "--json"], ["topics"], ["help-now"], ["ask", "i took too much"]]
    expected = hf.many([Spec(argv) for argv in commands])
    got = hf.many([Spec(argv, env={"HEROINFACTS_CACHE_DIR": deep}) for argv in commands])
    for want, res in zip(expected, got, strict=True):
        hf.check(res, codes=want.code)
        hf.same(want, res)  # the same answer, built in memory
        _one_line(res, "cannot use the cache directory")
        assert "File name too long" in res.err and "HEROINFACTS_CACHE_DIR" in res.err
    assert not (tmp_path / "deep").exists()  # nothing half made


# --- 4. --help and usage errors with stdout or stderr on a full disk -------------------------

FULL = {
    "stdout": 'exec "$0" "$@" >/dev/full',
    "stderr": 'exec "$0" "$@" 2>/dev/full',
    "both": 'exec "$0" "$@" >/dev/full 2>/dev/full',
}
HELP_AND_USAGE = {
    "help": ["--help"],
    "help-of-a-command": ["show", "--help"],
    "help-word": ["help", "mix"],
    "missing-argument": ["show"],
    "unknown-option": ["show", "heroin", "--bogus"],
    "bad-value": ["topics", "--width", "abc"],
    "blank-name": ["show", ""],  # found by the command itself, not by the parser
}


@pytest.mark.parametrize("which", FULL)
@pytest.mark.parametrize("case", HELP_AND_USAGE)
def test_help_and_usage_errors_on_a_full_disk(hf: Runner, which: str, case: str) -> None:
    """The documented code for output that cannot be written (1) when what failed to be written
    is what the run had to say: the help (stdout) or the usage message (stderr). A usage error
    whose message still reaches stderr stays 2, and help with only stderr full is 0."""
    argv = HELP_AND_USAGE[case]
    helps = case.startswith("help")
    lost = which == "both" or (which == "stdout") == helps
    code = 1 if lost else (0 if helps else 2)
    res = hf.check(hf.run(*argv, wrap=("sh", "-c", FULL[which])), codes=code)
    if which == "stdout" and helps:
        assert res.err == "heroinfacts: cannot write the output: No space left on device.\n", (
            res.describe()
        )


@pytest.mark.parametrize("argv", [["show", "heroinn"], ["mix", "heroin", "nosuchdrug"]])
def test_a_message_lost_on_a_full_stderr_is_not_stored(fresh: Runner, argv: list[str]) -> None:
    """The output of a lookup is stored for a repeat; one whose message was lost (stderr on
    /dev/full) must not be, or every later run would print nothing."""
    lost = fresh.check(fresh.run(*argv, wrap=("sh", "-c", FULL["stderr"])), codes=1)
    assert lost.err == ""
    again = fresh.check(fresh.run(*argv), codes=1)
    assert "heroinfacts: no " in again.err, again.describe()


# --- 5. a Python without _sqlite3 -----------------------------------------------------------


def _shadow(tmp_path: Path, modules: dict[str, str]) -> str:
    """A directory to put first on PYTHONPATH, holding ``modules`` (name: source)."""
    shadow = tmp_path / "shadow"
    shadow.mkdir(exist_ok=True)
    for name, source in modules.items():
        (shadow / f"{name}.py").write_text(source, encoding="utf-8")
    return str(shadow)


NO_SQLITE = 'raise ModuleNotFoundError("No module named \'_sqlite3\'", name="_sqlite3")\n'


def test_a_python_without_sqlite(fresh: Runner, tmp_path: Path) -> None:
    """What Python says when it was built without SQLite, from ``import sqlite3``: the lookups
    say what to install and exit 2; what needs no SQLite still works."""
    env = {"PYTHONPATH": _shadow(tmp_path, {"sqlite3": NO_SQLITE})}
    lookups = [["show", "heroin"], ["topics"], ["help-now"], ["ask", "is heroin a depressant"]]
    for res in fresh.many([Spec(argv, env=env) for argv in [*lookups, ["show", "x", "--json"]]]):
        fresh.check(res, codes=2)
        _one_line(res, "this Python has no sqlite3 module")
        assert "libsqlite3-dev" in res.err
    for argv in (["--version"], ["--help"], ["validate"]):
        fresh.check(fresh.run(*argv, env=env), codes=0)


# --- 6. a Python older than 3.10 ------------------------------------------------------------

OLD = "import sys\nsys.version_info = (3, 8, 18, 'final', 0)\n"
SRC = Path(__file__).resolve().parents[2] / "src" / "heroinfacts"


@pytest.mark.parametrize("how", ["script", "module", "zipapp-builder"])
def test_an_old_python_is_told_and_exits_2(hf: Runner, tmp_path: Path, how: str) -> None:
    env = {"PYTHONPATH": _shadow(tmp_path, {"sitecustomize": OLD})}
    if how == "script":
        res = hf.run("show", "heroin", env=env)
    else:
        module = "heroinfacts" if how == "module" else "heroinfacts.zipapp"
        wrap = ("sh", "-c", f'exec "{sys.executable}" -m {module} show heroin', "-")
        res = hf.run(env=env, wrap=wrap)  # the script is $1, not used
    hf.check(res, codes=2)
    _one_line(res, "heroinfacts: needs Python 3.10 or newer; this is Python 3.8.")


def test_an_old_python_importing_the_library_gets_an_import_error(tmp_path: Path) -> None:
    env = {**base_env(tmp_path, tmp_path / "cache")}
    env["PYTHONPATH"] = _shadow(tmp_path, {"sitecustomize": OLD})
    code = "try:\n import heroinfacts\nexcept ImportError as e:\n print(e)\n raise SystemExit(5)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 5, done
    assert "needs Python 3.10 or newer; this is Python 3.8" in done.stdout


def test_the_single_file_archive_tells_an_old_python_too(tmp_path: Path) -> None:
    """The archive's ``__main__`` checks before it imports heroinfacts (whatever its name)."""
    env = {**base_env(tmp_path, tmp_path / "cache")}
    code = (
        "import sys\nfrom heroinfacts.zipapp import MAIN\n"
        "sys.version_info = (3, 9, 0, 'final', 0)\nsys.argv = ['hf.pyz']\nexec(MAIN)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done
    assert done.stderr.startswith("heroinfacts: needs Python 3.10 or newer; this is Python 3.9.")
    assert "Traceback" not in done.stderr


def _installed(name: str) -> Path:
    """A module of the heroinfacts that the tests run (installed), else of this checkout."""
    code = f"import heroinfacts.{name} as m; print(m.__file__)" if name else ""
    code = code or "import heroinfacts as m; print(m.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return Path(done.stdout.strip())


def test_what_runs_before_the_version_check_compiles_on_python_3_6() -> None:
    """Every way in imports the package first: its ``__init__`` must compile on Python 3.6,
    with no ``__future__`` feature newer than 3.6, and check the version before it imports
    anything of the package (``_version`` and the rest may use anything 3.10 has)."""
    import __future__

    path = _installed("")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 6))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                since = getattr(__future__, alias.name).optional
                assert since[:2] <= (3, 6), f"{path}: from __future__ import {alias.name}"
    body = [n for n in tree.body if not isinstance(n, ast.Expr)]  # the docstring
    first_if = next(i for i, n in enumerate(body) if isinstance(n, ast.If))
    assert "sys.version_info" in ast.unparse(body[first_if].test)
    before = body[:first_if]
    assert all(isinstance(n, (ast.Import, ast.Assign, ast.AnnAssign)) for n in before), [
        ast.unparse(n) for n in before
    ]
    assert {a.name for n in before if isinstance(n, ast.Import) for a in n.names} <= {"os", "sys"}


# --- 7. a full disk under a handout ----------------------------------------------------------


@pytest.mark.parametrize("existing", [False, True])
def test_a_full_disk_while_writing_a_handout(
    hf: Runner, tmp_path: Path, namespace: list[str], existing: bool
) -> None:
    """Exit 1 as the README says for output that cannot be written, no partial file left; an
    existing file given with --force stays as it was."""
    where, listing = tmp_path / "usb", tmp_path / "left.txt"
    where.mkdir()
    before = "echo old > h.html" if existing else ""
    args = ["handout", "heroin", "overdose", "-o", str(where / "h.html")]
    args += ["--force"] if existing else []
    res = hf.run(*args, wrap=_on_full_disk(namespace, where, listing, before))
    hf.check(res, codes=1)
    _one_line(res, "No space left on device")
    left = listing.read_text().split()
    assert left == (["fill", "h.html"] if existing else ["fill"]), left
    res = hf.run(*args, "--json", wrap=_on_full_disk(namespace, where, listing, before))
    error = hf.check(res, codes=1).json()["error"]  # type: ignore[index]
    assert error["type"] == "cannot-write" and error["code"] == 1, res.describe()


# --- 8. the zipapp builder -------------------------------------------------------------------


def _builder(
    hf: Runner, *args: str, env: dict[str, str] | None = None, wrap: tuple[str, ...] = ()
) -> Result:
    """``python -m heroinfacts.zipapp ARGS`` with the Python beside the installed script."""
    spec = Spec(
        args,
        env=env or {},
        wrap=(*wrap, "sh", "-c", f'exec "{sys.executable}" -m heroinfacts.zipapp "$@"'),
        timeout=180,
    )
    return hf.many([spec])[0]


def test_the_builder_refuses_to_overwrite_without_force(hf: Runner, tmp_path: Path) -> None:
    out = tmp_path / "hf.pyz"
    out.write_bytes(b"keep me")
    res = hf.check(_builder(hf, "-o", str(out)), codes=2)
    _one_line(res, "already exists; add --force to replace it")
    assert out.read_bytes() == b"keep me"


@pytest.mark.parametrize("kind", ["directory", "fifo", "symlink", "under-a-file", "too-long"])
def test_the_builder_on_a_bad_output_path(hf: Runner, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "real.pyz"
    target.write_bytes(b"keep me")
    out = tmp_path / "out.pyz"
    if kind == "directory":
        out.mkdir()
    elif kind == "fifo":
        os.mkfifo(out)
    elif kind == "symlink":
        out.symlink_to(target)
    elif kind == "under-a-file":
        out = target / "hf.pyz"
    else:
        out = tmp_path / ("b" * 300 + ".pyz")
    for extra in ([], ["--force"]):
        res = hf.check(_builder(hf, "-o", str(out), *extra), codes=2)
        assert res.err.count("\n") == 1 and res.err.startswith("heroinfacts.zipapp: ")
    assert target.read_bytes() == b"keep me"
    if kind == "fifo":
        assert stat.S_ISFIFO(out.lstat().st_mode)
    if kind == "symlink":
        assert out.is_symlink()


def test_the_builder_without_its_data_file(hf: Runner, tmp_path: Path) -> None:
    """A copy of the installed package without data/facts.yaml, first on PYTHONPATH."""
    import shutil

    copy = tmp_path / "site" / "heroinfacts"
    shutil.copytree(
        _installed("").parent, copy, ignore=shutil.ignore_patterns("__pycache__", "data")
    )
    out = tmp_path / "hf.pyz"
    res = hf.check(_builder(hf, "-o", str(out), env={"PYTHONPATH": str(copy.parent)}), codes=3)
    _one_line(res, "the shipped data is missing")
    assert not out.exists()


def test_the_builder_on_a_full_disk(hf: Runner, tmp_path: Path, namespace: list[str]) -> None:
    where, listing = tmp_path / "usb", tmp_path / "left.txt"
    where.mkdir()
    wrap = tuple(_on_full_disk(namespace, where, listing))
    res = hf.check(_builder(hf, "-o", str(where / "hf.pyz"), wrap=wrap), codes=1)
    _one_line(res, "No space left on device")
    assert listing.read_text().split() == ["fill"]


def test_the_builder_with_stdout_on_a_full_disk(hf: Runner, tmp_path: Path) -> None:
    out = tmp_path / "hf.pyz"
    res = hf.check(_builder(hf, "-o", str(out), wrap=("sh", "-c", 'exec "$@" >/dev/full', "-")))
    assert res.code == 1 and "cannot write the output: No space left on device" in res.err
    assert out.is_file()  # built; only the report was lost


# --- 9. handout --force: the file's mode, and symbolic links -----------------------------------


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o755])
def test_force_keeps_the_mode_of_the_file_it_replaces(
    hf: Runner, tmp_path: Path, mode: int
) -> None:
    out = tmp_path / "h.txt"
    out.write_text("old")
    out.chmod(mode)
    hf.check(hf.run("handout", "heroin", "-o", str(out), "--force"), codes=0)
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert out.read_text() != "old"


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlink_is_refused_not_followed_or_replaced(
    hf: Runner, tmp_path: Path, force: bool, dangling: bool
) -> None:
    target = tmp_path / "notes.txt"
    if not dangling:
        target.write_text("my notes")
    link = tmp_path / "h.txt"
    link.symlink_to(target)
    args = ["handout", "heroin", "-o", str(link)] + (["--force"] if force else [])
    res = hf.check(hf.run(*args), codes=2)
    _one_line(res, "is a symbolic link")
    assert link.is_symlink() and os.readlink(link) == str(target)
    if dangling:
        assert not target.exists()
    else:
        assert target.read_text() == "my notes"


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_force_onto_something_that_is_not_a_file(hf: Runner, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "h.html"
    os.mkfifo(out) if kind == "fifo" else out.mkdir()
    res = hf.check(hf.run("handout", "heroin", "-o", str(out), "--force", timeout=30), codes=2)
    _one_line(res, "is a directory" if kind == "directory" else "not a regular file")
    assert stat.S_ISFIFO(out.lstat().st_mode) if kind == "fifo" else out.is_dir()


# --- 10. Python 3.10 without tomli: a config is a notice for every command -------------------

EVERY_COMMAND = [
    ["help-now"],
    ["topics"],
    ["show", "overdose"],
    ["symptoms", "depression"],
    ["define", "gaba"],
    ["mix", "heroin", "xanax"],
    ["search", "benzos"],
    ["ask", "is heroin a depressant"],
    ["refs"],
    ["about"],
    ["verify"],
    ["--version"],
    ["cant", "wake", "her"],
]


def test_without_a_toml_reader_no_command_exits_2(fresh: Runner, tmp_path: Path) -> None:
    no_toml = {
        name: f'raise ModuleNotFoundError("No module named \'{name}\'", name="{name}")\n'
        for name in ("tomllib", "tomli")
    }
    config = tmp_path / "config.toml"
    config.write_text('packs = ["ours.yaml"]\n', encoding="utf-8")
    env = {"HEROINFACTS_CONFIG": str(config), "PYTHONPATH": _shadow(tmp_path, no_toml)}
    argvs = [*EVERY_COMMAND, ["handout", "overdose", "-o", str(tmp_path / "h.txt")]]
    for argv, res in zip(argvs, fresh.many([Spec(a, env=env) for a in argvs]), strict=True):
        fresh.check(res, codes=0)
        assert "needs Python 3.11 or the tomli package" in res.err, res.describe()
        if argv[0] in ("help-now", "show", "cant"):
            assert "911" in res.out or "988" in res.out, res.describe()
    for argv in (["--help"], ["show", "--help"]):
        fresh.check(fresh.run(*argv, env=env), codes=0)
