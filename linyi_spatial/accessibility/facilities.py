"""Public-service coverage: from a facility table to scores per grid cell and per unit, with their equity.

A planner's table of hospitals, schools or care homes (points with a
capacity) becomes, on the network and the population surface:

- per cell: the time to the nearest facility, whether one lies within the
  catchment, and the floating-catchment score (capacity per resident within
  reach: 2SFCA, Luo & Wang 2003; E2SFCA with Luo & Qi's stepwise decay,
  2009);
- per unit: residents' mean of each, the share of residents within the
  catchment of a facility, and the Gini of the score and of the time over
  residents (:mod:`~linyi_spatial.accessibility.equity`).

Cells are the demand (their modelled residents unless a demand column is
given); every cell and facility reaches the network by its access leg.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .._checks import number
from .._display import Explorable
from .._io import read_text
from ..crs import WGS84
from ..errors import DataError
from ..network.link import Access
from .circles import cell_times_to
from .equity import gini
from .grid import analysis_grid
from .measures import E2SFCA_ZONES, enhanced_two_step_fca, two_step_fca
from .population import structure_population

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["METHODS", "FacilityAccess", "facility_accessibility", "read_facilities"]

METHODS = ("e2sfca", "2sfca")
"""Floating-catchment methods: enhanced (stepwise decay within the catchment) and classic (no decay)."""


def read_facilities(
    source: str | os.PathLike[str] | pd.DataFrame | gpd.GeoDataFrame,
    *,
    capacity: str = "capacity",
    lon: str = "lon",
    lat: str = "lat",
    id_column: str | None = None,
) -> gpd.GeoDataFrame:
    """A facility table as points in WGS-84, checked: a CSV file, a table with lon/lat, or a GeoDataFrame.

    Parameters
    ----------
    source : path, DataFrame or GeoDataFrame
        A CSV file or table with ``lon``/``lat`` columns (WGS-84), or points in any CRS.
    capacity : str, default "capacity"
        The column of each facility's capacity (beds, places, staff...).
    lon, lat : str
        Coordinate columns of a table.
    id_column : str, optional
        The column of the facilities' ids (default the table's index).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by facility id, with the capacity column as float.

    Raises
    ------
    DataError
        Naming the file, a missing column, or the facilities with a bad
        capacity, no coordinates or a repeated id.

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["H1"], "lon": [118.3], "lat": [35.1], "capacity": [500]})
    >>> read_facilities(t, id_column="name").loc["H1", "capacity"]
    np.float64(500.0)
    """
    label = "facilities"
    if isinstance(source, (str, os.PathLike)):
        label = f"facility file {os.fspath(source)!r}"
        from io import StringIO

        text = read_text(source, "facility table")
        try:
            frame: pd.DataFrame = pd.read_csv(StringIO(text))
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(f"{label}: not a CSV table ({exc})") from exc
    else:
        frame = source.copy()
    if id_column is not None:
        if id_column not in frame.columns:
            raise DataError(f"{label}: no id column {id_column!r} (columns: {list(frame.columns)})")
        frame = frame.set_index(id_column)
    if isinstance(frame, gpd.GeoDataFrame):
        if frame.crs is None:
            raise DataError(f"{label}: the points have no CRS")
        points = frame.to_crs(WGS84)
    else:
        missing = [c for c in (lon, lat) if c not in frame.columns]
        if missing:
            raise DataError(f"{label}: no coordinate column(s) {missing} (columns: {list(frame.columns)})")
        x = pd.to_numeric(frame[lon], errors="coerce")
        y = pd.to_numeric(frame[lat], errors="coerce")
        bad = frame.index[~(x.between(-180, 180) & y.between(-90, 90))].tolist()
        if bad:
            raise DataError(f"{label}: facility(ies) {bad[:10]} have no valid {lon}/{lat}")
        points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=WGS84)
    cap = _checked(points, capacity, label)
    points[capacity] = cap.astype(float)
    points.attrs["capacity"] = capacity
    return points


def _checked(points: gpd.GeoDataFrame, capacity: str, label: str) -> pd.Series:
    """The capacities as numbers, after naming every facility that is not a point with a capacity >= 0."""
    if capacity not in points.columns:
        raise DataError(f"{label}: no capacity column {capacity!r} (columns: {list(points.columns)})")
    cap = pd.to_numeric(points[capacity], errors="coerce")
    bad = points.index[~(np.isfinite(cap) & (cap >= 0))].tolist()
    if bad:
        raise DataError(f"{label}: facility(ies) {bad[:10]} have no valid {capacity} (a number >= 0)")
    if points.index.has_duplicates:
        raise DataError(
            f"{label}: repeated facility id(s) {points.index[points.index.duplicated()].unique()[:10].tolist()}"
        )
    if not (points.geometry.geom_type == "Point").all():
        raise DataError(f"{label}: facilities must be points")
    return cap


@dataclass(frozen=True, repr=False)
class FacilityAccess(Explorable):
    """The result of :func:`facility_accessibility`.

    Attributes
    ----------
    cells : geopandas.GeoDataFrame
        Per grid cell: ``unit``, ``pop_est`` (the demand), ``time_to_nearest_facility_min``,
        ``within_catchment`` and ``facility_score`` (capacity per resident within reach).
    units : pandas.DataFrame
        Per unit: ``name``, ``people``, ``mean_time_to_nearest_facility_min``,
        ``share_within_catchment``, ``facility_score`` (residents' mean),
        ``gini_facility_score`` and ``gini_time_to_nearest_facility``; a
        last row for the whole region.
    facilities : geopandas.GeoDataFrame
        The facilities, with the residents within their catchment (``catchment_people``).
    method : str
    cutoff_min : float
    capacity : str
        The capacity column.
    geometry : geopandas.GeoDataFrame
        The units' polygons (with ``name``), for maps.
    """

    cells: gpd.GeoDataFrame
    units: pd.DataFrame
    facilities: gpd.GeoDataFrame
    method: str
    cutoff_min: float
    capacity: str
    geometry: gpd.GeoDataFrame

    def __repr__(self) -> str:
        return (
            f"FacilityAccess({len(self.facilities)} facilities, {self.method}, {self.cutoff_min:g} min catchment, "
            f"{len(self.cells)} cells, {len(self.units) - 1} units)"
        )


def facility_accessibility(  # noqa: PLR0913 - keyword options of the workflow, each documented
    G: nx.Graph,
    structure: SpatialStructure,
    facilities: str | os.PathLike[str] | pd.DataFrame | gpd.GeoDataFrame,
    *,
    capacity: str = "capacity",
    demand: str | None = None,
    cutoff_min: float = 30.0,
    method: str = "e2sfca",
    cell_km: float = 1.0,
    grid: gpd.GeoDataFrame | None = None,
    access: Access | None = None,
    zones: Sequence[tuple[float, float]] = E2SFCA_ZONES,
) -> FacilityAccess:
    """Coverage and floating-catchment access to facilities, per cell and per unit, with its equity.

    Parameters
    ----------
    G : networkx graph
        With ``travel_time`` (seconds).
    structure : SpatialStructure
        Its units are gridded and, without ``demand``, populated with its declared size.
    facilities : path, DataFrame or GeoDataFrame
        See :func:`read_facilities`.
    capacity : str, default "capacity"
    demand : str, optional
        A column of ``grid`` with each cell's demand (default the modelled residents ``pop_est``).
    cutoff_min : float, default 30
        The catchment: ``2sfca`` uses it as is; ``e2sfca`` scales its zones
        to it (Luo & Qi's 10/20/30 min become thirds of the catchment).
    method : {"e2sfca", "2sfca"}, default "e2sfca"
    cell_km : float, default 1
    grid : GeoDataFrame, optional
        Cells to use (e.g. with a ``pop_est`` from a raster).
    access : Access, optional
    zones : sequence of (upper bound, weight), default Luo & Qi's
        E2SFCA zones, before scaling to ``cutoff_min``.

    Returns
    -------
    FacilityAccess

    Raises
    ------
    DataError
        For a bad facility table, an unknown method or demand column.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = made_up_structure()
    >>> f = pd.DataFrame({"lon": [10.1, 10.3], "lat": [50.1, 50.3], "capacity": [400.0, 100.0]}, index=["h1", "h2"])
    >>> r = facility_accessibility(made_up_network(2020), s, f, cell_km=5)
    >>> bool(r.units.loc["region", "share_within_catchment"] > 0)
    True
    """
    if method not in METHODS:
        raise DataError(f"method must be one of {METHODS}, got {method!r}")
    cutoff_min = number("cutoff_min", cutoff_min, allow_low=False, error=DataError)
    points = read_facilities(facilities, capacity=capacity)
    if grid is None:
        grid = analysis_grid(structure.units, cell_km=cell_km)
    cells = grid if (demand is not None or "pop_est" in grid.columns) else structure_population(structure, grid)
    column = "pop_est" if demand is None else demand
    if column not in cells.columns:
        raise DataError(f"the grid has no demand column {column!r}")
    people = cells[column].to_numpy(dtype=float)
    T = cell_times_to(G, cells, points.geometry, access=access)
    supply = points[capacity]
    pop = pd.Series(people, index=T.index)
    if method == "2sfca":
        score = two_step_fca(T, supply, pop, cutoff_min=cutoff_min)
    else:
        scale = cutoff_min / float(zones[-1][0])
        score = enhanced_two_step_fca(T, supply, pop, zones=[(b * scale, w) for b, w in zones])
    nearest = T.min(axis=1).to_numpy()
    out = cells.copy()
    out["time_to_nearest_facility_min"] = nearest
    out["within_catchment"] = nearest <= cutoff_min
    out["facility_score"] = score.to_numpy()
    inside = (T.to_numpy() <= cutoff_min) & (people[:, None] > 0)
    pts = points.copy()
    pts["catchment_people"] = (people[:, None] * inside).sum(axis=0)
    units = _unit_table(out, column, structure)
    shapes = structure.units.assign(name=structure.unit_names())[["name", structure.units.geometry.name]]
    return FacilityAccess(out, units, pts, method, float(cutoff_min), capacity, shapes)


def _unit_table(cells: gpd.GeoDataFrame, people_col: str, structure: SpatialStructure) -> pd.DataFrame:
    names = structure.unit_names()
    rows = {}
    groups = [(u, cells["unit"].to_numpy() == u) for u in structure.units.index]
    groups.append(("region", np.ones(len(cells), dtype=bool)))
    for key, m in groups:
        w = cells[people_col].to_numpy(dtype=float)[m]
        t = cells["time_to_nearest_facility_min"].to_numpy()[m]
        score = cells["facility_score"].to_numpy()[m]
        total = float(w.sum())
        finite = np.isfinite(t)
        rows[key] = {
            "name": names.get(key, structure.name if key == "region" else key),
            "people": total,
            "mean_time_to_nearest_facility_min": float(np.average(t[finite], weights=w[finite]))
            if w[finite].sum() > 0
            else np.nan,
            "share_within_catchment": float(w[cells["within_catchment"].to_numpy()[m]].sum() / total)
            if total > 0
            else np.nan,
            "facility_score": float(np.average(score, weights=w)) if total > 0 else np.nan,
            "gini_facility_score": gini(score, w),
            "gini_time_to_nearest_facility": gini(t, w),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = structure.units.index.name
    return out
