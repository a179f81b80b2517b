"""The knowledge base's records: frozen (:mod:`heroinfacts.records`), loaded once, then only read.

Each record converts to and from plain JSON-ready dicts (``to_dict`` / ``from_dict``), which is
how the compiled cache stores them; ``to_dict`` is also what ``--json`` prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from . import records

#: Concerns that make a page show crisis help: nothing hides those resources.
CRISIS_CONCERNS = frozenset({"depression", "suicide", "overdose"})
CONCERNS = ("substance-use", "depression", "suicide", "overdose")
#: Concerns from the most to the least urgent: help for the most urgent concern a page shares
#: with a resource comes first (911 in an overdose, 988 for suicide).
URGENCY = ("overdose", "suicide", "depression", "substance-use")

T = TypeVar("T")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, records.Struct):
        return {k: _plain(getattr(value, k)) for k in value._fields}
    return value


class Record(records.Struct):
    """Shared conversions of every record type."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy: tuples become lists, mappings plain dicts."""
        result: dict[str, Any] = _plain(self)
        return result


class Bundle(Record):
    """What a data file says about itself: id, title, version, language, review date, license,
    disclaimer."""

    id: str
    title: str
    version: str
    language: str
    reviewed: str
    license: str
    disclaimer: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Bundle:
        """The bundle of a compiled record."""
        return cls(**{k: str(d[k]) for k in cls._fields})


class Reference(Record):
    """A source in CSL-JSON form; ``csl`` holds every CSL field the data gives."""

    id: str
    csl: Mapping[str, Any]

    @property
    def title(self) -> str:
        """The reference's title (empty when it has none)."""
        return str(self.csl.get("title", ""))

    @property
    def year(self) -> int | None:
        """The year it was issued, or None."""
        parts = self.csl.get("issued", {}).get("date-parts") or [[]]
        return int(parts[0][0]) if parts and parts[0] else None

    def to_dict(self) -> dict[str, Any]:
        """The CSL-JSON item as plain dicts and lists."""
        result: dict[str, Any] = _plain(self.csl)
        return result

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Reference:
        """The reference of a compiled record (its CSL-JSON item)."""
        return cls(id=str(d["id"]), csl=MappingProxyType(dict(d)))


class Proportion(Record):
    """A proportion a fact states (``numerator`` in ``denominator``), with its wording."""

    numerator: int
    denominator: int
    wording: str


class CiteCheck(Record):
    """How one cite was checked: the copy of reference ``ref`` that was read (``read``, an
    address), the part read (``section``), and whether it ``states`` the claim or supports it
    ``partly``; ``note`` says more (for example that the copy is the same document elsewhere)."""

    ref: str
    read: str
    section: str
    supports: str
    note: str | None = None


def _checks(d: Mapping[str, Any]) -> tuple[CiteCheck, ...]:
    return tuple(CiteCheck(**c) for c in d.get("checks", ()))


