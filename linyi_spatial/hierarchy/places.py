"""The places of a hierarchy: the units, with the core's units merged into one central city by default."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import pandas as pd
import shapely

from ..accessibility.surface import structure_nodes
from ..crs import projected_crs
from ..errors import DataError
from ..network.link import Access
from ..structure.model import _year_differs
from .tiers import TIER_ORDER, plan_tiers

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["hierarchy_places", "own_size_column"]


def own_size_column(structure: SpatialStructure, size: str) -> str | None:
    """The place column that holds a place's own value of the unit column ``size``, if any.

    ``own_pop`` stands for the spec's declared ``size`` column and
    ``own_urban_pop`` for its ``urban`` column
    (:data:`~linyi_spatial.structure.spec.PLACE_SIZE_KEYS`); any other
    column has no own-place counterpart.

    Parameters
    ----------
    structure : SpatialStructure
    size : str
        A unit column.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from linyi_spatial import linyi
    >>> s = linyi.load_structure(axes="anchors")
    >>> own_size_column(s, "pop_2020"), own_size_column(s, "pop_2010")
    ('own_pop', None)
    """
    from ..structure.spec import PLACE_SIZE_KEYS

    for key, role in PLACE_SIZE_KEYS.items():
        if role is not None and structure.columns.get(role) == size:
            return key
    return None


def _nested_places(
    structure: SpatialStructure, size_col: str, legs: pd.DataFrame
) -> tuple[list[dict[str, object]], dict[str, str]]:
    """Rows for the poles (and points) that are not unit seats but have their own size; reasons for the others."""
    places = structure.places
    seats = set(structure.seats.index)
    core = structure.core.iloc[0]
    inside_core = {*core["zones"], core["anchor"]}
    own_col = own_size_column(structure, size_col)
    roles = [(p, "pole") for p in structure.poles["place"]] + [(p, "point") for p in structure.points["place"]]
    rows: list[dict[str, object]] = []
    excluded: dict[str, str] = {}
    crs = projected_crs(structure.units)
    pole_names = {str(r["place"]): str(r["name_zh"] or r["name"]) for _, r in structure.poles.iterrows()}
    pole_names_en = {str(r["place"]): str(r["name"] or r["name_zh"]) for _, r in structure.poles.iterrows()}
    for place, role in dict.fromkeys(roles):
        if place in seats or place in inside_core or place not in places.index:
            continue
        rec = places.loc[place]
        own = float(rec[own_col]) if own_col is not None and own_col in places.columns else math.nan
        name = pole_names.get(place) or str(rec["name_zh"] or rec["name"])
        reason = ""
        stated = rec.get("own_pop_year")
        if math.isfinite(own) and _year_differs(size_col, stated):  # never a figure of another year (临港's 2010)
            reason = (
                f"{role} {name} ({place}): its only figure of its own ({own:,.0f}) is of {int(stated)}, not of "
                f"{size_col}'s year: shown, but left out of the size-based figures"
            )
            own = math.nan
        if not math.isfinite(own):
            if role != "pole":
                continue  # a key town without a size of its own (of this year) is no place of the hierarchy
            what = f"no value of {size_col} of its own" + ("" if own_col is None else f" ({own_col})")
            reason = reason or (
                f"pole {name} ({place}) is not a unit's seat and has {what}: shown, but left out of the size-based "
                f"figures (its host unit {rec['unit']} is not used in its place)"
            )
            excluded[place] = reason
        area = float(rec["own_area_km2"]) if "own_area_km2" in places.columns else math.nan
        point = rec.geometry
        if math.isfinite(area):  # an approximate zone: a disc of the stated area around the place's point
            disc = gpd.GeoSeries([point], crs=places.crs).to_crs(crs).buffer(math.sqrt(area * 1e6 / math.pi))
            host = structure.units.geometry.get(rec["unit"])
            shape = disc.to_crs(places.crs).iloc[0]
            if host is not None and shape.intersects(host):  # the zone lies inside its county
                shape = shape.intersection(host)
        else:
            shape = point.buffer(0.01)
        year = rec.get("own_pop_year")
        rows.append(
            {
                "label": place,
                "name": name,
                "name_en": pole_names_en.get(place) or str(rec["name"] or name),
                size_col: own,
                "units": (),
                "nested_in": str(rec["unit"]),
                "size_year": None if year is None or pd.isna(year) else int(year),
                "size_source": str(rec.get("own_pop_source", "") or ""),
                "node": legs.loc[place, "node"],
                "access_time_s": float(legs.loc[place, "access_time_s"]),
                "plan_tier": role,
                "x": float(point.x),
                "y": float(point.y),
                "geometry": shape,
                "geometry_quality": "approximate: a disc of the place's stated area"
                if math.isfinite(area)
                else "point",
                "own_pop": float(rec["own_pop"]) if "own_pop" in places.columns else math.nan,
                "excluded_reason": reason,
            }
        )
    return rows, excluded


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
    Without it every unit is a place. A pole (or point) that is not a
    unit's seat but has its own size (``own_pop``, see
    :func:`own_size_column`) is a place too, with that size, its year
    (``size_year``) and ``nested_in`` its host unit, whose own row keeps
    its census size and the tier of its seat; a pole without its own size
    is left out, the reason in ``attrs["excluded"]``: the host unit never
    stands in for it. Such a pole stays in the table (for maps and the
    tier table) with a missing size and ``excluded_reason``. All hierarchy figures of
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
        core's anchor or the seat), ``nested_in`` (the host unit of a
        place inside a unit, else empty), ``size_year`` (the year of a
        nested place's own size), geometry (the union of the units; for
        a nested place a disc of its stated area, ``geometry_quality``
        says so), in the units' CRS. ``attrs["excluded"]``: place id ->
        why it is not a place here.

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
                "name_en": str(core["name"] or core["name_zh"]),
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
                "name_en": str(units.loc[uid, "name_en"] or names[uid]) if "name_en" in units else str(names[uid]),
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
    nested, excluded = _nested_places(structure, size_col, nodes["places"])
    for row in rows:
        row.update(
            nested_in="", size_year=None, size_source="", geometry_quality="units", own_pop=math.nan, excluded_reason=""
        )
    rows += nested
    out = gpd.GeoDataFrame(pd.DataFrame(rows).set_index("label"), geometry="geometry", crs=units.crs)
    out.index.name = "place"
    out["plan_rank"] = out["plan_tier"].map({t: i + 1 for i, t in enumerate(TIER_ORDER)})
    out["size_year"] = out["size_year"].astype("Int64")
    out.attrs["excluded"] = excluded
    return out
