"""Properties that hold for any input (hypothesis): the name and query normalisers, alias
resolution over the shipped data, the citation formatters behind ``refs --format``, and the
validator, which turns any YAML document into a list of problems and never raises.

Part of issue 7 (robustness); the case families and counts are in docs/robustness.md.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import string
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import heroinfacts
from heroinfacts import citations
from heroinfacts.compiler import CSL_TYPES, SourceFile, compile_sources
from heroinfacts.errors import Problem
from heroinfacts.names import normalize
from heroinfacts.search import normalize_query
from heroinfacts.sources import shipped
from heroinfacts.store import KnowledgeBase

SEPARATORS = [" ", "-", "_", "  ", " - ", "\t", "\u2013", "\u2014", "\u00a0", "\u3000", "__"]
#: Any text, with the characters that matter here made likely.
TEXT = st.text(
    st.characters(codec="utf-8")
    | st.sampled_from([*" -_\t\u2013\u2014\u00a0\u3000", "\u0130", "\u0131", "\u00df", "\ufb01"])
    | st.sampled_from(["\uff28", "\u0301", "\u0345", "\u01f0", "\u1e9e", "\u2126"]),
    max_size=40,
)


@functools.cache
def shipped_raw() -> bytes:
    return shipped().read()


@functools.cache
def shipped_kb() -> KnowledgeBase:
    return heroinfacts.load(use_cache=False)


# --- names.normalize ---------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    key = normalize(text)
    assert normalize(key) == key


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_normalize_leaves_no_separators_at_the_ends_and_no_runs(text: str) -> None:
    key = normalize(text)
    assert key == key.strip("-_ \t\n\r\f\v\u00a0\u3000\u2013\u2014")
    assert "--" not in key and not re.search(r"\s|_", key)
    key.encode("utf-8")  # SQLite must be able to take it (no lone surrogates)


@settings(max_examples=300, deadline=None)
@given(st.text(string.ascii_letters + string.digits + " -_", max_size=30))
def test_normalize_ignores_case(text: str) -> None:
    assert normalize(text.upper()) == normalize(text.lower()) == normalize(text.swapcase())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(string.ascii_letters + string.digits + "\u00e9\u00df", min_size=1), min_size=1
    ),
    st.lists(st.sampled_from(SEPARATORS), min_size=1),
)
def test_normalize_treats_every_separator_alike(words: list[str], seps: list[str]) -> None:
    joined = "".join(w + seps[i % len(seps)] for i, w in enumerate(words))
    assert normalize(joined) == normalize("-".join(words)) == normalize(" ".join(words))


def test_normalize_takes_undecodable_argv_bytes() -> None:
    assert normalize("caf\udce9") == "caf\ufffd"


# --- search.normalize_query --------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(TEXT | st.text(max_size=300))
def test_query_normaliser_is_idempotent_and_bounded(text: str) -> None:
    words = normalize_query(text)
    assert normalize_query(" ".join(words)) == words
    assert len(words) <= 32
    assert all(w and w == w.strip() and not re.search(r"[\s\-_]", w) for w in words)
    assert all(len(w) <= 64 for w in words)


@settings(max_examples=300, deadline=None)
@given(st.text(string.ascii_letters + string.digits + " -_?!.,'", max_size=60))
def test_query_normaliser_ignores_case_and_punctuation_at_the_ends(text: str) -> None:
    assert normalize_query(text.upper()) == normalize_query(text.lower())
    assert normalize_query(f"  ?{text}!? ") == normalize_query(text)


def test_query_normaliser_takes_anything() -> None:
    for text in ["", " ", "\x00\x1b[31m", "caf\udce9", "\U0001f489" * 1000, "a" * 100_000]:
        assert isinstance(normalize_query(text), list)


# --- alias resolution over the shipped data --------------------------------------------------


def _names() -> list[tuple[str, str, str]]:
    """(namespace, name, id) for every id, title and alias of topics, lists, terms and drugs."""
    kb = shipped_kb()
    out = []
    for topic in kb.topics():
        out += [("topic", n, topic.id) for n in (topic.id, topic.title, *topic.aliases)]
    for sl in kb.sign_lists():
        out += [("list", n, sl.id) for n in (sl.id, sl.title, *sl.aliases)]
    for term in kb.terms():
        out += [("term", n, term.id) for n in (term.id, term.term, *term.aliases)]
    rows = kb.conn.execute("SELECT ns, name, id FROM names WHERE ns='drug'").fetchall()
    out += [(ns, name, rid) for ns, name, rid in rows]
    return out


@st.composite
def _variant(draw: st.DrawFn, name: str) -> str:
    """``name`` as someone might type it: other case, other separators, spaces around."""
    words = [w for w in re.split(r"[\s_\-\u2010-\u2015]+", name) if w]
    out = []
    for word in words:
        chars = [
            c.upper() if draw(st.booleans()) and c.upper().casefold() == c.casefold() else c
            for c in word
        ]
        out.append("".join(chars))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(out), max_size=len(out)))
    body = "".join(w + s for w, s in zip(out, seps, strict=True)).rstrip("".join(SEPARATORS))
    lead = draw(st.sampled_from(["", " ", "  ", "\t", "-"]))
    trail = draw(st.sampled_from(["", " ", "\n", "_"]))
    return lead + body + trail


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_alias_resolves_in_any_form(data: st.DataObject) -> None:
    ns, name, rid = data.draw(st.sampled_from(_names()), label="name")
    typed = data.draw(_variant(name), label="typed")
    kb = shipped_kb()
    lookup = {"topic": kb.topic, "list": kb.sign_list, "term": kb.term, "drug": kb.drug}[ns]
    assert lookup(typed).id == rid


def test_every_alias_resolves_as_written() -> None:
    kb = shipped_kb()
    lookup = {"topic": kb.topic, "list": kb.sign_list, "term": kb.term, "drug": kb.drug}
    names = _names()
    assert len(names) > 100
    for ns, name, rid in names:
        assert lookup[ns](name).id == rid, (ns, name)


# --- citation formatters, as ``refs --format`` uses them -------------------------------------

_KEBAB = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
_WORDS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Co", "Cn", "Zl", "Zp"]),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
_NAME = st.fixed_dictionaries(
    {"family": _WORDS}, optional={"given": _WORDS}
) | st.fixed_dictionaries({"literal": _WORDS})
_DATE = st.tuples(
    st.integers(1800, 2100), st.integers(1, 12), st.integers(1, 28), st.integers(1, 3)
).map(lambda t: list(t[: t[3]]))


@st.composite
def valid_reference(draw: st.DrawFn) -> dict[str, Any]:
    """A reference as docs/data-format.md allows it (the validator has the last word)."""
    ref: dict[str, Any] = {
        "type": draw(st.sampled_from(sorted(CSL_TYPES))),
        "title": draw(_WORDS),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "author": st.lists(_NAME, min_size=1, max_size=4),
        "editor": st.lists(_NAME, min_size=1, max_size=2),
        "issued": _DATE.map(lambda d: {"date-parts": [d]}),
        "accessed": _DATE.map(lambda d: {"date-parts": [d]}),
        "container-title": _WORDS,
        "collection-title": _WORDS,
        "publisher": _WORDS,
        "volume": st.integers(1, 300).map(str),
        "issue": st.integers(1, 12).map(str),
        "page": st.sampled_from(["1-10", "e123", "45", "101–109"]),
        "URL": st.sampled_from(
            ["https://example.org/a b", "https://example.org/{x}", "https://e.org/a..b\\c"]
        ),
        "DOI": st.sampled_from(["10.1000/xyz123", "https://doi.org/10.1/a_b%c"]),
        "PMID": st.integers(1, 10**8).map(str),
        "note": _WORDS,
        "custom": st.just({"et-al": True}),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            ref[key] = draw(strategy)
    return ref


def _pack_with(refs: list[dict[str, Any]]) -> str:
    doc = {
        "schema": 1,
        "bundle": {
            "id": "prop-pack",
            "title": "Property pack",
            "version": "1",
            "language": "en",
            "reviewed": "2026-11-01",
            "license": "CC0-1.0",
            "disclaimer": "Test data only.",
        },
        "references": refs,
        "topics": [
            {
                "id": "prop-topic",
                "title": "Property topic",
                "summary": "A topic.",
                "facts": [{"id": "prop-fact", "text": "A fact.", "cites": [r["id"] for r in refs]}],
            }
        ],
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _bibtex_ok(text: str, n: int) -> None:
    entries = [e for e in text.split("\n\n") if e.strip()]
    assert len(entries) == n, text
    keys = []
    for entry in entries:
        m = re.match(r"@([a-z]+)\{([A-Za-z0-9_:.\-]+),\n", entry)
        assert m, entry
        keys.append(m.group(2))
        depth = 0
        for ch in entry:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0, entry
        assert depth == 0, entry
        assert entry.rstrip().endswith("}")
        for line in entry.splitlines()[1:-1]:
            assert re.match(r'  [a-z]+ = (\{.*\}|[a-z]+( # "[^"]*" # [a-z]+)*),?$', line), line
    assert len(set(keys)) == len(keys)


def _ris_ok(text: str, n: int) -> None:
    lines = text.splitlines()
    assert text.endswith("\n") or not text
    assert all(re.match(r"[A-Z][A-Z0-9]  - ", ln) for ln in lines), text
    assert sum(ln.startswith("TY  - ") for ln in lines) == n
    assert sum(ln == "ER  - " for ln in lines) == n
    records = text.split("ER  - \n")
    assert all(r.startswith("TY  - ") for r in records if r)


def _csl_ok(text: str, refs: list[dict[str, Any]]) -> None:
    items = json.loads(text)
    assert isinstance(items, list) and len(items) == len(refs)
    for item, ref in zip(items, refs, strict=True):
        assert item["id"] == ref["id"]
        assert item["type"] == ref["type"] and item["type"] in CSL_TYPES
        assert item["title"] == ref["title"]
    assert citations.csl_json(items) == items  # already clean: a second pass changes nothing


def _cli_refs(args: list[str]) -> str:
    """``heroinfacts refs ARGS`` through the command line's own code path (in-process)."""
    from typer.testing import CliRunner

    from heroinfacts.cli import app

    result = CliRunner().invoke(app, ["refs", *args], prog_name="heroinfacts")
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.exception)
    return result.stdout


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_shipped_references_in_every_format(fmt: str) -> None:
    refs = [dict(r.csl) for r in shipped_kb().references()]
    out = _cli_refs(["-F", fmt])
    expected = {
        "bibtex": lambda: citations.bibtex(refs),
        "ris": lambda: citations.ris(refs),
        "csl-json": lambda: json.dumps(citations.csl_json(refs), ensure_ascii=False, indent=2),
    }[fmt]()
    if fmt == "csl-json":
        assert json.loads(out) == json.loads(expected)
        _csl_ok(out, refs)
    else:
        assert out.rstrip("\n") == expected.rstrip("\n")
        (_bibtex_ok if fmt == "bibtex" else _ris_ok)(out, len(refs))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(valid_reference(), min_size=1, max_size=4), st.data())
