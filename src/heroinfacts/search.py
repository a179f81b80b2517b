"""Search and ``ask``: SQLite FTS5 over every entry, with slang, typo and crisis handling.

The index lives in the knowledge base's own SQLite database (tables ``search_*``), built once by
:func:`build_index` while the compiled cache is written; a query reads a bounded number of rows
through indexes and never loads the records into Python.

``search_docs``
    One row per entry (topic, fact, list, item, term, interaction, resource, reference): what a
    hit shows (title, text, citations) and the text it is found by, in four columns: ``names``
    (title and aliases), ``body`` (its own text), ``context`` (for a fact or item, the title of
    its topic or list) and ``extra`` (id words, years, PMIDs).
``search_fts``
    FTS5 over those columns (read through the ``search_content`` view; Porter stemming).
    Ranking is bm25 with column weights, so a title or alias match outranks a passing mention;
    ties go to the kind priority (topic, term, list, fact ...) and then to data order. Empty
    padding rows keep bm25's word weights positive in a small knowledge base (see
    :func:`_pad`); in a large one the rows ranked per query are bounded (see :func:`_run_fts`).
``search_alias``
    The aliases of topics and lists and the names of terms, substances and classes, as phrases,
    with what each expands to: ``smack`` -> heroin, ``downer`` -> the title of the depressant
    topic (which that topic's facts carry), ``xanax`` with ``heroin`` -> benzodiazepines,
    opioids. Multi-word aliases (``on the nod``, ``dope sick``) are matched in the question.
``search_vocab`` / ``search_vocab_rev``
    Unstemmed words and how often they occur (and the same words backwards): an unknown word in
    a query is corrected to the closest one within one or two edits, and reported as
    ``corrected``.
``search_concern``
    Which help resources serve which concern: a question about suicide, self-harm or overdose
    puts the matching resource first.

A query is read as words (question words dropped, see :func:`normalize_query`), unknown words
are corrected, aliases are matched and expanded, and each concept becomes an OR-group of FTS5
phrases; a "what is X" question also looks for "X is" / "called X", and "how many" for facts
that state a proportion. Where the running Python's SQLite has no FTS5 (or
``HEROINFACTS_NO_FTS5=1`` is set), a plain word-overlap search over the same ``search_docs``
rows is used instead, and the result carries a ``notice`` saying so.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .schema import Compiled
    from .store import KnowledgeBase

__all__ = [
    "FALLBACK_ENV",
    "KINDS",
    "Hit",
    "SearchResult",
    "ask",
    "build_index",
    "fts5_available",
    "normalize_query",
    "search",
]

#: Hit kinds, in the order that breaks ties between equal scores.
KINDS = ("topic", "term", "list", "fact", "item", "interaction", "resource", "reference")
_PRIO = {k: i for i, k in enumerate(KINDS)}
#: Set to a non-empty value other than ``0`` to use the plain search even where FTS5 exists
#: (queries only: the index is built the same way, so caches are never affected).
FALLBACK_ENV = "HEROINFACTS_NO_FTS5"
NOTICE = (
    "heroinfacts: this Python's SQLite has no FTS5, so search uses a simpler word match; "
    "results are not ranked as well."
)
FORCED_NOTICE = (
    f"heroinfacts: {FALLBACK_ENV} is set, so search uses a simpler word match instead of FTS5."
)
MISSING_NOTICE = "heroinfacts: the search index is missing; run `heroinfacts cache clear`."
STALE_NOTICE = (
    "heroinfacts: the search index was built without FTS5; run `heroinfacts cache clear` "
    "for ranked results."
)

#: bm25 weights of the columns names, body, context, extra.
WEIGHTS = (10.0, 3.0, 3.0, 2.0)
MAX_RAW_TOKENS = 64  # words read from a query (question words included)
MAX_TOKENS = 32  # content words kept
MAX_WORD = 64  # longer "words" are noise
MAX_PHRASE = 8  # longest alias phrase matched, in words
MAX_CORRECTIONS = 6  # unknown words looked up for a correction, per query
ASK_FACTS = 5
#: In an index of more than LARGE_INDEX entries, a query ranks a bounded set of rows: see _run_fts.
LARGE_INDEX = 50_000
COMMON_DF = 2_000
PAD_MAX = 50_000  # empty rows added to the FTS index at most (see _pad)
VOCAB_ROWS = 60_000  # rows whose text makes the spelling vocabulary (see _vocab)

# Question and filler words: dropped from queries (alias phrases are matched before dropping).
FILLER = frozenset(
    """
    a about after again all also am an and any anything are as at be been being but by can
    cant could did didnt do does doesnt doing dont else ever for from get gets getting got had
    happen happened happens has have having he her here hers him his how i id if im in into is
    isnt it its ive just know let like many me mean meaning means might much must my myself no
    not of off on once or our out please really says she should so some someone something
    such tell than that thats the their them then there these they thing things this those to
    too up us very vs was wasnt we were what whats when where whether which while who whom whose
    why will with wont work works would yes you youre your yourself
    """.split()
)

# Crisis wording: token sequences (after normalisation, question words kept) and word prefixes.
_SUICIDE_PHRASES = [
    p.split()
    for p in (
        "kill myself|killing myself|kill my self|kill meself|end my life|end my own life|"
        "ending my life|end it all|ending it all|take my life|take my own life|taking my life|"
        "want to die|wanna die|want to be dead|wish i was dead|wish i were dead|better off dead|"
        "no reason to live|dont want to live|dont want to be alive|do not want to live|"
        "not want to be here|hurt myself|hurting myself|harm myself|harming myself|self harm|"
        "self harming|self injury|cut myself|cutting myself|hang myself|shoot myself|"
        "kms|unalive|unalive myself"
    ).split("|")
]
_SUICIDE_PREFIXES = ("suicid", "selfharm")
_OVERDOSE_PHRASES = [
    p.split()
    for p in (
        "od|ods|oding|oded|overdoes|took too much|taken too much|take too much|taking too much|"
        "used too much|too much heroin|too much dope|not breathing|stopped breathing|"
        "isnt breathing|cant breathe|can not breathe|cannot breathe|wont wake up|"
        "will not wake up|not waking up|cant wake|blue lips|lips are blue|lips turning blue|"
        "unresponsive|passed out|stop breathing|stops breathing|stop your breathing|"
        "stop their breathing|breathing stopped|breathing has stopped"
    ).split("|")
]
_OVERDOSE_PREFIXES = ("overdos",)
_CRISIS_WORDS = frozenset(
    w for p in _SUICIDE_PHRASES + _OVERDOSE_PHRASES for w in p
)  # never "corrected"

#: Questions about how many or how likely prefer facts that state a proportion: those carry
#: this word (never shown, never in the vocabulary).
PROPORTION_MARK = "hfxproportion"
_QUANTITY_PHRASES = [
    p.split()
    for p in (
        "how many|how likely|how often|how common|how rare|what percent|what percentage|"
        "what proportion|what share|what fraction|what are the odds|what are the chances|"
        "percent|percentage|proportion|odds|chances|statistics|stats|how many people"
    ).split("|")
]

#: A "what is X" question prefers a sentence that defines X: "X is ...", "... called X".
_DEFINITION_STARTS = [
    p.split()
    for p in (
        "what is|what are|whats|what s|define|definition of|meaning of|what does|what do"
    ).split("|")
]
#: Plain-English equivalents the texts use for a question's words (each is an alternative).
SYNONYMS: dict[str, tuple[str, ...]] = {
    w: ("cause", "trigger", "set off", "bring on", "lead to")
    for w in ("cause", "causes", "caused", "causing")
}

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"(?<=[^\W_])['\u2019\u02bc](?=[^\W_])")

_FTS5: bool | None = None


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: an entry of the knowledge base."""

    kind: str  # fact|topic|list|item|term|interaction|resource|reference
    id: str
    topic: str | None  # a fact's topic id, or an item's list id; else None
    title: str | None  # a fact's topic title (an item's list title); else the entry's own
    text: str  # fact text, summary, definition, intro, note, offers, or reference line
    citations: tuple[str, ...]  # reference ids
    score: float  # higher is better; always finite

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "topic": self.topic,
            "title": self.title,
            "text": self.text,
            "citations": list(self.citations),
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What :func:`search` and :func:`ask` return."""

    query: str
    corrected: str | None  # the query with typos corrected, or None when nothing was changed
    results: tuple[Hit, ...]
    terms: tuple[str, ...] = ()  # words to highlight (after expansion and correction)
    suggestions: tuple[str, ...] = ()  # when nothing is found: close words and topic ids
    notice: str | None = None  # a one-line message for stderr (e.g. no FTS5)
    next_topic: str | None = None  # ask only: the topic id to read next
    asked: bool = field(default=False, repr=False)  # made by ask (adds next_topic to JSON)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "query": self.query,
            "corrected": self.corrected,
            "results": [h.to_dict() for h in self.results],
        }
        if self.asked:
            out["next_topic"] = self.next_topic
        if not self.results and self.suggestions:
            out["suggestions"] = list(self.suggestions)
        return out


# --- text -------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """NFKC, case-folded, without diacritics (as FTS5's ``remove_diacritics 2`` folds)."""
    s = unicodedata.normalize("NFKC", text).casefold()
    if not s.isascii():
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
        s = unicodedata.normalize("NFKC", s).casefold()
    return s


def _words(text: str, limit: int = MAX_RAW_TOKENS) -> list[str]:
    """The words of ``text``, folded, question words kept; at most ``limit``."""
    out: list[str] = []
    if not text:
        return out
    if len(text) < 4096 and text.isascii():
        words = _WORD.findall(_APOSTROPHE.sub("", text.lower()))
        return [w for w in words if len(w) <= MAX_WORD][:limit]
    for m in _WORD.finditer(_APOSTROPHE.sub("", text)):
        for w in _WORD.findall(_fold(m.group())):
            if len(w) <= MAX_WORD:
                out.append(w)
        if len(out) >= limit:
            break
    return out[:limit]


def normalize_query(text: str) -> list[str]:
    """The content words of a query: lower-case, diacritics folded, question and filler words
    dropped, at most 32. A pure function: ``normalize_query(" ".join(w)) == w`` for its output."""
    if not isinstance(text, str):
        return []
    return [w for w in _words(text) if w not in FILLER][:MAX_TOKENS]


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in FILLER]


