"""Network centrality of places: degree, closeness, mean time, betweenness, straightness.

References
----------
- Latora, V. & Marchiori, M. (2001). Efficient behavior of small-world
  networks. *Physical Review Letters* 87 (straightness).
- Brandes, U. (2001). A faster algorithm for betweenness centrality.
  *Journal of Mathematical Sociology* 25(2).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import cast

import networkx as nx
import numpy as np
import pandas as pd
import pyproj

from .._checks import count, number
from ..crs import require_lonlat
from ..errors import NetworkError
from ..routing.engine import routing_graph, search, shortest_times

__all__ = ["centrality"]


def centrality(
    G: nx.Graph,
    places: Sequence[Hashable] | None = None,
    *,
    weight: str = "travel_time",
    backend: str = "auto",
    betweenness_sources: int | None = None,
    max_cost: float | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Network centrality of places on the transport graph.

    - ``degree``: number of distinct neighbouring nodes;
    - ``closeness_per_min``: ``(r-1)/Σ_v d(v, u) · (r-1)/(n-1)`` with ``d`` the
      travel time to ``u`` and ``r`` the nodes that reach it (networkx's
      Wasserman–Faust form) with ``d`` in minutes, so the unit is 1/min;
    - ``mean_time_min``: mean travel time from ``u`` to the nodes it reaches;
    - ``betweenness``: share of shortest (travel-time) paths through ``u``
      (Brandes 2001), normalized by ``(n-1)(n-2)`` as networkx does for
      directed graphs;
    - ``straightness``: ``1/(n-1) Σ_v d_geo(u,v) / d_len(u,v)`` with network
      length in metres (Latora & Marchiori 2001); unreachable pairs add 0.

    Parameters
    ----------
    G : networkx graph
        Graph with node ``x``/``y`` in degrees and ``length`` on edges; an
        undirected edge counts as a link both ways.
    places : sequence of node ids, optional
        Nodes to report; default all.
    weight : str, default "travel_time"
    backend : {"auto", "igraph", "networkx"}
        Betweenness engine: igraph (``pip install igraph``; ≈50x faster)
        when available, else networkx. Closeness and straightness always
        use the scipy engine.
    betweenness_sources : int, optional
        Estimate betweenness from this many randomly sampled sources,
        scaled by n/k (for OSM-sized graphs).
    max_cost : float, optional
        Only paths up to this cost (in ``weight`` units) count (local betweenness).
    seed : int, default 0
        Sampling seed.

    Returns
    -------
    pandas.DataFrame
        Indexed by place.

    Raises
    ------
    NetworkError
        Unknown places or backend.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> c = centrality(made_up_network(2020), ["a", "e"])
    >>> bool(c.loc["a", "closeness_per_min"] > c.loc["e", "closeness_per_min"])
    True
    """
    nodes = list(G.nodes) if places is None else list(places)
    # an undirected link runs both ways
    G = cast(nx.DiGraph, G) if G.is_directed() else G.to_directed()
    missing = [p for p in nodes if p not in G]
    if missing:
        raise NetworkError(f"place(s) not in the graph: {missing[:10]}")
    if backend not in ("auto", "igraph", "networkx"):
        raise NetworkError(f"unknown backend {backend!r}")
    if betweenness_sources is not None:
        betweenness_sources = count("betweenness_sources", betweenness_sources, error=NetworkError)
    if max_cost is not None:
        max_cost = number("max_cost", max_cost, allow_low=False, error=NetworkError)
        if betweenness_sources is not None and betweenness_sources < G.number_of_nodes():
            raise NetworkError("betweenness from sampled sources cannot be cut off at max_cost; pass one of the two")
    n = G.number_of_nodes()
    rg = routing_graph(G, weight)
    to_u = search(rg, nodes, to_sources=True)
    from_u = search(rg, nodes)
    own = rg.rows(nodes)
    closeness = np.zeros(len(nodes))
    mean_time = np.full(len(nodes), np.nan)
    for i in range(len(nodes)):
        d = to_u[i][np.isfinite(to_u[i])]
        r = len(d)
        tot = d.sum()
        if tot > 0 and n > 1:
            closeness[i] = (r - 1) / (tot / 60.0) * (r - 1) / (n - 1)  # per minute
        f = from_u[i][np.isfinite(from_u[i])]
        if len(f) > 1:
            mean_time[i] = f.sum() / (len(f) - 1) / 60.0
    require_lonlat(G.graph.get("crs"), "centrality (straightness)")
    # straightness on lengths
    lengths = shortest_times(G, nodes, weight="length")
    geod = pyproj.Geod(ellps="WGS84")
    xs = np.array([G.nodes[v]["x"] for v in rg.nodes])
    ys = np.array([G.nodes[v]["y"] for v in rg.nodes])
    straight = np.zeros(len(nodes))
    for i, row in enumerate(own):
        d_geo = geod.inv(np.full(n, xs[row]), np.full(n, ys[row]), xs, ys)[2]
        ok = np.isfinite(lengths[i]) & (lengths[i] > 0)
        straight[i] = np.sum(d_geo[ok] / lengths[i][ok]) / (n - 1) if n > 1 else math.nan
    D = G
    degree = [len(set(D.successors(v)) | set(D.predecessors(v))) for v in nodes]
    btw = _betweenness(D, weight, backend, betweenness_sources, max_cost, seed)
    return pd.DataFrame(
        {
            "degree": degree,
            "closeness_per_min": closeness,
            "mean_time_min": mean_time,
            "betweenness": [btw[v] for v in nodes],
            "straightness": straight,
        },
        index=pd.Index(nodes, name="node"),
    )


