"""交通优势度: a hand-worked two-unit example, the facility rules, bad input, Linyi's pinned table and its exports."""

import json

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from linyi_spatial import SpatialStructure
from linyi_spatial.accessibility import transport_superiority, trunk_facilities
from linyi_spatial.errors import DataError
from linyi_spatial.testing import made_up_network, made_up_structure

_TO_LL = Transformer.from_crs("EPSG:32632", "EPSG:4326", always_xy=True)
Y = 5_545_000.0


def _ll(x, y):
    return _TO_LL.transform(x, y)


def _square(x0):
    ring = [_ll(x, y) for x, y in ((x0, 5_540_000), (x0 + 10_000, 5_540_000), (x0 + 10_000, 5_550_000),
                                   (x0, 5_550_000), (x0, 5_540_000))]  # fmt: skip
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def _hand_region(tmp_path):
    """Two 10 km × 10 km units in UTM 32N: A (x 500–510 km, the core) and B (x 510–520 km)."""
    feats = [
        {"type": "Feature", "properties": {"code": c, "name": c}, "geometry": _square(x0)}
        for c, x0 in (("A", 500_000), ("B", 510_000))
    ]
    (tmp_path / "units.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    (ax, ay), (bx, by) = _ll(505_000, Y), _ll(515_000, Y)
    (tmp_path / "spec.toml").write_text(
        f"""
[region]
name = "Hand"
crs = "EPSG:4326"
units = "units.geojson"
unit_id = "code"

[[places]]
id = "a_seat"
seat_of = "A"
lon = {ax!r}
lat = {ay!r}
[[places]]
id = "b_seat"
seat_of = "B"
lon = {bx!r}
lat = {by!r}

[core]
id = "core"
name = "Core"
units = ["A"]
anchor = "a_seat"
"""
    )
    s = SpatialStructure.from_file(tmp_path / "spec.toml")
    G = nx.MultiDiGraph()

    def node(n, x, y, kind, mode="road"):
        lon, lat = _ll(x, y)
        G.add_node(n, x=lon, y=lat, kind=kind, mode=mode, name=n, name_zh="")

    def edge(u, v, cls, seconds, mode="road"):
        line = shapely.LineString([(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])])
        for a, b, geom in ((u, v, line), (v, u, line.reverse())):
            G.add_edge(a, b, geometry=geom, mode=mode, **{"class": cls}, travel_time=seconds, length=1.0,
                       link=f"{u}-{v}")  # fmt: skip

    node("w", 500_000, Y, "town")
    node("a_seat", 505_000, Y, "seat")
    node("ic", 508_000, Y, "interchange")
    node("x", 508_000, Y + 4_000, "town")
    node("b_seat", 515_000, Y, "seat")
    node("e", 520_000, Y, "town")
    node("jct", 506_000, Y + 4_000, "interchange")  # expressway-only junction (枢纽): no exit, not scored
    node("st", 540_000, Y, "station", "rail")  # 35 km from A's seat, 25 km from B's
    node("st2", 545_000, Y, "station", "rail")
    node("apt", 518_000, Y + 3_000, "airport")  # inside B; 13.34 km from A's seat
    edge("w", "a_seat", "trunk", 300)
    edge("a_seat", "ic", "trunk", 180)
    edge("ic", "x", "expressway", 120)
    edge("x", "jct", "expressway", 60)
    edge("ic", "b_seat", "trunk", 2220)  # 3 + 37 = 40 min from A's seat to B's
    edge("b_seat", "e", "trunk", 300)
    edge("st", "st2", "rail", 200, mode="rail")
    return G, s


