"""Axis agglomeration (七轴集聚 as a number): population and land in each axis's corridor band."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.affinity

from .._checks import count, number
from ..crs import projected_crs
from ..errors import DataError
from .size import sizes

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["axis_agglomeration", "urban_sizes"]


_DECLARED = "<declared>"


_COLUMNS = ["axis", "axis_status", "length_km", "band_km", "band_area_km2", "pop_in_band", "pop_share",
            "area_share", "location_quotient", "null_ratio", "null_percentile", "n_null", "seats_in_band",
            "town_share"]  # fmt: skip


def axis_agglomeration(  # noqa: PLR0913, PLR0915 - keyword options, each documented; one pass per band
    structure: SpatialStructure,
    *,
    size: str | None = None,
    urban: str | None = _DECLARED,
    band_km: float = 10.0,
    towns: gpd.GeoDataFrame | None = None,
    crs: str | None = None,
    cell_km: float = 2.0,
    exclude_core: bool = True,
    rotations: int = 36,
) -> pd.DataFrame:
    """How much more densely each axis's corridor band is settled than bands of the same shape elsewhere (七轴集聚).

    Population comes from the population surface
    (:func:`~linyi_spatial.accessibility.structure_population` on a grid of
    ``cell_km``: each unit's urban population in discs round its urban
    places, the rest spread over its land; with ``urban=None`` every unit's
    population is spread evenly over it). The band is the axis line
    buffered by ``band_km`` on each side (10 km: 15–20 minutes by county
    roads, the usual depth of a development corridor). The core's own
    units are taken out of every band and of the region (``exclude_core``):
    otherwise every radial axis holds the core and the shortest axis wins.
    Per axis, over the cells whose centres lie in the band and outside the
    core:

    - ``pop_in_band``, ``band_area_km2``; ``pop_share`` and ``area_share``
      of the region outside the core;
    - ``location_quotient`` = (pop / land in the band) / (pop / land of the
      region outside the core); NaN (with a warning) for a band too narrow
      to hold a cell centre;
    - ``null_ratio`` = the band's density over the mean density of the same
      band turned about the axis's midpoint to ``rotations`` evenly spaced
      angles (the same shape and area, other directions; turned bands with
      less than a quarter of the axis band's land in the region are not
      counted), and ``null_percentile``, the share of turned bands less
      densely settled. Length cannot decide this ranking: a long band is
      compared with long bands. ``null_ratio`` > 1: the axis runs where
      people live more than other directions from the same place do.

    Parameters
    ----------
    structure : SpatialStructure
        Units with seat places.
    size : str, optional
        Unit population column (default: the spec's declared ``size``).
    urban : str or None, optional
        Unit urban-population column (default: the spec's declared
        ``urban``); ``None`` spreads all population evenly over each unit.
    band_km : float, default 10
    towns : GeoDataFrame, optional
        Extra town points to count in ``town_share``.
    crs : str, optional
        Projected CRS for areas and buffers (default: the units' UTM zone).
    cell_km : float, default 2
        Cell side of the population surface.
    exclude_core : bool, default True
        Take the core's units out of the bands and the region.
    rotations : int, default 36
        Angles of the null (every 10°).

    Returns
    -------
    pandas.DataFrame
        Indexed by axis id, plus ``all_axes`` for the union of bands (no
        null: ``null_ratio`` NaN); ``axis_status`` (e.g.
        ``reconstruction``) and ``length_km`` per axis; ``attrs`` hold the
        formula, the population rule and the parameters.

    Raises
    ------
    DataError
        Missing columns or a non-positive band.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> a = axis_agglomeration(made_up_structure(), band_km=3)
    >>> bool((a["location_quotient"] > 0).all())
    True
    """
    from ..accessibility.grid import analysis_grid
    from ..accessibility.population import structure_population

    band_km = number("band_km", band_km, low=0.01, high=5_000.0)  # below 10 m a band has no land: LQ undefined
    cell_km = number("cell_km", cell_km, low=0.05, high=500.0)
    rotations = count("rotations", rotations)
    units = structure.units
    size_col = structure.column("size", size)
    sizes(units, size_col, min_places=1, label="axis agglomeration", allow_zero=True)  # summed into shares
    urban_col = structure.column("urban", required=False) if urban == _DECLARED else urban
    if urban_col is not None:
        urban_sizes(units, urban_col, units[size_col].astype(float))
    columns = {k: v for k, v in structure.columns.items() if k != "urban"}
    columns["size"] = size_col
    if urban_col is not None:
        columns["urban"] = urban_col
    cells = structure_population(replace(structure, columns=columns), analysis_grid(units, cell_km=cell_km))
    crs = projected_crs(units) if crs is None else crs
    cproj = cells.to_crs(crs)
    centre = cproj.geometry.representative_point()
    x, y = centre.x.to_numpy(), centre.y.to_numpy()
    pop = cells["pop_est"].to_numpy(dtype=float)
    land = cproj.geometry.area.to_numpy() / 1e6
    core_units = list(structure.core["units"].iloc[0]) if exclude_core and len(structure.core) else []
    outside = ~cells["unit"].isin(core_units).to_numpy()
    region_pop, region_land = float(pop[outside].sum()), float(land[outside].sum())
    if region_pop <= 0 or region_land <= 0:
        raise DataError("axis agglomeration: no population or land outside the core")
    region_density = region_pop / region_land
    points = structure.points.to_crs(crs).geometry
    if towns is not None:
        points = pd.concat([points, towns.to_crs(crs).geometry])
    axes = structure.axes.to_crs(crs)
    seats = structure.seats.to_crs(crs)
    half = band_km * 1000.0

    def inside(shape: shapely.Geometry) -> np.ndarray:
        return shapely.contains_xy(shape, x, y) & outside

    rows = []
    bands = {aid: line.buffer(half) for aid, line in axes.geometry.items()}
    if bands:  # a structure without axes (a region of cities) has no band at all, not an empty one
        bands["all_axes"] = shapely.union_all(list(bands.values()))
    for aid, band in bands.items():
        hit = inside(band)
        p_in, a_in = float(pop[hit].sum()), float(land[hit].sum())
        density = p_in / a_in if a_in > 0 else math.nan
        null = []
        if aid != "all_axes" and a_in > 0:
            line = axes.geometry[aid]
            mid = line.interpolate(0.5, normalized=True)
            for k in range(1, rotations):
                turned = shapely.affinity.rotate(line, 360.0 * k / rotations, origin=mid).buffer(half)
                h = inside(turned)
                a_t = float(land[h].sum())
                if a_t >= 0.25 * a_in:
                    null.append(float(pop[h].sum()) / a_t)
        null_mean = float(np.mean(null)) if null else math.nan
        rows.append(
            {
                "axis": aid,
                "axis_status": "" if aid == "all_axes" else str(structure.axes.loc[aid].get("status", "")),
                "length_km": float(axes.geometry[aid].length / 1000.0) if aid != "all_axes" else math.nan,
                "band_km": band_km,
                "band_area_km2": a_in,
                "pop_in_band": p_in,
                "pop_share": p_in / region_pop,
                "area_share": a_in / region_land,
                "location_quotient": density / region_density,
                "null_ratio": density / null_mean if null_mean > 0 else math.nan,
                "null_percentile": float(np.mean([d < density for d in null])) if null else math.nan,
                "n_null": len(null),
                "seats_in_band": int(sum(band.contains(g) for g in seats.geometry)),
                "town_share": float(np.mean([band.contains(g) for g in points])) if len(points) else math.nan,
            }
        )
    out = pd.DataFrame(rows, columns=_COLUMNS).set_index("axis")
    empty = out.index[out["band_area_km2"] <= 0].tolist()
    if empty:
        warnings.warn(
            f"axis agglomeration: the band of axis(es) {empty} holds no cell centre (band_km={band_km:g} against "
            f"{cell_km:g} km cells): their figures are NaN; pass a smaller cell_km",
            UserWarning,
            stacklevel=2,
        )
    statuses = set(structure.axes["status"]) if "status" in structure.axes else set()
    out.attrs.update(
        formula="LQ = (P_band / A_band) / (P_region / A_region); null_ratio = (P_band / A_band) / mean over turned "
        "bands of (P / A); cells by their centre, the core's units excluded"
        if core_units
        else "LQ = (P_band / A_band) / (P_region / A_region); null_ratio against turned bands; cells by their centre",
        population=dict(cells.attrs.get("population", {})),
        exclude_core=bool(core_units),
        cell_km=cell_km,
        rotations=rotations,
        axes_note="the axes are a reconstruction, not the plan's own lines" if statuses == {"reconstruction"} else "",
    )
    return out


def urban_sizes(units: pd.DataFrame, urban: str, pop: pd.Series) -> pd.Series:
    """Validated urban sizes: between 0 and the unit's size.

    Parameters
    ----------
    units : pandas.DataFrame
    urban : str
        Column of urban population.
    pop : pandas.Series
        Total sizes, same index.

    Returns
    -------
    pandas.Series

    Raises
    ------
    DataError
        Missing column or values outside ``[0, pop]``.

    Examples
    --------
    >>> urban_sizes(pd.DataFrame({"u": [5.0]}), "u", pd.Series([10.0])).tolist()
    [5.0]
    """
    if urban not in units:
        raise DataError(f"column {urban!r} not found; pass urban=None to spread all population evenly")
    u = pd.to_numeric(units[urban], errors="coerce")
    bad = u[u.isna() | (u < 0) | (u > pop)]
    if len(bad):
        raise DataError(f"{urban} must be between 0 and the population; bad at {bad.index.tolist()}")
    return u.astype(float)
