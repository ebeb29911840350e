"""The dashboard in a real browser: `ccw dashboard` over a built warehouse,
each page opened in headless Chromium (Debian's, driven by Playwright), its
charts rendered with no error on the page or in the console, a screenshot
per page; the figures shown equal the marts' roll-ups; the dashboard keeps
answering while `ccw build` swaps in a new warehouse file."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from test_marts_helpers import warehouse_copy

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# page url path -> charts it draws at least ("" is the default page, Today)
PAGES = {"": 1, "trends": 1, "structure": 6, "agents": 1, "queues": 6, "satisfaction": 3}
# Streamlit's client first probes <page path>/_stcore/{health,host-config} when a page is opened by its
# own URL and falls back to the root: those two 404s are its own, not the app's
STREAMLIT_PROBES = ("/_stcore/health", "/_stcore/host-config")
# JavaScript, true once a page has run and is drawn: Streamlit's script reached its end (the
# app's script state: its status widget shows only after a delay) and no element waits for its
# code (tables, sliders and download buttons are loaded lazily: a skeleton stands in until their
# code arrives, well after the run on a cold browser)
PAGE_RAN = ("document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
            " === 'notRunning' && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-testid=\"stSkeleton\"]')")


def charts_drawn(charts: int) -> str:
    """JavaScript, true once at least `charts` charts are drawn on the page."""
    return ("document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] canvas, "
            f"[data-testid=\"stVegaLiteChart\"] svg').length >= {charts}")


SCREENSHOTS = Path(os.environ.get("CCW_SCREENSHOTS", Path(__file__).resolve().parent.parent / "screenshots"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(warehouse: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccw", "dashboard", "--warehouse", str(warehouse), "--port", str(port),
         "--host", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"dashboard did not start: {proc.stdout.read() if proc.stdout else ''}")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


@pytest.fixture(scope="module")
def served(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    assert Path(CHROMIUM).exists(), "Chromium missing: `bash scripts/setup.sh` installs Debian's chromium"
    wh = warehouse_copy(demo_warehouse, tmp_path_factory.mktemp("dash"))
    proc, url = _serve(wh)
    yield url, wh
    _stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url: str, min_charts: int = 1):
    """The page at `url`, fully run: its charts drawn; returns (page, console errors)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []

    def console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith(STREAMLIT_PROBES):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function(f"{charts_drawn(min_charts)} && {PAGE_RAN}", timeout=60_000)
    return page, errors


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_its_charts_without_error(name: str, served, browser) -> None:
    url, _ = served
    page, errors = _open(browser, f"{url}/{name}", PAGES[name])
    try:
        assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, page.inner_text("body")[:2000]
        charts = page.locator('[data-testid="stVegaLiteChart"]').count()
        assert charts >= PAGES[name], f"{name}: {charts} charts"
        assert page.get_by_text("Download", exact=False).count() >= 1, "every page offers its data as CSV"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name or 'today'}.png"), full_page=True)
        assert not errors, errors
    finally:
        page.close()


def _table(page, index: int = 0) -> list[list[str]]:
    table = page.locator('[data-testid="stTable"] table').nth(index)
    return [[c.strip() for c in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_team_week_fcr_on_the_page_equals_the_marts_roll_up(served, browser, demo_warehouse: Path) -> None:
    url, wh = served
    con = duckdb.connect(str(wh), read_only=True)
    team, start, end = con.execute(
        "select team, min(activity_date), max(activity_date) from marts.fct_team_daily group by team order by team limit 1"
    ).fetchone()
    expected = dict(con.execute(
        """select cast(cast(date_trunc('week', activity_date) as date) as varchar),
                  sum(fcr_contacts) / nullif(sum(fcr_eligible_contacts), 0)
           from marts.fct_team_daily where team = ? group by 1""", [team]).fetchall())
    con.close()
    page, _ = _open(browser, f"{url}/trends?kpi=fcr_rate&grain=week&team={team}&start={start}&end={end}", 1)
    try:
        rows = _table(page, 0)
        header = [h.strip() for h in page.locator('[data-testid="stTable"] table').nth(0).locator("thead th").all_inner_texts()]
        period, value = header.index("period"), header.index("value")
        shown = {r[period][:10]: float(r[value].replace(",", "")) for r in rows if r[value] not in ("", "None", "<NA>")}
        assert shown and set(shown) <= set(expected)
        for week, figure in shown.items():
            assert figure == pytest.approx(expected[week], abs=1e-4), week  # st.table shows 4 decimals
    finally:
        page.close()


def test_today_cards_equal_the_marts_roll_up(served, browser) -> None:
    url, wh = served
    con = duckdb.connect(str(wh), read_only=True)
    end = con.execute("select max(activity_date) from marts.fct_team_daily").fetchone()[0]
    aht, csat = con.execute(
        "select sum(handle_s_sum) / nullif(sum(calls_answered + chats_handled), 0), "
        "sum(csat_score_sum) / nullif(sum(csat_responses), 0) from marts.fct_team_daily "
        "where activity_date between cast(? as date) - 6 and cast(? as date)", [end, end]).fetchone()
    con.close()
    page, _ = _open(browser, f"{url}/?span=week", 1)
    try:
        header = [h.strip() for h in page.locator('[data-testid="stTable"] table').nth(0).locator("thead th").all_inner_texts()]
        rows = {r[header.index("kpi")]: r for r in _table(page, 0)}
        assert float(rows["aht_s"][header.index("value")].replace(",", "")) == pytest.approx(aht, abs=1e-4)
        assert float(rows["csat_avg"][header.index("value")].replace(",", "")) == pytest.approx(csat, abs=1e-4)
        assert page.get_by_text(f"{aht:.0f} s", exact=True).count() >= 1  # the card
    finally:
        page.close()


def test_dashboard_keeps_answering_during_a_build_swap(demo_raw: Path, demo_warehouse: Path, browser, tmp_path: Path):
    wh = warehouse_copy(demo_warehouse, tmp_path / "wh")
    before = wh.stat().st_ino
    proc, url = _serve(wh)
    try:
        build = subprocess.Popen([sys.executable, "-m", "ccw", "build", "--raw-dir", str(demo_raw), "--warehouse", str(wh)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        loads = 0
        while build.poll() is None:
            page, errors = _open(browser, f"{url}/?span=week", 1)
            assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
            assert page.locator('[data-testid="stMetricValue"]').count() >= 8
            page.close()
            loads += 1
        out = build.stdout.read() if build.stdout else ""
        assert build.returncode == 0, out[-2000:]
        assert wh.stat().st_ino != before, "the build published a new file"
        assert loads >= 2, "the build was too quick to overlap with page loads"
        page, _ = _open(browser, f"{url}/?span=week", 1)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
    finally:
        _stop(proc)
