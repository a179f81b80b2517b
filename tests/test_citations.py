"""Tests for heroinfacts.citations: APA 7 text, BibTeX, RIS and CSL-JSON.

The fixtures are references from the seed article, written as CSL-JSON. The expected APA strings
were written by hand from the APA 7 rules, not produced by the code, so a regression fails.
"""

# En and em dashes in strings here are deliberate APA typography, not typos.

from __future__ import annotations

import copy
import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroinfacts.citations import apa, apa_segments, bibtex, csl_json, ris

NIDA = {"literal": "National Institute on Drug Abuse"}
NLM = {"literal": "U.S. National Library of Medicine"}

CDC_2017: dict[str, Any] = {
    "id": "cdc-2017-opioid-overdose",
    "type": "webpage",
    "title": "Opioid Overdose",
    "author": [{"literal": "Centers for Disease Control and Prevention"}],
    "issued": {"date-parts": [[2017, 8, 24]]},
    "URL": "https://www.cdc.gov/drugoverdose/opioids/index.html",
}
DARKE_2009: dict[str, Any] = {
    "id": "darke-2009",
    "type": "article-journal",
    "title": (
        "Patterns of major depression and drug-related problems amongst heroin users "
        "across 36 months"
    ),
    "author": [{"family": "Darke", "given": "S."}],
    "issued": {"date-parts": [[2009, 3, 31]]},
    "URL": "https://www.ncbi.nlm.nih.gov/pubmed/19215987",
    "PMID": "19215987",
    "custom": {"et-al": True},
}
ECNP_2007: dict[str, Any] = {
    "id": "ecnp-2007-opioid-system",
    "type": "webpage",
    "title": "How does the opioid system control pain, reward and addictive behavior?",
    "author": [{"literal": "European College of Neuropsychopharmacology"}],
    "issued": {"date-parts": [[2007, 10, 15]]},
    "container-title": "Science Daily",
    "URL": "https://www.sciencedaily.com/releases/2007/10/071014163647.htm",
}
HASIN_2002: dict[str, Any] = {
    "id": "hasin-2002",
    "type": "article-journal",
    "title": "Effects of major depression on remission and relapse of substance dependence",
    "author": [{"family": "Hasin", "given": "D.."}],  # the seed's own doubled full stop
    "issued": {"date-parts": [[2002, 4]]},
    "URL": "https://www.ncbi.nlm.nih.gov/pubmed/11926938",
    "PMID": "11926938",
    "custom": {"et-al": True},
}
JONES_2015: dict[str, Any] = {
    "id": "jones-2015",
    "type": "article-journal",
    "title": (
        "Vital Signs: Demographic and Substance Use Trends Among Heroin Users – "
        "United States, 2002 – 2013"
    ),
    "author": [{"family": "Jones", "given": "C. M."}],
    "issued": {"date-parts": [[2015, 7, 10]]},
    "container-title": "Morbidity and Mortality Weekly Report",
    "publisher": "Centers for Disease Control and Prevention",
    "URL": "https://www.cdc.gov/mmwr/preview/mmwrhtml/mm6426a3.htm",
    "note": 'The source adds "PharmD" to the author\'s name; degrees are not part of it.',
    "custom": {"et-al": True},
}
MCINTOSH_2018: dict[str, Any] = {
    "id": "mcintosh-ritson-2018",
    "type": "article-journal",
    "title": "Treating depression complicated by substance misuse",
    "author": [{"family": "McIntosh", "given": "C."}, {"family": "Ritson", "given": "B."}],
    "issued": {"date-parts": [[2018, 1, 2]]},
    "container-title": "Advances in Psychiatric Treatment",
    "volume": "7",
    "issue": "5",
    "publisher": "Cambridge University Press",
    "URL": (
        "https://www.cambridge.org/core/journals/advances-in-psychiatric-treatment/article/"
        "treating-depression-complicated-by-substance-misuse/"
        "E88007047F906A1BC51820051F5E2034#ref-27"
    ),
}
MERRER_2009: dict[str, Any] = {
    "id": "le-merrer-2009",
    "type": "article-journal",
    "title": "Reward Processing by Opioid System in the Brain",
    "author": [{"family": "Merrer", "non-dropping-particle": "Le", "given": "J."}],
    "issued": {"date-parts": [[2009, 10]]},
    "URL": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4482114/",
    "PMCID": "PMC4482114",
    "note": 'The source writes "Merrer, J. L."; "Le" belongs to the family name.',
    "custom": {"et-al": True},
}
NIDA_2010: dict[str, Any] = {
    "id": "nida-2010-comorbidity",
    "type": "report",
    "title": "Comorbidity: Addiction and Other Mental Illnesses",
    "author": [NIDA],
    "issued": {"date-parts": [[2010, 9]]},
    "collection-title": "Research Report Series",
    "publisher": "National Institutes of Health",
    "URL": "https://www.drugabuse.gov/sites/default/files/rrcomorbidity.pdf",
}
NIDA_2018: dict[str, Any] = {
    "id": "nida-2018-heroin",
    "type": "report",
    "title": "Heroin",
    "author": [NIDA],
    "issued": {"date-parts": [[2018, 6]]},
    "collection-title": "Drug Facts",
    "URL": "https://www.drugabuse.gov/publications/drugfacts/heroin",
}
SCHERRER_2016: dict[str, Any] = {
    "id": "scherrer-2016",
    "type": "article-journal",
    "title": (
        "Prescription Opioid Duration, Dose, and Increased Risk of Depression in "
        "3 Large Patient Populations"
    ),
    "author": [{"family": "Scherrer", "given": "J.F."}],
    "issued": {"date-parts": [[2016, 1], [2016, 2]]},
    "container-title": "Annals of Family Medicine",
    "volume": "14",
    "issue": "1",
    "page": "54-62",
    "URL": "http://www.annfammed.org/content/14/1/54",
    "custom": {"et-al": True},
}
SAMHSA_2013: dict[str, Any] = {
    "id": "samhsa-2013-toolkit",
    "type": "report",
    "title": "Opioid Overdose Toolkit: Information for Prescribers",
    "author": [{"literal": "Substance Abuse and Mental Health Services Administration"}],
    "issued": {"date-parts": [[2013]]},
    "URL": "https://www.integration.samhsa.gov/Opioid_Toolkit_Prescribers.pdf",
}
FDA_2018: dict[str, Any] = {
    "id": "fda-2018-opioid-medications",
    "type": "webpage",
    "title": "Opioid Medications",
    "author": [{"literal": "U.S. Food and Drug Administration"}],
    "issued": {"date-parts": [[2018, 6, 14]]},
    "publisher": "U.S. Food and Drug Administration",
    "URL": "https://www.fda.gov/Drugs/DrugSafety/InformationbyDrugClass/ucm337066.htm",
}
MEDLINEPLUS_2018: dict[str, Any] = {
    "id": "medlineplus-2018-depression",
    "type": "webpage",
    "title": "Depression – overview",
    "author": [NLM],
    "issued": {"date-parts": [[2018, 5, 5]]},
    "publisher": "National Institutes of Health",
    "URL": "https://medlineplus.gov/ency/article/003213.htm",
}
ARTICLE: dict[str, Any] = {
    "id": "article",
    "type": "webpage",
    "title": "[Consumer health article on whether heroin is a depressant]",
    "publisher": "The Recovery Village",
}

