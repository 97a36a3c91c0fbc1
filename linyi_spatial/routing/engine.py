"""Fast routing: networkx graphs converted once to compressed sparse rows, Dijkstra in scipy.

The public type stays a networkx (Multi)DiGraph; routing runs on a cached
CSR copy (``scipy.sparse.csgraph``), which is 25–40x faster than networkx's
Dijkstra on prefecture-sized graphs.

The cache (:mod:`linyi_spatial._graph_cache`, shared with the node and edge
indexes of :mod:`linyi_spatial.network.link`) cannot go stale. It lives in the graph's own
``G.__networkx_cache__``, which networkx empties on every structural change
(adding or removing nodes or edges, ``set_edge_attributes``...), and each
use compares the weights of all edges with those the CSR was built from, so
an in-place edit such as ``G[u][v][k]["travel_time"] = x`` also triggers a
rebuild. The check is one flat pass over the edge attributes, about 0.03 s
per 500,000 edges (a rebuild costs about 1.3 s); graph views are never
cached (their base graph may change under them). Nothing is kept at module
level, so routing is safe from several threads.

Direction: "time from origin i to destination j" runs one search per
destination on the transposed matrix when there are fewer destinations than
origins, and one search per origin on the forward matrix otherwise, so the
cost is ``min(n_origins, n_destinations)`` searches. Unreachable pairs are
``inf``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from .._checks import count, number
from .._graph_cache import cached, clear, install
from ..errors import NetworkError
from ..network._osm_arrays import OSMNetwork

if TYPE_CHECKING:
    from scipy.sparse import csr_array


_VECTOR_MIN = 64
"""From this many ids on, :meth:`RoutingGraph.rows` maps them with one vectorised index lookup."""


def dijkstra(*args: Any, **kwargs: Any) -> Any:
    """Run scipy's ``csgraph.dijkstra``, imported on first use (``import linyi_spatial`` stays light)."""
    from scipy.sparse.csgraph import dijkstra as run

    return run(*args, **kwargs)


def _csr(*args: Any, **kwargs: Any) -> csr_array:
    from scipy.sparse import csr_array as make

    return make(*args, **kwargs)


__all__ = [
    "RoutingGraph",
    "WeightLayout",
    "batched_dijkstra",
    "clear_cache",
    "nearest_times",
    "routing_graph",
    "search",
    "shortest_times",
    "weight_layout",
]


