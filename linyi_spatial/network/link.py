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
import operator
import os
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import TYPE_CHECKING, Any, TypeAlias

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import shapely
from pandas.api.types import infer_dtype

from .._checks import number
from .._graph_cache import cached, install
from ..crs import WGS84, projected_crs
from ..errors import CRSError, NetworkError

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

__all__ = [
    "DEFAULT_ACCESS",
    "Access",
    "EdgeIndex",
    "EdgeLayout",
    "NodeIndex",
    "Places",
    "graph_access",
    "nearest_nodes",
    "resolve_places",
    "snap_points",
]


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
    exclude_kinds : tuple of str, default ("external", "planned_stop")
        Node kinds never linked to: where lines leave the region, and the
        stops of planned lines added by
        :func:`~linyi_spatial.network.add_lines` (a place keeps the access
        point it has in the base network and reaches a planned line through
        the line's connectors, so scenarios stay comparable).
    link_to : {"edges", "nodes"}, default "edges"
        How grid cells join the network in surfaces and isochrones:
        ``"edges"`` links each cell to the nearest point of the nearest
        usable road edge and travels along that edge to its end nodes in
        proportion to the edge's time (as r5py and OpenTripPlanner link
        origins), so times grow along roads rather than in circles around
        nodes; scenario comparisons also let a cell keep the edge it joins
        in the base network, so added links never slow it. ``"nodes"``
        tries the ``candidates`` nearest nodes instead.
    exclude_classes : tuple of str, default ("expressway", "motorway", "motorway_link")
        Road classes a cell may not join between their ends (controlled
        access: an expressway, an OSM ``motorway`` or its ramps are entered
        at interchanges only).
    circuity : float, default 1.0
        The connector's length is the straight distance times this (≥ 1;
        e.g. 1.3 for winding village roads).
    """

    speed_kph: float = 30.0
    candidates: int = 32
    max_distance_m: float | None = None
    modes: tuple[str, ...] | None = ("road",)
    exclude_kinds: tuple[str, ...] = ("external", "planned_stop")
    link_to: str = "edges"
    exclude_classes: tuple[str, ...] = ("expressway", "motorway", "motorway_link")
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
        # metres x 3.6 / (km/h): a speed near the float limit gives 0 s at 0 m and inf beyond, never 0/0
        with np.errstate(over="ignore"):
            t = np.asarray(distance_m, dtype=float) * self.circuity * 3.6 / self.speed_kph
        if self.max_distance_m is not None:
            t = np.where(np.asarray(distance_m) > self.max_distance_m, np.inf, t)
        return t


DEFAULT_ACCESS = Access()
"""The access leg used when a function's ``access=`` is None and the graph names none."""


def graph_access(G: nx.Graph, access: Access | None = None) -> Access:
    """The access leg a call uses: ``access`` if given, else the graph's own (``G.graph["access"]``), else the default.

    A network can say how places join it: an intercity skeleton of
    expressways only (no road a cell may join between interchanges) stores
    ``Access(link_to="nodes", ...)`` in ``G.graph["access"]``, and every
    surface, isochrone and score on it uses that unless told otherwise.

    Parameters
    ----------
    G : networkx graph
    access : Access, optional

    Returns
    -------
    Access

    Raises
    ------
    NetworkError
        If ``G.graph["access"]`` is set but not an :class:`Access`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(access=Access(link_to="nodes"))
    >>> graph_access(G).link_to, graph_access(nx.MultiDiGraph()).link_to
    ('nodes', 'edges')
    """
    if access is not None:
        return access
    own = G.graph.get("access")
    if own is None:
        return DEFAULT_ACCESS
    if not isinstance(own, Access):
        raise NetworkError(f"G.graph['access'] must be an Access, got {type(own).__name__}")
    return own


def _values(dicts: Iterable[dict[str, Any]], key: str) -> list[Any]:
    return list(map(dict.get, dicts, repeat(key)))


