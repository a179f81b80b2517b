"""The validator: every kind of broken data is a problem with file, line and a clear message."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from pack_support import GOOD_PACK, PACK_HEAD, SECOND_TOPIC

import heroinfacts
from heroinfacts.errors import DataError, Problem


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def problems(tmp_path: Path, text: str) -> list[Problem]:
    return heroinfacts.validate(write(tmp_path, text))


def only(found: list[Problem], needle: str) -> Problem:
    hits = [p for p in found if needle in p.message]
    assert hits, f"no problem mentions {needle!r}: {found}"
    return hits[0]


def test_good_pack_has_no_problems(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD_PACK) == []


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, PACK_HEAD + "topics:\n  - id: x\n    title: [unclosed\n")
    assert len(found) == 1
    assert found[0].line >= 12 and "YAML error" in found[0].message
    assert str(found[0]).startswith(f"{tmp_path / 'pack.yaml'}:{found[0].line}: ")


def test_wrong_type(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("    title: Local words", "    title: [1, 2]")
    p = only(problems(tmp_path, text), "title must be text")
    assert p.line == 17


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("    related: [heroin]", "    relatd: [heroin]")
    p = only(problems(tmp_path, text), "unknown key 'relatd'")
    assert "did you mean 'related'" in p.message and p.line == 23


def test_odd_keys_are_quoted_so_a_message_stays_on_one_line(tmp_path: Path) -> None:
    text = GOOD_PACK.replace(
        "    publisher: Test County",
        '    publisher: Test County\n    author: [{literal: Test County, "\\n": x, "": y}]',
    )
    p = only(problems(tmp_path, text), "author entry 1 has unknown keys")
    assert "\n" not in p.message and "'\\n'" in p.message and "''" in p.message, p


def test_missing_required_key(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("    summary: Words people use here.\n", "")
    p = only(problems(tmp_path, text), "missing the required key 'summary'")
    assert p.line == 16


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    text = GOOD_PACK + SECOND_TOPIC
    p = only(problems(tmp_path, text), "already defined at")
    assert p.line == 24 and f"{tmp_path / 'pack.yaml'}:16" in p.message


def test_clash_with_shipped_data_needs_override(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("  - id: local-slang", "  - id: heroin")
    p = only(problems(tmp_path, text), "already defined at data/facts.yaml:")
    assert "override: true" in p.message


def test_override_replaces_a_shipped_topic(tmp_path: Path) -> None:
    text = GOOD_PACK.replace(
        "  - id: local-slang", "  - id: heroin\n    override: true\n    concerns: [substance-use]"
    ).replace("    related: [heroin]\n", "")
    path = write(tmp_path, text)
    assert heroinfacts.validate(path) == []
    kb = heroinfacts.load([path], use_cache=False)
    assert kb.topic("heroin").title == "Local words"
    assert kb.topic("heroin").facts[0].id == "local-fact"


def test_dangling_cite(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("cites: [local-directory]", "cites: [local-directry]")
    found = problems(tmp_path, text)
    p = only(found, "cites 'local-directry', which is not in `references`")
    assert "did you mean 'local-directory'" in p.message and p.line == 22
    only(found, "'local-directory' is not cited by anything")


def test_orphan_reference(tmp_path: Path) -> None:
    text = GOOD_PACK.replace(
        "references:\n", "references:\n  - id: unused\n    type: book\n    title: Unused\n"
    )
    p = only(problems(tmp_path, text), "'unused' is not cited by anything")
    assert p.line == 11


def test_related_topic_must_exist(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("related: [heroin]", "related: [heroine-topic]")
    only(problems(tmp_path, text), "related topic 'heroine-topic' does not exist")


def test_bad_id_and_concern(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("  - id: local-slang", "  - id: Local Slang\n    concerns: [sadness]")
    found = problems(tmp_path, text)
    only(found, "is not a kebab-case id")
    only(found, "'sadness' is not one of")


def test_alias_clash_is_reported(tmp_path: Path) -> None:
    text = GOOD_PACK.replace(
        "    title: Local words", "    title: Local words\n    aliases: [smack]"
    )
    only(problems(tmp_path, text), "the name 'smack' of 'local-slang' is already used by 'heroin'")


def test_pack_aliases_add_slang(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_PACK + "aliases:\n  - {kind: topic, id: heroin, add: [gear]}\n")
    assert heroinfacts.validate(path) == []
    assert heroinfacts.load([path], use_cache=False).topic("gear").id == "heroin"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary\xff", "binary file"),
        (b"schema: 1\nbundle: caf\xe9\n", "not valid UTF-8"),
        (b"- just\n- a list\n", "must be a YAML mapping"),
        (b"!!python/object/apply:os.system ['echo hi']\n", "tags such as !!python/object"),
        (b"schema: 2\n", "`schema` must be 1"),
    ],
)
def test_malformed_files(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    only(heroinfacts.validate(str(path)), needle)


def test_invalid_utf8_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"schema: 1\n# ok\nbundle: caf\xe9\n")
    assert only(heroinfacts.validate(str(path)), "UTF-8").line == 3


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    start = time.monotonic()
    p = only(heroinfacts.validate(str(path)), "anchors and aliases")
    assert time.monotonic() - start < 5
    assert p.line == 1  # where the anchor that is reused stands


def test_missing_path_and_directory(tmp_path: Path) -> None:
    only(heroinfacts.validate(str(tmp_path / "nope.yaml")), "no such file")
    only(heroinfacts.validate(str(tmp_path)), "directory")


def test_load_raises_data_error_with_every_problem(tmp_path: Path) -> None:
    text = GOOD_PACK.replace("cites: [local-directory]", "cites: [nowhere]")
    with pytest.raises(DataError) as info:
        heroinfacts.load([write(tmp_path, text)], use_cache=False)
    assert len(info.value.problems) == 2


def test_edited_copy_of_core_data_is_checked_alone(tmp_path: Path) -> None:
    from heroinfacts.sources import shipped

    raw = shipped().read().decode()
    path = write(tmp_path, raw, "facts.yaml")
    assert heroinfacts.validate(path) == []
    broken = raw.replace("cites: [article, nida-2018-heroin]", "cites: [artcle]", 1)
    found = heroinfacts.validate(write(tmp_path, broken, "facts.yaml"))
    assert any("'artcle'" in p.message for p in found)


def test_a_pack_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from heroinfacts import yamlio

    real = yamlio.parse
    seen: list[bytes] = []

    def counting(raw: bytes) -> object:
        seen.append(raw)
        return real(raw)

    monkeypatch.setattr(yamlio, "parse", counting)
    path = write(tmp_path, GOOD_PACK)
    assert heroinfacts.validate(path) == []
    pack = Path(path).read_bytes()
    assert seen.count(pack) == 1  # checking whether it is a core copy reuses the parse


# --- cites with check records, aliases and search words -------------------------------------

CHECKED = """\
        cites:
          - article
          - ref: local-directory
            read: https://example.org/directory
            section: Services
            supports: {supports}
