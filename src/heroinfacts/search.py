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
are corrected, aliases are matched (by light stem, so "get clean" finds "getting clean") and
expanded, and each concept becomes an OR-group of FTS5 phrases; a "what is X" question also
looks for "X is" / "called X", "how many" for facts that state a proportion, "X vs Y" for facts
that say how things differ, "what do i do" for help, and two drugs joined by "with" or "and" for
what is known about mixing them; words of time ("how long", "the first time") are dropped.
:func:`ask` then weighs the topics and lists found as the question's subject and answers with a
topic's lead fact or a list (see :func:`ask`). Where the running Python's SQLite has no FTS5 (or
``HEROINFACTS_NO_FTS5=1`` is set), a plain word-overlap search over the same ``search_docs``
rows is used instead, and the result carries a ``notice`` saying so.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .records import Record, field

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
STALE_NOTICE = (
    "heroinfacts: the search index was built without FTS5; for ranked results, delete the "
    "cache directory (`heroinfacts about` shows where) and it is rebuilt."
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
    cant could did didnt do does doesnt doing dont down else ever for from get gets getting got
    had happen happened happens has have having he her here hers him his how i id if im in into
    is isnt it its ive just know let like make makes many me mean meaning means might much must
    my myself no not of off on once or our out please really says she should so some someone
    something
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
        "kms|unalive|unalive myself|thinking about death|thinking about dying|"
        "thoughts of death|thoughts of dying|think about death|think about dying|"
        "dont want to wake up"
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
    **{
        w: ("cause", "trigger", "set off", "bring on", "lead to")
        for w in ("cause", "causes", "caused", "causing")
    },
    **{
        w: (w, "disorder", "disorders")
        for w in ("illness", "illnesses", "disease", "diseases", "condition", "conditions")
    },
    **{
        w: (w, "prescription", "medical use")
        for w in ("prescribe", "prescribed", "prescribes", "prescribing")
    },
    **{w: (w, "medical", "medicine", "medicines") for w in ("medicine", "medicines", "medical")},
    **{
        w: (w, "harm", "harms", "risk", "risks", "dangerous", "dangerously")
        for w in ("dangerous", "danger", "dangers", "bad", "harmful", "risky", "unhealthy")
    },
}
#: A question that compares two things ("depression vs depressant", "what is the difference")
#: prefers a fact that says how they differ: these words stand for that, as one concept.
_COMPARE_WORDS = frozenset(
    "vs versus difference differences different differ differs compare compared comparison "
    "same".split()
)
COMPARE: tuple[str, ...] = ("same", "difference", "different", "differ")
#: A question asking for signs or symptoms is answered by a list (a checklist) where one matches.
_SIGNS_WORDS = frozenset("sign signs symptom symptoms".split())
_SIGNS_PHRASES = [
    p.split()
    for p in (
        "how do i know|how can i tell|how do you know|how can you tell|how to tell|how to know|"
        "how would i know|how would you know|how do i tell|warning signs|am i"
    ).split("|")
]
#: Words that join two drugs in a question about taking them together ("xanax with heroin");
#: without one, "is xanax an opioid" asks what a drug is, not about mixing.
_MIX_WORDS = frozenset(
    "and with plus mix mixing mixed mixes combine combining combined combo combos together "
    "while on w".split()
)
#: Words that judge rather than name ("is it dangerous", "is that normal"): what the question
#: asks of its subject. A page need not name them to be the subject, and they alone are not
#: something specific enough to answer (see _answers).
_JUDGING_WORDS = frozenset(
    "dangerous danger dangers safe safer unsafe bad worse worst harmful risky ok okay normal "
    "good better best unhealthy healthy".split()
)
#: Words of time that only say when or how long ("how long does it last", "the first time",
#: "all the time"): dropped, as no fact says durations and they would find "a long time".
_TIME_PHRASES = [
    p.split()
    for p in (
        "how long does it last|how long do they last|how long will it last|how long|"
        "the first time|first time|all the time|every time|at first|lasts|last"
    ).split("|")
]
#: A question asking what to do or where to turn is also about getting help.
_HELP_PHRASES = [
    p.split()
    for p in (
        "what do i do|what should i do|what can i do|what do we do|what should we do|"
        "how can i help|how do i help|how to help|how do i stop|how can i stop|how to stop|"
        "how do i quit|how can i quit|how to quit|where do i go|where can i go|who can i talk to|"
        "who do i talk to|i need help|need help|get help"
    ).split("|")
]
HELP_WORD = "help"
MIX_WORD = "mixing"
_HELP_VERB = frozenset(("help", "helps", "helped", "helping"))
_HELP_NOUN_BEFORE = frozenset(
    "for get gets getting got need needs find finding some any the of seek seeking want ask".split()
)

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"(?<=[^\W_])['\u2019\u02bc](?=[^\W_])")

