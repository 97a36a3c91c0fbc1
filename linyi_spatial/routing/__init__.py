"""Routing: a cached CSR engine over networkx graphs, travel-time matrices, and a Dask engine beside it."""

from .distributed import DaskEngine, read_parquet_parts
from .engine import RoutingGraph, batched_dijkstra, clear_cache, nearest_times, routing_graph, shortest_times
from .matrix import Places, resolve_places, travel_time_matrix

__all__ = [
    "DaskEngine",
    "Places",
    "RoutingGraph",
    "batched_dijkstra",
    "clear_cache",
    "nearest_times",
    "read_parquet_parts",
    "resolve_places",
    "routing_graph",
    "shortest_times",
    "travel_time_matrix",
]
