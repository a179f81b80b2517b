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
