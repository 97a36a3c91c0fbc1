"""Map HTML, asset inlining, basemap datums and the linyi-spatial command (no browser needed)."""

import html
import itertools
import json
import re

import numpy as np
import pytest
import shapely

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.crs import wgs84_to_gcj02
from linyi_spatial.linyi.cli import main
from linyi_spatial.linyi.mapset import MAPS
from linyi_spatial.viz import save_html, structure_map

from .regions import write_village_region

XSS = '<img src=x onerror="window.__xss=1">'
MARKER_RE = re.compile(r"L\.circleMarker\(\s*\[([-\d.]+),\s*([-\d.]+)\]")

KEY = "0123456789abcdef0123456789abcdef"  # a Tianditu key has 32 hexadecimal digits


@pytest.fixture(scope="module")
def linyi_html():
    return structure_map(linyi.load_structure(), tiles=None).get_root().render()


def test_structure_map_draws_every_element(linyi_html):
    s = linyi.load_structure()
    # one GeoJson per unit plus the core polygon; one polyline per axis;
    # one circle marker per pole and point plus the core anchor
    assert len(re.findall(r"L\.geoJson\(", linyi_html)) == len(s.units) + 1 == 13
    assert len(re.findall(r"L\.polyline\(", linyi_html)) == len(s.axes) == 7
    assert len(MARKER_RE.findall(linyi_html)) == len(s.poles) + len(s.points) + 1 == 20
    for name in ("沂水", "平邑", "临港", "中心城区", "兰山区"):
        assert name in linyi_html
    assert "L.control.layers" in linyi_html
    assert "L.control.scale" in linyi_html
    assert "linyi-fullscreen" in linyi_html
    assert "linyi-legend" in linyi_html


def test_structure_map_with_network_draws_each_link_once():
    G = linyi.load_network(2035)
    html = structure_map(linyi.load_structure(), G=G, tiles=None).get_root().render()
    links = {d["link"] for _, _, d in G.edges(data=True) if d["mode"] in ("road", "rail")}
    planned = {d["link"] for _, _, d in G.edges(data=True) if d["mode"] in ("road", "rail") and d["status"] != "open"}
    assert len(re.findall(r"L\.polyline\(", html)) == 7 + len(links)
    assert len(re.findall(r'"dashArray": "6 5"', html)) == len(planned) > 0


def test_unknown_tiles_rejected():
    s = linyi.load_structure(axes="anchors")
    with pytest.raises(ValueError, match="unknown tiles 'stamen'"):
        structure_map(s, tiles="stamen")
    with pytest.raises(ls.LinyiSpatialError, match="needs a key"):
        structure_map(s, tiles="tianditu")


def test_gcj02_basemap_shifts_overlays_and_wgs84_does_not(monkeypatch):
    s = linyi.load_structure(axes="anchors")
    anchor = (118.36, 35.10)
    wgs = [tuple(map(float, m)) for m in MARKER_RE.findall(structure_map(s, tiles="osm").get_root().render())]
    gcj = [tuple(map(float, m)) for m in MARKER_RE.findall(structure_map(s, tiles="amap").get_root().render())]
    assert (anchor[1], anchor[0]) in wgs  # unshifted on a WGS-84 basemap
    glon, glat = wgs84_to_gcj02(*anchor)
    assert (pytest.approx(float(glat), abs=1e-9), pytest.approx(float(glon), abs=1e-9)) in gcj
    shift_m = np.hypot(
        (float(glon) - anchor[0]) * 111_320 * np.cos(np.radians(35.1)), (float(glat) - anchor[1]) * 110_950
    )
    assert 300 < shift_m < 800  # hundreds of metres in Linyi
    assert "autonavi" in structure_map(s, tiles="amap").get_root().render()
    monkeypatch.setenv("TIANDITU_KEY", KEY)
    tdt = structure_map(s, tiles="tianditu").get_root().render()
    assert 'tk={tk}"' in tdt  # Leaflet fills the key in from the layer's options
    assert f'"tk": "{KEY}"' in tdt
    assert (anchor[1], anchor[0]) in [tuple(map(float, m)) for m in MARKER_RE.findall(tdt)]


