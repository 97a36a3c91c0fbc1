"""Consolidating intersections: the nodes of one junction (dual carriageways, roundabouts) merged into one.

OSMnx's rule (``osmnx.consolidate_intersections``): every node is buffered
by ``tolerance_m`` in a metric CRS and overlapping buffers form a cluster;
a cluster whose nodes are not joined by edges among themselves is split
into its connected parts; each cluster becomes one node at the centroid of
its merged buffers (of its points, for a split cluster). Edges inside a
cluster are dropped and the others reconnected to the new nodes, their
geometry extended to them. Two differences from OSMnx, both so that times
stay right: the extension is added to ``length`` (geodesic metres, as the
rest of the graph) *and* to ``travel_time`` at the edge's own speed
(OSMnx recomputes only the length), and a node keeps its OSM id (a merged
node takes the smallest id of its members; OSMnx numbers all nodes anew).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pyproj
import shapely
from shapely.geometry import LineString

from .._checks import number
from .._graph_cache import track, tracked_copy
from ..crs import projected_crs
from ..errors import NetworkError

__all__ = ["consolidate_intersections"]

_GEOD = pyproj.Geod(ellps="WGS84")


def consolidate_intersections(
    G: nx.MultiDiGraph, tolerance_m: float = 10.0, *, dead_ends: bool = False
) -> nx.MultiDiGraph:
    """Merge the nodes of each junction into one node (OSMnx semantics, times kept).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A road graph in WGS-84 (e.g. from :func:`~linyi_spatial.network.from_osm`).
    tolerance_m : float, default 10
        Buffer radius in metres: nodes whose buffers overlap (closer than
        twice this) and that are joined by edges form one junction.
    dead_ends : bool, default False
        Keep dead-end nodes (as OSMnx, they are removed by default before
        consolidating, with their edges).

    Returns
    -------
    networkx.MultiDiGraph
        A new graph; a merged node has ``osmid_original`` (its members'
        ids), every reconnected edge ``u_original``/``v_original``.
        ``G.graph["consolidated_m"]`` records the tolerance.

    Raises
    ------
    NetworkError
        For a bad tolerance, or a graph without node coordinates or CRS.

    Examples
    --------
    >>> G = nx.MultiDiGraph(crs="EPSG:4326")
    >>> for n, x in ((1, 0.0), (2, 0.0001), (3, 0.01)):
    ...     G.add_node(n, x=x, y=0.0)
    >>> for u, v in ((1, 2), (2, 1), (2, 3), (3, 2)):
    ...     _ = G.add_edge(u, v, length=10.0, travel_time=1.0)
    >>> H = consolidate_intersections(G, 10, dead_ends=True)
    >>> sorted(H.nodes), H.nodes[1]["osmid_original"]
    ([1, 3], [1, 2])
    """
    tol = number("tolerance_m", tolerance_m, allow_low=False, error=NetworkError)
    if G.graph.get("crs") is None:
        raise NetworkError("consolidate_intersections: the graph has no CRS (G.graph['crs'])")
    if not dead_ends:
        G = tracked_copy(G)
        G.remove_nodes_from([n for n in list(G.nodes) if _street_count(G, n) <= 1])
    nodes = list(G.nodes)
    if not nodes:
        raise NetworkError("consolidate_intersections: the graph has no nodes")
    lon, lat = _coordinates(G, nodes)
    crs = projected_crs(_points(lon, lat, G.graph["crs"]))
    x, y = pyproj.Transformer.from_crs(G.graph["crs"], crs, always_xy=True).transform(lon, lat)
    back = pyproj.Transformer.from_crs(crs, G.graph["crs"], always_xy=True)
    index = {v: i for i, v in enumerate(nodes)}
    buffered, cluster = _clusters(G, index, x, y, tol)
    parts_of: dict[int, set[int]] = {}
    for b, c in zip(buffered.tolist(), cluster.tolist(), strict=True):
        parts_of.setdefault(b, set()).add(c)
    members: dict[int, list[int]] = {}
    for i, c in enumerate(cluster.tolist()):
        members.setdefault(c, []).append(i)
    H: nx.MultiDiGraph = track(nx.MultiDiGraph(**G.graph))
    label: list[Any] = [None] * len(nodes)
    where: dict[Any, tuple[float, float]] = {}
    for idx in members.values():
        ids = [nodes[i] for i in idx]
        if len(idx) == 1:
            label[idx[0]] = ids[0]
            H.add_node(ids[0], **G.nodes[ids[0]])
            continue
        if len(parts_of[int(buffered[idx[0]])]) > 1:  # a part of a split cluster: the centroid of its points
            cx, cy = float(np.mean(x[idx])), float(np.mean(y[idx]))
        else:  # the centroid of the merged buffers, as OSMnx
            disc = shapely.union_all(shapely.buffer(shapely.points(x[idx], y[idx]), tol, quad_segs=16))
            cx, cy = disc.centroid.x, disc.centroid.y
        node = min(ids, key=lambda v: (str(type(v)), v))
        gx, gy = back.transform(cx, cy)
        attrs = {k: v for k, v in G.nodes[ids[0]].items() if all(G.nodes[o].get(k) == v for o in ids)}
        H.add_node(node, **{**attrs, "x": float(gx), "y": float(gy), "osmid_original": sorted(ids, key=str)})
        where[node] = (float(gx), float(gy))
        for i in idx:
            label[i] = node
    for u, v, d in G.edges(data=True):
        a, b = label[index[u]], label[index[v]]
        if a == b and u != v:
            continue  # inside a junction
        H.add_edge(a, b, **(_reconnected(G, u, v, d, where.get(a), where.get(b)) if a in where or b in where else d))
    H.graph["consolidated_m"] = tol
    return H


def _clusters(
    G: nx.MultiDiGraph, index: dict[Any, int], x: np.ndarray, y: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per node: its cluster of overlapping buffers, and its part of that cluster joined by the cluster's edges."""
    from scipy.sparse import coo_array  # imported when used: import linyi_spatial stays light
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = len(index)
    pairs = cKDTree(np.column_stack([x, y])).query_pairs(2 * tol, output_type="ndarray")
    A = coo_array((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    buffered = connected_components(A, directed=False)[1]
    inner = [(index[u], index[v]) for u, v in G.edges() if u != v and buffered[index[u]] == buffered[index[v]]]
    ii = np.array(inner, dtype=np.int64).reshape(-1, 2)
    B = coo_array((np.ones(len(ii)), (ii[:, 0], ii[:, 1])), shape=(n, n))
    return buffered, connected_components(B, directed=False)[1]


def _reconnected(
    G: nx.MultiDiGraph,
    u: Any,
    v: Any,
    d: dict[str, Any],
    start: tuple[float, float] | None,
    end: tuple[float, float] | None,
) -> dict[str, Any]:
    """An edge's data with its geometry extended to merged end nodes, the extension added to length and time."""
    if d.get("geometry") is not None:
        coords = list(d["geometry"].coords)
    else:
        coords = [(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])]
    extra = 0.0
    if start is not None:
        extra += _GEOD.inv(start[0], start[1], coords[0][0], coords[0][1])[2]
        coords = [start, *coords]
    if end is not None:
        extra += _GEOD.inv(coords[-1][0], coords[-1][1], end[0], end[1])[2]
        coords = [*coords, end]
    old = float(d.get("length", 0.0))
    data = {**d, "geometry": LineString(coords), "length": old + extra, "u_original": u, "v_original": v}
    if "travel_time" in d:
        speed = d.get("speed_kph")
        per_m = d["travel_time"] / old if old > 0 else (3.6 / float(speed) if speed else 0.0)
        data["travel_time"] = float(d["travel_time"]) + extra * per_m
    return data


def _coordinates(G: nx.MultiDiGraph, nodes: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    missing = [n for n in nodes if "x" not in G.nodes[n] or "y" not in G.nodes[n]]
    if missing:
        raise NetworkError(f"consolidate_intersections: node(s) without x/y coordinates: {missing[:10]}")
    return (np.array([G.nodes[n]["x"] for n in nodes], dtype=float),
            np.array([G.nodes[n]["y"] for n in nodes], dtype=float))  # fmt: skip


def _street_count(G: nx.MultiDiGraph, n: Any) -> int:
    """OSMnx's streets per node: edges to other nodes counted once per undirected pair, self-loops twice."""
    neighbours = set(G.successors(n)) | set(G.predecessors(n))
    count = 0
    for m in neighbours:
        if m == n:
            count += 2  # a self-loop, however many, once at both ends
            continue
        ks = len(G[n][m]) if G.has_edge(n, m) else 0
        kr = len(G[m][n]) if G.has_edge(m, n) else 0
        count += max(ks, kr)
    return count


def _points(lon: np.ndarray, lat: np.ndarray, crs: Any) -> Any:
    import geopandas as gpd

    return gpd.GeoSeries(shapely.points(lon, lat), crs=crs)
