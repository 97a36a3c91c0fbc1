"""Transport networks: the embedded Linyi road/rail skeleton by year, OSM import, snapping, checks.

Graphs follow OSMnx's conventions so its routing, projection and plotting
helpers work on them: a :class:`networkx.MultiDiGraph` with
``G.graph["crs"]``, node attributes ``x``/``y`` (degrees in EPSG:4326), and
edge attributes ``length`` (metres, geodesic), ``travel_time`` (seconds) and
``geometry`` (a shapely LineString from ``u`` to ``v``). Edges also carry
``mode`` (``road``/``rail``/``access``), ``class``, ``ref``, ``name``,
``route``, ``link`` (link id), ``speed_kph``, ``design_speed_kph``,
``status`` and ``opened``.

Network tables
--------------
A network is described by two tables (Linyi's ship as
``linyi_network_nodes.csv`` and ``linyi_network_routes.csv``):

* nodes: ``id``, ``name_zh``, ``name``, ``kind`` (seat, town, zone, core,
  airport, interchange, station, external), ``mode`` (road/rail), ``lon``,
  ``lat`` (WGS-84), ``road_node`` (for stations: the road node reached by
  the station's access link);
* routes: ``route_id``, ``name_zh``, ``ref``, ``mode``, ``class``,
  ``status`` (open/under_construction/planned), ``opened`` (year; empty for
  long-standing links), ``design_speed_kph`` and ``sequence``: the route's
  node ids in order, separated by ``;``, with ``@lon/lat`` waypoints
  between nodes. Each stretch between two consecutive nodes becomes one
  link (id ``<route_id>:<k>``) drawn through its waypoints, in both
  directions.

Travel speeds
-------------
``travel_time = length / speed``, with the operating speed of the link's
class (:data:`OPERATING_SPEED_KPH`), not its design speed: expressways
are designed for 120 km/h (JTG B01-2014) but average about 100 km/h; a
first-class trunk highway (design 80) averages about 60 km/h through
villages and junctions; urban arterials (design 50–60) 40 km/h; HSR lines
(design 350, run at 300) average about 200 km/h between stations once
acceleration and stops are counted; conventional lines (design 120)
about 80 km/h. Rail is entered and left only at stations, through access
links charged at ``station_access_speed_kph`` plus ``station_penalty_min``
each way, so a rail trip pays twice the penalty (waiting, security,
walking) and is never a free teleport.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
from scipy.spatial import cKDTree
from shapely.geometry import LineString

from ._progress import progress
from .crs import WGS84, projected_crs
from .errors import CRSError, NetworkError

__all__ = [
    "OPERATING_SPEED_KPH",
    "axes_along_network",
    "build_network",
    "from_osm",
    "load_network",
    "network_path_geometry",
    "network_tables",
    "road_subgraph",
    "snap_points",
    "validate_network",
]

OPERATING_SPEED_KPH: dict[str, float] = {
    "expressway": 100.0,
    "trunk": 60.0,
    "urban": 40.0,
    "connector": 40.0,
    "hsr": 200.0,
    "rail": 80.0,
}
"""Default operating (travel) speed in km/h by link class; see the module docstring."""

STATUSES = ("open", "under_construction", "planned")
NODE_COLUMNS = ("id", "name_zh", "name", "kind", "mode", "lon", "lat", "road_node")
ROUTE_COLUMNS = ("route_id", "name_zh", "ref", "mode", "class", "status", "opened", "design_speed_kph", "sequence")

_GEOD = pyproj.Geod(ellps="WGS84")


# --------------------------------------------------------------------------- tables


@lru_cache(maxsize=1)
def _embedded_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    from .datasets import data_path

    nodes = pd.read_csv(data_path("linyi_network_nodes.csv"), dtype={"id": str, "road_node": str})
    routes = pd.read_csv(data_path("linyi_network_routes.csv"), dtype={"route_id": str, "ref": str})
    return nodes, routes


def network_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return copies of the embedded Linyi node and route tables.

    Returns
    -------
    nodes, routes : pandas.DataFrame
        The tables described in the module docstring; ``SOURCES.md`` gives
        each route's source and the schematic accuracy of the coordinates.

    Examples
    --------
    >>> nodes, routes = network_tables()
    >>> "G2" in set(routes["ref"])
    True
    """
    nodes, routes = _embedded_tables()
    return nodes.copy(), routes.copy()


