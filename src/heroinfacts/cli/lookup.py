"""The lookup commands: each turns its parameters into a view, and :func:`answer` loads the data,
builds the view and prints it in the chosen mode. Both the Typer app and the fast path call
these functions (through the command table), so both answer alike.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .. import output
from .._version import __version__
from ..errors import DataError, NotFound, UsageError
from .exits import Exit, data_error, not_found, usage
from .table import KINDS, REF_FORMATS, Params

if TYPE_CHECKING:
    from ..store import KnowledgeBase
    from ..views import View

#: What a command's parameters become: a function of the data and the mode, giving the view
#: (or text printed as it is, such as BibTeX).
Maker = Callable[["KnowledgeBase", output.Mode], "View | str"]


def mode_of(p: Params) -> output.Mode:
    """The output mode the parameters ask for (terminal, plain or JSON; width; quiet)."""
    return output.decide(
        json_out=p.get("json_", False),
        plain=p.get("plain", False),
        no_color=p.get("no_color", False),
        width=p.get("width"),
        quiet=p.get("quiet", False),
    )


def load_kb(packs: Sequence[str] | None, *, shipped_only: bool = False) -> KnowledgeBase:
    """The shipped data and the packs in force (a progress bar on a terminal if it is slow);
    says on stderr which shipped entries the packs replace.

    Packs named on the command line must load (:class:`DataError` otherwise). Packs named by
    HEROINFACTS_PACKS or the config file, which the person asking may not see, can never hide
    the help lines: if any of them cannot be loaded (missing, unreadable, invalid), none of them
    is, a notice says why and every answer comes from the shipped data (``validate`` fails).
    All or none, because packs may build on each other (one may replace or refer to another's
    entries), and a part of them could answer what neither all nor none would."""
    from ..cache import open_kb
    from ..sources import configured_packs, pack_file, packs_notice, shipped

    paths, origin = ([], "none") if shipped_only else configured_packs(packs or ())
    try:
        kb = open_kb([shipped(), *(pack_file(p) for p in paths)], progress=_progress())
    except DataError as err:
        if origin not in ("environment", "config"):
            raise
        packs_notice(origin, err)
        kb = open_kb([shipped()], progress=_progress())  # a broken shipped file still raises
    output.override_notice(kb.overrides)  # every run, even with --quiet
    return kb


def _progress() -> Callable[[str, float], None] | None:
    """A progress bar on stderr for slow builds (large packs), only on a terminal."""
    if not sys.stderr or not sys.stderr.isatty():
        return None
    from ..progress import Reporter

    return Reporter()


def name(words: Sequence[str] | str | None, what: str) -> str | None:
    """The words as one name; None for none; a usage error for blank ones."""
    if words is None or (not isinstance(words, str) and not words):
        return None
    text = (words if isinstance(words, str) else " ".join(words)).strip()
    if not text:
        raise UsageError(f"{what} is empty. Give a name, e.g. heroin.")
    return text


def answer(p: Params, make: Callable[[], Maker], *, help_lines: bool = False) -> int:
    """Check the parameters (``make``), load the data, build the view and print it; the exit
    code. Every error becomes its message and exit code. With ``help_lines`` (help-now, ask) the
    answer is printed whatever the packs say: packs that cannot be loaded are reported (exit 3)
    and the help lines come from the shipped data."""
    mode = mode_of(p)
    failed: int | None = None
    try:
        maker = make()
        try:
            kb = load_kb(p.get("pack"))
        except DataError as err:
            if not help_lines:
                raise
            failed = data_error(err)  # on stderr only: stdout gets the help lines
            kb = load_kb(None, shipped_only=True)
        view = maker(kb, mode)
    except NotFound as err:
        return not_found(err, mode.json)
    except DataError as err:
        return data_error(err, mode.json)
    except UsageError as err:
        return usage(err, mode.json)
    if isinstance(view, str):
        output.write(view if view.endswith("\n") else view + "\n")
        return Exit.FOUND
    if p.get("refs"):
        from ..render.doc import full_references

        full_references(view.doc)
    output.show_view(view, mode)
    return view.code if failed is None else failed


# --- the commands -----------------------------------------------------------------------------


def topics(p: Params) -> int:
    """``heroinfacts topics``: every topic, one line each."""
    from .. import views

    return answer(p, lambda: lambda kb, mode: views.topics(kb, not mode.rich and not mode.json))


def show(p: Params) -> int:
    """``heroinfacts show TOPIC``: one topic's facts with their sources."""
    from .. import views

    def make() -> Maker:
        topic = name(p["topic"], "TOPIC")
        assert topic is not None
        return lambda kb, mode: views.show(kb, topic)

    return answer(p, make)


def symptoms(p: Params) -> int:
    """``heroinfacts symptoms [LIST]``: one sign or symptom list, or all of them."""
    from .. import views

    def make() -> Maker:
        chosen = name(p["name"], "LIST")
        return lambda kb, mode: views.symptoms(kb, chosen)

    return answer(p, make)


def define(p: Params) -> int:
    """``heroinfacts define [TERM]``: one glossary term, or the glossary."""
    from .. import views

    def make() -> Maker:
        chosen = name(p["term"], "TERM")
        return lambda kb, mode: views.define(kb, chosen)

    return answer(p, make)


