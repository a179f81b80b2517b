"""``python -m heroinfacts`` and the ``heroinfacts`` console script.

Start-up is most of what a lookup costs, and importing Typer and building the app is about half
of it (docs/performance.md). So the hottest exact invocations are answered here without Typer:
``show``, ``topics``, ``ask``, ``search``, ``symptoms``, ``define``, ``mix`` and ``help-now`` with
their words, the flags ``--json/-j``, ``--plain/-p``, ``--no-color/-C`` and ``--quiet/-q`` and
``--pack/-P PATH``, when the compiled cache is already fresh (and, for ``show`` on a terminal,
when the page is stored). They call the same library functions the Typer commands call, in the
same order. Anything else (another option, ``--help``, a name that is not found, invalid data,
a cache to build) goes to the Typer app, which then prints exactly what it always does: nothing
is printed before that decision. tests/test_fastpath.py runs every case both ways and compares
stdout, stderr and the exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import KnowledgeBase
    from .views import View

#: The boolean flags every fast command takes, by the name of the option they set.
_FLAGS = {
    "--json": "json",
    "-j": "json",
    "--plain": "plain",
    "-p": "plain",
    "--no-color": "no_color",
    "-C": "no_color",
    "--quiet": "quiet",
    "-q": "quiet",
}
#: Commands answered here: the least and most words they take (None: no limit).
_WORDS: dict[str, tuple[int, int | None]] = {
    "show": (1, None),
    "topics": (0, 0),
    "ask": (1, None),
    "search": (1, None),
    "symptoms": (0, None),
    "define": (0, None),
    "mix": (2, 2),
    "help-now": (0, 0),
}


def main() -> None:
    from .entry import main as entry_main

    entry_main(_app)


def _app(prog_name: str) -> None:
    """What :func:`heroinfacts.entry.main` runs: the fast path when it applies, else Typer."""
    code = _fast(sys.argv[1:])
    if code is None:
        from .cli import app

        app(prog_name=prog_name)
    else:
        sys.exit(code)


def _parse(argv: Sequence[str]) -> tuple[str, list[str], dict[str, bool], list[str]] | None:
    """(command, words, flags, packs) for an invocation the fast path takes, else None."""
    if not argv or argv[0] not in _WORDS:
        return None
    words: list[str] = []
    packs: list[str] = []
    flags = dict.fromkeys(_FLAGS.values(), False)
    args = iter(argv[1:])
    for arg in args:
        if arg in ("--pack", "-P"):
            value = next(args, "")
            if not value or value.startswith("-"):
                return None  # a missing or odd value: Typer words the error
            packs.append(value)
        elif arg.startswith("-"):
            if arg not in _FLAGS:
                return None  # other options, --help, "--", "-": Typer's business
            flags[_FLAGS[arg]] = True
        else:
            words.append(arg)
    least, most = _WORDS[argv[0]]
    if len(words) < least or (most is not None and len(words) > most):
        return None
    return argv[0], words, flags, packs


def _fast(argv: Sequence[str]) -> int | None:
    """Answer ``argv`` and return the exit code, or None (having printed nothing)."""
    if os.environ.get("_HEROINFACTS_COMPLETE"):  # shell completion: Typer's business
        return None
    parsed = _parse(argv)
    if parsed is None:
        return None
    command, words, flags, packs = parsed
    from . import output
    from .errors import HeroinfactsError

    mode = output.decide(
        json_out=flags["json"],
        plain=flags["plain"],
        no_color=flags["no_color"],
        width=None,
        quiet=flags["quiet"],
    )
    try:
        if command == "show" and mode.rich:
            return _stored_page(words, mode, packs)
        make = _maker(command, words, flags["json"], mode)
        if make is None:
            return None
        from .cache import open_cached
        from .sources import data_files

        kb = open_cached(data_files(packs))
        if kb is None:
            return None  # a build (with its progress bar) is Typer's business
        view = make(kb)
        output.override_notice(kb.overrides)
    except HeroinfactsError:  # not found, invalid data, a usage error: Typer words it
        return None
    return int(view.code) if _printed(lambda: output.show_view(view, mode)) else 1


def _printed(emit: Callable[[], None]) -> bool:
    """Run ``emit``; False (quietly, as Typer does: the caller exits 1) if the pipe is closed."""
    try:
        emit()
    except OSError as err:
        import errno

        if err.errno != errno.EPIPE:
            raise
        from .entry import _silence_stdout

        _silence_stdout()
        return False
    return True


def _stored_page(words: list[str], mode: Any, packs: list[str]) -> int | None:
    """``show`` on a terminal: print the stored page, if there is one."""
    from . import output, pages

    name = " ".join(words).strip()
    if not name:
        return None
    text = pages.lookup(packs, name, mode)
    if text is None:
        return None  # Typer renders and stores it
    return 0 if _printed(lambda: output.write(text)) else 1


def _name(words: list[str]) -> str | None:
    """As ``cli._name``: None for no words; "" (an error, left to Typer) for blank ones."""
    if not words:
        return None
    return " ".join(words).strip()


def _maker(
    command: str, words: list[str], json_: bool, mode: Any
) -> Callable[[KnowledgeBase], View] | None:
    """The view the Typer command would build, as a function of the knowledge base."""
    from . import views

    name = _name(words)
    if name == "":
        return None
    if command == "show":
        assert name is not None
        topic = name
        return lambda kb: views.show(kb, topic)
    if command == "topics":
        machine = not mode.rich and not json_
        return lambda kb: views.topics(kb, machine)
    if command == "symptoms":
        return lambda kb: views.symptoms(kb, name)
    if command == "define":
        return lambda kb: views.define(kb, name)
    if command == "help-now":
        return views.help_now
    if command == "mix":
        a, b = _name(words[:1]), _name(words[1:])
        if not a or not b:
            return None
        return lambda kb: views.mix(kb, a, b)
    from .search import engine

    assert name is not None
    text = name
    if command == "ask":
        return lambda kb: views.ask_view(kb, engine.ask(kb, text))
    return lambda kb: views.search_view(kb, engine.search(kb, text, kinds=None, limit=10))


if __name__ == "__main__":
    main()