FIXTURES = [
    CDC_2017,
    DARKE_2009,
    ECNP_2007,
    HASIN_2002,
    JONES_2015,
    MCINTOSH_2018,
    MERRER_2009,
    NIDA_2010,
    NIDA_2018,
    SCHERRER_2016,
    SAMHSA_2013,
    FDA_2018,
    MEDLINEPLUS_2018,
    ARTICLE,
]


def italic_markup(ref: dict[str, Any]) -> str:
    """The APA entry with italic segments marked *like this*."""
    return "".join(f"*{text}*" if italic else text for text, italic in apa_segments(ref))


# --- APA ----------------------------------------------------------------------------------------

APA_EXPECTED = [
    (
        CDC_2017,
        "Centers for Disease Control and Prevention. (2017, August 24). *Opioid Overdose*. "
        "https://www.cdc.gov/drugoverdose/opioids/index.html",
    ),
    (
        DARKE_2009,
        "Darke, S., et al. (2009). Patterns of major depression and drug-related "
        "problems amongst heroin users across 36 months. "
        "https://www.ncbi.nlm.nih.gov/pubmed/19215987",
    ),
    (
        ECNP_2007,
        "European College of Neuropsychopharmacology. (2007, October 15). *How does the opioid "
        "system control pain, reward and addictive behavior?* Science Daily. "
        "https://www.sciencedaily.com/releases/2007/10/071014163647.htm",
    ),
    (
        HASIN_2002,
        "Hasin, D., et al. (2002). Effects of major depression on remission and relapse "
        "of substance dependence. https://www.ncbi.nlm.nih.gov/pubmed/11926938",
    ),
    (
        JONES_2015,
        "Jones, C. M., et al. (2015). Vital Signs: Demographic and Substance Use Trends "
        "Among Heroin Users – United States, 2002 – 2013. *Morbidity and Mortality Weekly "
        "Report*. https://www.cdc.gov/mmwr/preview/mmwrhtml/mm6426a3.htm",
    ),
    (
        MCINTOSH_2018,
        "McIntosh, C., & Ritson, B. (2018). Treating depression complicated by "
        "substance misuse. *Advances in Psychiatric Treatment*, *7*(5). "
        "https://www.cambridge.org/core/journals/advances-in-psychiatric-treatment/article/"
        "treating-depression-complicated-by-substance-misuse/"
        "E88007047F906A1BC51820051F5E2034#ref-27",
    ),
    (
        MERRER_2009,
        "Le Merrer, J., et al. (2009). Reward Processing by Opioid System in the Brain. "
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4482114/",
    ),
    (
        NIDA_2010,
        "National Institute on Drug Abuse. (2010). *Comorbidity: Addiction and Other "
        "Mental Illnesses* (Research Report Series). National Institutes of Health. "
        "https://www.drugabuse.gov/sites/default/files/rrcomorbidity.pdf",
    ),
    (
        NIDA_2018,
        "National Institute on Drug Abuse. (2018). *Heroin* (Drug Facts). "
        "https://www.drugabuse.gov/publications/drugfacts/heroin",
    ),
    (
        SCHERRER_2016,
        "Scherrer, J. F., et al. (2016). Prescription Opioid Duration, Dose, "
        "and Increased Risk of Depression in 3 Large Patient Populations. *Annals of Family "
        "Medicine*, *14*(1), 54–62. http://www.annfammed.org/content/14/1/54",
    ),
    (
        SAMHSA_2013,
        "Substance Abuse and Mental Health Services Administration. (2013). *Opioid Overdose "
        "Toolkit: Information for Prescribers*. "
        "https://www.integration.samhsa.gov/Opioid_Toolkit_Prescribers.pdf",
    ),
    (
        FDA_2018,
        "U.S. Food and Drug Administration. (2018, June 14). *Opioid Medications*. "
        "https://www.fda.gov/Drugs/DrugSafety/InformationbyDrugClass/ucm337066.htm",
    ),
    (
        MEDLINEPLUS_2018,
        "U.S. National Library of Medicine. (2018, May 5). *Depression – overview*. National "
        "Institutes of Health. https://medlineplus.gov/ency/article/003213.htm",
    ),
    (
        ARTICLE,
        "[Consumer health article on whether heroin is a depressant]. (n.d.). "
        "The Recovery Village.",
    ),
]