def test_inline_assets_remove_cdn_links(tmp_path):
    m = structure_map(linyi.load_structure(axes="anchors"), tiles=None)
    inlined = save_html(m, tmp_path / "inline.html").read_text(encoding="utf-8")
    assert not re.search(r'<script\s+src="https?://', inlined)
    assert not re.search(r'<link\s+rel="stylesheet"\s+href="https?://', inlined)
    assert "L.Icon.Default.mergeOptions" in inlined
    assert "jQuery" in inlined
    cdn = save_html(m, tmp_path / "cdn.html", inline=False).read_text(encoding="utf-8")
    assert re.search(r'<script\s+src="https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/leaflet\.js"', cdn)


@pytest.fixture(scope="module")
def cli_maps(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    assert main(["maps", "--out", str(out), "--offline", "--quiet"]) == 0
    return out


def test_cli_writes_every_map_within_budget(cli_maps):
    names = sorted(p.name for p in cli_maps.iterdir())
    assert names == sorted([*(f"{k}.html" for k in MAPS), "index.html"])
    index = (cli_maps / "index.html").read_text(encoding="utf-8")
    for key in MAPS:
        assert f"{key}.html" in index
        html = (cli_maps / f"{key}.html").read_text(encoding="utf-8")
        assert (cli_maps / f"{key}.html").stat().st_size < 3_000_000, key
        assert "tile.openstreetmap.org" not in html  # --offline: no tile layer


def test_cli_other_region_and_bad_input(tmp_path, capsys):
    spec = write_village_region(tmp_path)
    assert main(["maps", "--out", str(tmp_path / "m"), "--spec", str(spec), "--cdn"]) == 0
    assert "Testland" in (tmp_path / "m" / "structure.html").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(spec.read_text(encoding="utf-8").replace('anchor = "hall"', 'anchor = "nowhere"'), encoding="utf-8")
    assert main(["maps", "--out", str(tmp_path / "m2"), "--spec", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "anchor 'nowhere' is not a known place" in err
    assert "bad.toml" in err
    with pytest.raises(SystemExit) as early:  # refused before any work, naming the flag
        main(["maps", "--out", str(tmp_path / "m3"), "--tiles", "tianditu"])
    assert early.value.code == 2
    assert "--tiles tianditu needs --tiles-key KEY" in capsys.readouterr().err
    assert not (tmp_path / "m3").exists()
    with pytest.raises(SystemExit) as info:
        main(["maps", "--tiles", "nope"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        main(["maps", "--offline", "--cdn"])


def test_result_objects_explore_and_display():
    comparison = linyi.compare_scenarios(2020, 2035, cell_km=8.0)
    html = comparison.explore(tiles=None).get_root().render()
    # two county delta measures on one shared set of 12 polygons: two fills and two tooltips per county
    fills = re.findall(r'"fill": \[("#[0-9a-f]{6}"), ("#[0-9a-f]{6}")\]', html)
    assert len(fills) == 12
    assert "<table" in comparison._repr_html_()
    assert "2020 -> 2035" in repr(comparison)
    report = linyi.hierarchy_report(2020)
    html = report.explore(tiles=None).get_root().render()
    assert len(re.findall(r"L\.polyline\(", html)) == 20  # top-20 gravity links
    assert "<table" in report._repr_html_()
    assert repr(report).startswith("HierarchyReport(10 places (the core's units merged")
    assert "<table" in report.linkages._repr_html_()


def test_notebook_display_is_self_contained():
    from linyi_spatial.testing import made_up_structure

    shown = made_up_structure().explore(tiles=None)._repr_html_()
    assert "<iframe srcdoc=" in shown
    assert not re.search(r"&lt;script\s+src=&quot;https?://", shown)  # escaped inside srcdoc
    assert not re.search(r"&lt;link\s+rel=&quot;stylesheet&quot;\s+href=&quot;https?://", shown)
    assert "L.Icon.Default.mergeOptions" in shown  # Leaflet itself is inside


def test_full_screen_keeps_title_and_legend():
    from linyi_spatial.testing import made_up_structure

    page = structure_map(made_up_structure(), tiles=None).get_root().render()
    assert "document.documentElement" in page
    assert "requestFullscreen" in page


def test_index_page_explains_each_map(cli_maps):
    from linyi_spatial.linyi.mapset import READING
    from linyi_spatial.viz._html import esc

    index = (cli_maps / "index.html").read_text(encoding="utf-8")
    for key, text in READING.items():
        assert f"{key}.html" in index
        assert esc(text) in index  # how to read it, escaped like every string
    assert "Noto Sans CJK SC" in index


def test_basemap_switcher_offers_only_basemaps_of_the_overlays_datum():
    from linyi_spatial.testing import made_up_structure

    s = made_up_structure()
    names = re.compile(r'"(basemap: [^"]+|no basemap)"')
    osm = structure_map(s, tiles="osm").get_root().render()
    assert names.findall(osm) == ["basemap: OpenStreetMap", "basemap: CARTO light", "no basemap"]
    assert "autonavi" not in osm  # GCJ-02 tiles never under WGS-84 overlays
    amap = structure_map(s, tiles="amap").get_root().render()
    assert [json.loads(f'"{n}"') for n in names.findall(amap)] == ["basemap: 高德 Amap", "no basemap"]
    assert "openstreetmap.org" not in amap
    assert "cartocdn" not in amap
    assert len(re.findall(r"L\.tileLayer\(", structure_map(s, tiles=None).get_root().render())) == 0
    with_key = structure_map(s, tiles="osm", tiles_key=KEY).get_root().render()
    assert "tianditu.gov.cn" in with_key
    assert f'"tk": "{KEY}"' in with_key


def test_road_legend_lists_the_classes_the_network_has_in_distinct_colours(tmp_path):
    from linyi_spatial import linyi
    from linyi_spatial.network import from_osm
    from linyi_spatial.testing import write_region
    from linyi_spatial.viz.mapobject import new_map
    from linyi_spatial.viz.structure import network_layers

    G = from_osm(write_region(tmp_path / "r")["osm"])
    classes = {d["highway"] for *_, d in G.edges(data=True)}
    items = network_layers(new_map([10, 50, 11, 51], None, "t"), G, "EPSG:4326")
    labels = [label for _, _, label in items]
    assert "expressway" not in labels or classes & {"motorway", "motorway_link"}  # only what is drawn
    assert "high-speed rail" not in labels  # an OSM road extract has no railways here
    assert len({colour for _, colour, _ in items}) == len(items)  # no colour stands for two things
    linyi_items = network_layers(new_map([118, 34, 119, 36], None, "t"), linyi.load_network(2035), "EPSG:4326")
    assert [label for _, _, label in linyi_items][:3] == ["expressway", "national / trunk road", "other roads"]
    assert len({colour for kind, colour, _ in linyi_items if kind == "line"}) == sum(
        kind == "line" for kind, _, _ in linyi_items
    )


def test_isochrones_are_drawn_as_disjoint_bands_nearest_lightest():
    """Each place has one colour, the legend's: bands do not overlap, and they add up to the largest isochrone."""
    import folium as _folium
    import shapely as _shapely

    from linyi_spatial.accessibility import isochrones
    from linyi_spatial.testing import made_up_network, made_up_structure
    from linyi_spatial.viz import isochrone_map

    iso = isochrones(made_up_network(2020), "a", [20, 40, 60], region=made_up_structure().units, cell_km=5)
    m = isochrone_map(iso, tiles=None)
    drawn = []
    for layer in m._children.values():
        if isinstance(layer, _folium.FeatureGroup):
            for child in layer._children.values():
                if isinstance(child, _folium.GeoJson):
                    geom = _shapely.geometry.shape(child.data["features"][0]["geometry"])
                    drawn.append((layer.layer_name, child.style_function({})["fillColor"], geom))
    assert [name for name, _, _ in drawn] == ["≤ 20 min", "20–40 min", "40–60 min"]
    assert drawn[0][1] == "#fde725"  # the nearest band is the lightest: the better end light, as on every map
    assert len({colour for _, colour, _ in drawn}) == len(drawn)  # no two bands share a colour
    for (_, _, a), (_, _, b) in itertools.combinations(drawn, 2):
        assert a.intersection(b).area < 1e-9
    union = _shapely.union_all([g for *_, g in drawn])
    largest = iso.sort_values("cutoff_min").geometry.iloc[-1]
    assert union.symmetric_difference(largest).area < 1e-3 * largest.area  # drawn coordinates are rounded


def test_time_bands_leave_no_slivers_between_them_on_real_county_boundaries():
    """Dissolved and simplified bands of Linyi's surface tile the cells: no gap and no overlap between neighbours."""
    import shapely as _shapely

    from linyi_spatial import linyi
    from linyi_spatial.accessibility import travel_time_surface
    from linyi_spatial.crs import projected_crs
    from linyi_spatial.viz.classes import dissolve

    surf = travel_time_surface(linyi.load_network(2020), linyi.load_structure(axes="anchors"), cell_km=2)
    bands = dissolve(surf, np.digitize(surf["cell_time_to_core_min"].to_numpy(), [15, 30, 45, 60, 90, 120]))
    assert len(bands) >= 5
    geoms = bands.to_crs(projected_crs(bands)).geometry.to_numpy()
    union = _shapely.union_all(geoms)
    polys = [union] if union.geom_type == "Polygon" else list(union.geoms)
    holes_km2 = sum(_shapely.Polygon(r).area for p in polys for r in p.interiors) / 1e6
    overlap_km2 = sum(_shapely.intersection(a, b).area for a, b in itertools.combinations(geoms, 2)) / 1e6
    assert holes_km2 == 0.0
    assert overlap_km2 < 1e-9


@pytest.mark.parametrize("n", range(2, 13))
def test_the_ramp_never_repeats_a_colour_and_keeps_its_ends(n):
    from linyi_spatial.viz.classes import ramp
    from linyi_spatial.viz.style import SEQUENTIAL

    colours = ramp(n, reverse=False)
    assert len(colours) == n
    assert len(set(colours)) == n
    assert (colours[0], colours[-1]) == (SEQUENTIAL[0], SEQUENTIAL[-1])  # light (better) first
    assert ramp(n, reverse=True) == colours[::-1]


def test_the_surface_map_draws_the_better_end_light_and_every_class_its_own_colour():
    import folium as _folium

    from linyi_spatial import linyi
    from linyi_spatial.viz import surface_map
    from linyi_spatial.viz.style import SEQUENTIAL

    surface = linyi.travel_time_surface(2020, cell_km=4.0)
    m = surface_map(surface, bands_min=(15, 30, 45, 60, 90, 120), tiles=None)
    first = next(layer for layer in m._children.values() if isinstance(layer, _folium.FeatureGroup))
    fills = [c.style_function({})["fillColor"] for c in first._children.values() if isinstance(c, _folium.GeoJson)]
    assert len(fills) == 7  # every band present, drawn shortest first
    assert len(set(fills)) == len(fills)  # seven bands, seven colours (45–60 and 60–90 were one colour)
    assert fills[0] == SEQUENTIAL[0]  # the shortest times light, as the best unit on the accessibility map


def test_choropleth_classes_never_share_an_end_value():
    import html as _html
    import re as _re

    from linyi_spatial import linyi
    from linyi_spatial.viz import accessibility_map

    scores = linyi.county_accessibility(2020, cell_km=5.0)
    page_html = accessibility_map(scores, linyi.load_counties(), tiles=None).get_root().render()
    legends = _re.findall(r"<div class='linyi-legend'.*?</div></div>", page_html, _re.S)
    assert legends
    for block in legends:
        items = [_html.unescape(x).strip() for x in _re.findall(r"</span> ([^<]+)</div>", block)]
        ends = [e.strip() for item in items for e in item.split(" – ")]
        assert len(ends) == len(set(ends)), items  # e.g. "6.0 – 19.2", "19.2 – 45.1" shared 19.2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_accessibility_surface_and_isochrone_maps_name_every_county_in_the_page_language(lang):
    from linyi_spatial import linyi
    from linyi_spatial.viz import accessibility_map, isochrone_map, surface_map

    counties = linyi.load_counties()
    surface = linyi.travel_time_surface(2020, cell_km=5.0)
    maps = {
        "accessibility": accessibility_map(
            linyi.county_accessibility(2020, surface=surface), counties, tiles=None, lang=lang
        ),
        "surface": surface_map(surface, tiles=None, lang=lang, units=counties),
        "isochrones": isochrone_map(linyi.isochrones((30, 60), cell_km=5.0), tiles=None, lang=lang, units=counties),
    }
    for key, m in maps.items():
        page_html = m.get_root().render().replace("\\u0027", "'").replace("\\u003e", ">").replace("\\u003c", "<")
        labels = [json.loads(f'"{x}"') for x in re.findall(r"linyi-label linyi-unit-label'>([^<]+)</div>", page_html)]
        want = counties["name_en" if lang == "en" else "name_zh"]
        assert set(want) <= set(labels), (key, sorted(set(want) - set(labels)))
        if lang == "en":
            assert not set(counties["name_zh"]) & set(labels), key  # no Chinese-only names on an English map


def test_every_map_has_a_north_arrow_and_a_scale_bar():
    from linyi_spatial.linyi.mapset import Region, map_builders
    from linyi_spatial.testing import made_up_network, made_up_structure

    region = Region(made_up_structure(), made_up_network(2020), made_up_network(2035), cell_km=5.0)
    builders = map_builders(region, tiles=None)
    assert len(builders) == 6
    for key, build in builders.items():
        page_html = build().get_root().render()
        assert page_html.count("class='linyi-north'") == 1, key
        assert "L.control.scale" in page_html, key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_raw_column_name_on_any_linyi_map(tmp_path, lang):
    from linyi_spatial.linyi.cli import main

    out = tmp_path / lang
    assert main(["maps", "--out", str(out), "--offline", "--quiet", "--cell-km", "5", "--lang", lang]) == 0
    for path in sorted(out.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for column in ("urban_pop_2020", "pop_2020", "pop_2010"):
            assert column not in text, (path.name, column)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_structure_map_names_the_neighbouring_prefectures(lang):
    from linyi_spatial import linyi
    from linyi_spatial.viz import structure_map

    neighbours = linyi.load_neighbours()
    assert len(neighbours) == 8
    counties = shapely.union_all(linyi.load_counties().geometry.to_numpy())
    assert all(g.distance(counties) < 1e-3 for g in neighbours.geometry)  # every one touches Linyi
    page_html = structure_map(linyi.load_structure(axes="anchors"), tiles=None, lang=lang, context=neighbours)
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page_html.get_root().render())
    text = html.unescape(text)  # labels are escaped (Tai&#x27;an)
    for _, row in neighbours.iterrows():
        name = row["name_en"] if lang == "en" else row["name_zh"]
        assert name in text, name
    assert ("Xuzhou (Jiangsu)" if lang == "en" else "徐州市（江苏）") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scenario_hierarchy_and_structure_maps_name_every_county_in_the_page_language(lang):
    """With the three maps above, every map of the set names all 12 counties (the hierarchy's merged core
    districts inside the central city, the other counties by their seats' places)."""
    from linyi_spatial import linyi
    from linyi_spatial.viz import hierarchy_map, scenario_map, structure_map

    counties = linyi.load_counties()
    s = linyi.load_structure()
    maps = {
        "scenario": scenario_map(linyi.compare_scenarios(2020, 2035, cell_km=5.0), tiles=None, lang=lang),
        "hierarchy": hierarchy_map(linyi.hierarchy_report(2020), tiles=None, lang=lang, units=s.units),
        "structure": structure_map(s, tiles=None, lang=lang),
    }
    want = counties["name_en" if lang == "en" else "name_zh"]
    for key, m in maps.items():
        page_html = m.get_root().render().replace("\\u0027", "'").replace("\\u003e", ">").replace("\\u003c", "<")
        labels = [
            json.loads(f'"{x}"') for x in re.findall(r"linyi-label(?: linyi-unit-label)?'>([^<]+)</div>", page_html)
        ]
        assert set(want) <= set(labels), (key, sorted(set(want) - set(labels)))
        if lang == "en":
            assert not set(counties["name_zh"]) & set(labels), key  # no Chinese-only names on an English map