@dataclass(frozen=True, eq=False)
class RoutingGraph:
    """A compiled routing handle: a graph's CSR form for one weight, immutable.

    :func:`routing_graph` (``RoutingGraph.from_graph``) builds it from a
    networkx graph and caches it there; :meth:`from_arrays` builds it from
    edge arrays with numpy, with no networkx graph at all (2 M nodes in
    seconds). Every routing function (:func:`nearest_times`,
    :func:`shortest_times`, :func:`~linyi_spatial.routing.travel_time_matrix`,
    :func:`~linyi_spatial.hierarchy.centrality`...) accepts it in place of
    ``G``; it cannot change, so no staleness check is made. New weights make
    a new handle (:meth:`with_weights`) without rebuilding the structure.

    Attributes
    ----------
    nodes : numpy.ndarray
        Node ids in matrix order.
    forward, reverse : scipy.sparse.csr_array
        Weight matrix and its transpose (minimum over parallel edges).
    weight : str
        What the weights are (an edge attribute name, e.g. ``"travel_time"``).
    x, y : numpy.ndarray or None
        Node coordinates in ``crs`` (points are linked to the nearest node by them).
    crs : str
        The coordinates' CRS, default WGS-84.
    edge_entry : numpy.ndarray or None
        For a handle from arrays, the CSR entry of each input edge (parallel
        edges share one), so :meth:`with_weights` takes one value per input edge.
    modes, kinds : numpy.ndarray or None
        Each node's ``mode`` (``"road"``, ``"rail"``...) and ``kind``, which
        an :class:`~linyi_spatial.network.Access` uses to choose the nodes
        points may join, as on the graph (None: every node is a road node).
    """

    nodes: np.ndarray
    forward: csr_array
    reverse: csr_array
    weight: str
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    crs: str = "EPSG:4326"
    edge_entry: np.ndarray | None = field(default=None, repr=False)
    modes: np.ndarray | None = field(default=None, repr=False)
    kinds: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def derived(self) -> dict[Any, Any]:
        """What the library derives from the handle and keeps on it (e.g. the node index for linking points)."""
        return {}

    @property
    def graph(self) -> dict[str, Any]:
        """Graph attributes as on a networkx graph: the coordinates' CRS."""
        return {"crs": self.crs}

    def __repr__(self) -> str:
        return f"RoutingGraph({len(self.nodes):,} nodes, {self.forward.nnz:,} edges, weight={self.weight!r})"

    @classmethod
    def from_graph(cls, G: nx.Graph, weight: str = "travel_time") -> RoutingGraph:
        """The handle of a networkx graph (:func:`routing_graph`: cached on ``G``, rebuilt when ``G`` changes).

        Parameters
        ----------
        G : networkx graph or OSMNetwork
        weight : str, default "travel_time"

        Returns
        -------
        RoutingGraph

        Examples
        --------
        >>> G = nx.DiGraph([("a", "b", {"travel_time": 5.0})])
        >>> RoutingGraph.from_graph(G).forward.nnz
        1

        Notes
        -----
        The cached form is checked against the graph's structure and weights
        on every routing call; node positions, modes and kinds (which only
        linking points to a handle reads) are checked here, so a node moved in
        place on a graph the library did not build gives a handle with the
        new position without slowing every search.
        """
        rg = routing_graph(G, weight)
        if not isinstance(G, nx.Graph):
            return rg
        now = _node_fields(G)
        if _same_fields(rg, now):
            return rg
        fresh = replace(rg, x=now.get("x"), y=now.get("y"), crs=now["crs"], modes=now["modes"], kinds=now["kinds"])
        fresh.__dict__["index"] = rg.index  # the same nodes: the id dict is shared
        return fresh

    @classmethod
    def from_arrays(  # noqa: PLR0913 - arrays, and how to read them
        cls,
        src: np.ndarray,
        dst: np.ndarray,
        weights: np.ndarray,
        *,
        n_nodes: int | None = None,
        node_ids: np.ndarray | Sequence[Hashable] | None = None,
        x: np.ndarray | None = None,
        y: np.ndarray | None = None,
        crs: str = "EPSG:4326",
        weight: str = "travel_time",
        both_ways: bool = False,
        modes: np.ndarray | Sequence[str] | None = None,
        kinds: np.ndarray | Sequence[str] | None = None,
    ) -> RoutingGraph:
        """Build the handle from edge arrays with numpy: no networkx graph, no per-edge Python work.

        Parameters
        ----------
        src, dst : array of int
            Each directed edge's tail and head as node positions ``0 .. n_nodes - 1``.
        weights : array of float
            Each edge's cost (finite, non-negative); the minimum over parallel edges is kept.
        n_nodes : int, optional
            Default: ``len(node_ids)``, else one more than the largest position.
        node_ids : array, optional
            The id of each position (default: the positions themselves).
        x, y : array of float, optional
            Node coordinates in ``crs``, to link points to nodes.
        crs : str, default "EPSG:4326"
        weight : str, default "travel_time"
            What the weights are (``"travel_time"`` in seconds for travel-time functions).
        both_ways : bool, default False
            Add every edge in both directions (an undirected network).
        modes, kinds : array of str, optional
            Each node's mode and kind (e.g. ``"rail"``, ``"station"``), so
            points join only the nodes an access leg allows (default: all
            nodes are road nodes).

        Returns
        -------
        RoutingGraph

        Raises
        ------
        NetworkError
            Naming the first edges with a position out of range or an invalid weight, or arrays of unequal length.

        Examples
        --------
        >>> rg = RoutingGraph.from_arrays(np.array([0, 0, 1]), np.array([1, 1, 2]), np.array([9.0, 5.0, 2.0]))
        >>> rg.forward.toarray().tolist()
        [[0.0, 5.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
        >>> rg.with_weights(np.array([1.0, 8.0, 3.0])).forward.toarray()[0].tolist()  # one value per input edge
        [0.0, 1.0, 0.0]
        """
        src = np.asarray(src)
        dst = np.asarray(dst)
        w = np.asarray(weights)
        if not (src.ndim == dst.ndim == w.ndim == 1 and len(src) == len(dst) == len(w)):
            raise NetworkError(
                f"src, dst and weights must be 1-d arrays of one length (got {src.shape}, {dst.shape}, {w.shape})"
            )
        if len(src) and not (np.issubdtype(src.dtype, np.integer) and np.issubdtype(dst.dtype, np.integer)):
            raise NetworkError(f"src and dst must be integer node positions (got {src.dtype} and {dst.dtype})")
        if node_ids is not None:
            ids = np.asarray(node_ids) if not isinstance(node_ids, np.ndarray) else node_ids
            n = len(ids) if n_nodes is None else int(n_nodes)
            if len(ids) != n:
                raise NetworkError(f"node_ids has {len(ids):,} ids for n_nodes={n:,}")
        else:
            n = int(n_nodes) if n_nodes is not None else (int(max(src.max(), dst.max())) + 1 if len(src) else 0)
            ids = np.arange(n, dtype=np.int64)
        bad = (src < 0) | (src >= n) | (dst < 0) | (dst >= n)
        if bad.any():
            first = np.flatnonzero(bad)[:10].tolist()
            raise NetworkError(f"edge(s) {first} have a node position outside 0..{n - 1}")
        w = _checked_weights(w, weight, "edge(s)")
        for name, arr in (("x", x), ("y", y), ("modes", modes), ("kinds", kinds)):
            if arr is not None and len(arr) != n:
                raise NetworkError(f"{name} has {len(arr):,} values for {n:,} nodes")
        if both_ways:
            src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([w, w])
        forward, entry = _csr_min(src, dst, w, n)
        if both_ways:
            entry = entry[: len(entry) // 2]  # one value per given edge: both directions take it
        xs = None if x is None else np.asarray(x, dtype=np.float64)
        ys = None if y is None else np.asarray(y, dtype=np.float64)
        labels = [None if a is None else np.asarray(a, dtype=object) for a in (modes, kinds)]
        return cls(ids, forward, forward.T.tocsr(), weight, xs, ys, crs, None if both_ways else entry, *labels)

    def with_weights(self, values: np.ndarray, weight: str | None = None) -> RoutingGraph:
        """The same structure with new weights: one per CSR entry (``forward.data`` order), or per input edge.

        Parameters
        ----------
        values : array of float
            ``forward.nnz`` values, or for a handle from arrays one per input
            edge (the minimum over parallel edges is kept).
        weight : str, optional
            The new weights' name (default: this handle's).

        Returns
        -------
        RoutingGraph

        Raises
        ------
        NetworkError
            For a wrong number of values or an invalid one.

        Examples
        --------
        >>> rg = RoutingGraph.from_arrays(np.array([0]), np.array([1]), np.array([5.0]))
        >>> rg.with_weights(np.array([7.0])).forward.toarray().tolist()
        [[0.0, 7.0], [0.0, 0.0]]
        """
        v = _checked_weights(values, weight or self.weight, "value(s)")
        nnz = self.forward.nnz
        if len(v) == nnz:
            data = v.copy()
        elif self.edge_entry is not None and len(v) == len(self.edge_entry):
            data = np.full(nnz, np.inf)
            np.minimum.at(data, self.edge_entry, v)
        else:
            per_edge = "" if self.edge_entry is None else f" or {len(self.edge_entry):,} (one per input edge)"
            raise NetworkError(f"with_weights needs {nnz:,} values (one per CSR entry){per_edge}, got {len(v):,}")
        forward = _csr((data, self.forward.indices, self.forward.indptr), shape=self.forward.shape)
        return replace(self, forward=forward, reverse=forward.T.tocsr(), weight=weight or self.weight)

    @cached_property
    def index(self) -> dict[Hashable, int]:
        """Node id -> row (built on first use)."""
        return dict(zip(self.nodes.tolist(), range(len(self.nodes)), strict=True))

    def rows(self, ids: Iterable[Hashable], label: str = "node") -> np.ndarray:
        """Matrix rows of node ids; raises NetworkError naming unknown ids.

        Many ids (or any on a handle whose id dict was never built) are looked
        up in one vectorised hash-index call; a few on a graph's handle by dict.
        """
        if not isinstance(ids, (np.ndarray, list, tuple, pd.Index, pd.Series)):
            ids = list(ids)
        n = len(ids)
        known = self.__dict__.get("index")
        if known is not None and n <= _VECTOR_MIN:
            try:
                return np.fromiter((known[i] for i in ids), dtype=np.int64, count=n)
            except (KeyError, TypeError):
                found = np.array([known.get(i, -1) if _hashable(i) else -1 for i in ids], dtype=np.int64)
        else:
            found = self._find(ids)
        if (found >= 0).all():
            return found
        shown = ids if isinstance(ids, np.ndarray) and ids.dtype != object else _object_array(ids)
        missing = shown[found < 0][:11].tolist()  # numeric arrays give plain Python numbers
        raise NetworkError(f"{label}(s) not in the graph: {missing[:10]}{' ...' if len(missing) > 10 else ''}")

    def _find(self, ids: Sequence[Hashable] | np.ndarray | pd.Index | pd.Series) -> np.ndarray:
        """Rows of ``ids``, -1 where unknown (one hash-index lookup in C)."""
        if self._lookup.dtype.kind in "iu":  # integer ids: looked up as a numeric array, no Python objects
            arr = ids.to_numpy() if isinstance(ids, (pd.Index, pd.Series)) else np.asarray(ids)
            if arr.ndim == 1 and arr.dtype.kind in "iu":
                return self._lookup.get_indexer(pd.Index(arr, copy=False)).astype(np.int64)
            if arr.ndim == 1 and arr.dtype == object and len(arr) and infer_dtype(arr, skipna=False) == "integer":
                try:
                    return self._lookup.get_indexer(pd.Index(arr.astype(np.int64), copy=False)).astype(np.int64)
                except OverflowError:  # beyond int64: such an id is not a node here; name it below
                    pass
        arr = _object_array(i if _hashable(i) else _Unhashable() for i in ids)
        return self._lookup.get_indexer(pd.Index(arr, dtype=object, tupleize_cols=False)).astype(np.int64)

    def __contains__(self, node: object) -> bool:
        return _hashable(node) and bool(self._find([node])[0] >= 0)

    @cached_property
    def _lookup(self) -> pd.Index:
        """The node ids as a hash index (vectorized lookups of many ids)."""
        if self.nodes.dtype != object:
            return pd.Index(self.nodes)
        if self.nodes.size and infer_dtype(self.nodes, skipna=False) == "integer":  # int ids: a numeric index
            try:
                return pd.Index(self.nodes.astype(np.int64))
            except OverflowError:  # beyond int64
                pass
        return pd.Index(self.nodes, dtype=object, tupleize_cols=False)

    def nearest(self, targets: Sequence[Hashable], *, max_cost: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Cost from every node to its nearest target and that target's position; see :func:`nearest_times`."""
        idx = self.rows(targets, "target")
        if len(idx) == 0:
            raise NetworkError("no targets given")
        cost, _, source = dijkstra(
            self.reverse, directed=True, indices=idx, min_only=True, limit=_limit(max_cost), return_predecessors=True
        )
        lut = np.full(len(self.nodes), -1, dtype=np.int64)
        lut[idx[::-1]] = np.arange(len(idx))[::-1]  # first occurrence wins for repeated targets
        nearest = np.where((source >= 0) & np.isfinite(cost), lut[np.maximum(source, 0)], -1)
        return cost, nearest

    @cached_property
    def igraph(self) -> Any:
        """The handle as a directed, weighted ``igraph.Graph`` (vertex i = row i), built once and kept.

        Betweenness (:func:`~linyi_spatial.hierarchy.centrality`) runs on it;
        needs the ``igraph`` extra.
        """
        import igraph as ig

        coo = self.forward.tocoo()
        keep = coo.row != coo.col  # loops never lie on a shortest path between two places
        g = ig.Graph(n=len(self.nodes), edges=np.column_stack([coo.row[keep], coo.col[keep]]), directed=True)
        g.es["weight"] = coo.data[keep]
        return g


class _Unhashable:
    """Stands in for an unhashable id in a lookup (it matches no node)."""


def _object_array(items: Iterable[Hashable]) -> np.ndarray:
    """A 1-d object array, element by element (tuple ids stay single elements)."""
    return np.fromiter(items, dtype=object)


def _hashable(item: object) -> bool:
    try:
        hash(item)
    except TypeError:
        return False
    return True


def _node_fields(G: nx.Graph) -> dict[str, Any]:
    """The nodes' x/y, CRS, mode and kind in matrix order for a graph's routing handle.

    x/y are left out when any node lacks them or the graph has no CRS; modes
    and kinds are what an access leg chooses link nodes by.
    """
    data = list(G._node.values())  # type: ignore[attr-defined]  # networkx's own node dict: no view per call
    out: dict[str, Any] = {
        "modes": np.fromiter((d.get("mode", "road") for d in data), dtype=object, count=len(data)),
        "kinds": np.fromiter((d.get("kind") for d in data), dtype=object, count=len(data)),
        "crs": str(G.graph.get("crs") or "EPSG:4326"),
    }
    if not G.graph.get("crs"):
        return out
    try:
        xy = np.array([(d["x"], d["y"]) for d in data], dtype=np.float64)
    except (KeyError, TypeError, ValueError):
        return out
    if xy.size and np.isfinite(xy).all():
        out["x"], out["y"] = xy[:, 0].copy(), xy[:, 1].copy()
    return out


def _same_fields(rg: RoutingGraph, fields: dict[str, Any]) -> bool:
    """Whether a handle's node positions, CRS, modes and kinds are ``fields`` (from :func:`_node_fields`)."""

    def same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))

    return (
        rg.crs == fields["crs"]
        and same(rg.x, fields.get("x"))
        and same(rg.y, fields.get("y"))
        and same(rg.modes, fields["modes"])
        and same(rg.kinds, fields["kinds"])
    )


