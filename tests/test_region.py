"""A made-up region end to end: structure → network → routing → scores → hierarchy → every map and the CLI.

The region (``linyi_spatial.testing``) has its own column names, its own
spec, a network from tables and one from an OSM extract. The embedded Linyi
data are made unreachable for the whole module (any read raises), and every
output is searched for Linyi names, codes and coordinates.
"""

import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import linyi_spatial as ls
from linyi_spatial.linyi import datasets as linyi_datasets
from linyi_spatial.linyi.cli import main
from linyi_spatial.linyi.mapset import MAPS
from linyi_spatial.testing import UNITS, made_up_tables, write_region

LINYI_NAMES = ["临沂", "Linyi", "兰山", "罗庄", "河东", "沂水", "平邑", "临港", "郯城", "蒙阴", "city_hall", "yishui"]
LINYI_CODES = list(linyi_datasets.LINYI_ADCODES)
# a [lat, lon] (Leaflet) or [lon, lat] (GeoJSON) pair inside Linyi's extent
LINYI_COORDS = re.compile(r"\[\s*3[45]\.\d+,\s*11[789]\.\d+\s*\]|\[\s*11[789]\.\d+,\s*3[45]\.\d+\s*\]")


def assert_no_linyi(text: str, where: str) -> None:
    # a code as a whole token: folium's random element ids (hex) may hold "371323" by chance
    codes = [c for c in LINYI_CODES if re.search(rf"(?<![0-9a-fA-F.]){c}(?![0-9a-fA-F])", text)]
    found = [t for t in LINYI_NAMES if t in text] + codes
    assert found == [], (where, found)
    assert not LINYI_COORDS.search(text), (where, LINYI_COORDS.search(text).group(0))


@pytest.fixture(scope="module", autouse=True)
def no_linyi_data():
    """Any read of the embedded data during this module fails the test."""
    from linyi_spatial import linyi
    from linyi_spatial.linyi import analysis, network

    mp = pytest.MonkeyPatch()
    names = ["data_path", "load_counties", "load_towns", "load_network", "load_structure", "network_tables",
             "_embedded_tables", "_boundaries"]  # fmt: skip
    for module in (linyi, linyi_datasets, network, analysis):
        for name in names:
            if hasattr(module, name):

                def refuse(*args, _name=name, **kwargs):
                    raise AssertionError(f"the embedded Linyi data were read: {_name}{args}")

                mp.setattr(module, name, refuse)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return write_region(tmp_path_factory.mktemp("valeshire"))


@pytest.fixture(scope="module")
def structure(files):
    return ls.SpatialStructure.from_file(files["spec"])


@pytest.fixture(scope="module")
def networks(files):
    nodes = pd.read_csv(files["nodes"], dtype={"id": str, "road_node": str})
    routes = pd.read_csv(files["routes"], dtype={"route_id": str, "ref": str})
    return ls.build_network(nodes, routes, year=2020), ls.build_network(nodes, routes, year=2035)


@pytest.fixture(scope="module")
def osm_graph(files):
    pytest.importorskip("osmnx")
    return ls.from_osm(files["osm"])


def test_structure_uses_the_declared_columns(structure):
    assert structure.columns["size"] == "residents"
    assert structure.column("urban") == "townsfolk"
    assert structure.unit_names().tolist() == UNITS["label"].tolist()
    assert list(structure.seats["unit"]) == ["A", "B", "C", "D", "E"]
    summary = structure.summary()
    assert summary.loc[summary["role"] == "core", "residents"].item() == 420_000
    assert "pop_2020" not in summary.columns


def test_network_from_tables_and_routing_against_networkx(networks):
    G20, G35 = networks
    assert ls.validate_network(G20) == []
    assert ls.validate_network(G35) == []
    assert {d["ref"] for _, _, d in G35.edges(data=True)} - {d["ref"] for _, _, d in G20.edges(data=True)} == {"X2"}
    T = ls.travel_time_matrix(G20, list("abcde"), list("abcde"))
    for o in "abcde":
        ref = nx.single_source_dijkstra_path_length(G20, o, weight="travel_time")
        np.testing.assert_allclose(T.loc[o].to_numpy(), [ref[d] / 60 for d in "abcde"], rtol=1e-12)


def test_unit_scores_hand_checked(structure, networks):
    G20, _ = networks
    scores = ls.unit_accessibility(G20, structure, cell_km=2.0)
    assert list(scores.index) == ["A", "B", "C", "D", "E"]
    assert scores["name"].tolist() == UNITS["label"].tolist()
    assert sorted(scores["rank"]) == [1, 2, 3, 4, 5]
    assert scores.loc["A", "rank"] == 1
    assert scores.attrs["size"] == "residents"
    # seat A is the core's anchor; B's time to the core is its network time to node a
    assert scores.loc["A", "time_to_core_min"] == 0.0
    ref = nx.shortest_path_length(G20, "b", "a", weight="travel_time") / 60
    assert scores.loc["B", "time_to_core_min"] == pytest.approx(ref)
    # own residents count at t = 0 in the 30-minute opportunity
    assert (scores["size_within_30min"] >= UNITS.set_index("code")["residents"]).all()


def test_scenario_hierarchy_and_explore(structure, networks):
    G20, G35 = networks
    c = ls.compare_scenarios(G20, G35, structure, cell_km=2.0)
    assert (c.label_a, c.label_b) == (2020, 2035)
    assert set(c.added_links["ref"]) == {"X2"}
    assert c.units.loc["E", "mean_time_to_seats_min_delta"] < 0  # X2 reaches Elmstead
    assert (c.cells["cell_time_to_core_min_delta"] <= 1e-9).all()
    r = ls.hierarchy_report(structure, G20)
    assert r.rank_size.index.tolist() == ["residents"]
    assert r.primacy.loc["residents", "s2"] == pytest.approx(420_000 / 180_000)
    assert r.summary()["measure"].iloc[0] == "Zipf q (residents, 5 places, core merged)"
    for obj in (structure, c, r):
        html = obj.explore(tiles=None).get_root().render()
        assert_no_linyi(html, type(obj).__name__)
        assert "Ashford" in html


