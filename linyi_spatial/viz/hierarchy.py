"""The hierarchy map: size circles coloured by plan tier, gravity-linkage lines, betweenness."""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from ..crs import WGS84
from ._html import fmt, fmt_measure, table
from .basemaps import shift
from .i18n import check_lang, code, tr
from .layers import context_units, geojson_layer, label, overlay, simplified_units, tooltip
from .legends import legend
from .mapobject import finish, new_map
from .structure import role_labels
from .style import OKABE_ITO

if TYPE_CHECKING:
    from ..hierarchy import HierarchyReport

__all__ = [
    "TIER_COLOURS",
    "hierarchy_map",
    "merged_units",
    "place_names",
    "size_key",
    "size_text",
    "tier_name",
    "units_of_analysis",
]


_TIER_ROLE = {"core": "core", "pole": "poles", "point": "points"}


def tier_name(report: HierarchyReport, tier: str, lang: str) -> str:
    """A plan tier in the plan's own words when its spec names the roles (一心, 三极, 多点), else the generic term.

    Parameters
    ----------
    report : HierarchyReport
    tier : {"core", "pole", "point", "other"}
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from linyi_spatial import linyi
    >>> tier_name(linyi.hierarchy_report(2020), "pole", "zh")
    '三极'
    """
    given = report.params.get("role_labels") or {}
    role = _TIER_ROLE.get(tier)
    if role is not None and role in given:
        return role_labels({"role_labels": given}, lang)[role]
    return code(tier, lang)


def size_text(report: HierarchyReport, lang: str) -> str:
    """The report's size in words and in ``lang`` ("urban residents, 2020", "2020年城镇常住人口").

    Never a column name when the structure says what the column is.

    Parameters
    ----------
    report : HierarchyReport
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from linyi_spatial import linyi
    >>> size_text(linyi.hierarchy_report(2020), "zh")
    '2020年城镇常住人口'
    """
    label = dict(report.params.get("size_label") or {"template": "{column}", "column": report.params["size"]})
    template = str(label.pop("template"))
    if template == "{column}":
        return str(label["column"])
    return tr(template, lang, **label)


TIER_COLOURS = {
    "core": OKABE_ITO["vermillion"],
    "pole": OKABE_ITO["orange"],
    "point": OKABE_ITO["green"],
    "other": OKABE_ITO["grey"],
}


def units_of_analysis(report: HierarchyReport, lang: str) -> str:
    """The report's places and size column, said in ``lang`` (the map title and the display's heading).

    Parameters
    ----------
    report : HierarchyReport
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> units_of_analysis(hierarchy_report(made_up_structure(), made_up_network(2020)), "zh")
    '5 个地点（每个单元单列），规模 = 常住人口'
    """
    p = report.params
    merged = p["merge_core"] and any(len(members) > 1 for members in report.places["units"])
    how = (
        "{n} places (the core's units merged into one central city), size = {size}"
        if merged
        else "{n} places (every unit separately), size = {size}"
    )
    text = tr(how, lang, n=p["n"], size=size_text(report, lang))
    names = place_names(report, lang)
    excluded = report.places.attrs.get("excluded", {})
    nested = report.places[(report.places["nested_in"] != "") & ~report.places.index.isin(list(excluded))]
    for pid, r in nested.iterrows():  # a pole without a size of its own is said in the legend, not here
        year = int(r["size_year"]) if pd.notna(r["size_year"]) else "?"
        host = names.get(r["nested_in"], r["nested_in"])
        text += tr("; {place}: its own size ({year}), inside {host}", lang, place=names[pid], year=year, host=host)
    return text


def place_names(report: HierarchyReport, lang: str) -> pd.Series:
    """The report's place names in ``lang``: ``name_en`` on English maps and charts (where known), else ``name``.

    Parameters
    ----------
    report : HierarchyReport
    lang : {"en", "zh"}

    Returns
    -------
    pandas.Series
        Name by place.

    Examples
    --------
    >>> from linyi_spatial import linyi
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> r = hierarchy_report(linyi.load_structure(), linyi.load_network(2020))
    >>> place_names(r, "en")["central_city"], place_names(r, "zh")["central_city"]
    ('Central urban area', '中心城区')
    """
    names = report.places["name"].astype(str)
    if lang == "en" and "name_en" in report.places:
        given = report.places["name_en"].fillna("").astype(str)
        names = given.where(given != "", names)
    return names


