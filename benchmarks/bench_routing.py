"""Routing and accessibility benchmark: the library's public API against raw scipy and networkx, same run.

Run:  python benchmarks/bench_routing.py           (full: 202,500-node graph, ≈ 5 min)
      python benchmarks/bench_routing.py --quick   (CI size: 14,400 nodes)

Graph: linyi_spatial.testing.grid_road_graph (seeded perturbed grid, ≈ 502,000
directed edges at full size). Every library result is checked against the
raw scipy result; the script exits non-zero on a mismatch. Timings are
medians; ratios compare rows within a task to the row marked "baseline".

Optional contenders (timed only when installed): pandana.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import networkx as nx
import numpy as np
from _timing import header, summary, target, timed
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from linyi_spatial.accessibility import gravity_accessibility
from linyi_spatial.routing import RoutingGraph, clear_cache, nearest_times, routing_graph, travel_time_matrix
from linyi_spatial.testing.synthetic import grid_road_arrays, grid_road_graph

ROWS: list[tuple[str, str, float, str]] = []


def record(task: str, label: str, seconds: float, note: str = "") -> None:
    ROWS.append((task, label, seconds, note))
    print(f"  {label:70s} {seconds:9.3f} s {note}", flush=True)


def check(name: str, got: np.ndarray, ref: np.ndarray, rtol: float = 1e-9) -> None:
    got, ref = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    same_inf = np.array_equal(np.isinf(got), np.isinf(ref))
    fin = np.isfinite(ref)
    err = np.max(np.abs(got[fin] - ref[fin]) / np.maximum(1.0, np.abs(ref[fin]))) if fin.any() else 0.0
    if not same_inf or err > rtol:
        print(f"MISMATCH {name}: max rel err {err:.2e}, same inf pattern {same_inf}")
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    side, n_orig, n_d3 = (120, 2_000, 50) if args.quick else (450, 20_000, 200)
    repeat = 3 if args.quick else 5
    rng = np.random.default_rng(7)

    header("bench_routing: routing and accessibility, library against raw csgraph, networkx and pandana")
    print(f"== building the synthetic graph ({side}x{side})", flush=True)
    arrays = grid_road_arrays(side)
    n = arrays.n
    t0 = time.perf_counter()
    G = grid_road_graph(side)
    print(
        f"  networkx MultiDiGraph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    A = csr_array((arrays.travel_time_s, (arrays.u, arrays.v)), shape=(n, n))
    A.sum_duplicates()
    AT = A.T.tocsr()
    centres = rng.choice(n, 12, replace=False)
    origins = rng.choice(n, n_orig, replace=False)
    dests = rng.choice(n, n_d3, replace=False)

    # ---------------------------------------------------------------- conversion
    print("== CSR conversion from the networkx graph")
    clear_cache(G)
    t_conv, _ = timed(lambda: (clear_cache(G), routing_graph(G))[1], 1 if not args.quick else 3)
    record("conversion", "library routing_graph(G) (cold: walk G.adjacency() into CSR + transpose)", t_conv)

    # ---------------------------------------------------------------- T1
    print("== T1 time from every node to the nearest of 12 centres")

    def raw_nearest() -> np.ndarray:
        cost, _, src = dijkstra(AT, directed=True, indices=centres, min_only=True, return_predecessors=True)
        lut = np.full(n, -1)
        lut[centres] = np.arange(len(centres))
        return cost, np.where(src >= 0, lut[np.maximum(src, 0)], -1)  # the time and which centre

    t_raw, (ref1, which1) = timed(raw_nearest, repeat)
    record("T1", "raw scipy dijkstra(AT, indices=12, min_only=True) + which centre  [baseline]", t_raw)
    routing_graph(G)
    t_lib, (got1, got_which) = timed(lambda: nearest_times(G, centres.tolist()), repeat)
    check("T1", got1, ref1)  # node order of grid_road_graph is 0..n-1
    assert np.array_equal(got_which, which1)
    record("T1", "library nearest_times(G, centres) (CSR cached)", t_lib, f"ratio {t_lib / t_raw:.2f}x")
    t_h, handle = timed(
        lambda: RoutingGraph.from_arrays(arrays.u, arrays.v, arrays.travel_time_s, n_nodes=n, x=arrays.x_m,
                                         y=arrays.y_m, crs="EPSG:32650"), 1)  # fmt: skip
    record("T1", "library RoutingGraph.from_arrays (the handle, built once; not in the ratio)", t_h)
    t_libh, (goth, _) = timed(lambda: nearest_times(handle, centres), repeat)
    check("T1 handle", goth, ref1)
    record("T1", "library nearest_times(handle, centres)", t_libh, f"ratio {t_libh / t_raw:.2f}x")
    target("T1 nearest_times(G) / csgraph", t_lib / t_raw, 1.15)
    target("T1 nearest_times(handle) / csgraph", t_libh / t_raw, 1.15)
    GR = G.reverse(copy=False)
    t_nx, nxd = timed(lambda: nx.multi_source_dijkstra_path_length(GR, set(centres.tolist()), weight="travel_time"), 1)
    check("T1 networkx", np.array([nxd[i] for i in range(n)]), ref1)
    record("T1", "networkx multi_source_dijkstra_path_length (reverse view)", t_nx, f"ratio {t_nx / t_raw:.1f}x")

    # ---------------------------------------------------------------- T2
    print(f"== T2 OD matrix {n_orig:,} origins x 12 destinations")
    t_raw2, ref2 = timed(lambda: dijkstra(AT, directed=True, indices=centres)[:, origins].T, repeat)
    record("T2", "raw scipy per destination dijkstra(AT, indices=12)[:, origins]  [baseline]", t_raw2)
    olist, clist = origins.tolist(), centres.tolist()
    t_lib2, got2 = timed(lambda: travel_time_matrix(G, olist, clist), repeat)
    check("T2", got2.to_numpy() * 60.0, ref2)
    record(
        "T2", "library travel_time_matrix(G, origins, centres) (CSR cached)", t_lib2, f"ratio {t_lib2 / t_raw2:.2f}x"
    )
    t_lib2h, got2h = timed(lambda: travel_time_matrix(handle, origins, centres), repeat)
    check("T2 handle", got2h.to_numpy() * 60.0, ref2)
    record("T2", "library travel_time_matrix(handle, origins, centres)", t_lib2h, f"ratio {t_lib2h / t_raw2:.2f}x")
    target("T2 travel_time_matrix(G) / csgraph", t_lib2 / t_raw2, 1.15)
    target("T2 travel_time_matrix(handle) / csgraph", t_lib2h / t_raw2, 1.15)
    k = 3 if not args.quick else 12

    def nx_per_destination() -> np.ndarray:
        out = np.empty((len(origins), k))
        for j, c in enumerate(clist[:k]):
            d = nx.single_source_dijkstra_path_length(GR, c, weight="travel_time")
            out[:, j] = [d[o] for o in olist]
        return out

    t_nx2, got_nx2 = timed(nx_per_destination, 1)
    check("T2 networkx", got_nx2, ref2[:, :k])
    t_nx2 *= 12 / k
    record(
        "T2",
        f"networkx per destination (single_source on reverse view; {k} of 12, scaled)",
        t_nx2,
        f"ratio {t_nx2 / t_raw2:.1f}x; library is {t_nx2 / t_lib2:.0f}x faster",
    )

    # ---------------------------------------------------------------- T3
    print(f"== T3 Hansen accessibility {n_orig:,} origins x {n_d3} destinations (exponential, half-life 30 min)")
    mass = rng.lognormal(6.0, 1.0, n_d3)
    beta = np.log(2) / 30.0

    full: dict[str, np.ndarray] = {}

    def raw_full() -> np.ndarray:
        full["T"] = dijkstra(AT, directed=True, indices=dests)[:, origins].T / 60.0
        return np.exp(-beta * full["T"]) @ mass

    t_raw3, ref3 = timed(raw_full, 1)
    record("T3", "raw scipy full matrix (no cutoff) + numpy float64 decay  [baseline]", t_raw3)
    dl = dests.tolist()
    for cutoff, workers in ((None, 1), (None, 2), (90.0, 2), (60.0, 2)):
        t, got = timed(
            lambda c=cutoff, w=workers: gravity_accessibility(G, olist, dl, mass, cutoff_min=c, workers=w), 1
        )
        T = full["T"] if cutoff is None else np.where(full["T"] <= cutoff, full["T"], np.inf)
        check(f"T3 cutoff={cutoff} workers={workers}", got.to_numpy(), np.exp(-beta * T) @ mass, rtol=1e-4)
        note = "equal to its float64 reference (rel 1e-4)"
        if cutoff is not None:
            share = float(np.mean(got.to_numpy() / ref3))
            note += f"; drops weights <= {got.attrs['max_truncated_weight']:.3f}, mean A/A_full = {share:.3f}"
        record(
            "T3",
            f"library gravity_accessibility(cutoff_min={cutoff}, workers={workers}, float32)",
            t,
            f"ratio {t / t_raw3:.2f}x; {note}",
        )
    try:
        import pandana
    except ImportError:
        print("  pandana not installed: skipped")
    else:
        import pandas as pd

        t_build, net = timed(
            lambda: pandana.Network(
                pd.Series(arrays.x_m),
                pd.Series(arrays.y_m),
                pd.Series(arrays.u),
                pd.Series(arrays.v),
                pd.DataFrame({"tt": arrays.travel_time_s}),
                twoway=False,
            ),
            1,
        )
        record("T3", "pandana Network build (contraction hierarchies; not in the ratio)", t_build)
        oa, db = np.repeat(origins, len(dests)), np.tile(dests, len(origins))

        def pandana_hansen() -> np.ndarray:
            T = np.asarray(net.shortest_path_lengths(oa, db, imp_name="tt")).reshape(len(origins), len(dests)) / 60
            return np.exp(-beta * T) @ mass

        t_pd, got_pd = timed(pandana_hansen, 1)
        check("T3 pandana", got_pd, ref3, rtol=1e-3)
        record("T3", "pandana shortest_path_lengths (all pairs) + numpy decay", t_pd, f"ratio {t_pd / t_raw3:.2f}x")
        t_pd2, got_pd2 = timed(
            lambda: np.asarray(
                net.shortest_path_lengths(np.repeat(origins, 12), np.tile(centres, len(origins)), imp_name="tt")
            ).reshape(len(origins), 12),
            repeat,
        )
        check("T2 pandana", got_pd2, ref2, rtol=1e-3)
        record("T2", "pandana shortest_path_lengths (point-to-point CH queries)", t_pd2, f"ratio {t_pd2 / t_raw2:.2f}x")

    # ---------------------------------------------------------------- T4
    print("== T4 full Linyi grid analysis for one year (1 km grid, all surfaces)")
    from linyi_spatial.accessibility import analysis_grid, travel_time_surface
    from linyi_spatial.linyi import load_counties, load_network, load_structure

    counties, structure, G20 = load_counties(), load_structure(axes="anchors"), load_network(2020)

    def linyi_grid() -> Any:
        return travel_time_surface(G20, structure, grid=analysis_grid(counties, cell_km=1.0))

    t4, surf = timed(linyi_grid, repeat)
    record("T4", f"analysis_grid + travel_time_surface ({len(surf):,} cells, 3 surfaces)", t4, "target < 3 s")

    print("\nsummary (ratio to the task's baseline):")
    for task in ("T1", "T2", "T3"):
        base = next(s for t, lbl, s, _ in ROWS if t == task and "baseline" in lbl)
        for t, lbl, s, _ in ROWS:
            if t == task:
                print(f"  {task}  {lbl[:70]:70s} {s / base:8.2f}x")
    target("T4 Linyi 1 km grid, all surfaces, seconds", t4, 3.0, " s")
    summary()


if __name__ == "__main__":
    main()
