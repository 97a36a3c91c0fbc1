"""The array core of the OpenStreetMap import: ways to segments to (simplified) edges, all in numpy.

Nothing here builds a networkx graph: ways are read into flat arrays (one
row per node reference), segments and their lengths are computed in one
vectorized pass, the strongly connected component comes from
``scipy.sparse.csgraph`` and simplification follows chains by pointer
jumping. :class:`OSMNetwork` is the result; ``to_networkx`` makes the graph
in one bulk call when it is asked for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import pyproj
import shapely

from .._graph_cache import gc_paused, track
from ..errors import NetworkError

_GEOD = pyproj.Geod(ellps="WGS84")

_UNDEFINED = 2**31 - 1  # libosmium's undefined coordinate (a node the file does not have)

MAX_SEGMENT_M = 200_000.0
"""Longest segment a road way may have between two consecutive nodes (200 km): a longer one means a wrong
coordinate (libosmium reads ``lat="1e308"`` as 0, putting the node on the equator); it is left out, named."""

MAX_WAY_NODES = 2_000
"""Most node references a way may have: OpenStreetMap's own limit (API 0.6 capabilities, ``waynodes
maximum="2000"``). Longer ways are not OSM data (a tiny compressed file can hold a way of millions of
references zig-zagging between two nodes); they are left out unread, and named."""


@dataclass
class WayTable:
    """Ways as read: one row per node reference (``lon``/``lat`` NaN where the node is not in the file)."""

    way_id: np.ndarray  # int64, one per way
    start: np.ndarray  # int64, offsets of each way's references (len = ways + 1)
    ref: np.ndarray  # int64 node ids
    lon: np.ndarray
    lat: np.ndarray
    tags: list[dict[str, str]]  # the kept tags of each way
    dropped: Counter[str] = field(default_factory=Counter)
    too_long: list[tuple[int, int]] = field(default_factory=list)  # (way id, node references) over MAX_WAY_NODES
    off_globe: list[tuple[int, float, float]] = field(default_factory=list)  # (node id, lon, lat) beyond ±180/±90

    @property
    def way_of_ref(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.way_id)), np.diff(self.start))


@dataclass
class OSMNetwork:
    """A road network read from OpenStreetMap, as arrays: nodes, edges, and each edge's path of points.

    What :func:`~linyi_spatial.network.read_osm` returns: no networkx graph
    is built until :meth:`to_networkx` is called, and
    :func:`~linyi_spatial.routing.routing_graph` routes on it directly.
    ``node_id`` are OSM node ids, ``x``/``y`` WGS-84 longitude/latitude;
    ``src``/``dst`` index them; ``length`` is in metres, ``travel_time`` in
    seconds; ``graph`` holds what :func:`~linyi_spatial.network.from_osm`
    puts in ``G.graph``.

    ``record`` indexes ``records`` (an edge's constant attributes: highway,
    name, ...); ``path_start``/``path_xy`` give each edge's points in order
    (two for a segment, more after simplification); ``osmid`` is a way id, or a
    list of them for a merged edge.
    """

    node_id: np.ndarray
    x: np.ndarray
    y: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    length: np.ndarray
    travel_time: np.ndarray
    speed_kph: np.ndarray
    reversed: np.ndarray
    record: np.ndarray
    records: list[dict[str, Any]]
    osmid: list[Any]
    speed_source: list[str]
    path_start: np.ndarray
    path_xy: np.ndarray
    graph: dict[str, Any] = field(default_factory=dict)
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the library derives from the arrays (e.g. the routing form), kept with them."""

    def freeze(self) -> OSMNetwork:
        """Make the arrays read-only (what is derived from them can then be kept), and return self."""
        for name in ("node_id", "x", "y", "src", "dst", "length", "travel_time", "speed_kph", "reversed", "record",
                     "path_start", "path_xy"):  # fmt: skip
            getattr(self, name).flags.writeable = False
        return self

    @property
    def n_nodes(self) -> int:
        return len(self.node_id)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    @gc_paused()  # bulk build: the collector's passes over new dicts are half its time
    def to_networkx(self) -> nx.MultiDiGraph:
        """The MultiDiGraph, built in one bulk call (OSM node ids; geometry on edges of three or more nodes)."""
        G: nx.MultiDiGraph = track(nx.MultiDiGraph(**self.graph))
        ids = self.node_id.tolist()
        G.add_nodes_from(
            (n, {"x": x, "y": y, "mode": "road", "kind": "osm"})
            for n, x, y in zip(ids, self.x.tolist(), self.y.tolist(), strict=True)
        )
        counts = np.diff(self.path_start)
        bent = np.flatnonzero(counts > 2)
        geoms: dict[int, Any] = {}
        if len(bent):
            take = _ragged(self.path_start[bent], counts[bent])
            which = np.repeat(np.arange(len(bent)), counts[bent])
            lines = shapely.linestrings(self.path_xy[take], indices=which)
            geoms = dict(zip(bent.tolist(), lines, strict=True))
        keys = _keys(self.src, self.dst)
        src, dst = self.node_id[self.src].tolist(), self.node_id[self.dst].tolist()
        length, time, speed = self.length.tolist(), self.travel_time.tolist(), self.speed_kph.tolist()
        rev, rec = self.reversed.tolist(), self.record.tolist()

        def edges():  # type: ignore[no-untyped-def]  # a generator fed to add_edges_from
            for i in range(len(src)):
                d = {
                    **self.records[rec[i]],
                    "osmid": self.osmid[i],
                    "reversed": rev[i],
                    "length": length[i],
                    "travel_time": time[i],
                    "speed_kph": speed[i],
                    "speed_source": self.speed_source[i],
                }
                g = geoms.get(i)
                if g is not None:
                    d["geometry"] = g
                yield src[i], dst[i], keys[i], d

        G.add_edges_from(edges())
        return G


