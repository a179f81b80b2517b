"""A cache is trusted only if it is ours, clean-up deletes only what the tool made, and a file
name is escaped like every other message (issue 11, safety items 4-6)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from robust_support import Result, Runner

from heroinfacts import stored_output

PAGE_MAGIC = stored_output.MAGIC  # how a stored output begins
#: What a planted page tried: OSC 52 (write the clipboard), the alternate screen, a title.
HOSTILE = "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[?1049h\x1b]0;owned\x07Everything is fine.\n"


def _cache_file(cache: Path) -> Path:
    (found,) = cache.glob("kb-" + "[0-9a-f]" * 32 + ".sqlite")
    return found


def _tamper(db: Path, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()


#: The 988 line re-pointed inside a compiled cache file.
REPOINT = 'UPDATE records SET data=replace(data, \'"value":"988"\', \'"value":"555-0199"\')'


def _warm(fresh: Runner) -> tuple[Path, Result]:
    """A cache directory with a compiled cache, and the honest answer to ``help-now --json``."""
    res = fresh.check(fresh.run("help-now", "--json"), codes=0)
    assert '"988"' in res.out
    return Path(fresh.env["HEROINFACTS_CACHE_DIR"]), res


def test_the_cache_directory_is_made_private(fresh: Runner) -> None:
    fresh.check(fresh.run("show", "heroin", env={"FORCE_COLOR": "1"}), codes=0, color=True)
    cache = Path(fresh.env["HEROINFACTS_CACHE_DIR"])
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache / "pages").stat().st_mode) == 0o700
    for f in [*cache.iterdir(), *(cache / "pages").iterdir()]:
        if f.is_file():
            assert not f.stat().st_mode & 0o077, f


@pytest.mark.parametrize("how", ["group-writable", "other-writable", "another-owner"])
def test_a_cache_directory_that_is_not_ours_is_ignored(fresh: Runner, how: str) -> None:
    cache, honest = _warm(fresh)
    _tamper(_cache_file(cache), REPOINT)
    if how == "another-owner":
        os.chown(cache, 65534, -1)
    else:
        cache.chmod(0o770 if how == "group-writable" else 0o707)
    for _ in range(2):
        res = fresh.check(fresh.run("help-now", "--json"), codes=0)
        fresh.same(honest, res, "help-now from a cache directory that is not ours")
        assert res.err.count(f"not using the cache directory {cache}") == 1
    assert "555-0199" not in res.out


@pytest.mark.parametrize("mode", [0o664, 0o646])
def test_a_cache_file_others_can_write_is_ignored(fresh: Runner, mode: int) -> None:
    cache, honest = _warm(fresh)
    db = _cache_file(cache)
    _tamper(db, REPOINT)
    db.chmod(mode)
    fresh.same(honest, fresh.check(fresh.run("help-now", "--json"), codes=0), "help-now")


def _page(cache: Path) -> Path:
    (page,) = (cache / "pages").glob("*.txt")
    return page


def _plant(page: Path, text: str) -> None:
    body = text.encode()
    digest = hashlib.sha256(body).hexdigest().encode()
    page.write_bytes(b"%s %d %s\n" % (PAGE_MAGIC, len(body), digest) + body)


def test_a_planted_page_is_never_printed(fresh: Runner) -> None:
    env = {"FORCE_COLOR": "1"}
    honest = fresh.check(fresh.run("show", "heroin", env=env), codes=0, color=True)
    cache = Path(fresh.env["HEROINFACTS_CACHE_DIR"])
    _plant(_page(cache), HOSTILE)
    res = fresh.check(fresh.run("show", "heroin", env=env), codes=0, color=True)
    fresh.same(honest, res, "a stored page")
    assert b"\x1b]" not in res.stdout and b"\x1b[?1049h" not in res.stdout


def test_verify_checks_the_cache_it_would_use(fresh: Runner) -> None:
    cache, _ = _warm(fresh)
    ok = fresh.check(fresh.run("verify", "--json"), codes=0).json()
    assert isinstance(ok, dict) and ok["cache"]["ok"] is True
    assert ok["cache"]["file"] == str(_cache_file(cache))
    _tamper(_cache_file(cache), "UPDATE meta SET value='\"0000\"' WHERE key='checksum'")
    bad = fresh.check(fresh.run("verify"), codes=3)
    assert "built from other data" in bad.err
    _cache_file(cache).chmod(0o666)
    bad = fresh.check(fresh.run("verify", "--json"), codes=3).json()
    assert isinstance(bad, dict) and bad["cache"]["ok"] is False


# --- clean-up deletes only what the tool made -----------------------------------------------


#: A damaged record: the entry point drops the caches (cache.clear) and answers from the data.
DAMAGE = "UPDATE records SET data='{' WHERE kind='topic' AND id='heroin'"


def _victim(where: Path) -> dict[str, bytes]:
    where.mkdir(parents=True, exist_ok=True)
    files = {
        "notes.txt": b"my notes\n",
        "0123456789abcdef0123456789abcdef.txt": b"a page name, but not in pages/\n",
        "kb-notes.sqlite": b"not a cache\n",
        ".kb-x.tmp": b"not ours\n",
    }
    for name, data in files.items():
        (where / name).write_bytes(data)
    return files


def _intact(where: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        assert (where / name).read_bytes() == data, f"{where / name} was changed or removed"


def test_clear_never_follows_a_symlinked_pages_directory(fresh: Runner, tmp_path: Path) -> None:
    cache, honest = _warm(fresh)
    victim = tmp_path / "victim"
    files = _victim(victim)
    (victim / "fedcba9876543210fedcba9876543210.txt").write_bytes(b"page-like name\n")
    files["fedcba9876543210fedcba9876543210.txt"] = b"page-like name\n"
    shutil.rmtree(cache / "pages", ignore_errors=True)  # outputs stored while warming
    (cache / "pages").symlink_to(victim, target_is_directory=True)
    _tamper(_cache_file(cache), DAMAGE)
    res = fresh.check(fresh.run("show", "heroin", "--json"), codes=0)
    assert '"id": "heroin"' in res.out
    _intact(victim, files)
    assert (cache / "pages").is_symlink()
    fresh.same(honest, fresh.check(fresh.run("help-now", "--json"), codes=0), "help-now")


def test_clear_in_a_project_folder_keeps_the_users_files(fresh: Runner, tmp_path: Path) -> None:
    project = tmp_path / "project"
    files = _victim(project)
    pages = _victim(project / "pages")
    (project / "pages" / "sub").mkdir()
    env = {"HEROINFACTS_CACHE_DIR": str(project)}
    fresh.check(fresh.run("topics", env=env), codes=0)
    _tamper(_cache_file(project), DAMAGE)
    fresh.check(fresh.run("show", "heroin", "--json", env=env), codes=0)
    _intact(project, files)
    _intact(project / "pages", pages)
    assert (project / "pages" / "sub").is_dir()


def test_page_pruning_only_touches_its_own_pages(fresh: Runner) -> None:
    cache = Path(fresh.env["HEROINFACTS_CACHE_DIR"])
    pages = cache / "pages"
    pages.mkdir(parents=True, mode=0o700)
    cache.chmod(0o700)
    mine = {f"note-{i}.txt": b"user text\n" for i in range(5)}
    for name, data in mine.items():
        (pages / name).write_bytes(data)
        os.utime(pages / name, (1, 1))  # the oldest of all
    for i in range(401):
        old = pages / f"{i:032x}.txt"
        _plant(old, "old page\n")
        os.utime(old, (1000 + i, 1000 + i))
    fresh.check(fresh.run("show", "heroin", env={"FORCE_COLOR": "1"}), codes=0, color=True)
    _intact(pages, mine)
    assert len(list(pages.glob("[0-9a-f]*.txt"))) == 400


# --- the "Wrote ..." line -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["a\nWrote evil.html: 9 topics.x.txt", "b\x1b[2Jc.txt", "t\tab.md"]
)
def test_the_wrote_line_escapes_the_file_name(fresh: Runner, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    res = fresh.check(fresh.run("handout", "heroin", "-o", str(out)), codes=0)
    assert out.exists()
    assert res.out.count("\n") == 1 and res.out.startswith("Wrote ")
    assert "\t" not in res.out and "\x1b" not in res.out
