"""Accessibility scores of areal units: seat-based and area-weighted measures, a 0-100 composite and a rank.

The units of analysis are the structure's areal units (counties for a
Chinese prefecture). Seat-based measures time each unit's seat (the place
given by ``seat_of`` in the spec); area-weighted measures average a
travel-time surface over each unit's land. The composite rescales each
measure to 0-100 over the units (100 best, direction from
:mod:`linyi_spatial.catalog`) and takes a weighted mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ..catalog import higher_is_better
from ..decay import Decay, DecayFunction
from ..errors import DataError
from ..network.link import Access
from ..routing.matrix import travel_time_matrix
from .measures import cumulative_opportunities, detour_index, hansen_accessibility
from .surface import structure_nodes, travel_time_surface

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["COMPOSITE_WEIGHTS", "composite_score", "seat_accessibility", "unit_accessibility"]

COMPOSITE_WEIGHTS: dict[str, float] = {
    "time_to_core_min": 0.25,
    "time_to_nearest_pole_min": 0.10,
    "mean_time_to_seats_min": 0.10,
    "hansen_size": 0.15,
    "size_within_60min": 0.10,
    "grid_mean_time_to_core_min": 0.20,
    "grid_share_within_60min_of_core": 0.10,
}
"""Default weights of :func:`unit_accessibility`'s composite score.

Half the weight (0.25 + 0.20 + 0.10) measures the tie to the core, the
leading element of a core-poles-axes-points plan; the rest the tie to the
poles and to the other seats and their size. Seat-based and area-weighted
views get 0.6 and 0.3 of the weight, so a unit is not judged by its seat
alone. A documented judgement, not a calibration: pass ``weights=``."""


def composite_score(
    measures: pd.DataFrame, weights: Mapping[str, float], *, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A 0-100 composite of measures and its rank.

    Each measure ``k`` is rescaled to 0-100 on the range of a reference,
    ``100 (x - min_ref) / (max_ref - min_ref)``, reversed where lower is
    better (see :func:`linyi_spatial.catalog.higher_is_better`) so 100 is
    always best; ``composite_score = Σ w_k score_k / Σ w_k``; ``rank`` 1 is
    best. The reference is ``measures`` itself by default (the best unit
    scores 100, the worst 0); pass the base scenario's measures to score
    another scenario on the same scale, where values may leave 0-100 and a
    unit whose every measure improves or stays equal can never score lower.
    A measure equal for every reference unit has no scale: it scores 100
    where it is no worse than the reference value, else 0.

    Parameters
    ----------
    measures : pandas.DataFrame
        One row per unit.
    weights : mapping of column -> non-negative weight
    reference : pandas.DataFrame, optional
        Measures whose per-column minimum and maximum fix the scale.

    Returns
    -------
    pandas.DataFrame
        ``composite_score`` (rounded to 0.01) and ``rank``.

    Raises
    ------
    DataError
        For unknown columns, negative weights, a zero sum or undefined values.

    Examples
    --------
    >>> m = pd.DataFrame({"time_to_core_min": [10.0, 20.0, 30.0]}, index=list("abc"))
    >>> composite_score(m, {"time_to_core_min": 1.0})["composite_score"].tolist()
    [100.0, 50.0, 0.0]
    >>> later = m - 5.0  # every unit 5 minutes faster, scored on the base scale
    >>> composite_score(later, {"time_to_core_min": 1.0}, reference=m)["composite_score"].tolist()
    [125.0, 75.0, 25.0]
    """
    w = dict(weights)
    ref = measures if reference is None else reference
    unknown = sorted(set(w) - (set(measures.columns) & set(ref.columns)))
    if unknown:
        raise DataError(f"unknown measure(s) in weights: {unknown}; available: {sorted(measures.columns)}")
    negative = [k for k, v in w.items() if not (np.isfinite(v) and v >= 0)]
    if negative or sum(w.values()) <= 0:
        raise DataError(f"weights must be finite, non-negative and with a positive sum (bad: {negative})")
    total = pd.Series(0.0, index=measures.index)
    for k, wk in w.items():
        x = _defined(measures, k)
        r = _defined(ref, k)
        lo, span = r.min(), r.max() - r.min()
        if span == 0:
            better_or_equal = x >= lo if higher_is_better(k) else x <= lo
            score = pd.Series(np.where(better_or_equal, 100.0, 0.0), index=x.index)
        else:
            score = 100.0 * (x - lo) / span
            if not higher_is_better(k):
                score = 100.0 - score
        total = total + wk * score
    composite = (total / sum(w.values())).round(2)
    return pd.DataFrame(
        {"composite_score": composite, "rank": composite.rank(ascending=False, method="min").astype(int)}
    )


def _defined(frame: pd.DataFrame, k: str) -> pd.Series:
    x = frame[k].astype(float).replace([np.inf, -np.inf], np.nan)
    if x.isna().any():
        raise DataError(f"measure {k!r} is undefined for unit(s) {x[x.isna()].index.tolist()}")
    return x