"""


def _with_cite(cite: str) -> str:
    return GOOD_PACK.replace("        cites: [local-directory]\n", cite)


def test_a_cite_with_its_check_record_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, _with_cite(CHECKED.format(supports="partly")))
    assert heroinfacts.validate(path) == []
    fact = heroinfacts.load([path], use_cache=False).topic("local-slang").facts[0]
    assert fact.cites == ("article", "local-directory")
    (check,) = fact.checks
    assert (check.ref, check.read, check.section, check.supports, check.note) == (
        "local-directory",
        "https://example.org/directory",
        "Services",
        "partly",
        None,
    )


def test_an_unknown_supports_value_is_a_problem(tmp_path: Path) -> None:
    text = _with_cite(CHECKED.format(supports="maybe")).replace("          - article\n", "")
    p = only(problems(tmp_path, text), "supports 'maybe' is not one of: states, partly")
    assert p.line == 26 and "cite 1" in p.message


@pytest.mark.parametrize("key", ["read", "section", "supports"])
def test_a_check_record_needs_read_section_and_supports(tmp_path: Path, key: str) -> None:
    cite = CHECKED.format(supports="states").replace("          - article\n", "")
    lines = [ln for ln in cite.splitlines(keepends=True) if not ln.strip().startswith(key + ":")]
    p = only(problems(tmp_path, _with_cite("".join(lines))), f"missing the required key {key!r}")
    assert p.line == 23


def test_a_check_record_must_cite_a_known_reference(tmp_path: Path) -> None:
    cite = CHECKED.format(supports="states").replace("          - article\n", "")
    found = problems(tmp_path, _with_cite(cite.replace("ref: local-directory", "ref: nowhere")))
    p = only(found, "cites 'nowhere', which is not in `references`")
    assert p.line == 23


def test_a_cite_that_is_neither_an_id_nor_a_record_is_a_problem(tmp_path: Path) -> None:
    p = only(problems(tmp_path, _with_cite("        cites: [[a, b]]\n")), "cite 1 must be text")
    assert "mapping {ref, read, section, supports}" in p.message and p.line == 22


def test_a_pack_may_cite_its_own_reference_bare(tmp_path: Path) -> None:
    assert problems(tmp_path, GOOD_PACK) == []  # cites: [local-directory]


def test_a_word_in_both_aliases_and_search_words_is_a_problem(tmp_path: Path) -> None:
    text = GOOD_PACK.replace(
        "    summary: Words people use here.\n",
        "    summary: Words people use here.\n    aliases: [slang]\n"
        "    search_words: [local words, Slang]\n",
    )
    p = only(problems(tmp_path, text), "'Slang' is in both `aliases` and `search_words`")
    assert p.line == 20


def test_search_words_are_searched_and_looked_up_but_not_aliases(tmp_path: Path) -> None:
    text = GOOD_PACK.replace(
        "    summary: Words people use here.\n",
        "    summary: Words people use here.\n    search_words: [sayings hereabouts]\n",
    )
    path = write(tmp_path, text)
    assert heroinfacts.validate(path) == []
    kb = heroinfacts.load([path], use_cache=False)
    topic = kb.topic("sayings hereabouts")
    assert topic.id == "local-slang"
    assert topic.search_words == ("sayings hereabouts",) and topic.aliases == ()
