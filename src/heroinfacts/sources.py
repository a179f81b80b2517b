"""Where data comes from: the shipped knowledge base and the local packs a user adds.

Packs come from ``--pack`` options, else ``HEROINFACTS_PACKS`` (a path list, ``os.pathsep``
separated; set but empty means none), else ``packs = [...]`` in ``config.toml`` in the user config
directory. The first of those that is given wins: flag > environment > config.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataError, Problem, UsageError

if TYPE_CHECKING:
    from importlib.abc import Traversable

PACKS_ENV = "HEROINFACTS_PACKS"
CONFIG_ENV = "HEROINFACTS_CONFIG"
SHIPPED_NAME = "facts.yaml"
SHIPPED_BUNDLE_ID = "heroinfacts-core"


@dataclass(frozen=True)
class DataFile:
    """A data file to load: how to name it, how to read it, and a cheap identity for the cache."""

    name: str
    shipped: bool
    path: Path | None  # None when the file lives inside a zip (zipapp)

    def read(self) -> bytes:
        if self.path is not None:
            return self.path.read_bytes()
        return _shipped_resource().read_bytes()

    def identity(self) -> str:
        """Changes whenever the file's content may have changed (stat data, or a hash in a zip)."""
        if self.path is None:
            return "sha256:" + hashlib.sha256(self.read()).hexdigest()
        st = self.path.stat()
        return f"{self.path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _shipped_resource() -> Traversable:
    from importlib.resources import files

    return files("heroinfacts") / "data" / SHIPPED_NAME


def shipped() -> DataFile:
    """The knowledge base inside the installed package (or a zipapp)."""
    res = _shipped_resource()
    if isinstance(res, Path):
        if res.is_file():
            return DataFile("data/facts.yaml", True, res)
        # A source checkout run without installing: the data stays at the repository's top.
        dev = Path(__file__).resolve().parents[2] / "data" / SHIPPED_NAME
        if dev.is_file():
            return DataFile("data/facts.yaml", True, dev)
        raise DataError(
            [Problem(str(res), 0, "the shipped data is missing: reinstall heroinfacts")]
        )
    return DataFile("data/facts.yaml", True, None)


def shipped_checksum_recorded() -> str | None:
    """The SHA-256 recorded beside the shipped data at build time, if present."""
    from importlib.resources import files

    res = files("heroinfacts") / "data" / (SHIPPED_NAME + ".sha256")
    try:
        text = res.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, OSError):
        dev = Path(__file__).resolve().parents[2] / "data" / (SHIPPED_NAME + ".sha256")
        if not dev.is_file():
            return None
        text = dev.read_text(encoding="utf-8")
    return text.split()[0] if text.split() else None


def pack_file(path: str | os.PathLike[str]) -> DataFile:
    """A local pack given by path; :class:`UsageError` if it is missing or not a file."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError([Problem(str(path), 0, "no such file: check the pack's path")])
    if not p.is_file():
        raise DataError([Problem(str(path), 0, "this is a directory, not a pack file")])
    return DataFile(str(path), False, p.absolute())


def config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("heroinfacts")) / "config.toml"


def configured_packs(flags: Sequence[str] = ()) -> tuple[list[str], str]:
    """Pack paths in force and where they came from (``flag``, ``environment``, ``config``)."""
    if flags:
        return list(flags), "flag"
    env = os.environ.get(PACKS_ENV)
    if env is not None:
        return [p for p in env.split(os.pathsep) if p.strip()], "environment"
    cfg = config_path()
    try:
        raw = cfg.read_bytes()
    except OSError:
        return [], "none"
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(f"{cfg}: the config file is not valid TOML ({err})") from None
    packs = data.get("packs", [])
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise UsageError(f"{cfg}: `packs` must be a list of paths")
    base = cfg.parent
    return [str(base / Path(p).expanduser()) for p in packs], "config"


def data_files(flags: Sequence[str] = ()) -> list[DataFile]:
    """The shipped data followed by every pack in force."""
    paths, _ = configured_packs(flags)
    return [shipped(), *(pack_file(p) for p in paths)]
