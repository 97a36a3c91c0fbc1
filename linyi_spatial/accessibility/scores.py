"""Accessibility scores of areal units: seat-based and surface measures, a 0-100 composite and a rank.

The units of analysis are the structure's areal units (counties for a
Chinese prefecture). Seat-based measures time each unit's seat (the place
given by ``seat_of`` in the spec). Surface measures average a travel-time
surface over each unit twice, and the column names say how:

* ``pop_*`` weights each cell by its residents (a population surface,
  :func:`~linyi_spatial.accessibility.structure_population` unless given),
  so a unit is judged by where its people live;
* ``area_*`` weights each cell by its land area, so empty hills count as
  much as towns.

The composite rescales each measure to 0-100 over the units (100 best,
direction from :mod:`linyi_spatial.catalog`) and takes a weighted mean; by
default it uses the population-weighted view (``weighting="area"`` swaps in
the area-weighted one).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .._checks import number
from ..catalog import MEASURES, composite_weights, computed_measures, higher_is_better
from ..decay import Decay, DecayFunction
from ..errors import DataError
from ..network.link import Access
from ..routing.matrix import travel_time_matrix
from .grid import analysis_grid
from .measures import cumulative_opportunities, detour_index, hansen_accessibility
from .population import structure_population
from .surface import structure_nodes, travel_time_surface

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = [
    "COMPOSITE_WEIGHTS",
    "SHARE_LIMITS_MIN",
    "MeasureContext",
    "composite_score",
    "default_weights",
    "seat_accessibility",
    "unit_accessibility",
]


class _CatalogueWeights(Mapping[str, float]):
    """The catalogue's population-view weights, read afresh on every use (a registered measure shows up)."""

    def _now(self) -> dict[str, float]:
        return composite_weights("population")

    def __getitem__(self, key: str) -> float:
        return self._now()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())

    def __repr__(self) -> str:
        return repr(self._now())


COMPOSITE_WEIGHTS: Mapping[str, float] = _CatalogueWeights()
"""Default weights of :func:`unit_accessibility`'s composite score (read-only; from :mod:`linyi_spatial.catalog`).

Half the weight (0.25 + 0.20 + 0.10) measures the tie to the core, the
leading element of a core-poles-axes-points plan; the rest the tie to the
poles and to the other seats and their size. Seat-based and surface views
get 0.6 and 0.3 of the weight, so a unit is not judged by its seat alone.
The surface view is population-weighted: a county is judged by where its
residents live (regional studies in China report 人口加权平均出行时间 for
this reason); ``unit_accessibility(..., weighting="area")`` uses the
``area_*`` measures instead. A documented judgement, not a calibration:
pass ``weights=``. Each weight is the ``weight`` of its
:class:`~linyi_spatial.catalog.Measure`, the one place it is set."""

SHARE_LIMITS_MIN = (30, 60, 90)
COMPOSITE_CUTOFF_MIN = 60
"""The cut-off of the composite's ``size_within_60min`` and ``*_share_within_60min_of_core`` measures."""
"""Time limits of the ``*_share_within_<t>min_of_core`` measures."""


