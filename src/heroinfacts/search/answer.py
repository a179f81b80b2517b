"""``ask``: the best answer to a plain question, then the facts that support it.

:func:`ask` runs the question as a search over topics, lists and facts, weighs the topics and
lists found as the question's subject, and answers with a topic's lead fact, another fact of it
that says more of the question, or a list (see :func:`ask`).
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from . import crisis
from .index import MAX_PHRASE, PROPORTION_MARK, id_words, trim_words
from .query import HELP_WORD, Phrase, Query
from .results import Hit, SearchResult
from .run import crisis_hits, find_hits, has_phrase, safe_suggest
from .text import GENERAL, MAX_TOKENS, split_words, stem_word

if TYPE_CHECKING:
    from ..store import KnowledgeBase

ASK_FACTS = 5


def ask(kb: KnowledgeBase, question: str) -> SearchResult:
    """The best answer to ``question`` first, then up to four supporting facts.

    Safety comes before relevance. A message that may mean someone is in danger (see
    :mod:`.crisis`) gets its help line first: for an overdose, 911, then the overdose steps,
    naloxone and the signs of an overdose, then the answer; for suicide, 988, then 911, then
    the answer. A question that asks for an amount, a dose, a way to use or a lethal quantity
    gets no fact at all: the help lines, and :data:`NO_DOSING` as its message.

    Otherwise the answer is a fact, or for a question about signs or symptoms a list (title and
    items as the text, the list's citations). When the question names a topic (its title, id or
    an alias covers the question's concepts, see :func:`_subject`), the answer is that topic's
    lead, its first fact, unless another of its facts says more of the question in its own
    words; the rest of the topic supports it. Otherwise the facts that say more of the question
    come first, then the search's order. When nothing found says enough of what the question
    asks ("can you smoke heroin"), there is no answer (``answered`` is false, the message is
    :data:`NOTHING`) and the suggestions are topics to read. A list whose concerns are a crisis
    brings its help resource along, last.

    ``next_topic`` is a topic to read next: the topic of the best supporting fact that is not the
    answer's own, else the first topic the answer's topic relates to.
    """
    text = question if isinstance(question, str) else ""
    q, pool, notice = find_hits(kb, text, ASK_KINDS, ASK_POOL)
    if q is None:
        return SearchResult(text, None, (), notice=notice, asked=True, answered=False)
    found = crisis.detect(text)
    try:
        answers = [] if found.amount else _answers(kb.conn, q, pool)
    except (sqlite3.Error, ValueError):  # a damaged record: the search's own order
        answers = [h for h in pool if h.kind == "fact"][:ASK_FACTS]
    conn = kb.conn
    hits = list(answers)
    message: str | None = None
    if q.concerns and q.concerns[0] == crisis.SUICIDE and crisis.first_person(text):
        answers = []  # someone speaking of ending their life gets the lines, not facts
    if q.concerns:  # danger: the help line first, then what to do, then the answer
        hits = _crisis_answer(conn, q.concerns, answers)
        message = NO_DOSING if found.amount else None  # "how many would it take to kill me"
    elif found.amount:
        hits = _help(conn, DOSING_HELP)
        message = NO_DOSING
    elif answers and answers[0].kind == "list" and (listed := _list_crisis(conn, answers[0].id)):
        # help that belongs with a list answer: after it, kept within ASK_FACTS
        help_hits = _help(conn, listed)[:1]
        room = ASK_FACTS - len(help_hits)
        low = min((h.score for h in answers[:room]), default=0.0)
        tail = [_rescore(h, low - 1 - i) for i, h in enumerate(help_hits)]
        hits = [*answers[:room], *tail]
    answered = bool(q.concerns) or bool(answers)
    suggestions: tuple[str, ...] = ()
    if not answered:
        message = message or NOTHING
        suggestions = _could_read(conn, q, pool, text)
        if not hits and q.words and HELP_WORD in q.words:  # "where can i get help with ..."
            hits = _help(conn, ("substance-use",))
    return SearchResult(
        text,
        q.corrected,
        tuple(hits),
        q.terms,
        suggestions,
        notice,
        _next_topic(conn, [h for h in answers if h.kind not in ("resource", "list")]),
        asked=True,
        answered=answered,
        crisis=q.concerns[0] if q.concerns else None,
        message=message,
    )


#: The message of an answer refused because the question asks for an amount or a way to use.
NO_DOSING = (
    "heroinfacts gives no dosing advice: no amounts, doses or ways to use. If you or someone "
    "else may be in danger, call 911."
)
#: The message when nothing in the knowledge base answers the question.
NOTHING = "heroinfacts has nothing on that."
#: The help lines a question about amounts gets: emergency, crisis, and substance-use help.
DOSING_HELP = ("overdose", "suicide", "substance-use")
#: What follows 911 for an overdose (ids fixed by the data format), where the data has them.
OVERDOSE_ANSWER = (("list", "overdose-steps"), ("topic", "naloxone"), ("list", "signs-of-overdose"))
CRISIS_RESULTS = 6  # results for a crisis message: help lines, what to do, the answer


def _help(conn: sqlite3.Connection, concerns: Sequence[str]) -> list[Hit]:
    try:
        return crisis_hits(conn, concerns, 0.0, None)
    except sqlite3.Error:
        return []


def _crisis_answer(
    conn: sqlite3.Connection, concerns: Sequence[str], answers: list[Hit]
) -> list[Hit]:
    """Help lines first; for an overdose, what to do next; then the answer, scored in order."""
    hits = _help(conn, concerns)
    if concerns[0] == crisis.OVERDOSE:
        for kind, rid in OVERDOSE_ANSWER:
            try:
                rec = _record(conn, kind, rid)
            except (sqlite3.Error, ValueError):
                rec = None
            if rec is None:
                continue
            if kind == "list":
                hits.append(_list_hit(rec, 0.0))
            elif rec.get("facts"):
                f = rec["facts"][0]
                hits.append(Hit("fact", str(f["id"]), rid, str(rec.get("title")), str(f["text"]),
                                tuple(str(c) for c in f.get("cites", [])), 0.0))  # fmt: skip
    taken = {(h.kind, h.id) for h in hits}
    hits += [h for h in answers if (h.kind, h.id) not in taken]
    hits = hits[:CRISIS_RESULTS]
    return [_rescore(h, float(len(hits) - i)) for i, h in enumerate(hits)]


def _could_read(
    conn: sqlite3.Connection, q: Query, pool: Sequence[Hit], text: str
) -> tuple[str, ...]:
    """Topics to read when nothing answers: those the question's words found, then topics
    close to its words; failing both, the first topics."""
    pages = [h.id for h in pool if h.kind == "topic"]
    pages += [h.topic for h in pool if h.kind == "fact" and h.topic]
    names = list(dict.fromkeys([*pages, *safe_suggest(conn, q, text)]))
    try:
        marks = ",".join("?" * len(names))
        known = {
            r[0]
            for r in conn.execute(
                f"SELECT id FROM records WHERE kind = 'topic' AND id IN ({marks})", names
            )
        }
    except sqlite3.Error:
        known = set()
    out = [n for n in names if n in known][:3]
    if not out:
        try:
            rows = conn.execute("SELECT id FROM records WHERE kind = 'topic' ORDER BY ord LIMIT 3")
            out = [str(r[0]) for r in rows]
        except sqlite3.Error:
            out = []
    return tuple(out)


#: What ask ranks: the facts, and the topics and lists that may be what the question names.
ASK_KINDS = ("topic", "list", "fact", "item", "term", "interaction")
#: The kinds that can be an answer as they are (a topic or list answers through _subject).
ANSWER_KINDS = frozenset(("fact", "item", "term", "interaction"))
GENERIC_MIN_FACTS = 6  # facts found before a concept most of them say counts as generic
ASK_POOL = 60  # rows ranked per question by ask
ASK_SUBJECTS = 6  # best topics and lists weighed as the question's subject
ASK_TOPIC_FACTS = 50
#: The share of a question's specific concepts that nothing found may leave unsaid before ask
#: gives no answer (calibrated on the dev split of tests/eval, see docs/search.md).
UNCOVERED_SHARE = 0.99
#: The share of those concepts that may be words the knowledge base lacks (found nowhere, and
#: not an everyday word of text.GENERAL) before ask gives no answer (see docs/search.md).
LACKING_SHARE = 0.5


@functools.lru_cache(maxsize=1 << 16)
def _cstem(word: str) -> str:
    """The light stem, a noun or adjective in -ion or -ive taken to its root and a final e
    dropped, to tell what a text covers (``depressed``, ``depression`` -> depress; ``schedule``,
    ``scheduled`` -> schedul; ``depressant`` stays apart, as the difference between the two is
    much of what this knowledge base explains)."""
    s = stem_word(word)
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
    return tuple(_cstem(w) for w in split_words(text, 1 << 30))


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
    items = [str(i.get("text", "")).strip().rstrip(".") for i in rec.get("items", [])]
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

    def __init__(self, q: Query) -> None:
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
        #: an everyday word that names no subject ("boyfriend", "lately"; see text.GENERAL)
        self.general = [bool(g.subject) and set(g.subject) <= GENERAL for g in kept]
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
                all(any(has_phrase(seg, p) for seg in segments) for p in clause)
                for clause, _credit, _typed in group
            )
            for group in self.groups
        ]

    def says(
        self, text: str, rid: str, skip: Phrase = (), words: Sequence[str] = ()
    ) -> list[float]:
        """For each concept, how much a fact says it in its own words (its text, its id, or
        its search words): the best credit of its clauses found; a name it expands to that is
        ``skip`` (the fact's topic's own title) does not count."""
        segments = [_stems_of(text), _stems_of(id_words(rid)), *map(_stems_of, words)]
        return [
            max(
                (
                    credit
                    for clause, credit, typed in group
                    if typed or not skip or clause != [skip]
                    if all(any(has_phrase(seg, p) for seg in segments) for p in clause)
                ),
                default=0.0,
            )
            for group in self.groups
        ]

    def named(self, name: str) -> list[str] | None:
        """A title or alias as stems, when the question says all of its words (else None):
        only a name the question says whole can make a topic the question's subject."""
        words = split_words(name, 1 << 30)
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
    conn: sqlite3.Connection, q: Query, want: _Want, pool: Sequence[Hit]
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
        words = [*rec.get("aliases", []), *rec.get("search_words", [])]
        names = [str(rec.get("title", "")), *map(str, words), id_words(entry.id)]
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
            own = want.says(answer.text, answer.id, words=_fact_words(rec, answer.id))
            says = sum(max(c, float(x)) for c, x in zip(own, in_names, strict=True))
        exact = len(want.typed & {" ".join(split_words(x, 1 << 30)) for x in names})
        key = (found, (entry.kind == "list") == q.signs, says, exact, -rank)
        if best is None or key > best[0]:
            best = (key, _Subject(entry, answer, found, says, runner))
    return best[1] if best else None


def _named_entries(conn: sqlite3.Connection, want: _Want) -> list[tuple[str, str]]:
    """Topics and lists whose id, title or an alias is a phrase of the question (or all of
    it), looked up by name: a page found by a word common in the knowledge base ("heroin")
    may rank below the first ASK_SUBJECTS found."""
    from ..names import normalize

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
    title = tuple(
        _cstem(w) for w in trim_words(split_words(str(rec.get("title", "")), 2 * MAX_PHRASE))
    )
    out: list[tuple[Hit, float]] = []
    for f in facts:
        cites = tuple(str(c) for c in f.get("cites", []))
        hit = Hit("fact", str(f["id"]), str(rec["id"]), str(rec.get("title")), str(f["text"]),
                  cites, round(score, 6))  # fmt: skip
        says = want.says(hit.text, hit.id, title, [str(w) for w in f.get("search_words", [])])
        out.append((hit, sum(c for c, g in zip(says, want.generic, strict=True) if not g)))
    return sorted(out, key=lambda t: -t[1])


def _fact_words(rec: dict[str, Any], rid: str) -> list[str]:
    """The search words of fact ``rid`` of a topic record."""
    fact = next(
        (f for f in rec.get("facts") or [] if isinstance(f, dict) and f.get("id") == rid), {}
    )
    return [str(w) for w in fact.get("search_words", [])]


def _search_words(
    conn: sqlite3.Connection, hits: Sequence[Hit]
) -> dict[tuple[str, str], list[str]]:
    """The search words of the facts and list items among ``hits`` (their ``names`` column in
    the index, one query): what people type for an entry counts as what it says."""
    keys = [(h.kind, h.id) for h in hits if h.kind in ("fact", "item", "term")][:ASK_POOL]
    if not keys:
        return {}
    marks = " OR ".join("(kind = ? AND id = ?)" for _ in keys)
    rows = conn.execute(
        f"SELECT kind, id, names FROM search_docs WHERE names != '' AND ({marks})",
        [x for k in keys for x in k],
    ).fetchall()
    return {(str(k), str(i)): str(n).split(" ; ") for k, i, n in rows}


def _answers(conn: sqlite3.Connection, q: Query, pool: Sequence[Hit]) -> list[Hit]:
    """Order what was found into an answer and its supporting facts (see :func:`ask`)."""
    want = _Want(q)
    # an interaction answers a question about mixing, not one that names a drug in passing
    facts = [h for h in pool if h.kind in ANSWER_KINDS and (q.mixing or h.kind != "interaction")]
    n = len(want)
    words = _search_words(conn, facts)
    said = {f.id: want.says(f.text, f.id, words=words.get((f.kind, f.id), ())) for f in facts}
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
    covered = [want.named_any[i] or any(v[i] >= 1 for v in said.values()) for i in specific]
    lacking = sum(not want.known[i] and not want.general[i] for i in specific)
    if specific and lacking and lacking >= LACKING_SHARE * len(specific):
        # Half or more of what the question asks about are words the knowledge base lacks
        # ("how much does narcan cost", "is kratom an opioid"), beside everyday words that name
        # no subject ("my boyfriend", "lately"): it is about something the data does not cover.
        return []
    if specific and sum(not c for c in covered) > UNCOVERED_SHARE * len(specific):
        # Too much of what the question asks about ("can you smoke heroin", "heroin overdose
        # statistics by state": beside "heroin", which most facts say, or a judgement) is said
        # or named by nothing found: no answer is better than a fact about something else.
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
        # (read from the topic itself: the pool may hold only some of its facts)
        rec = _record(conn, "topic", first.topic) if subject.entry.kind == "topic" else None
        own = [h for h, _ in _topic_answers(rec, want, first.score)] if rec else []
        found_ids = {f.id for f in rest if f.topic == first.topic}
        rest = (
            [f for f in rest if f.topic == first.topic]  # those the search found, in its order
            + [h for h in own if h.id not in taken and h.id not in found_ids]
            + [f for f in rest if f.topic != first.topic]
        )
    ordered = [*head, *rest]
    # bm25's best, before the answer was chosen (a term answers only by its name, in _subject)
    raw = best if best is None or best.kind != "term" else None
    named_whole = subject is not None and subject.found == n  # the question names its topic
    if ordered and raw is not None and raw.id != ordered[0].id and not named_whole:
        ordered = _prefer_raw(conn, q, want, ordered, raw)
    ordered = ordered[:ASK_FACTS]
    # scores follow the order
    out: list[Hit] = []
    floor = -math.inf
    for h in reversed(ordered):
        score = h.score if h.score > floor else floor + 0.001
        out.append(_rescore(h, score))
        floor = out[-1].score
    return out[::-1]


#: The columns whose words count as what an entry says itself (see _prefer_raw).
COVER_COLUMNS = "body"


def _prefer_raw(
    conn: sqlite3.Connection, q: Query, want: _Want, ordered: list[Hit], raw: Hit
) -> list[Hit]:
    """The search's own best (bm25) first instead, when its own text says more of what the
    question asks than the answer chosen: each concept that is not the general subject or a
    judgement counts its rarity, log(1 + N / rows with it), and is matched by FTS5's Porter
    stems, so "irritable" finds "irritability" where the light stems of _Want do not."""
    from .index import use_fts

    if not use_fts():  # the plain search has no Porter stems to match by
        return ordered
    kept = [g for g in q.groups if g.clauses != [((PROPORTION_MARK,),)]]
    weights = _concept_weights(conn, kept, want)
    if not any(weights):
        return ordered
    try:
        mine, theirs = _fts_cover(conn, [ordered[0], raw], kept, weights)
    except sqlite3.Error:
        return ordered
    if theirs > mine:
        return [raw, *(h for h in ordered if h.id != raw.id or h.kind != raw.kind)]
    return ordered


def _concept_weights(conn: sqlite3.Connection, groups: Sequence[Any], want: _Want) -> list[float]:
    from .query import count_matches, match_expression

    total = int(conn.execute("SELECT count(*) FROM search_docs").fetchone()[0] or 1)
    out = []
    for g, generic, judging in zip(groups, want.generic, want.judging, strict=True):
        if generic or judging or not g.clauses:
            out.append(0.0)
            continue
        try:
            df = count_matches(conn, match_expression([g]), total)
        except sqlite3.Error:
            df = 0
        out.append(math.log(1 + total / df) if df else 0.0)
    return out


def _fts_cover(
    conn: sqlite3.Connection,
    hits: Sequence[Hit],
    groups: Sequence[Any],
    weights: Sequence[float],
    columns: str | None = None,
) -> list[float]:
    from .query import match_expression

    keys = [(h.kind, h.id) for h in hits]
    docs: dict[tuple[str, str], int] = {}
    for kind, rid in keys:
        row = conn.execute(
            "SELECT doc FROM search_docs WHERE kind = ? AND id = ? LIMIT 1", (kind, rid)
        ).fetchone()
        if row:
            docs[(kind, rid)] = int(row[0])
    marks = ",".join("?" * len(docs))
    score = dict.fromkeys(docs.values(), 0.0)
    for g, w in zip(groups, weights, strict=True):
        if not w:
            continue
        expr = "{" + (columns or COVER_COLUMNS) + "} : (" + match_expression([g]) + ")"
        for (doc,) in conn.execute(
            f"SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid IN ({marks})",
            [expr, *docs.values()],
        ):
            score[int(doc)] += w
    return [score.get(docs.get(k, -1), 0.0) for k in keys]


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
