"""HOME and the cache directory: unset, read-only, not a directory, holding a cache it cannot
replace. The tool answers exactly as with a good cache (built in memory when it cannot write).

The tests run as root, who ignores mode bits, so "read-only" here is a read-only mount in a
private mount namespace (``unshare -m``, or ``unshare -rm`` for a user without the right). If
neither works the tests fail and say so: they are never skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

import pytest
from robust_support import Result, Runner, Spec, in_namespace, mount_namespace

from heroinfacts.cache import open_prebuilt
from heroinfacts.sources import shipped

#: What ``about`` says of the cache when the cache directory cannot be written: a wheel reads
#: the data compiled with the package in place; a source checkout builds it in memory.
UNWRITABLE = (
    "(compiled with the package)" if open_prebuilt([shipped()]) is not None else "not writable"
)

#: Commands whose answers are compared with those from a good, writable cache.
ANSWERS = {
    "show": (["show", "heroin"], {}),
    "show-json": (["show", "heroin", "--json"], {}),
    "show-terminal": (["show", "heroin"], {"FORCE_COLOR": "1"}),  # the page cache too
    "search": (["search", "benzos", "--json"], {}),
    "ask": (["ask", "is smack a downer", "--json"], {}),
    "mix": (["mix", "heroin", "xanax", "--json"], {}),
}


@pytest.fixture(scope="module")
def namespace() -> list[str]:
    prefix = mount_namespace()
    if prefix is None:
        pytest.fail(
            "cannot make a read-only directory for root here: neither `unshare -m` nor "
            "`unshare -rm` can mount (util-linux unshare and mount privileges are needed)",
            pytrace=False,
        )
    return prefix


@pytest.fixture(scope="module")
def expected(hf_module: Runner) -> dict[str, Result]:
    specs = [Spec(argv, env=env) for argv, env in ANSWERS.values()]
    return dict(zip(ANSWERS, hf_module.many(specs), strict=True))


@pytest.fixture(scope="module")
def hf_module(script: str, robust_home: Path, warm_cache: Path) -> Runner:
    from robust_support import base_env

    return Runner(script, base_env(robust_home, warm_cache), "filesystem", robust_home)


def _answers(
    fresh: Runner, expected: dict[str, Result], env: dict[str, str | None], wrap: list[str]
) -> list[Result]:
    specs = [Spec(argv, env={**extra, **env}, wrap=wrap) for argv, extra in ANSWERS.values()]
    results = fresh.many(specs, parallel=3)
    for name, spec, res in zip(ANSWERS, specs, results, strict=True):
        fresh.check(res, codes=0, color="FORCE_COLOR" in spec.env)
        fresh.same(expected[name], res, f"answer of {name}")
    about = fresh.run("about", "--json", env=env, wrap=wrap)
    fresh.check(about, codes=0)
    return [*results, about]


def _account_cache() -> Path:
    """Where the cache goes with HOME unset: ``~/.cache`` of the account in the password
    database. An empty tmpfs is mounted there in the test's namespace, so the real one is never
    touched."""
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache"


def _overlay(tmp_path: Path) -> list[tuple[Path, Path]]:
    """Without a ``~/.cache`` to mount on, the home gets an overlay in which it is made (the
    real home is left as it is)."""
    if _account_cache().is_dir():
        return []
    scratch = tmp_path / "overlay"
    scratch.mkdir()
    return [(_account_cache().parent, scratch)]


def test_home_unset(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    """No HOME, no XDG_CACHE_HOME, no HEROINFACTS_CACHE_DIR: the account's home from the
    password database."""
    env: dict[str, str | None] = {"HOME": None, "HEROINFACTS_CACHE_DIR": None}
    wrap = in_namespace(namespace, overlay=_overlay(tmp_path), tmpfs=[_account_cache()])
    about = _answers(fresh, expected, env, wrap)[-1]
    where = about.json()["cache"]  # type: ignore[index]
    assert where.startswith(str(_account_cache() / "heroinfacts")), about.describe()


def test_home_unset_and_unwritable(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    env: dict[str, str | None] = {"HOME": None, "HEROINFACTS_CACHE_DIR": None}
    wrap = in_namespace(namespace, overlay=_overlay(tmp_path), tmpfs_readonly=[_account_cache()])
    about = _answers(fresh, expected, env, wrap)[-1]
    assert UNWRITABLE in about.json()["cache"], about.describe()  # type: ignore[index]


def test_home_empty_string(fresh: Runner, expected: dict[str, Result], tmp_path: Path) -> None:
    env: dict[str, str | None] = {"HOME": "", "HEROINFACTS_CACHE_DIR": None}
    wrap = ["sh", "-c", f'cd "{tmp_path}" && exec "$0" "$@"']
    _answers(fresh, expected, {**env, "XDG_CACHE_HOME": str(tmp_path / "xdg")}, wrap)


def test_home_read_only(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    home = tmp_path / "ro-home"
    home.mkdir()
    env: dict[str, str | None] = {"HOME": str(home), "HEROINFACTS_CACHE_DIR": None}
    about = _answers(fresh, expected, env, in_namespace(namespace, readonly=[home]))[-1]
    assert UNWRITABLE in about.json()["cache"], about.describe()  # type: ignore[index]
    assert not any(home.iterdir())


def test_cache_dir_read_only_and_empty(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    cache = tmp_path / "ro-cache"
    cache.mkdir()
    env: dict[str, str | None] = {"HEROINFACTS_CACHE_DIR": str(cache)}
    _answers(fresh, expected, env, in_namespace(namespace, readonly=[cache]))
    assert not any(cache.iterdir())


def test_cache_dir_read_only_with_a_good_cache(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    cache = tmp_path / "ro-warm"
    env: dict[str, str | None] = {"HEROINFACTS_CACHE_DIR": str(cache)}
    fresh.check(fresh.run("show", "heroin", env={**env, "FORCE_COLOR": "1"}), codes=0, color=True)
    about = _answers(fresh, expected, env, in_namespace(namespace, readonly=[cache]))[-1]
    assert about.json()["cache"].startswith(str(cache)), about.describe()  # type: ignore[index]


def test_cache_dir_read_only_with_a_damaged_cache(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    cache = tmp_path / "ro-damaged"
    env: dict[str, str | None] = {"HEROINFACTS_CACHE_DIR": str(cache)}
    fresh.check(fresh.run("topics", env=env), codes=0)
    for db in cache.glob("kb-*.sqlite"):
        data = db.read_bytes()
        db.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    _answers(fresh, expected, env, in_namespace(namespace, readonly=[cache]))


def test_cache_dir_is_a_file(fresh: Runner, expected: dict[str, Result], tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a directory\n")
    _answers(fresh, expected, {"HEROINFACTS_CACHE_DIR": str(target)}, [])
    _answers(fresh, expected, {"HEROINFACTS_CACHE_DIR": str(target / "below")}, [])
    assert target.read_text() == "not a directory\n"


def test_cache_file_is_a_directory(
    fresh: Runner, expected: dict[str, Result], tmp_path: Path
) -> None:
    """Every cache name taken by a directory: nothing can be written, nothing is damaged."""
    cache = tmp_path / "dirs"
    env: dict[str, str | None] = {"HEROINFACTS_CACHE_DIR": str(cache)}
    fresh.check(fresh.run("topics", env=env), codes=0)
    for db in cache.glob("kb-*.sqlite"):
        db.unlink()
        db.mkdir()
    (cache / "pages").mkdir(exist_ok=True)
    _answers(fresh, expected, env, [])
    shutil.rmtree(cache)


def test_cache_dir_relative_in_an_unwritable_place(
    fresh: Runner, expected: dict[str, Result], namespace: list[str], tmp_path: Path
) -> None:
    cwd = tmp_path / "ro-cwd"
    cwd.mkdir()
    env: dict[str, str | None] = {"HEROINFACTS_CACHE_DIR": "relative/cache"}
    wrap = in_namespace(namespace, readonly=[cwd])
    wrap[-1] = wrap[-1].replace('exec "$0"', f'cd "{cwd}" && exec "$0"')
    _answers(fresh, expected, env, wrap)