def _stem(word: str) -> str:
    """A light suffix stripper for the plain (no FTS5) search: ``nodding`` -> ``nod``."""
    w = word
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    for suffix in ("ing", "ed"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "aeiouls":
                w = w[:-1]
            return w
    if len(w) > 3 and w.endswith("es") and w[-3] in "sxzh":
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


# --- building the index -----------------------------------------------------------------------


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


def _forced_fallback() -> bool:
    return os.environ.get(FALLBACK_ENV, "") not in ("", "0")


def _use_fts() -> bool:
    return not _forced_fallback() and fts5_available()


def _id_words(rid: str) -> str:
    return rid.replace("-", " ")


def _join(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p)


def _year(csl: dict[str, Any]) -> int | None:
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    return int(parts[0][0]) if parts and parts[0] else None


def reference_line(csl: dict[str, Any]) -> str:
    """The reference as an APA 7 entry in plain text (see :mod:`heroinfacts.citations`)."""
    try:
        from .citations import apa

        line = apa(csl).strip()
    except Exception:  # a formatter problem must never stop the index from being built
        line = ""
    return line or _plain_reference(csl)


def _plain_reference(csl: dict[str, Any]) -> str:
    """A short APA-like line: authors (year). Title. Container. PMID."""
    names = []
    for a in csl.get("author") or []:
        if "literal" in a:
            names.append(str(a["literal"]))
        else:
            names.append(", ".join(str(x) for x in (a.get("family"), a.get("given")) if x))
    who = "; ".join(names)
    if (csl.get("custom") or {}).get("et-al"):
        who = f"{who}, et al." if who else "et al."
    year = f"({_year(csl) or 'n.d.'})."
    title = str(csl.get("title", "")).strip()
    title = title if title.endswith((".", "?", "!")) else title + "."
    line = _join(who, year, title) if who else _join(title, year)
    where = csl.get("container-title") or csl.get("publisher")
    if where:
        line = _join(line, f"{where}.")
    for key in ("PMID", "PMCID", "DOI"):
        if csl.get(key):
            line = _join(line, f"{key}: {csl[key]}.")
    return line


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
    return " ; ".join(rec.get("aliases", []))


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
        yield _Row("list", rid, None, title, text, "", cites, names, extra=_id_words(rid))
        for item in lst["items"]:
            iid = item["id"]
            yield _Row("item", iid, rid, title, item["text"], "", cites, extra=_id_words(iid))
    for rid, term in recs.get("term", {}).items():
        names = _join(term["term"], ";", _aliases_of(term))
        cites = " ".join(term["cites"])
        yield _Row("term", rid, None, term["term"], term["definition"], "", cites, names,
                   extra=_id_words(rid))  # fmt: skip
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
                   _id_words(rid))  # fmt: skip
    for rid, res in recs.get("resource", {}).items():
        contacts = " ".join(_join(c.get("label"), c["value"]) for c in res["contacts"])
        more = _join(res.get("region"), res.get("hours"), res.get("cost"),
                     " ".join(res.get("languages", [])), contacts)  # fmt: skip
        concerns = " ".join(res.get("concerns", []))
        yield _Row("resource", rid, None, res["name"], res["offers"], more,
                   " ".join(res["cites"]), res["name"], concerns, _id_words(rid))  # fmt: skip
    for rid, ref in recs.get("reference", {}).items():
        more = _join(ref.get("collection-title"), ref.get("publisher"))
        extra = _join(_year(ref), "pmid" if ref.get("PMID") else "", ref.get("PMCID"),
                      ref.get("DOI"), _id_words(rid))  # fmt: skip
        yield _Row("reference", rid, None, ref.get("title"), reference_line(ref), more, rid,
                   ref.get("title", ""), extra=extra)  # fmt: skip
    for rid, t in recs.get("topic", {}).items():
        facts, title = t.get("facts", []), t["title"]
        cites = " ".join(dict.fromkeys(c for f in facts for c in f["cites"]))
        names = _join(title, ";", _aliases_of(t))
        yield _Row("topic", rid, None, title, t["summary"], "", cites, names,
                   extra=_id_words(rid))  # fmt: skip
        for f in facts:
            wording = (f.get("proportion") or {}).get("wording") or ""
            extra = _id_words(f["id"]) + (" " + PROPORTION_MARK if wording else "")
            yield _Row("fact", f["id"], rid, title, f["text"], wording, " ".join(f["cites"]),
                       extra=extra)  # fmt: skip


