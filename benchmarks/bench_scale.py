"""Scale benchmark: 10k to 2M nodes, time and peak memory per stage, from arrays (handle) and through networkx.

Run:  python benchmarks/bench_scale.py             (10k, 48k, 200k, 1M, 2M nodes; networkx up to 2M; ≈ 6 min)
      python benchmarks/bench_scale.py --quick     (CI size: 10k and 48k)
      python benchmarks/bench_scale.py --sizes 1415 --no-networkx

Each size runs in a fresh process so that peak memory (the kernel's VmHWM,
reset before each stage) belongs to that size alone. Stages:

- arrays: the synthetic road graph as edge arrays (``grid_road_arrays``);
- handle: ``RoutingGraph.from_arrays`` (CSR + transpose + coordinates, numpy only);
- nearest: time from every node to the nearest of 12 centres (``nearest_times``);
- matrix: a 20,000 × 12 travel-time matrix (``travel_time_matrix``, minutes);
- the same two through raw ``scipy.sparse.csgraph`` on a CSR built from the
  arrays (the baseline; results compared for equality), calls alternating
  with the library's so that both see the same machine and memory state
  (and again beside the networkx graph for the rows through ``G``);
- networkx: the MultiDiGraph built in bulk, its routing form, and the same
  nearest and matrix through ``G`` (warm cache, as a user's second call).

Targets (issue "at the limit at every size"): 2 M nodes routable from arrays
(handle, nearest, matrix) within 25 s and 1.5 GB peak; ``nearest_times`` and
``travel_time_matrix`` within 1.15x csgraph through the handle and through
``G`` at 48k, 200k and 2M.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _timing import header, interleaved, summary, target, timed

SIDES = {"10k": 100, "48k": 220, "200k": 450, "1M": 1000, "2M": 1415}


def _reset_peak() -> None:
    """Reset the process's peak resident memory (Linux: writing 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def _mem_mb() -> tuple[float, float]:
    """(current, peak since the last reset) resident memory in MB."""
    cur = peak = float("nan")
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return cur, peak


def stage(out: dict[str, Any], name: str, fn: Any, repeat: int = 1) -> Any:
    """Run ``fn`` (median of ``repeat``), recording seconds and peak memory of the process during it."""
    gc.collect()
    _reset_peak()
    seconds, result = timed(fn, repeat)
    cur, peak = _mem_mb()
    out[name] = {"s": seconds, "rss_mb": cur, "peak_mb": peak}
    return result


