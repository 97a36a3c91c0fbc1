"""Budgets stated and enforced before the work: grid cells from a memory budget, OSM parallel edges collapsed,
and the knob named in every refusal."""

import json

import geopandas as gpd
import pytest
from shapely.geometry import box

from linyi_spatial.accessibility import analysis_grid
from linyi_spatial.accessibility.grid import BYTES_PER_CELL, MAX_CELLS, cell_budget, grid_cell_count
from linyi_spatial.errors import DataError
from linyi_spatial.linyi.cli import main
from linyi_spatial.testing import made_up_structure, write_region


def continent(folder):
    """The made-up region stretched to 24° × 16° (a continent): a units file of about 1.3 kB."""
    from linyi_spatial.testing.region import UNITS

    files = write_region(folder)
    lon, lat = (lambda x: round(84 + (x - 10) * 40, 6)), (lambda y: round(18 + (y - 50) * 40, 6))
    units = UNITS.drop(columns="bounds").assign(
        seat_lon=UNITS["seat_lon"].map(lon), seat_lat=UNITS["seat_lat"].map(lat)
    )
    shapes = [box(lon(a), lat(b), lon(c), lat(d)) for a, b, c, d in UNITS["bounds"]]
    text = gpd.GeoDataFrame(units, geometry=shapes, crs=4326).to_json(drop_id=True)
    assert len(text.encode()) < 1600  # the audit's file: 1.3 kB
    files["units"].write_text(text, encoding="utf-8")
    spec = files["spec"].read_text(encoding="utf-8").replace("lon = 10.45\nlat = 50.35", "lon = 102\nlat = 32")
    files["spec"].write_text(spec, encoding="utf-8")
    return files


def test_the_default_budget_is_stated_and_consistent():
    assert BYTES_PER_CELL * MAX_CELLS == 8_000_000_000
    assert MAX_CELLS == 2_000_000


