"""Running a query: FTS5 ranking or the plain fallback, crisis help first, suggestions.

Ranking is bm25 with column weights (:data:`WEIGHTS`), so a title or alias match outranks a
passing mention; ties go to the kind priority (topic, term, list, fact ...) and then to data
order. In a large knowledge base the rows ranked per query are bounded (see :func:`_run_fts`).
Where the running Python's SQLite has no FTS5 (or ``HEROINFACTS_NO_FTS5=1`` is set), a plain
word-overlap search over the same ``search_docs`` rows is used instead, and the result carries
a ``notice`` saying so.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .index import FALLBACK_ENV, KINDS, PRIO, forced_fallback, fts5_available, use_fts
from .query import (
    Query,
    _analyze,
    _close_words,
    _crisis,
    _Group,
    _has_table,
    _max_edits,
    count_matches,
    match_expression,
)
from .results import Hit, SearchResult
from .text import FILLER, normalize_query, split_words, stem_word

if TYPE_CHECKING:
    from ..store import KnowledgeBase

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
#: In an index of more than LARGE_INDEX entries, a query ranks a bounded set of rows: see _run_fts.
LARGE_INDEX = 50_000
COMMON_DF = 2_000


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
    expr = match_expression(groups)
    where, params = _kind_clause(kinds)
    if int(_meta(conn, "docs") or 0) > LARGE_INDEX:
        dfs = [count_matches(conn, match_expression([g]), COMMON_DF) for g in groups]
        if sum(dfs) >= COMMON_DF:
            pairs = list(zip(groups, dfs, strict=True))
            rare = " OR ".join(match_expression([g]) for g, df in pairs if df < COMMON_DF)
            common = " AND ".join(
                f"({match_expression([g])})" for g, df in pairs if df >= COMMON_DF
            )
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
    return [stem_word(w) for w in split_words(text, 1 << 30)]


def has_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether ``phrase`` occurs in ``words`` as consecutive words."""
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
    stems = sorted({stem_word(w) for g in groups for c in g.clauses for p in c for w in p})
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
        [[tuple(stem_word(w) for w in p) for p in clause] for clause in g.clauses] for g in groups
    ]
    matrix = []  # per row, the weight of the best column each concept is found in
    for row in rows:
        cols = [_column_words(row[8 + k]) for k in range(len(_PLAIN_COLUMNS))]

        def weight(phrase: tuple[str, ...], cols: list[list[str]] = cols) -> float:
            found = (WEIGHTS[k] for k, words in enumerate(cols) if has_phrase(words, phrase))
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


#: The line that goes first for each crisis concern, where the data has it (ids fixed by the
#: data format); otherwise the first resource with the concern, in data order.
FIRST_LINE = {"overdose": "emergency-911", "suicide": "lifeline-988"}


def crisis_hits(
    conn: sqlite3.Connection, concerns: Sequence[str], top: float, kinds: Sequence[str] | None
) -> list[Hit]:
    """The first help line of each of ``concerns``, scored just above ``top`` so that it comes
    first; none when ``kinds`` leaves out resources."""
    if kinds and "resource" not in kinds:
        return []
    out: list[Hit] = []
    for c in concerns:
        row = conn.execute(
            f"SELECT {_HIT_COLS} FROM search_concern c JOIN search_docs d ON d.doc = c.doc "
            "WHERE c.concern = ? ORDER BY d.id = ? DESC, d.doc LIMIT 1",
            (c, FIRST_LINE.get(c, "")),
        ).fetchone()
        if row and all(h.id != row[1] for h in out):
            out.append(_hit(row, 0.0))
    # Crisis help goes first: score it just above the best result.
    return [
        Hit(h.kind, h.id, h.topic, h.title, h.text, h.citations, round(top + len(out) - i, 6))
        for i, h in enumerate(out)
    ]


def safe_suggest(conn: sqlite3.Connection, q: Query, query: str) -> tuple[str, ...]:
    """Spelling suggestions for ``query``; none when the index cannot give them."""
    try:
        return _suggest(conn, q, query)
    except sqlite3.Error:
        return ()


def _suggest(conn: sqlite3.Connection, q: Query | None, query: str) -> tuple[str, ...]:
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
    if forced_fallback():
        return FORCED_NOTICE
    return NOTICE if not fts5_available() else STALE_NOTICE


def _plain_query(query: str) -> Query:
    """The query as plain words, without aliases or corrections (used if analysis fails)."""
    words = normalize_query(query)
    groups = [_Group([((w,),)], [w], (w,)) for w in dict.fromkeys(words)]
    return Query(groups, None, _crisis(query), [], tuple(dict.fromkeys(words)))


def find_hits(
    kb: KnowledgeBase, query: str, kinds: Sequence[str] | None, limit: int
) -> tuple[Query | None, list[Hit], str | None]:
    """Analyse and run a query: (analysis, hits, notice); (None, [], notice) without an index."""
    conn = kb.conn
    if not _has_table(conn, "search_docs"):
        # Every build writes the index: a cache without it is damaged. The entry point drops
        # the caches on this error and answers again from the data.
        from ..store import CacheDamaged

        raise CacheDamaged("the compiled cache has no search index")
    fts = use_fts() and _has_table(conn, "search_fts")
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
    bad = [k for k in kinds if k not in PRIO]
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
    q, hits, notice = find_hits(kb, text, wanted, limit)
    if q is None:
        return SearchResult(text, None, (), notice=notice)
    if q.concerns and limit:
        top = hits[0].score if hits else 0.0
        try:
            help_hits = crisis_hits(kb.conn, q.concerns, top, wanted)
        except sqlite3.Error:
            help_hits = []
        ids = {(h.kind, h.id) for h in help_hits}
        hits = [*help_hits, *(h for h in hits if (h.kind, h.id) not in ids)][:limit]
    suggestions = () if hits or not limit else safe_suggest(kb.conn, q, text)
    return SearchResult(text, q.corrected, tuple(hits), q.terms, suggestions, notice)
