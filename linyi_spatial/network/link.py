"""Linking points to the network: the access leg's options, a k-d tree of nodes, snapping.

Every origin or destination that is not a node (a grid cell, a town, a
hospital) reaches the network by an *access leg*: a straight connector to a
nearby node, charged at :attr:`Access.speed_kph`. :class:`Access` gathers
the options of that leg in one object, so every function that links points
(routing, surfaces, isochrones, scores, the Dask engine) takes the same
``access=`` argument and means the same thing by it. :class:`NodeIndex` is
the one k-d tree used to find nearby nodes; it is built in the graph's UTM
zone so distances are metres.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import LineString

from .._checks import number
from ..crs import projected_crs
from ..errors import CRSError, NetworkError

__all__ = ["DEFAULT_ACCESS", "Access", "EdgeIndex", "NodeIndex", "nearest_nodes", "snap_points"]


@dataclass(frozen=True)
class Access:
    """How points reach the network: the access leg.

    Attributes
    ----------
    speed_kph : float, default 30
        Speed on the straight connector from a point to a node (30 km/h is
        the design speed of county and township roads).
    candidates : int, default 32
        Nearest nodes tried per point where the quickest total matters
        (surfaces, isochrones): the point takes the best of connector +
        network time over these nodes, so adding a link never slows it.
    max_distance_m : float or None, default None
        Points farther than this from every node are not linked (NA node,
        ``inf`` access time).
    modes : tuple of str or None, default ("road",)
        Node modes a point may link to (None: all).
    exclude_kinds : tuple of str, default ("external",)
        Node kinds never linked to (e.g. where lines leave the region).
    link_to : {"nodes", "edges"}, default "nodes"
        How grid cells join the network in surfaces and isochrones:
        ``"nodes"`` tries the ``candidates`` nearest nodes (a scenario that
        only adds links never slows a cell); ``"edges"`` links each cell to
        the nearest point of the nearest usable road edge and travels along
        that edge to its end nodes in proportion to the edge's time (as r5py
        and OpenTripPlanner link origins), so times grow along roads rather
        than in circles around nodes.
    exclude_classes : tuple of str, default ("expressway",)
        Road classes a cell may not join between their ends (controlled
        access: an expressway is entered at interchanges only).
    circuity : float, default 1.0
        The connector's length is the straight distance times this (≥ 1;
        e.g. 1.3 for winding village roads).
    """

    speed_kph: float = 30.0
    candidates: int = 32
    max_distance_m: float | None = None
    modes: tuple[str, ...] | None = ("road",)
    exclude_kinds: tuple[str, ...] = ("external",)
    link_to: str = "nodes"
    exclude_classes: tuple[str, ...] = ("expressway",)
    circuity: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        try:
            number("access speed_kph", self.speed_kph, allow_low=False, error=NetworkError)
        except NetworkError as exc:
            problems.extend(exc.problems)
        if isinstance(self.candidates, bool) or not isinstance(self.candidates, int) or self.candidates < 1:
            problems.append(f"access candidates must be a positive integer, got {self.candidates!r}")
        d = self.max_distance_m
        if d is not None and not (isinstance(d, (int, float)) and d >= 0 and not math.isnan(d)):
            problems.append(f"access max_distance_m must be a non-negative number or None, got {d!r}")
        if self.link_to not in ("edges", "nodes"):
            problems.append(f"access link_to must be 'edges' or 'nodes', got {self.link_to!r}")
        try:
            number("access circuity", self.circuity, low=1.0, high=10.0, error=NetworkError)
        except NetworkError as exc:
            problems.extend(exc.problems)
        if problems:
            raise NetworkError(problems)

    def seconds(self, distance_m: np.ndarray) -> np.ndarray:
        """Connector time in seconds for straight distances in metres (``inf`` beyond ``max_distance_m``).

        Parameters
        ----------
        distance_m : numpy.ndarray

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> Access(speed_kph=36.0, max_distance_m=500).seconds(np.array([100.0, 1000.0])).tolist()
        [10.0, inf]
        """
        t = np.asarray(distance_m, dtype=float) * self.circuity / (self.speed_kph / 3.6)
        if self.max_distance_m is not None:
            t = np.where(np.asarray(distance_m) > self.max_distance_m, np.inf, t)
        return t


DEFAULT_ACCESS = Access()
"""The access leg used when a function's ``access=`` is None."""