def test_a_hand_worked_two_unit_region_gives_the_worked_components_and_index(tmp_path):
    G, s = _hand_region(tmp_path)
    r = transport_superiority(G, s)
    u = r.units
    # density: A holds w–seat 5 km, seat–ic 3 km, ic–x 4 km, x–jct 2 km and 2 km of ic–seatB = 16 km per 100 km²;
    # B holds 5 km of ic–seatB and 5 km seatB–e = 10 km (each two-way road counted once; rail lies outside)
    assert u.loc["A", "area_km2"] == pytest.approx(100.0, rel=1e-6)
    assert u.loc["A", "network_km"] == pytest.approx(16.0, rel=1e-6)
    assert u.loc["B", "network_km"] == pytest.approx(10.0, rel=1e-6)
    assert u.loc["A", "density_km_per_km2"] == pytest.approx(0.16, rel=1e-6)
    # trunk lines: A owns the interchange (1.5), station 35 km (0.5), airport 13.34 km (1.0) = 3.0;
    # B: interchange 7 km (1.0), station 25 km (1.0), owns the airport (1.5) = 3.5
    assert u.loc["A", "nearest_rail_station_km"] == pytest.approx(35.0, rel=1e-6)
    assert u.loc["A", "nearest_airport_km"] == pytest.approx(np.hypot(13.0, 3.0), rel=1e-6)
    assert u.loc["B", "nearest_expressway_interchange_km"] == pytest.approx(7.0, rel=1e-6)
    assert u["trunk_score"].to_dict() == {"A": 3.0, "B": 3.5}
    # location: A is the core (0 min, 2.0); B 40 min (1.5)
    assert u.loc["B", "time_to_core_min"] == pytest.approx(40.0)
    assert u["location_score"].to_dict() == {"A": 2.0, "B": 1.5}
    # min-max: A = (1 + 0 + 1) / 3, B = (0 + 1 + 0) / 3
    assert u["superiority"].to_dict() == pytest.approx({"A": 2 / 3, "B": 1 / 3})
    assert u["rank"].to_dict() == {"A": 1, "B": 2}
    w = transport_superiority(G, s, weights={"density": 2, "trunk": 1, "location": 1}).units
    assert w["superiority"].to_dict() == pytest.approx({"A": 0.75, "B": 0.25})
    m = transport_superiority(G, s, normalise="max").units
    assert m["superiority"].to_dict() == pytest.approx({"A": (1 + 3 / 3.5 + 1) / 3, "B": (10 / 16 + 1 + 1.5 / 2) / 3})


def test_the_facilities_are_exits_open_stations_and_airports_not_junctions(tmp_path):
    G, _ = _hand_region(tmp_path)
    f = trunk_facilities(G)
    assert f["facility"].to_dict() == {
        "ic": "expressway_interchange",
        "st": "rail_station",
        "st2": "rail_station",
        "apt": "airport",
    }
    G.remove_edge("st", "st2")
    G.remove_edge("st2", "st")
    assert "st" not in trunk_facilities(G).index  # a station without an open line is not a facility


def test_a_study_s_own_table_bands_and_extra_facilities_are_used(tmp_path):
    G, s = _hand_region(tmp_path)
    lon, lat = _ll(505_000, Y + 50_000)
    port = pd.DataFrame({"facility": ["port"], "lon": [lon], "lat": [lat]}, index=["harbour"])
    r = transport_superiority(G, s, facilities=port, scores={"port": (3.0, 2.0)}, bands_km=(52.0,))
    # only the port is scored: 50 km from A's seat (2.0), 51.0 km from B's (2.0); other kinds left out
    assert r.units["trunk_score"].to_dict() == {"A": 2.0, "B": 2.0}
    assert r.units.loc["B", "nearest_port_km"] == pytest.approx(np.hypot(10.0, 50.0), rel=1e-6)
    assert "trunk_airport" not in r.units.columns


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"scores": {"ferry": (1.0, 0.5, 0.0)}}, "ferry"),
        ({"scores": {"port": (1.0, 0.5)}}, "expected 3"),
        ({"bands_km": (60.0, 30.0)}, "increasing"),
        ({"weights": {"speed": 1.0}}, "speed"),
        ({"normalise": "zscore"}, "zscore"),
        ({"facilities": pd.DataFrame({"facility": ["dock"], "lon": [10.0], "lat": [50.0]}, index=["d1"])}, "d1"),
    ],
)
def test_bad_tables_name_what_is_wrong(kwargs, words):
    with pytest.raises(DataError, match=words):
        transport_superiority(made_up_network(2020), made_up_structure(), **kwargs)


