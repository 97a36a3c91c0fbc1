"""Importing OpenStreetMap extracts (``.osm``, ``.osm.pbf``, ``.osm.bz2``) as routable road graphs.

The file is read once with pyosmium, which also keeps the node locations,
so ways are built straight from their nodes (no XML round trip, no OSMnx).
What is read, and what becomes of it:

* **Which ways** (``network_type``): OSMnx's network filters, with their
  Overpass semantics (``["k"!~"a|b"]`` drops a way whose ``k`` *contains*
  ``a`` or ``b``, as an Overpass regular expression does; a missing tag never
  matches). ``"drive"`` (the default) keeps public drivable streets and drops
  footways, steps, cycleways, paths, platforms, corridors, service roads,
  construction and private ways; ``custom_filter`` takes the same syntax.
  The ways left out are counted by ``highway`` value in
  ``G.graph["dropped_highway"]``.
* **Clipped extracts**: an extract cut from a larger one has ways whose
  nodes lie partly outside it. Such a way is split where its node
  references are missing and the parts inside are kept; the ways repaired
  are counted in ``G.graph["repaired_ways"]``.
* **Direction**: OSMnx's rules: ``oneway=yes|true|1`` (and roundabouts)
  one-way in node order, ``oneway=-1|reverse`` against it, otherwise both
  ways (the ``walk`` type is always two-way).
* **Speed and time per segment**: each segment's ``speed_kph`` is its way's
  ``maxspeed`` where that parses (see :func:`parse_maxspeed`; the lowest of
  several values), else its class's default (:data:`OSM_SPEED_KPH`);
  ``speed_source`` says which. ``length`` is the segment's geodesic length
  on the WGS-84 ellipsoid and ``travel_time`` = length / speed.
* **Simplification** (``simplify=True``) merges the segments between
  intersections and dead ends into one edge whose length and travel time
  are the *sums* of its segments' (each at its own speed), with the list of
  OSM way ids and the geometry, so simplified and unsimplified graphs give
  equal times between the nodes they share.
* The largest strongly connected component is kept (what was dropped is
  reported in ``G.graph["dropped_nodes"]`` and a warning).
"""

from __future__ import annotations

import logging
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pyproj
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from .._checks import number
from .._progress import progress
from ..crs import GCJ02, WGS84, gcj02_to_wgs84, projected_crs, transform_geometry
from ..errors import NetworkError
from ..i18n import add_words
from .validate import validate_network
from .zone_speeds import ZONE_SPEED_KPH, ZONE_SPEEDS_SOURCE

__all__ = ["NETWORK_TYPES", "OSM_SPEED_KPH", "from_osm", "parse_maxspeed"]

LOG = logging.getLogger(__name__)

