"""Hostile strings in every field of a region reach every map as text and run nothing (headless Chromium).

The made-up region's unit names, a column name, the region's name and
pattern, layer labels, axis names and reasons, pole and place names, and the
network's node and route names each carry a payload; the CLI writes the full
map set from it. Each map must draw, raise no dialog or page error, create no
injected element, leave the ``window.__xss`` canary unset, and show the
payloads literally.
"""

import json
import os
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from linyi_spatial.linyi.cli import main
from linyi_spatial.linyi.mapset import MAPS
from linyi_spatial.testing import write_region

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=2</script>",
    "${window.__xss=3}",
    "`);window.__xss=4;(`",
    "javascript:window.__xss=5",
    '"><svg onload="window.__xss=6">',
    "'><svg onload='window.__xss=7'>",
    "\\`${window.__xss=8}\\",
    "J{{ 6*7 }}J",  # a Jinja2 expression: shown as written, never evaluated (tests/test_templates.py)
    "Block {#3 {% if %}",  # Jinja2 comment and statement openers: no TemplateSyntaxError
]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]  # fmt: skip

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser tests: apt-get install -y chromium")
    pytest.skip("no /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def toml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def hostile_region(folder: Path) -> dict[str, Path]:
    files = write_region(folder)
    units = gpd.read_file(files["units"])
    units["label"] = [PAYLOADS[i] for i in (0, 8, 2, 9, 4)]
    units = units.rename(columns={"residents": PAYLOADS[0]})
    files["units"].write_text(units.to_json(), encoding="utf-8")
    spec = files["spec"].read_text(encoding="utf-8")
    for old, new in [
        ('name = "Valeshire"', f"name = {toml(PAYLOADS[2])}"),
        ('pattern = "one core, two poles, two axes"', f"pattern = {toml(PAYLOADS[3])}"),
        ('size = "residents"', f"size = {toml(PAYLOADS[0])}"),
        ('name = "East axis"', f"name = {toml(PAYLOADS[4])}"),
        ('reason = "made up for the tests"', f"reason = {toml(PAYLOADS[5])}"),
        ('name = "Brookby pole"', f"name = {toml(PAYLOADS[6])}"),
        ('name = "Millbrook"', f"name = {toml(PAYLOADS[7])}"),
        ("[region.expected]",
         f"[region.role_labels]\ncore = {toml(PAYLOADS[1])}\naxes = {toml(PAYLOADS[2])}\n\n[region.expected]"),
    ]:  # fmt: skip
        assert old in spec, old
        spec = spec.replace(old, new, 1)
    files["spec"].write_text(spec, encoding="utf-8")
    nodes = pd.read_csv(files["nodes"], dtype=str)
    nodes["name"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(nodes))]
    nodes["name_zh"] = nodes["name"]
    nodes.to_csv(files["nodes"], index=False)
    routes = pd.read_csv(files["routes"], dtype=str, keep_default_na=False)
    routes["name_zh"] = [PAYLOADS[-1 - i % len(PAYLOADS)] for i in range(len(routes))]
    routes.to_csv(files["routes"], index=False)
    return files


@pytest.fixture(scope="module")
def hostile_maps(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    files = hostile_region(folder / "in")
    out = folder / "maps"
    code = main(["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
                 "--out", str(out), "--offline", "--quiet", "--cell-km", "4"])  # fmt: skip
    assert code == 0
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


READ_TEXTS = """() => {
  const parse = (h) => new DOMParser().parseFromString(String(h), 'text/html').body.textContent;
  const out = [];
  for (const k of Object.keys(window)) {
    const m = window[k];
    if (m instanceof L.Map) {
      m.eachLayer((l) => { if (l.getTooltip && l.getTooltip()) out.push(parse(l.getTooltip().getContent())); });
    }
  }
  document.querySelectorAll('.linyi-title, .linyi-legend, .leaflet-control-layers')
    .forEach((e) => out.push(e.textContent));
  return out;
}"""


@pytest.mark.parametrize("key", [*MAPS, "index"])
def test_payloads_show_literally_and_run_nothing(browser, hostile_maps, key):
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    problems = []
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    off_machine = re.compile(r"^https?://")
    page.route(off_machine, lambda route: (problems.append(f"request: {route.request.url}"), route.abort()))
    page.goto((hostile_maps / f"{key}.html").as_uri())
    if key != "index":
        page.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length > 0")
    page.wait_for_timeout(300)
    assert problems == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img[src='x'], svg[onload], script:not([src])").filter(has_text="__xss").count() == 0
    assert page.locator("img[src='x'], svg[onload]").count() == 0
    if key == "index":
        assert PAYLOADS[2] in page.locator("h1").inner_text()
        return
    if key != "surface":  # the surface map carries no user string (time bands only)
        texts = "\n".join(page.evaluate(READ_TEXTS))
        assert [p for p in PAYLOADS if p in texts], f"{key}: no payload shown literally"
    page.close()


def test_every_payload_is_shown_somewhere(browser, hostile_maps):
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    seen = ""
    for key in MAPS:
        page.goto((hostile_maps / f"{key}.html").as_uri())
        page.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length > 0")
        seen += "\n".join(page.evaluate(READ_TEXTS))
    page.close()
    assert [p for p in PAYLOADS if p not in seen] == []


def test_layer_names_that_are_object_keys_or_repeat_stay_in_the_layer_control(browser, tmp_path):
    """``__proto__`` as a layer name once emptied the layer control's object; repeated names hid a layer."""
    from linyi_spatial import SpatialStructure
    from linyi_spatial.viz import save_html, structure_map

    files = write_region(tmp_path / "in")
    spec = (
        files["spec"]
        .read_text(encoding="utf-8")
        .replace(
            "[region.expected]",
            '[region.role_labels]\ncore = "__proto__"\npoles = "Same"\npoints = "Same"\n\n[region.expected]',
        )
    )
    files["spec"].write_text(spec, encoding="utf-8")
    path = save_html(structure_map(SpatialStructure.from_file(files["spec"]), tiles=None), tmp_path / "s.html")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => window.L && document.querySelectorAll('.leaflet-control-layers-overlays label').length"
    )
    names = [t.strip() for t in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    page.close()
    assert "__proto__" in names
    assert "Same" in names
    assert "Same (2)" in names
