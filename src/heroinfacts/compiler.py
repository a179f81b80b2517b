"""Schema checks behind ``heroinfacts validate``: raw YAML in, clean records or problems out.

:func:`compile_sources` checks every file loaded together (shipped data first, then packs, in order)
and returns the records the cache stores, plus every problem found. Problems carry a path into
the document; line numbers are looked up only for those, so the fast path keeps no positions.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import yamlio
from .citations import CSL_NAME_KEYS, CSL_TYPES
from .errors import Problem
from .model import CONCERNS
from .names import normalize

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SCHEMA_VERSION = 1
CONTACT_KINDS = ("call", "text", "chat", "tty", "web", "email", "visit")
ALIAS_KINDS = {
    "topic": "topics",
    "list": "lists",
    "term": "glossary",
    "substance": "substances",
    "class": "classes",
}
#: The CSL text and number variables a reference may have here: a choice among those of
#: :mod:`.citations` (tests/test_package_rules.py checks that each one is a CSL variable).
CSL_TEXT = (
    "container-title",
    "collection-title",
    "publisher",
    "publisher-place",
    "volume",
    "issue",
    "page",
    "URL",
    "DOI",
    "PMID",
    "PMCID",
    "note",
    "edition",
    "number",
    "genre",
    "medium",
    "abstract",
    "language",
    "source",
)

Loc = tuple[int, tuple[str | int, ...]]  # (file index, path in the document)

#: ``SourceFile.doc`` when the caller has not parsed the file.
NOT_PARSED: Any = object()


@dataclass
class SourceFile:
    """One data file to check: ``name`` is how problems name it."""

    name: str
    raw: bytes
    shipped: bool
    #: ``raw`` parsed already by the caller (a big pack is then not parsed twice), else NOT_PARSED.
    doc: Any = NOT_PARSED


@dataclass
class Compiled:
    """What the checks produce: records by kind (JSON-ready dicts, in order) and names."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: (namespace, normalised name, id, name as written)
    names: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: Every entry a pack replaced with ``override: true``: kind, id, the pack's file, line and
    #: bundle id, and ``replaces`` (file:line of the entry it replaced). Shown on every run.
    overrides: list[dict[str, Any]] = field(default_factory=list)


class _Invalid(Exception):
    """Raised inside a field check; the message becomes a problem."""


# --- field checkers: each takes a raw value and returns the clean one or raises _Invalid -------


def _show(v: Any) -> str:
    """``repr(v)`` for a message; an integer too long to print is described instead."""
    try:
        return repr(v)
    except ValueError:  # more digits than sys.get_int_max_str_digits() allows
        return "<a number too long to print>"


def _label(v: Any) -> str:
    """``str(v)`` for a key in a path or a hint, never raising; quoted (``repr``) when it is empty
    or has characters that would not print as themselves, such as a line break."""
    try:
        text = str(v)
    except ValueError:
        return "<a number too long to print>"
    return text if text.isprintable() and text.strip() == text and text else repr(text)


def _str(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise _Invalid(f"must be text, not {_kind(v)}")
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        raise _Invalid(
            f"is {_show(v)}, a special number to YAML (.nan, .inf): put the text in quotes"
        )
    if isinstance(v, (yamlio.RereadInt, yamlio.RereadFloat)):
        raise _Invalid(
            f"is written {v.source}, which YAML reads as the number {_show(v)}: "
            f'put it in quotes ("{v.source}") to keep it as written'
        )
    try:
        s = str(v).strip()
    except ValueError:  # an integer of more than 4300 digits
        raise _Invalid("must be text, not a number too long to print") from None
    if not s:
        raise _Invalid("must not be empty")
    return s


_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _line(v: Any) -> str:
    """Text for a one-line field (a title, a name, a label, a number): no tab, line break or
    other control character, which would forge columns or lines in piped output."""
    s = _str(v)
    bad = _NOT_ONE_LINE.search(s)
    if bad:
        raise _Invalid(
            f"holds {_label(bad.group())} (a tab, line break or control character): "
            "keep it to one line of plain text"
        )
    return s


def _id(v: Any) -> str:
    s = _str(v)
    if not ID_RE.match(s):
        raise _Invalid(f"{s!r} is not a kebab-case id (lower-case letters and digits, joined by -)")
    return s


def _date(v: Any) -> str:
    if isinstance(v, _dt.datetime):
        raise _Invalid(f"{v.isoformat()!r} is a date and a time: write the date only, YYYY-MM-DD")
    if isinstance(v, _dt.date):
        return v.isoformat()
    s = _str(v)
    if not DATE_RE.match(s):
        raise _Invalid(f"{s!r} is not a date: write YYYY-MM-DD")
    try:
        _dt.date.fromisoformat(s)
    except ValueError as err:
        raise _Invalid(f"{s!r} is not a real date ({err})") from None
    return s


def _past_date(v: Any) -> str:
    """A date that has already come (a day's grace for time zones): a review or a check."""
    s = _date(v)
    if _dt.date.fromisoformat(s) > _dt.date.today() + _dt.timedelta(days=1):
        raise _Invalid(f"{s!r} is in the future: give the day it was done")
    return s


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Invalid(f"must be a whole number, not {_kind(v)}")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _Invalid(f"must be true or false, not {_kind(v)}")
    return v


def _list_of(check: Callable[[Any], Any], *, nonempty: bool = False) -> Callable[[Any], list[Any]]:
    def run(v: Any) -> list[Any]:
        if not isinstance(v, list):
            raise _Invalid(f"must be a list, not {_kind(v)}")
        if nonempty and not v:
            raise _Invalid("must list at least one entry")
        out = []
        for i, item in enumerate(v):
            try:
                out.append(check(item))
            except _Invalid as err:
                raise _Invalid(f"entry {i + 1} {err}") from None
        return out

    return run


def _enum(*allowed: str) -> Callable[[Any], str]:
    def run(v: Any) -> str:
        s = _str(v)
        if s not in allowed:
            raise _Invalid(f"{s!r} is not one of: {', '.join(allowed)}")
        return s

    return run


def _csl_date(v: Any) -> dict[str, Any]:
    if not isinstance(v, dict) or set(v) - {"date-parts", "season", "literal", "circa"}:
        raise _Invalid("must be {date-parts: [[YYYY, M, D]]}")
    parts = v.get("date-parts")
    if parts is None:
        return _dict(v)
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        raise _Invalid("date-parts must hold one date, or two for a range")
    for p in parts:
        if (
            not isinstance(p, list)
            or not 1 <= len(p) <= 3
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in p)
        ):
            raise _Invalid("each date in date-parts is [year], [year, month] or [year, month, day]")
        if p[0] < 1 or (len(p) > 1 and not 1 <= p[1] <= 12):
            raise _Invalid(f"{_show(p)} is not a real date")
        if len(p) > 2:
            try:
                _dt.date(p[0], p[1], p[2])
            except (ValueError, OverflowError) as err:
                raise _Invalid(f"{_show(p)} is not a real date ({err})") from None
    if len(parts) == 2 and parts[1] < parts[0]:
        raise _Invalid(f"the range {_show(parts)} ends before it starts")
    return _dict(v)


