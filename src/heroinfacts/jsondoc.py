"""The JSON examples in docs/json.md, generated from real output.

Each example in that file follows a marker naming the command that prints it::

    <!-- example: heroinfacts show heroin | keep=1 expand=2 -->
    ```json
    ...
    ```

``python -m heroinfacts.jsondoc --write docs/json.md`` runs every marked command with ``--json``
(in a fresh cache and working directory, with no packs or config) and puts its output, abridged,
under the marker: ``pick=a/0`` shows only ``output["a"][0]``, every array keeps its first ``keep``
entries (default 1), and containers deeper than ``expand`` levels (default 2) are written on one
line, as is any that fits in 100 characters. Paths that depend on the machine are
written as on a typical install. Without ``--write`` it prints the file as it would be; a test
checks the file is up to date, so the examples always have the keys and values heroinfacts
really prints.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MARKER = re.compile(
    r"^<!-- example: heroinfacts(?P<args>[^|>]*?)(?: \| (?P<opts>[^>]*?))? -->\n```json\n.*?```\n",
    re.M | re.S,
)
#: How machine-dependent paths are written in the examples.
TYPICAL = {
    "config": "/home/user/.config/heroinfacts/config.toml",
    "cache": "/home/user/.cache/heroinfacts",
    "data": "/usr/lib/python3/site-packages/heroinfacts/data/facts.yaml",
}
_CACHE_FILE = re.compile(r"kb-[0-9a-f]{8,}\.sqlite")


def _run(args: list[str], work: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEROINFACTS_", "FORCE_COLOR"))}
    env.update(
        HEROINFACTS_CACHE_DIR=str(work / "cache"),
        XDG_CONFIG_HOME=str(work / "config"),  # no config.toml there: no config
        NO_COLOR="1",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "heroinfacts", *args, "--json"],
        capture_output=True,
        cwd=work,
        env=env,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if not proc.stdout.strip():
        raise RuntimeError(f"heroinfacts {shlex.join(args)} --json printed nothing: {proc.stderr}")
    return json.loads(proc.stdout)


def _abridge(value: Any, keep: int) -> Any:
    if isinstance(value, list):
        return [_abridge(v, keep) for v in value[:keep]]
    if isinstance(value, dict):
        return {k: _abridge(v, keep) for k, v in value.items()}
    return value


def _typical(value: Any, paths: dict[str, str]) -> Any:
    """``value`` with this machine's paths written as on a typical install."""
    if isinstance(value, list):
        return [_typical(v, paths) for v in value]
    if isinstance(value, dict):
        return {k: _typical(v, paths) for k, v in value.items()}
    if isinstance(value, str):
        for real, typical in paths.items():
            value = value.replace(real, typical)
        return _CACHE_FILE.sub("kb-HASH.sqlite", value)
    return value


#: A container that fits in this many characters is written on one line.
LINE = 100


def dump(value: Any, expand: int, indent: int = 0) -> str:
    """JSON with containers down to ``expand`` levels one entry a line (unless they fit on one
    line), deeper ones on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if expand <= 0 or not isinstance(value, (dict, list)) or len(flat) + 2 * indent <= LINE:
        return flat
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k)}: {dump(v, expand - 1, indent + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    items = [f"{pad}{dump(v, expand - 1, indent + 1)}" for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"


def render(text: str) -> str:
    """``text`` (docs/json.md) with every marked example made again from real output."""
    with tempfile.TemporaryDirectory(prefix="heroinfacts-jsondoc-") as tmp:
        work = Path(tmp).resolve()
        about = _run(["about"], work)
        paths = {
            str(about["data_path"]): TYPICAL["data"],
            str(work / "config" / "heroinfacts" / "config.toml"): TYPICAL["config"],
            str(work / "cache"): TYPICAL["cache"],
        }

        def example(match: re.Match[str]) -> str:
            args = shlex.split(match["args"])
            opts = dict(o.split("=", 1) for o in (match["opts"] or "").split())
            data = _run(args, work)
            for step in opts.get("pick", "").split("/") if opts.get("pick") else ():
                data = data[int(step)] if isinstance(data, list) else data[step]
            data = _typical(_abridge(data, int(opts.get("keep", 1))), paths)
            for name in work.iterdir():  # files a command wrote (a handout): write it again
                if name.is_file() and name.name != "config.toml":
                    name.unlink()
            return (
                match.group(0).split("\n", 1)[0]
                + "\n```json\n"
                + dump(data, int(opts.get("expand", 2)))
                + "\n```\n"
            )

        return MARKER.sub(example, text)


def main(argv: list[str] | None = None) -> int:
    """``python -m heroinfacts.jsondoc [FILE] [--write]``: make the JSON examples again."""
    parser = argparse.ArgumentParser(
        prog="python -m heroinfacts.jsondoc",
        description="Make the JSON examples in docs/json.md again from real output.",
        epilog="Example: python -m heroinfacts.jsondoc --write docs/json.md",
    )
    parser.add_argument("file", nargs="?", default="docs/json.md", help="the file (docs/json.md)")
    parser.add_argument("--write", action="store_true", help="rewrite the file instead of printing")
    args = parser.parse_args(argv)
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
        new = render(text)
    except (OSError, RuntimeError, ValueError) as err:
        print(f"jsondoc: {path}: {err}", file=sys.stderr)
        return 2
    if not args.write:
        sys.stdout.write(new)
    elif new != text:
        path.write_text(new, encoding="utf-8")
        print(f"jsondoc: updated the examples in {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