def merged_units(report: HierarchyReport, units: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The units merged into one place of the report (the core's districts), or None when there are none.

    Parameters
    ----------
    report : HierarchyReport
    units : GeoDataFrame or None

    Returns
    -------
    GeoDataFrame or None

    Examples
    --------
    >>> from linyi_spatial import linyi
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> s = linyi.load_structure()
    >>> sorted(merged_units(hierarchy_report(s, linyi.load_network(2020)), s.units)["name_en"])
    ['Hedong', 'Lanshan', 'Luozhuang']
    """
    if units is None:
        return None
    inside = [u for members in report.places["units"] if len(members) > 1 for u in members if u in units.index]
    return units.loc[inside] if inside else None


MIN_RADIUS_PX, MAX_EXTRA_PX = 4.0, 18.0
"""Circle radius = 4 px + 18 px · sqrt(size / largest size): area grows with size above a visible minimum."""


def _radius(value: float, largest: float) -> float:
    return float(MIN_RADIUS_PX + MAX_EXTRA_PX * np.sqrt(value / largest))


def _nice(value: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above ``value``."""
    k = 10.0 ** np.floor(np.log10(value))
    return float(max(m * k for m in (1, 2, 5) if m * k <= value))


def size_key(largest: float, lang: str) -> list[tuple[str, str, str]]:
    """Legend items of the proportional circles: the largest size and two round sizes, each at its map radius.

    Parameters
    ----------
    largest : float
        The largest size on the map.
    lang : {"en", "zh"}

    Returns
    -------
    list of (kind, colour, label)

    Examples
    --------
    >>> [(k, label) for k, _, label in size_key(2_745_000, "zh")]
    [('circle:22.0', '274.5 万人'), ('circle:11.7', '50.0 万人'), ('circle:7.4', '10.0 万人')]
    """
    values = [largest, _nice(largest / 4), _nice(largest / 20)]
    return [(f"circle:{_radius(v, largest):.1f}", "#ffffff", fmt_measure(v, "persons", lang)) for v in values]


def _size_layer(m: folium.Map, report: HierarchyReport, seats: gpd.GeoDataFrame, lang: str) -> None:
    size = report.params["size"]
    pop = report.places[size].astype(float)
    tiers = report.tiers
    words = size_text(report, lang)
    names = place_names(report, lang)
    layer = overlay(tr("Size ({size}) and plan tier", lang, size=words), show=True)
    for uid, row in seats.iterrows():
        tier = tiers.loc[uid, "plan_tier"] if uid in tiers.index else "other"
        place = report.places.loc[uid]
        sized = bool(np.isfinite(pop[uid]))
        rows = [
            (tr("place", lang), names[uid]),
            (words, fmt_measure(pop[uid], "persons", lang) if sized else tr("not known for this place", lang)),
        ]
        if place.get("nested_in", ""):
            host = names.get(place["nested_in"], place["nested_in"])
            rows.append((tr("inside", lang), host))
            if np.isfinite(place.get("own_pop", np.nan)):
                year = place.get("size_year")
                rows.append(
                    (
                        tr("residents (own figure, {year})", lang, year=int(year) if pd.notna(year) else "?"),
                        fmt_measure(place["own_pop"], "persons", lang),
                    )
                )
        rows += [
            (tr("plan tier", lang), tier_name(report, tier, lang)),
            (tr("data tier", lang), tiers.loc[uid, "data_rank"] if uid in tiers.index and sized else ""),
            (
                tr("consistent", lang),
                fmt(tiers.loc[uid, "consistent"], lang=lang) if uid in tiers.index and sized else "",
            ),
        ]
        if not sized:
            rows.append((tr("note", lang), tr("no size of its own in this column: left out of the size figures", lang)))
        radius = _radius(pop[uid], pop.max()) if sized else 6.0
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=radius,
            color=TIER_COLOURS.get(tier, "#999") if not sized else "#333",
            weight=1 if sized else 2,
            dash_array=None if sized else "3 3",
            fill=sized,
            fill_color=TIER_COLOURS.get(tier, "#999"),
            fill_opacity=0.8 if sized else 0.0,
            tooltip=tooltip(table(rows)),
        ).add_to(layer)
        label(m, [row.geometry.y, row.geometry.x], str(names[uid]), layer=layer, offset_px=radius + 3)
    layer.add_to(m)


def _link_layer(m: folium.Map, report: HierarchyReport, seats: gpd.GeoDataFrame, top_links: int, lang: str) -> None:
    names = place_names(report, lang)
    layer = overlay(tr("Gravity linkages (top {n})", lang, n=top_links), show=True)
    links = report.linkages.links.head(top_links)
    smax = links["strength"].max()
    for r in links.itertuples():
        if r.i not in seats.index or r.j not in seats.index:
            continue
        p, q = seats.geometry[r.i], seats.geometry[r.j]
        tip = table(
            [
                (tr("link", lang), f"{names.get(r.i, r.i)} — {names.get(r.j, r.j)}"),
                (tr("strength (relative to the strongest)", lang), f"{r.strength / smax:.2f}"),
                (tr("travel time", lang), fmt_measure(r.travel_time_min, "min", lang)),
                (tr("share of {name}", lang, name=names.get(r.i, r.i)), fmt_measure(r.share_of_i, "share", lang)),
                (tr("share of {name}", lang, name=names.get(r.j, r.j)), fmt_measure(r.share_of_j, "share", lang)),
            ]
        )
        folium.PolyLine(
            [(p.y, p.x), (q.y, q.x)],
            color=OKABE_ITO["blue"],
            opacity=0.7,
            weight=float(1 + 11 * r.strength / smax),
            tooltip=tooltip(tip),
        ).add_to(layer)
    layer.add_to(m)


def _centrality_layer(m: folium.Map, report: HierarchyReport, seats: gpd.GeoDataFrame, lang: str) -> None:
    layer = overlay(tr("Betweenness centrality", lang), show=False)
    btw = report.centrality["betweenness"]
    bmax = btw.max() if btw.max() > 0 else 1.0
    for uid, row in seats.iterrows():
        if uid not in btw.index:
            continue
        c = report.centrality.loc[uid]
        tip = table(
            [
                (tr("place", lang), place_names(report, lang)[uid]),
                (tr("betweenness", lang), f"{c['betweenness']:.3f}"),
                (tr("mean travel time", lang), fmt_measure(c["mean_time_min"], "min", lang)),
                (tr("straightness", lang), f"{c['straightness']:.2f}"),
            ]
        )
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=float(3 + 15 * c["betweenness"] / bmax),
            color=OKABE_ITO["purple"],
            fill=True,
            fill_opacity=0.6,
            tooltip=tooltip(tip),
        ).add_to(layer)
    layer.add_to(m)


