"""Rules on the package's code itself: one CSL vocabulary, and a docstring on everything
public, so that a newcomer reading a module finds what each part is for."""

from __future__ import annotations

import ast
from pathlib import Path

import heroinfacts
from heroinfacts import citations, compiler

PACKAGE = Path(heroinfacts.__file__).resolve().parent


def test_the_compiler_takes_its_csl_vocabulary_from_citations() -> None:
    assert compiler.CSL_TYPES is citations.CSL_TYPES
    assert compiler.CSL_NAME_KEYS is citations.CSL_NAME_KEYS
    variables = citations.CSL_STRING_VARS | citations.CSL_NUMBER_VARS
    assert not set(compiler.CSL_TEXT) - variables, "a reference key that is no CSL variable"
    reference = set(compiler.SECTIONS["references"]) - set(compiler.COMMON) - {"type", "custom"}
    assert reference <= variables | citations.CSL_NAME_VARS | citations.CSL_DATE_VARS
    assert reference >= set(compiler.CSL_TEXT) | {"title", "author", "issued"}


def undocumented(tree: ast.Module) -> list[tuple[int, str]]:
    """Public functions and classes (no leading underscore, not nested in a function or in a
    private class) without a docstring, with their lines."""
    missing: list[tuple[int, str]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if child.name.startswith("_"):
                continue
            if ast.get_docstring(child) is None:
                missing.append((child.lineno, prefix + child.name))
            if isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")

    walk(tree, "")
    return missing


def test_the_walk_finds_a_public_function_without_a_docstring() -> None:
    tree = ast.parse(
        "def shown(): pass\n"
        "def _hidden(): pass\n"
        "class Shown:\n    'Said.'\n    def method(self): pass\n    def _own(self): pass\n"
        "def said():\n    'Said.'\n    def inner(): pass\n"
    )
    assert undocumented(tree) == [(1, "shown"), (5, "Shown.method")]


def test_every_public_function_and_class_has_a_docstring() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 20
    missing = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in modules
        for line, name in undocumented(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not missing, "public without a docstring:\n" + "\n".join(missing)