def _parse_sequence(route_id: str, text: str, node_ids: set[str], problems: list[str]) -> list[list[Any]]:
    """Split a sequence into stretches [[u, (lon, lat)..., v], ...]."""
    items = [t.strip() for t in str(text).split(";") if t.strip()]
    stretches: list[list[Any]] = []
    current: list[Any] = []
    for item in items:
        if item.startswith("@"):
            try:
                lon_s, lat_s = item[1:].split("/")
                wp = (float(lon_s), float(lat_s))
            except ValueError:
                problems.append(f"route {route_id!r}: bad waypoint {item!r} (expected @lon/lat)")
                continue
            if not current:
                problems.append(f"route {route_id!r}: waypoint {item!r} before the first node")
                continue
            current.append(wp)
            continue
        if item not in node_ids:
            problems.append(f"route {route_id!r}: unknown node {item!r}")
            continue
        if current:
            current.append(item)
            stretches.append(current)
        current = [item]
    if current and isinstance(current[-1], tuple):
        problems.append(f"route {route_id!r}: ends with a waypoint, not a node")
    if not stretches and not any(f"route {route_id!r}" in p for p in problems):
        problems.append(f"route {route_id!r}: needs at least two nodes, got {items}")
    return stretches


def _check_columns(frame: pd.DataFrame, required: Iterable[str], label: str) -> list[str]:
    missing = [c for c in required if c not in frame.columns]
    return [f"{label} table lacks column(s) {missing}"] if missing else []


# --------------------------------------------------------------------------- building