_FTS5: bool | None = None


# --- results ----------------------------------------------------------------------------------


class Hit(Record):
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


class SearchResult(Record):
    """What :func:`search` and :func:`ask` return."""

    query: str
    corrected: str | None  # the query with typos corrected, or None when nothing was changed
    results: tuple[Hit, ...]
    terms: tuple[str, ...] = ()  # words to highlight (after expansion and correction)
    suggestions: tuple[str, ...] = ()  # when nothing is found: close words and topic ids
    notice: str | None = None  # a one-line message for stderr (e.g. no FTS5)
    next_topic: str | None = None  # ask only: the topic id to read next
    asked: bool = False  # made by ask (adds next_topic to JSON)

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


class _Group(Record, frozen=False):
    """One concept of the query: alternative clauses, any of which may match."""

    clauses: list[Clause]
    words: list[str]  # content words to highlight
    subject: Phrase = ()  # the content words the user typed for it
    #: What says this concept, for :func:`ask` to tell what a text covers, with how much it
    #: counts (stricter than the clauses: the phrase typed, all its words, a synonym and the
    #: names of what it names count 1; the title of a page it names, 0.5). Empty: the clauses.
    cover: list[tuple[Clause, float]] = field(default_factory=list)
    known: bool = True  # False: none of its words is in the knowledge base
    judging: bool = False  # only words that judge ("dangerous"): see _JUDGING_WORDS
    said: tuple[str, ...] = ()  # its words, and the names of the things it names (smack: heroin)


class _Query(Record, frozen=False):
    groups: list[_Group]
    corrected: str | None
    concerns: list[str]
    unknown: list[str]
    terms: tuple[str, ...]
    signs: bool = False  # asks for signs or symptoms: a list may answer
    words: tuple[str, ...] = ()  # the question's words, corrected, question words kept


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


def _inflections(word: str) -> list[str]:
    """The word and the forms that share its light stem (``get`` -> getting, gets ...)."""
    s = _stem(word)
    out = [word, s, s + "s", s + "es", s + "ed", s + "ing"]
    if len(s) >= 3 and s[-1] not in "aeiouwxy":
        out += [s + s[-1] + "ing", s + s[-1] + "ed"]
    if s.endswith("y"):
        out.append(s[:-1] + "ies")
    return [w for w in dict.fromkeys(out) if _stem(w) == s]


def _aliases(conn: sqlite3.Connection, words: Sequence[str]) -> dict[Phrase, list[Entry]]:
    """Alias phrases that start with one of ``words`` (or a form of one: ``get`` finds "getting
    clean"), and the entries they name, by the light stems of the phrase's words."""
    ordered = sorted(set(words) - FILLER) + sorted(set(words) & FILLER)
    firsts = list(dict.fromkeys(f for w in ordered for f in _inflections(w)))
    if not firsts:
        return {}
    marks = ",".join("?" * len(firsts))
    out: dict[Phrase, list[Entry]] = {}
    for phrase, kind, rid, expand, classes in conn.execute(
        "SELECT phrase, kind, id, expand, classes FROM search_alias "
        f"WHERE first IN ({marks}) LIMIT 5000",
        firsts,
    ):
        key = tuple(_stem(w) for w in phrase.split())
        out.setdefault(key, []).append((kind, rid, expand, classes))
    return out