def test_generated_references_round_trip_through_refs_format(
    tmp_path: Path, refs: list[dict[str, Any]], data: st.DataObject
) -> None:
    ids = data.draw(st.lists(_KEBAB, min_size=len(refs), max_size=len(refs), unique=True))
    refs = [{"id": i, **r} for i, r in zip(ids, refs, strict=True)]
    path = tmp_path / f"refs-{abs(hash(tuple(ids)))}.yaml"
    path.write_text(_pack_with(refs), encoding="utf-8")
    problems = heroinfacts.validate(str(path))
    assert problems == [], problems  # the generator makes only valid references
    kb = heroinfacts.load([path], use_cache=False)
    stored = [dict(kb.reference(i).csl) for i in ids]
    for fmt in ("bibtex", "ris", "csl-json"):
        out = _cli_refs(["--for", "prop-topic", "-F", fmt, "--pack", str(path)])
        if fmt == "bibtex":
            _bibtex_ok(out, len(refs))
            assert out.rstrip("\n") == citations.bibtex(stored).rstrip("\n")
        elif fmt == "ris":
            _ris_ok(out, len(refs))
            assert out == citations.ris(stored)
        else:
            _csl_ok(out, [{**r, "title": r["title"].strip()} for r in stored])


# --- the validator: any YAML document gives problems or [], never an exception ----------------

