"""Printable handouts: cited facts on one or more topics, with help lines, to give out on paper.

A handout is one :class:`~heroinfacts.render.doc.Doc`, built here from the knowledge base (the same
blocks and the same reference numbering as ``show``) and rendered by the file's suffix:

* ``.html`` - one self-contained page (:mod:`heroinfacts.render.webpage`): print CSS, icon arrays
  and QR codes as inline SVG, no scripts, fonts, images or links to load;
* ``.md`` - Markdown (:mod:`heroinfacts.render.markdown`), every character escaped;
* ``.txt`` - plain text at 80 columns (:mod:`heroinfacts.render.plain`).

It holds each topic's summary and facts with numbered references (APA), the help resources that
share the topics' concerns (national and local, crisis lines first and prominent), a QR code for
each help web address (HTML only; drawn offline with segno), the disclaimer, and the data's
version, review date and checksum. Files are written atomically (a temporary file renamed into
place) and never overwrite an existing file unless asked.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .errors import UsageError
from .model import CRISIS_CONCERNS, Resource, SignList, Topic
from .render.doc import Block, Bullets, Callout, Doc, Heading, IconArray, Line, Para, Title
from .store import KnowledgeBase
from .views import CONTACT_WORD, HELP_TITLE, Citer, list_bullets, resource_details

#: Output format by file suffix.
FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}
TEXT_WIDTH = 80
#: More topics than this may not fit on two printed pages.
MANY_TOPICS = 3
HELP_HEADING = "Where to get help"
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass
class Handout:
    """A built handout: the document and what went into it."""

    doc: Doc
    title: str
    language: str
    topics: list[Topic]
    lists: list[SignList]
    crisis: list[Resource]
    resources: list[Resource]
    urls: list[str]
    references: list[dict[str, Any]]
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What the handout holds, for ``handout --json``."""
        return {
            "title": self.title,
            "topics": [{"id": t.id, "title": t.title} for t in self.topics],
            "lists": [{"id": s.id, "title": s.title} for s in self.lists],
            "crisis": bool(self.crisis),
            "resources": [r.to_dict() for r in self.resources],
            "qr_codes": list(self.urls),
            "references": self.references,
        }


# --- choosing what goes on it -----------------------------------------------------------------


