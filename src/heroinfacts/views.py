"""What each command shows: a :class:`~heroinfacts.render.doc.Doc` for people and a dict for JSON.

Views only read the knowledge base; they never print. :mod:`heroinfacts.output` picks the renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._version import __version__
from .errors import UsageError
from .model import (
    CRISIS_CONCERNS,
    DrugClass,
    Fact,
    Interaction,
    Resource,
    SignList,
    Substance,
    Topic,
)
from .records import Struct, field
from .render.doc import (
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
    short,
)
from .store import KnowledgeBase

HELP_TITLE = "Help is available now"
NO_DATA = (
    "This knowledge base has no entry for this combination. No data does not mean it is safe: "
    "ask a pharmacist or doctor before mixing drugs."
)


class View(Struct, frozen=False):
    """A command's result: the human document, the JSON data and the exit code."""

    doc: Doc
    data: dict[str, Any]
    code: int = 0
    #: Notices for stderr (shown unless --quiet); the important part last.
    notices: list[str] = field(default_factory=list)
    #: What plain output (piped, --plain) prints instead of ``doc``: one record per line, fields
    #: split by a tab, so ``cut -f1`` works (README, "Output for scripts"). None: ``doc``.
    rows: Doc | None = None


class Citer:
    """Numbers references in order of first citation on one page: [1], [2] ..."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def mark(self, cites: Iterable[str]) -> str:
        """The numbers of ``cites`` (``[1][2]``), numbering each new one in turn."""
        nums = [self.order.setdefault(c, len(self.order) + 1) for c in cites]
        return "".join(f"[{n}]" for n in nums)

    def line(self, text: str, cites: Sequence[str]) -> Line:
        """``text`` followed by the numbers of its ``cites``."""
        return [(text + " ", ""), (self.mark(cites), "cite")]

    def block(self, kb: KnowledgeBase, title: str = "References") -> References:
        """The references numbered so far, in APA (and in short, for a terminal), under
        ``title``."""
        from .citations import apa_segments, short_form

        refs = kb.references(list(self.order))
        entries = [(self.order[r.id], apa_segments(r.csl)) for r in refs]
        return References(entries, title, [short_form(r.csl) for r in refs])

    def data(self, kb: KnowledgeBase) -> list[dict[str, Any]]:
        """The cited references in the same shape as ``refs --json``: number, id, APA, CSL."""
        return [reference_data(n, kb.reference(rid)) for rid, n in self.order.items()]


def reference_data(number: int, ref: Any) -> dict[str, Any]:
    """One reference as ``refs --json`` gives it: number, id, APA text, CSL-JSON."""
    from .citations import apa

    return {"number": number, "id": ref.id, "apa": apa(ref.csl), "csl": ref.to_dict()}


def footer(kb: KnowledgeBase) -> Para:
    """The line that ends a page: the data's version and review date, and that it is not medical
    advice."""
    b = kb.bundle
    return Para(
        [(f"Data {b.version}, reviewed {b.reviewed}. Information, not medical advice.", "dim")]
    )


# --- help resources ---------------------------------------------------------------------------

CONTACT_WORD = {
    "call": "Call",
    "text": "Text",
    "chat": "Chat",
    "tty": "TTY",
    "web": "Web",
    "email": "Email",
    "visit": "Visit",
}


def resource_lines(res: Resource, *, detail: bool = True) -> list[Line]:
    """A resource as lines: its name (and region, for a local one), its contacts, and with
    ``detail`` what it offers."""
    head: Line = [(res.name, "bold")]
    if res.pack:
        head.append((f"  (local: {res.region})", "dim"))
    contacts: Line = []
    for i, c in enumerate(res.contacts):
        if i:
            contacts.append(("  ·  ", "dim"))
        contacts += [(CONTACT_WORD[c.kind] + " ", ""), (c.display, "cmd")]
    lines = [head, contacts]
    if detail:
        lines.append([(resource_details(res), "dim")])
    return lines


def resource_details(res: Resource, *, address_label: str = "") -> str:
    """What a resource offers, its hours, languages, cost and address, as sentences: "It does
    not offer counseling. 24 hours a day." (not "counseling.; 24")."""
    details = [
        res.offers,
        res.hours,
        "Languages: " + ", ".join(res.languages) if res.languages else None,
        res.cost,
        address_label + res.address if res.address else None,
    ]
    return " ".join(_sentence(d) for d in details if d)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def help_callout(resources: Sequence[Resource], title: str = HELP_TITLE) -> Callout:
    """A help box listing ``resources`` (name and contacts) under ``title``."""
    body: list[Any] = []
    for res in resources:
        body += [Para(line) for line in resource_lines(res, detail=False)]
    return Callout(title, body, tone="help")


