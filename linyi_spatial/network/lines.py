"""Planner-authored scenarios: planned road or rail lines added to a network, from Python or a TOML file.

A scenario file lists lines::

    [scenario]
    name = "East ring road"

    [[lines]]
    id = "ring_e"
    name = "East ring road"
    mode = "road"                 # road or rail
    class = "trunk"               # a class of OPERATING_SPEED_KPH or an OSM highway value (sets the speed
                                  # unless speed_kph is given)
    speed_kph = 80                # optional operating speed
    opened = 2030                 # optional opening year
    status = "planned"            # open / under_construction / planned
    stops = ["hedong", [118.45, 35.05], "luozhuang"]   # node ids or [lon, lat] (WGS-84)

Stops given as node ids must be nodes of the network (road nodes for a
road line, rail nodes for a rail line); stops given as coordinates become
new nodes, linked to the nearest road node by a connector (road lines) or
by a station access link with the network's station penalty (rail lines).
Every problem (unknown stop, a speed that is not positive, fewer than two
stops, a stop outside the region, an unknown class or mode) is reported at
once, naming the line and the file.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pyproj
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from .._graph_cache import tracked_copy
from .._io import read_toml
from ..errors import DataError, NetworkError, SpecError
from .build import OPERATING_SPEED_KPH, STATUSES
from .link import Access, NodeIndex
from .osm import MAX_SPEED_KPH, OSM_SPEED_KPH, speed_given

__all__ = ["PlannedLine", "add_lines", "read_lines"]

_GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True)
class PlannedLine:
    """One planned line of a scenario.

    Attributes
    ----------
    id, name : str
    stops : tuple
        Node ids or ``(lon, lat)`` pairs (WGS-84), in order.
    mode : {"road", "rail"}, default "road"
    line_class : str, default "trunk"
        A key of :data:`~linyi_spatial.network.OPERATING_SPEED_KPH` or an
        OSM ``highway`` value of :data:`~linyi_spatial.network.OSM_SPEED_KPH`
        (``"primary"``, ``"motorway"``, ...), on any network.
    speed_kph : float or None
        Operating speed; default the class's.
    opened : int or None
        Opening year.
    status : str, default "planned"
    """

    id: str
    name: str
    stops: tuple[Hashable | tuple[float, float], ...]
    mode: str = "road"
    line_class: str = "trunk"
    speed_kph: float | None = None
    opened: int | None = None
    status: str = "planned"


def read_lines(path: str | os.PathLike[str]) -> list[PlannedLine]:
    """Read the ``[[lines]]`` of a scenario TOML file (format in the module docstring).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    list of PlannedLine

    Raises
    ------
    SpecError
        Naming the file: unreadable, invalid TOML, or lines missing ``id`` or ``stops``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "s.toml"
    >>> _ = p.write_text(chr(10).join(["[[lines]]", 'id = "x"', 'stops = ["a", "e"]']), encoding="utf-8")
    >>> read_lines(p)[0].stops
    ('a', 'e')
    """
    p = Path(path)
    try:
        spec = read_toml(p, "scenario")
    except DataError as exc:
        raise SpecError(exc.problems, source=p) from None
    raw = spec.get("lines")
    if not isinstance(raw, list) or not raw or not all(isinstance(x, dict) for x in raw):
        raise SpecError("a scenario needs [[lines]] tables", source=p)
    problems, lines = [], []
    for i, item in enumerate(raw):
        missing = [k for k in ("id", "stops") if k not in item]
        if missing:
            problems.append(f"lines[{i}]: missing {', '.join(missing)}")
            continue
        if not isinstance(item["stops"], list):  # "ce" would be the stops c and e; 5 no stops at all
            problems.append(
                f"lines[{i}] ({str(item['id'])!r}): stops must be a list of node ids or [lon, lat] pairs, "
                f"got {item['stops']!r}"
            )
            continue
        problems += _field_problems(i, item)
        stops = tuple(tuple(s) if isinstance(s, list) else s for s in item["stops"])
        lines.append(
            PlannedLine(
                id=str(item["id"]),
                name=str(item.get("name", item["id"])),
                stops=stops,
                mode=str(item.get("mode", "road")),
                line_class=str(item.get("class", "trunk")),
                speed_kph=item.get("speed_kph"),
                opened=item.get("opened"),
                status=str(item.get("status", "planned")),
            )
        )
    if problems:
        raise SpecError(problems, source=p)
    return lines


OPENED_YEARS = (1800, 2200)
"""Years a planned line may open in."""


def _speed_problem(where: str, speed: object) -> str:
    return f"{where}: speed_kph must be a number of km/h above 0 and at most {MAX_SPEED_KPH:,.0f}, got {speed!r}"


def _field_problems(i: int, item: dict[str, Any]) -> list[str]:
    """A line's speed and opening year read as the numbers they must be (``true`` is no speed, ``"soon"`` no year)."""
    where, out = f"lines[{i}] ({str(item['id'])!r})", []
    speed = item.get("speed_kph")
    if speed is not None and not speed_given(speed):
        out.append(_speed_problem(where, speed))
    year = item.get("opened")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not OPENED_YEARS[0] <= year <= OPENED_YEARS[1]
    ):
        out.append(f"{where}: opened must be a year between {OPENED_YEARS[0]} and {OPENED_YEARS[1]}, got {year!r}")
    return out