def build_network(
    nodes: pd.DataFrame,
    routes: pd.DataFrame,
    *,
    year: int = 2020,
    speeds_kph: Mapping[str, float] | None = None,
    station_penalty_min: float = 10.0,
    station_access_speed_kph: float = 30.0,
    modes: Sequence[str] = ("road", "rail"),
    name: str = "network",
    validate: bool = True,
) -> nx.MultiDiGraph:
    """Build a routable graph from node and route tables for one year.

    A route is in the graph when its ``opened`` year is empty (a
    long-standing link) or not later than ``year``; ``status`` is kept on
    the edges so a 2035 graph shows what is planned.

    Parameters
    ----------
    nodes, routes : pandas.DataFrame
        Tables in the format of the module docstring.
    year : int, default 2020
        Scenario year.
    speeds_kph : mapping, optional
        Operating speeds by class, overriding :data:`OPERATING_SPEED_KPH`.
    station_penalty_min : float, default 10
        Minutes added to every station access and egress link.
    station_access_speed_kph : float, default 30
        Speed on station access/egress links.
    modes : sequence of {"road", "rail"}, default both
        Modes to include (rail needs road for station access).
    name : str
        Stored in ``G.graph["name"]``.
    validate : bool, default True
        Run :func:`validate_network` and raise on problems.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    NetworkError
        Naming every bad route, node, class, speed or year, and every
        validation problem.

    Examples
    --------
    >>> nodes, routes = network_tables()
    >>> G = build_network(nodes, routes, year=2020)
    >>> G.graph["crs"], G.graph["year"]
    ('EPSG:4326', 2020)
    """
    problems = _check_columns(nodes, NODE_COLUMNS, "nodes") + _check_columns(routes, ROUTE_COLUMNS, "routes")
    if problems:
        raise NetworkError(problems)
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise NetworkError(f"year must be an integer, got {year!r}")
    speeds = {**OPERATING_SPEED_KPH, **dict(speeds_kph or {})}
    for cls, v in speeds.items():
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            problems.append(f"speed for class {cls!r} must be a positive number, got {v!r}")
    if not station_access_speed_kph > 0 or station_penalty_min < 0:
        problems.append("station_access_speed_kph must be > 0 and station_penalty_min >= 0")
    bad_modes = sorted(set(modes) - {"road", "rail"})
    if bad_modes:
        problems.append(f"unknown mode(s) {bad_modes}; expected 'road' and/or 'rail'")

    node_tab = nodes.copy()
    node_tab["id"] = node_tab["id"].astype(str)
    dup = sorted(set(node_tab["id"][node_tab["id"].duplicated()]))
    if dup:
        problems.append(f"duplicate node id(s) {dup}")
    node_tab = node_tab.drop_duplicates("id").set_index("id")
    for nid, row in node_tab.iterrows():
        if not (-180 <= float(row["lon"]) <= 180 and -90 <= float(row["lat"]) <= 90):
            problems.append(f"node {nid!r}: invalid coordinates ({row['lon']}, {row['lat']})")
        if row["mode"] not in ("road", "rail"):
            problems.append(f"node {nid!r}: unknown mode {row['mode']!r}")
    node_ids = set(node_tab.index)

    links: list[dict[str, Any]] = []
    route_ids = routes["route_id"].astype(str)
    for dup_route in sorted(set(route_ids[route_ids.duplicated()])):
        problems.append(f"duplicate route id {dup_route!r}")
    for r in routes.to_dict("records"):
        rid = str(r["route_id"])
        if r["class"] not in speeds:
            problems.append(f"route {rid!r}: unknown class {r['class']!r}; known: {sorted(speeds)}")
            continue
        if r["status"] not in STATUSES:
            problems.append(f"route {rid!r}: unknown status {r['status']!r}; expected one of {list(STATUSES)}")
        if r["mode"] not in ("road", "rail"):
            problems.append(f"route {rid!r}: unknown mode {r['mode']!r}")
            continue
        opened = r["opened"]
        if opened is not None and not pd.isna(opened) and int(opened) > year:
            continue
        if r["mode"] not in modes:
            continue
        for k, stretch in enumerate(_parse_sequence(rid, r["sequence"], node_ids, problems)):
            u, v = stretch[0], stretch[-1]
            wrong = [n for n in (u, v) if node_tab.loc[n, "mode"] != r["mode"]]
            if wrong:
                problems.append(
                    f"route {rid!r}: {r['mode']} link touches {node_tab.loc[wrong[0], 'mode']} node {wrong[0]!r}"
                )
                continue
            coords = [(float(node_tab.loc[u, "lon"]), float(node_tab.loc[u, "lat"]))]
            coords += [p for p in stretch[1:-1]]
            coords.append((float(node_tab.loc[v, "lon"]), float(node_tab.loc[v, "lat"])))
            links.append(
                {
                    "link": f"{rid}:{k}",
                    "u": u,
                    "v": v,
                    "geometry": LineString(coords),
                    "mode": r["mode"],
                    "class": r["class"],
                    "ref": "" if pd.isna(r["ref"]) else str(r["ref"]),
                    "name": str(r["name_zh"]),
                    "route": rid,
                    "status": r["status"],
                    "opened": None if pd.isna(opened) else int(opened),
                    "design_speed_kph": float(r["design_speed_kph"]),
                    "speed_kph": float(speeds[r["class"]]),
                }
            )

    # station access links for stations used this year
    used = {n for link in links for n in (link["u"], link["v"])}
    for sid in sorted(n for n in used if node_tab.loc[n, "kind"] == "station"):
        road = node_tab.loc[sid, "road_node"]
        if road is None or pd.isna(road) or road not in node_ids:
            problems.append(f"station {sid!r}: road_node {road!r} is not a known node")
            continue
        if node_tab.loc[road, "mode"] != "road":
            problems.append(f"station {sid!r}: road_node {road!r} is not a road node")
            continue
        if road not in used:
            problems.append(f"station {sid!r}: road_node {road!r} is not on the {year} road network")
            continue
        geom = LineString(
            [
                (node_tab.loc[sid, "lon"], node_tab.loc[sid, "lat"]),
                (node_tab.loc[road, "lon"], node_tab.loc[road, "lat"]),
            ]
        )
        links.append(
            {
                "link": f"access:{sid}",
                "u": sid,
                "v": road,
                "geometry": geom,
                "mode": "access",
                "class": "access",
                "ref": "",
                "name": f"{node_tab.loc[sid, 'name_zh']} access",
                "route": "access",
                "status": "open",
                "opened": None,
                "design_speed_kph": float(station_access_speed_kph),
                "speed_kph": float(station_access_speed_kph),
            }
        )
    if problems:
        raise NetworkError(problems)

    G = nx.MultiDiGraph(
        crs=WGS84,
        name=name,
        year=int(year),
        station_penalty_min=float(station_penalty_min),
        speeds_kph=speeds,
        simplified=True,
    )
    for nid in sorted(used | {lk["v"] for lk in links}):
        row = node_tab.loc[nid]
        G.add_node(
            nid,
            x=float(row["lon"]),
            y=float(row["lat"]),
            name=str(row["name"]),
            name_zh=str(row["name_zh"]),
            kind=str(row["kind"]),
            mode=str(row["mode"]),
        )
    lengths = [_GEOD.geometry_length(lk["geometry"]) for lk in links]
    for lk, length in zip(links, lengths, strict=True):
        tt = length / (lk["speed_kph"] / 3.6)
        if lk["mode"] == "access":
            tt += station_penalty_min * 60.0
        attrs = {k: v for k, v in lk.items() if k not in ("u", "v", "geometry")}
        attrs.update(length=float(length), travel_time=float(tt))
        G.add_edge(lk["u"], lk["v"], geometry=lk["geometry"], **attrs)
        G.add_edge(lk["v"], lk["u"], geometry=lk["geometry"].reverse(), **attrs)
    if validate:
        found = validate_network(G)
        if found:
            raise NetworkError(found)
    return G