def refs(p: Params) -> int:
    """``heroinfacts refs [ID] [--for TOPIC] [--format FMT]``: references in APA, BibTeX, RIS or
    CSL-JSON."""
    from .. import views

    fmt = p["fmt"]

    def make() -> Maker:
        if fmt not in REF_FORMATS:
            raise UsageError(f"unknown format {fmt!r}. Use one of: " + ", ".join(REF_FORMATS) + ".")
        one, topic = name(p["ref_id"], "ID"), name(p["for_topic"], "TOPIC")

        def build(kb: KnowledgeBase, mode: output.Mode) -> View | str:
            chosen, heading = views.refs(kb, one, topic)
            checks = views.topic_checks(kb.topic(topic)) if topic is not None else None
            view = views.refs_view(kb, chosen, heading, checks)
            if fmt == "apa" or mode.json:
                return view
            from .. import citations

            csl = [r.csl for r in chosen]
            text = {"bibtex": citations.bibtex, "ris": citations.ris}.get(fmt)
            return text(csl) if text else output.json_text(citations.csl_json(csl))

        return build

    return answer(p, make)


def mix(p: Params) -> int:
    """``heroinfacts mix DRUG DRUG``: what the data says about taking the two together."""
    from .. import views

    def make() -> Maker:
        a, b = name(p["first"], "DRUG"), name(p["second"], "DRUG")
        assert a is not None and b is not None
        return lambda kb, mode: views.mix(kb, a, b)

    return answer(p, make)


def help_now(p: Params) -> int:
    """``heroinfacts help-now``: every help line and service."""
    from .. import views

    return answer(p, lambda: lambda kb, mode: views.help_now(kb), help_lines=True)


def about(p: Params) -> int:
    """``heroinfacts about``: versions, checksums, sources and where data and cache live."""
    from .. import views

    def build(kb: KnowledgeBase, mode: output.Mode) -> View:
        from ..cache import PREBUILT_NAME, cache_dir
        from ..sources import NO_CONFIG, config_file, configured_packs, data_location

        cache = kb.cache_path or f"{cache_dir()} (not writable: built in memory)"
        if kb.cache_path and os.path.basename(kb.cache_path) == PREBUILT_NAME:
            cache += " (compiled with the package)"
        info = {
            "packs_from": configured_packs(p.get("pack") or ())[1],
            "config": config_file() or NO_CONFIG,
            "cache": cache,
            "data_path": data_location(),
        }
        return views.about(kb, info)

    return answer(p, lambda: build)


def ask(p: Params) -> int:
    """``heroinfacts ask QUESTION`` (``-`` reads it from standard input): the best answers."""
    from .. import views
    from ..search import engine

    def make() -> Maker:
        question = p["question"]
        if question == ["-"]:  # the question from standard input
            question = [sys.stdin.read()] if sys.stdin else []
        text = name(question, "QUESTION")
        assert text is not None
        return lambda kb, mode: views.ask_view(kb, engine.ask(kb, text))

    # A question may be a cry for help: a pack that cannot be loaded is reported (exit 3), and
    # the answer, with its help lines, comes from the shipped data.
    return answer(p, make, help_lines=True)


def search(p: Params) -> int:
    """``heroinfacts search QUERY [--kind KIND] [--limit N]``: matching entries."""
    from .. import views
    from ..search import engine

    def make() -> Maker:
        text = name(p["query"], "QUERY")
        assert text is not None
        kinds = p.get("kind") or None
        bad = [k for k in kinds or [] if k not in KINDS]
        if bad:
            raise UsageError(f"unknown kind {bad[0]!r}. Use one of: " + ", ".join(KINDS) + ".")
        limit = p["limit"]
        return lambda kb, mode: views.search_view(
            kb, engine.search(kb, text, kinds=kinds, limit=limit)
        )

    return answer(p, make)


# --- the program itself -------------------------------------------------------------------------

DISCLAIMER = (
    "Information, not medical advice. In the US, an overdose is an emergency: call 911. "
    "In a suicidal or mental-health crisis, call or text 988."
)


def welcome(p: Params) -> int:
    """``heroinfacts`` with no command: what to try (``--man``: the man page)."""
    if p.get("man"):
        from ..docgen import man

        output.write(man())
        return Exit.FOUND
    from ..views import welcome as view

    output.show_view(view(DISCLAIMER), mode_of({**p, "quiet": False}))
    return Exit.FOUND


def version(p: Params) -> int:
    """``--version``: the tool's and the shipped data's versions (packs cannot break it)."""
    data: str | None
    try:
        from ..cache import open_kb
        from ..sources import shipped

        data = open_kb([shipped()]).bundle.version
    except Exception:  # the version must print even when the data is broken
        data = None
    if _version_json():
        output.emit_json({"name": "heroinfacts", "version": __version__, "data": data})
    else:
        output.write(f"heroinfacts {__version__} (data {data or 'unavailable'})\n")
    return Exit.FOUND


def _version_json() -> bool:
    """``--json`` (``-j``) given beside ``--version`` on the command line. Both parsers answer
    ``--version`` eagerly, before the other options are read, so it is read here."""
    from .parse import _Defer, _split
    from .table import PROGRAM

    try:
        given, _, _ = _split(PROGRAM.options, sys.argv[1:], interspersed=False)
    except _Defer:
        return False
    return "json_" in given