add_words(
    codes={
        "motorway": "高速公路",
        "motorway_link": "高速公路匝道",
        "trunk_link": "干线公路匝道",
        "primary": "主干路",
        "primary_link": "主干路匝道",
        "secondary": "次干路",
        "secondary_link": "次干路匝道",
        "tertiary": "支路",
        "tertiary_link": "支路匝道",
        "unclassified": "未分级道路",
        "residential": "居住区道路",
        "living_street": "生活街道",
        "service": "服务道路",
    }
)
"""OSM ``highway`` values as a Chinese reader knows the road ranks (城市道路 主干路 / 次干路 / 支路)."""

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
speeds on Chinese roads (expressway 100, first-class 70, urban arterials 50/40, local 20-30).
A class not listed (e.g. ``track`` in an ``"all"`` network) gets the ``road`` speed."""

_ACCESS = '["access"!~"private"]'
NETWORK_TYPES: dict[str, str] = {
    "drive": (
        f'["highway"]["area"!~"yes"]{_ACCESS}'
        '["highway"!~"abandoned|bridleway|bus_guideway|construction|corridor|cycleway|elevator|escalator|footway|'
        'no|path|pedestrian|planned|platform|proposed|raceway|razed|rest_area|service|services|steps|track"]'
        '["motor_vehicle"!~"no"]["motorcar"!~"no"]'
        '["service"!~"alley|driveway|emergency_access|parking|parking_aisle|private"]'
    ),
    "drive_service": (
        f'["highway"]["area"!~"yes"]{_ACCESS}'
        '["highway"!~"abandoned|bridleway|bus_guideway|construction|corridor|cycleway|elevator|escalator|footway|'
        'no|path|pedestrian|planned|platform|proposed|raceway|razed|rest_area|services|steps|track"]'
        '["motor_vehicle"!~"no"]["motorcar"!~"no"]'
        '["service"!~"emergency_access|parking|parking_aisle|private"]'
    ),
    "walk": (
        f'["highway"]["area"!~"yes"]{_ACCESS}'
        '["highway"!~"abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|proposed|raceway|'
        'razed|rest_area|services"]'
        '["foot"!~"no"]["service"!~"private"]'
        '["sidewalk"!~"separate"]["sidewalk:both"!~"separate"]'
        '["sidewalk:left"!~"separate"]["sidewalk:right"!~"separate"]'
    ),
    "bike": (
        f'["highway"]["area"!~"yes"]{_ACCESS}'
        '["highway"!~"abandoned|bus_guideway|construction|corridor|elevator|escalator|footway|motor|no|planned|'
        'platform|proposed|raceway|razed|rest_area|services|steps"]'
        '["bicycle"!~"no"]["service"!~"private"]'
    ),
    "all_public": (
        f'["highway"]["area"!~"yes"]{_ACCESS}'
        '["highway"!~"abandoned|construction|no|planned|platform|proposed|raceway|razed|rest_area|services"]'
        '["service"!~"private"]'
    ),
    "all": (
        '["highway"]["area"!~"yes"]'
        '["highway"!~"abandoned|construction|no|planned|platform|proposed|raceway|razed|rest_area|services"]'
    ),
}
"""Way filters by network type: OSMnx 2's (``osmnx._overpass._get_network_filter``), in Overpass syntax."""

_BIDIRECTIONAL = {"walk"}
_ONEWAY = {"yes", "true", "1", "-1", "reverse", "T", "F"}  # OSMnx's values (T/F as some imports write them)
_REVERSED = {"-1", "reverse", "T"}
_CLAUSE = re.compile(r'\[\s*"([^"]+)"\s*(?:(!~|~|!=|=)\s*"([^"]*)"\s*)?\]')
_GEOD = pyproj.Geod(ellps="WGS84")


_Clause = tuple[str, str, "re.Pattern[str]"]


def _parse_filter(text: str) -> list[_Clause]:
    """Overpass tag clauses ``["k"]``, ``["k"="v"]``, ``["k"!="v"]``, ``["k"~"re"]``, ``["k"!~"re"]``.

    Each becomes (key, operator, pattern): a value test ``=``/``!=`` is a
    pattern matching exactly that value, a bare key the operator ``has``.
    """
    rest = _CLAUSE.sub("", text).strip()
    if rest:
        raise NetworkError(f'cannot read the way filter {text!r}: {rest!r} is not a clause like ["k"~"value"]')
    out: list[_Clause] = []
    for key, op, value in _CLAUSE.findall(text):
        if not op:
            out.append((key, "has", re.compile("")))
            continue
        try:
            pattern = re.compile(value if op in ("~", "!~") else "^" + re.escape(value) + "$")
        except re.error as exc:
            raise NetworkError(f"way filter {text!r}: bad regular expression {value!r} ({exc})") from None
        out.append((key, "~" if op in ("~", "=") else "!~", pattern))
    return out


def _keeps(clauses: list[_Clause], tags: Mapping[str, str]) -> bool:
    for key, op, pattern in clauses:
        v = tags.get(key)
        if op == "has":
            if v is None:
                return False
        elif op == "~":
            if v is None or pattern.search(v) is None:
                return False
        elif v is not None and pattern.search(v) is not None:  # !~
            return False
    return True