def load_network(
    year: int = 2020,
    *,
    speeds_kph: Mapping[str, float] | None = None,
    station_penalty_min: float = 10.0,
    station_access_speed_kph: float = 30.0,
    modes: Sequence[str] = ("road", "rail"),
) -> nx.MultiDiGraph:
    """Load Linyi's embedded road and rail network as it stands in ``year``.

    The network is a schematic regional skeleton: expressways (G2 京沪,
    G1511 日兰, G25 长深, S38 岚曹, 新台, 临临, 临滕, 董梁, 临东), the
    G205/G327 national roads and trunk roads to every county seat, urban
    arterials of the central city, high-speed rail (日兰; 潍宿 from 2028) and
    conventional rail (兖石, 胶新), with every county seat, pole, zone, key
    town, interchange, station, the airport and the points where lines
    leave the city. Coordinates are schematic (±2–5 km); see SOURCES.md.

    Parameters
    ----------
    year : int, default 2020
        2020 is the census base; 2025 adds 临滕 (2023) and 临临 (2024); 2035
        adds 董梁 (due ≈2026), the 潍宿 HSR (due 2028) and the planned 临东
        expressway.
    speeds_kph, station_penalty_min, station_access_speed_kph, modes
        See :func:`build_network`.

    Returns
    -------
    networkx.MultiDiGraph
        OSMnx-style graph in EPSG:4326 (see the module docstring).

    Raises
    ------
    NetworkError
        If an argument is invalid.

    Examples
    --------
    >>> G = load_network(2020)
    >>> G.nodes["yishui"]["name_zh"], G.graph["crs"]
    ('沂水县城', 'EPSG:4326')
    """
    nodes, routes = _embedded_tables()
    return build_network(
        nodes,
        routes,
        year=year,
        speeds_kph=speeds_kph,
        station_penalty_min=station_penalty_min,
        station_access_speed_kph=station_access_speed_kph,
        modes=modes,
        name=f"Linyi {year}",
    )


# --------------------------------------------------------------------------- checks


def validate_network(G: nx.MultiDiGraph, *, max_detour: float = 2.5, weight: str = "travel_time") -> list[str]:
    """Check a graph and return every problem found (an empty list when sound).

    Checks: a CRS in ``G.graph``; every node has finite ``x``/``y`` (an edge
    to an undeclared node creates one without coordinates); every edge has
    a positive finite ``length`` and ``weight`` and, if present, a positive
    ``speed_kph``; no edge is more than ``max_detour`` times longer than the
    straight line between its ends; the graph is strongly connected
    (otherwise the nodes outside the largest strongly connected component
    are named).

    Parameters
    ----------
    G : networkx.MultiDiGraph
    max_detour : float, default 2.5
        Largest accepted ratio of edge length to straight-line distance.
    weight : str, default "travel_time"
        Edge cost attribute that routing will use.

    Returns
    -------
    list of str

    Examples
    --------
    >>> validate_network(load_network(2020))
    []
    """
    problems: list[str] = []
    if not G.graph.get("crs"):
        problems.append("graph has no CRS (G.graph['crs'])")
    for n, d in G.nodes(data=True):
        x, y = d.get("x"), d.get("y")
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            links = sorted({str(e.get("link", f"{u}->{v}")) for u, v, e in G.in_edges(n, data=True)})
            problems.append(f"node {n!r} has no coordinates (referenced by link(s) {links[:5]})")
    geographic = G.graph.get("crs") is not None and pyproj.CRS.from_user_input(G.graph["crs"]).is_geographic
    for u, v, d in G.edges(data=True):
        label = d.get("link", f"{u}->{v}")
        for attr in ("length", weight):
            val = d.get(attr)
            if val is None or not isinstance(val, (int, float)) or not math.isfinite(val) or val < 0:
                problems.append(f"link {label!r} ({u}->{v}): {attr} must be a finite non-negative number, got {val!r}")
        spd = d.get("speed_kph")
        if spd is not None and not (isinstance(spd, (int, float)) and spd > 0):
            problems.append(f"link {label!r} ({u}->{v}): speed_kph must be > 0, got {spd!r}")
        du, dv = G.nodes[u], G.nodes[v]
        if None in (du.get("x"), du.get("y"), dv.get("x"), dv.get("y")) or not isinstance(
            d.get("length"), (int, float)
        ):
            continue
        if geographic:
            straight = _GEOD.inv(du["x"], du["y"], dv["x"], dv["y"])[2]
        else:
            straight = math.hypot(du["x"] - dv["x"], du["y"] - dv["y"])
        if straight > 1.0 and d["length"] > max_detour * straight:
            problems.append(
                f"link {label!r} ({u}->{v}) is {d['length'] / straight:.1f} times longer than the straight line "
                f"between its ends ({d['length']:.0f} m vs {straight:.0f} m)"
            )
    if G.number_of_nodes() and not nx.is_strongly_connected(G):
        comps = sorted(nx.strongly_connected_components(G), key=len, reverse=True)
        cut = [n for c in comps[1:] for n in c]
        names = [f"{n} ({G.nodes[n].get('name_zh') or G.nodes[n].get('name', '')})".replace(" ()", "") for n in cut]
        problems.append(
            f"graph is not strongly connected: {len(cut)} node(s) outside the largest component "
            f"cannot reach or be reached from the rest: {sorted(names)[:20]}"
        )
    return problems


