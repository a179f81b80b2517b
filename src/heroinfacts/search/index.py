"""Building the search index, once, while the compiled cache is written (:func:`build_index`).

The index lives in the knowledge base's own SQLite database (tables ``search_*``); a query reads
a bounded number of rows through indexes and never loads the records into Python.

``search_docs``
    One row per entry (topic, fact, list, item, term, interaction, resource, reference): what a
    hit shows (title, text, citations) and the text it is found by, in four columns: ``names``
    (title, aliases and search words), ``body`` (its own text), ``context`` (for a fact or item,
    the title of its topic or list) and ``extra`` (id words, years, PMIDs).
``search_fts``
    FTS5 over those columns (read through the ``search_content`` view; Porter stemming). Empty
    padding rows keep bm25's word weights positive in a small knowledge base (see :func:`_pad`).
``search_alias``
    The aliases and search words of topics and lists and the names of terms, substances and
    classes, as phrases, with what each expands to: ``smack`` -> heroin, ``downer`` -> the title
    of the depressant topic (which that topic's facts carry), ``xanax`` with ``heroin`` ->
    benzodiazepines, opioids. Multi-word aliases (``on the nod``, ``dope sick``) are matched in
    the question.
``search_vocab`` / ``search_vocab_rev``
    Unstemmed words and how often they occur (and the same words backwards), for correcting
    unknown words in a query.
``search_concern``
    Which help resources serve which concern: a question about suicide, self-harm or overdose
    puts the matching resource first.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .text import FILLER, MAX_WORD, content_words, split_words

if TYPE_CHECKING:
    from ..compiler import Compiled

#: Hit kinds, in the order that breaks ties between equal scores.
KINDS = ("topic", "term", "list", "fact", "item", "interaction", "resource", "reference")
PRIO = {k: i for i, k in enumerate(KINDS)}
#: Set to a non-empty value other than ``0`` to use the plain search even where FTS5 exists
#: (queries only: the index is built the same way, so caches are never affected).
FALLBACK_ENV = "HEROINFACTS_NO_FTS5"
MAX_PHRASE = 8  # longest alias phrase matched, in words
PAD_MAX = 50_000  # empty rows added to the FTS index at most (see _pad)
VOCAB_ROWS = 60_000  # rows whose text makes the spelling vocabulary (see _vocab)

#: Questions about how many or how likely prefer facts that state a proportion: those carry
#: this word (never shown, never in the vocabulary).
PROPORTION_MARK = "hfxproportion"

_FTS5: bool | None = None


SCHEMA = """
CREATE TABLE search_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE search_docs(
    doc INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, topic TEXT, title TEXT,
    text TEXT NOT NULL, more TEXT NOT NULL, cites TEXT NOT NULL, prio INTEGER NOT NULL,
    names TEXT NOT NULL, context TEXT NOT NULL, extra TEXT NOT NULL);
CREATE VIEW search_content AS
    SELECT doc, names, text || ' ' || more AS body,
        CASE WHEN kind IN ('fact', 'item') THEN title ELSE context END AS context, extra
    FROM search_docs;
CREATE TABLE search_alias(
    first TEXT NOT NULL, phrase TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    expand TEXT NOT NULL, classes TEXT NOT NULL,
    PRIMARY KEY(first, phrase, kind, id)) WITHOUT ROWID;