def crisis_resources(kb: KnowledgeBase, concerns: Iterable[str]) -> list[Resource]:
    """Resources to show prominently for content with these concerns (none if not crisis)."""
    crisis = CRISIS_CONCERNS.intersection(concerns)
    return kb.resources(sorted(crisis)) if crisis else []


# --- commands ---------------------------------------------------------------------------------


def welcome(kb_disclaimer: str) -> View:
    """What ``heroinfacts`` alone shows: what it is, three commands to try, the disclaimer."""
    doc = Doc().add(
        Title(
            "heroinfacts", "Offline, cited facts about heroin, opioids, depressants and depression."
        ),
        Heading("Try"),
        Table(
            ["command", "what"],
            [
                [[("heroinfacts show heroin", "cmd")], [("what heroin is, with sources", "")]],
                [[('heroinfacts ask "is heroin a depressant"', "cmd")], [("a plain question", "")]],
                [[("heroinfacts help-now", "cmd")], [("help lines: call, text, chat", "")]],
            ],
        ),
        Para([("Run ", ""), ("heroinfacts --help", "cmd"), (" for every command.", "")]),
        Para([(kb_disclaimer, "dim")]),
    )
    return View(
        doc,
        {
            "name": "heroinfacts",
            "version": __version__,
            "examples": [
                "heroinfacts show heroin",
                'heroinfacts ask "is heroin a depressant"',
                "heroinfacts help-now",
            ],
            "disclaimer": kb_disclaimer,
        },
    )


def topics(kb: KnowledgeBase, machine: bool) -> View:
    """Every topic with its first sentence (with ``machine``, id and title rows for scripts)."""
    rows = list(kb.outline("topic"))
    data = {"topics": [{"id": i, "title": t, "summary": s} for i, t, s in rows]}
    if machine:
        return View(Doc().add(Rows([[i, t] for i, t, _ in rows])), data)
    table = Table(
        ["topic", "about"],
        [[[(i, "cmd")], [(t, "bold"), (" - " + _first_sentence(s or ""), "")]] for i, t, s in rows],
    )
    doc = Doc().add(
        Title("Topics", f"{len(rows)} topics. Show one with: heroinfacts show TOPIC"), table
    )
    return View(doc, data)


def _first_sentence(text: str) -> str:
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def display_aliases(rid: str, aliases: Sequence[str], limit: int = 8) -> list[str]:
    """Aliases worth showing a reader: misspellings kept for lookup ("herion") are left out."""
    import difflib

    shown: list[str] = []
    for alias in aliases:
        seen = [rid, *shown]
        if all(difflib.SequenceMatcher(None, alias.lower(), s).ratio() < 0.8 for s in seen):
            shown.append(alias)
    return shown[:limit]


def _fact_blocks(facts: Sequence[Fact], citer: Citer) -> list[Any]:
    blocks: list[Any] = []
    for f in facts:
        blocks.append(Bullets([citer.line(f.text, f.cites)]))
        if f.proportion:
            p = f.proportion
            blocks.append(IconArray(p.numerator, p.denominator, p.wording))
    return blocks


def _topic_or_topics(kb: KnowledgeBase, name: str) -> Topic:
    """The topic ``name`` names; when the words name several (``heroin overdose``), NotFound
    that suggests exactly those, read as ``handout`` reads the same words."""
    from .errors import NotFound

    try:
        return kb.topic(name)
    except NotFound as err:
        if len(name.split()) < 2:
            raise
        try:
            several = resolve(kb, name.split())
        except (NotFound, UsageError):
            raise err from None
        if len(several) < 2:
            raise
        raise NotFound("topic", name, [e.id for e in several]) from None


