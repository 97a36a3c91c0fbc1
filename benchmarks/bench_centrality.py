"""Centrality benchmark: weighted betweenness through linyi_spatial.hierarchy.centrality (igraph backend)
against networkx, same run.

Run:  python benchmarks/bench_centrality.py           (full: 2,025-node exact; 202,500-node sampled)
      python benchmarks/bench_centrality.py --quick   (CI size)
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np

from linyi_spatial.hierarchy import centrality
from linyi_spatial.testing.synthetic import grid_road_graph


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    small, big, k = (20, 60, 10) if args.quick else (45, 450, 50)
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
    print(f"sampled weighted betweenness ({k} sources), {B.number_of_nodes():,} nodes")
    places = list(np.random.default_rng(0).choice(B.number_of_nodes(), 12, replace=False))
    t0 = time.perf_counter()
    centrality(B, places, backend="igraph", betweenness_sources=k)
    t_big = time.perf_counter() - t0
    print(f"  library centrality(12 places, {k} sampled sources)  {t_big:8.2f} s   1.0x")
    H = nx.DiGraph(B)
    t0 = time.perf_counter()
    nx.betweenness_centrality(H, k=2, weight="travel_time", seed=1)
    t_nx_big = (time.perf_counter() - t0) * k / 2
    print(f"  networkx betweenness_centrality(k={k}) (2 timed, scaled) {t_nx_big:8.2f} s {t_nx_big / t_big:5.1f}x")


if __name__ == "__main__":
    main()
