"""Plain text: no colour, no escape codes, no box drawing; wrapped to a width.

Used when stdout is not a terminal, with ``--plain``, and for ``.txt`` handouts. Imports nothing
heavy, so piped output stays fast.
"""

from __future__ import annotations

import textwrap

from .doc import (
    Block,
    Bullets,
    Callout,
    Doc,
    Heading,
    IconArray,
    Line,
    Para,
    References,
    Rows,
    Table,
    Title,
    clean,
)

FILLED, EMPTY = "\u25cf", "\u25cb"  # ● ○


def icons(numerator: int, denominator: int, ascii_only: bool = False) -> str:
    """A proportion as a row of filled and empty circles (``#`` and ``.`` with ``ascii_only``)."""
    full, empty = ("#", ".") if ascii_only else (FILLED, EMPTY)
    return full * numerator + empty * (denominator - numerator)


def text_of(line: Line) -> str:
    """A line's text without its styles, made safe to print."""
    return clean("".join(t for t, _ in line))


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    rest = " " * len(first) if rest is None else rest
    return textwrap.wrap(
        text, width=max(width, len(first) + 10), initial_indent=first, subsequent_indent=rest,
        break_long_words=False, break_on_hyphens=False,  # URLs and checksums stay whole
    ) or [first.rstrip()]  # fmt: skip


def _block(block: Block, width: int, ascii_only: bool) -> list[str]:
    if isinstance(block, Title):
        out = _wrap(clean(block.text), width)
        return out + (_wrap(clean(block.subtitle), width) if block.subtitle else [])
    if isinstance(block, Heading):
        return _wrap(clean(block.text), width)
    if isinstance(block, Para):
        return _wrap(text_of(block.line), width)
    if isinstance(block, Bullets):
        out = []
        for i, item in enumerate(block.items, 1):
            mark = {"bullet": "- ", "check": "[ ] ", "number": f"{i}. "}[block.marker]
            out += _wrap(text_of(item), width, mark)
        return out
    if isinstance(block, IconArray):
        pic = icons(*block.figures, ascii_only)
        return _wrap(f"{pic}  {clean(block.wording)}", width, "  ")
    if isinstance(block, Table):
        return _table(block, width)
    if isinstance(block, Callout):
        out = _wrap(clean(block.title), width)
        for inner in block.body:  # the body indented under its title
            out += [f"  {line}" if line else line for line in _block(inner, width - 2, ascii_only)]
        return out
    if isinstance(block, References):
        out = _wrap(clean(block.title), width)
        for n, segs in block.entries:
            out += _wrap(clean("".join(t for t, _ in segs)), width, f"[{n}] ")
        return out
    if isinstance(block, Rows):
        return ["\t".join(clean(c) for c in row) for row in block.rows]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _table(table: Table, width: int) -> list[str]:
    cells = [[text_of(c) for c in row] for row in table.rows]
    if len(table.headers) == 2:
        key_w = min(max((len(r[0]) for r in cells), default=0), width // 3)
        out = []
        for key, value in cells:
            if len(key) > key_w:
                out += _wrap(key, width)
                out += _wrap(value, width, " " * (key_w + 2))
            else:
                out += _wrap(value, width, key.ljust(key_w) + "  ")
        return out
    return [" | ".join(r) for r in cells]


def render(doc: Doc, width: int = 80, ascii_only: bool = False) -> str:
    """The document as plain text lines, blocks separated by blank lines (rows kept together)."""
    parts: list[str] = []
    for block in doc.blocks:
        lines = _block(block, width, ascii_only)
        if parts and not isinstance(block, Rows):
            parts.append("")
        parts.extend(lines)
    return "\n".join(parts) + "\n" if parts else ""
