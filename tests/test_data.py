"""The shipped knowledge base: valid, fully cited, exact, in plain words and in its own words."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import textstat  # type: ignore[import-untyped]
import yaml

import heroinfacts
from heroinfacts.sources import shipped

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    doc = yaml.safe_load(shipped().read())
    assert isinstance(doc, dict)
    return doc


def all_facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for t in data["topics"] for f in t["facts"]]


def ref_ids(cites: list[Any]) -> list[str]:
    """The reference ids of a `cites` list: `article` bare, every other one a check record."""
    return [c if isinstance(c, str) else c["ref"] for c in cites]


def cite_lists(data: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    out = [(f"fact {f['id']}", f["cites"]) for f in all_facts(data)]
    for section in ("lists", "glossary", "interactions", "resources", "substances"):
        out += [(f"{section} {e['id']}", e["cites"]) for e in data.get(section, [])]
    return out


def cited_by_entries(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(what, ref_ids(cites)) for what, cites in cite_lists(data)]


def kept(ref: dict[str, Any]) -> bool:
    return bool(str(ref.get("custom", {}).get("kept", "")).strip())


# The 17 references the article lists, with the year it gives for each.
LISTED = {
    "cdc-2017-opioid-overdose": 2017,
    "darke-2009": 2009,
    "ecnp-2007-opioid-system": 2007,
    "hasin-2002": 2002,
    "jones-2015": 2015,
    "martins-2012": 2012,
    "mcintosh-ritson-2018": 2001,  # the article says 2018, when it went online
    "merrer-2009": 2009,
    "nida-2010-comorbidity": 2010,
    "nida-2018-heroin": 2018,
    "nunes-levin-2004": 2004,
    "scherrer-2016": 2016,
    "samhsa-2013-overdose-toolkit": 2013,
    "fda-2018-opioid-medications": 2018,
    "medlineplus-2018-depression": 2018,
    "medlineplus-2018-withdrawal": 2018,
    "medlineplus-2017-pain-medications": 2017,
}


def test_shipped_data_validates() -> None:
    assert heroinfacts.validate() == []


def test_every_entry_cites_an_existing_reference(data: dict[str, Any]) -> None:
    refs = {r["id"] for r in data["references"]}
    for what, cites in cited_by_entries(data):
        assert cites, f"{what} cites nothing"
        assert set(cites) <= refs, f"{what} cites unknown {set(cites) - refs}"


def test_no_reference_is_unused(data: dict[str, Any]) -> None:
    """A reference nothing cites says why it stays (`custom: {kept: ...}`), and only then."""
    used = {c for _, cites in cited_by_entries(data) for c in cites}
    unused = {r["id"] for r in data["references"] if not kept(r)} - used
    assert unused == set()


def test_each_listed_reference_is_cited_by_a_fact_or_says_why_not(data: dict[str, Any]) -> None:
    refs = {r["id"]: r for r in data["references"]}
    cited_by_facts = {c for f in all_facts(data) for c in ref_ids(f["cites"])}
    for rid in LISTED:
        assert rid in cited_by_facts or kept(refs[rid]), rid


def test_every_cite_but_the_article_carries_its_check_record(data: dict[str, Any]) -> None:
    refs = {r["id"] for r in data["references"]}
    for what, cites in cite_lists(data):
        for cite in cites:
            if isinstance(cite, str):
                assert cite == "article", f"{what}: bare cite {cite!r}"
                continue
            assert cite["ref"] in refs and cite["ref"] != "article", what
            assert cite["supports"] in ("states", "partly"), what
            assert str(cite["read"]).startswith("http"), what
            assert str(cite["section"]).strip(), what


def test_a_bare_cite_is_refused_in_the_shipped_data(tmp_path: Path) -> None:
    raw = shipped().read().decode()
    record = "          - ref: nida-heroin-topic-page\n"
    assert record in raw
    start = raw.index(record)
    end = raw.index("supports: states\n", start) + len("supports: states\n")
    broken = raw[:start] + "          - nida-heroin-topic-page\n" + raw[end:]
    path = tmp_path / "facts.yaml"
    path.write_text(broken, encoding="utf-8")
    found = heroinfacts.validate(str(path))
    assert any("without a check record" in p.message for p in found), found


def test_a_known_wrong_citation_stays_dropped(data: dict[str, Any]) -> None:
    """The audit's findings: these sources do not say these claims."""
    facts = {f["id"]: ref_ids(f["cites"]) for f in all_facts(data)}
    assert "darke-2009" not in facts["half-of-addicted-have-depression"]
    assert "mcintosh-ritson-2018" in facts["half-of-addicted-have-depression"]
    assert not {"jones-2015", "nida-2018-heroin"} & set(facts["one-in-four-become-addicted"])
    assert "ecnp-2007-opioid-system" not in facts["opioids-can-cause-respiratory-depression"]
    assert "cdc-2017-opioid-overdose" not in facts["depression-raises-overdose-risk"]


