"""Importing OpenStreetMap extracts (``.osm``, ``.osm.pbf``, ``.osm.bz2``) as routable road graphs.

The file is streamed once with pyosmium, which also keeps the node
locations, straight into numpy arrays (no XML round trip, no OSMnx, no
networkx graph until one is asked for): :func:`read_osm` returns those
arrays (:class:`OSMNetwork`, routable as they are), :func:`from_osm` the
networkx graph made from them in one bulk call. What is read, and what
becomes of it:

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
  are counted in ``G.graph["repaired_ways"]`` and listed by OSM way id in
  ``G.graph["repaired_way_ids"]``.
* **Direction**: OSMnx's rules: ``oneway=yes|true|1`` (and roundabouts)
  one-way in node order, ``oneway=-1|reverse`` against it, otherwise both
  ways (the ``walk`` type is always two-way).
* **Speed and time per segment**: each segment's ``speed_kph`` is, in
  order: its way's ``maxspeed`` where that parses (see
  :func:`parse_maxspeed`; the lowest of several values, zone codes by the
  country's legal default); the user's ``speeds_kph`` for its class; the
  length-weighted mean ``maxspeed`` of its class in the extract (where at
  least :data:`IMPUTE_MIN_WAYS` ways of the class carry one, as OSMnx's
  ``add_edge_speeds`` imputes); the class table (operating speeds
  :data:`OSM_SPEED_KPH`, or China's design speeds
  :data:`CN_DESIGN_SPEED_KPH` with ``class_speeds="CN"``).
  ``speed_source`` says which, on every edge. ``length`` is the segment's geodesic length
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

import itertools
import logging
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from .._checks import number
from .._graph_cache import track
from .._io import local_file
from .._progress import progress
from ..crs import GCJ02, WGS84, gcj02_to_wgs84, projected_crs, transform_geometry
from ..errors import DataError, NetworkError
from ..i18n import add_words
from . import _osm_arrays as _arrays
from ._osm_arrays import OSMNetwork
from .zone_speeds import ZONE_SPEED_KPH, ZONE_SPEEDS_SOURCE

__all__ = [
    "CLASS_SPEEDS",
    "CN_DESIGN_SPEED_KPH",
    "IMPUTE_MIN_WAYS",
    "MAXSPEED_RANGE_KPH",
    "MAX_SPEED_KPH",
    "NETWORK_TYPES",
    "OSM_SPEED_KPH",
    "OSMNetwork",
    "from_osm",
    "parse_maxspeed",
    "read_osm",
    "simplify_graph",
    "speed_given",
]

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

CN_DESIGN_SPEED_KPH: dict[str, float] = {
    **OSM_SPEED_KPH,
    "motorway": 120.0,
    "trunk": 80.0,
    "primary": 60.0,
    "secondary": 40.0,
    "tertiary": 30.0,
    "unclassified": 20.0,
    "residential": 20.0,
}
"""China's design speeds (km/h) by the road class an OSM ``highway`` value stands for in China: 高速公路
``motorway`` 120 (JTG B01-2014 gives 120/100/80; Shandong's expressways are built at 120), 一级公路 / 国道
``trunk`` 80 (100/80/60, the middle value), 二级公路 / 省道 ``primary`` 60 (80/60, the lower),
三级公路 / 县道 ``secondary`` 40 (40/30), 四级公路 / 乡道 ``tertiary`` 30 (30/20), 村道 ``unclassified`` and
城市支路 ``residential`` 20 (JTG 四级 20; CJJ 37-2012 支路 40-20). A design speed is an upper bound of travel
speed. The standards give no class for ramps (``*_link``), ``living_street`` or ``service``: those keep the
operating speeds of :data:`OSM_SPEED_KPH`."""

CLASS_SPEEDS: dict[str, tuple[dict[str, float], str]] = {
    "operating": (OSM_SPEED_KPH, "operating speed"),
    "CN": (CN_DESIGN_SPEED_KPH, "design speed, JTG B01-2014 / CJJ 37-2012"),
}
"""The class speed tables :func:`from_osm` can fall back on (``class_speeds=``), with how they are cited."""

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


MAXSPEED_RANGE_KPH = (5.0, 200.0)
"""Plausible ``maxspeed`` values of roads, km/h: a tag outside is ignored for its way (with a warning naming it)
and never enters its class's mean. The world's highest posted limits are 140–160 km/h; 5 km/h is walking pace."""


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


def read_osm(  # noqa: PLR0913 - from_osm's keyword options, each documented
    path: str | os.PathLike[str],
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    class_speeds: str = "operating",
    impute_speeds: bool = True,
    simplify: bool = True,
    gcj02: bool = False,
    clip: BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_km: float = 0.0,
) -> OSMNetwork:
    """Read an OpenStreetMap extract into arrays, ready to route, with no networkx graph.

    The same import as :func:`from_osm` (which is this followed by
    :meth:`OSMNetwork.to_networkx`), for extracts of millions of nodes:
    ways are streamed from the file with their node locations into numpy
    arrays and everything after (segments, speeds, the strongly connected
    component, simplification) runs on arrays.
    :func:`~linyi_spatial.routing.routing_graph` routes on the result
    directly.

    Parameters
    ----------
    path, network_type, custom_filter, speeds_kph, class_speeds, impute_speeds, simplify, gcj02, clip, buffer_km
        As for :func:`from_osm`.

    Returns
    -------
    OSMNetwork

    Raises
    ------
    NetworkError
        As :func:`from_osm`.

    Examples
    --------
    >>> net = read_osm("province.osm.pbf")  # doctest: +SKIP
    >>> net.n_nodes, net.n_edges  # doctest: +SKIP
    (612803, 1402554)
    """
    try:
        path = local_file(path, "OSM file", kind="osm")
    except DataError as exc:
        raise NetworkError(exc.problems, source=exc.source) from None
    if custom_filter is None and network_type not in NETWORK_TYPES:
        raise NetworkError(f"unknown network_type {network_type!r}; expected one of {sorted(NETWORK_TYPES)}")
    if class_speeds not in CLASS_SPEEDS:
        raise NetworkError(f"unknown class_speeds {class_speeds!r}; expected one of {sorted(CLASS_SPEEDS)}")
    clauses = _parse_filter(custom_filter if custom_filter is not None else NETWORK_TYPES[network_type])
    user = dict(speeds_kph or {})
    bad = {k: v for k, v in user.items() if not speed_given(v)}
    if bad:
        raise NetworkError(f"speeds must be numbers of km/h above 0 and at most {MAX_SPEED_KPH:,.0f}, got {bad}")
    steps = progress(range(3), desc=f"OSM import {path.name}", total=3)
    next(steps, None)
    area = _clip_area(clip, buffer_km, gcj02)
    ways = _arrays.read_ways(str(path), lambda tags: _keeps(clauses, tags), _KEEP_TAGS)
    dropped = ways.dropped
    if not len(ways.way_id) and not dropped:
        raise NetworkError("no routable ways in the file (no way has a highway tag)", source=path)
    if not len(ways.way_id):
        raise NetworkError(
            f"no way of the file passes the {'custom' if custom_filter else network_type!r} filter "
            f"(ways left out by highway: {dict(dropped.most_common(8))})",
            source=path,
        )
    seg = _arrays.segments(ways, area, to_wgs84=gcj02_to_wgs84 if gcj02 else None)
    _say_bad_coordinates(ways, seg)
    bidirectional = custom_filter is None and network_type in _BIDIRECTIONAL
    speed, oneway, backwards, records, sources, odd = _way_speeds(ways, seg, user, class_speeds, impute_speeds,
                                                                  bidirectional)  # fmt: skip
    if seg.length.size == 0:
        raise NetworkError("no routable way segment in the file", source=path)
    net = _arrays.directed_edges(ways, seg, speed, oneway, backwards, records, sources)
    collapsed, collapsed_ways = net.graph.pop("collapsed_segments"), net.graph.pop("collapsed_way_ids")
    _say_left_out(ways, collapsed, collapsed_ways)
    next(steps, None)
    net, left_out = _arrays.largest_strong_component(net)
    if net.n_nodes < 2:
        raise NetworkError(
            "no two places of the extract reach each other both ways (e.g. a single one-way way): nothing to route on",
            source=path,
        )
    dropped_nodes = sorted(left_out.tolist())
    if dropped_nodes:
        warnings.warn(
            f"from_osm: kept the largest strongly connected component; dropped {len(dropped_nodes)} node(s): "
            f"{dropped_nodes[:10]}{' ...' if len(dropped_nodes) > 10 else ''}",
            stacklevel=3,
        )
    if simplify:
        net = _arrays.simplify(net)
    next(steps, None)
    for _ in steps:  # close the progress bar
        pass
    net.graph.update(
        crs=WGS84,
        network_type="custom" if custom_filter is not None else network_type,
        way_filter=custom_filter if custom_filter is not None else NETWORK_TYPES[network_type],
        dropped_highway=dict(dropped.most_common()),
        repaired_ways=seg.repaired,
        repaired_way_ids=seg.repaired_ids,
        clipped_ways=seg.cut,
        clip_buffer_km=None if clip is None else float(buffer_km),
        dropped_nodes=dropped_nodes,
        speed_fixes=odd,
        collapsed_segments=collapsed,
        too_long_way_ids=[w for w, _ in ways.too_long],
        off_globe_node_ids=[n for n, _, _ in ways.off_globe],
        too_long_segments=seg.n_too_far,
        collapsed_way_ids=collapsed_ways,
        class_speeds=class_speeds,
        speed_sources=dict(Counter(net.speed_source).most_common()),
        simplified=simplify,
        source=str(path),
    )
    net.freeze()
    LOG.info(
        "from_osm %s: %d nodes, %d edges; left out by highway: %s; %d clipped way(s) repaired (ways %s); speeds: %s",
        path.name, net.n_nodes, net.n_edges, dict(dropped.most_common(10)), seg.repaired, seg.repaired_ids[:10],
        dict(Counter(net.speed_source).most_common(5)),
    )  # fmt: skip
    return net


MAX_SPEED_KPH = 1000.0
"""Fastest speed a user may give a road class or a planned line, km/h (maglev runs at 430–600): above it is a
typing slip (``1e300`` would make a link take 0 s)."""


def speed_given(v: object) -> bool:
    """Whether ``v`` is a speed a user may give: a number of km/h above 0 and at most :data:`MAX_SPEED_KPH`.

    Booleans are no speeds (TOML's ``true`` would read as 1 km/h).

    Parameters
    ----------
    v : object

    Returns
    -------
    bool

    Examples
    --------
    >>> speed_given(80), speed_given(True), speed_given(1e300), speed_given(0)
    (True, False, False, False)
    """
    return not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v) and 0 < v <= MAX_SPEED_KPH


def _say_bad_coordinates(ways: _arrays.WayTable, seg: _arrays.Segments) -> None:
    """Warn of nodes outside ±180/±90 and of segments too long to be a road's (a wrong coordinate), by id."""
    if ways.off_globe:
        named = ", ".join(f"node {n} ({x:g}, {y:g})" for n, x, y in ways.off_globe[:10])
        warnings.warn(
            f"from_osm: {len(ways.off_globe)} node(s) lie outside longitude ±180 / latitude ±90 ({named}"
            f"{' ...' if len(ways.off_globe) > 10 else ''}); their ways are cut there",
            stacklevel=4,
        )
    if seg.n_too_far:
        named = ", ".join(f"way {w} nodes {u}-{v} ({km:,.0f} km)" for w, u, v, km in seg.too_far)
        warnings.warn(
            f"from_osm: {seg.n_too_far} segment(s) are longer than {_arrays.MAX_SEGMENT_M / 1000:g} km, so a "
            f"coordinate is wrong ({named}{' ...' if seg.n_too_far > 10 else ''}); left out",
            stacklevel=4,
        )


def _say_left_out(ways: _arrays.WayTable, collapsed: int, collapsed_ways: list[int]) -> None:
    """Warn of the ways too long to be OSM data and of the repeated segments kept once (naming the ways)."""
    if ways.too_long:
        named = ", ".join(f"{w} ({n:,})" for w, n in ways.too_long[:10])
        warnings.warn(
            f"from_osm: {len(ways.too_long)} way(s) have more node references than OpenStreetMap allows "
            f"({_arrays.MAX_WAY_NODES:,}): ways {named}{' ...' if len(ways.too_long) > 10 else ''}; left out",
            stacklevel=4,
        )
    if collapsed:
        warnings.warn(
            f"from_osm: {collapsed:,} segment(s) repeat another between the same two nodes in the same direction "
            f"(ways {collapsed_ways[:10]}{' ...' if len(collapsed_ways) > 10 else ''}); each kept once, the fastest",
            stacklevel=4,
        )


def from_osm(  # noqa: PLR0913 - OSMnx-style keyword options, each documented
    path: str | os.PathLike[str],
    *,
    network_type: str = "drive",
    custom_filter: str | None = None,
    speeds_kph: Mapping[str, float] | None = None,
    class_speeds: str = "operating",
    impute_speeds: bool = True,
    simplify: bool = True,
    gcj02: bool = False,
    clip: BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    buffer_km: float = 0.0,
) -> nx.MultiDiGraph:
    """Build a routable road graph from an OpenStreetMap extract.

    See the module description for the rules: OSMnx's network filters,
    clipped ways repaired, per-segment speeds and times, and a
    simplification that keeps travel times. For extracts of millions of
    nodes, :func:`read_osm` gives the same network as arrays.

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
        Speeds by ``highway`` class for ways without a usable ``maxspeed``
        (they win over the class mean and the class table).
    class_speeds : {"operating", "CN"}, default "operating"
        The table of class speeds used last (:data:`CLASS_SPEEDS`):
        operating speeds (:data:`OSM_SPEED_KPH`) or China's design speeds
        (:data:`CN_DESIGN_SPEED_KPH`, JTG B01-2014 / CJJ 37-2012).
    impute_speeds : bool, default True
        A way without a usable ``maxspeed`` takes the length-weighted mean
        ``maxspeed`` of its class in the extract where at least
        :data:`IMPUTE_MIN_WAYS` ways of the class carry one (OSMnx's
        ``add_edge_speeds`` imputes the unweighted mean over edges).
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
        ``travel_time`` (s), ``mode="road"``, ``geometry`` on edges that
        bend (OSMnx's rule: a straight two-node edge has none) and, where
        tagged, ``name``, ``ref``, ``maxspeed``, ``lanes``. ``G.graph``
        records ``network_type``, ``dropped_highway``, ``repaired_ways``,
        ``clipped_ways``, ``dropped_nodes``, ``speed_sources`` (edges by
        where their speed came from) and ``simplified``.

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
    return read_osm(
        path,
        network_type=network_type,
        custom_filter=custom_filter,
        speeds_kph=speeds_kph,
        class_speeds=class_speeds,
        impute_speeds=impute_speeds,
        simplify=simplify,
        gcj02=gcj02,
        clip=clip,
        buffer_km=buffer_km,
    ).to_networkx()


_KEEP_TAGS = ("highway", "name", "ref", "maxspeed", "lanes", "oneway", "junction", "bridge", "tunnel")
IMPUTE_MIN_WAYS = 5
"""Ways of a class that must carry a ``maxspeed`` before its mean is used for the class's other ways."""


def _class_means(ways: _arrays.WayTable, seg: _arrays.Segments, limit: np.ndarray) -> dict[str, tuple[float, int]]:
    """Each class's length-weighted mean ``maxspeed`` and its tagged ways, where enough ways carry one."""
    hwy = np.array([t["highway"] for t in ways.tags], dtype=object)
    way_len = np.bincount(seg.way, weights=seg.length, minlength=len(ways.tags))
    tagged = np.isfinite(limit) & (way_len > 0)
    means: dict[str, tuple[float, int]] = {}
    for cls in np.unique(hwy[tagged]).tolist():
        sel = tagged & (hwy == cls)
        if sel.sum() >= IMPUTE_MIN_WAYS:
            means[cls] = (float(np.average(limit[sel], weights=way_len[sel])), int(sel.sum()))
    return means


def _say_speed_fixes(odd: list[tuple[int, str]], implausible: list[tuple[int, str]]) -> None:
    """Warn of the ways whose maxspeed is no speed, or a speed no road has (naming them)."""
    if odd:
        warnings.warn(
            f"from_osm: {len(odd)} way(s) have a maxspeed that is not a speed, so their class's speed is "
            f"used: {', '.join(f'way {w} {v!r}' for w, v in odd[:5])}{' ...' if len(odd) > 5 else ''}",
            stacklevel=5,
        )
    if implausible:
        low, high = MAXSPEED_RANGE_KPH
        warnings.warn(
            f"from_osm: {len(implausible)} way(s) have a maxspeed outside the plausible {low:g}–{high:g} km/h, "
            "ignored (and kept out of their class's mean), so their class's speed is used: "
            f"{', '.join(f'way {w} {v!r}' for w, v in implausible[:5])}{' ...' if len(implausible) > 5 else ''}",
            stacklevel=5,
        )


def _way_speeds(
    ways: _arrays.WayTable,
    seg: _arrays.Segments,
    user: Mapping[str, float],
    class_speeds: str,
    impute: bool,
    bidirectional: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]], list[str], list[tuple[int, str]]]:
    """Per way: speed (km/h), one-way, against node order, the edge attributes, where the speed came from."""
    table, table_name = CLASS_SPEEDS[class_speeds]
    n = len(ways.tags)
    parsed: dict[str, float | None] = {}
    limit = np.full(n, np.nan)
    odd: list[tuple[int, str]] = []
    implausible: list[tuple[int, str]] = []
    for i, tags in enumerate(ways.tags):
        raw = tags.get("maxspeed")
        if raw is None:
            continue
        if raw not in parsed:
            parsed[raw] = parse_maxspeed(raw)
        x = parsed[raw]
        if x is not None and MAXSPEED_RANGE_KPH[0] <= x <= MAXSPEED_RANGE_KPH[1]:
            limit[i] = x
        elif x is not None:  # a number no road has: ignored for this way, kept out of the class means
            implausible.append((int(ways.way_id[i]), raw))
        elif not _NO_NUMBER.match(raw):
            odd.append((int(ways.way_id[i]), raw))
    means = _class_means(ways, seg, limit) if impute else {}
    speed = np.empty(n)
    oneway = np.zeros(n, dtype=bool)
    backwards = np.zeros(n, dtype=bool)
    records: list[dict[str, Any]] = []
    sources: list[str] = []
    for i, tags in enumerate(ways.tags):
        h = tags["highway"]
        one = not bidirectional and (tags.get("oneway") in _ONEWAY or tags.get("junction") == "roundabout")
        oneway[i] = one
        backwards[i] = one and tags.get("oneway") in _REVERSED
        if np.isfinite(limit[i]):
            speed[i] = limit[i]
            raw = tags["maxspeed"]
            zones = [p.strip() for p in raw.split(";") if p.strip() in ZONE_SPEED_KPH]
            source = f"maxspeed zone {raw} ({ZONE_SPEEDS_SOURCE})" if zones else "maxspeed"
        elif h in user:
            speed[i] = float(user[h])
            source = f"speeds_kph ({h})"
        elif h in means:
            speed[i], k = means[h]
            source = f"class mean of maxspeed in the extract ({h}, {k} ways)"
        else:
            speed[i] = float(table.get(h, table["road"]))
            source = f"class default ({h if h in table else 'road'}, {table_name})"
        sources.append(source)
        records.append({
            "highway": h, "class": h, "mode": "road", "oneway": one, "speed_kph": float(speed[i]),
            **{k: tags[k] for k in ("name", "ref", "maxspeed", "lanes") if k in tags},
        })  # fmt: skip
    _say_speed_fixes(odd, implausible)
    return speed, oneway, backwards, records, sources, odd + implausible


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


def simplify_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Merge the segments between intersections and dead ends, keeping lengths and times as sums.

    A node is kept where roads meet, end, or change direction rules (one
    way in and one out, or both ways between the same two neighbours, is a
    node a road only passes through). Each merged edge has ``length`` and
    ``travel_time`` summed over its segments, ``speed_kph`` their ratio,
    ``osmid`` the list of OSM way ids in order (one id when one way),
    ``highway``/``class`` of its longest segment and the joined geometry.
    The chains are found as :func:`read_osm` finds them on arrays.

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
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = list(G.edges(keys=True))
    src = np.fromiter((index[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((index[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
    order, starts, kept = _arrays.chains(src, dst, len(nodes))
    H: nx.MultiDiGraph = track(nx.MultiDiGraph(**G.graph))
    H.add_nodes_from((nodes[i], G.nodes[nodes[i]]) for i in np.flatnonzero(kept).tolist())
    ordered = order.tolist()
    st = starts.tolist()
    for a, b in itertools.pairwise(st):
        chain = [edges[e] for e in ordered[a:b]]
        _add_merged(G, H, chain[0][0], chain[-1][1], chain)
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
