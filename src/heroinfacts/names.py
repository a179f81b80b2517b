"""Name normalisation shared by lookups, the cache and search.

``Going on the Nod``, ``going-on-the-nod`` and ``going_on_the_nod`` are one name, as the tldr client
spec asks; full-width letters and other compatibility forms fold to plain ones (NFKC).
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015]+")


def normalize(name: str) -> str:
    """The lookup key of ``name``: NFKC, case-folded, runs of spaces/dashes/underscores as ``-``."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _SEPARATORS.sub("-", folded).strip("-")
