"""Transport networks: build from tables, validate, link points, import OSM, axes along the network."""

from .axes import axes_along_network, network_path_geometry
from .build import NODE_COLUMNS, OPERATING_SPEED_KPH, ROUTE_COLUMNS, STATUSES, build_network
from .consolidate import consolidate_intersections
from .lengths import RoadLengths
from .lines import PlannedLine, add_lines, read_lines
from .link import DEFAULT_ACCESS, Access, NodeIndex, nearest_nodes, snap_points
from .osm import CN_DESIGN_SPEED_KPH, NETWORK_TYPES, OSM_SPEED_KPH, OSMNetwork, from_osm, parse_maxspeed, read_osm
from .reference import compare_reference, detour_indices
from .validate import road_subgraph, validate_network

__all__ = [
    "CN_DESIGN_SPEED_KPH",
    "DEFAULT_ACCESS",
    "NETWORK_TYPES",
    "NODE_COLUMNS",
    "OPERATING_SPEED_KPH",
    "OSM_SPEED_KPH",
    "ROUTE_COLUMNS",
    "STATUSES",
    "Access",
    "NodeIndex",
    "OSMNetwork",
    "PlannedLine",
    "RoadLengths",
    "add_lines",
    "axes_along_network",
    "build_network",
    "compare_reference",
    "consolidate_intersections",
    "detour_indices",
    "from_osm",
    "nearest_nodes",
    "network_path_geometry",
    "parse_maxspeed",
    "read_lines",
    "read_osm",
    "road_subgraph",
    "snap_points",
    "validate_network",
]
