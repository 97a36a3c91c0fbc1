"""Static maps for reports (成果图件): PNG, PDF and SVG with title, legend, scale bar, north arrow, sources and inset.

:func:`static_map` lays out :class:`StaticLayer` s on a sheet of paper
(A4 or A3, portrait or landscape): the map in a projected CRS (the UTM zone
of the data, so the scale bar is true), a north arrow turned by the grid
convergence at the map's centre (true north, not grid north), a scale bar
in round kilometres with the sheet's representative fraction
(``1 : 850 000``), a legend in the sheet's language, the sources, and a
locator inset. Names are placed so they do not overlap: each tries a few
positions round its point and takes the first that is free (a name that
fits nowhere is drawn where it overlaps least, so no place goes unnamed).

:func:`save_figure` writes PNG, PDF or SVG to a temporary name and renames
it into place, marked as the library's file; it never overwrites a file
the library did not write. Chinese text needs a CJK font
(:func:`~linyi_spatial.viz.fonts.require_cjk_font`).
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .._io import replacing
from ..crs import WGS84, projected_crs
from ..errors import DataError, OptionError
from .fonts import new_figure, use_font
from .i18n import check_lang, tr

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PAPERS", "StaticLayer", "save_figure", "static_map", "static_written_by_us"]

PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
"""Paper sizes in millimetres (short side, long side)."""

STATIC_MARK = "linyi_spatial: generated file; the next linyi_spatial run may replace it"
"""Written into the metadata of every static figure (PNG ``Software``, PDF and SVG ``Creator``)."""

MM = 1 / 25.4


@dataclass(frozen=True)
class StaticLayer:
    """One layer of a static map: geometries and how they are drawn.

    Attributes
    ----------
    frame : GeoDataFrame
        The geometries (any CRS; drawn in the map's projected CRS).
    facecolor : str or sequence of str, default "none"
        Fill of polygons and points (one colour, or one per row).
    edgecolor : str or sequence of str, default "none"
        Outline of polygons and points, colour of lines.
    linewidth : float or sequence of float, default 0.5
        In points.
    linestyle : str, default "-"
        ``"-"`` or ``"--"``.
    alpha : float, default 1.0
    markersize : float or sequence of float, default 0.0
        Point symbol radius in points.
    labels : sequence of str, optional
        A name per row, written at the row's point (a point inside a polygon).
    label_kind : {"place", "unit", "axis", "context"}, default "place"
        How the names look: places bold beside their point, units grey italic
        and centred, axes blue and centred, neighbouring areas grey and smaller.
    label_offset_pt : float or sequence of float, default 4.0
        Distance of a place name from its point (e.g. a circle's radius).
    zorder : int, default 1
    context : bool, default False
        Surroundings (neighbouring areas): drawn, but not framed by the map
        nor counted as the region in the inset.
    """

    frame: gpd.GeoDataFrame
    facecolor: str | Sequence[str] = "none"
    edgecolor: str | Sequence[str] = "none"
    linewidth: float | Sequence[float] = 0.5
    linestyle: str = "-"
    alpha: float = 1.0
    markersize: float | Sequence[float] = 0.0
    labels: Sequence[str] | None = None
    label_kind: str = "place"
    label_offset_pt: float | Sequence[float] = 4.0
    zorder: int = 1
    context: bool = False


LABEL_STYLES: dict[str, dict[str, Any]] = {
    "place": {"fontsize": 8.5, "fontweight": "bold", "color": "#222222"},
    "unit": {"fontsize": 7.5, "fontstyle": "italic", "color": "#444444"},
    "axis": {"fontsize": 7.5, "color": "#0072B2"},
    "context": {"fontsize": 7, "color": "#666666"},
}


def _paper(paper: str, orientation: str) -> tuple[float, float]:
    if paper not in PAPERS:
        raise OptionError(f"paper must be one of {sorted(PAPERS)}, got {paper!r}")
    if orientation not in ("landscape", "portrait"):
        raise OptionError(f"orientation must be 'landscape' or 'portrait', got {orientation!r}")
    short, long = PAPERS[paper]
    return (long, short) if orientation == "landscape" else (short, long)


def nice_length_m(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k metres) about a fifth of ``span_m``.

    Parameters
    ----------
    span_m : float
        Width of the map in metres.

    Returns
    -------
    float

    Examples
    --------
    >>> nice_length_m(200_000), nice_length_m(9_000)
    (40000.0, 1000.0)
    """
    target = max(span_m / 5.0, 1.0)
    k = 10.0 ** math.floor(math.log10(target))
    return float(max(m * k for m in (1, 2, 4, 5) if m * k <= target))


def grid_convergence_deg(lon: float, lat: float, crs: str) -> float:
    """Angle (degrees, clockwise from the map's up) of true north at ``(lon, lat)`` in a projected ``crs``.

    Parameters
    ----------
    lon, lat : float
        WGS-84.
    crs : str
        A projected CRS.

    Returns
    -------
    float
        Negative east of the projection's central meridian for UTM in the
        northern hemisphere (true north leans left of grid north there).

    Examples
    --------
    >>> round(grid_convergence_deg(117.0, 35.0, "EPSG:32650"), 6)  # on the zone's central meridian
    0.0
    >>> round(grid_convergence_deg(118.4, 35.2, "EPSG:32650"), 2)
    -0.81
    """
    t = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
    x0, y0 = t.transform(lon, lat)
    x1, y1 = t.transform(lon, lat + 0.01)
    return float(math.degrees(math.atan2(x1 - x0, y1 - y0)))


def _extent(bounds: Sequence[float], ax_w_mm: float, ax_h_mm: float, margin: float) -> tuple[float, ...]:
    """The data extent that fills an axes of the given size with equal scale, holding ``bounds``."""
    minx, miny, maxx, maxy = bounds
    w, h = (maxx - minx) * (1 + 2 * margin), (maxy - miny) * (1 + 2 * margin)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    scale = max(w / ax_w_mm, h / ax_h_mm)  # metres per millimetre of paper
    return cx - scale * ax_w_mm / 2, cx + scale * ax_w_mm / 2, cy - scale * ax_h_mm / 2, cy + scale * ax_h_mm / 2


def _draw_layer(ax: Axes, layer: StaticLayer, crs: str) -> gpd.GeoDataFrame:
    frame = layer.frame.to_crs(crs)
    if frame.empty:
        return frame
    geoms = frame.geometry
    kinds = geoms.geom_type.str.replace("Multi", "", regex=False)
    for kind in ("Polygon", "LineString", "Point"):
        mask = (kinds == kind).to_numpy()
        if not mask.any():
            continue
        part = frame[mask]

        def pick(value: Any, m: np.ndarray = mask) -> Any:
            return [v for v, keep in zip(value, m, strict=True) if keep] if _per_row(value) else value

        if kind == "Polygon":
            part.plot(ax=ax, facecolor=pick(layer.facecolor), edgecolor=pick(layer.edgecolor),
                      linewidth=pick(layer.linewidth), linestyle=layer.linestyle, alpha=layer.alpha,
                      zorder=layer.zorder)  # fmt: skip
        elif kind == "LineString":
            part.plot(ax=ax, color=pick(layer.edgecolor), linewidth=pick(layer.linewidth),
                      linestyle=layer.linestyle, alpha=layer.alpha, zorder=layer.zorder)  # fmt: skip
        else:
            sizes = pick(layer.markersize)
            area = [(2 * s) ** 2 for s in sizes] if _per_row(sizes) else (2 * float(sizes)) ** 2
            ax.scatter(part.geometry.x, part.geometry.y, s=area, c=pick(layer.facecolor),
                       edgecolors=pick(layer.edgecolor), linewidths=pick(layer.linewidth), alpha=layer.alpha,
                       zorder=layer.zorder, linestyle=layer.linestyle)  # fmt: skip
    return frame


def _per_row(value: Any) -> bool:
    return not isinstance(value, str) and isinstance(value, Sequence | np.ndarray | pd.Series)


# where a name may go round its point: right, left, above, below, then the diagonals (offsets in units of the gap)
_PLACE_POSITIONS = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
                    (0, -1, "center", "top"), (0.8, 0.8, "left", "bottom"), (-0.8, 0.8, "right", "bottom"),
                    (0.8, -0.8, "left", "top"), (-0.8, -0.8, "right", "top"))  # fmt: skip
_CENTRED_POSITIONS = ((0, 0, "center", "center"), (0, 1.6, "center", "bottom"), (0, -1.6, "center", "top"),
                      (1.6, 0, "left", "center"), (-1.6, 0, "right", "center"))  # fmt: skip


def _candidates(centred: bool) -> list[tuple[float, tuple[float, float, str, str]]]:
    """Positions a name may take, nearest first: the ring of positions round its point, then rings further out."""
    positions = _CENTRED_POSITIONS if centred else _PLACE_POSITIONS
    return [(ring, p) for ring in (1.0, 2.5, 4.0) for p in positions if ring == 1.0 or p[:2] != (0, 0)]


class _BoxIndex:
    """Placed label boxes (pixels) in a uniform grid, so a candidate is compared with its neighbours only.

    Adding and querying touch the grid cells a box covers: placing *n*
    names costs O(n) box comparisons instead of O(n²). Where names pile up
    (more than :attr:`crowd` in one cell: a sheet with more names than room),
    a query counts the cell's most recent :attr:`crowd` names only — any
    position there is taken already, so the choice does not change, and the
    cost stays linear.
    """

    crowd = 32

    def __init__(self, cell_px: float = 48.0) -> None:
        self.cell = cell_px
        self.boxes: list[tuple[float, float, float, float]] = []
        self.grid: dict[tuple[int, int], list[int]] = {}

    def _cells(self, x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(x0 / c), math.floor(x1 / c) + 1):
            for j in range(math.floor(y0 / c), math.floor(y1 / c) + 1):
                yield i, j

    def add(self, box: tuple[float, float, float, float]) -> None:
        n = len(self.boxes)
        self.boxes.append(box)
        for key in self._cells(*box):
            self.grid.setdefault(key, []).append(n)

    def overlap(self, box: tuple[float, float, float, float]) -> float:
        """Sum of the areas this box shares with the boxes placed (each counted once)."""
        x0, y0, x1, y1 = box
        near = {k for key in self._cells(*box) for k in self.grid.get(key, ())[-self.crowd :]}
        total = 0.0
        for k in near:
            a0, b0, a1, b1 = self.boxes[k]
            w, h = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if w > 0 and h > 0:
                total += w * h
        return total


def _aligned(x: float, y: float, w: float, h: float, ha: str, va: str) -> tuple[float, float, float, float]:
    """The box of a text of size ``w`` × ``h`` anchored at ``(x, y)`` with this alignment, padded as before."""
    x0 = x if ha == "left" else (x - w if ha == "right" else x - w / 2)
    y0 = y if va == "bottom" else (y - h if va == "top" else y - h / 2)
    pw, ph = 0.025 * w, 0.05 * h  # the 1.05 × 1.1 expansion about the centre
    return x0 - pw, y0 - ph, x0 + w + pw, y0 + h + ph


def _label_layers(fig: Figure, ax: Axes, drawn: Sequence[tuple[StaticLayer, gpd.GeoDataFrame]]) -> tuple[int, int]:
    """Write every layer's names, each where it overlaps no name placed before it (places first).

    Each name is measured once; its candidate positions are boxes computed
    from that size, compared with the names already placed through a grid
    index (linear in the number of names), and the text is drawn once, at
    the best position. A place or axis is always named (where it overlaps
    least when nothing is free); a unit or a context area only where there
    is room, so hundreds of units never become a pile of text.

    Returns
    -------
    (int, int)
        Unit names left out for lack of room, and unit names in all.
    """
    from matplotlib import patheffects
    from matplotlib.transforms import offset_copy

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    index = _BoxIndex()
    # the north arrow and the scale bar are furniture: no name goes over them
    for a in [*ax.patches, *ax.texts]:
        if a.get_zorder() >= 29:
            e = a.get_window_extent(renderer)
            index.add((e.x0, e.y0, e.x1, e.y1))
    frame = ax.get_window_extent(renderer)
    px_per_pt = fig.dpi / 72.0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    visible = shapely.box(x0, y0, x1, y1)
    order = {"place": 0, "axis": 1, "unit": 2, "context": 3}
    units_named = [0, 0]  # left out, in all
    for layer, rows in sorted(drawn, key=lambda item: order.get(item[0].label_kind, 4)):
        if layer.labels is None or rows.empty:
            continue
        style = LABEL_STYLES.get(layer.label_kind, LABEL_STYLES["place"])
        centred = layer.label_kind != "place"
        candidates = _candidates(centred)
        # a name sits in the part of its area that the map shows
        where = rows.geometry.intersection(visible).representative_point() if centred else rows.geometry.centroid
        offset = layer.label_offset_pt
        offsets = cast("Sequence[float]", offset if _per_row(offset) else [offset] * len(rows))
        for text, pt, gap in zip(layer.labels, where, offsets, strict=True):
            if not text or pt is None or pt.is_empty:
                continue
            artist = ax.text(pt.x, pt.y, str(text), ha="left", va="bottom", zorder=20, **style)
            size = artist.get_window_extent(renderer)
            ax_x, ax_y = ax.transData.transform((pt.x, pt.y))
            best: tuple[float, tuple[float, float, float, float], tuple[float, float, str, str]] | None = None
            for ring, (dx, dy, ha, va) in candidates:
                step = (4.0 if centred else float(gap) + 2.0) * ring
                box = _aligned(ax_x + dx * step * px_per_pt, ax_y + dy * step * px_per_pt,
                               size.width, size.height, ha, va)  # fmt: skip
                inside = frame.x0 <= box[0] and frame.y0 <= box[1] and box[2] <= frame.x1 and box[3] <= frame.y1
                overlap = (0.0 if inside else 1e9) + index.overlap(box)
                if best is None or overlap < best[0]:
                    best = (overlap, box, (dx * step, dy * step, ha, va))
                if overlap == 0.0:
                    break
            if layer.label_kind == "unit":
                units_named[1] += 1
            if best is None or (best[0] > 0 and (layer.context or layer.label_kind == "unit")):  # only with room
                artist.remove()
                units_named[0] += int(layer.label_kind == "unit" and not layer.context)
                continue
            sx, sy, ha, va = best[2]
            artist.set_transform(offset_copy(ax.transData, fig=fig, x=sx, y=sy, units="points"))
            artist.set_horizontalalignment(ha)  # type: ignore[arg-type]
            artist.set_verticalalignment(va)  # type: ignore[arg-type]
            artist.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
            index.add(best[1])
    return units_named[0], units_named[1]


def _north_arrow(ax: Axes, extent: Sequence[float], angle_deg: float, lang: str) -> None:
    """A north arrow at the map's top right, turned to true north (the grid convergence), with N / 北."""
    from matplotlib.patches import Polygon
    from matplotlib.transforms import Affine2D

    x0, x1, y0, y1 = extent
    size = 0.07 * (y1 - y0)
    cx, cy = x1 - 0.06 * (x1 - x0), y1 - 0.11 * (y1 - y0)
    turn = Affine2D().rotate_deg_around(cx, cy, -angle_deg) + ax.transData
    left = [(cx, cy + size / 2), (cx - size * 0.28, cy - size / 2), (cx, cy - size * 0.25)]
    right = [(cx, cy + size / 2), (cx + size * 0.28, cy - size / 2), (cx, cy - size * 0.25)]
    ax.add_patch(Polygon(left, closed=True, facecolor="white", edgecolor="#222", linewidth=0.8, transform=turn,
                         zorder=30))  # fmt: skip
    ax.add_patch(Polygon(right, closed=True, facecolor="#222", edgecolor="#222", linewidth=0.8, transform=turn,
                         zorder=30))  # fmt: skip
    ax.text(cx, cy + size / 2 + 0.01 * (y1 - y0), "北 N" if lang == "zh" else "N", transform=turn, ha="center",
            va="bottom", fontsize=9, fontweight="bold", zorder=30)  # fmt: skip


def _scale_bar(ax: Axes, extent: Sequence[float], lang: str, fraction: float) -> None:
    """A scale bar of round kilometres at the map's bottom left, and the sheet's representative fraction."""
    from matplotlib.patches import Rectangle

    x0, x1, y0, y1 = extent
    length = nice_length_m(x1 - x0)
    left, bottom, height = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0), 0.012 * (y1 - y0)
    ax.add_patch(Rectangle((left - 0.01 * (x1 - x0), bottom - 0.035 * (y1 - y0)), length + 0.05 * (x1 - x0),
                           0.085 * (y1 - y0), facecolor="white", edgecolor="none", alpha=0.8, zorder=29))  # fmt: skip
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height, zorder=30,
                               facecolor="#222" if i % 2 == 0 else "white", edgecolor="#222",
                               linewidth=0.6))  # fmt: skip
    for i in (0, 2, 4):
        km = length * i / 4 / 1000
        text = f"{km:g}" + (" km" if i == 4 else "")
        ax.text(left + i * length / 4, bottom + height * 1.6, text, ha="center", va="bottom", fontsize=7, zorder=30)
    ax.text(left, bottom - height * 0.8, tr("scale 1 : {n}", lang, n=f"{fraction:,.0f}".replace(",", " ")),
            ha="left", va="top", fontsize=7, zorder=30)  # fmt: skip


