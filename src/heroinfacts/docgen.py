"""The command reference in Markdown, generated from the Typer app.

``python -m heroinfacts.docgen`` prints it; ``python -m heroinfacts.docgen --write README.md``
replaces the text between ``<!-- commands:start -->`` and ``<!-- commands:end -->`` in that file,
and rewrites the man page :data:`MAN_PAGE` beside it (the file the wheel installs as
``share/man/man1/heroinfacts.1``) when its directory is there. The text depends only on the
app's commands, arguments and options (never on the terminal or on rich), so a test can tell
when the README has drifted from the app.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Any

START = "<!-- commands:start -->"
END = "<!-- commands:end -->"
PROG = "heroinfacts"
#: The man page in the source tree, relative to the README: what ``heroinfacts --man`` prints,
#: checked in so the wheel can install it (pyproject.toml, ``shared-data``); a test keeps it so.
MAN_PAGE = Path("man") / "heroinfacts.1"


def _escape(text: str) -> str:
    """Prose for Markdown: ``<`` would start an HTML tag."""
    return text.replace("<", "&lt;")


def _paragraphs(text: str | None) -> list[str]:
    """Help text as paragraphs, each on one line; ``Example: cmd`` with the command as code."""
    out = []
    for para in inspect.cleandoc(text or "").replace("\b", "").split("\n\n"):
        line = " ".join(para.split())
        if not line:
            continue
        head, sep, rest = line.partition(": ")
        if sep and head in ("Example", "Examples"):
            out.append(f"{head}: `{rest}`")
        else:
            out.append(_escape(line))
    return out


def _kind(param: Any) -> str:
    return str(getattr(param, "param_type_name", ""))


def _argument_metavar(param: Any) -> str:
    var = str(param.metavar or (param.name or "").upper())
    if param.nargs == -1 and not var.endswith("..."):
        var += "..."
    if not param.required and not var.startswith("["):
        var = f"[{var}]"
    return var


def _option_metavar(param: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    longest = str(max(param.opts, key=len))
    return longest.lstrip("-").upper().replace("-", "_")


def _option_names(param: Any) -> str:
    """``-w``, ``--width N``: short names first, the value's name after the last."""
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    if not param.is_flag:
        names[-1] += f" {_option_metavar(param)}"
    return ", ".join(f"`{n}`" for n in [*names, *param.secondary_opts])


def _default(param: Any) -> str:
    default = param.default
    if param.is_flag or default is None or default == () or default == []:
        return ""
    if not param.show_default:
        return ""
    return f" Default: `{default}`."


def _usage(path: str, command: Any) -> str:
    parts = [path, "[OPTIONS]"]  # -h/--help at least
    parts += [_argument_metavar(p) for p in command.params if _kind(p) == "argument"]
    if hasattr(command, "list_commands"):
        parts.append("[COMMAND]")
    return " ".join(parts)


def _section(path: str, command: Any) -> list[str]:
    lines = [f"### `{path}`", "", *_interleave(_paragraphs(command.help))]
    lines += ["", "```", _usage(path, command), "```"]
    arguments = [p for p in command.params if _kind(p) == "argument"]
    options = [p for p in command.params if _kind(p) == "option" and not p.hidden]
    if arguments:
        lines += ["", "Arguments:", ""]
        lines += [
            f"- `{_argument_metavar(p)}`: {_escape(' '.join((p.help or '').split()))}"
            + ("" if p.required else " Optional.")
            for p in arguments
        ]
    if options:
        lines += ["", "Options:", ""]
        lines += [
            f"- {_option_names(p)}: {_escape(' '.join((p.help or '').split()))}{_default(p)}"
            for p in options
        ]
        lines.append("- `-h`, `--help`: Show the help and exit.")
    epilog = _paragraphs(command.epilog)
    if epilog:
        lines += ["", *_interleave(epilog)]
    return lines


