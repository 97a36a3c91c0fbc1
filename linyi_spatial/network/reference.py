"""Check a network against the real thing: published road distances and detour indices.

A schematic network is only as good as its agreement with measured routes.
:func:`compare_reference` routes every pair of a reference table on the
graph and sets the network's length beside the published one;
:func:`detour_indices` reports, for pairs of places, the network length of
the fastest route over the straight-line distance (the detour index,
typically 1.2–1.5 between towns of a region).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd
import pyproj

from ..errors import DataError

__all__ = ["REFERENCE_COLUMNS", "compare_reference", "detour_indices"]

REFERENCE_COLUMNS = ("from", "to", "length_km")
"""Required columns of a reference table; optional ``via`` (node ids joined by ``;``, visited in
order), ``exclude_classes`` (edge classes the route does not use, joined by ``;``), ``weight``
(``travel_time``, the default, or ``length``: which the route minimises), and any description."""

_GEOD = pyproj.Geod(ellps="WGS84")


def _text(value: object) -> str:
    """A table cell as text; empty for a missing cell (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _split(value: object) -> list[str]:
    return [t.strip() for t in _text(value).split(";") if t.strip()]


def lightest_edges(G: nx.MultiDiGraph, exclude: frozenset[str], weight: str) -> nx.DiGraph:
    """The lightest parallel edge of each (u, v) among the allowed classes, with its length, time and geometry."""
    D: nx.DiGraph = nx.DiGraph()
    D.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        if d.get("class") in exclude:
            continue
        if not D.has_edge(u, v) or d[weight] < D[u][v][weight]:
            D.add_edge(u, v, length=float(d["length"]), travel_time=float(d["travel_time"]), geometry=d.get("geometry"))
    return D


def _route(D: nx.DiGraph, stops: Sequence[str], weight: str) -> tuple[float, float]:
    """Length (m) and time (s) of the best route through ``stops`` in order; inf when there is none."""
    length = time = 0.0
    for a, b in itertools.pairwise(stops):
        try:
            path = nx.shortest_path(D, a, b, weight=weight)
        except nx.NetworkXNoPath:
            return math.inf, math.inf
        length += sum(D[x][y]["length"] for x, y in itertools.pairwise(path))
        time += sum(D[x][y]["travel_time"] for x, y in itertools.pairwise(path))
    return length, time


def compare_reference(G: nx.MultiDiGraph, reference: pd.DataFrame) -> pd.DataFrame:
    """Route every pair of a reference table on ``G`` and compare lengths.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph with ``length`` (m) and ``travel_time`` (s) on its edges.
    reference : pandas.DataFrame
        Columns ``from``, ``to`` (node ids) and ``length_km`` (the published
        road distance), optionally ``via``, ``exclude_classes`` and
        ``weight`` (see :data:`REFERENCE_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        The reference with ``network_km``, ``network_time_min``,
        ``straight_km``, ``error_pct`` (network over published, minus 1, in
        %) and ``detour_index`` (network over straight line). A pair with no
        route has ``inf`` lengths and ``nan`` error.

    Raises
    ------
    DataError
        Naming a missing column, an unknown node (row and column) or a bad
        weight.

    Examples
    --------
    >>> import pandas as pd
    >>> from linyi_spatial.testing import made_up_network
    >>> G = made_up_network(2020)
    >>> ref = pd.DataFrame({"from": ["a"], "to": ["b"], "length_km": [30.0]})
    >>> row = compare_reference(G, ref).iloc[0]
    >>> bool(row["network_km"] >= row["straight_km"])
    True
    """
    missing = [c for c in REFERENCE_COLUMNS if c not in reference.columns]
    if missing:
        raise DataError(f"reference table lacks column(s) {missing}; needs {list(REFERENCE_COLUMNS)}")
    rows = []
    graphs: dict[tuple[frozenset[str], str], nx.DiGraph] = {}
    for i, r in enumerate(reference.to_dict("records")):
        stops = [str(r["from"]), *_split(r.get("via")), str(r["to"])]
        unknown = [s for s in stops if s not in G]
        if unknown:
            raise DataError(f"reference row {i + 1} ({r['from']} → {r['to']}): node(s) {unknown} not in the graph")
        weight = _text(r.get("weight")) or "travel_time"
        if weight not in ("travel_time", "length"):
            raise DataError(f"reference row {i + 1}: weight must be 'travel_time' or 'length', got {weight!r}")
        key = (frozenset(_split(r.get("exclude_classes"))), weight)
        if key not in graphs:
            graphs[key] = lightest_edges(G, key[0], weight)
        length, time = _route(graphs[key], stops, weight)
        a, b = G.nodes[stops[0]], G.nodes[stops[-1]]
        straight = _GEOD.inv(a["x"], a["y"], b["x"], b["y"])[2]
        km = float(r["length_km"])
        rows.append(
            {
                "network_km": length / 1000.0,
                "network_time_min": time / 60.0,
                "straight_km": straight / 1000.0,
                "error_pct": (length / 1000.0 / km - 1.0) * 100.0 if math.isfinite(length) else np.nan,
                "detour_index": length / straight if straight > 0 else np.nan,
            }
        )
    return pd.concat([reference.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def detour_indices(G: nx.MultiDiGraph, nodes: Sequence[str], *, exclude_classes: Sequence[str] = ()) -> pd.DataFrame:
    """Detour index of the fastest route between every pair of ``nodes``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph with ``length`` (m) and ``travel_time`` (s) on its edges.
    nodes : sequence of str
        Node ids (e.g. the county seats).
    exclude_classes : sequence of str, optional
        Edge classes not used (e.g. rail).

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair: ``from``, ``to``, ``straight_km``,
        ``network_km``, ``network_time_min`` and ``detour_index``
        (``inf`` when unreachable).

    Raises
    ------
    DataError
        Naming an unknown node.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> G = made_up_network(2020)
    >>> table = detour_indices(G, ["a", "b", "c"])
    >>> bool((table["detour_index"] >= 1).all())
    True
    """
    unknown = [n for n in nodes if n not in G]
    if unknown:
        raise DataError(f"detour_indices: node(s) {unknown} not in the graph")
    D = lightest_edges(G, frozenset(exclude_classes), "travel_time")
    rows = []
    for a, b in itertools.combinations(nodes, 2):
        length, time = _route(D, [a, b], "travel_time")
        pa, pb = G.nodes[a], G.nodes[b]
        straight = _GEOD.inv(pa["x"], pa["y"], pb["x"], pb["y"])[2]
        rows.append(
            {
                "from": a,
                "to": b,
                "straight_km": straight / 1000.0,
                "network_km": length / 1000.0,
                "network_time_min": time / 60.0,
                "detour_index": length / straight if straight > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)