def stages_interleaved(out: dict[str, Any], fns: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Time ``fns`` with their calls alternating, record each as a stage, and return their results."""
    seconds, results = interleaved(fns, repeat)
    out.update({k: {"s": v} for k, v in seconds.items()})
    return results


def child(side: int, with_networkx: bool, repeat: int) -> dict[str, Any]:
    """One size, in this process: every stage, checked against csgraph."""
    import networkx as nx
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    from linyi_spatial.routing import RoutingGraph, nearest_times, routing_graph, travel_time_matrix
    from linyi_spatial.testing.synthetic import grid_road_arrays

    out: dict[str, Any] = {"side": side}
    t_start = time.perf_counter()
    a = stage(out, "arrays", lambda: grid_road_arrays(side))
    out["nodes"], out["edges"] = a.n, len(a.u)
    rng = np.random.default_rng(7)
    centres = rng.choice(a.n, 12, replace=False)
    origins = rng.choice(a.n, min(20_000, a.n), replace=False)
    t0 = time.perf_counter()
    h = stage(
        out,
        "handle",
        lambda: RoutingGraph.from_arrays(a.u, a.v, a.travel_time_s, n_nodes=a.n, x=a.x_m, y=a.y_m, crs="EPSG:32650"),
    )
    near = stage(out, "nearest (cold)", lambda: nearest_times(h, centres))
    T = stage(out, "matrix (cold)", lambda: travel_time_matrix(h, origins, centres))
    routing_peak = max(out[k]["peak_mb"] for k in ("handle", "nearest (cold)", "matrix (cold)"))
    out["from arrays to matrix"] = {"s": time.perf_counter() - t0, "peak_mb": routing_peak}

    # the baseline: a CSR straight from the arrays, raw csgraph
    A = csr_array((a.travel_time_s, (a.u, a.v)), shape=(a.n, a.n))
    A.sum_duplicates()  # the generator makes no parallel edges: sum = min
    AT = A.T.tocsr()

    def raw_nearest() -> tuple[np.ndarray, np.ndarray]:
        cost, _, src = dijkstra(AT, indices=centres, min_only=True, return_predecessors=True)
        lut = np.full(a.n, -1)
        lut[centres] = np.arange(len(centres))
        return cost, np.where(src >= 0, lut[np.maximum(src, 0)], -1)

    def raw_matrix() -> np.ndarray:
        return dijkstra(AT, indices=centres)[:, origins].T / 60.0

    # library and baseline alternate call by call, so both see the same machine and memory state
    res = stages_interleaved(
        out,
        {
            "nearest": lambda: nearest_times(h, centres),
            "csgraph nearest": raw_nearest,
            "matrix": lambda: travel_time_matrix(h, origins, centres),
            "csgraph matrix": raw_matrix,
        },
        repeat,
    )
    near, ref_near, T, ref_T = res["nearest"], res["csgraph nearest"], res["matrix"], res["csgraph matrix"]
    np.testing.assert_allclose(near[0], ref_near[0], rtol=1e-12)
    np.testing.assert_array_equal(near[1], ref_near[1])
    np.testing.assert_allclose(T.to_numpy(), ref_T, rtol=1e-12)
    if with_networkx:
        from linyi_spatial._graph_cache import gc_paused, track

        def build() -> nx.MultiDiGraph:
            with gc_paused():  # the library's bulk build
                G = track(nx.MultiDiGraph(crs="EPSG:32650"))
                G.add_nodes_from(
                    (i, {"x": x, "y": y}) for i, x, y in zip(range(a.n), a.x_m.tolist(), a.y_m.tolist(), strict=True)
                )
                G.add_edges_from(
                    (u, v, {"travel_time": t, "length": m})
                    for u, v, t, m in zip(
                        a.u.tolist(), a.v.tolist(), a.travel_time_s.tolist(), a.length_m.tolist(), strict=True
                    )
                )
            return G

        del h
        G = stage(out, "networkx build", build)
        stage(out, "networkx routing form", lambda: routing_graph(G))
        o_list, c_list = origins.tolist(), centres.tolist()  # a user's lists of node ids
        res = stages_interleaved(
            out,
            {
                "nearest through G": lambda: nearest_times(G, c_list),
                "csgraph nearest beside G": raw_nearest,
                "matrix through G": lambda: travel_time_matrix(G, o_list, c_list),
                "csgraph matrix beside G": raw_matrix,
            },
            repeat,
        )
        g_near, g_T = res["nearest through G"], res["matrix through G"]
        np.testing.assert_allclose(g_near[0], ref_near[0], rtol=1e-12)
        np.testing.assert_allclose(g_T.to_numpy(), ref_T, rtol=1e-12)
        if a.n <= 50_000:  # networkx's own search, for scale (it takes minutes beyond)
            stage(
                out,
                "networkx multi_source_dijkstra",
                lambda: nx.multi_source_dijkstra_path_length(
                    G.reverse(copy=False), centres.tolist(), weight="travel_time"
                ),
            )
    out["total_s"] = time.perf_counter() - t_start
    return out


def show(r: dict[str, Any]) -> None:
    print(f"== {r['nodes']:,} nodes, {r['edges']:,} directed edges (side {r['side']})")
    for name, v in r.items():
        if isinstance(v, dict) and "s" in v:
            mem = f"peak {v['peak_mb']:8.0f} MB" if "peak_mb" in v else ""
            print(f"  {name:34s} {v['s']:9.3f} s   {mem}")
    for task in ("nearest", "matrix"):
        base = r[f"csgraph {task}"]["s"]
        print(f"  {task + ' / csgraph, handle':34s} {r[task]['s'] / base:9.2f}x")
        if f"{task} through G" in r:
            beside = r[f"csgraph {task} beside G"]["s"]
            print(f"  {task + ' / csgraph, through G':34s} {r[f'{task} through G']['s'] / beside:9.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="CI size: 10k and 48k nodes")
    parser.add_argument("--sizes", help="comma-separated grid sides (default: 10k 48k 200k 1M 2M)")
    parser.add_argument("--no-networkx", action="store_true", help="leave out the networkx stages")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child, not args.no_networkx, args.repeat), sys.stdout)
        return
    header("bench_scale: routing from arrays and through networkx, 10k to 2M nodes")
    sides = (
        [100, 220] if args.quick else [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIDES.values())
    )
    repeat = 3 if args.quick else args.repeat
    results = []
    for side in sides:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(side), "--repeat", str(repeat)]
        if args.no_networkx:
            cmd.append("--no-networkx")
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr[-3000:])
            raise SystemExit(f"size {side} failed")
        r = json.loads(done.stdout)
        results.append(r)
        show(r)
        if r["nodes"] >= 40_000:
            for task in ("nearest", "matrix"):
                base = r[f"csgraph {task}"]["s"]
                target(f"{task} {r['nodes']:,} nodes, handle / csgraph", r[task]["s"] / base, 1.15)
                if f"{task} through G" in r:
                    beside = r[f"csgraph {task} beside G"]["s"]
                    target(f"{task} {r['nodes']:,} nodes, G / csgraph", r[f"{task} through G"]["s"] / beside, 1.15)
        if r["nodes"] >= 2_000_000:
            target("2M nodes from arrays to a matrix, seconds", r["from arrays to matrix"]["s"], 25.0, " s")
            target(
                "2M nodes from arrays to a matrix, peak GB", r["from arrays to matrix"]["peak_mb"] / 1024, 1.5, " GB"
            )
    print("== summary (seconds; peak MB of the process in that stage)")
    cols = ("arrays", "handle", "nearest", "matrix", "arr→mat", "peak MB")
    print(
        f"  {'nodes':>10s} " + " ".join(f"{c:>8s}" for c in cols) + f" {'nx build':>9s} {'nx form':>8s} {'nx peak':>8s}"
    )
    for r in results:
        nxb, nxf = r.get("networkx build"), r.get("networkx routing form")
        print(
            f"  {r['nodes']:>10,} {r['arrays']['s']:8.2f} {r['handle']['s']:8.2f} {r['nearest']['s']:8.3f} "
            f"{r['matrix']['s']:8.3f} {r['from arrays to matrix']['s']:8.2f} "
            f"{r['from arrays to matrix']['peak_mb']:8.0f}"
            + (f" {nxb['s']:9.2f} {nxf['s']:8.2f} {nxf['peak_mb']:8.0f}" if nxb else "")
        )
    summary()


if __name__ == "__main__":
    main()
