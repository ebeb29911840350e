"""The CLI behaves like the tools analysts use: --help everywhere, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ccw.cli import COMMANDS


def _ccw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ccw", *args], capture_output=True, text=True, timeout=120)


def test_top_level_help_lists_every_command():
    out = _ccw("--help")
    assert out.returncode == 0, out.stderr
    for name in COMMANDS:
        assert name in out.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name):
    out = _ccw(name, "--help")
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout
    assert "not available" not in out.stdout, f"command {name} is not implemented"


def test_build_on_a_missing_raw_folder_is_one_readable_line(tmp_path):
    out = _ccw("build", "--raw-dir", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert out.returncode != 0
    lines = [ln for ln in out.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error:") and "does not exist" in lines[0]
    assert "Traceback" not in out.stderr
