"""The README's commands start from whatever `python3` the shell finds.

`scripts/_env.sh` installs uv with that interpreter's pip. With the project's
own `.venv` activated, the first `python3` on PATH is the venv's, which has
neither uv nor pip (uv makes venvs without pip): `scripts/_python.sh` then
takes the interpreter the venv was made from.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PICK = ROOT / "scripts" / "_python.sh"


def _pick(path_first: Path | None = None, python: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VIRTUAL_ENV")}
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    if python is not None:
        env["PYTHON"] = python
    return subprocess.run(["bash", str(PICK)], capture_output=True, text=True, env=env, timeout=60)


def _has(python: str, module: str) -> bool:
    return subprocess.run([python, "-m", module, "--version"], capture_output=True, timeout=60).returncode == 0


def test_an_activated_venv_without_pip_is_passed_over_for_the_interpreter_it_came_from(tmp_path):
    base = getattr(sys, "_base_executable", "") or sys.executable
    venv = tmp_path / "venv"
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    venv_python = venv / "bin" / "python3"
    assert not _has(str(venv_python), "pip") and not _has(str(venv_python), "uv")

    out = _pick(path_first=venv / "bin")

    assert out.returncode == 0, out.stderr
    chosen = out.stdout.strip()
    assert chosen and Path(chosen) != venv_python
    assert _has(chosen, "uv") or _has(chosen, "pip"), f"{chosen} can install neither uv nor itself"


def test_no_interpreter_that_can_install_uv_is_one_line_saying_what_to_do(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)

    out = _pick(python=str(fake))

    assert out.returncode == 1
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    assert str(fake) in lines[0] and "pip install uv" in lines[0]
