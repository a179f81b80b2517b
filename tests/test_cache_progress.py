"""Building the compiled cache reports progress, takes the bar down, and stops on Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import pytest

from heroinfacts import cache
from heroinfacts.errors import DataError
from heroinfacts.sources import pack_file, shipped

PACK = """\
schema: 1
bundle:
  id: progress-pack
  title: A pack for the progress tests
  version: 0.0.1
  language: en
  reviewed: 2026-11-26
  license: CC0-1.0
  disclaimer: Made-up text for tests.
references:
  - id: progress-ref
    type: webpage
    title: A reference
topics:
"""


def _pack(tmp_path: Path, topics: int = 300) -> Path:
    body = "".join(
        f"  - id: progress-topic-{i}\n"
        f"    title: Progress topic {i}\n"
        f"    summary: Some words about topic {i}.\n"
        f"    facts:\n"
        f"      - id: progress-fact-{i}\n"
        f"        text: A fact about topic number {i} and nothing else.\n"
        f"        cites: [progress-ref]\n"
        for i in range(topics)
    )
    path = tmp_path / "pack.yaml"
    path.write_text(PACK + body, encoding="utf-8")
    return path


def test_progress_runs_from_reading_to_done(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    files = [shipped(), pack_file(_pack(tmp_path))]
    kb = cache.open_kb(files, progress=lambda stage, frac: seen.append((stage, frac)))
    assert kb.count("topic") > 300
    stages = [s for s, _ in seen]
    assert stages[0].startswith("reading") and stages[-1] == "done"
    assert "checking" in stages and "writing the cache" in stages
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(s.startswith("reading") and s.endswith("pack.yaml") for s in stages)


def test_the_bar_moves_while_the_data_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heroinfacts import compiler

    monkeypatch.setattr(compiler, "CHECK_STEP", 50)  # 300 topics: several steps
    seen: list[tuple[str, float]] = []
    cache.open_kb(
        [shipped(), pack_file(_pack(tmp_path))], progress=lambda s, f: seen.append((s, f))
    )
    checking = [f for s, f in seen if s == "checking"]
    low, high = cache.READ_SHARE, cache.READ_SHARE + cache.CHECK_SHARE
    inside = [f for f in checking if low < f < high]
    assert len(set(inside)) >= 5, checking
    assert checking == sorted(checking) and checking[-1] == pytest.approx(high)


def test_the_bar_is_taken_down_when_the_data_is_invalid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PACK + "  - id: Not Kebab\n", encoding="utf-8")
    seen: list[tuple[str, float]] = []
    with pytest.raises(DataError):
        cache.open_kb([shipped(), pack_file(bad)], progress=lambda s, f: seen.append((s, f)))
    assert seen[-1] == ("done", 1.0)


def test_ctrl_c_while_writing_stops_the_build(tmp_path: Path) -> None:
    def progress(stage: str, fraction: float) -> None:
        if stage == "writing the cache":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.open_kb([shipped(), pack_file(_pack(tmp_path))], progress=progress)
    where = Path(cache.cache_location())
    assert not list(where.glob(".kb-*.tmp"))


def test_no_progress_no_handler(tmp_path: Path) -> None:
    kb = cache.open_kb([shipped(), pack_file(_pack(tmp_path, 5))], use_cache=False)
    assert kb.count("topic") > 5


def test_a_relative_cache_directory_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It used to be written and never read (a relative path has no file: URI)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", "rel/cache")
    first = cache.open_kb([shipped()])
    second = cache.open_kb([shipped()])
    assert first.cache_path is not None and second.cache_path == first.cache_path
    assert (tmp_path / "rel" / "cache").is_dir()


def test_processes_building_at_once(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    pack = _pack(tmp_path, 2000)
    where = tmp_path / "shared-cache"
    env = {**os.environ, "HEROINFACTS_CACHE_DIR": str(where), "HEROINFACTS_PACKS": str(pack)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "heroinfacts", "show", "progress-topic-7", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs[0][1]
    assert len({out for out, _ in outs}) == 1
    assert len(list(where.glob("kb-*.sqlite"))) == 1
    assert not list(where.glob(".kb-*.tmp"))
