"""Building a transport network from node and route tables, for one scenario year.

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
A network is described by two tables (``docs/spec_format.md`` shows
both; :func:`linyi_spatial.testing.made_up_tables` is a small example):

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

Lengths
-------
``length`` is the drawn (geodesic) length of the link unless
``lengths=RoadLengths(...)`` corrects it
(:mod:`linyi_spatial.network.lengths`); ``drawn_length_m`` and
``length_basis`` say which.

Travel speeds
-------------
``travel_time = length / speed``, with the operating speed of the link's
class (:data:`OPERATING_SPEED_KPH`), not its design speed: expressways
are designed for 120 km/h (JTG B01-2014) but average about 100 km/h; a
first-class trunk highway (design 80) averages about 60 km/h through
villages and junctions; urban arterials (design 50–60) 40 km/h; interchange
connectors (互通连接线, built as first- or second-class highways designed
for 60–100 and 60–80 km/h) 60 km/h, their own class so a connector is not
driven at city-street speed; HSR lines
(design 350, run at 300) average about 200 km/h between stations once
acceleration and stops are counted; conventional lines (design 120)
about 80 km/h. Rail is entered and left only at stations, through access
links charged at ``station_access_speed_kph`` plus ``station_penalty_min``
each way, so a rail trip pays twice the penalty (waiting, security,
walking) and is never a free teleport.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, cast

import networkx as nx
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from .._graph_cache import track
from ..crs import WGS84
from ..errors import NetworkError
from ..i18n import add_words
from .lengths import RoadLengths, _apply_lengths, _check_circuity
from .validate import validate_network

__all__ = [
    "NODE_COLUMNS",
    "OPERATING_SPEED_KPH",
    "OSM_HIGHWAY",
    "OSM_RAILWAY",
    "ROUTE_COLUMNS",
    "STATUSES",
    "build_network",
]

_CODES: dict[str, str] = {
    "expressway": "高速公路",
    "trunk": "干线公路",
    "urban": "城市道路",
    "connector": "连接线",
    "access": "接入段",
    "hsr": "高速铁路",
    "rail": "铁路",
    "road": "公路",
    "open": "已通车",
    "under_construction": "在建",
    "planned": "规划",
}
"""Road and rail classes, modes and line statuses in Chinese (the codes this module defines)."""

add_words(codes=_CODES)

OPERATING_SPEED_KPH: dict[str, float] = {
    "expressway": 100.0,
    "trunk": 60.0,
    "urban": 40.0,
    "connector": 60.0,
    "hsr": 200.0,
    "rail": 80.0,
}
"""Default operating (travel) speed in km/h by link class; see the module docstring."""

STATUSES = ("open", "under_construction", "planned")

NODE_COLUMNS = ("id", "name_zh", "name", "kind", "mode", "lon", "lat", "road_node")

ROUTE_COLUMNS = ("route_id", "name_zh", "ref", "mode", "class", "status", "opened", "design_speed_kph", "sequence")

MODES = ("road", "rail")

OSM_HIGHWAY = {"expressway": "motorway", "trunk": "trunk", "urban": "primary", "connector": "secondary"}
"""OSM ``highway`` tag of each road class, so OSMnx and momepy functions that read it work on built graphs."""

OSM_RAILWAY = {"hsr": "rail", "rail": "rail"}
"""OSM ``railway`` tag of each rail class (high-speed lines also get ``highspeed="yes"``)."""


def _osm_tags(mode: str, cls: str, design_speed_kph: float | None) -> dict[str, str]:
    """``highway``/``railway`` and ``maxspeed`` as OSMnx writes them (strings; maxspeed = design speed)."""
    tags: dict[str, str] = {}
    if mode == "road" and cls in OSM_HIGHWAY:
        tags["highway"] = OSM_HIGHWAY[cls]
    elif mode == "rail" and cls in OSM_RAILWAY:
        tags["railway"] = OSM_RAILWAY[cls]
        if cls == "hsr":
            tags["highspeed"] = "yes"
    if design_speed_kph is not None and math.isfinite(design_speed_kph):
        tags["maxspeed"] = str(round(design_speed_kph))
    return tags


# --------------------------------------------------------------------------- tables


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


def _check_options(
    year: Any, speeds: Mapping[str, Any], stations: tuple[float, float], modes: Sequence[str]
) -> list[str]:
    problems = []
    if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
        problems.append(f"year must be an integer or None, got {year!r}")
    for cls, v in speeds.items():
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            problems.append(f"speed for class {cls!r} must be a positive number, got {v!r}")
    penalty, speed = stations
    if not (math.isfinite(speed) and speed > 0) or not (math.isfinite(penalty) and penalty >= 0):
        problems.append("station_access_speed_kph must be > 0 and station_penalty_min >= 0 (finite)")
    bad_modes = sorted(set(modes) - set(MODES))
    if bad_modes:
        problems.append(f"unknown mode(s) {bad_modes}; expected 'road' and/or 'rail'")
    return problems


def _node_table(nodes: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """The node table indexed by id with float ``lon``/``lat`` (NaN where invalid, with the problem named)."""
    node_tab = nodes.copy()
    node_tab["id"] = node_tab["id"].astype(str)
    dup = sorted(set(node_tab["id"][node_tab["id"].duplicated()]))
    if dup:
        problems.append(f"duplicate node id(s) {dup}")
    node_tab = node_tab.drop_duplicates("id").set_index("id")
    lon = pd.to_numeric(node_tab["lon"], errors="coerce")
    lat = pd.to_numeric(node_tab["lat"], errors="coerce")
    bad = ~(lon.between(-180, 180) & lat.between(-90, 90))
    for nid in node_tab.index[bad.to_numpy()]:
        problems.append(f"node {nid!r}: invalid coordinates ({node_tab.at[nid, 'lon']}, {node_tab.at[nid, 'lat']})")
    modes = node_tab["mode"]
    for nid in node_tab.index[~modes.isin(MODES).to_numpy()]:
        problems.append(f"node {nid!r}: unknown mode {modes[nid]!r}")
    node_tab["lon"], node_tab["lat"] = lon.where(~bad), lat.where(~bad)
    return node_tab


def _lonlat(node_tab: pd.DataFrame, n: str) -> tuple[float, float]:
    return float(cast(float, node_tab.at[n, "lon"])), float(cast(float, node_tab.at[n, "lat"]))


def _empty(value: object) -> bool:
    """An empty table cell: None, NaN or blank text."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: object) -> float | None:
    """A number from a table cell: int, float or numeric text (``"2005"``, ``"2005.0"``); None if empty or not one."""
    if _empty(value) or isinstance(value, (bool, np.bool_)):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]  # any cell: what float() refuses is not a number
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _route_numbers(rid: str, r: Mapping[Hashable, Any], problems: list[str]) -> tuple[int | None, float] | None:
    """The route's opening year (None when empty) and design speed, or None with the problem named."""
    opened, speed = _number(r["opened"]), _number(r["design_speed_kph"])
    bad_year = not _empty(r["opened"]) and (opened is None or opened != int(opened))
    if bad_year:
        problems.append(
            f"route {rid!r}: opened {r['opened']!r} is not a year (leave it empty for a long-standing link)"
        )
    if speed is None or speed <= 0:
        problems.append(f"route {rid!r}: design_speed_kph {r['design_speed_kph']!r} is not a positive number")
        return None
    if bad_year:
        return None
    return (None if opened is None else int(opened)), speed


