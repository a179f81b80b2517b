"""One self-contained, printable HTML page from a :class:`~heroinfacts.render.doc.Doc`.

Used for ``.html`` handouts. The page loads nothing: no scripts, no external style sheets, fonts
or images (pictures are inline SVG), and no links (web addresses are printed as text, and as QR
codes where the caller supplies them). Every piece of text is escaped with :func:`html.escape`,
so markup in data or input prints as written. The print style sheet keeps a handout of one or two
topics on one or two Letter or A4 pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator

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

#: Makes a QR code for a web address: (url, unique id) -> an ``<svg>`` element, or None.
QrMaker = Callable[[str, str], "str | None"]

CSS = """
@page { margin: 7mm 9mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  font: 11pt/1.13 "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif;
  color: #111; background: #fff; margin: 0;
}
@media screen { body { max-width: 8in; margin: 0 auto; padding: 0.4in 0.45in; } }
h1 { font-size: 16pt; line-height: 1.1; margin: 0 0 1pt; }
.sub { color: #333; margin: 0 0 4pt; }
h2 {
  font-size: 12.5pt; margin: 5pt 0 2pt; padding-bottom: 1pt;
  border-bottom: 1.2pt solid #111; break-after: avoid;
}
h3 { font-size: 11.5pt; margin: 0 0 1pt; }
p { margin: 0 0 3pt; }
ul, ol { margin: 0 0 3pt; padding-left: 14pt; }
li { margin: 0 0 1pt; }
ul.check { list-style: none; padding-left: 2pt; }
ul.check li::before {
  content: ""; display: inline-block; width: 8.5pt; height: 8.5pt; margin-right: 5pt;
  border: 1pt solid #111; vertical-align: -1pt;
}
.bold { font-weight: bold; }
.italic { font-style: italic; }
.dim { color: #444; }
.cite { color: #333; font-size: 8pt; white-space: nowrap; }
.cmd { font-family: "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 10.5pt; }
.url { overflow-wrap: anywhere; }
.warn, .danger { font-weight: bold; }
.hl { background: #ffef9a; }
.callouts { display: grid; grid-template-columns: 1fr 1fr; gap: 3pt; margin: 3pt 0 3pt; }
.callouts > .callout:only-child { grid-column: 1 / -1; }
.callout {
  display: flex; gap: 5pt; align-items: flex-start; justify-content: space-between;
  border: 1.2pt solid #1d5c35; border-radius: 4pt; padding: 3pt 6pt; break-inside: avoid;
  line-height: 1.16; min-width: 0;
}
.callout.danger { border: 2.4pt solid #8b0000; }
.callout.warn { border: 1.8pt dashed #7a5a00; }
.callout .text { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.callout p { margin: 0 0 1pt; }
.callout p.dim, .callout .dim { font-size: 8pt; }
.callouts > .callout:only-child.help { border-width: 2.4pt; }
.qrs { display: flex; gap: 4pt; flex: 0 0 auto; }
.qr { margin: 0; width: 21mm; text-align: center; font-size: 8pt; line-height: 1.1; }
.qr svg { display: block; width: 16mm; height: 16mm; margin: 0 auto; }
.qr figcaption { overflow-wrap: anywhere; }
figure.icons {
  display: flex; align-items: center; gap: 8pt; margin: 0 0 3pt 14pt; break-inside: avoid;
}
figure.icons figcaption { font-style: italic; }
table { border-collapse: collapse; margin: 0 0 4pt; }
th, td { text-align: left; vertical-align: top; padding: 1pt 8pt 1pt 0; }
.refs { font-size: 8pt; line-height: 1.12; }
.refs h2 { font-size: 10pt; margin: 4pt 0 1pt; }
.refs ol { columns: 3; column-gap: 10pt; padding-left: 0; list-style: none; margin: 0; }
.refs li {
  break-inside: avoid; padding-left: 15pt; text-indent: -15pt; margin: 0 0 0.5pt;
  overflow-wrap: anywhere;
}
.refs .n { display: inline-block; width: 15pt; text-indent: 0; }
.small { font-size: 8pt; line-height: 1.1; margin: 0; }
.fine { font-size: 8.5pt; line-height: 1.1; margin: 2pt 0 1pt; }
pre { font-size: 10pt; white-space: pre-wrap; }
/* A phone (or a window) narrower than a printed column: the help cards one above the other,
   each QR code under its card's text. */
@media screen and (max-width: 560px) {
  body { padding: 12px; }
  .callouts { grid-template-columns: minmax(0, 1fr); }
  .callout { flex-direction: column; }
  .refs ol { columns: 1; }
}
"""


def esc(text: str) -> str:
    """Text for HTML: control characters made visible, then every markup character escaped."""
    return html.escape(clean(text), quote=True)


class _Renderer:
    def __init__(self, qr: QrMaker | None) -> None:
        self.qr = qr
        self.count = 0

    def ident(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def spans(self, line: Line) -> str:
        out = []
        for text, style in line:
            if not text:
                continue
            cls = "url" if style == "link" else style
            out.append(f'<span class="{esc(cls)}">{esc(text)}</span>' if cls else esc(text))
        return "".join(out)

    def blocks(self, blocks: list[Block]) -> Iterator[str]:
        """HTML of ``blocks``; runs of callouts are set side by side in a grid."""
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, Callout):
                j = i
                while j < len(blocks) and isinstance(blocks[j], Callout):
                    j += 1
                inner = "".join(self.block(b) for b in blocks[i:j])
                yield f'<div class="callouts">{inner}</div>'
                i = j
                continue
            yield self.block(block)
            i += 1

    def block(self, block: Block) -> str:
        if isinstance(block, Title):
            sub = f'<p class="sub">{esc(block.subtitle)}</p>' if block.subtitle else ""
            return f"<header><h1>{esc(block.text)}</h1>{sub}</header>"
        if isinstance(block, Heading):
            return f"<h2>{esc(block.text)}</h2>"
        if isinstance(block, Para):
            cls = f' class="{esc(block.style)}"' if block.style else ""
            return f"<p{cls}>{self.spans(block.line)}</p>"
        if isinstance(block, Bullets):
            items = "".join(f"<li>{self.spans(item)}</li>" for item in block.items)
            if block.marker == "number":
                return f"<ol>{items}</ol>"
            return f'<ul class="{esc(block.marker)}">{items}</ul>'
        if isinstance(block, IconArray):
            from .svg import icon_array

            pic = icon_array(*block.figures, block.wording, self.ident("icons"))
            caption = f"<figcaption>{esc(block.wording)}</figcaption>"
            return f'<figure class="icons">{pic}{caption}</figure>'
        if isinstance(block, Table):
            head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
            rows = "".join(
                "<tr>" + "".join(f"<td>{self.spans(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        if isinstance(block, Callout):
            return self.callout(block)
        if isinstance(block, References):
            items = "".join(
                f'<li><span class="n">[{n}]</span>'
                + "".join(f"<em>{esc(t)}</em>" if italic else esc(t) for t, italic in segs)
                + "</li>"
                for n, segs in block.entries
            )
            return f'<section class="refs"><h2>{esc(block.title)}</h2><ol>{items}</ol></section>'
        if isinstance(block, Rows):
            text = "\n".join("\t".join(r) for r in block.rows)
            return f"<pre>{esc(text)}</pre>"
        raise TypeError(f"unknown block {block!r}")  # pragma: no cover

    def callout(self, block: Callout) -> str:
        body = "".join(self.block(b) for b in block.body)
        qrs = []
        if self.qr is not None:
            for url in _links(block.body):
                svg = self.qr(url, self.ident("qr"))
                if svg:
                    qrs.append(
                        f'<figure class="qr">{svg}<figcaption>{esc(url)}</figcaption></figure>'
                    )
        side = f'<div class="qrs">{"".join(qrs)}</div>' if qrs else ""
        return (
            f'<section class="callout {esc(block.tone)}"><div class="text">'
            f"<h3>{esc(block.title)}</h3>{body}</div>{side}</section>"
        )


def _links(blocks: list[Block]) -> list[str]:
    """Web addresses (spans styled ``link``) in ``blocks``, each once, in order."""
    found: dict[str, None] = {}
    for b in blocks:
        if isinstance(b, Para):
            for text, style in b.line:
                if style == "link":
                    found.setdefault(text, None)
    return list(found)


def render_body(doc: Doc, qr: QrMaker | None = None) -> str:
    """The blocks of ``doc`` as HTML elements, without the page around them."""
    return "\n".join(_Renderer(qr).blocks(doc.blocks))


def render(
    doc: Doc, *, title: str, lang: str = "en", qr: QrMaker | None = None, css: str = CSS
) -> str:
    """``doc`` as a complete HTML page; ``qr`` adds a QR code beside each link in a callout."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{render_body(doc, qr)}\n</body>\n</html>\n"
    )
