"""Broken data and packs, for ``--pack FILE``, ``HEROINFACTS_PACKS`` and ``validate FILE``: every
one exits 3 with ``file:line: message``, in bounded time, within 1 GiB of address space."""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from pack_support import GOOD_PACK, PACK_HEAD, SECOND_TOPIC
from robust_support import Result, Runner, Spec

MB = 1 << 20


def _laughs() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


def _random_text(size: int) -> bytes:
    """``size`` bytes of random printable ASCII in lines (fast: os.urandom and a table)."""
    alphabet = b"abcdefghijklmnopqrstuvwxyz" + b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    alphabet += b" :-[]{},#&*!|>'\"%@`\n\n\n  "
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return os.urandom(size).translate(table)


#: name -> file content (bytes), or a callable that makes the path itself.
CONTENT: dict[str, bytes] = {
    "binary-garbage": b"\x00\x01\x02\xff\xfe" + os.urandom(64 * 1024),
    "binary-late-nul": GOOD_PACK.encode() + b"#" * 9000 + b"\x00\x00garbage\n",
    "invalid-utf8": PACK_HEAD.replace("Test pack", "Caf\udce9").encode("utf-8", "surrogateescape"),
    "utf16": GOOD_PACK.encode("utf-16"),
    "empty": b"",
    "whitespace-only": b"  \n\n\t\n",
    "comments-only": b"# nothing here\n# at all\n",
    "syntax-error": (PACK_HEAD + "topics:\n  - id: x\n    title: [unclosed\n").encode(),
    "tab-indent": b"schema: 1\nbundle:\n\tid: x\n",
    "python-object": b"!!python/object/apply:os.system ['echo pwned']\n",
    "python-name": (PACK_HEAD + "topics: !!python/name:os.system\n").encode(),
    "unknown-tag": (PACK_HEAD + "topics: !include other.yaml\n").encode(),
    "billion-laughs": _laughs(),
    "alias": (PACK_HEAD + "references: &r []\nglossary: *r\n").encode(),
    "merge-key": (PACK_HEAD + "x: &b {id: a}\ntopics:\n  - <<: *b\n").encode(),
    "deep-nesting": b"schema: 1\nbundle: " + b"[" * 200_000 + b"]" * 200_000 + b"\n",
    "deep-mapping": b"schema: 1\nbundle: " + b"{a: " * 50_000 + b"1" + b"}" * 50_000 + b"\n",
    "several-documents": (PACK_HEAD + "---\n" + PACK_HEAD).encode(),
    "list-at-top": b"- schema\n- bundle\n",
    "scalar-at-top": b"just some words\n",
    "wrong-types": b'schema: "1"\nbundle: 5\ntopics: {a: 1}\nreferences: [1, "x", [2]]\n',
    "wrong-nested-types": GOOD_PACK.replace("related: [heroin]", "related: heroin")
    .replace("title: Local words", "title: [1, 2]")
    .replace("cites: [local-directory]", "cites: {a: 1}")
    .encode(),
    "duplicate-ids": (GOOD_PACK + SECOND_TOPIC).encode(),
    "duplicate-keys": GOOD_PACK.replace(
        "    summary:", "    title: Second title\n    summary:"
    ).encode(),
    "dangling-cites": GOOD_PACK.replace("cites: [local-directory]", "cites: [nowhere]").encode(),
    "dangling-related": GOOD_PACK.replace("related: [heroin]", "related: [no-such-topic]").encode(),
    "dangling-alias-target": (
        GOOD_PACK + "aliases:\n  - {kind: topic, id: nope, add: [x]}\n"
    ).encode(),
    "clash-without-override": GOOD_PACK.replace("id: local-slang", "id: heroin").encode(),
    "override-nothing": GOOD_PACK.replace(
        "  - id: local-slang", "  - id: local-slang\n    override: true"
    ).encode(),
    "bad-ids": GOOD_PACK.replace("id: local-slang", "id: Local Slang!").encode(),
    "missing-required": GOOD_PACK.replace("    summary: Words people use here.\n", "").encode(),
    "unknown-keys": GOOD_PACK.replace("    related:", "    relatd:").encode(),
    "impossible-date": PACK_HEAD.replace("2026-11-01", "2026-13-45").encode(),
    "date-and-time": PACK_HEAD.replace("2026-11-01", "2026-11-01 25:61:00").encode(),
    "huge-integer": PACK_HEAD.replace('"1"', "9" * 5000).encode(),
    "huge-hex-integer": PACK_HEAD.replace('"1"', "0x" + "f" * 5000).encode(),
    "shipped-copy-broken": b"",  # filled in from the installed data by the fixture
}
#: Made by the fixture: not plain files.
SPECIAL = ("missing", "directory", "fifo", "dev-zero", "symlink-loop", "dangling-symlink")
BIG = ("random-text-50mb", "one-line-50mb", "valid-but-50mb-of-comments")
CASES = [*CONTENT, *SPECIAL, *BIG]
#: Where the problem is, when the test knows it: the line a person must look at.
LINES = {
    "invalid-utf8": 4,
    "impossible-date": 7,
    "huge-integer": 5,
    "duplicate-ids": 24,
    "dangling-cites": 22,
    "duplicate-keys": 18,
}


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    base = tmp_path_factory.mktemp("packs")
    made: dict[str, Path] = {}
    for name, content in CONTENT.items():
        made[name] = base / f"{name}.yaml"
        made[name].write_bytes(content)
    # an edited copy of the shipped data with a broken cite (checked alone, as the core file)
    from heroinfacts.sources import shipped

    text = shipped().read().decode("utf-8")
    made["shipped-copy-broken"].write_text(text.replace("cites: [", "cites: [no-such-ref, ", 1))
    made["missing"] = base / "missing.yaml"
    made["directory"] = base / "directory.yaml"
    made["directory"].mkdir()
    made["fifo"] = base / "fifo.yaml"
    os.mkfifo(made["fifo"])
    made["dev-zero"] = Path("/dev/zero")
    made["symlink-loop"] = base / "loop-a.yaml"
    made["symlink-loop"].symlink_to(base / "loop-b.yaml")
    (base / "loop-b.yaml").symlink_to(made["symlink-loop"])
    made["dangling-symlink"] = base / "dangling.yaml"
    made["dangling-symlink"].symlink_to(base / "nowhere.yaml")
    made["random-text-50mb"] = base / "random.yaml"
    made["random-text-50mb"].write_bytes(_random_text(50 * MB))
    made["one-line-50mb"] = base / "one-line.yaml"
    made["one-line-50mb"].write_bytes(b"schema: 1\nbundle: " + b"x" * (50 * MB) + b"\n")
    made["valid-but-50mb-of-comments"] = base / "comments.yaml"
    made["valid-but-50mb-of-comments"].write_bytes(
        GOOD_PACK.replace("cites: [local-directory]", "cites: [nowhere]").encode()
        + (b"# " + b"c" * 78 + b"\n") * (50 * MB // 81)
    )
    yield made
    for name in BIG:  # 150 MB: not kept with pytest's last three temporary directories
        made[name].unlink()


def _problem_lines(res: Result, path: Path) -> list[tuple[int, str]]:
    found = re.findall(rf"^{re.escape(str(path))}:(\d+): (.+)$", res.out + res.err, re.MULTILINE)
    return [(int(n), msg) for n, msg in found]


@pytest.mark.parametrize("case", CASES)
def test_broken_pack(hf: Runner, packs: dict[str, Path], case: str) -> None:
    path = packs[case]
    big = case in BIG
    specs = [
        Spec(["validate", str(path)]),
        Spec(["validate", str(path), "--json"]),
        Spec(["topics", "--pack", str(path)]),
    ]
    if not big:  # one more way in, in turn: --json, the terminal's page cache, the environment
        specs.append(
            [
                Spec(["show", "heroin", "--pack", str(path), "--json"]),
                Spec(["show", "heroin", "--pack", str(path)], env={"FORCE_COLOR": "1"}),
                Spec(["search", "heroin"], env={"HEROINFACTS_PACKS": str(path)}),
            ][CASES.index(case) % 3]
        )
    for spec, res in zip(specs, hf.many(specs, parallel=2 if big else 4), strict=True):
        # a pack from HEROINFACTS_PACKS that cannot be loaded is a notice with its problems,
        # and the answer comes from the shipped data (no pack can hide a help line)
        code = 0 if "HEROINFACTS_PACKS" in spec.env else 3
        hf.check(res, codes=code, color="FORCE_COLOR" in spec.env)
        assert res.seconds < 30, res.describe()
        if "--json" in spec.args and spec.args[0] == "validate":
            doc = res.json()
            assert isinstance(doc, dict) and doc["valid"] is False, res.describe()
            assert doc["problems"] and all(p["file"] == str(path) for p in doc["problems"])
            continue
        lines = _problem_lines(res, path)
        assert lines, f"no '{path}:LINE: message' in the output\n" + res.describe()
        if case in LINES:
            assert LINES[case] in [n for n, _ in lines], res.describe()


def test_good_pack_controls(hf: Runner, tmp_path: Path) -> None:
    """The same pack, valid, with a byte order mark and with CRLF line ends: exit 0."""
    variants = {
        "plain": GOOD_PACK.encode(),
        "bom": b"\xef\xbb\xbf" + GOOD_PACK.encode(),
        "crlf": GOOD_PACK.replace("\n", "\r\n").encode(),
    }
    for name, content in variants.items():
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(content)
        for res in hf.many(
            [Spec(["validate", str(path)]), Spec(["show", "local-slang", "--pack", str(path)])]
        ):
            hf.check(res, codes=0)


CONFIGS = {
    "bad-toml": (b"packs = [1", 2),
    "binary": (b"\xff\xfe\x00\x01", 2),
    "packs-not-a-list": (b'packs = "x.yaml"', 2),
    "missing-pack": (b'packs = ["/nonexistent/pack.yaml"]', 3),
}


@pytest.mark.parametrize("case", CONFIGS)
def test_broken_config(hf: Runner, tmp_path: Path, case: str) -> None:
    content, code = CONFIGS[case]
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    env = {"HEROINFACTS_CONFIG": str(config)}
    argvs = [
        ["topics"],
        ["show", "heroin"],
        ["validate"],
        ["about", "--json"],
        ["search", "heroin"],
    ]
    specs = [Spec(a, env=env) for a in argvs]
    specs.append(Spec(["show", "heroin"], env={**env, "FORCE_COLOR": "1"}))
    for spec, res in zip(specs, hf.many(specs), strict=True):
        # a config that cannot be used, or a pack it names that is missing, is a notice for a
        # lookup (it answers from the shipped data, help lines and all) and an error only for
        # validate
        want = code if spec.args[0] == "validate" else 0
        hf.check(res, codes=want, color="FORCE_COLOR" in spec.env)
        assert res.stderr.strip(), res.describe()
    version = hf.check(hf.run("--version", env=env), codes=0)
    assert version.out.startswith("heroinfacts "), version.describe()


def test_validate_json_is_one_document(hf: Runner, packs: dict[str, Path]) -> None:
    """Several broken files in one ``validate --json``: one document listing them all."""
    names = ["empty", "binary-garbage", "missing", "duplicate-ids"]
    res = hf.check(hf.run("validate", *(str(packs[n]) for n in names), "--json"), codes=3)
    doc = res.json()
    assert isinstance(doc, dict)
    assert {p["file"] for p in doc["problems"]} == {str(packs[n]) for n in names}
    json.dumps(doc)


def test_pack_text_is_not_read_as_a_template(hf: Runner, tmp_path: Path) -> None:
    """Braces and percent signs in data are literal (no format-string surprises)."""
    path = tmp_path / "braces.yaml"
    path.write_text(
        textwrap.dedent(GOOD_PACK).replace("People here say gear", "People {0} %s %(x)s {{}} say"),
        encoding="utf-8",
    )
    res = hf.check(hf.run("show", "local-slang", "--pack", str(path)), codes=0)
    assert "People {0} %s %(x)s {{}} say" in res.out, res.describe()