def _checked_weights(values: np.ndarray, weight: str, what: str) -> np.ndarray:
    """``values`` as float64, or a NetworkError naming the first ones that are not finite and non-negative."""
    v = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        first = np.flatnonzero(bad)[:10]
        raise NetworkError(
            f"{what} {first.tolist()} have {weight}={v[first].tolist()}: not finite and non-negative, as weights "
            "must be"
        )
    return v


def _csr_min(src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int) -> tuple[csr_array, np.ndarray]:
    """The CSR of edges (minimum over parallel ones), built with numpy sorts, and each edge's entry in it."""
    order = np.lexsort((w, dst, src))  # by tail, head, then cheapest first
    s, d = src[order], dst[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    entry_sorted = np.cumsum(first) - 1
    entry = np.empty(len(order), dtype=np.int64)
    entry[order] = entry_sorted
    itype = np.int32 if max(n, len(order)) < 2**31 - 1 else np.int64  # csgraph's own index type: no copy per call
    indptr = np.zeros(n + 1, dtype=itype)
    np.cumsum(np.bincount(s[first], minlength=n), out=indptr[1:])
    forward = _csr((w[order][first], d[first].astype(itype), indptr), shape=(n, n))
    return forward, entry


def _build(G: nx.Graph, weight: str) -> tuple[RoutingGraph, list[Mapping[str, object]]]:
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges: list[Mapping[str, object]] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    bad: list[str] = []
    multi = G.is_multigraph()
    for u, nbrs in G.adjacency():
        iu = index[u]
        for v, data in nbrs.items():
            ds = list(data.values()) if multi else [data]
            edges.extend(ds)
            ws = [d.get(weight) for d in ds]
            try:
                w = min(float(x) for x in ws)  # type: ignore[arg-type]  # any attribute: float() refusing it is caught
            except (TypeError, ValueError):
                bad.append(f"edge {u!r}->{v!r} has no numeric {weight!r} (got {ws})")
                continue
            if not math.isfinite(w) or w < 0 or any(not math.isfinite(float(x)) for x in ws):  # type: ignore[arg-type]  # each converted above
                shown = ws[0] if len(ws) == 1 else ws
                bad.append(f"edge {u!r}->{v!r} has {weight}={shown}; weights must be finite and non-negative")
                continue
            rows.append(iu)
            cols.append(index[v])
            vals.append(w)
    if bad:
        raise NetworkError(bad[:20] + ([f"... and {len(bad) - 20} more"] if len(bad) > 20 else []))
    # undirected graphs list every edge from both ends in adjacency(), so (u, v) pairs are unique
    n = len(nodes)
    # explicit zeros stay in the matrix: csgraph treats them as zero-cost edges
    forward = _csr((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n, n))
    node_ids = np.empty(n, dtype=object)
    for i, node in enumerate(nodes):  # element by element: tuple ids must stay single objects
        node_ids[i] = node
    rg = RoutingGraph(node_ids, forward, forward.T.tocsr(), weight, **_node_fields(G))
    rg.__dict__["index"] = index  # already built: kept instead of built again on first use
    return rg, edges


def _from_arrays(net: OSMNetwork, weight: str) -> RoutingGraph:
    """The CSR form of an OSM network read as arrays (no networkx graph on the way)."""
    if weight not in ("travel_time", "length"):
        raise NetworkError(f"an OSMNetwork routes on 'travel_time' or 'length', not {weight!r}")
    w = net.travel_time if weight == "travel_time" else net.length
    return RoutingGraph.from_arrays(
        net.src, net.dst, w, node_ids=net.node_id, x=net.x, y=net.y, crs="EPSG:4326", weight=weight
    )


def routing_graph(G: nx.Graph | OSMNetwork | RoutingGraph, weight: str = "travel_time") -> RoutingGraph:
    """Return the CSR form of ``G`` for ``weight``: cached, and rebuilt whenever ``G`` has changed.

    Parameters
    ----------
    G : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph, OSMNetwork or RoutingGraph
        A :class:`RoutingGraph` is returned as it is (its weight must be
        ``weight``). An :class:`~linyi_spatial.network.OSMNetwork` (from
        :func:`~linyi_spatial.network.read_osm`) is routed from its arrays,
        with no networkx graph; its arrays are read-only, so its CSR form is
        kept on it.
    weight : str, default "travel_time"
        Edge attribute; the minimum over parallel edges is used.

    Returns
    -------
    RoutingGraph

    Raises
    ------
    NetworkError
        If an edge lacks a numeric, finite, non-negative weight (naming it).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", travel_time=5.0)
    >>> routing_graph(G).forward.toarray().tolist()
    [[0.0, 5.0], [0.0, 0.0]]
    >>> G["a"]["b"]["travel_time"] = 7.0  # an in-place edit is seen
    >>> routing_graph(G).forward.toarray().tolist()
    [[0.0, 7.0], [0.0, 0.0]]
    """
    if isinstance(G, RoutingGraph):
        if G.weight != weight:
            raise NetworkError(
                f"this RoutingGraph holds {G.weight!r} weights, not {weight!r}: pass weight={G.weight!r} or build a "
                f"handle for {weight!r} (RoutingGraph.from_graph(G, {weight!r}) or rg.with_weights(values, {weight!r}))"
            )
        return G
    if isinstance(G, OSMNetwork):
        kept = G.derived.get(("routing", weight))
        if kept is None:
            kept = G.derived[("routing", weight)] = _from_arrays(G, weight)
        return kept
    return cached(G, ("routing", weight), lambda: _build(G, weight), _signature(G, weight))


def _signature(G: nx.Graph, weight: str) -> Callable[[list[Mapping[str, object]]], object]:
    """What a routing form depends on: the node count and every edge's weight (in the builder's order)."""
    return lambda edges: (G.number_of_nodes(), [d.get(weight) for d in edges])


@dataclass(frozen=True)
class WeightLayout:
    """Where each edge of a graph sits in its CSR form, to route on new weights without walking the graph.

    Build it with :func:`weight_layout`. :meth:`routing` turns one weight
    per edge (in ``edges`` order) into the :class:`RoutingGraph` that
    :func:`routing_graph` would build from those weights, and :meth:`install`
    makes it the graph's cached form after the weights were written into the
    edges, so a sensitivity run pays a flat pass and a sparse matrix per
    sample instead of a rebuild.

    Attributes
    ----------
    edges : list of dict
        Edge attribute dicts in the builder's order (an undirected graph lists each twice).
    pair : numpy.ndarray
        For each of ``edges``, its (row, column) pair of the matrix.
    rows, cols : numpy.ndarray
        The matrix position of each pair.
    nodes : numpy.ndarray
    index : dict
    weight : str
    coords : tuple
        The nodes' x, y, their CRS, modes and kinds, passed on to each routing form.
    """

    edges: list[Mapping[str, object]]
    pair: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    nodes: np.ndarray
    index: dict[Hashable, int]
    weight: str
    coords: tuple[Any, ...] = (None, None, "EPSG:4326", None, None)

    def routing(self, values: np.ndarray) -> RoutingGraph:
        """The CSR form for ``values`` (one per entry of ``edges``), the minimum over parallel edges.

        Parameters
        ----------
        values : numpy.ndarray

        Returns
        -------
        RoutingGraph

        Examples
        --------
        >>> G = nx.MultiDiGraph([("a", "b", {"travel_time": 5.0}), ("a", "b", {"travel_time": 3.0})])
        >>> weight_layout(G).routing(np.array([2.0, 4.0])).forward.toarray().tolist()
        [[0.0, 2.0], [0.0, 0.0]]
        """
        data = np.full(len(self.rows), np.inf)
        np.minimum.at(data, self.pair, np.asarray(values, dtype=np.float64))
        n = len(self.nodes)
        forward = _csr((data, (self.rows, self.cols)), shape=(n, n))
        x, y, crs, modes, kinds = self.coords
        rg = RoutingGraph(self.nodes, forward, forward.T.tocsr(), self.weight, x, y, crs, None, modes, kinds)
        rg.__dict__["index"] = self.index  # the same nodes: the id dict is shared, not built again
        return rg

    def install(self, G: nx.Graph, values: np.ndarray) -> RoutingGraph:
        """Cache :meth:`routing` of ``values`` on ``G``, whose edges now hold those values."""
        rg = self.routing(values)
        install(G, ("routing", self.weight), rg, list(self.edges), _signature(G, self.weight))
        return rg


def weight_layout(G: nx.Graph, weight: str = "travel_time") -> WeightLayout:
    """The :class:`WeightLayout` of ``G`` (one walk over the graph, checked like :func:`routing_graph`).

    Parameters
    ----------
    G : networkx graph
    weight : str, default "travel_time"

    Returns
    -------
    WeightLayout

    Raises
    ------
    NetworkError
        If an edge lacks a valid weight (as :func:`routing_graph`).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 5.0}), ("b", "a", {"travel_time": 6.0})])
    >>> weight_layout(G).pair.tolist()
    [0, 1]
    """
    base = routing_graph(G, weight)  # checks every weight, and fixes the node order
    edges: list[Mapping[str, object]] = []
    pair: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    multi = G.is_multigraph()
    for u, nbrs in G.adjacency():
        iu = base.index[u]
        for v, data in nbrs.items():
            ds = list(data.values()) if multi else [data]
            edges.extend(ds)
            pair.extend([len(rows)] * len(ds))
            rows.append(iu)
            cols.append(base.index[v])
    return WeightLayout(
        edges, np.asarray(pair, dtype=np.int64), np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
        base.nodes, base.index, weight, (base.x, base.y, base.crs, base.modes, base.kinds),
    )  # fmt: skip


def clear_cache(G: nx.Graph) -> None:
    """Forget the cached CSR forms and edge indexes of ``G`` (frees memory).

    Caches are rebuilt when nodes or edges are added or removed or travel
    times change; call this after changing a node's ``kind``/``mode`` or an
    edge's ``geometry``/``class``/``mode`` in place.

    Parameters
    ----------
    G : networkx graph

    Returns
    -------
    None

    Examples
    --------
    >>> clear_cache(nx.DiGraph())
    """
    clear(G)


def _limit(max_cost: float | None) -> float:
    if max_cost is None or max_cost == math.inf:
        return np.inf
    return number("max_cost", max_cost, error=NetworkError)


def batched_dijkstra(
    A: csr_array,
    indices: np.ndarray,
    *,
    max_cost: float | None = None,
    batch_size: int = 64,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """Shortest-path costs from each index row, in batches: the one Dijkstra loop of the library.

    Every search (matrices, gravity sums, the Dask tasks) goes through here,
    so memory is bounded by ``batch_size × nodes`` floats whoever calls.

    Parameters
    ----------
    A : scipy.sparse.csr_array
        Weight matrix (e.g. ``routing_graph(G).forward`` or ``.reverse``).
    indices : numpy.ndarray of int
        Source rows.
    max_cost : float, optional
        Stop each search beyond this cost; farther nodes get ``inf``.
    batch_size : int, default 64
        Sources per scipy call.
    columns : numpy.ndarray of int, optional
        Keep only these columns of each row (e.g. destination rows).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(indices), n_nodes)`` or ``(len(indices), len(columns))``.

    Raises
    ------
    NetworkError
        For a non-positive batch size or a negative cost limit.

    Examples
    --------
    >>> from scipy.sparse import csr_array
    >>> A = csr_array(np.array([[0.0, 2.0], [0.0, 0.0]]))
    >>> batched_dijkstra(A, np.array([0, 1])).tolist()
    [[0.0, 2.0], [inf, 0.0]]
    """
    batch_size = count("batch_size", batch_size, error=NetworkError)
    limit = _limit(max_cost)
    idx = np.asarray(indices, dtype=np.int64)
    if 0 < len(idx) <= batch_size:  # one call: its result as it comes (no second array)
        rows = dijkstra(A, directed=True, indices=idx, limit=limit)
        return rows if columns is None else rows[:, columns]
    width = A.shape[0] if columns is None else len(columns)
    out = np.empty((len(idx), width), dtype=np.float64)
    for s in range(0, len(idx), batch_size):
        rows = dijkstra(A, directed=True, indices=idx[s : s + batch_size], limit=limit)
        out[s : s + batch_size] = rows if columns is None else rows[:, columns]
    return out


def shortest_times(
    G: nx.Graph,
    sources: Sequence[Hashable],
    *,
    weight: str = "travel_time",
    max_cost: float | None = None,
    to_sources: bool = False,
    batch_size: int = 64,
) -> np.ndarray:
    """Costs from each source to every node (or from every node to each source).

    Parameters
    ----------
    G : networkx graph
    sources : sequence of node ids
    weight : str, default "travel_time"
    max_cost : float, optional
        Stop searching beyond this cost (in ``weight`` units); farther nodes get ``inf``.
    to_sources : bool, default False
        If True, row ``k`` holds costs from every node *to* ``sources[k]``
        (search on the transposed graph).
    batch_size : int, default 64
        Sources per scipy call (bounds memory: each holds one row per node).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(sources), G.number_of_nodes())`` in the graph's node
        order (``routing_graph(G).nodes``), ``inf`` where unreachable.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 2.0}), ("b", "c", {"travel_time": 3.0})])
    >>> shortest_times(G, ["a"]).tolist()
    [[0.0, 2.0, 5.0]]
    >>> shortest_times(G, ["a"], to_sources=True).tolist()
    [[0.0, inf, inf]]
    """
    return search(routing_graph(G, weight), sources, max_cost=max_cost, to_sources=to_sources, batch_size=batch_size)


def search(
    rg: RoutingGraph,
    sources: Sequence[Hashable],
    *,
    max_cost: float | None = None,
    to_sources: bool = False,
    batch_size: int = 64,
) -> np.ndarray:
    """:func:`shortest_times` on a routing form already in hand (no second look at the graph).

    Parameters
    ----------
    rg : RoutingGraph
        From :func:`routing_graph`.
    sources : sequence of node ids
    max_cost : float, optional
    to_sources : bool, default False
    batch_size : int, default 64

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 2.0})])
    >>> search(routing_graph(G), ["a"]).tolist()
    [[0.0, 2.0]]
    """
    idx = rg.rows(sources, "source")
    A = rg.reverse if to_sources else rg.forward
    return batched_dijkstra(A, idx, max_cost=max_cost, batch_size=batch_size)


def nearest_times(
    G: nx.Graph,
    targets: Sequence[Hashable],
    *,
    weight: str = "travel_time",
    max_cost: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cost from every node to its nearest target, in one multi-source search.

    Parameters
    ----------
    G : networkx graph
    targets : sequence of node ids
    weight : str, default "travel_time"
    max_cost : float, optional
        Costs beyond it (in ``weight`` units) are ``inf``.

    Returns
    -------
    cost : numpy.ndarray
        Per node (graph order), ``inf`` where no target is reachable.
    nearest : numpy.ndarray
        Index into ``targets`` of the nearest target, -1 where unreachable.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b", {"travel_time": 2.0}), ("b", "c", {"travel_time": 3.0})])
    >>> cost, nearest = nearest_times(G, ["c"])
    >>> cost.tolist(), nearest.tolist()
    ([5.0, 3.0, 0.0], [0, 0, 0])
    """
    return routing_graph(G, weight).nearest(targets, max_cost=max_cost)
