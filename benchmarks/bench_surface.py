"""Surface and isochrone benchmark at prefecture scale: edge-linked surfaces against a user-written pipeline.

Run:  python benchmarks/bench_surface.py            (full: 202,500-node graph; 1 km, 500 m, 250 m cells)
      python benchmarks/bench_surface.py --quick    (CI size: 14,400 nodes; 2 km and 1 km cells)

Graph: ``linyi_spatial.testing.grid_road_graph(450)`` (202,500 nodes,
502,264 directed edges over ≈17,000 km², the size of Linyi). Region: 12
rectangular units over the graph's extent, a seat at each unit's centre,
the core at the centre unit, three poles. For each cell size the script
times:

* the library: ``analysis_grid`` + ``travel_time_surface`` with
  ``Access(link_to="edges")`` (three surfaces: core, nearest pole, nearest
  seat), cold (first call on the graph: builds the routing form and the
  edge index) and warm (cached, as every later call);
* the node-linked surface it replaces (``Access()``, 32 candidate nodes);
* the pipeline a user would write: a GeoDataFrame of the road segments
  (``u``, ``v``, travel time each way), ``geopandas.sjoin_nearest`` of the
  cell points to it, ``shapely.line_locate_point`` for the share along the
  edge, and one ``scipy.sparse.csgraph.dijkstra`` per target (16 targets)
  on the transposed graph, minimum over each target set;
* the hand pipeline with one multi-source search per target set (3 in all):
  a virtual source joined to each target by its access leg;
* ``isochrones`` (15/30/60/90 min from the core) against the same pipeline
  from one csgraph search.

Every run checks that the library and the user pipeline give the same
connector distances and times (cells whose nearest edge is a tie may pick
either edge; their share is printed). Peak memory of each approach is
measured once with ``tracemalloc`` (numpy and shapely allocations
included), outside the timed runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from _timing import header, summary, target, timed
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from linyi_spatial.accessibility import analysis_grid, isochrones, travel_time_surface
from linyi_spatial.network import Access
from linyi_spatial.routing import clear_cache
from linyi_spatial.structure import SpatialStructure
from linyi_spatial.testing import grid_road_graph

SPACING_M = 290.0
ORIGIN_UTM = (460_000.0, 3_810_000.0)
UTM = "EPSG:32650"
EDGES = Access(link_to="edges")
NODES = Access()


def peak_mb(fn):
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def prefecture(side: int, folder: Path) -> SpatialStructure:
    """12 units over the synthetic graph's extent, seats at their centres, core in the middle, three poles."""
    ext = side * SPACING_M
    tf = pyproj.Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
    rows = []
    for i in range(4):
        for j in range(3):
            x0, y0 = ORIGIN_UTM[0] + j * ext / 3, ORIGIN_UTM[1] + i * ext / 4
            x1, y1 = x0 + ext / 3, y0 + ext / 4
            poly = shapely.transform(
                shapely.box(x0, y0, x1, y1).segmentize(1000), lambda c: np.column_stack(tf.transform(c[:, 0], c[:, 1]))
            )
            lon, lat = tf.transform((x0 + x1) / 2, (y0 + y1) / 2)
            k = len(rows)
            rows.append({"code": f"U{k}", "label": f"Unit {k}", "pop": 1000.0 * (k + 1), "urban": 500.0 * (k + 1),
                         "seat_lon": lon, "seat_lat": lat, "geometry": poly})  # fmt: skip
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(folder / "units.geojson")
    places = "".join(f'[[places]]\nid = "s{k}"\nseat_of = "U{k}"\n' for k in range(len(rows)))
    poles = "".join(f'[[poles]]\nid = "p{k}"\nplace = "s{k}"\nname = "Pole {k}"\n' for k in (0, 2, 11))
    spec = (
        '[region]\nid = "synthetic"\nname = "Synthetic prefecture"\ncrs = "EPSG:4326"\nunits = "units.geojson"\n'
        'unit_id = "code"\n[region.columns]\nname = "label"\nsize = "pop"\nurban = "urban"\n'
        f'{places}[core]\nid = "core"\nname = "Core"\nunits = ["U4"]\nanchor = "s4"\n{poles}'
    )
    (folder / "synthetic.toml").write_text(spec, encoding="utf-8")
    return SpatialStructure.from_file(folder / "synthetic.toml")


