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
