"""heroinfacts: offline, cited facts about heroin, opioids, depressants and depression.

The public API::

    import heroinfacts
    kb = heroinfacts.load()                 # shipped data (+ local packs given as paths)
    kb.topic("going on the nod").facts      # lookups by id or alias
    heroinfacts.validate("my-pack.yaml")    # [] or a list of Problem(file, line, message)

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
    from collections.abc import Callable, Iterable

    from .errors import Problem
    from .store import KnowledgeBase

__all__ = ["__version__", "load", "validate"]


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
    from .checking import validate_paths

    return validate_paths([os.fspath(p) for p in paths])