class UserPipeline:
    """What a user writes with geopandas and scipy (built once per graph, like the library's caches)."""

    def __init__(self, G, speed_kph: float, circuity: float):
        nodes = list(G.nodes)
        self.index = {n: i for i, n in enumerate(nodes)}
        xy = np.array([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in nodes])
        x, y = pyproj.Transformer.from_crs("EPSG:4326", UTM, always_xy=True).transform(xy[:, 0], xy[:, 1])
        rec = {}
        rows, cols, w = [], [], []
        for a, b, d in G.edges(data=True):
            i, j, t = self.index[a], self.index[b], d["travel_time"]
            rows.append(i)
            cols.append(j)
            w.append(t)
            key = (min(i, j), max(i, j))
            r = rec.setdefault(key, [np.inf, np.inf])
            slot = 0 if i < j else 1  # time from the lower id to the higher, and back
            r[slot] = min(r[slot], t)
        n = len(nodes)
        A = csr_array((w, (rows, cols)), shape=(n, n))
        A.sum_duplicates()  # (no parallel edges in the synthetic graph)
        self.AT = A.T.tocsr()
        keys = np.array(list(rec))
        times = np.array(list(rec.values()))
        self.u, self.v, self.t_uv, self.t_vu = keys[:, 0], keys[:, 1], times[:, 0], times[:, 1]
        lines = shapely.linestrings(np.stack([np.column_stack([x[self.u], y[self.u]]),
                                              np.column_stack([x[self.v], y[self.v]])], axis=1))  # fmt: skip
        self.edges = gpd.GeoDataFrame({"edge": np.arange(len(keys))}, geometry=lines, crs=UTM)
        self.speed_ms, self.circuity = speed_kph / 3.6, circuity

    def link(self, grid):
        pts = gpd.GeoDataFrame(geometry=grid.geometry.representative_point().to_crs(UTM).to_numpy(), crs=UTM)
        joined = gpd.sjoin_nearest(pts, self.edges, distance_col="dist_m")
        joined = joined[~joined.index.duplicated(keep="first")].sort_index()
        e = joined["edge"].to_numpy()
        share = shapely.line_locate_point(self.edges.geometry.to_numpy()[e], pts.geometry.to_numpy(), normalized=True)
        conn = joined["dist_m"].to_numpy() * self.circuity / self.speed_ms
        return e, share, conn

    def to_nearest(self, e, share, conn, targets, to_cell=False, legs_s=None):
        """Seconds from every cell to the nearest target, its access leg ``legs_s`` included (or, ``to_cell``,
        from the one origin to every cell)."""
        if to_cell:
            T = dijkstra(self.AT.T.tocsr(), indices=int(targets[0]))
        else:
            legs_s = np.zeros(len(targets)) if legs_s is None else legs_s
            T = np.min(
                [dijkstra(self.AT, indices=int(t)) + leg for t, leg in zip(targets, legs_s, strict=True)], axis=0
            )
        with np.errstate(invalid="ignore"):
            if to_cell:
                a, b = T[self.u[e]] + share * self.t_uv[e], T[self.v[e]] + (1 - share) * self.t_vu[e]
            else:
                a, b = share * self.t_vu[e] + T[self.u[e]], (1 - share) * self.t_uv[e] + T[self.v[e]]
        return conn + np.fmin(np.nan_to_num(a, nan=np.inf), np.nan_to_num(b, nan=np.inf))

    def to_nearest_once(self, e, share, conn, targets, legs_s):
        """The same, from one multi-source search per target set: a virtual source joined to every target by
        its access leg (what a user who knows csgraph writes; 3 searches for the 3 surfaces)."""
        n = self.AT.shape[0]
        k = len(targets)
        extra = csr_array(
            (np.asarray(legs_s, dtype=float), (np.zeros(k, dtype=int), np.asarray(targets))), shape=(1, n + 1)
        )
        top = csr_array((self.AT.data, self.AT.indices, np.asarray(self.AT.indptr)), shape=(n, n + 1))
        from scipy.sparse import vstack

        T = dijkstra(vstack([top, extra], format="csr"), indices=n)[:n]
        with np.errstate(invalid="ignore"):
            a, b = share * self.t_vu[e] + T[self.u[e]], (1 - share) * self.t_uv[e] + T[self.v[e]]
        return conn + np.fmin(np.nan_to_num(a, nan=np.inf), np.nan_to_num(b, nan=np.inf))


