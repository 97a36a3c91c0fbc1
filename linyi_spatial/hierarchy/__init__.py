"""Urban hierarchy: size distribution, tiers, centrality, linkages, agglomeration, polycentricity, urbanization."""

from .agglomeration import axis_agglomeration, urban_sizes
from .centrality import centrality
from .linkages import Linkages, gravity_linkages
from .places import hierarchy_places
from .polycentricity import polycentricity
from .report import TIER_FEATURES, HierarchyReport, hierarchy_report
from .size import merge_places, primacy, rank_size, rank_size_table, sizes
from .tiers import TIER_ORDER, data_tiers, plan_tiers, tier_consistency
from .urbanization import urbanization_targets

__all__ = [
    "TIER_FEATURES",
    "TIER_ORDER",
    "HierarchyReport",
    "Linkages",
    "axis_agglomeration",
    "centrality",
    "data_tiers",
    "gravity_linkages",
    "hierarchy_places",
    "hierarchy_report",
    "merge_places",
    "plan_tiers",
    "polycentricity",
    "primacy",
    "rank_size",
    "rank_size_table",
    "sizes",
    "tier_consistency",
    "urban_sizes",
    "urbanization_targets",
]