def road_subgraph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a copy of the road part of ``G`` (no rail or station access edges).

    Parameters
    ----------
    G : networkx.MultiDiGraph

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> R = road_subgraph(load_network(2020))
    >>> {d["mode"] for _, _, d in R.edges(data=True)}
    {'road'}
    """
    keep = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d.get("mode", "road") == "road"]
    R = G.edge_subgraph(keep).copy()
    R.graph = dict(G.graph)
    return R


# --------------------------------------------------------------------------- snapping


def _node_table(G: nx.MultiDiGraph, modes: Sequence[str] | None, exclude_kinds: Sequence[str]) -> pd.DataFrame:
    rows = [
        (n, d["x"], d["y"])
        for n, d in G.nodes(data=True)
        if (modes is None or d.get("mode", "road") in modes) and d.get("kind") not in exclude_kinds
    ]
    if not rows:
        raise NetworkError("no nodes to snap to (check modes and exclude_kinds)")
    return pd.DataFrame(rows, columns=["node", "x", "y"])


def nearest_nodes(
    G: nx.MultiDiGraph,
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    k: int = 1,
    modes: Sequence[str] | None = ("road",),
    exclude_kinds: Sequence[str] = ("external",),
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest network nodes of every point, by straight-line distance in metres.

    Nodes and points are projected to the UTM zone of the graph (EPSG:32650
    for Linyi) and matched with a k-d tree in one vectorized call.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph with ``G.graph["crs"]`` and node ``x``/``y``.
    points : geopandas.GeoDataFrame or GeoSeries
        Any CRS (reprojected); non-point geometries use their
        representative point.
    k : int, default 1
    modes, exclude_kinds
        Which nodes may be matched (see :func:`snap_points`).

    Returns
    -------
    nodes : numpy.ndarray of object, shape (n, k)
    distance_m : numpy.ndarray of float, shape (n, k)
        Sorted nearest first.

    Raises
    ------
    CRSError
        If the points or the graph lack a CRS.
    NetworkError
        If there is nothing to snap to.

    Examples
    --------
    >>> import geopandas as gpd
    >>> nodes, dist = nearest_nodes(load_network(2020), gpd.GeoSeries.from_xy([118.36], [35.1], crs=4326), k=2)
    >>> nodes[0].tolist()
    ['city_hall', 'hedong']
    """
    if points.crs is None:
        raise CRSError("points have no CRS; set one (e.g. points.set_crs('EPSG:4326'))")
    if not G.graph.get("crs"):
        raise CRSError("graph has no CRS (G.graph['crs'])")
    table = _node_table(G, modes, exclude_kinds)
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    geoms = geoms.to_crs(G.graph["crs"])
    if not (geoms.geom_type == "Point").all():
        geoms = geoms.representative_point()
    graph_crs = pyproj.CRS.from_user_input(G.graph["crs"])
    if graph_crs.is_geographic:
        target = projected_crs(gpd.GeoSeries(gpd.points_from_xy(table["x"], table["y"]), crs=graph_crs))
        tf = pyproj.Transformer.from_crs(graph_crs, target, always_xy=True)
        nx_, ny_ = tf.transform(table["x"].to_numpy(), table["y"].to_numpy())
        px, py = tf.transform(geoms.x.to_numpy(), geoms.y.to_numpy())
    else:
        nx_, ny_ = table["x"].to_numpy(), table["y"].to_numpy()
        px, py = geoms.x.to_numpy(), geoms.y.to_numpy()
    k = min(int(k), len(table))
    dist, idx = cKDTree(np.column_stack([nx_, ny_])).query(np.column_stack([px, py]), k=k)
    dist, idx = dist.reshape(len(px), k), idx.reshape(len(px), k)
    return table["node"].to_numpy().astype(object)[idx], dist


