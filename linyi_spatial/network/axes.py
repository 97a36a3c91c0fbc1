"""Axes that follow the network: each axis drawn along its corridors through its places."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
from shapely.geometry import LineString

from .link import resolve_places

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["axes_along_network", "network_path_geometry"]


def network_path_geometry(G: nx.MultiDiGraph, path: Sequence[Hashable], *, weight: str = "travel_time") -> LineString:
    """Join the geometries of the cheapest edges along a node path into one LineString.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    path : sequence of node ids
    weight : str, default "travel_time"
        Among parallel edges, the one with the lowest weight is used.

    Returns
    -------
    shapely.LineString

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> line = network_path_geometry(made_up_network(2020), ["a", "a_x"])
    >>> line.coords[0]
    (10.1, 50.1)
    """
    coords: list[tuple[float, float]] = []
    for u, v in itertools.pairwise(path):
        data = min(G[u][v].values(), key=lambda d: d.get(weight, math.inf))
        geom = data.get("geometry") or LineString(
            [(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])]
        )
        part = list(geom.coords)
        coords.extend(part if not coords else part[1:])
    return LineString(coords)


def _corridor_match(d: Mapping[str, Any], corridors: Iterable[str]) -> bool:
    ref, name = str(d.get("ref") or ""), str(d.get("name") or "")
    return any(c and (c == ref or name.startswith(c)) for c in corridors)


def axes_along_network(
    structure: SpatialStructure, G: nx.MultiDiGraph, *, weight: str = "travel_time"
) -> SpatialStructure:
    """Return a copy of ``structure`` whose axes follow the network through their places.

    Each consecutive pair of an axis's places is joined by the quickest path
    (on the whole network when the axis names no corridor) that uses only
    the axis's named corridors (an edge matches when its
    ``ref`` equals a corridor or its ``name`` starts with one) plus urban,
    connector and station-access links to reach them. Where the corridors
    do not join two places, the quickest path on the whole network is used
    and ``geometry_source`` says so. Places are matched to nodes by id (the
    core by its anchor) or, failing that, snapped to the nearest road node.

    Parameters
    ----------
    structure : SpatialStructure
    G : networkx.MultiDiGraph
        The network the axes follow (usually the plan-horizon network).
    weight : str, default "travel_time"

    Returns
    -------
    SpatialStructure
        Axes with ``geometry_source`` = ``"network"`` or
        ``"network (fallback: ...)"`` and recomputed ``length_km``.

    Warns
    -----
    UserWarning
        Naming each corridor of an axis that no edge of ``G`` carries.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = axes_along_network(made_up_structure(), made_up_network(2035))
    >>> s.axes.loc["east", "geometry_source"]
    'network'
    """
    core_id = structure.core.index[0]
    anchor = structure.core["anchor"].iloc[0]
    lookup: dict[Hashable, Any] = resolve_places(G, structure.places, label="place", by_id=True)["node"].to_dict()
    lookup[core_id] = lookup[anchor]
    glue = {"urban", "connector", "access"}
    geoms: dict[str, LineString] = {}
    sources: dict[str, str] = {}
    for aid, axis in structure.axes.iterrows():
        corridors = list(axis["corridors"])
        carried = {c for c in corridors if any(_corridor_match(d, [c]) for _, _, d in G.edges(data=True))}
        for c in corridors:
            if c not in carried:
                warnings.warn(f"axis {aid!r}: corridor {c!r} is not on the network; ignored", stacklevel=2)
        keep = [
            (u, v, k)
            for u, v, k, d in G.edges(keys=True, data=True)
            if d.get("class") in glue or _corridor_match(d, carried)
        ]
        H = G.edge_subgraph(keep)  # type: ignore[arg-type]  # a multigraph takes (u, v, key); the stubs type only (u, v)
        nodes = [lookup[p] for p in axis["places"]]
        path: list[Hashable] = [nodes[0]]
        fallbacks = []
        for a, b in itertools.pairwise(nodes):
            if not corridors:  # no named corridor: the quickest path on the whole network is the axis
                path.extend(nx.shortest_path(G, a, b, weight=weight)[1:])
                continue
            try:
                leg = nx.shortest_path(H, a, b, weight=weight)
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                leg = nx.shortest_path(G, a, b, weight=weight)
                fallbacks.append(f"{a}->{b}")
            path.extend(leg[1:])
        if len(set(path)) < 2:  # a sparse extract: every place of the axis joins one node, so no route to draw
            warnings.warn(
                f"axis {aid!r}: its places {list(axis['places'])} all join network node {path[0]!r} (the network "
                "is too sparse or too far there); its straight line is kept",
                stacklevel=2,
            )
            continue
        geoms[aid] = network_path_geometry(G, path, weight=weight)
        sources[aid] = "network" if not fallbacks else f"network (fallback: full network for {', '.join(fallbacks)})"
    out = structure
    for aid, geom in geoms.items():
        out = out.with_axis_geometries({aid: geom}, source=sources[aid])
    return out