@pytest.mark.parametrize(
    ("ref", "expected"), APA_EXPECTED, ids=[ref["id"] for ref, _ in APA_EXPECTED]
)
def test_apa_fixtures(ref: dict[str, Any], expected: str) -> None:
    assert italic_markup(ref) == expected
    assert apa(ref) == expected.replace("*", "")


def test_apa_segments_of_a_journal_article() -> None:
    assert apa_segments(SCHERRER_2016) == [
        (
            "Scherrer, J. F., et al. (2016). Prescription Opioid Duration, "
            "Dose, and Increased Risk of Depression in 3 Large Patient Populations. ",
            False,
        ),
        ("Annals of Family Medicine", True),
        (", ", False),
        ("14", True),
        ("(1), 54–62. http://www.annfammed.org/content/14/1/54", False),
    ]


def test_apa_title_ending_in_question_mark_gets_no_full_stop() -> None:
    ref = {
        "id": "q",
        "type": "article-journal",
        "title": "Is heroin a depressant?",
        "author": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Examples",
        "volume": 3,
    }
    assert (
        italic_markup(ref) == "Doe, J. (2020). Is heroin a depressant? *Journal of Examples*, *3*."
    )
    exclaimed = {**ref, "title": "Stop!", "type": "book"}
    assert apa(exclaimed) == "Doe, J. (2020). Stop! Journal of Examples."
    stopped = {**ref, "title": "Heroin facts.", "type": "book"}
    assert apa(stopped) == "Doe, J. (2020). Heroin facts. Journal of Examples."


def test_apa_no_date_is_nd() -> None:
    ref = {"id": "x", "type": "webpage", "title": "Heroin", "author": [NIDA]}
    assert apa(ref) == "National Institute on Drug Abuse. (n.d.). Heroin."
    assert apa({**ref, "issued": {"date-parts": [["", 4]]}}).startswith(
        "National Institute on Drug Abuse. (n.d.)."
    )


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        ({"date-parts": [[2013]]}, "(2013)."),
        ({"date-parts": [[2002, 4]]}, "(2002, April)."),
        ({"date-parts": [["2009", "3", "31"]]}, "(2009, March 31)."),
        ({"date-parts": [[2016, 1], [2016, 2]]}, "(2016, January–February)."),
        ({"date-parts": [[2020, 6, 2], [2020, 6, 4]]}, "(2020, June 2–4)."),
        ({"date-parts": [[2020, 6, 28], [2020, 7, 3]]}, "(2020, June 28–July 3)."),
        ({"date-parts": [[2015], [2016]]}, "(2015–2016)."),
        ({"date-parts": [[2015, 12], [2016, 1]]}, "(2015, December–2016, January)."),
        ({"date-parts": [[2016, 1], [2016, 1]]}, "(2016, January)."),
        ({"date-parts": [[2019, 21]]}, "(2019, Spring)."),
        ({"date-parts": [[2019, 2, 30]]}, "(2019, February)."),  # no 30 February
        ({"date-parts": [[2019, 13, 5]]}, "(2019)."),
        ({"literal": "Early 2019"}, "(Early 2019)."),
        ({"raw": "2009-03-31"}, "(2009, March 31)."),
        ("2016-01/2016-02", "(2016, January–February)."),
        ({"date-parts": []}, "(n.d.)."),
        ("not a date", "(n.d.)."),
    ],
)
def test_apa_dates(issued: object, expected: str) -> None:
    ref = {"id": "x", "type": "webpage", "title": "T", "author": [NIDA], "issued": issued}
    assert apa(ref) == f"National Institute on Drug Abuse. {expected} T."


