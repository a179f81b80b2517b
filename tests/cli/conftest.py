"""Fixtures for the command-line tests: ``cli`` runs the app in-process, ``human`` runs it in the
rich layout without colour at a fixed width, ``golden`` compares text with tests/golden/."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from cli_support import GOLDEN, Run, invoke

Invoke = Callable[..., Run]


@pytest.fixture
def cli() -> Invoke:
    """``cli("show", "heroin", env={...})``: :func:`cli_support.invoke`."""
    return invoke


@pytest.fixture
def human(cli: Invoke) -> Callable[..., Run]:
    """The rich layout without colour at a fixed width: what the golden files hold."""

    def invoke(*args: str, width: int = 80, env: Mapping[str, str | None] | None = None,
               code: int | None = None) -> Run:  # fmt: skip
        return cli(
            *args, "--no-color", "--width", str(width),
            env={"FORCE_COLOR": "1", "TERM": "xterm", **(env or {})}, code=code,
        )  # fmt: skip

    return invoke


def _updating(config: pytest.Config) -> bool:
    return bool(config.getoption("--update-golden")) or os.environ.get(
        "HEROINFACTS_UPDATE_GOLDEN", ""
    ) not in ("", "0")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden(name, text)``: ``text`` must equal tests/golden/``name``. Run pytest with
    ``--update-golden`` (or ``HEROINFACTS_UPDATE_GOLDEN=1``) to rewrite the files."""
    update = _updating(request.config)

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            pytest.fail(f"no golden file {path}; create it with: python -m pytest --update-golden")
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            import difflib

            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"tests/golden/{name}",
                    "output now",
                )
            )
            pytest.fail(
                f"output differs from tests/golden/{name}. If the change is intended, "
                f"regenerate with: python -m pytest tests/cli --update-golden\n{diff}",
                pytrace=False,
            )

    return check


BROKEN_PACK = """\
schema: 1
bundle:
  id: broken-pack
  title: A broken pack
  version: 0.1.0
  language: en
  reviewed: 2026-01-01
  license: CC-BY-4.0
  disclaimer: Information, not medical advice.
references: []
topics:
  - id: Not_Kebab
    title: A topic
    summary: A short summary.
    facts:
      - id: a-fact
        text: Something.
        cites: [no-such-reference]
"""


@pytest.fixture
def broken_pack(tmp_path: Path) -> Path:
    """A pack with problems: a topic id that is not kebab-case (line 12), a missing reference."""
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_PACK, encoding="utf-8")
    return path
