"""Accessibility: travel-time measures, gravity and floating-catchment scores, surfaces, isochrones, scenarios.

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

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._progress import progress
from .crs import WGS84, projected_crs
from .errors import DataError
from .network import nearest_nodes, snap_points
from .routing import nearest_times, resolve_places, routing_graph, shortest_times, travel_time_matrix

__all__ = [
    "COMPOSITE_WEIGHTS",
    "DEFAULT_HALF_LIFE_MIN",
    "ScenarioComparison",
    "analysis_grid",
    "compare_scenarios",
    "county_accessibility",
    "cumulative_opportunities",
    "decay",
    "detour_index",
    "enhanced_two_step_fca",
    "gravity_accessibility",
    "hansen_accessibility",
    "isochrones",
    "seat_accessibility",
    "travel_time_surface",
    "two_step_fca",
]

DEFAULT_HALF_LIFE_MIN = 30.0
"""Travel time at which a decay function weighs an opportunity by one half.

30 minutes is the common threshold of daily interaction between a county
seat and its hinterland (the "30-minute" service radius of Chinese county
planning) and, for exponential decay, gives β = ln 2 / 30 ≈ 0.023 per
minute, inside the 0.01–0.1 range reported for regional trips (Geurs &
van Wee 2004)."""

COMPOSITE_WEIGHTS: dict[str, float] = {
    "time_to_core_min": 0.25,
    "time_to_nearest_pole_min": 0.10,
    "mean_time_to_seats_min": 0.10,
    "hansen_pop": 0.15,
    "pop_within_60min": 0.10,
    "grid_mean_time_to_core_min": 0.20,
    "grid_share_within_60min_of_core": 0.10,
}
"""Default weights of :func:`county_accessibility`'s composite score.