def targets_of(structure, G, pipe):
    from linyi_spatial.accessibility import structure_nodes

    t = structure_nodes(structure, G, access=EDGES)
    legs = t["places"]["access_time_s"]  # a target off the network is reached by its own access leg
    places = {"core": [t["core_place"]], "pole": t["pole_places"], "seat": t["seat_places"]}
    return {k: ([pipe.index[n] for n in t[k]], legs.loc[places[k]].to_numpy()) for k in ("core", "pole", "seat")}


CUTOFFS_MIN = (15, 30, 60, 90)


def row(cells: str, task: str, seconds: float | str = "", ratio: str = "", mb: float | None = None) -> None:
    sec = f"{seconds:8.2f}" if isinstance(seconds, float) else f"{seconds:>8s}"
    print(f"{cells:>8s} {task:58s} {sec} {ratio:>7s} {'' if mb is None else format(mb, '8.0f'):>8s}")


def surfaces(G, structure, pipe, tg, grid, repeat: int, label: str) -> None:
    """Time and check the three surfaces: library (edge- and node-linked) against the user pipeline."""
    t_lib, lib = timed(lambda: travel_time_surface(G, structure, grid=grid, access=EDGES), repeat)

    def user():
        e, share, conn = pipe.link(grid)
        return {k: pipe.to_nearest(e, share, conn, tg[k][0], legs_s=tg[k][1]) for k in tg}

    def user_once():
        e, share, conn = pipe.link(grid)
        return {k: pipe.to_nearest_once(e, share, conn, tg[k][0], tg[k][1]) for k in tg}

    fresh = [fresh_copy(grid) for _ in range(repeat)]  # new geometry objects: the library links them again
    t_fresh, _ = timed(lambda: travel_time_surface(G, structure, grid=fresh.pop(), access=EDGES), repeat)
    t_user, ref = timed(user, repeat)
    t_once, ref_once = timed(user_once, repeat)
    t_node, _ = timed(lambda: travel_time_surface(G, structure, grid=grid, access=NODES), repeat)
    m_lib = peak_mb(lambda: travel_time_surface(G, structure, grid=grid, access=EDGES))
    m_user = peak_mb(user)
    row(label, "library, edge-linked, 3 surfaces, warm (same grid: links kept)", t_lib, "1.00x", m_lib)
    row(label, "library, warm graph, a new grid object (cells linked again)", t_fresh, f"{t_fresh / t_lib:.2f}x")
    row(label, "user pipeline: sjoin_nearest + csgraph per target", t_user, f"{t_user / t_lib:.2f}x", m_user)
    row(label, "hand pipeline: sjoin_nearest + 3 multi-source searches", t_once, f"{t_once / t_lib:.2f}x")
    target(f"surfaces at {label} cells, library (cells linked again) / 3-search hand pipeline", t_fresh / t_once, 1.0)
    for k in tg:  # the two hand pipelines agree
        assert np.allclose(ref_once[k], ref[k], rtol=1e-9, atol=1e-6), k
    row(label, "library, node-linked (replaced default)", t_node, f"{t_node / t_lib:.2f}x")
    # same results: connector distances everywhere; times wherever the nearest edge is not a tie
    _, _, conn = pipe.link(grid)
    same_conn = np.allclose(lib["access_time_min"].to_numpy() * 60, conn, rtol=1e-9, atol=1e-6)
    cols = {
        "core": "cell_time_to_core_min",
        "pole": "cell_time_to_nearest_pole_min",
        "seat": "cell_time_to_nearest_seat_min",
    }
    agree = min(
        float(np.mean(np.isclose(lib[col].to_numpy() * 60, ref[key], rtol=1e-9, atol=1e-6)))
        for key, col in cols.items()
    )
    row(
        label,
        "check: connectors equal; share of equal times (>= 0.995)",
        f"{agree:.4f}",
        str(same_conn and agree > 0.995),
    )
    row(label, "median access (connector) time, min", float(lib["access_time_min"].median()))


