"""Interactive folium maps of the planned structure, accessibility and hierarchy.

Conventions
-----------
- Every string that comes from data or the user is HTML-escaped before it
  reaches a tooltip, popup, legend or title.
- Colours: the Okabe–Ito palette for categories and viridis/cividis-like
  sequential ramps for measures, all distinguishable under the common
  colour-vision deficiencies; delta maps use a blue–orange diverging ramp.
- Basemaps (:data:`BASEMAPS`): WGS-84 tile sets (OpenStreetMap, CARTO,
  Tianditu, whose CGCS2000 datum matches WGS-84 within centimetres) draw
  overlays as stored; GCJ-02 tile sets (Amap/高德) get every overlay shifted
  into GCJ-02 first, so lines and polygons sit on the right streets.
- Size budget: each HTML file stays under 3 MB with Leaflet inlined.
  County polygons are simplified to 50 m (shared borders stay shared, so
  no gaps open between counties) and grid surfaces are dissolved by class.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import branca
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._offline import inline_assets
from .crs import GCJ02, WGS84, projected_crs, transform_geometry
from .errors import LinyiSpatialError
from .structure import SpatialStructure

__all__ = [
    "BASEMAPS",
    "OKABE_ITO",
    "accessibility_map",
    "choropleth_map",
    "hierarchy_map",
    "isochrone_map",
    "save_html",
    "scenario_map",
    "structure_map",
    "surface_map",
]

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#666666",
    "black": "#000000",
}

SEQUENTIAL = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]  # viridis, light = best
DIVERGING = ["#542788", "#8073ac", "#b2abd2", "#d8daeb", "#f7f7f7", "#f1a340"]  # PuOr: faster ... neutral, slower

BASEMAPS: dict[str, dict[str, Any]] = {
    "osm": {"tiles": "OpenStreetMap", "attr": None, "datum": WGS84},
    "cartodb": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": "&copy; OpenStreetMap contributors &copy; CARTO",
        "datum": WGS84,
    },
    "amap": {
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "attr": "&copy; 高德地图 AutoNavi",
        "datum": GCJ02,
        "subdomains": "1234",
    },
    "tianditu": {
        "tiles": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "attr": "&copy; 天地图 Tianditu",
        "datum": WGS84,
        "subdomains": "01234567",
        "needs_key": "TIANDITU_KEY",
    },
    "none": {"tiles": None, "attr": None, "datum": WGS84},
}
"""Basemaps: name -> tile URL, attribution and datum. Tianditu needs a key (``TIANDITU_KEY`` or ``tiles_key``)."""


# --------------------------------------------------------------------------- helpers


def _esc(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value))


def _fmt(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "unreachable" if isinstance(value, float) and np.isinf(value) else ""
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(rows: Sequence[tuple[str, object]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
        for k, v in rows
        if v not in ("", None)
    )
    return f"<table>{body}</table>"


def _basemap(tiles: str | None) -> dict[str, Any]:
    key = "none" if tiles is None else tiles
    if key not in BASEMAPS:
        raise ValueError(f"unknown tiles {tiles!r}; expected one of {sorted(BASEMAPS)}")
    return BASEMAPS[key]


def _shift(gdf: gpd.GeoDataFrame | gpd.GeoSeries, datum: str) -> Any:
    """Overlay geometries in the basemap's datum (GCJ-02 for Chinese tile sets)."""
    out = gdf.to_crs(WGS84)
    if datum == GCJ02:
        geoms = transform_geometry(out.geometry.to_numpy(), WGS84, GCJ02)
        if isinstance(out, gpd.GeoDataFrame):
            out = out.copy()
            out[out.geometry.name] = geoms
        else:
            out = gpd.GeoSeries(geoms, index=out.index, crs=WGS84)
    return out


def _point(x: float, y: float, datum: str) -> list[float]:
    if datum == GCJ02:
        g = transform_geometry([shapely.Point(x, y)], WGS84, GCJ02)[0]
        x, y = g.x, g.y
    return [y, x]


_FULLSCREEN_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var Btn = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function() {
      var a = L.DomUtil.create('a', 'leaflet-bar leaflet-control linyi-fullscreen');
      a.href = '#'; a.title = 'Full screen'; a.innerHTML = '&#x25A1;';
      a.style.cssText = 'width:30px;height:30px;line-height:30px;text-align:center;background:#fff;font-size:18px';
      L.DomEvent.on(a, 'click', function(e) {
        L.DomEvent.preventDefault(e);
        var el = map.getContainer();
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (el.requestFullscreen) { el.requestFullscreen(); }
      });
      return a;
    }
  });
  map.addControl(new Btn());
})();
"""


class _Fullscreen(folium.MacroElement):
    """A dependency-free full-screen button (the Fullscreen plugin needs a CDN script)."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _FULLSCREEN_JS + "{% endmacro %}")