def _trim(words: Sequence[str]) -> list[str]:
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
        words = _words(name, MAX_PHRASE + 1)
        if not words or len(words) > MAX_PHRASE or not _content(words):
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
            trim = _trim if kind in ("topic", "list") else list
            expand = " | ".join(
                " ".join(trim(_words(label, 2 * MAX_PHRASE))) for label in labels if label
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
            yield (doc, *row[:7], _PRIO[row.kind], *row[7:])

    conn.executemany("INSERT INTO search_docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows())
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
            counts.update(_words(chunk, 1 << 40))
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


# --- understanding a query --------------------------------------------------------------------

Phrase = tuple[str, ...]
Clause = tuple[Phrase, ...]  # phrases that must all match


@dataclass
class _Group:
    """One concept of the query: alternative clauses, any of which may match."""

    clauses: list[Clause]
    words: list[str]  # content words to highlight
    subject: Phrase = ()  # the content words the user typed for it


@dataclass
class _Query:
    groups: list[_Group]
    corrected: str | None
    concerns: list[str]
    unknown: list[str]
    terms: tuple[str, ...]


def _has_any(words: Sequence[str], phrases: Sequence[Sequence[str]]) -> bool:
    return any(_contains(words, p) for p in phrases)


def _is_definition(words: Sequence[str]) -> bool:
    """Whether the question asks what something is or means."""
    start = [w for w in words if w not in ("so", "and", "but", "ok", "okay", "please")]
    for p in _DEFINITION_STARTS:
        if start[: len(p)] == p:
            return p[-1] not in ("does", "do") or bool({"mean", "means"} & set(words))
    return False


def _crisis(words: Sequence[str]) -> list[str]:
    """The crisis concerns a question raises: ``suicide`` and/or ``overdose``, in that order."""
    found: list[str] = []
    for concern, phrases, prefixes in (
        ("suicide", _SUICIDE_PHRASES, _SUICIDE_PREFIXES),
        ("overdose", _OVERDOSE_PHRASES, _OVERDOSE_PREFIXES),
    ):
        hit = any(w.startswith(prefixes) for w in words)
        if not hit:
            for i in range(len(words)):
                if any(list(words[i : i + len(p)]) == p for p in phrases):
                    hit = True
                    break
        if hit:
            found.append(concern)
    return found


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone()
    return row is not None


def _fts_quote(phrase: Phrase) -> str:
    return '"' + " ".join(phrase).replace('"', '""') + '"'


def _in_vocab(conn: sqlite3.Connection, words: Sequence[str]) -> set[str]:
    uniq = sorted(set(words))
    if not uniq:
        return set()
    marks = ",".join("?" * len(uniq))
    rows = conn.execute(f"SELECT word FROM search_vocab WHERE word IN ({marks})", uniq)
    return {r[0] for r in rows}


def _stem_known(conn: sqlite3.Connection, word: str, fts: bool) -> bool:
    """Whether a word that is not in the vocabulary as written is known by its stem."""
    if fts:
        expr = _fts_quote((word,))
        row = conn.execute(
            "SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT 1", (expr,)
        ).fetchone()
        return row is not None
    s = _stem(word)
    for (cand,) in conn.execute(
        "SELECT word FROM search_vocab WHERE word >= ? AND word < ? LIMIT 200",
        (s, s + "\U0010ffff"),
    ):
        if _stem(cand) == s:
            return True
    return False


def _as_good(conn: sqlite3.Connection, word: str, other: str, fts: bool) -> bool:
    """Whether a word known by its stem finds about as much as its closest correction: then it
    is an inflection (``breathe``, found through "breathing"), not a typo that happens to
    share a stem with a rare misspelling (``depresant`` with the alias "depresion")."""
    if not fts:
        return _stem(word) == _stem(other)
    mine = _count(conn, _fts_quote((word,)), 1000)
    theirs = _count(conn, _fts_quote((other,)), 1000)
    return theirs < 3 * mine


def _max_edits(word: str) -> int:
    """How many edits a correction may make: one, or two in a word of eight letters or more
    (so ``friend`` is never "corrected" to ``find``)."""
    return 1 if len(word) < 8 else 2


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (a swap counts as one), or limit+1 when above."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _close_words(
    conn: sqlite3.Connection, word: str, *, max_edits: int | None = None, n: int = 1
) -> list[str]:
    """Vocabulary words within a few edits of ``word``: fewest edits first, then most common.

    Candidates are read by an indexed range (same first letter, or the second letter, for a
    swapped or doubled start) and filtered by length and letters before the edit distance is
    computed, so this stays fast with a vocabulary of 50,000+ words.
    """
    limit = _max_edits(word) if max_edits is None else max_edits
    lo, hi = len(word) - limit, len(word) + limit
    queries: list[tuple[str, tuple[Any, ...]]] = [
        (
            "SELECT word, freq, 0 FROM search_vocab WHERE word >= ? AND word < ? "
            "AND length(word) BETWEEN ? AND ? LIMIT 20000",
            (first, first + "\U0010ffff", lo, hi),
        )
        for first in dict.fromkeys(word[:2])
    ]
    if len(word) >= 5:
        tail = word[-3:][::-1]
        queries.append(
            (
                "SELECT rev, freq, 1 FROM search_vocab_rev "
                "WHERE rev >= ? AND rev < ? AND length(rev) BETWEEN ? AND ? LIMIT 20000",
                (tail, tail + "\U0010ffff", lo, hi),
            )
        )
    scored: list[tuple[int, int, str]] = []
    letters = set(word)
    for sql, params in queries:
        try:
            rows = conn.execute(sql, params).fetchall()
        except sqlite3.Error:
            continue
        for cand, freq, backwards in rows:
            if backwards:
                cand = cand[::-1]
            if cand == word or cand.isdigit():
                continue
            if len(set(cand) ^ letters) > 2 * limit:
                continue
            d = _distance(word, cand, limit)
            if d <= limit:
                scored.append((d, -int(freq), cand))
    scored.sort()
    out = list(dict.fromkeys(c for _, _, c in scored))
    return out[:n]


Entry = tuple[str, str, str, str]  # (kind, id, expansion, classes) of an alias phrase


def _aliases(conn: sqlite3.Connection, words: Sequence[str]) -> dict[Phrase, list[Entry]]:
    """Alias phrases that start with one of ``words``, and the entries they name."""
    firsts = sorted(set(words) - FILLER) + sorted(set(words) & FILLER)
    if not firsts:
        return {}
    marks = ",".join("?" * len(firsts))
    out: dict[Phrase, list[Entry]] = {}
    for phrase, kind, rid, expand, classes in conn.execute(
        "SELECT phrase, kind, id, expand, classes FROM search_alias "
        f"WHERE first IN ({marks}) LIMIT 5000",
        firsts,
    ):
        out.setdefault(tuple(phrase.split()), []).append((kind, rid, expand, classes))
    return out


def _contains(seq: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return any(tuple(seq[i : i + n]) == tuple(part) for i in range(len(seq) - n + 1))


def _labels(phrase: Phrase, entries: Sequence[Entry], mixing: bool) -> list[Phrase]:
    """What an alias phrase expands to: the names of the things it names (``smack`` -> heroin)
    and the titles of the topics and lists it names (``dope sick`` -> the title of the
    withdrawal topic, which that topic's facts carry). A name that is the phrase itself adds
    nothing (``heroin`` is not expanded to "What is heroin?"), nor does a title that contains
    a thing's name (``smack`` finds heroin, not the page "What is heroin?"). When the question
    names drugs of two classes (``mixing``), a drug also expands to its classes' names, since
    what is known about combinations is written about classes (heroin -> opioids)."""
    named: list[Phrase] = []
    titled: list[Phrase] = []
    for kind, _rid, expand, _classes in entries:
        for n, part in enumerate(expand.split("|")):
            label = tuple(part.split())
            if not label or label == phrase or (n and not mixing):
                continue
            (titled if kind in ("topic", "list") else named).append(label)
    titled = [t for t in titled if not any(_contains(t, n) for n in named)]
    return list(dict.fromkeys([*named, *titled]))


def _analyze(conn: sqlite3.Connection, query: str, fts: bool) -> _Query:
    words = _words(query)
    concerns = _crisis(words)
    # 1. correct unknown words against the index vocabulary
    checkable = [
        w
        for w in words
        if w not in FILLER and w not in _CRISIS_WORDS and not w.isdigit() and len(w) >= 4
    ]
    known = _in_vocab(conn, checkable)
    fixes: dict[str, str] = {}
    unknown: list[str] = []
    for w in [w for w in dict.fromkeys(checkable) if w not in known][:MAX_CORRECTIONS]:
        close = _close_words(conn, w)
        stem_known = _stem_known(conn, w, fts)
        if close and not (stem_known and _as_good(conn, w, close[0], fts)):
            fixes[w] = close[0]
        elif not stem_known:
            unknown.append(w)
    corrected = None
    if fixes:
        words = [fixes.get(w, w) for w in words]
        corrected = " ".join(words)
        concerns += [c for c in _crisis(words) if c not in concerns]
    # 2. match aliases, longest first: one span per concept
    aliases = _aliases(conn, words)
    spans: list[tuple[Phrase, bool]] = []  # (words, is an alias)
    i = 0
    while i < len(words) and len(spans) < 2 * MAX_TOKENS:
        span = 0
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            cand = tuple(words[i : i + n])
            if cand in aliases and _content(cand):
                span = n
                break
        if span:
            spans.append((tuple(words[i : i + span]), True))
            i += span
        else:
            if words[i] not in FILLER:
                spans.append(((words[i],), False))
            i += 1

    def inner(phrase: Phrase) -> Iterator[tuple[Phrase, list[Entry]]]:
        """The phrase's entries, and those of the alias phrases inside it."""
        for a in range(len(phrase)):
            for b in range(len(phrase), a, -1):
                sub = phrase[a:b]
                if _content(sub) and sub in aliases:
                    yield sub, aliases[sub]

    drug_sets = []
    for phrase, is_alias in spans:
        if is_alias:
            found = {c for _s, es in inner(phrase) for e in es for c in e[3].split()}
            if found:
                drug_sets.append(found)
    mixing = len(drug_sets) >= 2 and len(set().union(*drug_sets)) >= 2
    # 3. one group per concept: the words, and what an alias expands to
    groups: list[_Group] = []
    seen: set[tuple[Clause, ...]] = set()
    for phrase, is_alias in spans:
        if len(groups) >= MAX_TOKENS:
            break
        content = _content(phrase)
        clauses: list[Clause] = [(phrase,)] if len(phrase) > 1 else []
        clauses += [((w,),) for w in content]
        hl = list(content)
        if is_alias:
            for sub, entries in inner(phrase):
                for label in _labels(sub, entries, mixing):
                    clauses.append((label,))
                    hl += _content(label)
        else:
            for syn in SYNONYMS.get(phrase[0], ()):
                clauses.append((tuple(syn.split()),))
        group = _Group(list(dict.fromkeys(clauses)), hl, tuple(content))
        key = tuple(group.clauses)
        if key not in seen:
            seen.add(key)
            groups.append(group)
    if len(groups) == 1 and _is_definition(words):
        subject = groups[0].subject
        groups[0].clauses += [((*subject, "is"),), ((*subject, "are"),), (("called", *subject),)]
    if groups and _has_any(words, _QUANTITY_PHRASES):
        groups.append(_Group([((PROPORTION_MARK,),)], []))
    terms = tuple(dict.fromkeys(w for g in groups for w in g.words))
    return _Query(groups, corrected, concerns, unknown, terms)


def _expression(groups: Sequence[_Group]) -> str:
    parts = []
    for g in groups:
        clauses = []
        for clause in g.clauses:
            phrases = [_fts_quote(p) for p in clause]
            clauses.append(phrases[0] if len(phrases) == 1 else "(" + " AND ".join(phrases) + ")")
        parts.append(clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")")
    return " OR ".join(parts)


# --- running a query --------------------------------------------------------------------------

_HIT_COLS = "d.kind, d.id, d.topic, d.title, d.text, d.cites"


def _hit(row: Sequence[Any], score: float) -> Hit:
    kind, rid, topic, title, text, cites = row[:6]
    value = float(score)
    if not math.isfinite(value):
        value = 0.0
    return Hit(kind, rid, topic, title, text, tuple(cites.split()), round(value, 6))


def _kind_clause(kinds: Sequence[str] | None) -> tuple[str, list[Any]]:
    if not kinds:
        return "", []
    return f" AND d.kind IN ({','.join('?' * len(kinds))})", list(kinds)


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM search_meta WHERE key=?", (key,)).fetchone()
    return str(row[0]) if row else None


def _count(conn: sqlite3.Connection, expr: str, cap: int) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT ?)",
            (expr, cap),
        ).fetchone()[0]
    )


