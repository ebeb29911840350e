"""The CLI behaves like the tools analysts use: --help everywhere, one-line errors."""

from __future__ import annotations

import re
import shlex
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


def _readme_ccw_lines() -> list[str]:
    from ccw.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    lines = []
    for block in blocks:
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("ccw "):
                lines.append(command)
    return lines


def test_readme_ccw_commands_parse_as_written():
    """Every `ccw ...` line of the README's code blocks is accepted by the CLI's own parser as pasted
    (no `[--option]` or `<placeholder>` left): options exist and their values have the right type."""
    from ccw.cli import cli

    lines = _readme_ccw_lines()
    assert len(lines) >= 5
    for line in lines:
        assert not re.search(r"\[--|<[a-z]", line), line
        words = shlex.split(line)[1:]
        ctx = cli.make_context("ccw", words[:1])
        command = cli.get_command(ctx, words[0])
        assert command is not None, line
        command.make_context(words[0], words[1:])  # raises click.UsageError when the line does not parse


def test_a_failed_replay_is_one_readable_line_without_colour_codes(demo_raw, tmp_path):
    """`ccw replay` runs dbt in its own process (DbtSession): off a terminal,
    dbt's lines about what failed come without ANSI colour codes, and the
    error is one line naming the load and where its log is."""
    out = _ccw("replay", str(demo_raw), str(tmp_path / "raw"), str(tmp_path / "w.duckdb"),
               "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
               "--command", "run-operation no_such_macro")
    assert out.returncode == 2, out.stdout + out.stderr
    assert "no_such_macro" in out.stdout  # dbt says what failed
    lines = [ln for ln in out.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: dbt run-operation no_such_macro on the load of "), out.stderr
    assert "dbt.log" in lines[0]
    assert "\x1b[" not in out.stdout + out.stderr and "Traceback" not in out.stderr