def _route_links(
    routes: pd.DataFrame,
    node_tab: pd.DataFrame,
    *,
    year: int | None,
    speeds: Mapping[str, float],
    modes: Sequence[str],
    problems: list[str],
) -> list[dict[str, Any]]:
    """One link per stretch of every route open in ``year``; problems are appended."""
    links: list[dict[str, Any]] = []
    node_ids = set(node_tab.index)
    route_ids = routes["route_id"].astype(str)
    problems.extend(f"duplicate route id {r!r}" for r in sorted(set(route_ids[route_ids.duplicated()])))
    for r in routes.to_dict("records"):
        rid = str(r["route_id"])
        if r["class"] not in speeds:
            problems.append(f"route {rid!r}: unknown class {r['class']!r}; known: {sorted(speeds)}")
            continue
        if r["status"] not in STATUSES:
            problems.append(f"route {rid!r}: unknown status {r['status']!r}; expected one of {list(STATUSES)}")
        if r["mode"] not in MODES:
            problems.append(f"route {rid!r}: unknown mode {r['mode']!r}")
            continue
        numbers = _route_numbers(rid, r, problems)
        if numbers is None:
            continue
        opened, design_speed = numbers
        late = year is not None and opened is not None and opened > year
        if late or r["mode"] not in modes:
            continue
        for k, stretch in enumerate(_parse_sequence(rid, r["sequence"], node_ids, problems)):
            u, v = stretch[0], stretch[-1]
            if u == v and len(stretch) == 2:
                problems.append(f"route {rid!r}: stop {u!r} follows itself (a link needs two different stops)")
                continue
            wrong = [n for n in (u, v) if node_tab.at[n, "mode"] != r["mode"]]
            if wrong:
                problems.append(
                    f"route {rid!r}: {r['mode']} link touches {node_tab.at[wrong[0], 'mode']!s} node {wrong[0]!r}"
                )
                continue
            if any(math.isnan(c) for n in (u, v) for c in _lonlat(node_tab, n)):
                continue  # the node's coordinates are named as a problem already
            coords = [_lonlat(node_tab, u), *stretch[1:-1], _lonlat(node_tab, v)]
            links.append(
                {
                    "link": f"{rid}:{k}",
                    "route_index": k,
                    "u": u,
                    "v": v,
                    "geometry": LineString(coords),
                    "mode": r["mode"],
                    "class": r["class"],
                    "ref": "" if _empty(r["ref"]) else str(r["ref"]),
                    "name": str(r["name_zh"]),
                    "route": rid,
                    "status": r["status"],
                    "opened": opened,
                    "design_speed_kph": design_speed,
                    "speed_kph": float(speeds[r["class"]]),
                    **_osm_tags(r["mode"], r["class"], design_speed),
                }
            )
    return links