def _round_fraction(value: float) -> float:
    """A representative fraction rounded to two significant figures (1 : 1 234 567 -> 1 : 1 200 000)."""
    k = 10.0 ** (math.floor(math.log10(value)) - 1)
    return float(round(value / k) * k)


def _legend_handles(items: Sequence[tuple[str, str, str]]) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    labels: list[str] = []
    for kind, colour, label in items:
        if kind == "box":
            handles.append(Patch(facecolor=colour, edgecolor="#999999", linewidth=0.5))
        elif kind in ("line", "dash"):
            handles.append(Line2D([], [], color=colour, linewidth=2.2, linestyle="--" if kind == "dash" else "-"))
        elif kind == "ring":
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor="none",
                                  markeredgecolor=colour, markeredgewidth=1.5))  # fmt: skip
        elif kind.startswith("circle:"):
            r = float(kind.split(":", 1)[1])
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=2 * r, markerfacecolor=colour,
                                  markeredgecolor="#333333", markeredgewidth=0.6))  # fmt: skip
        else:  # dot
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor=colour,
                                  markeredgecolor="#333333", markeredgewidth=0.6))  # fmt: skip
        labels.append(label)
    return handles, labels


def _wrap(text: str, width: int, lang: str) -> str:
    """Wrap at ``width`` characters (Chinese, which has no spaces, counted as two a character)."""
    if lang == "zh":
        width = max(width // 2, 8)
        lines, line = [], ""
        for ch in text:
            line += ch
            if (len(line) >= width and ch in "，。；、）) ：:") or len(line) >= width + 6:
                lines.append(line)
                line = ""
        return "\n".join([*lines, line] if line else lines)
    return textwrap.fill(text, width=width, break_long_words=False, break_on_hyphens=False)


def static_map(  # noqa: PLR0913 - a sheet's parts, each documented
    layers: Sequence[StaticLayer],
    *,
    title: str,
    legends: Sequence[tuple[str, Sequence[tuple[str, str, str]]]] = (),
    sources: str = "",
    subtitle: str = "",
    inset: gpd.GeoDataFrame | None = None,
    bounds: Sequence[float] | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """A static map on a sheet of paper: the layers, title, legend, scale bar, north arrow, sources and inset.

    Parameters
    ----------
    layers : sequence of StaticLayer
        Drawn in order (and by ``zorder``); their names are placed last, without overlaps where there is room.
    title : str
    legends : sequence of (title, items)
        Legend sections; items are ``(kind, colour, label)`` as the HTML
        maps' legends take them (:func:`~linyi_spatial.viz.legends.legend`):
        ``box``, ``line``, ``dash``, ``dot``, ``ring`` or ``circle:<radius>`` (here in points).
    sources : str
        The data sources, printed under the map.
    subtitle : str
        A second line under the title (e.g. the units of analysis).
    inset : GeoDataFrame, optional
        A locator: these areas in grey, the map's frame outlined in red
        (e.g. the region with its neighbours). Default: the drawn polygons.
    bounds : (minx, miny, maxx, maxy), optional
        WGS-84 extent to frame; default the layers' polygons, else all layers.
    paper : {"A4", "A3"}, default "A4"
    orientation : {"landscape", "portrait"}, default "landscape"
    lang : {"en", "zh"}, optional
        Language of the sheet's own words (scale, north, legend); default
        :func:`~linyi_spatial.viz.i18n.get_lang`.

    Returns
    -------
    matplotlib.figure.Figure
        Sized to the paper; save it with :func:`save_figure`.

    Raises
    ------
    OptionError
        For an unknown paper or orientation, or no layers.
    MissingFontError
        For Chinese when no CJK font is installed.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> u = made_up_structure().units
    >>> fig = static_map([StaticLayer(u, facecolor="#eeeeee", edgecolor="#666666", labels=list(u.index),
    ...                               label_kind="unit")], title="Units", sources="made up")
    >>> [round(v) for v in fig.get_size_inches() * 25.4]
    [297, 210]
    """
    lang = check_lang(lang)
    if not layers:
        raise OptionError("static_map needs at least one layer")
    width_mm, height_mm = _paper(paper, orientation)
    import matplotlib

    fig = new_figure((width_mm * MM, height_mm * MM), lang)
    # text is measured while the sheet is laid out: in its fonts, and names as written (never as TeX: "$x^$")
    with matplotlib.rc_context(cast(Any, {**use_font(lang), "text.parse_math": False})):
        _lay_out(fig, layers, title=title, legends=legends, sources=sources, subtitle=subtitle, inset=inset,
                 bounds=bounds, paper=paper, orientation=orientation, lang=lang)  # fmt: skip
    return fig


def _lay_out(  # noqa: PLR0913 - static_map's arguments
    fig: Figure,
    layers: Sequence[StaticLayer],
    *,
    title: str,
    legends: Sequence[tuple[str, Sequence[tuple[str, str, str]]]],
    sources: str,
    subtitle: str,
    inset: gpd.GeoDataFrame | None,
    bounds: Sequence[float] | None,
    paper: str,
    orientation: str,
    lang: str,
) -> None:
    width_mm, height_mm = _paper(paper, orientation)
    own = [layer.frame for layer in layers if not layer.context] or [layer.frame for layer in layers]
    polygons = [frame for frame in own if frame.geom_type.str.contains("Polygon").any()]
    everything = pd.concat([f.to_crs(WGS84).geometry for f in (polygons or own)])
    if bounds is None:
        bounds = gpd.GeoSeries(everything, crs=WGS84).total_bounds
    if not np.all(np.isfinite(bounds)):
        raise DataError("static_map: the layers have no geometry to frame")
    box = gpd.GeoSeries([shapely.box(*bounds)], crs=WGS84)
    crs = projected_crs(box)
    pminx, pminy, pmaxx, pmaxy = box.to_crs(crs).total_bounds

    # the sheet: title band on top, sources at the bottom; legend and inset at the right (landscape) or below
    side = orientation == "landscape"
    top, foot = 1 - 16 / height_mm, 12 / height_mm
    if side:
        map_rect = (12 / width_mm, foot + 6 / height_mm, 1 - 12 / width_mm - 90 / width_mm, top - foot - 8 / height_mm)
        panel = (1 - 84 / width_mm, foot + 6 / height_mm, 74 / width_mm, top - foot - 8 / height_mm)
    else:
        map_rect = (12 / width_mm, 0.36, 1 - 22 / width_mm, top - 0.36 - 4 / height_mm)
        panel = (10 / width_mm, foot + 4 / height_mm, 1 - 20 / width_mm, 0.36 - foot - 8 / height_mm)
    ax = fig.add_axes(map_rect)
    ax_w_mm, ax_h_mm = map_rect[2] * width_mm, map_rect[3] * height_mm
    extent = _extent((pminx, pminy, pmaxx, pmaxy), ax_w_mm, ax_h_mm, margin=0.03)
    drawn = [(layer, _draw_layer(ax, layer, crs)) for layer in layers]
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    fraction = _round_fraction((extent[1] - extent[0]) * 1000 / ax_w_mm)
    _graticule(ax, extent, crs)
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    _north_arrow(ax, extent, grid_convergence_deg(cx, cy, crs), lang)
    _scale_bar(ax, extent, lang, fraction)

    fig.text(10 / width_mm, 1 - 6 / height_mm, title, ha="left", va="top", fontsize=13, fontweight="bold")
    if subtitle:
        fig.text(10 / width_mm, 1 - 12 / height_mm, subtitle, ha="left", va="top", fontsize=8.5, color="#444")
    wrap_at = int(width_mm * 0.9 / 1.6)
    note = tr("Projection: {crs} (UTM); scale at the centre of the sheet ({paper} {orientation}).", lang, crs=crs,
              paper=paper, orientation=tr(orientation, lang))  # fmt: skip
    text = (tr("Sources", lang) + ": " + sources + "  " if sources else "") + note
    fig.text(10 / width_mm, foot, _wrap(text, wrap_at, lang), ha="left", va="top", fontsize=6.5, color="#333")

    _side_panel(fig, panel=panel, legends=legends, inset=inset, drawn=drawn, extent=extent, crs=crs, side=side,
                lang=lang)  # fmt: skip
    fig.canvas.draw()  # names are placed against the drawn sheet
    left_out, named = _label_layers(fig, ax, drawn)
    if left_out:  # said on the sheet, in the title band's free right end: a unit without its name was not forgotten
        note = tr("{n} of {total} unit names left out where they would overlap", lang, n=f"{left_out:,}",
                  total=f"{named:,}")  # fmt: skip
        fig.text(1 - 10 / width_mm, 1 - 12 / height_mm, note, ha="right", va="top", fontsize=6.5, color="#444")


def _graticule(ax: Axes, extent: Sequence[float], crs: str) -> None:
    """Longitude and latitude ticks on the frame (round tenths or halves of a degree), as a report map has."""
    to_geo = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    to_map = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
    x0, x1, y0, y1 = extent
    lon0, lat0 = to_geo.transform(x0, y0)
    lon1, lat1 = to_geo.transform(x1, y1)
    span = max(lon1 - lon0, lat1 - lat0)
    step = next((s for s in (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10) if span / s <= 6), 10)
    xs, ys = [], []
    for lon in np.arange(math.ceil(lon0 / step) * step, lon1, step):
        x, _ = to_map.transform(lon, (lat0 + lat1) / 2)
        if x0 < x < x1:
            xs.append((x, f"{lon:.{_decimals(step)}f}°E"))
    for lat in np.arange(math.ceil(lat0 / step) * step, lat1, step):
        _, y = to_map.transform((lon0 + lon1) / 2, lat)
        if y0 < y < y1:
            ys.append((y, f"{lat:.{_decimals(step)}f}°N"))
    ax.set_xticks([x for x, _ in xs], [t for _, t in xs], fontsize=6.5)
    ax.set_yticks([y for y, _ in ys], [t for _, t in ys], fontsize=6.5, rotation=90, va="center")
    ax.tick_params(direction="in", length=3, width=0.6)


def _decimals(step: float) -> int:
    return 0 if float(step).is_integer() else len(f"{step:g}".split(".")[1])


def _side_panel(  # noqa: PLR0913 - the panel's parts
    fig: Figure,
    *,
    panel: Sequence[float],
    legends: Sequence[tuple[str, Sequence[tuple[str, str, str]]]],
    inset: gpd.GeoDataFrame | None,
    drawn: Sequence[tuple[StaticLayer, gpd.GeoDataFrame]],
    extent: Sequence[float],
    crs: str,
    side: bool,
    lang: str,
) -> None:
    """The inset (top of the panel, or its right in portrait) and the legend sections under or beside it."""
    px, py, pw, ph = panel
    if side:
        inset_rect = (px, py + ph * 0.7, pw, ph * 0.3)
        legend_rect = (px, py, pw, ph * 0.68)
    else:
        inset_rect = (px + pw * 0.7, py, pw * 0.3, ph)
        legend_rect = (px, py, pw * 0.68, ph)
    _inset(fig, inset_rect, inset, drawn, extent, crs)
    lax = fig.add_axes(legend_rect)
    lax.set_axis_off()
    y = 1.0
    width = 34 if side else 60
    from matplotlib.legend import Legend

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for heading, items in legends:
        # proportional circles go in a block of their own, its rows as tall as its largest circle
        plain = [i for i in items if not i[0].startswith("circle:")]
        circles = [i for i in items if i[0].startswith("circle:")]
        for part, title in ((plain, heading), (circles, "" if plain else heading)):
            if not part:
                continue
            handles, labels = _legend_handles(part)
            labels = [_wrap(label, width, lang) for label in labels]
            tall = max((2 * float(k.split(":", 1)[1]) for k, _, _ in part if k.startswith("circle:")), default=0.0)
            leg = Legend(lax, handles, labels, title=_wrap(title, width, lang) if title else None, loc="upper left",
                             bbox_to_anchor=(0.0, y), frameon=False, fontsize=7, title_fontsize=7.5,
                             alignment="left", borderaxespad=0.0, handlelength=max(2.0, tall / 7),
                             handleheight=max(0.7, tall / 7), labelspacing=0.5 if not tall else 0.3)  # fmt: skip
            lax.add_artist(leg)
            box = leg.get_window_extent(renderer).transformed(lax.transAxes.inverted())
            y = box.y0 - 0.02


def _inset(
    fig: Figure,
    rect: Sequence[float],
    inset: gpd.GeoDataFrame | None,
    drawn: Sequence[tuple[StaticLayer, gpd.GeoDataFrame]],
    extent: Sequence[float],
    crs: str,
) -> None:
    """A locator: the context in grey, the drawn region darker, the map's frame in red."""
    iax = fig.add_axes((rect[0], rect[1], rect[2], rect[3]))
    polygons = [frame for layer, frame in drawn if not layer.context and frame.geom_type.str.contains("Polygon").any()]
    region = pd.concat([f.geometry for f in polygons]) if polygons else None
    if inset is not None and len(inset):
        inset.to_crs(crs).plot(ax=iax, facecolor="#e6e6e6", edgecolor="#999999", linewidth=0.3)
    if region is not None:
        gpd.GeoSeries([shapely.union_all(region.to_numpy())], crs=crs).plot(
            ax=iax, facecolor="#9e9e9e", edgecolor="#555555", linewidth=0.4
        )
    x0, x1, y0, y1 = extent
    iax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color="#D55E00", linewidth=1.0)
    iax.set_aspect("equal", adjustable="datalim")
    iax.set_xticks([])
    iax.set_yticks([])
    iax.set_xlabel("")
    iax.set_ylabel("")
    for spine in iax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color("#777777")


_PNG = b"\x89PNG\r\n\x1a\n"
_SVG_MARK = re.compile(
    r"<metadata>.*?<dc:creator>\s*<cc:Agent>\s*<dc:title>" + re.escape(STATIC_MARK) + r"</dc:title>.*?</metadata>",
    re.DOTALL,
)


def _png_marked(head: bytes) -> bool:
    """A PNG whose header chunks (before the image data) hold the ``Software`` text chunk equal to the mark."""
    want = b"Software\x00" + STATIC_MARK.encode("ascii")
    at = len(_PNG)
    while at + 8 <= len(head):
        size, kind = int.from_bytes(head[at : at + 4], "big"), head[at + 4 : at + 8]
        if kind in (b"IDAT", b"IEND"):
            return False
        if kind == b"tEXt" and head[at + 8 : at + 8 + size] == want:
            return True
        at += 12 + size
    return False


def static_written_by_us(path: str | os.PathLike[str]) -> bool:
    """Whether a PNG, PDF or SVG file carries the library's mark (:data:`STATIC_MARK`) as its metadata, exactly.

    As the HTML maps' exact mark: a PNG's ``Software`` text chunk before
    the image data, a PDF's ``/Creator`` entry in its closing information,
    an SVG's ``dc:creator`` in its ``<metadata>`` must *be* the mark; a
    file that merely contains the sentence (a user's report quoting it)
    is not the library's.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    bool

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "figure.png"
    >>> _ = p.write_bytes(b"not ours " + STATIC_MARK.encode())
    >>> static_written_by_us(p)
    False
    """
    p = Path(path)
    if p.is_symlink() or not p.is_file():
        return False
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(65536)
            fh.seek(max(size - 65536, 0))
            tail = fh.read()
    except OSError:
        return False
    if head.startswith(_PNG):
        return _png_marked(head)
    if head.startswith(b"%PDF-"):
        return b"\n/Creator (" + STATIC_MARK.encode("ascii") + b")\n" in tail
    if head.lstrip().startswith((b"<?xml", b"<svg")):
        return _SVG_MARK.search(head.decode("utf-8", "replace")) is not None
    return False


FORMATS = ("png", "pdf", "svg")


def save_figure(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 200, overwrite: bool = False) -> Path:
    """Write a figure as PNG, PDF or SVG (by the file's suffix), to a temporary name renamed into place.

    The file carries the library's mark in its metadata, so a later run may
    replace it; a file at ``path`` that the library did not write is refused.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        E.g. from :func:`static_map` or a chart.
    path : path-like
        ``*.png``, ``*.pdf`` or ``*.svg``.
    dpi : int, default 200
        Resolution of a PNG.
    overwrite : bool, default False
        Also replace a file the library did not write.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OptionError
        For another suffix.
    DataError
        If ``path`` holds a file the library did not write, or cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from linyi_spatial.viz.fonts import new_figure
    >>> p = save_figure(new_figure((2, 2), "en"), Path(tempfile.mkdtemp()) / "f.png")
    >>> static_written_by_us(p)
    True
    """
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OptionError(f"save_figure writes {', '.join(FORMATS)} files; {out.name!r} has another suffix")
    if out.is_dir():
        raise DataError(f"cannot write the figure {out}: a folder stands there")
    if out.exists() and not overwrite and not static_written_by_us(out):
        raise DataError(f"refusing to overwrite {out}: linyi_spatial did not write it; pass overwrite=True")
    metadata = {"Software": STATIC_MARK} if fmt == "png" else {"Creator": STATIC_MARK}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the folder of {out}: {exc.strerror}") from None
    with replacing(out) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)
    return out
