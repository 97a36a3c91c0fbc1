"""Commuting circles: the residents within T minutes of each centre, per unit and in all, with the overlap.

A 都市圈 is defined by a one-hour commute to its central city (NDRC,
《关于培育发展现代化都市圈的指导意见》, 2019); the spatial-planning guidance
speaks of half-hour 城镇圈 round county seats. :func:`cell_times_to` times
every grid cell to each centre (the cell's access leg, the network, the
centre's own leg, as :func:`~linyi_spatial.accessibility.travel_time_surface`
does for the nearest of a set); :func:`commuting_circles` counts the
modelled residents inside each centre's limit, per unit, and says how many
are inside two circles or more (the overlap) and inside none.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from .._checks import number
from ..errors import DataError
from ..network.link import Access, Places, graph_access, resolve_places
from ..routing.engine import routing_graph, search
from .surface import _best_candidate, _link_cells

__all__ = ["cell_times_to", "circle_areas", "commuting_circles"]


def cell_times_to(
    G: nx.Graph,
    grid: gpd.GeoDataFrame,
    centres: Places,
    *,
    access: Access | None = None,
    base: nx.Graph | None = None,
) -> pd.DataFrame:
    """Minutes from every grid cell to each centre (both access legs charged; ``inf`` where unreachable).

    Parameters
    ----------
    G : networkx graph
        With ``travel_time`` (seconds) on edges.
    grid : GeoDataFrame
        Cells from :func:`~linyi_spatial.accessibility.analysis_grid`.
    centres : node ids, a Series of node ids by label, or points
        See :func:`~linyi_spatial.routing.resolve_places`.
    access : Access, optional
    base : networkx graph, optional
        A base scenario's network: a cell may keep the edge it joins there
        (as in :func:`~linyi_spatial.accessibility.travel_time_surface`).

    Returns
    -------
    pandas.DataFrame
        One row per cell (the grid's index), one column per centre.

    Examples
    --------
    >>> from linyi_spatial.accessibility import analysis_grid
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> grid = analysis_grid(made_up_structure().units, cell_km=10)
    >>> T = cell_times_to(made_up_network(2020), grid, ["a", "e"])
    >>> list(T.columns), bool((T >= 0).all().all())
    (['a', 'e'], True)
    """
    access = graph_access(G, access)
    where = resolve_places(G, centres, access=access, label="centre")
    nodes, seconds, _ = _link_cells(G, grid, access, base=base)
    rg = routing_graph(G)  # checked once for the call
    rows = rg.rows(nodes.ravel()).reshape(nodes.shape)
    to = search(rg, list(where["node"]), to_sources=True)  # every node to each centre
    out = {}
    for k, (label, leg) in enumerate(zip(where.index, where["access_time_s"], strict=True)):
        best, _ = _best_candidate(to[k] + float(leg), rows, seconds)
        out[label] = best / 60.0
    return pd.DataFrame(out, index=grid.index)


def commuting_circles(
    times_min: pd.DataFrame,
    people: Sequence[float] | np.ndarray | pd.Series,
    units: Sequence[Hashable] | np.ndarray | pd.Series,
    cutoff_min: float | Mapping[Hashable, float] = 60.0,
) -> pd.DataFrame:
    """Residents within each centre's time limit, per unit and in all, and how many are in none, one or several.

    Parameters
    ----------
    times_min : DataFrame
        Minutes from each cell (rows) to each centre (columns), e.g. :func:`cell_times_to`.
    people : array-like
        Residents of each cell (same order).
    units : array-like
        The unit of each cell.
    cutoff_min : float or mapping of centre -> float, default 60
        The limit, one for all centres or one per centre.

    Returns
    -------
    pandas.DataFrame
        One row per centre and one per summary (``any``: inside at least
        one circle; ``overlap``: inside two or more; ``none``), columns: one
        per unit with its residents inside, ``total``, ``share`` (of all
        residents) and ``cutoff_min``.

    Raises
    ------
    DataError
        For mismatched lengths, a limit for an unknown centre or a bad limit.

    Examples
    --------
    >>> T = pd.DataFrame({"c1": [10.0, 50.0, 80.0], "c2": [70.0, 20.0, 90.0]})
    >>> out = commuting_circles(T, [100, 200, 300], ["u", "u", "v"], 60)
    >>> out["total"].to_dict()
    {'c1': 300.0, 'c2': 200.0, 'any': 300.0, 'overlap': 200.0, 'none': 300.0}
    """
    w = np.asarray(people, dtype=float).ravel()
    u = np.asarray(units, dtype=object).ravel()
    if not (len(w) == len(u) == len(times_min)):
        raise DataError(f"commuting_circles: {len(times_min)} cells of times, {len(w)} of people, {len(u)} of units")
    if isinstance(cutoff_min, Mapping):
        unknown = [c for c in cutoff_min if c not in times_min.columns]
        if unknown:
            raise DataError(f"commuting_circles: limits for unknown centre(s) {unknown}")
        limits = {c: number(f"cutoff_min of {c!r}", cutoff_min.get(c, 60.0), error=DataError) for c in times_min}
    else:
        limit = number("cutoff_min", cutoff_min, error=DataError)
        limits = dict.fromkeys(times_min.columns, limit)
    inside = pd.DataFrame({c: times_min[c].to_numpy(dtype=float) <= limits[c] for c in times_min.columns})
    count = inside.sum(axis=1).to_numpy()
    masks = {c: inside[c].to_numpy() for c in inside.columns}
    masks |= {"any": count >= 1, "overlap": count >= 2, "none": count == 0}
    order = list(pd.unique(u))
    total = float(w.sum())
    rows = {}
    for name, m in masks.items():
        per = pd.Series(w * m).groupby(u).sum().reindex(order).fillna(0.0)
        rows[name] = {**per.to_dict(), "total": float((w * m).sum())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["share"] = out["total"] / total if total > 0 else np.nan
    out["cutoff_min"] = [limits.get(c, np.nan) for c in out.index]
    out.index.name = "circle"
    out.attrs.update(people=total, limits=limits)
    return out


def circle_areas(
    cells: gpd.GeoDataFrame,
    times_min: pd.DataFrame,
    cutoff_min: float | Mapping[Hashable, float] = 60.0,
    *,
    people: str = "pop_est",
) -> gpd.GeoDataFrame:
    """Each centre's circle as an area: the union of the cells within its limit, with the residents inside.

    Parameters
    ----------
    cells : GeoDataFrame
        The grid cells the times were computed for (same order as ``times_min``).
    times_min : DataFrame
        Minutes from each cell to each centre (e.g. :func:`cell_times_to`).
    cutoff_min : float or mapping of centre -> float, default 60
    people : str, default "pop_est"
        The cells' residents column.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per centre: ``centre``, ``cutoff_min``, ``people``,
        ``area_km2`` and the area (in the cells' CRS).

    Examples
    --------
    >>> from linyi_spatial.accessibility import analysis_grid, structure_population
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = made_up_structure()
    >>> cells = structure_population(s, analysis_grid(s.units, cell_km=10))
    >>> a = circle_areas(cells, cell_times_to(made_up_network(2020), cells, ["a"]), 30)
    >>> a[["centre", "cutoff_min"]].values.tolist()
    [['a', 30.0]]
    """
    if len(cells) != len(times_min):
        raise DataError(f"circle_areas: {len(cells)} cells but {len(times_min)} rows of times")
    if people not in cells.columns:
        raise DataError(f"circle_areas: the cells have no residents column {people!r}")
    limits = (
        {c: number(f"cutoff_min of {c!r}", cutoff_min.get(c, 60.0), error=DataError) for c in times_min}
        if isinstance(cutoff_min, Mapping)
        else dict.fromkeys(times_min.columns, number("cutoff_min", cutoff_min, error=DataError))
    )
    geoms = cells.geometry.to_numpy()
    w = cells[people].to_numpy(dtype=float)
    area = cells["area_km2"].to_numpy(dtype=float) if "area_km2" in cells.columns else np.full(len(cells), np.nan)
    rows = []
    for c in times_min.columns:
        inside = times_min[c].to_numpy(dtype=float) <= limits[c]
        rows.append(
            {
                "centre": c,
                "cutoff_min": float(limits[c]),
                "people": float(w[inside].sum()),
                "area_km2": float(area[inside].sum()),
                "geometry": shapely.union_all(geoms[inside]) if inside.any() else shapely.Polygon(),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=cells.crs)
