"""Measure how well ``ask`` answers, routes crises and says "I don't know".

Usage::

    python -m heroinfacts.eval [QUERIES.yaml] [--json] [--pack PACK ...]

With no file, it scores every set it finds in the source checkout of the current directory
(``tests/eval/*.yaml`` and ``tests/queries.yaml``, found from the current directory upwards), for
each split (``dev``, ``test``) and for ``tests/queries.yaml``:

- **answers** (``answerable.yaml``, ``tests/queries.yaml``): recall@1, recall@3 and MRR;
- **crisis routing** (``crisis.yaml``): the share of crisis messages whose first result is the
  right help line (911 for ``overdose``, 988 for ``suicide``) with ``crisis`` set to the label,
  and the dosing messages given a fact; **false alarms** (``lookalikes.yaml``): ordinary
  questions given a ``crisis``;
- **abstention**: wrong answers (``out-of-scope.yaml`` and the lookalikes the data does not
  answer: an answer given where there is none) and wrong refusals (``answerable.yaml``: no
  answer where there is one).

Each case is ``{q: question, expect: {kind, id}}``; ``expect`` may be a list of such mappings and
``id`` a list of acceptable ids. An answer matches an expectation of its kind and id; an
expectation of ``kind: topic`` also matches any fact of that topic (and ``kind: list`` any item of
that list). ``{kind: nothing}`` (no ``id``) says that no answer is the right answer. Help lines
put above an answer (a false alarm costs a box, not the answer) are not counted as answers when
ranking, unless the case expects a help resource. A case may carry ``split: dev|test``,
``crisis: overdose|suicide|null``, ``dosing: true`` and ``requires: {kind: topic, id}`` (scored
as ``nothing`` while that topic is not in the data).
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
#: On tests/queries.yaml (not held out), after the safety content moved its answers and a request
#: for the hotline number stopped counting as a crisis (it is a lookalike).
BAR_RECALL_AT_1 = 0.75
BAR_RECALL_AT_3 = 0.92

Expect = list[tuple[str, frozenset[str]]]  # (kind, acceptable ids)
#: The expectation kind that an empty answer matches.
NOTHING = "nothing"


@dataclass(frozen=True)
class Case:
    """One question of a question set and the answers that count as right."""

    question: str
    expect: Expect
    split: str | None = None
    crisis: str | None = None
    dosing: bool = False
    requires: tuple[str, str] | None = None


@dataclass(frozen=True)
class Outcome:
    """How ``ask`` did on one :class:`Case`."""

    case: Case
    rank: int | None  # 1-based rank of the first matching answer, None when missing
    got: list[str]  # kind:id of the answers, in order
    answered: bool = True
    crisis: str | None = None
    first: str | None = None  # kind:id of the first result, help lines included


@dataclass
class Report:
    """The outcomes of one question set and the figures made from them."""

    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, k: int) -> float:
        n = len(self.outcomes)
        hits = sum(1 for o in self.outcomes if o.rank is not None and o.rank <= k)
        return hits / n if n else 0.0

    @property
    def recall_at_1(self) -> float:
        """The share of questions whose first answer is right."""
        return self._share(1)

    @property
    def recall_at_3(self) -> float:
        """The share of questions with a right answer among the first three."""
        return self._share(3)

    @property
    def mrr(self) -> float:
        """Mean reciprocal rank: the average of 1/rank of the first right answer (a miss is 0)."""
        n = len(self.outcomes)
        return sum(1 / o.rank for o in self.outcomes if o.rank) / n if n else 0.0

    @property
    def misses(self) -> list[Outcome]:
        """Cases whose first answer is not a right one."""
        return [o for o in self.outcomes if o.rank != 1]

    def to_dict(self) -> dict[str, Any]:
        """The figures and the misses, for ``--json``."""
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
    """The cases of a question file (``queries:`` list of ``{q, expect, ...}``)."""
    import yaml

    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    raw = doc.get("queries") if isinstance(doc, dict) else doc
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a `queries:` list")
    cases = []
    for i, entry in enumerate(raw, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
            raise ValueError(f"{path}: case {i} needs a `q:` question")
        where = f"{path}: case {i}"
        raw_expect = entry.get("expect", {"kind": NOTHING})
        req = entry.get("requires")
        requires = (str(req["kind"]), str(req["id"])) if isinstance(req, dict) else None
        split = entry.get("split")
        cases.append(
            Case(
                entry["q"],
                _expect(raw_expect, where),
                str(split) if split else None,
                entry.get("crisis") or None,
                bool(entry.get("dosing")),
                requires,
            )
        )
    return cases


def matches(hit: Hit, expect: Expect) -> bool:
    """Whether ``hit`` is one of the answers ``expect`` accepts (a fact counts for its topic, an
    item for its list)."""
    for kind, ids in expect:
        if hit.kind == kind and hit.id in ids:
            return True
        if kind == "topic" and hit.kind == "fact" and hit.topic in ids:
            return True
        if kind == "list" and hit.kind == "item" and hit.topic in ids:
            return True
    return False


def evaluate(kb: KnowledgeBase, cases: Sequence[Case]) -> Report:
    """Ask every question and rank the expected answers (help lines above an answer skipped
    unless the case expects a resource)."""
    from .search import ask

    report = Report()
    for case in cases:
        expect = case.expect
        if case.requires and not _has(kb, *case.requires):
            expect = [(NOTHING, frozenset())]
        result = ask(kb, case.question)
        hits = list(result.results)
        if not any(kind == "resource" for kind, _ in expect):
            hits = [h for h in hits if h.kind != "resource"]
        answered = bool(result.answered)
        rank = None
        if answered:
            rank = next((i for i, h in enumerate(hits, 1) if matches(h, expect)), None)
        elif any(kind == NOTHING for kind, _ in expect):
            rank = 1
        got = [f"{h.kind}:{h.id}" for h in result.results]
        first = got[0] if got else None
        report.outcomes.append(Outcome(case, rank, got, answered, result.crisis, first))
    return report


def _has(kb: KnowledgeBase, kind: str, rid: str) -> bool:
    if kind == "topic":
        return kb.topic_by_id(rid) is not None
    return True


#: The help line that must come first for each crisis (ids fixed by the data format).
FIRST_LINE = {"overdose": "resource:emergency-911", "suicide": "resource:lifeline-988"}


def find_root(start: Path | None = None) -> Path | None:
    """The source checkout that holds the current directory: the nearest directory, from
    ``start`` (the current directory) upwards, with ``tests/eval`` or ``tests/queries.yaml``."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "tests" / "eval").is_dir() or (d / "tests" / "queries.yaml").is_file():
            return d
    return None


