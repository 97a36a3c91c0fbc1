"""The structure map: units, core, axes, poles and points, with the transport network underneath."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ..crs import GCJ02, WGS84, transform_geometry
from ..errors import OptionError
from ._html import fmt_measure, table
from .basemaps import point, shift
from .i18n import check_lang, code, local_name, tr
from .layers import geojson_layer, label, local_unit_names, overlay, simplified_units, tooltip
from .legends import legend
from .mapobject import finish, new_map
from .style import OKABE_ITO

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = [
    "RAIL_STYLE",
    "ROAD_STYLE",
    "ROLE_LABELS",
    "context_names",
    "network_frame",
    "network_items",
    "network_layers",
    "role_labels",
    "structure_map",
]

ROAD_STYLE = {
    "expressway": (OKABE_ITO["vermillion"], 3.0),
    "trunk": (OKABE_ITO["orange"], 2.0),
    "urban": (OKABE_ITO["grey"], 1.5),
    "connector": (OKABE_ITO["grey"], 1.0),
}
RAIL_STYLE = {"hsr": (OKABE_ITO["purple"], 3.0), "rail": (OKABE_ITO["black"], 2.0)}

ROAD_GROUPS: tuple[tuple[str, frozenset[str], str, float], ...] = (
    ("expressway", frozenset({"expressway", "motorway", "motorway_link"}), OKABE_ITO["vermillion"], 3.0),
    ("national / trunk road", frozenset({"trunk", "trunk_link"}), OKABE_ITO["orange"], 2.4),
    # browns and greys below the trunk roads: none of the structure's own colours (axes blue, points green/sky)
    ("primary road", frozenset({"primary", "primary_link"}), "#8c510a", 2.0),
    ("secondary road", frozenset({"secondary", "secondary_link"}), "#bf812d", 1.6),
    ("tertiary road", frozenset({"tertiary", "tertiary_link"}), "#8c8c8c", 1.3),
)
"""Road classes drawn alike and named once in the legend: the embedded network's classes and OSM ``highway``
values of the same rank; any other road class is drawn thin and grey as "other roads"."""
_OTHER_ROAD = ("#b3b3b3", 1.0)


def _road_style(cls: object) -> tuple[str, float, str]:
    """Colour, width and legend label of a road class."""
    if str(cls) in ROAD_STYLE:  # the embedded network's own classes keep their widths
        colour, weight = ROAD_STYLE[str(cls)]
        group = next((g for g in ROAD_GROUPS if str(cls) in g[1]), None)
        return colour, weight, group[0] if group else "other roads"
    for name, members, colour, weight in ROAD_GROUPS:
        if str(cls) in members:
            return colour, weight if not str(cls).endswith("_link") else weight * 0.7, name
    return (
        _OTHER_ROAD[0],
        _OTHER_ROAD[1] * (0.8 if str(cls) in ("residential", "service", "living_street") else 1.0),
        ("other roads"),
    )


ROLE_LABELS = {"units": "Units", "core": "Core", "axes": "Axes", "poles": "Poles", "points": "Points"}
"""Layer names by role (translated with :func:`~linyi_spatial.viz.i18n.tr`); a spec may override them with
``[region.role_labels]``, a name per role or a table of names by language (``core = {en = "Core", zh = "一心"}``)."""


def role_labels(meta: Mapping[str, object], lang: str) -> dict[str, str]:
    """Layer names by role in ``lang``: the spec's ``role_labels`` over the translated defaults.

    Parameters
    ----------
    meta : mapping
        The structure's ``meta`` (its spec's ``[region]`` table).
    lang : {"en", "zh"}

    Returns
    -------
    dict of str -> str

    Examples
    --------
    >>> role_labels({"role_labels": {"core": {"en": "Core", "zh": "一心"}}}, "zh")["core"]
    '一心'
    >>> role_labels({}, "zh")["poles"]
    '增长极'
    """
    out = {role: tr(text, lang) for role, text in ROLE_LABELS.items()}
    given = meta.get("role_labels", {})
    for role, given_text in dict(given).items() if isinstance(given, Mapping) else ():
        text = given_text.get(lang, given_text.get("en")) if isinstance(given_text, Mapping) else given_text
        if text:
            out[str(role)] = str(text)
    return out


def network_frame(G: nx.Graph) -> gpd.GeoDataFrame:
    """The network's roads and railways as every map draws them: one row per link, with colour, width and group.

    Roads are styled by rank (:data:`ROAD_GROUPS`), the embedded classes and
    OSM ``highway`` values alike; a link's two directions are one row.

    Parameters
    ----------
    G : networkx graph
        Edges with ``mode`` (road/rail), ``class``, ``status`` and ``geometry`` (else straight).

    Returns
    -------
    GeoDataFrame
        ``mode``, ``class``, ``status``, ``name``, ``ref``, ``osmid``,
        ``opened``, ``length``, ``colour``, ``weight`` (px), ``group``
        (the legend's: a road group, ``high-speed rail`` or ``railway``)
        and geometry, in WGS-84.

    Raises
    ------
    OptionError
        If ``G`` is not a networkx graph.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> sorted(set(network_frame(made_up_network(2035))["group"]))
    ['expressway', 'national / trunk road', 'other roads', 'railway']
    """
    if not isinstance(G, nx.Graph):
        raise OptionError("G must be a networkx graph")
    seen: set[object] = set()
    rows = []
    for u, v, d in G.edges(data=True):
        link = d.get("link", f"{u}->{v}")
        if link in seen or d.get("mode") not in ("road", "rail"):
            continue
        seen.add(link)
        if d["mode"] == "road":
            colour, weight, group = _road_style(d.get("class"))
        else:
            colour, weight = RAIL_STYLE.get(str(d.get("class")), RAIL_STYLE["rail"])
            group = "high-speed rail" if d.get("class") == "hsr" else "railway"
        geom = d.get("geometry") or shapely.LineString(
            [(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])]
        )
        rows.append(
            {
                **{key: d.get(key) for key in ("mode", "class", "name", "ref", "osmid", "opened")},
                "status": d.get("status", "open"),
                "length": d.get("length", np.nan),
                "colour": colour,
                "weight": weight,
                "group": group,
                "geometry": geom,
            }
        )
    columns = ["mode", "class", "name", "ref", "osmid", "opened", "status", "length", "colour", "weight", "group"]
    return gpd.GeoDataFrame(rows, columns=[*columns, "geometry"], geometry="geometry", crs=G.graph.get("crs", WGS84))


def network_items(lines: gpd.GeoDataFrame, lang: str) -> list[tuple[str, str, str]]:
    """Legend items of a :func:`network_frame`: the road groups, railways and planned lines it has, in rank order.

    Parameters
    ----------
    lines : GeoDataFrame
        From :func:`network_frame`.
    lang : {"en", "zh"}

    Returns
    -------
    list of (kind, colour, label)

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> [label for _, _, label in network_items(network_frame(made_up_network(2035)), "en")]
    ['expressway', 'national / trunk road', 'other roads', 'railway', 'planned / under construction']
    """
    present = set(lines["group"])
    order = [g[0] for g in ROAD_GROUPS] + ["other roads", "high-speed rail", "railway"]
    items = [("line", _first_colour(lines, name), tr(name, lang)) for name in order if name in present]
    if (lines["status"] != "open").any():
        items.append(("dash", OKABE_ITO["grey"], tr("planned / under construction", lang)))
    return items


def _first_colour(lines: gpd.GeoDataFrame, group: str) -> str:
    """The colour a group is drawn in (its first link's; the rail groups' own)."""
    if group == "high-speed rail":
        return RAIL_STYLE["hsr"][0]
    if group == "railway":
        return RAIL_STYLE["rail"][0]
    return str(lines.loc[lines["group"] == group, "colour"].iloc[0])


def network_layers(m: folium.Map, G: nx.Graph, datum: str, lang: str = "en") -> list[tuple[str, str, str]]:
    """Draw roads and railways by class (planned/under-construction dashed); return the legend items of what is drawn.

    The links, their styles and the legend come from :func:`network_frame`
    and :func:`network_items`, as on the static maps.

    Parameters
    ----------
    m : folium.Map
    G : networkx graph
        Edges with ``mode`` (road/rail), ``class``, ``status``, ``geometry``.
    datum : str
        The basemap's datum.
    lang : {"en", "zh"}, default "en"

    Returns
    -------
    list of (kind, colour, label)

    Raises
    ------
    OptionError
        If ``G`` is not a networkx graph.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network
    >>> m = new_map([10, 50, 11, 51], None, "t")
    >>> [label for _, _, label in network_layers(m, made_up_network(2035), "EPSG:4326")]
    ['expressway', 'national / trunk road', 'other roads', 'railway', 'planned / under construction']
    """
    lines = network_frame(G)
    roads = overlay(tr("Roads by class", lang), show=True)
    rails = overlay(tr("Railways", lang), show=True)
    for d, line in zip(lines.to_dict("records"), lines.geometry, strict=True):
        geom = transform_geometry([line], WGS84, GCJ02)[0] if datum == GCJ02 else line
        osm = d.get("osmid")
        tip = table(
            [
                (tr("line", lang), d.get("name")),
                (tr("ref", lang), d.get("ref")),
                *(
                    [(tr("OSM way", lang), ", ".join(str(w) for w in (osm if isinstance(osm, list) else [osm])[:5]))]
                    if osm is not None and not (isinstance(osm, float) and np.isnan(osm))
                    else []
                ),
                (tr("class", lang), code(d.get("class"), lang)),
                (tr("status", lang), code(d["status"], lang)),
                (tr("opened", lang), d.get("opened")),
                (tr("length (km)", lang), fmt_measure(d["length"] / 1000, "km", lang)),
            ]
        )
        folium.PolyLine(
            [(y, x) for x, y in geom.coords],
            color=d["colour"],
            weight=d["weight"],
            opacity=0.85,
            dash_array="6 5" if d["status"] != "open" else None,
            tooltip=tooltip(tip),
        ).add_to(roads if d["mode"] == "road" else rails)
    roads.add_to(m)
    if (lines["mode"] == "rail").any():  # no empty "Railways" switch for a road-only network
        rails.add_to(m)
    return network_items(lines, lang)


def _unit_tips(s: SpatialStructure, units: gpd.GeoDataFrame, lang: str) -> list[str]:
    names = s.unit_names()
    size = s.column("size", required=False)
    urban = s.column("urban", required=False)
    tips = []
    for uid, unit in units.iterrows():
        rows: list[tuple[str, object]] = [(tr("unit", lang), names.get(uid, uid)), (tr("id", lang), uid)]
        if size:
            words = s.size_label(size)
            fields = {k: v for k, v in words.items() if k != "template"}
            what = size if words["template"] == "{column}" else tr(str(words["template"]), lang, **fields)
            rows.append((tr("size ({column})", lang, column=what), fmt_measure(unit[size], "persons", lang)))
        if size and urban:
            share = float(unit[urban]) / float(unit[size]) if float(unit[size]) > 0 else float("nan")  # nobody: "–"
            rows.append((tr("urban share", lang), fmt_measure(share, "share", lang)))
        if "area_km2" in unit:
            rows.append((tr("area (km²)", lang), fmt_measure(unit["area_km2"], "km²", lang)))
        tips.append(table(rows))
    return tips


def _core_layer(m: folium.Map, s: SpatialStructure, datum: str, label: str, lang: str) -> folium.FeatureGroup:
    core = s.core.iloc[0]
    names = s.unit_names()
    layer = overlay(label, show=True)
    tip = table(
        [
            (tr("core", lang), core["name_zh"] or core["name"]),
            (tr("name (en)", lang) if lang == "zh" else tr("name", lang), core["name"]),
            (tr("units", lang), ", ".join(str(names.get(u, u)) for u in core["units"])),
            (tr("area (km²)", lang), fmt_measure(core["area_km2"], "km²", lang)),
            (tr("status", lang), code(core["status"], lang)),
            (tr("source", lang), core["source"]),
        ]
    )
    style = {"color": OKABE_ITO["vermillion"], "weight": 2.5, "fillColor": OKABE_ITO["vermillion"], "fillOpacity": 0.25}
    geojson_layer(layer, s.core, datum, lambda _f: style, [tip])
    layer.add_to(m)
    return layer


def _anchor(m: folium.Map, s: SpatialStructure, datum: str, layer: folium.FeatureGroup, lang: str) -> None:
    """The core's anchor, drawn last so no axis hides it, with the core's name written beside it."""
    core = s.core.iloc[0]
    anchor = s.places.loc[core["anchor"]]
    where = point(core["anchor_lon"], core["anchor_lat"], datum)
    folium.CircleMarker(
        where,
        radius=9,
        color="#ffffff",
        weight=2,
        fill=True,
        fill_color=OKABE_ITO["vermillion"],
        fill_opacity=1,
        tooltip=tooltip(
            table(
                [
                    (tr("core anchor", lang), anchor["name_zh"] or anchor["name"]),
                    (tr("name (en)", lang) if lang == "zh" else tr("name", lang), anchor["name"]),
                ]
            )
        ),
    ).add_to(layer)
    label(m, where, local_name(core["name_zh"], core["name"], lang), layer=layer)


def _axes_layer(m: folium.Map, s: SpatialStructure, datum: str, name: str, lang: str) -> None:
    layer = overlay(name, show=True)
    for aid, axis in shift(s.axes, datum).iterrows():
        tip = table(
            [
                (tr("axis", lang), axis["name_zh"] or axis["name"]),
                (tr("name (en)", lang) if lang == "zh" else tr("name", lang), axis["name"]),
                (tr("id", lang), aid),
                (tr("corridors", lang), " / ".join(axis["corridors"])),
                (tr("length (km)", lang), fmt_measure(axis["length_km"], "km", lang)),
                (tr("status", lang), code(axis["status"], lang)),
                (tr("source", lang), axis.get("source", "")),
                (tr("reason", lang), axis.get("reason", "")),
            ]
        )
        folium.PolyLine(
            [(y, x) for x, y in axis.geometry.coords],
            color=OKABE_ITO["blue"],
            weight=6,
            opacity=0.75,
            dash_array="10 6" if axis["status"] == "reconstruction" else None,
            tooltip=tooltip(tip),
        ).add_to(layer)
        where = axis.geometry.interpolate(AXIS_LABEL_AT, normalized=True)  # out where the axes fan apart
        label(m, [where.y, where.x], _axis_short_name(axis, lang), layer=layer, axis=True)
    layer.add_to(m)


AXIS_LABEL_AT = 0.7
"""Where along an axis (share of its length from its start in the core) its name is written."""


def _axis_short_name(axis: pd.Series, lang: str) -> str:
    """An axis's name without the parenthesised route (北向轴（中心城区—沂南—沂水） -> 北向轴)."""
    text = local_name(axis["name_zh"], axis["name"], lang)
    return text.split("（")[0].split(" (")[0].strip() or text


def _point_layer(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    datum: str,
    name: str,
    style: tuple[str, int],
    *,
    units: pd.Series,
    lang: str,
    named: bool = False,
) -> None:
    colour, radius = style
    layer = overlay(name, show=True)
    for pid, row in shift(frame, datum).iterrows():
        tip = table(
            [
                (tr("name", lang), row["name_zh"] or row["name"]),
                (tr("name (en)", lang), row["name"]),
                (tr("id", lang), pid),
                (tr("kind", lang), code(row["kind"], lang)),
                (tr("unit", lang), units.get(row["unit"], row["unit"])),
                (tr("status", lang), code(row["status"], lang)),
                (tr("source", lang), row["source"]),
                (tr("reason", lang), row["reason"]),
            ]
        )
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=radius,
            color="#333333",
            weight=1,
            fill=True,
            fill_color=colour,
            fill_opacity=0.95,
            tooltip=tooltip(tip),
        ).add_to(layer)
        if named:
            label(m, [row.geometry.y, row.geometry.x], local_name(row["name_zh"], row["name"], lang), layer=layer)
    layer.add_to(m)