CREATE TABLE search_vocab(word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE search_vocab_rev(rev TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE search_concern(
    concern TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(concern, doc)) WITHOUT ROWID;
"""
FTS_SCHEMA = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    names, body, context, extra, content='search_content', content_rowid='doc',
    tokenize='porter unicode61 remove_diacritics 2');
"""


def fts5_available() -> bool:
    """Whether this Python's SQLite can create FTS5 tables (checked once per process)."""
    global _FTS5
    if _FTS5 is None:
        conn = sqlite3.connect(":memory:")
        try:
            conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
            _FTS5 = True
        except sqlite3.Error:
            _FTS5 = False
        finally:
            conn.close()
    return _FTS5


def forced_fallback() -> bool:
    """Whether the environment asks for the word-overlap search instead of FTS5."""
    return os.environ.get(FALLBACK_ENV, "") not in ("", "0")


def use_fts() -> bool:
    """Whether searches go through SQLite FTS5 (available, and not turned off)."""
    return not forced_fallback() and fts5_available()


def id_words(rid: str) -> str:
    """An id read as words (``signs-of-overdose`` -> ``signs of overdose``)."""
    return rid.replace("-", " ")


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def _year(csl: dict[str, Any]) -> int | None:
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    return int(parts[0][0]) if parts and parts[0] else None


def reference_line(csl: dict[str, Any]) -> str:
    """The reference as an APA 7 entry in plain text (see :mod:`heroinfacts.citations`, whose
    formatter copes with any field of the wrong shape instead of raising)."""
    from ..citations import apa

    return apa(csl).strip()


class _Row(NamedTuple):
    """A row of search_docs (``doc`` and ``prio`` are added when it is written)."""

    kind: str
    id: str
    topic: str | None  # a fact's topic, an item's list
    title: str | None  # shown with the hit (a fact's topic title)
    text: str  # shown with the hit
    more: str  # searched with the text, not shown
    cites: str  # reference ids, space-separated
    names: str = ""  # title and aliases
    context: str = ""  # names of what the row belongs to (facts and items: their title)
    extra: str = ""  # id words, years, PMIDs


def _aliases_of(rec: dict[str, Any]) -> str:
    """An entry's aliases and search words: search reads both alike."""
    return " ; ".join([*rec.get("aliases", []), *rec.get("search_words", [])])


def _docs(compiled: Compiled) -> Iterator[_Row]:
    """The rows to search, one per entry.

    A row is found by its ``names`` (title and aliases), its ``body`` (``text`` and ``more``:
    a proportion's wording, a resource's hours and contacts ...), its ``context`` and its
    ``extra`` words. An alias in a query expands to its entry's title, which the entry's facts
    carry as their context, so ``dope sick`` finds the facts of the withdrawal topic though
    none of them says it.

    Rows come in data order, the kinds that are few (lists, terms, interactions, resources,
    references) before topics and facts, so that "the first rows" always hold those and the
    shipped data.
    """
    recs = compiled.records
    for rid, lst in recs.get("list", {}).items():
        title, cites = lst["title"], " ".join(lst["cites"])
        text = lst.get("intro") or "; ".join(i["text"] for i in lst["items"])
        names = _join(title, ";", _aliases_of(lst))
        yield _Row("list", rid, None, title, text, "", cites, names, extra=id_words(rid))
        for item in lst["items"]:
            iid = item["id"]
            yield _Row("item", iid, rid, title, item["text"], "", cites, _aliases_of(item),
                       extra=id_words(iid))  # fmt: skip
    for rid, term in recs.get("term", {}).items():
        names = _join(term["term"], ";", _aliases_of(term))
        cites = " ".join(term["cites"])
        yield _Row("term", rid, None, term["term"], term["definition"], "", cites, names,
                   extra=id_words(rid))  # fmt: skip
    classes = recs.get("class", {})
    severities = recs.get("severity", {})
    drugs_of: dict[str, list[str]] = {}
    for sub in recs.get("substance", {}).values():
        for c in sub["classes"]:
            drugs_of.setdefault(c, []).append(sub["name"])
    for rid, inter in recs.get("interaction", {}).items():
        parts = [classes.get(c, {"name": c}) for c in inter["classes"]]
        title = " + ".join(str(p["name"]) for p in parts)
        names = " ; ".join(_join(p["name"], ";", _aliases_of(p)) for p in parts)
        drugs = " ; ".join(d for c in inter["classes"] for d in drugs_of.get(c, []))
        label = severities.get(inter["severity"], {}).get("label", inter["severity"])
        cites = " ".join(inter["cites"])
        yield _Row("interaction", rid, None, title, inter["note"], label, cites, names, drugs,
                   id_words(rid))  # fmt: skip
    for rid, res in recs.get("resource", {}).items():
        contacts = " ".join(_join(c.get("label"), c["value"]) for c in res["contacts"])
        more = _join(res.get("region"), res.get("hours"), res.get("cost"),
                     " ".join(res.get("languages", [])), contacts)  # fmt: skip
        concerns = " ".join(res.get("concerns", []))
        yield _Row("resource", rid, None, res["name"], res["offers"], more,
                   " ".join(res["cites"]), res["name"], concerns, id_words(rid))  # fmt: skip
    for rid, ref in recs.get("reference", {}).items():
        more = _join(ref.get("collection-title"), ref.get("publisher"))
        extra = _join(_year(ref), "pmid" if ref.get("PMID") else "", ref.get("PMCID"),
                      ref.get("DOI"), id_words(rid))  # fmt: skip
        yield _Row("reference", rid, None, ref.get("title"), reference_line(ref), more, rid,
                   ref.get("title", ""), extra=extra)  # fmt: skip
    for rid, t in recs.get("topic", {}).items():
        facts, title = t.get("facts", []), t["title"]
        cites = " ".join(dict.fromkeys(c for f in facts for c in f["cites"]))
        names = _join(title, ";", _aliases_of(t))
        yield _Row("topic", rid, None, title, t["summary"], "", cites, names,
                   extra=id_words(rid))  # fmt: skip
        for f in facts:
            wording = (f.get("proportion") or {}).get("wording") or ""
            extra = id_words(f["id"]) + (" " + PROPORTION_MARK if wording else "")
            yield _Row("fact", f["id"], rid, title, f["text"], wording, " ".join(f["cites"]),
                       _aliases_of(f), extra=extra)  # fmt: skip


def trim_words(words: Sequence[str]) -> list[str]:
    """A title without the question words around it: "What are CNS depressants?" -> cns
    depressants (so it also matches where the words are used in a sentence)."""
    out = list(words)
    while out and out[0] in FILLER:
        out.pop(0)
    while out and out[-1] in FILLER:
        out.pop()
    return out


def _alias_rows(compiled: Compiled) -> Iterator[tuple[str, str, str, str, str, str]]:
    """(first word, phrase, kind, id, expansion, classes) for every alias of a topic or list,
    and every name of a term, substance or class. The expansion is the entry's own name or
    title, and for a substance the names of its classes too (``smack`` -> heroin | opioids), as
    ``|``-separated phrases; ``classes`` are the drug classes it stands for (a substance's, or
    a class itself)."""
    recs = compiled.records
    label_key = {
        "topic": "title",
        "list": "title",
        "term": "term",
        "substance": "name",
        "class": "name",
    }
    substances, classes = recs.get("substance", {}), recs.get("class", {})
    titles = {
        k: {rid: r.get("title") for rid, r in recs.get(k, {}).items()} for k in ("topic", "list")
    }
    known: dict[tuple[str, str], tuple[str, str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for ns, _norm, rid, name in compiled.names:
        if ns == "drug":
            kind = "substance" if rid in substances else "class"
        elif ns in ("topic", "list", "term"):
            kind = ns
        else:
            continue
        if kind in ("topic", "list") and (name == rid or name == titles[kind].get(rid)):
            continue  # a page's own id and title are found in its names anyway
        words = split_words(name, MAX_PHRASE + 1)
        if not words or len(words) > MAX_PHRASE or not content_words(words):
            continue
        phrase = " ".join(words)
        if (phrase, kind, rid) in seen:
            continue
        seen.add((phrase, kind, rid))
        if (kind, rid) not in known:
            rec = recs.get(kind, {}).get(rid, {})
            labels = [str(rec.get(label_key[kind], ""))]
            drug_classes = [rid] if kind == "class" else []
            if kind == "substance":
                drug_classes = list(rec.get("classes", []))
                labels += [str(classes.get(c, {}).get("name", "")) for c in drug_classes]
            trim = trim_words if kind in ("topic", "list") else list
            expand = " | ".join(
                " ".join(trim(split_words(label, 2 * MAX_PHRASE))) for label in labels if label
            )
            known[(kind, rid)] = (expand, " ".join(drug_classes))
        yield (words[0], phrase, kind, rid, *known[(kind, rid)])


def build_index(conn: sqlite3.Connection, compiled: Compiled) -> None:
    """Create and fill the ``search_*`` tables for ``compiled`` in ``conn`` (not committed).

    Everything is read from ``compiled`` once; the FTS5 index is then built by SQLite from the
    ``search_docs`` rows (through the ``search_content`` view, so no text is stored twice).
    """
    conn.executescript(SCHEMA)
    resources: dict[str, int] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for doc, row in enumerate(_docs(compiled), 1):
            if row.kind == "resource":
                resources[row.id] = doc
            yield (doc, *row[:7], PRIO[row.kind], *row[7:])

    conn.executemany("INSERT INTO search_docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    # ask reads a hit's row by (kind, id): without this a large pack is scanned per question.
    conn.execute("CREATE INDEX search_docs_entry ON search_docs(kind, id)")
    conn.executemany(
        "INSERT OR IGNORE INTO search_alias VALUES (?,?,?,?,?,?)", _alias_rows(compiled)
    )
    conn.executemany(
        "INSERT OR IGNORE INTO search_concern VALUES (?,?)",
        [
            (concern, resources[rid])
            for rid, res in compiled.records.get("resource", {}).items()
            for concern in res.get("concerns", [])
            if rid in resources
        ],
    )
    fts = fts5_available()  # HEROINFACTS_NO_FTS5 changes queries only: caches stay alike
    if fts:
        conn.executescript(FTS_SCHEMA)
        conn.execute("INSERT INTO search_fts(search_fts) VALUES('rebuild')")
        _pad(conn)
    _vocab(conn)
    total = conn.execute("SELECT max(doc) FROM search_docs").fetchone()[0] or 0
    conn.executemany(
        "INSERT INTO search_meta VALUES (?,?)", [("docs", str(total)), ("fts", str(int(fts)))]
    )


def _pad(conn: sqlite3.Connection) -> None:
    """Add empty rows to the FTS5 index, one per entry up to PAD_MAX (negative rowids, which no
    entry has; having no words, they never match).

    FTS5's bm25 weighs a word by log((N - n + 0.5) / (n + 0.5)) for n of N rows, and all but
    ignores a word found in more than half the rows. In a small knowledge base about one subject
    that is the subject itself ("heroin" is in over half the rows). With N empty rows the weight
    becomes log((2N - n + 0.5) / (n + 0.5)): rare words rank as before and common ones keep a
    small positive weight, much like Lucene's BM25. (In a large pack few words reach half the
    rows, so the padding is capped.)
    """
    total = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    conn.execute(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) "
        "INSERT INTO search_fts(rowid, names, body, context, extra) "
        "SELECT -x, '', '', '', '' FROM n",
        (min(total, PAD_MAX),),
    )


_SPLIT = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not c.isalnum() and c != "'"} | {"'": None}
)


def _vocab(conn: sqlite3.Connection) -> None:
    """Fill search_vocab (word, how often it occurs) and search_vocab_rev (the same, backwards).

    The words are those of every entry's names and titles, and of the text of every entry when
    there are at most VOCAB_ROWS of them; in a larger pack, of the first VOCAB_ROWS / 3 (the
    shipped data comes first) and an even sample of the rest. The vocabulary only proposes
    corrections: a word is known when the index finds it, sampled or not.
    """
    from collections import Counter

    counts: Counter[str] = Counter()
    total = conn.execute("SELECT count(*), max(doc) FROM search_docs").fetchone()
    n, top = int(total[0]), int(total[1] or 0)
    sql = "SELECT names || ' ' || text || ' ' || more || ' ' || extra FROM search_docs"
    params: tuple[int, ...] = ()
    if n > VOCAB_ROWS:
        head = VOCAB_ROWS // 3
        step = max(1, (top - head) // (VOCAB_ROWS - head))
        sql = (
            "SELECT CASE WHEN doc <= ? OR doc % ? = 0 THEN names || ' ' || text || ' ' || more "
            "|| ' ' || extra ELSE names END FROM search_docs"
        )
        params = (head, step)
    cur = conn.execute(sql, params)
    while rows := cur.fetchmany(5000):
        chunk = " ".join(r[0] for r in rows)
        if chunk.isascii():
            counts.update(chunk.lower().translate(_SPLIT).split())
        else:
            counts.update(split_words(chunk, 1 << 40))
    counts.pop(PROPORTION_MARK, None)
    conn.executemany(
        "INSERT INTO search_vocab VALUES (?,?)",
        ((w, c) for w, c in counts.items() if len(w) <= MAX_WORD),
    )
    # Backwards: finds candidates for a typo in the first letter (affect -> effects).
    conn.executemany(
        "INSERT OR IGNORE INTO search_vocab_rev VALUES (?,?)",
        ((w[::-1], c) for w, c in counts.items() if 5 <= len(w) <= MAX_WORD),
    )
