"""Tracked graphs: every way of writing an attribute is seen in O(1), through copies and pickles."""

import copy
import pickle

import networkx as nx
import numpy as np
import pytest

from linyi_spatial._graph_cache import track, tracked_version
from linyi_spatial.routing.engine import routing_graph, shortest_times
from linyi_spatial.testing import grid_road_graph, made_up_network


def _graph():
    G = track(nx.MultiDiGraph())
    G.add_edge("a", "b", travel_time=5.0, length=10.0)
    G.add_edge("b", "c", travel_time=7.0, length=10.0)
    return G


WRITES = {
    "setitem": lambda d: d.__setitem__("travel_time", 1.0),
    "update": lambda d: d.update(travel_time=1.0),
    "ior": lambda d: d.__ior__({"travel_time": 1.0}),
    "setdefault_then_set": lambda d: (d.pop("travel_time"), d.setdefault("travel_time", 1.0)),
    "set_edge_attributes": None,
}


@pytest.mark.parametrize("how", sorted(WRITES))
def test_every_way_of_writing_a_weight_is_seen(how):
    G = _graph()
    assert shortest_times(G, ["a"])[0].tolist() == [0.0, 5.0, 12.0]
    if how == "set_edge_attributes":
        nx.set_edge_attributes(G, {("a", "b", 0): 1.0}, "travel_time")
    else:
        WRITES[how](G.edges["a", "b", 0])
    assert shortest_times(G, ["a"])[0].tolist() == [0.0, 1.0, 8.0]


def test_removing_a_weight_or_clearing_a_dict_is_seen_and_refused():
    G = _graph()
    routing_graph(G)
    del G.edges["a", "b", 0]["travel_time"]
    with pytest.raises(Exception, match="travel_time"):
        routing_graph(G)
    G.edges["a", "b", 0]["travel_time"] = 2.0
    assert shortest_times(G, ["a"])[0].tolist() == [0.0, 2.0, 9.0]
    G.edges["b", "c", 0].clear()
    with pytest.raises(Exception, match="travel_time"):
        routing_graph(G)


def test_the_library_s_graphs_are_tracked_and_a_copy_is_checked_value_by_value():
    G = made_up_network(2020)
    assert tracked_version(G) is not None
    assert tracked_version(grid_road_graph(20)) is not None
    C = G.copy()
    assert tracked_version(C) is None  # an ordinary graph again
    u, v, k = next(iter(C.edges(keys=True)))
    before = shortest_times(C, [u])[0][routing_graph(C).index[v]]
    C[u][v][k]["travel_time"] = 0.0  # plain dict: still seen, by the full check
    assert shortest_times(C, [u])[0][routing_graph(C).index[v]] <= before


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda G: pickle.loads(pickle.dumps(G))])
def test_a_deep_copy_or_pickle_counts_its_own_writes(clone):
    G = _graph()
    shortest_times(G, ["a"])  # cache a routing form, which the clone carries
    H = clone(G)
    H.edges["a", "b", 0]["travel_time"] = 1.0
    assert shortest_times(H, ["a"])[0].tolist() == [0.0, 1.0, 8.0]
    assert shortest_times(G, ["a"])[0].tolist() == [0.0, 5.0, 12.0]


def test_tracked_and_plain_graphs_route_alike():
    G = grid_road_graph(30)
    P = nx.MultiDiGraph(G)  # the same graph with plain dicts
    assert tracked_version(P) is None
    nodes = list(G.nodes)[:5]
    assert np.array_equal(shortest_times(G, nodes), shortest_times(P, nodes))


def test_track_refuses_a_graph_with_nodes():
    with pytest.raises(ValueError, match="empty"):
        track(nx.path_graph(3))
