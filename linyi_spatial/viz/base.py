"""Map building blocks: basemaps and datums, escaping, legends, controls, classing, saving.

Conventions
-----------
- Every string that comes from data or the user is HTML-escaped before it
  reaches a tooltip, popup, legend or title, and no string from data ever
  becomes template source (see :mod:`linyi_spatial.viz._html`): page blocks
  are :class:`~linyi_spatial.viz._html.RawHTML`, and every fragment handed
  to folium goes through :func:`tooltip`, :func:`label`, :func:`overlay` or
  :func:`~linyi_spatial.viz._html.no_template`.
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

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import branca
import folium
import geopandas as gpd
import shapely

from ..crs import GCJ02, WGS84, projected_crs, transform_geometry
from ..errors import OptionError
from ._html import RawHTML, esc, esc_attr_twice, js_data, no_template
from ._offline import inline_assets
from .i18n import check_lang, tr

__all__ = [
    "BASEMAPS",
    "COORD_PRECISION_DEG",
    "DIVERGING",
    "FONTS",
    "GENERATOR",
    "OKABE_ITO",
    "SEQUENTIAL",
    "ExclusiveLayers",
    "LegendSwitch",
    "OfflineMap",
    "finish",
    "geojson_layer",
    "label",
    "legend",
    "new_map",
    "overlay",
    "point",
    "shift",
    "simplified_units",
    "tooltip",
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

_Geo = TypeVar("_Geo", gpd.GeoDataFrame, gpd.GeoSeries)

COORD_PRECISION_DEG = 1e-5
"""Overlay coordinates are rounded to this many degrees (about 1 m)."""

FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
"""Font stack of map text: CJK fonts first, so Chinese names never show as boxes."""

_PAGE_CSS = (
    "<style>.leaflet-container, .leaflet-tooltip, .linyi-title, .linyi-legend, .linyi-label {font-family: "
    + FONTS
    + "} path.leaflet-interactive:focus {outline: none}"
    " .linyi-label {font-size: 12px; font-weight: 600; color: #222; white-space: nowrap;"
    " text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff}"
    " .linyi-unit-label {font-size: 11px; font-weight: 400; color: #555; font-style: italic;"
    " transform: translate(-50%, -50%)}"
    " .linyi-axis-label {font-size: 11px; color: #0072B2; transform: translate(-50%, -50%)}</style>"
)

GENERATOR = '<meta name="generator" content="linyi_spatial">'
"""Names the library in the head of every map (how it knows its own files is :data:`~linyi_spatial.viz.output.MARK`)."""

SEQUENTIAL = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]  # viridis, light = best

DIVERGING = ["#542788", "#8073ac", "#b2abd2", "#d8daeb", "#f7f7f7", "#f1a340"]  # PuOr: faster ... neutral, slower

_OSM = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

BASEMAPS: dict[str, dict[str, Any]] = {
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": {"en": f"{_OSM} contributors", "zh": f"{_OSM} 贡献者"},
        "datum": WGS84,
        "name": "OpenStreetMap",
    },
    "cartodb": {
        "tiles": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "attr": {
            "en": f'{_OSM} contributors &copy; <a href="https://carto.com/attributions">CARTO</a>',
            "zh": f'{_OSM} 贡献者 &copy; <a href="https://carto.com/attributions">CARTO</a>',
        },
        "datum": WGS84,
        "name": "CARTO light",
    },
    "amap": {
        "tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "attr": {"en": "&copy; 高德地图 AutoNavi", "zh": "&copy; 高德地图"},
        "datum": GCJ02,
        "subdomains": "1234",
        "name": "高德 Amap",
    },
    "tianditu": {
        "tiles": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "attr": {"en": "&copy; 天地图 Tianditu", "zh": "&copy; 天地图"},
        "datum": WGS84,
        "subdomains": "01234567",
        "needs_key": "TIANDITU_KEY",
        "name": "天地图 Tianditu",
    },
    "none": {"tiles": None, "attr": None, "datum": WGS84, "name": "none"},
}
"""Basemaps: name -> tile URL, attribution (HTML, by language), datum and display name.

