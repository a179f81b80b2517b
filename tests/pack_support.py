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