def _legend(
    title: str, items: Sequence[tuple[str, str, str]], *, layer: str | None = None, shown: bool = True
) -> folium.Element:
    """Bottom-right legend; items are (kind, colour, label) with kind line/dash/dot/box.

    With ``layer`` the legend belongs to that overlay and is switched with it
    (see :class:`_LegendSwitch`).
    """
    shapes = {
        "line": "width:22px;border-top:4px solid {c};vertical-align:middle",
        "dash": "width:22px;border-top:4px dashed {c};vertical-align:middle",
        "dot": "width:12px;height:12px;border-radius:6px;background:{c};border:1px solid #333",
        "box": "width:16px;height:12px;background:{c};border:1px solid #999",
    }
    rows = []
    for kind, colour, label in items:
        style = shapes.get(kind, shapes["box"]).format(c=_esc(colour))
        sym = f"<span style='display:inline-block;{style}'></span>"
        rows.append(f"<div>{sym} {_esc(label)}</div>")
    body = "".join(rows)
    data = "" if layer is None else f" data-layer='{_esc(layer)}'"
    display = "" if shown else "display:none;"
    return folium.Element(
        f"<div class='linyi-legend'{data} style='{display}position:fixed;bottom:30px;right:10px;z-index:1000;"
        "background:white;padding:6px 10px;border:1px solid #999;font:12px sans-serif;max-width:260px'>"
        f"<b>{_esc(title)}</b>{body}</div>"
    )


_LEGEND_SWITCH_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  function show(name) {
    document.querySelectorAll('.linyi-legend[data-layer]').forEach(function(el) {
      el.style.display = (el.getAttribute('data-layer') === name) ? '' : 'none';
    });
  }
  var shown = [];
  document.querySelectorAll('.linyi-legend[data-layer]').forEach(function(el) {
    if (el.style.display !== 'none') { shown.push(el.getAttribute('data-layer')); }
  });
  map.on('overlayadd', function(e) { shown.push(e.name); show(e.name); });
  map.on('overlayremove', function(e) {
    shown = shown.filter(function(n) { return n !== e.name; });
    show(shown.length ? shown[shown.length - 1] : null);
  });
})();
"""


class _LegendSwitch(folium.MacroElement):
    """Show the legend of the overlay switched on last (one legend per choropleth layer)."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _LEGEND_SWITCH_JS + "{% endmacro %}")


def _new_map(bounds: Sequence[float], tiles: str | None, title: str, tiles_key: str | None = None) -> folium.Map:
    spec = _basemap(tiles)
    minx, miny, maxx, maxy = bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=9,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
    )
    if spec["tiles"] is not None:
        url = spec["tiles"]
        if spec.get("needs_key"):
            key = tiles_key or os.environ.get(spec["needs_key"])
            if not key:
                raise LinyiSpatialError(f"tiles={tiles!r} needs a key: pass tiles_key or set {spec['needs_key']}")
            url = url.replace("{key}", key)
        if spec["attr"] is None:
            folium.TileLayer(url, name=f"basemap: {tiles}").add_to(m)
        else:
            folium.TileLayer(
                url, attr=spec["attr"], name=f"basemap: {tiles}", subdomains=spec.get("subdomains", "abc")
            ).add_to(m)
    if spec["datum"] == GCJ02:
        a = transform_geometry([shapely.Point(minx, miny), shapely.Point(maxx, maxy)], WGS84, GCJ02)
        minx, miny, maxx, maxy = a[0].x, a[0].y, a[1].x, a[1].y
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    m.get_root().html.add_child(
        folium.Element(
            "<div class='linyi-title' style='position:fixed;top:10px;left:60px;z-index:1000;background:white;"
            f"padding:4px 8px;border:1px solid #999;font:14px sans-serif'>{_esc(title)}</div>"
        )
    )
    _Fullscreen().add_to(m)
    m.linyi_datum = spec["datum"]  # type: ignore[attr-defined]
    return m


def _finish(m: folium.Map, legend: folium.Element | None = None) -> folium.Map:
    if legend is not None:
        m.get_root().html.add_child(legend)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _simplified_units(units: gpd.GeoDataFrame, tolerance_m: float = 50.0) -> gpd.GeoDataFrame:
    """Simplify the units' shared boundaries once, as a coverage, so no gaps or slivers open."""
    crs = projected_crs(units)
    proj = units.to_crs(crs)
    try:
        simple = shapely.coverage_simplify(proj.geometry.to_numpy(), tolerance_m)
    except Exception:
        simple = proj.geometry.simplify(tolerance_m, preserve_topology=True).to_numpy()
    out = proj.copy()
    out[out.geometry.name] = simple
    return out.to_crs(WGS84)