Tianditu needs a key (``TIANDITU_KEY`` or ``tiles_key``). A map offers the chosen
basemap, the others of the same datum and "no basemap" in its layer control, so overlays
shifted into GCJ-02 for Amap are never shown over WGS-84 tiles."""


def _basemap(tiles: str | None) -> dict[str, Any]:
    key = "none" if tiles is None else tiles
    if key not in BASEMAPS:
        raise OptionError(f"unknown tiles {tiles!r}; expected one of {sorted(BASEMAPS)}")
    return BASEMAPS[key]


def shift(gdf: _Geo, datum: str) -> _Geo:
    """Overlay geometries in the basemap's datum (GCJ-02 for Chinese tile sets).

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries
    datum : str
        ``"EPSG:4326"`` or ``"GCJ-02"``.

    Returns
    -------
    GeoDataFrame or GeoSeries
        In WGS-84 degrees, shifted into GCJ-02 when asked.

    Examples
    --------
    >>> import geopandas as gpd
    >>> shift(gpd.GeoSeries.from_xy([118.0], [35.0], crs=4326), "GCJ-02").x.round(3).tolist()
    [118.006]
    """
    out = gdf.to_crs(WGS84)
    geoms = out.geometry.to_numpy()
    if datum == GCJ02:
        geoms = transform_geometry(geoms, WGS84, GCJ02)
    geoms = shapely.set_precision(geoms, COORD_PRECISION_DEG)  # ≈1 m: smaller files, nothing visible lost
    if isinstance(out, gpd.GeoDataFrame):
        out = out.copy()
        out[out.geometry.name] = geoms
        return out
    return gpd.GeoSeries(geoms, index=out.index, crs=WGS84)


def point(x: float, y: float, datum: str) -> list[float]:
    """A ``[lat, lon]`` pair for folium, shifted into GCJ-02 when the basemap needs it.

    Parameters
    ----------
    x, y : float
        WGS-84 longitude and latitude.
    datum : str

    Returns
    -------
    list of float

    Examples
    --------
    >>> point(10.0, 50.0, "EPSG:4326")
    [50.0, 10.0]
    """
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
      a.href = '#'; a.title = {{ this.title }}; a.innerHTML = '&#x25A1;';
      a.setAttribute('role', 'button'); a.setAttribute('aria-label', {{ this.title }});
      a.style.cssText = 'width:30px;height:30px;line-height:30px;text-align:center;background:#fff;font-size:18px';
      L.DomEvent.on(a, 'click', function(e) {
        L.DomEvent.preventDefault(e);
        var el = document.documentElement;  // the whole page: the title and legends stay visible
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

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "Fullscreen"
        self.title = js_data(title)


_LOCALIZE_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var w = {{ this.words }};
  L.control.scale({imperial: false, maxWidth: 150}).addTo(map);  // metric only
  document.documentElement.lang = w.lang;
  function name(el, text) { if (el) { el.title = text; el.setAttribute('aria-label', text); } }
  var zoom = map.zoomControl;
  if (zoom) { name(zoom._zoomInButton, w.zoomIn); name(zoom._zoomOutButton, w.zoomOut); }
  if (w.lang !== 'en' && map.attributionControl) {
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  }
  map.on('popupopen', function(e) { name(e.popup._closeButton, w.closePopup); });
  setTimeout(function() {  // the layer control is added after this script
    document.querySelectorAll('.leaflet-control-layers-toggle').forEach(function(el) { name(el, w.layers); });
  }, 0);
})();
"""