def _line_speeds(G: nx.Graph) -> dict[str, float]:
    """Speeds of the classes a planned line may have: the network's own classes, and OSM ``highway`` values."""
    return {**OSM_SPEED_KPH, **G.graph.get("speeds_kph", OPERATING_SPEED_KPH)}


def _check(line: PlannedLine, G: nx.Graph, region: BaseGeometry | None, problems: list[str]) -> None:
    where = f"line {line.id!r}"
    if line.mode not in ("road", "rail"):
        problems.append(f"{where}: unknown mode {line.mode!r}; expected 'road' or 'rail'")
    speeds = _line_speeds(G)
    if line.speed_kph is None and line.line_class not in speeds:
        problems.append(f"{where}: unknown class {line.line_class!r}; known: {sorted(speeds)}")
    if line.speed_kph is not None and not speed_given(line.speed_kph):
        problems.append(_speed_problem(where, line.speed_kph))
    if line.status not in STATUSES:
        problems.append(f"{where}: unknown status {line.status!r}; expected one of {list(STATUSES)}")
    if len(line.stops) < 2:
        problems.append(f"{where}: a line needs at least two stops, got {list(line.stops)}")
    for k, stop in enumerate(line.stops):
        if isinstance(stop, tuple) and len(stop) == 2 and all(isinstance(c, (int, float)) for c in stop):
            if region is not None and not region.covers(Point(stop)):
                problems.append(f"{where}: stop {k} at {list(stop)} lies outside the region")
            if f"{line.id}:stop{k}" in G:  # the new stop's node would take over a node of the network
                problems.append(
                    f"{where}: stop {k} would be the new node {line.id + ':stop' + str(k)!r}, which the network "
                    "has already; give the line another id"
                )
        elif stop not in G:
            problems.append(f"{where}: stop {k} {stop!r} is not a node of the network (give a node id or [lon, lat])")
        elif G.nodes[stop].get("mode", "road") != line.mode:
            problems.append(f"{where}: stop {stop!r} is a {G.nodes[stop].get('mode')} node, not a {line.mode} node")
        elif region is not None and not region.covers(Point(G.nodes[stop]["x"], G.nodes[stop]["y"])):
            problems.append(f"{where}: stop {stop!r} lies outside the region")


