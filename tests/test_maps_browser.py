"""Open the generated maps in headless Chromium (offline) and check what is drawn."""

import os
from pathlib import Path

import pytest

import linyi_spatial as ls
from linyi_spatial.cli import main
from linyi_spatial.maps import save_html, structure_map

from .regions import write_village_region

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser tests: apt-get install -y chromium")
    pytest.skip("no /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    pg = browser.new_page(viewport={"width": 1100, "height": 800})
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: pg.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    # nothing may leave the machine: fail every non-file request and record it
    pg.requests = []

    def block(route):
        pg.requests.append(route.request.url)
        route.abort()

    pg.route("http*://**", block)
    yield pg
    pg.close()


def open_map(page, path):
    page.goto(Path(path).as_uri())
    page.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length > 0")
    return page.locator("path.leaflet-interactive")


def test_cli_structure_map_renders_offline(page, tmp_path, artifacts_dir):
    assert main(["maps", "--out", str(tmp_path), "--offline"]) == 0
    paths = open_map(page, tmp_path / "structure.html")
    s = ls.load_structure()
    # 12 unit polygons + 1 core polygon + 7 axes + (3 poles + 16 points + 1 core anchor) circle markers
    assert paths.count() == len(s.units) + 1 + len(s.axes) + len(s.poles) + len(s.points) + 1 == 40
    assert page.locator(".leaflet-control-layers-overlays input").count() == 5
    assert page.locator("img.leaflet-tile").count() == 0  # --offline: no basemap
    # untick the axes layer: exactly the 7 axis lines disappear
    page.get_by_text("Axes 七轴").click()
    assert page.locator("path.leaflet-interactive").count() == 33
    page.get_by_text("Axes 七轴").click()
    page.screenshot(path=str(artifacts_dir / "structure_map.png"), animations="disabled")
    assert page.errors == [] and page.requests == []


def test_tooltip_shows_names(page, tmp_path):
    path = save_html(structure_map(tiles=None), tmp_path / "s.html")
    open_map(page, path)
    orange = page.locator('path.leaflet-interactive[fill="#E69F00"]')
    assert orange.count() == 3
    texts = []
    for i in range(3):
        orange.nth(i).hover(force=True)
        texts.append(page.locator(".leaflet-tooltip").last.inner_text())
    assert any("沂水" in t and "Yishui" in t for t in texts), texts
    assert page.errors == []


def test_malicious_name_shows_literally_and_runs_nothing(page, tmp_path):
    payload = '<img src=x onerror="window.__xss=1">'
    s = ls.SpatialStructure.from_file(write_village_region(tmp_path, payload))
    path = save_html(structure_map(s, tiles=None), tmp_path / "x.html")
    open_map(page, path)
    green = page.locator('path.leaflet-interactive[fill="#009E73"]')
    green.first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip").last
    assert payload in tooltip.inner_text()
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.errors == []
