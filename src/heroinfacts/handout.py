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
version, review date and checksum. When a pack's services would push it past its pages (one
for one topic, two for more), the local services are listed in short (:data:`PAGE_WEIGHTS`).
Files are written atomically (a temporary file renamed into place) and never overwrite an
existing file unless asked.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .atomic import write_atomic as write_atomic  # handout.write_atomic, as before
from .errors import UsageError
from .model import CRISIS_CONCERNS, Resource, SignList, Topic
from .render.doc import Block, Bullets, Callout, Doc, Heading, IconArray, Line, Para, Title
from .store import KnowledgeBase
from .views import CONTACT_WORD, HELP_TITLE, Citer, list_bullets, resolve, resource_details

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
#: A web address that gets a QR code: printable ASCII only, so the caption printed under the
#: code is exactly the text it encodes (an invisible, control or look-alike character would be
#: escaped or unseen in print but opened by the code), and short enough for a code that a
#: phone can read (2,000 characters; segno's limit is 2,331). Others are printed as text.
_URL = re.compile(r"^https?://[!-~]{1,1992}$", re.IGNORECASE)


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


def _contact_line(
    res: Resource, *, links: bool = True, kinds: Sequence[str] = ()
) -> tuple[Line, list[str]]:
    """How to reach ``res`` as one line (only the contacts of ``kinds``, when it has any); web
    addresses styled ``link`` (QR codes) if ``links``."""
    line: Line = []
    urls: list[str] = []
    contacts = [c for c in res.contacts if c.kind in kinds] or res.contacts
    for i, c in enumerate(contacts):
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


def crisis_callout(
    resources: Sequence[Resource], citer: Citer, short: Sequence[Resource] = (), files: str = ""
) -> tuple[Callout, list[str]]:
    """The crisis lines for the top of the page, each with how to reach it and what it offers,
    and the web addresses on them (for QR codes); then ``short``, the local services listed in
    short (their details in ``files``). They get no card further down."""
    body: list[Block] = []
    urls: list[str] = []
    for res in resources:
        contacts, found = _contact_line(res)
        local: Line = [(" (local)", "dim")] if res.pack else []
        body.append(Para([(res.name, "bold"), *local, (":  ", ""), *contacts]))
        body.append(_details(res, citer))
        urls += [u for u in found if u not in urls]
    if short:
        body += short_services(short, files)
    return Callout(HELP_TITLE, body, tone="help"), urls


#: About how much a printed handout holds on one page and on two, in characters of text (facts,
#: summaries, services), each reference counted as REFERENCE_WEIGHT and each local service's
#: card as LOCAL_WEIGHT more. When a handout with its local services (from packs) in full would
#: hold more than its pages do (one page for one topic, two for more), every local service is
#: listed in short instead: its name and how to reach it, one line each (two columns in print),
#: and the pack file that has the rest. Shipped services, the crisis lines first, are always
#: shown in full. Measured on Letter paper, the shorter page, with Chromium: every topic with
#: the example pack in full or in short as this chooses, and packs of 6-10 services
#: (tests/test_handout.py prints the overdose handout, the fullest, with such packs).
PAGE_WEIGHTS = (3100, 7000)
REFERENCE_WEIGHT = 120
LOCAL_WEIGHT = 250
#: The style of the paragraph that opens the short list (the HTML handout sets the list after
#: it in two columns; plain text and Markdown ignore the style).
SHORT_LIST = "services"


#: The contacts a local service listed in short keeps: the ways to reach someone now. Its web,
#: e-mail and street addresses are details, in the pack file (all its contacts are kept when it
#: has none of these).
NOW = ("call", "text", "chat", "tty")


def short_services(resources: Sequence[Resource], files: str) -> list[Block]:
    """Local services in short: a line saying where their details are, then each one's name
    and the ways to reach someone there now (nothing a reader needs to get help is left out)."""
    intro = Para(
        [
            ("Local services: ", "bold"),
            (f"what each offers, its hours, address and web site are in {files}.", "dim"),
        ],
        SHORT_LIST,
    )
    items: list[Line] = []
    for res in resources:
        contacts, _ = _contact_line(res, links=False, kinds=NOW)
        items.append([(res.name, "bold"), (":  ", ""), *contacts])
    return [intro, Bullets(items)]


def weight(entries: Sequence[Topic | SignList], resources: Sequence[Resource]) -> int:
    """About how much printed room ``entries`` and ``resources`` in full take, in the units
    of PAGE_WEIGHTS."""
    text = 0
    cites: set[str] = set()
    for e in entries:
        if isinstance(e, Topic):
            text += len(e.summary) + sum(len(f.text) for f in e.facts)
            cites.update(c for f in e.facts for c in f.cites)
        else:
            text += len(e.intro or "") + sum(len(i.text) for i in e.items)
            cites.update(e.cites)
    for r in resources:
        text += len(r.name) + sum(len(c.display) for c in r.contacts) + len(resource_details(r))
        text += LOCAL_WEIGHT if r.pack else 0
        cites.update(r.cites)
    return text + REFERENCE_WEIGHT * len(cites)


def _short(
    kb: KnowledgeBase, entries: Sequence[Topic | SignList], resources: Sequence[Resource]
) -> tuple[set[str], str]:
    """(the ids of the local services to list in short: all of them when the handout would not
    fit its pages with them in full, else none; the names of the pack files they come from)."""
    local = [r for r in resources if r.pack]
    if not local or weight(entries, resources) <= PAGE_WEIGHTS[len(entries) > 1]:
        return set(), ""
    files = {s.bundle.id: os.path.basename(s.path) for s in kb.sources if not s.shipped}
    names = dict.fromkeys(files.get(r.pack or "", r.pack or "") for r in local)
    return {r.id for r in local}, " and ".join(names)


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
    if title is not None:
        try:
            title.encode("utf-8")
        except UnicodeEncodeError:  # bytes from argv that are not UTF-8 (surrogate escapes)
            raise UsageError(
                "the --title is not UTF-8 text (it holds bytes of another encoding); "
                "write it in UTF-8."
            ) from None
    heading = title.strip() if title and title.strip() else default_title(entries)

    citer = Citer()
    doc = Doc().add(
        Title(
            heading,
            f"Cited facts and where to get help. Not medical advice. Reviewed {bundle.reviewed}.",
        )
    )
    urls: list[str] = []
    short, files = _short(kb, entries, resources)
    listed = [r for r in resources if r.id in short]  # in one list: in the crisis box if any
    if crisis:
        box, urls = crisis_callout([r for r in crisis if r.id not in short], citer, listed, files)
        doc.add(box)
        listed = []
    for entry in entries:
        blocks = (
            _topic_blocks(entry, citer) if isinstance(entry, Topic) else _list_blocks(entry, citer)
        )
        if blocks[0] == Heading(heading):  # one topic under its own title: say it once
            blocks = blocks[1:]
        doc.add(*blocks)
    shown = {r.id for r in crisis} | short
    others = [r for r in resources if r.id not in shown]
    if others or listed:
        doc.add(Heading(HELP_HEADING))
        for res in others:
            card, card_urls = resource_card(res, citer)
            doc.add(card)
            urls += [u for u in card_urls if u not in urls]
        if listed:
            doc.add(*short_services(listed, files))
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
