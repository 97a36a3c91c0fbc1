"""Linyi one-liners: the general analyses with Linyi's data and defaults filled in.

Each function here only composes the core: it loads the embedded data for
the years asked for and passes it, with :mod:`~linyi_spatial.linyi.defaults`,
to the general function of the same name (or :func:`county_accessibility`
to :func:`~linyi_spatial.accessibility.unit_accessibility`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from .. import accessibility as acc
from .. import hierarchy as hier
from .. import sensitivity as sa
from .._io import read_text
from ..errors import SpecError
from ..export import to_geopackage
from ..network import axes_along_network
from ..network.link import Access
from ..network.reference import compare_reference as acc_reference
from ..network.reference import lightest_edges
from ..structure import SpatialStructure
from .calibration import reference_distances
from .datasets import data_path, load_counties
from .defaults import (
    BASE_YEAR,
    CAR_MODES,
    CORE_NODE,
    PLAN_YEAR,
    PROJECTED_CRS,
    SEAPORTS,
    SENSITIVITY_SPACE,
    STATION_PENALTY_MIN,
    STATION_PENALTY_RANGE_MIN,
    TIER_WEIGHTS,
    UNIT_COLUMNS,
    URBANIZATION_TARGETS,
)
from .network import load_network

__all__ = [
    "LINYI_SPEC",
    "access_equity",
    "commuting_circle_areas",
    "commuting_circles",
    "compare_scenarios",
    "county_accessibility",
    "export_geopackage",
    "hierarchy_report",
    "isochrones",
    "load_structure",
    "seat_times_to_core",
    "sensitivity",
    "sources",
    "times_by_mode",
    "transport_superiority",
    "travel_time_surface",
    "urbanization_targets",
]

LINYI_SPEC = "linyi_structure.toml"
"""File name of the embedded Linyi 2021–2035 spec."""


def load_structure(
    *,
    axis_variant: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    axes: str = "network",
    network_year: int = PLAN_YEAR,
) -> SpatialStructure:
    """Load Linyi's planned 2021–2035 structure (一心、三极、七轴、多点).

    Parameters
    ----------
    axis_variant : str, optional
        ``None`` for the default radial reading of the seven axes, ``"grid"``
        for the alternative "井"-shaped reading. Both are reconstructions
        (marked ``status="reconstruction"`` with a reason) because no
        readable source lists the plan's seven axes.
    units : geopandas.GeoDataFrame, optional
        Units to use; defaults to :func:`load_counties`.
    axes : {"network", "anchors"}, default "network"
        ``"network"``: each axis follows the embedded transport network
        through its places along its named corridors
        (:func:`linyi_spatial.network.axes_along_network`);
        ``"anchors"``: straight lines between the places' anchor points.
    network_year : int, default 2035
        Network year used for ``axes="network"`` (the plan horizon).

    Returns
    -------
    SpatialStructure
        With the county table's column roles declared (``name_zh``,
        ``pop_2020``, ``urban_pop_2020``, ``pop_2010``).

    Raises
    ------
    SpecError
        If ``axes`` is not one of the two options.

    Examples
    --------
    >>> s = load_structure()
    >>> s.poles["name_zh"].tolist()
    ['沂水', '平邑', '临港']
    >>> s.axes["geometry_source"].unique().tolist()
    ['network']
    """
    if axes not in ("network", "anchors"):
        raise SpecError(f"axes must be 'network' or 'anchors', got {axes!r}")
    structure = SpatialStructure.from_file(
        data_path(LINYI_SPEC), units=load_counties() if units is None else units, axis_variant=axis_variant
    )
    declared = {k: v for k, v in UNIT_COLUMNS.items() if k == "size_base_year" or v in structure.units}
    structure = replace(structure, columns=declared)
    if axes == "anchors":
        return structure
    return axes_along_network(structure, load_network(network_year))


def _reference_year(year: int, reference: int | str | None) -> int | None:
    """The year whose scale a ``year`` table uses: the base year for later years unless told otherwise."""
    if reference == "base":
        return BASE_YEAR if year > BASE_YEAR else None
    if reference is None:
        return None
    if isinstance(reference, bool) or not isinstance(reference, int):
        raise SpecError(f"reference must be a network year, None or 'base', got {reference!r}")
    return None if reference == year else reference


def seat_times_to_core(
    year: int = BASE_YEAR,
    *,
    penalties_min: Sequence[float] = (STATION_PENALTY_RANGE_MIN[0], STATION_PENALTY_MIN, STATION_PENALTY_RANGE_MIN[1]),
    access: Access | None = None,
) -> pd.DataFrame:
    """Each county seat's time to the core by car, and by the better of car and rail, in minutes.

    The car time uses the road network only. The rail measure takes the
    faster of car and a rail trip (road to the station at 30 km/h on its
    access link, the ride, the same at the other end) with a station
    penalty at each end; the penalty is an assumption
    (:data:`~linyi_spatial.linyi.defaults.STATION_PENALTY_MIN`, range
    :data:`~linyi_spatial.linyi.defaults.STATION_PENALTY_RANGE_MIN`), so
    the measure is given at each of ``penalties_min``.

    Parameters
    ----------
    year : int, default 2020
    penalties_min : sequence of float, default (5, 10, 20)
        Station penalties (minutes at each end).
    access : Access, optional

    Returns
    -------
    pandas.DataFrame
        12 rows by adcode: ``name``, ``time_to_core_car_min``, one
        ``time_to_core_car_or_rail_p<k>_min`` per penalty ``k``, and
        ``faster_by`` (``"car"`` or ``"rail"`` at the default penalty).

    Examples
    --------
    >>> t = seat_times_to_core(2020)
    >>> bool((t["time_to_core_car_or_rail_p10_min"] <= t["time_to_core_car_min"] + 1e-9).all())
    True
    """
    s = load_structure(axes="anchors")
    car = acc.seat_accessibility(load_network(year, modes=CAR_MODES), s, access=access)["time_to_core_min"]
    out = pd.DataFrame({"name": s.unit_names().reindex(car.index), "time_to_core_car_min": car})
    for k in penalties_min:
        both = load_network(year, station_penalty_min=float(k))
        out[f"time_to_core_car_or_rail_p{float(k):g}_min"] = acc.seat_accessibility(both, s, access=access)[
            "time_to_core_min"
        ]
    default = f"time_to_core_car_or_rail_p{STATION_PENALTY_MIN:g}_min"
    if default in out:
        out["faster_by"] = ["rail" if r < c - 1e-9 else "car" for r, c in zip(out[default], car, strict=True)]
    out.attrs.update(year=year, penalties_min=[float(k) for k in penalties_min], modes_car=CAR_MODES)
    return out


def county_accessibility(
    year: int = BASE_YEAR,
    *,
    weights: Mapping[str, float] | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
    surface: gpd.GeoDataFrame | None = None,
    reference: int | str | None = "base",
) -> pd.DataFrame:
    """Accessibility scores of Linyi's 12 county-level units on the ``year`` road network (car only).

    :func:`linyi_spatial.accessibility.unit_accessibility` with the
    embedded road network of ``year`` (car times:
    :data:`~linyi_spatial.linyi.defaults.CAR_MODES`), the structure
    (straight axes; axes do not enter the scores) and ``pop_2020`` as size.
    A later year is scored on the base year's scale and grid, its cells
    keeping the 2020 road where that is quicker, so its table compares
    with 2020's: a county none of whose inputs worsens never scores lower.
    The composite is relative (the 12 units of the reference, min-max per
    measure, judgement weights): read it with the ranks and the component
    times beside it. ``time_to_core_car_or_rail_min`` adds the better of
    car and rail (station penalty
    :data:`~linyi_spatial.linyi.defaults.STATION_PENALTY_MIN` each end),
    with ``_p5``/``_p20`` columns for the penalty's range; it is not in
    the composite.

    Parameters
    ----------
    year : int, default 2020
    weights : mapping, optional
        Composite weights (default :data:`~linyi_spatial.accessibility.COMPOSITE_WEIGHTS`).
    cell_km : float, default 1
    access : Access, optional
    surface : GeoDataFrame, optional
        A precomputed surface for the same year (car network).
    reference : int, None or "base", default "base"
        The year whose scale the composite uses: ``"base"`` is 2020 for any
        later year (and the year itself otherwise); ``None`` rescales the
        year's table on its own (not comparable across years).

    Returns
    -------
    pandas.DataFrame
        12 rows indexed by adcode, ``name`` (Chinese), measures, ``composite_score``, ``rank``;
        ``attrs["reference_year"]``, ``attrs["modes"]``, ``attrs["composite"]``.

    Examples
    --------
    >>> scores = county_accessibility(2020, cell_km=5)
    >>> len(scores), int(scores["rank"].min()), scores.attrs["modes"]
    (12, 1, ('road',))
    """
    ref_year = _reference_year(year, reference)
    s = load_structure(axes="anchors")
    out = acc.unit_accessibility(
        load_network(year, modes=CAR_MODES),
        s,
        weights=weights,
        surface=surface,
        cell_km=cell_km,
        access=access,
        reference=None if ref_year is None else load_network(ref_year, modes=CAR_MODES),
    )
    rail = seat_times_to_core(year, access=access)
    at = list(out.columns).index("time_to_core_min") + 1
    for i, (col, new) in enumerate(
        (
            (f"time_to_core_car_or_rail_p{STATION_PENALTY_MIN:g}_min", "time_to_core_car_or_rail_min"),
            (f"time_to_core_car_or_rail_p{STATION_PENALTY_RANGE_MIN[0]:g}_min", "time_to_core_car_or_rail_p5_min"),
            (f"time_to_core_car_or_rail_p{STATION_PENALTY_RANGE_MIN[1]:g}_min", "time_to_core_car_or_rail_p20_min"),
        )
    ):
        out.insert(at + i, new, rail[col].reindex(out.index))
    out.attrs.update(reference_year=ref_year if ref_year is not None else year, station_penalty_min=STATION_PENALTY_MIN)
    return out


def travel_time_surface(
    year: int = BASE_YEAR, *, cell_km: float = 1.0, access: Access | None = None, reference: int | str | None = "base"
) -> gpd.GeoDataFrame:
    """Travel-time surface of Linyi on the ``year`` road network (car; core, nearest pole, nearest seat).

    A later year's cells may keep the road they join in the base year
    (``reference``), so no cell is slower in 2035 than in 2020 for want of
    a road it used to take.

    Parameters
    ----------
    year : int, default 2020
    cell_km : float, default 1
    access : Access, optional
    reference : int, None or "base", default "base"
        The base year whose cell links a later year keeps (2020); ``None``: the year's own links only.

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`linyi_spatial.accessibility.travel_time_surface`.

    Examples
    --------
    >>> s = travel_time_surface(2020, cell_km=5)
    >>> bool(s["cell_time_to_core_min"].between(0, 180).all())
    True
    """
    ref_year = _reference_year(year, reference)
    base = None if ref_year is None else load_network(ref_year, modes=CAR_MODES)
    return acc.travel_time_surface(
        load_network(year, modes=CAR_MODES), load_structure(axes="anchors"), cell_km=cell_km, access=access, base=base
    )


def isochrones(
    cutoffs_min: Sequence[float] = (15, 30, 60, 90),
    *,
    year: int = BASE_YEAR,
    origin: str = CORE_NODE,
    cell_km: float = 1.0,
    access: Access | None = None,
) -> gpd.GeoDataFrame:
    """Isochrones over Linyi by car from a network node (default the municipal government).

    Parameters
    ----------
    cutoffs_min : sequence of float, default (15, 30, 60, 90)
    year : int, default 2020
    origin : str, default "city_hall"
        A node id of the embedded network.
    cell_km : float, default 1
    access : Access, optional

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`linyi_spatial.accessibility.isochrones`.

    Examples
    --------
    >>> iso = isochrones((30, 60), cell_km=5)
    >>> iso["cutoff_min"].tolist()
    [30.0, 60.0]
    """
    return acc.isochrones(
        load_network(year, modes=CAR_MODES), origin, cutoffs_min, region=load_counties(), cell_km=cell_km, access=access
    )


def compare_scenarios(
    year_a: int = BASE_YEAR,
    year_b: int = PLAN_YEAR,
    *,
    cell_km: float = 1.0,
    weights: Mapping[str, float] | None = None,
    access: Access | None = None,
) -> acc.ScenarioComparison:
    """What Linyi's ``year_b`` network changes against ``year_a``, per county and per cell, by mode.

    The scores, cells and composite are car times (the road network). The
    seats' times to the core are also given by mode in ``by_mode``: car,
    and the better of car and rail at the default station penalty with its
    range (:func:`seat_times_to_core`), for each county and for the
    residents (the counties weighted by their 2020 residents, each counted
    at its seat), so a planned rail line shows where it buys time.

    Parameters
    ----------
    year_a, year_b : int, default 2020 and 2035
    cell_km : float, default 1
    weights : mapping, optional
    access : Access, optional

    Returns
    -------
    ScenarioComparison
        Labelled by the two years.

    Examples
    --------
    >>> c = compare_scenarios(2020, 2035, cell_km=5)
    >>> bool((c.units["time_to_core_min_delta"] <= 1e-9).all())
    True
    """
    comparison = acc.compare_scenarios(
        load_network(year_a, modes=CAR_MODES),
        load_network(year_b, modes=CAR_MODES),
        load_structure(axes="anchors"),
        labels=(year_a, year_b),
        weights=weights,
        cell_km=cell_km,
        access=access,
    )
    return replace(comparison, by_mode=times_by_mode(year_a, year_b, access=access))


NETWORK_CHECK_TOLERANCE_PCT = 15.0
"""A published distance the embedded network should meet within ±15 % (the goal for figures held out of any fit)."""


def network_check(year: int = BASE_YEAR) -> pd.DataFrame:
    """The embedded network's distances beside every published road distance used to check it, with the error.

    Each row of ``linyi_reference_distances.csv`` (toll-station to
    toll-station sections and city-to-county routes from the city highway
    bureau, 2012, W2; the G2's length inside Linyi, T1: ``data/SOURCES.md``)
    is routed on the ``year`` network as the table says (via nodes, classes
    left out, shortest by length or quickest) and its length set beside the
    published one. ``use`` says how each figure was used, by a rule fixed
    before any result was seen: the six toll-to-toll sections placed the
    interchanges (:mod:`~linyi_spatial.linyi.calibration`; met exactly, so
    their agreement is in-sample), the 沂蒙路 route chose the road circuity
    (:data:`~linyi_spatial.linyi.defaults.ROAD_CIRCUITY`), and the five
    others are **held out**: their error is the out-of-sample check. A
    figure stated for the part of a road inside Linyi (``measure`` ``inside
    Linyi``) is compared with the route's length inside the city's boundary.

    Parameters
    ----------
    year : int, default 2020

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``figure``, ``published_km``, ``modelled_km``,
        ``error_pct`` (modelled over published, − 1), ``within_15pct``,
        ``use`` (``fit positions``, ``fit circuity`` or ``held out``),
        ``published_as`` (the source's words) and ``source``; ``attrs``
        hold the year, the tolerance and the held-out errors' largest
        absolute value (``held_out_max_abs_error_pct``).

    Examples
    --------
    >>> t = network_check(2020)
    >>> len(t), int((t["use"] == "held out").sum())
    (12, 5)
    """
    reference = reference_distances()
    G = load_network(year)
    checked = acc_reference(G, reference)
    inside = reference["measure"] == "inside Linyi"
    if inside.any():
        boundary = load_counties().to_crs(PROJECTED_CRS).union_all()
        for i in reference.index[inside]:
            km = _route_km_inside(G, reference.loc[i], boundary)
            checked.loc[i, "network_km"] = km
            checked.loc[i, "error_pct"] = (km / reference.loc[i, "length_km"] - 1.0) * 100.0
    out = pd.DataFrame(
        {
            "figure": checked["pair"],
            "published_km": checked["length_km"].astype(float),
            "modelled_km": checked["network_km"].astype(float).round(1),
            "error_pct": checked["error_pct"].astype(float).round(1),
            "within_15pct": checked["error_pct"].abs() <= NETWORK_CHECK_TOLERANCE_PCT,
            "use": checked["use"],
            "published_as": checked["published_as"],
            "source": checked["source"],
        }
    )
    held = out.loc[out["use"] == "held out", "error_pct"].abs()
    out.attrs.update(year=year, tolerance_pct=NETWORK_CHECK_TOLERANCE_PCT, held_out_max_abs_error_pct=float(held.max()))
    return out


def _route_km_inside(G: Any, row: pd.Series, boundary: Any) -> float:
    """Length (km) inside ``boundary`` (projected) of the shortest-by-length route of a reference row."""
    D = lightest_edges(G, frozenset(c for c in str(row["exclude_classes"]).split(";") if c), "length")
    path = list(itertools.pairwise(nx.shortest_path(D, str(row["from"]), str(row["to"]), weight="length")))
    lines = gpd.GeoSeries([D[u][v]["geometry"] for u, v in path], crs="EPSG:4326").to_crs(PROJECTED_CRS)
    share = shapely.length(shapely.intersection(lines.to_numpy(), boundary)) / lines.length.to_numpy()
    return float((np.array([D[u][v]["length"] for u, v in path]) * share).sum() / 1000.0)


def times_by_mode(year_a: int = BASE_YEAR, year_b: int = PLAN_YEAR, *, access: Access | None = None) -> pd.DataFrame:
    """Each seat's time to the core by car and by the better of car and rail, in both years, and the change.

    Parameters
    ----------
    year_a, year_b : int, default 2020 and 2035
    access : Access, optional

    Returns
    -------
    pandas.DataFrame
        One row per county (by adcode) and a last row ``residents`` (the
        counties' times weighted by their 2020 residents, each county
        counted at its seat): ``name``, and for ``mode`` in ``car`` and
        ``car_or_rail`` (rail at the default station penalty,
        :data:`~linyi_spatial.linyi.defaults.STATION_PENALTY_MIN`):
        ``time_to_core_<mode>_<year>_min`` for both years and
        ``time_to_core_<mode>_delta_min``; ``car_or_rail_delta_low_min`` and
        ``car_or_rail_delta_high_min`` bound the change over the station
        penalty's range (:data:`~linyi_spatial.linyi.defaults.STATION_PENALTY_RANGE_MIN`).

    Examples
    --------
    >>> t = times_by_mode(2020, 2035)
    >>> bool((t["time_to_core_car_or_rail_delta_min"] <= 1e-9).all())
    True
    """
    lo, hi = STATION_PENALTY_RANGE_MIN
    a = seat_times_to_core(year_a, penalties_min=(lo, STATION_PENALTY_MIN, hi), access=access)
    b = seat_times_to_core(year_b, penalties_min=(lo, STATION_PENALTY_MIN, hi), access=access)
    rail = f"time_to_core_car_or_rail_p{STATION_PENALTY_MIN:g}_min"
    out = pd.DataFrame({"name": a["name"]})
    for mode, col in (("car", "time_to_core_car_min"), ("car_or_rail", rail)):
        out[f"time_to_core_{mode}_{year_a}_min"] = a[col]
        out[f"time_to_core_{mode}_{year_b}_min"] = b[col]
        out[f"time_to_core_{mode}_delta_min"] = b[col] - a[col]
    at_lo, at_hi = (b[f"time_to_core_car_or_rail_p{k:g}_min"] - a[f"time_to_core_car_or_rail_p{k:g}_min"]
                    for k in (lo, hi))  # fmt: skip
    out["car_or_rail_delta_low_min"] = np.minimum(at_lo, at_hi)
    out["car_or_rail_delta_high_min"] = np.maximum(at_lo, at_hi)
    pop = load_counties()["pop_2020"].astype(float).reindex(out.index)
    residents = {c: float((out[c] * pop).sum() / pop.sum()) for c in out.columns if c != "name"}
    out.loc["residents"] = {"name": "residents (counties weighted by 2020 residents, at their seats)", **residents}
    out.attrs.update(
        station_penalty_min=STATION_PENALTY_MIN, penalty_range_min=(lo, hi), years=(year_a, year_b),
        residents="each county's residents counted at its seat (a seat-based proxy, not the cells' residents)",
    )  # fmt: skip
    return out


def access_equity(
    years: Sequence[int] = (BASE_YEAR, PLAN_YEAR),
    *,
    measure: str = "cell_time_to_core_min",
    cell_km: float = 1.0,
) -> pd.DataFrame:
    """How evenly Linyi's residents are served: the Gini and Theil of a cell's car time, per county and for the city.

    :func:`linyi_spatial.accessibility.equity` of each year's
    :func:`travel_time_surface` (a later year keeping the base year's cell
    links, as its headline table does), every cell weighted by its modelled
    residents (one population surface for all years), so a change between
    years is the network's alone.

    Parameters
    ----------
    years : sequence of int, default (2020, 2035)
    measure : str, default "cell_time_to_core_min"
        A cell measure of the surface.
    cell_km : float, default 1

    Returns
    -------
    pandas.DataFrame
        Indexed by (year, adcode), the city's row labelled ``"linyi"`` last
        in each year: ``name``, ``people``, ``mean``, ``gini``, ``theil``,
        ``unreachable_people`` and, for the city, ``theil_between`` and
        ``theil_within`` (between and within counties).

    Examples
    --------
    >>> e = access_equity((2020,), cell_km=5)
    >>> bool(0 < e.loc[(2020, "linyi"), "gini"] < 1)
    True
    """
    s = load_structure(axes="anchors")
    people = acc.structure_population(s, acc.analysis_grid(s.units, cell_km=cell_km))
    names = s.unit_names()
    parts = {}
    for year in years:
        ref_year = _reference_year(year, "base")
        base = None if ref_year is None else load_network(ref_year, modes=CAR_MODES)
        surface = acc.travel_time_surface(load_network(year, modes=CAR_MODES), s, grid=people, base=base)
        table = acc.equity(surface, measure, region="linyi")
        table.insert(0, "name", [names.get(u, "临沂市") for u in table.index])
        parts[year] = table
    out = pd.concat(parts, names=["year", "adcode"])
    out.attrs.update(measure=measure, weight="pop_est (modelled residents)", modes=CAR_MODES, cell_km=cell_km)
    return out


EQUITY_EXPORT = {
    "mean": "mean_time_to_core_residents_min",
    "gini": "gini_time_to_core",
    "theil": "theil_time_to_core",
}
"""The :func:`access_equity` columns the GeoPackage's units layer carries, by their names there."""

SUPERIORITY_EXPORT = ("density_km_per_km2", "trunk_score", "location_score", "superiority")
"""The 交通优势度 columns the GeoPackage's units layer carries (with ``superiority_rank``)."""


def transport_superiority(
    year: int = BASE_YEAR,
    *,
    cells: bool = False,
    cell_km: float = 1.0,
    reference: int | str | None = "base",
    **options: Any,
) -> acc.TransportSuperiority:
    """交通优势度 of Linyi's 12 units on the ``year`` network (roads and railways), seaports included.

    :func:`linyi_spatial.accessibility.transport_superiority` with the
    embedded network of ``year`` (density counts its expressways, trunk
    and urban roads and railways — the modelled trunk network, not every
    road), its interchanges, stations and airport, and the seaports Linyi
    uses (:data:`~linyi_spatial.linyi.defaults.SEAPORTS`); the location
    component times each seat to the core by car.

    Parameters
    ----------
    year : int, default 2020
    cells : bool, default False
        Also score every grid cell (on the year's surface).
    cell_km : float, default 1
    reference : int, None or "base", default "base"
        The year whose units' scale normalises the components: ``"base"``
        is 2020 for a later year, so 2035's index compares with 2020's
        (and may pass 1); ``None`` rescales the year on its own.
    **options
        Passed on (``scores``, ``bands_km``, ``location_bands_min``, ``weights``, ``normalise``, ``radius_km``).

    Returns
    -------
    TransportSuperiority

    Examples
    --------
    >>> r = transport_superiority(2020)
    >>> r.units.loc["371302", "rank"], len(r.units)
    (np.int64(1), 12)
    """
    s = load_structure(axes="anchors")
    G = load_network(year)
    car = load_network(year, modes=CAR_MODES)  # the location time by car, as the county table
    surface = travel_time_surface(year, cell_km=cell_km) if cells else None
    ports = pd.DataFrame(SEAPORTS).set_index("id")
    ref_year = _reference_year(year, reference)
    ref = None if ref_year is None else transport_superiority(ref_year, reference=None, **options)
    return acc.transport_superiority(
        G,
        s,
        facilities=ports,
        surface=surface,
        location_graph=car,
        reference=ref,
        **options,
    )


def _circle_times(year: int, cell_km: float) -> tuple[SpatialStructure, gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Linyi's structure, its populated cells, and each cell's car time to the core's anchor and to every seat."""
    s = load_structure(axes="anchors")
    people = acc.structure_population(s, acc.analysis_grid(s.units, cell_km=cell_km))
    G = load_network(year, modes=CAR_MODES)
    ref_year = _reference_year(year, "base")
    base = None if ref_year is None else load_network(ref_year, modes=CAR_MODES)
    core_t = acc.cell_times_to(G, people, pd.Series([s.core["anchor"].iloc[0]], index=[s.core.index[0]]), base=base)
    seat_t = acc.cell_times_to(G, people, pd.Series(list(s.seats.index), index=list(s.seats["unit"])), base=base)
    return s, people, core_t, seat_t


def commuting_circle_areas(year: int = BASE_YEAR, *, cell_km: float = 1.0) -> gpd.GeoDataFrame:
    """The areas of :func:`commuting_circles`: the central city's 1-hour circle and each seat's half-hour circle.

    Parameters
    ----------
    year : int, default 2020
    cell_km : float, default 1

    Returns
    -------
    geopandas.GeoDataFrame
        One row per circle: ``centre``, ``name``, ``cutoff_min``, ``people``, ``area_km2``, geometry (WGS-84).

    Examples
    --------
    >>> a = commuting_circle_areas(2020, cell_km=5)
    >>> a["cutoff_min"].tolist().count(30.0)
    12
    """
    s, people, core_t, seat_t = _circle_times(year, cell_km)
    areas = pd.concat([acc.circle_areas(people, core_t, 60.0), acc.circle_areas(people, seat_t, 30.0)],
                      ignore_index=True)  # fmt: skip
    names = {**s.unit_names().to_dict(), s.core.index[0]: str(s.core["name_zh"].iloc[0])}
    areas.insert(1, "name", [names.get(c, str(c)) for c in areas["centre"]])
    out = gpd.GeoDataFrame(areas, geometry="geometry", crs=people.crs)
    out.attrs.update(year=year, modes=CAR_MODES, cell_km=cell_km)
    return out


def commuting_circles(year: int = BASE_YEAR, *, cell_km: float = 1.0) -> pd.DataFrame:
    """Linyi's residents within the 1-hour circle of the central city and the half-hour circles of the seats, by car.

    The 1-hour circle (60 min from the municipal government, the core's
    anchor) is the commuting reach of a 都市圈 (NDRC 2019); the half-hour
    circles round each of the 12 seats are the 城镇圈 of the spatial-planning
    guidance. Residents are the modelled population surface (census totals
    per county); a later year keeps the base year's cell links.

    Parameters
    ----------
    year : int, default 2020
    cell_km : float, default 1

    Returns
    -------
    pandas.DataFrame
        Indexed by (``circles``, ``circle``): ``core_60min`` with the
        central city's circle and ``none``; ``seats_30min`` with one row
        per seat (by adcode), ``any``, ``overlap`` (within 30 min of two
        seats or more) and ``none``. Columns: ``name``, the residents
        inside per county (adcodes), ``total``, ``share`` of all residents
        and ``cutoff_min``.

    Examples
    --------
    >>> c = commuting_circles(2020, cell_km=5)
    >>> bool(0 < c.loc[("core_60min", "central_city"), "share"] < 1)
    True
    """
    s, people, core_t, seat_t = _circle_times(year, cell_km)
    core_id = s.core.index[0]
    w, u = people["pop_est"].to_numpy(dtype=float), people["unit"].to_numpy()
    core = acc.commuting_circles(core_t, w, u, 60.0).drop(index=["any", "overlap"])
    seat = acc.commuting_circles(seat_t, w, u, 30.0)
    out = pd.concat({"core_60min": core, "seats_30min": seat}, names=["circles", "circle"])
    names = {
        **s.unit_names().to_dict(),
        core_id: "中心城区 (1 h)",
        "any": "任一",
        "overlap": "两个及以上",
        "none": "无",
    }
    out.insert(0, "name", [names.get(c, str(c)) for _, c in out.index])
    out.attrs.update(year=year, modes=CAR_MODES, cell_km=cell_km, people="modelled residents (census 2020 totals)")
    return out


class _CountyFigures:
    """Linyi's county figures for one sample: the car scores and the better of car and rail to the core."""

    def __init__(self, cell_km: float, base: bool) -> None:
        self.scores = sa.unit_scores(cell_km=cell_km, graph="car", base="car_base" if base else None)

    def __call__(self, inputs: sa.Inputs) -> pd.DataFrame:
        out = self.scores(inputs)
        rail = acc.seat_accessibility(inputs.graphs["car_and_rail"], inputs.structure, access=inputs.access)
        out.insert(
            list(out.columns).index("time_to_core_min") + 1,
            "time_to_core_car_or_rail_min",
            rail["time_to_core_min"].reindex(out.index),
        )
        return out


def sensitivity(
    year: int = BASE_YEAR,
    *,
    n: int = 200,
    seed: int | None = 0,
    processes: int | None = None,
    cell_km: float = 1.0,
    space: sa.ParameterSpace | None = None,
    design: str = "both",
) -> sa.Sensitivity:
    """How much Linyi's county figures of ``year`` depend on the assumptions: ranges, rank stability, shares.

    :func:`linyi_spatial.sensitivity.sensitivity` of the county table
    (:func:`county_accessibility`: car times, the population-weighted
    surface measures, the composite and its rank, and
    ``time_to_core_car_or_rail_min``) over
    :data:`~linyi_spatial.linyi.defaults.SENSITIVITY_SPACE`: operating
    speeds by road class, the access leg's speed and circuity, the station
    penalty, the decay half-life, the population model's urban density and
    seat weight, and each composite weight, every range with its source
    (data/SOURCES.md). The defaults are the headline table itself; each
    sample's composite is scored on the defaults' scale. For a later year
    the cells may keep their base-year road, as in the headline table, and
    the composite's scale is that year's defaults (its times and shares
    compare with 2020's ranges; its composite does not).

    Parameters
    ----------
    year : int, default 2020
    n : int, default 200
        Latin-hypercube samples (plus two one-at-a-time runs per parameter).
    seed : int or None, default 0
    processes : int, optional
        Worker processes (default: the machine's cores, at most 4).
    cell_km : float, default 1
    space : ParameterSpace, optional
        Another parameter space (default Linyi's).
    design : {"both", "lhs", "oat"}, default "both"

    Returns
    -------
    linyi_spatial.sensitivity.Sensitivity
        Indexed by adcode; ``names`` are the Chinese county names.

    Examples
    --------
    >>> s = sensitivity(2020, n=4, cell_km=10, processes=1, design="lhs")
    >>> r = s.summary("time_to_core_min")
    >>> bool(((r["min"] <= r["default"]) & (r["default"] <= r["max"])).all())
    True
    """
    graphs = {
        "car": load_network(year, modes=CAR_MODES),
        "car_and_rail": load_network(year, station_penalty_min=STATION_PENALTY_MIN),
    }
    ref_year = _reference_year(year, "base")
    if ref_year is not None:
        graphs["car_base"] = load_network(ref_year, modes=CAR_MODES)
    workers = min(os.cpu_count() or 1, 4) if processes is None else processes
    return sa.sensitivity(
        _CountyFigures(cell_km, base=ref_year is not None),
        graphs,
        load_structure(axes="anchors"),
        SENSITIVITY_SPACE if space is None else space,
        design=design,
        n=n,
        seed=seed,
        processes=workers,
    )


def urbanization_targets(*, growth: float | tuple[str, int] = 0.0) -> pd.DataFrame:
    """Linyi's urbanization: the 2020 census rate, the plan's 62 % (2025) and 72 % (2035), and the path between.

    Parameters
    ----------
    growth : float or (str, int), default 0.0
        Population growth per year: 0 keeps the 2020 census population (a
        stated assumption, not a forecast); ``("pop_2010", 2010)`` uses the
        2010–2020 intercensal rate (0.93 %/yr, an upper bound given falling
        fertility).

    Returns
    -------
    pandas.DataFrame
        See :func:`linyi_spatial.hierarchy.urbanization_targets`.

    Examples
    --------
    >>> round(float(urbanization_targets().loc[2030, "urbanization_rate"]), 3)
    0.674
    """
    return hier.urbanization_targets(
        load_counties(),
        size="pop_2020",
        urban="urban_pop_2020",
        targets=URBANIZATION_TARGETS,
        base_year=BASE_YEAR,
        growth=growth,
        years=(2020, 2025, 2030, 2035),
    )


def hierarchy_report(
    year: int = BASE_YEAR, *, size: str = "urban_pop_2020", merge_core: bool = True, cell_km: float = 2.0
) -> hier.HierarchyReport:
    """Linyi's urban hierarchy on the ``year`` network, with the plan's urbanization targets.

    Every figure uses the same places and size: the 12 county-level units
    with the three central districts (兰山, 罗庄, 河东) merged into one central
    city, 10 places in all, sized by their 2020 urban population (the figure
    urban-geography studies compare). Data tiers weigh size only
    (:data:`~linyi_spatial.linyi.defaults.TIER_WEIGHTS`): a sub-centre is meant
    to be far from the core.

    Parameters
    ----------
    year : int, default 2020
    size : str, default "urban_pop_2020"
        The county table's size column (``"pop_2020"`` for total residents).
    merge_core : bool, default True
        Merge the three central districts into one place.
    cell_km : float, default 2
        Grid of an accessibility composite, when the tier weights use one.

    Returns
    -------
    HierarchyReport

    Examples
    --------
    >>> r = hierarchy_report(2020)
    >>> r.units_of_analysis.split("; ")[1]
    'shown without a size of its own: 临港'
    """
    return hier.hierarchy_report(
        load_structure(),
        load_network(year),
        size=size,
        merge_core=merge_core,
        tier_weights=TIER_WEIGHTS,
        urbanization=urbanization_targets(),
        cell_km=cell_km,
    )


def sources() -> pd.DataFrame:
    """The source keys of the embedded data (``data/SOURCES.md``): key, group and reference.

    Returns
    -------
    pandas.DataFrame
        One row per source (``P3``, ``D1``, ``K2``...).

    Examples
    --------
    >>> t = sources()
    >>> t.set_index("key").loc["P3", "group"]
    'Plan / policy'
    """
    rows, group = [], ""
    for line in read_text(data_path("SOURCES.md"), "sources file").splitlines():
        if line and not line.startswith(("-", "|", "#", " ")) and len(line) < 80:
            group = line.strip()
        match = re.match(r"^- ([A-Z]\d+) (.+)$", line)
        if match:
            rows.append({"key": match.group(1), "group": group, "reference": match.group(2)})
    return pd.DataFrame(rows, columns=["key", "group", "reference"])


def export_geopackage(
    path: str | os.PathLike[str],
    *,
    year: int = BASE_YEAR,
    cell_km: float = 1.0,
    overwrite: bool = False,
    crs: str = "EPSG:4326",
) -> Path:
    """Write Linyi's structure, county scores, surface, isochrones, network and sources to one GeoPackage.

    The units layer also holds :func:`transport_superiority` (交通优势度,
    its components and ``superiority_rank``) and the residents' equity of
    car time to the core within each county (:func:`access_equity`:
    ``mean_time_to_core_residents_min``, ``gini_time_to_core``,
    ``theil_time_to_core``). The scores, surface and
    isochrones are by car (as :func:`county_accessibility`); the network layer
    holds the year's roads and railways. The units (composite score) and the surface (time to the core)
    carry QGIS styles with the HTML maps' classes and colours (``layer_styles``).

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file.
    year : int, default 2020
        Network year of the scores, surface and isochrones (the network layer is this year's).
    cell_km : float, default 1
    overwrite : bool, default False
        Replace an existing file.
    crs : {"EPSG:4326", "EPSG:4490"}, default "EPSG:4326"
        WGS-84 or CGCS2000 (China's 国土空间规划 datum).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> export_geopackage("linyi.gpkg", crs="EPSG:4490")  # doctest: +SKIP
    """
    from ..viz.qgis import surface_style, unit_style  # the maps' classes and colours, for QGIS
    from .defaults import BANDS_MIN

    surface = travel_time_surface(year, cell_km=cell_km)
    scores = county_accessibility(year, cell_km=cell_km, surface=surface)
    sup = transport_superiority(year).units
    for col in SUPERIORITY_EXPORT:
        scores[col] = sup[col].reindex(scores.index)
    scores["superiority_rank"] = sup["rank"].reindex(scores.index)
    residents = acc.structure_population(load_structure(axes="anchors"), surface)  # the cells access_equity weighs
    fair = acc.equity(residents, "cell_time_to_core_min", region="linyi")  # as access_equity, on this surface
    for col, name in EQUITY_EXPORT.items():
        scores[name] = fair[col].reindex(scores.index)
    styles = {
        "units": unit_style(scores, "composite_score"),
        "surface": surface_style("cell_time_to_core_min", BANDS_MIN),
    }
    return to_geopackage(
        path,
        load_structure(),
        scores=scores,
        styles=styles,
        surface=surface,
        isochrones=isochrones(year=year, cell_km=cell_km),
        G=load_network(year),
        sources=sources(),
        overwrite=overwrite,
        crs=crs,
    )
