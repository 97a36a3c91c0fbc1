"""Importing OpenStreetMap extracts (``.osm`` via OSMnx, ``.pbf`` via pyosmium) as routable graphs."""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from shapely.geometry import LineString

from .._progress import progress
from ..crs import GCJ02, WGS84, gcj02_to_wgs84, transform_geometry
from ..errors import NetworkError
from .validate import validate_network

__all__ = ["OSM_SPEED_KPH", "from_osm"]


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
    speeds = {**OSM_SPEED_KPH, **dict(speeds_kph or {})}
    bad = {k: v for k, v in speeds.items() if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0)}
    if bad:
        raise NetworkError(f"speeds must be positive numbers, got {bad}")
    steps = progress(range(4), desc=f"OSM import {path.name}", total=4)
    next(steps, None)
    if path.suffix == ".pbf":
        with tempfile.TemporaryDirectory(prefix="osm_extract_") as tmp:  # removed also on error
            G = _read_xml(ox, _pbf_to_xml(path, Path(tmp)), path)
    else:
        G = _read_xml(ox, path, path)
    if gcj02:
        G = _gcj02_graph_to_wgs84(G)
    next(steps, None)
    if simplify:
        G = ox.simplification.simplify_graph(G)
    next(steps, None)
    G = _largest_component(ox, G, path)
    next(steps, None)
    G = _with_speeds(G, speeds)
    for _ in steps:  # close the progress bar
        pass
    problems = validate_network(G)
    if problems:
        raise NetworkError(problems, source=path)
    return G


def _read_xml(ox: Any, xml: Path, source: Path) -> nx.MultiDiGraph:
    try:
        G = ox.graph_from_xml(xml, simplify=False, retain_all=True, bidirectional=False)
    except Exception as exc:  # OSMnx and its XML parser raise many kinds; all mean "not usable OSM data"
        raise NetworkError(f"cannot read OSM data: {type(exc).__name__}: {exc}", source=source) from None
    not_roads = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if "highway" not in d]
    G.remove_edges_from(not_roads)  # rivers, boundaries, ... are no roads
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    if G.number_of_edges() == 0:
        raise NetworkError("no routable ways in the file (no way has a highway tag)", source=source)
    return G


def _largest_component(ox: Any, G: nx.MultiDiGraph, source: Path) -> nx.MultiDiGraph:
    before = set(G.nodes)
    G = ox.truncate.largest_component(G, strongly=True)
    if G.number_of_edges() == 0:
        raise NetworkError(
            "no two places of the extract reach each other both ways (e.g. a single one-way way): nothing to route on",
            source=source,
        )
    dropped = sorted(before - set(G.nodes), key=str)
    G.graph["dropped_nodes"] = dropped
    if dropped:
        warnings.warn(
            f"from_osm: kept the largest strongly connected component; dropped {len(dropped)} node(s): "
            f"{dropped[:10]}{' ...' if len(dropped) > 10 else ''}",
            stacklevel=3,
        )
    return G


def _gcj02_graph_to_wgs84(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    import osmnx as ox

    ids = list(G.nodes)
    lon, lat = gcj02_to_wgs84([G.nodes[n]["x"] for n in ids], [G.nodes[n]["y"] for n in ids])
    for n, x, y in zip(ids, lon, lat, strict=True):
        G.nodes[n]["x"], G.nodes[n]["y"] = float(x), float(y)
    for _, _, d in G.edges(data=True):
        if "geometry" in d:
            d["geometry"] = transform_geometry([d["geometry"]], GCJ02, WGS84)[0]
    return ox.distance.add_edge_lengths(G)


def _with_speeds(G: nx.MultiDiGraph, speeds: Mapping[str, float]) -> nx.MultiDiGraph:
    import osmnx as ox

    G = ox.routing.add_edge_speeds(G, hwy_speeds=dict(speeds), fallback=speeds["road"])
    fixed = []
    for u, v, d in G.edges(data=True):
        hwy = d.get("highway", "road")
        d["class"] = hwy if isinstance(hwy, str) else str(hwy[0])
        if not (math.isfinite(float(d["speed_kph"])) and float(d["speed_kph"]) > 0):  # e.g. maxspeed=0
            fixed.append((u, v, d.get("maxspeed")))
            d["speed_kph"] = float(speeds.get(d["class"], speeds["road"]))
    G.graph["speed_fixes"] = fixed
    if fixed:
        warnings.warn(
            f"from_osm: {len(fixed)} way segment(s) had a non-positive maxspeed; used the highway class's speed "
            f"instead (e.g. {fixed[:3]})",
            stacklevel=3,
        )
    G = ox.routing.add_edge_travel_times(G)
    for u, v, d in G.edges(data=True):
        d["mode"] = "road"
        d["speed_kph"] = float(d["speed_kph"])
        if "geometry" not in d:
            d["geometry"] = LineString([(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])])
    for _, d in G.nodes(data=True):
        d.setdefault("mode", "road")
        d.setdefault("kind", "osm")
    G.graph["crs"] = WGS84 if str(G.graph.get("crs", "")).lower() in ("epsg:4326", "") else G.graph["crs"]
    return G


def _pbf_to_xml(path: Path, folder: Path) -> Path:
    try:
        import osmium
    except ImportError as exc:
        raise NetworkError("reading .pbf needs pyosmium: pip install osmium", source=path) from exc
    out = folder / (path.stem + ".osm")
    try:
        with osmium.SimpleWriter(str(out)) as writer:
            for obj in osmium.FileProcessor(str(path)):
                writer.add(obj)
    except Exception as exc:
        raise NetworkError(f"cannot read PBF data: {exc}", source=path) from None
    return out
