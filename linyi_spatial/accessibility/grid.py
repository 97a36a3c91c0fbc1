"""Analysis grids: square (or H3) cells over a region, clipped to it and split by its units."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._checks import number
from .._progress import progress
from ..crs import WGS84, projected_crs
from ..errors import DataError

__all__ = ["MAX_CELLS", "analysis_grid"]

MAX_CELLS = 20_000_000
"""Largest square grid :func:`analysis_grid` builds (about 10 GB of cell geometries)."""


def analysis_grid(
    region: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_km: float = 1.0,
    unit_id: str | None = None,
    h3_resolution: int | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Square (or H3 hexagon) cells over a region, clipped to it and split by its units.

    Square cells are laid out in the region's UTM zone (or ``crs``),
    aligned to multiples of ``cell_km``. With ``h3_resolution`` the
    cells are Uber H3 hexagons instead (needs ``pip install h3``; resolution
    7 ≈ 5.2 km², 8 ≈ 0.74 km²). A cell crossing a unit boundary becomes one
    piece per unit, so areas add up exactly.

    Parameters
    ----------
    region : GeoDataFrame or GeoSeries
        Polygons (any CRS), e.g. a structure's ``units``.
    cell_km : float, default 1
        Square cell side (ignored for H3).
    unit_id : str, optional
        Column naming the units; defaults to the index.
    h3_resolution : int, optional
        Use H3 hexagons of this resolution (0–15).
    crs : str, optional
        Projected CRS in which cells are laid out and areas measured;
        default: the region's UTM zone (:func:`linyi_spatial.crs.projected_crs`).

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
    >>> from linyi_spatial.testing import made_up_structure
    >>> units = made_up_structure().units
    >>> g = analysis_grid(units, cell_km=5)
    >>> bool(abs(g["area_km2"].sum() - units.to_crs(projected_crs(units)).area.sum() / 1e6) < 1e-6)
    True
    """
    cell_km = number("cell_km", cell_km, high=1_000.0, allow_low=False)
    if not isinstance(region, (gpd.GeoDataFrame, gpd.GeoSeries)) or len(region) == 0:
        raise DataError("region must be a non-empty GeoDataFrame or GeoSeries of polygons")
    if region.crs is None:
        raise DataError("region has no CRS")
    units = region if isinstance(region, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=region)
    ids = units[unit_id] if unit_id is not None else pd.Series(units.index, index=units.index)
    crs = projected_crs(units) if crs is None else crs
    proj = units.to_crs(crs)
    if h3_resolution is not None:
        cells, labels = _h3_cells(units.to_crs(WGS84), h3_resolution, crs)
    else:
        size = cell_km * 1000.0
        minx, miny, maxx, maxy = proj.total_bounds
        with np.errstate(over="ignore"):  # a tiny cell gives inf cells, named below
            span_cells = float((maxx - minx) / size + 1) * float((maxy - miny) / size + 1)
        if not span_cells <= MAX_CELLS:
            shown = f"{span_cells:,.0f}" if math.isfinite(span_cells) else "more than 10^308"
            raise DataError(
                f"a {cell_km:g} km grid over this region needs {shown} cells, over the limit of {MAX_CELLS:,}; "
                "use a larger cell_km (or H3 at a coarser resolution)"
            )
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
