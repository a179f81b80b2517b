"""heroinfacts: offline, cited facts about heroin, opioids, depressants and depression.

The public API::

    import heroinfacts
    kb = heroinfacts.load()                 # shipped data (+ local packs given as paths)
    kb.topic("going on the nod").facts      # lookups by id or alias
    heroinfacts.validate("my-pack.yaml")    # [] or a list of Problem(file, line, message)
    heroinfacts.ask("is smack a downer")    # the answer first; .answered, .crisis, .to_dict()
    heroinfacts.search("benzos", limit=5)   # ranked hits over every kind of entry

Imports stay lazy so that ``import heroinfacts`` is cheap: it imports only ``os``, as the
stored-output reader that runs first needs (docs/performance.md).
"""

from __future__ import annotations

import os

from ._version import __version__

#: ``typing`` (with ``re``) costs ~8 ms at every start; type checkers read this name as
#: ``typing.TYPE_CHECKING``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from .errors import Problem
    from .search import SearchResult
    from .store import KnowledgeBase

__all__ = ["__version__", "ask", "load", "search", "validate"]


def load(
    extra_paths: Iterable[str | os.PathLike[str]] = (),
    *,
    use_cache: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> KnowledgeBase:
    """Load the shipped knowledge base plus the packs in ``extra_paths``.

    Returns an immutable :class:`~heroinfacts.store.KnowledgeBase`. Raises
    :class:`~heroinfacts.errors.DataError` (with every problem) when a file is invalid.
    The compiled cache is used and refreshed unless ``use_cache`` is false.
    """
    from .cache import open_kb
    from .sources import pack_file, shipped

    files = [shipped(), *(pack_file(p) for p in extra_paths)]
    return open_kb(files, use_cache=use_cache, progress=progress)


def validate(*paths: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in ``paths`` (each checked together with the shipped data), never raising.

    With no paths, checks the shipped data alone. A file whose bundle id is the shipped one
    (``heroinfacts-core``, an edited copy of ``data/facts.yaml``) is checked in its place.
    """
    from .validation import validate_paths

    return validate_paths([os.fspath(p) for p in paths])


_LOADED: dict[tuple[str, ...], KnowledgeBase] = {}


def _kb(kb: KnowledgeBase | None, packs: Iterable[str | os.PathLike[str]]) -> KnowledgeBase:
    """``kb``, or the shipped data plus ``packs``, loaded once per process."""
    if kb is not None:
        return kb
    key = tuple(os.fspath(p) for p in packs)
    if key not in _LOADED:
        _LOADED[key] = load(key)
    return _LOADED[key]


def ask(
    question: str,
    *,
    packs: Iterable[str | os.PathLike[str]] = (),
    kb: KnowledgeBase | None = None,
) -> SearchResult:
    """Answer a plain question as ``heroinfacts ask`` does (see :func:`heroinfacts.search.ask`).

    ``result.results[0]`` is the answer; for a message that may mean someone is in danger it is
    the help line (``result.crisis`` is ``"overdose"`` or ``"suicide"``). ``result.answered`` is
    false when nothing in the data answers (``result.message`` says why, ``result.suggestions``
    names topics to read). ``result.to_dict()`` is the JSON of ``ask --json`` without its
    ``resources`` and ``interactions``. Uses ``kb``, or loads the shipped data plus ``packs``.
    """
    from .search import ask as _ask

    return _ask(_kb(kb, packs), question)


def _search(
    query: str,
    *,
    kinds: Sequence[str] | None = None,
    limit: int = 10,
    packs: Iterable[str | os.PathLike[str]] = (),
    kb: KnowledgeBase | None = None,
) -> SearchResult:
    """Ranked hits for ``query`` as ``heroinfacts search`` finds them, at most ``limit``, of
    every kind of entry or only ``kinds`` (raises ValueError for an unknown kind). Uses ``kb``,
    or loads the shipped data plus ``packs``.

    Called as ``heroinfacts.search(query, ...)``: the package :mod:`heroinfacts.search` (the
    engine) is callable, and calling it calls this."""
    from .search import search as _engine_search

    return _engine_search(_kb(kb, packs), query, kinds=kinds, limit=limit)


if TYPE_CHECKING:
    search = _search
