"""Measure how well ``ask`` answers: recall@1, recall@3 and MRR over a set of questions.

Usage::

    python -m heroinfacts.eval [QUERIES.yaml] [--json] [--pack PACK ...]

The default question set is ``tests/queries.yaml`` of the source checkout. Each case is
``{q: question, expect: {kind, id}}``; ``expect`` may be a list of such mappings and ``id`` a
list of acceptable ids. An answer matches an expectation of its kind and id; an expectation of
``kind: topic`` also matches any fact of that topic (and ``kind: list`` any item of that list).
``{kind: nothing}`` (no ``id``) says that finding nothing is a right answer, for a question the
knowledge base has no fact about: an empty answer then counts as right at rank 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .search import Hit
    from .store import KnowledgeBase

#: The bar the shipped data and engine must keep (checked by tests/test_search.py).
BAR_RECALL_AT_1 = 0.9
BAR_RECALL_AT_3 = 1.0

Expect = list[tuple[str, frozenset[str]]]  # (kind, acceptable ids)
#: The expectation kind that an empty answer matches.
NOTHING = "nothing"


@dataclass(frozen=True)
class Case:
    question: str
    expect: Expect


@dataclass(frozen=True)
class Outcome:
    case: Case
    rank: int | None  # 1-based rank of the first matching answer, None when missing
    got: list[str]  # kind:id of the answers, in order


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, k: int) -> float:
        n = len(self.outcomes)
        hits = sum(1 for o in self.outcomes if o.rank is not None and o.rank <= k)
        return hits / n if n else 0.0

    @property
    def recall_at_1(self) -> float:
        return self._share(1)

    @property
    def recall_at_3(self) -> float:
        return self._share(3)

    @property
    def mrr(self) -> float:
        n = len(self.outcomes)
        return sum(1 / o.rank for o in self.outcomes if o.rank) / n if n else 0.0

    @property
    def misses(self) -> list[Outcome]:
        """Cases whose first answer is not a right one."""
        return [o for o in self.outcomes if o.rank != 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": len(self.outcomes),
            "recall_at_1": round(self.recall_at_1, 4),
            "recall_at_3": round(self.recall_at_3, 4),
            "mrr": round(self.mrr, 4),
            "misses": [
                {
                    "q": o.case.question,
                    "rank": o.rank,
                    "expect": [{"kind": k, "id": sorted(ids)} for k, ids in o.case.expect],
                    "got": o.got,
                }
                for o in self.misses
            ],
        }


def _expect(raw: Any, where: str) -> Expect:
    items = raw if isinstance(raw, list) else [raw]
    out: Expect = []
    for item in items:
        if isinstance(item, dict) and item.get("kind") == NOTHING and "id" not in item:
            out.append((NOTHING, frozenset()))
            continue
        if not isinstance(item, dict) or "kind" not in item or "id" not in item:
            raise ValueError(f"{where}: `expect` needs `kind` and `id`")
        ids = item["id"] if isinstance(item["id"], list) else [item["id"]]
        out.append((str(item["kind"]), frozenset(str(i) for i in ids)))
    return out


def load_cases(path: str | Path) -> list[Case]:
    """The cases of a question file (``queries:`` list of ``{q, expect}``)."""
    import yaml

    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    raw = doc.get("queries") if isinstance(doc, dict) else doc
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a `queries:` list")
    cases = []
    for i, entry in enumerate(raw, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
            raise ValueError(f"{path}: case {i} needs a `q:` question")
        cases.append(Case(entry["q"], _expect(entry.get("expect"), f"{path}: case {i}")))
    return cases


def matches(hit: Hit, expect: Expect) -> bool:
    for kind, ids in expect:
        if hit.kind == kind and hit.id in ids:
            return True
        if kind == "topic" and hit.kind == "fact" and hit.topic in ids:
            return True
        if kind == "list" and hit.kind == "item" and hit.topic in ids:
            return True
    return False


def evaluate(kb: KnowledgeBase, cases: Sequence[Case]) -> Report:
    """Ask every question and rank the expected answers."""
    from .search import ask

    report = Report()
    for case in cases:
        result = ask(kb, case.question)
        rank = next((i for i, h in enumerate(result.results, 1) if matches(h, case.expect)), None)
        if not result.results and any(kind == NOTHING for kind, _ in case.expect):
            rank = 1
        got = [f"{h.kind}:{h.id}" for h in result.results]
        report.outcomes.append(Outcome(case, rank, got))
    return report


def default_path() -> Path:
    """tests/queries.yaml of the source checkout this module runs from."""
    return Path(__file__).resolve().parents[2] / "tests" / "queries.yaml"


def format_report(report: Report) -> str:
    lines = [
        f"questions  {len(report.outcomes)}",
        f"recall@1   {report.recall_at_1:.3f}  (bar {BAR_RECALL_AT_1})",
        f"recall@3   {report.recall_at_3:.3f}  (bar {BAR_RECALL_AT_3})",
        f"MRR        {report.mrr:.3f}",
    ]
    if report.misses:
        lines.append("")
        lines.append("misses (rank of the first right answer; - when not in the answers):")
        for o in report.misses:
            want = ", ".join(
                f"{k}:{'|'.join(sorted(ids))}" if ids else k for k, ids in o.case.expect
            )
            lines.append(f"  [{o.rank or '-'}] {o.case.question!r}")
            lines.append(f"      want {want}")
            lines.append(f"      got  {', '.join(o.got) or '(nothing)'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m heroinfacts.eval", description="Score `ask` on a set of questions."
    )
    parser.add_argument("queries", nargs="?", help="question file (default: tests/queries.yaml)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--pack", action="append", default=[], help="also load this pack")
    args = parser.parse_args(argv)
    path = Path(args.queries) if args.queries else default_path()
    if not path.is_file():
        print(f"heroinfacts.eval: no question file at {path}", file=sys.stderr)
        return 2
    import heroinfacts

    try:
        cases = load_cases(path)
    except (OSError, ValueError) as err:
        print(f"heroinfacts.eval: {err}", file=sys.stderr)
        return 2
    kb = heroinfacts.load(args.pack)
    report = evaluate(kb, cases)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
