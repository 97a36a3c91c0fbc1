"""Dask engine throughput: origins per second, single process against a LocalCluster of 1 and 2 workers.

Run:  python benchmarks/bench_dask.py           (full: 202,500-node graph, 240 origins x 50 destinations)
      python benchmarks/bench_dask.py --quick   (CI size)

Every run checks that the Dask results equal the single-process ones. The
extrapolation to a province and to China is written down in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import header

from linyi_spatial.routing import routing_graph, shortest_times
from linyi_spatial.testing.synthetic import grid_road_graph


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    header("bench_dask: the Dask engine on a LocalCluster against one process")
    try:
        import distributed

        from linyi_spatial.routing import DaskEngine
    except ImportError:
        print("dask not installed: pip install 'linyi_spatial[dask]'")
        return
    side, n_o, n_d = (60, 96, 20) if args.quick else (450, 240, 50)
    G = grid_road_graph(side)
    n = G.number_of_nodes()
    rng = np.random.default_rng(5)
    origins = rng.choice(n, n_o, replace=False).tolist()
    dests = rng.choice(n, n_d, replace=False).tolist()
    mass = rng.uniform(1, 100, n_d)
    rg = routing_graph(G)
    beta = np.log(2) / 30.0
    print(f"graph {n:,} nodes / {G.number_of_edges():,} edges; {n_o} origins x {n_d} destinations (Hansen per task)")

    t0 = time.perf_counter()
    rows = rg.rows(dests)
    ref = np.concatenate([np.exp(-beta * shortest_times(G, origins[s : s + 32])[:, rows] / 60.0) @ mass
                          for s in range(0, n_o, 32)])  # fmt: skip
    t_single = time.perf_counter() - t0
    base = n_o / t_single
    print(f"  {'single process (per-origin scipy Dijkstra)':52s} {t_single:8.2f} s {base:8.1f} origins/s   1.00x")
    for workers in (1, 2):
        with (
            distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=None) as cluster,
            distributed.Client(cluster) as client,
        ):  # fmt: skip
            t0 = time.perf_counter()
            engine = DaskEngine(client, G, block_size=max(8, n_o // (4 * workers)))
            t_scatter = time.perf_counter() - t0
            t0 = time.perf_counter()
            got = engine.hansen(origins, dests, mass)
            t = time.perf_counter() - t0
            if not np.allclose(got["hansen"].to_numpy(), ref, rtol=1e-12):
                raise SystemExit("Dask result differs from the single-process result")
            print(f"  {f'LocalCluster, {workers} worker(s) (+{t_scatter:.2f} s to scatter the graph once)':52s} "
                  f"{t:8.2f} s {n_o / t:8.1f} origins/s {n_o / t / base:6.2f}x")  # fmt: skip
    print("  same results as single process: True")


if __name__ == "__main__":
    main()
