"""Accessibility measures on travel-time matrices and graphs: Hansen, cumulative, 2SFCA/E2SFCA, detour.

All times are minutes of network travel (``travel_time`` edge seconds / 60)
plus the straight connector from a point to its snapped node. Unreachable
pairs are ``inf`` and contribute nothing to sums.

References
----------
- Hansen, W. G. (1959). How accessibility shapes land use. *Journal of the
  American Institute of Planners* 25(2), 73–76.
- Geurs, K. T. & van Wee, B. (2004). Accessibility evaluation of land-use and
  transport strategies: review and research directions. *Journal of
  Transport Geography* 12(2), 127–140.
- Luo, W. & Wang, F. (2003). Measures of spatial accessibility to health
  care in a GIS environment: synthesis and a case study in the Chicago
  region. *Environment and Planning B* 30(6), 865–884. (2SFCA)
- Luo, W. & Qi, Y. (2009). An enhanced two-step floating catchment area
  (E2SFCA) method for measuring spatial accessibility to primary care
  physicians. *Health & Place* 15(4), 1100–1107.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pyproj

from .._checks import count, masses, number
from .._progress import progress
from ..crs import require_lonlat
from ..decay import Decay, DecayFunction, as_decay
from ..errors import DataError
from ..routing.engine import batched_dijkstra, routing_graph, search

__all__ = [
    "E2SFCA_ZONES",
    "cumulative_opportunities",
    "detour_index",
    "enhanced_two_step_fca",
    "gravity_accessibility",
    "hansen_accessibility",
    "two_step_fca",
]


def _size(size: pd.Series, columns: pd.Index, label: str) -> np.ndarray:
    if not isinstance(size, pd.Series):
        raise DataError(f"{label} must be a pandas Series indexed like the matrix columns")
    missing = [c for c in columns if c not in size.index]
    if missing:
        raise DataError(f"{label} has no value for {missing[:10]}")
    values = size.reindex(columns).astype(float)
    bad = values[~np.isfinite(values) | (values < 0)]
    if len(bad):
        raise DataError(f"{label} must be finite non-negative numbers; bad values at {bad.index.tolist()[:10]}")
    return masses(values.to_numpy(), len(values))  # and a total every sum over them can hold


def _matrix(T: pd.DataFrame) -> np.ndarray:
    if not isinstance(T, pd.DataFrame) or T.empty:
        raise DataError("travel-time matrix must be a non-empty DataFrame (rows origins, columns destinations)")
    values = T.to_numpy(dtype=float)
    if np.isnan(values).any():
        raise DataError("travel-time matrix contains NaN; use inf for unreachable pairs")
    if (values < 0).any():
        raise DataError("travel-time matrix contains negative times")
    return values


def hansen_accessibility(
    T: pd.DataFrame,
    size: pd.Series,
    *,
    decay: Decay | DecayFunction = "exponential",
    exclude_self: bool = False,
) -> pd.Series:
    """Hansen (1959) gravity accessibility ``A_i = Σ_j S_j f(t_ij)``.

    Parameters
    ----------
    T : pandas.DataFrame
        Minutes, rows origins, columns destinations (e.g. from
        :func:`linyi_spatial.routing.travel_time_matrix`).
    size : pandas.Series
        Opportunities ``S_j`` indexed by destination (e.g. a population column).
    decay : str or DecayFunction, default "exponential"
        Decay function (see :class:`linyi_spatial.decay.DecayFunction`).
    exclude_self : bool, default False
        Drop the term where origin and destination have the same label.

    Returns
    -------
    pandas.Series
        Named ``hansen_<size name>``, in the units of ``size``.

    Raises
    ------
    DataError
        If ``size`` has NaN/negative values or misses a destination, or
        ``T`` has NaN/negative times.

    Examples
    --------
    >>> T = pd.DataFrame([[0.0, 30.0], [30.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    >>> hansen_accessibility(T, pd.Series({"a": 100.0, "b": 50.0}, name="pop")).tolist()
    [125.0, 100.0]
    """
    t = _matrix(T)
    m = _size(size, T.columns, "size")
    w = as_decay(decay)(t)
    if exclude_self:
        same = np.asarray(T.index)[:, None] == np.asarray(T.columns)[None, :]
        w = np.where(same, 0.0, w)
    return pd.Series(w @ m, index=T.index, name=f"hansen_{size.name or 'size'}")


def _gravity_batch(
    A: object, origin_rows: np.ndarray, rows: np.ndarray, size: np.ndarray, limit: float, decay: DecayFunction
) -> np.ndarray:
    """Decay-weighted size sums for one batch of destinations."""
    d = batched_dijkstra(A, rows, max_cost=limit, batch_size=len(rows), columns=origin_rows) / 60.0
    return np.asarray(size, dtype=np.float64) @ decay(d)  # float64: a sum never exceeds the total it can reach


_WORKER: dict[str, Any] = {}


def _init_worker(A: object, origin_rows: np.ndarray) -> None:
    """Process-pool initializer: each worker process keeps its own copy (no state in the caller)."""
    _WORKER.update(A=A, origin_rows=origin_rows)


def _worker_batch(job: tuple[np.ndarray, np.ndarray, float, DecayFunction]) -> np.ndarray:
    rows, size, limit, decay = job
    return _gravity_batch(_WORKER["A"], _WORKER["origin_rows"], rows, size, limit, decay)


def gravity_accessibility(
    G: nx.Graph,
    origins: Sequence[Hashable],
    destinations: Sequence[Hashable],
    size: Sequence[float],
    *,
    decay: Decay | DecayFunction = "exponential",
    cutoff_min: float | None = None,
    batch_size: int = 32,
    workers: int = 1,
) -> pd.Series:
    """Hansen accessibility straight from the graph, streaming over destinations.

    Same formula as :func:`hansen_accessibility`, ``A_i = Σ_j S_j f(t_ij)``
    with ``t`` from the edges' ``travel_time`` (seconds), but the
    origin-destination matrix is never held whole: destinations are routed
    in batches (one search each on the transposed graph, stopped at
    ``cutoff_min``), decayed and summed in float64, so memory is
    ``batch_size × nodes``. Pairs beyond the cutoff count as unreachable;
    the largest weight dropped that way is ``f(cutoff_min)``, stored in
    ``result.attrs["max_truncated_weight"]``.

    Parameters
    ----------
    G : networkx graph
        With ``travel_time`` (seconds) on edges.
    origins, destinations : sequences of node ids
    size : sequence of float
        Opportunity at each destination (same order).
    decay : str or DecayFunction, default "exponential"
        See :class:`linyi_spatial.decay.DecayFunction`.
    cutoff_min : float, optional
        Search radius in minutes (None: unbounded).
    batch_size : int, default 32
    workers : int, default 1
        Processes (forked; Linux/macOS) with their own copy of the CSR;
        scipy's Dijkstra holds the GIL, so threads would not help. The
        calling process keeps no state, so concurrent calls are safe.

    Returns
    -------
    pandas.Series
        ``hansen`` by origin.

    Raises
    ------
    NetworkError, DataError
        For unknown nodes, mismatched lengths, bad sizes or a bad cutoff.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 1800.0}), ("b", "a", {"travel_time": 1800.0})])
    >>> gravity_accessibility(G, ["a"], ["a", "b"], [1.0, 1.0]).round(3).tolist()
    [1.5]
    """
    f = as_decay(decay)
    rg = routing_graph(G, "travel_time")
    o_rows = rg.rows(origins, "origin")
    d_rows = rg.rows(destinations, "destination")
    m = masses(size, len(d_rows))
    if cutoff_min is not None:
        cutoff_min = number("cutoff_min", cutoff_min)
    batch_size = count("batch_size", batch_size)
    workers = count("workers", workers)
    limit = np.inf if cutoff_min is None else float(cutoff_min) * 60.0
    batches = [(d_rows[s : s + batch_size], m[s : s + batch_size]) for s in range(0, len(d_rows), batch_size)]
    if workers > 1 and len(batches) > 1:
        ctx = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_init_worker, initargs=(rg.reverse, o_rows)
        ) as pool:
            parts = list(pool.map(_worker_batch, [(r, sz, limit, f) for r, sz in batches]))
    else:
        parts = [
            _gravity_batch(rg.reverse, o_rows, r, sz, limit, f)
            for r, sz in progress(batches, desc="destination batches")
        ]
    total = np.sum(parts, axis=0, dtype=np.float64) if parts else np.zeros(len(o_rows))
    out = pd.Series(total, index=pd.Index(list(origins)), name="hansen")
    out.attrs["max_truncated_weight"] = 0.0 if cutoff_min is None else float(f([cutoff_min])[0])
    return out


def cumulative_opportunities(
    T: pd.DataFrame, size: pd.Series, cutoffs_min: Sequence[float] = (30, 60, 90)
) -> pd.DataFrame:
    """Opportunities reachable within each cutoff: ``C_i(c) = Σ_j S_j [t_ij ≤ c]``.

    Parameters
    ----------
    T : pandas.DataFrame
        Minutes, rows origins, columns destinations.
    size : pandas.Series
        Opportunities by destination.
    cutoffs_min : sequence of float, default (30, 60, 90)
        Time limits in minutes.

    Returns
    -------
    pandas.DataFrame
        Columns ``<size name>_within_<c>min``.

    Examples
    --------
    >>> T = pd.DataFrame([[0.0, 45.0]], index=["a"], columns=["a", "b"])
    >>> cumulative_opportunities(T, pd.Series({"a": 1, "b": 2}, name="pop"), [30, 60]).iloc[0].tolist()
    [1.0, 3.0]
    """
    t = _matrix(T)
    m = _size(size, T.columns, "size")
    name = size.name or "size"
    return pd.DataFrame({f"{name}_within_{c:g}min": (t <= c) @ m for c in cutoffs_min}, index=T.index)


def two_step_fca(
    T: pd.DataFrame,
    supply: pd.Series,
    demand: pd.Series,
    *,
    cutoff_min: float = 30.0,
    weights: Callable[[np.ndarray], np.ndarray] | None = None,
) -> pd.Series:
    """Two-step floating catchment area accessibility (Luo & Wang 2003).

    Step 1, for each supply site j: ``R_j = S_j / Σ_k P_k w(t_kj)`` over
    demand locations k with ``t_kj ≤ d0``. Step 2, for each demand location
    i: ``A_i = Σ_j R_j w(t_ij)`` over supply sites with ``t_ij ≤ d0``. With
    ``w = 1`` this is the classic 2SFCA (supply per person in the
    catchment); :func:`enhanced_two_step_fca` passes distance-decay weights.

    Parameters
    ----------
    T : pandas.DataFrame
        Minutes, rows demand locations, columns supply sites.
    supply : pandas.Series
        Capacity ``S_j`` by supply site (e.g. hospital beds).
    demand : pandas.Series
        Population ``P_k`` by demand location.
    cutoff_min : float, default 30
        Catchment size ``d0`` in minutes.
    weights : callable, optional
        ``w(t)`` applied to times within the catchment (default 1).

    Returns
    -------
    pandas.Series
        ``fca_access``: supply per unit of demand; 0 where no site lies
        within reach. Sites whose catchment holds no demand are skipped.

    Raises
    ------
    DataError
        For NaN/negative supply or demand, or labels that do not match ``T``.

    Examples
    --------
    >>> T = pd.DataFrame([[10.0], [20.0], [40.0]], index=["a", "b", "c"], columns=["h"])
    >>> two_step_fca(T, pd.Series({"h": 30.0}), pd.Series({"a": 100.0, "b": 200.0, "c": 50.0})).tolist()
    [0.1, 0.1, 0.0]
    """
    cutoff_min = number("cutoff_min", cutoff_min)
    t = _matrix(T)
    s = _size(supply, T.columns, "supply")
    p = _size(demand, T.index, "demand")
    inside = t <= cutoff_min
    w = np.where(inside, 1.0 if weights is None else weights(np.where(inside, t, 0.0)), 0.0)
    demand_in_reach = p @ w  # Σ_k P_k w(t_kj), per supply site
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is named just below
        ratio = np.divide(s, demand_in_reach, out=np.zeros_like(s), where=demand_in_reach > 0)
        access = w @ ratio
    if not (np.isfinite(ratio).all() and np.isfinite(access).all()):
        sites = list(T.columns[~np.isfinite(ratio)][:5])
        raise DataError(
            f"supply-to-demand ratios overflow at supply site(s) {sites}: the demand in reach is nearly zero "
            f"(down to {demand_in_reach[demand_in_reach > 0].min():.3g}); check the demand's units"
        )
    return pd.Series(access, index=T.index, name="fca_access")


E2SFCA_ZONES: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))
"""Luo & Qi (2009) step weights: 0–10 min 1.00, 10–20 min 0.68, 20–30 min 0.22."""


def enhanced_two_step_fca(
    T: pd.DataFrame,
    supply: pd.Series,
    demand: pd.Series,
    *,
    zones: Sequence[tuple[float, float]] = E2SFCA_ZONES,
) -> pd.Series:
    """Enhanced 2SFCA (Luo & Qi 2009): 2SFCA with stepwise distance-decay weights.

    ``w(t) = weight of the first zone whose upper bound ≥ t``; the catchment
    ends at the last zone's bound.

    Parameters
    ----------
    T, supply, demand
        As in :func:`two_step_fca`.
    zones : sequence of (upper_bound_min, weight), default Luo & Qi's
        ((10, 1.0), (20, 0.68), (30, 0.22)), ascending bounds.

    Returns
    -------
    pandas.Series
        ``fca_access``.

    Examples
    --------
    >>> T = pd.DataFrame([[5.0], [15.0]], index=["a", "b"], columns=["h"])
    >>> enhanced_two_step_fca(T, pd.Series({"h": 168.0}), pd.Series({"a": 100.0, "b": 100.0})).round(3).tolist()
    [1.0, 0.68]
    """
    bounds = np.array([z[0] for z in zones], dtype=float)
    values = np.array([z[1] for z in zones], dtype=float)
    if len(bounds) == 0 or (np.diff(bounds) <= 0).any() or (values < 0).any():
        raise DataError("zones must be (ascending upper bound, non-negative weight) pairs")

    def step(t: np.ndarray) -> np.ndarray:
        return values[np.clip(np.searchsorted(bounds, t, side="left"), 0, len(values) - 1)]

    return two_step_fca(T, supply, demand, cutoff_min=float(bounds[-1]), weights=step)


def detour_index(
    G: nx.Graph, origins: Sequence[Hashable], destinations: Sequence[Hashable] | None = None, *, weight: str = "length"
) -> pd.Series:
    """Network detour (circuity) per origin: mean over destinations of network / straight-line distance.

    ``D_i = mean_j d_net(i, j) / d_geo(i, j)`` over reachable destinations
    other than ``i``; 1 means perfectly direct links. With
    ``weight="length"`` both are metres (geodesic straight line).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph in a geographic CRS with node ``x``/``y``.
    origins : sequence of node ids
    destinations : sequence of node ids, optional
        Defaults to ``origins``.
    weight : str, default "length"

    Returns
    -------
    pandas.Series
        ``detour_index`` by origin (NaN where nothing is reachable).

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> d = detour_index(made_up_network(2020), ["a", "b", "c"])
    >>> bool((d >= 1).all())
    True
    """
    dest = list(origins) if destinations is None else list(destinations)
    rg = routing_graph(G, weight)
    T = search(rg, list(origins))[:, rg.rows(dest, "destination")]
    require_lonlat(G.graph.get("crs"), "detour_index")
    geod = pyproj.Geod(ellps="WGS84")
    ox_ = np.array([G.nodes[o]["x"] for o in origins])
    oy_ = np.array([G.nodes[o]["y"] for o in origins])
    dx = np.array([G.nodes[d]["x"] for d in dest])
    dy = np.array([G.nodes[d]["y"] for d in dest])
    lon1, lon2 = np.meshgrid(ox_, dx, indexing="ij")
    lat1, lat2 = np.meshgrid(oy_, dy, indexing="ij")
    straight = geod.inv(lon1, lat1, lon2, lat2)[2]
    valid = np.isfinite(T) & (straight > 1.0)
    ratio = np.where(valid, T / np.where(valid, straight, 1.0), np.nan)
    n = valid.sum(axis=1)
    total = np.where(valid, ratio, 0.0).sum(axis=1)
    mean = np.full(len(n), np.nan)
    np.divide(total, n, out=mean, where=n > 0)  # NaN where no destination is reachable (no numpy warning)
    return pd.Series(mean, index=pd.Index(list(origins)), name="detour_index")
