"""One search per call: the nearest of a set with access legs, searched once, equals a search per target."""

import networkx as nx
import numpy as np
import pytest

from linyi_spatial.accessibility.surface import _nearest
from linyi_spatial.routing.engine import routing_graph, search


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nearest_with_access_legs_equals_one_search_per_target_plus_its_leg(seed):
    rng = np.random.default_rng(seed)
    G = nx.gnm_random_graph(300, 900, seed=seed, directed=True)
    for u, v in G.edges:
        G[u][v]["travel_time"] = float(rng.uniform(1, 100))
    targets = [int(t) for t in rng.choice(300, 12, replace=False)]
    legs = rng.uniform(0, 500, 12)
    legs[3] = 0.0  # a target with no leg
    rg = routing_graph(G)
    cost, which = _nearest(rg, targets, legs)
    per_target = search(rg, targets, to_sources=True) + legs[:, None]  # independent: 12 searches
    expected = per_target.min(axis=0)
    finite = np.isfinite(expected)
    assert np.allclose(cost[finite], expected[finite])
    assert np.isinf(cost[~finite]).all()
    assert (which[~finite] == -1).all()
    # the named target is one of the nearest (ties may pick either)
    assert np.allclose(per_target[which[finite], np.flatnonzero(finite)], expected[finite])
    # and networkx agrees for the first target alone
    t0 = targets[0]
    nx_cost = nx.single_source_dijkstra_path_length(G.reverse(), t0, weight="travel_time")
    for node, c in list(nx_cost.items())[:50]:
        assert per_target[0, rg.index[node]] == pytest.approx(c + legs[0])


@pytest.mark.parametrize("kind", ["list", "int_array", "series", "tuples"])
def test_many_ids_map_to_rows_in_one_lookup_exactly_as_one_by_one(kind):
    import pandas as pd

    if kind == "tuples":
        G = nx.relabel_nodes(nx.gnm_random_graph(500, 1500, seed=3, directed=True), lambda i: (i, f"n{i}"))
    else:
        G = nx.gnm_random_graph(500, 1500, seed=3, directed=True)
    nx.set_edge_attributes(G, 1.0, "travel_time")
    rg = routing_graph(G)
    ids = list(G.nodes)[::-1] * 3  # 1,500 ids, repeated
    given = {"list": ids, "int_array": np.asarray(ids) if kind == "int_array" else ids,
             "series": pd.Series(ids, dtype=object), "tuples": ids}[kind]  # fmt: skip
    expected = np.array([rg.index[i] for i in ids])
    assert np.array_equal(rg.rows(given), expected)
    with pytest.raises(Exception, match="not in the graph"):
        rg.rows([*ids, "nowhere"])


def test_the_nearest_edge_query_split_between_threads_equals_one_query(monkeypatch):
    """Large point sets are linked in parallel chunks: the same edges and distances as one query, in order."""
    import shapely

    from linyi_spatial.network import link
    from linyi_spatial.testing.synthetic import grid_road_graph

    G = grid_road_graph(60, seed=4)
    index = link.EdgeIndex.from_graph(G)
    x0, y0, x1, y1 = shapely.total_bounds(index.geoms)
    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(x0, x1, 3001), rng.uniform(y0, y1, 3001))
    (_, one), dist = index.tree.query_nearest(pts, return_distance=True, all_matches=False)
    monkeypatch.setattr(link, "_THREADED_MIN", 100)
    monkeypatch.setattr(link.os, "cpu_count", lambda: 3)  # three uneven chunks
    which, d = link._nearest_in_tree(index.tree, pts)
    np.testing.assert_array_equal(which, one)
    np.testing.assert_array_equal(d, dist)
