"""Reading a query: corrections, aliases, question types, and the FTS5 expression.

A query is read as words (question words dropped, see :func:`normalize_query`), unknown words
are corrected to the closest known word within one or two edits (reported as ``corrected``),
aliases are matched (by light stem, so "get clean" finds "getting clean") and expanded, and each
concept becomes an OR-group of FTS5 phrases. "How many" looks for facts that state a
proportion, "X vs Y" for facts that say how things differ, "what do i do" for help, and two
drugs joined by "with" or "and" for what is known about mixing them; words of time ("how
long", "the first time") are dropped. The crisis model (:mod:`.crisis`) marks the query's
crisis concerns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from ..records import Struct, field
from . import crisis
from .index import MAX_PHRASE, PROPORTION_MARK
from .text import FILLER, MAX_TOKENS, content_words, edit_distance, split_words, stem_word

MAX_CORRECTIONS = 6  # unknown words looked up for a correction, per query

#: Words the crisis model reads (see :mod:`.crisis`): never "corrected" to other words.
_CRISIS_WORDS = crisis.CUE_WORDS | frozenset(crisis.CHAT)
_QUANTITY_PHRASES = [
    p.split()
    for p in (
        "how many|how likely|how often|how common|how rare|what percent|what percentage|"
        "what proportion|what share|what fraction|what are the odds|what are the chances|"
        "percent|percentage|proportion|odds|chances|statistics|stats|how many people"
    ).split("|")
]

#: A question that compares two things ("depression vs depressant", "what is the difference")
#: prefers a fact that says how they differ: these words stand for that, as one concept.
_COMPARE_WORDS = frozenset(
    "vs versus difference differences different differ differs compare compared comparison "
    "same diffrence diffrent difrence differance".split()
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
    "while on w if both".split()
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


Phrase = tuple[str, ...]
Clause = tuple[Phrase, ...]  # phrases that must all match


class _Group(Struct, frozen=False):
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


class Query(Struct, frozen=False):
    """A parsed question: its groups of phrases, the spelling it was corrected to, the concerns
    its words name, and the words the data does not know."""

    groups: list[_Group]
    corrected: str | None
    concerns: list[str]
    unknown: list[str]
    terms: tuple[str, ...]
    signs: bool = False  # asks for signs or symptoms: a list may answer
    words: tuple[str, ...] = ()  # the question's words, corrected, question words kept
    mixing: bool = False  # names drugs of two classes together: a question about mixing


def _has_any(words: Sequence[str], phrases: Sequence[Sequence[str]]) -> bool:
    return any(_contains(words, p) for p in phrases)


def _crisis(text: str) -> list[str]:
    """The crisis concerns a message raises (see :func:`.crisis.detect`): ``suicide`` (with
    ``overdose`` after it, as 911 goes with 988), ``overdose``, or none."""
    found = crisis.detect(text)
    if found.concern == crisis.SUICIDE:
        return [crisis.SUICIDE, crisis.OVERDOSE]
    return [found.concern] if found.concern else []


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
    s = stem_word(word)
    for (cand,) in conn.execute(
        "SELECT word FROM search_vocab WHERE word >= ? AND word < ? LIMIT 200",
        (s, s + "\U0010ffff"),
    ):
        if stem_word(cand) == s:
            return True
    return False


def _as_good(conn: sqlite3.Connection, word: str, other: str, fts: bool) -> bool:
    """Whether a word known by its stem finds about as much as its closest correction: then it
    is an inflection (``breathe``, found through "breathing"), not a typo that happens to
    share a stem with a rare misspelling (``depresant`` with the alias "depresion")."""
    if not fts:
        return stem_word(word) == stem_word(other)
    mine = count_matches(conn, _fts_quote((word,)), 1000)
    theirs = count_matches(conn, _fts_quote((other,)), 1000)
    return theirs < 3 * mine


def _max_edits(word: str) -> int:
    """How many edits a correction may make: one, or two in a word of eight letters or more
    (so ``friend`` is never "corrected" to ``find``)."""
    return 1 if len(word) < 8 else 2


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
            d = edit_distance(word, cand, limit)
            if d <= limit:
                scored.append((d, -int(freq), cand))
    scored.sort()
    out = list(dict.fromkeys(c for _, _, c in scored))
    return out[:n]


Entry = tuple[str, str, str, str]  # (kind, id, expansion, classes) of an alias phrase


def _inflections(word: str) -> list[str]:
    """The word and the forms that share its light stem (``get`` -> getting, gets ...)."""
    s = stem_word(word)
    out = [word, s, s + "s", s + "es", s + "ed", s + "ing"]
    if len(s) >= 3 and s[-1] not in "aeiouwxy":
        out += [s + s[-1] + "ing", s + s[-1] + "ed"]
    if s.endswith("y"):
        out.append(s[:-1] + "ies")
    return [w for w in dict.fromkeys(out) if stem_word(w) == s]


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
        key = tuple(stem_word(w) for w in phrase.split())
        out.setdefault(key, []).append((kind, rid, expand, classes))
    return out


def _canonical(aliases: dict[Phrase, list[Entry]], words: Sequence[str]) -> dict[str, str]:
    """The question's one-word names of drugs that are not the drug's own name, with that name
    (``dope`` -> heroin, ``painkillers`` -> opioids)."""
    out: dict[str, str] = {}
    for w in words:
        for kind, _rid, expand, _classes in aliases.get((stem_word(w),), []):
            name = expand.split("|")[0].split()
            if kind in ("substance", "class") and len(name) == 1 and name[0] != w:
                out[w] = name[0]
                break
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


def _analyze(conn: sqlite3.Connection, query: str, fts: bool) -> Query:
    words = split_words(query)
    concerns = _crisis(query)
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
    stems = [stem_word(w) for w in words]
    # A phrase may also match with a drug's one-word alias read as the drug's name ("what does
    # dope do" is the search phrase "what does heroin do"; "how do painkillers work", "how do
    # opioids work").
    canon = _canonical(aliases, words)
    named = [canon.get(w, w) for w in words]
    if canon:
        aliases = {**_aliases(conn, named), **aliases}
    named_stems = [stem_word(w) for w in named]
    spans: list[tuple[Phrase, bool]] = []  # (words, is an alias)
    i = 0
    while i < len(words) and len(spans) < 2 * MAX_TOKENS:
        span, source = 0, words
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            cand = tuple(stems[i : i + n])
            if cand in aliases and content_words(words[i : i + n]):
                span = n
                break
            if n > 1 and canon and tuple(named_stems[i : i + n]) in aliases:
                span, source = n, named
                break
        if span:
            spans.append((tuple(source[i : i + span]), True))
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
                key = tuple(stem_word(w) for w in sub)
                if content_words(sub) and key in aliases:
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
            or (
                all(a for p, a in spans if content_words(p))
                and words[0] not in ("is", "are", "was")
            )
        )
    )
    if mixing:  # a question about mixing names what the knowledge base calls mixing
        pages = {(e[0], e[1]) for p, a in spans if a for _s, es in inner(p) for e in es}
        for stems_key, entries in _aliases(conn, [MIX_WORD]).items():
            if stems_key == (stem_word(MIX_WORD),) and not pages & {(e[0], e[1]) for e in entries}:
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
        content = content_words(phrase)
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
                    w
                    for t in _labels(sub, entries, mixing)
                    if len(content_words(t)) == 1
                    for w in t
                ]
                for label in _labels(sub, entries, mixing):
                    clauses.append((label,))
                    hl += content_words(label)
                    if sub == phrase:
                        cover.append(((label,), 1.0 if label in names else TITLE_CREDIT))
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
    if compare:  # first: what the question asks about them, before what it names
        groups.insert(0, _Group([((w,),) for w in COMPARE], [], known=True))
    if groups and _has_any(words, _QUANTITY_PHRASES):
        groups.append(_Group([((PROPORTION_MARK,),)], []))
    terms = tuple(dict.fromkeys(w for g in groups for w in g.words))
    return Query(groups, corrected, concerns, unknown, terms, signs, tuple(words), mixing)


def match_expression(groups: Sequence[_Group]) -> str:
    """The FTS5 MATCH expression for ``groups``: any group, each as any of its clauses."""
    parts = []
    for g in groups:
        clauses = []
        for clause in g.clauses:
            phrases = [_fts_quote(p) for p in clause]
            clauses.append(phrases[0] if len(phrases) == 1 else "(" + " AND ".join(phrases) + ")")
        parts.append(clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")")
    return " OR ".join(parts)


def count_matches(conn: sqlite3.Connection, expr: str, cap: int) -> int:
    """How many index rows match ``expr``, counted up to ``cap``."""
    return int(
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT ?)",
            (expr, cap),
        ).fetchone()[0]
    )


TITLE_CREDIT = 0.5  # what a page's title counts for a concept that names the page