def _geojson(
    layer: folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    datum: str,
    style: Any,
    tooltips: Sequence[str],
) -> None:
    """Add one GeoJSON feature per row with its own pre-escaped tooltip."""
    shifted = _shift(gdf, datum)
    for geom, tip in zip(shifted.geometry, tooltips, strict=True):
        if geom is None or geom.is_empty:
            continue
        folium.GeoJson(geom.__geo_interface__, style_function=style, tooltip=folium.Tooltip(tip)).add_to(layer)


# --------------------------------------------------------------------------- structure


ROAD_STYLE = {
    "expressway": (OKABE_ITO["vermillion"], 3.0),
    "trunk": (OKABE_ITO["orange"], 2.0),
    "urban": (OKABE_ITO["grey"], 1.5),
    "connector": (OKABE_ITO["grey"], 1.0),
}
RAIL_STYLE = {"hsr": (OKABE_ITO["purple"], 3.0), "rail": (OKABE_ITO["black"], 2.0)}


def _network_layers(m: folium.Map, G: Any, datum: str) -> list[tuple[str, str, str]]:
    """Roads and railways by class; planned/under-construction dashed. Returns legend items."""
    import networkx as nx

    if not isinstance(G, nx.Graph):
        raise LinyiSpatialError("network must be a networkx graph")
    seen: set[str] = set()
    roads = folium.FeatureGroup(name="Roads by class", show=True)
    rails = folium.FeatureGroup(name="Railways", show=True)
    for u, v, d in G.edges(data=True):
        link = d.get("link", f"{u}->{v}")
        if link in seen or d.get("mode") not in ("road", "rail"):
            continue
        seen.add(link)
        styles = ROAD_STYLE if d["mode"] == "road" else RAIL_STYLE
        colour, weight = styles.get(d.get("class"), (OKABE_ITO["grey"], 1.0))
        geom = d.get("geometry") or shapely.LineString(
            [(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])]
        )
        if datum == GCJ02:
            geom = transform_geometry([geom], WGS84, GCJ02)[0]
        status = d.get("status", "open")
        tip = _table(
            [
                ("line", d.get("name")),
                ("ref", d.get("ref")),
                ("class", d.get("class")),
                ("status", status),
                ("opened", d.get("opened")),
                ("length km", _fmt(d.get("length", np.nan) / 1000)),
            ]
        )
        folium.PolyLine(
            [(y, x) for x, y in geom.coords],
            color=colour,
            weight=weight,
            opacity=0.85,
            dash_array="6 5" if status != "open" else None,
            tooltip=folium.Tooltip(tip),
        ).add_to(roads if d["mode"] == "road" else rails)
    roads.add_to(m)
    rails.add_to(m)
    return [
        ("line", ROAD_STYLE["expressway"][0], "expressway"),
        ("line", ROAD_STYLE["trunk"][0], "national / trunk road"),
        ("line", RAIL_STYLE["hsr"][0], "high-speed rail"),
        ("line", RAIL_STYLE["rail"][0], "railway"),
        ("dash", OKABE_ITO["grey"], "planned / under construction"),
    ]