def hierarchy_map(
    report: HierarchyReport,
    *,
    top_links: int = 20,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    source: str | None = None,
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
    lang : {"en", "zh"}, optional
        Interface language (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    units : GeoDataFrame, optional
        The areal units: those merged into one place (the core's) are outlined
        and named inside it, so every unit is named (the others by their place).
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).

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
    lang = check_lang(lang)
    places = report.places.to_crs(WGS84)
    title = tr("Urban hierarchy: {units}", lang, units=units_of_analysis(report, lang))
    m = new_map(places.total_bounds, tiles, title, tiles_key, lang)
    datum = m.datum
    shapes = simplified_units(places[["name", "geometry"]])
    base = overlay(tr("Places", lang), show=True)
    geojson_layer(
        base,
        shapes,
        datum,
        lambda _f: {"color": "#888", "weight": 1, "fillColor": "#fff", "fillOpacity": 0.1},
        [table([(tr("place", lang), place_names(report, lang)[u]), (tr("id", lang), u)]) for u in shapes.index],
    )
    base.add_to(m)
    points = gpd.GeoDataFrame(places[["name"]], geometry=gpd.points_from_xy(places["x"], places["y"]), crs=places.crs)
    seats = shift(points, datum)
    _size_layer(m, report, seats, lang)
    _link_layer(m, report, seats, top_links, lang)
    _centrality_layer(m, report, seats, lang)
    merged = merged_units(report, units)
    if merged is not None:
        context_units(m, merged, lang, name=tr("Units merged into the core", lang))
    tiers = set(report.places["plan_tier"])
    items = [  # only the tiers the plan has (a region of cities has no poles)
        ("dot", TIER_COLOURS[t], tr("plan tier: {tier}", lang, tier=tier_name(report, t, lang)))
        for t in ("core", "pole", "point")
        if t in tiers
    ]
    items += [
        ("line", OKABE_ITO["blue"], tr("gravity linkage (width ∝ strength)", lang)),
        ("dot", OKABE_ITO["purple"], tr("betweenness", lang)),
    ]
    size = report.params["size"]
    words = size_text(report, lang)
    unsized = report.places[report.places[size].isna()]
    for pid in unsized.index:
        items.append(
            (
                "ring",
                TIER_COLOURS["pole"],
                tr(
                    "{place}: {tier}, own {size} unknown",
                    lang,
                    place=place_names(report, lang)[pid],
                    tier=tier_name(report, "pole", lang),
                    size=words,
                ),
            )
        )
    items += size_key(float(report.places[size].astype(float).max()), lang)
    return finish(m, legend(tr("Circle area ∝ size ({size})", lang, size=words), items, source=source))
