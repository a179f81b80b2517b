"""On a terminal a page lists its references in short (authors, year, title; one line each
where that fits), with the way to the full list in the heading; ``--refs`` gives the full APA
list there too; piped plain text, JSON and handouts always give it in full (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cli_support import Run

from heroinfacts.citations import apa, short_form
from heroinfacts.render.term import FULL_HINT

Human = Callable[..., Run]
#: Every command that cites, with the words it takes.
CITING = [
    ["show", "heroin"],
    ["show", "overdose"],
    ["symptoms", "depression"],
    ["define", "gaba"],
    ["mix", "heroin", "xanax"],
    ["ask", "is smack a downer"],
    ["search", "gaba"],
]
#: Rows of an 80x24 screen left when the shell prompt takes the last one.
ROWS = 23


def _references(text: str) -> list[str]:
    """The lines of the reference list: from its heading to the blank line after it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("References"))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


@pytest.mark.parametrize("args", CITING, ids=["-".join(a) for a in CITING])
def test_a_terminal_lists_references_in_short_and_refs_in_full(
    human: Human, cli: Callable[..., Run], args: list[str]
) -> None:
    short = human(*args, code=0).stdout
    full = human(*args, "--refs", code=0).stdout
    piped = cli(*args, code=0).stdout
    listed = _references(short)
    assert FULL_HINT in listed[0]
    assert FULL_HINT not in full and FULL_HINT not in piped
    assert _references(full)[0] == listed[0].replace(" " + FULL_HINT, "")
    assert "http" not in "".join(listed)  # no links in the short form
    assert len(listed) < len(_references(full))
    # piped keeps the full APA list (its links not folded)
    assert "".join("".join(_references(piped)).split()) == "".join(
        "".join(_references(full)).split()
    )


def test_each_short_reference_takes_one_line_at_80_columns(human: Human) -> None:
    from heroinfacts.cache import open_kb
    from heroinfacts.sources import data_files

    kb = open_kb(data_files(()))
    for topic in kb.topics():
        page = human("show", topic.id, code=0).stdout
        listed = _references(page)[1:]
        assert [line[:1] for line in listed] == ["["] * len(listed), (topic.id, listed)
        assert len(listed) == len(dict.fromkeys(topic.cites)), topic.id


def test_the_short_form_is_authors_year_and_title() -> None:
    two = {
        "author": [{"family": "McIntosh"}, {"family": "Ritson"}],
        "issued": {"date-parts": [[2001]]},
        "title": "Treating depression",
    }
    many = {"author": [{"family": "A"}, {"family": "B"}, {"family": "C"}], "title": "T?"}
    org = {"author": [{"literal": "National Institute on Drug Abuse"}], "title": "Heroin"}
    none = {"title": "[A web page]", "issued": {"date-parts": [[2019]]}}
    assert short_form(two) == ("McIntosh & Ritson (2001).", "Treating depression.", "")
    assert short_form(many) == ("A et al. (n.d.).", "T?", "")
    assert short_form(org) == ("National Institute on Drug Abuse (n.d.).", "Heroin.", "")
    assert short_form(none) == ("", "[A web page]", " (2019).")
    assert short_form({}) == ("", "", " (n.d.).")
    assert apa(org).startswith("National Institute on Drug Abuse. (n.d.). Heroin")


def test_a_long_title_is_cut_at_a_word_to_keep_one_line(human: Human) -> None:
    page = human("show", "overdose", code=0).stdout
    listed = _references(page)[1:]
    cut = [line for line in listed if line.endswith("…")]
    assert cut, listed
    assert all(len(line) <= 80 for line in listed)
    assert "[1] Substance Abuse and Mental Health Services Administration (n.d.). SAMHSA…" in listed


#: Topic pages that fit on an 80x24 screen, help lines and all (the others page through less).
FITS = ("opioids", "scheduling")


@pytest.mark.parametrize("topic", FITS)
def test_short_topic_pages_fit_on_80x24(human: Human, topic: str) -> None:
    page = human("show", topic, code=0).stdout.splitlines()
    assert len(page) <= ROWS, "\n".join(page)
    assert len(human("show", topic, "--refs", code=0).stdout.splitlines()) > len(page)