def show(kb: KnowledgeBase, name: str) -> View:
    """One topic: crisis help first when it has a crisis concern, then its facts with sources."""
    topic = _topic_or_topics(kb, name)
    citer = Citer()
    names = display_aliases(topic.id, topic.aliases)
    doc = Doc().add(Title(topic.title, ("Also called: " + ", ".join(names)) if names else None))
    doc.add(Para([(topic.summary, "")]))
    resources = crisis_resources(kb, topic.concerns)
    if resources:
        doc.add(help_callout(resources))
    doc.add(Heading("Facts"), *_merge_bullets(_fact_blocks(topic.facts, citer)))
    if not resources and topic.concerns:
        # Not a crisis page: the services that share its concerns, national and local, below.
        resources = kb.resources(topic.concerns)
        if resources:
            lines = [resource_lines(r, detail=False) for r in resources]
            doc.add(Heading("Where to get help"), Bullets([[*h, (": ", ""), *c] for h, c in lines]))
    related = [t for t in (kb.topic_by_id(r) for r in topic.related) if t is not None]
    if related:
        doc.add(
            Heading("Read next"),
            Bullets([[(r.title, ""), (f"  heroinfacts show {r.id}", "cmd")] for r in related]),
        )
    doc.add(citer.block(kb), footer(kb))
    data = {
        "topic": topic.to_dict(),
        "related": [{"id": r.id, "title": r.title} for r in related],
        "references": citer.data(kb),
        "resources": [r.to_dict() for r in resources],
    }
    return View(doc, data)


def _merge_bullets(blocks: list[Any]) -> list[Any]:
    """Join runs of one-item bullet lists so facts print as one list between icon arrays."""
    out: list[Any] = []
    for b in blocks:
        if isinstance(b, Bullets) and out and isinstance(out[-1], Bullets):
            out[-1] = Bullets(out[-1].items + b.items, out[-1].marker)
        else:
            out.append(b)
    return out


def list_bullets(sl: SignList) -> Bullets:
    """A list's items: numbered when they are steps to take in order, else a checklist."""
    return Bullets([[(i.text, "")] for i in sl.items], marker=sl.marker)


def symptoms(kb: KnowledgeBase, name: str | None) -> View:
    """One sign or symptom list (crisis help first when it has a crisis concern), or all lists when
    ``name`` is None."""
    if name is None:
        lists = kb.sign_lists()
        table = Table(
            ["list", "what"],
            [[[(s.id, "cmd")], [(f"{s.title} ({len(s.items)})", "")]] for s in lists],
        )
        doc = Doc().add(
            Title("Sign and symptom lists", "Show one with: heroinfacts symptoms LIST"), table
        )
        rows = Doc().add(Rows([[s.id, s.title, str(len(s.items))] for s in lists]))
        data: dict[str, Any] = {
            "lists": [{"id": s.id, "title": s.title, "items": len(s.items)} for s in lists]
        }
        return View(doc, data, rows=rows)
    sl = kb.sign_list(name)
    citer = Citer()
    citer.mark(sl.cites)
    doc = Doc().add(Title(sl.title))
    if sl.intro:
        doc.add(Para([(sl.intro, "")]))
    resources = crisis_resources(kb, sl.concerns)
    if resources:  # crisis help before the list: someone in danger reads the top first
        doc.add(help_callout(resources))
    doc.add(list_bullets(sl))
    doc.add(Para([("Sources: ", "dim"), (citer.mark(sl.cites), "cite")]))
    doc.add(citer.block(kb), footer(kb))
    data = {
        "list": sl.to_dict(),
        "references": citer.data(kb),
        "resources": [r.to_dict() for r in resources],
    }
    return View(doc, data)


def define(kb: KnowledgeBase, name: str | None) -> View:
    """One glossary term with its sources, or the glossary when ``name`` is None."""
    if name is None:
        terms = kb.terms()
        table = Table(["term", "id"], [[[(t.term, "bold")], [(t.id, "cmd")]] for t in terms])
        doc = Doc().add(Title("Glossary", "Define one with: heroinfacts define TERM"), table)
        rows = Doc().add(Rows([[t.id, t.term] for t in terms]))
        return View(doc, {"terms": [{"id": t.id, "term": t.term} for t in terms]}, rows=rows)
    term = kb.term(name)
    citer = Citer()
    doc = Doc().add(Title(term.term), Para(citer.line(term.definition, term.cites)))
    if term.aliases:
        doc.add(Para([("Also: " + ", ".join(term.aliases), "dim")]))
    doc.add(citer.block(kb))
    return View(doc, {"term": term.to_dict(), "references": citer.data(kb)})


def refs(kb: KnowledgeBase, ref_id: str | None, for_topic: str | None) -> tuple[list[Any], str]:
    """The references asked for, and a heading saying which they are."""
    if ref_id is not None:
        return [kb.reference(ref_id)], "Reference"
    if for_topic is not None:
        topic = kb.topic(for_topic)
        return kb.references(topic.cites), f"References cited by {topic.title!r}"
    return kb.references(), "References"


