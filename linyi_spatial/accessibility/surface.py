"""Travel-time surfaces and isochrones: every grid cell linked to the network and timed.

A cell reaches the network by its access leg (:class:`~linyi_spatial.network.Access`).
With ``link_to="edges"`` a straight connector runs from the cell's
representative point to the nearest point of the nearest usable road edge
(not an expressway between interchanges, not a railway), charged at
``access.speed_kph`` times ``access.circuity``; from there the cell travels
along the edge to either end node in proportion to the edge's travel time,
and takes the quicker, so times grow along roads, not in circles around
nodes. With ``link_to="nodes"`` (the default) the cell takes the quickest of
its ``access.candidates`` nearest nodes. The connector's time is kept as
``access_time_min``. A target (the core's anchor, a pole, a seat) off the
network is reached by its own access leg too
(:func:`~linyi_spatial.routing.resolve_places`), so a time is charged at
both ends. Network times come from one multi-source search per target set
(one search per target when targets have access legs).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

from .._checks import number
from ..crs import WGS84
from ..errors import DataError
from ..network.link import Access, EdgeIndex, NodeIndex, graph_access, resolve_places
from ..routing.engine import RoutingGraph, routing_graph, search
from .grid import analysis_grid

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["isochrones", "structure_nodes", "travel_time_surface"]


def structure_nodes(structure: SpatialStructure, G: nx.Graph, *, access: Access | None = None) -> dict[str, Any]:
    """Network nodes of a structure's core anchor, poles and unit seats, with their access legs.

    A place whose id is a node of ``G`` is that node; any other place is
    linked to its nearest linkable node by its access leg
    (:func:`~linyi_spatial.routing.resolve_places` with ``by_id=True``,
    the rule every analysis uses), whose time is kept and charged.

    Parameters
    ----------
    structure : SpatialStructure
    G : networkx graph
    access : Access, optional
        Which nodes places may be linked to.

    Returns
    -------
    dict
        ``core`` (one node), ``pole`` (nodes in pole order), ``pole_ids``,
        ``seat`` (nodes), ``seat_units`` (the seats' unit ids, same order);
        the places behind them (``core_place``, ``pole_places``,
        ``seat_places``) and ``places``, the resolved table of every place
        (``node``, ``snap_distance_m``, ``access_time_s``, by place id).

    Raises
    ------
    DataError
        If the structure has no unit seats (places with ``seat_of``).

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> structure_nodes(made_up_structure(), made_up_network(2020))["core"]
    ['a']
    """
    seats = structure.require_seats("the accessibility measures")
    places = resolve_places(G, structure.places, access=access, label="place", by_id=True)
    lookup = places["node"]
    core = structure.core["anchor"].iloc[0]
    return {
        "core": [lookup[core]],
        "pole": [lookup[p] for p in structure.poles["place"]],
        "pole_ids": list(structure.poles.index),
        "seat": [lookup[p] for p in seats.index],
        "seat_units": list(seats["unit"]),
        "core_place": core,
        "pole_places": list(structure.poles["place"]),
        "seat_places": list(seats.index),
        "places": places,
    }


def _nearest(rg: RoutingGraph, nodes: list[Hashable], access_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds from every node to the nearest target (its access leg included) and that target's position.

    One multi-source search either way: with access legs, each target gets
    a virtual node joined to it by its leg, and the search starts from the
    virtual nodes (so a target's leg shifts its whole cost field, as it
    must, and the search still says which target is nearest).
    """
    if not np.any(access_s > 0):
        return rg.nearest(nodes)
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    idx = rg.rows(nodes, "target")
    R = rg.reverse
    n, k = R.shape[0], len(idx)
    # the reverse matrix with k more rows, one entry each (virtual node -> its target, at the leg's cost), built
    # from its arrays: no sparse stacking of the whole matrix per call
    indptr = np.concatenate([R.indptr, R.indptr[-1] + np.arange(1, k + 1, dtype=R.indptr.dtype)])
    indices = np.concatenate([R.indices, idx.astype(R.indices.dtype)])
    data = np.concatenate([R.data, np.asarray(access_s, dtype=np.float64)])
    A = csr_array((data, indices, indptr), shape=(n + k, n + k))
    cost, _, source = dijkstra(A, directed=True, indices=n + np.arange(k), min_only=True, return_predecessors=True)
    cost = cost[:n]
    which = np.where(np.isfinite(cost) & (source[:n] >= n), source[:n] - n, -1)
    return cost, which


def _link_cells(
    G: nx.Graph, grid: gpd.GeoDataFrame, access: Access, *, to_cell: bool = False, base: nx.Graph | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate nodes of every cell, the time between the cell and each (seconds), and the connector time.

    ``access.link_to == "edges"``: the two ends of the nearest usable edge,
    reached along it (and, with ``base``, of the edge the cell joins in the
    base network, if ``G`` still has it); ``"nodes"``: the
    ``access.candidates`` nearest nodes.
    """
    if access.link_to == "edges":
        also = None if base is None else EdgeIndex.from_graph(base, access)
        return EdgeIndex.from_graph(G, access).link(grid.geometry, access, to_point=to_cell, also=also)
    points = grid.geometry.representative_point()
    nodes, dist = NodeIndex.from_graph(G, access).query(points, access.candidates)
    seconds = access.seconds(dist)
    return nodes, seconds, seconds[:, 0]


def _best_candidate(cost: np.ndarray, rows: np.ndarray, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, min over candidate nodes (matrix ``rows``) of connector + network cost, and the row achieving it."""
    total = seconds + cost[rows]
    k = np.argmin(total, axis=1)
    r = np.arange(len(rows))
    return total[r, k], rows[r, k]


def travel_time_surface(
    G: nx.Graph,
    structure: SpatialStructure,
    *,
    grid: gpd.GeoDataFrame | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
    base: nx.Graph | None = None,
) -> gpd.GeoDataFrame:
    """Travel time from every grid cell to the core, the nearest pole and the nearest unit seat.

    Parameters
    ----------
    G : networkx graph
        Network with ``travel_time`` (seconds) on edges.
    structure : SpatialStructure
        Supplies the targets (core anchor, poles, seats) and, without
        ``grid``, the units to grid.
    grid : GeoDataFrame, optional
        Cells from :func:`analysis_grid`; built over ``structure.units`` otherwise.
    cell_km : float, default 1
        Cell side when the grid is built here.
    access : Access, optional
        The cells' access leg (speed, candidates, linkable nodes).
    base : networkx graph, optional
        A base scenario's network (edge linking only): a cell may also join
        the edge it joins there, so a scenario that only adds or speeds up
        links never slows a cell (:func:`compare_scenarios` passes it).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell piece: ``cell_id``, ``unit``, ``area_km2``,
        ``node`` and ``access_time_min`` (nearest node),
        ``cell_time_to_core_min``, ``cell_time_to_nearest_pole_min``,
        ``nearest_pole``, ``cell_time_to_nearest_seat_min``,
        ``nearest_seat_unit``, geometry. The ``cell_`` times are from the
        cell (its access leg included); the seat's own times, in
        :func:`~linyi_spatial.accessibility.seat_accessibility`, carry no prefix.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = travel_time_surface(made_up_network(2020), made_up_structure(), cell_km=5)
    >>> bool(s["cell_time_to_core_min"].between(0, 180).all())
    True
    """
    access = graph_access(G, access)
    if grid is None:
        grid = analysis_grid(structure.units, cell_km=cell_km)
    targets = structure_nodes(structure, G, access=access)
    rg = routing_graph(G)
    nodes, seconds, connector = _link_cells(G, grid, access, base=base)
    rows = rg.rows(nodes.ravel()).reshape(nodes.shape)
    out = grid.copy()
    out["node"] = nodes[np.arange(len(nodes)), np.argmin(seconds, axis=1)]
    out["access_time_min"] = connector / 60.0
    legs = {
        "core": [targets["core_place"]],
        "pole": targets["pole_places"],
        "seat": targets["seat_places"],
    }
    for key, col, label, ids in (
        ("core", "cell_time_to_core_min", None, None),
        ("pole", "cell_time_to_nearest_pole_min", "nearest_pole", targets["pole_ids"]),
        ("seat", "cell_time_to_nearest_seat_min", "nearest_seat_unit", targets["seat_units"]),
    ):
        if not targets[key]:
            out[col] = np.inf
            if label is not None:
                out[label] = None
            continue
        leg_s = targets["places"]["access_time_s"].reindex(legs[key]).to_numpy(dtype=float)
        cost, which = _nearest(rg, targets[key], leg_s)
        best, pick = _best_candidate(cost, rows, seconds)
        out[col] = best / 60.0
        if label is not None and ids is not None:
            k = which[pick]
            names = np.empty(len(ids) + 1, dtype=object)
            names[:-1] = ids
            out[label] = names[np.where((k >= 0) & np.isfinite(best), k, -1)]  # the last slot is None
    return out


def isochrones(
    G: nx.Graph,
    origin: Hashable | shapely.Geometry | gpd.GeoSeries | gpd.GeoDataFrame,
    cutoffs_min: Sequence[float] = (15, 30, 60, 90),
    *,
    region: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    grid: gpd.GeoDataFrame | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
) -> gpd.GeoDataFrame:
    """Areas reachable from a place within each time limit.

    Travel time from the origin to every grid cell (origin connector +
    network + cell connector) is computed once; the isochrone for ``c``
    minutes is the union of cells reached within ``c``. Isochrones
    therefore nest exactly and are clipped to the region.

    Parameters
    ----------
    G : networkx graph
        Network with ``travel_time`` (seconds) on edges.
    origin : node id, or a shapely Point / GeoSeries / GeoDataFrame with one point
    cutoffs_min : sequence of float, default (15, 30, 60, 90)
    region : GeoDataFrame or GeoSeries, optional
        Area to cover (e.g. ``structure.units``); needed unless ``grid`` is given.
    grid : GeoDataFrame, optional
        Cells from :func:`analysis_grid` (overrides ``region``/``cell_km``).
    cell_km : float, default 1
        Resolution of the isochrone edges.
    access : Access, optional
        Access legs of the origin and the cells.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per limit: ``cutoff_min``, ``area_km2``, geometry (EPSG:4326).

    Raises
    ------
    DataError
        If neither ``region`` nor ``grid`` is given, or a limit is negative.
    NetworkError
        If the origin is not a node of the graph.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> iso = isochrones(made_up_network(2020), "a", [30, 60], region=made_up_structure().units, cell_km=5)
    >>> bool(iso.geometry.iloc[1].buffer(1e-9).contains(iso.geometry.iloc[0]))
    True
    """
    access = graph_access(G, access)
    limits = sorted(number("cutoffs_min", c) for c in cutoffs_min)
    if not limits:
        raise DataError("cutoffs_min needs at least one time limit")
    if grid is None:
        if region is None:
            raise DataError("isochrones need the area to cover: pass region= (e.g. structure.units) or grid=")
        grid = analysis_grid(region, cell_km=cell_km)
    if isinstance(origin, shapely.Geometry):
        origin = gpd.GeoSeries([origin], crs=WGS84)
    o = resolve_places(
        G, origin if isinstance(origin, (gpd.GeoSeries, gpd.GeoDataFrame)) else [origin], access=access, label="origin"
    )
    if len(o) != 1:
        raise DataError(f"isochrones need exactly one origin, got {len(o)}")
    nodes, seconds, _ = _link_cells(G, grid, access, to_cell=True)
    rg = routing_graph(G)  # checked once for the call
    from_origin = search(rg, [o["node"].iloc[0]])[0]
    rows = rg.rows(nodes.ravel()).reshape(nodes.shape)
    best, _ = _best_candidate(from_origin, rows, seconds)
    t = (best + o["access_time_s"].iloc[0]) / 60.0
    out: list[dict[str, object]] = []
    cells, area = grid.geometry.to_numpy(), grid["area_km2"].to_numpy()
    geom: shapely.Geometry = shapely.Polygon()
    previous = -np.inf
    for c in limits:  # each limit adds the band of cells beyond the previous one: one pass over the cells
        band = cells[(t > previous) & (t <= c)]
        if len(band):
            geom = shapely.union_all(np.concatenate([band, np.array([geom], dtype=object)]))
        previous = c
        out.append({"cutoff_min": c, "area_km2": float(area[t <= c].sum()), "geometry": geom})
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
