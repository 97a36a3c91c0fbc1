"""Seeded synthetic road graphs for tests and benchmarks.

:func:`grid_road_arrays` lays out a perturbed square grid over a
prefecture-sized area (450 × 450 nodes at 290 m ≈ 17,000 km², the size of
a Chinese prefecture-level city) and keeps:

- a random spanning tree of the grid, two-way, so the graph is strongly
  connected;
- continuous arterials on every 15th row and column (50 km/h) and trunk
  lines on every 75th (80 km/h);
- 19 % of the remaining grid links (30 km/h);
- about 0.6 % of links one-way.

Link length is the straight-line length times U(1, 1.25) (roads wind);
``travel_time = length / speed``. The default size gives about 202,500
nodes and 502,000 directed edges, the scale of a simplified OSM network of a
Chinese prefecture.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pyproj

from .._graph_cache import gc_paused, track

__all__ = ["RoadArrays", "grid_road_arrays", "grid_road_graph"]


@dataclass(frozen=True)
class RoadArrays:
    """Directed edge arrays of a synthetic road graph (node ids are 0..n-1)."""

    n: int
    x_m: np.ndarray
    y_m: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length_m: np.ndarray
    travel_time_s: np.ndarray
    speed_kph: np.ndarray


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def grid_road_arrays(side: int = 450, *, spacing_m: float = 290.0, seed: int = 0) -> RoadArrays:
    """Generate the synthetic road graph as numpy edge arrays (see the module docstring).

    Parameters
    ----------
    side : int, default 450
        Nodes per grid side (``side**2`` nodes).
    spacing_m : float, default 290
        Grid spacing in metres.
    seed : int, default 0

    Returns
    -------
    RoadArrays

    Examples
    --------
    >>> a = grid_road_arrays(20, seed=1)
    >>> a.n, bool((a.travel_time_s > 0).all())
    (400, True)
    """
    rng = np.random.default_rng(seed)
    n = side * side
    jj, ii = np.meshgrid(np.arange(side), np.arange(side))
    x = (jj.ravel() + rng.uniform(-0.3, 0.3, n)) * spacing_m
    y = (ii.ravel() + rng.uniform(-0.3, 0.3, n)) * spacing_m
    ids = np.arange(n).reshape(side, side)
    h = np.column_stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()])  # horizontal links (row i)
    v = np.column_stack([ids[:-1, :].ravel(), ids[1:, :].ravel()])  # vertical links (column j)
    h_line = np.repeat(np.arange(side), side - 1)  # row index of each horizontal link
    v_line = np.tile(np.arange(side), side - 1)  # column index of each vertical link
    links = np.vstack([h, v])
    line = np.concatenate([h_line, v_line])
    speed = np.full(len(links), 30.0)
    speed[line % 15 == 0] = 50.0
    speed[line % 75 == 0] = 80.0
    keep = speed > 30.0
    # random spanning tree (Kruskal on random order)
    parent = np.arange(n)
    for k in rng.permutation(len(links)):
        a, b = _find(parent, int(links[k, 0])), _find(parent, int(links[k, 1]))
        if a != b:
            parent[a] = b
            keep[k] = True
    extra = ~keep & (rng.random(len(links)) < 0.19)
    keep |= extra
    links, speed, extra = links[keep], speed[keep], extra[keep]
    straight = np.hypot(x[links[:, 0]] - x[links[:, 1]], y[links[:, 0]] - y[links[:, 1]])
    length = straight * rng.uniform(1.0, 1.25, len(links))
    # only extra links may be one-way: the two-way spanning tree keeps the graph strongly connected
    oneway = extra & (rng.random(len(links)) < 0.03)
    u = np.concatenate([links[:, 0], links[~oneway, 1]])
    w = np.concatenate([links[:, 1], links[~oneway, 0]])
    length_all = np.concatenate([length, length[~oneway]])
    speed_all = np.concatenate([speed, speed[~oneway]])
    return RoadArrays(
        n=n,
        x_m=x,
        y_m=y,
        u=u.astype(np.int64),
        v=w.astype(np.int64),
        length_m=length_all,
        travel_time_s=length_all / (speed_all / 3.6),
        speed_kph=speed_all,
    )


@gc_paused()  # bulk build: the collector's passes over new dicts are half its time
def grid_road_graph(
    side: int = 450,
    *,
    spacing_m: float = 290.0,
    seed: int = 0,
    origin_utm: tuple[float, float] = (460_000.0, 3_810_000.0),
    utm_crs: str = "EPSG:32650",
) -> nx.MultiDiGraph:
    """The synthetic road graph as an OSMnx-style MultiDiGraph in EPSG:4326.

    Grid coordinates are offset by ``origin_utm`` in ``utm_crs`` (by default
    a spot in UTM zone 50N, eastern China) and converted to longitude/latitude for the
    nodes' ``x``/``y``; edges carry ``length`` (m), ``travel_time`` (s),
    ``speed_kph`` and ``mode="road"``.

    Parameters
    ----------
    side : int, default 450
    spacing_m : float, default 290
    seed : int, default 0
    origin_utm : (float, float)
        Easting/northing of the grid's south-west corner in ``utm_crs``.
    utm_crs : str, default "EPSG:32650"
        The projected CRS of the grid.

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> G = grid_road_graph(10, seed=1)
    >>> G.number_of_nodes(), nx.is_strongly_connected(G)
    (100, True)
    """
    a = grid_road_arrays(side, spacing_m=spacing_m, seed=seed)
    tf = pyproj.Transformer.from_crs(utm_crs, "EPSG:4326", always_xy=True)
    lon, lat = tf.transform(a.x_m + origin_utm[0], a.y_m + origin_utm[1])
    G: nx.MultiDiGraph = track(nx.MultiDiGraph(crs="EPSG:4326", name=f"synthetic grid {side}x{side} (seed {seed})"))
    G.add_nodes_from(
        (i, {"x": float(xx), "y": float(yy), "mode": "road", "kind": "synthetic"})
        for i, xx, yy in zip(range(a.n), lon, lat, strict=True)
    )
    G.add_edges_from(
        (int(uu), int(vv), {"length": float(ll), "travel_time": float(tt), "speed_kph": float(ss), "mode": "road"})
        for uu, vv, ll, tt, ss in zip(a.u, a.v, a.length_m, a.travel_time_s, a.speed_kph, strict=True)
    )
    return G
