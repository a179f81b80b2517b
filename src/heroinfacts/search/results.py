"""What a search returns: :class:`Hit` (one entry found) and :class:`SearchResult`."""

from __future__ import annotations

from typing import Any

from ..records import Struct


class Hit(Struct):
    """One search result: an entry of the knowledge base."""

    kind: str  # fact|topic|list|item|term|interaction|resource|reference
    id: str
    topic: str | None  # a fact's topic id, or an item's list id; else None
    title: str | None  # a fact's topic title (an item's list title); else the entry's own
    text: str  # fact text, summary, definition, intro, note, offers, or reference line
    citations: tuple[str, ...]  # reference ids
    score: float  # higher is better; always finite

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON (``search --json``, ``ask --json``)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "topic": self.topic,
            "title": self.title,
            "text": self.text,
            "citations": list(self.citations),
            "score": self.score,
        }


class SearchResult(Struct):
    """What :func:`search` and :func:`ask` return."""

    query: str
    corrected: str | None  # the query with typos corrected, or None when nothing was changed
    results: tuple[Hit, ...]
    terms: tuple[str, ...] = ()  # words to highlight (after expansion and correction)
    suggestions: tuple[str, ...] = ()  # when nothing is found: close words and topic ids
    notice: str | None = None  # a one-line message for stderr (e.g. no FTS5)
    next_topic: str | None = None  # ask only: the topic id to read next
    asked: bool = False  # made by ask (adds next_topic, answered, crisis, message to JSON)
    answered: bool = True  # ask only: False when nothing answers (or an amount was asked)
    crisis: str | None = None  # ask only: "overdose", "suicide" or None (see search.crisis)
    message: str | None = None  # ask only: why there is no answer, for the reader

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON; ``ask`` adds whether it answered and any crisis."""
        out: dict[str, Any] = {
            "query": self.query,
            "corrected": self.corrected,
            "results": [h.to_dict() for h in self.results],
        }
        if self.asked:
            out["answered"] = self.answered
            out["crisis"] = self.crisis
            out["message"] = self.message
            out["next_topic"] = self.next_topic
        if not self.results and self.suggestions:
            out["suggestions"] = list(self.suggestions)
        return out