@pytest.mark.parametrize(
    "section",
    [
        "references",
        "topics",
        "lists",
        "glossary",
        "resources",
        "interactions",
        "substances",
        "classes",
        "severities",
    ],
)
def test_ids_unique(data: dict[str, Any], section: str) -> None:
    ids = [e["id"] for e in data[section]]
    assert len(ids) == len(set(ids))


def test_fact_and_item_ids_unique(data: dict[str, Any]) -> None:
    facts = [f["id"] for f in all_facts(data)]
    items = [i["id"] for sl in data["lists"] for i in sl["items"]]
    assert len(facts) == len(set(facts))
    assert len(items) == len(set(items))


def test_all_17_references_with_their_years(data: dict[str, Any]) -> None:
    refs = {r["id"]: r for r in data["references"]}
    for rid, year in LISTED.items():
        assert rid in refs, rid
        assert refs[rid]["issued"]["date-parts"][0][0] == year, rid


def test_article_itself_is_a_source_without_invented_fields(data: dict[str, Any]) -> None:
    ref = next(r for r in data["references"] if r["id"] == "article")
    assert ref["publisher"] == "The Recovery Village"
    assert ref["title"].startswith("[") and ref["title"].endswith("]")
    assert not {"URL", "issued", "DOI", "accessed"} & set(ref)


def test_urls_and_ids_come_from_the_sources(data: dict[str, Any]) -> None:
    """No invented URL, PMID or PMCID: each appears in the article's reference list, the
    project's notes on help lines, or the fixture's list of addresses read in stored copies
    (which includes every address a check record read); no DOI is given anywhere."""
    known_urls = {
        line
        for line in (FIXTURES / "source-urls.txt").read_text().split()
        if not line.startswith("#")
    }
    for ref in data["references"]:
        if "URL" in ref:
            assert ref["URL"] in known_urls, ref["id"]
        if "PMID" in ref:
            assert f"https://www.ncbi.nlm.nih.gov/pubmed/{ref['PMID']}" == ref["URL"]
        if "PMCID" in ref:
            assert ref["URL"].rstrip("/").endswith(ref["PMCID"])
        assert "DOI" not in ref
    contact_urls = [
        c["value"]
        for r in data["resources"]
        for c in r["contacts"]
        if c["value"].startswith("http")
    ]
    assert set(contact_urls) <= known_urls


def test_typo_fixes_are_recorded(data: dict[str, Any]) -> None:
    refs = {r["id"]: r for r in data["references"]}
    assert refs["martins-2012"]["title"].startswith("Mood and anxiety disorders")
    assert "Moos" in refs["martins-2012"]["note"]
    assert refs["hasin-2002"]["author"][0]["given"] == "D."
    assert "note" in refs["hasin-2002"]


def test_all_12_signs_of_depression(data: dict[str, Any]) -> None:
    signs = next(sl for sl in data["lists"] if sl["id"] == "signs-of-depression")
    assert len(signs["items"]) == 12
    text = " ".join(i["text"].lower() for i in signs["items"])
    for word in (
        "irritab",
        "sleep",
        "appetite",
        "weight",
        "fatigue",
        "worthless",
        "guilt",
        "focus",
        "hopeless",
        "enjoy",
        "suicide",
        "low",
    ):
        assert word in text, word


def test_effects_list_names_the_articles_effects(data: dict[str, Any]) -> None:
    effects = next(sl for sl in data["lists"] if sl["id"] == "effects-of-heroin")
    text = " ".join(i["text"].lower() for i in effects["items"])
    for word in ("rush", "heavy", "cloud", "nod", "breathing"):
        assert word in text, word