def _context_layer(m: folium.Map, context: gpd.GeoDataFrame, lang: str) -> None:
    """Neighbouring areas in grey, named at a point inside each (the province after it when it is another)."""
    datum = str(getattr(m, "datum", WGS84))
    layer = overlay(tr("Neighbouring prefectures", lang), show=True)
    style = {"color": "#9a9a9a", "weight": 1, "fillColor": "#d9d9d9", "fillOpacity": 0.45, "interactive": False}
    folium.GeoJson(
        shift(context[[context.geometry.name]], datum).__geo_interface__, style_function=lambda _f: style
    ).add_to(layer)
    names = context_names(context, lang)
    for aid, where in shift(context.geometry.representative_point(), datum).items():
        label(m, [where.y, where.x], names[aid], layer=layer, context=True)
    layer.add_to(m)


def context_names(context: gpd.GeoDataFrame, lang: str) -> pd.Series:
    """Neighbouring areas' names in ``lang``, with the province after those of another province than most.

    Parameters
    ----------
    context : GeoDataFrame
        ``name_zh``/``name_en`` and, optionally, ``province``/``province_en``.
    lang : {"en", "zh"}

    Returns
    -------
    pandas.Series
        Name by area, as the structure map and its figure write them.

    Examples
    --------
    >>> c = gpd.GeoDataFrame({"name_zh": ["日照市", "潍坊市", "徐州市"], "name_en": ["Rizhao", "Weifang", "Xuzhou"],
    ...                       "province": ["山东省", "山东省", "江苏省"],
    ...                       "province_en": ["Shandong", "Shandong", "Jiangsu"]},
    ...                      geometry=[shapely.Point(0, 0), shapely.Point(1, 0), shapely.Point(1, 1)])
    >>> context_names(c, "en").tolist(), context_names(c, "zh")[2]
    (['Rizhao', 'Weifang', 'Xuzhou (Jiangsu)'], '徐州市（江苏省）')
    """
    provinces = context["province"].value_counts() if "province" in context else None
    home = provinces.index[0] if provinces is not None and len(provinces) else None
    names = local_unit_names(context, lang)
    out = {}
    for aid, row in context.iterrows():
        text = str(names.get(aid, aid))
        province = row.get("province")
        if province and province != home:
            words = local_name(province, row.get("province_en"), lang)
            text = f"{text}（{words}）" if lang == "zh" else f"{text} ({words})"
        out[aid] = text
    return pd.Series(out, dtype=object)


