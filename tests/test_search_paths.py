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
