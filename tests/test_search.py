"""Search and ask: quality bar, ranking, slang, typos, crisis help, filters, fallback, hostility."""

from __future__ import annotations

import json
import math
import random
import sqlite3
import string
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import heroinfacts
from heroinfacts import search as S
from heroinfacts.cache import fill
from heroinfacts.compiler import SourceFile, compile_sources
from heroinfacts.eval import (
    BAR_RECALL_AT_1,
    BAR_RECALL_AT_3,
    evaluate,
    load_cases,
)
from heroinfacts.eval import (
    main as eval_main,
)
from heroinfacts.search import FILLER, Hit, SearchResult, ask, normalize_query, search
from heroinfacts.search import index as s_index
from heroinfacts.search import query as s_query
from heroinfacts.search import run as s_run
from heroinfacts.store import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
#: The dev split's figures (tests/eval), held so that a change that loses them fails.
DEV_RECALL_AT_1 = 0.80
DEV_RECALL_AT_3 = 0.90
DEV_WRONG_ANSWERS = 50  # of 131 questions the data does not answer
DEV_CRISIS_RECALL = 0.97
DEV_FALSE_ALARMS = 30
QUERIES = ROOT / "tests" / "queries.yaml"
SHIPPED = ROOT / "data" / "facts.yaml"
KINDS = ("fact", "topic", "list", "item", "term", "interaction", "resource", "reference")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HEROINFACTS_CACHE_DIR", str(tmp_path_factory.mktemp("search-cache")))
        mp.delenv(S.FALLBACK_ENV, raising=False)
        yield heroinfacts.load()


def _kb_from(*extra: tuple[str, str]) -> KnowledgeBase:
    """A knowledge base built in memory from the shipped data plus ``(name, yaml)`` packs."""
    files = [SourceFile("data/facts.yaml", SHIPPED.read_bytes(), True)]
    files += [SourceFile(name, text.encode(), False) for name, text in extra]
    compiled, problems = compile_sources(files)
    assert not problems, problems[:3]
    conn = sqlite3.connect(":memory:")
    fill(conn, compiled, {"fingerprint": "test", "checksum": "test", "tool_version": "0"})
    return KnowledgeBase(conn)


def _ids(result: SearchResult) -> list[str]:
    return [f"{h.kind}:{h.id}" for h in result.results]


# --- the quality bar --------------------------------------------------------------------------


def test_ask_meets_the_bar_on_the_question_set(kb: KnowledgeBase) -> None:
    report = evaluate(kb, load_cases(QUERIES))
    misses = [(o.case.question, o.rank, o.got[:3]) for o in report.misses]
    assert report.recall_at_1 >= BAR_RECALL_AT_1, misses
    assert report.recall_at_3 >= BAR_RECALL_AT_3, [m for m in misses if not m[1] or m[1] > 3]


def test_question_set_is_big_and_covers_every_topic(kb: KnowledgeBase) -> None:
    cases = load_cases(QUERIES)
    assert len(cases) >= 60
    covered: set[str] = set()
    fact_topic = {f.id: t.id for t in kb.topics() for f in t.facts}
    for case in cases:
        for kind, ids in case.expect:
            covered |= set(ids) if kind == "topic" else {fact_topic.get(i, "") for i in ids}
    assert {t.id for t in kb.topics()} <= covered