_MPH = 1.609344
_NO_NUMBER = re.compile(r"^\s*(none|signals|walk|variable|[A-Za-z]{2}:[\w:]+)\s*$")
"""``maxspeed`` values that legitimately give no number (no limit, signs, zone codes): no warning."""
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$")


def parse_maxspeed(value: object) -> float | None:
    """A ``maxspeed`` tag as km/h, or None when it gives no number.

    ``"50"``, ``"50 km/h"`` and ``"30 mph"`` (converted) are numbers; a
    zone code (``DE:urban``, ``RU:rural``, ``CN:motorway``) is its country's
    legal default from :data:`~linyi_spatial.network.zone_speeds.ZONE_SPEED_KPH`
    (the OSM wiki's "Default speed limits"); several values (``"30;50"``,
    or a list after merging) give the lowest, the limit that binds on some
    part or at some time; ``none``, ``signals``, ``walk``, unknown zones and
    anything else give None, so the class default applies. Zero or negative
    speeds give None too.

    Parameters
    ----------
    value : str, number, list or None

    Returns
    -------
    float or None

    Examples
    --------
    >>> parse_maxspeed("50"), parse_maxspeed("30 mph"), parse_maxspeed("30;50"), parse_maxspeed("DE:urban")
    (50.0, 48.28032, 30.0, 50.0)
    >>> parse_maxspeed("none"), parse_maxspeed("XX:urban")
    (None, None)
    """
    if value is None:
        return None
    parts = value if isinstance(value, (list, tuple)) else str(value).split(";")
    speeds = []
    for part in parts:
        zone = ZONE_SPEED_KPH.get(str(part).strip())
        if zone is not None:
            speeds.append(float(zone))
            continue
        m = _NUMBER.match(str(part))
        if m is None:
            continue
        x = float(m.group(1)) * (_MPH if m.group(2) == "mph" else 1.852 if m.group(2) == "knots" else 1.0)
        if math.isfinite(x) and x > 0:
            speeds.append(x)
    return min(speeds) if speeds else None


