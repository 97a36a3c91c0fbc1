"""Origin-destination travel-time matrices between nodes or linked points, in minutes."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal, TypeAlias, overload

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .._checks import number
from ..errors import NetworkError
from ..network.link import Access, snap_points
from .engine import routing_graph, shortest_times

__all__ = ["Places", "resolve_places", "travel_time_matrix"]

Places: TypeAlias = "Sequence[Hashable] | pd.Series | gpd.GeoDataFrame | gpd.GeoSeries"
"""Node ids (a sequence, or a Series of node ids indexed by labels) or points to link."""


def resolve_places(G: nx.Graph, places: Places, *, access: Access | None = None, label: str = "place") -> pd.DataFrame:
    """Turn node ids or point geometries into graph nodes plus access time.

    Parameters
    ----------
    G : networkx graph
        The network.
    places : sequence of node ids, pandas.Series of node ids, or GeoDataFrame/GeoSeries
        Node ids are used as they are (a Series keeps its index as labels);
        points are linked with :func:`linyi_spatial.network.snap_points`.
    access : Access, optional
        The access leg of linked points.
    label : str
        Used in error messages ("origin", "destination").

    Returns
    -------
    pandas.DataFrame
        Indexed by the places' labels: ``node``, ``snap_distance_m``,
        ``access_time_s`` (0 for node ids).

    Raises
    ------
    NetworkError
        If the set is empty or names nodes not in the graph.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 2.0})])
    >>> resolve_places(G, ["a"])["node"].tolist()
    ['a']
    """
    if isinstance(places, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if len(places) == 0:
            raise NetworkError(f"empty {label} set")
        return snap_points(G, places, access=access)
    if isinstance(places, pd.Series):
        labels, ids = list(places.index), list(places)
    elif isinstance(places, (str, bytes)):
        raise NetworkError(f"{label}s must be a sequence of node ids, not the string {places!r}")
    else:
        ids = list(places)
        labels = ids
    if not ids:
        raise NetworkError(f"empty {label} set")
    missing = [i for i in ids if i not in G]
    if missing:
        raise NetworkError(f"{label}(s) not in the graph: {missing[:10]}")
    index = pd.Index(labels, name=label, tupleize_cols=False)  # tuple node ids stay single labels
    node = np.empty(len(ids), dtype=object)
    for i, n in enumerate(ids):
        node[i] = n
    return pd.DataFrame({"node": node, "snap_distance_m": 0.0, "access_time_s": 0.0}, index=index)


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
    o = resolve_places(G, origins, access=access, label="origin")
    d = resolve_places(G, destinations, access=access, label="destination")
    rg = routing_graph(G, weight)
    max_cost = None if cutoff_min is None else float(cutoff_min) * 60.0
    o_ok = o["node"].notna().to_numpy()
    d_ok = d["node"].notna().to_numpy()
    T = np.full((len(o), len(d)), np.inf)
    o_valid = o["node"][o_ok].tolist()
    d_valid = d["node"][d_ok].tolist()
    if o_valid and d_valid:
        per_destination = len(set(d_valid)) <= len(set(o_valid))
        sources, others = (d_valid, o_valid) if per_destination else (o_valid, d_valid)
        uniq = list(dict.fromkeys(sources))
        pos = {n: i for i, n in enumerate(uniq)}
        rows = shortest_times(
            G, uniq, weight=weight, max_cost=max_cost, to_sources=per_destination, batch_size=batch_size
        )
        block = rows[:, rg.rows(others)][[pos[n] for n in sources]]
        T[np.ix_(np.flatnonzero(o_ok), np.flatnonzero(d_ok))] = block.T if per_destination else block
    T = T + o["access_time_s"].to_numpy()[:, None] + d["access_time_s"].to_numpy()[None, :]
    if max_cost is not None:
        T[T > max_cost] = np.inf
    out = pd.DataFrame(T / 60.0, index=o.index, columns=d.index)
    return (out, o, d) if return_snaps else out
