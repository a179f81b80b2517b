"""The command line: parse arguments, call the library, pick a renderer, map errors to exit codes.

Exit codes: 0 found, 1 nothing found, 2 usage error, 3 invalid data, 70 internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import output
from ._version import __version__
from .errors import DataError, NotFound, UsageError

# Options every command takes: imported into this module's globals, where Typer reads them.
from .options import JsonOpt, NoColorOpt, PackOpt, PlainOpt, QuietOpt, WidthOpt
from .render.doc import short

if TYPE_CHECKING:
    from .store import KnowledgeBase
    from .views import View

EXIT_FOUND, EXIT_NOTHING, EXIT_USAGE, EXIT_DATA, EXIT_INTERNAL = 0, 1, 2, 3, 70

app = typer.Typer(
    name="heroinfacts",  # the help text is main_callback's docstring, example included
    invoke_without_command=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Opts:
    json: bool = False
    plain: bool = False
    no_color: bool = False
    width: int | None = None
    packs: list[str] | None = None
    quiet: bool = False

    def mode(self) -> output.Mode:
        return output.decide(
            json_out=self.json,
            plain=self.plain,
            no_color=self.no_color,
            width=self.width,
            quiet=self.quiet,
        )


ERROR_TYPES = {1: "not-found", 2: "usage", 3: "invalid-data"}


def fail(
    code: int, text: str, *, json_out: bool = False, message: str | None = None, **detail: Any
) -> typer.Exit:
    """Print ``text`` on stderr; the exception to raise with ``code``. With ``json_out``, stdout
    gets one JSON document too: ``{"error": {"code", "type", "message", ...detail}}``, the
    message being the first line of ``text`` without the program name unless given."""
    if json_out:
        if message is None:
            first = text.splitlines()[0] if text else ""
            message = first.removeprefix("heroinfacts: ")
        kind = ERROR_TYPES.get(code, "error")
        output.emit_json({"error": {"code": code, "type": kind, "message": message, **detail}})
    output.message(text)
    return typer.Exit(code)


LISTING = {"topic": "topics", "list": "symptoms", "term": "define", "reference": "refs"}


def _not_found(err: NotFound) -> str:
    """Nothing matched: what was asked, where to look, and the best guess last."""
    lines = [f"heroinfacts: no {err.kind} called {short(err.name)!r}."]
    if err.kind == "drug":
        lines.append("No data is not the same as safe: ask a pharmacist or doctor before mixing.")
    elif err.kind in LISTING:
        lines.append(f"See them all: heroinfacts {LISTING[err.kind]}")
    if err.suggestions:
        lines.append("Did you mean: " + ", ".join(err.suggestions) + "?")
    return "\n".join(lines)


def load_kb(opts: Opts) -> KnowledgeBase:
    from .cache import open_kb
    from .sources import data_files

    kb = open_kb(data_files(opts.packs or ()), progress=_progress())
    output.override_notice(kb.overrides)  # every run, even with --quiet
    return kb


def _progress() -> Callable[[str, float], None] | None:
    """A progress bar on stderr for slow builds (large packs), only on a terminal."""
    if not sys.stderr or not sys.stderr.isatty():
        return None
    from .progress import Reporter

    return Reporter()


def _not_found_exit(err: NotFound, json_out: bool) -> typer.Exit:
    return fail(
        EXIT_NOTHING,
        _not_found(err),
        json_out=json_out,
        what=err.kind,
        name=err.name,
        suggestions=list(err.suggestions),
    )


def _data_error(err: DataError, json_out: bool = False) -> typer.Exit:
    lines = [str(p) for p in err.problems[:20]]
    if len(err.problems) > 20:
        lines.append(f"... and {len(err.problems) - 20} more; run: heroinfacts validate")
    lines.append("heroinfacts: the data above is invalid; fix it or leave that pack out.")
    problems = [{"file": p.file, "line": p.line, "message": p.message} for p in err.problems]
    return fail(
        EXIT_DATA,
        "\n".join(lines),
        json_out=json_out,
        message="the data is invalid; fix it or leave that pack out.",
        problems=problems,
    )


def run(opts: Opts, make: Callable[[KnowledgeBase], View]) -> None:
    """Load, build the view, print it in the chosen mode, and exit with its code."""
    mode = opts.mode()
    try:
        kb = load_kb(opts)
        view = make(kb)
    except NotFound as err:
        raise _not_found_exit(err, mode.json) from None
    except DataError as err:
        raise _data_error(err, mode.json) from None
    except UsageError as err:
        raise fail(EXIT_USAGE, f"heroinfacts: {err}", json_out=mode.json) from None
    output.show_view(view, mode)
    raise typer.Exit(view.code)


def _name(words: list[str] | None, what: str, json_out: bool = False) -> str | None:
    if not words:
        return None
    name = " ".join(words).strip()
    if not name:
        raise fail(
            EXIT_USAGE,
            f"heroinfacts: {what} is empty. Give a name, e.g. heroin.",
            json_out=json_out,
        )
    return name


def _version_callback(value: bool) -> None:
    if value:
        try:
            from .cache import open_kb
            from .sources import shipped

            data = open_kb([shipped()]).bundle.version  # packs cannot break --version
        except Exception:  # the version must print even when the data is broken
            data = "unavailable"
        output.write(f"heroinfacts {__version__} (data {data})\n")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version_callback,
            is_eager=True,
            help="Print the tool and data versions and exit.",
        ),
    ] = False,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
) -> None:
    """Offline, cited facts about heroin, opioids, depressants and depression.

    Options given before a command apply to it (heroinfacts --plain topics).

    Example: heroinfacts show heroin
    """
    given = {"json_": json_, "plain": plain, "no_color": no_color, "width": width}
    given = {k: v for k, v in given.items() if v}
    if ctx.invoked_subcommand is None:
        from .views import welcome

        disclaimer = (
            "Information, not medical advice. In the US, an overdose is an emergency: call 911. "
            "In a suicidal or mental-health crisis, call or text 988."
        )
        output.show_view(welcome(disclaimer), Opts(json_, plain, no_color, width).mode())
        raise typer.Exit(0)
    if given:  # the command's own defaults: a command without such an option ignores it
        ctx.default_map = {ctx.invoked_subcommand: given}


@app.command(epilog="Example: heroinfacts topics | cut -f1")
def topics(
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """List every topic. Piped: one line per topic, its id and title split by a tab."""
    from .views import topics as view

    opts = Opts(json_, plain, no_color, width, pack, quiet)
    machine = not opts.mode().rich and not opts.json
    run(opts, lambda kb: view(kb, machine))


@app.command(epilog="Example: heroinfacts show going on the nod")
def show(
    topic: Annotated[
        list[str],
        typer.Argument(
            help="Topic id or alias, e.g. heroin, smack.", show_default=False, metavar="TOPIC..."
        ),
    ],
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Show a topic: summary, cited facts, help lines where needed, references."""
    from .views import show as view

    name = _name(topic, "TOPIC", json_)
    assert name is not None
    opts = Opts(json_, plain, no_color, width, pack, quiet)
    mode = opts.mode()
    if mode.rich:
        from . import pages

        try:
            pages.show_cached(opts.packs or (), name, mode, lambda: _show_fresh(opts, view, name))
        except DataError as err:
            raise _data_error(err) from None
        except UsageError as err:  # a broken config file
            raise fail(EXIT_USAGE, f"heroinfacts: {err}") from None
        raise typer.Exit(0)
    run(opts, lambda kb: view(kb, name))