def from_osm(
    path: str | os.PathLike[str],
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    simplify: bool = True,
    gcj02: bool = False,
    clip: BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_km: float = 0.0,
) -> nx.MultiDiGraph:
    """Build a routable road graph from an OpenStreetMap extract.

    See the module description for the rules: OSMnx's network filters,
    clipped ways repaired, per-segment speeds and times, and a
    simplification that keeps travel times.

    Parameters
    ----------
    path : path-like
        ``.osm`` (XML), ``.osm.pbf``/``.pbf`` or ``.osm.bz2``.
    network_type : {"drive", "drive_service", "walk", "bike", "all_public", "all"}, default "drive"
        Which ways to keep (:data:`NETWORK_TYPES`).
    custom_filter : str, optional
        An Overpass-style tag filter used instead, e.g.
        ``'["highway"~"motorway|trunk|primary"]'``.
    speeds_kph : mapping, optional
        Overrides of :data:`OSM_SPEED_KPH`.
    simplify : bool, default True
        Merge the segments between intersections (times are kept).
    gcj02 : bool, default False
        Set when the file's coordinates are GCJ-02 (traced from Amap);
        nodes and geometries are converted to WGS-84.
    clip : shapely geometry (WGS-84), GeoDataFrame or GeoSeries, optional
        Keep only the roads inside this area (e.g. a structure's units): a
        province extract read for one prefecture. Ways leaving the area are
        cut at its edge, like clipped ways (``G.graph["clipped_ways"]``).
    buffer_km : float, default 0
        Margin around ``clip``, so trips that leave the area and come back
        (a bypass, a road over a county line) keep their roads.

    Returns
    -------
    networkx.MultiDiGraph
        Node ids are OSM node ids; edges carry ``osmid`` (a way id, or a list
        after simplification), ``highway``, ``class``, ``oneway``,
        ``reversed``, ``length`` (m), ``speed_kph``, ``speed_source``,
        ``travel_time`` (s), ``geometry``, ``mode="road"`` and, where
        tagged, ``name``, ``ref``, ``maxspeed``, ``lanes``. ``G.graph``
        records ``network_type``, ``dropped_highway``, ``repaired_ways``,
        ``dropped_nodes`` and ``simplified``.

    Raises
    ------
    NetworkError
        If the file is missing or unreadable, the filter or speeds are bad,
        no way is kept, or pyosmium is not installed.

    Examples
    --------
    >>> G = from_osm("extract.osm.pbf")  # doctest: +SKIP
    >>> G.graph["dropped_highway"]  # doctest: +SKIP
    {'footway': 4211, 'service': 1409, 'steps': 301, ...}
    """
    path = Path(path)
    if not path.is_file():
        raise NetworkError("OSM file not found", source=path)
    if custom_filter is None and network_type not in NETWORK_TYPES:
        raise NetworkError(f"unknown network_type {network_type!r}; expected one of {sorted(NETWORK_TYPES)}")
    clauses = _parse_filter(custom_filter if custom_filter is not None else NETWORK_TYPES[network_type])
    speeds = {**OSM_SPEED_KPH, **dict(speeds_kph or {})}
    bad = {k: v for k, v in speeds.items() if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0)}
    if bad:
        raise NetworkError(f"speeds must be positive numbers, got {bad}")
    steps = progress(range(3), desc=f"OSM import {path.name}", total=3)
    next(steps, None)
    area = _clip_area(clip, buffer_km, gcj02)
    ways, dropped, repaired, cut = _read_ways(path, clauses, area)
    if not ways and not dropped:
        raise NetworkError("no routable ways in the file (no way has a highway tag)", source=path)
    if not ways:
        raise NetworkError(
            f"no way of the file passes the {'custom' if custom_filter else network_type!r} filter "
            f"(ways left out by highway: {dict(dropped.most_common(8))})",
            source=path,
        )
    if gcj02:
        ways = _ways_to_wgs84(ways)
    G = _segment_graph(ways, speeds, bidirectional=custom_filter is None and network_type in _BIDIRECTIONAL)
    next(steps, None)
    G = _largest_component(G, path)
    if simplify:
        G = simplify_graph(G)
    next(steps, None)
    for _ in steps:  # close the progress bar
        pass
    G.graph.update(
        crs=WGS84,
        network_type="custom" if custom_filter is not None else network_type,
        way_filter=custom_filter if custom_filter is not None else NETWORK_TYPES[network_type],
        dropped_highway=dict(dropped.most_common()),
        repaired_ways=repaired,
        clipped_ways=cut,
        clip_buffer_km=None if clip is None else float(buffer_km),
        simplified=simplify,
        source=str(path),
    )
    LOG.info(
        "from_osm %s: %d nodes, %d edges; left out by highway: %s; %d clipped way(s) repaired",
        path.name, G.number_of_nodes(), G.number_of_edges(), dict(dropped.most_common(10)), repaired,
    )  # fmt: skip
    # an OSM edge follows its way, so its length is never a "detour" of a hand-made link
    problems = validate_network(G, max_detour=math.inf)
    if problems:
        raise NetworkError(problems, source=path)
    return G


_KEEP_TAGS = ("highway", "name", "ref", "maxspeed", "lanes", "oneway", "junction", "bridge", "tunnel")


def _clip_area(
    clip: BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries | None, buffer_km: float, gcj02: bool
) -> BaseGeometry | None:
    """The clip area with its margin, in the file's datum, prepared for point tests."""
    if clip is None:
        return None
    km = number("buffer_km", buffer_km, error=NetworkError)
    shapes = clip if isinstance(clip, (gpd.GeoDataFrame, gpd.GeoSeries)) else gpd.GeoSeries([clip], crs=WGS84)
    if shapes.crs is None:
        raise NetworkError("the clip area has no CRS; give it in WGS-84 (EPSG:4326) or set its CRS")
    if shapes.empty or shapes.geometry.is_empty.all():
        raise NetworkError("the clip area is empty")
    metric = shapes.to_crs(projected_crs(shapes))
    area = gpd.GeoSeries([shapely.union_all(metric.geometry.to_numpy()).buffer(km * 1000.0)], crs=metric.crs)
    geom = area.to_crs(WGS84).iloc[0]
    if gcj02:
        geom = transform_geometry([geom], WGS84, GCJ02)[0]
    shapely.prepare(geom)
    return geom


