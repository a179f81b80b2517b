"""Running a command from the table: what both the Typer app and the fast path call once the
command line is parsed."""

from __future__ import annotations

import os

from .table import Command, Params


def execute(command: Command, params: Params) -> int:
    """Answer ``command`` with ``params`` and return the exit code. A command whose output is a
    function of its inputs stores what it printed, for a repeat
    (:mod:`heroinfacts.stored_output`)."""
    run = command.function()
    if command.stored:
        from .. import stored_output

        return stored_output.record(lambda: int(run(params)), lambda: data_paths(params))
    return int(run(params))


def data_paths(params: Params) -> list[str] | None:
    """The files a lookup's output depends on: the shipped data (and its recorded checksum, for
    ``verify``), the packs in force and, when the packs come from it, the config file. None
    when they cannot all be named."""
    from ..errors import HeroinfactsError
    from ..sources import CONFIG_ENV, configured_packs, path_str, shipped, user_dir

    try:
        data = shipped().path
        packs, origin = configured_packs(params.get("pack") or ())
        # the file sources.config_path() names, without pathlib (~3 ms)
        config = path_str(
            os.environ.get(CONFIG_ENV) or os.path.join(user_dir("config"), "config.toml")
        )
    except (HeroinfactsError, OSError):
        return None
    if data is None:  # inside a zipapp: its identity is a hash, not stat data
        return None
    packs = [os.path.expanduser(p) for p in packs]
    return [data, data + ".sha256", *packs, *([config] if origin in ("config", "none") else [])]