_KEYS = st.sampled_from(
    ["schema", "bundle", "references", "topics", "lists", "glossary", "resources", "aliases",
     "severities", "classes", "substances", "interactions", "id", "title", "type", "author",
     "issued", "date-parts", "facts", "text", "cites", "items", "contacts", "kind", "value",
     "family", "literal", "proportion", "numerator", "denominator", "wording", "override",
     "severity", "note", "add", "summary", "related", "concerns", "verified", "reviewed"]
)  # fmt: skip
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.datetimes()
    | st.sampled_from(["heroin", "article", "opioid", "overdose", "dangerous", "call", "topic"])
)
_DOCS = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_KEYS | st.text(max_size=6) | st.integers(0, 3), inner, max_size=5)
    ),
    max_leaves=40,
)


def _dump(doc: Any) -> bytes:
    try:
        return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, UnicodeEncodeError):
        assume(False)
        raise  # pragma: no cover - assume() does not return


def _check_problems(problems: list[Problem], files: set[str]) -> None:
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem), p
        assert p.file in files, p
        assert isinstance(p.line, int) and p.line >= 0, p
        assert isinstance(p.message, str) and p.message.strip(), p
        assert "\n" not in p.message, p
    keys = [(p.file, p.line) for p in problems]
    assert keys == sorted(keys)