def test_eval_cli_prints_json(kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    assert eval_main([str(QUERIES), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"questions", "recall_at_1", "recall_at_3", "mrr", "misses"}
    assert data["recall_at_3"] >= BAR_RECALL_AT_3


# --- results and their shape ------------------------------------------------------------------


def test_hit_and_result_dicts_have_the_documented_keys(kb: KnowledgeBase) -> None:
    found = search(kb, "gaba")
    hit = found.results[0]
    assert set(hit.to_dict()) == {"kind", "id", "topic", "title", "text", "citations", "score"}
    assert isinstance(hit.to_dict()["citations"], list)
    assert set(found.to_dict()) == {"query", "corrected", "results"}
    asked = ask(kb, "what is gaba")
    assert set(asked.to_dict()) == {
        "query",
        "corrected",
        "results",
        "answered",
        "crisis",
        "message",
        "next_topic",
    }
    json.dumps(asked.to_dict(), allow_nan=False)


def test_fact_hits_carry_topic_title_and_citations(kb: KnowledgeBase) -> None:
    result = ask(kb, "is heroin an opioid")
    best = result.results[0]
    assert best.kind == "fact" and best.topic == "heroin"
    assert best.title == kb.topic("heroin").title
    assert best.citations and all(kb.reference(c) for c in best.citations)
    assert result.next_topic and result.next_topic != best.topic
    assert len(result.results) <= 5


def test_scores_are_finite_and_in_order(kb: KnowledgeBase) -> None:
    result = search(kb, "heroin depression", limit=20)
    scores = [h.score for h in result.results]
    assert scores == sorted(scores, reverse=True)
    assert all(math.isfinite(s) for s in scores)


def test_references_are_found_by_author_year_title_and_pmid(kb: KnowledgeBase) -> None:
    assert search(kb, "darke 2009").results[0].id == "darke-2009"
    assert search(kb, "19215987").results[0].id == "darke-2009"
    assert search(kb, "pmid 21999943", kinds=["reference"]).results[0].id == "martins-2012"
    ref = search(kb, "Treating depression complicated by substance misuse").results[0]
    assert (ref.kind, ref.id) == ("reference", "mcintosh-ritson-2018")
    assert "2001" in ref.text and ref.citations == ("mcintosh-ritson-2018",)


def test_every_kind_can_be_found(kb: KnowledgeBase) -> None:
    assert search(kb, "trouble sleeping", kinds=["item"]).results[0].topic == "signs-of-depression"
    assert search(kb, "signs of depression").results[0].id == "signs-of-depression"
    assert search(kb, "benzos", kinds=["interaction"]).results[0].id == "opioid-benzodiazepine"
    assert search(kb, "samhsa helpline", kinds=["resource"]).results[0].id == (
        "samhsa-national-helpline"
    )
    assert search(kb, "going on the nod", kinds=["term"]).results[0].id == "going-on-the-nod"


# --- ranking ----------------------------------------------------------------------------------


def test_title_and_alias_matches_outrank_passing_mentions(kb: KnowledgeBase) -> None:
    assert _ids(search(kb, "gaba"))[0] == "term:gaba"  # facts only mention GABA
    assert _ids(search(kb, "tolerance"))[0] in ("term:tolerance", "topic:tolerance-and-withdrawal")
    assert _ids(search(kb, "smack"))[0] == "topic:heroin"  # an alias, used in no text


PACK = """\
schema: 1
bundle: {{id: ranking-pack, title: Ranking pack, version: 1.0.0, language: en,
  reviewed: 2026-11-26, license: CC0, disclaimer: Test data.}}
references: []
topics:
  - id: zorblax-basics
    title: What is zorblax?
    aliases: [zorb]
    summary: A made-up word for testing.
    facts:
      - {{id: zorblax-is-made-up, text: This fact is about something else entirely.,
          cites: [article]}}
  - id: other-things
    title: Other things
    summary: Unrelated.
    facts:
      - {{id: mentions-zorblax, text: "Among many other words, this one says zorblax once{tail}.",
          cites: [article]}}
"""


def test_a_title_match_beats_a_mention_in_a_fact() -> None:
    kb = _kb_from(("ranking.yaml", PACK.format(tail=" and then much more text")))
    assert _ids(search(kb, "zorblax"))[0] == "topic:zorblax-basics"
    assert _ids(search(kb, "zorb"))[0] == "topic:zorblax-basics"  # alias
    assert _ids(ask(kb, "what is zorb"))[0] == "fact:zorblax-is-made-up"  # through its topic


# --- ask: the question's subject, its lead, lists, nothing ------------------------------------


LEAD_PACK = """\
schema: 1
bundle: {id: lead-pack, title: Lead pack, version: 1.0.0, language: en,
  reviewed: 2026-11-26, license: CC0, disclaimer: Test data.}
references: []
topics:
  - id: is-quux-a-blorb
    title: Is quux a blorb?
    aliases: [quux blorb]
    summary: Not quite. Quux acts like a blorb.
    facts:
      - {id: quux-not-quite-a-blorb, text: Not quite. Quux is a flim that acts like one.,
         cites: [article]}
      - {id: people-call-quux-a-blorb, text: People sometimes call quux a blorb. A blorb a
           blorb a blorb., cites: [article]}
      - {id: quux-is-purple, text: Quux is purple when it is cold., cites: [article]}
"""


def test_a_question_that_names_a_topic_gets_its_lead() -> None:
    kb = _kb_from(("lead.yaml", LEAD_PACK))
    # The second fact says "blorb" more often, but the question is the topic's own title.
    for q in ("is quux a blorb", "quux blorb?", "Is quux a blorb or not"):
        assert _ids(ask(kb, q))[:2] == [
            "fact:quux-not-quite-a-blorb",
            "fact:people-call-quux-a-blorb",
        ], q
    # A fact of the topic that says more of the question in its own words comes first.
    assert _ids(ask(kb, "is quux purple"))[0] == "fact:quux-is-purple"


def test_shipped_topic_leads_answer_their_questions(kb: KnowledgeBase) -> None:
    cases = {
        "is heroin a depressant": "heroin-not-a-classic-depressant",
        "is smack a downer": "heroin-not-a-classic-depressant",
        "herion depresant": "heroin-not-a-classic-depressant",
        "is heroin legal": "heroin-is-schedule-i",
        "can heroin kill you": "heroin-alone-can-stop-breathing",
        "how do i get clean": "help-exists-do-not-wait",  # "get clean": alias "getting clean"
        "is heroin an opioid": "heroin-is-an-opioid",  # the topic's fact that says it all
        "what is 988": "lifeline-988",
    }
    for q, fact in cases.items():
        assert _ids(ask(kb, q))[0] == f"fact:{fact}", q
    # a comparison is answered by the fact or the glossary's two senses of the word
    assert _ids(ask(kb, "whats the difference between depression and depressant"))[0] in (
        "fact:two-meanings-of-depression",
        "term:depression-slowed-body-functions",
        "term:depression-mood-disorder",
    )


def test_lead_answers_are_scored_in_order(kb: KnowledgeBase) -> None:
    for q in ("is heroin a depressant", "signs someone is depressed", "what is 988"):
        scores = [h.score for h in ask(kb, q).results]
        assert scores == sorted(scores, reverse=True), q
        assert all(math.isfinite(s) for s in scores)


def test_signs_questions_are_answered_by_a_list(kb: KnowledgeBase) -> None:
    for q in (
        "signs someone is depressed",
        "symptoms of depression",
        "how do i know if im depressed",
    ):
        result = ask(kb, q)
        best = result.results[0]
        assert (best.kind, best.id) == ("list", "signs-of-depression"), q
        assert best.topic is None and best.title == "Signs of depression"
        assert best.text.startswith("Signs of depression: feeling low") and "hopeless" in best.text
        assert best.citations == tuple(kb.sign_list("signs-of-depression").cites)
        # the list's crisis concerns bring the help resource along, last
        assert result.results[-1].kind == "resource" and len(result.results) <= S.ASK_FACTS
    # a question that does not ask for signs is answered by a fact, even if a list matches
    assert ask(kb, "does heroin help with pain").results[0].kind in ("fact", "item")
    assert ask(kb, "what is depression").results[0].id == "depression-is-a-mood-disorder"


def test_two_drugs_make_a_mixing_question_only_when_joined(kb: KnowledgeBase) -> None:
    mixing = "mixing-can-stop-breathing"  # the danger first
    for q in (
        "sleeping pills and heroin",
        "can i take ambien with dope",
        "xannies and dope together",
    ):
        # the danger first, or what the data says of the pair (an interaction answers now)
        first = ask(kb, q).results[0]
        assert first.id == mixing or first.kind == "interaction", q
    assert ask(kb, "is xanax an opioid").results[0].topic == "cns-depressants"


def test_questions_about_what_the_data_lacks_find_nothing(kb: KnowledgeBase) -> None:
    for q in ("what is fentanyl", "how much does heroin cost"):
        result = ask(kb, q)
        assert result.results == () and result.suggestions, q
        assert result.to_dict()["suggestions"] == list(result.suggestions)
    # alcohol is in the data now, with the danger first
    assert ask(kb, "can i drink alcohol on heroin").results[0].id == (
        "alcohol-with-opioids-is-dangerous"
    )
    # the pages the known words found come first among the suggestions
    assert ask(kb, "how much does heroin cost").suggestions[0] == "heroin"
    # ... but an unknown word beside a known subject still gets a related general answer
    first = ask(kb, "is alcohol a depressant").results[0]
    assert first.topic == "cns-depressants" or first.id == "cns-depressant"


def test_words_of_time_and_verbs_do_not_mislead(kb: KnowledgeBase) -> None:
    assert ask(kb, "how long does heroin withdrawal last").results[0].topic == "withdrawal"
    assert ask(kb, "can you get hooked on smack the first time").results[0].topic == "addiction"
    assert ask(kb, "does heroin help with pain").results[0].id in (
        "heroin-dulls-pain-and-slows-body",
        "dulled-pain",  # the effects list's item says it too
    )
    assert ask(kb, "im scared my son is using heroin what do i do").results[0].topic == (
        "getting-help"
    )


def test_aliases_match_other_forms_of_their_words(kb: KnowledgeBase) -> None:
    assert s_query._analyze(kb.conn, "get clean", True).groups[0].clauses[0] == (("get", "clean"),)
    assert ask(kb, "how do i get clean").results[0].topic == "getting-help"
    assert ask(kb, "i feel down all the time").results  # "feeling down"


def test_eval_accepts_nothing_as_an_answer(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(
        "queries:\n"
        "  - {q: what is fentanyl, expect: {kind: nothing}}\n"
        "  - q: is heroin legal\n"
        "    expect: [{kind: nothing}, {kind: fact, id: heroin-is-schedule-i}]\n"
        "  - {q: what is gaba, expect: {kind: nothing}}\n",
        encoding="utf-8",
    )
    report = evaluate(kb, load_cases(path))
    assert [o.rank for o in report.outcomes] == [1, 1, None]
    with pytest.raises(ValueError, match="needs `kind` and `id`"):
        bad = tmp_path / "bad.yaml"
        bad.write_text("queries:\n  - {q: x, expect: {kind: fact}}\n", encoding="utf-8")
        load_cases(bad)


# --- query understanding ----------------------------------------------------------------------


def test_slang_expands_to_what_it_names(kb: KnowledgeBase) -> None:
    result = ask(kb, "is smack a downer")
    assert result.results[0].topic == "is-heroin-a-depressant"
    assert "heroin" in result.terms and result.corrected is None
    assert ask(kb, "nodding off on dope").results[0].topic == "effects-of-heroin"
    mixing = ask(kb, "can i take xanax with heroin")
    assert mixing.results[0].id == "mixing-can-stop-breathing"


def test_multi_word_aliases_are_matched(kb: KnowledgeBase) -> None:
    assert ask(kb, "what does on the nod mean").results[0].id == "going-on-the-nod"
    # "dope sick" names the withdrawal topic now; with "depressed" an answer about depression
    # leads (the low mood after quitting, tolerance-and-withdrawal, would be better still)
    assert ask(kb, "dope sick and depressed").results[0].topic in (
        "heroin-and-depression",
        "long-term-harms",
        "tolerance-and-withdrawal",
    )
    assert ask(kb, "dope sick").results[0].topic == "withdrawal"


def test_typos_are_corrected_and_reported(kb: KnowledgeBase) -> None:
    result = ask(kb, "herion depresant")
    assert result.corrected == "herion depressant"
    assert result.results[0].topic == "is-heroin-a-depressant"
    side = search(kb, "heroine side affects")
    assert side.corrected == "heroine side effects"
    assert "effects" in side.terms
    assert ask(kb, "waht is tolerance").corrected == "what is tolerance"


def test_known_words_and_inflections_are_not_corrected(kb: KnowledgeBase) -> None:
    questions = ("is heroin a depressant", "can heroin stop you breathe", "benzos", "xannies")
    for q in (*questions, "my friend overdosed", "my buddy is sleepy"):
        assert search(kb, q).corrected is None, q


def test_question_words_are_dropped() -> None:
    assert normalize_query("Why do I feel so LOW after quitting dope?") == [
        "feel",
        "low",
        "quitting",
        "dope",
    ]
    assert normalize_query("What is the meaning of Schedule I?") == ["schedule"]
    assert normalize_query("Café crème — über") == ["cafe", "creme", "uber"]
    assert normalize_query("don't") == ["dont"] or normalize_query("don't") == []


# --- crisis help ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "resource"),
    [
        ("who do i call if i want to kill myself", "lifeline-988"),
        ("i want to die", "lifeline-988"),
        ("thinking about hurting myself", "lifeline-988"),
        ("I've been having suicidal thoughts", "lifeline-988"),
        ("suicde hotline", "lifeline-988"),
        ("i keep thinking about death", "lifeline-988"),
        ("my friend overdosed what do i do", "emergency-911"),
        ("is my buddy ODing", "emergency-911"),
        ("he took too much and is not breathing", "emergency-911"),
    ],
)
def test_crisis_questions_put_the_help_resource_first(
    kb: KnowledgeBase, question: str, resource: str
) -> None:
    for result in (ask(kb, question), search(kb, question)):
        assert (result.results[0].kind, result.results[0].id) == ("resource", resource)
    scores = [h.score for h in search(kb, question).results]
    assert scores == sorted(scores, reverse=True)


def test_ordinary_questions_get_no_crisis_resource(kb: KnowledgeBase) -> None:
    for q in ("what is gaba", "is heroin illegal", "how do benzos work"):
        assert ask(kb, q).results[0].kind in ("fact", "term"), q  # a term answers "what is"


# --- filters, limits, nothing found -----------------------------------------------------------


def test_kinds_filter_and_limit(kb: KnowledgeBase) -> None:
    only_terms = search(kb, "heroin depression", kinds=["term"], limit=50)
    assert only_terms.results and {h.kind for h in only_terms.results} == {"term"}
    two = search(kb, "heroin", kinds=["fact", "topic"], limit=2)
    assert len(two.results) == 2 and {h.kind for h in two.results} <= {"fact", "topic"}
    assert len(search(kb, "heroin", limit=3).results) == 3
    assert search(kb, "heroin", limit=0).results == ()
    with pytest.raises(ValueError, match="unknown kind"):
        search(kb, "heroin", kinds=["facts"])


def test_crisis_help_respects_an_explicit_kinds_filter(kb: KnowledgeBase) -> None:
    result = search(kb, "overdose slowed breathing", kinds=["term"])
    assert result.results and {h.kind for h in result.results} == {"term"}


def test_nothing_found_gives_suggestions(kb: KnowledgeBase) -> None:
    result = search(kb, "zzzxqy")
    assert result.results == () and result.suggestions
    assert result.to_dict()["suggestions"] == list(result.suggestions)
    close = search(kb, "hallucinogenz")
    assert close.results == () or close.corrected
    topics = {t.id for t in kb.topics()}
    assert set(search(kb, "qqqq").suggestions) <= topics | set(search(kb, "qqqq").suggestions)
    near = ask(kb, "xylophonic quasar")
    assert near.results == () and near.suggestions and near.next_topic is None


# --- the fallback without FTS5 ----------------------------------------------------------------


@pytest.fixture
def plain_kb(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    monkeypatch.setenv(S.FALLBACK_ENV, "1")  # the same index, searched without FTS5
    return kb


def test_fallback_search_is_correct_and_says_so(plain_kb: KnowledgeBase) -> None:
    result = search(plain_kb, "gaba")
    assert result.notice == S.FORCED_NOTICE
    assert _ids(result)[0] == "term:gaba"
    assert search(plain_kb, "darke 2009").results[0].id == "darke-2009"
    assert ask(plain_kb, "is smack a downer").results[0].topic == "is-heroin-a-depressant"
    assert ask(plain_kb, "i want to kill myself").results[0].id == "lifeline-988"
    assert search(plain_kb, "herion depresant").corrected == "herion depressant"
    only = search(plain_kb, "heroin", kinds=["term"], limit=2)
    assert len(only.results) <= 2 and {h.kind for h in only.results} == {"term"}
    assert search(plain_kb, "zzzxqy").suggestions


def test_fallback_is_used_when_sqlite_lacks_fts5(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s_index, "_FTS5", False)  # as if this Python's SQLite had no FTS5
    result = ask(kb, "what is gaba")
    assert result.notice == S.NOTICE
    assert result.results[0].id in ("cns-depressants-boost-gaba", "gaba")


def test_an_index_built_without_fts5_works_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s_index, "_FTS5", False)
    built = _kb_from()
    assert not s_query._has_table(built.conn, "search_fts")
    assert search(built, "darke 2009").results[0].id == "darke-2009"
    assert search(built, "gaba").notice == S.NOTICE
    monkeypatch.setattr(s_index, "_FTS5", True)  # a later Python with FTS5, same cache file
    result = search(built, "gaba")
    assert result.notice == S.STALE_NOTICE and result.results[0].id == "gaba"


def test_the_fallback_switch_does_not_change_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEROINFACTS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv(S.FALLBACK_ENV, "1")
    assert s_query._has_table(heroinfacts.load().conn, "search_fts")


def test_fallback_meets_a_lower_bar(plain_kb: KnowledgeBase) -> None:
    report = evaluate(plain_kb, load_cases(QUERIES))
    assert report.recall_at_3 >= 0.75


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = [
    "",
    "   \t\n",
    '"',
    '""""',
    "*",
    "heroin*",
    "NEAR(heroin depression, 2)",
    "heroin AND OR NOT depression",
    "-heroin",
    "^heroin",
    "names: heroin",
    "{names body}: heroin",
    "heroin + (depression",
    "\x00\x01\x1b[31mred",
    "مرحبا هل الهيروين مهدئ",  # right-to-left
    "\u202eheroin\u202c",
    "💉💊🤮",
    "ｈｅｒｏｉｎ",  # full width
    "a" * 100_000,
    "heroin " * 20_000,
    " ".join(random.Random(1).choices(string.ascii_lowercase, k=50_000)),
    "'; DROP TABLE records; --",
    "%_\\",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_raise(kb: KnowledgeBase, query: str) -> None:
    start = time.perf_counter()
    for result in (search(kb, query), ask(kb, query)):
        json.dumps(result.to_dict(), allow_nan=False)
        assert all(isinstance(h, Hit) and math.isfinite(h.score) for h in result.results)
    assert time.perf_counter() - start < 5


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
def test_normalize_query_properties(text: str) -> None:
    words = normalize_query(text)
    assert len(words) <= 32
    for w in words:
        assert (
            w and w == w.casefold() and not any(c.isspace() for c in w)
        )  # casefold, not lower: Cherokee folds to upper
        assert w not in FILLER
        assert all(c.isalnum() for c in w)
    assert normalize_query(" ".join(words)) == words  # idempotent
    assert normalize_query(text.upper()) == normalize_query(text.lower()) or not text.isascii()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                [
                    '"',
                    "*",
                    "(",
                    ")",
                    "NEAR",
                    "AND",
                    "OR",
                    "NOT",
                    "-",
                    "^",
                    ":",
                    "{",
                    "}",
                    "+",
                    "heroin",
                    "smack",
                    "od",
                    "kill",
                    "myself",
                    "herion",
                    "on",
                    "the",
                    "nod",
                    "é",
                ]
            ),
            max_size=30,
        ).map(" ".join),
    ),
    st.sampled_from([None, ["fact"], ["term", "reference"], list(KINDS)]),
    st.integers(min_value=0, max_value=60),
)
def test_search_never_raises(
    kb: KnowledgeBase, query: str, kinds: list[str] | None, limit: int
) -> None:
    result = search(kb, query, kinds=kinds, limit=limit)
    assert len(result.results) <= limit
    if kinds:
        assert {h.kind for h in result.results} <= set(kinds)
    json.dumps(result.to_dict(), allow_nan=False)
    json.dumps(ask(kb, query).to_dict(), allow_nan=False)


