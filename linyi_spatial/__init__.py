"""linyi_spatial: planned spatial structure, accessibility and hierarchy of a city-region.

Three layers, one way:

- the general core (:mod:`~linyi_spatial.structure`, :mod:`~linyi_spatial.network`,
  :mod:`~linyi_spatial.routing`, :mod:`~linyi_spatial.accessibility`,
  :mod:`~linyi_spatial.hierarchy`) takes every input as an argument;
- the presentation layer (:mod:`~linyi_spatial.viz`) draws results;
- the case study (:mod:`~linyi_spatial.linyi`): Linyi (临沂, Shandong), its
  New Urbanization Plan 2021–2035 (一心引领、三极联动、七轴集聚、多点支撑),
  the embedded data and one-line conveniences, and the ``linyi-spatial`` command.

>>> import linyi_spatial as ls
>>> from linyi_spatial import linyi
>>> linyi.load_structure()
SpatialStructure('Linyi': 1 core, 3 poles, 7 axes, 16 points; EPSG:4326)
"""

from ._progress import set_progress
from ._version import __version__
from .accessibility import (
    COMPOSITE_WEIGHTS,
    ScenarioComparison,
    analysis_grid,
    compare_scenarios,
    composite_score,
    cumulative_opportunities,
    detour_index,
    enhanced_two_step_fca,
    gravity_accessibility,
    hansen_accessibility,
    isochrones,
    line_contributions,
    population_surface,
    seat_accessibility,
    travel_time_surface,
    two_step_fca,
    unit_accessibility,
)
from .crs import gcj02_to_wgs84, projected_crs, to_wgs84, wgs84_to_gcj02
from .decay import DecayFunction, decay_weights
from .errors import ClusterError, CRSError, DataError, LinyiSpatialError, MissingFontError, NetworkError, SpecError
from .export import read_network_layers, to_geopackage
from .hierarchy import (
    HierarchyReport,
    axis_agglomeration,
    centrality,
    data_tiers,
    gravity_linkages,
    hierarchy_report,
    plan_tiers,
    polycentricity,
    primacy,
    rank_size,
    tier_consistency,
    urbanization_targets,
)
from .network import (
    Access,
    PlannedLine,
    add_lines,
    axes_along_network,
    build_network,
    from_osm,
    nearest_nodes,
    read_osm,
    snap_points,
    validate_network,
)
from .routing import DaskEngine, travel_time_matrix
from .structure import SpatialStructure

__all__ = [
    "COMPOSITE_WEIGHTS",
    "Access",
    "CRSError",
    "ClusterError",
    "DaskEngine",
    "DataError",
    "DecayFunction",
    "HierarchyReport",
    "LinyiSpatialError",
    "MissingFontError",
    "NetworkError",
    "PlannedLine",
    "ScenarioComparison",
    "SpatialStructure",
    "SpecError",
    "__version__",
    "add_lines",
    "analysis_grid",
    "axes_along_network",
    "axis_agglomeration",
    "build_network",
    "centrality",
    "compare_scenarios",
    "composite_score",
    "cumulative_opportunities",
    "data_tiers",
    "decay_weights",
    "detour_index",
    "enhanced_two_step_fca",
    "from_osm",
    "gcj02_to_wgs84",
    "gravity_accessibility",
    "gravity_linkages",
    "hansen_accessibility",
    "hierarchy_report",
    "isochrones",
    "line_contributions",
    "linyi",
    "nearest_nodes",
    "plan_tiers",
    "polycentricity",
    "population_surface",
    "primacy",
    "projected_crs",
    "rank_size",
    "read_network_layers",
    "read_osm",
    "seat_accessibility",
    "set_progress",
    "snap_points",
    "tier_consistency",
    "to_geopackage",
    "to_wgs84",
    "travel_time_matrix",
    "travel_time_surface",
    "two_step_fca",
    "unit_accessibility",
    "urbanization_targets",
    "validate_network",
    "viz",
    "wgs84_to_gcj02",
]


def __getattr__(name: str) -> object:
    """``linyi_spatial.linyi``, ``.viz``, ``.sensitivity`` and ``.testing`` are imported when first used.

    The maps behind ``.explore()`` and the displays register when :mod:`linyi_spatial.viz` is
    imported, which a result's ``explore()`` or ``to_html()`` does itself; ``import linyi_spatial``
    stays light (no folium, matplotlib or mapclassify).
    """
    if name in ("linyi", "viz", "sensitivity", "testing", "data"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