def seat_accessibility(
    G: nx.Graph,
    structure: SpatialStructure,
    *,
    size: str | None = None,
    decay: Decay | DecayFunction = "exponential",
    access: Access | None = None,
) -> pd.DataFrame:
    """Seat-based accessibility of each unit.

    For the seat of each unit: travel time to the core (its anchor), to the
    nearest pole, to the nearest other seat, mean time to all other seats,
    Hansen potential of the units' size (own size included at t = 0), size
    reachable within 30/60/90 minutes, and the detour index of its network
    routes to the other seats.

    Parameters
    ----------
    G : networkx graph
        Network with ``travel_time`` (seconds) and ``length`` (metres).
    structure : SpatialStructure
        Units with seats (``seat_of`` places).
    size : str, optional
        Unit column of the opportunity mass (e.g. population); default the
        spec's ``[region.columns] size``.
    decay : str or DecayFunction, default "exponential"
        For the Hansen potential.
    access : Access, optional
        Links seats that are not nodes of ``G``.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit id; ``attrs["size"]`` names the size column.

    Raises
    ------
    DataError
        If no size column is given or declared, or the units lack seats.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = seat_accessibility(made_up_network(2020), made_up_structure())
    >>> s.loc["B", "time_to_nearest_pole_min"]
    np.float64(0.0)
    """
    size_col = structure.column("size", size)
    targets = structure_nodes(structure, G, access=access)
    seats = pd.Series(targets["seat"], index=pd.Index(targets["seat_units"], name=structure.units.index.name))
    T = travel_time_matrix(G, seats, seats)
    mass = structure.units[size_col].reindex(seats.index).astype(float).rename("size")
    out = pd.DataFrame(index=seats.index)
    out["time_to_core_min"] = travel_time_matrix(G, seats, targets["core"]).iloc[:, 0].to_numpy()
    out["time_to_nearest_pole_min"] = (
        travel_time_matrix(G, seats, targets["pole"]).min(axis=1).to_numpy() if targets["pole"] else np.inf
    )
    others = T.where(~np.eye(len(T), dtype=bool))
    out["time_to_nearest_seat_min"] = others.min(axis=1)
    out["mean_time_to_seats_min"] = others.mean(axis=1)
    out["hansen_size"] = hansen_accessibility(T, mass, decay=decay).to_numpy()
    cum = cumulative_opportunities(T, mass)
    for c in cum.columns:
        out[c] = cum[c].to_numpy()
    out["detour_index"] = detour_index(G, list(seats)).to_numpy()
    out.attrs["size"] = size_col
    return out


def _area_weighted(surface: gpd.GeoDataFrame, index: pd.Index) -> pd.DataFrame:
    grid = pd.DataFrame(surface.drop(columns=surface.geometry.name))
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
        .reindex(index)
    )
    area = grouped["area_km2"]
    return pd.DataFrame(
        {
            "grid_mean_time_to_core_min": grouped["core_a"] / area,
            "grid_mean_time_to_nearest_pole_min": grouped["pole_a"] / area,
            "grid_mean_time_to_nearest_seat_min": grouped["seat_a"] / area,
            "grid_share_within_60min_of_core": grouped["near_a"] / area,
        },
        index=index,
    )


def unit_accessibility(
    G: nx.Graph,
    structure: SpatialStructure,
    *,
    size: str | None = None,
    weights: Mapping[str, float] | None = None,
    surface: gpd.GeoDataFrame | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
    decay: Decay | DecayFunction = "exponential",
) -> pd.DataFrame:
    """Accessibility scores of every unit: seat-based and area-weighted measures, a 0-100 composite and a rank.

    Seat-based measures come from :func:`seat_accessibility`; area-weighted
    ones average a :func:`~linyi_spatial.accessibility.travel_time_surface`
    over each unit by cell area (``grid_mean_time_to_core_min``,
    ``grid_mean_time_to_nearest_pole_min``,
    ``grid_mean_time_to_nearest_seat_min``,
    ``grid_share_within_60min_of_core``). The composite is
    :func:`composite_score` with ``weights``.

    Parameters
    ----------
    G : networkx graph
        Network with ``travel_time`` (seconds) and ``length`` (metres).
    structure : SpatialStructure
        Units with seats.
    size : str, optional
        Unit column of the opportunity mass; default the spec's declared size.
    weights : mapping, optional
        Measure name -> non-negative weight; default :data:`COMPOSITE_WEIGHTS`.
    surface : GeoDataFrame, optional
        A precomputed :func:`~linyi_spatial.accessibility.travel_time_surface`
        for the same network and structure.
    cell_km : float, default 1
        Cell side of the surface computed here.
    access : Access, optional
        Access legs of seats and cells.
    decay : str or DecayFunction, default "exponential"
        For the Hansen potential.

    Returns
    -------
    pandas.DataFrame
        One row per unit (unit-id index) with ``name``, the measures,
        ``composite_score`` and ``rank``; ``attrs["size"]`` and
        ``attrs["weights"]`` record the inputs.

    Raises
    ------
    DataError
        For unknown measure names, bad weights, or a missing size column.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> scores = unit_accessibility(made_up_network(2020), made_up_structure(), cell_km=5)
    >>> len(scores), int(scores["rank"].min())
    (5, 1)
    """
    w = dict(COMPOSITE_WEIGHTS if weights is None else weights)
    seat = seat_accessibility(G, structure, size=size, decay=decay, access=access)
    if surface is None:
        surface = travel_time_surface(G, structure, cell_km=cell_km, access=access)
    out = seat.join(_area_weighted(surface, seat.index))
    out = out.join(composite_score(out, w))
    out.insert(0, "name", structure.unit_names().reindex(out.index))
    out.attrs.update(size=seat.attrs["size"], weights=w)
    return out
