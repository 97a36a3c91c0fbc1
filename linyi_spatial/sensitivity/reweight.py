"""New edge weights without rebuilding: a graph compiled once, re-timed per sample.

Speeds, length factors and station penalties change travel times only, never the graph's
shape. :class:`Reweighter` copies the graph once, reads every edge's time,
length and class into arrays, and records where each edge sits in the
routing matrix (:class:`~linyi_spatial.routing.engine.WeightLayout`) and in
the edge index that links cells (:class:`~linyi_spatial.network.link.EdgeLayout`).
A sample then costs one vector operation for the new times, one flat pass
writing them into the copy's edge dicts (so anything that reads the graph,
networkx's own algorithms included, sees them), and a sparse matrix built
from the recorded positions, installed as the copy's cached routing form,
instead of a walk over the graph and a rebuild.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np

from .._graph_cache import entries, mark_written, tracked_copy
from ..errors import NetworkError
from ..network.link import Access, EdgeIndex, EdgeLayout
from ..routing.engine import WeightLayout, weight_layout
from .space import Parameter

__all__ = ["EDGE_TARGETS", "Reweighter"]

EDGE_TARGETS = ("speed", "length", "station_penalty_min")
"""Parameter targets that change edge weights."""

STATION_CLASS = "access"
"""The ``class`` of the station access links that carry the station penalty (see ``build_network``)."""


class Reweighter:
    """A private copy of a graph whose travel times can be set from parameter values, fast.

    Parameters
    ----------
    G : networkx graph
        With ``travel_time`` (seconds) on every edge.

    Attributes
    ----------
    graph : networkx graph
        The copy (its ``travel_time`` are those of the last :meth:`apply`).
    base_s : numpy.ndarray
        Each edge's own travel time (``graph.edges`` order).

    Examples
    --------
    >>> from linyi_spatial.sensitivity.space import speed_factor
    >>> G = nx.MultiDiGraph([("a", "b", {"travel_time": 60.0, "class": "road"})])
    >>> rw = Reweighter(G)
    >>> H = rw.apply({"speed_factor_road": 1.2}, [speed_factor("road", 0.8, 1.2)])
    >>> H["a"]["b"][0]["travel_time"], G["a"]["b"][0]["travel_time"]
    (50.0, 60.0)
    """

    def __init__(self, G: nx.Graph) -> None:
        self.graph = tracked_copy(G)  # once: the caller's graph is never written
        H = self.graph
        self._dicts: list[dict[str, Any]] = [d for *_, d in H.edges(data=True)]
        bad = [
            f"edge {u!r}->{v!r} has travel_time {d.get('travel_time')!r}"
            for u, v, d in H.edges(data=True)
            if not _finite(d.get("travel_time"))
        ]
        if bad:
            raise NetworkError(bad[:20])
        self.base_s = np.array([d["travel_time"] for d in self._dicts], dtype=float)
        self._position = {id(d): i for i, d in enumerate(self._dicts)}
        self._routing: WeightLayout = weight_layout(H)
        self._routing_pos = self._positions(self._routing.edges)
        self._edge_layouts: dict[tuple[object, ...], tuple[EdgeLayout, np.ndarray, Access]] = {}
        self._attr_cache: dict[str, np.ndarray] = {}
        penalty = H.graph.get("station_penalty_min")
        self._penalty_s = float(penalty) * 60.0 if _finite(penalty) else None  # type: ignore[arg-type]  # checked finite

    def _positions(self, dicts: list[Any]) -> np.ndarray:
        return np.fromiter((self._position[id(d)] for d in dicts), dtype=np.int64, count=len(dicts))

    def _attr(self, attr: str) -> np.ndarray:
        if attr not in self._attr_cache:
            values = np.empty(len(self._dicts), dtype=object)
            values[:] = [d.get(attr) for d in self._dicts]
            self._attr_cache[attr] = values
        return self._attr_cache[attr]

    def times(self, values: Mapping[str, object], parameters: list[Parameter] | tuple[Parameter, ...]) -> np.ndarray:
        """Each edge's travel time (seconds) under the parameter values (edge parameters only).

        A ``speed`` scales the time of its classes' edges by ``default / value``
        (or ``1 / value`` for a ratio), a ``length`` by ``value``; a ``station_penalty_min`` replaces the
        penalty the graph was built with on its station links. Edges no
        parameter names keep their time.

        Parameters
        ----------
        values : mapping of parameter name -> value
        parameters : sequence of Parameter

        Returns
        -------
        numpy.ndarray

        Raises
        ------
        NetworkError
            If a station penalty is asked of a graph with station links that
            does not record the penalty it was built with.
        """
        t = self.base_s.copy()
        for p in parameters:
            if p.target not in EDGE_TARGETS or p.name not in values:
                continue
            x = float(values[p.name])  # type: ignore[arg-type]  # edge parameters are numbers
            if p.target in ("speed", "length"):
                hit = np.isin(self._attr(p.attr), np.array(p.classes, dtype=object))
                if p.target == "length":
                    t[hit] = t[hit] * x  # a road x times as long, at the same speed
                else:
                    t[hit] = t[hit] * ((1.0 / x) if p.ratio else (p.default / x))
            else:
                hit = self._attr("class") == STATION_CLASS
                if not hit.any():
                    continue
                if self._penalty_s is None:
                    raise NetworkError(
                        "the station penalty cannot vary: the graph has station links (class 'access') but no "
                        "G.graph['station_penalty_min'] saying the penalty they carry"
                    )
                t[hit] = t[hit] - self._penalty_s + x * 60.0
        return t

    def apply(self, values: Mapping[str, object], parameters: list[Parameter] | tuple[Parameter, ...]) -> nx.Graph:
        """Set the copy's travel times for the values and return the copy, its caches current.

        Parameters
        ----------
        values : mapping of parameter name -> value
        parameters : sequence of Parameter

        Returns
        -------
        networkx graph
        """
        t = self.times(values, parameters)
        put = dict.__setitem__  # the plain write (a tracked dict's own would count each of them)
        for d, x in zip(self._dicts, t.tolist(), strict=True):  # one flat pass over the edge dicts
            put(d, "travel_time", x)
        H = self.graph
        mark_written(H)  # one count for the pass, before the caches are installed against it
        self._routing.install(H, t[self._routing_pos])
        for key, value in entries(H).items():  # edge indexes built by earlier samples, re-timed
            if isinstance(key, tuple) and key and key[0] == "edges" and isinstance(value, EdgeIndex):
                layout, pos, access = self._edge_layout(key)
                value.reweighted(H, access, layout, t[pos])
        return H

    def _edge_layout(self, key: tuple[object, ...]) -> tuple[EdgeLayout, np.ndarray, Access]:
        if key not in self._edge_layouts:
            _, classes, kinds, _ = key
            access = Access(exclude_classes=tuple(classes), exclude_kinds=tuple(kinds))  # type: ignore[arg-type]  # the key holds frozensets of strings
            layout = EdgeIndex.layout(self.graph, access)
            self._edge_layouts[key] = (layout, self._positions(layout.edges), access)
        return self._edge_layouts[key]

    def restore(self) -> nx.Graph:
        """The copy with its own travel times back."""
        return self.apply({}, [])


def _finite(x: object) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and math.isfinite(float(x))