def _run_fts(
    conn: sqlite3.Connection, groups: list[_Group], kinds: Sequence[str] | None, limit: int
) -> list[Hit]:
    """Rank with FTS5's bm25 (column weights), ties by kind priority then data order.

    bm25 is computed for every row the expression matches, so in a large index (over
    LARGE_INDEX entries) the rows are bounded. A concept found in at least COMMON_DF entries is
    "common"; when some are, the expression becomes the rare concepts OR all the common ones
    together, and of the rows that have only the common ones, only the first COMMON_DF in data
    order are ranked (the shipped data comes first). Every row with a rare concept is ranked.
    Each bound costs one short indexed scan.
    """
    if not groups:
        return []
    expr = _expression(groups)
    where, params = _kind_clause(kinds)
    if int(_meta(conn, "docs") or 0) > LARGE_INDEX:
        dfs = [_count(conn, _expression([g]), COMMON_DF) for g in groups]
        if sum(dfs) >= COMMON_DF:
            pairs = list(zip(groups, dfs, strict=True))
            rare = " OR ".join(_expression([g]) for g, df in pairs if df < COMMON_DF)
            common = " AND ".join(f"({_expression([g])})" for g, df in pairs if df >= COMMON_DF)
            expr = f"{rare} OR ({common})" if rare else common
            row = conn.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid > 0 "
                "LIMIT 1 OFFSET ?",
                (common, COMMON_DF - 1),
            ).fetchone()
            if row and rare:
                where += (
                    " AND (+search_fts.rowid <= ? OR search_fts.rowid IN "
                    "(SELECT rowid FROM search_fts WHERE search_fts MATCH ?))"
                )
                params += [int(row[0]), rare]
            elif row:
                where += " AND search_fts.rowid <= ?"
                params.append(int(row[0]))
    weights = ", ".join(str(w) for w in WEIGHTS)
    sql = (
        f"SELECT {_HIT_COLS}, bm25(search_fts, {weights}) AS s FROM search_fts "
        f"JOIN search_docs d ON d.doc = search_fts.rowid WHERE search_fts MATCH ?{where} "
        "ORDER BY s, d.prio, d.doc LIMIT ?"
    )
    rows = conn.execute(sql, [expr, *params, limit]).fetchall()
    return [_hit(r, -r[6]) for r in rows]