class _Localize(folium.MacroElement):
    """Leaflet's own control texts (zoom, layers, popup close, attribution prefix) in the map's language."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _LOCALIZE_JS + "{% endmacro %}")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "Localize"
        words = {key: tr(text, lang) for key, text in _CONTROL_TEXT.items()}
        self.words = js_data({**words, "lang": "zh-CN" if lang == "zh" else lang})


_CONTROL_TEXT = {"zoomIn": "Zoom in", "zoomOut": "Zoom out", "closePopup": "Close popup", "layers": "Layers"}


def overlay(name: str, *, show: bool = True) -> folium.FeatureGroup:
    """A switchable layer whose name (shown by Leaflet as HTML) is escaped.

    Parameters
    ----------
    name : str
        Layer name as people read it (any string; escaped here).
    show : bool, default True

    Returns
    -------
    folium.FeatureGroup

    Examples
    --------
    >>> overlay("<b>").layer_name
    '&lt;b&gt;'
    """
    return folium.FeatureGroup(name=esc(name), show=show)


def tooltip(fragment: str) -> folium.Tooltip:
    """A folium tooltip of an HTML fragment whose data are escaped; no template tag can survive in it.

    Parameters
    ----------
    fragment : str
        HTML, data already escaped (e.g. by :func:`~linyi_spatial.viz._html.table`).

    Returns
    -------
    folium.Tooltip

    Examples
    --------
    >>> tooltip("<b>{{ 7*7 }}</b>").text
    '<b>&#123;&#123; 7*7 &#125;&#125;</b>'
    """
    return folium.Tooltip(no_template(fragment))


def label(
    m: folium.Map,
    lat_lon: Sequence[float],
    text: str,
    *,
    layer: folium.FeatureGroup | None = None,
    unit: bool = False,
    axis: bool = False,
    offset_px: float = 8.0,
) -> None:
    """A name written on the map next to a point, or centred on it for an areal unit (escaped; CJK-safe font).

    Parameters
    ----------
    m : folium.Map
    lat_lon : (float, float)
        Position, already in the basemap's datum.
    text : str
    layer : folium.FeatureGroup, optional
        Add to this layer (switched with it) instead of the map.
    unit : bool, default False
        A unit's name: smaller, grey, italic and centred on the point.
    axis : bool, default False
        An axis's name: smaller, in the axes' blue, centred on the point.
    offset_px : float, default 8
        How far right of the point a place name starts (e.g. a circle's radius).

    Returns
    -------
    None

    Examples
    --------
    >>> m = new_map([10, 50, 11, 51], None, "t")
    >>> label(m, [50.5, 10.5], "<Ashford>")
    >>> page = m.get_root().render()
    >>> "Ashford" in page, "<Ashford>" in page
    (True, False)
    """
    css, anchor = ("linyi-label", (-round(offset_px), 8))
    if unit or axis:
        css, anchor = (f"linyi-label {'linyi-unit-label' if unit else 'linyi-axis-label'}", (0, 0))
    icon = folium.DivIcon(
        html=no_template(f"<div class='{css}'>{esc(text)}</div>"), icon_size=(0, 0), icon_anchor=anchor
    )
    folium.Marker(list(lat_lon), icon=icon, interactive=False).add_to(layer if layer is not None else m)


def legend(
    title: str, items: Sequence[tuple[str, str, str]], *, layer: str | None = None, shown: bool = True
) -> RawHTML:
    """Bottom-right legend; items are (kind, colour, label) with kind line/dash/dot/box or ``circle:<radius px>``.

    A ``circle:<r>`` item is a proportional-symbol key: a circle of the
    radius ``r`` pixels its label's value gets on the map.

    With ``layer`` the legend belongs to that overlay and is switched with it
    (see :class:`LegendSwitch`).

    Parameters
    ----------
    title : str
    items : sequence of (kind, colour, label)
    layer : str, optional
        Overlay name the legend belongs to (as given to :func:`overlay`, unescaped).
    shown : bool, default True

    Returns
    -------
    RawHTML

    Examples
    --------
    >>> "Title" in legend("Title", [("box", "#fff", "x")]).render()
    True
    """
    shapes = {
        "line": "width:22px;border-top:4px solid {c};vertical-align:middle",
        "dash": "width:22px;border-top:4px dashed {c};vertical-align:middle",
        "dot": "width:12px;height:12px;border-radius:6px;background:{c};border:1px solid #333",
        "box": "width:16px;height:12px;background:{c};opacity:0.75;border:1px solid #999",
    }
    rows = []
    for kind, colour, label in items:
        if kind.startswith("circle:"):
            r = float(kind.split(":", 1)[1])
            style = (
                f"width:{2 * r:.1f}px;height:{2 * r:.1f}px;border-radius:50%;background:{esc(colour)};"
                f"opacity:0.8;border:1px solid #333;vertical-align:middle;margin:0 {22 - r:.1f}px 2px {22 - r:.1f}px"
            )
        else:
            style = shapes.get(kind, shapes["box"]).format(c=esc(colour))
        sym = f"<span style='display:inline-block;{style}'></span>"
        rows.append(f"<div>{sym} {esc(label)}</div>")
    body = "".join(rows)
    data = "" if layer is None else f" data-layer='{esc_attr_twice(layer)}'"
    display = "" if shown else "display:none;"
    return RawHTML(
        f"<div class='linyi-legend'{data} style='{display}position:fixed;bottom:30px;right:10px;z-index:1000;"
        "background:white;padding:6px 10px;border:1px solid #999;font-size:12px;max-width:260px'>"
        f"<b>{esc(title)}</b>{body}</div>"
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


class LegendSwitch(folium.MacroElement):
    """Show the legend of the overlay switched on last (one legend per choropleth layer)."""

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _LEGEND_SWITCH_JS + "{% endmacro %}")


class OfflineMap(folium.Map):
    """A folium map that shows in Jupyter with Leaflet and jQuery inlined, so it draws with no CDN reachable."""

    def _repr_html_(self, **kwargs: Any) -> str:
        text = inline_assets(self.get_root().render(**kwargs))
        return (
            '<div style="width:100%;"><div style="position:relative;width:100%;height:0;padding-bottom:60%;">'
            f'<iframe srcdoc="{esc(text)}" style="position:absolute;width:100%;height:100%;'
            'left:0;top:0;border:none !important;" allowfullscreen webkitallowfullscreen mozallowfullscreen>'
            "</iframe></div></div>"
        )


_EXCLUSIVE_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var group = [{% for name in this.layer_names %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}];
  map.on('overlayadd', function(e) {
    if (group.indexOf(e.layer) < 0) { return; }
    // after the layer control has finished handling the click, so it does not re-add what we remove
    setTimeout(function() {
      group.forEach(function(other) { if (other !== e.layer && map.hasLayer(other)) { map.removeLayer(other); } });
    }, 0);
  });
})();
"""


class ExclusiveLayers(folium.MacroElement):
    """Make alternative measure layers switch instead of stacking: turning one on turns the others off.

    Parameters
    ----------
    layers : sequence of folium.FeatureGroup
        The alternative layers (already added to the map).

    Examples
    --------
    >>> m = new_map([10, 50, 11, 51], None, "t")
    >>> a, b = overlay("a").add_to(m), overlay("b", show=False).add_to(m)
    >>> _ = ExclusiveLayers([a, b]).add_to(m)
    >>> "removeLayer" in m.get_root().render()
    True
    """

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _EXCLUSIVE_JS + "{% endmacro %}")

    def __init__(self, layers: Sequence[folium.FeatureGroup]) -> None:
        super().__init__()
        self._name = "ExclusiveLayers"
        self.layer_names = [layer.get_name() for layer in layers]