def fresh_copy(grid):
    """The grid with new geometry objects (equal shapes): what a user's next, separately built grid looks like."""
    return grid.set_geometry(shapely.from_wkb(shapely.to_wkb(grid.geometry.to_numpy())), crs=grid.crs)


def isochrone_rows(G, structure, pipe, grid, repeat: int, label: str) -> None:
    """Time isochrones from the core against the user pipeline; check that they nest."""
    origin = structure.places.loc[["s4"]]
    fresh = [fresh_copy(grid) for _ in range(repeat)]  # linked again on every call, as the user pipeline does
    t_iso, iso = timed(lambda: isochrones(G, origin, CUTOFFS_MIN, grid=fresh.pop(), access=EDGES), repeat)

    def user_iso():
        e, share, conn = pipe.link(grid)
        o_e, _, o_conn = pipe.link(origin)
        # the origin joins its nearest edge and starts from that edge's first node: one search
        best = (o_conn[0] + pipe.to_nearest(e, share, conn, [pipe.u[o_e[0]]], to_cell=True)) / 60
        geoms = grid.geometry.to_numpy()
        return [shapely.union_all(geoms[best <= c]) for c in CUTOFFS_MIN]

    t_user, _ = timed(user_iso, repeat)
    row(label, "isochrones 15/30/60/90 min, library (a new grid object each call)", t_iso, "1.00x")
    row(label, "isochrones, user pipeline (sjoin + csgraph + union)", t_user, f"{t_user / t_iso:.2f}x")
    target(f"isochrones at {label} cells, library / user pipeline", t_iso / t_user, 1.0)
    g = iso.to_crs(UTM).geometry  # nested: what a smaller isochrone covers outside the next is below 1 m²
    nested = all(g.iloc[i].difference(g.iloc[i + 1]).area < 1.0 for i in range(len(CUTOFFS_MIN) - 1))
    row(label, "check: isochrones nest", "", str(nested))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes for CI")
    args = parser.parse_args()
    side = 120 if args.quick else 450
    repeat = 2 if args.quick else 3
    header("bench_surface: three surfaces and isochrones, library against hand-written geopandas + csgraph")
    t0 = time.perf_counter()
    G = grid_road_graph(side, spacing_m=SPACING_M, origin_utm=ORIGIN_UTM, utm_crs=UTM)
    print(f"# graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges ({time.perf_counter() - t0:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        structure = prefecture(side, Path(tmp))
    t0 = time.perf_counter()
    pipe = UserPipeline(G, EDGES.speed_kph, EDGES.circuity)
    print(f"# user pipeline's edge table and CSR, built once: {time.perf_counter() - t0:.2f} s")
    tg = targets_of(structure, G, pipe)
    print(f"{'cells':>8s} {'task':58s} {'seconds':>8s} {'ratio':>7s} {'peak MB':>8s}")
    for k, cell_km in enumerate([2.0, 1.0] if args.quick else [1.0, 0.5, 0.25]):
        t_grid, grid = timed(lambda c=cell_km: analysis_grid(structure.units, cell_km=c), 1)
        label = f"{len(grid):,}"
        if k == 0:
            clear_cache(G)
            t_cold, _ = timed(lambda g=grid: travel_time_surface(G, structure, grid=g, access=EDGES), 1)
            row(label, "library, edge-linked, 3 surfaces, cold (builds caches)", t_cold)
        row(label, f"analysis_grid ({cell_km:g} km cells)", t_grid)
        surfaces(G, structure, pipe, tg, grid, repeat, label)
        isochrone_rows(G, structure, pipe, grid, repeat, label)
    summary()


if __name__ == "__main__":
    main()