def test_osm_network_end_to_end(structure, osm_graph):
    scores = ls.unit_accessibility(osm_graph, structure, cell_km=4.0)
    assert np.isfinite(scores["composite_score"]).all()
    assert len(scores) == 5
    iso = ls.isochrones(osm_graph, structure.seats.loc[["a"]], (15, 30), region=structure.units, cell_km=4.0)
    assert (np.diff(iso["area_km2"]) >= 0).all()
    r = ls.hierarchy_report(structure, osm_graph)
    assert len(r.tiers) == 5


@pytest.mark.parametrize("source", ["tables", "osm"])
def test_cli_writes_the_full_map_set(files, tmp_path, source):
    if source == "osm":
        pytest.importorskip("osmnx")
        args = ["--network", str(files["osm"]), "--scenario-network", str(files["osm"])]
    else:
        args = ["--nodes", str(files["nodes"]), "--routes", str(files["routes"])]
    out = tmp_path / "maps"
    code = main(["maps", "--spec", str(files["spec"]), *args, "--out", str(out), "--offline", "--quiet",
                 "--cell-km", "4"])  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{k}.html" for k in MAPS), "index.html"])
    for page in out.iterdir():
        text = page.read_text(encoding="utf-8")
        assert_no_linyi(text, page.name)
        assert "Valeshire" in text or page.name != "index.html"
    assert "Brookby" in (out / "hierarchy.html").read_text(encoding="utf-8")


def test_cli_refuses_to_overwrite_a_foreign_file(files, tmp_path, capsys):
    out = tmp_path / "maps"
    out.mkdir()
    (out / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    assert main(["maps", "--spec", str(files["spec"]), "--out", str(out), "--offline", "--quiet"]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>my own page</p>"


def test_missing_column_is_named(files):
    s = ls.SpatialStructure.from_file(files["spec"])
    nodes, routes = made_up_tables()
    G = ls.build_network(nodes, routes, year=2020)
    with pytest.raises(ls.DataError, match="size column 'pop_2020' is not in the units"):
        ls.unit_accessibility(G, s, size="pop_2020", cell_km=5)
    bare = ls.SpatialStructure(**{**s.__dict__, "columns": {}})
    with pytest.raises(ls.DataError, match=r"no 'size' column: pass size=<column> or declare it"):
        ls.seat_accessibility(G, bare)


def test_cli_out_must_be_a_writable_folder(files, tmp_path, capsys):
    spec = str(files["spec"])
    with pytest.raises(SystemExit) as info:
        main(["maps", "--spec", spec, "--out", "", "--quiet"])
    assert info.value.code == 2
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("keep me", encoding="utf-8")
    for out, said in ((a_file, "is a file, not a folder"), (a_file / "sub", "cannot create the output folder")):
        with pytest.raises(SystemExit) as info:  # refused with the other options, before any work
            main(["maps", "--spec", spec, "--out", str(out), "--quiet"])
        assert info.value.code == 2
        assert said in capsys.readouterr().err
    assert a_file.read_text(encoding="utf-8") == "keep me"


def test_cli_overwrite_flag_replaces_a_foreign_file(files, tmp_path):
    out = tmp_path / "maps"
    out.mkdir()
    (out / "structure.html").write_text("<p>mine</p>", encoding="utf-8")
    args = ["maps", "--spec", str(files["spec"]), "--out", str(out), "--offline", "--quiet"]
    assert main(args) == 2
    assert main([*args, "--overwrite"]) == 0
    assert "linyi_spatial" in (out / "structure.html").read_text(encoding="utf-8")
    assert main(args) == 0  # its own files are replaced without the flag


def test_interrupted_write_leaves_the_old_map_intact(structure, tmp_path, monkeypatch):
    from linyi_spatial.viz import save_html, structure_map

    target = tmp_path / "structure.html"
    save_html(structure_map(structure, tiles=None), target)
    good = target.read_text(encoding="utf-8")
    real_write = Path.write_text

    def disk_full(self, text, *args, **kwargs):
        real_write(self, text[: len(text) // 2], *args, **kwargs)  # half of it lands, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(ls.DataError, match=r"cannot write .*structure\.html: the disk is full"):
        save_html(structure_map(structure, tiles="cartodb"), target)
    assert target.read_text(encoding="utf-8") == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["structure.html"]  # no temporary file left


def test_cli_in_chinese_names_two_extracts_by_role(files, tmp_path):
    """Two OSM extracts have no years: the Chinese maps call them 现状 (base) and 方案 (scenario)."""
    pytest.importorskip("osmnx")
    out = tmp_path / "maps"
    argv = ["maps", "--spec", str(files["spec"]), "--network", str(files["osm"]), "--scenario-network",
            str(files["osm"]), "--out", str(out), "--offline", "--quiet", "--cell-km", "4", "--lang", "zh"]  # fmt: skip
    assert main(argv) == 0
    scenario = (out / "scenario.html").read_text(encoding="utf-8")
    assert "情景 方案 对比 现状：出行时间变化" in scenario
    assert "Scenario scenario" not in scenario
    assert "单元可达性（现状 路网）" in (out / "accessibility.html").read_text(encoding="utf-8")
