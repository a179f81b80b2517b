"""Domain errors raised by the library. Only the command line turns them into exit codes."""

from __future__ import annotations

from .records import Struct


class Problem(Struct):
    """One thing wrong with a data file, with where it is and what to do about it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class HeroinfactsError(Exception):
    """Base class of every error heroinfacts raises on purpose."""


class DataError(HeroinfactsError):
    """A data file (shipped or a local pack) could not be loaded; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid data"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


class NotFound(HeroinfactsError):
    """Nothing matches a name; ``suggestions`` holds close matches, best first."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions or []
        super().__init__(f"no {kind} called {name!r}")


class UsageError(HeroinfactsError):
    """The request itself is not valid (a bad option value, a wrong file type ...)."""


class OutputError(HeroinfactsError):
    """Standard output could not be written (a full disk, a closed device); not a broken pipe."""
