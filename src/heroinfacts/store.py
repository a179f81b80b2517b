"""The knowledge base as the library serves it: compiled records in SQLite, read on demand.

The same schema backs the on-disk cache and the in-memory fallback, so a lookup costs one indexed
query whatever the size of the data: a 100,000-topic pack is never decoded in full.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import NotFound
from .model import (
    URGENCY,
    Bundle,
    DrugClass,
    Interaction,
    Reference,
    Resource,
    Severity,
    SignList,
    Source,
    Substance,
    Term,
    Topic,
)
from .names import normalize

if TYPE_CHECKING:
    from .compiler import Compiled

#: Bumped whenever the tables below change shape; part of the cache key.
FORMAT = 6

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records(
    kind TEXT NOT NULL, id TEXT NOT NULL, ord INTEGER NOT NULL,
    title TEXT, summary TEXT, data TEXT NOT NULL,
    PRIMARY KEY(kind, id)) WITHOUT ROWID;
CREATE INDEX records_order ON records(kind, ord);
CREATE TABLE names(
    ns TEXT NOT NULL, norm TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY(ns, norm)) WITHOUT ROWID;
"""

_LABEL = {
    "topic": "title",
    "list": "title",
    "term": "term",
    "class": "name",
    "substance": "name",
    "resource": "name",
    "reference": "title",
    "severity": "label",
}
_SUMMARY = {"topic": "summary", "term": "definition", "list": "intro", "resource": "offers"}


def write(conn: sqlite3.Connection, compiled: Compiled, meta: dict[str, Any]) -> None:
    """Fill an empty database with ``compiled`` records, names and ``meta``; the search index is
    its package's to write (:func:`heroinfacts.search.build_index`, called by
    :func:`heroinfacts.cache.fill`)."""
    conn.executescript(SCHEMA)
    rows = (
        (
            kind,
            rid,
            i,
            rec.get(_LABEL.get(kind, "")),
            rec.get(_SUMMARY.get(kind, "")),
            json.dumps(rec, ensure_ascii=False, separators=(",", ":")),
        )
        for kind, recs in compiled.records.items()
        for i, (rid, rec) in enumerate(recs.items())
    )
    conn.executemany("INSERT INTO records VALUES (?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO names VALUES (?,?,?,?)", compiled.names)
    meta = {**meta, "sources": compiled.sources, "overrides": compiled.overrides, "format": FORMAT}
    conn.executemany("INSERT INTO meta VALUES (?,?)", ((k, json.dumps(v)) for k, v in meta.items()))
    conn.commit()


class CacheDamaged(sqlite3.DatabaseError):
    """The compiled data contradicts itself (a damaged cache file). It is an SQLite
    ``DatabaseError``, so the entry point drops the caches and answers from the data itself."""


def _decode(data: Any) -> dict[str, Any]:
    try:
        rec = json.loads(data)
    except (TypeError, ValueError):
        raise CacheDamaged("a record in the compiled cache is damaged") from None
    if not isinstance(rec, dict):
        raise CacheDamaged("a record in the compiled cache is damaged")
    return rec


def _missing(kind: str, rid: str) -> CacheDamaged:
    return CacheDamaged(f"the compiled cache names {kind} {rid!r} but has no record of it")


