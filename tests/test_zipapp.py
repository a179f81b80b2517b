"""heroinfacts.pyz: built from this environment, it runs from anywhere with only the standard
library, no network and no installed packages (``python -I -S``: no site-packages at all)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from heroinfacts import zipapp

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example-county-outreach.yaml"

#: Run the archive with sockets blocked; ``python -I -S`` ignores PYTHONPATH and site-packages,
#: so the blocker is put on sys.path by hand before the archive runs.
RUNNER = """\
import runpy, socket, sys

def blocked(*args, **kwargs):
    sys.stderr.write("NETWORK ATTEMPT %r\\n" % (args,))
    raise OSError("network access is blocked in this test")

for name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(socket.socket, name, blocked)
socket.create_connection = blocked
socket.getaddrinfo = blocked
pyz = sys.argv[1]
sys.argv = [pyz, *sys.argv[2:]]
runpy.run_path(pyz, run_name="__main__")
"""


def _no_network_prefix() -> list[str]:
    tool = shutil.which("unshare")
    if tool and subprocess.run([tool, "-rn", "true"], capture_output=True).returncode == 0:
        return [tool, "-rn"]
    return []


@pytest.fixture(scope="module")
def pyz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pyz") / "heroinfacts.pyz"
    code = zipapp.main(["-o", str(out)])
    assert code == 0 and out.is_file(), "the build failed: see its message on stderr above"
    return out


@dataclass
class PyzRunner:
    """Runs the archive from a directory outside the repository, offline, with no packages."""

    pyz: Path
    work: Path

    def __call__(self, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        env = {
            "HOME": str(self.work),
            "HEROINFACTS_CACHE_DIR": str(self.work / "cache"),
            "HEROINFACTS_CONFIG": "",  # no config
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        cmd = [*_no_network_prefix(), sys.executable, "-I", "-S", "-c", RUNNER, str(self.pyz)]
        proc = subprocess.run(
            [*cmd, *args], cwd=self.work, env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == code, f"{args} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        assert "NETWORK ATTEMPT" not in proc.stderr
        assert "Traceback" not in proc.stderr
        return proc


@pytest.fixture
def run_pyz(pyz: Path, tmp_path: Path) -> PyzRunner:
    work = tmp_path / "elsewhere"
    work.mkdir()
    return PyzRunner(pyz, work)


def test_required_matches_pyproject() -> None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef,unused-ignore]

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert names == {n.lower() for n in zipapp.REQUIRED} | {n.lower() for n in zipapp.OPTIONAL}


def test_archive_contents(pyz: Path) -> None:
    with zipfile.ZipFile(pyz) as zf:
        names = set(zf.namelist())
        data = zf.read("heroinfacts/data/facts.yaml")
        recorded = zf.read("heroinfacts/data/facts.yaml.sha256").decode().split()[0]
    import hashlib

    assert hashlib.sha256(data).hexdigest() == recorded
    assert data == (ROOT / "data" / "facts.yaml").read_bytes()
    modules = ["__main__.py", "heroinfacts/cli/typer_app.py", "typer/main.py", "rich/console.py"]
    modules += ["yaml/__init__.py", "segno/__init__.py", "platformdirs/__init__.py"]
    for module in modules:
        assert module in names, module
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dylib"))], "no compiled code"
    assert not [n for n in names if "__pycache__" in n]
    assert pyz.read_bytes().startswith(b"#!/usr/bin/env python3\n")


def test_runs_offline_from_anywhere(run_pyz: PyzRunner) -> None:
    out = run_pyz("show", "heroin", "--plain").stdout
    assert out.startswith("What is heroin?") and "[1]" in out
    assert "988" in run_pyz("help-now").stdout
    run_pyz("show", "heroinn", code=1)
    assert run_pyz("--version").stdout.startswith("heroinfacts ")


def test_verify_and_about_inside_the_archive(run_pyz: PyzRunner, pyz: Path) -> None:
    result = json.loads(run_pyz("verify", "--json").stdout)
    assert result["ok"] is True and str(pyz) in result["file"]
    about = json.loads(run_pyz("about", "--json").stdout)
    assert about["data"]["checksum"] == result["actual"]


def test_packs_and_handouts_from_the_archive(run_pyz: PyzRunner) -> None:
    data = json.loads(run_pyz("show", "gear", "--pack", str(EXAMPLE), "--json").stdout)
    assert data["topic"]["id"] == "heroin"
    run_pyz("handout", "overdose", "-o", "overdose.html", "--pack", str(EXAMPLE))
    page = (run_pyz.work / "overdose.html").read_text(encoding="utf-8")
    assert 'class="qr-code"' in page and "555-0100" in page


def test_pure_python_yaml_loader_is_used(pyz: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import yaml, heroinfacts.yamlio as y;"
        "print(yaml.__with_libyaml__, y._Base is yaml.SafeLoader, yaml.__file__)"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(pyz)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    libyaml, safe, where = proc.stdout.split()
    assert (libyaml, safe) == ("False", "True")
    assert where.startswith(str(pyz))


def test_the_archive_runs_as_a_file(pyz: Path, tmp_path: Path) -> None:
    """The plain way: ``python3 heroinfacts.pyz`` (here without site-packages, and offline)."""
    proc = subprocess.run(
        [*_no_network_prefix(), sys.executable, "-I", "-S", str(pyz), "verify"],
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "HEROINFACTS_CACHE_DIR": str(tmp_path / "c")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: ")


def test_build_refuses_data_that_fails_its_checksum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("heroinfacts.sources.shipped_checksum_recorded", lambda: "0" * 64)
    with pytest.raises(zipapp.BuildError, match=r"sha256sum data/facts.yaml"):
        zipapp.plan()


def test_markers_for_other_pythons_are_skipped() -> None:
    assert zipapp.applies("")
    assert zipapp.applies("python_version < '3.11'")  # tomli, on 3.10
    assert zipapp.applies('platform_system == "Windows"')  # colorama
    assert not zipapp.applies("python_version < '3.10'")
    assert not zipapp.applies('extra == "test"')
