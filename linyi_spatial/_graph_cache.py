"""The one cache of what the library derives from a graph: routing forms, node and edge indexes.

Everything lives in the graph's own ``G.__networkx_cache__`` under one key,
so it goes with the graph and networkx empties it on every structural
change (nodes or edges added or removed). Each entry also keeps the
attribute dicts it was built from and a signature of the values it read
(travel times, positions, geometries), so an in-place edit of them is seen
and the entry rebuilt. A graph the library's builders make is *tracked*
(:func:`track`): its attribute dicts count every write, and an entry is
checked against that count in O(1) instead of value by value. Graph views
are never cached (they keep a reference to a base graph that may change
under them). Nothing is kept at module level.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import networkx as nx

__all__ = [
    "CACHE_KEY",
    "TrackedDict",
    "cached",
    "clear",
    "entries",
    "gc_paused",
    "install",
    "mark_written",
    "track",
    "tracked_copy",
    "tracked_version",
]

CACHE_KEY = "linyi_spatial"
"""The key of the library's entries in a graph's ``__networkx_cache__``."""

T = TypeVar("T")
GraphT = TypeVar("GraphT", bound=nx.Graph)


class _Counter:
    """How many times any node or edge attribute of one tracked graph has been written."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


class TrackedDict(dict):
    """A node or edge attribute dict that counts every write into its graph's counter.

    Reads are plain ``dict`` reads (no Python-level override), so routing and
    indexing read them at full speed; every way of writing (``d[k] = v``,
    ``update``, ``setdefault``, ``pop``, ``del``, ``clear``, ``|=``) bumps
    the counter, so a cache can tell in O(1) that nothing changed.
    """

    __slots__ = ("_c",)
    _c: _Counter

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self._c.n += 1

    def __delitem__(self, key: Any) -> None:
        dict.__delitem__(self, key)
        self._c.n += 1

    def update(self, *args: Any, **kwargs: Any) -> None:
        dict.update(self, *args, **kwargs)
        self._c.n += 1

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._c.n += 1
        return dict.setdefault(self, key, default)

    def pop(self, *args: Any) -> Any:
        self._c.n += 1
        return dict.pop(self, *args)

    def popitem(self) -> tuple[Any, Any]:
        self._c.n += 1
        return dict.popitem(self)

    def clear(self) -> None:
        dict.clear(self)
        self._c.n += 1

    def __ior__(self, other: Any) -> TrackedDict:  # type: ignore[misc]
        dict.update(self, other)
        self._c.n += 1
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._c, dict(self)))


def _rebuild(counter: _Counter, items: dict[Any, Any]) -> TrackedDict:
    d = TrackedDict(items)
    d._c = counter
    return d


class _Factory:
    """The attribute-dict factory of one tracked graph (picklable, unlike a closure)."""

    __slots__ = ("counter",)

    def __init__(self, counter: _Counter) -> None:
        self.counter = counter

    def __call__(self) -> TrackedDict:
        d = TrackedDict()
        d._c = self.counter
        return d

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Factory, (self.counter,))


_TRACK_ATTR = "_linyi_spatial_writes"


def track(G: GraphT) -> GraphT:
    """Make ``G`` count every write to its node and edge attributes, so its caches are checked in O(1).

    Call it on an empty graph, before nodes and edges are added (the
    library's graph builders do): their attribute dicts are then
    :class:`TrackedDict`, and :func:`cached` compares one counter instead of
    every travel time, position and geometry. A graph copied with
    ``G.copy()`` is an ordinary graph again, checked value by value
    (:func:`tracked_copy` keeps the tracking).

    Parameters
    ----------
    G : networkx graph
        Empty.

    Returns
    -------
    networkx graph
        ``G`` itself.

    Raises
    ------
    ValueError
        If ``G`` already has nodes.

    Examples
    --------
    >>> G = track(nx.DiGraph())
    >>> G.add_edge("a", "b", w=1)
    >>> v = tracked_version(G)
    >>> G["a"]["b"]["w"] = 2
    >>> tracked_version(G) > v
    True
    """
    if G.number_of_nodes():
        raise ValueError("track() needs an empty graph: call it before adding nodes and edges")
    counter = _Counter()
    factory = _Factory(counter)
    setattr(G, "node_attr_dict_factory", factory)  # noqa: B010 - instance attributes networkx reads per call
    setattr(G, "edge_attr_dict_factory", factory)  # noqa: B010
    setattr(G, _TRACK_ATTR, counter)
    return G


def tracked_copy(G: GraphT) -> GraphT:
    """A copy of ``G`` like ``G.copy()`` (attribute dicts copied one level), tracked (:func:`track`).

    Parameters
    ----------
    G : networkx graph

    Returns
    -------
    networkx graph
        Of ``G``'s class, with its graph attributes, nodes, edges and keys.

    Examples
    --------
    >>> H = tracked_copy(nx.MultiDiGraph([("a", "b", {"w": 1})]))
    >>> tracked_version(H) is not None, H["a"]["b"][0]["w"]
    (True, 1)
    """
    H = track(G.__class__())
    with gc_paused():
        H.graph.update(G.graph)
        H.add_nodes_from(G.nodes(data=True))
        if G.is_multigraph():
            H.add_edges_from(G.edges(keys=True, data=True))  # type: ignore[call-overload]
        else:
            H.add_edges_from(G.edges(data=True))
    return H


def mark_written(G: nx.Graph) -> None:
    """Count one write on a tracked graph whose dicts were written with ``dict.__setitem__`` (a bulk pass).

    Parameters
    ----------
    G : networkx graph
        Nothing happens for an ordinary graph (its caches compare values).

    Returns
    -------
    None

    Examples
    --------
    >>> G = tracked_copy(nx.DiGraph([("a", "b")]))
    >>> v = tracked_version(G)
    >>> mark_written(G)
    >>> tracked_version(G) == v + 1
    True
    """
    counter = G.__dict__.get(_TRACK_ATTR)
    if isinstance(counter, _Counter):
        counter.n += 1


def tracked_version(G: nx.Graph) -> int | None:
    """How many attribute writes a tracked graph has seen (None for an ordinary graph).

    Parameters
    ----------
    G : networkx graph

    Returns
    -------
    int or None

    Examples
    --------
    >>> tracked_version(nx.Graph()) is None
    True
    """
    counter = G.__dict__.get(_TRACK_ATTR)
    return counter.n if isinstance(counter, _Counter) else None


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
    version = tracked_version(G)
    if key in store:
        dicts, stamp, value = store[key]
        if (stamp == ("writes", version)) if version is not None else (signature(dicts) == stamp):
            return value
    value, dicts = build()
    store[key] = (dicts, signature(dicts) if version is None else ("writes", tracked_version(G)), value)
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
        version = tracked_version(G)
        store[key] = (dicts, signature(dicts) if version is None else ("writes", version), value)


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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a graph of many small dicts is built.

    networkx allocates several dicts per edge; the collector's passes over
    them are about half of a large bulk build. Reference counting still
    frees memory; the collector resumes (if it was on) on exit.

    Returns
    -------
    context manager

    Examples
    --------
    >>> with gc_paused():
    ...     G = nx.path_graph(1000)
    >>> G.number_of_edges()
    999
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
