"""Interactive folium maps of a city-region's planned structure.

Every string that comes from data or the user is HTML-escaped before it
reaches a tooltip or popup. Colours follow the Okabe–Ito palette, which
stays distinguishable under the common colour-vision deficiencies.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import folium
import pandas as pd

from ._offline import inline_assets
from .crs import WGS84
from .structure import SpatialStructure

__all__ = ["TILES", "save_html", "structure_map"]

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#666666",
}

TILES = {
    "osm": "OpenStreetMap",
    "none": None,
}
"""Basemap names accepted by the map functions (WGS-84 tile sets); ``"none"`` for a blank base."""


def _esc(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _fmt_int(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def _tooltip(rows: list[tuple[str, object]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
        for k, v in rows
        if v not in ("", None)
    )
    return f"<table>{body}</table>"


def _base_map(bounds: tuple[float, float, float, float], tiles: str | None) -> folium.Map:
    if tiles is not None and tiles not in TILES:
        raise ValueError(f"unknown tiles {tiles!r}; expected one of {sorted(TILES)}")
    minx, miny, maxx, maxy = bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=9,
        tiles=TILES.get(tiles or "none"),
        control_scale=True,
        prefer_canvas=False,
    )
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def structure_map(structure: SpatialStructure | None = None, *, tiles: str | None = "osm") -> folium.Map:
    """Map the planned structure: units, core, axes, poles and points.

    Parameters
    ----------
    structure : SpatialStructure, optional
        Defaults to :func:`linyi_spatial.load_structure`.
    tiles : {"osm", "none"} or None, default "osm"
        Basemap; ``None``/``"none"`` draws no tiles (fully offline).

    Returns
    -------
    folium.Map
        Layers: units, core, axes, poles, points, with a layer control and
        a scale bar. Tooltips carry Chinese and English names and key
        figures, all HTML-escaped.

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
    m = _base_map(tuple(s.units.total_bounds), tiles)

    units_layer = folium.FeatureGroup(name="County-level units", show=True)
    for uid, unit in s.units.iterrows():
        rows = [("unit", uid), ("name", unit.get("name_zh", "")), ("name (en)", unit.get("name_en", ""))]
        if "pop_2020" in unit:
            rows += [
                ("population 2020", _fmt_int(unit["pop_2020"])),
                ("urbanization 2020", f"{unit['urbanization_rate']:.1%}" if "urbanization_rate" in unit else ""),
                ("area km²", f"{unit['area_km2']:,.0f}" if "area_km2" in unit else ""),
            ]
        folium.GeoJson(
            unit.geometry.__geo_interface__,
            style_function=lambda _f: {
                "color": OKABE_ITO["grey"],
                "weight": 1,
                "fillColor": "#ffffff",
                "fillOpacity": 0.15,
            },
            tooltip=folium.Tooltip(_tooltip(rows)),
        ).add_to(units_layer)
    units_layer.add_to(m)

    core = s.core.iloc[0]
    core_layer = folium.FeatureGroup(name="Core 一心", show=True)
    folium.GeoJson(
        core.geometry.__geo_interface__,
        style_function=lambda _f: {
            "color": OKABE_ITO["vermillion"],
            "weight": 2.5,
            "fillColor": OKABE_ITO["vermillion"],
            "fillOpacity": 0.25,
        },
        tooltip=folium.Tooltip(
            _tooltip(
                [
                    ("core", core["name_zh"]),
                    ("name (en)", core["name"]),
                    ("units", ", ".join(core["units"])),
                    ("area km²", f"{core['area_km2']:,.0f}"),
                ]
            )
        ),
    ).add_to(core_layer)
    folium.CircleMarker(
        [core["anchor_lat"], core["anchor_lon"]],
        radius=9,
        color=OKABE_ITO["vermillion"],
        fill=True,
        fill_opacity=1,
        tooltip=folium.Tooltip(
            _tooltip(
                [
                    ("core anchor", s.places.loc[core["anchor"], "name_zh"]),
                    ("name (en)", s.places.loc[core["anchor"], "name"]),
                ]
            )
        ),
    ).add_to(core_layer)
    core_layer.add_to(m)

    axes_layer = folium.FeatureGroup(name="Axes 七轴", show=True)
    for aid, axis in s.axes.iterrows():
        coords = [(y, x) for x, y in axis.geometry.coords]
        folium.PolyLine(
            coords,
            color=OKABE_ITO["blue"],
            weight=5,
            opacity=0.8,
            dash_array="8 6" if axis["status"] == "reconstruction" else None,
            tooltip=folium.Tooltip(
                _tooltip(
                    [
                        ("axis", axis["name_zh"]),
                        ("name (en)", axis["name"]),
                        ("id", aid),
                        ("corridors", " / ".join(axis["corridors"])),
                        ("length km", f"{axis['length_km']:.0f}"),
                        ("status", axis["status"]),
                    ]
                )
            ),
        ).add_to(axes_layer)
    axes_layer.add_to(m)

    for name, frame, colour, radius in (
        ("Poles 三极", s.poles, OKABE_ITO["orange"], 8),
        ("Points 多点", s.points, OKABE_ITO["green"], 5),
    ):
        layer = folium.FeatureGroup(name=name, show=True)
        for pid, row in frame.iterrows():
            folium.CircleMarker(
                [row.geometry.y, row.geometry.x],
                radius=radius,
                color="#333333",
                weight=1,
                fill=True,
                fill_color=colour,
                fill_opacity=0.95,
                tooltip=folium.Tooltip(
                    _tooltip(
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

    title = f"{_esc(s.name)} — {_esc(s.meta.get('pattern', 'planned spatial structure'))}"
    m.get_root().html.add_child(
        folium.Element(
            "<div style='position:fixed;top:10px;left:60px;z-index:1000;background:white;padding:4px 8px;"
            f"border:1px solid #999;font:14px sans-serif'>{title}</div>"
        )
    )
    folium.LayerControl(collapsed=False).add_to(m)
    return m


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