def _show_fresh(opts: Opts, view: Callable[[KnowledgeBase, str], View], name: str) -> str:
    """Render ``show`` for the page cache; errors exit as usual."""
    mode = opts.mode()
    try:
        kb = load_kb(opts)
        v = view(kb, name)
    except NotFound as err:
        raise fail(EXIT_NOTHING, _not_found(err)) from None
    except DataError as err:
        raise _data_error(err) from None
    return output.render_doc(v.doc, mode)


@app.command(epilog="Example: heroinfacts symptoms depression")
def symptoms(
    name: Annotated[
        list[str] | None,
        typer.Argument(
            help="A list id or alias, e.g. depression. Omit to see the lists.",
            show_default=False,
            metavar="[LIST]",
        ),
    ] = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Show a sign or symptom list as a checklist, with its sources."""
    from .views import symptoms as view

    chosen = _name(name, "LIST", json_)
    run(Opts(json_, plain, no_color, width, pack, quiet), lambda kb: view(kb, chosen))


@app.command(epilog="Example: heroinfacts define gaba")
def define(
    term: Annotated[
        list[str] | None,
        typer.Argument(
            help="A glossary term, e.g. tolerance. Omit to list them.",
            show_default=False,
            metavar="[TERM]",
        ),
    ] = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Define a term from the glossary, with its source."""
    from .views import define as view

    chosen = _name(term, "TERM", json_)
    run(Opts(json_, plain, no_color, width, pack, quiet), lambda kb: view(kb, chosen))


REF_FORMATS = ("apa", "bibtex", "ris", "csl-json")


@app.command(epilog="Example: heroinfacts refs --for heroin --format bibtex")
def refs(
    ref_id: Annotated[
        str | None,
        typer.Argument(
            help="One reference id, e.g. nida-2018-heroin. Omit for all.",
            show_default=False,
            metavar="[ID]",
        ),
    ] = None,
    for_topic: Annotated[
        str | None,
        typer.Option(
            "--for", "-f", help="Only those a topic cites (e.g. --for heroin).", metavar="TOPIC"
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-F", help="apa, bibtex, ris or csl-json (e.g. -F ris).")
    ] = "apa",
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """List the references, numbered, in APA style or as BibTeX, RIS or CSL-JSON."""
    from . import citations
    from .views import refs as choose
    from .views import refs_view, topic_checks

    opts = Opts(json_, plain, no_color, width, pack, quiet)
    if fmt not in REF_FORMATS:
        raise fail(
            EXIT_USAGE,
            f"heroinfacts: unknown format {fmt!r}. Use one of: " + ", ".join(REF_FORMATS) + ".",
            json_out=opts.json,
        )

    one = _name([ref_id], "ID", json_) if ref_id is not None else None
    topic = _name([for_topic], "TOPIC", json_) if for_topic is not None else None

    def make(kb: KnowledgeBase) -> View:
        chosen, heading = choose(kb, one, topic)
        checks = topic_checks(kb.topic(topic)) if topic is not None else None
        view = refs_view(kb, chosen, heading, checks)
        if fmt != "apa" and not opts.json:
            csl = [r.csl for r in chosen]
            text = {"bibtex": citations.bibtex, "ris": citations.ris}.get(fmt)
            raw = text(csl) if text else output.json_text(citations.csl_json(csl))
            output.write(raw if raw.endswith("\n") else raw + "\n")
            raise typer.Exit(0)
        return view

    run(opts, make)


@app.command(epilog="Example: heroinfacts mix heroin xanax")
def mix(
    first: Annotated[
        str,
        typer.Argument(help="A drug or class, e.g. heroin.", show_default=False, metavar="DRUG"),
    ],
    second: Annotated[
        str,
        typer.Argument(help="Another, e.g. xanax or benzos.", show_default=False, metavar="DRUG"),
    ],
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """What the sources say about taking two drugs together. No data is not the same as safe."""
    from .views import mix as view

    a, b = _name([first], "DRUG", json_), _name([second], "DRUG", json_)
    assert a is not None and b is not None
    run(Opts(json_, plain, no_color, width, pack, quiet), lambda kb: view(kb, a, b))


@app.command("help-now", epilog="Example: heroinfacts help-now --json")
def help_now(
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Help lines and services: call, text, chat, hours, languages (local ones too)."""
    from .views import help_now as view

    run(Opts(json_, plain, no_color, width, pack, quiet), view)


@app.command(epilog="Example: heroinfacts validate examples/pack.yaml")
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Data files or packs to check. Omit to check the shipped data and your packs.",
            show_default=False,
            metavar="[PATH]...",
        ),
    ] = None,
    json_: JsonOpt = False,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check data files; each problem prints as file:line: message (exit 3 if any)."""
    from .checking import validate_report
    from .sources import configured_packs

    try:
        chosen = list(paths or []) or configured_packs(pack or ())[0]
    except UsageError as err:
        raise fail(EXIT_USAGE, f"heroinfacts: {err}", json_out=json_) from None
    problems, warnings = validate_report(chosen)
    checked = chosen or ["data/facts.yaml"]
    if json_:
        output.emit_json(
            {
                "valid": not problems,
                "files": checked,
                "problems": [
                    {"file": p.file, "line": p.line, "message": p.message} for p in problems
                ],
                "warnings": [
                    {"file": p.file, "line": p.line, "message": p.message} for p in warnings
                ],
            }
        )
    else:
        from .render.doc import clean

        output.write("".join(clean(str(p)) + "\n" for p in [*problems, *warnings]))
        if not quiet:
            n, w = len(problems), len(warnings)
            also = f" ({w} warning{'s' * (w != 1)})" if w else ""
            output.message(
                f"{n} problem{'s' * (n != 1)} in {', '.join(checked)}{also}."
                if n
                else f"OK: {', '.join(checked)} valid{also}."
            )
    raise typer.Exit(EXIT_DATA if problems else EXIT_FOUND)


@app.command(epilog="Example: heroinfacts about --json")
def about(
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Versions, data checksum, license, disclaimer, and where data and caches live."""
    from .cache import cache_dir
    from .sources import config_path, configured_packs, data_location
    from .views import about as view

    opts = Opts(json_, plain, no_color, width, pack, quiet)

    def make(kb: KnowledgeBase) -> View:
        info = {
            "packs_from": configured_packs(pack or ())[1],
            "config": str(config_path()),
            "cache": kb.cache_path or f"{cache_dir()} (not writable: built in memory)",
            "data_path": data_location(),
        }
        return view(kb, info)

    run(opts, make)


KINDS = ("fact", "topic", "list", "item", "term", "interaction", "resource", "reference")


@app.command(epilog='Example: heroinfacts ask "is smack a downer"')
def ask(
    question: Annotated[
        list[str],
        typer.Argument(
            help="A question in your own words, e.g. why do i feel low after quitting; "
            "- reads it from standard input.",
            show_default=False,
            metavar="QUESTION...",
        ),
    ],
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Answer a plain question: the best fact first, with its sources."""
    from .search import engine
    from .views import ask_view

    if question == ["-"]:  # the question from standard input
        question = [sys.stdin.read()] if sys.stdin else []
    text = _name(question, "QUESTION", json_)
    assert text is not None
    run(
        Opts(json_, plain, no_color, width, pack, quiet),
        lambda kb: ask_view(kb, engine.ask(kb, text)),
    )


@app.command("search", epilog="Example: heroinfacts search gaba --kind term --limit 5")
def search_cmd(
    query: Annotated[
        list[str],
        typer.Argument(
            help="Words to look for, e.g. benzos.", show_default=False, metavar="QUERY..."
        ),
    ],
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only these kinds (repeatable): " + ", ".join(KINDS) + ".",
            metavar="KIND",
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", min=1, max=500, metavar="N", help="At most N results (e.g. -n 5)."
        ),
    ] = 10,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    no_color: NoColorOpt = False,
    width: WidthOpt = None,
    pack: PackOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Search everything: topics, facts, lists, terms, help lines and references."""
    from .search import engine
    from .views import search_view

    text = _name(query, "QUERY", json_)
    assert text is not None
    bad = [k for k in kind or [] if k not in KINDS]
    if bad:
        raise fail(
            EXIT_USAGE,
            f"heroinfacts: unknown kind {bad[0]!r}. Use one of: " + ", ".join(KINDS) + ".",
            json_out=json_,
        )
    run(
        Opts(json_, plain, no_color, width, pack, quiet),
        lambda kb: search_view(kb, engine.search(kb, text, kinds=kind or None, limit=limit)),
    )


def _register_outreach() -> None:
    from .cli_outreach import register

    register(app)


_register_outreach()


def main() -> None:
    """Console entry point: never a traceback unless HEROINFACTS_DEBUG=1."""
    from .entry import main as entry_main

    entry_main(app)


if __name__ == "__main__":  # pragma: no cover
    main()