def format_for(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for (``html``, ``markdown`` or ``text``), or UsageError."""
    suffix = Path(path).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    what = f"suffix {suffix!r}" if suffix else "no suffix"
    raise UsageError(
        f"cannot tell the handout format of {os.fspath(path)!r} ({what}). "
        "End the file name in .html (to print), .md or .txt; "
        "for a PDF, write .html and print it to PDF from a browser."
    )


def _lookup(kb: KnowledgeBase, name: str) -> Topic | SignList | None:
    """The topic or sign list ``name`` stands for, or None; a miss costs one indexed look-up
    (no suggestions: those are worked out once, for the word that names nothing)."""
    if kb.lookup("topic", name) is not None:
        return kb.topic(name)
    if kb.lookup("list", name) is not None:
        return kb.sign_list(name)
    return None


#: The most words one name may join: runs are tried only up to this length, so reading many
#: words stays linear (every run of every length made 200 words take most of a minute).
MAX_NAME_WORDS = 12


def resolve(kb: KnowledgeBase, words: Sequence[str]) -> list[Topic | SignList]:
    """Topics (or sign lists) named by ``words``, each once, in order.

    Each word is one name when all of them are names (``heroin overdose``); otherwise runs of
    words are joined, longest first, so ``going on the nod overdose`` also works. Unknown names
    raise :class:`NotFound` with close matches.
    """
    names = [w.strip() for w in words if w.strip()]
    if not names:
        raise UsageError("give at least one topic, e.g. heroinfacts handout overdose -o out.html")
    found = [_lookup(kb, n) for n in names]
    if any(f is None for f in found):
        found = []
        i = 0
        while i < len(names):
            for j in range(min(len(names), i + MAX_NAME_WORDS), i, -1):
                entry = _lookup(kb, " ".join(names[i:j]))
                if entry is not None:
                    found.append(entry)
                    i = j
                    break
            else:
                kb.topic(names[i])  # raises NotFound with suggestions
                i += 1  # pragma: no cover - topic() found it after all
    out: dict[tuple[str, str], Topic | SignList] = {}
    for entry in found:
        assert entry is not None
        out.setdefault((type(entry).__name__, entry.id), entry)
    return list(out.values())


def help_resources(kb: KnowledgeBase, concerns: set[str]) -> tuple[list[Resource], list[Resource]]:
    """(crisis resources to show first and prominently, every resource for the handout).

    Every resource that shares a concern with the handout's topics, national first, then local;
    all resources when the topics name no concerns.
    """
    crisis_concerns = CRISIS_CONCERNS & concerns
    crisis = kb.resources(sorted(crisis_concerns)) if crisis_concerns else []
    everything = kb.resources(sorted(concerns)) if concerns else kb.resources()
    return crisis, everything


# --- building the document --------------------------------------------------------------------


def _contact_line(res: Resource, *, links: bool = True) -> tuple[Line, list[str]]:
    """How to reach ``res`` as one line; web addresses styled ``link`` (QR codes) if ``links``."""
    line: Line = []
    urls: list[str] = []
    for i, c in enumerate(res.contacts):
        if i:
            line.append(("  ·  ", "dim"))
        line.append((CONTACT_WORD.get(c.kind, c.kind.title()) + " ", ""))
        if links and c.kind in ("web", "chat") and _URL.match(c.value):
            line.append((c.value, "link"))
            urls.append(c.value)
        else:
            line.append((c.display, "bold"))
    return line, urls


def _details(res: Resource, citer: Citer) -> Para:
    """What ``res`` offers, its hours and languages, where it is and when it was checked."""
    where = ("Local service, " if res.pack else "") + res.region
    return Para(
        [
            (resource_details(res, address_label="Address: ") + " ", ""),
            (f"{where}. Checked {res.verified}. ", "dim"),
            (citer.mark(res.cites), "cite"),
        ]
    )


def crisis_callout(resources: Sequence[Resource], citer: Citer) -> tuple[Callout, list[str]]:
    """The crisis lines for the top of the page, each with how to reach it and what it offers,
    and the web addresses on them (for QR codes). They get no card further down."""
    body: list[Block] = []
    urls: list[str] = []
    for res in resources:
        contacts, found = _contact_line(res)
        local: Line = [(" (local)", "dim")] if res.pack else []
        body.append(Para([(res.name, "bold"), *local, (":  ", ""), *contacts]))
        body.append(_details(res, citer))
        urls += [u for u in found if u not in urls]
    return Callout(HELP_TITLE, body, tone="help"), urls


def resource_card(res: Resource, citer: Citer) -> tuple[Callout, list[str]]:
    """One help resource as a boxed card, and the web addresses on it (for QR codes)."""
    contacts, urls = _contact_line(res)
    return Callout(res.name, [Para(contacts), _details(res, citer)], tone="help"), urls


def _topic_blocks(topic: Topic, citer: Citer) -> list[Block]:
    blocks: list[Block] = [Heading(topic.title), Para([(topic.summary, "")])]
    items: list[Line] = []
    for f in topic.facts:
        items.append(citer.line(f.text, f.cites))
        if f.proportion:
            p = f.proportion
            blocks.append(Bullets(items))
            blocks.append(IconArray(p.numerator, p.denominator, p.wording))
            items = []
    if items:
        blocks.append(Bullets(items))
    return blocks


def _list_blocks(sl: SignList, citer: Citer) -> list[Block]:
    blocks: list[Block] = [Heading(sl.title)]
    if sl.intro:
        blocks.append(Para([(sl.intro, "")]))
    blocks.append(list_bullets(sl))
    blocks.append(Para([("Sources: ", "dim"), (citer.mark(sl.cites), "cite")]))
    return blocks


def default_title(entries: Sequence[Topic | SignList]) -> str:
    """The title of a handout made of ``entries``: their titles, joined by a middle dot."""
    return " · ".join(e.title for e in entries)


def build(
    kb: KnowledgeBase,
    names: Sequence[str],
    *,
    title: str | None = None,
    today: str | None = None,
) -> Handout:
    """The handout for the topics (or sign lists) ``names``; NotFound for an unknown one."""
    entries = resolve(kb, names)
    topics = [e for e in entries if isinstance(e, Topic)]
    lists = [e for e in entries if isinstance(e, SignList)]
    concerns = {c for e in entries for c in e.concerns}
    crisis, resources = help_resources(kb, concerns)
    bundle = kb.bundle
    heading = title.strip() if title and title.strip() else default_title(entries)

    citer = Citer()
    doc = Doc().add(
        Title(
            heading,
            f"Cited facts and where to get help. Not medical advice. Reviewed {bundle.reviewed}.",
        )
    )
    urls: list[str] = []
    if crisis:
        box, urls = crisis_callout(crisis, citer)
        doc.add(box)
    for entry in entries:
        blocks = (
            _topic_blocks(entry, citer) if isinstance(entry, Topic) else _list_blocks(entry, citer)
        )
        if blocks[0] == Heading(heading):  # one topic under its own title: say it once
            blocks = blocks[1:]
        doc.add(*blocks)
    shown = {r.id for r in crisis}
    others = [r for r in resources if r.id not in shown]
    if others:
        doc.add(Heading(HELP_HEADING))
        for res in others:
            card, card_urls = resource_card(res, citer)
            doc.add(card)
            urls += [u for u in card_urls if u not in urls]
    doc.add(citer.block(kb))
    doc.add(
        Para([("Information, not medical advice. ", "bold"), (bundle.disclaimer, "")], style="fine")
    )
    day = today or _dt.date.today().isoformat()
    made = (
        f"Made with heroinfacts {__version__} on {day}. Data {bundle.version}, reviewed "
        f"{bundle.reviewed} (sha256 {str(kb.meta('checksum'))[:16]}…)."
    )
    packs = [s for s in kb.sources if not s.shipped]
    for s in packs:
        made += f" Local pack: {s.bundle.title} {s.bundle.version}, reviewed {s.bundle.reviewed}."
    doc.add(Para([(made, "dim")], style="small"))

    notices = []
    if len(entries) > MANY_TOPICS:
        notices.append(
            f"heroinfacts: {len(entries)} topics may not fit on two printed pages; "
            "consider one handout per topic or two."
        )
    return Handout(
        doc=doc,
        title=heading,
        language=bundle.language,
        topics=topics,
        lists=lists,
        crisis=crisis,
        resources=resources,
        urls=urls,
        references=citer.data(kb),
        notices=notices,
    )


# --- rendering and writing --------------------------------------------------------------------


def qr_svg(url: str, ident: str) -> str | None:
    """A QR code for ``url`` as an inline ``<svg>`` (drawn offline by segno), or None."""
    import html

    import segno

    try:
        qr = segno.make(url, error="m", micro=False)
    except (ValueError, segno.DataOverflowError):
        return None
    name = html.escape(f"QR code for {url}", quote=True)
    svg: str = qr.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        title=f"QR code for {url}",
        svgid=ident,
        svgclass="qr-code",
        lineclass=None,
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1)


def render(handout: Handout, fmt: str) -> str:
    """The handout as text in ``fmt`` (``html``, ``markdown`` or ``text``)."""
    if fmt == "html":
        from .render import webpage

        return webpage.render(handout.doc, title=handout.title, lang=handout.language, qr=qr_svg)
    if fmt == "markdown":
        from .render import markdown

        return markdown.render(handout.doc)
    if fmt == "text":
        from .render import plain

        return plain.render(handout.doc, TEXT_WIDTH)
    raise UsageError(f"unknown handout format {fmt!r}")


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    Readers see the old file or the whole new one, never part of it. Without ``force`` an
    existing file is never replaced (FileExistsError), even if it appears while writing.
    """
    if not force and path.exists():
        raise FileExistsError(str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        if force:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never clobbers
        except FileExistsError:
            raise
        except OSError:  # no hard links here (a FAT-formatted USB stick): check, then rename
            if path.exists():
                raise FileExistsError(str(path)) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