def snap_points(
    G: nx.MultiDiGraph,
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    access_speed_kph: float = 30.0,
    max_distance_m: float | None = None,
    modes: Sequence[str] | None = ("road",),
    exclude_kinds: Sequence[str] = ("external",),
) -> pd.DataFrame:
    """Attach points to their nearest network node in one vectorized call.

    Uses :func:`nearest_nodes` (k-d tree in UTM), so 10^4–10^6 points take
    milliseconds to seconds. The straight connector from a point to its
    node is charged at ``access_speed_kph``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Graph with ``G.graph["crs"]`` and node ``x``/``y``.
    points : geopandas.GeoDataFrame or GeoSeries
        Point geometries in any CRS (reprojected); polygons use their
        representative point.
    access_speed_kph : float, default 30
        Speed on the connector.
    max_distance_m : float, optional
        Points farther than this from every node get a missing ``node``
        (NA) and ``access_time_s`` = inf (distance still reported).
    modes : sequence of str or None, default ("road",)
        Node modes to snap to (None: all).
    exclude_kinds : sequence of str, default ("external",)
        Node kinds never snapped to (the points where lines leave the city).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``points``: ``node``, ``snap_distance_m``,
        ``access_time_s``.

    Raises
    ------
    CRSError
        If the points or the graph lack a CRS.
    NetworkError
        If there is nothing to snap to or the speed is not positive.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoSeries.from_xy([118.36], [35.11], crs="EPSG:4326")
    >>> snap_points(load_network(2020), pts)["node"].tolist()
    ['city_hall']
    """
    if not access_speed_kph > 0:
        raise NetworkError(f"access_speed_kph must be > 0, got {access_speed_kph!r}")
    nodes, dist = nearest_nodes(G, points, k=1, modes=modes, exclude_kinds=exclude_kinds)
    node, dist = nodes[:, 0], dist[:, 0]
    access = dist / (access_speed_kph / 3.6)
    if max_distance_m is not None:
        far = dist > max_distance_m
        node[far] = None
        access = np.where(far, np.inf, access)
    return pd.DataFrame({"node": node, "snap_distance_m": dist, "access_time_s": access}, index=points.index)


# --------------------------------------------------------------------------- axes


def network_path_geometry(G: nx.MultiDiGraph, path: Sequence[Any], *, weight: str = "travel_time") -> LineString:
    """Join the geometries of the cheapest edges along a node path into one LineString.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    path : sequence of node ids
    weight : str, default "travel_time"
        Among parallel edges, the one with the lowest weight is used.

    Returns
    -------
    shapely.LineString

    Examples
    --------
    >>> G = load_network(2020)
    >>> line = network_path_geometry(G, ["city_hall", "lanshan"])
    >>> line.coords[0]
    (118.36, 35.1)
    """
    coords: list[tuple[float, float]] = []
    for u, v in itertools.pairwise(path):
        data = min(G[u][v].values(), key=lambda d: d.get(weight, math.inf))
        geom = data.get("geometry") or LineString(
            [(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])]
        )
        part = list(geom.coords)
        coords.extend(part if not coords else part[1:])
    return LineString(coords)


def _straight(G: nx.MultiDiGraph, u: Any, v: Any) -> LineString:
    return LineString([(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])])


def _corridor_match(d: Mapping[str, Any], corridors: Iterable[str]) -> bool:
    ref, name = str(d.get("ref") or ""), str(d.get("name") or "")
    return any(c and (c == ref or name.startswith(c)) for c in corridors)


