"""The map object: a folium map that draws offline, knows its datum and language, and is finished one way.

:func:`new_map` makes every map of the library (fitted bounds, basemap,
title, full-screen button, Leaflet's texts in its language) as an
:class:`OfflineMap` whose ``datum`` and ``lang`` fields the layer builders
read; :func:`add_credits` names its sources and :func:`finish` adds the
legend and the layer control. :func:`page` is the map's HTML document
(folium's root figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import branca
import folium
import shapely

from ..crs import GCJ02, WGS84, transform_geometry
from ._html import RawHTML, esc
from ._offline import inline_assets
from .basemaps import basemap_layers, basemap_spec
from .controls import Declutter, Fullscreen, Localize, ResponsiveControl, distinct_layer_names
from .i18n import check_lang, tr
from .style import GENERATOR, PAGE_CSS

__all__ = ["OfflineMap", "add_credits", "finish", "new_map", "page"]


class OfflineMap(folium.Map):
    """A folium map that shows in Jupyter with Leaflet and jQuery inlined, so it draws with no CDN reachable.

    Attributes
    ----------
    datum : str
        The datum of its basemap (``"EPSG:4326"`` or ``"GCJ-02"``): overlays
        are shifted into it (:func:`~linyi_spatial.viz.basemaps.shift`).
    lang : {"en", "zh"}
        The language of its texts.
    """

    datum: str = WGS84
    lang: str = "en"

    def _repr_html_(self, **kwargs: Any) -> str:
        text = inline_assets(self.get_root().render(**kwargs))
        return (
            '<div style="width:100%;"><div style="position:relative;width:100%;height:0;padding-bottom:60%;">'
            f'<iframe srcdoc="{esc(text)}" style="position:absolute;width:100%;height:100%;'
            'left:0;top:0;border:none !important;" allowfullscreen webkitallowfullscreen mozallowfullscreen>'
            "</iframe></div></div>"
        )


def page(m: folium.Map) -> branca.element.Figure:
    """The HTML document a map is drawn in (folium's root figure, with ``header``, ``html`` and ``script``).

    Parameters
    ----------
    m : folium.Map

    Returns
    -------
    branca.element.Figure

    Examples
    --------
    >>> "<html" in page(new_map([10, 50, 11, 51], None, "t")).render()
    True
    """
    return cast(branca.element.Figure, m.get_root())


def new_map(
    bounds: Sequence[float], tiles: str | None, title: str, tiles_key: str | None = None, lang: str | None = None
) -> OfflineMap:
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
    OfflineMap
        With ``datum`` set to the basemap's datum and ``lang`` to its language.

    Raises
    ------
    OptionError
        For an unknown basemap or a missing key.

    Examples
    --------
    >>> new_map([10, 50, 11, 51], None, "A title").datum
    'EPSG:4326'
    """
    spec = basemap_spec(tiles)
    lang = check_lang(lang)
    minx, miny, maxx, maxy = bounds
    m = OfflineMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None, zoom_snap=0.25)
    if spec["tiles"] is not None:
        basemap_layers(m, str(tiles), tiles_key, lang)
    if spec["datum"] == GCJ02:
        a = transform_geometry([shapely.Point(minx, miny), shapely.Point(maxx, maxy)], WGS84, GCJ02)
        minx, miny, maxx, maxy = a[0].x, a[0].y, a[1].x, a[1].y
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    page(m).html.add_child(
        RawHTML(
            "<div class='linyi-title' style='position:fixed;top:10px;left:60px;z-index:1000;background:white;"
            f"padding:4px 8px;border:1px solid #999;font-size:14px'>{esc(title)}</div>"
        )
    )
    page(m).html.add_child(RawHTML(NORTH_ARROW.format(title=esc(tr("north", lang)))))
    page(m).header.add_child(RawHTML(GENERATOR))
    page(m).header.add_child(RawHTML(PAGE_CSS))
    Fullscreen(tr("Full screen", lang)).add_to(m)
    Localize(lang).add_to(m)
    m.datum = str(spec["datum"])
    m.lang = lang
    return m


NORTH_ARROW = (
    "<div class='linyi-north' title='{title}' style='position:fixed;top:132px;left:10px;z-index:1000;width:34px;"
    "height:46px;background:white;border:2px solid rgba(0,0,0,0.2);border-radius:4px;text-align:center'>"
    "<svg width='30' height='42' viewBox='0 0 30 42' role='img' aria-label='{title}'>"
    "<polygon points='15,3 24,27 15,21' fill='#222'/><polygon points='15,3 6,27 15,21' fill='#fff' stroke='#222' "
    "stroke-width='1'/><text x='15' y='40' font-size='12' font-weight='700' text-anchor='middle' "
    "font-family='sans-serif' fill='#222'>N</text></svg></div>"
)
"""The north arrow (指北针) of every map, below the zoom and full-screen buttons: the maps are north-up
(Web Mercator), so it points straight up; its tooltip says "north" in the page's language."""


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
        page(m).html.add_child(
            RawHTML(
                "<details class='linyi-credits' open style='position:fixed;bottom:52px;left:10px;z-index:1000;"
                "max-width:50%;background:rgba(255,255,255,0.9);padding:2px 6px;border:1px solid #bbb;"
                "font-size:11px;line-height:1.3'><summary style='cursor:pointer'>"
                f"{esc(tr('Sources', m.lang if isinstance(m, OfflineMap) else 'en'))}</summary>"
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
        page(m).html.add_child(legend)
    distinct_layer_names(m)
    Declutter().add_to(m)  # names kept apart at every zoom
    control = folium.LayerControl(collapsed=True)
    control.add_to(m)
    ResponsiveControl(control).add_to(m)
    return m