def _ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + counts[i] - 1`` of every i, concatenated."""
    total = int(counts.sum())
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets + np.repeat(starts, counts)


def _keys(src: np.ndarray, dst: np.ndarray) -> list[int]:
    """MultiDiGraph keys: 0, 1, ... among the edges of the same (u, v), in edge order."""
    order = np.lexsort((np.arange(len(src)), dst, src))
    s, d = src[order], dst[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    group_start = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    keys = np.empty(len(order), dtype=np.int64)
    keys[order] = np.arange(len(order)) - group_start
    return keys.tolist()


def read_ways(path: str, keeps: Any, keep_tags: tuple[str, ...]) -> WayTable:
    """Stream the ``highway`` ways of a file with their node locations into a :class:`WayTable`."""
    try:
        import osmium
    except ImportError as exc:
        raise NetworkError("from_osm needs pyosmium: pip install 'linyi_spatial[osm]'", source=path) from exc
    import array

    way_id = array.array("q")
    start = array.array("q", [0])
    ref = array.array("q")
    lon = array.array("d")
    lat = array.array("d")
    tags_out: list[dict[str, str]] = []
    dropped: Counter[str] = Counter()
    too_long: list[tuple[int, int]] = []
    off_globe: list[tuple[int, float, float]] = []
    nan = float("nan")
    try:
        reader = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for w in reader:
            if not isinstance(w, osmium.osm.Way):  # the entity filter passes ways only
                continue
            tags = {t.k: t.v for t in w.tags}
            if not keeps(tags):
                dropped[tags["highway"]] += 1
                continue
            n_refs = len(w.nodes)
            if n_refs > MAX_WAY_NODES:  # not OSM data: left out before its references are read
                too_long.append((w.id, n_refs))
                continue
            for nd in w.nodes:
                ref.append(nd.ref)
                loc = nd.location
                if loc.valid():
                    lon.append(loc.lon)
                    lat.append(loc.lat)
                else:  # not in the file, or outside ±180/±90 (named: libosmium only says "invalid")
                    if loc.x != _UNDEFINED and len(off_globe) < 1000:
                        off_globe.append((nd.ref, loc.x / 1e7, loc.y / 1e7))
                    lon.append(nan)
                    lat.append(nan)
            way_id.append(w.id)
            start.append(len(ref))
            tags_out.append({k: v for k, v in tags.items() if k in keep_tags})
    except NetworkError:
        raise
    except Exception as exc:  # pyosmium raises RuntimeError and others for unreadable input
        raise NetworkError(f"cannot read OSM data: {type(exc).__name__}: {exc}", source=path) from None
    return WayTable(
        np.frombuffer(way_id, dtype=np.int64).copy(),
        np.frombuffer(start, dtype=np.int64).copy(),
        np.frombuffer(ref, dtype=np.int64).copy(),
        np.frombuffer(lon, dtype=np.float64).copy(),
        np.frombuffer(lat, dtype=np.float64).copy(),
        tags_out,
        dropped,
        too_long,
        off_globe,
    )


@dataclass
class Segments:
    """Each drivable segment once, in way order: its way, end references and geodesic length."""

    way: np.ndarray
    a: np.ndarray  # positions in the WayTable's reference arrays
    b: np.ndarray
    length: np.ndarray
    repaired: int
    cut: int
    repaired_ids: list[int] = field(default_factory=list)
    too_far: list[tuple[int, int, int, float]] = field(default_factory=list)  # (way, node, node, km) left out
    n_too_far: int = 0


def segments(ways: WayTable, area: Any = None, to_wgs84: Any = None) -> Segments:
    """Segments between consecutive references that are both in the file (and inside ``area``).

    ``area`` is in the file's datum; ``to_wgs84`` (lon, lat -> lon, lat)
    converts the file's coordinates in place after the area test.
    """
    present = np.isfinite(ways.lon)
    owner = ways.way_of_ref
    n_ways = len(ways.way_id)
    missing = np.bincount(owner[~present], minlength=n_ways)
    repaired = int((missing > 0).sum())
    cut = 0
    usable = present
    if area is not None:
        inside = np.zeros(len(present), dtype=bool)
        inside[present] = shapely.contains_xy(area, ways.lon[present], ways.lat[present])
        n_in = np.bincount(owner[inside], minlength=n_ways)
        n_out = np.bincount(owner[present & ~inside], minlength=n_ways)
        cut = int(((n_in > 0) & (n_out > 0)).sum())
        usable = inside
    if to_wgs84 is not None:
        ways.lon[present], ways.lat[present] = to_wgs84(ways.lon[present], ways.lat[present])
    a = np.flatnonzero(
        (owner[:-1] == owner[1:]) & usable[:-1] & usable[1:] & (ways.ref[:-1] != ways.ref[1:])
    )  # a repeated node reference makes no segment
    b = a + 1
    length = np.asarray(_GEOD.inv(ways.lon[a], ways.lat[a], ways.lon[b], ways.lat[b])[2], dtype=np.float64)
    too_far = length > MAX_SEGMENT_M
    far = [(int(ways.way_id[owner[i]]), int(ways.ref[i]), int(ways.ref[i + 1]), float(d) / 1e3)
           for i, d in zip(a[too_far][:10], length[too_far][:10], strict=True)]  # fmt: skip
    a, b, length = a[~too_far], b[~too_far], length[~too_far]
    return Segments(owner[a], a, b, length, repaired, cut, ways.way_id[missing > 0].tolist(), far, int(too_far.sum()))


def directed_edges(
    ways: WayTable,
    seg: Segments,
    speed_kph: np.ndarray,
    oneway: np.ndarray,
    backwards: np.ndarray,
    records: list[dict[str, Any]],
    sources: list[str],
) -> OSMNetwork:
    """Each segment in each direction it may be driven, with nodes numbered compactly.

    ``speed_kph``, ``oneway`` and ``backwards`` (``oneway=-1``) are per way;
    ``records`` and ``sources`` per way too.
    """
    w = seg.way
    one, back = oneway[w], backwards[w]
    # forward along the way, unless it is one-way against its node order
    fa = np.where(back, seg.b, seg.a)
    fb = np.where(back, seg.a, seg.b)
    two = ~one
    ea = np.concatenate([fa, seg.b[two]])
    eb = np.concatenate([fb, seg.a[two]])
    ew = np.concatenate([w, w[two]])
    elen = np.concatenate([seg.length, seg.length[two]])
    erev = np.concatenate([np.zeros(len(fa), dtype=bool), np.ones(int(two.sum()), dtype=bool)])
    # interleave so that a segment's two directions sit together (as in the way): stable sort by segment
    seg_no = np.concatenate([np.arange(len(fa)), np.flatnonzero(two)])
    order = np.argsort(seg_no, kind="stable")
    ea, eb, ew, elen, erev = ea[order], eb[order], ew[order], elen[order], erev[order]
    ends = np.concatenate([ea, eb])
    ids, first, inverse = np.unique(ways.ref[ends], return_index=True, return_inverse=True)
    src, dst = inverse[: len(ea)], inverse[len(ea) :]
    at = ends[first]
    time = elen / (speed_kph[ew] / 3.6)
    keep = fastest_of_duplicates(src, dst, time, len(ids))
    collapsed = len(src) - len(keep)
    collapsed_ways: list[int] = []
    if collapsed:
        gone = np.ones(len(src), dtype=bool)
        gone[keep] = False
        collapsed_ways = np.unique(ways.way_id[ew[gone]]).tolist()
        ea, eb, ew, elen, erev, src, dst, time = (v[keep] for v in (ea, eb, ew, elen, erev, src, dst, time))
    n = len(ea)
    net = OSMNetwork(
        node_id=ids,
        x=ways.lon[at],
        y=ways.lat[at],
        src=src.astype(np.int64),
        dst=dst.astype(np.int64),
        length=elen,
        travel_time=time,
        speed_kph=speed_kph[ew],
        reversed=erev,
        record=ew.astype(np.int64),
        records=records,
        osmid=ways.way_id[ew].tolist(),
        speed_source=[sources[i] for i in ew.tolist()],
        path_start=np.arange(0, 2 * n + 1, 2, dtype=np.int64),
        path_xy=np.column_stack([ways.lon[ea], ways.lat[ea], ways.lon[eb], ways.lat[eb]]).reshape(-1, 2),
    )
    net.graph["collapsed_segments"] = collapsed
    net.graph["collapsed_way_ids"] = collapsed_ways
    return net


def fastest_of_duplicates(src: np.ndarray, dst: np.ndarray, time: np.ndarray, n_nodes: int) -> np.ndarray:
    """Positions of the edges to keep: of edges joining the same two nodes in the same direction, the fastest.

    Segments (before simplification) with the same ends and direction are
    the same piece of road drawn twice (overlapping ways, or a way that
    runs back and forth over it): routing only ever uses the fastest, so
    the others are dropped, in linear memory. Kept in their order; ties go
    to the first.
    """
    key = src.astype(np.int64) * np.int64(n_nodes) + dst
    order = np.argsort(key, kind="stable")
    ks = key[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    if len(starts) == len(key):
        return np.arange(len(key))
    ts = time[order]
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ks)]))
    cand = np.flatnonzero(ts == np.minimum.reduceat(ts, starts)[group])
    first_min = cand[np.r_[True, group[cand][1:] != group[cand][:-1]]]
    return np.sort(order[first_min])


def subset(t: OSMNetwork, keep_nodes: np.ndarray) -> OSMNetwork:
    """The edges between kept nodes (a boolean node mask), nodes renumbered."""
    e = np.flatnonzero(keep_nodes[t.src] & keep_nodes[t.dst])
    new = np.full(t.n_nodes, -1, dtype=np.int64)
    new[keep_nodes] = np.arange(int(keep_nodes.sum()))
    counts = np.diff(t.path_start)[e]
    take = _ragged(t.path_start[e], counts)
    return replace(
        t,
        derived={},
        node_id=t.node_id[keep_nodes],
        x=t.x[keep_nodes],
        y=t.y[keep_nodes],
        src=new[t.src[e]],
        dst=new[t.dst[e]],
        length=t.length[e],
        travel_time=t.travel_time[e],
        speed_kph=t.speed_kph[e],
        reversed=t.reversed[e],
        record=t.record[e],
        osmid=[t.osmid[i] for i in e.tolist()],
        speed_source=[t.speed_source[i] for i in e.tolist()],
        path_start=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        path_xy=t.path_xy[take],
    )


def largest_strong_component(t: OSMNetwork) -> tuple[OSMNetwork, np.ndarray]:
    """The largest strongly connected component, and the OSM ids of the nodes left out."""
    n = t.n_nodes
    from scipy.sparse import coo_array  # imported when used
    from scipy.sparse.csgraph import connected_components

    A = coo_array((np.ones(t.n_edges), (t.src, t.dst)), shape=(n, n)).tocsr()
    _, labels = connected_components(A, directed=True, connection="strong")
    biggest = np.bincount(labels).argmax()
    keep = labels == biggest
    return subset(t, keep), t.node_id[~keep]


def through_nodes(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """Nodes a road only passes through.

    One way in and one out (from and to different nodes), or both ways
    between the same two neighbours; never a node with a self-loop or
    parallel edges.
    """
    out_deg = np.bincount(src, minlength=n)
    in_deg = np.bincount(dst, minlength=n)
    loop = np.zeros(n, dtype=bool)
    loop[src[src == dst]] = True
    pair = np.unique(src.astype(np.int64) * n + dst)
    ps, pd_ = pair // n, pair % n
    n_succ = np.bincount(ps, minlength=n)
    n_pred = np.bincount(pd_, minlength=n)
    simple = (out_deg == n_succ) & (in_deg == n_pred) & ~loop
    # one in, one out
    succ1 = np.full(n, -1, dtype=np.int64)
    pred1 = np.full(n, -2, dtype=np.int64)
    succ1[ps] = pd_  # for a node of one successor, that successor
    pred1[pd_] = ps
    through = simple & (out_deg == 1) & (in_deg == 1) & (succ1 != pred1)
    # two out, two in, the same two neighbours
    two = simple & (n_succ == 2) & (n_pred == 2)
    if two.any():
        s_first = np.searchsorted(ps, np.arange(n))  # pairs are sorted by (src, dst)
        by_dst = np.lexsort((ps, pd_))
        p_first = np.searchsorted(pd_[by_dst], np.arange(n))
        cand = np.flatnonzero(two)
        s_a, s_b = pd_[s_first[cand]], pd_[s_first[cand] + 1]
        p_a, p_b = ps[by_dst[p_first[cand]]], ps[by_dst[p_first[cand] + 1]]
        through[cand] |= (s_a == p_a) & (s_b == p_b)
    return through


def chains(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group edges into the chains simplification merges.

    Returns the edge order (chains contiguous, each in travel order), the
    start of each chain in that order (with the total at the end), and the
    kept-node mask. A ring of through nodes keeps one of its nodes.
    """
    m = len(src)
    through = through_nodes(src, dst, n)
    out_order = np.argsort(src, kind="stable")
    out_start = np.searchsorted(src[out_order], np.arange(n + 1))
    while True:
        kept = ~through
        cont = np.flatnonzero(through[dst])  # edges whose end node is passed through
        v = dst[cont]
        f = out_order[out_start[v]]
        two_out = out_start[v + 1] - out_start[v] == 2
        s = out_order[np.minimum(out_start[v] + 1, m - 1)]
        nxt = np.where(two_out & (dst[f] == src[cont]), s, f)
        prev = np.full(m, -1, dtype=np.int64)
        prev[nxt] = cont
        head = kept[src]
        parent = np.where(head, np.arange(m), prev)
        depth = np.where(head, 0, 1).astype(np.int64)
        for _ in range(64):
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            depth = depth + depth[parent]
            parent = grand
        ring = ~head[parent]
        if not ring.any():
            break
        through[src[np.flatnonzero(ring)[0]]] = False  # keep one node of a ring and follow again
    order = np.lexsort((depth, parent))
    root = parent[order]
    starts = np.flatnonzero(np.concatenate([[True], root[1:] != root[:-1]]))
    return order, np.concatenate([starts, [m]]), ~through