def _read_ways(
    path: Path, clauses: list[_Clause], area: BaseGeometry | None = None
) -> tuple[list[tuple[int, list[tuple[int, float, float]], dict[str, str]]], Counter[str], int, int]:
    """Kept ways as (way id, [(node id, lon, lat), ...], tags), split where nodes are missing or outside ``area``.

    Also returns the ways left out by highway value, the ways repaired (nodes
    missing from the file) and the ways cut by ``area``.
    """
    try:
        import osmium
    except ImportError as exc:
        raise NetworkError("from_osm needs pyosmium: pip install 'linyi_spatial[osm]'", source=path) from exc
    ways: list[tuple[int, list[tuple[int, float, float]], dict[str, str]]] = []
    dropped: Counter[str] = Counter()
    repaired = cut = 0
    try:
        reader = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for obj in reader:
            if not isinstance(obj, osmium.osm.Way):
                continue
            tags = {t.k: t.v for t in obj.tags}
            if "highway" not in tags:
                continue
            if not _keeps(clauses, tags):
                dropped[tags["highway"]] += 1
                continue
            located = [(n.ref, n.location.lon, n.location.lat) if n.location.valid() else None for n in obj.nodes]
            if None in located:
                repaired += 1
            parts, was_cut = _parts(located, area)
            cut += was_cut
            keep = {k: v for k, v in tags.items() if k in _KEEP_TAGS}
            ways.extend((obj.id, part, keep) for part in parts)
    except NetworkError:
        raise
    except Exception as exc:  # pyosmium raises RuntimeError and others for unreadable input
        raise NetworkError(f"cannot read OSM data: {type(exc).__name__}: {exc}", source=path) from None
    return ways, dropped, repaired, cut


def _parts(
    located: list[tuple[int, float, float] | None], area: BaseGeometry | None
) -> tuple[list[list[tuple[int, float, float]]], bool]:
    """A way's runs of two or more nodes that are in the file (and inside ``area``), and whether ``area`` cut it."""
    cut = False
    if area is not None:
        xy = np.array([(p[1], p[2]) if p else (np.nan, np.nan) for p in located])
        inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1])
        kept = [bool(i) for p, i in zip(located, inside, strict=True) if p is not None]
        cut = any(kept) and not all(kept)  # partly inside: cut at the area's edge
        located = [p if i else None for p, i in zip(located, inside, strict=True)]
    runs: list[list[tuple[int, float, float]]] = [[]]
    for point in located:
        if point is not None:
            runs[-1].append(point)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) >= 2], cut


def _ways_to_wgs84(
    ways: list[tuple[int, list[tuple[int, float, float]], dict[str, str]]],
) -> list[tuple[int, list[tuple[int, float, float]], dict[str, str]]]:
    out = []
    for wid, nodes, tags in ways:
        lon, lat = gcj02_to_wgs84([n[1] for n in nodes], [n[2] for n in nodes])
        out.append((wid, [(n[0], float(x), float(y)) for n, x, y in zip(nodes, lon, lat, strict=True)], tags))
    return out