class Fact(Record):
    """One cited statement of a topic."""

    id: str
    text: str
    cites: tuple[str, ...]
    topic: str
    proportion: Proportion | None = None
    note: str | None = None
    #: The check records of ``cites`` (every cite but the article, in the shipped data).
    checks: tuple[CiteCheck, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Fact:
        """The fact of a compiled record."""
        p = d.get("proportion")
        return cls(
            id=d["id"],
            text=d["text"],
            cites=tuple(d["cites"]),
            topic=d["topic"],
            proportion=Proportion(**p) if p else None,
            note=d.get("note"),
            checks=_checks(d),
        )


class Topic(Record):
    """A page of facts about one subject (``heroinfacts show``)."""

    id: str
    title: str
    aliases: tuple[str, ...]
    summary: str
    facts: tuple[Fact, ...]
    related: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    search_words: tuple[str, ...] = ()

    @property
    def cites(self) -> tuple[str, ...]:
        """Every reference the topic's facts cite, in order of first use."""
        return tuple(dict.fromkeys(c for f in self.facts for c in f.cites))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Topic:
        """The topic of a compiled record, with its facts."""
        return cls(
            id=d["id"],
            title=d["title"],
            aliases=tuple(d.get("aliases", ())),
            summary=d["summary"],
            facts=tuple(Fact.from_dict(f) for f in d["facts"]),
            related=tuple(d.get("related", ())),
            concerns=tuple(d.get("concerns", ())),
            search_words=tuple(d.get("search_words", ())),
        )


class ListItem(Record):
    """One sign, symptom or step of a :class:`SignList`."""

    id: str
    text: str


class SignList(Record):
    """A list of signs or symptoms, or of steps to take in order (``heroinfacts symptoms``)."""

    id: str
    title: str
    aliases: tuple[str, ...]
    items: tuple[ListItem, ...]
    cites: tuple[str, ...]
    intro: str | None = None
    concerns: tuple[str, ...] = ()
    search_words: tuple[str, ...] = ()
    checks: tuple[CiteCheck, ...] = ()
    #: True for steps to take in order (printed numbered), False for signs (a checklist).
    ordered: bool = False

    @property
    def marker(self) -> str:
        """How its items are printed: ``number`` for steps in order, ``check`` for signs."""
        return "number" if self.ordered else "check"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SignList:
        """The list of a compiled record, with its items."""
        return cls(
            id=d["id"],
            title=d["title"],
            aliases=tuple(d.get("aliases", ())),
            items=tuple(ListItem(id=i["id"], text=i["text"]) for i in d["items"]),
            cites=tuple(d["cites"]),
            intro=d.get("intro"),
            concerns=tuple(d.get("concerns", ())),
            search_words=tuple(d.get("search_words", ())),
            checks=_checks(d),
            ordered=bool(d.get("ordered", False)),
        )


class Term(Record):
    """A glossary entry (``heroinfacts define``)."""

    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    cites: tuple[str, ...]
    search_words: tuple[str, ...] = ()
    checks: tuple[CiteCheck, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Term:
        """The term of a compiled record."""
        return cls(
            id=d["id"],
            term=d["term"],
            aliases=tuple(d.get("aliases", ())),
            definition=d["definition"],
            cites=tuple(d["cites"]),
            search_words=tuple(d.get("search_words", ())),
            checks=_checks(d),
        )


class Severity(Record):
    """How dangerous a mix is: an id, its label and what it means."""

    id: str
    label: str
    definition: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Severity:
        """The severity of a compiled record."""
        return cls(id=d["id"], label=d["label"], definition=d["definition"])


class DrugClass(Record):
    """A class of drugs that interactions are rated between (opioids, benzodiazepines ...)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    search_words: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DrugClass:
        """The class of a compiled record."""
        return cls(
            id=d["id"],
            name=d["name"],
            aliases=tuple(d.get("aliases", ())),
            search_words=tuple(d.get("search_words", ())),
        )


class Substance(Record):
    """A drug people name, with the classes it belongs to."""

    id: str
    name: str
    aliases: tuple[str, ...]
    classes: tuple[str, ...]
    cites: tuple[str, ...]
    search_words: tuple[str, ...] = ()
    checks: tuple[CiteCheck, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Substance:
        """The substance of a compiled record."""
        return cls(
            id=d["id"],
            name=d["name"],
            aliases=tuple(d.get("aliases", ())),
            classes=tuple(d["classes"]),
            cites=tuple(d["cites"]),
            search_words=tuple(d.get("search_words", ())),
            checks=_checks(d),
        )


class Interaction(Record):
    """What the data says about two classes taken together, rated by a severity."""

    id: str
    classes: tuple[str, str]
    severity: str
    note: str
    cites: tuple[str, ...]
    checks: tuple[CiteCheck, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Interaction:
        """The interaction of a compiled record."""
        a, b = d["classes"]
        return cls(
            id=d["id"],
            classes=(a, b),
            severity=d["severity"],
            note=d["note"],
            cites=tuple(d["cites"]),
            checks=_checks(d),
        )


class Contact(Record):
    """One way to reach a resource: a number to call or text, an address to open or visit."""

    kind: str
    value: str
    label: str | None = None

    @property
    def display(self) -> str:
        """What is printed: the label when there is one, else the value."""
        return self.label or self.value


class Resource(Record):
    """A help line or service, with its contacts, the concerns it helps with and when it was
    checked."""

    id: str
    name: str
    region: str
    offers: str
    contacts: tuple[Contact, ...]
    concerns: tuple[str, ...]
    verified: str
    cites: tuple[str, ...]
    hours: str | None = None
    languages: tuple[str, ...] = ()
    cost: str | None = None
    address: str | None = None
    #: The id of the local pack that added this resource; None for shipped ones.
    pack: str | None = None
    #: A shipped crisis line (``protected: true`` in the data): no pack can replace it.
    protected: bool = False
    checks: tuple[CiteCheck, ...] = ()

    @property
    def is_crisis(self) -> bool:
        """Whether it helps with a crisis (an overdose, suicide), so it is shown first."""
        return bool(CRISIS_CONCERNS.intersection(self.concerns))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Resource:
        """The resource of a compiled record, with its contacts."""
        return cls(
            id=d["id"],
            name=d["name"],
            region=d["region"],
            offers=d["offers"],
            contacts=tuple(Contact(**c) for c in d["contacts"]),
            concerns=tuple(d.get("concerns", ())),
            verified=d["verified"],
            cites=tuple(d["cites"]),
            hours=d.get("hours"),
            languages=tuple(d.get("languages", ())),
            cost=d.get("cost"),
            address=d.get("address"),
            pack=d.get("pack"),
            protected=bool(d.get("protected", False)),
            checks=_checks(d),
        )


class Source(Record):
    """One data file that was loaded: the shipped data or a local pack."""

    path: str
    bundle: Bundle
    shipped: bool

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Source:
        """The source of the compiled cache's list of files."""
        return cls(path=d["path"], bundle=Bundle.from_dict(d["bundle"]), shipped=d["shipped"])