def _tile_url(key: str, tiles_key: str | None) -> str | None:
    """The tile URL of a basemap, None when it needs a key nobody gave."""
    spec = BASEMAPS[key]
    url = str(spec["tiles"])
    if spec.get("needs_key"):
        given = tiles_key or os.environ.get(spec["needs_key"])
        if not given:
            return None
        url = url.replace("{key}", given)
    return url


def _basemap_layers(m: folium.Map, chosen: str, tiles_key: str | None, lang: str) -> None:
    """The chosen basemap (shown), the others of its datum and "no basemap", as radio buttons of the layer control."""
    datum = BASEMAPS[chosen]["datum"]
    if _tile_url(chosen, tiles_key) is None:
        raise OptionError(f"tiles={chosen!r} needs a key: pass tiles_key or set {BASEMAPS[chosen]['needs_key']}")
    keys = [chosen] + [k for k, v in BASEMAPS.items() if k != chosen and v["tiles"] and v["datum"] == datum]
    for key in keys:
        url = _tile_url(key, tiles_key)
        if url is None:  # another basemap that needs a key: left out
            continue
        spec = BASEMAPS[key]
        name = esc(tr("basemap: {tiles}", lang, tiles=tr(spec["name"], lang)))
        attr = no_template(spec["attr"][lang])
        folium.TileLayer(
            url, attr=attr, name=name, show=key == chosen, subdomains=spec.get("subdomains", "abc")
        ).add_to(m)
    folium.FeatureGroup(name=esc(tr("no basemap", lang)), overlay=False, show=False).add_to(m)


