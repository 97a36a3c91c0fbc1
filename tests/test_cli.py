"""The command line checks its flags before any work and ends with a summary of what it wrote."""

import pytest

from linyi_spatial.linyi.cli import main
from linyi_spatial.testing import write_region


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--year", "1990", "--scenario-year", "2100"], "--year 1990: Linyi's network is documented for 2020–2035"),
        (["--scenario-year", "2100"], "--scenario-year 2100"),
        (["--year", "2035", "--scenario-year", "2020"], "--scenario-year 2020 must come after --year 2035"),
        (["--tiles", "tianditu"], "--tiles tianditu needs --tiles-key KEY"),
        (["--cell-km", "0"], "--cell-km must be above 0"),
        (["--cell-km", "500"], "--cell-km must be above 0 and at most 50 km, got 500"),
        (["--consolidate-m", "10"], "--consolidate-m needs --network"),
        (["--network", "x.osm", "--consolidate-m", "0"], "--consolidate-m must be above 0 and at most 500 m, got 0"),
    ],
)
def test_bad_flags_are_refused_before_any_work(argv, needle, capsys, tmp_path):
    with pytest.raises(SystemExit) as stop:
        main(["maps", "--out", str(tmp_path / "maps"), *argv])
    assert stop.value.code == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "maps").exists()  # nothing was started


def test_cli_ends_with_a_summary(tmp_path, capsys):
    files = write_region(tmp_path / "region")
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
            "--out", str(out), "--offline", "--cell-km", "5"]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert str(out / "index.html") in captured.out  # the written paths on stdout
    assert "wrote 6 map(s) and an index" in captured.err
    assert f"start with {(out / 'index.html').resolve()}" in captured.err


def test_every_map_names_its_sources_escaped(tmp_path):
    from linyi_spatial.linyi.defaults import MAP_CREDITS
    from linyi_spatial.linyi.mapset import Region, map_builders
    from linyi_spatial.testing import made_up_network, made_up_structure

    s, G = made_up_structure(), made_up_network(2020)
    built = map_builders(Region(s, G, made_up_network(2035), cell_km=5), tiles=None, say=str)
    assert len(built) == 6
    for key, build in built.items():
        html = build().get_root().render()
        assert "Sources</summary>Valeshire structure (valeshire.toml); computed with linyi_spatial" in html, key
    hostile = Region(s, G, cell_km=5, credits="<img src=x onerror=alert(1)> census")
    html = map_builders(hostile, tiles=None, say=str)["structure"]().get_root().render()
    assert "&lt;img src=x onerror=alert(1)&gt; census" in html
    assert "<img src=x" not in html
    assert "7th national census 2020" in MAP_CREDITS


def test_cli_speaks_the_language_of_its_maps(tmp_path, capsys):
    files = write_region(tmp_path / "region")
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
            "--out", str(out), "--offline", "--cell-km", "5", "--lang", "zh"]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "已写出 6 幅地图和索引页" in err
    assert "[1/6] 空间结构地图 ..." in err
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in index
    assert "底图：无（离线绘制）" in index  # the basemap mode is on the landing page
    assert "规划空间结构" in (out / "structure.html").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["maps", "--out", str(tmp_path / "m2"), "--lang", "fr"])
    assert stop.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def _seats_at_coordinates(files):
    """The made-up region's spec with every seat given by its own lon/lat, and units without seat columns."""
    import re

    import geopandas as gpd

    from linyi_spatial.testing import UNITS

    units = gpd.read_file(files["units"]).drop(columns=["seat_lon", "seat_lat"])
    files["units"].unlink()
    units.to_file(files["units"], driver="GeoJSON")
    spec = files["spec"].read_text(encoding="utf-8")
    for code, lon, lat in UNITS[["code", "seat_lon", "seat_lat"]].itertuples(index=False):
        spec = spec.replace(f'seat_of = "{code}"\n', f'seat_of = "{code}"\nlon = {lon}\nlat = {lat}\n')
    assert len(re.findall(r'seat_of = "[A-E]"\nlon = ', spec)) == 5
    files["spec"].write_text(spec, encoding="utf-8")
    return files


def test_seats_given_by_coordinates_run_to_the_full_map_set(tmp_path, capsys):
    files = _seats_at_coordinates(write_region(tmp_path / "region"))
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]),
            "--scenario-network", str(files["osm"]), "--out", str(out), "--offline", "--cell-km", "5"]  # fmt: skip
    assert main(argv) == 0
    assert "wrote 6 map(s) and an index" in capsys.readouterr().err
    names = {"structure", "accessibility", "surface", "isochrones", "scenario", "hierarchy", "index"}
    assert {p.stem for p in out.glob("*.html")} == names
    # the seats are where the spec puts them, and they carry the scores of their units
    html = (out / "accessibility.html").read_text(encoding="utf-8")
    for name in ("Ashford", "Brookby", "Colton", "Dunmere", "Elmstead"):
        assert name in html


def _band_names(html):
    import re

    return sorted(set(re.findall(r"(\d+)–(\d+) min", html)), key=lambda b: float(b[0]))


def test_bands_and_isochrone_limits_fit_another_region_and_take_flags(tmp_path):
    files = write_region(tmp_path / "region")
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out", str(out),
            "--offline", "--cell-km", "2", "--quiet"]  # fmt: skip
    assert main(argv) == 0
    surface = (out / "surface.html").read_text(encoding="utf-8")
    assert "(bands fitted to the data)" in surface
    assert len(_band_names(surface)) >= 4  # the region's own times, not one colour
    iso = (out / "isochrones.html").read_text(encoding="utf-8")
    assert "15 min" not in iso  # Linyi's limits are not imposed on another region
    flagged = tmp_path / "flagged"
    again = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out", str(flagged),
             "--offline", "--cell-km", "2", "--quiet", "--bands-min", "20,40,80", "--cutoffs-min", "40,80"]  # fmt: skip
    assert main(again) == 0
    surface = (flagged / "surface.html").read_text(encoding="utf-8")
    assert "fitted" not in surface
    assert _band_names(surface) == [("0", "20"), ("20", "40"), ("40", "80")]


