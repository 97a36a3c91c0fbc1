"""Map layers: escaped overlays, tooltips and labels, GeoJSON features, units simplified as a coverage.

Every string that comes from data or the user is HTML-escaped before it
reaches a tooltip, popup, legend or title, and no string from data ever
becomes template source (see :mod:`linyi_spatial.viz._html`): every fragment
handed to folium goes through :func:`tooltip`, :func:`label`, :func:`overlay`
or :func:`~linyi_spatial.viz._html.no_template`. County polygons are
simplified to 50 m as a coverage (:func:`simplified_units`), so shared
borders stay shared and each HTML file stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import folium
import geopandas as gpd
import pandas as pd
import shapely

from ..crs import WGS84, projected_crs
from ._html import esc, no_template
from .basemaps import shift
from .i18n import local_name

__all__ = [
    "added",
    "context_units",
    "geojson_layer",
    "label",
    "local_unit_names",
    "overlay",
    "simplified_units",
    "tooltip",
]

_Child = TypeVar("_Child", bound=folium.MacroElement)


def added(child: _Child, parent: folium.Map | folium.FeatureGroup) -> _Child:
    """``child`` added to ``parent``, returned as itself (folium's ``add_to`` is typed as returning any element).

    Parameters
    ----------
    child : folium element
    parent : folium.Map or folium.FeatureGroup

    Returns
    -------
    the child

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> layer = added(overlay("a"), m)
    >>> layer.layer_name, layer._parent is m
    ('a', True)
    """
    child.add_to(parent)
    return child


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
    context: bool = False,
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
    context : bool, default False
        A neighbouring area's name (drawn as a unit's): the first hidden where names crowd
        (see :class:`~linyi_spatial.viz.controls.Declutter`).

    Returns
    -------
    None

    Examples
    --------
    >>> from linyi_spatial.viz.mapobject import new_map
    >>> m = new_map([10, 50, 11, 51], None, "t")
    >>> label(m, [50.5, 10.5], "<Ashford>")
    >>> page = m.get_root().render()
    >>> "Ashford" in page, "<Ashford>" in page
    (True, False)
    """
    css, anchor = ("linyi-label", (-round(offset_px), 8))
    if unit or axis or context:
        kind = "linyi-unit-label linyi-context-label" if context else "linyi-unit-label" if unit else "linyi-axis-label"
        css, anchor = (f"linyi-label {kind}", (0, 0))
    icon = folium.DivIcon(
        html=no_template(f"<div class='{css}'>{esc(text)}</div>"), icon_size=(0, 0), icon_anchor=anchor
    )
    folium.Marker(list(lat_lon), icon=icon, interactive=False).add_to(layer if layer is not None else m)


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


def local_unit_names(units: pd.DataFrame, lang: str, fallback: pd.Series | None = None) -> pd.Series:
    """Each unit's name in ``lang``: ``name_zh`` on Chinese maps, ``name_en`` (else ``name``) on English ones.

    A unit without a name in that language takes the other's, then ``fallback``'s, then its id.

    Parameters
    ----------
    units : DataFrame
    lang : {"en", "zh"}
    fallback : Series, optional
        Names by unit id to use when the units have no name columns.

    Returns
    -------
    pandas.Series

    Examples
    --------
    >>> u = pd.DataFrame({"name_zh": ["沂水县"], "name_en": ["Yishui"]}, index=["371323"])
    >>> local_unit_names(u, "en").tolist(), local_unit_names(u, "zh").tolist()
    (['Yishui'], ['沂水县'])
    """
    out = {}
    for uid, row in units.iterrows():
        en = row.get("name_en") or row.get("name")
        name = local_name(row.get("name_zh"), en, lang)
        if not name and fallback is not None:
            name = str(fallback.get(uid, ""))
        out[uid] = name or str(uid)
    return pd.Series(out, dtype=object, name="name").reindex(units.index)


def context_units(
    m: folium.Map,
    units: gpd.GeoDataFrame,
    lang: str,
    *,
    name: str,
    fallback: pd.Series | None = None,
) -> folium.FeatureGroup:
    """The units' outlines and names over a map's data, in a layer of their own (on at load).

    Outlines only (no fill, not clickable), so the data below stay readable; each unit's name sits at a
    point inside it, in the page's language (:func:`local_unit_names`).

    Parameters
    ----------
    m : folium.Map
    units : GeoDataFrame
    lang : {"en", "zh"}
    name : str
        The layer's name in the layer control.
    fallback : Series, optional
        Names by unit id when the units have no name columns.

    Returns
    -------
    folium.FeatureGroup

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> from linyi_spatial.viz.mapobject import new_map
    >>> s = made_up_structure()
    >>> m = new_map(s.units.total_bounds, None, "t")
    >>> _ = context_units(m, s.units, "en", name="Units", fallback=s.unit_names())
    >>> "Brookby" in m.get_root().render()
    True
    """
    datum = getattr(m, "datum", WGS84)
    shapes = simplified_units(units)
    layer = overlay(name, show=True)
    outline = {"color": "#333333", "weight": 1.2, "fill": False, "opacity": 0.9, "interactive": False}
    folium.GeoJson(
        shift(shapes[[shapes.geometry.name]], datum).__geo_interface__,
        style_function=lambda _f: outline,
        interactive=False,
    ).add_to(layer)
    names = local_unit_names(units, lang, fallback)
    inside = shift(shapes.geometry.representative_point(), datum)
    for uid, where in inside.items():
        label(m, [where.y, where.x], str(names.get(uid, uid)), layer=layer, unit=True)
    layer.add_to(m)
    return layer