def _author(v: Any) -> dict[str, str]:
    if not isinstance(v, dict) or not v:
        raise _Invalid("must be {family, given} or {literal}")
    if set(v) - CSL_NAME_KEYS:
        unknown = sorted(map(_label, set(v) - CSL_NAME_KEYS))
        raise _Invalid(f"has unknown keys: {', '.join(unknown)}")
    if "literal" not in v and "family" not in v:
        raise _Invalid("needs `family` (with `given`) or `literal`")
    return {k: _str(x) for k, x in v.items()}


def _dict(v: Any) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _Invalid(f"must be a mapping, not {_kind(v)}")
    out: dict[str, Any] = _json_ready(v)
    return out


def _json_ready(v: Any) -> Any:
    """A free-form value as JSON can hold it: dates as YYYY-MM-DD text; binary refused."""
    if isinstance(v, dict):
        return {str(k): _json_ready(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_ready(x) for x in v]
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    raise _Invalid(f"holds {_kind(v)}, which is not allowed: use text, numbers or lists")


def _kind(v: Any) -> str:
    return {dict: "a mapping", list: "a list", type(None): "empty", bool: "true/false"}.get(
        type(v), type(v).__name__
    )


_STRS = _list_of(_line)
_IDS = _list_of(_id)
#: A cite is a mapping with its check record, except the source article, cited bare.
_CITES = _list_of(lambda x: x, nonempty=True)  # each cite checked by _read_cites
_CONCERNS = _list_of(_enum(*CONCERNS))
_ENTRIES = _list_of(lambda x: x, nonempty=True)  # nested mappings, checked one by one later

Spec = dict[str, tuple[Callable[[Any], Any], bool]]  # key -> (check, required)

#: The reference cited bare, without a check record: the source article, which is where every
#: claim was first read. Every other cite in the shipped data records how it was checked.
BARE_CITE = "article"
#: How much of a claim the text read says.
SUPPORTS = ("states", "partly")
#: A cite's check record: which reference, the address of the copy read, the part of it read,
#: and whether that text states the claim or supports it in part.
CITE: Spec = {
    "ref": (_id, True),
    "read": (_str, True),
    "section": (_str, True),
    "supports": (_enum(*SUPPORTS), True),
    "note": (_str, False),
}
#: Words that only search reads (misspellings, question phrasings, related words), kept apart
#: from ``aliases``, the true synonyms a page shows as "Also called".
_NAMES: Spec = {"aliases": (_STRS, False), "search_words": (_STRS, False)}

BUNDLE: Spec = {k: (_str, True) for k in ("title", "language", "license", "disclaimer", "version")}
BUNDLE |= {"id": (_id, True), "reviewed": (_past_date, True)}
COMMON: Spec = {"id": (_id, True), "override": (_bool, False)}
SECTIONS: dict[str, Spec] = {
    "references": COMMON
    | {
        "type": (_enum(*sorted(CSL_TYPES)), True),
        "title": (_line, True),
        "author": (_list_of(_author), False),
        "editor": (_list_of(_author), False),
        "issued": (_csl_date, False),
        "accessed": (_csl_date, False),
        "custom": (_dict, False),
    }
    | {k: (_str, False) for k in CSL_TEXT},
    "severities": COMMON | {"label": (_line, True), "definition": (_str, True)},
    "classes": COMMON | {"name": (_line, True)} | _NAMES,
    "substances": COMMON
    | {"name": (_line, True)}
    | _NAMES
    | {
        "classes": (_list_of(_id, nonempty=True), True),
        "cites": (_CITES, True),
    },
    "interactions": COMMON
    | {
        "classes": (_IDS, True),
        "severity": (_id, True),
        "note": (_str, True),
        "cites": (_CITES, True),
    },
    "topics": COMMON
    | {
        "title": (_line, True),
    }
    | _NAMES
    | {
        "summary": (_str, True),
        "concerns": (_CONCERNS, False),
        "facts": (_ENTRIES, True),
        "related": (_IDS, False),
    },
    "lists": COMMON
    | {
        "title": (_line, True),
    }
    | _NAMES
    | {
        "intro": (_str, False),
        "concerns": (_CONCERNS, False),
        "ordered": (_bool, False),
        "cites": (_CITES, True),
        "items": (_ENTRIES, True),
    },
    "glossary": COMMON
    | {
        "term": (_line, True),
    }
    | _NAMES
    | {
        "definition": (_str, True),
        "cites": (_CITES, True),
    },
    "resources": COMMON
    | {
        "name": (_line, True),
        "region": (_line, True),
        "offers": (_str, True),
        "contacts": (_ENTRIES, True),
        "hours": (_str, False),
        "languages": (_STRS, False),
        "cost": (_str, False),
        "address": (_str, False),
        "concerns": (_CONCERNS, True),
        "verified": (_past_date, True),
        "cites": (_CITES, True),
        "protected": (_bool, False),
    },
    "aliases": {"kind": (_enum(*ALIAS_KINDS), True), "id": (_id, True), "add": (_STRS, True)},
}
FACT: Spec = {
    "id": (_id, True),
    "text": (_str, True),
    "cites": (_CITES, True),
    "proportion": (_dict, False),
    "note": (_str, False),
    "search_words": (_STRS, False),
}
#: A list item; like a fact, it may carry words only search reads (``search_words``).
ITEM: Spec = {"id": (_id, True), "text": (_str, True), "search_words": (_STRS, False)}
CONTACT: Spec = {
    "kind": (_enum(*CONTACT_KINDS), True),
    "value": (_line, True),
    "label": (_line, False),
}
PROPORTION: Spec = {"numerator": (_int, True), "denominator": (_int, True), "wording": (_str, True)}
TOP_LEVEL = ("schema", "bundle", *SECTIONS)
#: Record kind stored for each section.
KIND = {
    "references": "reference",
    "severities": "severity",
    "classes": "class",
    "substances": "substance",
    "interactions": "interaction",
    "topics": "topic",
    "lists": "list",
    "glossary": "term",
    "resources": "resource",
}
#: Name namespaces: which sections' ids and aliases are looked up together.
NAMESPACE = {
    "topics": "topic",
    "lists": "list",
    "glossary": "term",
    "classes": "drug",
    "substances": "drug",
}


class _Checker:
    def __init__(self, files: Sequence[SourceFile]) -> None:
        self.files = files
        # (file index, path, message, line when already known)
        self.raw_problems: list[tuple[int, tuple[str | int, ...], str, int | None]] = []
        self._lines: dict[int, dict[tuple[str | int, ...], int]] = {}
        self._roots: dict[int, Any] = {}  # composed once per file, only when a problem needs it
        self._index: dict[int, dict[Any, Any]] = {}  # mapping node -> its keys (see line_in)

    def problem(self, loc: Loc, message: str) -> None:
        self.raw_problems.append((loc[0], loc[1], message, None))

    def line(self, loc: Loc) -> int:
        cache = self._lines.setdefault(loc[0], {})
        if loc[1] not in cache:
            if loc[0] not in self._roots:
                self._roots[loc[0]] = yamlio.compose(self.files[loc[0]].raw)
            cache[loc[1]] = yamlio.line_in(self._roots[loc[0]], loc[1], self._index)
        return cache[loc[1]]

    def where(self, loc: Loc) -> str:
        return f"{self.files[loc[0]].name}:{self.line(loc)}"

    def fields(self, value: Any, spec: Spec, loc: Loc, what: str) -> dict[str, Any] | None:
        """Check every key of one mapping against ``spec``, a problem for each key that is
        unknown, missing or wrong; the clean values of the keys that are right (in ``spec``'s
        order), so that the parts they hold can be checked too. None when it is no mapping."""
        if not isinstance(value, dict):
            self.problem(loc, f"{what} must be a mapping of keys to values, not {_kind(value)}")
            return None
        out: dict[str, Any] = {}
        for key in value:
            if key not in spec:
                hint = _close(_label(key), spec)
                self.problem(
                    (loc[0], (*loc[1], _label(key))),
                    f"{what} has an unknown key {_show(key)}{hint}",
                )
        for key, (check, required) in spec.items():
            if key not in value:
                if required:
                    self.problem(loc, f"{what} is missing the required key {key!r}")
                continue
            try:
                out[key] = check(value[key])
            except _Invalid as err:
                self.problem((loc[0], (*loc[1], key)), f"{what}: {key} {err}")
        return out

    def mapping(self, value: Any, spec: Spec, loc: Loc, what: str) -> dict[str, Any] | None:
        """Check one mapping against ``spec`` (see :meth:`fields`); None when it is unusable."""
        before = len(self.raw_problems)
        out = self.fields(value, spec, loc, what)
        return out if len(self.raw_problems) == before else None


def _close(word: str, options: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _describe(section: str, entry: Any, index: int) -> str:
    ident = entry.get("id") if isinstance(entry, dict) else None
    kind = KIND.get(section, "alias entry")
    return f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} {index + 1} in {section}"


def parse(raw: bytes) -> Any:
    """:func:`yamlio.parse`: one YAML document, or :class:`yamlio.YamlProblem` at its line (a
    value the loader cannot build, such as 2026-13-45, and a duplicate key included)."""
    return yamlio.parse(raw)


#: Entries checked between two calls of ``compile_sources``'s ``checking`` callback.
CHECK_STEP = 500
#: The share of the check spent on entries (the rest: references, pairs and names).
ENTRY_SHARE = 0.85


def compile_sources(
    files: Sequence[SourceFile], checking: Callable[[float], None] | None = None
) -> tuple[Compiled, list[Problem]]:
    """Check ``files`` together and build their records; problems are sorted by file and line.

    The passes, in order (each a method of :class:`_Compiler`): ``read`` parses every file;
    ``check_file`` checks each file's top level and each of its entries (every field, then the
    parts nested in it), applies the rules on ids, overrides and protected entries, and keeps
    the records that pass; ``cross_check`` resolves what entries name across files (cites,
    related topics, classes, severities, interaction pairs, names and aliases).

    Every problem of an entry is reported, not only its first, so a broken pack is fixed in one
    run. An entry with a problem is not kept, and what names it is not reported again as
    missing: one mistake, one problem. ``checking`` (if given) is told how much of the check is
    done, from 0 to 1, every :data:`CHECK_STEP` entries and at the end.
    """
    run = _Compiler(files)
    docs = run.read()
    for fi, doc in enumerate(docs):
        run.check_file(fi, doc, checking)
    run.cross_check()
    if checking is not None:
        checking(1.0)
    return run.out, _resolve(run.ck)


Rec = dict[str, Any]  # a record being built
Found = list[tuple[Loc, str]]  # cites found so far, with where each is written


@dataclass(frozen=True)
class _Part:
    """A list of nested mappings in an entry: a topic's facts, a list's items, a resource's
    contacts. Each is checked against ``spec``; what is said of all of them is here."""

    key: str  # the entry's key that holds them
    spec: Spec
    noun: str  # "item 2 of list 'x'"
    #: A fact is named by its id as written ("fact 'x'") rather than by its place.
    by_id: bool = False
    #: When set, ids are unique across all files, and a second one is "{unique} 'x' is
    #: already defined at ..."
    unique: str | None = None
    #: Keys every record of the part has (before its own) and the key naming its entry.
    defaults: dict[str, Any] = field(default_factory=dict)
    owner_key: str | None = None
    #: More checks of a part: (compiler, its clean keys, loc, what, shipped, cites found).
    check: Callable[[_Compiler, Rec, Loc, str, bool, Found], None] | None = None


def _check_fact(
    run: _Compiler, fact: Rec, loc: Loc, what: str, shipped: bool, cites: Found
) -> None:
    """A fact's cites and its proportion (a count of people: 0 < numerator <= denominator)."""
    if "cites" in fact:
        _read_cites(run.ck, fact, loc, what, shipped, cites)
    if "proportion" in fact:
        ploc: Loc = (loc[0], (*loc[1], "proportion"))
        prop = run.ck.mapping(fact["proportion"], PROPORTION, ploc, f"{what}: proportion")
        if prop is None:
            return
        if not 0 < prop["numerator"] <= prop["denominator"] <= 1000:
            run.ck.problem(ploc, f"{what}: proportion needs 0 < numerator <= denominator <= 1000")
            return
        fact["proportion"] = prop


def _check_contact(run: _Compiler, contact: dict[str, Any], loc: Loc, what: str, *_: Any) -> None:
    """A contact whose value and label agree (see :func:`contact_problem`)."""
    if "kind" in contact and "value" in contact:
        wrong = contact_problem(contact)
        if wrong is not None:
            run.ck.problem(loc, f"{what}: {wrong}")


#: The nested parts of each section that has them.
PARTS = {
    "topics": _Part(
        "facts", FACT, "fact", by_id=True, unique="fact", owner_key="topic", check=_check_fact
    ),
    "lists": _Part("items", ITEM, "item", unique="list item"),
    "resources": _Part(
        "contacts", CONTACT, "contact", defaults={"label": None}, check=_check_contact
    ),
}
#: What an entry names in other sections, checked once every file is read: section ->
#: (key, kind of record named, message after the entry's name; ``{}`` is the id named).
WANTS = {
    "topics": [("related", "topic", "related topic {!r} does not exist")],
    "substances": [("classes", "class", "class {!r} does not exist")],
    "interactions": [
        ("classes", "class", "class {!r} does not exist"),
        ("severity", "severity", "severity {!r} is not defined in `severities`"),
    ],
}


class _Compiler:
    """What the passes of :func:`compile_sources` share: the records kept so far, where each
    was defined, and what is left to resolve once every file is read."""

    def __init__(self, files: Sequence[SourceFile]) -> None:
        self.files = files
        self.ck = _Checker(files)
        self.out = Compiled(records={kind: {} for kind in KIND.values()})
        self.guards = _Guards(self.ck, self.out.records)
        self.origin: dict[tuple[str, str], Loc] = {}  # (kind, id) -> where the record kept is
        #: Ids that are unique across all files (facts, list items) -> where each was first.
        self.part_ids: dict[str, dict[str, Loc]] = {
            p.unique: {} for p in PARTS.values() if p.unique
        }
        #: Reference ids cited anywhere, by entries not kept too: their references are not
        #: also reported as unused.
        self.cited: set[str] = set()
        self.cite_refs: list[tuple[Loc, str, str]] = []  # (loc, ref id, what cites it)
        self.wanted: list[tuple[Loc, str, str, str]] = []  # (loc, kind wanted, id, message)
        self.alias_adds: list[tuple[Loc, dict[str, Any]]] = []
        #: (kind, id) of entries not kept for a problem of their own: what names them is not
        #: reported as missing.
        self.rejected: set[tuple[str, str]] = set()
        #: Entries not kept whose id is not defined elsewhere: their names are still checked.
        self.unkept: dict[str, dict[str, tuple[dict[str, Any], Loc]]] = {
            kind: {} for kind in KIND.values()
        }
        self.total = 1
        self.done = 0

    # --- pass 1 ------------------------------------------------------------------------------

    def read(self) -> list[Any]:
        """Parse every file (or take the caller's parse); a file that is not YAML is a problem
        at its line and stays NOT_PARSED."""
        docs: list[Any] = []
        for fi, sf in enumerate(self.files):
            try:
                docs.append(parse(sf.raw) if sf.doc is NOT_PARSED else sf.doc)
            except yamlio.YamlProblem as err:
                self.ck.raw_problems.append((fi, (), err.message, err.line or 1))
                docs.append(NOT_PARSED)
        self.total = max(1, sum(map(_entry_count, docs)))
        return docs

    # --- pass 2 ------------------------------------------------------------------------------

    def check_file(self, fi: int, doc: Any, checking: Callable[[float], None] | None) -> None:
        """Check one file's top level (``schema``, ``bundle``, the sections), then each entry of
        each section in order, telling ``checking`` how far the check has come."""
        if doc is NOT_PARSED:
            return
        ck, sf = self.ck, self.files[fi]
        if not isinstance(doc, dict):
            ck.problem(
                (fi, ()),
                f"the file must be a YAML mapping with `schema` and `bundle` keys, "
                f"not {_kind(doc)}",
            )
            return
        for key in doc:
            if key not in TOP_LEVEL:
                ck.problem(
                    (fi, (_label(key),)),
                    f"unknown top-level key {_show(key)}{_close(_label(key), TOP_LEVEL)}",
                )
        if doc.get("schema") != SCHEMA_VERSION:
            ck.problem(
                (fi, ("schema",)),
                f"`schema` must be {SCHEMA_VERSION} (this file says {_show(doc.get('schema'))})",
            )
        bundle = ck.mapping(doc.get("bundle"), BUNDLE, (fi, ("bundle",)), "bundle")
        if bundle is not None:
            self.out.sources.append({"path": sf.name, "bundle": bundle, "shipped": sf.shipped})
        pack = None if sf.shipped or bundle is None else bundle["id"]
        for section in SECTIONS:
            entries = doc.get(section)
            if entries is None:
                continue
            if not isinstance(entries, list):
                ck.problem((fi, (section,)), f"`{section}` must be a list, not {_kind(entries)}")
                continue
            for i, raw in enumerate(entries):
                self.done += 1
                if checking is not None and self.done % CHECK_STEP == 0:
                    checking(ENTRY_SHARE * self.done / self.total)
                self.check_entry(fi, section, i, raw, pack)

    def check_entry(self, fi: int, section: str, i: int, raw: Any, pack: str | None) -> None:
        """Entry ``i`` of ``section``: every field, the rules on its id, then its nested parts;
        it is kept (:meth:`keep`) when none of that found a problem and the guards allow it (a
        guard looks at a whole entry, so only at one with no problem of its own)."""
        ck = self.ck
        loc: Loc = (fi, (section, i))
        shipped = self.files[fi].shipped
        what = _describe(section, raw, i)
        self.cited.update(_raw_cites(raw))
        before = len(ck.raw_problems)
        entry = ck.fields(raw, SECTIONS[section], loc, what)
        if entry is None:
            return
        if section == "aliases":  # checked once every name is known, if it names an entry
            if "kind" in entry and "id" in entry:
                self.alias_adds.append((loc, entry))
            return
        kind = KIND[section]
        rid = entry.pop("id", None)
        override = entry.pop("override", False)
        taken = rid is not None and not self.id_rules(kind, rid, override, loc, what, shipped)
        record: dict[str, Any] = {"id": rid, **entry}
        self.check_parts(section, record, loc, what, shipped, copy=taken)
        if rid is None:
            self.rejected.add((kind, _label(raw.get("id"))))
            return
        ok = len(ck.raw_problems) == before
        if ok and not shipped:
            ok = self.guards.allows(section, record, loc, what)
        if not ok:
            self.rejected.add((kind, rid))
            if not taken and (kind, rid) not in self.origin:
                self.unkept[kind].setdefault(rid, (record, loc))
            return
        self.keep(section, record, loc, override, pack)

    def id_rules(
        self, kind: str, rid: str, override: bool, loc: Loc, what: str, shipped: bool
    ) -> bool:
        """The rules on ids and overrides: an id defined by an earlier file is taken again
        only with ``override: true``, which only a pack may say, and only of such an id. False
        when the id is taken already and this entry does not say ``override``."""
        key, oloc = (kind, rid), (loc[0], (*loc[1], "override"))
        if override and shipped:
            self.ck.problem(oloc, f"{what}: only local packs may use `override`")
        elif key in self.origin and not override:
            self.ck.problem(
                loc,
                f"{what} is already defined at {self.ck.where(self.origin[key])}; give this "
                "entry `override: true` to replace it, or choose another id",
            )
            return False
        elif override and key not in self.origin:
            self.ck.problem(oloc, f"{what} has `override: true` but no earlier file defines it")
        return True

    def check_parts(
        self,
        section: str,
        record: dict[str, Any],
        loc: Loc,
        what: str,
        shipped: bool,
        *,
        copy: bool = False,
    ) -> None:
        """What an entry holds beyond its fields: its names, its cites, its nested parts
        (:data:`PARTS`); what it cites and names elsewhere is noted for :meth:`cross_check`,
        also when the entry itself is not kept (an independent problem). The parts of a
        ``copy`` (an entry whose id is taken already) are not held to unique ids: that they
        repeat the first entry's is the one mistake already reported."""
        fi, path = loc
        cites: Found = []
        _check_names(self.ck, record, loc, what)
        if "cites" in record:
            _read_cites(self.ck, record, loc, what, shipped, cites)
        part = PARTS.get(section)
        if part is not None and part.key in record:
            kept = []
            for j, raw in enumerate(record[part.key]):
                ploc: Loc = (fi, (*path, part.key, j))
                clean = self.check_part(part, raw, ploc, j, record, what, shipped, cites, copy)
                if clean is not None:
                    kept.append(clean)
            record[part.key] = kept
        if section == "interactions" and len(record.get("classes", (1, 2))) != 2:
            self.ck.problem(
                (fi, (*path, "classes")), f"{what}: `classes` must name exactly two classes"
            )
        self.cite_refs += [(cloc, ref, what) for cloc, ref in cites]
        for key, kind, message in WANTS.get(section, ()):
            if key not in record:
                continue
            named = record[key]
            places: list[tuple[tuple[str | int, ...], str]] = (
                [((*path, key, j), ident) for j, ident in enumerate(named)]
                if isinstance(named, list)
                else [((*path, key), named)]
            )
            for where, ident in places:
                self.wanted.append(((fi, where), kind, ident, f"{what}: {message.format(ident)}"))

    def check_part(
        self,
        part: _Part,
        raw: Any,
        loc: Loc,
        j: int,
        owner: dict[str, Any],
        owner_what: str,
        shipped: bool,
        cites: Found,
        copy: bool,
    ) -> dict[str, Any] | None:
        """One nested part (a fact, an item, a contact); its record, or None if it has a
        problem."""
        ck = self.ck
        if part.by_id and isinstance(raw, dict):
            what = f"{part.noun} {_show(raw.get('id'))}"
        else:
            what = f"{part.noun} {j + 1} of {owner_what}"
        before = len(ck.raw_problems)
        clean = ck.fields(raw, part.spec, loc, what)
        if clean is None:
            return None
        if part.check is not None:
            part.check(self, clean, loc, what, shipped, cites)
        if part.unique is not None and "id" in clean and not copy:
            seen = self.part_ids[part.unique]
            if clean["id"] in seen:
                ck.problem(
                    loc,
                    f"{part.unique} {clean['id']!r} is already defined at "
                    f"{ck.where(seen[clean['id']])}",
                )
                return None
            seen[clean["id"]] = loc
        if len(ck.raw_problems) != before:
            return None
        record = {**part.defaults, **clean}
        if part.owner_key is not None:
            record[part.owner_key] = owner["id"]
        return record

    def keep(
        self, section: str, record: dict[str, Any], loc: Loc, override: bool, pack: str | None
    ) -> None:
        """Store a record that passed every check: the override it makes (shown on every run),
        its pack (a resource), and for the shipped data what the guards compare packs with."""
        kind, rid = KIND[section], record["id"]
        key, sf = (kind, rid), self.files[loc[0]]
        if override and key in self.origin and not sf.shipped:
            self.out.overrides.append(
                {
                    "kind": kind,
                    "id": rid,
                    "file": sf.name,
                    "line": self.ck.line(loc),
                    "pack": pack,
                    "replaces": self.ck.where(self.origin[key]),
                }
            )
        if section == "resources":
            record["pack"] = pack
        if sf.shipped:
            self.guards.remember(kind, rid, record)
        self.origin[key] = loc
        self.out.records[kind][rid] = record

    # --- pass 3 ------------------------------------------------------------------------------

    def exists(self, kind: str, ident: str) -> bool:
        """Whether ``ident`` names a kept record, or an entry refused for its own problem."""
        return ident in self.out.records[kind] or (kind, ident) in self.rejected

    def cross_check(self) -> None:
        """Resolve what entries name across files: every cite names a reference and every
        reference is cited (or says why it stays), related topics, classes and severities
        exist, no two interactions rate one pair, and every name points to one entry."""
        ck, refs = self.ck, self.out.records["reference"]
        for loc, ref, what in self.cite_refs:
            if not self.exists("reference", ref):
                ck.problem(
                    loc, f"{what} cites {ref!r}, which is not in `references`{_close(ref, refs)}"
                )
        for loc, kind, ident, message in self.wanted:
            if not self.exists(kind, ident):
                ck.problem(loc, message + _close(ident, self.out.records[kind]))
        for rid, record in refs.items():
            if rid not in self.cited and not _kept(record):
                ck.problem(
                    self.origin[("reference", rid)],
                    f"reference {rid!r} is not cited by anything: cite it, remove it, or say "
                    "why it stays in `custom: {kept: ...}`",
                )
        _check_pairs(ck, self.out, self.origin)
        _build_names(self)


def _kept(ref: dict[str, Any]) -> bool:
    """Whether a reference says why it stays though nothing cites it (``custom: {kept:
    REASON}``): one the source article lists whose text says no claim made here, say."""
    custom = ref.get("custom")
    kept = custom.get("kept") if isinstance(custom, dict) else None
    return isinstance(kept, str) and bool(kept.strip())


#: Words that make a severity or an interaction note read as "safe" (docs/robustness.md).
_SAFE_WORDS = re.compile(
    r"\b(safe|safely|fine|ok|okay|harmless|benign|compatible|risk[- ]?free|"
    r"no (?:real |known )?(?:risk|danger|harm|problem)s?)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(not|never|no|nor|isn't|aren't|doesn't|don't|n't)\b", re.IGNORECASE)


def reads_safe(text: str) -> str | None:
    """The word in ``text`` that says "safe" without a "not" just before it, or None.

    "Unsafe", "not safe" and "does not mean safe" pass; "Safe", "Totally fine" and "no risk" do not.
    """
    for m in _SAFE_WORDS.finditer(text):
        before = text[max(0, m.start() - 20) : m.start()].split()[-2:]
        if m.group().lower().startswith("no ") or not any(_NEGATION.search(w) for w in before):
            return m.group()
    return None


#: Contact kinds whose value is a number someone dials or texts.
_DIALLED = ("call", "text", "tty")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _plain_name(name: str) -> str:
    """A name compared loosely: "988 Suicide and Crisis Lifeline" is "988 Suicide & Crisis ..."."""
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


class _Guards:
    """What a pack may not do to the shipped data, even with ``override: true``.

    A pack cannot replace a ``protected`` resource (the crisis lines), cannot take concerns away
    from a shipped topic, list or resource, cannot drop a shipped substance's classes, cannot
    change a shipped severity or lower a shipped interaction's, and cannot word a severity or an
    interaction note as "safe". Each refusal is a problem at the pack's entry.
    """

    def __init__(self, ck: _Checker, records: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.ck = ck
        self.records = records
        self.shipped: dict[tuple[str, str], dict[str, Any]] = {}
        self.rank: dict[str, int] = {}  # shipped severity id -> 0 for the most serious
        self.protected_names: dict[str, str] = {}  # name, letters and digits only -> id
        self.protected_numbers: dict[str, str] = {}  # digits of a call or text contact -> id

    def remember(self, kind: str, rid: str, record: dict[str, Any]) -> None:
        self.shipped[(kind, rid)] = record
        if kind == "severity":
            self.rank.setdefault(rid, len(self.rank))
        elif kind == "resource" and record.get("protected"):
            self.protected_names[_plain_name(record["name"])] = rid
            for c in record["contacts"]:
                if c["kind"] in _DIALLED and (digits := _digits(c["value"])):
                    self.protected_numbers[digits] = rid

    def allows(self, section: str, record: dict[str, Any], loc: Loc, what: str) -> bool:
        """Whether a pack's ``record`` may stand; a problem says why not."""
        kind, rid = KIND[section], record["id"]
        old = self.shipped.get((kind, rid))
        why = self._refusal(kind, record, old)
        if why is None:
            return True
        self.ck.problem(loc, f"{what}: {why}")
        return False

    def _refusal(self, kind: str, new: dict[str, Any], old: dict[str, Any] | None) -> str | None:
        if kind == "resource":
            if new.get("protected"):
                return "only the shipped data may mark a resource `protected`"
            if old is not None and old.get("protected"):
                return (
                    "is a crisis line shipped with heroinfacts (`protected`): a pack cannot "
                    "replace it; add your local line as a resource with its own id"
                )
            same = self.protected_names.get(_plain_name(new["name"]))
            if same is not None and same != new["id"]:
                return (
                    f"has the name of the shipped crisis line {same!r}: give your line "
                    "a name of its own"
                )
            dialled = {_digits(c["value"]) for c in new["contacts"] if c["kind"] in _DIALLED}
            for number in re.findall(r"\d[\d-]{2,}", new["name"]):
                digits = _digits(number)
                if digits in self.protected_numbers and digits not in dialled:
                    return (
                        f"names the number {number} of the shipped crisis line "
                        f"{self.protected_numbers[digits]!r} but does not dial it"
                    )
        if old is not None and "concerns" in old:
            lost = [c for c in old["concerns"] if c not in new.get("concerns", [])]
            if lost:
                return (
                    f"drops the concern{'s' * (len(lost) > 1)} {', '.join(lost)} of the shipped "
                    "entry: an override may add concerns, not remove them"
                )
        if kind == "substance" and old is not None:
            lost = [c for c in old["classes"] if c not in new["classes"]]
            if lost:
                return (
                    f"drops the class{'es' * (len(lost) > 1)} {', '.join(lost)} of the shipped "
                    "substance, and with it their interactions: an override may add classes"
                )
        if kind == "severity":
            if old is not None:
                return "a shipped severity cannot be replaced: define a severity of your own"
            for key in ("label", "definition"):
                word = reads_safe(new[key])
                if word:
                    return (
                        f"its {key} reads as safe ({word!r}): no severity may say that "
                        "mixing is safe"
                    )
        if kind == "interaction":
            if old is not None and sorted(old["classes"]) != sorted(new["classes"]):
                return (
                    "changes the classes of a shipped interaction, which would leave those "
                    "classes without their rating: keep `classes` as shipped"
                )
            word = reads_safe(new["note"])
            if word:
                return f"its note reads as safe ({word!r}): no interaction may say that"
            if old is not None:
                was, now = old["severity"], new["severity"]
                if self.rank.get(now, len(self.rank)) > self.rank.get(was, 0):
                    return (
                        f"lowers the shipped severity {was!r} to {now!r}: a pack may raise a "
                        "shipped danger rating, never lower it"
                    )
        return None


def _entry_count(doc: Any) -> int:
    """How many entries a parsed document's sections hold (for the check's progress)."""
    if not isinstance(doc, dict):
        return 0
    return sum(len(v) for s in SECTIONS if isinstance(v := doc.get(s), list))


PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]*$")


def _bare(address: str) -> str:
    low = address.lower().strip().rstrip("/")
    for prefix in ("https://", "http://", "mailto:", "www."):
        low = low.removeprefix(prefix)
    return low


def contact_problem(contact: dict[str, Any]) -> str | None:
    """What is printed must be what is dialled: a number to call, text or TTY is digits (with
    spaces, dashes, parentheses and a leading +), and its label, if any, has the same digits in
    the same order (``1-800-662-HELP (4357)`` for ``1-800-662-4357``); the label of an address
    is a part of it. None when the contact is right."""
    value, label = contact["value"], contact.get("label")
    if contact["kind"] in _DIALLED:
        if not PHONE_RE.match(value) or len(_digits(value)) < 3:
            return (
                f"value {value!r} is not a phone number: write digits, with spaces, dashes, "
                "parentheses or a leading + if you like, and put words in `label`"
            )
        if label is not None and _digits(label) != _digits(value):
            return (
                f"label {label!r} shows other digits than the value {value!r} that is dialled: "
                "a label may only format its value, such as 1-800-662-HELP (4357)"
            )
    elif (
        label is not None
        and contact["kind"] in ("web", "email", "chat")
        and _bare(label) not in _bare(value)
    ):
        return (
            f"label {label!r} is not the address {value!r} it opens: a label may only "
            "shorten its value"
        )
    return None


def _read_cites(
    ck: _Checker,
    record: dict[str, Any],
    loc: Loc,
    what: str,
    shipped: bool,
    found: Found,
) -> None:
    """Split ``record["cites"]`` (as written) into reference ids (``cites``) and the check
    records of those that have one (``checks``, in the same order); each usable cite is added to
    ``found`` with where it is written, and each unusable one is a problem. In the shipped data
    every cite but :data:`BARE_CITE` needs its check record; a local pack may cite bare ids
    (docs/data-format.md, "Cites and their check records")."""
    fi, path = loc
    ids: list[str] = []
    checks: list[dict[str, Any]] = []
    for k, raw in enumerate(record["cites"]):
        cloc: Loc = (fi, (*path, "cites", k))
        if isinstance(raw, dict):
            check = ck.mapping(raw, CITE, cloc, f"{what}: cite {k + 1}")
            if check is None:
                continue
            ids.append(check["ref"])
            checks.append(check)
            found.append((cloc, check["ref"]))
            continue
        try:
            ref = _id(raw)
        except _Invalid as err:
            ck.problem(
                cloc,
                f"{what}: cite {k + 1} {err}; a cite is `{BARE_CITE}` or a mapping "
                "{ref, read, section, supports}",
            )
            continue
        if shipped and ref != BARE_CITE:
            ck.problem(
                cloc,
                f"{what} cites {ref!r} without a check record: write "
                f"{{ref: {ref}, read: ADDRESS, section: PART, supports: states|partly}}",
            )
            continue
        ids.append(ref)
        found.append((cloc, ref))
    record["cites"] = ids
    record["checks"] = checks


def _check_names(ck: _Checker, entry: dict[str, Any], loc: Loc, what: str) -> None:
    """A word is a true synonym (``aliases``) or a search word (``search_words``), not both."""
    aliases = {normalize(a) for a in entry.get("aliases", [])}
    for k, word in enumerate(entry.get("search_words", [])):
        if normalize(word) in aliases:
            ck.problem(
                (loc[0], (*loc[1], "search_words", k)),
                f"{what}: {word!r} is in both `aliases` and `search_words`: a word is a "
                'true synonym (shown as "Also called") or a search word, not both',
            )


def _raw_cites(entry: Any) -> list[str]:
    """The reference ids an entry cites as written, checked or not (its own and its facts')."""
    if not isinstance(entry, dict):
        return []
    cites, facts = entry.get("cites"), entry.get("facts")
    found: list[Any] = list(cites) if isinstance(cites, list) else []
    for fact in facts if isinstance(facts, list) else []:
        if isinstance(fact, dict) and isinstance(fact.get("cites"), list):
            found += fact["cites"]
    refs = [c.get("ref") if isinstance(c, dict) else c for c in found]
    return [r for r in refs if isinstance(r, str)]


def _check_pairs(ck: _Checker, out: Compiled, origin: dict[tuple[str, str], Loc]) -> None:
    """No two interactions kept rate the same pair of classes."""
    seen: dict[frozenset[str], str] = {}
    for iid, inter in out.records["interaction"].items():
        pair = frozenset(inter["classes"])
        if pair in seen:
            ck.problem(
                origin[("interaction", iid)],
                f"interaction {iid!r} covers the same pair of classes as {seen[pair]!r} "
                f"({ck.where(origin[('interaction', seen[pair])])})",
            )
        seen[pair] = iid


def _build_names(run: _Compiler) -> None:
    """Every id, title, alias and search word in its namespace (:data:`NAMESPACE`), each name
    pointing to one entry; then what the ``aliases`` sections add. Entries not kept for a problem
    of their own take part after the kept ones, so a clash with one is found in the same run."""
    ck, out = run.ck, run.out
    owner: dict[tuple[str, str], tuple[str, Loc]] = {}

    def add(ns: str, name: str, ident: str, loc: Loc) -> None:
        norm = normalize(name)
        if not norm:
            ck.problem(loc, f"the name {name!r} is empty once spaces and dashes are removed")
            return
        prev = owner.get((ns, norm))
        if prev is not None and prev[0] != ident:
            ck.problem(
                loc,
                f"the name {name!r} of {ident!r} is already used by {prev[0]!r} "
                f"({ck.where(prev[1])}): names must point to one entry",
            )
            return
        if prev is None:
            owner[(ns, norm)] = (ident, loc)
            out.names.append((ns, norm, ident, name))

    def add_entry(ns: str, rid: str, rec: dict[str, Any], loc: Loc) -> None:
        add(ns, rid, rid, loc)
        label = rec.get("title") or rec.get("term") or rec.get("name")
        if label:
            add(ns, label, rid, loc)
        for key in ("aliases", "search_words"):
            for k, alias in enumerate(rec.get(key, [])):
                add(ns, alias, rid, (loc[0], (*loc[1], key, k)))

    for section, ns in NAMESPACE.items():
        kind = KIND[section]
        for rid, rec in out.records[kind].items():
            add_entry(ns, rid, rec, run.origin[(kind, rid)])
    for section, ns in NAMESPACE.items():
        for rid, (rec, loc) in run.unkept[KIND[section]].items():
            add_entry(ns, rid, rec, loc)
    for loc, entry in run.alias_adds:
        section = ALIAS_KINDS[entry["kind"]]
        kind, ns = KIND[section], NAMESPACE[section]
        target = out.records[kind].get(entry["id"])
        if target is None and entry["id"] in run.unkept[kind]:
            target = run.unkept[kind][entry["id"]][0]
        if target is None:
            if not run.exists(kind, entry["id"]):
                ck.problem(
                    (loc[0], (*loc[1], "id")),
                    f"{entry['kind']} {entry['id']!r} does not exist"
                    f"{_close(entry['id'], out.records[kind])}",
                )
            continue
        for k, alias in enumerate(entry.get("add", [])):
            add(ns, alias, entry["id"], (loc[0], (*loc[1], "add", k)))
            target["aliases"] = [*target.get("aliases", []), alias]


def _resolve(ck: _Checker) -> list[Problem]:
    problems = []
    for fi, path, message, line in ck.raw_problems:
        problems.append(Problem(ck.files[fi].name, line or ck.line((fi, path)), message))
    problems.sort(key=lambda p: (p.file, p.line))
    return problems
