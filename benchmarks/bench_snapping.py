"""Snapping benchmark: linyi_spatial.network.snap_points against brute force, same run.

Run:  python benchmarks/bench_snapping.py            (full: 10,000 and 100,000 points)
      python benchmarks/bench_snapping.py --quick    (CI size)

Prints the median time of each approach and its ratio to snap_points, and
checks that every approach returns the same nodes.
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import networkx as nx
import numpy as np
from _timing import header, summary, target, timed
from pyproj import Transformer

from linyi_spatial.linyi import load_counties, load_network
from linyi_spatial.network import snap_points


def grid_graph(side: int) -> nx.MultiDiGraph:
    """A side x side grid over Linyi's extent with OSMnx-style attributes (for the large case)."""
    minx, miny, maxx, maxy = load_counties().total_bounds
    xs, ys = np.linspace(minx, maxx, side), np.linspace(miny, maxy, side)
    G = nx.MultiDiGraph(crs="EPSG:4326")
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            G.add_node(i * side + j, x=float(x), y=float(y), mode="road", kind="osm")
    return G


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes for CI")
    args = parser.parse_args()
    header("bench_snapping: linking points to the network, library against brute force and a Python loop")
    sizes = [2_000] if args.quick else [10_000, 100_000]
    repeat = 3 if args.quick else 5
    minx, miny, maxx, maxy = load_counties().total_bounds
    rng = np.random.default_rng(42)
    graphs = {"Linyi embedded network (2020)": load_network(2020)}
    graphs["synthetic grid, 200x200 nodes"] = grid_graph(60 if args.quick else 200)
    tf = Transformer.from_crs(4326, 32650, always_xy=True)
    print(f"{'graph':34s} {'points':>8s} {'approach':44s} {'median s':>9s} {'ratio':>7s}")
    for gname, G in graphs.items():
        ids = [n for n, d in G.nodes(data=True) if d.get("mode", "road") == "road" and d.get("kind") != "external"]
        nxy = np.column_stack(tf.transform([G.nodes[n]["x"] for n in ids], [G.nodes[n]["y"] for n in ids]))
        for n in sizes:
            pts = gpd.GeoSeries(gpd.points_from_xy(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)), crs=4326)
            t_lib, snapped = timed(lambda pts=pts, G=G: snap_points(G, pts), repeat)
            pxy = np.column_stack(tf.transform(pts.x.to_numpy(), pts.y.to_numpy()))

            def brute(pxy=pxy, nxy=nxy):
                out = np.empty(len(pxy), dtype=np.int64)
                for s in range(0, len(pxy), 2_000):  # chunks bound memory
                    block = pxy[s : s + 2_000]
                    d2 = ((block[:, None, :] - nxy[None, :, :]) ** 2).sum(axis=2)
                    out[s : s + 2_000] = d2.argmin(axis=1)
                return out

            t_brute, idx = timed(brute, 1)
            ok = (snapped["node"].to_numpy() == np.asarray(ids, dtype=object)[idx]).all()
            k = min(n, 200)

            def py_loop(pxy=pxy, nxy=nxy, k=k):
                return [min(range(len(nxy)), key=lambda j, p=p: (nxy[j, 0] - p[0]) ** 2 + (nxy[j, 1] - p[1]) ** 2)
                        for p in pxy[:k]]  # fmt: skip

            t_loop, _ = timed(py_loop, 1)
            t_loop *= n / k
            for label, t in (("snap_points (k-d tree, vectorized)", t_lib),
                             ("numpy brute force (chunked distance matrix)", t_brute),
                             (f"pure Python loop (sample {k}, extrapolated)", t_loop)):  # fmt: skip
                print(f"{gname:34s} {n:8d} {label:44s} {t:9.4f} {t / t_lib:6.1f}x")
            print(f"{gname:34s} {n:8d} {'same nodes as brute force':44s} {bool(ok)!s:>9s}")
            if not ok:
                raise SystemExit("snap_points disagrees with brute force")
            if gname.startswith("Linyi") and n == 10_000:
                target("10,000 points onto the Linyi network, seconds", t_lib, 1.0, " s")
    summary()


if __name__ == "__main__":
    main()