def _interleave(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        if out:
            out.append("")
        out.append(p)
    return out


def reference() -> str:
    """The Markdown command reference: the program, then each command in the app's order."""
    import typer

    from .cli import app

    group: Any = typer.main.get_command(app)
    ctx = group.make_context(PROG, [], resilient_parsing=True)
    lines = [
        "Generated from the app by `python -m heroinfacts.docgen --write README.md`; "
        "`heroinfacts COMMAND --help` shows the same.",
        "",
        *_section(PROG, group),
    ]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or getattr(command, "hidden", False):
            continue
        lines += ["", *_section(f"{PROG} {name}", command)]
    return "\n".join(lines) + "\n"


def _roff(text: str) -> str:
    """Markdown prose of the reference as roff: code in bold, backslashes and dashes escaped."""
    import re

    text = text.replace("\\", "\\e").replace("&lt;", "<").replace("-", "\\-")
    text = re.sub(r"`([^`]*)`", r"\\fB\1\\fR", text)
    return "\\&" + text if text[:1] in (".", "'") else text


def man() -> str:
    """The man page, heroinfacts(1), made from the same reference as the README (and so from
    the app that prints --help): ``heroinfacts --man | man -l -``."""
    from ._version import __version__

    out = [
        f'.TH HEROINFACTS 1 "" "heroinfacts {__version__}" "User Commands"',
        ".SH NAME",
        "heroinfacts \\- offline, cited facts about heroin, opioids, depressants and depression",
        ".SH DESCRIPTION",
    ]
    code = False
    for line in reference().splitlines()[1:]:  # the first line says how the README's is made
        if line.startswith("```"):
            code = not code
            out.append(".nf" if code else ".fi")
        elif code:
            out.append(_roff(line).replace("\\fB", "").replace("\\fR", ""))
        elif line.startswith("### "):
            out.append(".SS " + line[4:].replace("`", ""))
        elif line.startswith("- "):
            head, _, rest = line[2:].partition(": ")
            out += [".TP", _roff(head), _roff(rest)]
        elif line in ("Options:", "Arguments:"):
            out += [".PP", f"\\fI{line}\\fR"]
        elif line.strip():
            out += [".PP", _roff(line)]
    out += [
        ".SH SEE ALSO",
        "The README (what it does, exit codes, tab\\-separated output) and docs/json.md (the",
        "JSON shapes) in the heroinfacts repository.",
    ]
    return "\n".join(out) + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` with everything between the markers replaced by ``block``."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {START} and {END} are missing or out of order")
    return text[: start + len(START)] + "\n" + block + text[end:]


def current_block(text: str) -> str | None:
    """What is between the markers now, in the form :func:`replace_block` writes."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start + len(START) : end].removeprefix("\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m heroinfacts.docgen [--write FILE]``: print or write the command reference."""
    parser = argparse.ArgumentParser(
        prog="python -m heroinfacts.docgen",
        description="Print the Markdown command reference generated from the app.",
        epilog="Example: python -m heroinfacts.docgen --write README.md",
    )
    parser.add_argument(
        "--write",
        metavar="FILE",
        help=f"replace the text between {START} and {END} in FILE instead of printing",
    )
    args = parser.parse_args(argv)
    block = reference()
    if not args.write:
        sys.stdout.write(block)
        return 0
    path = Path(args.write)
    try:
        text = path.read_text(encoding="utf-8")
        new = replace_block(text, block)
    except (OSError, ValueError) as err:
        print(f"docgen: {path}: {err}", file=sys.stderr)
        return 2
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"docgen: updated the command reference in {path}", file=sys.stderr)
    page = path.parent / MAN_PAGE
    if page.parent.is_dir():
        roff = man()
        try:
            same = page.read_text(encoding="utf-8") == roff
        except OSError:
            same = False
        if not same:
            page.write_text(roff, encoding="utf-8", newline="\n")
            print(f"docgen: updated the man page {page}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
