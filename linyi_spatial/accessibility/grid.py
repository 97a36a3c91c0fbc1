"""Analysis grids: square (or H3) cells over a region, clipped to it and split by its units."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._checks import number
from .._progress import progress
from ..crs import WGS84, projected_crs
from ..errors import DataError

__all__ = ["BYTES_PER_CELL", "MAX_CELLS", "MEMORY_BUDGET_BYTES", "analysis_grid", "cell_budget", "grid_cell_count"]

BYTES_PER_CELL = 4_000
"""Peak memory one grid cell costs from grid to maps, in bytes.

Measured: the CLI's whole map set (grid, population, surfaces, scores,
isochrones, six maps) on the made-up region at 0.4, 0.2 and 0.1 km cells
(11,900 / 47,800 / 191,000 cells) peaked at 410 / 546 / 1,083 MB: 3.75 kB
a cell above a fixed 365 MB, rounded up to 4 kB."""

MEMORY_BUDGET_BYTES = 8_000_000_000
"""The memory a grid may cost by default (8 GB): :data:`MAX_CELLS` cells at :data:`BYTES_PER_CELL`."""

MAX_CELLS = MEMORY_BUDGET_BYTES // BYTES_PER_CELL
"""Largest square grid :func:`analysis_grid` builds by default: 2,000,000 cells (the cells of the
region's bounding box, which is what is laid out). Raise it with ``max_cells=`` or :func:`cell_budget`
(the CLI's ``--max-cells``) on a machine with the memory."""

_BUDGET: ContextVar[int] = ContextVar("max_cells", default=MAX_CELLS)


@contextmanager
def cell_budget(max_cells: int) -> Iterator[None]:
    """Inside the block, grids may have up to ``max_cells`` cells (instead of :data:`MAX_CELLS`).

    Every function that builds a grid for itself (surfaces, scores,
    scenarios) honours it; the CLI's ``--max-cells`` sets it for a run.

    Parameters
    ----------
    max_cells : int
        A positive number of cells.

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager (use it in a ``with`` statement).

    Raises
    ------
    DataError
        If ``max_cells`` is not a positive whole number.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> units = made_up_structure().units
    >>> with cell_budget(100):
    ...     analysis_grid(units, cell_km=1)
    Traceback (most recent call last):
    ...
    linyi_spatial.errors.DataError: a 1 km grid over this region needs 2,024 cells (about 0.0081 GB at 4 kB a cell), ...
    """
    if isinstance(max_cells, bool) or not isinstance(max_cells, (int, np.integer)) or max_cells < 1:
        raise DataError(f"max_cells must be a positive whole number, got {max_cells!r}")
    token = _BUDGET.set(int(max_cells))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def grid_cell_count(region: gpd.GeoDataFrame | gpd.GeoSeries, cell_km: float, crs: str | None = None) -> float:
    """How many square cells :func:`analysis_grid` lays out over ``region`` (its bounding box), before any work.

    Parameters
    ----------
    region : GeoDataFrame or GeoSeries
        Polygons with a CRS.
    cell_km : float
        Cell side.
    crs : str, optional
        The projected CRS the cells are laid out in (default: the region's UTM zone).

    Returns
    -------
    float
        ``inf`` when the count overflows.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> grid_cell_count(made_up_structure().units, 5)
    90.0
    """
    if region.crs is None:
        raise DataError("region has no CRS")
    proj = region.to_crs(projected_crs(region) if crs is None else crs)
    minx, miny, maxx, maxy = proj.total_bounds
    size = cell_km * 1000.0
    with np.errstate(over="ignore", invalid="ignore"):  # a tiny cell gives inf cells
        cols = np.ceil((maxx - np.floor(minx / size) * size) / size)
        rows = np.ceil((maxy - np.floor(miny / size) * size) / size)
        count = float(cols) * float(rows)
    return count if math.isfinite(count) else math.inf


def _check_budget(cells: float, cell_km: float, max_cells: int) -> None:
    if cells <= max_cells:
        return
    shown = f"{cells:,.0f}" if math.isfinite(cells) else "more than 10^308"
    gb = f"{cells * BYTES_PER_CELL / 1e9:.2g}" if math.isfinite(cells) else "inf"
    raise DataError(
        f"a {cell_km:g} km grid over this region needs {shown} cells (about {gb} GB at "
        f"{BYTES_PER_CELL / 1000:g} kB a cell), over the limit of {max_cells:,} cells; use a larger cell_km "
        "(CLI: --cell-km), or raise max_cells (CLI: --max-cells) on a machine with the memory"
    )


def analysis_grid(
    region: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_km: float = 1.0,
    unit_id: str | None = None,
    h3_resolution: int | None = None,
    crs: str | None = None,
    max_cells: int | None = None,
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
    max_cells : int, optional
        Refuse, before any work, a square grid whose bounding box holds
        more cells (default: :data:`MAX_CELLS`, or the :func:`cell_budget`
        in force).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``cell_id`` (``"<col>_<row>"`` or the H3 index),
        ``unit``, ``area_km2``, geometry (clipped pieces).

    Raises
    ------
    DataError
        For a non-positive cell size, a region without CRS, or more cells
        than ``max_cells`` (naming the count, the memory it would take and
        the knobs).

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
        _check_budget(grid_cell_count(proj, cell_km, crs), cell_km, _BUDGET.get() if max_cells is None else max_cells)
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