def topic_checks(topic: Topic) -> dict[str, list[dict[str, Any]]]:
    """How each reference a topic cites was checked, by reference id: one record per fact
    that cites it with a check record (``fact``, then the record's fields)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for f in topic.facts:
        for check in f.checks:
            found.setdefault(check.ref, []).append({"fact": f.id, **check.to_dict()})
    return found


def refs_view(
    kb: KnowledgeBase,
    chosen: Sequence[Any],
    heading: str,
    checks: Mapping[str, list[dict[str, Any]]] | None = None,
) -> View:
    """The references ``chosen``; with ``checks`` (``refs --for``), each one's JSON also says
    how the topic's cites of it were checked (the terminal shows the references alone)."""
    from .citations import apa_segments

    entries = [(i, apa_segments(r.csl)) for i, r in enumerate(chosen, 1)]
    doc = Doc().add(References(entries, heading))
    refs = [reference_data(i, r) for i, r in enumerate(chosen, 1)]
    if checks is not None:
        refs = [r | {"checks": checks.get(r["id"], [])} for r in refs]
    return View(doc, {"references": refs})


def classes_of(drug: Substance | DrugClass) -> tuple[str, ...]:
    """The classes a named drug belongs to (a class is its own)."""
    return drug.classes if isinstance(drug, Substance) else (drug.id,)


def interaction_block(
    kb: KnowledgeBase, inter: Interaction, citer: Citer
) -> tuple[Any, dict[str, Any]]:
    """What the data says about one pair of classes: a callout, and its JSON."""
    severities = kb.severities()
    sev = next(s for s in severities if s.id == inter.severity)
    names = " + ".join(kb.drug_class(c).name for c in inter.classes)
    block = Callout(
        f"{sev.label}: {names}",
        [
            Para(citer.line(inter.note, inter.cites)),
            Para([(f"{sev.label}: ", "bold"), (sev.definition, "dim")]),
        ],
        tone="danger" if sev.id == severities[0].id else "warn",
    )
    data = {
        "classes": list(inter.classes),
        "found": True,
        "severity": sev.to_dict(),
        "note": inter.note,
        "citations": list(inter.cites),
    }
    return block, data


def named_interactions(kb: KnowledgeBase, question: str) -> list[Interaction]:
    """Entries for drugs a question names together ("can i take xanax with heroin")."""
    import re
    from itertools import combinations

    text = question.casefold()
    if not re.search(r"\b(with|and|plus|mix\w*|combin\w*|together|while|on|after)\b|[+&]", text):
        return []  # "is xanax an opioid" names two, but asks about taking neither with the other
    words = re.findall(r"[^\W_]+", text)[:64]
    ids: list[str] = []
    for i in range(len(words)):
        for n in (3, 2, 1):  # the longest name first: "prescription opioids", then "opioids"
            rid = kb.lookup("drug", " ".join(words[i : i + n]))
            if rid is not None and rid not in ids:
                ids.append(rid)
                break
    found: list[Interaction] = []
    for a, b in combinations([kb.drug(r) for r in ids[:4]], 2):
        for x in classes_of(a):
            for y in classes_of(b):
                inter = kb.interaction(x, y)
                if inter is not None and inter not in found:
                    found.append(inter)
    return found


def mix(kb: KnowledgeBase, a: str, b: str) -> View:
    """Two drugs: the rating and note of each pair of their classes, and "no data" (never "safe")
    for a pair without one."""
    drugs = [kb.drug(a), kb.drug(b)]
    citer = Citer()
    doc = Doc().add(Title(f"{drugs[0].name} + {drugs[1].name}"))
    pairs = [(x, y) for x in classes_of(drugs[0]) for y in classes_of(drugs[1])]
    found, missing = [], []
    for x, y in dict.fromkeys(pairs):
        inter = kb.interaction(x, y)
        if inter is None:
            missing.append((x, y))
        else:
            found.append(inter)
    data_pairs: list[dict[str, Any]] = []
    for inter in found:
        block, entry = interaction_block(kb, inter, citer)
        doc.add(block)
        data_pairs.append(entry)
    for x, y in missing:
        names = f"{kb.drug_class(x).name} + {kb.drug_class(y).name}"
        doc.add(
            Callout(
                f"No data: {names}",
                [
                    Para(
                        [
                            (
                                NO_DATA,
                                "warn",
                            )
                        ]
                    )
                ],
                tone="warn",
            )
        )
        data_pairs.append(
            {"classes": [x, y], "found": False, "severity": None, "note": None, "citations": []}
        )
    resources = kb.resources(["overdose"]) if found else []
    if resources:
        doc.add(help_callout(resources, "If someone is very sleepy or breathing slowly"))
    if citer.order:
        doc.add(citer.block(kb))
    doc.add(footer(kb))
    data = {
        "drugs": [
            {"query": q, "id": d.id, "name": d.name, "classes": list(classes_of(d))}
            for q, d in zip((a, b), drugs, strict=False)
        ],
        "interactions": data_pairs,
        "references": citer.data(kb),
        "resources": [r.to_dict() for r in resources],
    }
    notices = ["No data on this combination. That is not the same as safe."] if not found else []
    return View(doc, data, code=0 if found else 1, notices=notices)