Half the weight (0.25 + 0.20 + 0.10) measures the tie to the core, the plan's
"一心引领"; the rest the tie to the poles (三极联动) and to the other seats
and their population (多点支撑). Seat-based and grid-based (area-weighted)
views get 0.6 and 0.3 of the weight, so a county is not judged by its seat
alone."""

_LOWER_IS_BETTER = {
    "time_to_core_min",
    "time_to_nearest_pole_min",
    "time_to_nearest_seat_min",
    "mean_time_to_seats_min",
    "grid_mean_time_to_core_min",
    "grid_mean_time_to_nearest_pole_min",
    "grid_mean_time_to_nearest_seat_min",
    "detour_index",
}


# --------------------------------------------------------------------------- decay and measures


def decay(
    t_min: Any,
    kind: str = "exponential",
    *,
    half_life_min: float = DEFAULT_HALF_LIFE_MIN,
    beta: float | None = None,
    t0_min: float = 10.0,
) -> np.ndarray:
    """Distance-decay weights for travel times in minutes.

    - exponential: ``f(t) = exp(-β t)``, β = ln 2 / half_life by default;
    - power: ``f(t) = (max(t, t0) / t0) ** -β``, β = ln 2 / ln(half_life / t0)
      by default (so f = 1 up to ``t0`` and 0.5 at the half-life);
    - gaussian: ``f(t) = exp(-t² / (2 σ²))``, σ = half_life / sqrt(2 ln 2).

    ``inf`` and NaN times give 0.

    Parameters
    ----------
    t_min : array_like
        Travel times in minutes.
    kind : {"exponential", "power", "gaussian"}
    half_life_min : float, default 30
        Time of half weight (see :data:`DEFAULT_HALF_LIFE_MIN`).
    beta : float, optional
        Explicit β (per minute for exponential, exponent for power, σ in
        minutes for gaussian); overrides ``half_life_min``.
    t0_min : float, default 10
        Power decay's flat inner radius.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        For an unknown kind or non-positive parameters.

    Examples
    --------
    >>> decay([0, 30, 60]).round(3).tolist()
    [1.0, 0.5, 0.25]
    >>> decay([5, 30], "power").round(3).tolist()
    [1.0, 0.5]
    """
    t = np.asarray(t_min, dtype=float)
    if half_life_min <= 0 or t0_min <= 0 or (beta is not None and beta <= 0):
        raise ValueError("half_life_min, t0_min and beta must be positive")
    finite = np.isfinite(t)
    t = np.where(finite, np.maximum(t, 0.0), 0.0)
    if kind == "exponential":
        b = beta if beta is not None else math.log(2) / half_life_min
        w = np.exp(-b * t)
    elif kind == "power":
        if beta is None and half_life_min <= t0_min:
            raise ValueError("power decay needs half_life_min > t0_min")
        b = beta if beta is not None else math.log(2) / math.log(half_life_min / t0_min)
        w = (np.maximum(t, t0_min) / t0_min) ** -b
    elif kind == "gaussian":
        sigma = beta if beta is not None else half_life_min / math.sqrt(2 * math.log(2))
        w = np.exp(-(t**2) / (2 * sigma**2))
    else:
        raise ValueError(f"unknown decay {kind!r}; expected 'exponential', 'power' or 'gaussian'")
    return np.where(finite, w, 0.0)


def _mass(mass: pd.Series, columns: pd.Index, label: str) -> np.ndarray:
    if not isinstance(mass, pd.Series):
        raise DataError(f"{label} must be a pandas Series indexed like the matrix columns")
    missing = [c for c in columns if c not in mass.index]
    if missing:
        raise DataError(f"{label} has no value for {missing[:10]}")
    values = mass.reindex(columns).astype(float)
    bad = values[values.isna() | (values < 0)]
    if len(bad):
        raise DataError(f"{label} must be non-negative numbers; bad values at {bad.index.tolist()[:10]}")
    return values.to_numpy()


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
    mass: pd.Series,
    *,
    kind: str = "exponential",
    half_life_min: float = DEFAULT_HALF_LIFE_MIN,
    beta: float | None = None,
    exclude_self: bool = False,
) -> pd.Series:
    """Hansen (1959) gravity accessibility ``A_i = Σ_j M_j f(t_ij)``.

    Parameters
    ----------
    T : pandas.DataFrame
        Minutes, rows origins, columns destinations (e.g. from
        :func:`linyi_spatial.routing.travel_time_matrix`).
    mass : pandas.Series
        Opportunities ``M_j`` indexed by destination (e.g. ``pop_2020``).
    kind, half_life_min, beta
        Decay function, see :func:`decay`.
    exclude_self : bool, default False
        Drop the term where origin and destination have the same label.

    Returns
    -------
    pandas.Series
        Named ``hansen_<mass name>``, in the units of ``mass``.

    Raises
    ------
    DataError
        If ``mass`` has NaN/negative values or misses a destination, or
        ``T`` has NaN/negative times.

    Examples
    --------
    >>> T = pd.DataFrame([[0.0, 30.0], [30.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    >>> hansen_accessibility(T, pd.Series({"a": 100.0, "b": 50.0}, name="pop")).tolist()
    [125.0, 100.0]
    """
    t = _matrix(T)
    m = _mass(mass, T.columns, "mass")
    w = decay(t, kind, half_life_min=half_life_min, beta=beta)
    if exclude_self:
        same = np.asarray(T.index)[:, None] == np.asarray(T.columns)[None, :]
        w = np.where(same, 0.0, w)
    return pd.Series(w @ m, index=T.index, name=f"hansen_{mass.name or 'mass'}")


_POOL_STATE: dict[str, Any] = {}


def _gravity_batch(args: tuple[tuple[np.ndarray, np.ndarray], float, str, float, float | None]) -> np.ndarray:
    """Worker: decay-weighted mass sums for one batch of destinations (reads the CSR set before forking)."""
    batch_rows, limit, kind, half_life_min, beta = args
    from scipy.sparse.csgraph import dijkstra

    A, origin_rows = _POOL_STATE["A"], _POOL_STATE["origins"]
    rows, masses = batch_rows
    d = dijkstra(A, directed=True, indices=rows, limit=limit)[:, origin_rows].astype(np.float32)
    d *= np.float32(1.0 / 60.0)
    w = decay(d, kind, half_life_min=half_life_min, beta=beta).astype(np.float32)
    return masses.astype(np.float32) @ w


def gravity_accessibility(
    G: nx.Graph,
    origins: Sequence[Any],
    destinations: Sequence[Any],
    mass: Sequence[float],
    *,
    kind: str = "exponential",
    half_life_min: float = DEFAULT_HALF_LIFE_MIN,
    beta: float | None = None,
    cutoff_min: float | None = None,
    weight: str = "travel_time",
    batch_size: int = 32,
    workers: int = 1,
) -> pd.Series:
    """Hansen accessibility straight from the graph, streaming over destinations.

    Same formula as :func:`hansen_accessibility`, ``A_i = Σ_j M_j f(t_ij)``,
    but the origin–destination matrix is never held whole: destinations
    are routed in batches (one search each on the transposed graph, stopped
    at ``cutoff_min``), decayed in float32 and summed, so memory is
    ``batch_size × nodes``. Pairs beyond the cutoff count as unreachable;
    the largest weight dropped that way is ``f(cutoff_min)``, stored in
    ``result.attrs["max_truncated_weight"]``.

    Parameters
    ----------
    G : networkx graph
    origins, destinations : sequences of node ids
    mass : sequence of float
        Opportunity at each destination (same order).
    kind, half_life_min, beta
        See :func:`decay`.
    cutoff_min : float, optional
        Search radius in minutes (None: unbounded).
    weight : str, default "travel_time" (seconds)
    batch_size : int, default 32
    workers : int, default 1
        Processes (forked; Linux/macOS) sharing the CSR; scipy's Dijkstra
        holds the GIL, so threads would not help.

    Returns
    -------
    pandas.Series
        ``hansen`` by origin.

    Raises
    ------
    NetworkError, DataError
        For unknown nodes, mismatched lengths or bad masses.

    Examples
    --------
    >>> from linyi_spatial.network import load_network
    >>> G = load_network(2020)
    >>> a = gravity_accessibility(G, ["yishui"], ["yishui", "city_hall"], [1.0, 1.0])
    >>> round(float(a["yishui"]), 3)
    1.203
    """
    import concurrent.futures
    import multiprocessing

    rg = routing_graph(G, weight)
    o_rows = rg.rows(origins, "origin")
    d_rows = rg.rows(destinations, "destination")
    m = np.asarray(mass, dtype=float)
    if len(m) != len(d_rows):
        raise DataError(f"mass has {len(m)} values for {len(d_rows)} destinations")
    if np.isnan(m).any() or (m < 0).any():
        raise DataError("mass must be non-negative numbers (no NaN)")
    limit = np.inf if cutoff_min is None else float(cutoff_min) * 60.0
    jobs = [
        ((d_rows[s : s + batch_size], m[s : s + batch_size]), limit, kind, half_life_min, beta)
        for s in range(0, len(d_rows), batch_size)
    ]
    _POOL_STATE.update(A=rg.reverse, origins=o_rows)
    try:
        if workers > 1 and len(jobs) > 1:
            ctx = multiprocessing.get_context("fork")
            with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                parts = list(pool.map(_gravity_batch, jobs))
        else:
            parts = [_gravity_batch(j) for j in progress(jobs, desc="destination batches")]
    finally:
        _POOL_STATE.clear()
    total = np.sum(parts, axis=0, dtype=np.float64) if parts else np.zeros(len(o_rows))
    out = pd.Series(total, index=pd.Index(list(origins)), name="hansen")
    out.attrs["max_truncated_weight"] = (
        0.0 if cutoff_min is None else float(decay([cutoff_min], kind, half_life_min=half_life_min, beta=beta)[0])
    )
    return out


def cumulative_opportunities(
    T: pd.DataFrame, mass: pd.Series, thresholds_min: Sequence[float] = (30, 60, 90)
) -> pd.DataFrame:
    """Opportunities reachable within each threshold: ``C_i(d) = Σ_j M_j [t_ij ≤ d]``.

    Parameters
    ----------
    T : pandas.DataFrame
        Minutes, rows origins, columns destinations.
    mass : pandas.Series
        Opportunities by destination.
    thresholds_min : sequence of float, default (30, 60, 90)

    Returns
    -------
    pandas.DataFrame
        Columns ``<mass name>_within_<d>min``.

    Examples
    --------
    >>> T = pd.DataFrame([[0.0, 45.0]], index=["a"], columns=["a", "b"])
    >>> cumulative_opportunities(T, pd.Series({"a": 1, "b": 2}, name="pop"), [30, 60]).iloc[0].tolist()
    [1.0, 3.0]
    """
    t = _matrix(T)
    m = _mass(mass, T.columns, "mass")
    name = mass.name or "mass"
    return pd.DataFrame({f"{name}_within_{d:g}min": (t <= d) @ m for d in thresholds_min}, index=T.index)


def two_step_fca(
    T: pd.DataFrame,
    supply: pd.Series,
    demand: pd.Series,
    *,
    max_time_min: float = 30.0,
    weights: Any = None,
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
    max_time_min : float, default 30
        Catchment size ``d0``.
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
    t = _matrix(T)
    s = _mass(supply, T.columns, "supply")
    p = _mass(demand, T.index, "demand")
    inside = t <= max_time_min
    w = np.where(inside, 1.0 if weights is None else weights(np.where(inside, t, 0.0)), 0.0)
    demand_in_reach = p @ w  # Σ_k P_k w(t_kj), per supply site
    ratio = np.divide(s, demand_in_reach, out=np.zeros_like(s), where=demand_in_reach > 0)
    return pd.Series(w @ ratio, index=T.index, name="fca_access")


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
        raise ValueError("zones must be (ascending upper bound, non-negative weight) pairs")

    def step(t: np.ndarray) -> np.ndarray:
        return values[np.clip(np.searchsorted(bounds, t, side="left"), 0, len(values) - 1)]

    return two_step_fca(T, supply, demand, max_time_min=float(bounds[-1]), weights=step)


def detour_index(
    G: nx.MultiDiGraph, origins: Sequence[Any], destinations: Sequence[Any] | None = None, *, weight: str = "length"
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
    >>> from linyi_spatial.network import load_network
    >>> d = detour_index(load_network(2020), ["yishui", "tancheng", "pingyi"])
    >>> bool((d >= 1).all())
    True
    """
    dest = list(origins) if destinations is None else list(destinations)
    T = travel_time_matrix(G, list(origins), dest, weight=weight).to_numpy() * 60.0  # back to weight units
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
    with np.errstate(all="ignore"):
        mean = np.nanmean(np.where(valid, ratio, np.nan), axis=1)
    return pd.Series(mean, index=pd.Index(list(origins)), name="detour_index")


# --------------------------------------------------------------------------- grids and surfaces


def analysis_grid(
    region: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    *,
    cell_km: float = 1.0,
    unit_id: str | None = None,
    h3_resolution: int | None = None,
) -> gpd.GeoDataFrame:
    """Square (or H3 hexagon) cells over a region, clipped to it and split by its units.

    Square cells are laid out in the region's UTM zone (EPSG:32650 for
    Linyi), aligned to multiples of ``cell_km``. With ``h3_resolution`` the
    cells are Uber H3 hexagons instead (needs ``pip install h3``; resolution
    7 ≈ 5.2 km², 8 ≈ 0.74 km²). A cell crossing a unit boundary becomes one
    piece per unit, so areas add up exactly.

    Parameters
    ----------
    region : GeoDataFrame or GeoSeries, optional
        Polygons (any CRS); defaults to Linyi's counties.
    cell_km : float, default 1
        Square cell side (ignored for H3).
    unit_id : str, optional
        Column naming the units; defaults to the index.
    h3_resolution : int, optional
        Use H3 hexagons of this resolution (0–15).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``cell_id`` (``"<col>_<row>"`` or the H3 index),
        ``unit``, ``area_km2``, geometry (clipped pieces).

    Raises
    ------
    DataError
        For a non-positive cell size or a region without CRS.

    Examples
    --------
    >>> g = analysis_grid(cell_km=5)
    >>> round(g["area_km2"].sum())
    17195
    """
    if cell_km <= 0:
        raise DataError(f"cell_km must be positive, got {cell_km}")
    if region is None:
        from .datasets import load_counties

        region = load_counties()
    if region.crs is None:
        raise DataError("region has no CRS")
    units = region if isinstance(region, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=region)
    ids = units[unit_id] if unit_id is not None else pd.Series(units.index, index=units.index)
    crs = projected_crs(units)
    proj = units.to_crs(crs)
    if h3_resolution is not None:
        cells, labels = _h3_cells(units.to_crs(WGS84), h3_resolution, crs)
    else:
        size = cell_km * 1000.0
        minx, miny, maxx, maxy = proj.total_bounds
        x0, y0 = math.floor(minx / size) * size, math.floor(miny / size) * size
        cols = np.arange(x0, maxx, size)
        rows = np.arange(y0, maxy, size)
        cx, cy = np.meshgrid(cols, rows)
        ci, ri = np.meshgrid(np.arange(len(cols)), np.arange(len(rows)))
        cells = shapely.box(cx.ravel(), cy.ravel(), cx.ravel() + size, cy.ravel() + size)
        labels = np.array([f"{c}_{r}" for c, r in zip(ci.ravel(), ri.ravel(), strict=True)], dtype=object)
    tree = shapely.STRtree(cells)
    parts = []
    for uid, geom in progress(zip(ids, proj.geometry, strict=True), desc="grid cells by unit", total=len(ids)):
        hit = tree.query(geom, predicate="intersects")
        shapely.prepare(geom)
        inside = shapely.contains_properly(geom, cells[hit])  # only boundary cells need clipping
        pieces = cells[hit].copy()
        pieces[~inside] = shapely.intersection(pieces[~inside], geom)
        area = shapely.area(pieces)
        keep = area > 0
        parts.append(
            pd.DataFrame(
                {
                    "cell_id": labels[hit][keep],
                    "unit": uid,
                    "area_km2": area[keep] / 1e6,
                    "geometry": pieces[keep],
                }
            )
        )
    grid = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=crs)
    grid = grid[grid.geom_type.isin(["Polygon", "MultiPolygon"]) | (grid["area_km2"] > 0)]
    return grid.to_crs(WGS84)


def _h3_cells(units_wgs: gpd.GeoDataFrame, resolution: int, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """H3 hexagons touching the region, as polygons in ``crs``, with their indexes."""
    try:
        import h3
    except ImportError as exc:
        raise DataError("H3 grids need the h3 package: pip install h3") from exc
    if not 0 <= int(resolution) <= 15:
        raise DataError(f"h3_resolution must be 0-15, got {resolution}")
    region = shapely.union_all(units_wgs.geometry.to_numpy())
    shape = h3.geo_to_h3shape(region.__geo_interface__)
    ids = sorted(h3.h3shape_to_cells_experimental(shape, int(resolution), contain="overlap"))
    polys = [shapely.Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(c)]) for c in ids]
    cells = gpd.GeoSeries(polys, crs=WGS84).to_crs(crs).to_numpy()
    return cells, np.asarray(ids, dtype=object)


def _structure_targets(structure: Any, G: nx.MultiDiGraph) -> dict[str, list[Any]]:
    """Network nodes of the core anchor, the poles and the county seats."""

    def node_of(place: str) -> Any:
        if place in G:
            return place
        return snap_points(G, structure.places.loc[[place]])["node"].iloc[0]

    anchor = structure.core["anchor"].iloc[0]
    seats = structure.places[structure.places["kind"] == "county_seat"]
    return {
        "core": [node_of(anchor)],
        "pole": [node_of(p) for p in structure.poles["place"]],
        "seat": [node_of(p) for p in seats.index],
        "seat_units": list(seats["unit"]),
        "pole_ids": list(structure.poles.index),
    }


def _defaults(year: int, G: nx.MultiDiGraph | None, structure: Any) -> tuple[nx.MultiDiGraph, Any]:
    if G is None:
        from .network import load_network

        G = load_network(year)
    if structure is None:
        from .structure import load_structure

        structure = load_structure(axes="anchors")
    return G, structure


def travel_time_surface(
    year: int = 2020,
    *,
    G: nx.MultiDiGraph | None = None,
    structure: Any = None,
    grid: gpd.GeoDataFrame | None = None,
    cell_km: float = 1.0,
    access_speed_kph: float = 30.0,
    candidates: int = 32,
) -> gpd.GeoDataFrame:
    """Travel time from every grid cell to the core, the nearest pole and the nearest county seat.

    Each cell's representative point connects straight to each of its
    ``candidates`` nearest road nodes at ``access_speed_kph`` (30 km/h, the
    design speed of county and township roads) and takes the quickest
    (connector + network) option. With 32 candidates on the embedded
    network this equals the minimum over all road nodes, so a scenario that
    only adds links never makes a cell slower; network times come from one
    multi-source search per target set.

    Parameters
    ----------
    year : int, default 2020
        Network year (ignored when ``G`` is given).
    G : networkx.MultiDiGraph, optional
        Network; defaults to :func:`linyi_spatial.load_network`.
    structure : SpatialStructure, optional
        Defaults to Linyi's.
    grid : GeoDataFrame, optional
        Cells from :func:`analysis_grid`; built over ``structure.units`` otherwise.
    cell_km : float, default 1
    access_speed_kph : float, default 30
    candidates : int, default 32
        Nearest road nodes considered per cell.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell piece: ``cell_id``, ``unit``, ``area_km2``,
        ``node`` and ``access_time_min`` (nearest node), ``time_to_core_min``,
        ``time_to_nearest_pole_min``, ``nearest_pole``,
        ``time_to_nearest_seat_min``, ``nearest_seat_unit``, geometry.

    Examples
    --------
    >>> s = travel_time_surface(2020, cell_km=5)
    >>> bool(s["time_to_core_min"].between(0, 180).all())
    True
    """
    G, structure = _defaults(year, G, structure)
    if grid is None:
        grid = analysis_grid(structure.units, cell_km=cell_km)
    targets = _structure_targets(structure, G)
    rg = routing_graph(G)
    nodes, access = _cell_access(G, grid, candidates, access_speed_kph)
    out = grid.copy()
    out["node"] = nodes[:, 0]
    out["access_time_min"] = access[:, 0] / 60.0
    for key, col, label, ids in (
        ("core", "time_to_core_min", None, None),
        ("pole", "time_to_nearest_pole_min", "nearest_pole", targets["pole_ids"]),
        ("seat", "time_to_nearest_seat_min", "nearest_seat_unit", targets["seat_units"]),
    ):
        cost, which = nearest_times(G, targets[key])
        best, pick = _best_candidate(cost, nodes, access, rg)
        out[col] = best / 60.0
        if label is not None:
            k = which[rg.rows(pick)]
            out[label] = [ids[i] if i >= 0 else None for i in k]
    return out


def _cell_access(G: nx.MultiDiGraph, grid: gpd.GeoDataFrame, candidates: int, speed_kph: float):
    """Candidate nodes of every cell and the connector time to each (seconds)."""
    if not speed_kph > 0:
        raise DataError(f"access_speed_kph must be > 0, got {speed_kph}")
    nodes, dist = nearest_nodes(G, grid.geometry.representative_point(), k=candidates)
    return nodes, dist / (speed_kph / 3.6)


def _best_candidate(cost: np.ndarray, nodes: np.ndarray, access: np.ndarray, rg: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, min over candidate nodes of connector + network cost, and the node achieving it."""
    rows = rg.rows(nodes.ravel()).reshape(nodes.shape)
    total = access + cost[rows]
    k = np.argmin(total, axis=1)
    r = np.arange(len(nodes))
    return total[r, k], nodes[r, k]


def isochrones(
    origin: Any,
    minutes: Sequence[float] = (15, 30, 60, 90),
    *,
    year: int = 2020,
    G: nx.MultiDiGraph | None = None,
    region: gpd.GeoDataFrame | None = None,
    cell_km: float = 1.0,
    access_speed_kph: float = 30.0,
    candidates: int = 32,
) -> gpd.GeoDataFrame:
    """Areas reachable from a place within each time budget.

    Travel time from the origin to every grid cell (origin connector +
    network + cell connector) is computed once; the isochrone for ``m``
    minutes is the union of cells reached within ``m``. Isochrones therefore
    nest exactly and are clipped to ``region``.

    Parameters
    ----------
    origin : node id, or a shapely Point / GeoSeries / GeoDataFrame with one point
    minutes : sequence of float, default (15, 30, 60, 90)
    year, G : network (as in :func:`travel_time_surface`)
    region : GeoDataFrame, optional
        Area to cover; defaults to Linyi's counties.
    cell_km : float, default 1
        Resolution of the isochrone edges.
    access_speed_kph, candidates
        Cell connectors, as in :func:`travel_time_surface`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per budget: ``minutes``, ``area_km2``, geometry (EPSG:4326).

    Raises
    ------
    NetworkError
        If the origin is not a node of the graph.

    Examples
    --------
    >>> iso = isochrones("city_hall", [30, 60], cell_km=5)
    >>> bool(iso.geometry.iloc[1].buffer(1e-9).contains(iso.geometry.iloc[0]))
    True
    """
    if G is None:
        from .network import load_network

        G = load_network(year)
    if region is None:
        from .datasets import load_counties

        region = load_counties()
    if isinstance(origin, shapely.Geometry):
        origin = gpd.GeoSeries([origin], crs=WGS84)
    o = resolve_places(
        G,
        origin if isinstance(origin, (gpd.GeoSeries, gpd.GeoDataFrame)) else [origin],
        access_speed_kph=access_speed_kph,
        label="origin",
    )
    grid = analysis_grid(region, cell_km=cell_km)
    nodes, access = _cell_access(G, grid, candidates, access_speed_kph)
    from_origin = shortest_times(G, [o["node"].iloc[0]])[0]
    best, _ = _best_candidate(from_origin, nodes, access, routing_graph(G))
    t = (best + o["access_time_s"].iloc[0]) / 60.0
    rows = []
    for m in sorted(minutes):
        reached = grid.geometry.to_numpy()[t <= m]
        geom = shapely.union_all(reached) if len(reached) else shapely.Polygon()
        rows.append(
            {"minutes": float(m), "area_km2": float(grid["area_km2"].to_numpy()[t <= m].sum()), "geometry": geom}
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


# --------------------------------------------------------------------------- county scores


def seat_accessibility(
    year: int = 2020,
    *,
    G: nx.MultiDiGraph | None = None,
    structure: Any = None,
    half_life_min: float = DEFAULT_HALF_LIFE_MIN,
) -> pd.DataFrame:
    """Seat-based accessibility of each county-level unit.

    For the seat of each unit: travel time to the core (its anchor), to the
    nearest pole, to the nearest other seat, mean time to all other seats,
    Hansen population potential (exponential decay, own population
    included at t = 0), population within 30/60/90 minutes, and the detour
    index of its network routes to the other seats.

    Parameters
    ----------
    year : int, default 2020
    G : networkx.MultiDiGraph, optional
    structure : SpatialStructure, optional
        Needs units with ``pop_2020`` (Linyi's counties have it).
    half_life_min : float, default 30

    Returns
    -------
    pandas.DataFrame
        Indexed by unit id (adcode).

    Examples
    --------
    >>> s = seat_accessibility(2020)
    >>> s.loc["371323", "time_to_nearest_pole_min"]
    np.float64(0.0)
    """
    G, structure = _defaults(year, G, structure)
    if "pop_2020" not in structure.units:
        raise DataError("the structure's units need a pop_2020 column")
    targets = _structure_targets(structure, G)
    seats = pd.Series(targets["seat"], index=pd.Index(targets["seat_units"], name="adcode"))
    T = travel_time_matrix(G, seats, seats)
    pop = structure.units["pop_2020"].reindex(seats.index).rename("pop")
    out = pd.DataFrame(index=seats.index)
    to_core = travel_time_matrix(G, seats, targets["core"]).iloc[:, 0]
    to_poles = travel_time_matrix(G, seats, targets["pole"])
    out["time_to_core_min"] = to_core.to_numpy()
    out["time_to_nearest_pole_min"] = to_poles.min(axis=1).to_numpy()
    others = T.where(~np.eye(len(T), dtype=bool))
    out["time_to_nearest_seat_min"] = others.min(axis=1)
    out["mean_time_to_seats_min"] = others.mean(axis=1)
    out["hansen_pop"] = hansen_accessibility(T, pop, half_life_min=half_life_min).to_numpy()
    cum = cumulative_opportunities(T, pop)
    for c in cum.columns:
        out[c] = cum[c].to_numpy()
    out["detour_index"] = detour_index(G, list(seats)).to_numpy()
    return out


def county_accessibility(
    year: int = 2020,
    *,
    weights: Mapping[str, float] | None = None,
    G: nx.MultiDiGraph | None = None,
    structure: Any = None,
    cell_km: float = 1.0,
    access_speed_kph: float = 30.0,
    half_life_min: float = DEFAULT_HALF_LIFE_MIN,
    surface: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """County accessibility scores: seat-based and area-weighted measures, a 0–100 composite and a rank.

    Seat-based measures come from :func:`seat_accessibility`; grid-based
    ones average a :func:`travel_time_surface` over each unit weighted by
    cell area (``grid_mean_time_to_core_min``,
    ``grid_mean_time_to_nearest_pole_min``,
    ``grid_mean_time_to_nearest_seat_min``,
    ``grid_share_within_60min_of_core``).

    Composite: each measure in ``weights`` is rescaled over the units to
    0–100 (``100 (x - min) / (max - min)``, reversed for times and detour
    so 100 is always best; 100 for all when every unit is equal), then
    ``composite_score = Σ w_k score_k / Σ w_k``; ``rank`` 1 is best.

    Parameters
    ----------
    year : int, default 2020
    weights : mapping, optional
        Measure name -> non-negative weight; default
        :data:`COMPOSITE_WEIGHTS`.
    G, structure, cell_km, access_speed_kph, half_life_min
        As in :func:`travel_time_surface` and :func:`seat_accessibility`.
    surface : GeoDataFrame, optional
        A precomputed :func:`travel_time_surface` for the same network.

    Returns
    -------
    pandas.DataFrame
        One row per unit (adcode index) with ``name_zh``, the measures,
        ``composite_score`` and ``rank``.

    Raises
    ------
    DataError
        For unknown measure names or negative weights.

    Examples
    --------
    >>> scores = county_accessibility(2020, cell_km=5)
    >>> len(scores), int(scores["rank"].min())
    (12, 1)
    """
    w = dict(COMPOSITE_WEIGHTS if weights is None else weights)
    G, structure = _defaults(year, G, structure)
    seat = seat_accessibility(year, G=G, structure=structure, half_life_min=half_life_min)
    if surface is None:
        surface = travel_time_surface(
            year, G=G, structure=structure, cell_km=cell_km, access_speed_kph=access_speed_kph
        )
    grid = pd.DataFrame(surface.drop(columns="geometry"))
    a = grid["area_km2"]
    grouped = (
        grid.assign(
            core_a=grid["time_to_core_min"] * a,
            pole_a=grid["time_to_nearest_pole_min"] * a,
            seat_a=grid["time_to_nearest_seat_min"] * a,
            near_a=(grid["time_to_core_min"] <= 60) * a,
        )
        .groupby("unit")[["core_a", "pole_a", "seat_a", "near_a", "area_km2"]]
        .sum()
    )
    out = seat.copy()
    area = grouped["area_km2"].reindex(out.index)
    out["grid_mean_time_to_core_min"] = grouped["core_a"].reindex(out.index) / area
    out["grid_mean_time_to_nearest_pole_min"] = grouped["pole_a"].reindex(out.index) / area
    out["grid_mean_time_to_nearest_seat_min"] = grouped["seat_a"].reindex(out.index) / area
    out["grid_share_within_60min_of_core"] = grouped["near_a"].reindex(out.index) / area
    unknown = sorted(set(w) - set(out.columns))
    if unknown:
        raise DataError(f"unknown measure(s) in weights: {unknown}; available: {sorted(out.columns)}")
    negative = [k for k, v in w.items() if not v >= 0]
    if negative or sum(w.values()) <= 0:
        raise DataError(f"weights must be non-negative with a positive sum (bad: {negative})")
    total = 0.0
    for k, wk in w.items():
        x = out[k].astype(float).replace([np.inf, -np.inf], np.nan)
        if x.isna().any():
            raise DataError(f"measure {k!r} is undefined for unit(s) {x[x.isna()].index.tolist()}")
        span = x.max() - x.min()
        score = pd.Series(100.0, index=x.index) if span == 0 else 100.0 * (x - x.min()) / span
        if k in _LOWER_IS_BETTER:
            score = 100.0 - score if span else score
        total = total + wk * score
    out["composite_score"] = (total / sum(w.values())).round(2)
    out["rank"] = out["composite_score"].rank(ascending=False, method="min").astype(int)
    if "name_zh" in structure.units:
        out.insert(0, "name_zh", structure.units["name_zh"].reindex(out.index))
    return out


@dataclass(frozen=True)
class ScenarioComparison:
    """Result of :func:`compare_scenarios`.

    Attributes
    ----------
    counties : pandas.DataFrame
        Per unit, for each measure: ``<m>_<year_a>``, ``<m>_<year_b>``,
        ``<m>_delta`` (b - a) and ``<m>_delta_pct``.
    cells : geopandas.GeoDataFrame
        Per grid cell: times to core/pole/seat in both years and deltas.
    year_a, year_b : int
    """

    counties: pd.DataFrame
    cells: gpd.GeoDataFrame
    year_a: int
    year_b: int

    def __repr__(self) -> str:
        return (
            f"ScenarioComparison({self.year_a} -> {self.year_b}: {len(self.counties)} units, {len(self.cells)} cells)"
        )

    def explore(self, *, tiles: str | None = "osm") -> Any:
        """Draw the comparison as an interactive map (see :func:`linyi_spatial.maps.scenario_map`).

        Parameters
        ----------
        tiles : str or None, default "osm"

        Returns
        -------
        folium.Map

        Examples
        --------
        >>> compare_scenarios(2020, 2035, cell_km=5).explore(tiles=None)  # doctest: +SKIP
        """
        from .maps import scenario_map  # maps builds on this module; imported when asked for

        return scenario_map(self, tiles=tiles)

    def _repr_html_(self) -> str:
        cols = [c for c in self.counties.columns if c.endswith("_delta") or c == "name_zh"]
        head = f"<p><b>{html.escape(repr(self))}</b> — change in minutes (negative: faster)</p>"
        return head + self.counties[cols].round(2).to_html(escape=True)


def compare_scenarios(
    year_a: int = 2020,
    year_b: int = 2035,
    *,
    cell_km: float = 1.0,
    structure: Any = None,
    weights: Mapping[str, float] | None = None,
) -> ScenarioComparison:
    """What the network of ``year_b`` changes against ``year_a``, per county and per cell.

    Parameters
    ----------
    year_a, year_b : int, default 2020 and 2035
    cell_km : float, default 1
    structure : SpatialStructure, optional
    weights : mapping, optional
        Composite weights (see :func:`county_accessibility`).

    Returns
    -------
    ScenarioComparison
        Deltas in minutes (negative = faster) and percent.

    Examples
    --------
    >>> c = compare_scenarios(2020, 2035, cell_km=5)
    >>> bool((c.counties["time_to_core_min_delta"] <= 1e-9).all())
    True
    """
    from .network import load_network

    _, structure = _defaults(year_a, load_network(year_a), structure)
    frames, surfaces = {}, {}
    for y in progress((year_a, year_b), desc="scenario years"):
        G = load_network(y)
        surfaces[y] = travel_time_surface(y, G=G, structure=structure, cell_km=cell_km)
        frames[y] = county_accessibility(y, G=G, structure=structure, weights=weights, surface=surfaces[y])
    a, b = frames[year_a], frames[year_b]
    measures = [c for c in a.columns if c not in ("name_zh", "rank")]
    cols: dict[str, pd.Series] = {}
    for m in measures:
        cols[f"{m}_{year_a}"] = a[m]
        cols[f"{m}_{year_b}"] = b[m]
        cols[f"{m}_delta"] = b[m] - a[m]
        with np.errstate(all="ignore"):
            cols[f"{m}_delta_pct"] = 100.0 * (b[m] - a[m]) / a[m].where(a[m] != 0)
    counties = pd.DataFrame(cols)
    if "name_zh" in a:
        counties.insert(0, "name_zh", a["name_zh"])
    sa, sb = surfaces[year_a], surfaces[year_b]
    cells = sa[["cell_id", "unit", "area_km2", "geometry"]].copy()
    for m in ("time_to_core_min", "time_to_nearest_pole_min", "time_to_nearest_seat_min"):
        cells[f"{m}_{year_a}"] = sa[m].to_numpy()
        cells[f"{m}_{year_b}"] = sb[m].to_numpy()
        cells[f"{m}_delta"] = sb[m].to_numpy() - sa[m].to_numpy()
        with np.errstate(all="ignore"):
            cells[f"{m}_delta_pct"] = 100.0 * cells[f"{m}_delta"] / sa[m].where(sa[m] != 0).to_numpy()
    return ScenarioComparison(counties=counties, cells=cells, year_a=year_a, year_b=year_b)
