"""The CSR routing engine against networkx on random graphs (hypothesis) and on the Linyi network."""

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linyi_spatial.errors import NetworkError
from linyi_spatial.linyi import load_network
from linyi_spatial.network import Access
from linyi_spatial.routing import (
    clear_cache,
    nearest_times,
    routing_graph,
    shortest_times,
    travel_time_matrix,
)


@st.composite
def random_graphs(draw):
    """Directed/undirected, multi or simple, possibly disconnected, with zero and parallel edges."""
    n = draw(st.integers(1, 12))
    directed = draw(st.booleans())
    multi = draw(st.booleans())
    cls = {(True, True): nx.MultiDiGraph, (True, False): nx.DiGraph, (False, True): nx.MultiGraph,
           (False, False): nx.Graph}[(directed, multi)]  # fmt: skip
    G = cls()
    G.add_nodes_from(range(n))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([0.0, 0.5, 1.0, 2.5, 7.0, 30.0])),
            max_size=3 * n,
        )
    )
    for u, v, w in edges:
        G.add_edge(u, v, travel_time=w)
    return G


def networkx_matrix(G, origins, destinations):
    out = np.full((len(origins), len(destinations)), np.inf)
    for i, o in enumerate(origins):
        dist = nx.single_source_dijkstra_path_length(G, o, weight="travel_time")
        for j, d in enumerate(destinations):
            if d in dist:
                out[i, j] = dist[d]
    return out


@settings(max_examples=150, deadline=None)
@given(G=random_graphs(), data=st.data())
def test_matrix_equals_networkx(G, data):
    nodes = list(G.nodes)
    origins = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=6))
    destinations = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=6))
    got = travel_time_matrix(G, origins, destinations).to_numpy() * 60.0
    expected = networkx_matrix(G, origins, destinations)
    assert np.array_equal(np.isinf(got), np.isinf(expected))
    np.testing.assert_allclose(got[np.isfinite(got)], expected[np.isfinite(expected)], rtol=1e-12, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(G=random_graphs(), data=st.data())
def test_nearest_and_cutoff_equal_networkx(G, data):
    nodes = list(G.nodes)
    targets = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=4, unique=True))
    cost, nearest = nearest_times(G, targets)
    rev = G.reverse(copy=True) if G.is_directed() else G
    ref = nx.multi_source_dijkstra_path_length(rev, set(targets), weight="travel_time")
    order = list(routing_graph(G).nodes)
    for k, n in enumerate(order):
        if n in ref:
            assert cost[k] == pytest.approx(ref[n])
            # the reported target really is at that cost
            to_t = nx.shortest_path_length(G, n, targets[nearest[k]], weight="travel_time")
            assert to_t == pytest.approx(ref[n])
        else:
            assert math.isinf(cost[k])
            assert nearest[k] == -1
    cutoff = data.draw(st.sampled_from([0.0, 1.0, 3.0]))
    capped = shortest_times(G, targets[:1], max_cost=cutoff)[0]
    full = shortest_times(G, targets[:1])[0]
    assert np.array_equal(capped[full <= cutoff], full[full <= cutoff])
    assert np.isinf(capped[full > cutoff]).all()


def test_linyi_matrix_equals_networkx():
    G = load_network(2035)
    nodes = sorted(n for n in G.nodes if G.nodes[n]["kind"] in ("seat", "zone", "core"))
    got = travel_time_matrix(G, nodes, nodes).to_numpy() * 60.0
    np.testing.assert_allclose(got, networkx_matrix(G, nodes, nodes), rtol=1e-12)


def test_points_are_snapped_and_charged():
    G = load_network(2020)
    pts = gpd.GeoSeries.from_xy([118.36, 118.40], [35.11, 35.09], crs=4326, index=["p", "q"])
    T, snap, _ = travel_time_matrix(G, pts, ["yishui"], access=Access(speed_kph=20.0), return_snaps=True)
    assert snap.loc["p", "node"] == "city_hall"
    assert snap.loc["q", "node"] == "hedong"
    base = nx.shortest_path_length(G, "city_hall", "yishui", weight="travel_time")
    assert T.loc["p", "yishui"] * 60 == pytest.approx(base + snap.loc["p", "snap_distance_m"] / (20 / 3.6))