def _contains(seq: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return any(tuple(seq[i : i + n]) == tuple(part) for i in range(len(seq) - n + 1))


def _labels(
    phrase: Phrase, entries: Sequence[Entry], mixing: bool, *, named_only: bool = False
) -> list[Phrase]:
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
    return list(dict.fromkeys(named if named_only else [*named, *titled]))


def _drop_time(words: Sequence[str]) -> list[str]:
    """The words without those of time (see _TIME_PHRASES); "last" only in "how long" questions,
    "long" never in "long term"."""
    out = list(words)
    how_long = _contains(out, ["how", "long"])
    for phrase in _TIME_PHRASES:
        if phrase[-1] in ("last", "lasts") and len(phrase) == 1 and not how_long:
            continue
        n = len(phrase)
        i = 0
        while i <= len(out) - n:
            if out[i : i + n] == phrase:
                del out[i : i + n]
            else:
                i += 1
    return out or list(words)


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
        if close and len(w) <= 4 and sorted(close[0]) != sorted(w):
            close = []  # a short word is only corrected by a swap (waht): weed is not week
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
    if _has_any(words, _TIME_PHRASES):
        words = _drop_time(words)
    signs = bool(_SIGNS_WORDS.intersection(words)) or _has_any(words, _SIGNS_PHRASES)
    compare = bool(_COMPARE_WORDS.intersection(words))
    if _has_any(words, _HELP_PHRASES):
        if HELP_WORD not in words:
            words = [*words, HELP_WORD]  # "what do i do" asks for help
    else:  # "does heroin help with pain": help as a verb, not a request ("get help with")
        words = [
            w
            for i, w in enumerate(words)
            if not (
                w in _HELP_VERB
                and words[i + 1 : i + 2] == ["with"]
                and (i == 0 or words[i - 1] not in _HELP_NOUN_BEFORE)
            )
        ]
    # 2. match aliases, longest first: one span per concept (inflections match: "get clean"
    # finds the alias "getting clean")
    aliases = _aliases(conn, words)
    stems = [_stem(w) for w in words]
    spans: list[tuple[Phrase, bool]] = []  # (words, is an alias)
    i = 0
    while i < len(words) and len(spans) < 2 * MAX_TOKENS:
        span = 0
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            cand = tuple(stems[i : i + n])
            if cand in aliases and _content(words[i : i + n]):
                span = n
                break
        if span:
            spans.append((tuple(words[i : i + span]), True))
            i += span
        else:
            if words[i] not in FILLER and words[i] not in _COMPARE_WORDS:
                spans.append(((words[i],), False))
            i += 1

    def inner(phrase: Phrase) -> Iterator[tuple[Phrase, list[Entry]]]:
        """The phrase's entries, and those of the alias phrases inside it."""
        for a in range(len(phrase)):
            for b in range(len(phrase), a, -1):
                sub = phrase[a:b]
                key = tuple(_stem(w) for w in sub)
                if _content(sub) and key in aliases:
                    yield sub, aliases[key]

    drug_sets = []
    for phrase, is_alias in spans:
        if is_alias:
            found = {c for _s, es in inner(phrase) for e in es for c in e[3].split()}
            if found:
                drug_sets.append(found)
    # Two drugs of different classes are a question about mixing them when a word joins them
    # ("xanax with heroin") or nothing else is asked ("heroin xanax"); not when the question
    # asks whether one is the other ("is xanax an opioid") or compares them.
    mixing = (
        len(drug_sets) >= 2
        and len(set().union(*drug_sets)) >= 2
        and not compare
        and (
            bool(_MIX_WORDS.intersection(words))
            or (all(a for p, a in spans if _content(p)) and words[0] not in ("is", "are", "was"))
        )
    )
    if mixing:  # a question about mixing names what the knowledge base calls mixing
        pages = {(e[0], e[1]) for p, a in spans if a for _s, es in inner(p) for e in es}
        for stems_key, entries in _aliases(conn, [MIX_WORD]).items():
            if stems_key == (_stem(MIX_WORD),) and not pages & {(e[0], e[1]) for e in entries}:
                aliases[stems_key] = entries
                spans.append(((MIX_WORD,), True))
    # 3. one group per concept: the words, and what an alias expands to
    short = [w for p, a in spans if not a for w in p if len(w) < 4 and not w.isdigit()]
    absent = set(unknown) | (set(short) - _in_vocab(conn, short))  # words found nowhere
    groups: list[_Group] = []
    seen: set[tuple[Clause, ...]] = set()
    for phrase, is_alias in spans:
        if len(groups) >= MAX_TOKENS:
            break
        content = _content(phrase)
        clauses: list[Clause] = [(phrase,)] if len(phrase) > 1 else []
        clauses += [((w,),) for w in content]
        cover: list[tuple[Clause, float]] = [((phrase,), 1.0), (tuple((w,) for w in content), 1.0)]
        said = list(phrase)
        hl = list(content)
        if is_alias:
            for sub, entries in inner(phrase):
                names = _labels(sub, entries, mixing, named_only=True)
                said += [w for label in names for w in label]
                # a page whose title is one word names a thing too ("sad": depression)
                said += [
                    w for t in _labels(sub, entries, mixing) if len(_content(t)) == 1 for w in t
                ]
                for label in _labels(sub, entries, mixing):
                    clauses.append((label,))
                    hl += _content(label)
                    if sub == phrase:
                        cover.append(((label,), 1.0 if label in names else TITLE_CREDIT))
        else:
            for syn in SYNONYMS.get(phrase[0], ()):
                clauses.append((tuple(syn.split()),))
                cover.append(((tuple(syn.split()),), 1.0))
        group = _Group(
            list(dict.fromkeys(clauses)),
            hl,
            tuple(content),
            cover=cover,
            known=is_alias or not set(content) <= absent,
            judging=not is_alias and bool(content) and set(content) <= _JUDGING_WORDS,
            said=tuple(dict.fromkeys(said)),
        )
        key = tuple(group.clauses)
        if key not in seen:
            seen.add(key)
            groups.append(group)
    if len(groups) == 1 and _is_definition(words):
        subject = groups[0].subject
        groups[0].clauses += [((*subject, "is"),), ((*subject, "are"),), (("called", *subject),)]
    if compare:  # first: what the question asks about them, before what it names
        groups.insert(0, _Group([((w,),) for w in COMPARE], [], known=True))
    if groups and _has_any(words, _QUANTITY_PHRASES):
        groups.append(_Group([((PROPORTION_MARK,),)], []))
    terms = tuple(dict.fromkeys(w for g in groups for w in g.words))
    return _Query(groups, corrected, concerns, unknown, terms, signs, tuple(words))


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
        out += [
            c for c in _close_words(conn, w, max_edits=_max_edits(w) + 1, n=3) if c not in FILLER
        ]
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
    if not _has_table(conn, "search_docs"):
        # Every build writes the index: a cache without it is damaged. The entry point drops
        # the caches on this error and answers again from the data.
        from .store import CacheDamaged

        raise CacheDamaged("the compiled cache has no search index")
    fts = _use_fts() and _has_table(conn, "search_fts")
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
    """The best answer to ``question`` first, then up to four supporting facts.

    The answer is a fact, or for a question about signs or symptoms a list (title and items as
    the text, the list's citations). When the question names a topic (its title, id or an alias
    covers the question's concepts, see :func:`_subject`), the answer is that topic's lead, its
    first fact, unless another of its facts says more of the question in its own words; the
    rest of the topic supports it. Otherwise the facts that say more of the question come first,
    then the search's order. When nothing found says anything specific the question asks
    ("can you smoke heroin"), there is no answer, and the suggestions start with the topics the
    question's known words found. For a question about suicide, self-harm or overdose, the
    matching help resource comes first; a list whose concerns are a crisis brings its help
    resource along, last.

    ``next_topic`` is a topic to read next: the topic of the best supporting fact that is not the
    answer's own, else the first topic the answer's topic relates to.
    """
    text = question if isinstance(question, str) else ""
    q, pool, notice = _search(kb, text, ASK_KINDS, ASK_POOL)
    if q is None:
        return SearchResult(text, None, (), notice=notice, asked=True)
    try:
        answers = _answers(kb.conn, q, pool)
    except (sqlite3.Error, ValueError):  # a damaged record: the search's own order
        answers = [h for h in pool if h.kind == "fact"][:ASK_FACTS]
    hits = list(answers)
    crisis = list(q.concerns)
    if not crisis and answers and answers[0].kind == "list":
        crisis = _list_crisis(kb.conn, answers[0].id)
    if crisis:
        top = answers[0].score if answers else 0.0
        try:
            help_hits = _crisis_hits(kb.conn, crisis, top, None)
        except sqlite3.Error:
            help_hits = []
        if q.concerns:
            hits = [*help_hits, *answers][:ASK_FACTS]
        else:  # help that belongs with a list answer: after it, kept within ASK_FACTS
            help_hits = help_hits[:1]
            room = ASK_FACTS - len(help_hits)
            low = min((h.score for h in answers[:room]), default=0.0)
            tail = [_rescore(h, low - 1 - i) for i, h in enumerate(help_hits)]
            hits = [*answers[:room], *tail]
    suggestions: tuple[str, ...] = ()
    if not hits:  # the topics the question's known words found, then close words and names
        pages = [h.id for h in pool if h.kind == "topic"][:3]
        suggestions = tuple(dict.fromkeys([*pages, *_safe_suggest(kb.conn, q, text)]))[:6]
    return SearchResult(
        text,
        q.corrected,
        tuple(hits),
        q.terms,
        suggestions,
        notice,
        _next_topic(kb.conn, [h for h in answers if h.kind != "resource"]),
        asked=True,
    )


#: What ask ranks: the facts, and the topics and lists that may be what the question names.
ASK_KINDS = ("topic", "list", "fact")
GENERIC_MIN_FACTS = 6  # facts found before a concept most of them say counts as generic
TITLE_CREDIT = 0.5  # what a page's title counts for a concept that names the page
ASK_POOL = 40  # rows ranked per question by ask
ASK_SUBJECTS = 6  # best topics and lists weighed as the question's subject
ASK_TOPIC_FACTS = 50  # facts of the subject topic weighed for the answer


@functools.lru_cache(maxsize=1 << 16)
def _cstem(word: str) -> str:
    """The light stem, a noun or adjective in -ion or -ive taken to its root and a final e
    dropped, to tell what a text covers (``depressed``, ``depression`` -> depress; ``schedule``,
    ``scheduled`` -> schedul; ``depressant`` stays apart, as the difference between the two is
    much of what this knowledge base explains)."""
    s = _stem(word)
    if len(s) == 4 and s.endswith("ed"):  # used -> use
        s = s[:-1]
    if len(s) > 6 and s.endswith("ion") and s[-4] in "st":
        return s[:-3]
    if len(s) > 6 and s.endswith("ive"):
        return s[:-3]
    return s[:-1] if len(s) > 4 and s.endswith("e") else s


def _rescore(hit: Hit, score: float) -> Hit:
    value = round(score, 6) if math.isfinite(score) else 0.0
    return Hit(hit.kind, hit.id, hit.topic, hit.title, hit.text, hit.citations, value)


@functools.lru_cache(maxsize=1 << 12)
def _stems_of(text: str) -> tuple[str, ...]:
    """The words of a text as _cstem stems (remembered: ask reads the same texts again)."""
    return tuple(_cstem(w) for w in _words(text, 1 << 30))


def _record(conn: sqlite3.Connection, kind: str, rid: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT data FROM records WHERE kind = ? AND id = ?", (kind, rid)).fetchone()
    data = json.loads(row[0]) if row else None
    return data if isinstance(data, dict) else None


def _list_crisis(conn: sqlite3.Connection, rid: str) -> list[str]:
    """The crisis concerns of a list (suicide before overdose, as _crisis orders them)."""
    try:
        rec = _record(conn, "list", rid) or {}
    except (sqlite3.Error, ValueError):
        return []
    concerns = set(rec.get("concerns") or [])
    return [c for c in ("suicide", "overdose", "depression") if c in concerns]


def _list_hit(rec: dict[str, Any], score: float) -> Hit:
    """A list as an answer: its title, then its items, as one line."""
    items = [str(i.get("text", "")).strip() for i in rec.get("items", [])]
    items = [i[0].lower() + i[1:] if len(i) > 1 and i[1].islower() else i for i in items if i]
    title = str(rec.get("title", ""))
    text = f"{title}: {'; '.join(items)}." if items else str(rec.get("intro") or title)
    cites = tuple(str(c) for c in rec.get("cites", []))
    return Hit("list", str(rec["id"]), None, title, text, cites, round(score, 6))


#: Words a title or alias may have that a question naming it need not say ("What is heroin?").
_NAME_FILLER = frozenset(
    "a an the is are was be of to in on at and or for with from by as what whats how why when "
    "where who which i im you your my me it its this that these those there s".split()
)


class _Want:
    """The query's concepts as light-stemmed phrases, to tell what a text covers."""

    def __init__(self, q: _Query) -> None:
        kept = [g for g in q.groups if g.clauses != [((PROPORTION_MARK,),)]]
        #: per concept: (clause as stemmed phrases, credit, is its first two: the words typed)
        self.groups = [
            [
                ([tuple(_cstem(w) for w in p) for p in clause], credit, i < 2)
                for i, (clause, credit) in enumerate(g.cover or [(c, 1.0) for c in g.clauses])
            ]
            for g in kept
        ]
        self.known = [g.known for g in kept]  # False: a word found nowhere ("fentanyl")
        self.judging = [g.judging for g in kept]
        self.generic = [False] * len(kept)  # said by most facts found (see _answers)
        self.named_any = [False] * len(kept)  # named by some page weighed (see _subject)
        #: what the question says: each concept's phrase, and the question's words in order
        self.phrases = [g.cover[0][0][0] for g in kept if g.cover and g.cover[0][0]]
        self.phrases.append(tuple(q.words))
        #: every word the question says, and the names of the things it names
        self.stems = {_cstem(w) for g in kept for w in g.said} | {_cstem(w) for w in q.words}
        #: the question's concepts as typed, to tell an exact name from an inflected one
        self.typed = {" ".join(p) for p in self.phrases[:-1]}

    def __len__(self) -> int:
        return len(self.groups)

    def covered(self, segments: Sequence[Sequence[str]]) -> list[bool]:
        """For each concept, whether some clause of it is found in the segments."""
        return [
            any(
                all(any(_has_phrase(seg, p) for seg in segments) for p in clause)
                for clause, _credit, _typed in group
            )
            for group in self.groups
        ]

    def says(self, text: str, rid: str, skip: Phrase = ()) -> list[float]:
        """For each concept, how much a fact says it in its own words (its text, or its id):
        the best credit of its clauses found; a name it expands to that is ``skip`` (the
        fact's topic's own title) does not count."""
        segments = [_stems_of(text), _stems_of(_id_words(rid))]
        return [
            max(
                (
                    credit
                    for clause, credit, typed in group
                    if typed or not skip or clause != [skip]
                    if all(any(_has_phrase(seg, p) for seg in segments) for p in clause)
                ),
                default=0.0,
            )
            for group in self.groups
        ]

    def named(self, name: str) -> list[str] | None:
        """A title or alias as stems, when the question says all of its words (else None):
        only a name the question says whole can make a topic the question's subject."""
        words = _words(name, 1 << 30)
        stems = [_cstem(w) for w in words]
        said = all(
            s in self.stems for w, s in zip(words, stems, strict=True) if w not in _NAME_FILLER
        )
        return stems if said else None


class _Subject(NamedTuple):
    entry: Hit  # the topic or list
    answer: Hit  # its fact (or the list) that answers
    found: int  # concepts its names cover
    says: float  # concepts the answer says in its own words or its topic's names
    runner: Hit | None = None  # the topic's next fact that says some of the question


def _subject(
    conn: sqlite3.Connection, q: _Query, want: _Want, pool: Sequence[Hit]
) -> _Subject | None:
    """The topic or list the question names, if any, and the answer it gives.

    Candidates are the first ASK_SUBJECTS topics and lists found and those a phrase of the
    question names exactly. A candidate qualifies when the names (title, aliases, id) that the
    question says whole cover at least half of its concepts (or of those that are not generic,
    said by most of the facts found: "heroin" here), and its names and summary (a list's intro
    and items) together cover every concept the knowledge base knows a word of.
    More concepts in the names wins; then a list for a question about signs or symptoms and a
    topic otherwise; then the answer that says more of the question; then more concepts that
    are a name exactly as typed ("downers", not "downer"); then the search's order.
    """
    n = len(want)
    if not n:
        return None
    best: tuple[tuple[int, bool, float, int, int], _Subject] | None = None
    entries = [h for h in pool if h.kind in ("topic", "list")][:ASK_SUBJECTS]
    seen = {(h.kind, h.id) for h in entries}
    for kind, rid in _named_entries(conn, want):
        if (kind, rid) not in seen:
            seen.add((kind, rid))
            entries.append(Hit(kind, rid, None, None, "", (), 0.0))
    for rank, entry in enumerate(entries):
        rec = _record(conn, entry.kind, entry.id)
        if rec is None:
            continue
        names = [str(rec.get("title", "")), *map(str, rec.get("aliases", [])), _id_words(entry.id)]
        said = [x for x in map(want.named, names) if x is not None]
        in_names = want.covered(said)
        want.named_any = [a or b for a, b in zip(want.named_any, in_names, strict=True)]
        found = sum(in_names)
        specific = [x for x, g in zip(in_names, want.generic, strict=True) if not g]
        if not found or (2 * found < n and 2 * sum(specific) < max(1, len(specific))):
            continue
        body = [str(rec.get("summary") or rec.get("intro") or "")]
        body += [str(i.get("text", "")) for i in rec.get("items", [])]
        in_body = want.covered([_stems_of(x) for x in body])
        must = [k and not j for k, j in zip(want.known, want.judging, strict=True)]
        if not all(a or b or not m for a, b, m in zip(in_names, in_body, must, strict=True)):
            continue
        runner = None
        if entry.kind == "list":
            if not q.signs and found < n:  # a checklist answers what asks for one, or names it
                continue
            answer = _list_hit(rec, entry.score)
            says = float(sum(in_body))
        else:
            ranked = _topic_answers(rec, want, entry.score)
            if not ranked:
                continue
            answer = ranked[0][0]
            runner = ranked[1][0] if len(ranked) > 1 and ranked[1][1] > 0 else None
            own = want.says(answer.text, answer.id)
            says = sum(max(c, float(x)) for c, x in zip(own, in_names, strict=True))
        exact = len(want.typed & {" ".join(_words(x, 1 << 30)) for x in names})
        key = (found, (entry.kind == "list") == q.signs, says, exact, -rank)
        if best is None or key > best[0]:
            best = (key, _Subject(entry, answer, found, says, runner))
    return best[1] if best else None


def _named_entries(conn: sqlite3.Connection, want: _Want) -> list[tuple[str, str]]:
    """Topics and lists whose id, title or an alias is a phrase of the question (or all of
    it), looked up by name: a page found by a word common in the knowledge base ("heroin")
    may rank below the first ASK_SUBJECTS found."""
    from .names import normalize

    keys = list(dict.fromkeys(normalize(" ".join(p)) for p in want.phrases if p))[:MAX_TOKENS]
    keys = [k for k in keys if k]
    if not keys:
        return []
    rows = conn.execute(
        "SELECT ns, id FROM names WHERE ns IN ('topic', 'list') "
        f"AND norm IN ({','.join('?' * len(keys))}) LIMIT 20",
        keys,
    ).fetchall()
    return [(str(ns), str(rid)) for ns, rid in rows]


def _topic_answers(rec: dict[str, Any], want: _Want, score: float) -> list[tuple[Hit, float]]:
    """The topic's facts, those that say more of what was asked in their own words first (and
    how much they say); on a tie, in the topic's order, so the lead, its first fact, answers
    unless another says more. (Neither the topic's own title, which an alias expands to, nor a
    generic concept, which all its facts are about, is counted.)"""
    facts = [f for f in (rec.get("facts") or [])[:ASK_TOPIC_FACTS] if isinstance(f, dict)]
    title = tuple(_cstem(w) for w in _trim(_words(str(rec.get("title", "")), 2 * MAX_PHRASE)))
    out: list[tuple[Hit, float]] = []
    for f in facts:
        cites = tuple(str(c) for c in f.get("cites", []))
        hit = Hit("fact", str(f["id"]), str(rec["id"]), str(rec.get("title")), str(f["text"]),
                  cites, round(score, 6))  # fmt: skip
        says = want.says(hit.text, hit.id, title)
        out.append((hit, sum(c for c, g in zip(says, want.generic, strict=True) if not g)))
    return sorted(out, key=lambda t: -t[1])


def _answers(conn: sqlite3.Connection, q: _Query, pool: Sequence[Hit]) -> list[Hit]:
    """Order what was found into an answer and its supporting facts (see :func:`ask`)."""
    want = _Want(q)
    facts = [h for h in pool if h.kind == "fact"]
    n = len(want)
    said = {f.id: want.says(f.text, f.id) for f in facts}
    best = facts[0] if facts else None  # the search's best
    if len(facts) >= GENERIC_MIN_FACTS:  # a concept most facts found say: the general subject
        want.generic = [2 * sum(v[i] >= 1 for v in said.values()) > len(facts) for i in range(n)]
    # Facts that say more of the question in their own words (its words, a synonym, the name
    # of what it names) come first; on a tie, the search's order. A fact found only through its
    # topic's title, or the title a word expands to, goes after those that say some of it.
    facts.sort(key=lambda f: -sum(1 for x in said[f.id] if x >= 1))
    first: Hit | None = None
    head: list[Hit] = []
    subject = _subject(conn, q, want, pool)
    specific = [
        i for i in range(n) if not want.generic[i] and not want.judging[i]
    ]  # what the question asks about, beside its general subject and its judgements
    if specific and not any(
        want.named_any[i] or any(v[i] >= 1 for v in said.values()) for i in specific
    ):
        # Nothing found says or names anything specific the question asks ("can i drink
        # alcohol on heroin", "can you smoke heroin", "is methadone safe": only "heroin", which
        # most facts say, or a judgement): no answer is better than a fact about something else.
        return []
    if subject is not None:
        first = subject.answer
        head = [first]
        top = best if best and best.id != first.id else None
        if subject.found < n and top and sum(said[top.id]) > subject.says:
            # the question names its subject only in part, and the best fact found says more
            # of it in its own words than the subject's answer with its names: that one first
            head = [top, first]
        if subject.found < n and subject.runner and len(head) == 1:  # then its next best
            head.append(subject.runner)
    elif not facts:  # only a topic or list was found: answer with it
        entry = next((h for h in pool if h.kind in ("topic", "list")), None)
        rec = _record(conn, entry.kind, entry.id) if entry else None
        if entry and rec and entry.kind == "list":
            first = _list_hit(rec, entry.score)
        elif entry and rec:
            ranked = _topic_answers(rec, want, entry.score)
            first = ranked[0][0] if ranked else None
        head = [first] if first else []
    taken = {h.id for h in head}
    rest = [f for f in facts if f.id not in taken]
    if subject and subject.found == n and first and first.topic:
        # a question that names its subject whole: the rest of that topic supports it first
        rest = [f for f in rest if f.topic == first.topic] + [
            f for f in rest if f.topic != first.topic
        ]
    ordered = [*head, *rest][:ASK_FACTS]
    # scores follow the order
    out: list[Hit] = []
    floor = -math.inf
    for h in reversed(ordered):
        score = h.score if h.score > floor else floor + 0.001
        out.append(_rescore(h, score))
        floor = out[-1].score
    return out[::-1]


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