def _edge_signature(G: nx.Graph, edges: list[dict[str, Any]]) -> tuple[object, ...]:
    """What an edge index depends on: node positions, and each edge's travel time and geometry.

    Adding or removing nodes or edges empties the graph's cache (networkx
    does it). The geometries themselves are held, not their ids, so a
    replaced one is never mistaken for the old; list comparison checks
    identity before equality, so the check costs about 0.1 s per 300,000
    edges while nothing changed.
    """
    nodes = G._node.values()  # type: ignore[attr-defined]  # networkx's own node dict: no view object per call
    return len(G), _values(nodes, "x"), _values(nodes, "y"), _values(edges, "travel_time"), _values(edges, "geometry")


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

        Notes
        -----
        The index is cached on the graph and rebuilt when nodes are added,
        removed or moved, or their ``mode`` or ``kind`` changes (one pass
        over the node attributes checks it on every use).

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> len(NodeIndex.from_graph(made_up_network(2020)).nodes) > 0
        True
        """
        access = graph_access(G, access)
        if not isinstance(G, nx.Graph):  # a compiled routing handle: the nodes access allows, by its coordinates
            return _handle_index(G, access)
        if not G.graph.get("crs"):
            raise CRSError("graph has no CRS (G.graph['crs'])")
        key = ("nodes", None if access.modes is None else frozenset(access.modes), frozenset(access.exclude_kinds),
               str(G.graph["crs"]))  # fmt: skip
        return cached(
            G,
            key,
            lambda: (cls._build(G, access), [d for _, d in G.nodes(data=True)]),
            lambda nodes: (len(G), [(d.get("x"), d.get("y"), d.get("mode"), d.get("kind")) for d in nodes]),
        )

    @classmethod
    def _build(cls, G: nx.Graph, access: Access) -> NodeIndex:
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
        return cls._from_xy(ids, x, y, str(G.graph["crs"]))

    @classmethod
    def _from_xy(cls, ids: np.ndarray, x: np.ndarray, y: np.ndarray, graph_crs: str) -> NodeIndex:
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            bad = ids[~(np.isfinite(x) & np.isfinite(y))].tolist()
            raise NetworkError(f"node(s) without finite x/y: {bad[:10]}")
        lon, lat = pyproj.Transformer.from_crs(graph_crs, "EPSG:4326", always_xy=True).transform(x, y)
        bounds = (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))
        if pyproj.CRS.from_user_input(graph_crs).is_geographic:
            metric = projected_crs(gpd.GeoSeries(gpd.points_from_xy(x, y), crs=graph_crs))
            x, y = pyproj.Transformer.from_crs(graph_crs, metric, always_xy=True).transform(x, y)
        else:
            metric = graph_crs
        from scipy.spatial import cKDTree  # imported when used: scipy.spatial costs 0.25 s at import

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
        bad = np.flatnonzero(~(np.isfinite(xy) & (np.abs(xy) < 1e8)).all(axis=1))  # 1e8 m: beyond any map
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
    access = graph_access(G, access)
    nodes, dist = nearest_nodes(G, points, k=1, access=access)
    node = nodes[:, 0].astype(object)
    seconds = access.seconds(dist[:, 0])
    if access.max_distance_m is not None:
        node[~np.isfinite(seconds)] = None
    else:
        _say_far(G, points, node, dist[:, 0])
    return pd.DataFrame({"node": node, "snap_distance_m": dist[:, 0], "access_time_s": seconds}, index=points.index)


FAR_LINK_KM = 100.0
"""A point linked to a node farther than this (km) is named in a warning: its straight access leg, not the
network, decides its times (a facility on another continent, a network that does not cover the region)."""


def _say_far(G: nx.Graph, points: gpd.GeoDataFrame | gpd.GeoSeries, node: np.ndarray, dist_m: np.ndarray) -> None:
    """Warn of points linked farther than :data:`FAR_LINK_KM`.

    The distances said are geodesic: far from the network's UTM zone the projected ones are distorted.
    """
    far = np.flatnonzero(np.isfinite(dist_m) & (dist_m > FAR_LINK_KM * 1000.0))
    if not len(far):
        return
    worst = far[np.argsort(-dist_m[far])][:5]
    geom = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    at = geom.iloc[worst].to_crs(WGS84).representative_point()
    ends = gpd.GeoSeries.from_xy([G.nodes[node[i]]["x"] for i in worst], [G.nodes[node[i]]["y"] for i in worst],
                                 crs=G.graph.get("crs")).to_crs(WGS84)  # fmt: skip
    km = pyproj.Geod(ellps="WGS84").inv(at.x.to_numpy(), at.y.to_numpy(), ends.x.to_numpy(), ends.y.to_numpy())[2] / 1e3
    order = np.argsort(-km)
    named = ", ".join(f"{points.index[worst[j]]!r} {km[j]:,.0f} km from node {node[worst[j]]!r}" for j in order)
    warnings.warn(
        f"{len(far)} point(s) lie more than {FAR_LINK_KM:g} km from the network ({named}"
        f"{' ...' if len(far) > 5 else ''}): their straight access legs decide their times; "
        "does the network cover them?",
        UserWarning,
        stacklevel=3,
    )


def _integer_ids(places: object) -> np.ndarray | None:
    """Integer node ids as one int64 array (an integer array, or a list or tuple of ints), else None."""
    if isinstance(places, (np.ndarray, pd.Index)) and places.ndim == 1 and places.dtype.kind in "iu":
        return np.asarray(places)
    if isinstance(places, (list, tuple)) and places and infer_dtype(places, skipna=False) == "integer":
        try:
            return np.asarray(places, dtype=np.int64)
        except OverflowError:  # beyond int64: the general path names them
            return None
    return None


def _integer_places(G: nx.Graph, ids: np.ndarray, label: str) -> pd.DataFrame:
    """The table of integer node ids given as an array: labelled by themselves, access 0.

    Built without a Python object per id.
    """
    if len(ids) == 0:
        raise NetworkError(f"empty {label} set")
    _check_ids(G, ids.tolist() if isinstance(G, nx.Graph) else ids, label)  # plain ints name unknown ids
    return _integer_frame(ids, label)


def _integer_frame(ids: np.ndarray, label: str) -> pd.DataFrame:
    """The places' table of integer node ids known to be nodes: labelled by themselves, access 0."""
    zeros = np.zeros(len(ids))
    index = pd.Index(ids, name=label)
    return pd.DataFrame({"node": ids, "snap_distance_m": zeros, "access_time_s": zeros}, index=index, copy=False)