def _segment_graph(
    ways: list[tuple[int, list[tuple[int, float, float]], dict[str, str]]],
    speeds: Mapping[str, float],
    *,
    bidirectional: bool,
) -> nx.MultiDiGraph:
    """One edge per way segment (each way direction it may be driven), with its own speed and time."""
    G: nx.MultiDiGraph = nx.MultiDiGraph(crs=WGS84)
    odd: list[tuple[int, str]] = []
    for wid, way_nodes, tags in ways:
        one_way = not bidirectional and (tags.get("oneway") in _ONEWAY or tags.get("junction") == "roundabout")
        nodes = way_nodes[::-1] if one_way and tags.get("oneway") in _REVERSED else way_nodes
        lon = np.array([n[1] for n in nodes])
        lat = np.array([n[2] for n in nodes])
        lengths = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[2]
        hwy = tags["highway"]
        limit = parse_maxspeed(tags.get("maxspeed"))
        if limit is None and "maxspeed" in tags and not _NO_NUMBER.match(tags["maxspeed"]):
            odd.append((wid, tags["maxspeed"]))
        speed = limit if limit is not None else float(speeds.get(hwy, speeds["road"]))
        if limit is None:
            source = f"class default ({hwy})"
        elif any(str(p).strip() in ZONE_SPEED_KPH for p in str(tags["maxspeed"]).split(";")):
            source = f"maxspeed zone {tags['maxspeed']} ({ZONE_SPEEDS_SOURCE})"
        else:
            source = "maxspeed"
        attrs: dict[str, Any] = {
            "osmid": wid,
            "highway": hwy,
            "class": hwy,
            "mode": "road",
            "oneway": one_way,
            "speed_kph": speed,
            "speed_source": source,
            **{k: tags[k] for k in ("name", "ref", "maxspeed", "lanes") if k in tags},
        }
        for (a, xa, ya), (b, xb, yb), length in zip(nodes[:-1], nodes[1:], lengths, strict=True):
            if a == b:
                continue  # a repeated node reference: no segment
            for n, x, y in ((a, xa, ya), (b, xb, yb)):
                if n not in G:
                    G.add_node(n, x=x, y=y, mode="road", kind="osm")
            seg = {**attrs, "length": float(length), "travel_time": float(length) / (speed / 3.6)}
            G.add_edge(a, b, reversed=False, geometry=LineString([(xa, ya), (xb, yb)]), **seg)
            if not one_way:
                G.add_edge(b, a, reversed=True, geometry=LineString([(xb, yb), (xa, ya)]), **seg)
    G.graph["speed_fixes"] = odd
    if odd:
        warnings.warn(
            f"from_osm: {len(odd)} way(s) have a maxspeed that is not a speed, so their class's default speed is "
            f"used: {', '.join(f'way {w} {v!r}' for w, v in odd[:5])}{' ...' if len(odd) > 5 else ''}",
            stacklevel=3,
        )
    return G


def _largest_component(G: nx.MultiDiGraph, source: Path) -> nx.MultiDiGraph:
    if G.number_of_nodes() == 0:
        raise NetworkError("no routable way segment in the file", source=source)
    keep = max(nx.strongly_connected_components(G), key=len)
    if len(keep) < 2:
        raise NetworkError(
            "no two places of the extract reach each other both ways (e.g. a single one-way way): nothing to route on",
            source=source,
        )
    dropped = sorted(set(G.nodes) - keep, key=str)
    G = G.subgraph(keep).copy()
    G.graph["dropped_nodes"] = dropped
    if dropped:
        warnings.warn(
            f"from_osm: kept the largest strongly connected component; dropped {len(dropped)} node(s): "
            f"{dropped[:10]}{' ...' if len(dropped) > 10 else ''}",
            stacklevel=3,
        )
    return G


def _through(G: nx.MultiDiGraph, n: Hashable) -> bool:
    """Whether ``n`` only passes a road through: one way in and one out, or both ways to the same two neighbours."""
    succ, pred = list(G.successors(n)), list(G.predecessors(n))
    if n in succ or G.out_degree(n) != len(succ) or G.in_degree(n) != len(pred):
        return False  # a self-loop or parallel edges: keep the node
    if len(succ) == 1 and len(pred) == 1:
        return succ[0] != pred[0]
    return len(succ) == 2 and set(succ) == set(pred)