def test_numbers_exact(data: dict[str, Any]) -> None:
    facts = {f["id"]: f for f in all_facts(data)}
    props = {
        (f["proportion"]["numerator"], f["proportion"]["denominator"]): f
        for f in facts.values()
        if "proportion" in f
    }
    assert ref_ids(props[(1, 4)]["cites"]) == ["article"]  # no source read gives it
    assert "one in four" in props[(1, 4)]["text"].lower() or "1 in 4" in props[(1, 4)]["text"]
    half = props[(1, 2)]
    assert "half" in half["text"].lower() and "life" in half["proportion"]["wording"]
    assert "mcintosh-ritson-2018" in ref_ids(half["cites"])
    text = " ".join(f["text"] for f in facts.values())
    assert "Schedule I" in text and "Drug Enforcement Administration" in text
    assert re.search(r"Xanax.*Ambien|Ambien.*Xanax", text)
    assert "FDA" in text or "Food and Drug Administration" in text


REQUIRED_TOPICS = {
    "heroin": ["smack", "dope", "h", "junk", "horse"],
    "opioids": [],
    "is-heroin-a-depressant": [],
    "cns-depressants": [],
    "opioid-receptors": [],
    "mixing-with-sedatives": [],
    "heroin-and-depression": [],
    "tolerance-and-withdrawal": [],
    "getting-help": [],
}


def test_required_topics_and_aliases(data: dict[str, Any]) -> None:
    topics = {t["id"]: t for t in data["topics"]}
    for tid, aliases in REQUIRED_TOPICS.items():
        assert tid in topics
        assert set(aliases) <= set(topics[tid].get("aliases", [])), tid


def test_required_glossary_terms(data: dict[str, Any]) -> None:
    terms = {t["id"] for t in data["glossary"]}
    assert {
        "central-nervous-system",
        "cns-depressant",
        "gaba",
        "opioid-receptor",
        "analgesic",
        "respiratory-depression",
        "schedule-i",
        "tolerance",
        "going-on-the-nod",
        "depression-mood-disorder",
        "depression-slowed-body-functions",
    } <= terms


def test_interactions_cover_sedatives_with_defined_severities(data: dict[str, Any]) -> None:
    severities = {s["id"] for s in data["severities"]}
    pairs = {frozenset(i["classes"]): i for i in data["interactions"]}
    for other in ("benzodiazepine", "barbiturate", "sedative"):
        inter = pairs[frozenset({"opioid", other})]
        assert inter["severity"] in severities
        assert inter["note"] and ref_ids(inter["cites"])
    assert all(s["definition"] for s in data["severities"])


def test_help_resources(data: dict[str, Any]) -> None:
    res = {r["id"]: r for r in data["resources"]}
    samhsa = res["samhsa-national-helpline"]
    assert any(c["value"] == "1-800-662-4357" for c in samhsa["contacts"])
    assert any(c["value"] == "1-800-487-4889" and c["kind"] == "tty" for c in samhsa["contacts"])
    assert samhsa["languages"] == ["English", "Spanish"]
    lifeline = res["lifeline-988"]
    assert {c["kind"] for c in lifeline["contacts"]} >= {"call", "text", "chat"}
    assert "findtreatment-gov" in res
    for r in res.values():
        assert r["region"] and r["verified"] and r["cites"], r["id"]


