"""The one cache of what the library derives from a graph: routing forms, node and edge indexes.

Everything lives in the graph's own ``G.__networkx_cache__`` under one key,
so it goes with the graph and networkx empties it on every structural
change (nodes or edges added or removed). Each entry also keeps the
attribute dicts it was built from and a signature of the values it read
(travel times, positions, geometries), so an in-place edit of those is seen
and the entry rebuilt. Graph views are never cached (they keep a reference
to a base graph that may change under them). Nothing is kept at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import networkx as nx

__all__ = ["CACHE_KEY", "cached", "clear", "entries", "install"]

CACHE_KEY = "linyi_spatial"
"""The key of the library's entries in a graph's ``__networkx_cache__``."""

T = TypeVar("T")


def _store(G: nx.Graph) -> dict[Hashable, Any] | None:
    cache = getattr(G, "__networkx_cache__", None)
    if not isinstance(cache, dict) or hasattr(G, "_graph"):  # views keep a reference to their base graph
        return None
    store: dict[Hashable, Any] = cache.setdefault(CACHE_KEY, {})
    return store


def cached(
    G: nx.Graph,
    key: Hashable,
    build: Callable[[], tuple[T, list[Any]]],
    signature: Callable[[list[Any]], object],
) -> T:
    """The value cached on ``G`` under ``key``, built again when the signature of what it read has changed.

    Parameters
    ----------
    G : networkx graph
    key : hashable
        What the value is (e.g. ``("routing", "travel_time")``).
    build : callable
        Returns the value and the attribute dicts it was made from.
    signature : callable
        Of those dicts: the values the entry depends on (compared on every use).

    Returns
    -------
    the value

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"w": 1})])
    >>> edges = lambda: [d for *_, d in G.edges(data=True)]
    >>> total = lambda: (sum(d["w"] for d in edges()), edges())
    >>> stamp = lambda dicts: [d["w"] for d in dicts]
    >>> cached(G, "total", total, stamp)
    1
    >>> G["a"]["b"]["w"] = 5  # an in-place edit is seen
    >>> cached(G, "total", total, stamp)
    5
    """
    store = _store(G)
    if store is None:
        return build()[0]
    if key in store:
        dicts, stamp, value = store[key]
        if signature(dicts) == stamp:
            return value
    value, dicts = build()
    store[key] = (dicts, signature(dicts), value)
    return value


def install(G: nx.Graph, key: Hashable, value: Any, dicts: list[Any], signature: Callable[[list[Any]], object]) -> None:
    """Put a value derived elsewhere into ``G``'s cache as if ``cached`` had built it from ``dicts``.

    For a caller that changed attribute values in place and derived the new
    value from arrays (re-weighting for a sensitivity run): the next
    :func:`cached` call with the same signature finds it current. Does
    nothing for a graph view.

    Parameters
    ----------
    G : networkx graph
    key : hashable
    value : object
    dicts : list
        The attribute dicts the value depends on, in the order its builder reads them.
    signature : callable
        The same signature function :func:`cached` is given for ``key``.

    Returns
    -------
    None

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b", {"w": 1})])
    >>> edges = [d for *_, d in G.edges(data=True)]
    >>> stamp = lambda dicts: [d["w"] for d in dicts]
    >>> install(G, "total", 1, edges, stamp)
    >>> cached(G, "total", lambda: (0, edges), stamp)
    1
    """
    store = _store(G)
    if store is not None:
        store[key] = (dicts, signature(dicts), value)


def entries(G: nx.Graph) -> dict[Hashable, Any]:
    """The keys and values cached on ``G`` (a copy; empty for a view).

    Parameters
    ----------
    G : networkx graph

    Returns
    -------
    dict

    Examples
    --------
    >>> entries(nx.DiGraph())
    {}
    """
    store = _store(G)
    return {} if store is None else {k: v[2] for k, v in store.items()}


def clear(G: nx.Graph) -> None:
    """Forget everything the library cached on ``G`` (frees memory).

    Parameters
    ----------
    G : networkx graph

    Returns
    -------
    None

    Examples
    --------
    >>> clear(nx.DiGraph())
    """
    cache = getattr(G, "__networkx_cache__", None)
    if isinstance(cache, dict):
        cache.pop(CACHE_KEY, None)