def new_map(
    bounds: Sequence[float], tiles: str | None, title: str, tiles_key: str | None = None, lang: str | None = None
) -> folium.Map:
    """A folium map fitted to ``bounds`` with basemap, title, full-screen button and the datum of its tiles.

    Parameters
    ----------
    bounds : sequence of float
        ``minx, miny, maxx, maxy`` in WGS-84.
    tiles : str or None
        A key of :data:`BASEMAPS`.
    title : str
        Shown top left (escaped).
    tiles_key : str, optional
        Key for basemaps that need one.
    lang : {"en", "zh"}, optional
        Language of the map's controls (default: :func:`~linyi_spatial.viz.i18n.get_lang`).

    Returns
    -------
    folium.Map
        With ``linyi_datum`` set to the basemap's datum and ``linyi_lang`` to its language.

    Raises
    ------
    OptionError
        For an unknown basemap or a missing key.

    Examples
    --------
    >>> new_map([10, 50, 11, 51], None, "A title").linyi_datum
    'EPSG:4326'
    """
    spec = _basemap(tiles)
    lang = check_lang(lang)
    minx, miny, maxx, maxy = bounds
    m = OfflineMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None, zoom_snap=0.25)
    if spec["tiles"] is not None:
        _basemap_layers(m, str(tiles), tiles_key, lang)
    if spec["datum"] == GCJ02:
        a = transform_geometry([shapely.Point(minx, miny), shapely.Point(maxx, maxy)], WGS84, GCJ02)
        minx, miny, maxx, maxy = a[0].x, a[0].y, a[1].x, a[1].y
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    m.get_root().html.add_child(
        RawHTML(
            "<div class='linyi-title' style='position:fixed;top:10px;left:60px;z-index:1000;background:white;"
            f"padding:4px 8px;border:1px solid #999;font-size:14px'>{esc(title)}</div>"
        )
    )
    m.get_root().header.add_child(RawHTML(GENERATOR))
    m.get_root().header.add_child(RawHTML(_PAGE_CSS))
    _Fullscreen(tr("Full screen", lang)).add_to(m)
    _Localize(lang).add_to(m)
    m.linyi_datum = spec["datum"]  # type: ignore[attr-defined]
    m.linyi_lang = lang  # type: ignore[attr-defined]
    return m


def add_credits(m: folium.Map, text: str) -> folium.Map:
    """Name the map's data sources at the bottom left (open on wide pages, a "Sources" line on narrow ones; escaped).

    Parameters
    ----------
    m : folium.Map
    text : str
        The sources, as people read them.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = add_credits(new_map([10, 50, 11, 51], None, "t"), "Census <2020>")
    >>> "Census &lt;2020&gt;" in m.get_root().render()
    True
    """
    if text:
        m.get_root().html.add_child(
            RawHTML(
                "<details class='linyi-credits' open style='position:fixed;bottom:52px;left:10px;z-index:1000;"
                "max-width:50%;background:rgba(255,255,255,0.9);padding:2px 6px;border:1px solid #bbb;"
                "font-size:11px;line-height:1.3'><summary style='cursor:pointer'>"
                f"{esc(tr('Sources', getattr(m, 'linyi_lang', 'en')))}</summary>"
                f"{esc(text)}</details>"
            )
        )
    return m


