"""Pictures as inline SVG for HTML handouts: icon arrays for proportions.

An icon array shows "1 in 4" as four figures with one filled, which many readers take in more
easily than a number. The SVG is meant to sit inside an HTML page: it has no fonts, no links and
no namespace URL, prints in black and white, and carries an accessible name (``role="img"``,
``aria-label`` and a ``<title>``). The sentence it illustrates always stays beside it in the
text: the picture never replaces the words.
"""

from __future__ import annotations

import html

INK = "#1a1a1a"
#: A person: a head and rounded shoulders, in a 20 x 40 cell.
_PERSON = '<circle cx="10" cy="7" r="6"/><path d="M2 40V23a8 8 0 0 1 8-8a8 8 0 0 1 8 8v17z"/>'


def _layout(denominator: int) -> tuple[int, bool]:
    """How many icons per row, and whether to draw people (small counts) or dots (large)."""
    if denominator <= 10:
        return denominator, True
    if denominator <= 20:
        return 10, True
    if denominator <= 100:
        return 10, False
    if denominator <= 400:
        return 20, False
    return 40, False


def label(numerator: int, denominator: int, wording: str) -> str:
    """The accessible name: the wording and the exact count shown."""
    return f"{wording}: {numerator} of {denominator} figures filled in"


def icon_array(numerator: int, denominator: int, wording: str, ident: str = "icons") -> str:
    """``numerator`` filled icons out of ``denominator``, as one ``<svg>`` element.

    ``ident`` must be unique within the page (it names the ``<title>``). Filled icons come
    first, row by row.
    """
    if not 0 <= numerator <= denominator or denominator < 1:
        raise ValueError(f"cannot draw {numerator} in {denominator}")
    cols, people = _layout(denominator)
    rows = -(-denominator // cols)
    cell_w, cell_h = (24, 44) if people else (12, 12)
    width, height = cols * cell_w, rows * cell_h
    # On paper: people about 4.5 mm wide, dots about 2.3 mm.
    scale = 0.72 if people else 0.75
    name = html.escape(label(numerator, denominator, wording), quote=True)
    tid = html.escape(f"{ident}-title", quote=True)
    parts = [
        f'<svg class="icon-array" role="img" '
        f'aria-label="{name}" aria-labelledby="{tid}" viewBox="0 0 {width} {height}" '
        f'width="{width * scale:g}pt" height="{height * scale:g}pt">',
        f'<title id="{tid}">{name}</title>',
    ]
    for i in range(denominator):
        x, y = (i % cols) * cell_w, (i // cols) * cell_h
        filled = i < numerator
        paint = (
            f'fill="{INK}"'
            if filled
            else f'fill="#ffffff" stroke="{INK}" stroke-width="{1.6 if people else 1.2}"'
        )
        if people:
            parts.append(f'<g transform="translate({x + 2} {y + 2})" {paint}>{_PERSON}</g>')
        else:
            parts.append(f'<circle cx="{x + 6}" cy="{y + 6}" r="4.6" {paint}/>')
    parts.append("</svg>")
    return "".join(parts)
