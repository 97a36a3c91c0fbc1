"""The places of a hierarchy: the units, with the core's units merged into one central city by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import pandas as pd
import shapely

from ..accessibility.surface import structure_nodes
from ..errors import DataError
from ..network.link import Access
from .tiers import TIER_ORDER, plan_tiers

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["hierarchy_places"]


def hierarchy_places(
    structure: SpatialStructure,
    G: nx.Graph,
    *,
    size: str | None = None,
    merge_core: bool = True,
    access: Access | None = None,
) -> gpd.GeoDataFrame:
    """The units of analysis of a hierarchy, one row per place.

    With ``merge_core`` the core's units form one place (the central city,
    labelled by the core's id, its size the sum of theirs, its node the
    core's anchor); every other unit is a place with its seat's node.
    Without it every unit is a place. All hierarchy figures of
    :func:`~linyi_spatial.hierarchy.hierarchy_report` are computed on these
    places, so they share one definition of a "place" and one size.

    Parameters
    ----------
    structure : SpatialStructure
        Units with seats.
    G : networkx graph
        Network whose nodes the places are linked to.
    size : str, optional
        Unit column of the size (default: the spec's declared ``size``).
    merge_core : bool, default True
        Merge the core's units into one place.
    access : Access, optional
        Links seats that are not nodes of ``G``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by place label: ``name``, the size column, ``units`` (unit
        ids), ``node`` and ``access_time_s`` (the place's network node and
        the leg to it, see :func:`~linyi_spatial.routing.resolve_places`),
        ``plan_tier``, ``plan_rank``, ``x``/``y`` (the place's point: the
        core's anchor or the seat), geometry (the union
        of the units), in the units' CRS.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> p = hierarchy_places(made_up_structure(), made_up_network(2020))
    >>> p.index.tolist(), p.loc["centre", "residents"]
    (['centre', 'B', 'C', 'D', 'E'], np.float64(420000.0))
    """
    size_col = structure.column("size", size)
    units = structure.units
    names = structure.unit_names()
    nodes = structure_nodes(structure, G, access=access)
    seat_node = dict(zip(nodes["seat_units"], nodes["seat"], strict=True))
    legs = nodes["places"]["access_time_s"]  # a place off the network reaches it by its access leg
    seat_leg = {u: float(legs[p]) for u, p in zip(nodes["seat_units"], nodes["seat_places"], strict=True)}
    seat_xy = {u: (p.x, p.y) for u, p in zip(structure.seats["unit"], structure.seats.geometry, strict=True)}
    core = structure.core.iloc[0]
    core_units = list(core["units"])
    unseated = [u for u in units.index if u not in seat_node and not (merge_core and u in core_units)]
    if unseated:
        raise DataError(f"unit(s) {unseated} have no seat (a place with seat_of); the hierarchy needs one per unit")
    tiers = plan_tiers(structure)
    rows = []
    if merge_core:
        rows.append(
            {
                "label": str(structure.core.index[0]),
                "name": str(core["name_zh"] or core["name"]),
                size_col: float(units.loc[core_units, size_col].sum()),
                "units": tuple(core_units),
                "node": nodes["core"][0],
                "access_time_s": float(legs[nodes["core_place"]]),
                "plan_tier": "core",
                "x": float(core["anchor_lon"]),
                "y": float(core["anchor_lat"]),
                "geometry": shapely.union_all(units.geometry.loc[core_units].to_numpy()),
            }
        )
    for uid in units.index:
        if merge_core and uid in core_units:
            continue
        x, y = seat_xy[uid]
        rows.append(
            {
                "label": uid,
                "name": str(names[uid]),
                size_col: float(units.loc[uid, size_col]),
                "units": (uid,),
                "node": seat_node.get(uid),
                "access_time_s": seat_leg.get(uid, 0.0),
                "plan_tier": tiers.loc[uid, "plan_tier"],
                "x": float(x),
                "y": float(y),
                "geometry": units.geometry[uid],
            }
        )
    out = gpd.GeoDataFrame(pd.DataFrame(rows).set_index("label"), geometry="geometry", crs=units.crs)
    out.index.name = "place"
    out["plan_rank"] = out["plan_tier"].map({t: i + 1 for i, t in enumerate(TIER_ORDER)})
    return out