@pytest.mark.parametrize("kind", ["article-journal", "report"])
@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        ({"date-parts": [[2009, 3, 31]]}, "(2009)."),
        ({"date-parts": [[2002, 4]]}, "(2002)."),
        ({"date-parts": [[2016, 1], [2016, 2]]}, "(2016)."),
        ({"date-parts": [[2015, 12], [2016, 1]]}, "(2015–2016)."),
        ({"date-parts": [[2013]]}, "(2013)."),
        ({"literal": "Early 2019"}, "(Early 2019)."),
        ("not a date", "(n.d.)."),
    ],
)
def test_apa_gives_journal_articles_and_reports_the_year_alone(
    kind: str, issued: object, expected: str
) -> None:
    ref = {"id": "x", "type": kind, "title": "T", "author": [NIDA], "issued": issued}
    assert apa(ref).startswith(f"National Institute on Drug Abuse. {expected} ")


def test_apa_author_lists() -> None:
    def people(n: int) -> list[dict[str, str]]:
        return [{"family": f"Author{i}", "given": "Ann Beth"} for i in range(1, n + 1)]

    ref: dict[str, Any] = {
        "id": "x",
        "type": "book",
        "title": "T",
        "issued": {"date-parts": [[2001]]},
    }
    assert apa({**ref, "author": people(1)}).startswith("Author1, A. B. (2001).")
    assert apa({**ref, "author": people(2)}).startswith("Author1, A. B., & Author2, A. B. (2001)")
    assert apa({**ref, "author": people(3)}).startswith(
        "Author1, A. B., Author2, A. B., & Author3, A. B. (2001)"
    )
    assert apa({**ref, "author": people(2), "custom": {"et-al": True}}).startswith(
        "Author1, A. B., Author2, A. B., et al. (2001)"
    )
    many = apa({**ref, "author": people(25)})
    assert many.startswith("Author1, A. B., Author2, A. B., ")
    assert ", Author19, A. B., . . . Author25, A. B. (2001)." in many
    assert "Author20," not in many


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ({"family": "Sartre", "given": "Jean-Paul"}, "Sartre, J.-P."),
        ({"family": "Scherrer", "given": "J.F."}, "Scherrer, J. F."),
        ({"family": "King", "given": "Martin Luther", "suffix": "Jr."}, "King, M. L., Jr."),
        ({"family": "Gogh", "given": "vincent", "non-dropping-particle": "van"}, "van Gogh, V."),
        ({"family": "Plato"}, "Plato."),
        ({"literal": "World Health Organization"}, "World Health Organization."),
    ],
)
def test_apa_names(name: dict[str, str], expected: str) -> None:
    ref = {"id": "x", "type": "book", "title": "T", "author": [name]}
    assert apa(ref) == f"{expected} (n.d.). T."


def test_apa_literal_author_as_is() -> None:
    assert apa(NIDA_2018).startswith("National Institute on Drug Abuse. (2018).")


def test_apa_no_author_moves_title_forward() -> None:
    journal = {
        "id": "x",
        "type": "article-journal",
        "title": "Heroin use trends",
        "issued": {"date-parts": [[2013]]},
        "container-title": "Example Journal",
        "volume": "2",
        "issue": "4",
        "page": "10-12",
    }
    assert italic_markup(journal) == "Heroin use trends. (2013). *Example Journal*, *2*(4), 10–12."
    report = {"id": "y", "type": "report", "title": "Opioid Toolkit", "publisher": "SAMHSA"}
    assert italic_markup(report) == "*Opioid Toolkit*. (n.d.). SAMHSA."


def test_apa_bracketed_description_is_not_italic() -> None:
    segments = apa_segments(ARTICLE)
    assert segments == [
        (
            "[Consumer health article on whether heroin is a depressant]. (n.d.). "
            "The Recovery Village.",
            False,
        )
    ]
    described = {"id": "x", "type": "pamphlet", "title": "Heroin [Fact sheet]", "author": [NIDA]}
    assert italic_markup(described) == (
        "National Institute on Drug Abuse. (n.d.). *Heroin* [Fact sheet]."
    )


def test_apa_publisher_and_site_same_as_author_are_left_out() -> None:
    assert "Food and Drug Administration. https" not in apa(FDA_2018)
    site = {**CDC_2017, "container-title": "Centers for Disease Control and Prevention"}
    assert apa(site) == apa(CDC_2017)
    other = {**CDC_2017, "publisher": "U.S. Department of Health and Human Services"}
    assert apa(other).endswith(
        "Opioid Overdose. U.S. Department of Health and Human Services. "
        "https://www.cdc.gov/drugoverdose/opioids/index.html"
    )


