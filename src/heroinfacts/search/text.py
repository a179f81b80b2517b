"""Words: folding, splitting and light stemming, shared by the index and the queries.

Text is folded (NFKC, case, diacritics, apostrophes inside words) and split into words here,
both for queries and for the index's vocabulary and alias tables, so the two compare alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_RAW_TOKENS = 64  # words read from a query (question words included)
MAX_TOKENS = 32  # content words kept
MAX_WORD = 64  # longer "words" are noise

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

#: Chat spellings and words that only frame a question ("heroin facts", "explain heroin to me",
#: "hey so what even is smack"): read as filler, never as something the question asks about.
CHAT_FILLER = frozenset(
    "u ur r ya ppl wat wut wats abt pls plz hey hi hello yo ok okay so even quick q fact facts "
    "info information explain tell basics overview anyone guys lol idk exactly basically "
    "actually literally honestly question questions wondering curious umm um uh btw tbh".split()
)
FILLER = FILLER | CHAT_FILLER

#: Everyday words that name no subject of their own: people, times, and the words of talk
#: ("my boyfriend", "lately", "sorry if this is a dumb question"). When the knowledge base lacks
#: one, the question is not about something it lacks (see ``ask``'s abstention); a lacking word
#: outside this list ("kratom", "urine", "price") is.
GENERAL = frozenset(
    """
    boyfriend girlfriend bf gf husband wife partner spouse fiance mom mum mother dad father
    parent parents brother brothers sister sisters sibling siblings cousin cousins uncle aunt
    grandma grandpa grandmother grandfather nephew niece son sons daughter daughters kid kids
    child children teen teens teenager teenagers baby neighbor neighbour neighbors roommate
    roomate friend friends buddy bro dude guy guys girl girls man men woman women person
    persons people somebody anybody everybody nobody everyone coworker boss teacher classmate
    lately recently now today tonight yesterday week weeks weekend month months year years
    day days night nights morning evening ago soon early late later next last lasted during
    till until since before after twice once again always never sometimes often anymore
    already still yet while
    actually basically literally honestly seriously totally question questions asking ask
    asked wondering wonder wondered curious sorry dumb stupid silly thx thanks thank umm um
    uh hmm nah yeah yep yup okay lol considered consider everything stuff another other
    others besides anywhere somewhere everywhere few lot lots enough real pretty kinda sorta
    maybe probably said say saying heard hear read told arent expect expected decide
    decides involved connected allowed learn learning writing notes note ready start started
    starting home near bed school talk talking head place places way ways kind kinds type
    want wants wanted need needs needed trying tried gonna wanna gotta
    types part sure true whole category mess messes messed harder easier around survived
    percent percentage odds chances proportion
    """.split()
)

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"(?<=[^\W_])['\u2019\u02bc](?=[^\W_])")


def _fold(text: str) -> str:
    """NFKC, case-folded, without diacritics (as FTS5's ``remove_diacritics 2`` folds)."""
    s = unicodedata.normalize("NFKC", text).casefold()
    if not s.isascii():
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
        s = unicodedata.normalize("NFKC", s).casefold()
    return s


def split_words(text: str, limit: int = MAX_RAW_TOKENS) -> list[str]:
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
    return [w for w in split_words(text) if w not in FILLER][:MAX_TOKENS]


def content_words(words: Iterable[str]) -> list[str]:
    """``words`` without filler words."""
    return [w for w in words if w not in FILLER]


def stem_word(word: str) -> str:
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


def edit_distance(a: str, b: str, limit: int) -> int:
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
