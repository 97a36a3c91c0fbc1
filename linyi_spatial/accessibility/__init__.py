"""Accessibility: measures, grids, population and travel-time surfaces, isochrones, unit scores, scenarios."""

from .circles import cell_times_to, circle_areas, commuting_circles
from .equity import equity, gini, lorenz, theil
from .facilities import FacilityAccess, facility_accessibility, read_facilities
from .grid import analysis_grid
from .measures import (
    E2SFCA_ZONES,
    cumulative_opportunities,
    detour_index,
    enhanced_two_step_fca,
    gravity_accessibility,
    hansen_accessibility,
    two_step_fca,
)
from .population import (
    PLACE_WEIGHTS,
    URBAN_DENSITY_KM2,
    population_points,
    population_surface,
    raster_population,
    structure_population,
)
from .scenarios import ScenarioComparison, compare_scenarios, line_contributions
from .scores import COMPOSITE_WEIGHTS, MeasureContext, composite_score, seat_accessibility, unit_accessibility
from .superiority import (
    FACILITY_KINDS,
    LOCATION_BANDS_MIN,
    SUPERIORITY_WEIGHTS,
    TRUNK_BANDS_KM,
    TRUNK_SCORES,
    TransportSuperiority,
    transport_superiority,
    trunk_facilities,
)
from .surface import isochrones, structure_nodes, travel_time_surface

__all__ = [
    "COMPOSITE_WEIGHTS",
    "E2SFCA_ZONES",
    "FACILITY_KINDS",
    "LOCATION_BANDS_MIN",
    "PLACE_WEIGHTS",
    "SUPERIORITY_WEIGHTS",
    "TRUNK_BANDS_KM",
    "TRUNK_SCORES",
    "URBAN_DENSITY_KM2",
    "FacilityAccess",
    "MeasureContext",
    "ScenarioComparison",
    "TransportSuperiority",
    "analysis_grid",
    "cell_times_to",
    "circle_areas",
    "commuting_circles",
    "compare_scenarios",
    "composite_score",
    "cumulative_opportunities",
    "detour_index",
    "enhanced_two_step_fca",
    "equity",
    "facility_accessibility",
    "gini",
    "gravity_accessibility",
    "hansen_accessibility",
    "isochrones",
    "line_contributions",
    "lorenz",
    "population_points",
    "population_surface",
    "raster_population",
    "read_facilities",
    "seat_accessibility",
    "structure_nodes",
    "structure_population",
    "theil",
    "transport_superiority",
    "travel_time_surface",
    "trunk_facilities",
    "two_step_fca",
    "unit_accessibility",
]