# --- scale ------------------------------------------------------------------------------------


def _synthetic_pack(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    syllables = ["ba", "ko", "ri", "men", "tal", "sor", "vin", "dek", "lo", "pra", "qui", "zen"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))

    common = "people use brain body may risk health help pain sleep mood doctor".split()

    def sentence(k: int) -> str:
        words = [rng.choice(common) if rng.random() < 0.2 else word() for _ in range(k)]
        return " ".join(words).capitalize() + "."

    lines = [
        "schema: 1",
        "bundle: {id: synthetic, title: Synthetic, version: 1.0.0, language: en,",
        "  reviewed: 2026-11-26, license: CC0, disclaimer: Synthetic test data.}",
        "references: []",
        "topics:",
    ]
    for i in range(n):
        lines += [
            f"  - id: synthetic-{i}",
            f"    title: {sentence(4)[:-1]} {i}",
            f"    aliases: [synth alias {i}]",
            f"    summary: {sentence(15)}",
            "    facts:",
        ]
        lines += [
            f"      - {{id: synthetic-{i}-{j}, text: {sentence(18)}, cites: [article]}}"
            for j in range(5)
        ]
    lines += [
        "  - id: needle",
        "    title: The needle topic",
        "    summary: Findable.",
        "    facts:",
        "      - {id: needle-fact, text: Quuxotic flibbertigibbet sentence., cites: [article]}",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def big_kb() -> KnowledgeBase:
    return _kb_from(("synthetic.yaml", _synthetic_pack(2000)))


def test_larger_index_still_answers_correctly(big_kb: KnowledgeBase) -> None:
    assert big_kb.count("topic") > 2000
    assert ask(big_kb, "is smack a downer").results[0].topic == "is-heroin-a-depressant"
    assert ask(big_kb, "what is gaba").results[0].id in ("cns-depressants-boost-gaba", "gaba")
    assert ask(big_kb, "i want to kill myself").results[0].id == "lifeline-988"
    assert _ids(search(big_kb, "quuxotic flibbertigibbet"))[0] == "fact:needle-fact"
    assert search(big_kb, "synth alias 1234").results[0].id == "synthetic-1234"
    report = evaluate(big_kb, load_cases(QUERIES))
    assert report.recall_at_3 >= 0.9


def test_large_index_path_bounds_the_rows_it_ranks(
    big_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s_run, "LARGE_INDEX", 1000)  # treat 12,000 rows as a large index
    monkeypatch.setattr(s_run, "COMMON_DF", 200)
    assert ask(big_kb, "is smack a downer").results[0].topic == "is-heroin-a-depressant"
    assert search(big_kb, "people body pain").results  # only common words
    assert _ids(search(big_kb, "quuxotic people"))[0] == "fact:needle-fact"


def test_spelling_correction_stays_fast_with_a_large_vocabulary() -> None:
    rng = random.Random(3)
    conn = sqlite3.connect(":memory:")
    conn.executescript(s_index.SCHEMA)
    words = {
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 12))) for _ in range(60_000)
    }
    words |= {"depressant", "withdrawal"}
    conn.executemany("INSERT INTO search_vocab VALUES (?, 1)", ((w,) for w in words))
    conn.executemany(
        "INSERT INTO search_vocab_rev VALUES (?, 1)", ((w[::-1],) for w in words if len(w) >= 5)
    )
    # Its speed is measured in bench/, not here: shared machines make timed tests flaky.
    fixes = [s_query._close_words(conn, w) for w in ("depresant", "withdrawl", "widthdrawal")]
    assert fixes[0] == ["depressant"] and fixes[1] == ["withdrawal"]


