"""Search and ``ask``: SQLite FTS5 over every entry, with slang, typo and crisis handling.

:func:`search` and :func:`ask` answer from the index that :func:`build_index` writes into the
compiled cache. The work is split by stage:

``text``
    words: folding, splitting and light stemming, shared by the index and the queries;
``index``
    building the ``search_*`` tables (what they hold is described there);
``query``
    reading a query: corrections, aliases, question types, the FTS5 expression;
``run``
    running it: FTS5 ranking or the plain fallback, crisis help first, suggestions;
``answer``
    ``ask``: weighing what was found as the question's subject, and choosing the answer;
``results``
    what both return: :class:`SearchResult`, a tuple of :class:`Hit`.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from . import answer as _answer
from . import run as _run
from .answer import ASK_FACTS, ask
from .index import FALLBACK_ENV, KINDS, build_index, fts5_available
from .results import Hit, SearchResult
from .run import FORCED_NOTICE, NOTICE, STALE_NOTICE, search
from .text import FILLER, normalize_query

__all__ = [
    "ASK_FACTS",
    "FALLBACK_ENV",
    "FILLER",
    "FORCED_NOTICE",
    "KINDS",
    "NOTICE",
    "STALE_NOTICE",
    "Hit",
    "SearchResult",
    "ask",
    "build_index",
    "fts5_available",
    "normalize_query",
    "search",
]


class _Engine:
    """The engine's two entry points, for code that holds a knowledge base (the commands):
    ``engine.ask(kb, question)``, ``engine.search(kb, query, ...)``."""

    ask = staticmethod(_answer.ask)
    search = staticmethod(_run.search)


engine = _Engine()


class _Callable(types.ModuleType):
    """This package, callable: ``heroinfacts.search(query, ...)`` is the public API's search
    (:func:`heroinfacts._search`), while ``heroinfacts.search.search(kb, query)`` stays the
    engine's."""

    def __call__(self, *args: Any, **kwargs: Any) -> SearchResult:
        from .. import _search

        return _search(*args, **kwargs)


sys.modules[__name__].__class__ = _Callable
