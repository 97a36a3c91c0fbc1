"""linyi_spatial: planned spatial structure, accessibility and hierarchy of a city-region.

Linyi (临沂, Shandong) and its New Urbanization Plan 2021–2035
(一心引领、三极联动、七轴集聚、多点支撑) are the embedded default; the
structure spec format serves any city's plan.

>>> import linyi_spatial as ls
>>> counties = ls.load_counties()
>>> structure = ls.load_structure()
>>> structure
SpatialStructure('Linyi': 1 core, 3 poles, 7 axes, 16 points; EPSG:4326)
"""

from ._progress import set_progress
from .accessibility import (
    analysis_grid,
    compare_scenarios,
    county_accessibility,
    cumulative_opportunities,
    enhanced_two_step_fca,
    gravity_accessibility,
    hansen_accessibility,
    isochrones,
    travel_time_surface,
    two_step_fca,
)
from .crs import gcj02_to_wgs84, projected_crs, to_wgs84, wgs84_to_gcj02
from .datasets import build_county_boundaries, data_path, load_counties, load_towns
from .errors import CRSError, DataError, LinyiSpatialError, NetworkError, SpecError
from .hierarchy import (
    axis_agglomeration,
    centrality,
    gravity_linkages,
    hierarchy_report,
    polycentricity,
    primacy,
    rank_size,
    urbanization_targets,
)
from .network import from_osm, load_network, snap_points, validate_network
from .routing import travel_time_matrix
from .structure import SpatialStructure, load_structure

__version__ = "0.1.0"

__all__ = [
    "CRSError",
    "DataError",
    "LinyiSpatialError",
    "NetworkError",
    "SpatialStructure",
    "SpecError",
    "analysis_grid",
    "axis_agglomeration",
    "build_county_boundaries",
    "centrality",
    "compare_scenarios",
    "county_accessibility",
    "cumulative_opportunities",
    "data_path",
    "enhanced_two_step_fca",
    "from_osm",
    "gcj02_to_wgs84",
    "gravity_accessibility",
    "gravity_linkages",
    "hansen_accessibility",
    "hierarchy_report",
    "isochrones",
    "load_counties",
    "load_network",
    "load_structure",
    "load_towns",
    "polycentricity",
    "primacy",
    "projected_crs",
    "rank_size",
    "set_progress",
    "snap_points",
    "to_wgs84",
    "travel_time_matrix",
    "travel_time_surface",
    "two_step_fca",
    "urbanization_targets",
    "validate_network",
    "wgs84_to_gcj02",
]
