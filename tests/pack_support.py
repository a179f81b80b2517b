"""Small, valid test packs that several test files build on."""

from __future__ import annotations

#: The bundle of a small, valid test pack.
PACK_HEAD = """\
schema: 1
bundle:
  id: test-pack
  title: Test pack
  version: "1"
  language: en
  reviewed: 2026-11-01
  license: CC0-1.0
  disclaimer: Test data only.
"""


def sample_pack(word: str = "gear") -> str:
    """A valid pack: one reference and one topic whose fact names ``word`` (slang for heroin)."""
    return (
        PACK_HEAD
        + f"""\
references:
  - id: local-directory
    type: document
    title: "[Local service directory]"
    publisher: Test County
topics:
  - id: local-slang
    title: Local words
    summary: Words people use here.
    facts:
      - id: local-fact
        text: People here say {word} for heroin.
        cites: [local-directory]
"""
    )


#: The sample pack with a related shipped topic; its last line is line 23.
GOOD_PACK = sample_pack("gear") + "    related: [heroin]\n"

#: A second topic with the sample pack's topic id (a duplicate, for the validator to refuse).
SECOND_TOPIC = """\
  - id: local-slang
    title: Again
    summary: Again.
    facts:
      - id: other-fact
        text: Again.
        cites: [local-directory]
"""


def line_pack(contact: str) -> str:
    """A valid pack with one local help line whose one contact is ``contact`` (YAML, as the
    first line of a list entry, without the dash's indent)."""
    return (
        PACK_HEAD
        + f"""\
references:
  - id: my-dir
    type: document
    title: "[Local directory]"
resources:
  - id: my-line
    name: Testville line
    region: Testville
    offers: Help in Testville.
    contacts:
      {contact}
    concerns: [overdose]
    verified: 2026-11-01
    cites: [my-dir]
"""
    )


#: Long names of local services, as real directories have them (all invented, sample data).
SERVICE_NAMES = (
    "Example County Harm Reduction and Overdose Prevention Drop-In Centre",
    "Example Valley Community Health Clinic, Substance Use Services",
    "Example Town Mobile Outreach Van and Naloxone Distribution Program",
    "Saint Example Hospital Emergency Department Bridge Clinic",
    "Example County Public Health Syringe Services and Testing Program",
    "Example Riverside Peer Recovery Support Centre",
    "Example Northside Family Resource Centre, Recovery and Counselling",
    "Example County Sheriff's Office Jail Reentry Naloxone Program",
    "Example Harbour Women's Shelter and Recovery House",
    "Example University Student Health Services, Substance Use Support",
)


def services_pack(n: int) -> str:
    """A valid pack of ``n`` local overdose services (at most 10) with long names, long street
    addresses, hours, languages and, for every other one, a web address: what a county's
    outreach team might list. Numbers are in the 555-01xx range set aside for fiction."""
    lines = [
        PACK_HEAD.replace("id: test-pack", "id: many-services"),
        "references:",
        "  - id: services-directory",
        "    type: document",
        '    title: "[Sample service directory]"',
        "    author: [{literal: Example County (sample data)}]",
        "    issued: {date-parts: [[2026, 11]]}",
        "resources:",
    ]
    for i, name in enumerate(SERVICE_NAMES[:n]):
        web = [f'      - {{kind: web, value: "https://example.org/services/{i + 1}/naloxone"}}']
        lines += [
            f"  - id: service-{i + 1}",
            f"    name: {name} (sample data)",
            "    region: Example County (sample data)",
            "    offers: >-",
            "      Free naloxone and training in how to use it, fentanyl test strips,",
            "      sterile supplies, testing for HIV and hepatitis C, and someone to talk",
            "      to about treatment.",
            "    contacts:",
            f"      - {{kind: call, value: 555-01{10 + i}, label: 555-01{10 + i} (sample number)}}",
            *(web if i % 2 == 0 else []),
            "    hours: Monday to Friday, 9 am to 5 pm; Saturday, 10 am to 2 pm",
            "    languages: [English, Spanish, Vietnamese]",
            "    cost: Free",
            f"    address: {100 + i} Example Boulevard, Suite {200 + i}, Example Town (sample)",
            "    concerns: [overdose, substance-use]",
            "    verified: 2026-11-26",
            "    cites: [services-directory]",
        ]
    return "\n".join(lines) + "\n"
