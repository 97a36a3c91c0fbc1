"""Open the generated maps in headless Chromium (offline) and check what is drawn."""

import os
import re
from pathlib import Path

import pytest

from linyi_spatial import linyi
from linyi_spatial.linyi.cli import main
from linyi_spatial.viz import save_html, structure_map

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
NETWORK = re.compile(r"^https?://")  # every request off the machine (a glob like "http*://**" matches none)
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

    pg.route(NETWORK, block)
    yield pg
    pg.close()


def open_map(page, path):
    page.goto(Path(path).as_uri())
    page.wait_for_function("() => window.L && document.querySelectorAll('path.leaflet-interactive').length > 0")
    page.wait_for_timeout(700)  # let fitBounds' zoom animation settle before hovering at pixel positions
    return page.locator("path.leaflet-interactive")


@pytest.fixture(scope="module")
def cli_maps(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    assert main(["maps", "--out", str(out), "--offline", "--quiet"]) == 0
    return out


def expected_paths():
    """Interactive paths each map must draw (only layers shown at load), computed from the data."""
    import numpy as np

    from linyi_spatial.viz.accessibility import TIME_BANDS_MIN

    s = linyi.load_structure()
    G35 = linyi.load_network(2035)
    links = {d["link"] for _, _, d in G35.edges(data=True) if d["mode"] in ("road", "rail")}
    # the scenario map compares the car networks (linyi.county_accessibility's mode): the road links 2035 adds
    car20, car35 = linyi.load_network(2020, modes=("road",)), linyi.load_network(2035, modes=("road",))
    added = {d["link"] for _, _, d in car35.edges(data=True)} - {d["link"] for _, _, d in car20.edges(data=True)}
    surface = linyi.travel_time_surface(2020)
    bands = len(np.unique(np.digitize(surface["cell_time_to_core_min"].to_numpy(), TIME_BANDS_MIN)))
    markers = len(s.poles) + len(s.points) + 1
    return {
        "structure": len(s.units) + 1 + len(links) + len(s.axes) + markers,
        "accessibility": 12,  # first measure's county polygons
        "surface": bands,
        "isochrones": 4 + 1,  # four nested isochrones and the origin
        "scenario": 12 + len(added),  # unit deltas and the links the 2035 network adds
        # places (core merged, and the 临港 zone as an approximate disc), size circles (临港 hollow: no urban
        # figure of its own), top-20 linkages
        "hierarchy": 11 + 11 + 20,
    }


def test_every_cli_map_renders_offline(page, cli_maps, artifacts_dir):
    expected = expected_paths()
    for key, count in expected.items():
        page.errors.clear()
        paths = open_map(page, cli_maps / f"{key}.html")
        assert paths.count() == count, key
        assert page.locator("img.leaflet-tile").count() == 0, key  # --offline: no basemap
        assert page.locator(".linyi-legend:visible").count() == 1
        assert page.locator(".linyi-fullscreen").count() == 1
        page.screenshot(path=str(artifacts_dir / f"{key}_map.png"), animations="disabled")
        assert page.errors == [], (key, page.errors)
        assert page.requests == [], (key, page.requests)


def test_measures_switch_and_the_legend_follows(page, cli_maps):
    paths = open_map(page, cli_maps / "accessibility.html")
    one_layer = paths.count()
    legend = page.locator(".linyi-legend:visible")
    sync_api.expect(legend).to_contain_text("Composite accessibility score")
    control = page.locator(".leaflet-control-layers")
    control.get_by_text("Time from the seat to the core (min)", exact=True).click()  # switch to a second measure
    sync_api.expect(page.locator(".linyi-legend:visible")).to_have_count(1)
    sync_api.expect(page.locator(".linyi-legend:visible")).to_contain_text("Time from the seat to the core")
    assert page.locator("path.leaflet-interactive").count() == one_layer  # switched, not stacked
    composite = control.locator("label", has_text="Composite accessibility score").locator("input")
    assert not composite.is_checked()
    control.get_by_text(
        "Composite accessibility score (0-100, relative to the units, judgement weights)", exact=True
    ).click()  # and back
    sync_api.expect(page.locator(".linyi-legend:visible")).to_contain_text("Composite accessibility score")
    assert page.locator("path.leaflet-interactive").count() == one_layer
    # radio semantics: unticking the measure shown leaves it shown (the map never goes blank)
    control.get_by_text(
        "Composite accessibility score (0-100, relative to the units, judgement weights)", exact=True
    ).click()
    page.wait_for_timeout(100)
    assert page.locator("path.leaflet-interactive").count() == one_layer
    assert composite.is_checked()
    sync_api.expect(page.locator(".linyi-legend:visible")).to_contain_text("Composite accessibility score")
    assert page.errors == []


def test_structure_layer_toggle(page, cli_maps):
    paths = open_map(page, cli_maps / "structure.html")
    before = paths.count()
    page.locator(".leaflet-control-layers").get_by_text(
        "Axes (七轴)", exact=True
    ).click()  # untick: exactly the 7 axis lines disappear
    assert page.locator("path.leaflet-interactive").count() == before - 7
    assert page.errors == []


def test_tooltip_shows_names(page, tmp_path):
    path = save_html(structure_map(linyi.load_structure(), tiles=None), tmp_path / "s.html")
    open_map(page, path)
    orange = page.locator('path.leaflet-interactive[fill="#E69F00"]')
    assert orange.count() == 3
    texts = []
    for i in range(3):
        box = orange.nth(i).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        sync_api.expect(page.locator(".leaflet-tooltip", has_text="pole")).not_to_have_count(0)
        texts += page.locator(".leaflet-tooltip", has_text="pole").all_inner_texts()
    assert any("沂水" in t and "Yishui" in t for t in texts), texts
    assert any("临港" in t for t in texts), texts
    assert any("平邑" in t for t in texts), texts
    assert page.errors == []


FILLS = "() => Array.from(document.querySelectorAll('path.leaflet-interactive')).map(p => p.getAttribute('fill'))"
SWATCHES = """() => Array.from(document.querySelectorAll('.linyi-legend'))
  .filter(e => getComputedStyle(e).display !== 'none')
  .flatMap(e => Array.from(e.querySelectorAll('span, i, div')).map(s => s.style.background || s.style.backgroundColor))
  .filter(Boolean)"""


def _hex(colour):
    import re

    m = re.match(r"rgb\((\d+), (\d+), (\d+)\)", colour)
    return "#{:02x}{:02x}{:02x}".format(*map(int, m.groups())) if m else colour.lower()


def test_shared_polygons_take_the_colours_of_the_visible_legend(page, cli_maps):
    open_map(page, cli_maps / "accessibility.html")
    first = page.evaluate(FILLS)
    assert len(first) == 12
    assert {f.lower() for f in first} <= {_hex(c) for c in page.evaluate(SWATCHES)}
    control = page.locator(".leaflet-control-layers")
    control.get_by_text("Time from the seat to the core (min)", exact=True).click()
    page.wait_for_timeout(200)
    second = page.evaluate(FILLS)
    assert len(second) == 12  # the same twelve polygons, restyled
    assert second != first
    assert {f.lower() for f in second} <= {_hex(c) for c in page.evaluate(SWATCHES)}
    # the tooltip follows the measure; a click opens a popup with every measure and the rank
    tips = page.evaluate(
        "() => { const out = []; for (const k of Object.keys(window)) { const m = window[k];"
        " if (m instanceof L.Map) { m.eachLayer((l) => { if (l.feature && l.getTooltip()) out.push(l.getTooltip()"
        ".getContent()); }); } } return out; }"
    )
    assert len(tips) == 12
    assert all("Time from the seat to the core" in t for t in tips)
    page.locator("path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    sync_api.expect(popup).to_have_count(1)
    text = popup.inner_text()
    labels = ("Composite accessibility score", "Residents' mean time to the core", "Area-weighted time to the core")
    for label in labels:
        assert label in text
    assert page.errors == []


def test_screenshot_script_finds_the_furniture_clear_of_each_other(browser, cli_maps, zh_maps, artifacts_dir):
    """docs/screenshots.py at 1400×900 and 900×560: title, legend, credits, control and scale never overlap."""
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "docs" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots", script)
    shots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shots)
    out = artifacts_dir / "screenshots"
    assert shots.check_folder(cli_maps, out, browser) == []
    assert len(list(out.glob("*_projector.png"))) == 6
    assert len(list(out.glob("*_notebook.png"))) == 6
    assert shots.check_folder(zh_maps, artifacts_dir / "screenshots_zh", browser) == []  # Chinese text too
    # and the check can fail: a legend moved over the title is reported
    page = browser.new_page(viewport={"width": 900, "height": 560})
    page.goto((cli_maps / "structure.html").as_uri())
    page.wait_for_function("() => window.L")
    page.evaluate(
        "() => { const l = document.querySelector('.linyi-legend'); l.style.top = '10px'; l.style.left = '60px';"
        " l.style.bottom = 'auto'; l.style.right = 'auto'; }"
    )
    found = shots.check_page(page, 900, 560)
    page.close()
    assert any({a, b} == {"title", "legend"} for a, b, _ in found["overlaps"])


def test_structure_map_names_every_county_and_pole(page, cli_maps):
    open_map(page, cli_maps / "structure.html")
    units = page.locator(".linyi-unit-label").all_inner_texts()
    neighbours = linyi.load_neighbours()
    around = {n for n in units if n.split(" (")[0] in set(neighbours["name_en"])}
    assert len(around) >= 6  # the neighbouring prefectures in view are named too
    counties = sorted(u for u in units if u not in around)
    assert counties == sorted(linyi.load_counties()["name_en"])  # all 12, by name, in English on an English map
    names = set(page.locator(".linyi-label:not(.linyi-unit-label)").all_inner_texts())
    s = linyi.load_structure()
    assert set(s.poles["name"]) <= names  # the three poles are named on the map, in English on an English map
    axes = page.locator(".linyi-axis-label").all_inner_texts()
    assert sorted(axes) == sorted(s.axes["name"])  # the seven axes too (English map: English names)
    assert page.errors == []


# ---------------------------------------------------------------- languages
# Every text a reader meets on a map: text nodes of the page (visible or in a hidden legend), title /
# aria-label / alt / placeholder attributes, and the tooltips and popups of every layer, collected once per
# overlay switched on in the layer control. Each HTML text node is one item, so a data value is one item too.
COLLECT = """() => {
  const out = [];
  const texts = (where, html) => {
    const div = document.createElement('div');
    div.innerHTML = html;
    const walker = document.createTreeWalker(div, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) { const t = n.nodeValue.trim(); if (t) { out.push([where, t]); } }
  };
  const content = (c) => (typeof c === 'string' ? c : (c && c.outerHTML) || '');
  const map = window.L ? Object.values(window).find(v => v instanceof L.Map) : null;
  const walk = (layer) => {
    if (layer.getTooltip && layer.getTooltip()) { texts('tooltip', content(layer.getTooltip().getContent())); }
    if (layer.getPopup && layer.getPopup()) { texts('popup', content(layer.getPopup().getContent())); }
    const props = layer.feature && layer.feature.properties;
    if (props && props.tip) { props.tip.forEach(t => texts('tooltip', t)); }
    if (layer.eachLayer) { layer.eachLayer(walk); }
  };
  if (map) { map.eachLayer(walk); }
  document.querySelectorAll('body *').forEach(el => {
    if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE') { return; }
    el.childNodes.forEach(n => {
      if (n.nodeType === 3 && n.nodeValue.trim()) { out.push(['page', n.nodeValue.trim()]); }
    });
    ['title', 'aria-label', 'alt', 'placeholder'].forEach(a => {
      if (el.hasAttribute(a) && el.getAttribute(a).trim()) { out.push([a, el.getAttribute(a).trim()]); }
    });
  });
  return out;
}"""

OPEN_POPUP = "() => { const m = Object.values(window).find(v => v instanceof L.Map); m.openPopup('·', m.getCenter()); }"

LATIN_WORD = r"[A-Za-z]{2,}"
ALLOWED_WORDS = {"km", "Leaflet"}  # the SI symbol of kilometres (km, km²) and the map library's name


def reader_texts(page, path):
    """(where, text) of everything a reader can meet on the map at ``path``, every overlay switched on once."""
    open_map(page, path)
    found = {tuple(x) for x in page.evaluate(COLLECT)}
    boxes = page.locator(".leaflet-control-layers-overlays input")
    for i in range(boxes.count()):
        # Leaflet rebuilds the control's list when a layer is switched: wait for the box to be drawn again
        boxes.nth(i).wait_for(state="visible", timeout=5000)
        boxes.nth(i).click(force=True)
        page.wait_for_timeout(50)
        found |= {tuple(x) for x in page.evaluate(COLLECT)}
    page.evaluate(OPEN_POPUP)  # the popup's close button has a label of its own
    found |= {tuple(x) for x in page.evaluate(COLLECT)}
    return found


def data_strings(structure, graphs, extra=()):
    """Every free-text data value the maps may show: names, ids, sources, reasons, refs, columns, credits."""
    import pandas as pd

    values = set(extra)
    frames = [structure.units, structure.places, structure.core, structure.axes, structure.poles, structure.points]
    for frame in frames:
        values |= {str(i) for i in frame.index}
        for col in ("name", "name_zh", "name_en", "source", "reason", "label"):
            if col in frame:
                values |= {str(v) for v in frame[col] if isinstance(v, str)}
    for corridors in structure.axes["corridors"]:
        values |= set(corridors)
    values |= {str(c) for c in structure.columns.values()}
    values |= {str(v) for k, v in structure.meta.items() if k in ("name", "name_zh", "pattern", "plan")}
    for G in graphs:
        for _, _, d in G.edges(data=True):
            values |= {str(d[k]) for k in ("name", "ref", "route") if isinstance(d.get(k), str)}
    return sorted((v for v in values if v and not pd.isna(v)), key=len, reverse=True)


def english_left(found, data):
    """Texts that still hold a Latin word once the data values are taken out."""
    import re

    left = []
    for where, text in found:
        rest = text
        for value in data:  # longest first, and only where a value is not part of a longer word
            if value in rest:
                rest = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", rest)
        words = set(re.findall(LATIN_WORD, rest)) - ALLOWED_WORDS
        if words:
            left.append((where, text[:120], sorted(words)))
    return sorted(left)


@pytest.fixture(scope="module")
def zh_maps(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps_zh")
    assert main(["maps", "--out", str(out), "--offline", "--quiet", "--lang", "zh"]) == 0
    return out


def test_chinese_maps_leave_no_english_interface_text(page, zh_maps):
    from linyi_spatial.linyi.defaults import LAYER_SOURCES, MAP_CREDITS_ZH

    sources = [MAP_CREDITS_ZH, *(texts["zh"] for texts in LAYER_SOURCES.values())]  # data: names of sources
    data = data_strings(linyi.load_structure(), [linyi.load_network(2020), linyi.load_network(2035)], sources)
    for key in ("structure", "accessibility", "surface", "isochrones", "scenario", "hierarchy"):
        page.errors.clear()
        found = reader_texts(page, zh_maps / f"{key}.html")
        assert len(found) > 20, key  # the walk saw the map's texts
        assert any(where == "tooltip" for where, _ in found), key
        assert english_left(found, data) == [], key
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert page.errors == [], (key, page.errors)
        assert page.requests == [], (key, page.requests)


def test_the_language_check_finds_english_text(page, cli_maps):
    """The same walk over the English maps finds interface words, so the Chinese test can fail."""
    from linyi_spatial.linyi.defaults import MAP_CREDITS

    data = data_strings(linyi.load_structure(), [linyi.load_network(2035)], [MAP_CREDITS])
    left = english_left(reader_texts(page, cli_maps / "structure.html"), data)
    words = {w for _, _, ws in left for w in ws}
    assert {"Zoom", "Roads", "Railways", "status", "Planned"} <= words, words
    places = [t for _, t, _ in left if "Lingang" in t]
    assert places == []  # data values are taken out


def test_chinese_maps_of_a_made_up_region(page, tmp_path):
    """Not only Linyi: the defaults (layer names, legends) of any region's maps are translated."""
    from linyi_spatial.linyi.mapset import Region, map_builders, write_maps
    from linyi_spatial.testing import made_up_network, made_up_structure

    s = made_up_structure()
    G20, G35 = made_up_network(2020), made_up_network(2035)
    region = Region(s, G=G20, G_scenario=G35, labels=(2020, 2035), cell_km=5)
    builders = map_builders(region, tiles=None, lang="zh", say=print)
    written = write_maps(builders, tmp_path, title="Valeshire", lang="zh", say=print)
    data = data_strings(s, [G20, G35], [region.credit_line("zh")])
    for key, path in written.items():
        if key == "index":
            continue
        found = reader_texts(page, path)
        assert english_left(found, data) == [], key
    assert page.errors == []


def test_chinese_index_page(page, zh_maps):
    from linyi_spatial.linyi.defaults import MAP_CREDITS_ZH

    page.goto((zh_maps / "index.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "临沂市：linyi_spatial 地图集"
    assert page.locator("li a").count() == 6
    found = {tuple(x) for x in page.evaluate(COLLECT)}
    names = ["linyi_spatial", "HTML", "Leaflet", "SOURCES.md", "docs/methods.md", "MB"]  # files and products
    assert english_left(found, [MAP_CREDITS_ZH, *names]) == []
    assert page.errors == []


def test_notebook_display_draws_with_every_host_blocked(page, tmp_path):
    """What Jupyter shows for ``explore()`` (an iframe with Leaflet inlined) draws with no network at all."""
    s = linyi.load_structure()
    shown = s.explore(tiles=None, lang="zh")._repr_html_()
    path = tmp_path / "notebook_cell.html"
    path.write_text(f"<!doctype html><html><body><div style='width:900px'>{shown}</div></body></html>", "utf-8")
    page.goto(path.as_uri())
    frame = page.frame_locator("iframe")
    sync_api.expect(frame.locator(".linyi-unit-label")).to_have_count(12)
    inner = page.frames[1]
    assert inner.evaluate("() => document.querySelectorAll('path.leaflet-interactive').length") > 12
    assert inner.evaluate("() => typeof L") == "object"
    assert page.requests == []  # nothing was even asked for
    assert page.errors == []


def test_full_screen_keeps_the_title_and_legend_in_view(page, cli_maps):
    open_map(page, cli_maps / "accessibility.html")
    page.locator(".linyi-fullscreen").click()
    page.wait_for_function("() => document.fullscreenElement === document.documentElement")
    width, height = page.evaluate("() => [window.innerWidth, window.innerHeight]")
    for selector in (".linyi-title", ".linyi-legend:visible", ".leaflet-control-layers"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert min(box["x"], box["y"]) >= 0, selector
        assert box["x"] + box["width"] <= width, selector
        assert box["y"] + box["height"] <= height, selector
    page.evaluate("() => document.exitFullscreen()")
    page.wait_for_function("() => document.fullscreenElement === null")
    assert page.errors == []


def test_basemap_switcher_changes_the_tiles_and_keeps_the_overlays(page, tmp_path):
    """Radio buttons: one basemap at a time, "no basemap" removes the tiles; overlays and legend stay."""
    path = save_html(structure_map(linyi.load_structure(), G=linyi.load_network(2035), tiles="osm", lang="zh"),
                     tmp_path / "s.html")  # fmt: skip
    paths = open_map(page, path)
    before = paths.count()
    structure = linyi.load_structure()
    data = data_strings(structure, [linyi.load_network(2035)], ["OpenStreetMap", "CARTO"])  # product names
    assert english_left({tuple(x) for x in page.evaluate(COLLECT)}, data) == []  # attribution and basemaps too
    radios = page.locator(".leaflet-control-layers-base input[type=radio]")
    assert radios.count() == 3
    srcs = "els => els.map(e => e.src)"
    osm = page.eval_on_selector_all("img.leaflet-tile", srcs)
    assert osm  # OpenStreetMap tiles asked for (and refused: nothing leaves the machine)
    assert all("tile.openstreetmap.org" in src for src in osm)
    assert any("tile.openstreetmap.org" in url for url in page.requests)  # the blocker saw (and refused) them
    page.locator(".leaflet-control-layers-base").get_by_text("无底图").click()
    sync_api.expect(page.locator("img.leaflet-tile")).to_have_count(0)
    assert page.locator("path.leaflet-interactive").count() == before
    sync_api.expect(page.locator(".linyi-legend:visible")).to_have_count(1)
    page.locator(".leaflet-control-layers-base").get_by_text("CARTO 浅色").click()
    page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile').length > 0")
    assert all("cartocdn" in src for src in page.eval_on_selector_all("img.leaflet-tile", srcs))
    assert english_left({tuple(x) for x in page.evaluate(COLLECT)}, data) == []
    assert "贡献者" in page.locator(".leaflet-control-attribution").inner_text()


def test_hierarchy_size_key_circles_match_the_map_circles(page, cli_maps):
    """The key's circles are drawn at the radius the map gives their sizes (4 + 18·sqrt(size / largest) px)."""
    open_map(page, cli_maps / "hierarchy.html")
    radii = page.evaluate(
        """() => { const m = Object.values(window).find(v => v instanceof L.Map); const r = [];
        m.eachLayer(l => {
          if (l instanceof L.CircleMarker && l.options.fillOpacity === 0.8) { r.push(l.getRadius()); }
        });
        return r; }"""
    )
    key = page.evaluate(
        """() => Array.from(document.querySelectorAll('.linyi-legend:not([style*="display:none"]) span'))
        .filter(s => s.style.borderRadius === '50%')
        .map(s => [s.getBoundingClientRect().width, s.parentNode.innerText])"""
    )
    r = linyi.hierarchy_report(2020)
    largest = float(r.places["urban_pop_2020"].max())
    assert len(radii) == 10
    assert max(radii) == pytest.approx(22.0)
    widths = [w for w, _ in key]
    assert widths[0] == pytest.approx(2 * 22.0 + 2, abs=0.6)  # diameter plus the 1 px border each side
    assert widths[1] == pytest.approx(2 * (4 + 18 * (500_000 / largest) ** 0.5) + 2, abs=0.6)  # "500,000"
    assert "500,000" in key[1][1]
    from linyi_spatial.viz.hierarchy import place_names

    names = sorted(page.locator(".linyi-label:not(.linyi-unit-label)").all_inner_texts())
    # every place named beside its circle, in English (Central urban area, nine counties, Lingang sub-centre)
    assert names == sorted(place_names(r, "en"))
    merged = sorted(page.locator(".linyi-unit-label").all_inner_texts())
    assert merged == ["Hedong", "Lanshan", "Luozhuang"]  # the districts merged into the core, named inside it


DRAWN = """() => Array.from(document.querySelectorAll('path.leaflet-interactive'))
  .filter(p => p.getAttribute('fill') && p.getAttribute('fill') !== 'none')
  .map(p => ({fill: p.getAttribute('fill').toLowerCase(), opacity: p.getAttribute('fill-opacity'),
              circle: /a/i.test(p.getAttribute('d') || '')}))"""
LEGEND = """() => Array.from(document.querySelectorAll('.linyi-legend'))
  .filter(e => getComputedStyle(e).display !== 'none')
  .flatMap(e => Array.from(e.querySelectorAll('div > span')).map(s => ({
      colour: s.style.background || s.style.backgroundColor, opacity: s.style.opacity,
      label: s.parentElement.textContent.trim()})))
  .filter(s => s.colour)"""
FILL_AT = """([lat, lon]) => { let m = null;
  for (const k of Object.keys(window)) { if (window[k] instanceof L.Map) m = window[k]; }
  const p = m.latLngToContainerPoint([lat, lon]); const box = m.getContainer().getBoundingClientRect();
  const hit = document.elementsFromPoint(box.left + p.x, box.top + p.y)
    .filter(e => e.tagName === 'path' && e.getAttribute('fill') && e.getAttribute('fill') !== 'none'
                 && !/a/i.test(e.getAttribute('d') || ''));
  return hit.length ? hit[0].getAttribute('fill').toLowerCase() : null; }"""
UNIT_FILL = """(name) => { const out = []; for (const k of Object.keys(window)) { const m = window[k];
  if (m instanceof L.Map) { m.eachLayer((l) => { if (l.feature && l.getTooltip && l.getTooltip()
      && l.getTooltip().getContent().includes(name) && l.options.fillColor)
    out.push(l.options.fillColor.toLowerCase()); }); } }
  return out; }"""


def _classes(page):
    """The visible legend's classes (colour, opacity, label) and the drawn polygons' fills."""
    legend = [{**s, "colour": _hex(s["colour"])} for s in page.evaluate(LEGEND)]
    drawn = [d for d in page.evaluate(DRAWN) if not d["circle"]]
    return legend, drawn


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_class_map_draws_its_legends_colours_and_the_better_end_light(page, cli_maps, zh_maps, lang):
    """Accessibility, surface, isochrone and scenario maps: distinct legend colours, fills that are the legend's
    (colour and opacity), each class the data hold drawn, and the better end where the data put it."""
    from linyi_spatial.viz.classes import ramp
    from linyi_spatial.viz.style import DIVERGING

    folder = cli_maps if lang == "en" else zh_maps
    s = linyi.load_structure()
    names = s.units["name_en" if lang == "en" else "name_zh"]
    core = s.core.iloc[0]
    light = ramp(2, reverse=False)[0]
    for key in ("accessibility", "surface", "isochrones", "scenario"):
        open_map(page, folder / f"{key}.html")
        legend, drawn = _classes(page)
        assert drawn, key
        colours = [c["colour"] for c in legend if c["colour"] != "#000000"]  # a line swatch (added links) aside
        assert len(set(colours)) == len(colours), (key, colours)  # no two classes share a colour
        assert {d["fill"] for d in drawn} <= set(colours), key  # every fill is a legend colour
        box_opacity = {c["opacity"] for c in legend if c["colour"] != "#000000"}
        assert {d["opacity"] for d in drawn} == box_opacity, key  # and drawn as its swatch is
        if key == "accessibility":  # the best county (by the data) light
            scores = linyi.county_accessibility(2020)
            best, worst = scores["composite_score"].idxmax(), scores["composite_score"].idxmin()
            assert page.evaluate(UNIT_FILL, names[best]) == [light], key
            assert page.evaluate(UNIT_FILL, names[worst]) == [ramp(2, reverse=False)[1]]  # the worst dark
        else:  # at the core's anchor the band is the best class: light (surface, isochrones) / unchanged (scenario)
            at_core = page.evaluate(FILL_AT, [core["anchor_lat"], core["anchor_lon"]])
            if key == "scenario":
                assert at_core in DIVERGING, key
            else:
                assert at_core == light, key
    # the unit that gains most in the scenario (by the data) takes the "faster" end of the diverging scale
    open_map(page, folder / "scenario.html")
    c = linyi.compare_scenarios(2020, 2035)
    measure = next(
        m for m in ("time_to_core_min", "mean_time_to_seats_min") if c.units[f"{m}_delta"].abs().max() >= 0.05
    )
    gainer = c.units[f"{measure}_delta"].idxmin()
    fill = page.evaluate(UNIT_FILL, names[gainer])
    assert fill
    assert DIVERGING.index(fill[0]) < DIVERGING.index("#f7f7f7")  # a purple: faster


def test_isochrone_rings_are_disjoint_and_drawn_once_each(page, cli_maps):
    """Each place lies in one ring: the rings of the map's isochrones do not overlap, one path per ring."""
    from linyi_spatial.accessibility import isochrones
    from linyi_spatial.crs import projected_crs
    from linyi_spatial.linyi.defaults import CAR_MODES
    from linyi_spatial.viz.accessibility import isochrone_bands

    s = linyi.load_structure()
    G = linyi.load_network(2020, modes=CAR_MODES)
    iso = isochrones(G, s.core["anchor"].iloc[0], (30, 60, 90), region=s.units, cell_km=2)
    bands, _ = isochrone_bands(iso, "en")
    metric = bands.to_crs(projected_crs(bands))
    for i in range(len(metric)):
        for j in range(i):
            assert metric.geometry.iloc[i].intersection(metric.geometry.iloc[j]).area < 1.0  # m²: touching only
    assert sum(metric.area) == pytest.approx(iso.to_crs(metric.crs).area.max(), rel=1e-6)
    open_map(page, cli_maps / "isochrones.html")
    legend, drawn = _classes(page)
    assert len(drawn) == len(legend)  # one path per ring, each its legend colour
    assert sorted(d["fill"] for d in drawn) == sorted(c["colour"] for c in legend)


VISIBLE_LABELS = """() => Array.from(document.querySelectorAll('.linyi-label'))
  .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const range = document.createRange(); range.selectNodeContents(e);
              const r = range.getBoundingClientRect();  // the text's box: a label's div is 0 px wide
              return {text: e.textContent, kind: e.className, box: [r.left, r.top, r.right, r.bottom]}; })"""


@pytest.mark.parametrize("size", [(1400, 900), (900, 560)])
def test_names_never_overlap_and_every_county_stays_named(browser, cli_maps, zh_maps, size):
    """At both sizes, in both languages, on every map: no two visible names overlap; all 12 counties stay named
    (only a neighbouring prefecture's name may be hidden where there is no room)."""
    s = linyi.load_structure()
    for folder, column in ((cli_maps, "name_en"), (zh_maps, "name_zh")):
        for key in ("structure", "accessibility", "surface", "isochrones", "scenario"):
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.route(NETWORK, lambda route: route.abort())
            open_map(page, folder / f"{key}.html")
            page.wait_for_timeout(200)
            labels = page.evaluate(VISIBLE_LABELS)
            page.close()
            boxes = [(lab["text"], lab["box"]) for lab in labels]
            for i, (a, p) in enumerate(boxes):
                for b, q in boxes[:i]:
                    w = min(p[2], q[2]) - max(p[0], q[0])
                    h = min(p[3], q[3]) - max(p[1], q[1])
                    assert w <= 0.5 or h <= 0.5, (key, folder.name, size, a, b)
            named = {lab["text"] for lab in labels}
            assert set(s.units[column]) <= named, (key, size, sorted(set(s.units[column]) - named))


@pytest.fixture(scope="module")
def ranged(tmp_path_factory):
    """Linyi's accessibility map with the ranges of a 24-sample run, in both languages."""
    from linyi_spatial.viz import accessibility_map

    s = linyi.sensitivity(2020, n=24, seed=5, processes=2)
    scores = linyi.county_accessibility(2020)
    out = tmp_path_factory.mktemp("ranged")
    for lang in ("en", "zh"):
        m = accessibility_map(
            scores, linyi.load_counties(), tiles=None, lang=lang, sensitivity=s, threshold=("time_to_core_min", 60)
        )
        save_html(m, out / f"accessibility_{lang}.html")
    return s, out


TOOLTIP_OF = """(name) => { const out = []; for (const k of Object.keys(window)) { const m = window[k];
  if (m instanceof L.Map) { m.eachLayer((l) => { if (l.feature && l.getTooltip && l.getTooltip()
      && l.getTooltip().getContent().includes(name)) out.push(l.getTooltip().getContent() + l.getPopup().getContent());
  }); } }
  return out.join(''); }"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_probability_layer_and_the_ranges_say_what_the_run_says(page, ranged, lang):
    """The probability layer colours each county by its share of samples beyond 60 min in fixed classes (never
    light, always dark), and each county's tooltip and popup print the run's 5-95 % range and rank range."""
    from linyi_spatial.catalog import measure_label
    from linyi_spatial.viz.classes import ramp

    s, folder = ranged
    open_map(page, folder / f"accessibility_{lang}.html")
    p = s.exceedance("time_to_core_min", 60)
    label = measure_label(str(p.name), lang)
    page.locator(".leaflet-control-layers label", has_text=label).locator("input").check()
    sync_api.expect(page.locator(".linyi-legend:visible")).to_contain_text(label)
    legend, drawn = _classes(page)
    colours = [c["colour"] for c in legend]
    assert colours == ramp(5, reverse=False)  # five fixed classes, light = never beyond 60 min
    assert {d["fill"] for d in drawn} <= set(colours)
    names = linyi.load_structure().units["name_en" if lang == "en" else "name_zh"]
    for uid, share in p.items():
        expected = 0 if share == 0 else 1 if share < 0.1 else 2 if share < 0.5 else 3 if share < 0.9 else 4
        assert page.evaluate(UNIT_FILL, names[uid]) == [colours[expected]], (uid, share)
    assert p.max() == 1.0  # the run puts some county always beyond the hour: the darkest class is in use
    assert p.min() == 0.0
    r = s.summary("time_to_core_min").loc["371321"]  # 沂南
    text = page.evaluate(TOOLTIP_OF, names["371321"])
    minutes = " min" if lang == "en" else " 分钟"
    assert f"{r['q05']:.1f}–{r['q95']:.1f}{minutes}" in text
    k = s.ranks().loc["371321"]
    assert f"{int(k['rank_q05'])}–{int(k['rank_q95'])}" in text or int(k["rank_q05"]) == int(k["rank_q95"])
    assert page.errors == []


def test_the_tile_key_given_as_a_layer_option_is_filled_into_the_tile_requests(page, tmp_path):
    """The key reaches the page as data (a Leaflet option), and Leaflet puts it into each tile URL."""
    from linyi_spatial.testing import made_up_structure

    key = "0123456789abcdef0123456789abcdef"
    path = save_html(structure_map(made_up_structure(), tiles="tianditu", tiles_key=key), tmp_path / "t.html")
    open_map(page, path)
    tiles = [u for u in page.requests if "tianditu.gov.cn" in u]
    assert tiles
    assert all(u.endswith(f"&tk={key}") for u in tiles)