def help_now(kb: KnowledgeBase) -> View:
    """Every help line and service, with the day they were last checked."""
    resources = kb.resources()
    doc = Doc().add(Title("Help now", "Help lines and services: call, text, chat or visit."))
    for res in resources:
        doc.add(*[Para(line) for line in resource_lines(res)])
    doc.add(
        Para(
            [
                (
                    f"Checked against their sources on {max(r.verified for r in resources)}. "
                    "Local services come from your packs.",
                    "dim",
                )
            ]
        )
    )
    return View(doc, {"resources": [r.to_dict() for r in resources]})


def about(kb: KnowledgeBase, info: dict[str, Any]) -> View:
    """Versions, checksum, license, sources, overrides, and where the data, config and cache are."""
    b = kb.bundle
    rows = [
        ("Tool version", __version__),
        ("Data version", f"{b.version} (reviewed {b.reviewed})"),
        ("Data checksum", f"sha256:{kb.meta('checksum')}"),
        ("License", f"code MIT; data {b.license}"),
        *[
            (
                "Data file" if s.shipped else "Pack",
                f"{info['data_path'] if s.shipped else s.path}  "
                f"({s.bundle.title} {s.bundle.version})",
            )
            for s in kb.sources
        ],
        ("Packs from", info["packs_from"]),
        *[("Replaced", line) for line in override_lines(kb.overrides)],
        ("Config file", info["config"]),
        ("Cache", info["cache"]),
    ]
    doc = Doc().add(
        Title("About heroinfacts"),
        Table(["what", "value"], [[[(k, "bold")], [(v, "")]] for k, v in rows]),
        Para([(b.disclaimer, "dim")]),
    )
    data = {
        "version": __version__,
        "data": {
            "version": b.version,
            "reviewed": b.reviewed,
            "license": b.license,
            "checksum": f"sha256:{kb.meta('checksum')}",
            "bundle": b.id,
        },
        "disclaimer": b.disclaimer,
        "sources": [s.to_dict() for s in kb.sources],
        "packs": [s.to_dict() for s in kb.sources if not s.shipped],
        "overrides": kb.overrides,
        **info,
    }
    return View(doc, data)


# --- search and ask ---------------------------------------------------------------------------


def highlight(text: str, terms: Sequence[str]) -> Line:
    """``text`` as spans, with words that start with one of ``terms`` marked for highlighting."""
    import re

    words = sorted({t for t in terms if len(t) > 1}, key=len, reverse=True)
    if not words:
        return [(text, "")]
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    out: Line = []
    pos = 0
    for m in pattern.finditer(text):
        out += [(text[pos : m.start()], ""), (m.group(), "hl")]
        pos = m.end()
    out.append((text[pos:], ""))
    return [s for s in out if s[0]]


def _hit_resources(kb: KnowledgeBase, result: Any) -> list[Resource]:
    """Help that belongs with these results: the resources found, then every other resource
    (national or local) that shares their concerns or the crisis concerns of the best answer's
    topic, so local crisis lines from packs appear beside the national ones."""
    by_id = {r.id: r for r in kb.resources()}
    chosen = [by_id[h.id] for h in result.results if h.kind == "resource" and h.id in by_id]
    concerns = {c for r in chosen for c in r.concerns}
    if result.results:
        first = result.results[0]
        topic = kb.topic_by_id(first.topic) if first.topic else None
        if topic is not None:
            concerns |= CRISIS_CONCERNS.intersection(topic.concerns)
    if not concerns:
        return chosen
    seen = {r.id for r in chosen}
    return chosen + [r for r in kb.resources(sorted(concerns)) if r.id not in seen]