def _column_words(text: str) -> list[str]:
    return [_stem(w) for w in _words(text, 1 << 30)]


def _has_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    if n == 1:
        return phrase[0] in words
    return any(list(words[i : i + n]) == list(phrase) for i in range(len(words) - n + 1))


_PLAIN_COLUMNS = (
    "d.names",
    "d.text || ' ' || d.more",
    "CASE WHEN d.kind IN ('fact', 'item') THEN d.title ELSE d.context END",
    "d.extra",
)


def _run_plain(
    conn: sqlite3.Connection, groups: list[_Group], kinds: Sequence[str] | None, limit: int
) -> list[Hit]:
    """The search without FTS5: weighted word overlap over the same rows.

    Rows holding any query word (by a light stem, through LIKE) are candidates, at most 5,000.
    Each query concept scores the weight of the best column it is found in (a phrase must
    appear in order), times log(1 + candidates / candidates with the concept), and a row's
    score is the sum. Ties go to kind priority, then data order. Simple and correct, not as
    well ranked as bm25.
    """
    if not groups:
        return []
    stems = sorted({_stem(w) for g in groups for c in g.clauses for p in c for w in p})
    likes = " OR ".join(f"{col} LIKE ? ESCAPE '\\'" for _ in stems for col in _PLAIN_COLUMNS)
    params: list[Any] = []
    for s in stems:
        pattern = "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern] * len(_PLAIN_COLUMNS)
    where, kparams = _kind_clause(kinds)
    rows = conn.execute(
        f"SELECT {_HIT_COLS}, d.prio, d.doc, {', '.join(_PLAIN_COLUMNS)} "
        f"FROM search_docs d WHERE ({likes}){where} LIMIT 5000",
        [*params, *kparams],
    ).fetchall()
    wanted = [
        [[tuple(_stem(w) for w in p) for p in clause] for clause in g.clauses] for g in groups
    ]
    matrix = []  # per row, the weight of the best column each concept is found in
    for row in rows:
        cols = [_column_words(row[8 + k]) for k in range(len(_PLAIN_COLUMNS))]

        def weight(phrase: tuple[str, ...], cols: list[list[str]] = cols) -> float:
            found = (WEIGHTS[k] for k, words in enumerate(cols) if _has_phrase(words, phrase))
            return max(found, default=0.0)

        matrix.append(
            [max((min(weight(p) for p in clause) for clause in g), default=0.0) for g in wanted]
        )
    # A concept found in fewer of the rows counts for more: log(1 + rows / rows with it).
    rarity = [
        math.log(1 + len(rows) / max(1, sum(1 for m in matrix if m[i]))) for i in range(len(wanted))
    ]
    scored = []
    for row, found in zip(rows, matrix, strict=True):
        score = sum(w * r for w, r in zip(found, rarity, strict=True))
        if score > 0:
            scored.append((-score, row[6], row[7], row))
    scored.sort(key=lambda t: (t[0], t[1], t[2]))
    return [_hit(r, -s) for s, _, _, r in scored[:limit]]