def _check_ids(G: nx.Graph, ids: list[Hashable], label: str) -> None:
    """Refuse ids not in ``G`` (a compiled routing handle: one vectorised lookup), naming them."""
    if not isinstance(G, nx.Graph):
        G.rows(ids, label)
        return
    nodes = G._node  # type: ignore[attr-defined]  # networkx's node dict: membership tested in C, no frame per id
    try:
        if all(map(nodes.__contains__, ids)):
            return
    except TypeError:  # an unhashable id: named below
        pass
    missing = [i for i in ids if i not in G]
    raise NetworkError(f"{label}(s) not in the graph: {missing[:10]}")


_THREADED_MIN = 5_000
"""From this many points on, representative points and the nearest-edge query are split between threads
(GEOS releases the GIL: 1.8x on 2 cores)."""


def _in_threads(fn: Any, items: np.ndarray) -> list[Any]:
    """``fn`` over consecutive chunks of ``items``, one per thread (one call below ``_THREADED_MIN`` items)."""
    workers = min(4, os.cpu_count() or 1)
    if len(items) < _THREADED_MIN or workers < 2:
        return [fn(items)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, np.array_split(items, workers)))


def _nearest_in_tree(tree: Any, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest tree item of each point and its distance, in order."""

    def query(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        (_, found), d = tree.query_nearest(chunk, return_distance=True, all_matches=False)
        return found, d

    parts = _in_threads(query, pts)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _points_of(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Points as they are; any other geometry by its representative point (in threads for many)."""
    if (geoms.geom_type == "Point").all():
        return geoms
    parts = _in_threads(shapely.point_on_surface, np.asarray(geoms.array, dtype=object))
    return gpd.GeoSeries(np.concatenate(parts), index=geoms.index, crs=geoms.crs)


def _handle_index(rg: Any, access: Access) -> NodeIndex:
    """The node index of a compiled routing handle for ``access`` (kept on it: the handle cannot change)."""
    key = ("node_index", None if access.modes is None else frozenset(access.modes), frozenset(access.exclude_kinds))
    kept = rg.derived.get(key)
    if kept is None:
        if rg.x is None or rg.y is None:
            raise NetworkError(
                "this RoutingGraph has no node coordinates, so points cannot be linked to it: build it with x= and "
                "y= (RoutingGraph.from_arrays) or from a graph with node x/y and G.graph['crs'], or pass node ids"
            )
        keep = np.ones(len(rg.nodes), dtype=bool)
        if rg.modes is not None and access.modes is not None:
            keep &= np.isin(rg.modes, list(access.modes))
        if rg.kinds is not None and access.exclude_kinds:
            keep &= ~np.isin(rg.kinds, list(access.exclude_kinds))
        if not keep.any():
            raise NetworkError("no nodes to link to (check the access modes and exclude_kinds)")
        kept = rg.derived[key] = NodeIndex._from_xy(rg.nodes[keep], rg.x[keep], rg.y[keep], rg.crs)
    return kept


def _objects(items: Sequence[Hashable]) -> np.ndarray:
    """A 1-d object array of node ids (tuples stay elements, not rows), filled in C."""
    return np.fromiter(items, dtype=object, count=len(items))


def _edge_lines(
    G: nx.Graph, u: list[Hashable], v: list[Hashable], drawn: list[Any], crs: str
) -> tuple[np.ndarray, str]:
    """Edge geometries in a metric CRS: drawn ones reprojected, the others straight between projected nodes."""
    ends = list(dict.fromkeys(u + v))
    pos = {n: i for i, n in enumerate(ends)}
    xy = np.array([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in ends], dtype=float)
    metric = crs
    if pyproj.CRS.from_user_input(crs).is_geographic:
        metric = projected_crs(gpd.GeoSeries(shapely.points(xy), crs=crs))
        x, y = pyproj.Transformer.from_crs(crs, metric, always_xy=True).transform(xy[:, 0], xy[:, 1])
        xy = np.column_stack([x, y])
    iu = np.fromiter((pos[n] for n in u), dtype=np.int64, count=len(u))
    iv = np.fromiter((pos[n] for n in v), dtype=np.int64, count=len(v))
    coords = np.stack([xy[iu], xy[iv]], axis=1)  # (n, 2, 2): straight segments u -> v
    geoms = np.asarray(shapely.linestrings(coords), dtype=object)
    has = np.array([g is not None for g in drawn], dtype=bool)
    if has.any():
        own = gpd.GeoSeries(np.asarray(drawn, dtype=object)[has], crs=crs).to_crs(metric).to_numpy()
        geoms[has] = own
    return geoms, metric


def _edge_key(access: Access, crs: str) -> tuple[object, ...]:
    return ("edges", frozenset(access.exclude_classes), frozenset(access.exclude_kinds), crs)


def _segments(
    G: nx.Graph, access: Access
) -> tuple[list[dict[str, Any]], list[Hashable], list[Hashable], np.ndarray, np.ndarray]:
    """Every edge dict, the linkable road segments (``u``, ``v``), each edge's segment and its direction.

    An edge that cannot be linked has segment -1; direction is True for
    u -> v. Each undirected segment appears once, oriented as first seen.
    """
    edges: list[dict[str, Any]] = []
    excluded = set(access.exclude_kinds)
    kinds = {n: k for n, k in G.nodes(data="kind") if k in excluded} if excluded else {}  # type: ignore[comparison-overlap]  # nodes(data="kind") yields (node, value); the stubs say (node, dict)
    slot: dict[tuple[Hashable, Hashable], int] = {}
    u: list[Hashable] = []
    v: list[Hashable] = []
    seg: list[int] = []
    forward: list[bool] = []
    for a, b, d in G.edges(data=True):
        edges.append(d)
        if d.get("mode", "road") != "road" or d.get("class") in access.exclude_classes or (a in kinds and b in kinds):
            seg.append(-1)
            forward.append(True)
            continue
        i = slot.get((a, b))
        if i is None:
            j = slot.get((b, a))
            if j is not None:  # the reverse direction of a segment seen before
                seg.append(j)
                forward.append(False)
                continue
            i = slot[(a, b)] = len(u)
            u.append(a)
            v.append(b)
        seg.append(i)
        forward.append(True)
    if not u:
        raise NetworkError(
            "no road edges to link to (check the access exclude_classes; a network of expressways only is "
            "joined at its nodes: Access(link_to='nodes'), or --access-link nodes)"
        )
    return edges, u, v, np.asarray(seg, dtype=np.int64), np.asarray(forward, dtype=bool)


def _segment_times(
    edges: list[dict[str, Any]], seg: np.ndarray, forward: np.ndarray, n: int, values: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's quickest time u -> v and v -> u (``inf`` where no edge runs that way)."""
    if values is None:
        values = np.array([float(d.get("travel_time", math.inf)) for d in edges], dtype=float)
    uv, vu = np.full(n, np.inf), np.full(n, np.inf)
    use = seg >= 0
    np.minimum.at(uv, seg[use & forward], values[use & forward])
    np.minimum.at(vu, seg[use & ~forward], values[use & ~forward])
    return uv, vu


@dataclass(frozen=True)
class EdgeLayout:
    """Each edge's linkable segment and direction in an :class:`EdgeIndex` (see :meth:`EdgeIndex.layout`).

    Attributes
    ----------
    edges : list of dict
        Edge attribute dicts in ``G.edges`` order.
    segment : numpy.ndarray
        Segment of each edge (-1: not linkable).
    forward : numpy.ndarray
        True where the edge runs the segment's way (u -> v).
    """

    edges: list[dict[str, Any]]
    segment: np.ndarray
    forward: np.ndarray


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
    _positions: dict[tuple[Hashable, Hashable], int] = field(default_factory=dict, repr=False, compare=False)
    _located: dict[tuple[int, int], tuple[Any, ...]] = field(default_factory=dict, repr=False, compare=False)

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

        Notes
        -----
        The index is cached on the graph (like its routing form) and
        rebuilt when nodes or edges are added or removed, a node moves, or
        an edge's ``travel_time`` or ``geometry`` changes (one pass over the
        node and edge attributes checks it on every use); after changing
        an edge's ``class`` or ``mode`` in place, call
        :func:`linyi_spatial.routing.clear_cache`.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> len(EdgeIndex.from_graph(made_up_network(2020)).u) > 0
        True
        """
        if not isinstance(G, nx.Graph):
            raise NetworkError(
                "a RoutingGraph handle has no edge geometry to link cells to: pass access=Access(link_to='nodes') "
                "(cells join their nearest node) or the networkx graph"
            )
        access = graph_access(G, access)
        crs = str(G.graph.get("crs") or "")
        if not crs:
            raise CRSError("graph has no CRS (G.graph['crs'])")
        key = _edge_key(access, crs)
        return cached(
            G,
            key,
            lambda: cls._build(G, access, crs),
            lambda edges: _edge_signature(G, edges),
        )

    @classmethod
    def _build(cls, G: nx.Graph, access: Access, crs: str) -> tuple[EdgeIndex, list[dict[str, Any]]]:
        """The index, and every edge's attribute dict (for the cache check)."""
        edges, u, v, seg, forward = _segments(G, access)
        uv, vu = _segment_times(edges, seg, forward, len(u))
        drawn: list[Any] = [None] * len(u)
        best = np.full(len(u), np.inf)
        for d, i, f in zip(edges, seg.tolist(), forward.tolist(), strict=True):  # the quickest u->v edge's drawing
            if i >= 0 and f:
                t = float(d.get("travel_time", math.inf))
                if t < best[i]:
                    best[i], drawn[i] = t, d.get("geometry")
        geoms, metric = _edge_lines(G, u, v, drawn, crs)
        index = cls(_objects(u), _objects(v), uv, vu, geoms, shapely.STRtree(geoms), metric)
        return index, edges

    def reweighted(self, G: nx.Graph, access: Access, layout: EdgeLayout, values: np.ndarray) -> EdgeIndex:
        """Return the index with the travel times ``values`` (one per edge of ``layout``), cached on ``G``.

        ``G`` is the graph the index was built from, whose edges now hold
        ``values``; the geometry, the tree and the segments stay (each
        segment keeps the drawing of its base's quickest edge).

        Parameters
        ----------
        G : networkx graph
        access : Access
            The options the index was built with.
        layout : EdgeLayout
            From :meth:`layout`.
        values : numpy.ndarray

        Returns
        -------
        EdgeIndex
        """
        uv, vu = _segment_times(layout.edges, layout.segment, layout.forward, len(self.u), values)
        out = replace(self, time_uv_s=uv, time_vu_s=vu, _positions=self._positions, _located=self._located)
        crs = str(G.graph.get("crs") or "")
        install(G, _edge_key(access, crs), out, list(layout.edges), lambda edges: _edge_signature(G, edges))
        return out

    @staticmethod
    def layout(G: nx.Graph, access: Access | None = None) -> EdgeLayout:
        """Which segment, in which direction, each edge of ``G`` times (for :meth:`reweighted`).

        Parameters
        ----------
        G : networkx graph
        access : Access, optional

        Returns
        -------
        EdgeLayout
        """
        edges, _, _, seg, forward = _segments(G, graph_access(G, access))
        return EdgeLayout(edges, seg, forward)

    def link(
        self,
        points: gpd.GeoDataFrame | gpd.GeoSeries,
        access: Access,
        *,
        to_point: bool = False,
        also: EdgeIndex | None = None,
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
        also : EdgeIndex, optional
            The index of a base scenario's network: each point may also use
            the edge it joins there, if this network still has that edge
            (timed with this network's travel times). A scenario that only
            adds or speeds up links then never slows a point, although a
            new road may become its nearest edge.

        Returns
        -------
        nodes : numpy.ndarray of object, shape (n, 2), or (n, 4) with ``also``
        seconds : numpy.ndarray, same shape
            ``inf`` where the edge cannot be travelled that way (or, for the
            base edge, where this network lacks it).
        connector_s : numpy.ndarray, shape (n,)
            The connector's time to this network's nearest edge.

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network
        >>> index = EdgeIndex.from_graph(made_up_network(2020))
        >>> nodes, sec, conn = index.link(gpd.GeoSeries.from_xy([10.1], [50.2], crs=4326), DEFAULT_ACCESS)
        >>> sorted(nodes[0].tolist()), bool(conn[0] < 1.0)
        (['a', 'c'], True)
        """
        geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        pts, which, dist, share = self._locate(geoms)
        nodes, seconds = self._along(share, which, access.seconds(dist), to_point)
        if also is None:
            return nodes, seconds, access.seconds(dist)
        _, theirs, _, _ = also._locate(geoms)
        pos = self._position_of()
        mine = np.array([pos.get((a, b), -1) for a, b in zip(also.u[theirs], also.v[theirs], strict=True)])
        have = mine >= 0
        b_nodes = np.full((len(pts), 2), None, dtype=object)
        b_sec = np.full((len(pts), 2), np.inf)
        if have.any():
            d = shapely.distance(self.geoms[mine[have]], pts[have])
            at = shapely.line_locate_point(self.geoms[mine[have]], pts[have], normalized=True)
            b_nodes[have], b_sec[have] = self._along(at, mine[have], access.seconds(d), to_point)
        b_nodes[~have] = nodes[~have]  # placeholders with inf time
        return np.hstack([nodes, b_nodes]), np.hstack([seconds, b_sec]), access.seconds(dist)

    def _position_of(self) -> dict[tuple[Hashable, Hashable], int]:
        """Position of each segment by (u, v) and (v, u)."""
        if not self._positions:
            for i, (a, b) in enumerate(zip(self.u, self.v, strict=True)):
                self._positions.setdefault((a, b), i)
                self._positions.setdefault((b, a), i)
        return self._positions

    def _locate(self, geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The points in metres, the nearest edge of each, the distance to it and the share along it.

        Kept for the last few point sets (shared by the re-timed copies of
        this index): a sensitivity run links the same grid to the same
        edges once, whatever the travel times. A set is recognised by its
        geometry array and the very geometry objects in it, so a replaced
        cell is never mistaken for the old one.
        """
        objects = np.asarray(geoms.array, dtype=object)
        key = (len(objects), id(objects[0]) if len(objects) else 0)
        hit = self._located.get(key)
        if hit is not None and len(hit[0]) == len(objects) and all(map(operator.is_, hit[0], objects)):
            return hit[1], hit[2], hit[3], hit[4]
        pts = _points_of(geoms).to_crs(self.metric_crs).to_numpy()
        which, dist = _nearest_in_tree(self.tree, pts)
        share = shapely.line_locate_point(self.geoms[which], pts, normalized=True)
        if len(self._located) >= 4:
            self._located.clear()
        self._located[key] = (objects.copy(), pts, which, dist, share)
        return pts, which, dist, share

    def _along(
        self, share: np.ndarray, which: np.ndarray, connector: np.ndarray, to_point: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """End nodes of the edges ``which`` and the connector plus the time along each edge (``share`` of it)."""
        with np.errstate(invalid="ignore"):  # 0 x inf on a one-way edge's far end
            if to_point:  # from u along u->v to the point, from v along v->u
                to_u, to_v = share * self.time_uv_s[which], (1.0 - share) * self.time_vu_s[which]
            else:  # from the point back to u (along v->u), on to v (along u->v)
                to_u, to_v = share * self.time_vu_s[which], (1.0 - share) * self.time_uv_s[which]
            seconds = np.column_stack([connector + to_u, connector + to_v])
        seconds = np.where(np.isnan(seconds), np.inf, seconds)  # 0 x inf on a one-way edge's far end
        return np.column_stack([self.u[which], self.v[which]]), seconds


Places: TypeAlias = "Sequence[Hashable] | pd.Series | pd.DataFrame | gpd.GeoDataFrame | gpd.GeoSeries"
"""Node ids (a sequence, or a Series of node ids indexed by labels), points to link, or a resolved table."""


def resolve_places(
    G: nx.Graph, places: Places, *, access: Access | None = None, label: str = "place", by_id: bool = False
) -> pd.DataFrame:
    """Turn node ids or point geometries into graph nodes plus access time: the library's one place→node rule.

    Matrices, surfaces, isochrones, unit scores and axis paths all resolve
    their places here, so the access leg (``access_time_s``) is the same
    everywhere and is charged at both ends of a trip.

    Parameters
    ----------
    G : networkx graph
        The network.
    places : sequence of node ids, pandas.Series of node ids, GeoDataFrame/GeoSeries, or a resolved table
        Node ids are used as they are (a Series keeps its index as labels);
        points are linked with :func:`linyi_spatial.network.snap_points`; a
        table this function returned (``node``, ``snap_distance_m``,
        ``access_time_s``) is used as it is.
    access : Access, optional
        The access leg of linked points.
    label : str
        Used in error messages ("origin", "destination").
    by_id : bool, default False
        For points: a point whose label is a node of ``G`` is that node
        (access 0), as a structure's places are; the others are linked.

    Returns
    -------
    pandas.DataFrame
        Indexed by the places' labels: ``node``, ``snap_distance_m``,
        ``access_time_s`` (0 for node ids).

    Raises
    ------
    NetworkError
        If the set is empty or names nodes not in the graph.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 2.0})])
    >>> resolve_places(G, ["a"])["node"].tolist()
    ['a']
    """
    if isinstance(places, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if len(places) == 0:
            raise NetworkError(f"empty {label} set")
        if not by_id:
            return snap_points(G, places, access=access)
        is_node = np.array([p in G for p in places.index], dtype=bool)
        node = _objects(list(places.index))
        snap_m, leg_s = np.zeros(len(places)), np.zeros(len(places))
        if not is_node.all():
            linked = snap_points(G, places[~is_node], access=access)
            node[~is_node] = _objects(list(linked["node"]))
            snap_m[~is_node] = linked["snap_distance_m"].to_numpy(dtype=float)
            leg_s[~is_node] = linked["access_time_s"].to_numpy(dtype=float)
        return pd.DataFrame({"node": node, "snap_distance_m": snap_m, "access_time_s": leg_s}, index=places.index)
    if isinstance(places, pd.DataFrame) and {"node", "snap_distance_m", "access_time_s"} <= set(places.columns):
        if len(places) == 0:
            raise NetworkError(f"empty {label} set")
        return places[["node", "snap_distance_m", "access_time_s"]]
    ints = _integer_ids(places)
    if ints is not None:  # integer ids: one array, no Python object per id
        return _integer_places(G, ints, label)
    if isinstance(places, pd.Series):
        labels, ids = list(places.index), list(places)
    elif isinstance(places, (str, bytes)):
        raise NetworkError(f"{label}s must be a sequence of node ids, not the string {places!r}")
    else:
        ids = list(places)
        labels = ids
    if not ids:
        raise NetworkError(f"empty {label} set")
    _check_ids(G, ids, label)
    index = pd.Index(labels, name=label, tupleize_cols=False)  # tuple node ids stay single labels
    return pd.DataFrame({"node": _objects(ids), "snap_distance_m": 0.0, "access_time_s": 0.0}, index=index)
