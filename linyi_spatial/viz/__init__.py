"""Presentation: folium maps, charts and displays that draw results they are given (never an analysis).

Every map and display takes ``lang="en"|"zh"``; :func:`set_lang` sets the
session's default.

Importing this package registers the maps behind ``.explore()`` and the
HTML displays behind ``.to_html()`` (and notebooks) of the core's result
objects (:class:`~linyi_spatial.structure.SpatialStructure`,
:class:`~linyi_spatial.accessibility.ScenarioComparison`,
:class:`~linyi_spatial.hierarchy.HierarchyReport`).
"""

from .._display import register_display, register_explorer
from .accessibility import (
    accessibility_map,
    choropleth_map,
    circle_map,
    facility_map,
    isochrone_map,
    scenario_map,
    superiority_map,
    surface_map,
)
from .basemaps import BASEMAPS
from .charts import (
    centrality_chart,
    lorenz_chart,
    range_chart,
    rank_size_chart,
    rank_stability_chart,
    scenario_chart,
    superiority_chart,
    tornado_chart,
    urbanization_chart,
)
from .displays import (
    hierarchy_html,
    linkages_html,
    scenario_html,
    sensitivity_html,
    structure_html,
    superiority_html,
)
from .hierarchy import hierarchy_map
from .i18n import LANGS, get_lang, set_lang
from .mapobject import add_credits
from .output import index_page, save_html
from .structure import structure_map
from .style import OKABE_ITO

__all__ = [
    "BASEMAPS",
    "LANGS",
    "OKABE_ITO",
    "accessibility_map",
    "add_credits",
    "centrality_chart",
    "choropleth_map",
    "circle_map",
    "facility_map",
    "get_lang",
    "hierarchy_map",
    "index_page",
    "isochrone_map",
    "lorenz_chart",
    "range_chart",
    "rank_size_chart",
    "rank_stability_chart",
    "save_html",
    "scenario_chart",
    "scenario_map",
    "sensitivity_html",
    "set_lang",
    "structure_map",
    "superiority_chart",
    "superiority_html",
    "superiority_map",
    "surface_map",
    "tornado_chart",
    "urbanization_chart",
]

register_explorer("linyi_spatial.structure.model.SpatialStructure", structure_map)
register_explorer("linyi_spatial.accessibility.scenarios.ScenarioComparison", scenario_map)
register_explorer("linyi_spatial.accessibility.facilities.FacilityAccess", facility_map)
register_explorer("linyi_spatial.hierarchy.report.HierarchyReport", hierarchy_map)
register_explorer("linyi_spatial.accessibility.superiority.TransportSuperiority", superiority_map)
register_display("linyi_spatial.accessibility.superiority.TransportSuperiority", superiority_html)
register_display("linyi_spatial.structure.model.SpatialStructure", structure_html)
register_display("linyi_spatial.accessibility.scenarios.ScenarioComparison", scenario_html)
register_display("linyi_spatial.hierarchy.report.HierarchyReport", hierarchy_html)
register_display("linyi_spatial.hierarchy.linkages.Linkages", linkages_html)
register_display("linyi_spatial.sensitivity.run.Sensitivity", sensitivity_html)
