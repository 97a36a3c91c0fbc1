"""The embedded Linyi network: connectivity, plausible times, scenario years, OSMnx compatibility, checks."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from linyi_spatial import linyi
from linyi_spatial.errors import NetworkError
from linyi_spatial.linyi import load_network, network_tables
from linyi_spatial.network import build_network, road_subgraph, validate_network

SEATS = ["lanshan", "luozhuang", "hedong", "yinan", "tancheng", "yishui", "lanling", "feixian", "pingyi", "junan",
         "mengyin", "linshu"]  # fmt: skip
POLES = ["yishui", "pingyi", "lingang"]


def haversine_m(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def g2020():
    return load_network(2020)


@pytest.fixture(scope="module")
def g2035():
    return load_network(2035)


def minutes_from(G, source):
    return {n: t / 60 for n, t in nx.single_source_dijkstra_path_length(G, source, weight="travel_time").items()}


def test_road_graph_strongly_connected_and_seats_reach_each_other(g2020):
    R = road_subgraph(g2020)
    assert nx.is_strongly_connected(R)
    for a in [*SEATS, *POLES, "city_hall"]:
        reach = nx.descendants(R, a)
        assert set(SEATS + POLES + ["city_hall"]) - {a} <= reach, a


def test_core_to_seat_times_are_plausible(g2020):
    t = minutes_from(road_subgraph(g2020), "city_hall")  # by road
    assert t["luozhuang"] < 30
    assert t["lanshan"] < 15
    assert t["hedong"] < 15
    assert 45 <= t["yishui"] <= 90  # ≈80 km by road: roughly an hour
    for seat in SEATS + POLES:
        node = g2020.nodes[seat]
        straight_km = haversine_m(118.36, 35.10, node["x"], node["y"]) / 1000
        # no faster than 110 km/h as the crow flies, no slower than 25 km/h
        assert straight_km / 110 * 60 <= t[seat] <= straight_km / 25 * 60 + 10, (seat, t[seat], straight_km)
    assert max(t[s] for s in SEATS) < 100


def test_lengths_are_geodesic_metres_from_geometry(g2020):
    from linyi_spatial.linyi.defaults import ROAD_CIRCUITY

    bases = set()
    for _, _, d in g2020.edges(data=True):
        xy = np.asarray(d["geometry"].coords)
        drawn = sum(haversine_m(*xy[i], *xy[i + 1]) for i in range(len(xy) - 1))
        assert d["drawn_length_m"] == pytest.approx(drawn, rel=5e-3)
        # a road is at least its class's circuity times the chord between its end nodes (2020 has no stated route)
        floor = ROAD_CIRCUITY.get(d["class"], 1.0) * haversine_m(*xy[0], *xy[-1])
        assert d["length"] == pytest.approx(max(drawn, floor), rel=5e-3)
        assert d["length_basis"] == ("circuity" if d["length"] > d["drawn_length_m"] else "drawn")
        bases.add(d["length_basis"])
        assert d["travel_time"] > 0
    assert bases == {"circuity", "drawn"}
    # G2 inside the city boundary against the published 169.3 km (T1): schematic, so within 12 %
    import geopandas as gpd
    import shapely

    region = shapely.union_all(linyi.load_counties().geometry.to_numpy())
    g2 = [d["geometry"] for u, v, d in g2020.edges(data=True) if d["route"] == "G2" and str(u) < str(v)]
    inside = gpd.GeoSeries([shapely.intersection(g, region) for g in g2], crs=4326).to_crs(32650).length.sum()
    assert inside / 1000 == pytest.approx(169.3, rel=0.12)
    # and data/SOURCES.md says what is computed: the length and whether it is longer or shorter
    import re

    text = " ".join((linyi.data_path("SOURCES.md")).read_text(encoding="utf-8").split())
    km, pct, direction = re.search(
        r"G2 inside the city boundary measures ([\d.]+) km, (\d+) % (longer|shorter)", text
    ).groups()
    assert float(km) == pytest.approx(inside / 1000, abs=0.05)
    assert direction == ("longer" if inside / 1000 > 169.3 else "shorter")
    assert int(pct) == round(abs(inside / 1000 / 169.3 - 1) * 100)


def test_edge_attributes_follow_osmnx_conventions(g2020):
    assert g2020.graph["crs"] == "EPSG:4326"
    assert isinstance(g2020, nx.MultiDiGraph)
    for _, d in g2020.nodes(data=True):
        assert {"x", "y", "kind", "mode"} <= set(d)
    for u, _, d in g2020.edges(data=True):
        assert {"length", "travel_time", "geometry", "mode", "class", "ref"} <= set(d)
        assert d["geometry"].coords[0] == pytest.approx((g2020.nodes[u]["x"], g2020.nodes[u]["y"]))
        if d["mode"] != "access":
            assert d["travel_time"] == pytest.approx(d["length"] / (d["speed_kph"] / 3.6))


def test_osmnx_functions_run_on_the_graph(g2020):
    ox = pytest.importorskip("osmnx")
    expected = nx.shortest_path(g2020, "city_hall", "yishui", weight="travel_time")
    # OSMnx treats a str as an iterable of origins, so named nodes go in lists ...
    assert ox.routing.shortest_path(g2020, ["city_hall"], ["yishui"], weight="travel_time") == [expected]
    # ... or the graph gets OSM-style integer ids, keeping the names in "key"
    Gi = nx.convert_node_labels_to_integers(g2020, label_attribute="key")
    ids = {d["key"]: n for n, d in Gi.nodes(data=True)}
    route = ox.routing.shortest_path(Gi, ids["city_hall"], ids["yishui"], weight="travel_time")
    assert [Gi.nodes[n]["key"] for n in route] == expected
    nodes, edges = ox.convert.graph_to_gdfs(g2020)
    assert len(nodes) == g2020.number_of_nodes()
    assert len(edges) == g2020.number_of_edges()
    assert nodes.crs.to_epsg() == 4326
    projected = ox.projection.project_graph(g2020, to_crs="EPSG:32650")
    # 1.36° east of UTM 50N's central meridian (117° E) at 35.1° N: ≈ 500 km + 1.36 * 111.3 km * cos(35.1°)
    assert projected.nodes["city_hall"]["x"] == pytest.approx(
        500_000 + 1.36 * 111_320 * math.cos(math.radians(35.1)), rel=1e-3
    )


def test_line_opened_after_2020_changes_the_network(g2020, g2035):
    routes_2020 = {d["route"] for _, _, d in g2020.edges(data=True)}
    routes_2035 = {d["route"] for _, _, d in g2035.edges(data=True)}
    assert "dongliang" not in routes_2020
    assert "dongliang" in routes_2035
    assert "weisu-hsr" not in routes_2020
    assert "weisu-hsr" in routes_2035
    assert "linlin" not in routes_2020  # 临临, opened 2024
    assert "linlin" in {d["route"] for _, _, d in load_network(2025).edges(data=True)}
    before = minutes_from(g2020, "yishui")["mengyin"]
    after = minutes_from(g2035, "yishui")["mengyin"]
    assert after < before - 4  # 董梁 (stated 94.3 km) ties 沂水 to 蒙阴 directly: 74.6 → 69.7 min
    # adding links never makes a trip slower
    t20, t35 = minutes_from(g2020, "city_hall"), minutes_from(g2035, "city_hall")
    assert all(t35[s] <= t20[s] + 1e-9 for s in SEATS)


def test_g22_is_in_every_year_and_the_planned_lines_in_2035_with_sources():
    from linyi_spatial.linyi import network_tables

    _, routes = network_tables()
    r = routes.set_index("route_id")
    assert r.loc["G22", ["status", "opened", "source"]].tolist() == ["open", 2007, "T21"]
    assert r.loc["G25", "opened"] == 2013
    for rid, source in (("lailin-hsr", "T22"), ("linlian-hsr", "T23")):
        assert r.loc[rid, ["status", "opened", "source"]].tolist() == ["planned", 2035, source]
    listed = set(linyi.sources()["key"])
    assert {"T21", "T22", "T23", "T24"} <= listed
    for year in (2010, 2020, 2025, 2035):
        refs = {d.get("ref") for _, _, d in load_network(year).edges(data=True)}
        assert "G22" in refs, year
    routes_2035 = {d["route"] for _, _, d in load_network(2035).edges(data=True)}
    routes_2025 = {d["route"] for _, _, d in load_network(2025).edges(data=True)}
    assert {"lailin-hsr", "linlian-hsr"} <= routes_2035
    assert not {"lailin-hsr", "linlian-hsr"} & routes_2025
    # 蒙阴 has its first station (莱临, planned): only 蒙阴 had no railway (facts, T14)
    g = load_network(2035)
    assert "st_mengyin_hsr" in g
    assert "st_mengyin_hsr" not in load_network(2025)
    assert any(v == "mengyin" for _, v, d in g.out_edges("st_mengyin_hsr", data=True) if d["mode"] == "access")


def test_rail_only_through_stations_with_penalty(g2020):
    for u, v, d in g2020.edges(data=True):
        mu, mv = g2020.nodes[u]["mode"], g2020.nodes[v]["mode"]
        if mu != mv:
            assert d["mode"] == "access"
            assert "station" in (g2020.nodes[u]["kind"], g2020.nodes[v]["kind"])
            assert d["travel_time"] >= 10 * 60
    # a larger penalty can only slow trips; rail-only trips slow by exactly twice the change
    slow = load_network(2020, station_penalty_min=30)
    t_fast = nx.shortest_path_length(g2020, "st_linyi_n", "st_feixian_n", weight="travel_time")
    t_slow = nx.shortest_path_length(slow, "st_linyi_n", "st_feixian_n", weight="travel_time")
    assert t_slow == pytest.approx(t_fast)
    a = nx.shortest_path_length(g2020, "bancheng", "feixian", weight="travel_time")
    b = nx.shortest_path_length(slow, "bancheng", "feixian", weight="travel_time")
    assert b >= a
    road_only = load_network(2020, modes=("road",))
    assert {d["mode"] for _, _, d in road_only.edges(data=True)} == {"road"}


def test_validate_network_passes_embedded_years():
    for year in (2020, 2025, 2030, 2035):
        assert validate_network(load_network(year)) == []


# ------------------------------------------------------------------ bad input


def tiny_tables():
    nodes = pd.DataFrame(
        [
            ("a", "甲", "A", "seat", "road", 118.0, 35.0, None),
            ("b", "乙", "B", "seat", "road", 118.1, 35.0, None),
            ("c", "丙", "C", "seat", "road", 118.1, 35.1, None),
        ],
        columns=["id", "name_zh", "name", "kind", "mode", "lon", "lat", "road_node"],
    )
    routes = pd.DataFrame(
        [("r1", "一号路", "X1", "road", "trunk", "open", None, 80, "a;b;c")],
        columns=["route_id", "name_zh", "ref", "mode", "class", "status", "opened", "design_speed_kph", "sequence"],
    )
    return nodes, routes


def test_tiny_network_hand_worked_times():
    nodes, routes = tiny_tables()
    G = build_network(nodes, routes, speeds_kph={"trunk": 36.0})  # 10 m/s
    ab = haversine_m(118.0, 35.0, 118.1, 35.0)
    assert G["a"]["b"][0]["length"] == pytest.approx(ab, rel=3e-3)
    assert G["a"]["b"][0]["travel_time"] == pytest.approx(G["a"]["b"][0]["length"] / 10.0)
    assert nx.shortest_path_length(G, "a", "c", weight="length") == pytest.approx(
        ab + haversine_m(118.1, 35.0, 118.1, 35.1), rel=3e-3
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda _n, r: r.assign(sequence="a;zz;c"), "route 'r1': unknown node 'zz'"),
        (lambda _n, r: r.assign(**{"class": "footpath"}), "route 'r1': unknown class 'footpath'"),
        (lambda _n, r: r.assign(sequence="a;@118.05"), r"route 'r1': bad waypoint '@118.05'"),
        (lambda _n, r: r.assign(sequence="a"), "route 'r1': needs at least two nodes"),
        (lambda _n, r: r.assign(status="dreamt"), "route 'r1': unknown status 'dreamt'"),
        (lambda _n, r: pd.concat([r, r]), "duplicate route id 'r1'"),
        (lambda _n, r: r.drop(columns="sequence"), r"routes table lacks column\(s\) \['sequence'\]"),
    ],
)
def test_bad_tables_raise_named_errors(change, message):
    nodes, routes = tiny_tables()
    with pytest.raises(NetworkError, match=message):
        build_network(nodes, change(nodes, routes))


def test_bad_speed_and_year():
    nodes, routes = tiny_tables()
    with pytest.raises(NetworkError, match="speed for class 'trunk' must be a positive number, got 0"):
        build_network(nodes, routes, speeds_kph={"trunk": 0})
    with pytest.raises(NetworkError, match="year must be an integer or None, got '2020'"):
        load_network("2020")


def test_disconnected_network_names_the_cut_off_places():
    nodes, routes = tiny_tables()
    nodes.loc[len(nodes)] = ("d", "丁", "D", "seat", "road", 118.3, 35.3, None)
    nodes.loc[len(nodes)] = ("e", "戊", "E", "seat", "road", 118.31, 35.3, None)
    routes.loc[len(routes)] = ("r2", "二号路", "", "road", "trunk", "open", None, 80, "d;e")
    with pytest.raises(NetworkError, match=r"not strongly connected.*\['d \(丁\)', 'e \(戊\)'\]"):
        build_network(nodes, routes)
    G = build_network(nodes, routes, validate=False)
    assert nx.number_strongly_connected_components(G) == 2


def test_validate_network_finds_planted_problems():
    nodes, routes = tiny_tables()
    G = build_network(nodes, routes)
    G.add_edge("a", "ghost", link="bad-link", length=10.0, travel_time=1.0)
    G.add_edge("ghost", "a", link="bad-link", length=10.0, travel_time=1.0)
    G["a"]["b"][0]["speed_kph"] = 0
    G["b"]["c"][0]["length"] = 50 * G["b"]["c"][0]["length"]
    found = "\n".join(validate_network(G))
    assert "node 'ghost' has no coordinates (referenced by link(s) ['bad-link'])" in found
    assert "link 'r1:0' (a->b): speed_kph must be > 0, got 0" in found
    assert "link 'r1:1' (b->c) is 50.0 times longer than the straight line" in found
    G.graph.pop("crs")
    assert "graph has no CRS" in "\n".join(validate_network(G))


def test_network_tables_are_consistent():
    nodes, routes = network_tables()
    assert nodes["id"].is_unique
    assert routes["route_id"].is_unique
    # every place of the structure is a node of the network, so axes and accessibility can use it
    s = linyi.load_structure(axes="anchors")
    assert set(s.places.index) <= set(nodes["id"])
    # station access links attach to road nodes
    stations = nodes[nodes["kind"] == "station"]
    assert set(stations["road_node"]) <= set(nodes.loc[nodes["mode"] == "road", "id"])


def test_network_nodes_inside_linyi_except_external():
    import geopandas as gpd
    import shapely

    nodes, _ = network_tables()
    region = shapely.union_all(linyi.load_counties().geometry.to_numpy())
    inside = shapely.contains(region, gpd.points_from_xy(nodes["lon"], nodes["lat"]))
    external = nodes["kind"].eq("external").to_numpy()
    assert not inside[external].any()
    outside_internal = set(nodes.loc[~inside & ~external, "id"])
    assert outside_internal == {"st_juxian_yishui"}  # 莒县沂水站 serves 沂水 but lies in 莒县


def test_axes_follow_the_network():
    s = linyi.load_structure()
    G = load_network(2035)
    anchors = linyi.load_structure(axes="anchors")
    for aid, axis in s.axes.iterrows():
        assert axis["geometry_source"] == "network"
        line: LineString = axis.geometry
        for place in axis["places"]:
            node = s.core["anchor"].iloc[0] if place == s.core.index[0] else place
            assert line.distance(shapely_point(G, node)) < 1e-9, (aid, place)
        assert axis["length_km"] >= anchors.axes.loc[aid, "length_km"] - 1e-6
        assert axis["length_km"] < 2.5 * anchors.axes.loc[aid, "length_km"]


def shapely_point(G, node):
    from shapely.geometry import Point

    return Point(G.nodes[node]["x"], G.nodes[node]["y"])


def test_osm_tags_let_osmnx_read_the_embedded_graph(g2020):
    ox = pytest.importorskip("osmnx")
    roads = road_subgraph(g2020)
    assert {d["highway"] for _, _, d in roads.edges(data=True)} <= {"motorway", "trunk", "primary", "secondary"}
    g2 = next(d for _, _, d in roads.edges(data=True) if d.get("ref") == "G2")
    assert (g2["highway"], g2["maxspeed"]) == ("motorway", "120")
    # OSMnx reads maxspeed (the legal limit) where our speed_kph is the operating speed
    imputed = ox.routing.add_edge_speeds(roads.copy())
    assert next(d for _, _, d in imputed.edges(data=True) if d.get("ref") == "G2")["speed_kph"] == 120.0
    hsr = [d for _, _, d in g2020.edges(data=True) if d.get("class") == "hsr"]
    assert hsr
    assert all(d["railway"] == "rail" and d["highspeed"] == "yes" for d in hsr)


def test_a_link_between_two_nodes_at_one_point_is_named():
    """Fuzz: two seats given the same coordinates made a 0 m, 0 s road between them."""
    from linyi_spatial.network import build_network
    from linyi_spatial.testing import made_up_tables

    nodes, routes = made_up_tables()
    nodes.loc[nodes["id"] == "d", ["lon", "lat"]] = nodes.loc[nodes["id"] == "b", ["lon", "lat"]].to_numpy()
    with pytest.raises(NetworkError, match=r"link b-d \(route t5\) has length 0: nodes 'b' and 'd' lie at the same"):
        build_network(nodes, routes, year=2035)