def structure_map(
    structure: SpatialStructure,
    *,
    G: nx.Graph | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    source: str | None = None,
) -> folium.Map:
    """Map the planned structure: units, core, axes, poles, points and (optionally) the network.

    Parameters
    ----------
    structure : SpatialStructure
        The structure to draw.
    G : networkx graph, optional
        Transport network to draw by mode and class (planned lines dashed),
        e.g. the plan-horizon network.
    tiles : str or None, default "osm"
        A key of :data:`~linyi_spatial.viz.basemaps.BASEMAPS`; ``None``/``"none"`` draws no tiles.
    tiles_key : str, optional
        API key for basemaps that need one (Tianditu).
    lang : {"en", "zh"}, optional
        Language of titles, legends, layer names and tooltips (default:
        :func:`~linyi_spatial.viz.i18n.get_lang`); names come from the data
        (``name_zh`` first in Chinese).
    context : GeoDataFrame, optional
        Neighbouring areas drawn in grey under the region and named (``name_zh``/``name_en``, with
        ``province`` when it differs from the region's), e.g. :func:`linyi_spatial.linyi.load_neighbours`.
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).

    Returns
    -------
    folium.Map
        Layers: neighbours (when given), units, core, axes, poles, points (and roads/railways), with
        layer control, scale bar, full-screen button and legend.

    Raises
    ------
    OptionError
        If ``tiles`` is not a known basemap.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> isinstance(structure_map(made_up_structure(), tiles=None), folium.Map)
    True
    """
    lang = check_lang(lang)
    s = structure.to_crs(WGS84)
    labels = role_labels(s.meta, lang)
    name = local_name(s.meta.get("name_zh"), s.name, lang)
    title = f"{name} — {s.meta.get('pattern') or tr('planned spatial structure', lang)}"
    m = new_map(s.units.total_bounds, tiles, title, tiles_key, lang)
    datum = m.datum
    if context is not None and len(context):
        _context_layer(m, context.to_crs(WGS84), lang)
    units = simplified_units(s.units)
    layer = overlay(labels["units"], show=True)
    unit_style = {"color": OKABE_ITO["grey"], "weight": 1, "fillColor": "#ffffff", "fillOpacity": 0.15}
    geojson_layer(layer, units, datum, lambda _f: unit_style, _unit_tips(s, units, lang))
    names = local_unit_names(s.units, lang, fallback=s.unit_names())  # in the page's language
    inside = shift(units.geometry.representative_point(), datum)  # a point inside each unit, for its name
    for uid, where in inside.items():
        label(m, [where.y, where.x], str(names.get(uid, uid)), layer=layer, unit=True)
    layer.add_to(m)
    items = [("box", OKABE_ITO["vermillion"], labels["core"])]
    if G is not None:
        items += network_layers(m, G, datum, lang)
    core_layer = _core_layer(m, s, datum, labels["core"], lang)
    _axes_layer(m, s, datum, labels["axes"], lang)
    items.append(("dash", OKABE_ITO["blue"], tr("{axes} (dashed: reconstructed)", lang, axes=labels["axes"])))
    _point_layer(m, s.poles, datum, labels["poles"], (OKABE_ITO["orange"], 8), named=True, units=names, lang=lang)
    items.append(("dot", OKABE_ITO["orange"], labels["poles"]))
    seats = s.points["place"].isin(s.seats.index).to_numpy()
    _point_layer(m, s.points[seats], datum, labels["points"], (OKABE_ITO["green"], 6), units=names, lang=lang)
    items.append(("dot", OKABE_ITO["green"], tr("{points}: unit seats", lang, points=labels["points"])))
    if (~seats).any():
        others = tr("{points}: other places", lang, points=labels["points"])
        _point_layer(m, s.points[~seats], datum, others, (OKABE_ITO["sky"], 4), units=names, lang=lang)
        items.append(
            ("dot", OKABE_ITO["sky"], tr("{points}: other places (e.g. key towns)", lang, points=labels["points"]))
        )
    _anchor(m, s, datum, core_layer, lang)
    return finish(m, legend(tr("Planned structure", lang), items, source=source))
