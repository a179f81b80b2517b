"""The Python API: load(), lookups by id and alias, immutability, and the compiled cache."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

import heroinfacts
from heroinfacts import cache
from heroinfacts.errors import NotFound
from heroinfacts.records import FrozenInstanceError
from heroinfacts.store import KnowledgeBase


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", str(d))
    return d


@pytest.fixture
def kb(cache_dir: Path) -> KnowledgeBase:
    return heroinfacts.load()


@pytest.mark.parametrize("name", ["heroin", "HEROIN", "Smack", "dope", "h", "herion", " Heroin "])
def test_topic_by_id_or_alias(kb: KnowledgeBase, name: str) -> None:
    assert kb.topic(name).id == "heroin"


@pytest.mark.parametrize("name", ["going on the nod", "Going-On-The-Nod", "going_on_the nod"])
def test_spaces_dashes_and_case_are_alike(kb: KnowledgeBase, name: str) -> None:
    assert kb.topic(name).id == "effects-of-heroin"
    assert kb.term(name).id == "going-on-the-nod"


def test_full_width_letters_fold(kb: KnowledgeBase) -> None:
    assert kb.topic("\uff28\uff25\uff32\uff2f\uff29\uff2e").id == "heroin"  # ＨＥＲＯＩＮ


def test_miss_gives_close_suggestions(kb: KnowledgeBase) -> None:
    with pytest.raises(NotFound) as info:
        kb.topic("heroinn")
    assert info.value.kind == "topic"
    assert "heroin" in info.value.suggestions


def test_records_are_immutable(kb: KnowledgeBase) -> None:
    topic = kb.topic("heroin")
    with pytest.raises(FrozenInstanceError):
        topic.title = "x"  # type: ignore[misc]
    assert isinstance(topic.facts, tuple) and isinstance(topic.aliases, tuple)
    ref = kb.reference("darke-2009")
    with pytest.raises(TypeError):
        ref.csl["title"] = "x"  # type: ignore[index]


def test_lookups_of_every_kind(kb: KnowledgeBase) -> None:
    assert len(kb.sign_list("depression").items) == 12
    assert kb.term("GABA").id == "gaba"
    assert kb.reference("darke-2009").year == 2009
    assert kb.drug("xanax").id == "xanax"
    assert kb.drug("benzos").id == "benzodiazepine"
    inter = kb.interaction("benzodiazepine", "opioid")
    assert inter is not None and inter.severity == "dangerous"
    assert kb.interaction("opioid", "opioid") is None
    assert {r.id for r in kb.resources(["suicide"])} == {"lifeline-988"}
    assert kb.bundle.id == "heroinfacts-core"
    assert [s.shipped for s in kb.sources] == [True]


def test_topic_cites_in_order_of_first_use(kb: KnowledgeBase) -> None:
    topic = kb.topic("heroin-and-depression")
    cites = [c for f in topic.facts for c in f.cites]
    assert topic.cites == tuple(dict.fromkeys(cites))


# --- the compiled cache ------------------------------------------------------------------------


def _in_place() -> str | None:
    """Where the data is read from when the cache directory cannot be written: the copy compiled
    with the package (a wheel), or nowhere: built in memory (a source checkout)."""
    prebuilt = cache.open_prebuilt([heroinfacts.sources.shipped()])
    return prebuilt.cache_path if prebuilt is not None else None


def test_second_load_reads_the_cache(cache_dir: Path) -> None:
    first = heroinfacts.load()
    assert first.cache_path is not None and Path(first.cache_path).parent == cache_dir
    second = heroinfacts.load()
    assert second.cache_path == first.cache_path


def test_changed_pack_is_never_served_stale(cache_dir: Path, tmp_path: Path) -> None:
    from pack_support import GOOD_PACK

    pack = tmp_path / "pack.yaml"
    pack.write_text(GOOD_PACK)
    assert heroinfacts.load([pack]).topic("local-slang").title == "Local words"
    pack.write_text(GOOD_PACK.replace("Local words", "Local names"))  # same size, same second
    assert heroinfacts.load([pack]).topic("local-slang").title == "Local names"


def test_truncated_or_garbage_cache_is_rebuilt(cache_dir: Path) -> None:
    path = Path(heroinfacts.load().cache_path or "")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert heroinfacts.load().topic("heroin").id == "heroin"
    path.write_bytes(b"not a database at all" * 100)
    assert heroinfacts.load().topic("heroin").id == "heroin"


def test_cache_from_another_version_is_ignored(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = heroinfacts.load()
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    second = heroinfacts.load()
    assert second.cache_path != first.cache_path


def test_read_only_cache_dir_builds_in_memory(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir.mkdir()
    cache_dir.chmod(stat.S_IRUSR | stat.S_IXUSR)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")  # what a read-only directory says

    monkeypatch.setattr(cache.tempfile, "mkstemp", refuse)  # root ignores the mode bits
    kb = heroinfacts.load()
    assert kb.cache_path == _in_place() and kb.topic("heroin").id == "heroin"


def test_unwritable_cache_dir_builds_in_memory(cache_dir: Path) -> None:
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("a file where the directory should be")
    kb = heroinfacts.load()
    assert kb.cache_path == _in_place() and kb.topic("heroin").id == "heroin"


def test_old_temporary_files_are_pruned(cache_dir: Path) -> None:
    heroinfacts.load()
    # named and begun as the tool writes its temporary caches: other files are never removed
    stale = cache_dir / f".kb-{'0' * 32}-crashed.tmp"
    stale.write_bytes(b"SQLite format 3\x00 left by a crash")
    theirs = cache_dir / ".kb-crashed-1.tmp"
    theirs.write_text("not a name the tool writes")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    os.utime(theirs, (old, old))
    from test_validate import GOOD_PACK

    pack = cache_dir.parent / "p.yaml"
    pack.write_text(GOOD_PACK)
    heroinfacts.load([pack])  # a new cache is written, and the directory tidied
    assert not stale.exists()
    assert theirs.exists()
