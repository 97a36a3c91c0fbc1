"""Axis agglomeration (七轴集聚 as a number): population and land in each axis's corridor band."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._checks import number
from ..crs import projected_crs
from ..errors import DataError
from .size import sizes

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["axis_agglomeration", "urban_sizes"]


def axis_agglomeration(
    structure: SpatialStructure,
    *,
    size: str | None = None,
    urban: str | None = None,
    band_km: float = 10.0,
    towns: gpd.GeoDataFrame | None = None,
    crs: str | None = None,
) -> pd.DataFrame:
    """How much population, towns and land each axis's corridor band holds (七轴集聚).

    The band is the axis line buffered by ``band_km`` on each side (10 km:
    about 15–20 minutes by county roads, the usual depth of a development
    corridor on both sides of its trunk lines). Population is placed
    dasymetrically: each unit's urban population (``urban`` column) sits at
    its seat, the rest is spread evenly over its land; with ``urban=None``
    all of it is spread evenly. Per axis:

    - ``pop_share`` = population in the band / total; ``area_share`` =
      band land / total land; ``location_quotient`` = pop_share / area_share
      (> 1: the axis gathers more people than its share of land);
    - ``town_share``: share of the structure's points (and ``towns``, if
      given) inside the band; ``seats_in_band``.

    Parameters
    ----------
    structure : SpatialStructure
        Units with seat places.
    size : str, optional
        Unit population column (default: the spec's declared ``size``).
    urban : str, optional
        Unit urban-population column (default: the spec's declared
        ``urban``; if neither, all population is spread evenly).
    band_km : float, default 10
    towns : GeoDataFrame, optional
        Extra town points to count.
    crs : str, optional
        Projected CRS for areas and buffers (default: the units' UTM zone).

    Returns
    -------
    pandas.DataFrame
        Indexed by axis id, plus a row ``all_axes`` for the union of bands.

    Raises
    ------
    DataError
        Missing columns or a non-positive band.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> a = axis_agglomeration(made_up_structure())
    >>> bool((a["location_quotient"] > 0).all())
    True
    """
    band_km = number("band_km", band_km, low=0.01, high=5_000.0)  # below 10 m a band has no land: LQ undefined
    units = structure.units
    pop = sizes(units, structure.column("size", size), min_places=1, label="axis agglomeration")
    urban_col = structure.column("urban", urban, required=False)
    urb = pd.Series(0.0, index=units.index) if urban_col is None else urban_sizes(units, urban_col, pop)
    crs = projected_crs(units) if crs is None else crs
    uproj = units.to_crs(crs)
    seats = structure.seats.to_crs(crs)
    seat_of = dict(zip(seats["unit"], seats.geometry, strict=True))
    area = uproj.area.to_numpy()
    rural_density = (pop - urb).to_numpy() / area
    points = structure.points.to_crs(crs).geometry
    if towns is not None:
        points = pd.concat([points, towns.to_crs(crs).geometry])
    axes = structure.axes.to_crs(crs)
    bands = {aid: line.buffer(band_km * 1000.0) for aid, line in axes.geometry.items()}
    bands["all_axes"] = shapely.union_all(list(bands.values()))
    region = shapely.union_all(uproj.geometry.to_numpy())
    rows = []
    for aid, band in bands.items():
        inside_area = shapely.area(shapely.intersection(uproj.geometry.to_numpy(), band))
        band_pop = float(np.sum(rural_density * inside_area))
        seats_in = [u for u in units.index if u in seat_of and band.contains(seat_of[u])]
        band_pop += float(urb.loc[seats_in].sum())
        area_share = float(inside_area.sum() / area.sum())
        pop_share = band_pop / float(pop.sum())
        rows.append(
            {
                "axis": aid,
                "band_km": band_km,
                "band_area_km2": float(shapely.area(shapely.intersection(band, region)) / 1e6),
                "pop_in_band": band_pop,
                "pop_share": pop_share,
                "area_share": area_share,
                "location_quotient": pop_share / area_share if area_share > 0 else math.nan,
                "seats_in_band": len(seats_in),
                "town_share": float(np.mean([band.contains(p) for p in points])) if len(points) else math.nan,
            }
        )
    return pd.DataFrame(rows).set_index("axis")


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