def structure_map(
    structure: SpatialStructure | None = None,
    *,
    network: Any = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
) -> folium.Map:
    """Map the planned structure: units, core, axes, poles, points and (optionally) the network.

    Parameters
    ----------
    structure : SpatialStructure, optional
        Defaults to :func:`linyi_spatial.load_structure`.
    network : networkx.MultiDiGraph, optional
        Transport network to draw by mode and class (planned lines dashed),
        e.g. ``load_network(2035)``.
    tiles : str or None, default "osm"
        A key of :data:`BASEMAPS`; ``None``/``"none"`` draws no tiles.
    tiles_key : str, optional
        API key for basemaps that need one (Tianditu).

    Returns
    -------
    folium.Map
        Layers: units, core, axes, poles, points (and roads/railways), with
        layer control, scale bar, full-screen button and legend.

    Raises
    ------
    ValueError
        If ``tiles`` is not a known basemap.

    Examples
    --------
    >>> m = structure_map(tiles=None)
    >>> type(m).__name__
    'Map'
    """
    if structure is None:
        from .structure import load_structure

        structure = load_structure()
    s = structure.to_crs(WGS84)
    title = f"{s.name} — {s.meta.get('pattern', 'planned spatial structure')}"
    m = _new_map(s.units.total_bounds, tiles, title, tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    units = _simplified_units(s.units)
    tips = []
    for uid, unit in units.iterrows():
        rows = [("unit", uid), ("name", unit.get("name_zh", "")), ("name (en)", unit.get("name_en", ""))]
        if "pop_2020" in unit:
            rows += [
                ("population 2020", _fmt(unit["pop_2020"])),
                ("urbanization 2020", f"{unit['urbanization_rate']:.1%}" if "urbanization_rate" in unit else ""),
                ("area km²", _fmt(unit.get("area_km2", np.nan), 0)),
            ]
        tips.append(_table(rows))
    layer = folium.FeatureGroup(name="County-level units", show=True)
    _geojson(
        layer,
        units,
        datum,
        lambda _f: {"color": OKABE_ITO["grey"], "weight": 1, "fillColor": "#ffffff", "fillOpacity": 0.15},
        tips,
    )
    layer.add_to(m)
    legend = [("box", OKABE_ITO["vermillion"], "core 一心 (central urban area)")]
    if network is not None:
        legend += _network_layers(m, network, datum)
    core = s.core.iloc[0]
    core_layer = folium.FeatureGroup(name="Core 一心", show=True)
    core_tip = _table(
        [
            ("core", core["name_zh"]),
            ("name (en)", core["name"]),
            ("units", ", ".join(core["units"])),
            ("area km²", _fmt(core["area_km2"], 0)),
        ]
    )
    _geojson(
        core_layer,
        s.core,
        datum,
        lambda _f: {
            "color": OKABE_ITO["vermillion"],
            "weight": 2.5,
            "fillColor": OKABE_ITO["vermillion"],
            "fillOpacity": 0.25,
        },
        [core_tip],
    )
    anchor = s.places.loc[core["anchor"]]
    folium.CircleMarker(
        _point(core["anchor_lon"], core["anchor_lat"], datum),
        radius=9,
        color=OKABE_ITO["vermillion"],
        fill=True,
        fill_opacity=1,
        tooltip=folium.Tooltip(_table([("core anchor", anchor["name_zh"]), ("name (en)", anchor["name"])])),
    ).add_to(core_layer)
    core_layer.add_to(m)
    axes_layer = folium.FeatureGroup(name="Axes 七轴", show=True)
    axes = _shift(s.axes, datum)
    for aid, axis in axes.iterrows():
        folium.PolyLine(
            [(y, x) for x, y in axis.geometry.coords],
            color=OKABE_ITO["blue"],
            weight=6,
            opacity=0.75,
            dash_array="10 6" if axis["status"] == "reconstruction" else None,
            tooltip=folium.Tooltip(
                _table(
                    [
                        ("axis", axis["name_zh"]),
                        ("name (en)", axis["name"]),
                        ("id", aid),
                        ("corridors", " / ".join(axis["corridors"])),
                        ("length km", _fmt(axis["length_km"], 0)),
                        ("status", axis["status"]),
                        ("reason", axis.get("reason", "")),
                    ]
                )
            ),
        ).add_to(axes_layer)
    axes_layer.add_to(m)
    legend.append(("dash", OKABE_ITO["blue"], "axis 七轴 (dashed: reconstructed)"))
    for name, frame, colour, radius in (
        ("Poles 三极", s.poles, OKABE_ITO["orange"], 8),
        ("Points 多点", s.points, OKABE_ITO["green"], 5),
    ):
        layer = folium.FeatureGroup(name=name, show=True)
        for pid, row in _shift(frame, datum).iterrows():
            folium.CircleMarker(
                [row.geometry.y, row.geometry.x],
                radius=radius,
                color="#333333",
                weight=1,
                fill=True,
                fill_color=colour,
                fill_opacity=0.95,
                tooltip=folium.Tooltip(
                    _table(
                        [
                            ("name", row["name_zh"]),
                            ("name (en)", row["name"]),
                            ("id", pid),
                            ("kind", row["kind"]),
                            ("unit", row["unit"]),
                        ]
                    )
                ),
            ).add_to(layer)
        layer.add_to(m)
        legend.append(("dot", colour, name))
    return _finish(m, _legend("Planned structure", legend))


# --------------------------------------------------------------------------- accessibility


MEASURE_LABELS = {
    "composite_score": "Composite accessibility score (0–100)",
    "time_to_core_min": "Time from the seat to the core (min)",
    "time_to_nearest_pole_min": "Time to the nearest pole (min)",
    "time_to_nearest_seat_min": "Time to the nearest other seat (min)",
    "mean_time_to_seats_min": "Mean time to the other seats (min)",
    "hansen_pop": "Hansen population potential (persons)",
    "pop_within_60min": "Population within 60 min",
    "grid_mean_time_to_core_min": "Area-weighted time to the core (min)",
    "grid_share_within_60min_of_core": "Share of land within 60 min of the core",
}
_HIGHER_IS_BETTER = {
    "composite_score",
    "hansen_pop",
    "pop_within_30min",
    "pop_within_60min",
    "pop_within_90min",
    "grid_share_within_60min_of_core",
}


def _classify(values: pd.Series, k: int = 5, scheme: str = "quantiles") -> tuple[np.ndarray, list[float]]:
    """Class index per value (0 = lowest) and the upper bounds, with mapclassify."""
    import warnings

    import mapclassify

    v = values.astype(float).to_numpy()
    finite = np.isfinite(v)
    k = max(1, min(k, len(np.unique(v[finite]))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = {
            "quantiles": mapclassify.Quantiles,
            "fisher_jenks": mapclassify.FisherJenks,
            "equal_interval": mapclassify.EqualInterval,
        }[scheme](v[finite], k=k)
    idx = np.full(len(v), -1)
    idx[finite] = cls.yb
    return idx, list(cls.bins)


def _ramp(n: int, reverse: bool) -> list[str]:
    cols = [SEQUENTIAL[round(i * (len(SEQUENTIAL) - 1) / max(n - 1, 1))] for i in range(n)]
    return cols[::-1] if reverse else cols


def choropleth_map(
    units: gpd.GeoDataFrame,
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    title: str,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    k: int = 5,
    scheme: str = "quantiles",
    m: folium.Map | None = None,
) -> folium.Map:
    """Classified county choropleths, one toggleable layer per column (the first shown).

    Classes come from ``mapclassify`` (``scheme``: quantiles, fisher_jenks
    or equal_interval); colours run from dark (worse) to light yellow
    (better) on a viridis ramp whatever the direction of the measure.

    Parameters
    ----------
    units : GeoDataFrame
        Polygons indexed like ``data``.
    data : DataFrame
        Measures by unit.
    columns : sequence of str
    title : str
    tiles, tiles_key : basemap (see :func:`structure_map`)
    k : int, default 5
    scheme : str, default "quantiles"
    m : folium.Map, optional
        Add to this map instead of a new one.

    Returns
    -------
    folium.Map

    Raises
    ------
    LinyiSpatialError
        If a column is missing.

    Examples
    --------
    >>> import linyi_spatial as ls
    >>> c = ls.load_counties()
    >>> m = choropleth_map(c, c, ["pop_2020"], title="Population", tiles=None)
    >>> type(m).__name__
    'Map'
    """
    missing = [c for c in columns if c not in data]
    if missing:
        raise LinyiSpatialError(f"column(s) {missing} not in the data")
    own = m is None
    if m is None:
        m = _new_map(units.to_crs(WGS84).total_bounds, tiles, title, tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    shapes = _simplified_units(units)
    legends = []
    for i, col in enumerate(columns):
        values = data[col].reindex(shapes.index)
        idx, bins = _classify(values, k, scheme)
        colours = _ramp(len(bins), reverse=col in _HIGHER_IS_BETTER)
        layer = folium.FeatureGroup(name=MEASURE_LABELS.get(col, col), show=i == 0)
        tips = [
            _table(
                [
                    ("unit", uid),
                    ("name", shapes.loc[uid].get("name_zh", "")),
                    (MEASURE_LABELS.get(col, col), _fmt(values[uid], 2 if abs(values[uid]) < 10 else 1)),
                ]
            )
            for uid in shapes.index
        ]
        fills = [colours[j] if j >= 0 else "#cccccc" for j in idx]
        for (_, row), fill, tip in zip(_shift(shapes, datum).iterrows(), fills, tips, strict=True):
            folium.GeoJson(
                row.geometry.__geo_interface__,
                style_function=lambda _f, c=fill: {
                    "color": "#555555",
                    "weight": 1,
                    "fillColor": c,
                    "fillOpacity": 0.75,
                },
                tooltip=folium.Tooltip(tip),
            ).add_to(layer)
        layer.add_to(m)
        lo = [float(values.min()), *bins[:-1]]
        legends.append((col, [("box", colours[j], f"{_fmt(lo[j], 1)} – {_fmt(bins[j], 1)}") for j in range(len(bins))]))
    for i, (col, items) in enumerate(legends):
        name = MEASURE_LABELS.get(col, col)
        m.get_root().html.add_child(_legend(f"{name} ({scheme})", items, layer=name, shown=i == 0))
    _LegendSwitch().add_to(m)
    return _finish(m) if own else m


def accessibility_map(
    scores: pd.DataFrame | None = None, *, year: int = 2020, tiles: str | None = "osm", tiles_key: str | None = None
) -> folium.Map:
    """County accessibility: the composite score and each measure as classified choropleth layers.

    Parameters
    ----------
    scores : DataFrame, optional
        From :func:`linyi_spatial.county_accessibility`; computed for
        ``year`` when omitted.
    year : int, default 2020
    tiles, tiles_key : basemap

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import county_accessibility
    >>> m = accessibility_map(county_accessibility(2020, cell_km=5), tiles=None)
    >>> type(m).__name__
    'Map'
    """
    from .accessibility import county_accessibility
    from .datasets import load_counties

    scores = county_accessibility(year) if scores is None else scores
    cols = [c for c in MEASURE_LABELS if c in scores]
    return choropleth_map(
        load_counties(), scores, cols, title=f"County accessibility, {year} network", tiles=tiles, tiles_key=tiles_key
    )


TIME_BANDS_MIN = (15, 30, 45, 60, 90, 120)
SURFACE_LABELS = {
    "time_to_core_min": "Time to the core (min)",
    "time_to_nearest_pole_min": "Time to the nearest pole (min)",
    "time_to_nearest_seat_min": "Time to the nearest county seat (min)",
}


def _dissolve(cells: gpd.GeoDataFrame, labels: np.ndarray) -> gpd.GeoDataFrame:
    """Union grid cells by class label (keeps the HTML small); one row per label present."""
    crs = projected_crs(cells)
    geoms = cells.to_crs(crs).geometry.to_numpy()
    area = cells["area_km2"].to_numpy()
    rows = []
    for label in sorted(set(labels.tolist())):
        sel = labels == label
        try:
            geom = shapely.coverage_union_all(geoms[sel])
        except Exception:
            geom = shapely.union_all(geoms[sel])
        rows.append({"label": label, "cells": int(sel.sum()), "area_km2": float(area[sel].sum()), "geometry": geom})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    out["geometry"] = out.geometry.simplify(20.0)
    return out.to_crs(WGS84)


def surface_map(
    surface: gpd.GeoDataFrame | None = None,
    *,
    columns: Sequence[str] = ("time_to_core_min", "time_to_nearest_pole_min", "time_to_nearest_seat_min"),
    bands_min: Sequence[float] = TIME_BANDS_MIN,
    year: int = 2020,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
) -> folium.Map:
    """Travel-time surfaces (1 km grid) dissolved into time bands, one layer per measure.

    Parameters
    ----------
    surface : GeoDataFrame, optional
        From :func:`linyi_spatial.travel_time_surface`; computed for
        ``year`` when omitted.
    columns : sequence of str
    bands_min : sequence of float, default (15, 30, 45, 60, 90, 120)
    year : int, default 2020
    tiles, tiles_key : basemap

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import travel_time_surface
    >>> m = surface_map(travel_time_surface(2020, cell_km=5), tiles=None)
    >>> type(m).__name__
    'Map'
    """
    from .accessibility import travel_time_surface

    surface = travel_time_surface(year) if surface is None else surface
    m = _new_map(surface.to_crs(WGS84).total_bounds, tiles, f"Travel-time surfaces, {year} network", tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    colours = _ramp(len(bands_min) + 1, reverse=True)
    names = [f"{lo:g}–{hi:g} min" for lo, hi in zip([0, *bands_min[:-1]], bands_min, strict=True)]
    names.append(f"> {bands_min[-1]:g} min")
    for i, col in enumerate(columns):
        bands = _dissolve(surface, np.digitize(surface[col].to_numpy(), bands_min))
        layer = folium.FeatureGroup(name=SURFACE_LABELS.get(col, col.replace("_", " ")), show=i == 0)
        for (_, row), band in zip(_shift(bands, datum).iterrows(), bands.itertuples(), strict=True):
            tip = _table([("travel time", names[band.label]), ("area km²", _fmt(band.area_km2, 0))])
            folium.GeoJson(
                row.geometry.__geo_interface__,
                tooltip=folium.Tooltip(tip),
                style_function=lambda _f, c=colours[band.label]: {
                    "color": c,
                    "weight": 0.3,
                    "fillColor": c,
                    "fillOpacity": 0.7,
                },
            ).add_to(layer)
        layer.add_to(m)
    return _finish(m, _legend("Travel time", [("box", c, n) for c, n in zip(colours, names, strict=True)]))


def isochrone_map(
    iso: gpd.GeoDataFrame,
    *,
    origin: tuple[float, float] | None = None,
    label: str = "origin",
    tiles: str | None = "osm",
    tiles_key: str | None = None,
) -> folium.Map:
    """Nested isochrones, largest at the bottom, one layer each.

    Parameters
    ----------
    iso : GeoDataFrame
        From :func:`linyi_spatial.isochrones` (``minutes``, geometry).
    origin : (lon, lat), optional
        Marked with a dot.
    label : str
        Origin name (escaped).
    tiles, tiles_key : basemap

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import isochrones
    >>> m = isochrone_map(isochrones("city_hall", [30, 60], cell_km=5), tiles=None)
    >>> type(m).__name__
    'Map'
    """
    m = _new_map(iso.to_crs(WGS84).total_bounds, tiles, f"Isochrones from {label}", tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    iso = iso.sort_values("minutes", ascending=False)
    colours = _ramp(len(iso), reverse=False)
    items = []
    for colour, (_, row) in zip(colours, _shift(iso, datum).iterrows(), strict=True):
        layer = folium.FeatureGroup(name=f"{row['minutes']:g} min", show=True)
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _f, c=colour: {"color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.45},
            tooltip=folium.Tooltip(
                _table([("within", f"{row['minutes']:g} min"), ("area km²", _fmt(row["area_km2"], 0))])
            ),
        ).add_to(layer)
        layer.add_to(m)
        items.append(("box", colour, f"≤ {row['minutes']:g} min"))
    if origin is not None:
        folium.CircleMarker(
            _point(origin[0], origin[1], datum),
            radius=7,
            color="#000",
            fill=True,
            fill_color=OKABE_ITO["vermillion"],
            fill_opacity=1,
            tooltip=folium.Tooltip(_table([("origin", label)])),
        ).add_to(m)
    return _finish(m, _legend("Reachable within", items[::-1]))


def scenario_map(
    comparison: Any,
    *,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    bands_min: Sequence[float] = (-20, -10, -5, -1, 1),
) -> folium.Map:
    """What year_b's network changes: county and grid-cell deltas of travel time.

    Layers: per-county change of the mean time to the other seats and of the
    time to the core (minutes), and the per-cell change of the time to the
    nearest seat, on a diverging ramp (purple: faster).

    Parameters
    ----------
    comparison : ScenarioComparison
        From :func:`linyi_spatial.compare_scenarios`.
    tiles, tiles_key : basemap
    bands_min : sequence of float
        Class edges of the change in minutes.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> m = scenario_map(compare_scenarios(2020, 2035, cell_km=5), tiles=None)
    >>> type(m).__name__
    'Map'
    """
    from .datasets import load_counties

    a, b = comparison.year_a, comparison.year_b
    counties = _simplified_units(load_counties())
    m = _new_map(counties.total_bounds, tiles, f"Network {b} against {a}: change in travel time", tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    edges = [-np.inf, *bands_min, np.inf]
    colours = DIVERGING[: len(edges) - 1]

    def colour(v: float) -> str:
        for j in range(len(edges) - 1):
            if edges[j] <= v < edges[j + 1]:
                return colours[j]
        return "#cccccc"

    for i, col in enumerate(("mean_time_to_seats_min", "time_to_core_min")):
        layer = folium.FeatureGroup(name=f"Counties: change in {MEASURE_LABELS.get(col, col)}", show=i == 0)
        delta = comparison.counties[f"{col}_delta"]
        for uid, row in _shift(counties, datum).iterrows():
            d = float(delta.get(uid, np.nan))
            tip = _table(
                [
                    ("unit", uid),
                    ("name", row.get("name_zh", "")),
                    (f"{a}", _fmt(comparison.counties.loc[uid, f"{col}_{a}"])),
                    (f"{b}", _fmt(comparison.counties.loc[uid, f"{col}_{b}"])),
                    ("change (min)", _fmt(d)),
                    ("change (%)", _fmt(comparison.counties.loc[uid, f"{col}_delta_pct"])),
                ]
            )
            fill = colour(d)
            folium.GeoJson(
                row.geometry.__geo_interface__,
                tooltip=folium.Tooltip(tip),
                style_function=lambda _f, c=fill: {
                    "color": "#555",
                    "weight": 1,
                    "fillColor": c,
                    "fillOpacity": 0.75,
                },
            ).add_to(layer)
        layer.add_to(m)
    cells = comparison.cells
    classes = np.digitize(cells["time_to_nearest_seat_min_delta"].to_numpy(), bands_min)
    layer = folium.FeatureGroup(name="Grid: change in time to the nearest seat", show=False)
    for (_, row), band in zip(
        _shift(_dissolve(cells, classes), datum).iterrows(), _dissolve(cells, classes).itertuples(), strict=True
    ):
        j = int(band.label)
        tip = _table([("change", f"{edges[j]:g} to {edges[j + 1]:g} min"), ("cells", band.cells)])
        folium.GeoJson(
            row.geometry.__geo_interface__,
            tooltip=folium.Tooltip(tip),
            style_function=lambda _f, c=colours[j]: {"color": c, "weight": 0.3, "fillColor": c, "fillOpacity": 0.7},
        ).add_to(layer)
    layer.add_to(m)
    items = [
        (
            "box",
            colours[j],
            f"{edges[j]:g} to {edges[j + 1]:g} min".replace("-inf to", "below").replace("to inf", "and more"),
        )
        for j in range(len(edges) - 1)
    ]
    return _finish(m, _legend(f"Change {a} → {b} (negative: faster)", items))


# --------------------------------------------------------------------------- hierarchy


TIER_COLOURS = {
    "core": OKABE_ITO["vermillion"],
    "pole": OKABE_ITO["orange"],
    "point": OKABE_ITO["green"],
    "other": OKABE_ITO["grey"],
}


def hierarchy_map(
    report: Any = None,
    *,
    structure: SpatialStructure | None = None,
    top_links: int = 20,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
) -> folium.Map:
    """Hierarchy: population circles coloured by plan tier, gravity-linkage flow lines, centrality.

    Circle area is proportional to population (``radius ∝ sqrt(pop)``);
    line width to the linkage strength of the ``top_links`` strongest pairs
    (:func:`linyi_spatial.gravity_linkages`); a third layer sizes seats by
    travel-time betweenness.

    Parameters
    ----------
    report : HierarchyReport, optional
        From :func:`linyi_spatial.hierarchy_report`; computed when omitted.
    structure : SpatialStructure, optional
    top_links : int, default 20
    tiles, tiles_key : basemap

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = hierarchy_map(tiles=None)  # doctest: +SKIP
    """
    from .hierarchy import hierarchy_report
    from .structure import load_structure

    structure = load_structure() if structure is None else structure
    report = hierarchy_report(structure=structure) if report is None else report
    s = structure.to_crs(WGS84)
    m = _new_map(s.units.total_bounds, tiles, "Urban hierarchy: size, tiers and linkages", tiles_key)
    datum = m.linyi_datum  # type: ignore[attr-defined]
    units = _simplified_units(s.units)
    base = folium.FeatureGroup(name="County-level units", show=True)
    _geojson(
        base,
        units,
        datum,
        lambda _f: {"color": "#888", "weight": 1, "fillColor": "#fff", "fillOpacity": 0.1},
        [_table([("unit", u), ("name", r.get("name_zh", ""))]) for u, r in units.iterrows()],
    )
    base.add_to(m)
    seats = s.places[s.places["kind"] == "county_seat"].set_index("unit")
    seats = _shift(seats, datum)
    tiers = report.tiers
    pop = s.units["pop_2020"]
    circles = folium.FeatureGroup(name="Population and plan tier", show=True)
    for uid, row in seats.iterrows():
        tier = tiers.loc[uid, "plan_tier"] if uid in tiers.index else "other"
        tip = _table(
            [
                ("unit", uid),
                ("name", s.units.loc[uid].get("name_zh", "")),
                ("population 2020", _fmt(pop[uid])),
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
        ).add_to(circles)
    circles.add_to(m)
    flows = folium.FeatureGroup(name=f"Gravity linkages (top {top_links})", show=True)
    links = report.linkages.links.head(top_links)
    smax = links["strength"].max()
    for r in links.itertuples():
        if r.i not in seats.index or r.j not in seats.index:
            continue
        p, q = seats.geometry[r.i], seats.geometry[r.j]
        tip = _table(
            [
                ("link", f"{s.units.loc[r.i].get('name_zh', r.i)} — {s.units.loc[r.j].get('name_zh', r.j)}"),
                ("strength", f"{r.strength:.3g}"),
                ("travel time (min)", _fmt(r.travel_time_min)),
                ("share of first", f"{r.share_of_i:.1%}"),
                ("share of second", f"{r.share_of_j:.1%}"),
            ]
        )
        folium.PolyLine(
            [(p.y, p.x), (q.y, q.x)],
            color=OKABE_ITO["blue"],
            opacity=0.7,
            weight=float(1 + 11 * r.strength / smax),
            tooltip=folium.Tooltip(tip),
        ).add_to(flows)
    flows.add_to(m)
    cent = folium.FeatureGroup(name="Betweenness centrality", show=False)
    btw = report.centrality["betweenness"]
    bmax = btw.max() if btw.max() > 0 else 1.0
    for uid, row in seats.iterrows():
        if uid not in btw.index:
            continue
        c = report.centrality.loc[uid]
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=float(3 + 15 * c["betweenness"] / bmax),
            color=OKABE_ITO["purple"],
            fill=True,
            fill_opacity=0.6,
            tooltip=folium.Tooltip(
                _table(
                    [
                        ("unit", uid),
                        ("betweenness", f"{c['betweenness']:.3f}"),
                        ("closeness (1/s)", f"{c['closeness']:.2e}"),
                        ("straightness", f"{c['straightness']:.2f}"),
                    ]
                )
            ),
        ).add_to(cent)
    cent.add_to(m)
    items = [("dot", TIER_COLOURS[t], f"plan tier: {t}") for t in ("core", "pole", "point")]
    items += [
        ("line", OKABE_ITO["blue"], "gravity linkage (width ∝ strength)"),
        ("dot", OKABE_ITO["purple"], "betweenness"),
    ]
    return _finish(m, _legend("Circle area ∝ population 2020", items))


# --------------------------------------------------------------------------- output


def save_html(m: folium.Map, path: str | os.PathLike[str], *, inline: bool = True) -> Path:
    """Write a folium map to an HTML file.

    Parameters
    ----------
    m : folium.Map
        The map.
    path : path-like
        Output file; parent folders are created.
    inline : bool, default True
        Inline Leaflet and jQuery (from the PyPI packages ``xstatic-leaflet``
        and ``xstatic-jquery``) so the file draws without reaching a CDN
        (jsdelivr and code.jquery.com are slow or blocked in parts of
        China); other CDN assets (Bootstrap, Font Awesome) are omitted.
        Basemap tiles still need the network. ``False`` keeps folium's CDN
        links.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> p = save_html(structure_map(tiles=None), tempfile.mkdtemp() + "/s.html")
    >>> p.stat().st_size > 10_000
    True
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = m.get_root().render()
    if inline:
        text = inline_assets(text)
    out.write_text(text, encoding="utf-8")
    return out