def _crisis_hits(
    conn: sqlite3.Connection, concerns: Sequence[str], top: float, kinds: Sequence[str] | None
) -> list[Hit]:
    if kinds and "resource" not in kinds:
        return []
    out: list[Hit] = []
    for c in concerns:
        row = conn.execute(
            f"SELECT {_HIT_COLS} FROM search_concern c JOIN search_docs d ON d.doc = c.doc "
            "WHERE c.concern = ? ORDER BY d.doc LIMIT 1",
            (c,),
        ).fetchone()
        if row and all(h.id != row[1] for h in out):
            out.append(_hit(row, 0.0))
    # Crisis help goes first: score it just above the best result.
    return [
        Hit(h.kind, h.id, h.topic, h.title, h.text, h.citations, round(top + len(out) - i, 6))
        for i, h in enumerate(out)
    ]


def _safe_suggest(conn: sqlite3.Connection, q: _Query, query: str) -> tuple[str, ...]:
    try:
        return _suggest(conn, q, query)
    except sqlite3.Error:
        return ()


def _suggest(conn: sqlite3.Connection, q: _Query | None, query: str) -> tuple[str, ...]:
    """For a query that found nothing: close words for its unknown words, then topic ids
    close to the query; failing both, the first topics, so there is always somewhere to go."""
    import difflib

    out: list[str] = []
    for w in q.unknown if q else []:
        out += _close_words(conn, w, max_edits=_max_edits(w) + 1, n=3)
    key = "-".join(normalize_query(query)[:8])
    if key:
        rows = conn.execute(
            "SELECT id, norm FROM names WHERE ns = 'topic' AND norm >= ? AND norm < ? LIMIT 5000",
            (key[:1], key[:1] + "\U0010ffff"),
        ).fetchall()
        ids = {norm: rid for rid, norm in rows}
        out += [ids[c] for c in difflib.get_close_matches(key, list(ids), n=3, cutoff=0.6)]
    if not out:
        out = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM records WHERE kind = 'topic' ORDER BY ord LIMIT 3"
            )
        ]
    return tuple(dict.fromkeys(out))[:6]


