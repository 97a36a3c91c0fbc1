"""GeoPackage export: every layer reads back with geopandas, provenance and scores intact; no clobbering."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import linyi_spatial as ls
from linyi_spatial import linyi
from linyi_spatial.testing import made_up_network, made_up_structure


@pytest.fixture(scope="module")
def parts():
    s, G = made_up_structure(), made_up_network(2020)
    surface = ls.travel_time_surface(G, s, cell_km=5)
    return {
        "structure": s,
        "scores": ls.unit_accessibility(G, s, surface=surface),
        "surface": surface,
        "isochrones": ls.isochrones(G, "a", (15, 30), region=s.units, cell_km=5),
        "G": G,
        "sources": pd.DataFrame({"key": ["S1"], "reference": ["made up"]}),
    }


def test_round_trip(parts, tmp_path):
    s = parts["structure"]
    path = ls.to_geopackage(tmp_path / "v.gpkg", **parts)
    layers = set(gpd.list_layers(path)["name"])
    assert layers == {"units", "core", "poles", "axes", "points", "surface", "isochrones", "network_nodes",
                      "network_edges", "sources"}  # fmt: skip
    units = gpd.read_file(path, layer="units").set_index("code")
    np.testing.assert_allclose(units["composite_score"], parts["scores"]["composite_score"].reindex(units.index))
    assert units.crs.to_epsg() == 4326
    axes = gpd.read_file(path, layer="axes").set_index("id")
    assert axes.loc["north", "status"] == "reconstruction"
    assert axes.loc["north", "reason"] == "made up for the tests"
    assert axes.loc["east", "places"] == "centre;b;d"
    points = gpd.read_file(path, layer="points")
    assert set(points["status"]) == {"unstated"}
    assert len(gpd.read_file(path, layer="surface")) == len(parts["surface"])
    assert gpd.read_file(path, layer="isochrones")["cutoff_min"].tolist() == [15.0, 30.0]
    edges = gpd.read_file(path, layer="network_edges")
    assert len(edges) == parts["G"].number_of_edges()
    assert gpd.read_file(path, layer="sources")["reference"].tolist() == ["made up"]
    assert len(gpd.read_file(path, layer="core")) == len(s.core)


def test_never_clobbers(parts, tmp_path):
    path = tmp_path / "v.gpkg"
    path.write_text("someone's file", encoding="utf-8")
    with pytest.raises(ls.DataError, match="exists; pass overwrite=True"):
        ls.to_geopackage(path, parts["structure"])
    assert path.read_text(encoding="utf-8") == "someone's file"
    ls.to_geopackage(path, parts["structure"], overwrite=True)
    assert "axes" in set(gpd.list_layers(path)["name"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.gpkg"]  # no temporary file left
    with pytest.raises(ls.DataError, match=r"ends in \.gpkg"):
        ls.to_geopackage(tmp_path / "v.shp", parts["structure"])


def test_linyi_export(tmp_path):
    path = linyi.export_geopackage(tmp_path / "linyi.gpkg", cell_km=8)
    axes = gpd.read_file(path, layer="axes")
    assert len(axes) == 7
    assert (axes["status"] == "reconstruction").all()
    units = gpd.read_file(path, layer="units")
    assert len(units) == 12
    assert units["composite_score"].notna().all()
    sources = gpd.read_file(path, layer="sources")
    assert {"P3", "D1", "K1"} <= set(sources["key"])


def test_a_full_disk_is_a_named_error_and_the_old_file_stays(parts, tmp_path, monkeypatch):
    import pyogrio.errors

    path = tmp_path / "v.gpkg"
    ls.to_geopackage(path, parts["structure"])
    before = path.read_bytes()

    def disk_full(self, *args, **kwargs):
        raise pyogrio.errors.FeatureError("failed to write feature 3 to units: No space left on device")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", disk_full)
    with pytest.raises(ls.DataError, match=r"cannot write .*v\.gpkg: the disk is full; the old file is intact"):
        ls.to_geopackage(path, parts["structure"], overwrite=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.gpkg"]


def test_cgcs2000_integer_years_and_a_network_osmnx_reads_back(tmp_path):
    import osmnx as ox

    s, G = linyi.load_structure(axes="anchors"), linyi.load_network(2035)
    path = ls.to_geopackage(tmp_path / "cgcs.gpkg", s, G=G, crs="EPSG:4490")
    units = gpd.read_file(path, layer="units")
    assert units.crs.to_epsg() == 4490
    import pyogrio

    info = pyogrio.read_info(path, layer="network_edges")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["opened"] == "int64"  # a year field, not 2013.0
    edges = gpd.read_file(path, layer="network_edges")  # (read back as float where some are empty)
    assert edges.loc[edges["ref"] == "G25", "opened"].unique().tolist() == [2013]
    with pytest.raises(ls.DataError, match="EPSG:4490"):
        ls.to_geopackage(tmp_path / "x.gpkg", s, crs="EPSG:3857")
    # the network layers are OSMnx's: graph_from_gdfs rebuilds the same graph
    wgs = ls.to_geopackage(tmp_path / "wgs.gpkg", s, G=G)
    nodes = gpd.read_file(wgs, layer="network_nodes").set_index("osmid")
    links = gpd.read_file(wgs, layer="network_edges").set_index(["u", "v", "key"])
    back = ox.graph_from_gdfs(nodes, links)
    ours = ls.read_network_layers(wgs)
    for H in (back, ours):
        assert set(H.nodes) == set(G.nodes)
        assert H.number_of_edges() == G.number_of_edges()
        got = {(u, v, k): d["travel_time"] for u, v, k, d in H.edges(keys=True, data=True)}
        want = {(u, v, k): d["travel_time"] for u, v, k, d in G.edges(keys=True, data=True)}
        assert got.keys() == want.keys()
        np.testing.assert_allclose([got[e] for e in want], list(want.values()))
    assert ours.nodes["yishui"]["x"] == G.nodes["yishui"]["x"]


def test_score_tables_are_geodataframes_that_explore_and_write(tmp_path):
    import folium

    scores = linyi.county_accessibility(2020, cell_km=5.0)
    assert isinstance(scores, gpd.GeoDataFrame)
    assert scores.crs.to_epsg() == 4326
    counties = linyi.load_counties()
    assert scores.geometry.reindex(counties.index).geom_equals(counties.geometry).all()
    assert isinstance(scores.explore(tiles=None), folium.Map)
    scores.to_file(tmp_path / "x.gpkg")
    back = gpd.read_file(tmp_path / "x.gpkg").set_index("adcode")
    np.testing.assert_allclose(back["composite_score"], scores["composite_score"].reindex(back.index))
    # a second region, through the general function
    general = ls.unit_accessibility(made_up_network(2020), made_up_structure(), cell_km=5.0)
    assert isinstance(general, gpd.GeoDataFrame)
    assert len(general) == 5


def test_linyi_geopackage_carries_qgis_styles_with_the_map_classes(tmp_path):
    import sqlite3
    from xml.etree import ElementTree

    path = linyi.export_geopackage(tmp_path / "styled.gpkg", cell_km=8)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles").fetchall()
        geom = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
    styles = {name: (column, qml, default) for name, column, qml, default in rows}
    assert set(styles) == {"units", "surface"}
    for name, (column, qml, default) in styles.items():
        assert column == geom[name]
        assert default == 1
        assert "graduatedSymbol" in qml
        ElementTree.fromstring(qml.split("'SYSTEM'>", 1)[1])  # well-formed QML
    # the units' classes are the accessibility map's: its best class light (#fde725), five distinct colours
    units_qml = styles["units"][1]
    assert units_qml.count("<range ") == 5
    root = ElementTree.fromstring(units_qml.split("'SYSTEM'>", 1)[1])
    ranges = sorted(root.iter("range"), key=lambda r: float(r.get("upper")))
    fills = {s.get("name"): s.find(".//Option[@name='color']").get("value") for s in root.iter("symbol")}
    assert fills[ranges[-1].get("symbol")] == "253,231,37,255"  # the highest composite light: the better end
    assert fills[ranges[0].get("symbol")] == "68,1,84,255"  # the lowest dark, as on the HTML map
    assert len(set(fills.values())) == 5
    assert 'attr="composite_score"' in units_qml
    assert styles["surface"][1].count("<range ") == 7  # the six bands of 15–120 min and beyond
    with pytest.raises(ls.DataError, match="styles for layer"):
        ls.to_geopackage(tmp_path / "bad.gpkg", made_up_structure(), styles={"nowhere": "<qgis/>"})


@pytest.mark.parametrize(
    ("extra", "renamed"),
    [({"geom": 1}, {"geom": "geom_2"}), ({"fid": "x"}, {"fid": "fid_2"}), ({"Label": "y"}, {"Label": "Label_2"}),
     ({"GEOM": 2, "geom_2": 3}, {"GEOM": "GEOM_2", "geom_2": "geom_2_2"})],
)  # fmt: skip
def test_columns_a_geopackage_refuses_are_renamed_and_said_not_the_whole_file_lost(tmp_path, extra, renamed):
    """A units column ``geom`` or ``fid``, or one equal to another but for case, made the whole export fail."""
    import dataclasses

    import geopandas as gpd

    from linyi_spatial.testing import made_up_structure

    s = made_up_structure()
    s = dataclasses.replace(s, units=s.units.assign(**extra))
    with pytest.warns(UserWarning, match="column\\(s\\) renamed for the GeoPackage"):
        path = ls.to_geopackage(tmp_path / "v.gpkg", s)
    units = gpd.read_file(path, layer="units")
    for old, new in renamed.items():
        assert units[new].tolist() == [extra[old]] * len(units)
    assert len(units) == 5
