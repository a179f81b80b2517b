"""`heroinfacts verify`: the shipped data against its recorded checksum, so that a copy passed on
by USB stick can be checked. Exit 0 when it matches, 3 (with a clear message) when not."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import invoke

import heroinfacts

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "facts.yaml"
RECORDED = ROOT / "data" / "facts.yaml.sha256"


def cli(*args: str) -> tuple[int, str, str]:
    run = invoke(*args)
    return run.code, run.stdout, run.stderr


def test_recorded_checksum_matches_the_data_file() -> None:
    """Whoever edits data/facts.yaml must record its new checksum, or this fails."""
    recorded = RECORDED.read_text(encoding="utf-8").split()[0]
    actual = hashlib.sha256(DATA.read_bytes()).hexdigest()
    assert recorded == actual, (
        "data/facts.yaml changed but data/facts.yaml.sha256 did not. Record it with:\n"
        "    sha256sum data/facts.yaml | cut -d' ' -f1 > data/facts.yaml.sha256"
    )
    assert RECORDED.read_text(encoding="utf-8") == actual + "\n"


def test_verify_passes_on_good_data() -> None:
    code, out, err = cli("verify")
    assert code == 0, err
    assert out.startswith("OK: ") and "matches its recorded checksum" in out
    actual = hashlib.sha256(DATA.read_bytes()).hexdigest()
    assert f"sha256:{actual}" in out
    code, out, _ = cli("verify", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True
    assert data["expected"] == data["actual"] == f"sha256:{actual}"


def test_verify_agrees_with_about() -> None:
    _, out, _ = cli("verify", "--json")
    _, about, _ = cli("about", "--json")
    assert json.loads(out)["actual"] == json.loads(about)["data"]["checksum"]


def test_verify_fails_on_a_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("heroinfacts.sources.shipped_checksum_recorded", lambda: "ab" * 32)
    code, out, err = cli("verify")
    assert code == 3 and out == ""
    assert "does not match its recorded checksum" in err
    assert f"expected sha256:{'ab' * 32}" in err and "Traceback" not in err
    code, out, err = cli("verify", "--json")
    data = json.loads(out)
    assert code == 3 and data["ok"] is False and data["expected"] == f"sha256:{'ab' * 32}"
    code, _, err = cli("verify", "--quiet")
    assert code == 3 and err.count("\n") == 1


def test_verify_fails_without_a_recorded_checksum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("heroinfacts.sources.shipped_checksum_recorded", lambda: None)
    code, out, err = cli("verify", "--json")
    assert code == 3 and json.loads(out)["expected"] is None
    assert "no recorded checksum" in err


def test_a_changed_copy_is_caught(tmp_path: Path) -> None:
    """A copy of the package whose data was edited after it was built (as on a USB stick)."""
    package = Path(heroinfacts.__file__).resolve().parent
    copy = tmp_path / "stick" / "heroinfacts"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "data").mkdir(exist_ok=True)
    good = DATA.read_bytes()
    (copy / "data" / "facts.yaml").write_bytes(good)
    recorded = hashlib.sha256(good).hexdigest() + "\n"  # as the build records it
    (copy / "data" / "facts.yaml.sha256").write_text(recorded, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HEROINFACTS_")},
        "PYTHONPATH": str(copy.parent),
        "HEROINFACTS_CACHE_DIR": str(tmp_path / "cache"),
    }
    cmd = [sys.executable, "-m", "heroinfacts", "verify"]
    ok = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert str(copy / "data" / "facts.yaml") in ok.stdout
    (copy / "data" / "facts.yaml").write_bytes(good.replace(b"988", b"989", 1))
    bad = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 3
    assert "does not match its recorded checksum" in bad.stderr
    assert "Traceback" not in bad.stderr
