"""The hierarchy map: size circles coloured by plan tier, gravity-linkage lines, betweenness."""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np

from ..crs import WGS84
from ._html import fmt, table
from .base import OKABE_ITO, finish, geojson_layer, legend, new_map, overlay, shift, simplified_units

if TYPE_CHECKING:
    from ..hierarchy import HierarchyReport

__all__ = ["TIER_COLOURS", "hierarchy_map"]

TIER_COLOURS = {
    "core": OKABE_ITO["vermillion"],
    "pole": OKABE_ITO["orange"],
    "point": OKABE_ITO["green"],
    "other": OKABE_ITO["grey"],
}


def _size_layer(m: folium.Map, report: HierarchyReport, seats: gpd.GeoDataFrame) -> None:
    size = report.params["size"]
    pop = report.places[size].astype(float)
    tiers = report.tiers
    layer = overlay(f"{size} and plan tier", show=True)
    for uid, row in seats.iterrows():
        tier = tiers.loc[uid, "plan_tier"] if uid in tiers.index else "other"
        tip = table(
            [
                ("place", report.places.loc[uid, "name"]),
                (size, fmt(int(pop[uid]))),
                ("plan tier", tier),
                ("data tier", tiers.loc[uid, "data_rank"] if uid in tiers.index else ""),
                ("consistent", tiers.loc[uid, "consistent"] if uid in tiers.index else ""),
            ]
        )
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=float(4 + 18 * np.sqrt(pop[uid] / pop.max())),
            color="#333",
            weight=1,
            fill=True,
            fill_color=TIER_COLOURS.get(tier, "#999"),
            fill_opacity=0.8,
            tooltip=folium.Tooltip(tip),
        ).add_to(layer)
    layer.add_to(m)


def _link_layer(m: folium.Map, report: HierarchyReport, seats: gpd.GeoDataFrame, top_links: int) -> None:
    names = report.places["name"]
    layer = overlay(f"Gravity linkages (top {top_links})", show=True)
    links = report.linkages.links.head(top_links)
    smax = links["strength"].max()
    for r in links.itertuples():
        if r.i not in seats.index or r.j not in seats.index:
            continue
        p, q = seats.geometry[r.i], seats.geometry[r.j]
        tip = table(
            [
                ("link", f"{names.get(r.i, r.i)} — {names.get(r.j, r.j)}"),
                ("strength (relative)", f"{r.strength / smax:.2f}"),
                ("travel time (min)", fmt(r.travel_time_min)),
                (f"share of {names.get(r.i, r.i)}", f"{r.share_of_i:.1%}"),
                (f"share of {names.get(r.j, r.j)}", f"{r.share_of_j:.1%}"),
            ]
        )
        folium.PolyLine(
            [(p.y, p.x), (q.y, q.x)],
            color=OKABE_ITO["blue"],
            opacity=0.7,
            weight=float(1 + 11 * r.strength / smax),
            tooltip=folium.Tooltip(tip),
        ).add_to(layer)
    layer.add_to(m)


def _centrality_layer(m: folium.Map, report: HierarchyReport, seats: gpd.GeoDataFrame) -> None:
    layer = overlay("Betweenness centrality", show=False)
    btw = report.centrality["betweenness"]
    bmax = btw.max() if btw.max() > 0 else 1.0
    for uid, row in seats.iterrows():
        if uid not in btw.index:
            continue
        c = report.centrality.loc[uid]
        tip = table(
            [
                ("place", report.places.loc[uid, "name"]),
                ("betweenness", f"{c['betweenness']:.3f}"),
                ("mean travel time (min)", fmt(c["mean_time_min"])),
                ("straightness", f"{c['straightness']:.2f}"),
            ]
        )
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=float(3 + 15 * c["betweenness"] / bmax),
            color=OKABE_ITO["purple"],
            fill=True,
            fill_opacity=0.6,
            tooltip=folium.Tooltip(tip),
        ).add_to(layer)
    layer.add_to(m)


def hierarchy_map(
    report: HierarchyReport, *, top_links: int = 20, tiles: str | None = "osm", tiles_key: str | None = None
) -> folium.Map:
    """Hierarchy: size circles coloured by plan tier, gravity-linkage lines, centrality.

    Drawn on the report's places (the core merged into one central city
    unless the report says otherwise, as the title states). Circle area is
    proportional to the report's size column (``radius ∝ sqrt(size)``);
    line width to the linkage strength of the ``top_links`` strongest pairs;
    a third layer sizes places by travel-time betweenness.

    Parameters
    ----------
    report : HierarchyReport
        From :func:`linyi_spatial.hierarchy.hierarchy_report`.
    top_links : int, default 20
    tiles, tiles_key : basemap

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> r = hierarchy_report(made_up_structure(), made_up_network(2020))
    >>> isinstance(hierarchy_map(r, tiles=None), folium.Map)
    True
    """
    places = report.places.to_crs(WGS84)
    title = f"Urban hierarchy: {report.units_of_analysis}"
    m = new_map(places.total_bounds, tiles, title, tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    shapes = simplified_units(places[["name", "geometry"]])
    base = overlay("Places", show=True)
    geojson_layer(
        base,
        shapes,
        datum,
        lambda _f: {"color": "#888", "weight": 1, "fillColor": "#fff", "fillOpacity": 0.1},
        [table([("place", r["name"]), ("id", u)]) for u, r in shapes.iterrows()],
    )
    base.add_to(m)
    points = gpd.GeoDataFrame(places[["name"]], geometry=gpd.points_from_xy(places["x"], places["y"]), crs=places.crs)
    seats = shift(points, datum)
    _size_layer(m, report, seats)
    _link_layer(m, report, seats, top_links)
    _centrality_layer(m, report, seats)
    items = [("dot", TIER_COLOURS[t], f"plan tier: {t}") for t in ("core", "pole", "point")]
    items += [
        ("line", OKABE_ITO["blue"], "gravity linkage (width ∝ strength)"),
        ("dot", OKABE_ITO["purple"], "betweenness"),
    ]
    size = report.params["size"]
    largest = report.places[size].astype(float).max()
    items.append(("dot", "#ffffff", f"largest circle: {fmt(int(largest))} ({size})"))
    return finish(m, legend(f"Circle area ∝ {size}", items))
