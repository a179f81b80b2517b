"""The knowledge base compiled with the package (hatch_build.py): a first run with the shipped
data opens it instead of building, and only when it was built from exactly that data."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import heroinfacts
from heroinfacts import cache
from heroinfacts.sources import DataFile, shipped

DATA = Path(__file__).resolve().parents[1] / "data" / "facts.yaml"


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataFile:
    """An installed package's data directory: facts.yaml with facts.sqlite compiled beside it."""
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "site" / "heroinfacts" / "data"
    data.mkdir(parents=True)
    shutil.copyfile(DATA, data / "facts.yaml")
    cache.write_prebuilt(str(data / "facts.yaml"), str(data / cache.PREBUILT_NAME))
    return DataFile("data/facts.yaml", True, str(data / "facts.yaml"))


def test_a_first_run_copies_the_prebuilt_into_the_cache(
    package: DataFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import heroinfacts.schema

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the shipped data was compiled again")

    monkeypatch.setattr(heroinfacts.schema, "compile_sources", no_build)
    kb = cache.open_kb([package])
    assert kb.cache_path is not None and Path(kb.cache_path).parent == tmp_path / "cache"
    assert kb.topic("heroin").id == "heroin"
    assert kb.resources(["overdose"])[0].id == "emergency-911"
    assert kb.meta("fingerprint") == cache.fingerprint([package])
    assert oct(os.stat(kb.cache_path).st_mode & 0o777) == oct(0o600)
    again = cache.open_kb([package])  # the usual warm path from now on
    assert again.cache_path == kb.cache_path


def test_the_prebuilt_holds_what_a_build_holds(package: DataFile) -> None:
    prebuilt = cache.open_prebuilt([package])
    built = cache.open_kb([package], use_cache=False)
    assert prebuilt is not None and built.cache_path is None
    assert prebuilt.bundle == built.bundle
    assert [t.id for t in prebuilt.topics()] == [t.id for t in built.topics()]
    assert prebuilt.meta("checksum") == built.meta("checksum")


def test_edited_data_is_built_afresh(package: DataFile, tmp_path: Path) -> None:
    assert package.path is not None
    text = Path(package.path).read_text(encoding="utf-8")
    Path(package.path).write_text(text.replace("988", "989", 1), encoding="utf-8")
    assert cache.open_prebuilt([package]) is None
    kb = cache.open_kb([package])
    assert kb.cache_path is not None and Path(kb.cache_path).parent == tmp_path / "cache"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other-version", "other-format"])
def test_a_damaged_or_foreign_prebuilt_is_not_used(package: DataFile, damage: str) -> None:
    path = cache.prebuilt_path([package])
    assert path is not None
    if damage == "truncate":
        data = Path(path).read_bytes()
        Path(path).write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        Path(path).write_bytes(b"not a database" * 600)
    else:
        key, value = ("tool_version", '"0.0.1"') if damage == "other-version" else ("format", "1")
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        conn.close()
    assert cache.open_prebuilt([package]) is None
    assert cache.open_kb([package]).topic("heroin").id == "heroin"


def test_packs_never_use_the_prebuilt(package: DataFile, tmp_path: Path) -> None:
    from pack_support import GOOD_PACK

    pack = tmp_path / "pack.yaml"
    pack.write_text(GOOD_PACK)
    files = [package, DataFile(str(pack), False, str(pack))]
    assert cache.prebuilt_path(files) is None
    kb = cache.open_kb(files)
    assert kb.topic("local-slang").title == "Local words"


def test_an_untrusted_cache_directory_reads_the_prebuilt_in_place(
    package: DataFile, tmp_path: Path
) -> None:
    (tmp_path / "cache").mkdir()
    os.chmod(tmp_path / "cache", 0o777)  # others may write: the directory is not used
    kb = cache.open_kb([package])
    assert kb.cache_path == cache.prebuilt_path([package])
    assert os.listdir(tmp_path / "cache") == []


def test_verify_reports_the_prebuilt(package: DataFile) -> None:
    ok = cache.check_cache([package])
    assert ok["ok"] and ok["file"] == cache.prebuilt_path([package])
    assert "compiled with the package" in ok["message"]
    path = ok["file"]
    Path(path).write_bytes(b"not a database" * 600)
    bad = cache.check_cache([package])
    assert not bad["ok"] and "reinstall" in bad["message"]


def test_this_install_has_a_prebuilt_exactly_when_it_is_a_wheel() -> None:
    """A wheel (how CI and users install) carries a prebuilt matching its data; a source
    checkout (an editable install) has none and builds a cache as before."""
    files = [shipped()]
    path = cache.prebuilt_path(files)
    assert path is not None
    installed = Path(heroinfacts.__file__).resolve().parent / "data" / "facts.yaml"
    if installed.is_file():
        assert os.path.isfile(path), "the wheel lacks data/facts.sqlite: see hatch_build.py"
        kb = cache.open_prebuilt(files)
        assert kb is not None and kb.topic("heroin").id == "heroin"
    else:
        assert not os.path.exists(path) and cache.open_prebuilt(files) is None
