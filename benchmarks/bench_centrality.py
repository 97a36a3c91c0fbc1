"""Centrality benchmark: weighted betweenness through linyi_spatial.hierarchy.centrality (igraph backend)
against networkx, same run.

Run:  python benchmarks/bench_centrality.py           (full: 2,025-node exact; 202,500-node sampled, ≈ 8 min)
      python benchmarks/bench_centrality.py --quick   (CI size)
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np
from _timing import header, summary, target, timed

from linyi_spatial.hierarchy import centrality
from linyi_spatial.routing import RoutingGraph, routing_graph
from linyi_spatial.testing.synthetic import grid_road_graph


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    small, big, k = (20, 60, 10) if args.quick else (45, 450, 50)
    quick, repeat = args.quick, 1 if args.quick else 3
    header("bench_centrality: weighted betweenness, library against igraph, networkit, cityseer and networkx")
    try:
        import igraph  # noqa: F401
    except ImportError:
        print("igraph not installed: pip install igraph (the fast backend); nothing to compare")
        return
    G = grid_road_graph(small, spacing_m=2900.0, seed=3)
    print(f"exact weighted betweenness, {G.number_of_nodes():,} nodes / {G.number_of_edges():,} edges")
    t0 = time.perf_counter()
    lib = centrality(G, backend="igraph")
    t_lib = time.perf_counter() - t0
    H = nx.DiGraph(G)  # no parallel edges in the synthetic graph
    t0 = time.perf_counter()
    ref = nx.betweenness_centrality(H, weight="travel_time", normalized=True)
    t_nx = time.perf_counter() - t0
    err = max(abs(lib.loc[n, "betweenness"] - ref[n]) for n in G.nodes)
    print(f"  library centrality(backend='igraph'), all measures  {t_lib:8.2f} s   1.0x")
    print(f"  networkx betweenness_centrality (weighted)          {t_nx:8.2f} s {t_nx / t_lib:5.1f}x")
    print(f"  max abs difference in betweenness: {err:.2e} ({'same' if err < 1e-9 else 'DIFFERENT'})")
    if err >= 1e-9:
        raise SystemExit("betweenness differs from networkx")
    B = grid_road_graph(big, seed=4)
    n = B.number_of_nodes()
    print(f"sampled weighted betweenness ({k} sources), {n:,} nodes / {B.number_of_edges():,} edges")
    places = list(np.random.default_rng(0).choice(n, 12, replace=False))
    t0 = time.perf_counter()
    cold = centrality(B, places, backend="igraph", betweenness_sources=k, measures=["betweenness"])
    t_cold = time.perf_counter() - t0  # builds the routing form and the igraph graph
    t_warm, warm = timed(
        lambda: centrality(B, places, backend="igraph", betweenness_sources=k, measures=["betweenness"]), repeat
    )
    rg = routing_graph(B)
    handle = RoutingGraph.from_arrays(
        rg.forward.tocoo().row, rg.forward.tocoo().col, rg.forward.tocoo().data, node_ids=rg.nodes
    )
    centrality(handle, places, backend="igraph", betweenness_sources=k, measures=["betweenness"])  # builds igraph
    t_two, two = timed(
        lambda: centrality(B, places, backend="igraph", betweenness_sources=k, measures=["betweenness"], workers=2),
        repeat,
    )
    assert np.allclose(two["betweenness"], warm["betweenness"], rtol=1e-12)
    t_handle, on_handle = timed(
        lambda: centrality(handle, places, backend="igraph", betweenness_sources=k, measures=["betweenness"]), repeat
    )
    assert np.allclose(cold["betweenness"], warm["betweenness"])
    assert np.allclose(on_handle["betweenness"], warm["betweenness"])
    # igraph on a graph built beforehand, with the library's sources: the kernel alone
    import igraph as ig

    coo = rg.forward.tocoo()
    g = ig.Graph(n=n, edges=np.column_stack([coo.row, coo.col]), directed=True)
    g.es["w"] = coo.data
    sources = np.random.default_rng(0).choice(n, k, replace=False).tolist()
    norm = 1.0 / ((n - 1) * (n - 2)) * n / k
    t_ig, ig_b = timed(lambda: np.asarray(g.betweenness(directed=True, weights="w", sources=sources)) * norm, repeat)
    rows = rg.rows(places)
    assert np.allclose(ig_b[rows], warm["betweenness"].to_numpy(), rtol=1e-9)
    print(f"  library centrality(12 places, betweenness, {k} sources), first call {t_cold:8.2f} s")
    print(f"  library, again on the unchanged graph                          {t_warm:8.2f} s   1.0x")
    print(
        f"  library on a RoutingGraph handle (igraph kept on it)           {t_handle:8.2f} s {t_handle / t_warm:5.2f}x"
    )
    print(f"  library, workers=2 (sources split between 2 processes)         {t_two:8.2f} s {t_two / t_warm:5.2f}x")
    print(f"  igraph betweenness(sources={k}) on a prebuilt graph            {t_ig:8.2f} s {t_ig / t_warm:5.2f}x")
    target("sampled betweenness, library (warm) / prebuilt igraph", t_warm / t_ig, 1.2)
    target("sampled betweenness, library on a handle / prebuilt igraph", t_handle / t_ig, 1.2)
    ref = None
    if not quick:  # the reference the estimates are judged by: 500 sampled sources
        many = np.random.default_rng(99).choice(n, 500, replace=False).tolist()
        t_ref, ref = timed(lambda: np.asarray(g.betweenness(directed=True, weights="w", sources=many)), 1)
        print(f"  reference: igraph with 500 sources                             {t_ref:8.2f} s")
        report_agreement("library", ig_b, ref)
    peers = {}
    try:
        import networkit as nk

        G_nk = nk.Graph(n, weighted=True, directed=True)
        G_nk.addEdges((coo.data, (coo.row, coo.col)))
        est = nk.centrality.EstimateBetweenness(G_nk, k, normalized=False, parallel=False)
        t_nk, nk_b = timed(lambda: (est.run(), np.asarray(est.scores()))[1], repeat)
        peers["networkit EstimateBetweenness"] = t_nk
        print(f"  networkit EstimateBetweenness({k}), 1 thread                   {t_nk:8.2f} s {t_nk / t_warm:5.2f}x")
        if ref is not None:
            report_agreement("networkit", nk_b, ref)
    except ImportError:
        print("  networkit not installed (pip install networkit): not compared")
    try:
        from cityseer import rustalgos

        ns = rustalgos.graph.NetworkStructure()
        xs, ys = rg.x, rg.y
        xm = (xs - xs.mean()) * 111_320 * np.cos(np.radians(ys.mean()))
        ym = (ys - ys.mean()) * 110_540
        for i in range(n):
            ns.add_street_node(i, float(xm[i]), float(ym[i]), True, 1.0)
        speed = 30 / 3.6
        eu = np.maximum(np.hypot(xm[coo.row] - xm[coo.col], ym[coo.row] - ym[coo.col]), 1e-3)
        imp = (coo.data * speed / eu).tolist()
        for e, (a, b) in enumerate(zip(coo.row.tolist(), coo.col.tolist(), strict=True)):
            ns.add_street_edge(a, b, e, a, b, f"LINESTRING ({xm[a]} {ym[a]}, {xm[b]} {ym[b]})", imp[e])
        ns.set_is_directed(True)

        def cs() -> np.ndarray:
            r = ns.centrality_shortest(
                minutes=[1e5], betweenness_exprs=[("b", "1")], speed_m_s=speed, sample_probability=k / n,
                random_seed=0, pbar_disabled=True,
            )  # fmt: skip
            return np.asarray(r.metrics["b"][r.distances[0]], dtype=float)

        t_cs, cs_b = timed(cs, repeat)
        peers["cityseer centrality_shortest"] = t_cs
        print(f"  cityseer centrality_shortest(sample_probability={k}/n), 2 thr. {t_cs:8.2f} s {t_cs / t_warm:5.2f}x")
        if ref is not None:
            report_agreement("cityseer", cs_b, ref)
    except ImportError:
        print("  cityseer not installed (pip install cityseer): not compared")
    best = min(t_warm, t_two)  # on the same two cores the peers use (cityseer runs 2 threads)
    for name, t in peers.items():
        target(f"sampled betweenness, library (warm, best of 1 and 2 processes) / {name}", best / t, 1.0)
    H = nx.DiGraph(B)
    t0 = time.perf_counter()
    nx.betweenness_centrality(H, k=2, weight="travel_time", seed=1)
    t_nx_big = (time.perf_counter() - t0) * k / 2
    print(f"  networkx betweenness_centrality(k={k}) (2 timed, scaled) {t_nx_big:8.2f} s {t_nx_big / t_warm:5.1f}x")
    summary()


def report_agreement(name: str, got: np.ndarray, ref: np.ndarray) -> None:
    """Spearman rank correlation of an estimate with the 500-source reference: all nodes and the top 1%."""
    from scipy.stats import spearmanr

    top = np.argsort(ref)[-len(ref) // 100 :]
    rho_all = spearmanr(got, ref).statistic
    rho_top = spearmanr(got[top], ref[top]).statistic
    print(f"    {name}: Spearman with the 500-source reference {rho_all:.3f} (all nodes), {rho_top:.3f} (top 1 %)")


if __name__ == "__main__":
    main()