def test_the_made_up_region_scores_units_and_cells():
    from linyi_spatial.accessibility import travel_time_surface

    G, s = made_up_network(2035), made_up_structure()
    surface = travel_time_surface(G, s, cell_km=5)
    r = transport_superiority(G, s, surface=surface)
    assert r.units["superiority"].between(0, 1).all()
    assert r.cells is not None
    assert len(r.cells) == len(surface)
    assert r.cells["superiority"].between(0, 1).all()
    # a cell's location score follows its own time to the core
    t = r.cells["cell_time_to_core_min"]
    assert (r.cells.loc[t <= 30, "location_score"] == 2.0).all()
    assert (r.cells.loc[t > 120, "location_score"] == 0.0).all()


def test_linyi_table_pinned_2020_and_2035_on_the_base_scale():
    from linyi_spatial import linyi

    r = linyi.transport_superiority(2020)
    u = r.units
    assert len(u) == 12
    assert u["rank"].to_dict() == {
        "371302": 1, "371312": 2, "371311": 3, "371327": 4, "371325": 5, "371321": 6,
        "371329": 7, "371322": 8, "371326": 9, "371324": 10, "371328": 11, "371323": 12,
    }  # fmt: skip
    assert u.loc["371302", "density_km_per_km2"] == pytest.approx(0.2284, abs=5e-4)
    assert u.loc["371327", "trunk_port"] == 0.5  # 莒南 is 45.5 km from 岚山港: the only county within 60 km
    assert (u["trunk_expressway_interchange"] == 1.5).all()  # every unit has an expressway exit
    # the location component's time is the county table's car time to the core
    c = linyi.county_accessibility(2020, cell_km=5)
    assert np.allclose(u["time_to_core_min"], c["time_to_core_min"].reindex(u.index))
    r35 = linyi.transport_superiority(2035)
    assert r35.units.loc["371302", "superiority"] > 1.0  # on 2020's scale, 兰山 passes 2020's best
    assert (r35.units["trunk_score"] >= u["trunk_score"]).all()  # the plan adds trunk facilities, removes none


def test_linyi_display_map_and_geopackage_carry_it(tmp_path):
    from linyi_spatial import linyi
    from linyi_spatial.viz import superiority_chart, superiority_map

    r = linyi.transport_superiority(2020)
    html = r.to_html(lang="zh")
    assert "兰山区" in html
    assert "交通优势度" in html
    assert "高铁站" in html
    assert superiority_map(r, tiles=None, lang="en") is not None
    fig = superiority_chart(r, lang="en")
    assert len(fig.axes[0].patches) == 36
    p = linyi.export_geopackage(tmp_path / "l.gpkg", cell_km=5)
    units = gpd.read_file(p, layer="units").set_index("adcode")
    assert units["superiority_rank"].astype(int).to_dict() == r.units["rank"].to_dict()
    assert np.allclose(units["superiority"].to_numpy(), r.units["superiority"].reindex(units.index).to_numpy())
    # the same units carry each county's residents' equity of time to the core, as access_equity gives it
    fair = linyi.access_equity((2020,), cell_km=5).loc[2020]
    for col, name in {"gini": "gini_time_to_core", "theil": "theil_time_to_core"}.items():
        assert np.allclose(units[name].to_numpy(), fair[col].reindex(units.index).to_numpy(), rtol=1e-12), name
    assert units["mean_time_to_core_residents_min"].between(0, 180).all()
