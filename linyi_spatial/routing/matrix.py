"""Origin-destination travel-time matrices between nodes or linked points, in minutes."""

from __future__ import annotations

from typing import Literal, overload

import networkx as nx
import numpy as np
import pandas as pd

from .._checks import number
from ..errors import NetworkError
from ..network.link import Access, Places, _integer_frame, _integer_ids, resolve_places
from .engine import RoutingGraph, batched_dijkstra, routing_graph

__all__ = ["Places", "resolve_places", "travel_time_matrix"]  # the resolver lives with the access leg (network.link)


@overload
def travel_time_matrix(
    G: nx.Graph,
    origins: Places,
    destinations: Places,
    *,
    weight: str = ...,
    cutoff_min: float | None = ...,
    access: Access | None = ...,
    batch_size: int = ...,
    return_snaps: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def travel_time_matrix(
    G: nx.Graph,
    origins: Places,
    destinations: Places,
    *,
    weight: str = ...,
    cutoff_min: float | None = ...,
    access: Access | None = ...,
    batch_size: int = ...,
    return_snaps: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]: ...


def travel_time_matrix(
    G: nx.Graph,
    origins: Places,
    destinations: Places,
    *,
    weight: str = "travel_time",
    cutoff_min: float | None = None,
    access: Access | None = None,
    batch_size: int = 64,
    return_snaps: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Origin-destination travel times in minutes.

    ``T[i, j] = (access_i + d(node_i, node_j) + access_j) / 60`` where ``d``
    is the shortest-path cost in ``weight`` seconds and ``access`` the
    connector time of linked points (0 for node ids). The search runs
    ``min(n_origins, n_destinations)`` times (per destination on the
    transposed graph when destinations are fewer).

    Parameters
    ----------
    G : networkx graph
        With a seconds-valued ``weight`` on edges (e.g. ``travel_time``).
    origins, destinations : node ids or point GeoDataFrame/GeoSeries
        See :func:`resolve_places`.
    weight : str, default "travel_time"
        Edge attribute in seconds (``"length"``, in metres, is refused).
    cutoff_min : float, optional
        Pairs beyond this many minutes are ``inf`` (faster on big graphs).
    access : Access, optional
        The access leg of linked points.
    batch_size : int, default 64
        Searches per scipy call.
    return_snaps : bool, default False
        Also return the origins' and destinations' linking tables
        (``node``, ``snap_distance_m``, ``access_time_s``).

    Returns
    -------
    pandas.DataFrame, or (DataFrame, DataFrame, DataFrame) with ``return_snaps``
        Rows = origins, columns = destinations (their labels), minutes,
        ``inf`` where unreachable.

    Raises
    ------
    NetworkError
        For empty sets, unknown nodes, invalid weights or a negative cutoff.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 120.0}), ("b", "a", {"travel_time": 60.0})])
    >>> travel_time_matrix(G, ["a", "b"], ["a", "b"]).to_numpy().tolist()
    [[0.0, 2.0], [1.0, 0.0]]
    """
    if weight == "length":
        raise NetworkError(
            "travel_time_matrix needs a seconds-valued weight (e.g. 'travel_time'); 'length' is metres: use "
            "shortest_times(G, sources, weight='length') for network distances"
        )
    if cutoff_min is not None:
        cutoff_min = number("cutoff_min", cutoff_min, error=NetworkError)
    rg = routing_graph(G, weight)
    o, o_rows = _places_and_rows(G, rg, origins, access, "origin")
    d, d_rows = _places_and_rows(G, rg, destinations, access, "destination")
    max_cost = None if cutoff_min is None else float(cutoff_min) * 60.0
    o_ok = o["node"].notna().to_numpy()
    d_ok = d["node"].notna().to_numpy()
    every = bool(o_ok.all() and d_ok.all())  # every place on the network: the searched block is the whole matrix
    T = np.empty((0, 0)) if every else np.full((len(o), len(d)), np.inf)
    if o_ok.any() and d_ok.any():
        if o_rows is None:  # one vectorised lookup per side
            o_rows = rg.rows(o["node"].to_numpy()[o_ok], "origin")
        if d_rows is None:
            d_rows = rg.rows(d["node"].to_numpy()[d_ok], "destination")
        per_destination = len(d_rows) <= len(o_rows)  # search from the smaller side
        A = rg.reverse if per_destination else rg.forward
        src, cols = (d_rows, o_rows) if per_destination else (o_rows, d_rows)
        uniq, inv = np.unique(src, return_inverse=True)
        if len(uniq) < len(src):  # repeated sources: search each once, then spread
            block = batched_dijkstra(A, uniq, max_cost=max_cost, batch_size=batch_size, columns=cols)[inv]
        else:
            block = batched_dijkstra(A, src, max_cost=max_cost, batch_size=batch_size, columns=cols)
        block = block.T if per_destination else block
        if every:
            T = np.ascontiguousarray(block)
        else:
            T[np.ix_(np.flatnonzero(o_ok), np.flatnonzero(d_ok))] = block
    o_acc, d_acc = o["access_time_s"].to_numpy(), d["access_time_s"].to_numpy()
    if o_acc.any() or d_acc.any():  # linked points: their access legs at both ends
        T = T + o_acc[:, None] + d_acc[None, :]
    if max_cost is not None:
        T[T > max_cost] = np.inf
    T /= 60.0
    out = pd.DataFrame(T, index=o.index, columns=d.index, copy=False)
    return (out, o, d) if return_snaps else out


def _places_and_rows(
    G: nx.Graph, rg: RoutingGraph, places: Places, access: Access | None, label: str
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The places' table and, for integer node ids, their rows, found in one lookup that also checks them."""
    ints = _integer_ids(places)
    if ints is None or len(ints) == 0:
        return resolve_places(G, places, access=access, label=label), None
    rows = rg.rows(ints, label)  # names unknown ids, as resolve_places would
    return _integer_frame(ints, label), rows
