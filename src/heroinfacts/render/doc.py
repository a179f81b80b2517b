"""A small document model that every human-facing output is built from.

Views build a :class:`Doc` once; the plain, terminal (rich) and handout renderers each turn it
into their own form. Text in a Doc is always literal: no renderer interprets markup in it.
"""

from __future__ import annotations

import re
from typing import Union

from ..records import Struct, field

#: Styles a span may carry; each renderer maps them to its own means (or ignores them).
STYLES = ("bold", "italic", "dim", "cite", "id", "hl", "warn", "danger", "ok", "link", "cmd")

Span = tuple[str, str]  # (text, style or "")
Line = list[Span]

#: Characters a terminal acts on or that hide or reorder text: C0 and C1 controls (but tab and
#: line feed), zero-width and bidi controls, line and paragraph separators, invisible operators,
#: deprecated format characters, the byte order mark, the combining grapheme joiner, the Arabic
#: letter mark and tag characters.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u034f\u061c\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\U000e0000-\U000e007f]"
)
_LINE_BREAKS = str.maketrans({"\t": "\\t", "\n": "\\n"})


def clean(text: str) -> str:
    """Text safe to print: control characters (escape sequences, bidi overrides) made visible."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def clean_line(text: str) -> str:
    """:func:`clean`, and tabs and line breaks shown as ``\\t`` and ``\\n`` too: for a value
    printed inside one line (a file name), which must not start another."""
    return clean(text.translate(_LINE_BREAKS))


def short(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message: a 100 KB name is not echoed whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Title(Struct, frozen=False):
    """The page's title, with a line under it."""

    text: str
    subtitle: str | None = None


class Heading(Struct, frozen=False):
    """A section heading."""

    text: str


class Para(Struct, frozen=False):
    """A paragraph: one line of styled spans."""

    line: Line
    style: str = ""  # "dim" for footnotes


class Bullets(Struct, frozen=False):
    """A list of lines, each with a bullet, a check box or a number."""

    items: list[Line]
    marker: str = "bullet"  # bullet | check | number


#: How many figures an icon array is drawn with, first choice first.
FIGURE_COUNTS = (10, 20)


def figures(numerator: int, denominator: int) -> tuple[int, int]:
    """``numerator`` in ``denominator`` as (filled, total) over 10 or 20 figures when that is
    exact, else unchanged (a proportion such as 7 in 100 keeps its 100)."""
    if denominator > 0:
        for total in FIGURE_COUNTS:
            if (numerator * total) % denominator == 0:
                return numerator * total // denominator, total
    return numerator, denominator


class IconArray(Struct, frozen=False):
    """``numerator`` in ``denominator``, drawn as filled and empty icons, with its sentence."""

    numerator: int
    denominator: int
    wording: str

    @property
    def figures(self) -> tuple[int, int]:
        """(filled, total) as drawn: the proportion over 10 figures, or 20, when it comes out
        whole, so "1 in 2" reads as 5 of 10 and "1 in 4" as 5 of 20; else as given."""
        return figures(self.numerator, self.denominator)


class Table(Struct, frozen=False):
    """Rows of cells under headers; each cell is one line of spans."""

    headers: list[str]
    rows: list[list[Line]]


class Callout(Struct, frozen=False):
    """A boxed notice: crisis help, a warning, a "no data is not safe" message."""

    title: str
    body: list[Block]
    tone: str = "help"  # help | danger | warn


class References(Struct, frozen=False):
    """Numbered references: each entry is APA segments (text, italic). With ``brief`` (one
    (authors and year, title, tail) per entry, :func:`heroinfacts.citations.short_form`), a
    terminal lists them in that short form, one line each; plain text, JSON and handouts always
    give the full entries."""

    entries: list[tuple[int, list[tuple[str, bool]]]]
    title: str = "References"
    brief: list[tuple[str, str, str]] | None = None


def full_references(doc: Doc) -> Doc:
    """``doc`` with every reference list in full on a terminal too (``--refs``)."""
    for block in doc.blocks:
        if isinstance(block, References):
            block.brief = None
    return doc


class Rows(Struct, frozen=False):
    """Tab-separated machine rows for plain mode (``topics`` piped): nothing else is printed."""

    rows: list[list[str]]


Block = Union[Title, Heading, Para, Bullets, IconArray, Table, Callout, References, Rows]  # noqa: UP007 (a runtime alias on 3.10)


class Doc(Struct, frozen=False):
    """A page: blocks in order, built once by a view and rendered by each renderer."""

    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Doc:
        """Add ``blocks`` at the end; the document itself, so calls chain."""
        self.blocks.extend(blocks)
        return self
