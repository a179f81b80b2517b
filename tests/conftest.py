"""Shared test set-up: no test reads the user's real config, packs or cache."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files in tests/golden/ from the current output.",
    )


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("heroinfacts-cache")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> None:
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", str(session_cache))
    monkeypatch.setenv("HEROINFACTS_CONFIG", "")  # set but empty: no config
    for name in (
        "HEROINFACTS_PACKS",
        "HEROINFACTS_DEBUG",
        "NO_COLOR",
        "FORCE_COLOR",
        "COLORTERM",
        "COLUMNS",
    ):
        monkeypatch.delenv(name, raising=False)