def _notice(fts: bool) -> str | None:
    if fts:
        return None
    if _forced_fallback():
        return FORCED_NOTICE
    return NOTICE if not fts5_available() else STALE_NOTICE


def _plain_query(query: str) -> _Query:
    """The query as plain words, without aliases or corrections (used if analysis fails)."""
    words = normalize_query(query)
    groups = [_Group([((w,),)], [w], (w,)) for w in dict.fromkeys(words)]
    return _Query(groups, None, _crisis(_words(query)), [], tuple(dict.fromkeys(words)))


def _search(
    kb: KnowledgeBase, query: str, kinds: Sequence[str] | None, limit: int
) -> tuple[_Query | None, list[Hit], str | None]:
    """Analyse and run a query: (analysis, hits, notice); (None, [], notice) without an index."""
    conn = kb.conn
    try:
        if not _has_table(conn, "search_docs"):
            return None, [], MISSING_NOTICE
        fts = _use_fts() and _has_table(conn, "search_fts")
    except sqlite3.Error:
        return None, [], MISSING_NOTICE
    try:
        q = _analyze(conn, query, fts)
    except (sqlite3.Error, ValueError, RecursionError):
        q = _plain_query(query)
    hits: list[Hit] = []
    if limit > 0:
        try:
            hits = (_run_fts if fts else _run_plain)(conn, q.groups, kinds, limit)
        except sqlite3.Error:
            try:
                hits = _run_plain(conn, q.groups, kinds, limit)
            except sqlite3.Error:
                hits = []
    return q, hits, _notice(fts)