def test_cache_reused_and_invalidated():
    G = nx.DiGraph([(0, 1, {"travel_time": 1.0})])
    a = routing_graph(G)
    assert routing_graph(G) is a
    G.add_edge(1, 2, travel_time=1.0)  # a new node
    b = routing_graph(G)
    assert b is not a
    assert b.forward.shape == (3, 3)
    G[0][1]["travel_time"] = 5.0  # in-place edit of a weight
    assert shortest_times(G, [0])[0, 1] == 5.0
    clear_cache(G)  # only frees memory
    assert shortest_times(G, [0])[0, 1] == 5.0


def test_stale_cache_cases_from_the_field():
    """Each change answered from an old CSR before: same node count, a shortcut, a NaN weight."""
    G = nx.MultiDiGraph()
    nx.add_path(G, ["a", "b", "c", "d"], travel_time=60.0)
    assert travel_time_matrix(G, ["a"], ["d"]).iloc[0, 0] == 3.0
    G.remove_node("d")  # remove a node and add another: the count stays 4
    G.add_edge("c", "e", travel_time=60.0)
    with pytest.raises(NetworkError, match=r"destination\(s\) not in the graph: \['d'\]"):
        travel_time_matrix(G, ["a"], ["d"])
    assert travel_time_matrix(G, ["a"], ["e"]).iloc[0, 0] == 3.0
    G.add_edge("a", "e", travel_time=30.0)  # a shortcut edge
    assert travel_time_matrix(G, ["a"], ["e"]).iloc[0, 0] == 0.5
    G["a"]["e"][0]["travel_time"] = float("nan")  # a weight set to NaN after the first query
    with pytest.raises(NetworkError, match=r"edge 'a'->'e' has travel_time=nan"):
        travel_time_matrix(G, ["a"], ["e"])
    G.remove_edge("a", "e")
    G.remove_edge("c", "e")  # now e is unreachable: inf, not an old answer
    assert travel_time_matrix(G, ["a"], ["e"]).iloc[0, 0] == np.inf


def test_views_and_tuple_node_ids():
    G = nx.MultiDiGraph(nx.grid_2d_graph(3, 3).to_directed())
    nx.set_edge_attributes(G, 60.0, "travel_time")
    T = travel_time_matrix(G, [(0, 0)], [(2, 2), (0, 1)])
    assert T.to_numpy().tolist() == [[4.0, 1.0]]
    assert T.columns.tolist() == [(2, 2), (0, 1)]
    view = G.edge_subgraph([e for e in G.edges(keys=True) if e[:2] != ((0, 0), (0, 1))])
    assert travel_time_matrix(view, [(0, 0)], [(0, 1)]).iloc[0, 0] == 3.0
    G.remove_edge((0, 0), (1, 0))  # the view's base changes under it
    assert travel_time_matrix(view, [(0, 0)], [(0, 1)]).iloc[0, 0] == np.inf


def test_bad_input_raises_named_errors():
    G = nx.DiGraph([("a", "b", {"travel_time": -1.0})])
    with pytest.raises(NetworkError, match=r"edge 'a'->'b' has travel_time=-1\.0"):
        routing_graph(G)
    H = nx.DiGraph([("a", "b", {"length": 3.0})])
    with pytest.raises(NetworkError, match="edge 'a'->'b' has no numeric 'travel_time'"):
        routing_graph(H)
    ok = nx.DiGraph([("a", "b", {"travel_time": 1.0})])
    with pytest.raises(NetworkError, match=r"origin\(s\) not in the graph: \['zz'\]"):
        travel_time_matrix(ok, ["zz"], ["a"])
    with pytest.raises(NetworkError, match="empty destination set"):
        travel_time_matrix(ok, ["a"], [])