def test_apa_journal_leaves_out_publisher() -> None:
    assert "Cambridge University Press" not in apa(MCINTOSH_2018)


def test_apa_doi_when_no_url() -> None:
    ref = {**SCHERRER_2016, "DOI": "doi:10.1370/afm.1898"}
    del ref["URL"]
    assert apa(ref).endswith("*14*(1), 54–62. https://doi.org/10.1370/afm.1898".replace("*", ""))
    assert apa({**ref, "URL": "https://example.org/a"}).endswith("54–62. https://example.org/a")
    assert apa({**ref, "DOI": "https://doi.org/10.1/x"}).endswith(" https://doi.org/10.1/x")


def test_apa_chapter_book_and_post() -> None:
    chapter = {
        "id": "c",
        "type": "chapter",
        "title": "Opioids",
        "author": [{"family": "Smith", "given": "Ann"}],
        "editor": [{"family": "Jones", "given": "Bob"}, {"family": "Lee", "given": "Cy"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Drugs and the Brain",
        "page": "1-10",
        "publisher": "Example Press",
    }
    assert italic_markup(chapter) == (
        "Smith, A. (2019). Opioids. In B. Jones & C. Lee (Eds.), *Drugs and the Brain* "
        "(pp. 1–10). Example Press."
    )
    book = {
        "id": "b",
        "type": "book",
        "title": "Drugs and the Brain",
        "author": [{"family": "Jones", "given": "Bob"}],
        "edition": "2",
        "publisher": "Example Press",
    }
    assert (
        italic_markup(book) == "Jones, B. (n.d.). *Drugs and the Brain* (2nd ed.). Example Press."
    )
    post = {"id": "p", "type": "post-weblog", "title": "A day", "container-title": "Blog"}
    assert italic_markup(post) == "A day. (n.d.). *Blog*."
    report = {"id": "r", "type": "report", "title": "R", "number": "10-5771", "author": [NIDA]}
    assert apa(report) == "National Institute on Drug Abuse. (n.d.). R (Report No. 10-5771)."


def test_apa_cleans_hostile_text() -> None:
    ref = {
        "id": "x",
        "type": "webpage",
        "title": "  Line one\nline two...  ",
        "author": [{"family": "O'Neil", "given": "\tmary-kate\x00"}],
        "URL": "https://example.org/a/../b c",
    }
    assert apa(ref) == ("O'Neil, M.-K. (n.d.). Line one line two… https://example.org/a/.%2E/b%20c")


def test_apa_segments_never_empty_and_alternate() -> None:
    for ref in FIXTURES:
        segments = apa_segments(ref)
        assert all(text for text, _ in segments)
        assert all(a[1] != b[1] for a, b in itertools.pairwise(segments))


# --- BibTeX -------------------------------------------------------------------------------------


def test_bibtex_journal_article_exact() -> None:
    assert bibtex([SCHERRER_2016]) == (
        "@article{scherrer-2016,\n"
        "  author = {Scherrer, J. F. and others},\n"
        "  title = {{Prescription Opioid Duration, Dose, and Increased Risk of Depression in "
        "3 Large Patient Populations}},\n"
        "  journal = {Annals of Family Medicine},\n"
        "  year = {2016},\n"
        '  month = jan # "--" # feb,\n'
        "  date = {2016-01/2016-02},\n"
        "  volume = {14},\n"
        "  number = {1},\n"
        "  pages = {54--62},\n"
        "  url = {http://www.annfammed.org/content/14/1/54}\n"
        "}\n"
    )


def test_bibtex_webpage_exact() -> None:
    assert bibtex([CDC_2017]) == (
        "@misc{cdc-2017-opioid-overdose,\n"
        "  author = {{Centers for Disease Control and Prevention}},\n"
        "  title = {{Opioid Overdose}},\n"
        "  year = {2017},\n"
        "  month = aug,\n"
        "  date = {2017-08-24},\n"
        "  howpublished = {\\url{https://www.cdc.gov/drugoverdose/opioids/index.html}},\n"
        "  url = {https://www.cdc.gov/drugoverdose/opioids/index.html}\n"
        "}\n"
    )


def bib_fields(entry: str) -> dict[str, str]:
    """Field name -> raw value text of one entry (each field sits on its own line)."""
    fields = {}
    for line in entry.splitlines()[1:-1]:
        match = re.fullmatch(r"  ([a-z]+) = (.*?),?", line)
        assert match, line
        fields[match[1]] = match[2]
    return fields


def bib_entries(text: str) -> list[str]:
    return [chunk.strip("\n") for chunk in text.split("\n\n") if chunk.strip()]


def test_bibtex_fixture_structure() -> None:
    text = bibtex(FIXTURES)
    entries = bib_entries(text)
    assert len(entries) == len(FIXTURES)
    heads = [entry.splitlines()[0] for entry in entries]
    assert heads == [
        "@misc{cdc-2017-opioid-overdose,",
        "@article{darke-2009,",
        "@misc{ecnp-2007-opioid-system,",
        "@article{hasin-2002,",
        "@article{jones-2015,",
        "@article{mcintosh-ritson-2018,",
        "@article{le-merrer-2009,",
        "@techreport{nida-2010-comorbidity,",
        "@techreport{nida-2018-heroin,",
        "@article{scherrer-2016,",
        "@techreport{samhsa-2013-toolkit,",
        "@misc{fda-2018-opioid-medications,",
        "@misc{medlineplus-2018-depression,",
        "@misc{article,",
    ]
    by_key = {re.match(r"@\w+\{(.*),", e)[1]: bib_fields(e) for e in entries}  # type: ignore[index]
    assert by_key["darke-2009"]["author"] == "{Darke, S. and others}"
    assert by_key["darke-2009"]["pmid"] == "{19215987}"
    assert by_key["darke-2009"]["month"] == "mar"
    assert by_key["darke-2009"]["date"] == "{2009-03-31}"
    assert by_key["mcintosh-ritson-2018"]["author"] == "{McIntosh, C. and Ritson, B.}"
    assert by_key["mcintosh-ritson-2018"]["url"].endswith(
        "E88007047F906A1BC51820051F5E2034#ref-27}"
    )
    assert by_key["le-merrer-2009"]["author"] == "{Le Merrer, J. and others}"
    assert by_key["le-merrer-2009"]["pmcid"] == "{PMC4482114}"
    assert by_key["jones-2015"]["note"] == (
        '{The source adds "PharmD" to the author\'s name; degrees are not part of it.}'
    )
    nida = by_key["nida-2010-comorbidity"]
    assert nida["author"] == "{{National Institute on Drug Abuse}}"
    assert nida["institution"] == "{National Institutes of Health}"
    assert nida["series"] == "{Research Report Series}"
    assert by_key["nida-2018-heroin"]["institution"] == "{National Institute on Drug Abuse}"
    assert by_key["samhsa-2013-toolkit"]["year"] == "{2013}"
    assert "month" not in by_key["samhsa-2013-toolkit"]
    assert by_key["article"] == {
        "title": "{{[Consumer health article on whether heroin is a depressant]}}",
        "publisher": "{The Recovery Village}",
    }


def test_bibtex_escapes_and_protects() -> None:
    ref = {
        "id": "Dürer 2001/ä b",
        "type": "book",
        "title": "50% & $5 #1 under_score {x} ~ ^ \\ }{",
        "author": [
            {"family": "Smith and Jones", "given": "A."},
            {"family": "Doe, Jr", "given": "J."},
            {"family": "Roe", "given": "R.", "suffix": "III"},
            {"literal": "Anderson & Sons, Ltd"},
        ],
        "publisher": "Tab\tand\nnewline",
    }
    fields = bib_fields(bibtex([ref]).strip())
    assert bibtex([ref]).startswith("@book{Durer-2001-a-b,\n")
    assert fields["title"] == (
        "{{50\\% \\& \\$5 \\#1 under\\_score \\textbraceleft{}x\\textbraceright{} "
        "\\textasciitilde{} \\textasciicircum{} \\textbackslash{} "
        "\\textbraceright{}\\textbraceleft{}}}"
    )
    assert fields["author"] == (
        "{{Smith and Jones}, A. and {Doe, Jr}, J. and Roe, III, R. and {Anderson \\& Sons, Ltd}}"
    )
    assert fields["publisher"] == "{Tab and newline}"


def test_bibtex_keys_are_unique_and_safe() -> None:
    refs = [{"id": i, "type": "book", "title": "T"} for i in ("a", "a", "a-2", "", "{}", 7)]
    heads = [e.splitlines()[0] for e in bib_entries(bibtex(refs))]
    assert heads == [
        "@book{a,",
        "@book{a-2,",
        "@book{a-2-2,",
        "@book{ref,",
        "@book{ref-2,",
        "@book{7,",
    ]
    assert bibtex([]) == ""


def test_bibtex_url_is_percent_encoded_not_escaped() -> None:
    ref = {"id": "u", "type": "webpage", "title": "T", "URL": "https://x.org/a b{c}\\d_e%20#f"}
    fields = bib_fields(bibtex([ref]).strip())
    assert fields["url"] == "{https://x.org/a%20b%7Bc%7D%5Cd_e%20#f}"
    assert fields["howpublished"] == "{\\url{https://x.org/a%20b%7Bc%7D%5Cd_e%20#f}}"


# --- RIS ----------------------------------------------------------------------------------------


def test_ris_journal_article_exact() -> None:
    assert ris([DARKE_2009]) == (
        "TY  - JOUR\n"
        "AU  - Darke, S.\n"
        "TI  - Patterns of major depression and drug-related problems amongst heroin users "
        "across 36 months\n"
        "PY  - 2009\n"
        "DA  - 2009/03/31/\n"
        "UR  - https://www.ncbi.nlm.nih.gov/pubmed/19215987\n"
        "DB  - PubMed\n"
        "AN  - 19215987\n"
        "ER  - \n"
    )


def ris_records(text: str) -> list[list[str]]:
    records: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("TY  - "):
            records.append([])
        records[-1].append(line)
    return records


def test_ris_fixture_structure() -> None:
    records = ris_records(ris(FIXTURES))
    assert [r[0] for r in records] == [
        "TY  - ELEC",
        "TY  - JOUR",
        "TY  - ELEC",
        "TY  - JOUR",
        "TY  - JOUR",
        "TY  - JOUR",
        "TY  - JOUR",
        "TY  - RPRT",
        "TY  - RPRT",
        "TY  - JOUR",
        "TY  - RPRT",
        "TY  - ELEC",
        "TY  - ELEC",
        "TY  - ELEC",
    ]
    assert all(r[-1] == "ER  - " for r in records)
    mcintosh, merrer, nida, scherrer = records[5], records[6], records[7], records[9]
    assert mcintosh[1:3] == ["AU  - McIntosh, C.", "AU  - Ritson, B."]
    assert "T2  - Advances in Psychiatric Treatment" in mcintosh
    assert "PB  - Cambridge University Press" in mcintosh
    assert [x for x in mcintosh if x[:2] in ("VL", "IS")] == ["VL  - 7", "IS  - 5"]
    assert "AU  - Le Merrer, J." in merrer
    assert "C2  - PMC4482114" in merrer
    assert "AU  - National Institute on Drug Abuse" in nida
    assert "T3  - Research Report Series" in nida
    assert "DA  - 2010/09//" in nida
    assert [x for x in scherrer if x[:2] in ("SP", "EP")] == ["SP  - 54", "EP  - 62"]
    assert "DA  - 2016/01//January–February" in scherrer
    assert records[-1] == [
        "TY  - ELEC",
        "TI  - [Consumer health article on whether heroin is a depressant]",
        "PB  - The Recovery Village",
        "ER  - ",
    ]


def test_ris_flattens_newlines_and_types() -> None:
    ref = {
        "id": "x",
        "type": "chapter",
        "title": "Two\nlines\r\nER  - not a tag",
        "editor": [{"family": "Ed", "given": "A."}],
        "page": "7",
        "note": "a\u2028b",
    }
    assert ris([ref]) == (
        "TY  - CHAP\nA2  - Ed, A.\nTI  - Two lines ER - not a tag\nSP  - 7\nN1  - a b\nER  - \n"
    )
    assert ris([{"id": "y", "type": "legal_case", "title": "T"}]).startswith("TY  - GEN\n")
    assert ris([]) == ""


# --- CSL-JSON -----------------------------------------------------------------------------------


def test_csl_json_keeps_valid_items_unchanged() -> None:
    before = copy.deepcopy(FIXTURES)
    out = csl_json(FIXTURES)
    assert out == FIXTURES
    assert json.loads(json.dumps(out)) == out
    out[0]["title"] = "changed"
    out[0]["author"][0]["literal"] = "changed"
    assert before == FIXTURES  # copies, not views


def test_csl_json_drops_what_the_schema_does_not_know() -> None:
    ref = {
        "id": "x",
        "type": "web-page",
        "title": "T",
        "aliases": ["a"],
        "volume": float("nan"),
        "issue": 3,
        "PMID": 19215987,
        "author": [{"family": "A", "nickname": "B"}, "Smith", {}],
        "issued": {"date-parts": [[2009, "3", None]], "extra": 1},
        "accessed": "2020-01-02",
        "container-title": ["not", "a", "string"],
        "custom": {"et-al": True, "nested": {"n": [1, 2.5, float("inf")]}, 3: "x"},
    }
    assert csl_json([ref]) == [
        {
            "id": "x",
            "type": "document",
            "title": "T",
            "issue": 3,
            "PMID": "19215987",
            "author": [{"family": "A"}],
            "accessed": "2020-01-02",
            "custom": {"et-al": True, "nested": {"n": [1, 2.5, "inf"]}, "3": "x"},
        }
    ]


# --- properties for any input -------------------------------------------------------------------

CSL_TYPES = [
    "article-journal", "article-magazine", "article-newspaper", "webpage", "report", "book",
    "chapter", "document", "pamphlet", "post-weblog", "paper-conference", "thesis", "entry",
    "dataset", "not-a-type",
]  # fmt: skip
SPECIALS = "{}\\%&$#_~^.?!-–[]\"'@,;:\n\r\t \x00\x85\u2028\u2029"
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIALS), st.characters(), st.characters(categories=["Cs"])
    ),
    max_size=20,
)
SCALAR = st.one_of(TEXT, st.integers(-(10**6), 10**6))
NAME = st.one_of(
    st.fixed_dictionaries(
        {"family": TEXT},
        optional={"given": TEXT, "non-dropping-particle": TEXT, "suffix": TEXT},
    ),
    st.fixed_dictionaries({"literal": TEXT}),
    st.fixed_dictionaries({}, optional={"given": TEXT}),
)
CELL = st.one_of(st.integers(-100, 10_000), st.sampled_from(["2009", "3", "31", "", "x", "21"]))
DATE = st.one_of(
    st.fixed_dictionaries(
        {"date-parts": st.lists(st.lists(CELL, min_size=1, max_size=3), min_size=1, max_size=2)}
    ),
    st.builds(
        lambda y, m, d: {"date-parts": [[y, m, d]]},
        st.integers(1, 9999),
        st.integers(1, 24),
        st.integers(1, 31),
    ),
    st.fixed_dictionaries({"literal": TEXT}),
    st.sampled_from(["2009-03-31", "2016-01/2016-02", "garbage", ""]),
)
REF = st.fixed_dictionaries(
    {
        "id": st.one_of(TEXT, st.integers(0, 10**6)),
        "type": st.sampled_from(CSL_TYPES),
        "title": TEXT,
    },
    optional={
        "author": st.lists(NAME, max_size=22),
        "editor": st.lists(NAME, max_size=3),
        "issued": DATE,
        "accessed": DATE,
        "container-title": TEXT,
        "collection-title": TEXT,
        "publisher": TEXT,
        "volume": SCALAR,
        "issue": SCALAR,
        "page": SCALAR,
        "edition": SCALAR,
        "number": SCALAR,
        "URL": TEXT,
        "DOI": TEXT,
        "PMID": TEXT,
        "PMCID": TEXT,
        "note": TEXT,
        "genre": TEXT,
        "custom": st.fixed_dictionaries({}, optional={"et-al": st.booleans(), "x": TEXT}),
        "not-csl": TEXT,
    },
)
REFS = st.lists(REF, max_size=4)