def default_weights(weighting: object = "population") -> dict[str, float]:
    """The catalogue's composite weights with the surface measures of the chosen weighting.

    Parameters
    ----------
    weighting : {"population", "area"}, default "population"

    Returns
    -------
    dict

    Raises
    ------
    DataError
        For another weighting.

    Examples
    --------
    >>> sorted(k for k in default_weights("area") if k.startswith("area_"))
    ['area_mean_time_to_core_min', 'area_share_within_60min_of_core']
    """
    return composite_weights(weighting)


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
        ``composite_score`` (rounded to 0.01) and ``rank``. A unit with an
        undefined measure (NaN or infinite, e.g. the residents' mean time
        of a unit where nobody lives) gets no composite (NaN) and no rank
        (``<NA>``, the column then nullable ``Int64``), with a warning
        naming it; the scale comes from the units where it is defined.

    Raises
    ------
    DataError
        For columns missing from ``measures`` or from the catalogue
        (:data:`linyi_spatial.catalog.MEASURES`), negative weights, a zero
        sum, or a measure no reference unit has.

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
    uncatalogued = sorted(k for k in w if k not in MEASURES)
    if uncatalogued:
        raise DataError(
            f"measure(s) {uncatalogued} are not in the catalogue, so their direction is unknown: "
            "add each with linyi_spatial.catalog.register(name, Measure(...)) (see docs/add-a-measure.md)"
        )
    negative = [k for k, v in w.items() if not (_real(v) and np.isfinite(v) and v >= 0)]
    if negative or sum(w.values()) <= 0:
        raise DataError(f"weights must be finite, non-negative and with a positive sum (bad: {negative})")
    top = max(w.values())
    w = {k: v / top for k, v in w.items()}  # relative weights: their sum cannot overflow
    total = pd.Series(0.0, index=measures.index)
    undefined: dict[str, list[Hashable]] = {}
    for k, wk in w.items():
        x = measures[k].astype(float).replace([np.inf, -np.inf], np.nan)
        if x.isna().any():  # e.g. a residents' mean where nobody lives: no score, said below
            undefined[k] = x[x.isna()].index.tolist()
        r = _defined(ref, k)
        lo, hi = r.min(), r.max()
        scale = max(abs(lo), abs(hi)) or 1.0  # measured in its own scale, so max - min cannot overflow
        span = hi / scale - lo / scale
        if span == 0:
            better_or_equal = x >= lo if higher_is_better(k) else x <= lo
            score = pd.Series(np.where(better_or_equal, 100.0, 0.0), index=x.index)
        else:
            score = 100.0 * (x / scale - lo / scale) / span
            if not higher_is_better(k):
                score = 100.0 - score
        total = total + wk * score
    composite = (total / sum(w.values())).round(2)
    rank = composite.rank(ascending=False, method="min")
    if undefined:
        warnings.warn(
            "composite_score: "
            + "; ".join(f"measure {k!r} is undefined for unit(s) {units}" for k, units in undefined.items())
            + " (e.g. a residents' mean where nobody lives): their composite and rank are left empty",
            UserWarning,
            stacklevel=2,
        )
    return pd.DataFrame({"composite_score": composite, "rank": rank.astype("Int64" if undefined else int)})


