"""Time every dashboard page in a real browser: `python benchmarks/dashboard_pages.py WAREHOUSE [RUNS]`.

Starts `ccw dashboard` over WAREHOUSE and measures, in headless Chromium
(Debian's, through Playwright), the time until a page has run (its title
shown, its charts drawn, Streamlit's script run to its end):

- load: the page opened by its URL in a new tab (the browser loads the app's
  JavaScript and opens a session first); the first load of a page is cold
  (no cached query), the others warm (cached per warehouse file version);
- switch: the page chosen in the sidebar of an open dashboard, as a manager
  moves between pages.

Prints one line per page (min / median / max over RUNS, default 3) and a
Markdown table for benchmarks/results.md.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests_py"))

from test_dashboard import (  # noqa: E402  (the tests' page list, browser flags and waits)
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_RAN,
    PAGES,
    charts_drawn,
)

TITLES = {"": "Today / this week", "trends": "Trends", "structure": "Structure", "agents": "Agents",
          "queues": "Queues", "satisfaction": "Satisfaction"}


def main(warehouse: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "ccw", "dashboard", "--warehouse", str(warehouse), "--port",
                             str(port), "--host", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        results: dict[str, list[float]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, charts in PAGES.items():
                times = []
                for _ in range(runs):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    start = time.perf_counter()
                    page.goto(f"{url}/{name}")
                    page.wait_for_function(f"{charts_drawn(charts)} && {PAGE_RAN}", timeout=300_000)
                    times.append(time.perf_counter() - start)
                    page.close()
                results[name or "today"] = times
                print(f"{name or 'today':13} cold {times[0]:.2f} s, warm min {min(times[1:] or times):.2f} / median "
                      f"{statistics.median(times[1:] or times):.2f} / max {max(times[1:] or times):.2f} s", flush=True)
            switches: dict[str, list[float]] = {}
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_function(PAGE_RAN, timeout=300_000)
            for _ in range(runs):
                for name, charts in PAGES.items():
                    title = TITLES[name]
                    start = time.perf_counter()
                    page.get_by_role("link", name=title).click()
                    page.wait_for_function(
                        f"[...document.querySelectorAll('h1')].some(h => h.innerText.trim() === {title!r})"
                        f" && {charts_drawn(charts)} && {PAGE_RAN}", timeout=300_000)
                    switches.setdefault(name or "today", []).append(time.perf_counter() - start)
            browser.close()
    finally:
        os.killpg(proc.pid, 15)
    size = warehouse.stat().st_size / 2**30
    print(f"\n{warehouse} ({size:.2f} GiB), {os.cpu_count()} cores, {platform.platform()}, {runs} runs per page\n")
    print("| page | load, cold | load, warm median (max) | switch in the sidebar, median (max) |")
    print("| --- | ---: | ---: | ---: |")
    for name, t in results.items():
        warm, sw = t[1:] or t, switches[name]
        print(f"| {name} | {t[0]:.2f} s | {statistics.median(warm):.2f} s ({max(warm):.2f} s) "
              f"| {statistics.median(sw):.2f} s ({max(sw):.2f} s) |")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