def axes_along_network(structure: Any, G: nx.MultiDiGraph | None = None, *, weight: str = "travel_time") -> Any:
    """Return a copy of ``structure`` whose axes follow the network through their places.

    Each consecutive pair of an axis's places is joined by the quickest path
    that uses only the axis's named corridors (an edge matches when its
    ``ref`` equals a corridor or its ``name`` starts with one) plus urban,
    connector and station-access links to reach them. Where the corridors
    do not join two places, the quickest path on the whole network is used
    and ``geometry_source`` says so. Places are matched to nodes by id (the
    core by its anchor) or, failing that, snapped to the nearest road node.

    Parameters
    ----------
    structure : SpatialStructure
    G : networkx.MultiDiGraph, optional
        Defaults to ``load_network(2035)``, the plan horizon.
    weight : str, default "travel_time"

    Returns
    -------
    SpatialStructure
        Axes with ``geometry_source`` = ``"network"`` or
        ``"network (fallback: ...)"`` and recomputed ``length_km``.

    Warns
    -----
    UserWarning
        Naming each corridor of an axis that no edge of ``G`` carries.

    Examples
    --------
    >>> from linyi_spatial.structure import load_structure
    >>> s = axes_along_network(load_structure(axes="anchors"))
    >>> s.axes.loc["south", "geometry_source"]
    'network'
    """
    if G is None:
        G = load_network(2035)
    core_id = structure.core.index[0]
    anchor = structure.core["anchor"].iloc[0]
    lookup: dict[str, Any] = {}
    missing = [p for p in structure.places.index if p not in G]
    if missing:
        snapped = snap_points(G, structure.places.loc[missing])
        lookup.update(snapped["node"].to_dict())
    lookup.update({p: p for p in structure.places.index if p in G})
    lookup[core_id] = lookup[anchor]
    glue = {"urban", "connector", "access"}
    geoms: dict[str, LineString] = {}
    sources: dict[str, str] = {}
    for aid, axis in structure.axes.iterrows():
        corridors = list(axis["corridors"])
        carried = {c for c in corridors if any(_corridor_match(d, [c]) for _, _, d in G.edges(data=True))}
        for c in corridors:
            if c not in carried:
                warnings.warn(f"axis {aid!r}: corridor {c!r} is not on the network; ignored", stacklevel=2)
        keep = [
            (u, v, k)
            for u, v, k, d in G.edges(keys=True, data=True)
            if d.get("class") in glue or _corridor_match(d, carried)
        ]
        H = G.edge_subgraph(keep)
        nodes = [lookup[p] for p in axis["places"]]
        path: list[Any] = [nodes[0]]
        fallbacks = []
        for a, b in itertools.pairwise(nodes):
            try:
                leg = nx.shortest_path(H, a, b, weight=weight)
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                leg = nx.shortest_path(G, a, b, weight=weight)
                fallbacks.append(f"{a}->{b}")
            path.extend(leg[1:])
        geoms[aid] = network_path_geometry(G, path, weight=weight)
        sources[aid] = "network" if not fallbacks else f"network (fallback: full network for {', '.join(fallbacks)})"
    out = structure
    for aid, geom in geoms.items():
        out = out.with_axis_geometries({aid: geom}, source=sources[aid])
    return out


# --------------------------------------------------------------------------- OSM


OSM_SPEED_KPH: dict[str, float] = {
    "motorway": 100.0,
    "motorway_link": 50.0,
    "trunk": 70.0,
    "trunk_link": 40.0,
    "primary": 50.0,
    "primary_link": 30.0,
    "secondary": 40.0,
    "secondary_link": 30.0,
    "tertiary": 30.0,
    "tertiary_link": 25.0,
    "unclassified": 25.0,
    "residential": 20.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 25.0,
}
"""Default speeds (km/h) by OSM ``highway`` tag when a way has no usable ``maxspeed``: operating
speeds on Chinese roads (expressway 100, first-class 70, urban arterials 50/40, local 20-30)."""


