"""The renderers of a document (:mod:`heroinfacts.render.doc`): ``term`` (rich, on a terminal),
``plain`` (piped text), ``markdown``, ``webpage`` (the handout's HTML page) and ``svg`` (its
pictures). Each takes the same document, so every output says the same things."""

from __future__ import annotations