def reader_texts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Every text a reader sees: summaries, facts, list intros and items, definitions,
    interaction notes, severity definitions and what help resources offer."""
    out = [(f"severity {s['id']}", s["definition"]) for s in data["severities"]]
    out += [(f"interaction {i['id']}", i["note"]) for i in data["interactions"]]
    for t in data["topics"]:
        out.append((f"summary {t['id']}", t["summary"]))
        out += [(f"fact {f['id']}", f["text"]) for f in t["facts"]]
    for sl in data["lists"]:
        if sl.get("intro"):
            out.append((f"intro {sl['id']}", sl["intro"]))
        out += [(f"item {i['id']}", i["text"]) for i in sl["items"]]
    out += [(f"term {g['id']}", g["definition"]) for g in data["glossary"]]
    out += [(f"resource {r['id']}", r["offers"]) for r in data["resources"]]
    return out


def test_every_text_a_reader_sees_is_plain_language(data: dict[str, Any]) -> None:
    """Flesch-Kincaid grade 8 or lower for each of them (textstat, as pinned)."""
    texts = reader_texts(data)
    assert len(texts) > 100
    hard = [
        f"{what}: grade {grade:.1f}"
        for what, text in texts
        if (grade := textstat.flesch_kincaid_grade(text)) > 8
    ]
    assert hard == []


def _sentences(text: str) -> set[str]:
    return {" ".join(words_of(s)) for s in re.split(r"(?<=[.!?])\s+", text) if words_of(s)}


def test_a_topic_page_does_not_repeat_its_summary_as_its_first_fact(
    data: dict[str, Any],
) -> None:
    for t in data["topics"]:
        first = t["facts"][0]["text"]
        assert not _sentences(first) & _sentences(t["summary"]), t["id"]


def test_no_danger_rating_opens_with_reassurance(data: dict[str, Any]) -> None:
    """The "seldom, unless the dose is high" point never leads a danger note or the mixing
    page: they lead with the danger."""
    mixing = next(t for t in data["topics"] if t["id"] == "mixing-with-sedatives")
    openings = [i["note"] for i in data["interactions"]]
    openings += [mixing["summary"], mixing["facts"][0]["text"]]
    for text in openings:
        first = re.split(r"(?<=[.!?])\s+", text)[0].lower()
        assert not re.search(r"seldom|rarely|do not often|not often|unless", first), first


def test_aliases_are_synonyms_and_search_words_stay_apart(data: dict[str, Any]) -> None:
    """Misspellings and question phrasings are search words, never shown as "Also called"."""
    entries = {
        (section, e["id"]): e
        for section in ("topics", "lists", "glossary", "substances", "classes")
        for e in data[section]
    }
    for key, e in entries.items():
        aliases = {a.lower() for a in e.get("aliases", [])}
        assert not aliases & {w.lower() for w in e.get("search_words", [])}, key
    shown = {a.lower() for e in entries.values() for a in e.get("aliases", [])}
    for word in ("die from", "poison control", "junkie", "stimulant", "upper", "herion",
                 "opiods", "what is heroin", "is heroin addictive"):  # fmt: skip
        assert word not in shown, word
    topics = {t["id"]: t for t in data["topics"]}
    assert "stimulant" in topics["is-heroin-a-depressant"]["search_words"]
    assert "herion" in topics["heroin"]["search_words"]


def _without_check_records(node: Any) -> Any:
    """``node`` with the check records of cites left out: they name the sources' headings."""
    if isinstance(node, dict):
        return {k: _without_check_records(v) for k, v in node.items() if k != "cites"}
    if isinstance(node, list):
        return [_without_check_records(v) for v in node]
    return node


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        skip = ("title", "author", "read", "section")  # names of sources, and where they were read
        return [t for k, v in node.items() if k not in skip for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return [node] if isinstance(node, str) else []


#: Multi-word names count as one word: sharing a name with the article is not copying it.
NAMES = [
    "national institute on drug abuse",
    "central nervous system",
    "drug enforcement administration",
    "schedule i controlled substance",
    "food and drug administration",
    "opioid receptors",
]


def words_of(text: str) -> list[str]:
    lowered = text.lower().replace("\u2019", "'")
    for name in NAMES:
        lowered = lowered.replace(name, name.replace(" ", "_"))
    return re.findall(r"[a-z0-9'_]+", lowered)


def _hashes(name: str) -> set[str]:
    return {
        line
        for line in (FIXTURES / name).read_text().splitlines()
        if line and not line.startswith("#")
    }


@pytest.mark.parametrize("fixture", ["article-7gram-hashes.txt", "sources-7gram-hashes.txt"])
def test_written_in_its_own_words(data: dict[str, Any], fixture: str) -> None:
    """No seven-word run of the article's text, or of the source passages read for the safety
    content (overdose, naloxone, mixing, withdrawal, treatment), appears in the data (titles of
    sources and the check records of cites aside)."""
    article = _hashes(fixture)
    assert len(article) > 1000
    copied = []
    for section in ("topics", "lists", "glossary", "interactions", "resources", "severities"):
        for text in _texts(_without_check_records(data[section])):
            words = words_of(text)
            for i in range(len(words) - 6):
                run = " ".join(words[i : i + 7])
                if hashlib.sha1(run.encode()).hexdigest()[:16] in article:
                    copied.append(run)
    assert copied == [], copied


def test_no_promotional_lines(data: dict[str, Any]) -> None:
    text = " ".join(_texts({k: data[k] for k in ("topics", "lists", "glossary", "resources")}))
    assert "Recovery Village" not in text
    assert "representative" not in text.lower()


def test_bundle(data: dict[str, Any]) -> None:
    b = data["bundle"]
    assert b["language"] == "en"
    assert {"id", "title", "version", "reviewed", "license", "disclaimer"} <= set(b)
    assert (
        "not medical advice" in b["disclaimer"].lower()
        or "not a substitute" in b["disclaimer"].lower()
    )


#: The entries written from the sources for a reader in danger (issue 14, section 2).
SAFETY_TOPICS = ("overdose", "naloxone", "withdrawal", "treatment", "needle-sharing")
SAFETY_LISTS = ("signs-of-overdose", "overdose-steps", "signs-of-withdrawal")
#: Facts of the overdose topic from before it was rewritten (their wording is checked apart).
OLDER_OVERDOSE_FACTS = {
    "opioids-can-cause-respiratory-depression",
    "depression-raises-overdose-risk",
    "poison-help-number",
}


def test_overdose_leads_with_911_and_its_signs_and_steps(data: dict[str, Any]) -> None:
    topics = {t["id"]: t for t in data["topics"]}
    lists = {sl["id"]: sl for sl in data["lists"]}
    overdose = topics["overdose"]
    assert "911" in overdose["summary"].split(".")[1]
    assert "911" in overdose["facts"][0]["text"]
    assert overdose["facts"][-1]["id"] == "poison-help-number"  # kept, but no longer leads
    signs = {i["id"] for i in lists["signs-of-overdose"]["items"]}
    assert {"cannot-be-woken", "slow-or-no-breathing", "very-small-pupils"} <= signs
    steps = lists["overdose-steps"]
    assert steps["ordered"] is True
    assert steps["items"][0]["text"].startswith("Call 911")
    assert "naloxone" in steps["items"][1]["text"].lower()
    assert "narcan" in topics["naloxone"]["aliases"]


def test_danger_ratings_open_with_the_danger(data: dict[str, Any]) -> None:
    pairs = {frozenset(i["classes"]): i for i in data["interactions"]}
    assert pairs[frozenset({"opioid", "alcohol"})]["severity"] == "dangerous"
    for inter in data["interactions"]:
        first = inter["note"].split(".")[0].lower()
        assert "seldom" not in first and "kill" in first, inter["id"]


def test_911_resource_and_both_crisis_lines_in_the_disclaimer(data: dict[str, Any]) -> None:
    res = {r["id"]: r for r in data["resources"]}
    e911 = res["emergency-911"]
    assert e911["concerns"] == ["overdose"] and e911["region"] == "United States"
    assert [c["value"] for c in e911["contacts"]] == ["911"]
    assert "911" in data["bundle"]["disclaimer"] and "988" in data["bundle"]["disclaimer"]


def _safety_texts(data: dict[str, Any]) -> list[str]:
    topics = [t for t in data["topics"] if t["id"] in SAFETY_TOPICS]
    lists = [sl for sl in data["lists"] if sl["id"] in SAFETY_LISTS]
    texts = [t["summary"] for t in topics]
    texts += [f["text"] for t in topics for f in t["facts"] if f["id"] not in OLDER_OVERDOSE_FACTS]
    texts += [sl["intro"] for sl in lists] + [i["text"] for sl in lists for i in sl["items"]]
    texts += [i["note"] for i in data["interactions"]]
    texts += [r["offers"] for r in data["resources"] if r["id"] == "emergency-911"]
    return texts


def test_safety_content_is_plain_language(data: dict[str, Any]) -> None:
    """Grade 8 or lower for every sentence-length text of the safety content (a one- or
    two-word list item has no meaningful grade)."""
    too_hard = [
        (round(textstat.flesch_kincaid_grade(t), 1), t)
        for t in _safety_texts(data)
        if len(t.split()) >= 4 and textstat.flesch_kincaid_grade(t) > 8
    ]
    assert too_hard == []


def test_safety_content_cites_with_check_records(data: dict[str, Any]) -> None:
    """Every cite of the new content names where its text was read and how far it supports it."""
    entries = [t for t in data["topics"] if t["id"] in SAFETY_TOPICS[1:]]
    cites = [c for t in entries for f in t["facts"] for c in f["cites"]]
    cites += [c for sl in data["lists"] if sl["id"] in SAFETY_LISTS for c in sl["cites"]]
    assert cites
    for c in cites:
        assert isinstance(c, dict), c
        assert (
            c["read"].startswith("http")
            and c["section"]
            and c["supports"]
            in (
                "states",
                "partly",
            )
        )


def test_no_entry_cites_one_reference_twice(data: dict[str, Any]) -> None:
    """A reference cited twice by one entry would print as [1][1]."""
    twice = [what for what, refs in cited_by_entries(data) if len(refs) != len(set(refs))]
    assert twice == []
