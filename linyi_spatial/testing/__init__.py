"""Test helpers: a made-up region (units, spec, network tables, OSM extract) and seeded synthetic road graphs."""

from .region import UNITS, made_up_network, made_up_structure, made_up_tables, write_osm, write_region
from .synthetic import RoadArrays, grid_road_arrays, grid_road_graph

__all__ = [
    "UNITS",
    "RoadArrays",
    "grid_road_arrays",
    "grid_road_graph",
    "made_up_network",
    "made_up_structure",
    "made_up_tables",
    "write_osm",
    "write_region",
]
