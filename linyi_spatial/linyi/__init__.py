"""Linyi (临沂, Shandong) as a case study: the embedded data, the plan's defaults and one-line analyses.

The New Urbanization Plan 2021–2035 (临沂市新型城镇化规划) structures the
city-region as 一心引领、三极联动、七轴集聚、多点支撑. Everything here composes
the general core with Linyi's data; nothing in the core imports it.

>>> from linyi_spatial import linyi
>>> len(linyi.load_counties())
12
"""

from .analysis import (
    LINYI_SPEC,
    access_equity,
    commuting_circle_areas,
    commuting_circles,
    compare_scenarios,
    county_accessibility,
    export_geopackage,
    hierarchy_report,
    isochrones,
    load_structure,
    network_check,
    seat_times_to_core,
    sensitivity,
    sources,
    times_by_mode,
    transport_superiority,
    travel_time_surface,
    urbanization_targets,
)
from .datasets import (
    LINYI_ADCODES,
    build_county_boundaries,
    build_neighbour_boundaries,
    data_path,
    load_counties,
    load_neighbours,
    load_towns,
)
from .defaults import (
    BASE_YEAR,
    CORE_NODE,
    NETWORK_YEARS,
    PLAN_YEAR,
    PROJECTED_CRS,
    TIER_WEIGHTS,
    UNIT_COLUMNS,
    URBANIZATION_TARGETS,
)
from .network import load_network, network_tables, road_lengths

__all__ = [
    "BASE_YEAR",
    "CORE_NODE",
    "LINYI_ADCODES",
    "LINYI_SPEC",
    "NETWORK_YEARS",
    "PLAN_YEAR",
    "PROJECTED_CRS",
    "TIER_WEIGHTS",
    "UNIT_COLUMNS",
    "URBANIZATION_TARGETS",
    "build_county_boundaries",
    "build_neighbour_boundaries",
    "compare_scenarios",
    "county_accessibility",
    "data_path",
    "export_geopackage",
    "hierarchy_report",
    "isochrones",
    "load_counties",
    "load_neighbours",
    "load_network",
    "load_structure",
    "load_towns",
    "network_tables",
    "road_lengths",
    "seat_times_to_core",
    "sources",
    "times_by_mode",
    "transport_superiority",
    "travel_time_surface",
    "urbanization_targets",
]