def test_reference_hits_read_as_apa_entries(kb: KnowledgeBase) -> None:
    from heroinfacts.citations import apa

    hits = [h for h in search(kb, "darke 2009").results if h.kind == "reference"]
    assert hits and hits[0].id == "darke-2009"
    assert hits[0].text == apa(kb.reference("darke-2009").csl).strip()


# --- the held-out sets (tests/eval): the dev split's figures, crisis routing first ----------


@pytest.fixture(scope="module")
def dev(kb: KnowledgeBase) -> dict[str, object]:
    from heroinfacts.eval import evaluate_sets, summary

    return summary(evaluate_sets(kb, ROOT / "tests" / "eval")["dev"])


def test_dev_split_keeps_its_figures(dev: dict[str, object]) -> None:
    answers = dev["answers"]
    assert isinstance(answers, dict)
    assert answers["recall_at_1"] >= DEV_RECALL_AT_1, answers
    assert answers["recall_at_3"] >= DEV_RECALL_AT_3, answers


def test_dev_split_crisis_messages_get_their_line_first(dev: dict[str, object]) -> None:
    crisis, look, abst = dev["crisis"], dev["lookalikes"], dev["abstention"]
    assert isinstance(crisis, dict) and isinstance(look, dict) and isinstance(abst, dict)
    assert crisis["recall"] >= DEV_CRISIS_RECALL, crisis
    assert crisis["dosing_given_a_fact"] <= 1, crisis
    assert look["false_alarms"] <= DEV_FALSE_ALARMS, look
    assert abst["dosing_given_a_fact"] <= 1, abst


