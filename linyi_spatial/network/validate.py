"""Checking a network graph: coordinates, weights, link geometry, connectivity; and its road part."""

from __future__ import annotations

import math

import networkx as nx
import pyproj

__all__ = ["road_subgraph", "validate_network"]

_GEOD = pyproj.Geod(ellps="WGS84")


def validate_network(G: nx.MultiDiGraph, *, max_detour: float = 2.5, weight: str = "travel_time") -> list[str]:
    """Check a graph and return every problem found (an empty list when sound).

    Checks: a CRS in ``G.graph``; every node has finite ``x``/``y`` (an edge
    to an undeclared node creates one without coordinates); every edge has
    a positive finite ``length`` and ``weight`` and, if present, a positive
    ``speed_kph``; no edge is more than ``max_detour`` times longer than the
    straight line between its ends; the graph is strongly connected
    (otherwise the nodes outside the largest strongly connected component
    are named).

    Parameters
    ----------
    G : networkx.MultiDiGraph
    max_detour : float, default 2.5
        Largest accepted ratio of edge length to straight-line distance.
    weight : str, default "travel_time"
        Edge cost attribute that routing will use.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> validate_network(made_up_network(2020))
    []
    """
    problems: list[str] = []
    if not G.graph.get("crs"):
        problems.append("graph has no CRS (G.graph['crs'])")
    for n, d in G.nodes(data=True):
        x, y = d.get("x"), d.get("y")
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            links = sorted({str(e.get("link", f"{u}->{v}")) for u, v, e in G.in_edges(n, data=True)})
            problems.append(f"node {n!r} has no coordinates (referenced by link(s) {links[:5]})")
    geographic = G.graph.get("crs") is not None and pyproj.CRS.from_user_input(G.graph["crs"]).is_geographic
    for u, v, d in G.edges(data=True):
        label = d.get("link", f"{u}->{v}")
        for attr in ("length", weight):
            val = d.get(attr)
            if val is None or not isinstance(val, (int, float)) or not math.isfinite(val) or val < 0:
                problems.append(f"link {label!r} ({u}->{v}): {attr} must be a finite non-negative number, got {val!r}")
        spd = d.get("speed_kph")
        if spd is not None and not (isinstance(spd, (int, float)) and spd > 0):
            problems.append(f"link {label!r} ({u}->{v}): speed_kph must be > 0, got {spd!r}")
        du, dv = G.nodes[u], G.nodes[v]
        if None in (du.get("x"), du.get("y"), dv.get("x"), dv.get("y")) or not isinstance(
            d.get("length"), (int, float)
        ):
            continue
        if geographic:
            straight = _GEOD.inv(du["x"], du["y"], dv["x"], dv["y"])[2]
        else:
            straight = math.hypot(du["x"] - dv["x"], du["y"] - dv["y"])
        if straight > 1.0 and d["length"] > max_detour * straight:
            problems.append(
                f"link {label!r} ({u}->{v}) is {d['length'] / straight:.1f} times longer than the straight line "
                f"between its ends ({d['length']:.0f} m vs {straight:.0f} m)"
            )
    if G.number_of_nodes() and not nx.is_strongly_connected(G):
        comps = sorted(nx.strongly_connected_components(G), key=len, reverse=True)
        cut = [n for c in comps[1:] for n in c]
        names = [f"{n} ({G.nodes[n].get('name_zh') or G.nodes[n].get('name', '')})".replace(" ()", "") for n in cut]
        problems.append(
            f"graph is not strongly connected: {len(cut)} node(s) outside the largest component "
            f"cannot reach or be reached from the rest: {sorted(names)[:20]}"
        )
    return problems


def road_subgraph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a copy of the road part of ``G`` (no rail or station access edges).

    Parameters
    ----------
    G : networkx.MultiDiGraph

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> R = road_subgraph(made_up_network(2020))
    >>> {d["mode"] for _, _, d in R.edges(data=True)}
    {'road'}
    """
    keep = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d.get("mode", "road") == "road"]
    R = G.edge_subgraph(keep).copy()  # type: ignore[arg-type]  # a multigraph takes (u, v, key); the stubs type only (u, v)
    R.graph = dict(G.graph)
    return R
