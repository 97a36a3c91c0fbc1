"""Where people live inside each unit: a dasymetric population surface, or one read from a raster.

A unit's census total says how many people live in it, not where. Averaging
a travel-time surface over a unit by area lets its empty hills outweigh its
towns. :func:`population_surface` spreads each unit's population over an
analysis grid by a stated rule, a modelled estimate, not data:

1. **Urban population around urban places.** The unit's urban population
   is shared among its urban places (seat, key towns, zones) in proportion
   to their ``weight``. Each place's share fills a disc around it at the
   urban density ``urban_density_km2``: radius ``sqrt(P / (π D))``. The
   default 10,000 persons/km² is 100 m² of urban construction land per
   person, the middle of China's planning standard (65–115 m²/person, GB
   50137-2011). The disc is clipped to the unit, and the share is spread
   over the clipped disc by area.
2. **The rural remainder over the rest of the land.** Total minus urban is
   spread by area over the unit's land outside the discs; over the whole
   unit if the discs cover it.
3. **Whole persons, exact totals.** Each cell piece's expected count is
   rounded by the largest-remainder method within its unit, so every
   unit's cells sum exactly to its total.

A unit without urban population (or when ``urban`` is not given) gets a
uniform density: that is all a census total says.

:func:`raster_population` uses a population raster the user has (persons
per pixel, e.g. WorldPop or LandScan as GeoTIFF; needs ``rasterio``)
instead: pixel centres are summed into the cells and, if unit totals are
given, each unit is rescaled to its total, again in whole persons.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._checks import number
from .._io import local_file
from ..crs import WGS84, projected_crs
from ..errors import DataError

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = [
    "PLACE_WEIGHTS",
    "URBAN_DENSITY_KM2",
    "population_points",
    "population_surface",
    "raster_population",
    "structure_population",
]

URBAN_DENSITY_KM2 = 10_000.0
"""Default urban density (persons/km²): 100 m² of urban construction land per person (GB 50137-2011: 65–115)."""

PLACE_WEIGHTS: dict[str, float] = {"county_seat": 9.0, "key_town": 1.0, "functional_zone": 1.0}
"""Default weights of a structure's places by kind when sharing a unit's urban population.

A seat takes nine times a key town's or a zone's share. In Linyi's 兰山 (a seat, a zone and two key
towns) this gives each town 8.3 % of the urban population; 义堂's town area holds 12.13万 people, 7.9 %
of 兰山's urban population (fact sheet, K1). A judgement checked on one town, not a calibration."""


