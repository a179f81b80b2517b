"""Name normalisation shared by lookups, the cache and search.

``Going on the Nod``, ``going-on-the-nod`` and ``going_on_the_nod`` are one name, as the tldr client
spec asks; full-width letters and other compatibility forms fold to plain ones (NFKC).
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015]+")
#: Lone surrogates: what Python makes of bytes in argv that are not UTF-8 (surrogateescape).
_SURROGATES = re.compile("[\ud800-\udfff]")


def normalize(name: str) -> str:
    """The lookup key of ``name``: NFKC, case-folded, runs of spaces/dashes/underscores as ``-``.

    Always encodable as UTF-8 (a lone surrogate becomes U+FFFD), so SQLite can take it.
    """
    folded = unicodedata.normalize("NFKC", _SURROGATES.sub("\ufffd", name)).casefold()
    return _SEPARATORS.sub("-", folded).strip("-")