def test_dev_split_keeps_its_abstention(dev: dict[str, object]) -> None:
    abst = dev["abstention"]
    assert isinstance(abst, dict)
    assert abst["wrong_answers"] <= DEV_WRONG_ANSWERS, abst
    assert abst["wrong_refusals"] <= 6, abst


def test_search_words_of_facts_and_items_find_them(kb: KnowledgeBase) -> None:
    # words the entries never say, only their search words
    assert _ids(ask(kb, "never hungry these days, is that depression"))[0] == "item:appetite-change"
    assert _ids(ask(kb, "my mom needs to know: what is the recovery position"))[0] == (
        "item:step-lay-on-side"
    )
    assert _ids(ask(kb, "can you get naloxone over the counter"))[0] == (
        "fact:naloxone-without-prescription"
    )


def test_a_pack_fact_and_item_take_search_words() -> None:
    pack = """
schema: 1
bundle: {id: words-pack, title: Words pack, version: 1.0.0, language: en,
  reviewed: 2026-11-26, license: CC0, disclaimer: Test data.}
references: []
topics:
  - id: local
    title: Local clinic hours
    summary: When the local clinic is open.
    facts:
      - id: local-fact
        text: The clinic opens at nine.
        search_words: [walk in clinic]
        cites: [article]
lists:
  - id: local-list
    title: What to bring
    cites: [article]
    items:
      - id: local-item
        text: A photo card
        search_words: [drivers license]
"""
    kb = _kb_from(("pack.yaml", pack))
    assert _ids(ask(kb, "when is the walk in clinic open"))[0] == "fact:local-fact"
    assert "item:local-item" in _ids(search(kb, "drivers license"))
    bad = pack.replace("[walk in clinic]", "12")
    _, problems = compile_sources(
        [
            SourceFile("data/facts.yaml", SHIPPED.read_bytes(), True),
            SourceFile("pack.yaml", bad.encode(), False),
        ]
    )
    assert any("search_words" in str(p) for p in problems), problems


