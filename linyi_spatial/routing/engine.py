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
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

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


@dataclass(frozen=True)
class RoutingGraph:
    """A graph's CSR form for one weight.

    Attributes
    ----------
    nodes : numpy.ndarray
        Node ids in matrix order.
    index : dict
        Node id -> row.
    forward, reverse : scipy.sparse.csr_array
        Weight matrix and its transpose (minimum over parallel edges).
    weight : str
        Edge attribute used.
    """

    nodes: np.ndarray
    index: dict[Hashable, int]
    forward: csr_array
    reverse: csr_array
    weight: str

    def rows(self, ids: Iterable[Hashable], label: str = "node") -> np.ndarray:
        """Matrix rows of node ids; raises NetworkError naming unknown ids."""
        if not isinstance(ids, (np.ndarray, list, tuple, pd.Index, pd.Series)):
            ids = list(ids)
        if len(ids) > _VECTOR_MIN:  # one hash-index lookup in C instead of a dict lookup per id
            arr = ids if isinstance(ids, np.ndarray) and ids.dtype == object and ids.ndim == 1 else None
            if arr is None:
                arr = np.fromiter(ids, dtype=object, count=len(ids))  # element by element: tuple ids stay whole
            found = self._lookup.get_indexer(pd.Index(arr, dtype=object, tupleize_cols=False))
            if (found >= 0).all():
                return found.astype(np.int64)
        ids = list(ids)  # the slow path also names unknown ids
        missing = [i for i in ids if i not in self.index]
        if missing:
            raise NetworkError(f"{label}(s) not in the graph: {missing[:10]}{' ...' if len(missing) > 10 else ''}")
        return np.fromiter((self.index[i] for i in ids), dtype=np.int64, count=len(ids))

    @cached_property
    def _lookup(self) -> pd.Index:
        """The node ids as a hash index (vectorized lookups of many ids)."""
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
    rg = RoutingGraph(node_ids, index, forward, forward.T.tocsr(), weight)
    return rg, edges


def _from_arrays(net: OSMNetwork, weight: str) -> RoutingGraph:
    """The CSR form of an OSM network read as arrays (no networkx graph on the way)."""
    if weight not in ("travel_time", "length"):
        raise NetworkError(f"an OSMNetwork routes on 'travel_time' or 'length', not {weight!r}")
    w = net.travel_time if weight == "travel_time" else net.length
    n = net.n_nodes
    order = np.lexsort((w, net.dst, net.src))  # the cheapest of parallel edges first
    s, d = net.src[order], net.dst[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    forward = _csr((w[order][first], (s[first], d[first])), shape=(n, n))
    ids = np.empty(n, dtype=object)
    ids[:] = net.node_id.tolist()
    index = dict(zip(ids.tolist(), range(n), strict=True))
    return RoutingGraph(ids, index, forward, forward.T.tocsr(), weight)


def routing_graph(G: nx.Graph | OSMNetwork, weight: str = "travel_time") -> RoutingGraph:
    """Return the CSR form of ``G`` for ``weight``: cached, and rebuilt whenever ``G`` has changed.

    Parameters
    ----------
    G : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph, or OSMNetwork
        An :class:`~linyi_spatial.network.OSMNetwork` (from
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
    """

    edges: list[Mapping[str, object]]
    pair: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    nodes: np.ndarray
    index: dict[Hashable, int]
    weight: str

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
        return RoutingGraph(self.nodes, self.index, forward, forward.T.tocsr(), self.weight)

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
        base.nodes, base.index, weight,
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