def _check_kinds(kinds: Sequence[str] | None) -> list[str] | None:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    bad = [k for k in kinds if k not in _PRIO]
    if bad:
        raise ValueError(f"unknown kind {bad[0]!r}: use one of {', '.join(KINDS)}")
    return list(dict.fromkeys(kinds)) or None


def search(
    kb: KnowledgeBase, query: str, *, kinds: Sequence[str] | None = None, limit: int = 10
) -> SearchResult:
    """Ranked hits for ``query`` over every kind of entry (or only ``kinds``), at most ``limit``.

    Never raises on any query text; raises ValueError for an unknown kind.
    """
    wanted = _check_kinds(kinds)
    limit = max(0, min(int(limit), 1000))
    text = query if isinstance(query, str) else ""
    q, hits, notice = _search(kb, text, wanted, limit)
    if q is None:
        return SearchResult(text, None, (), notice=notice)
    if q.concerns and limit:
        top = hits[0].score if hits else 0.0
        try:
            help_hits = _crisis_hits(kb.conn, q.concerns, top, wanted)
        except sqlite3.Error:
            help_hits = []
        ids = {(h.kind, h.id) for h in help_hits}
        hits = [*help_hits, *(h for h in hits if (h.kind, h.id) not in ids)][:limit]
    suggestions = () if hits or not limit else _safe_suggest(kb.conn, q, text)
    return SearchResult(text, q.corrected, tuple(hits), q.terms, suggestions, notice)


def ask(kb: KnowledgeBase, question: str) -> SearchResult:
    """The best answer to ``question`` first (a fact; for a question about suicide, self-harm or
    overdose, the matching help resource first), then up to four supporting facts.

    ``next_topic`` is a topic to read next: the topic of the best supporting fact that is not the
    answer's own, else the first topic the answer's topic relates to.
    """
    text = question if isinstance(question, str) else ""
    q, facts, notice = _search(kb, text, ["fact"], ASK_FACTS)
    if q is None:
        return SearchResult(text, None, (), notice=notice, asked=True)
    hits = list(facts)
    if q.concerns:
        top = facts[0].score if facts else 0.0
        try:
            help_hits = _crisis_hits(kb.conn, q.concerns, top, None)
        except sqlite3.Error:
            help_hits = []
        hits = [*help_hits, *facts][:ASK_FACTS]
    return SearchResult(
        text,
        q.corrected,
        tuple(hits),
        q.terms,
        () if hits else _safe_suggest(kb.conn, q, text),
        notice,
        _next_topic(kb.conn, facts),
        asked=True,
    )


def _next_topic(conn: sqlite3.Connection, facts: Sequence[Hit]) -> str | None:
    """The topic of the best supporting fact that is not the answer's own, else the first
    topic the answer's topic relates to."""
    if not facts:
        return None
    answer_topic = facts[0].topic
    others = [h.topic for h in facts[1:] if h.topic and h.topic != answer_topic]
    if others:
        return others[0]
    try:
        row = conn.execute(
            "SELECT data FROM records WHERE kind = 'topic' AND id = ?", (answer_topic,)
        ).fetchone()
        related = json.loads(row[0]).get("related", []) if row else []
    except (sqlite3.Error, ValueError):
        return None
    return str(related[0]) if related else None
