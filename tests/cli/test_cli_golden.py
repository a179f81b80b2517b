"""Golden files: the human output of every command, in the rich layout without colour (the form a
terminal shows, minus the escape codes) at 80 and at 40 columns, plus one page with colour.

Regenerate after an intended change with ``python -m pytest tests/cli --update-golden`` and read
the diff before committing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import ANSI, Run, golden_text, slug, wide_lines

#: (args, exit code). Every command, and the states worth seeing: found, nothing found, crisis help.
CASES: list[tuple[list[str], int]] = [
    ([], 0),
    (["topics"], 0),
    (["show", "heroin"], 0),
    (["show", "going", "on", "the", "nod"], 0),
    (["show", "heroin-and-depression"], 0),  # crisis help, proportions drawn as icons
    (["show", "heroinn"], 1),  # did you mean
    (["symptoms"], 0),
    (["symptoms", "depression"], 0),
    (["define"], 0),
    (["define", "gaba"], 0),
    (["refs"], 0),
    (["refs", "nida-2018-heroin"], 0),
    (["refs", "--for", "heroin"], 0),
    (["mix", "heroin", "xanax"], 0),
    (["mix", "xanax", "ambien"], 1),  # no data, which is not the same as safe
    (["help-now"], 0),
    (["search", "gaba"], 0),
    (["ask", "is smack a downer"], 0),
    # Where an overdose may be happening: 911 first, cited facts, numbered steps.
    (["show", "overdose"], 0),
    (["symptoms", "signs-of-overdose"], 0),
    (["symptoms", "overdose-steps"], 0),
    (["mix", "heroin", "alcohol"], 0),
    (["show", "withdrawal"], 0),
    (["ask", "what is narcan"], 0),
]

#: Machine formats: the same at any width and in any mode.
RAW = [["refs", "--for", "heroin", "--format", f] for f in ("bibtex", "ris", "csl-json")]

#: The about page's paths depend on the machine; these make them fixed (neither can be created
#: or read, so the cache is built in memory and no config is read).
FIXED_PATHS = {
    "HEROINFACTS_CACHE_DIR": "/dev/null/heroinfacts-cache",
    "HEROINFACTS_CONFIG": "/dev/null/heroinfacts/config.toml",
}

Human = Callable[..., Run]


@pytest.mark.parametrize("width", [80, 40])
@pytest.mark.parametrize(("args", "code"), CASES, ids=[slug(a) for a, _ in CASES])
def test_golden(
    human: Human, golden: Callable[[str, str], None], args: list[str], code: int, width: int
) -> None:
    run = human(*args, width=width, code=code)
    assert "\x1b[" not in run.stdout + run.stderr
    assert not wide_lines(run.stdout, width), run.describe()
    golden(f"{slug(args)}.{width}.txt", golden_text(run))


@pytest.mark.parametrize("width", [80, 40])
def test_golden_about(
    human: Human, golden: Callable[[str, str], None], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import heroinfacts.cache
    import heroinfacts.sources

    # Where the package is installed differs by machine; the golden shows a fixed place, and
    # the data built in memory rather than read from the copy compiled with the package.
    monkeypatch.setattr(heroinfacts.cache, "open_prebuilt", lambda files: None)
    monkeypatch.setattr(
        heroinfacts.sources, "data_location", lambda: "/site-packages/heroinfacts/data/facts.yaml"
    )
    run = human("about", width=width, env=FIXED_PATHS, code=0)
    squeezed = "".join(run.stdout.split())  # the path may be folded across lines
    assert "/dev/null/heroinfacts-cache(notwritable:builtinmemory)" in squeezed
    assert not wide_lines(run.stdout, width), run.describe()
    # The checksum changes with every data edit; the golden keeps its place, not its digits.
    from heroinfacts.sources import sha256, shipped

    digest = sha256(shipped().read()).hexdigest()
    assert digest in squeezed
    text = re.sub(  # each piece of the digest, however the lines fold it
        r"[0-9a-f]{6,}", lambda m: "0" * len(m[0]) if m[0] in digest else m[0], golden_text(run)
    )
    golden(f"about.{width}.txt", text)


@pytest.mark.parametrize("args", RAW, ids=[slug(a) for a in RAW])
def test_golden_raw_formats(
    human: Human, golden: Callable[[str, str], None], args: list[str]
) -> None:
    run = human(*args, code=0)
    golden(f"{slug(args)}.txt", golden_text(run))


def test_golden_validate(
    cli: Callable[..., Run],
    golden: Callable[[str, str], None],
    broken_pack: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """validate prints plain ``file:line: message`` lines in every mode; the count on stderr."""
    monkeypatch.chdir(broken_pack.parent)
    run = cli("validate", broken_pack.name, env={"FORCE_COLOR": "1"}, code=3)
    golden("validate-broken.txt", golden_text(run))


def test_golden_version(human: Human, golden: Callable[[str, str], None]) -> None:
    golden("version.txt", golden_text(human("--version", code=0)))


def test_golden_colour(cli: Callable[..., Run], golden: Callable[[str, str], None]) -> None:
    """On a terminal (FORCE_COLOR stands in for one) the page has colour and layout."""
    run = cli("show", "heroin", "--width", "80", env={"FORCE_COLOR": "1", "TERM": "xterm"}, code=0)
    assert "\x1b[" in run.stdout
    plain_layout = cli(
        "show", "heroin", "--width", "80", "--no-color", env={"FORCE_COLOR": "1"}, code=0
    )
    assert ANSI.sub("", run.stdout) == plain_layout.stdout  # colour is all that differs
    golden("show-heroin.80.color.txt", golden_text(run))