def _largest_remainder(expected: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers summing to ``total``, each the floor of its expectation or one more."""
    base = np.floor(expected).astype(np.int64)
    left = int(total - base.sum())
    if left > 0:
        order = np.argsort(-(expected - base), kind="stable")
        base[order[:left]] += 1
    return base


def _with_population(
    grid: gpd.GeoDataFrame, pop: np.ndarray, expected: np.ndarray, rule: dict[str, object]
) -> gpd.GeoDataFrame:
    """The grid with ``pop_est`` (whole persons), ``pop_density_km2`` (before rounding) and the rule in attrs."""
    out = grid.copy()
    out["pop_est"] = pop
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pop_density_km2"] = np.where(grid["area_km2"] > 0, expected / grid["area_km2"].to_numpy(), 0.0)
    out.attrs["population"] = rule
    return out


def _people(value: object, label: str) -> float:
    return number(label, value, high=1e10)


def _check_inputs(
    grid: gpd.GeoDataFrame, units: gpd.GeoDataFrame, total: str, urban: str | None
) -> tuple[pd.Series, pd.Series]:
    for name, frame in (("grid", grid), ("units", units)):
        if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
            raise DataError(f"{name} must be a GeoDataFrame with a CRS")
    missing = [c for c in ("unit", "area_km2") if c not in grid.columns]
    if missing:
        raise DataError(f"grid lacks column(s) {missing}; build it with analysis_grid(units)")
    for col in (total, urban):
        if col is not None and col not in units.columns:
            raise DataError(f"units have no column {col!r} (available: {sorted(map(str, units.columns))})")
    tot = pd.Series({u: _people(v, f"{total} of unit {u!r}") for u, v in units[total].items()})
    urb = pd.Series(0.0, index=units.index)
    if urban is not None:
        urb = pd.Series({u: _people(v, f"{urban} of unit {u!r}") for u, v in units[urban].items()})
    over = [u for u in units.index if urb[u] > tot[u]]
    if over:
        raise DataError(f"unit(s) {over}: urban population ({urban}) exceeds the total ({total})")
    not_whole = [u for u in units.index if tot[u] != round(tot[u])]
    if not_whole:
        raise DataError(f"unit(s) {not_whole}: {total} must be whole persons to be kept exactly")
    unknown = sorted(set(grid["unit"]) - set(units.index), key=str)
    if unknown:
        raise DataError(f"grid cells name unit(s) {unknown[:10]} that are not in units")
    return tot, urb


def _place_units(places: gpd.GeoDataFrame, units: gpd.GeoDataFrame, crs: str) -> pd.Series:
    """Each place's unit: its ``unit`` column, else the unit that contains it."""
    if "unit" in places.columns:
        unit = places["unit"]
        bad = [p for p, u in unit.items() if u not in units.index]
        if bad:
            raise DataError(f"place(s) {bad[:10]} name a unit that is not in units")
        return unit
    pts = places.geometry.to_crs(crs).to_numpy()
    which, unit = shapely.STRtree(units.geometry.to_crs(crs).to_numpy()).query(pts, predicate="within")
    which, first = np.unique(which, return_index=True)  # a place on a shared border goes to one unit
    where = pd.Series(units.index[unit[first]], index=places.index[which])
    outside = [p for p in places.index if p not in where.index]
    if outside:
        raise DataError(f"place(s) {outside[:10]} lie outside every unit; give places a 'unit' column")
    return where.reindex(places.index)


def population_surface(
    grid: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame | None = None,
    *,
    total: str,
    urban: str | None = None,
    weight: str | None = None,
    urban_density_km2: float = URBAN_DENSITY_KM2,
) -> gpd.GeoDataFrame:
    """Spread each unit's population over a grid by the dasymetric rule of the module docstring.

    Parameters
    ----------
    grid : GeoDataFrame
        Cells from :func:`~linyi_spatial.accessibility.analysis_grid` (or a
        travel-time surface built on them): ``unit``, ``area_km2``, geometry.
    units : GeoDataFrame
        Polygons indexed by unit id with the population columns.
    places : GeoDataFrame, optional
        Urban places (points); their unit is the ``unit`` column if present,
        else the unit containing them. Needed when ``urban`` is given.
    total : str
        Unit column of the total population (whole persons).
    urban : str, optional
        Unit column of the urban population; without it each unit is uniform.
    weight : str, optional
        Place column of the weights sharing a unit's urban population
        (default equal shares).
    urban_density_km2 : float, default 10,000
        Persons per km² inside the urban discs.

    Returns
    -------
    geopandas.GeoDataFrame
        ``grid`` with ``pop_est`` (whole persons, summing exactly to each
        unit's total) and ``pop_density_km2`` (the modelled density before
        rounding); ``attrs["population"]`` records the rule.

    Raises
    ------
    DataError
        Naming a missing column, a unit whose urban population exceeds its
        total, a place outside its unit, or a unit with urban population but
        no place.

    Examples
    --------
    >>> from linyi_spatial.accessibility import analysis_grid
    >>> from linyi_spatial.testing import made_up_structure
    >>> s = made_up_structure()
    >>> pop = population_surface(analysis_grid(s.units, cell_km=5), s.units, s.seats, total="residents",
    ...                          urban="townsfolk")
    >>> bool((pop.groupby("unit")["pop_est"].sum() == s.units["residents"]).all())
    True
    """
    density = number("urban_density_km2", urban_density_km2, allow_low=False, high=1e6)
    tot, urb = _check_inputs(grid, units, total, urban)
    crs = projected_crs(units)
    cells = grid.geometry.to_crs(crs).to_numpy()
    cell_unit = grid["unit"].to_numpy()
    expected = np.zeros(len(grid))
    discs_by_unit = _urban_discs(units, places, urb, weight, density, crs) if urban is not None else {}
    unit_geoms = units.geometry.to_crs(crs)
    for u in units.index:
        rows = np.flatnonzero(cell_unit == u)
        if len(rows) == 0:
            if tot[u] > 0:
                raise DataError(f"unit {u!r} has {tot[u]:,.0f} people but no grid cell")
            continue
        pieces, area = cells[rows], shapely.area(cells[rows])
        urban_area = np.zeros(len(rows))
        for disc, people in discs_by_unit.get(u, []):
            inside = shapely.area(shapely.intersection(pieces, shapely.intersection(disc, unit_geoms[u])))
            if inside.sum() <= 0:
                raise DataError(f"unit {u!r}: an urban disc lies outside the unit's cells")
            expected[rows] += people * inside / inside.sum()
        if discs_by_unit.get(u):
            union = shapely.intersection(shapely.union_all([d for d, _ in discs_by_unit[u]]), unit_geoms[u])
            urban_area = shapely.area(shapely.intersection(pieces, union))
        rest = np.clip(area - urban_area, 0.0, None)
        weights = rest if rest.sum() > 1e-6 * area.sum() else area
        expected[rows] += (tot[u] - (urb[u] if discs_by_unit.get(u) else 0.0)) * weights / weights.sum()
    pop = np.zeros(len(grid), dtype=np.int64)
    for u in units.index:
        rows = np.flatnonzero(cell_unit == u)
        if len(rows):
            pop[rows] = _largest_remainder(expected[rows], round(tot[u]))
    rule = {"rule": "dasymetric" if urban is not None else "uniform", "total": total, "urban": urban}
    return _with_population(grid, pop, expected, {**rule, "urban_density_km2": density})


def _urban_discs(
    units: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame | None,
    urb: pd.Series,
    weight: str | None,
    density: float,
    crs: str,
) -> dict[object, list[tuple[shapely.Geometry, float]]]:
    """Per unit, (disc, people) for each of its urban places."""
    if places is None or len(places) == 0:
        if (urb > 0).any():
            raise DataError("urban population given but no places to put it around: pass places=")
        return {}
    if places.crs is None:
        raise DataError("places have no CRS")
    if weight is not None and weight not in places.columns:
        raise DataError(f"places have no column {weight!r}")
    where = _place_units(places, units, crs)
    w = pd.Series(1.0, index=places.index) if weight is None else places[weight].astype(float)
    bad = [p for p, v in w.items() if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise DataError(f"place weight(s) must be finite and non-negative; bad at {bad[:10]}")
    pts = places.geometry.to_crs(crs)
    out: dict[object, list[tuple[shapely.Geometry, float]]] = {}
    for u in units.index:
        mine = [p for p in places.index if where[p] == u and w[p] > 0]
        if urb[u] <= 0:
            continue
        if not mine:
            raise DataError(f"unit {u!r} has urban population but no urban place (with a positive weight)")
        share = w[mine] / w[mine].sum()
        for p in mine:
            people = float(urb[u] * share[p])
            radius_m = math.sqrt(people / (math.pi * density)) * 1000.0
            out.setdefault(u, []).append((shapely.buffer(pts[p], max(radius_m, 1.0), quad_segs=16), people))
    return out


def structure_population(
    structure: SpatialStructure,
    grid: gpd.GeoDataFrame,
    *,
    place_weights: dict[str, float] | None = None,
    urban_density_km2: float = URBAN_DENSITY_KM2,
) -> gpd.GeoDataFrame:
    """:func:`population_surface` from a structure's declared size and urban columns and its places.

    Urban places are the structure's places whose ``kind`` has a weight in
    ``place_weights`` (default :data:`PLACE_WEIGHTS`: seats 9, key towns
    and functional zones 1).

    Parameters
    ----------
    structure : SpatialStructure
        Units with declared ``size`` (and, for the dasymetric rule,
        ``urban``) columns.
    grid : GeoDataFrame
        Cells over the structure's units.
    place_weights : dict, optional
        Weight of each place kind.
    urban_density_km2 : float, default 10,000

    Returns
    -------
    geopandas.GeoDataFrame
        ``grid`` with ``pop_est`` and ``pop_density_km2``.

    Raises
    ------
    DataError
        If the structure declares no size column, or as :func:`population_surface`.

    Examples
    --------
    >>> from linyi_spatial.accessibility import analysis_grid
    >>> from linyi_spatial.testing import made_up_structure
    >>> s = made_up_structure()
    >>> int(structure_population(s, analysis_grid(s.units, cell_km=5))["pop_est"].sum())
    960000
    """
    size = structure.column("size")
    urban = structure.column("urban", required=False)
    kinds = dict(PLACE_WEIGHTS if place_weights is None else place_weights)
    places = structure.places[structure.places["kind"].isin(list(kinds))].copy()
    places["weight"] = places["kind"].map(kinds).astype(float)
    if urban is not None:
        held = set(places.loc[places["weight"] > 0, "unit"])
        positive = pd.to_numeric(structure.units[urban], errors="coerce") > 0  # bad values are named further on
        lacking = [u for u in structure.units.index[positive] if u not in held]
        if lacking:
            raise DataError(
                f"unit(s) {lacking} have urban population (column {urban!r}) but no urban place to put it around: "
                "declare each unit's seat (seat_of = <unit id>) or a place of kind "
                f"{sorted(k for k, w in kinds.items() if w > 0)} in it",
                source=structure.source,
            )
    return population_surface(
        grid,
        structure.units,
        places,
        total=size,
        urban=urban,
        weight="weight",
        urban_density_km2=urban_density_km2,
    )


def population_points(surface: gpd.GeoDataFrame, *, column: str = "pop_est") -> gpd.GeoDataFrame:
    """Cells with people as points (representative points), for Hansen, cumulative or 2SFCA masses.

    Parameters
    ----------
    surface : GeoDataFrame
        From :func:`population_surface` or :func:`raster_population`.
    column : str, default "pop_est"

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``"<cell_id>|<unit>"``; ``unit``, ``column`` and point geometry
        (EPSG:4326); cells without people are left out.

    Raises
    ------
    DataError
        If ``column`` is missing.

    Examples
    --------
    >>> from linyi_spatial.accessibility import analysis_grid
    >>> from linyi_spatial.testing import made_up_structure
    >>> s = made_up_structure()
    >>> pts = population_points(structure_population(s, analysis_grid(s.units, cell_km=5)))
    >>> int(pts["pop_est"].sum())
    960000
    """
    if column not in surface.columns:
        raise DataError(f"surface has no column {column!r}; build it with population_surface")
    keep = surface[surface[column] > 0]
    key = keep["cell_id"].astype(str) + "|" + keep["unit"].astype(str) if "cell_id" in keep else keep.index
    pts = keep.geometry.to_crs(WGS84).representative_point()
    return gpd.GeoDataFrame(
        {"unit": keep["unit"].to_numpy(), column: keep[column].to_numpy()},
        geometry=pts.to_numpy(),
        index=pd.Index(np.asarray(key), name="cell"),
        crs=WGS84,
    )


def raster_population(
    grid: gpd.GeoDataFrame,
    path: str | Path,
    *,
    units: gpd.GeoDataFrame | None = None,
    total: str | None = None,
    band: int = 1,
) -> gpd.GeoDataFrame:
    """Population of every cell from a raster of persons per pixel (needs ``pip install rasterio``).

    Each pixel's count goes to the cell containing its centre. With
    ``units`` and ``total`` each unit's cells are rescaled to its total
    (whole persons, largest remainder), keeping the census totals exact
    while the raster says where people live.

    Parameters
    ----------
    grid : GeoDataFrame
        Cells from :func:`~linyi_spatial.accessibility.analysis_grid`.
    path : str or Path
        A GeoTIFF (or any raster rasterio reads) of persons per pixel, with
        a CRS; nodata and negative pixels count as 0.
    units : GeoDataFrame, optional
        Units indexed like ``grid["unit"]``, for rescaling.
    total : str, optional
        Unit column of the totals to match.
    band : int, default 1

    Returns
    -------
    geopandas.GeoDataFrame
        ``grid`` with ``pop_est`` and ``pop_density_km2``.

    Raises
    ------
    DataError
        For a missing file, a raster without CRS, a unit whose cells hold
        no raster population although its total is positive, or a missing
        column.
    ImportError
        If rasterio is not installed (naming the extra to install).

    Examples
    --------
    >>> raster_population  # doctest: +ELLIPSIS
    <function raster_population at ...>
    """
    try:
        import rasterio
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("raster_population needs rasterio: pip install 'linyi_spatial[raster]'") from exc
    path = local_file(path, "population raster", kind="raster")  # a local GeoTIFF, never a VRT or URL
    with rasterio.open(path) as src:
        if src.crs is None:
            raise DataError(f"population raster {str(path)!r} has no CRS")
        values = src.read(band, masked=True).astype(float).filled(0.0)
        rows, cols = np.nonzero(values > 0)
        xs, ys = rasterio.transform.xy(src.transform, rows, cols, offset="center")
        counts = values[rows, cols]
        raster_crs = src.crs.to_string()
    centres = gpd.GeoSeries(gpd.points_from_xy(np.asarray(xs), np.asarray(ys)), crs=raster_crs).to_crs(grid.crs)
    tree = shapely.STRtree(grid.geometry.to_numpy())
    pix, cell = tree.query(centres.to_numpy(), predicate="within")
    pix, first = np.unique(pix, return_index=True)  # a centre on a shared edge goes to one cell
    expected = np.bincount(cell[first], weights=counts[pix], minlength=len(grid)).astype(float)
    if units is not None and total is not None:
        tot, _ = _check_inputs(grid, units, total, None)
        cell_unit = grid["unit"].to_numpy()
        pop = np.zeros(len(grid), dtype=np.int64)
        for u in units.index:
            rows_u = np.flatnonzero(cell_unit == u)
            have = expected[rows_u].sum()
            if tot[u] > 0 and have <= 0:
                raise DataError(f"unit {u!r}: the raster puts nobody in its cells, but its {total} is {tot[u]:,.0f}")
            if len(rows_u):
                expected[rows_u] *= tot[u] / have if have > 0 else 0.0
                pop[rows_u] = _largest_remainder(expected[rows_u], round(tot[u]))
    else:
        pop = np.round(expected).astype(np.int64)
    return _with_population(grid, pop, expected, {"rule": "raster", "path": str(path), "total": total})