def _simple_digraph(G: nx.MultiDiGraph, weight: str) -> nx.DiGraph:
    """Collapse parallel edges to the cheapest one (what shortest paths use)."""
    H: nx.DiGraph = nx.DiGraph()
    H.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = d[weight]
        if not H.has_edge(u, v) or w < H[u][v][weight]:
            H.add_edge(u, v, **{weight: w})
    return H


def _betweenness(
    G: nx.DiGraph, weight: str, backend: str, k: int | None, cutoff: float | None, seed: int
) -> dict[Hashable, float]:
    H = _simple_digraph(cast(nx.MultiDiGraph, G), weight) if G.is_multigraph() else G
    loops = list(nx.selfloop_edges(H))
    if loops:  # a loop never lies on a shortest path between two places
        H = H.copy()
        H.remove_edges_from(loops)
    n = H.number_of_nodes()
    norm = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    use_igraph = backend == "igraph"
    if backend == "auto":
        try:
            import igraph  # noqa: F401

            use_igraph = True
        except ImportError:
            use_igraph = False
    nodes = list(H.nodes)
    if use_igraph:
        try:
            import igraph as ig
        except ImportError as exc:
            raise NetworkError("backend='igraph' needs python-igraph: pip install igraph") from exc
        index = {v: i for i, v in enumerate(nodes)}
        edges = [(index[u], index[v]) for u, v in H.edges()]
        g = ig.Graph(n=n, edges=edges, directed=True)
        w = [H[u][v][weight] for u, v in H.edges()]
        zero = [(u, v) for (u, v), x in zip(H.edges(), w, strict=True) if not x > 0]
        if zero:
            raise NetworkError(
                f"betweenness with igraph needs positive {weight}; edge(s) {zero[:5]} have 0: "
                "merge their ends, or pass backend='networkx'"
            )
        sources = None
        scale = 1.0
        if k is not None and k < n:
            rng = np.random.default_rng(seed)
            sources = rng.choice(n, k, replace=False).tolist()
            scale = n / k
        vals = g.betweenness(directed=True, weights=w, cutoff=cutoff, sources=sources)
        return {v: float(b) * norm * scale for v, b in zip(nodes, vals, strict=True)}
    if cutoff is not None:
        raise NetworkError("cutoff-limited betweenness needs backend='igraph' (pip install igraph)")
    return nx.betweenness_centrality(H, k=k, weight=weight, normalized=True, seed=seed)
