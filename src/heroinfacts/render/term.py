"""Terminal output with rich: colour and layout, never markup interpretation.

Every string goes into a :class:`rich.text.Text` as literal text (``markup=False`` everywhere), so
``[bold]x`` in data or input prints as ``[bold]x``.
"""

from __future__ import annotations

import textwrap
from typing import IO, TYPE_CHECKING, Any

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
from .plain import EMPTY, FILLED

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

STYLE = {
    "bold": "bold",
    "italic": "italic",
    "dim": "dim",
    "cite": "cyan",
    "id": "dim cyan",
    "hl": "bold black on yellow",
    "warn": "yellow",
    "danger": "bold red",
    "ok": "green",
    "link": "underline blue",
    "cmd": "green",
    "": "",
}
TONE = {"help": "green", "danger": "red", "warn": "yellow"}
MARK = {"bullet": "•", "check": "☐", "number": ""}


def console(
    file: IO[str], width: int, color_system: str | None, *, ascii_only: bool = False
) -> Console:
    """A rich console writing to ``file`` at ``width`` columns, in ``color_system`` (None: no
    colour)."""
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        color_system=color_system,  # type: ignore[arg-type]
        force_terminal=True,
        no_color=color_system is None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
        safe_box=ascii_only,
    )


def _text(line: Line, base: str = "") -> Text:
    from rich.text import Text

    out = Text(style=base)
    for chunk, style in line:
        out.append(clean(chunk), style=STYLE.get(style, ""))
    return out


def _grid(rows: list[tuple[Text, Text]], key_width: int | None = None) -> RenderableType:
    from rich.table import Table as RTable

    grid = RTable.grid(padding=(0, 1) if key_width is None else (0, 2))
    grid.add_column(no_wrap=True, width=key_width)
    grid.add_column(overflow="fold")
    for a, b in rows:
        grid.add_row(a, b)
    return grid


def _table(table: Table, width: int) -> RenderableType:
    """Two columns like the plain renderer's: a key column at most a third of the width; a key
    longer than that gets a line of its own, with its value below at the value column."""
    from rich.console import Group
    from rich.padding import Padding

    rows = [(_text(row[0]), _text(row[1])) for row in table.rows]
    key_w = min(max((k.cell_len for k, _ in rows), default=0), width // 3)
    parts: list[RenderableType] = []
    run: list[tuple[Text, Text]] = []
    for key, value in rows:
        if key.cell_len <= key_w:
            run.append((key, value))
            continue
        if run:
            parts.append(_grid(run, key_w))
            run = []
        value.overflow = "fold"
        parts += [key, Padding(value, (0, 0, 0, key_w + 2))]
    if run:
        parts.append(_grid(run, key_w))
    return Group(*parts)


def _callout(block: Callout, ascii_only: bool, width: int) -> RenderableType:
    """A panel; a title too long for the top border becomes the first line inside instead
    (rich would cut it short)."""
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    title = Text(clean(block.title), style="bold")
    body = [_block(b, ascii_only, width - 4) for b in block.body]
    fits = title.cell_len + 6 <= width
    return Panel(
        Group(*body) if fits else Group(title, *body),
        title=title if fits else None,
        title_align="left",
        border_style=TONE.get(block.tone, ""),
        box=box.ASCII if ascii_only else box.ROUNDED,
    )


#: What a short reference list's heading says, after the title: how to see it in full.
FULL_HINT = "(in full: --refs)"


def _references(block: References, width: int) -> RenderableType:
    """The numbered list: APA entries, or with ``block.brief`` the short form, each cut to
    fit the lines its authors and year need (one line where they fit), the heading saying
    how to see the full list."""
    from rich.console import Group
    from rich.text import Text

    marks = [Text(f"[{n}]", style="cyan") for n, _ in block.entries]
    head = Text(clean(block.title), style="bold underline")
    if block.brief is None:
        rows = []
        for mark, (_, segs) in zip(marks, block.entries, strict=True):
            t = Text()
            for chunk, italic in segs:
                t.append(clean(chunk), style="italic" if italic else "")
            rows.append((mark, t))
        return Group(head, _grid(rows))
    room = max(width - max(m.cell_len for m in marks) - 1, 10)
    rows = [
        (mark, _brief(clean(lead), clean(title), clean(tail), room))
        for mark, (lead, title, tail) in zip(marks, block.brief, strict=True)
    ]
    head.append_text(Text(" " + FULL_HINT, style="dim"))
    return Group(head, _grid(rows))


def _brief(lead: str, title: str, tail: str, room: int) -> Text:
    """``lead title tail`` in at most the lines ``lead``, the title's first word and ``tail``
    take at ``room`` columns, the title cut short at a word (with "…") if it must be."""
    from rich.text import Text

    def lines(text: str) -> int:
        return len(textwrap.wrap(text, room, break_on_hyphens=False)) or 1

    def joined(words: list[str], cut: bool) -> str:
        shown = " ".join(words) + ("…]" if cut else "")
        return " ".join(p for p in (lead, shown) if p) + tail

    words = title.split()
    most = lines(joined(words[:1], False))
    kept = len(words)
    while kept > 1 and lines(joined(words[:kept], kept < len(words))) > most:
        kept -= 1
    out = Text(" ".join(p for p in (lead, " ".join(words[:kept])) if p))
    if kept < len(words):  # a bracketed description keeps its closing bracket
        out.append("…]" if title.startswith("[") and title.endswith("]") else "…", style="dim")
    out.append(tail)
    return out


def _block(block: Block, ascii_only: bool, width: int = 80) -> RenderableType:
    from rich.text import Text

    if isinstance(block, Title):
        t = Text(clean(block.text), style="bold magenta")
        if block.subtitle:
            t.append("\n" + clean(block.subtitle), style="dim")
        return t
    if isinstance(block, Heading):
        return Text(clean(block.text), style="bold underline")
    if isinstance(block, Para):
        return _text(block.line, STYLE.get(block.style, ""))
    if isinstance(block, Bullets):
        rows = []
        for i, item in enumerate(block.items, 1):
            mark = MARK[block.marker] or f"{i}."
            if ascii_only:
                mark = {"•": "-", "☐": "[ ]"}.get(mark, mark)
            rows.append((Text(mark, style="cyan"), _text(item)))
        return _grid(rows)
    if isinstance(block, IconArray):
        full, empty = ("#", ".") if ascii_only else (FILLED, EMPTY)
        filled, total = block.figures
        t = Text("  ")
        t.append(full * filled, style="bold magenta")
        t.append(empty * (total - filled), style="dim")
        t.append("  " + clean(block.wording), style="italic")
        return t
    if isinstance(block, Table):
        return _table(block, width)
    if isinstance(block, Callout):
        return _callout(block, ascii_only, width)
    if isinstance(block, References):
        return _references(block, width)
    if isinstance(block, Rows):
        return Text("\n".join("\t".join(clean(c) for c in r) for r in block.rows))
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def render(doc: Doc, con: Any, ascii_only: bool = False) -> None:
    """Print ``doc`` on a rich console, blocks separated by blank lines; a heading sits right
    above what it heads (a screen of 24 rows has no line to spare)."""
    for i, block in enumerate(doc.blocks):
        if i and not isinstance(doc.blocks[i - 1], Heading):
            con.print()
        con.print(_block(block, ascii_only, con.width))