def _compile_both_ways(raw: bytes) -> None:
    """As a pack beside the shipped data and as an edited copy of the shipped data."""
    base = SourceFile("data/facts.yaml", shipped_raw(), True)
    for files in (
        [base, SourceFile("pack.yaml", raw, False)],
        [SourceFile("core.yaml", raw, True)],
    ):
        compiled, problems = compile_sources(files)
        _check_problems(problems, {f.name for f in files})
        if not problems:
            _loadable(compiled)


def _loadable(compiled: Any) -> None:
    """Valid data is data the store can hold and serve, search index included."""
    import sqlite3

    from heroinfacts import store
    from heroinfacts.cache import fill

    conn = sqlite3.connect(":memory:")
    fill(conn, compiled, {"fingerprint": "x", "checksum": "y", "tool_version": "z"})
    kb = store.KnowledgeBase(conn)
    for topic in kb.topics():
        assert kb.topic(topic.id).id == topic.id
    kb.sign_lists(), kb.terms(), kb.references(), kb.interactions(), kb.resources()
    assert kb.bundle.id


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS | st.text(max_size=5), _DOCS, max_size=6) | _DOCS)
def test_any_yaml_document_gives_problems_never_an_exception(doc: Any) -> None:
    _compile_both_ways(_dump(doc))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@functools.cache
def _shipped_doc() -> tuple[Any, list[tuple[Any, ...]]]:
    doc = yaml.safe_load(shipped_raw())
    return doc, _paths(doc)


@st.composite
def mutated_shipped(draw: st.DrawFn) -> Any:
    """The shipped document with a few values replaced, deleted, duplicated or added."""
    original, paths = _shipped_doc()
    doc = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths[1:]))
        parent = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            key = path[-1]
            op = draw(st.sampled_from(["replace", "delete", "duplicate", "add-key"]))
            if op == "replace":
                parent[key] = draw(_DOCS)
            elif op == "delete":
                del parent[key]
            elif op == "duplicate" and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[key]))
            elif op == "add-key" and isinstance(parent, dict):
                parent[draw(_KEYS | st.text(max_size=5))] = draw(_DOCS)
        except (KeyError, IndexError, TypeError):
            continue
    if draw(st.booleans()) and isinstance(doc, dict) and isinstance(doc.get("bundle"), dict):
        doc["bundle"]["id"] = "another-pack"
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_shipped())
def test_mutated_shipped_data_gives_problems_never_an_exception(doc: Any) -> None:
    _compile_both_ways(_dump(doc))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated_shipped() | _DOCS)
