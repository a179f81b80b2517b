"""Markdown (CommonMark, with GitHub's task lists and tables) from a :class:`~.doc.Doc`.

Used for ``.md`` handouts. All text is escaped: every character Markdown could read as markup
(``* _ [ ] < > # | ` ~ \\ & !`` and a leading ``- + = 1.``) gets a backslash, so data prints as
written and cannot add links, images or raw HTML. Nor can GitHub-flavoured Markdown's extended
autolinks make data a link: the dot after ``www`` and the colon before ``//`` get a backslash
(``www\\.example.com``, ``http\\://...``), and an e-mail address, which GFM links whatever is
escaped in it, is set as code. Web addresses styled ``link`` (a resource's web address) become
autolinks (``<https://...>``) when they are plain http(s) addresses, and escaped text otherwise.
"""

from __future__ import annotations

import re

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
from .plain import icons

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")
#: What GFM would make a link of in text: ``www.`` (the dot) and ``scheme://`` (the colon).
_LINKISH = re.compile(r"(?<=www)\.|:(?=//)", re.IGNORECASE)
#: An e-mail address as GFM finds one (it links it even with every character escaped).
_EMAIL = re.compile(r"[A-Za-z0-9.+_-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")


def _one_line(text: str) -> str:
    """Control characters made visible and every run of white space made one space."""
    return re.sub(r"\s+", " ", clean(text))


def _escape(text: str) -> str:
    """``text`` on one line, every special character escaped, never a link in GFM."""
    one = _one_line(text)
    out, last = [], 0
    for m in _EMAIL.finditer(one):
        out += [_escape_run(one[last : m.start()]), _code(m.group())]
        last = m.end()
    out.append(_escape_run(one[last:]))
    return "".join(out)


def _escape_run(text: str) -> str:
    return _LINKISH.sub(r"\\\g<0>", _SPECIAL.sub(r"\\\1", text))


def _guard_start(text: str) -> str:
    """Escape a leading ``-``, ``+``, ``=``, ``>`` or ``1.`` that would start a list or heading.

    A digit cannot be escaped in Markdown, so ``1.`` becomes ``1\\.``."""
    m = _LINE_START.match(text)
    if not m:
        return text
    mark = m.group(2)
    escaped = mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark
    return m.group(1) + escaped + text[m.end() :]


def esc(text: str) -> str:
    """``text`` on one line with every Markdown special character backslash-escaped."""
    return _guard_start(_escape(text).strip())


def _wrap_style(text: str, mark: str) -> str:
    """``**text**`` keeping the spaces outside the markers (CommonMark needs that)."""
    stripped = text.strip()
    if not any(ch.isalnum() for ch in stripped):  # "·" and the like stay plain
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _code(text: str) -> str:
    """A code span: literal inside, fenced by more backticks than it contains."""
    inner = text.strip()
    runs = [len(r) for r in re.findall(r"`+", inner)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if runs else ""
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{fence}{pad}{inner}{pad}{fence}{trail}"


def spans(line: Line) -> str:
    """A line of styled spans as inline Markdown."""
    out = []
    for text, style in line:
        if not text:
            continue
        one = _one_line(text)
        if style == "link" and _URL.match(one.strip()):
            out.append(one.replace(one.strip(), f"<{one.strip()}>"))
        elif style == "cmd" and one.strip():
            out.append(_code(one))
        elif style in ("bold", "danger", "warn"):
            out.append(_wrap_style(_escape(text), "**"))
        elif style in ("italic", "dim"):
            out.append(_wrap_style(_escape(text), "*"))
        else:
            out.append(_escape(text))
    return _guard_start("".join(out))


def _block(block: Block) -> list[str]:
    if isinstance(block, Title):
        out = [f"# {esc(block.text)}"]
        if block.subtitle:
            out += ["", f"*{esc(block.subtitle)}*"]
        return out
    if isinstance(block, Heading):
        return [f"## {esc(block.text)}"]
    if isinstance(block, Para):
        text = spans(block.line)
        return [_wrap_style(text, "*") if block.style == "dim" else text]
    if isinstance(block, Bullets):
        out = []
        for i, item in enumerate(block.items, 1):
            mark = {"bullet": "- ", "check": "- [ ] ", "number": f"{i}. "}[block.marker]
            out.append(mark + spans(item))
        return out
    if isinstance(block, IconArray):
        pic = icons(*block.figures)
        return [f"{pic} *{esc(block.wording)}*"]
    if isinstance(block, Table):
        head = "| " + " | ".join(esc(h) for h in block.headers) + " |"
        rule = "|" + "---|" * len(block.headers)
        rows = ["| " + " | ".join(spans(c) for c in row) + " |" for row in block.rows]
        return [head, rule, *rows]
    if isinstance(block, Callout):
        inner = [f"**{esc(block.title)}**"]
        for b in block.body:
            inner += ["", *_block(b)]
        return [("> " + line).rstrip() for line in inner]
    if isinstance(block, References):
        out = [f"## {esc(block.title)}"]
        for n, segs in block.entries:
            text = "".join(
                _wrap_style(_escape(t), "*") if italic else _escape(t) for t, italic in segs if t
            )
            out += ["", f"\\[{n}\\] {text}"]
        return out
    if isinstance(block, Rows):
        return ["```text", *("\t".join(r).replace("```", "'''") for r in block.rows), "```"]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def render(doc: Doc) -> str:
    """``doc`` as Markdown text, blocks separated by blank lines."""
    parts: list[str] = []
    for block in doc.blocks:
        if parts:
            parts.append("")
        parts.extend(_block(block))
    return "\n".join(parts) + "\n" if parts else ""
