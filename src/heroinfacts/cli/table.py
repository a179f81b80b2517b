"""The commands as data: every command's words, options, defaults, help and examples, and the
function that answers it. Nothing here imports Typer.

Three readers take this table: :mod:`heroinfacts.cli.app` builds the Typer app from it (and so
``--help``, shell completion and the README's command reference, which docgen reads from that
app); :mod:`heroinfacts.cli.parse` parses ``sys.argv`` against it on the fast path; and the
tests check that both parsers accept and reject the same invocations. A change to a command is
made here, once.

A command's ``run`` gets the parsed parameters (a dict keyed by each option's and argument's
``dest``) and returns the exit code; :mod:`heroinfacts.cli.lookup`, ``data`` and ``outreach``
hold those functions, imported only when a command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..records import Struct

Params = dict[str, Any]


class Option(Struct):
    """An option: ``--long``/``-s``, a flag or one value (``int``, ``str``, or ``list``:
    repeatable)."""

    dest: str
    long: str
    short: str
    help: str
    kind: str = "flag"  # flag | int | str | list
    metavar: str | None = None
    default: Any = None
    low: int | None = None  # the least and most an int may be
    high: int | None = None
    required: bool = False
    show_default: bool = True

    @property
    def takes_value(self) -> bool:
        """Whether the option is followed by a value (every kind but a flag)."""
        return self.kind != "flag"

    def empty(self) -> Any:
        """The value when the option is not given."""
        if self.kind == "flag":
            return False
        return None if self.kind == "list" else self.default


class Argument(Struct):
    """Positional words: ``most`` None takes any number (a list), 1 takes one (a string)."""

    dest: str
    metavar: str
    help: str
    least: int = 1
    most: int | None = None


class Command(Struct):
    """One command: its name, help (the first paragraph is the summary), an example, its
    arguments and options, and ``run(params) -> exit code``, named as ``module:function``
    under :mod:`heroinfacts.cli` so that the table imports nothing heavy."""

    name: str
    help: str
    example: str
    arguments: tuple[Argument, ...]
    options: tuple[Option, ...]
    run: str
    #: Answered by the fast path (no Typer) when the arguments parse.
    fast: bool = True
    #: Its output is a function of (arguments, mode, data, version): stored on a terminal.
    stored: bool = True

    def function(self) -> Callable[[Params], int]:
        """The function that answers this command."""
        from importlib import import_module

        module, name = self.run.split(":")
        fn: Callable[[Params], int] = getattr(import_module(f"heroinfacts.cli.{module}"), name)
        return fn


# --- the options most commands take ---------------------------------------------------------

JSON = Option("json_", "--json", "-j", "Print one JSON document on stdout (e.g. --json).")
PLAIN = Option("plain", "--plain", "-p", "Plain text: no colour, no boxes (e.g. --plain).")
NO_COLOR = Option("no_color", "--no-color", "-C", "No colour; NO_COLOR=1 does the same.")
WIDTH = Option(
    "width", "--width", "-w", "Wrap at N columns (e.g. -w 60).", "int", "N", None, 20, 1000
)
PACK = Option(
    "pack",
    "--pack",
    "-P",
    "Add a local pack (repeatable; e.g. --pack ./ours.yaml).",
    "list",
    "PATH",
)
QUIET = Option("quiet", "--quiet", "-q", "Fewer notices on stderr; help lines are always shown.")
VERSION = Option("version", "--version", "-V", "Print the tool and data versions and exit.")
REFS = Option(
    "refs",
    "--refs",
    "-r",
    "On a terminal too, the references in full (APA), not in short (e.g. --refs).",
)
MAN = Option("man", "--man", "", "Print the man page (e.g. heroinfacts --man | man -l -).")

#: Every lookup takes these, after its own.
COMMON = (JSON, PLAIN, NO_COLOR, WIDTH, PACK, QUIET)
#: Given before the command, they apply to it (``heroinfacts --plain topics``).
ROOT = (VERSION, JSON, PLAIN, NO_COLOR, WIDTH, MAN)

KINDS = ("fact", "topic", "list", "item", "term", "interaction", "resource", "reference")
REF_FORMATS = ("apa", "bibtex", "ris", "csl-json")

PROGRAM = Command(
    "",
    "Offline, cited facts about heroin, opioids, depressants and depression.\n\n"
    "Options given before a command apply to it (heroinfacts --plain topics).\n\n"
    "Example: heroinfacts show heroin",
    "heroinfacts show heroin",
    (),
    ROOT,
    "lookup:welcome",
)


def _lookup(
    name: str,
    help: str,
    example: str,
    arguments: tuple[Argument, ...] = (),
    own: tuple[Option, ...] = (),
) -> Command:
    return Command(
        name, help, example, arguments, (*own, *COMMON), f"lookup:{name.replace('-', '_')}"
    )


COMMANDS: tuple[Command, ...] = (
    _lookup(
        "topics",
        "List every topic. Piped: one line per topic, its id and title split by a tab.",
        "heroinfacts topics | cut -f1",
    ),
    _lookup(
        "show",
        "Show a topic: summary, cited facts, help lines where needed, references.",
        "heroinfacts show going on the nod",
        (Argument("topic", "TOPIC...", "Topic id or alias, e.g. heroin, smack."),),
        (REFS,),
    ),
    _lookup(
        "symptoms",
        "Show a sign or symptom list as a checklist, with its sources.",
        "heroinfacts symptoms depression",
        (
            Argument(
                "name", "[LIST]", "A list id or alias, e.g. depression. Omit to see the lists.", 0
            ),
        ),
        (REFS,),
    ),
    _lookup(
        "define",
        "Define a term from the glossary, with its source.",
        "heroinfacts define gaba",
        (Argument("term", "[TERM]", "A glossary term, e.g. tolerance. Omit to list them.", 0),),
        (REFS,),
    ),
    _lookup(
        "refs",
        "List the references, numbered, in APA style or as BibTeX, RIS or CSL-JSON.",
        "heroinfacts refs --for heroin --format bibtex",
        (
            Argument(
                "ref_id", "[ID]", "One reference id, e.g. nida-2018-heroin. Omit for all.", 0, 1
            ),
        ),
        (
            Option(
                "for_topic",
                "--for",
                "-f",
                "Only those a topic cites (e.g. --for heroin).",
                "str",
                "TOPIC",
            ),
            Option(
                "fmt",
                "--format",
                "-F",
                "apa, bibtex, ris or csl-json (e.g. -F ris).",
                "str",
                None,
                "apa",
            ),
        ),
    ),
    _lookup(
        "mix",
        "What the sources say about taking two drugs together. No data is not the same as safe.",
        "heroinfacts mix heroin xanax",
        (
            Argument("first", "DRUG", "A drug or class, e.g. heroin.", 1, 1),
            Argument("second", "DRUG", "Another, e.g. xanax or benzos.", 1, 1),
        ),
        (REFS,),
    ),
    _lookup(
        "help-now",
        "Help lines and services: call, text, chat, hours, languages (local ones too).",
        "heroinfacts help-now --json",
    ),
    Command(
        "validate",
        "Check data files; each problem prints as file:line: message (exit 3 if any).",
        "heroinfacts validate examples/pack.yaml",
        (
            Argument(
                "paths",
                "[PATH]...",
                "Data files or packs to check. Omit to check the shipped data and your packs.",
                0,
            ),
        ),
        (JSON, PACK, QUIET),
        "data:validate",
        fast=False,
        stored=False,
    ),
    _lookup(
        "about",
        "Versions, data checksum, license, disclaimer, and where data and caches live.",
        "heroinfacts about --json",
    ),
    _lookup(
        "ask",
        "Answer a plain question: the best fact first, with its sources.",
        'heroinfacts ask "is smack a downer"',
        (
            Argument(
                "question",
                "QUESTION...",
                "A question in your own words, e.g. why do i feel low after quitting; "
                "- reads it from standard input.",
            ),
        ),
        (REFS,),
    ),
    _lookup(
        "search",
        "Search everything: topics, facts, lists, terms, help lines and references.",
        "heroinfacts search gaba --kind term --limit 5",
        (Argument("query", "QUERY...", "Words to look for, e.g. benzos."),),
        (
            Option(
                "kind",
                "--kind",
                "-k",
                "Only these kinds (repeatable): " + ", ".join(KINDS) + ".",
                "list",
                "KIND",
            ),
            Option(
                "limit", "--limit", "-n", "At most N results (e.g. -n 5).", "int", "N", 10, 1, 500
            ),
            REFS,
        ),
    ),
    Command(
        "handout",
        "Write a printable handout: cited facts, help lines (national and local), QR codes.\n\n"
        "The suffix of FILE picks the format: .html is one self-contained page to print (one "
        "or two\nLetter or A4 pages), .md is Markdown, .txt is plain text at 80 columns.",
        "heroinfacts handout heroin-and-depression overdose -o handout.html",
        (
            Argument(
                "topic",
                "TOPIC",
                "Topics (ids or aliases; sign lists work too), e.g. heroin-and-depression "
                "overdose.",
            ),
        ),
        (
            Option(
                "output",
                "--output",
                "-o",
                "The file to write; its suffix picks the format: .html, .md or .txt "
                "(e.g. -o a.html).",
                "str",
                "FILE",
                None,
                required=True,
                show_default=False,
            ),
            Option(
                "force",
                "--force",
                "-f",
                "Replace FILE if it exists, keeping its permissions (e.g. --force).",
            ),
            Option(
                "title",
                "--title",
                "-t",
                'A heading instead of the topic titles (e.g. -t "Staying safe").',
                "str",
                "TEXT",
            ),
            JSON,
            PACK,
            QUIET,
        ),
        "outreach:handout",
        fast=False,
        stored=False,
    ),
    Command(
        "verify",
        "Check the shipped data against its recorded SHA-256 checksum (exit 3 if it differs).\n\n"
        "Use it on a copy passed on by USB stick or e-mail. It catches damage and careless "
        "edits; to\nrule out a deliberate change, compare the checksum it prints with one "
        "published by the\npeople you got heroinfacts from.",
        "heroinfacts verify --json",
        (),
        (JSON, QUIET),
        "outreach:verify",
        stored=False,  # it also checks the compiled cache, which is not in the key
    ),
)

BY_NAME = {c.name: c for c in COMMANDS}

#: The order ``--help`` and the README list the commands in: by use, the first things people
#: type first, not alphabetically.
BY_USE: tuple[Command, ...] = tuple(
    BY_NAME[name]
    for name in (
        "ask", "show", "help-now", "symptoms", "define", "mix", "search", "topics", "refs",
        "handout", "about", "validate", "verify",
    )
)  # fmt: skip
