"""`ccw dashboard`: serve the Streamlit dashboard over the published warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from ccw.errors import CcwError
from ccw.paths import resolve
from ccw.paths import warehouse_path as default_warehouse_path

APP = Path(__file__).resolve().parent / "app.py"


def streamlit_command(port: int, host: str) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless=true", f"--server.port={port}", f"--server.address={host}",
        "--server.fileWatcherType=none", "--browser.gatherUsageStats=false", "--theme.base=light",
        "--client.toolbarMode=minimal",
    ]


@click.command()
@click.option("--warehouse", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file to show, opened read-only (default: $WAREHOUSE_PATH or warehouse/contact_center.duckdb).")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="localhost", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
def dashboard(warehouse: str | None, port: int, host: str) -> None:
    """Serve the dashboard (Today, Trends, Structure, Agents, Queues,
    Satisfaction) at http://HOST:PORT. It reads the published warehouse
    read-only, so it keeps answering while `ccw build` runs and shows the new
    data after the swap. Stop it with Ctrl-C."""
    wh = Path(resolve(warehouse) if warehouse else default_warehouse_path())
    if not wh.is_file():
        raise CcwError("no warehouse to show", str(wh), "build it first with `ccw build`")
    click.echo(f"serving {wh} at http://{host}:{port} (Ctrl-C stops)", err=True)
    env = dict(os.environ, CCW_WAREHOUSE=str(wh), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    try:
        sys.exit(subprocess.call(streamlit_command(port, host), env=env))
    except KeyboardInterrupt:
        sys.exit(130)