def from_osm(
    path: str | os.PathLike[str],
    *,
    speeds_kph: Mapping[str, float] | None = None,
    simplify: bool = True,
    gcj02: bool = False,
) -> nx.MultiDiGraph:
    """Build a routable road graph from an OpenStreetMap extract.

    ``.osm`` XML is read with OSMnx (``graph_from_xml``); ``.pbf`` is first
    converted to XML with pyosmium (``pip install osmium``). Speeds come
    from ``maxspeed`` where tagged, else from ``highway`` via
    :data:`OSM_SPEED_KPH`; ``travel_time`` follows. The graph is simplified
    (OSMnx topology simplification) and reduced to its largest strongly
    connected component; what was dropped is reported in
    ``G.graph["dropped_nodes"]`` and a warning.

    Parameters
    ----------
    path : path-like
        ``.osm`` or ``.osm.pbf``/``.pbf`` file.
    speeds_kph : mapping, optional
        Overrides of :data:`OSM_SPEED_KPH`.
    simplify : bool, default True
    gcj02 : bool, default False
        Set when the file's coordinates are GCJ-02 (traced from Amap);
        nodes and geometries are converted to WGS-84.

    Returns
    -------
    networkx.MultiDiGraph
        OSMnx graph with ``mode="road"``, ``class`` (the highway tag),
        ``speed_kph`` and ``travel_time`` on every edge.

    Raises
    ------
    NetworkError
        If the file is missing, malformed, has no routable ways, or the
        ``[osm]`` extra is not installed.

    Examples
    --------
    >>> G = from_osm("extract.osm")  # doctest: +SKIP
    """
    try:
        import osmnx as ox
    except ImportError as exc:
        raise NetworkError("from_osm needs OSMnx: pip install 'linyi_spatial[osm]'") from exc
    path = Path(path)
    if not path.is_file():
        raise NetworkError("OSM file not found", source=path)
    xml = path
    if path.suffix == ".pbf":
        xml = _pbf_to_xml(path)
    steps = progress(range(4), desc=f"OSM import {path.name}", total=4)
    next(steps, None)
    try:
        G = ox.graph_from_xml(xml, simplify=False, retain_all=True, bidirectional=False)
    except Exception as exc:
        raise NetworkError(f"cannot read OSM data: {type(exc).__name__}: {exc}", source=path) from None
    if G.number_of_edges() == 0:
        raise NetworkError("no routable ways in the file", source=path)
    if gcj02:
        from .crs import gcj02_to_wgs84, transform_geometry

        ids = list(G.nodes)
        lon, lat = gcj02_to_wgs84([G.nodes[n]["x"] for n in ids], [G.nodes[n]["y"] for n in ids])
        for n, x, y in zip(ids, lon, lat, strict=True):
            G.nodes[n]["x"], G.nodes[n]["y"] = float(x), float(y)
        for _, _, d in G.edges(data=True):
            if "geometry" in d:
                d["geometry"] = transform_geometry([d["geometry"]], "GCJ-02", WGS84)[0]
        G = ox.distance.add_edge_lengths(G)
    next(steps, None)
    if simplify:
        G = ox.simplification.simplify_graph(G)
    next(steps, None)
    before = set(G.nodes)
    G = ox.truncate.largest_component(G, strongly=True)
    dropped = sorted(before - set(G.nodes), key=str)
    G.graph["dropped_nodes"] = dropped
    if dropped:
        warnings.warn(
            f"from_osm: kept the largest strongly connected component; dropped {len(dropped)} node(s): "
            f"{dropped[:10]}{' ...' if len(dropped) > 10 else ''}",
            stacklevel=2,
        )
    speeds = {**OSM_SPEED_KPH, **dict(speeds_kph or {})}
    next(steps, None)
    G = ox.routing.add_edge_speeds(G, hwy_speeds=speeds, fallback=speeds["road"])
    G = ox.routing.add_edge_travel_times(G)
    for u, v, d in G.edges(data=True):
        hwy = d.get("highway", "road")
        d["class"] = hwy if isinstance(hwy, str) else str(hwy[0])
        d["mode"] = "road"
        d["speed_kph"] = float(d["speed_kph"])
        if "geometry" not in d:
            d["geometry"] = _straight(G, u, v)
    for _, d in G.nodes(data=True):
        d.setdefault("mode", "road")
        d.setdefault("kind", "osm")
    G.graph["crs"] = WGS84 if str(G.graph.get("crs", "")).lower() in ("epsg:4326", "") else G.graph["crs"]
    for _ in steps:  # close the progress bar
        pass
    return G


def _pbf_to_xml(path: Path) -> Path:
    try:
        import osmium
    except ImportError as exc:
        raise NetworkError("reading .pbf needs pyosmium: pip install osmium", source=path) from exc
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="linyi_osm_")) / (path.stem + ".osm")
    try:
        with osmium.SimpleWriter(str(out)) as writer:
            for obj in osmium.FileProcessor(str(path)):
                writer.add(obj)
    except Exception as exc:
        raise NetworkError(f"cannot read PBF data: {exc}", source=path) from None
    return out