def test_validate_api_never_raises(tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "pack.yaml"
    path.write_bytes(_dump(doc))
    _check_problems(heroinfacts.validate(str(path)), {str(path), "data/facts.yaml"})


def test_shipped_data_is_valid_and_a_fixed_point() -> None:
    assert compile_sources([SourceFile("data/facts.yaml", shipped_raw(), True)])[1] == []
    doc, _ = _shipped_doc()
    assert compile_sources([SourceFile("x.yaml", _dump(doc), True)])[1] == []


@pytest.mark.parametrize(
    "text",
    [
        "schema: 1\nbundle:\n  reviewed: 2026-13-45\n",
        "schema: 1\nbundle:\n  reviewed: 2026-02-30\n",
        "schema: 1\nbundle:\n  reviewed: 2001-12-14 25:00:00\n",
        "schema: 1\nbundle:\n  version: " + "9" * 5000 + "\n",
        "schema: 0x" + "f" * 5000 + "\n",
        "schema: 1\nbundle:\n  title: 0x" + "f" * 5000 + "\n",
        "schema: 1\nreferences:\n  - id: a\n    type: book\n    title: t\n"
        "    author:\n      - {family: x, 1: y}\n",
        "schema: 1\nreferences:\n  - id: a\n    type: book\n    title: t\n"
        "    issued: {date-parts: [[2020, 0x" + "f" * 5000 + "]]}\n",
    ],
    ids=[
        "impossible-date",
        "february-30",
        "impossible-time",
        "5000-digit-integer",
        "huge-hex-schema",
        "huge-hex-title",
        "author-with-an-integer-key",
        "huge-date-part",
    ],
)
def test_values_the_loader_cannot_build(text: str) -> None:
    """Regressions found by the fuzzers: each used to raise (exit 70) instead of a problem."""
    raw = textwrap.dedent(text).encode()
    _compile_both_ways(raw)
    problems = compile_sources([SourceFile("p.yaml", raw, False)])[1]
    assert problems and all(p.line >= 1 for p in problems)


def test_impossible_date_is_reported_at_its_line() -> None:
    raw = b"schema: 1\n# a comment\nbundle:\n  id: x\n  reviewed: 2026-13-45\n"
    problems = compile_sources([SourceFile("p.yaml", raw, False)])[1]
    assert [(p.line, "month must be in 1..12" in p.message) for p in problems] == [(5, True)]


def test_yamlio_parse_reports_unbuildable_values_itself() -> None:
    """yamlio.parse promises YamlProblem "on anything wrong"; a date it cannot build (or an
    over-long integer) escapes it as ValueError. compiler.parse covers for it; yamlio should not
    need that (issue 7, bug list in docs/robustness.md)."""
    from heroinfacts import yamlio

    for raw, line in [
        (b"schema: 1\nbundle:\n  reviewed: 2026-13-45\n", 3),
        (b"schema: 1\nversion: " + b"9" * 5000 + b"\n", 2),
    ]:
        with pytest.raises(yamlio.YamlProblem) as info:
            yamlio.parse(raw)
        assert info.value.line == line


def test_duplicate_keys_are_a_problem() -> None:
    """YAML requires unique keys; a second ``summary:`` must not silently replace the first
    (yamlio's loaders keep the last one: issue 7, bug list in docs/robustness.md)."""
    raw = shipped_raw().replace(b"\n    summary:", b"\n    summary: An extra one.\n    summary:", 1)
    problems = compile_sources([SourceFile("core.yaml", raw, True)])[1]
    assert any("summary" in p.message for p in problems), problems
