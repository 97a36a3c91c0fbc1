"""Presentation: folium maps and matplotlib charts that draw results they are given (never an analysis).

Importing this package registers the maps behind ``.explore()`` of the
core's result objects (:class:`~linyi_spatial.structure.SpatialStructure`,
:class:`~linyi_spatial.accessibility.ScenarioComparison`,
:class:`~linyi_spatial.hierarchy.HierarchyReport`).
"""

from .._display import register_explorer
from .accessibility import accessibility_map, choropleth_map, isochrone_map, scenario_map, surface_map
from .base import BASEMAPS, OKABE_ITO
from .charts import centrality_chart, rank_size_chart, scenario_chart, urbanization_chart
from .hierarchy import hierarchy_map
from .output import save_html
from .structure import structure_map

__all__ = [
    "BASEMAPS",
    "OKABE_ITO",
    "accessibility_map",
    "centrality_chart",
    "choropleth_map",
    "hierarchy_map",
    "isochrone_map",
    "rank_size_chart",
    "save_html",
    "scenario_chart",
    "scenario_map",
    "structure_map",
    "surface_map",
    "urbanization_chart",
]

register_explorer("linyi_spatial.structure.model.SpatialStructure", structure_map)
register_explorer("linyi_spatial.accessibility.scenarios.ScenarioComparison", scenario_map)
register_explorer("linyi_spatial.hierarchy.report.HierarchyReport", hierarchy_map)