def _edge(line: PlannedLine, k: int | str, geom: LineString, speed: float, **extra: Any) -> dict[str, Any]:
    length = _GEOD.geometry_length(geom)
    return {
        "link": f"{line.id}:{k}",
        "route": line.id,
        "name": line.name,
        "ref": line.id,
        "mode": extra.pop("mode", line.mode),
        "class": extra.pop("cls", line.line_class),
        "status": line.status,
        "opened": line.opened,
        "speed_kph": float(speed),
        "design_speed_kph": float(speed),
        "length": float(length),
        "travel_time": float(length / (speed / 3.6)) + extra.pop("penalty_s", 0.0),
        "geometry": geom,
    }


def add_lines(
    G: nx.MultiDiGraph,
    lines: Sequence[PlannedLine] | str | os.PathLike[str],
    *,
    region: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    access: Access | None = None,
) -> nx.MultiDiGraph:
    """A copy of ``G`` with planned lines added (both directions), validated first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The base network (WGS-84, node ``x``/``y``; OSMnx conventions).
    lines : sequence of PlannedLine, or a scenario TOML path
    region : GeoDataFrame or GeoSeries, optional
        Stops given as coordinates must lie in it (e.g. ``structure.units``).
    access : Access, optional
        Speed of the connectors from new stops to the road network.

    Returns
    -------
    networkx.MultiDiGraph
        ``G.graph["added_lines"]`` lists the line ids.

    Raises
    ------
    NetworkError
        One error listing every problem of every line.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> G = add_lines(made_up_network(2020), [PlannedLine("new", "New road", ("c", "d"))])
    >>> G.graph["added_lines"], G.has_edge("c", "d")
    (['new'], True)
    """
    if isinstance(lines, (str, os.PathLike)):
        lines = read_lines(lines)
    access = Access() if access is None else access
    shape = None if region is None else shapely.union_all(region.to_crs("EPSG:4326").geometry.to_numpy())
    problems: list[str] = []
    ids = [line.id for line in lines]
    problems += [f"duplicate line id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for line in lines:
        _check(line, G, shape, problems)
    if problems:
        raise NetworkError(problems)
    H = tracked_copy(G)
    index = NodeIndex.from_graph(G, access)
    penalty_s = 60.0 * float(G.graph.get("station_penalty_min", 10.0))
    speeds = _line_speeds(G)
    for line in lines:
        speed = float(line.speed_kph if line.speed_kph is not None else speeds[line.line_class])
        nodes = [_stop_node(H, line, k, stop, index, access, penalty_s) for k, stop in enumerate(line.stops)]
        for k, (u, v) in enumerate(itertools.pairwise(nodes)):
            geom = LineString([(H.nodes[u]["x"], H.nodes[u]["y"]), (H.nodes[v]["x"], H.nodes[v]["y"])])
            H.add_edge(u, v, **_edge(line, k, geom, speed))
            H.add_edge(v, u, **_edge(line, k, geom.reverse(), speed))
    H.graph["added_lines"] = [*G.graph.get("added_lines", []), *ids]
    return H


def _stop_node(
    H: nx.MultiDiGraph, line: PlannedLine, k: int, stop: object, index: NodeIndex, access: Access, penalty_s: float
) -> Hashable:
    """The node of a stop: an existing node id, or a new node linked to the nearest road node."""
    if not isinstance(stop, tuple):
        return stop
    node = f"{line.id}:stop{k}"
    kind = "station" if line.mode == "rail" else "planned_stop"
    H.add_node(node, x=float(stop[0]), y=float(stop[1]), mode=line.mode, kind=kind, name=f"{line.name} stop {k}")
    near, _ = index.query(gpd.GeoSeries([Point(stop)], crs="EPSG:4326"), 1)
    road = near[0, 0]
    geom = LineString([stop, (H.nodes[road]["x"], H.nodes[road]["y"])])
    extra = {"mode": "access", "cls": "access", "penalty_s": penalty_s} if line.mode == "rail" else {"cls": "connector"}
    speed = access.speed_kph
    H.add_edge(node, road, **_edge(line, f"access{k}", geom, speed, **dict(extra)))
    H.add_edge(road, node, **_edge(line, f"access{k}", geom.reverse(), speed, **dict(extra)))
    return node