def _real(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _defined(frame: pd.DataFrame, k: str) -> pd.Series:
    """A reference measure's defined values (the scale); an error when no unit has one."""
    x = frame[k].astype(float).replace([np.inf, -np.inf], np.nan).dropna()
    if x.empty:
        raise DataError(f"measure {k!r} is undefined for every unit of the reference: it has no scale")
    return x


@dataclass(frozen=True)
class MeasureContext:
    """What a catalogue measure's ``compute`` function is given by :func:`unit_accessibility`.

    Attributes
    ----------
    G : networkx graph
        The network.
    structure : SpatialStructure
    seats : pandas.Series
        Network node of each unit's seat, indexed by unit id.
    seat_times_min : pandas.DataFrame
        Travel times between the seats (minutes), rows and columns by unit id.
    size : pandas.Series
        The units' size (the opportunity mass), indexed by unit id.
    surface : geopandas.GeoDataFrame
        The travel-time surface (``cell_*`` times, ``unit``, ``area_km2``).
    pop_est : numpy.ndarray
        Residents of each surface cell (same order as ``surface``).
    measures : pandas.DataFrame
        The unit measures computed so far (the library's own, then those
        registered before this one).
    """

    G: nx.Graph
    structure: SpatialStructure
    seats: pd.Series
    seat_times_min: pd.DataFrame
    size: pd.Series
    surface: gpd.GeoDataFrame
    pop_est: np.ndarray
    measures: pd.DataFrame


MeasureFunction = Callable[[MeasureContext], pd.Series]
"""The signature of a catalogue measure's ``compute``."""


def _computed(ctx: MeasureContext) -> pd.DataFrame:
    """The registered measures' values, each checked: one finite-or-NaN number per unit, indexed by unit id."""
    out = ctx.measures
    for name, m in computed_measures().items():
        fn = m.compute
        if fn is None:  # computed_measures() holds only measures with a function
            continue
        try:
            values = fn(MeasureContext(**{**ctx.__dict__, "measures": out}))
        except DataError:
            raise
        except Exception as exc:
            raise DataError(f"measure {name!r}: its compute function failed: {exc}") from exc
        if not isinstance(values, pd.Series):
            raise DataError(
                f"measure {name!r}: compute must return a pandas Series by unit id, got {type(values).__name__}"
            )
        missing = [u for u in out.index if u not in values.index]
        if missing:
            raise DataError(f"measure {name!r}: no value for unit(s) {missing}")
        try:
            column = pd.to_numeric(values.reindex(out.index), errors="raise").astype(float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"measure {name!r}: its values are not numbers ({exc})") from exc
        out = out.assign(**{name: column})
    return out


def seat_accessibility(
    G: nx.Graph,
    structure: SpatialStructure,
    *,
    size: str | None = None,
    decay: Decay | DecayFunction = "exponential",
    access: Access | None = None,
    cutoffs_min: Sequence[float] = SHARE_LIMITS_MIN,
) -> pd.DataFrame:
    """Seat-based accessibility of each unit.

    For the seat of each unit: travel time to the core (its anchor), to the
    nearest pole, to the nearest other seat, mean time to all other seats,
    Hansen potential of the units' size (own size included at t = 0), size
    reachable within each of ``cutoffs_min`` (30/60/90 minutes by default), and the detour index of its network
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
    cutoffs_min : sequence of float, default (30, 60, 90)
        Time cut-offs (minutes) of the ``size_within_<c>min`` columns: a
        city's 10/20/30, a province's 60/120/180. The 60-minute column of
        the composite score is always there, so the composite means the
        same whatever cut-offs are asked for.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit id; ``attrs["size"]`` names the size column,
        ``attrs["cutoffs_min"]`` the cut-offs.

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
    return _seat_frame(G, structure, size=size, decay=decay, access=access, cutoffs_min=cutoffs_min)[0]


def _seat_frame(
    G: nx.Graph,
    structure: SpatialStructure,
    *,
    size: str | None,
    decay: Decay | DecayFunction,
    access: Access | None,
    cutoffs_min: Sequence[float] = SHARE_LIMITS_MIN,
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    """The seat measures, with the seats' nodes, the seat-to-seat times and the sizes they came from."""
    size_col = structure.column("size", size)
    targets = structure_nodes(structure, G, access=access)
    places = targets["places"]  # every place resolved once: node and access leg, charged at both ends
    units = pd.Index(targets["seat_units"], name=structure.units.index.name)
    seat_rows = places.loc[targets["seat_places"]].set_axis(units)
    seats = seat_rows["node"]
    T = _between_places(G, seat_rows, targets["seat_places"], seat_rows, targets["seat_places"])
    mass = structure.units[size_col].reindex(seats.index).astype(float).rename("size")
    out = pd.DataFrame(index=seats.index)
    core = [targets["core_place"]]
    out["time_to_core_min"] = _between_places(G, seat_rows, targets["seat_places"], places.loc[core], core).iloc[:, 0]
    poles = targets["pole_places"]
    out["time_to_nearest_pole_min"] = (
        _between_places(G, seat_rows, targets["seat_places"], places.loc[poles], poles).min(axis=1) if poles else np.inf
    )
    others = T.where(~np.eye(len(T), dtype=bool))
    out["time_to_nearest_seat_min"] = others.min(axis=1)
    out["mean_time_to_seats_min"] = others.mean(axis=1)
    out["hansen_size"] = hansen_accessibility(T, mass, decay=decay).to_numpy()
    cuts = _cutoffs(cutoffs_min)
    cum = cumulative_opportunities(T, mass, cuts)
    for c in cum.columns:
        out[c] = cum[c].to_numpy()
    out["detour_index"] = detour_index(G, list(seats)).to_numpy()
    out.attrs["size"] = size_col
    out.attrs["cutoffs_min"] = [c for c in cuts if c in set(map(float, cutoffs_min))]
    return out, seats, T, mass


def _cutoffs(cutoffs_min: Sequence[float]) -> tuple[float, ...]:
    """The cut-offs asked for, with the composite's 60 minutes, checked, sorted and without repeats."""
    if isinstance(cutoffs_min, (str, bytes)) or not isinstance(cutoffs_min, Iterable):
        raise DataError(f"cutoffs_min must be a sequence of minutes, got {cutoffs_min!r}")
    cuts = [number("cutoffs_min", c, allow_low=False, error=DataError) for c in cutoffs_min]
    if not cuts:
        raise DataError("cutoffs_min is empty: give at least one cut-off in minutes")
    return tuple(sorted({*cuts, float(COMPOSITE_CUTOFF_MIN)}))


def _between_places(
    G: nx.Graph, a: pd.DataFrame, a_places: list[Hashable], b: pd.DataFrame, b_places: list[Hashable]
) -> pd.DataFrame:
    """Minutes between resolved places, access legs at both ends; 0 from a place to itself."""
    T = travel_time_matrix(G, a, b)
    same = np.array([[x == y for y in b_places] for x in a_places], dtype=bool).reshape(len(a_places), len(b_places))
    return T.mask(same, 0.0)


def _weighted_means(
    surface: gpd.GeoDataFrame, people: np.ndarray, index: pd.Index, cutoffs_min: Sequence[float] = SHARE_LIMITS_MIN
) -> pd.DataFrame:
    """Per unit, area- and population-weighted mean times and shares within reach of the core."""
    grid = pd.DataFrame(surface.drop(columns=surface.geometry.name))
    cols = {}
    for prefix, w in (("area", grid["area_km2"].to_numpy(dtype=float)), ("pop", people)):
        parts = {"w": w}
        for key, col in (("core", "cell_time_to_core_min"), ("pole", "cell_time_to_nearest_pole_min"),
                         ("seat", "cell_time_to_nearest_seat_min")):  # fmt: skip
            t = grid[col].to_numpy(dtype=float)
            parts[key] = np.multiply(w, t, out=np.zeros_like(w), where=w > 0)  # an empty cell adds nothing
        t_core = grid["cell_time_to_core_min"].to_numpy(dtype=float)
        for limit in cutoffs_min:
            parts[f"near{limit:g}"] = np.where(t_core <= limit, w, 0.0)
        sums = pd.DataFrame(parts).groupby(grid["unit"].to_numpy()).sum().reindex(index)
        total = sums["w"].where(sums["w"] > 0)
        cols[f"{prefix}_mean_time_to_core_min"] = sums["core"] / total
        cols[f"{prefix}_mean_time_to_nearest_pole_min"] = sums["pole"] / total
        cols[f"{prefix}_mean_time_to_nearest_seat_min"] = sums["seat"] / total
        for limit in cutoffs_min:
            cols[f"{prefix}_share_within_{limit:g}min_of_core"] = sums[f"near{limit:g}"] / total
    return pd.DataFrame(cols, index=index)


def unit_accessibility(  # noqa: PLR0913 - keyword options of the scores, each documented
    G: nx.Graph,
    structure: SpatialStructure,
    *,
    size: str | None = None,
    weights: Mapping[str, float] | str | None = None,
    surface: gpd.GeoDataFrame | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
    decay: Decay | DecayFunction = "exponential",
    cutoffs_min: Sequence[float] = SHARE_LIMITS_MIN,
    reference: nx.Graph | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Accessibility scores of every unit: seat-based and surface measures, a 0-100 composite and a rank.

    Seat-based measures come from :func:`seat_accessibility`. Surface
    measures average a
    :func:`~linyi_spatial.accessibility.travel_time_surface` over each
    unit, weighted by residents (``pop_mean_time_to_core_min``,
    ``pop_mean_time_to_nearest_pole_min``,
    ``pop_mean_time_to_nearest_seat_min``,
    ``pop_share_within_{30,60,90}min_of_core``) and by land area (the same
    names with ``area_``). The composite is :func:`composite_score` with
    ``weights``: by default the population-weighted
    :data:`COMPOSITE_WEIGHTS`; ``weights="area"`` takes the area-weighted
    view instead.

    Parameters
    ----------
    G : networkx graph
        Network with ``travel_time`` (seconds) and ``length`` (metres).
    structure : SpatialStructure
        Units with seats.
    size : str, optional
        Unit column of the opportunity mass; default the spec's declared size.
    weights : mapping or {"population", "area"}, optional
        Measure name -> non-negative weight, or the name of a default view
        (:func:`default_weights`); default ``"population"``.
    surface : GeoDataFrame, optional
        A precomputed :func:`~linyi_spatial.accessibility.travel_time_surface`
        for the same network and structure. Its ``pop_est`` column, if any
        (e.g. joined from
        :func:`~linyi_spatial.accessibility.raster_population`), weights
        the ``pop_*`` measures; otherwise
        :func:`~linyi_spatial.accessibility.structure_population` does.
    cell_km : float, default 1
        Cell side of the surface computed here.
    access : Access, optional
        Access legs of seats and cells.
    decay : str or DecayFunction, default "exponential"
        For the Hansen potential.
    cutoffs_min : sequence of float, default (30, 60, 90)
        Time cut-offs (minutes) of ``size_within_<c>min`` and
        ``*_share_within_<c>min_of_core`` (see :func:`seat_accessibility`;
        the composite's 60-minute measures are always there).
    reference : networkx graph or DataFrame, optional
        The scale of the composite. ``None``: the units among themselves
        (the best scores 100, the worst 0), so two tables of different
        networks are not comparable. A base scenario's network: it is
        scored on the same grid, ``G``'s cells may keep the road they join
        there (so a network that only adds links slows no cell, as in
        :func:`~linyi_spatial.accessibility.compare_scenarios`), and the
        composite is on the base's scale, so a unit none of whose measures
        worsens cannot score lower than in the base. A DataFrame: the
        measures of a base table (e.g. an earlier result of this function)
        that fix the scale.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per unit (unit-id index) with ``name``, the measures,
        ``composite_score`` and ``rank``, and the unit's polygon (in the
        units' CRS, WGS-84 for a spec's units), so ``.explore()``,
        ``.plot()`` and ``.to_file()`` work; ``attrs["size"]``,
        ``attrs["weights"]``, ``attrs["population"]`` (the population
        rule), ``attrs["modes"]`` (the network's modes, when it records
        them) and ``attrs["composite"]`` (the scale of the composite)
        record the inputs.

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
    given = isinstance(weights, Mapping)
    w = dict(weights) if isinstance(weights, Mapping) else default_weights("population" if weights is None else weights)
    ref_scores: pd.DataFrame | None = reference if isinstance(reference, pd.DataFrame) else None
    if reference is not None and not isinstance(reference, (pd.DataFrame, nx.Graph)):
        raise DataError(f"reference must be a base network or a table of its measures, got {type(reference).__name__}")
    seat, seats, T, mass = _seat_frame(G, structure, size=size, decay=decay, access=access, cutoffs_min=cutoffs_min)
    if isinstance(reference, nx.Graph):
        if surface is None:
            grid = structure_population(structure, analysis_grid(structure.units, cell_km=cell_km))
            surface = travel_time_surface(G, structure, grid=grid, access=access, base=reference)
        else:
            keep = [c for c in ("cell_id", "unit", "area_km2", "pop_est") if c in surface.columns]
            grid = surface[[*keep, surface.geometry.name]]
        ref_scores = unit_accessibility(
            reference,
            structure,
            size=size,
            weights=w,
            surface=travel_time_surface(reference, structure, grid=grid, access=access),
            access=access,
            decay=decay,
            cutoffs_min=cutoffs_min,
        )
    if surface is None:
        surface = travel_time_surface(G, structure, cell_km=cell_km, access=access)
    population = surface if "pop_est" in surface.columns else structure_population(structure, surface)
    people = population["pop_est"].to_numpy(dtype=float)
    out = seat.join(_weighted_means(surface, people, seat.index, _cutoffs(cutoffs_min)))
    out = _computed(MeasureContext(G, structure, seats, T, mass, surface, people, out))
    dropped = []
    if not given:  # a default weight on a measure no unit has (a structure without poles) is left out, and said
        for k in list(w):
            if k in out.columns and not np.isfinite(out[k].astype(float)).any():
                dropped.append(k)
                del w[k]
    out = out.join(composite_score(out, w, reference=ref_scores))
    out.insert(0, "name", structure.unit_names().reindex(out.index))
    n = len(out)
    scale = (
        f"relative to the {n} units: each measure rescaled 0-100 over them (best 100, worst 0), judgement weights"
        if ref_scores is None
        else f"on the reference's scale: each measure rescaled over the {len(ref_scores)} units of the reference "
        "(values may leave 0-100), judgement weights"
    )
    if dropped:
        scale += f"; left out as no unit has them: {', '.join(dropped)}"
    out.attrs.update(
        size=seat.attrs["size"],
        cutoffs_min=seat.attrs["cutoffs_min"],
        weights=w,
        population=dict(population.attrs.get("population", {"rule": "given"})),
        modes=G.graph.get("modes"),
        composite=scale,
        composite_dropped=dropped,
    )
    units = structure.units
    scores = gpd.GeoDataFrame(out, geometry=units.geometry.reindex(out.index).to_numpy(), crs=units.crs)
    scores.attrs.update(out.attrs)
    return scores
