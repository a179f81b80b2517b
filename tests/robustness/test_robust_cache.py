"""The compiled cache (and the page cache): damaged files, a cache from another version, ten
processes building at once, and packs changed behind its back. Never a crash, never a stale or
wrong answer: every answer is compared with one from a fresh, empty cache directory."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pack_support import sample_pack
from robust_support import Result, Runner, Spec

QUERIES = {
    "show": (["show", "heroin", "--json"], {}),
    "show-terminal": (["show", "heroin"], {"FORCE_COLOR": "1"}),
    "search": (["search", "benzos", "--json"], {}),
    "ask": (["ask", "is smack a downer", "--json"], {}),
    "mix": (["mix", "heroin", "xanax", "--json"], {}),
}


@pytest.fixture(scope="module")
def reference(script: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Every answer from a fresh cache directory (built once per query)."""
    from robust_support import base_env

    home = tmp_path_factory.mktemp("cache-ref")
    runner = Runner(script, base_env(home, home / "cache"), "cache", home)
    specs = [Spec(argv, env=env) for argv, env in QUERIES.values()]
    results = runner.many(specs, parallel=1)
    for res in results:
        runner.check(res, codes=0, color=True)
    return dict(zip(QUERIES, results, strict=True))


@pytest.fixture(scope="module")
def good_cache(script: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory as the tool leaves it: the compiled data and a stored page."""
    from robust_support import base_env

    home = tmp_path_factory.mktemp("cache-good")
    cache = home / "cache"
    runner = Runner(script, base_env(home, cache), "cache", home)
    runner.check(runner.run("topics"), codes=0)
    runner.check(runner.run("show", "heroin", env={"FORCE_COLOR": "1"}), codes=0, color=True)
    assert len(list(cache.glob("kb-*.sqlite"))) == 1
    return cache


def _ask_all(hf: Runner, reference: dict[str, Result], cache: Path) -> None:
    env = {"HEROINFACTS_CACHE_DIR": str(cache)}
    names = list(QUERIES)
    # one at a time: each may find the damage, drop the cache and rebuild it
    for name in names:
        argv, extra = QUERIES[name]
        res = hf.run(*argv, env={**env, **extra})
        hf.check(res, codes=0, color="FORCE_COLOR" in extra)
        hf.same(reference[name], res, f"answer of {name}")


def _db(cache: Path) -> Path:
    return next(cache.glob("kb-*.sqlite"))


def _sql(statement: str) -> Callable[[Path], None]:
    def run(cache: Path) -> None:
        conn = sqlite3.connect(_db(cache))
        try:
            conn.executescript(statement)
            conn.commit()
        finally:
            conn.close()

    return run


def _truncate(size: int | None) -> Callable[[Path], None]:
    def run(cache: Path) -> None:
        db = _db(cache)
        with db.open("r+b") as fh:
            fh.truncate(db.stat().st_size // 2 if size is None else size)

    return run


def _overwrite(start: int, data: Callable[[int], bytes]) -> Callable[[Path], None]:
    def run(cache: Path) -> None:
        db = _db(cache)
        raw = db.read_bytes()
        db.write_bytes(raw[:start] + data(len(raw) - start))

    return run


def _append(cache: Path) -> None:
    with _db(cache).open("ab") as fh:
        fh.write(b"\0" * 5000)


def _directory(cache: Path) -> None:
    db = _db(cache)
    db.unlink()
    db.mkdir()


def _symlink_to_null(cache: Path) -> None:
    db = _db(cache)
    db.unlink()
    db.symlink_to("/dev/null")


def _pages(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def run(cache: Path) -> None:
        for page in (cache / "pages").glob("*.txt"):
            page.write_bytes(change(page.read_bytes()))

    return run


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated-empty": _truncate(0),
    "truncated-header": _truncate(50),
    "truncated-one-page": _truncate(4096),
    "truncated-half": _truncate(None),
    "garbage-whole": _overwrite(0, os.urandom),
    "garbage-after-header": _overwrite(100, os.urandom),
    "garbage-after-first-page": _overwrite(8192, os.urandom),
    "zeroed": _overwrite(0, lambda n: b"\0" * n),
    "zeroed-after-header": _overwrite(100, lambda n: b"\0" * n),
    "garbage-appended": _append,
    "a-directory": _directory,
    "symlink-to-dev-null": _symlink_to_null,
    "other-tool-version": _sql("UPDATE meta SET value='\"0.0.1\"' WHERE key='tool_version'"),
    "other-format": _sql("UPDATE meta SET value='2' WHERE key='format'"),
    "other-fingerprint": _sql("UPDATE meta SET value='\"0000\"' WHERE key='fingerprint'"),
    "other-version-and-format": _sql(
        "UPDATE meta SET value='\"9.9.9\"' WHERE key='tool_version';"
        "UPDATE meta SET value='99' WHERE key='format';"
        "UPDATE records SET data='{\"schema\": 99}';"
    ),
    "meta-missing": _sql("DROP TABLE meta"),
    "meta-sources-null": _sql("UPDATE meta SET value='null' WHERE key='sources'"),
    "meta-not-json": _sql("UPDATE meta SET value='{{{' WHERE key='sources'"),
    "records-missing": _sql("DROP TABLE records"),
    "records-emptied": _sql("DELETE FROM records"),
    "record-not-json": _sql("UPDATE records SET data='{' WHERE kind='topic' AND id='heroin'"),
    "record-deleted": _sql("DELETE FROM records WHERE kind='topic' AND id='heroin'"),
    "names-missing": _sql("DROP TABLE names"),
    "search-index-missing": _sql("DROP TABLE search_docs"),
    "page-emptied": _pages(lambda b: b""),
    "page-truncated": _pages(lambda b: b[: len(b) // 3]),
    "page-not-utf8": _pages(lambda b: b"\xff\xfe" + b),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_cache(
    hf: Runner, reference: dict[str, Result], good_cache: Path, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(good_cache, cache, symlinks=True)
    DAMAGE[damage](cache)
    _ask_all(hf, reference, cache)


def test_ten_processes_build_at_once(
    hf: Runner, reference: dict[str, Result], tmp_path: Path
) -> None:
    for round_ in range(2):
        cache = tmp_path / f"concurrent-{round_}"
        env = {"HEROINFACTS_CACHE_DIR": str(cache)}
        name = ("show", "show-terminal")[round_]
        argv, extra = QUERIES[name]
        results = hf.many([Spec(argv, env={**env, **extra})] * 10, parallel=10)
        for res in results:
            hf.check(res, codes=0, color=bool(extra))
            hf.same(reference[name], res, f"answer of {name} (10 at once)")
        assert len(list(cache.glob("kb-*.sqlite"))) == 1
        assert not list(cache.glob(".kb-*.tmp")), list(cache.iterdir())


def test_ten_processes_with_different_packs(hf: Runner, tmp_path: Path) -> None:
    """Ten builds at once, each with its own pack: each sees its own pack, never another's."""
    cache = tmp_path / "cache"
    specs = []
    for i in range(10):
        pack = tmp_path / f"pack{i}.yaml"
        pack.write_text(sample_pack(f"word{i:02d}"), encoding="utf-8")
        specs.append(
            Spec(
                ["show", "local-slang", "--pack", str(pack)],
                env={"HEROINFACTS_CACHE_DIR": str(cache)},
            )
        )
    for i, res in enumerate(hf.many(specs, parallel=10)):
        hf.check(res, codes=0)
        assert f"say word{i:02d} for" in res.out, res.describe()


# --- packs changed after the cache was built -------------------------------------------------

WORDS = ["gear", "brwn", "smak"]  # all the same length: the file keeps its size


def _rewrite_in_place(path: Path, text: str) -> None:
    with path.open("r+", encoding="utf-8") as fh:
        fh.write(text)
        fh.truncate()


def _rewrite_restoring_mtime(path: Path, text: str) -> None:
    before = path.stat()
    _rewrite_in_place(path, text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _replace_restoring_mtime(path: Path, text: str) -> None:
    before = path.stat()
    tmp = path.with_suffix(".new")
    tmp.write_text(text, encoding="utf-8")
    os.utime(tmp, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(tmp, path)


CHANGES = {
    "same-size-in-place": _rewrite_in_place,
    "same-size-mtime-restored": _rewrite_restoring_mtime,
    "replaced-mtime-restored": _replace_restoring_mtime,
}
PACK_QUERIES = {
    "show": (["show", "local-slang"], {}),
    "show-terminal": (["show", "local-slang"], {"FORCE_COLOR": "1"}),
    "json": (["show", "local-slang", "--json"], {}),
    "search": (["search", "people", "say", "--json"], {}),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("query", PACK_QUERIES)
def test_pack_changed_after_the_cache_was_built(
    hf: Runner, fresh: Runner, tmp_path: Path, change: str, query: str
) -> None:
    """Rewritten within the same second, same size (and mtime put back): never the old answer."""
    pack = tmp_path / "pack.yaml"
    pack.write_text(sample_pack(WORDS[0]), encoding="utf-8")
    argv, extra = PACK_QUERIES[query]
    argv = [*argv, "--pack", str(pack)]
    for word in WORDS[1:]:
        old = hf.check(fresh.run(*argv, env=extra), codes=0, color=bool(extra))
        size = pack.stat().st_size
        CHANGES[change](pack, sample_pack(word))
        assert pack.stat().st_size == size
        new = hf.check(fresh.run(*argv, env=extra), codes=0, color=bool(extra))
        # the answer a cache that never saw the old file gives
        clean = hf.check(
            fresh.run(*argv, env={**extra, "HEROINFACTS_CACHE_DIR": str(tmp_path / word)}),
            codes=0,
            color=bool(extra),
        )
        hf.same(clean, new, f"answer after the pack changed to {word!r}")
        assert old.stdout != new.stdout


def test_pack_set_changed(hf: Runner, fresh: Runner, tmp_path: Path) -> None:
    """With a pack, then without it (flag, then environment): the pack's topic goes away."""
    pack = tmp_path / "pack.yaml"
    pack.write_text(sample_pack("gear"), encoding="utf-8")
    hf.check(fresh.run("show", "local-slang", "--pack", str(pack)), codes=0)
    hf.check(fresh.run("show", "local-slang", env={"HEROINFACTS_PACKS": str(pack)}), codes=0)
    gone = fresh.run("show", "local-slang")
    hf.check(gone, codes=1)
    hf.check(fresh.run("show", "local-slang", env={"HEROINFACTS_PACKS": ""}), codes=1)
    pack.unlink()
    hf.check(fresh.run("show", "heroin", "--pack", str(pack)), codes=3)
    hf.check(fresh.run("show", "heroin", "--pack", str(pack), env={"FORCE_COLOR": "1"}), codes=3)