ESCAPE_RE = re.compile(
    r"\\(?:[&%$#_]|text(?:backslash|braceleft|braceright|asciitilde|asciicircum)\{\})"
)
RIS_LINE_RE = re.compile(r"^[A-Z][A-Z0-9]  - ")


@settings(max_examples=200, deadline=None)
@given(REFS)
def test_bibtex_is_valid_for_any_input(refs: list[dict[str, Any]]) -> None:
    text = bibtex(refs)
    depth = 0
    for ch in text:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    entries = bib_entries(text)
    assert len(entries) == len(refs)
    keys = []
    for entry in entries:
        head = re.fullmatch(r"@[a-z]+\{([A-Za-z0-9_:.-]+),", entry.splitlines()[0])
        assert head, entry
        keys.append(head[1])
        assert entry.endswith("\n}")
        for name, value in bib_fields(entry).items():
            if name == "month":
                assert re.fullmatch(r'[a-z]{3}(?: # "--" # [a-z]{3})?', value)
            elif name in ("url", "doi", "howpublished"):
                assert not re.search(r"\s", value)
                assert "\\" not in value.replace("\\url{", "", 1)
            else:
                assert value.startswith("{") and value.endswith("}")
                assert not re.search(r"[\\&%$#_~^]", ESCAPE_RE.sub("", value)), value
    assert len(set(keys)) == len(keys)