def _station_links(
    links: list[dict[str, Any]], node_tab: pd.DataFrame, *, year: int | None, speed_kph: float, problems: list[str]
) -> list[dict[str, Any]]:
    """Access links from every station used in ``year`` to its road node."""
    used = {n for link in links for n in (link["u"], link["v"])}
    node_ids = set(node_tab.index)
    out = []
    for sid in sorted(n for n in used if node_tab.at[n, "kind"] == "station"):
        road: Any = node_tab.at[sid, "road_node"]  # a table cell: any type, checked here
        if road is None or pd.isna(road) or road not in node_ids:
            problems.append(f"station {sid!r}: road_node {road!r} is not a known node")
        elif node_tab.at[road, "mode"] != "road":
            problems.append(f"station {sid!r}: road_node {road!r} is not a road node")
        elif road not in used:
            when = "" if year is None else f"{year} "
            problems.append(f"station {sid!r}: road_node {road!r} is not on the {when}road network")
        else:
            out.append(
                {
                    "link": f"access:{sid}",
                    "u": sid,
                    "v": road,
                    "geometry": LineString([_lonlat(node_tab, sid), _lonlat(node_tab, road)]),
                    "mode": "access",
                    "class": "access",
                    "ref": "",
                    "name": str(node_tab.at[sid, "name_zh"]),  # the station's; class says it is its access link
                    "route": "access",
                    "status": "open",
                    "opened": None,
                    "design_speed_kph": float(speed_kph),
                    "speed_kph": float(speed_kph),
                }
            )
    return out


# --------------------------------------------------------------------------- building