def test_a_continent_of_units_is_refused_before_any_work_naming_the_knobs(tmp_path, capsys, monkeypatch):
    import linyi_spatial.accessibility.grid as grid_module
    from linyi_spatial.linyi import cli

    def never(*args, **kwargs):
        raise AssertionError("work started before the refusal")

    files = continent(tmp_path / "in")
    monkeypatch.setattr(cli, "from_osm", never)  # no network read
    monkeypatch.setattr(grid_module, "analysis_grid", never)  # no grid
    code = main(["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--out", str(tmp_path / "o"),
                 "--offline", "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0
    assert "--cell-km 1 lays out" in err
    assert "over --max-cells 2,000,000" in err
    assert "use a larger --cell-km, or raise --max-cells" in err
    assert not (tmp_path / "o").exists()


def test_the_cell_count_is_what_the_grid_lays_out():
    units = made_up_structure().units
    for cell_km in (5, 1, 0.37):
        assert grid_cell_count(units, cell_km) == {5: 90, 1: 2024, 0.37: 14637}[cell_km]  # literal: boxes laid out
    assert grid_cell_count(units, 1e-300) == float("inf")


def test_the_api_refuses_over_budget_and_takes_a_larger_one():
    units = made_up_structure().units
    with pytest.raises(DataError, match=r"needs 2,024 cells \(about 0.0081 GB at 4 kB a cell\), over the limit of "
                       r"2,000 cells; use a larger cell_km \(CLI: --cell-km\), or raise max_cells"):  # fmt: skip
        analysis_grid(units, cell_km=1, max_cells=2000)
    assert len(analysis_grid(units, cell_km=1, max_cells=2024)) > 1900
    with cell_budget(100), pytest.raises(DataError, match="over the limit of 100 cells"):
        analysis_grid(units, cell_km=1)
    assert len(analysis_grid(units, cell_km=5)) > 0  # the budget ends with the block
    with pytest.raises(DataError, match="max_cells must be a positive whole number"), cell_budget(0):
        pass


def test_the_cli_budget_reaches_every_grid_of_the_run(tmp_path, capsys):
    """``--max-cells`` is checked against the region up front and holds for the grids the maps build."""
    files = write_region(tmp_path / "in")
    argv = ["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes", str(files["routes"]),
            "--offline", "--quiet", "--cell-km", "5"]  # fmt: skip
    assert main([*argv, "--out", str(tmp_path / "a"), "--max-cells", "89"]) != 0  # refused up front
    assert "--cell-km 5 lays out 90 cells over this region" in capsys.readouterr().err
    # every grid of the run (surfaces, scores, the population and the hierarchy's) is within the map's cells
    assert main([*argv, "--out", str(tmp_path / "c"), "--max-cells", "90"]) == 0
    assert not (tmp_path / "a").exists()


# ---- OSM: a few kB of bz2 that unpack into millions of edges ----------------------------------------------------


def zigzag(path, pairs: int, ways=((10, None),)):
    """A one-way road zig-zagging between two nodes ``pairs`` times per way (bz2), a two-way road 2-3-1 beside."""
    import bz2

    nodes = '<node id="1" lat="35.0" lon="118.0"/><node id="2" lat="35.001" lon="118.0"/>'
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n', nodes,
             '<node id="3" lat="35.002" lon="118.0"/>\n']  # fmt: skip
    for way_id, maxspeed in ways:
        speed = f'<tag k="maxspeed" v="{maxspeed}"/>' if maxspeed else ""
        parts += [f'<way id="{way_id}">', '<nd ref="1"/><nd ref="2"/>' * pairs,
                  f'<tag k="highway" v="residential"/><tag k="oneway" v="yes"/>{speed}</way>\n']  # fmt: skip
    parts.append('<way id="11"><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="highway" v="residential"/></way>\n')
    path.write_bytes(bz2.compress("".join([*parts, "</osm>\n"]).encode()))
    return path


def test_a_way_longer_than_osm_allows_is_left_out_unread_in_bounded_memory(tmp_path):
    """3 kB of bz2: one way of 2 M references (OSM allows 2,000). It used to give 2 M parallel edges in 16 s and
    2 GB (13 kB: a MemoryError at 9.7 GB); now the way is named and left out before its references are read."""
    import subprocess
    import sys

    path = zigzag(tmp_path / "zigzag.osm.bz2", 1_000_000)
    small = zigzag(tmp_path / "small.osm.bz2", 1)
    assert path.stat().st_size < 3_000
    code = (
        "import resource, warnings, json\n"
        "from linyi_spatial.network import from_osm\n"
        "with warnings.catch_warnings():\n"  # every library the reader loads, loaded before the peak is read
        "    warnings.simplefilter('ignore')\n"
        f"    from_osm({str(small)!r}, simplify=False)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        f"    G = from_osm({str(path)!r}, simplify=False)\n"
        "print(json.dumps({'nodes': sorted(G.nodes), 'edges': G.number_of_edges(),\n"
        "                  'too_long': G.graph['too_long_way_ids'], 'said': [str(x.message) for x in w],\n"
        "                  'growth_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before}))\n"
    )  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["nodes"] == [1, 2, 3]
    assert out["edges"] == 4  # way 11's two segments, both ways
    assert out["too_long"] == [10]
    assert any("ways 10 (2,000,000); left out" in s for s in out["said"])
    # the peak's growth over a 3-node read with every library loaded (the libraries alone vary by release)
    assert out["growth_mb"] < 150  # 2 GB before


def test_repeated_segments_are_kept_once_the_fastest_and_counted(tmp_path):
    """Three one-way ways zig-zag 1,000 times each over the same segment at 30, 80 and 50 km/h: 5,997 segments,
    two directed pairs; the 5,995 repeats are dropped, the 80 km/h way's kept, and the ways named."""
    from linyi_spatial.network import from_osm

    path = zigzag(tmp_path / "z.osm.bz2", 1000, ways=((10, 30), (12, 80), (13, 50)))
    with pytest.warns(
        UserWarning, match=r"5,995 segment\(s\) repeat another .*\(ways \[10, 12, 13\]\); each kept once"
    ):
        G = from_osm(path, simplify=False)
    assert G.graph["collapsed_segments"] == 5995
    assert G.number_of_edges() == 2 + 4  # 1->2 and 2->1 once each; way 11's two segments both ways
    (d12,) = G.get_edge_data(1, 2).values()
    assert d12["osmid"] == 12
    assert d12["travel_time"] == pytest.approx(d12["length"] / (80 / 3.6))
    assert G.number_of_edges(2, 1) == 1


# ---- maxspeed: plausible tags or a warning naming them --------------------------------------------------------


def chain(path, speeds):
    """Residential ways in a chain of nodes 100 m apart, way ``100 + i`` carrying ``maxspeed=speeds[i]``."""
    nodes = "".join(f'<node id="{i + 1}" lat="35.0" lon="{118 + i * 0.0011:.4f}"/>' for i in range(len(speeds) + 1))
    ways = "".join(
        f'<way id="{100 + i}"><nd ref="{i + 1}"/><nd ref="{i + 2}"/><tag k="highway" v="residential"/>'
        + (f'<tag k="maxspeed" v="{s}"/>' if s is not None else "") + "</way>"
        for i, s in enumerate(speeds)
    )  # fmt: skip
    path.write_text(f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}</osm>', encoding="utf-8")
    return path


@pytest.mark.parametrize("absurd", ["3000", "99999999", "99999 mph", "0.0001", "250 km/h"])
def test_an_absurd_maxspeed_is_ignored_for_its_way_and_kept_out_of_the_class_mean(tmp_path, absurd):
    """Residential ways at 30 and one at 3000 gave every untagged residential way 642 km/h (the class mean):
    the absurd tag is named and ignored, the class mean stays 30."""
    from linyi_spatial.network import from_osm

    path = chain(tmp_path / "c.osm", ["30", "30", "30", "30", "30", absurd, None])
    with pytest.warns(UserWarning, match=rf"1 way\(s\) have a maxspeed outside the plausible 5–200 km/h.*way 105 "
                      rf"'{absurd}'"):  # fmt: skip
        G = from_osm(path, simplify=False)
    speeds = {d["osmid"]: round(d["speed_kph"], 9) for _, _, d in G.edges(data=True)}
    assert speeds == dict.fromkeys(range(100, 107), 30.0)
    assert (105, absurd) in G.graph["speed_fixes"]


def test_maxspeed_at_the_ends_of_the_plausible_range_is_kept(tmp_path):
    from linyi_spatial.network import from_osm

    G = from_osm(chain(tmp_path / "c.osm", ["5", "200", "120 mph", "30 knots"]), simplify=False, impute_speeds=False)
    speeds = {d["osmid"]: round(d["speed_kph"], 3) for _, _, d in G.edges(data=True)}
    assert speeds == {100: 5.0, 101: 200.0, 102: 193.121, 103: 55.56}  # 120 mph, 30 knots = 55.56 km/h


@pytest.mark.parametrize("speed", [True, 1e300, float("inf"), 0, -5])
def test_user_speeds_that_are_no_speeds_are_named(tmp_path, speed):
    from linyi_spatial.errors import NetworkError
    from linyi_spatial.network import from_osm

    with pytest.raises(NetworkError, match="speeds must be numbers of km/h above 0 and at most 1,000"):
        from_osm(chain(tmp_path / "c.osm", ["30"]), speeds_kph={"residential": speed})


def test_coordinates_off_the_globe_and_absurd_segments_are_named_by_node_and_way(tmp_path):
    """``lat="91"`` was dropped and only counted as a repaired way; ``lat="1e308"`` is read by libosmium as 0
    (a node on the equator, 3,875 km away). Both are now named, and no such segment enters the network."""
    from linyi_spatial.network import from_osm

    path = tmp_path / "c.osm"
    path.write_text(
        '<?xml version="1.0"?><osm version="0.6"><node id="1" lat="35.0" lon="118.0"/>'
        '<node id="2" lat="1e308" lon="118.001"/><node id="3" lat="91" lon="118.002"/>'
        '<node id="4" lat="35.0" lon="181"/><node id="5" lat="35.001" lon="118.0"/>'
        '<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="1"/>'
        '<tag k="highway" v="residential"/></way></osm>',
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match="from_osm") as said:
        G = from_osm(path, simplify=False)
    text = " | ".join(str(w.message) for w in said)
    assert "2 node(s) lie outside longitude ±180 / latitude ±90 (node 3 (118.002, 91), node 4 (181, 35))" in text
    assert (
        "1 segment(s) are longer than 200 km, so a coordinate is wrong (way 10 nodes 1-2 (3,875 km)); left out" in text
    )
    assert sorted(G.nodes) == [1, 5]
    assert G.graph["off_globe_node_ids"] == [3, 4]
    assert max(d["length"] for *_, d in G.edges(data=True)) < 200