def test_a_drugs_slang_name_reads_as_its_name_in_search_phrases(kb: KnowledgeBase) -> None:
    # "what does heroin do" is a search phrase of the effects topic; smack names heroin
    assert ask(kb, "what does smack do").results[0].topic == "effects-of-heroin"
    assert s_query._canonical(s_query._aliases(kb.conn, ["smack"]), ["smack"]) == {
        "smack": "heroin"
    }


def test_brand_names_and_if_make_a_question_about_mixing(kb: KnowledgeBase) -> None:
    assert "interaction:opioid-benzodiazepine" in _ids(ask(kb, "klonopin and oxy"))[:2]
    assert (
        "interaction:opioid-benzodiazepine"
        in _ids(ask(kb, "can i take valium if i use heroin"))[:2]
    )


def test_questions_about_what_the_data_lacks_are_not_answered(kb: KnowledgeBase) -> None:
    # half or more of what is asked is words the data lacks: no answer
    for q in ("how much does narcan cost at walgreens", "is kratom an opioid",
              "does weed help with withdrawal"):  # fmt: skip
        result = ask(kb, q)
        assert not result.answered and not result.results, q
    # everyday words the data lacks (people, times, talk) do not count
    result = ask(kb, "sorry dumb question but my boyfriend lately seems cranky, is that depression")
    assert result.answered and _ids(result)[0] == "item:irritability"