@settings(max_examples=200, deadline=None)
@given(REFS)
def test_ris_is_valid_for_any_input(refs: list[dict[str, Any]]) -> None:
    text = ris(refs)
    assert text == "" or text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert text.splitlines() == lines  # no stray line breaks inside values
    assert all(RIS_LINE_RE.match(line) for line in lines)
    records = ris_records(text)
    assert len(records) == len(refs)
    for record in records:
        assert record[0].startswith("TY  - ") and record[-1] == "ER  - "
        assert sum(line.startswith(("TY  - ", "ER  - ")) for line in record) == 2


@settings(max_examples=200, deadline=None)
@given(REFS)
def test_csl_json_round_trips_for_any_input(refs: list[dict[str, Any]]) -> None:
    out = csl_json(refs)
    dumped = json.dumps(out, allow_nan=False, ensure_ascii=False)
    dumped.encode("utf-8")  # no lone surrogates
    assert json.loads(dumped) == out
    assert len(out) == len(refs)
    for item in out:
        assert {"id", "type", "title"} <= item.keys()
        assert "not-csl" not in item
        assert item["type"] in CSL_TYPES and item["type"] != "not-a-type"


@settings(max_examples=200, deadline=None)
@given(REF)
def test_apa_is_clean_for_any_input(ref: dict[str, Any]) -> None:
    segments = apa_segments(ref)
    text = apa(ref)
    assert text == "".join(t for t, _ in segments)
    assert ".." not in text
    assert len(text.splitlines()) <= 1
    assert all(t for t, _ in segments)
    assert all(a[1] != b[1] for a, b in itertools.pairwise(segments))