#: The question sets of tests/eval, by file name, and what each measures.
SETS = ("answerable", "crisis", "lookalikes", "out-of-scope", "pending")
SPLITS = ("dev", "test")


def _share(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def summary(reports: dict[str, Report]) -> dict[str, Any]:
    """The figures of one split from its sets' reports (see the module's notes)."""
    out: dict[str, Any] = {}
    ans = reports.get("answerable")
    if ans is not None:
        out["answers"] = {
            "questions": len(ans.outcomes),
            "recall_at_1": round(ans.recall_at_1, 4),
            "recall_at_3": round(ans.recall_at_3, 4),
            "mrr": round(ans.mrr, 4),
        }
    cri = reports.get("crisis")
    if cri is not None:
        by: dict[str, list[Outcome]] = {}
        for o in cri.outcomes:
            by.setdefault(str(o.case.crisis), []).append(o)
        routed = {
            k: sum(1 for o in os if o.crisis == k and o.first == FIRST_LINE.get(k))
            for k, os in by.items()
        }
        dosing = [o for o in cri.outcomes if o.case.dosing]
        out["crisis"] = {
            "messages": len(cri.outcomes),
            "routed": sum(routed.values()),
            "recall": _share(sum(routed.values()), len(cri.outcomes)),
            "by_kind": {
                k: {"messages": len(v), "routed": routed[k]} for k, v in sorted(by.items())
            },
            "dosing_given_a_fact": sum(1 for o in dosing if _gave_fact(o)),
        }
    look = reports.get("lookalikes")
    if look is not None:
        answerable = [o for o in look.outcomes if not _nothing(o.case)]
        out["lookalikes"] = {
            "questions": len(look.outcomes),
            "false_alarms": sum(1 for o in look.outcomes if o.crisis),
            "recall_at_1": _share(sum(1 for o in answerable if o.rank == 1), len(answerable)),
        }
    oos = [o for name in ("out-of-scope", "lookalikes") for o in _outcomes(reports, name)]
    oos = [o for o in oos if _nothing(o.case)]
    dosing = [o for o in _outcomes(reports, "out-of-scope") if o.case.dosing]
    out["abstention"] = {
        "nothing_questions": len(oos),
        "wrong_answers": sum(1 for o in oos if o.answered),
        "dosing_given_a_fact": sum(1 for o in dosing if _gave_fact(o)),
        "answerable_questions": len(ans.outcomes) if ans else 0,
        "wrong_refusals": sum(1 for o in ans.outcomes if not o.answered) if ans else 0,
    }
    return out


def _outcomes(reports: dict[str, Report], name: str) -> list[Outcome]:
    r = reports.get(name)
    return r.outcomes if r else []


def _nothing(case: Case) -> bool:
    return all(kind == NOTHING for kind, _ in case.expect)


def _gave_fact(o: Outcome) -> bool:
    return any(not g.startswith("resource:") for g in o.got)


def evaluate_sets(kb: KnowledgeBase, folder: Path) -> dict[str, dict[str, Report]]:
    """Per split, the report of each set in ``folder``: a set is ``NAME.yaml`` (NAME as in
    SETS) and any ``NAME-*.yaml`` beside it, such as ``crisis-more.yaml``, so a later batch of
    questions joins its set without touching the frozen files."""
    out: dict[str, dict[str, Report]] = {s: {} for s in SPLITS}
    for name in SETS:
        paths = [folder / f"{name}.yaml", *sorted(folder.glob(f"{name}-*.yaml"))]
        cases = [c for path in paths if path.is_file() for c in load_cases(path)]
        if not cases:
            continue
        for split in SPLITS:
            chosen = [c for c in cases if (c.split or "dev") == split]
            if chosen:
                out[split][name] = evaluate(kb, chosen)
    return out


def format_report(report: Report) -> str:
    """The report as text: the figures beside their bars, then the misses."""
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


def _format_summary(name: str, fig: dict[str, Any]) -> list[str]:
    lines = [f"== {name}"]
    a = fig.get("answers")
    if a:
        lines.append(
            f"answers      {a['questions']:4d} questions  recall@1 {a['recall_at_1']:.3f}  "
            f"recall@3 {a['recall_at_3']:.3f}  MRR {a['mrr']:.3f}"
        )
    c = fig.get("crisis")
    if c:
        kinds = ", ".join(f"{k} {v['routed']}/{v['messages']}" for k, v in c["by_kind"].items())
        lines.append(
            f"crisis       {c['routed']}/{c['messages']} routed "
            f"(recall {c['recall']:.3f}; {kinds}); "
            f"dosing messages given a fact: {c['dosing_given_a_fact']}"
        )
    lk = fig.get("lookalikes")
    if lk:
        lines.append(
            f"lookalikes   {lk['false_alarms']}/{lk['questions']} false alarms; "
            f"recall@1 of those answered {lk['recall_at_1']:.3f}"
        )
    ab = fig.get("abstention")
    if ab and (ab["nothing_questions"] or ab["answerable_questions"]):
        lines.append(
            f"abstention   wrong answers {ab['wrong_answers']}/{ab['nothing_questions']} "
            f"(dosing given a fact: {ab['dosing_given_a_fact']}); wrong refusals "
            f"{ab['wrong_refusals']}/{ab['answerable_questions']}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m heroinfacts.eval [FILE]``: score ``ask`` and print the report."""
    parser = argparse.ArgumentParser(
        prog="python -m heroinfacts.eval", description="Score `ask` on sets of questions."
    )
    parser.add_argument(
        "queries", nargs="?", help="one question file (default: tests/eval and tests/queries.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--misses", action="store_true", help="list the misses of every set")
    parser.add_argument("--split", choices=SPLITS, help="only this split of tests/eval")
    parser.add_argument("--pack", action="append", default=[], help="also load this pack")
    args = parser.parse_args(argv)
    import heroinfacts

    if args.queries:
        path = Path(args.queries)
        if not path.is_file():
            print(f"heroinfacts.eval: no question file at {path}", file=sys.stderr)
            return 2
        try:
            cases = load_cases(path)
        except (OSError, ValueError) as err:
            print(f"heroinfacts.eval: {err}", file=sys.stderr)
            return 2
        report = evaluate(heroinfacts.load(args.pack), cases)
        if args.json:
            print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        else:
            print(format_report(report))
        return 0
    root = find_root()
    if root is None:
        print(
            "heroinfacts.eval: no question sets here: run it from a source checkout "
            "(tests/eval/ and tests/queries.yaml), or name a question file",
            file=sys.stderr,
        )
        return 2
    kb = heroinfacts.load(args.pack)
    try:
        sets = evaluate_sets(kb, root / "tests" / "eval")
        queries = root / "tests" / "queries.yaml"
        team = evaluate(kb, load_cases(queries)) if queries.is_file() else None
    except (OSError, ValueError) as err:
        print(f"heroinfacts.eval: {err}", file=sys.stderr)
        return 2
    splits = [args.split] if args.split else list(SPLITS)
    doc: dict[str, Any] = {s: summary(sets[s]) for s in splits if sets[s]}
    if team is not None:
        doc["queries.yaml"] = {
            "answers": {k: v for k, v in team.to_dict().items() if k != "misses"}
        }
    if args.json:
        if args.misses:
            doc["misses"] = {
                s: {n: r.to_dict()["misses"] for n, r in sets[s].items()} for s in splits
            }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    lines: list[str] = []
    for name, fig in doc.items():
        lines += [*_format_summary(name, fig), ""]
    if args.misses:
        for s in splits:
            for n, r in sets[s].items():
                wrong = _wrong(n, r)
                if wrong:
                    lines.append(f"-- {s} {n}: {len(wrong)}")
                    lines += [f"  {w}" for w in wrong]
        if team is not None and team.misses:
            lines.append(format_report(team))
    print("\n".join(lines).rstrip())
    return 0


def _wrong(name: str, report: Report) -> list[str]:
    """One line per case the set counts against the engine."""
    out = []
    for o in report.outcomes:
        if name == "crisis":
            bad = o.crisis != o.case.crisis or o.first != FIRST_LINE.get(str(o.case.crisis))
        elif name == "lookalikes":
            bad = bool(o.crisis) or o.rank != 1
        else:
            bad = o.rank != 1
        if bad:
            want = ", ".join(f"{k}:{'|'.join(sorted(i))}" if i else k for k, i in o.case.expect)
            if name == "crisis":
                want = str(o.case.crisis)
            out.append(
                f"[{o.rank or '-'}] {o.case.question!r} want {want} got crisis={o.crisis} "
                f"{', '.join(o.got[:3]) or '(nothing)'}"
            )
    return out


if __name__ == "__main__":
    sys.exit(main())
