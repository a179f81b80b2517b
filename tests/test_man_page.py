"""The man page the wheel installs (share/man/man1/heroinfacts.1) is ``heroinfacts --man``: the
checked-in man/heroinfacts.1 is current, and a wheel built from this tree carries it there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from heroinfacts import docgen
from heroinfacts._version import __version__

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / docgen.MAN_PAGE
REGENERATE = "python -m heroinfacts.docgen --write README.md"
#: Where a wheel keeps files for <prefix>/share (the wheel format's ``.data/data`` directory).
IN_WHEEL = f"heroinfacts-{__version__}.data/data/share/man/man1/heroinfacts.1"


def test_the_checked_in_man_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == docgen.man(), (
        f"{PAGE.relative_to(ROOT)} differs from heroinfacts --man. Regenerate it with: {REGENERATE}"
    )


def test_docgen_writes_the_man_page_beside_the_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"{docgen.START}\n{docgen.END}\n")
    (tmp_path / "man").mkdir()
    (tmp_path / docgen.MAN_PAGE).write_text("stale\n")
    assert docgen.main(["--write", str(readme)]) == 0
    assert (tmp_path / docgen.MAN_PAGE).read_text(encoding="utf-8") == docgen.man()


def test_the_wheel_installs_the_man_page(tmp_path: Path) -> None:
    """Built with the project's build backend, in a process of its own, offline."""
    build = "import sys, hatchling.build as backend\nprint(backend.build_wheel(sys.argv[1]))\n"
    done = subprocess.run(
        [sys.executable, "-c", build, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    wheel = tmp_path / done.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert IN_WHEEL in names, sorted(n for n in names if ".data/" in n)
        assert archive.read(IN_WHEEL).decode("utf-8") == docgen.man()
        record = archive.read(f"heroinfacts-{__version__}.dist-info/RECORD").decode()
    assert IN_WHEEL in record