def finish(m: folium.Map, legend: RawHTML | None = None) -> folium.Map:
    """Add the legend and the layer control (open on wide pages, a button below 1000 px); return the map.

    Parameters
    ----------
    m : folium.Map
    legend : RawHTML, optional

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> isinstance(finish(new_map([10, 50, 11, 51], None, "t")), folium.Map)
    True
    """
    if legend is not None:
        m.get_root().html.add_child(legend)
    _distinct_layer_names(m)
    control = folium.LayerControl(collapsed=True).add_to(m)
    _ResponsiveControl(control).add_to(m)
    return m


def _distinct_layer_names(m: folium.Map) -> None:
    """Layer names as keys of the layer control's object literal: distinct, and never ``__proto__``.

    folium writes the control as ``{name: layer, ...}``: a second layer of
    the same name would replace the first in the control, and the key
    ``__proto__`` would set the object's prototype instead of adding a
    layer. Repeated names get " (2)", " (3)"; ``__proto__`` gets its first
    underscore as a character reference (shown the same).
    """
    seen: dict[str, int] = {}
    for item in m._children.values():
        if not isinstance(item, folium.map.Layer) or not item.control:
            continue
        name = str(item.layer_name)
        if name == "__proto__":
            name = "&#95;_proto__"
        n = seen.get(name, 0) + 1
        seen[name] = n
        item.layer_name = name if n == 1 else f"{name} ({n})"


_RESPONSIVE_JS = """
(function(){
  var control = {{ this.control_name }};
  // wide pages (projectors, full windows) keep the layer list and the sources open;
  // narrow ones (notebook frames) show a layers button and a "Sources" line to click
  var wide = window.innerWidth >= WIDE_PX;
  if (wide) {
    control.expand();
    L.DomEvent.off(control._container, {mouseenter: control._expandSafely, mouseleave: control.collapse}, control);
    control._map.off('click', control.collapse, control);
  }
  document.querySelectorAll('details.linyi-credits').forEach(function(d) { d.open = wide; });
})();
"""


class _ResponsiveControl(folium.MacroElement):
    """Keep the layer control open on wide pages and collapsed to a button on narrow ones (notebook frames)."""

    _template = branca.element.Template(
        "{% macro script(this, kwargs) %}" + _RESPONSIVE_JS.replace("WIDE_PX", "1000") + "{% endmacro %}"
    )

    def __init__(self, control: folium.LayerControl) -> None:
        super().__init__()
        self._name = "ResponsiveControl"
        self.control_name = control.get_name()


def simplified_units(units: gpd.GeoDataFrame, tolerance_m: float = 50.0) -> gpd.GeoDataFrame:
    """Simplify the units' shared boundaries once, as a coverage, so no gaps or slivers open.

    Parameters
    ----------
    units : GeoDataFrame
    tolerance_m : float, default 50

    Returns
    -------
    GeoDataFrame
        In WGS-84.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> len(simplified_units(made_up_structure().units))
    5
    """
    crs = projected_crs(units)
    proj = units.to_crs(crs)
    try:
        simple = shapely.coverage_simplify(proj.geometry.to_numpy(), tolerance_m)
    except (shapely.errors.GEOSException, ValueError):
        simple = proj.geometry.simplify(tolerance_m, preserve_topology=True).to_numpy()
    out = proj.copy()
    out[out.geometry.name] = simple
    return out.to_crs(WGS84)


def geojson_layer(
    layer: folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    datum: str,
    style: Callable[[Any], dict[str, Any]],
    tooltips: Sequence[str],
) -> None:
    """Add one GeoJSON feature per row with its own pre-escaped tooltip.

    Parameters
    ----------
    layer : folium.FeatureGroup
    gdf : GeoDataFrame
    datum : str
        The basemap's datum (overlays are shifted into it).
    style : callable
        folium style function.
    tooltips : sequence of str
        HTML, already escaped, one per row.

    Returns
    -------
    None

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> units = made_up_structure().units
    >>> geojson_layer(folium.FeatureGroup(), units, "EPSG:4326", lambda f: {}, [""] * len(units))
    """
    shifted = shift(gdf, datum)
    for geom, tip in zip(shifted.geometry, tooltips, strict=True):
        if geom is None or geom.is_empty:
            continue
        folium.GeoJson(geom.__geo_interface__, style_function=style, tooltip=tooltip(tip)).add_to(layer)
