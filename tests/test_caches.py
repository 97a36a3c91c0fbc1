"""Indexes cached on a graph are rebuilt when the graph changes, and give the same answers as fresh ones."""

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest

from linyi_spatial.errors import NetworkError
from linyi_spatial.network import Access
from linyi_spatial.network.link import EdgeIndex, NodeIndex
from linyi_spatial.routing import clear_cache, routing_graph
from linyi_spatial.testing import grid_road_graph, made_up_network

EDGES = Access(link_to="edges")


def test_edge_index_is_reused_until_the_graph_changes():
    G = made_up_network(2020)
    first = EdgeIndex.from_graph(G, EDGES)
    assert EdgeIndex.from_graph(G, EDGES) is first  # cached
    u, v, k = next(iter(G.edges(keys=True)))
    G.edges[u, v, k]["travel_time"] *= 2  # re-weighted in place
    second = EdgeIndex.from_graph(G, EDGES)
    assert second is not first
    assert second.time_uv_s.max() >= first.time_uv_s.max()
    G.add_node("new", x=10.9, y=50.9, mode="road")
    G.add_edge("a", "new", travel_time=60.0, mode="road")  # an edge added
    third = EdgeIndex.from_graph(G, EDGES)
    assert third is not second
    assert "new" in set(third.u) | set(third.v)
    clear_cache(G)
    assert EdgeIndex.from_graph(G, EDGES) is not third


def test_node_index_is_rebuilt_when_a_node_moves():
    G = made_up_network(2020)
    pt = gpd.GeoSeries.from_xy([G.nodes["b"]["x"]], [G.nodes["b"]["y"]], crs=4326)
    first = NodeIndex.from_graph(G)
    assert NodeIndex.from_graph(G) is first
    assert first.query(pt)[0][0, 0] == "b"
    G.nodes["b"]["x"] += 0.5  # moved away in place
    moved = NodeIndex.from_graph(G)
    assert moved is not first
    assert moved.query(pt)[0][0, 0] != "b"


def test_cached_edge_index_equals_a_fresh_one():
    G = grid_road_graph(30, seed=3)
    cached = EdgeIndex.from_graph(G, EDGES)
    fresh, _ = EdgeIndex._build(G, EDGES, G.graph["crs"])
    assert list(cached.u) == list(fresh.u)
    np.testing.assert_array_equal(cached.time_vu_s, fresh.time_vu_s)


def test_vectorized_rows_match_the_dict_and_name_unknown_ids():
    G = nx.DiGraph(crs="EPSG:4326")
    ids = [(i, "x") for i in range(1500)] + [f"s{i}" for i in range(500)] + list(range(500))
    for a, b in itertools.pairwise(ids):
        G.add_edge(a, b, travel_time=1.0)
    rg = routing_graph(G)
    many = np.empty(len(ids), dtype=object)
    many[:] = ids
    rows = rg.rows(many)
    assert rows.tolist() == [rg.index[i] for i in ids]
    many[7] = ("nowhere", "x")
    with pytest.raises(NetworkError, match="nowhere"):
        rg.rows(many)


def test_moved_nodes_and_geometries_give_the_surface_of_a_fresh_graph():
    """Moving nodes and their edges' geometries in place must not leave a cached index behind (was off by 35 min)."""
    from shapely.geometry import LineString

    from linyi_spatial.accessibility import travel_time_surface
    from linyi_spatial.testing import made_up_structure

    s = made_up_structure()
    G = made_up_network(2020)
    before = travel_time_surface(G, s, cell_km=4)
    for n in ("b", "b_x"):  # Brookby and its junction move 6 km east, with every edge geometry touching them
        G.nodes[n]["x"] += 0.08
    for a, b, d in G.edges(data=True):
        if "geometry" in d and {a, b} & {"b", "b_x"}:
            d["geometry"] = LineString([(G.nodes[a]["x"], G.nodes[a]["y"]), (G.nodes[b]["x"], G.nodes[b]["y"])])
    moved = travel_time_surface(G, s, cell_km=4)
    fresh = travel_time_surface(nx.MultiDiGraph(G), s, cell_km=4)
    assert not np.allclose(before["cell_time_to_core_min"], fresh["cell_time_to_core_min"])  # the move matters
    np.testing.assert_allclose(moved["cell_time_to_core_min"], fresh["cell_time_to_core_min"])
    np.testing.assert_allclose(moved["cell_time_to_nearest_pole_min"], fresh["cell_time_to_nearest_pole_min"])


def test_a_replaced_geometry_alone_rebuilds_the_edge_index():
    from shapely.geometry import LineString

    G = made_up_network(2020)
    first = EdgeIndex.from_graph(G, EDGES)
    u, v, k = next((a, b, key) for a, b, key, d in G.edges(keys=True, data=True) if d.get("mode") == "road")
    d = G.edges[u, v, k]
    (x0, y0), (x1, y1) = d["geometry"].coords[0], d["geometry"].coords[-1]
    d["geometry"] = LineString([(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2 + 0.05), (x1, y1)])  # a bend drawn in
    second = EdgeIndex.from_graph(G, EDGES)
    assert second is not first
    assert EdgeIndex.from_graph(G, EDGES) is second  # nothing changed since
