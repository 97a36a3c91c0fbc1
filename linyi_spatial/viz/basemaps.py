"""Basemaps and datums: the tile sets a map may use, and overlays shifted into the datum of their tiles.

WGS-84 tile sets (OpenStreetMap, CARTO, Tianditu, whose CGCS2000 datum
matches WGS-84 within centimetres) draw overlays as stored; GCJ-02 tile sets
(Amap/高德) get every overlay shifted into GCJ-02 first (:func:`shift`,
:func:`point`), so lines and polygons sit on the right streets. A map's
layer control offers only the basemaps of its overlays' datum.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, TypeVar

import folium
import geopandas as gpd
import shapely

from .._checks import TILE_KEY_PATTERN, check_tile_key
from ..crs import GCJ02, WGS84, transform_geometry
from ..errors import OptionError
from ._html import esc, no_template
from .i18n import tr

__all__ = [
    "BASEMAPS",
    "COORD_PRECISION_DEG",
    "TILE_KEY_PATTERN",
    "basemap_layers",
    "basemap_spec",
    "check_tile_key",
    "point",
    "shift",
]


_Geo = TypeVar("_Geo", gpd.GeoDataFrame, gpd.GeoSeries)


COORD_PRECISION_DEG = 1e-5
"""Overlay coordinates are rounded to this many degrees (about 1 m)."""


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
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}",
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


def basemap_spec(tiles: str | None) -> dict[str, Any]:
    """The :data:`BASEMAPS` entry of ``tiles`` (``None`` is ``"none"``), or an :class:`OptionError` naming the choices.

    Parameters
    ----------
    tiles : str or None

    Returns
    -------
    dict

    Examples
    --------
    >>> basemap_spec(None)["datum"]
    'EPSG:4326'
    """
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
    try:
        geoms = shapely.set_precision(geoms, COORD_PRECISION_DEG)  # ≈1 m: smaller files, nothing visible lost
    except shapely.errors.GEOSException:  # a dissolved band that touches itself: repaired, then rounded
        geoms = shapely.set_precision(shapely.make_valid(geoms), COORD_PRECISION_DEG)
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


def _tile_key(key: str, tiles_key: str | None) -> str | None:
    """The key a basemap gets (checked), None when it needs one nobody gave.

    A key passed as ``tiles_key`` must be valid; a key from the environment
    that is not valid leaves that basemap out of the alternatives with a
    warning, unless it is the chosen one (then it is an error).
    """
    spec = BASEMAPS[key]
    if not spec.get("needs_key"):
        return ""
    if tiles_key:
        return check_tile_key(tiles_key, "tiles_key")
    given = os.environ.get(spec["needs_key"])
    return check_tile_key(given, spec["needs_key"]) if given else None


def basemap_layers(m: folium.Map, chosen: str, tiles_key: str | None, lang: str) -> None:
    """The chosen basemap (shown), the others of its datum and "no basemap", as radio buttons of the layer control.

    Parameters
    ----------
    m : folium.Map
    chosen : str
        A key of :data:`BASEMAPS` with tiles.
    tiles_key : str, optional
        Key for basemaps that need one (else the environment variable they name).
    lang : {"en", "zh"}

    Returns
    -------
    None

    Raises
    ------
    OptionError
        If the chosen basemap needs a key nobody gave.

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> basemap_layers(m, "osm", None, "en")
    >>> [c.layer_name for c in m._children.values() if hasattr(c, "layer_name")]
    ['basemap: OpenStreetMap', 'basemap: CARTO light', 'no basemap']
    """
    datum = BASEMAPS[chosen]["datum"]
    if tiles_key:  # a key given explicitly is checked whichever basemap is chosen
        check_tile_key(tiles_key, "tiles_key")
    if _tile_key(chosen, tiles_key) is None:
        raise OptionError(f"tiles={chosen!r} needs a key: pass tiles_key or set {BASEMAPS[chosen]['needs_key']}")
    keys = [chosen] + [k for k, v in BASEMAPS.items() if k != chosen and v["tiles"] and v["datum"] == datum]
    for key in keys:
        try:
            tk = _tile_key(key, tiles_key)
        except OptionError as exc:  # an unusable key in the environment for an alternative: left out, said
            warnings.warn(f"{exc}; the {BASEMAPS[key]['name']} basemap is left out", UserWarning, stacklevel=2)
            continue
        if tk is None:  # another basemap that needs a key: left out
            continue
        spec = BASEMAPS[key]
        name = esc(tr("basemap: {tiles}", lang, tiles=tr(spec["name"], lang)))
        attr = no_template(spec["attr"][lang])
        options: dict[str, Any] = (
            {"tk": tk} if tk else {}
        )  # Leaflet fills {tk} in the URL from its options: the key stays data
        folium.TileLayer(
            spec["tiles"], attr=attr, name=name, show=key == chosen, subdomains=spec.get("subdomains", "abc"), **options
        ).add_to(m)
    folium.FeatureGroup(name=esc(tr("no basemap", lang)), overlay=False, show=False).add_to(m)