def _encodable(text: str) -> bool:
    """Whether SQLite can take ``text`` (lone surrogates from undecodable argv bytes cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class KnowledgeBase:
    """A loaded, read-only knowledge base: lookups by id and by name, and listings in order."""

    def __init__(self, conn: sqlite3.Connection, *, cache_path: str | None = None) -> None:
        self.conn = conn
        #: Where the compiled cache file is, or None when it was built in memory.
        self.cache_path = cache_path
        try:
            self._meta = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        except (TypeError, ValueError):
            raise CacheDamaged("the compiled cache's meta table is damaged") from None
        if not isinstance(self._meta.get("sources"), list):
            raise CacheDamaged("the compiled cache does not say which files it was built from")

    # --- about the data ----------------------------------------------------------------------
    def meta(self, key: str) -> Any:
        """A value of the cache's meta table (None when it has none)."""
        return self._meta.get(key)

    @property
    def sources(self) -> list[Source]:
        """The data files it was built from, shipped data first."""
        return [Source.from_dict(s) for s in self._meta["sources"]]

    @property
    def overrides(self) -> list[dict[str, Any]]:
        """Every shipped entry a pack replaced (kind, id, file, line, pack, replaces)."""
        found = self._meta.get("overrides") or []
        return [o for o in found if isinstance(o, dict)]

    @property
    def bundle(self) -> Bundle:
        """The shipped data's bundle (version, review date, license, disclaimer)."""
        return next(s.bundle for s in self.sources if s.shipped)

    @property
    def fingerprint(self) -> str:
        """The key of the cache it was built into (see :func:`heroinfacts.cache.fingerprint`)."""
        return str(self._meta["fingerprint"])

    # --- generic record access ---------------------------------------------------------------
    def _get(self, kind: str, rid: str) -> dict[str, Any] | None:
        if not _encodable(rid):  # no id holds a lone surrogate
            return None
        row = self.conn.execute(
            "SELECT data FROM records WHERE kind=? AND id=?", (kind, rid)
        ).fetchone()
        return _decode(row[0]) if row else None

    def _all(self, kind: str) -> Iterator[dict[str, Any]]:
        for (data,) in self.conn.execute(
            "SELECT data FROM records WHERE kind=? ORDER BY ord", (kind,)
        ):
            yield _decode(data)

    def count(self, kind: str) -> int:
        """How many records of ``kind`` it holds."""
        return int(
            self.conn.execute("SELECT count(*) FROM records WHERE kind=?", (kind,)).fetchone()[0]
        )

    def outline(self, kind: str) -> Iterator[tuple[str, str, str | None]]:
        """(id, title, summary) of every record of ``kind``, in data order, without decoding."""
        yield from self.conn.execute(
            "SELECT id, title, summary FROM records WHERE kind=? ORDER BY ord", (kind,)
        )

    def lookup(self, ns: str, name: str) -> str | None:
        """The id that ``name`` (an id, title or alias) stands for in namespace ``ns``, or None."""
        key = normalize(name)
        row = self.conn.execute("SELECT id FROM names WHERE ns=? AND norm=?", (ns, key)).fetchone()
        return str(row[0]) if row else None

    def resolve(self, ns: str, name: str) -> str:
        """Like :meth:`lookup`, but a miss raises :class:`NotFound` with close suggestions."""
        found = self.lookup(ns, name)
        if found is not None:
            return found
        raise NotFound(_NS_WORD[ns], name, self.suggest(ns, name))

    def suggest(self, ns: str, name: str, n: int = 3) -> list[str]:
        """Ids of entries with a name close to ``name``, best first (each id can be typed)."""
        key = normalize(name)
        if not key:
            return []
        total = self.conn.execute("SELECT count(*) FROM names WHERE ns=?", (ns,)).fetchone()[0]
        if total > 20000:  # large packs: only names of about the same length and first letter
            rows = self.conn.execute(
                "SELECT norm, id FROM names WHERE ns=? AND substr(norm,1,1)=? "
                "AND length(norm) BETWEEN ? AND ?",
                (ns, key[0], len(key) - 2, len(key) + 2),
            ).fetchall()
        else:
            rows = self.conn.execute("SELECT norm, id FROM names WHERE ns=?", (ns,)).fetchall()
        import difflib  # only for suggestions: not at every start

        by_norm: dict[str, str] = dict(rows)
        matches = difflib.get_close_matches(key, list(by_norm), n=n * 3, cutoff=0.6)
        if len(key) >= 3:  # a prefix is a good hint too ("benzo" -> "benzodiazepine")
            matches += [m for m in by_norm if m.startswith(key) and m not in matches][:n]
        out: list[str] = []
        seen: set[str] = set()
        for m in matches:
            if by_norm[m] not in seen:
                seen.add(by_norm[m])
                out.append(by_norm[m])  # the entry's id: never a misspelt alias
        return out[:n]

    # --- typed lookups -----------------------------------------------------------------------
    def topic(self, name: str) -> Topic:
        """The topic ``name`` names (an id, title or alias); :class:`NotFound` if none."""
        rid = self.resolve("topic", name)
        rec = self._get("topic", rid)
        if rec is None:
            raise _missing("topic", rid)
        return Topic.from_dict(rec)

    def topic_by_id(self, rid: str) -> Topic | None:
        """The topic with id ``rid``, or None."""
        rec = self._get("topic", rid)
        return Topic.from_dict(rec) if rec else None

    def topics(self) -> Iterator[Topic]:
        """Every topic, in data order."""
        return (Topic.from_dict(r) for r in self._all("topic"))

    def sign_list(self, name: str) -> SignList:
        """The list ``name`` names (an id, title or alias); :class:`NotFound` if none."""
        rid = self.resolve("list", name)
        rec = self._get("list", rid)
        if rec is None:
            raise _missing("list", rid)
        return SignList.from_dict(rec)

    def sign_lists(self) -> list[SignList]:
        """Every sign and symptom list, in data order."""
        return [SignList.from_dict(r) for r in self._all("list")]

    def term(self, name: str) -> Term:
        """The glossary term ``name`` names (an id, the term or an alias); :class:`NotFound` if
        none."""
        rid = self.resolve("term", name)
        rec = self._get("term", rid)
        if rec is None:
            raise _missing("term", rid)
        return Term.from_dict(rec)

    def terms(self) -> list[Term]:
        """Every glossary term, in data order."""
        return [Term.from_dict(r) for r in self._all("term")]

    def reference(self, rid: str) -> Reference:
        """The reference with id ``rid``; :class:`NotFound` (with close ids) if none."""
        rec = self._get("reference", rid)
        if rec is None:
            import difflib

            ids = [r for r, _, _ in self.outline("reference")]
            raise NotFound("reference", rid, difflib.get_close_matches(rid, ids, n=3, cutoff=0.5))
        return Reference.from_dict(rec)

    def references(self, ids: Sequence[str] | None = None) -> list[Reference]:
        """References in data order, or those of ``ids`` in the order given."""
        if ids is None:
            return [Reference.from_dict(r) for r in self._all("reference")]
        return [self.reference(i) for i in ids]

    def severities(self) -> list[Severity]:
        """Every severity, in data order."""
        return [Severity.from_dict(r) for r in self._all("severity")]

    def drug(self, name: str) -> Substance | DrugClass:
        """A substance or class by name, alias or id (``xanax``, ``benzos``, ``smack``)."""
        rid = self.resolve("drug", name)
        sub = self._get("substance", rid)
        if sub is not None:
            return Substance.from_dict(sub)
        rec = self._get("class", rid)
        if rec is None:
            raise _missing("drug", rid)
        return DrugClass.from_dict(rec)

    def drug_class(self, rid: str) -> DrugClass:
        """The drug class with id ``rid``; :class:`NotFound` if none."""
        rec = self._get("class", rid)
        if rec is None:
            raise _missing("class", rid)
        return DrugClass.from_dict(rec)

    def interactions(self) -> list[Interaction]:
        """Every interaction, in data order."""
        return [Interaction.from_dict(r) for r in self._all("interaction")]

    def interaction(self, a: str, b: str) -> Interaction | None:
        """The entry for classes ``a`` and ``b`` (either order), or None when there is none."""
        for inter in self.interactions():
            if {a, b} == set(inter.classes) and (a != b or inter.classes[0] == inter.classes[1]):
                return inter
        return None

    def resources(self, concerns: Sequence[str] | None = None) -> list[Resource]:
        """Help resources, shipped first then local; only those sharing a concern, if given,
        ordered by the most urgent concern each shares (see ``URGENCY``), then data order."""
        out = [Resource.from_dict(r) for r in self._all("resource")]
        if concerns is not None:
            wanted = set(concerns)
            out = [r for r in out if wanted.intersection(r.concerns)]
            out.sort(key=lambda r: min(URGENCY.index(c) for c in wanted.intersection(r.concerns)))
        return out


_NS_WORD = {"topic": "topic", "list": "list", "term": "term", "drug": "drug"}