@dataclass(frozen=True)
class NodeIndex:
    """A k-d tree over the linkable nodes of a graph, in metres (the graph's UTM zone).

    Build it with :meth:`from_graph`; it pickles, so the Dask engine ships
    it to workers instead of rebuilding it.

    Attributes
    ----------
    nodes : numpy.ndarray
        Node ids in tree order.
    tree : scipy.spatial.cKDTree
    graph_crs, metric_crs : str
        The graph's CRS and the projected CRS of the tree.
    lonlat_bounds : (float, float, float, float)
        The nodes' extent in longitude/latitude (to recognise swapped coordinates).
    """

    nodes: np.ndarray
    tree: cKDTree
    graph_crs: str
    metric_crs: str
    lonlat_bounds: tuple[float, float, float, float]

    @classmethod
    def from_graph(cls, G: nx.Graph, access: Access | None = None) -> NodeIndex:
        """Index the nodes of ``G`` that ``access`` allows linking to.

        Parameters
        ----------
        G : networkx graph
            With ``G.graph["crs"]`` and node ``x``/``y``.
        access : Access, optional
            Its ``modes`` and ``exclude_kinds`` select the nodes.

        Returns
        -------
        NodeIndex

        Raises
        ------
        CRSError
            If the graph has no CRS.
        NetworkError
            If no node may be linked to.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> len(NodeIndex.from_graph(made_up_network(2020)).nodes) > 0
        True
        """
        access = DEFAULT_ACCESS if access is None else access
        if not G.graph.get("crs"):
            raise CRSError("graph has no CRS (G.graph['crs'])")
        rows = [
            (n, d.get("x"), d.get("y"))
            for n, d in G.nodes(data=True)
            if (access.modes is None or d.get("mode", "road") in access.modes)
            and d.get("kind") not in access.exclude_kinds
        ]
        if not rows:
            raise NetworkError("no nodes to link to (check the access modes and exclude_kinds)")
        ids = np.empty(len(rows), dtype=object)
        ids[:] = [r[0] for r in rows]
        x = np.array([r[1] for r in rows], dtype=float)
        y = np.array([r[2] for r in rows], dtype=float)
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            bad = ids[~(np.isfinite(x) & np.isfinite(y))].tolist()
            raise NetworkError(f"node(s) without finite x/y: {bad[:10]}")
        graph_crs = str(G.graph["crs"])
        lon, lat = pyproj.Transformer.from_crs(graph_crs, "EPSG:4326", always_xy=True).transform(x, y)
        bounds = (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))
        if pyproj.CRS.from_user_input(graph_crs).is_geographic:
            metric = projected_crs(gpd.GeoSeries(gpd.points_from_xy(x, y), crs=graph_crs))
            x, y = pyproj.Transformer.from_crs(graph_crs, metric, always_xy=True).transform(x, y)
        else:
            metric = graph_crs
        return cls(ids, cKDTree(np.column_stack([x, y])), graph_crs, metric, bounds)

    def _check(self, geoms: gpd.GeoSeries) -> None:
        """Named errors for missing, empty, non-finite, out-of-range or swapped point coordinates."""
        missing = geoms.isna() | geoms.is_empty
        if missing.any():
            raise NetworkError(f"point(s) missing or empty at {geoms.index[missing].tolist()[:10]}")
        x, y = geoms.x.to_numpy(), geoms.y.to_numpy()
        finite = np.isfinite(x) & np.isfinite(y)
        if not finite.all():
            raise NetworkError(f"point(s) with NaN/inf coordinates at {geoms.index[~finite].tolist()[:10]}")
        if not geoms.crs.is_geographic:
            return
        out = (np.abs(x) > 180) | (np.abs(y) > 90)
        if out.any():
            i = int(np.argmax(out))
            raise CRSError(
                f"point(s) at {geoms.index[out].tolist()[:10]} are not longitude/latitude although the CRS is "
                f"{geoms.crs.to_string()} (e.g. ({x[i]:g}, {y[i]:g})): metres? set the points' real CRS"
            )
        minx, miny, maxx, maxy = self.lonlat_bounds
        pad_x, pad_y = max(1.0, maxx - minx), max(1.0, maxy - miny)

        def near(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return (a > minx - pad_x) & (a < maxx + pad_x) & (b > miny - pad_y) & (b < maxy + pad_y)

        swapped = ~near(x, y) & near(y, x)
        if swapped.any():
            raise CRSError(
                f"point(s) at {geoms.index[swapped].tolist()[:10]} lie far from the network but would lie on it with "
                "longitude and latitude swapped: give points as (lon, lat)"
            )

    def query(self, points: gpd.GeoDataFrame | gpd.GeoSeries, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest indexed nodes of every point and their distances in metres.

        Parameters
        ----------
        points : geopandas.GeoDataFrame or GeoSeries
            Any CRS (reprojected); non-point geometries use their
            representative point.
        k : int, default 1

        Returns
        -------
        nodes : numpy.ndarray of object, shape (n, k)
        distance_m : numpy.ndarray of float, shape (n, k)
            Nearest first.

        Raises
        ------
        CRSError
            If the points have no CRS, are not longitude/latitude under a
            geographic CRS, or look swapped (lat, lon).
        NetworkError
            For missing, empty or NaN/inf points, or points too far from the
            network to project into its metric CRS (naming them).

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> index = NodeIndex.from_graph(made_up_network(2020))
        >>> nodes, dist = index.query(gpd.GeoSeries.from_xy([10.1], [50.1], crs=4326))
        >>> nodes.tolist()
        [['a']]
        """
        if points.crs is None:
            raise CRSError("points have no CRS; set one (e.g. points.set_crs('EPSG:4326'))")
        geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        missing = geoms.isna() | geoms.is_empty
        if not missing.any() and not (geoms.geom_type == "Point").all():
            geoms = geoms.representative_point()
        self._check(geoms)
        lonlat = geoms
        geoms = geoms.to_crs(self.metric_crs)
        xy = np.column_stack([geoms.x.to_numpy(), geoms.y.to_numpy()])
        bad = np.flatnonzero(~np.isfinite(xy).all(axis=1))
        if bad.size:
            shown = [f"{lonlat.index[i]!r} ({lonlat.iloc[i].x:g}, {lonlat.iloc[i].y:g})" for i in bad[:5]]
            raise NetworkError(
                f"point(s) {', '.join(shown)} cannot be projected into the network's metric CRS "
                f"{self.metric_crs}: they lie too far from the network's area"
            )
        k = max(1, min(int(k), len(self.nodes)))
        dist, idx = self.tree.query(xy, k=k)
        dist, idx = dist.reshape(len(geoms), k), idx.reshape(len(geoms), k)
        return self.nodes[idx], dist


def nearest_nodes(
    G: nx.Graph, points: gpd.GeoDataFrame | gpd.GeoSeries, *, k: int = 1, access: Access | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest linkable nodes of every point, by straight-line distance in metres.

    Parameters
    ----------
    G : networkx graph
        With ``G.graph["crs"]`` and node ``x``/``y``.
    points : geopandas.GeoDataFrame or GeoSeries
        Any CRS; polygons use their representative point.
    k : int, default 1
    access : Access, optional
        Which nodes may be linked to (``modes``, ``exclude_kinds``).

    Returns
    -------
    nodes : numpy.ndarray of object, shape (n, k)
    distance_m : numpy.ndarray of float, shape (n, k)

    Raises
    ------
    CRSError
        If the points or the graph lack a CRS.
    NetworkError
        If there is nothing to link to.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> nodes, dist = nearest_nodes(made_up_network(2020), gpd.GeoSeries.from_xy([10.1], [50.1], crs=4326), k=2)
    >>> nodes[0].tolist()
    ['a', 'a_x']
    """
    return NodeIndex.from_graph(G, access).query(points, k)


def snap_points(G: nx.Graph, points: gpd.GeoDataFrame | gpd.GeoSeries, *, access: Access | None = None) -> pd.DataFrame:
    """Link points to their nearest network node in one vectorized call.

    Uses :class:`NodeIndex` (k-d tree in metres), so 10^4-10^6 points take
    milliseconds to seconds. The straight connector is charged at
    ``access.speed_kph``.

    Parameters
    ----------
    G : networkx graph
        With ``G.graph["crs"]`` and node ``x``/``y``.
    points : geopandas.GeoDataFrame or GeoSeries
        Any CRS; polygons use their representative point.
    access : Access, optional
        The access leg (speed, ``max_distance_m``, linkable nodes).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``points``: ``node`` (NA beyond ``max_distance_m``),
        ``snap_distance_m``, ``access_time_s`` (``inf`` where not linked).

    Raises
    ------
    CRSError
        If the points or the graph lack a CRS.
    NetworkError
        If there is nothing to link to.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> snap_points(made_up_network(2020), gpd.GeoSeries.from_xy([10.1], [50.11], crs=4326))["node"].tolist()
    ['a']
    """
    access = DEFAULT_ACCESS if access is None else access
    nodes, dist = nearest_nodes(G, points, k=1, access=access)
    node: Sequence[Hashable | None] = nodes[:, 0]
    seconds = access.seconds(dist[:, 0])
    if access.max_distance_m is not None:
        node = np.where(np.isfinite(seconds), nodes[:, 0], None)
    return pd.DataFrame({"node": node, "snap_distance_m": dist[:, 0], "access_time_s": seconds}, index=points.index)


@dataclass(frozen=True)
class EdgeIndex:
    """The linkable road edges of a graph in metres, for linking points to the nearest point of an edge.

    Each undirected road segment appears once (``u``, ``v``) with its
    travel time in each direction (``inf`` where one-way). Build it with
    :meth:`from_graph`.

    Attributes
    ----------
    u, v : numpy.ndarray
        End nodes (``geometry`` runs from ``u`` to ``v``).
    time_uv_s, time_vu_s : numpy.ndarray
        Travel time along the edge in each direction (seconds).
    geoms : numpy.ndarray of shapely.LineString
        Edge geometries in ``metric_crs``.
    tree : shapely.STRtree
    metric_crs : str
    """

    u: np.ndarray
    v: np.ndarray
    time_uv_s: np.ndarray
    time_vu_s: np.ndarray
    geoms: np.ndarray
    tree: shapely.STRtree
    metric_crs: str

    @classmethod
    def from_graph(cls, G: nx.Graph, access: Access | None = None) -> EdgeIndex:
        """Index the road edges of ``G`` a point may join (not ``access.exclude_classes``, not rail).

        Parameters
        ----------
        G : networkx graph
            With ``G.graph["crs"]``, node ``x``/``y`` and edge ``travel_time``.
        access : Access, optional

        Returns
        -------
        EdgeIndex

        Raises
        ------
        NetworkError
            If no edge may be joined.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> len(EdgeIndex.from_graph(made_up_network(2020)).u) > 0
        True
        """
        access = DEFAULT_ACCESS if access is None else access
        crs = str(G.graph.get("crs") or "")
        if not crs:
            raise CRSError("graph has no CRS (G.graph['crs'])")
        excluded = set(access.exclude_kinds)
        best: dict[tuple[Hashable, Hashable], dict[str, Any]] = {}
        for a, b, d in G.edges(data=True):
            if d.get("mode", "road") != "road" or d.get("class") in access.exclude_classes:
                continue
            if G.nodes[a].get("kind") in excluded and G.nodes[b].get("kind") in excluded:
                continue
            forward = (b, a) not in best or (a, b) in best  # one record per segment, oriented as first seen
            key = (a, b) if forward else (b, a)
            rec = best.setdefault(key, {"uv": math.inf, "vu": math.inf, "geometry": None})
            t = float(d.get("travel_time", math.inf))
            slot = "uv" if forward else "vu"
            if t < rec[slot]:
                rec[slot] = t
                if forward or rec["geometry"] is None:
                    geom = d.get("geometry")
                    if geom is None:
                        geom = LineString([(G.nodes[a]["x"], G.nodes[a]["y"]), (G.nodes[b]["x"], G.nodes[b]["y"])])
                    rec["geometry"] = geom if forward else geom.reverse()
        if not best:
            raise NetworkError("no road edges to link to (check the access exclude_classes)")
        keys = list(best)
        geoms = gpd.GeoSeries([best[k]["geometry"] for k in keys], crs=crs)
        metric = projected_crs(geoms) if geoms.crs.is_geographic else crs
        geoms = geoms.to_crs(metric).to_numpy()
        u = np.empty(len(keys), dtype=object)
        v = np.empty(len(keys), dtype=object)
        for i, (a, b) in enumerate(keys):
            u[i], v[i] = a, b
        uv = np.array([best[k]["uv"] for k in keys], dtype=float)
        vu = np.array([best[k]["vu"] for k in keys], dtype=float)
        return cls(u, v, uv, vu, geoms, shapely.STRtree(geoms), metric)

    def link(
        self, points: gpd.GeoDataFrame | gpd.GeoSeries, access: Access, *, to_point: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each point's two end nodes and the time from the point to each (or, ``to_point``, from each to it).

        The time is the connector (straight distance to the nearest point of
        the nearest edge, times ``access.circuity``, at ``access.speed_kph``)
        plus the share of the edge's travel time between that point and the
        end node.

        Parameters
        ----------
        points : GeoDataFrame or GeoSeries
            Any CRS; polygons use their representative point.
        access : Access
        to_point : bool, default False
            Times from the end nodes to the point (for isochrones) instead
            of from the point to the end nodes.

        Returns
        -------
        nodes : numpy.ndarray of object, shape (n, 2)
        seconds : numpy.ndarray, shape (n, 2)
            ``inf`` where the edge cannot be travelled that way.
        connector_s : numpy.ndarray, shape (n,)
            The connector's time alone.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> index = EdgeIndex.from_graph(made_up_network(2020))
        >>> nodes, sec, conn = index.link(gpd.GeoSeries.from_xy([10.1], [50.2], crs=4326), DEFAULT_ACCESS)
        >>> sorted(nodes[0].tolist()), bool(conn[0] < 1.0)
        (['a', 'c'], True)
        """
        geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        if not (geoms.geom_type == "Point").all():
            geoms = geoms.representative_point()
        pts = geoms.to_crs(self.metric_crs).to_numpy()
        (_, which), dist = self.tree.query_nearest(pts, return_distance=True, all_matches=False)
        lines = self.geoms[which]
        share = shapely.line_locate_point(lines, pts, normalized=True)
        connector = access.seconds(dist)
        if to_point:  # from u along u->v to the point, from v along v->u
            to_u, to_v = share * self.time_uv_s[which], (1.0 - share) * self.time_vu_s[which]
        else:  # from the point back to u (along v->u), on to v (along u->v)
            to_u, to_v = share * self.time_vu_s[which], (1.0 - share) * self.time_uv_s[which]
        with np.errstate(invalid="ignore"):
            seconds = np.column_stack([connector + to_u, connector + to_v])
        seconds = np.where(np.isnan(seconds), np.inf, seconds)  # 0 x inf on a one-way edge's far end
        return np.column_stack([self.u[which], self.v[which]]), seconds, connector