@pytest.mark.parametrize(
    ("message", "concern"),
    [
        ("he's not breathing", "overdose"),
        ("cant wake her", "overdose"),
        ("my friend is nodding and won't wake up", "overdose"),
        ("gonna take my whole xanax script with my dope tonight, dont really care", "suicide"),
        ("nobody would even miss me if i od'd", "suicide"),
        ("what does an overdose feel like", None),
        ("suicide rates among users", None),
        ("can heroin make you stop breathing", None),
    ],
)
def test_crisis_model_reads_panic_and_spares_general_questions(
    message: str, concern: str | None
) -> None:
    from heroinfacts.search.crisis import detect

    assert detect(message).concern == concern


def test_amounts_get_help_lines_and_no_fact(kb: KnowledgeBase) -> None:
    for q in (
        "how much heroin to get high",
        "best way to smoke dope",
        "what is a lethal dose of heroin",
        "how many xans with dope would it take to kill me",
    ):
        result = ask(kb, q)
        # a lethal amount is a suicide message too: its line first, still no fact and the
        # sentence that there is no dosing advice
        assert result.message == S.answer.NO_DOSING, q
        assert result.answered == bool(result.crisis), q
        assert result.results and all(h.kind == "resource" for h in result.results), q
    assert ask(kb, "how many xans with dope would it take to kill me").crisis == "suicide"


def test_filler_and_unknown_words_do_not_empty_an_answer(kb: KnowledgeBase) -> None:
    for q in ("heroin facts", "wat is heroin", "explain heroin to me"):
        result = ask(kb, q)
        assert result.answered and result.results[0].topic == "heroin", q


def test_public_api_asks_and_searches() -> None:
    result = heroinfacts.ask("he's not breathing")
    assert result.crisis == "overdose" and result.results[0].id == "emergency-911"
    assert heroinfacts.search("benzos", limit=2).results