def simplify(t: OSMNetwork) -> OSMNetwork:
    """Merge each chain into one edge.

    Lengths and times are summed, the attributes are the longest
    segment's, way ids are listed in order and the path has every point.
    """
    order, starts, kept = chains(t.src, t.dst, t.n_nodes)
    c = len(starts) - 1
    first, last = order[starts[:-1]], order[starts[1:] - 1]
    length = np.add.reduceat(t.length[order], starts[:-1]) if c else np.empty(0)
    time = np.add.reduceat(t.travel_time[order], starts[:-1]) if c else np.empty(0)
    chain_of = np.repeat(np.arange(c), np.diff(starts))
    # one speed where the chain has one, else length over time
    fast = np.maximum.reduceat(t.speed_kph[order], starts[:-1]) if c else np.empty(0)
    slow = np.minimum.reduceat(t.speed_kph[order], starts[:-1]) if c else np.empty(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where((fast == slow) | (time <= 0), fast, length / time * 3.6)
    # the longest segment of each chain (the first of equals)
    seg_len = t.length[order]
    best = np.maximum.reduceat(seg_len, starts[:-1]) if c else np.empty(0)
    pos = np.where(seg_len == best[chain_of], np.arange(len(order)), len(order))
    longest = order[np.minimum.reduceat(pos, starts[:-1])] if c else np.empty(0, int)
    # paths: the chain's first point, then the end point of each of its edges
    path = np.empty((len(order) + c, 2), dtype=np.float64)
    slot = starts[:-1] + np.arange(c)
    path[slot] = t.path_xy[t.path_start[first]]
    rest = np.ones(len(path), dtype=bool)
    rest[slot] = False
    path[rest] = t.path_xy[t.path_start[order + 1] - 1]
    path_start = np.concatenate([slot, [len(path)]])
    # way ids and speed sources along each chain
    osmid: list[Any] = []
    sources: list[str] = []
    ids = [t.osmid[i] for i in order.tolist()]
    srcs = [t.speed_source[i] for i in order.tolist()]
    st = starts.tolist()
    for k in range(c):
        a, b = st[k], st[k + 1]
        if b - a == 1:
            osmid.append(ids[a])
            sources.append(srcs[a])
            continue
        chain_ids = list(dict.fromkeys(ids[a:b]))
        osmid.append(chain_ids[0] if len(chain_ids) == 1 else chain_ids)
        found = set(srcs[a:b])
        sources.append(srcs[a] if len(found) == 1 else "; ".join(sorted(found)))
    out = replace(
        t,
        derived={},
        src=t.src[first],
        dst=t.dst[last],
        length=length,
        travel_time=time,
        speed_kph=speed,
        reversed=t.reversed[longest],
        record=t.record[longest],
        osmid=osmid,
        speed_source=sources,
        path_start=path_start.astype(np.int64),
        path_xy=path,
    )
    return subset(out, kept)