def _notices(result: Any) -> list[str]:
    notes = []
    if result.notice:
        notes.append(result.notice)
    if result.corrected:
        notes.append(f"Showing results for: {result.corrected}")
    if not result.results:
        tips = ", ".join(result.suggestions) if result.suggestions else ""
        notes.append(
            f"heroinfacts: nothing found for {short(result.query)!r}."
            + (f"\nTry: {tips}" if tips else "\nTry other words, or: heroinfacts topics")
        )
    return notes


def search_view(kb: KnowledgeBase, result: Any) -> View:
    """Search hits with their sources; crisis help first when a hit is a crisis line."""
    citer = Citer()
    doc = Doc()
    resources = _hit_resources(kb, result)
    if resources and resources[0].is_crisis:
        doc.add(help_callout(resources))
    rows = []
    for hit in result.results:
        head: Line = [(hit.title or hit.id, "bold"), (f"  {hit.kind}: {hit.id}", "id")]
        body = highlight(hit.text, result.terms)
        if hit.citations:
            body.append((" " + citer.mark(hit.citations), "cite"))
        rows += [head, body]
    if rows:
        doc.add(Title(f"Results for {result.corrected or result.query!r}"))
        doc.add(*[Para(line) for line in rows])
        doc.add(citer.block(kb))
    data = {**result.to_dict(), "resources": [r.to_dict() for r in resources]}
    return View(doc, data, code=0 if result.results else 1, notices=_notices(result))


def ask_view(kb: KnowledgeBase, result: Any) -> View:
    """The answer to a question: crisis help first, what the data says about two drugs named, the
    best answer and more."""
    citer = Citer()
    doc = Doc()
    resources = _hit_resources(kb, result)
    hits = list(result.results)
    if resources and any(r.is_crisis for r in resources):
        doc.add(help_callout(resources))
    mixes = named_interactions(kb, result.query)
    mix_data = []
    for inter in mixes:  # a question naming two drugs gets what the data says about the pair
        block, entry = interaction_block(kb, inter, citer)
        doc.add(block)
        mix_data.append(entry)
    if result.message and resources:  # no dosing advice: said under the help lines
        doc.add(Para([(result.message, "bold")]))
    facts = [h for h in hits if h.kind != "resource"]
    if facts:
        best, more = facts[0], facts[1:5]
        if best.kind == "list":  # a sign or symptom list answers: show it as a checklist
            sl = kb.sign_list(best.id)
            doc.add(Title(sl.title), list_bullets(sl))
            doc.add(Para([("Sources: ", "dim"), (citer.mark(sl.cites), "cite")]))
            source = f"heroinfacts symptoms {sl.id}"
        else:
            doc.add(Title(best.title or "Answer"), Para(citer.line(best.text, best.citations)))
            where = "symptoms" if best.kind == "item" else "show"
            source = f"heroinfacts {where} {best.topic}" if best.topic else ""
        if source:
            doc.add(Para([("From: ", "dim"), (source, "cmd")]))
        if more:
            doc.add(Heading("More"), Bullets([citer.line(h.text, h.citations) for h in more]))
        if result.next_topic:
            doc.add(
                Para([("Read next: ", "bold"), (f"heroinfacts show {result.next_topic}", "cmd")])
            )
        doc.add(citer.block(kb), footer(kb))
    data = {
        **result.to_dict(),
        "resources": [r.to_dict() for r in resources],
        "interactions": mix_data,
    }
    answered = result.answered or bool(mixes)
    return View(doc, data, code=0 if answered else 1, notices=_ask_notices(result, answered))


def _ask_notices(result: Any, answered: bool) -> list[str]:
    """As :func:`_notices`, but an unanswered question says so and names topics to read."""
    notes = [n for n in (result.notice,) if n]
    if result.corrected:
        notes.append(f"Showing results for: {result.corrected}")
    if not answered and not any(h.kind == "resource" for h in result.results):
        lines = [result.message or "heroinfacts has nothing on that."]
        if result.suggestions:
            read = ", ".join(f"heroinfacts show {t}" for t in result.suggestions)
            lines.append(f"You could read: {read}")
        notes.append("\n".join(lines))
    return notes


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


def override_lines(overrides: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per shipped entry a pack replaced: what, by which pack, where (file:line)."""
    return [
        f"{o.get('kind')} {o.get('id')!r} replaced by pack {o.get('pack')!r} at "
        f"{o.get('file')}:{o.get('line')} (was {o.get('replaces')})"
        for o in overrides
    ]