@pytest.mark.parametrize("bad", ["10,5", "0,10", "ten", "5,5"])
def test_minute_lists_are_checked(bad, capsys):
    with pytest.raises(SystemExit):
        main(["maps", "--bands-min", bad])
    err = capsys.readouterr().err
    assert "argument --bands-min" in err
    assert "minutes like 5,10,20" in err


def _linyi_grid_extract(path):
    """A 6 x 6 street grid over central Linyi (0.05° apart, primary roads) and one road far outside it."""
    n, lon0, lat0, step = 6, 118.20, 34.95, 0.05
    nodes = [f'<node id="{1000 + i * n + j}" lat="{lat0 + i * step:.4f}" lon="{lon0 + j * step:.4f}"/>'
             for i in range(n) for j in range(n)]  # fmt: skip
    nodes += ['<node id="9001" lat="36.50" lon="120.50"/>', '<node id="9002" lat="36.50" lon="120.55"/>']
    ways, wid = [], 1
    for i in range(n):
        for line in ([1000 + i * n + j for j in range(n)], [1000 + j * n + i for j in range(n)]):
            nds = "".join(f'<nd ref="{r}"/>' for r in line)
            ways.append(f'<way id="{wid}">{nds}<tag k="highway" v="primary"/></way>')
            wid += 1
    ways.append('<way id="999"><nd ref="9001"/><nd ref="9002"/><tag k="highway" v="primary"/></way>')
    path.write_text('<?xml version="1.0"?><osm version="0.6">' + "".join(nodes + ways) + "</osm>", encoding="utf-8")
    return path


def test_linyi_runs_on_a_user_s_extract_cut_to_its_counties(tmp_path, capsys):
    from linyi_spatial.linyi.cli import _linyi_extract, build_parser

    extract = _linyi_grid_extract(tmp_path / "linyi.osm")
    args = build_parser().parse_args(["maps", "--network", str(extract)])
    G = _linyi_extract(args, str(extract))
    assert 9001 not in G  # 250 km away: outside Linyi and its margin
    assert G.graph["clip_buffer_km"] == 20.0
    out = tmp_path / "maps"
    assert main(["maps", "--network", str(extract), "--out", str(out), "--offline", "--cell-km", "10"]) == 0
    err = capsys.readouterr().err
    assert "no --scenario-network given" in err
    assert {p.stem for p in out.glob("*.html")} == {"structure", "accessibility", "surface", "isochrones",
                                                    "hierarchy", "index"}  # fmt: skip
    assert "Yishui" in (out / "accessibility.html").read_text(encoding="utf-8")  # Linyi's counties, on this network


def test_planned_lines_on_an_osm_network_make_the_scenario(tmp_path, capsys):
    files = write_region(tmp_path / "region")
    lines = tmp_path / "ring.toml"
    lines.write_text(
        '[[lines]]\nid = "a_e"\nname = "A–E link"\nmode = "road"\nclass = "primary"\n'  # an OSM highway class
        "stops = [[10.1, 50.1], [10.4, 50.3]]\n",
        encoding="utf-8",
    )
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--lines", str(lines),
            "--out", str(out), "--offline", "--cell-km", "5"]  # fmt: skip
    assert main(argv) == 0
    assert "no --scenario-network given" not in capsys.readouterr().err
    scenario = (out / "scenario.html").read_text(encoding="utf-8")
    assert "A–E link" in scenario  # the added line is drawn
    assert "ring" in scenario  # the scenario is named after its file
    with pytest.raises(SystemExit):
        main([*argv, "--scenario-network", str(files["osm"])])
    assert "either --lines or --scenario-network" in capsys.readouterr().err


def test_each_legend_names_its_layers_sources_and_an_osm_network_is_credited_to_osm(tmp_path):
    """Sources per layer: the plan, units, network and modelled population under each map's legend; a user's
    OpenStreetMap extract is named as the network's source (with its licence), not the embedded skeleton."""
    import re

    from linyi_spatial.linyi.mapset import MAP_LAYERS, Region, map_builders
    from linyi_spatial.testing import made_up_network, made_up_structure

    sources = {"plan": "Plan <2035>", "units": "Census 2020", "network": {"en": "Roads 2020", "zh": "路网 2020"},
               "population": "modelled estimate"}  # fmt: skip
    region = Region(made_up_structure(), made_up_network(2020), made_up_network(2035), cell_km=5,
                    layer_sources=sources)  # fmt: skip
    for key, build in map_builders(region, tiles=None, say=str).items():
        html = build().get_root().render()
        lines = set(re.findall(r"class='linyi-legend-source'[^>]*>([^<]*)<", html))
        expected = (
            "; ".join(s if isinstance(s, str) else s["en"] for s in (sources[k] for k in MAP_LAYERS[key]))
            .replace("<", "&lt;")
            .replace(">", "&gt;")
        )
        assert lines == {expected}, key
    files = write_region(tmp_path / "region")
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out", str(out), "--offline",
            "--cell-km", "5", "--quiet"]  # fmt: skip
    assert main(argv) == 0
    html = (out / "isochrones.html").read_text(encoding="utf-8")
    assert f"OpenStreetMap extract {files['osm'].name} (© OpenStreetMap contributors, ODbL)" in html