def simplify_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Merge the segments between intersections and dead ends, keeping lengths and times as sums.

    A node is kept where roads meet, end, or change direction rules (one
    way in and one out, or both ways between the same two neighbours, is a
    node a road only passes through). Each merged edge has ``length`` and
    ``travel_time`` summed over its segments, ``speed_kph`` their ratio,
    ``osmid`` the list of OSM way ids in order (one id when one way),
    ``highway``/``class`` of its longest segment and the joined geometry.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A segment graph (as :func:`from_osm` builds with ``simplify=False``).

    Returns
    -------
    networkx.MultiDiGraph
        A new graph; the times between kept nodes are those of ``G``.

    Examples
    --------
    >>> G = nx.MultiDiGraph(crs="EPSG:4326")
    >>> for n, x in (("a", 0.0), ("b", 0.001), ("c", 0.002)):
    ...     G.add_node(n, x=x, y=0.0)
    >>> G.add_edge("a", "b", osmid=1, length=100.0, travel_time=10.0, highway="primary")
    0
    >>> G.add_edge("b", "c", osmid=2, length=100.0, travel_time=20.0, highway="primary")
    0
    >>> H = simplify_graph(G)
    >>> list(H.edges(data="travel_time")), H["a"]["c"][0]["osmid"]
    ([('a', 'c', 30.0)], [1, 2])
    """
    kept = {n for n in G.nodes if not _through(G, n)}
    H: nx.MultiDiGraph = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in kept)
    seen: set[tuple[Hashable, Hashable, int]] = set()

    def walk(start: Hashable, first: tuple[Hashable, Hashable, int]) -> None:
        u, v, k = first
        chain = [(u, v, k)]
        while v not in kept:
            nxt = [(v, w, int(kk)) for w, kd in G[v].items() for kk in kd if w != u]
            if not nxt:  # a two-way road turning back: cannot happen for a through node, but stay safe
                break
            u, v, k = nxt[0]
            if (u, v, k) in seen or (u, v, k) == first:
                break
            chain.append((u, v, k))
        seen.update(chain)
        _add_merged(G, H, start, v, chain)

    for n in kept:
        for _, w, k in G.out_edges(n, keys=True):
            if (n, w, k) not in seen:
                walk(n, (n, w, k))
    for u, v, k in G.edges(keys=True):  # rings without a kept node: keep one of their nodes
        if (u, v, k) not in seen:
            kept.add(u)
            H.add_node(u, **G.nodes[u])
            walk(u, (u, v, k))
    return H


def _add_merged(
    G: nx.MultiDiGraph, H: nx.MultiDiGraph, start: Hashable, end: Hashable, chain: list[tuple[Hashable, Hashable, int]]
) -> None:
    datas: list[dict[str, Any]] = [G.edges[e] for e in chain]
    if len(datas) == 1:
        H.add_edge(start, end, **datas[0])
        return
    if end not in H:
        H.add_node(end, **G.nodes[end])
    length = sum(float(d["length"]) for d in datas)
    time = sum(float(d["travel_time"]) for d in datas)
    ids = list(dict.fromkeys(d.get("osmid") for d in datas))
    longest = max(datas, key=lambda d: float(d["length"]))
    coords = [(G.nodes[start]["x"], G.nodes[start]["y"])] + [(G.nodes[v]["x"], G.nodes[v]["y"]) for _, v, _ in chain]
    merged = {
        **{k: v for k, v in longest.items() if k not in ("geometry", "length", "travel_time", "osmid")},
        "osmid": ids[0] if len(ids) == 1 else ids,
        "length": length,
        "travel_time": time,
        "speed_kph": length / time * 3.6 if time > 0 else longest["speed_kph"],
        "geometry": LineString(coords),
    }
    sources = {d.get("speed_source") for d in datas}
    if len(sources) > 1:
        merged["speed_source"] = "; ".join(sorted(str(s) for s in sources))
    H.add_edge(start, end, **merged)