def build_network(  # noqa: PLR0913 - OSMnx-style keyword options, each documented
    nodes: pd.DataFrame,
    routes: pd.DataFrame,
    *,
    year: int | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    station_penalty_min: float = 10.0,
    station_access_speed_kph: float = 30.0,
    modes: Sequence[str] = MODES,
    lengths: RoadLengths | None = None,
    validate: bool = True,
) -> nx.MultiDiGraph:
    """Build a routable graph from node and route tables for one year.

    A route is in the graph when its ``opened`` year is empty (a
    long-standing link) or not later than ``year`` (every route when
    ``year`` is None); ``status`` is kept on the edges so a plan-year graph
    shows what is planned.

    Parameters
    ----------
    nodes, routes : pandas.DataFrame
        Tables in the format of the module docstring.
    year : int, optional
        Scenario year; None takes every route.
    speeds_kph : mapping, optional
        Operating speeds by class, overriding :data:`OPERATING_SPEED_KPH`.
    station_penalty_min : float, default 10
        Minutes added to every station access and egress link.
    station_access_speed_kph : float, default 30
        Speed on station access/egress links.
    modes : sequence of {"road", "rail"}, default both
        Modes to include (rail needs road for station access).
    lengths : RoadLengths, optional
        Circuity by class and sourced section lengths for links drawn
        straighter than their roads; by default lengths are as drawn. See
        :mod:`linyi_spatial.network.lengths`.
    validate : bool, default True
        Run :func:`validate_network` and raise on problems.

    Returns
    -------
    networkx.MultiDiGraph
        ``G.graph`` holds ``crs``, ``year``, ``speeds_kph``, ``station_penalty_min`` and ``modes``.

    Raises
    ------
    NetworkError
        Naming every bad route, node, class, speed or year, and every
        validation problem.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_tables
    >>> nodes, routes = made_up_tables()
    >>> G = build_network(nodes, routes, year=2020)
    >>> G.graph["crs"], G.graph["year"]
    ('EPSG:4326', 2020)
    """
    problems = _check_columns(nodes, NODE_COLUMNS, "nodes") + _check_columns(routes, ROUTE_COLUMNS, "routes")
    if problems:
        raise NetworkError(problems)
    speeds = {**OPERATING_SPEED_KPH, **dict(speeds_kph or {})}
    problems = _check_options(year, speeds, (station_penalty_min, station_access_speed_kph), modes)
    lengths = lengths if lengths is not None else RoadLengths()
    problems += _check_circuity(lengths.circuity)
    if problems:
        raise NetworkError(problems)
    node_tab = _node_table(nodes, problems)
    year = None if year is None else int(year)
    links = _route_links(routes, node_tab, year=year, speeds=speeds, modes=modes, problems=problems)
    links += _station_links(links, node_tab, year=year, speed_kph=station_access_speed_kph, problems=problems)
    if problems:
        raise NetworkError(problems)
    used = sorted({n for lk in links for n in (lk["u"], lk["v"])})
    lonlat = dict(
        zip(node_tab.index, zip(node_tab["lon"].tolist(), node_tab["lat"].tolist(), strict=True), strict=True)
    )
    _apply_lengths(
        links,
        routes,
        lonlat,
        circuity=lengths.circuity,
        stated=lengths.stated,
        problems=problems,
    )
    for lk in links:  # two ends at one point: the table says two places are one (a copied coordinate)
        if not lk["length"] > 0 and lk["u"] != lk["v"]:
            problems.append(
                f"link {lk['u']}-{lk['v']} (route {lk.get('route', '?')}) has length 0: nodes {lk['u']!r} and "
                f"{lk['v']!r} lie at the same point ({lonlat[lk['u']][0]:g}, {lonlat[lk['u']][1]:g})"
            )
    if problems:
        raise NetworkError(problems)
    G: nx.MultiDiGraph = nx.MultiDiGraph(
        crs=WGS84,
        year=year,
        station_penalty_min=float(station_penalty_min),
        speeds_kph=speeds,
        simplified=True,
        modes=tuple(str(m) for m in modes),
    )
    track(G)  # attribute writes counted: caches are checked in O(1)
    for nid in used:
        row = node_tab.loc[nid]
        x, y = lonlat[nid]
        G.add_node(
            nid,
            x=x,
            y=y,
            name=str(row["name"]),
            name_zh=str(row["name_zh"]),
            kind=str(row["kind"]),
            mode=str(row["mode"]),
        )
    for lk in links:
        tt = lk["length"] / (lk["speed_kph"] / 3.6) + (station_penalty_min * 60.0 if lk["mode"] == "access" else 0.0)
        attrs = {k: v for k, v in lk.items() if k not in ("u", "v", "geometry", "route_index")}
        attrs.update(travel_time=float(tt))
        G.add_edge(lk["u"], lk["v"], geometry=lk["geometry"], **attrs)
        G.add_edge(lk["v"], lk["u"], geometry=lk["geometry"].reverse(), **attrs)
    if validate:
        found = validate_network(G)
        if found:
            raise NetworkError(found)
    return G
