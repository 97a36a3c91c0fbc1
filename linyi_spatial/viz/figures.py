"""Static report figures of the maps: the same inputs, classes, colours and names as the HTML maps, on paper.

Each function takes what its HTML map takes (:func:`structure_figure` what
:func:`~linyi_spatial.viz.structure_map` takes, and so on) and returns a
:func:`~linyi_spatial.viz.static.static_map` sheet of the map's opening
view, with title, legend, scale bar, north arrow, sources and a locator
inset. Classes and colours come from the same functions the HTML maps
use (:func:`~linyi_spatial.viz.accessibility.measure_classes`,
:func:`~linyi_spatial.viz.accessibility.time_bands`,
:func:`~linyi_spatial.viz.accessibility.isochrone_bands`,
:func:`~linyi_spatial.viz.structure.network_frame`), so a figure and its
web map never disagree. Save with :func:`~linyi_spatial.viz.static.save_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..catalog import drawn_on, measure_label
from ..crs import WGS84
from .accessibility import (
    _delta_classes,
    _in_sentence,
    comparison_bands,
    isochrone_bands,
    measure_classes,
    opening_measure,
    time_bands,
)
from .classes import readable_minutes
from .hierarchy import (
    TIER_COLOURS,
    _radius,
    merged_units,
    place_names,
    size_key,
    size_text,
    tier_name,
    units_of_analysis,
)
from .i18n import check_lang, local_name, tr
from .layers import local_unit_names
from .static import StaticLayer, static_map
from .structure import AXIS_LABEL_AT, _axis_short_name, context_names, network_frame, network_items, role_labels
from .style import OKABE_ITO

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.figure import Figure

    from ..accessibility import ScenarioComparison
    from ..hierarchy import HierarchyReport
    from ..structure import SpatialStructure

__all__ = [
    "accessibility_figure",
    "hierarchy_figure",
    "isochrone_figure",
    "scenario_figure",
    "structure_figure",
    "surface_figure",
]

PX = 0.75
"""Points per CSS pixel: a Leaflet symbol of r px is drawn r × 0.75 pt on paper."""


def _sheet(layers: list[StaticLayer], context: gpd.GeoDataFrame | None, lang: str, **kw: Any) -> Figure:
    """The sheet with the neighbouring areas (when given) grey and named under the layers, and in the inset."""
    if context is not None and len(context):
        context = context.to_crs(WGS84)
        names = list(context_names(context, lang))
        layers = [StaticLayer(context, facecolor="#ececec", edgecolor="#a0a0a0", linewidth=0.4, labels=names,
                              label_kind="context", context=True, zorder=0), *layers]  # fmt: skip
    return static_map(layers, inset=context, lang=lang, **kw)


def _outlines(units: gpd.GeoDataFrame, lang: str, fallback: pd.Series | None = None) -> StaticLayer:
    """The units' outlines and names over a map's data (as :func:`~linyi_spatial.viz.layers.context_units`)."""
    names = local_unit_names(units, lang, fallback=fallback)
    return StaticLayer(units.to_crs(WGS84), facecolor="none", edgecolor="#333333", linewidth=0.6,
                       labels=[str(names.get(u, u)) for u in units.index], label_kind="unit", zorder=5)  # fmt: skip


def structure_figure(
    structure: SpatialStructure,
    *,
    G: nx.Graph | None = None,
    context: gpd.GeoDataFrame | None = None,
    sources: str = "",
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """The planned structure on paper: units, core, axes, poles, points and the network, as on :func:`structure_map`.

    Parameters
    ----------
    structure : SpatialStructure
    G : networkx graph, optional
        Transport network drawn by class (planned lines dashed).
    context : GeoDataFrame, optional
        Neighbouring areas drawn grey and named, and shown in the inset.
    sources : str
        Printed under the map.
    paper, orientation : str
        See :func:`~linyi_spatial.viz.static.static_map`.
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> fig = structure_figure(made_up_structure(), G=made_up_network(2035), lang="en")
    >>> fig.texts[0].get_text()
    'Valeshire — one core, two poles, two axes'
    """
    lang = check_lang(lang)
    s = structure.to_crs(WGS84)
    labels = role_labels(s.meta, lang)
    name = local_name(s.meta.get("name_zh"), s.name, lang)
    title = f"{name} — {s.meta.get('pattern') or tr('planned spatial structure', lang)}"
    names = local_unit_names(s.units, lang, fallback=s.unit_names())
    layers = [StaticLayer(s.units, facecolor="#ffffff", edgecolor=OKABE_ITO["grey"], linewidth=0.6,
                          labels=[str(names.get(u, u)) for u in s.units.index], label_kind="unit")]  # fmt: skip
    items: list[tuple[str, str, str]] = [("box", OKABE_ITO["vermillion"], labels["core"])]
    if G is not None:
        lines = network_frame(G)
        for dashed in (False, True):
            part = lines[(lines["status"] != "open") == dashed]
            if len(part):
                layers.append(StaticLayer(part, edgecolor=list(part["colour"]), linewidth=list(part["weight"] * PX),
                                          linestyle="--" if dashed else "-", alpha=0.85, zorder=2))  # fmt: skip
        items += network_items(lines, lang)
    layers.append(StaticLayer(s.core, facecolor=OKABE_ITO["vermillion"], edgecolor=OKABE_ITO["vermillion"],
                              linewidth=1.5, alpha=0.3, zorder=3))  # fmt: skip
    for dashed in (False, True):
        part = s.axes[(s.axes["status"] == "reconstruction") == dashed]
        if len(part):
            # out where the axes fan apart, as on the web map
            ends = shapely.line_interpolate_point(part.geometry.to_numpy(), AXIS_LABEL_AT, normalized=True)
            layers.append(StaticLayer(part, edgecolor=OKABE_ITO["blue"], linewidth=3.5, alpha=0.7,
                                      linestyle="--" if dashed else "-", zorder=4))  # fmt: skip
            layers.append(StaticLayer(gpd.GeoDataFrame(geometry=ends, crs=WGS84),
                                      labels=[_axis_short_name(a, lang) for _, a in part.iterrows()],
                                      label_kind="axis", zorder=4))  # fmt: skip
    items.append(("dash", OKABE_ITO["blue"], tr("{axes} (dashed: reconstructed)", lang, axes=labels["axes"])))
    seats = s.points["place"].isin(s.seats.index).to_numpy()
    point_styles = [
        (s.poles, OKABE_ITO["orange"], 8, True, labels["poles"]),
        (s.points[seats], OKABE_ITO["green"], 6, True, tr("{points}: unit seats", lang, points=labels["points"])),
        (s.points[~seats], OKABE_ITO["sky"], 4, False,
         tr("{points}: other places (e.g. key towns)", lang, points=labels["points"])),
    ]  # fmt: skip
    for frame, colour, radius, named, text in point_styles:
        if len(frame):
            layers.append(StaticLayer(frame, facecolor=colour, edgecolor="#333333", linewidth=0.5,
                                      markersize=radius * PX, zorder=6, label_offset_pt=radius * PX,
                                      labels=[local_name(r["name_zh"], r["name"], lang) for _, r in frame.iterrows()]
                                      if named and frame is s.poles else None))  # fmt: skip
            items.append(("dot", colour, text))
    core = s.core.iloc[0]
    anchor = gpd.GeoDataFrame(geometry=gpd.points_from_xy([core["anchor_lon"]], [core["anchor_lat"]]), crs=WGS84)
    layers.append(StaticLayer(anchor, facecolor=OKABE_ITO["vermillion"], edgecolor="#ffffff", linewidth=1.2,
                              markersize=9 * PX, labels=[local_name(core["name_zh"], core["name"], lang)],
                              label_offset_pt=9 * PX, zorder=7))  # fmt: skip
    return _sheet(layers, context, lang, title=title, legends=[(tr("Planned structure", lang), items)],
                  sources=sources, paper=paper, orientation=orientation)  # fmt: skip


def accessibility_figure(  # noqa: PLR0913 - keyword options of a sheet, each documented
    scores: pd.DataFrame,
    units: gpd.GeoDataFrame,
    *,
    column: str | None = None,
    title: str | None = None,
    k: int = 5,
    scheme: str = "fisher_jenks",
    context: gpd.GeoDataFrame | None = None,
    sources: str = "",
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """One accessibility measure by unit on paper, in the classes and colours of :func:`accessibility_map`.

    Parameters
    ----------
    scores : DataFrame
        From :func:`linyi_spatial.accessibility.unit_accessibility`.
    units : GeoDataFrame
        The units' polygons, indexed like ``scores``.
    column : str, optional
        The measure; default the first the accessibility map draws (the composite).
    title : str, optional
    k, scheme :
        Classes, as on :func:`~linyi_spatial.viz.choropleth_map`.
    context, sources, paper, orientation, lang :
        See :func:`structure_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionError
        If the column is not in ``scores``.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import unit_accessibility
    >>> s = made_up_structure()
    >>> fig = accessibility_figure(unit_accessibility(made_up_network(2020), s, cell_km=5), s.units, lang="en")
    >>> fig.texts[0].get_text()
    'Unit accessibility: composite accessibility score (0-100, relative to the units, judgement weights)'
    """
    from ..errors import OptionError

    lang = check_lang(lang)
    column = column or next((c for c in drawn_on("accessibility") if c in scores), None)
    if column is None or column not in scores:
        raise OptionError(f"accessibility_figure: the scores have no column {column!r}; they have {list(scores)}")
    values = scores[column].reindex(units.index).astype(float)
    fills, items = measure_classes(values, column, lang, k=k, scheme=scheme)
    label = measure_label(column, lang)
    title = title or tr("Unit accessibility: {label}", lang, label=_in_sentence(label, lang))
    scheme_name = tr(scheme.replace("_", " ").replace("fisher jenks", "natural breaks"), lang)
    layers = [
        StaticLayer(units.to_crs(WGS84), facecolor=list(fills), edgecolor="#555555", linewidth=0.6, zorder=1),
        _outlines(units, lang, fallback=scores.get("name")),
    ]
    heading = tr("{label} ({scheme})", lang, label=label, scheme=scheme_name)
    return _sheet(layers, context, lang, title=title, legends=[(heading, items)], sources=sources, paper=paper,
                  orientation=orientation)  # fmt: skip


def surface_figure(  # noqa: PLR0913 - keyword options of a sheet, each documented
    surface: gpd.GeoDataFrame,
    *,
    column: str | None = None,
    bands_min: Sequence[float] | None = None,
    units: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    sources: str = "",
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """A travel-time surface in time bands on paper, with the bands, colours and names of :func:`surface_map`.

    Parameters
    ----------
    surface : GeoDataFrame
        From :func:`linyi_spatial.accessibility.travel_time_surface`.
    column : str, optional
        The cell time drawn; default the surface map's first (time to the core).
    bands_min : sequence of float, optional
        Upper band edges; default fitted as the surface map fits them (over
        all of its drawn times, so both show the same bands).
    units : GeoDataFrame, optional
        Outlines and names over the bands.
    title, context, sources, paper, orientation, lang :
        See :func:`structure_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import travel_time_surface
    >>> s = made_up_structure()
    >>> fig = surface_figure(travel_time_surface(made_up_network(2020), s, cell_km=5), units=s.units, lang="en")
    >>> fig.texts[0].get_text()
    'Time from the cell to the core (min)'
    """
    lang = check_lang(lang)
    drawn = [c for c in drawn_on("surface") if c in surface.columns]
    column = column or drawn[0]
    fitted = bands_min is None
    if bands_min is None:  # as the surface map fits them: over every time it draws
        bands_min = readable_minutes(np.concatenate([surface[c].to_numpy(dtype=float) for c in drawn or [column]]))
    bands, items = time_bands(surface, column, bands_min, lang)
    label = measure_label(column, lang)
    layers = [StaticLayer(bands, facecolor=list(bands["colour"]), edgecolor=list(bands["colour"]), linewidth=0.2)]
    if units is not None:
        layers.append(_outlines(units, lang))
    heading = tr("{label} (bands fitted to the data)", lang, label=label) if fitted else label
    return _sheet(layers, context, lang, title=title or label, legends=[(heading, items)], sources=sources,
                  paper=paper, orientation=orientation)  # fmt: skip


def isochrone_figure(  # noqa: PLR0913 - keyword options of a sheet, each documented
    iso: gpd.GeoDataFrame,
    *,
    origin: tuple[float, float] | None = None,
    label: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    sources: str = "",
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """Isochrones as disjoint bands on paper, in the colours and names of :func:`isochrone_map`.

    Parameters
    ----------
    iso : GeoDataFrame
        From :func:`linyi_spatial.accessibility.isochrones`.
    origin : (lon, lat), optional
        Marked with a dot and named ``label``.
    label : str, optional
        The origin's name.
    units, title, context, sources, paper, orientation, lang :
        See :func:`surface_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import isochrones
    >>> iso = isochrones(made_up_network(2020), "a", [30, 60], region=made_up_structure().units, cell_km=5)
    >>> isochrone_figure(iso, label="Ashford", lang="en").texts[0].get_text()
    'Isochrones from Ashford'
    """
    lang = check_lang(lang)
    label = label if label is not None else tr("origin", lang)
    bands, items = isochrone_bands(iso, lang)
    layers = [StaticLayer(bands, facecolor=list(bands["colour"]), edgecolor=list(bands["colour"]), linewidth=0.3)]
    if units is not None:
        layers.append(_outlines(units, lang))
    if origin is not None:
        where = gpd.GeoDataFrame(geometry=gpd.points_from_xy([origin[0]], [origin[1]]), crs=WGS84)
        layers.append(StaticLayer(where, facecolor=OKABE_ITO["vermillion"], edgecolor="#000000", linewidth=0.8,
                                  markersize=7 * PX, labels=[label], label_offset_pt=7 * PX, zorder=7))  # fmt: skip
    frame = (
        iso.to_crs(WGS84) if units is None else pd.concat([iso.to_crs(WGS84).geometry, units.to_crs(WGS84).geometry])
    )
    return _sheet(layers, context, lang, title=title or tr("Isochrones from {label}", lang, label=label),
                  legends=[(tr("Reachable within", lang), items)], sources=sources, paper=paper,
                  orientation=orientation, bounds=gpd.GeoSeries(frame.geometry, crs=WGS84).total_bounds)  # fmt: skip


def scenario_figure(  # noqa: PLR0913 - keyword options of a sheet, each documented
    comparison: ScenarioComparison,
    *,
    column: str | None = None,
    bands_min: Sequence[float] | None = None,
    title: str | None = None,
    context: gpd.GeoDataFrame | None = None,
    sources: str = "",
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """What scenario b changes, by unit, on paper: the classes and colours of :func:`scenario_map` and the added links.

    Parameters
    ----------
    comparison : ScenarioComparison
    column : str, optional
        The unit measure whose change is drawn; default the one the scenario
        map opens on (the first that changes by 0.05 min or more).
    bands_min : sequence of float, optional
        Class edges of the change; default fitted as the scenario map fits them.
    title, context, sources, paper, orientation, lang :
        See :func:`structure_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> scenario_figure(c, lang="en").texts[0].get_text()
    'Scenario 2035 against 2020: change in travel time'
    """
    lang = check_lang(lang)
    a, b = comparison.label_a, comparison.label_b
    units = comparison.units
    edges, colours, names = _delta_classes(comparison_bands(comparison) if bands_min is None else bands_min, lang)
    if column is None:
        column = opening_measure(comparison)
    shapes = comparison.geometry.to_crs(WGS84)
    d = units[f"{column}_delta"].reindex(shapes.index).to_numpy(dtype=float)
    j = np.digitize(d, edges[1:-1])
    fills = [colours[k] if np.isfinite(v) else "#cccccc" for k, v in zip(j, d, strict=True)]
    unit_names = local_unit_names(shapes, lang, fallback=shapes["name"])
    layers = [
        StaticLayer(shapes, facecolor=fills, edgecolor="#555555", linewidth=0.6,
                    labels=[str(unit_names.get(u, u)) for u in shapes.index], label_kind="unit"),
    ]  # fmt: skip
    items = [("box", c, n) for c, n in zip(colours, names, strict=True)]
    if len(comparison.added_links):
        layers.append(StaticLayer(comparison.added_links.to_crs(WGS84), edgecolor=OKABE_ITO["black"], linewidth=2.2,
                                  zorder=4))  # fmt: skip
        items.append(("line", OKABE_ITO["black"], tr("link added in {b}", lang, b=b)))
    label = measure_label(column, lang)
    heading = tr("Change {a} → {b} (negative: faster)", lang, a=a, b=b)
    title = title or tr("Scenario {b} against {a}: change in travel time", lang, a=a, b=b)
    subtitle = tr("Units: change in {label}", lang, label=_in_sentence(label, lang))
    return _sheet(layers, context, lang, title=title, subtitle=subtitle, legends=[(heading, items)],
                  sources=sources, paper=paper, orientation=orientation)  # fmt: skip


def hierarchy_figure(
    report: HierarchyReport,
    *,
    top_links: int = 20,
    units: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    sources: str = "",
    paper: str = "A4",
    orientation: str = "landscape",
    lang: str | None = None,
) -> Figure:
    """The hierarchy on paper: size circles by plan tier and the strongest gravity linkages (as :func:`hierarchy_map`).

    Parameters
    ----------
    report : HierarchyReport
    top_links : int, default 20
    units : GeoDataFrame, optional
        The units merged into one place (the core's) are outlined and named, as on the web map.
    context, sources, paper, orientation, lang :
        See :func:`structure_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> fig = hierarchy_figure(hierarchy_report(made_up_structure(), made_up_network(2020)), lang="en")
    >>> fig.texts[0].get_text().startswith("Urban hierarchy")
    True
    """
    lang = check_lang(lang)
    places = report.places.to_crs(WGS84)
    size = report.params["size"]
    pop = places[size].astype(float)
    largest = float(pop.max())
    tiers = report.tiers["plan_tier"].reindex(places.index).fillna("other")
    names = place_names(report, lang)
    points = gpd.GeoDataFrame({"name": names.reindex(places.index)},
                              geometry=gpd.points_from_xy(places["x"], places["y"]), crs=WGS84)  # fmt: skip
    sized = np.isfinite(pop.to_numpy())
    radius = [_radius(v, largest) if ok else 6.0 for v, ok in zip(pop, sized, strict=True)]
    layers = [StaticLayer(places, facecolor="#ffffff", edgecolor="#888888", linewidth=0.5)]
    links = report.linkages.links.head(top_links)
    links = links[links["i"].isin(points.index) & links["j"].isin(points.index)]
    if len(links):
        smax = float(links["strength"].max())
        lines = gpd.GeoDataFrame(
            geometry=[shapely.LineString([points.geometry[i], points.geometry[j]])
                      for i, j in zip(links["i"], links["j"], strict=True)],
            crs=WGS84,
        )  # fmt: skip
        layers.append(StaticLayer(lines, edgecolor=OKABE_ITO["blue"], alpha=0.7, zorder=3,
                                  linewidth=list((1 + 11 * links["strength"] / smax).to_numpy() * PX)))  # fmt: skip
    order = np.argsort(-np.nan_to_num(pop.to_numpy(), nan=0.0))  # small circles over large ones
    on = points.iloc[order]
    layers.append(StaticLayer(on, facecolor=[TIER_COLOURS.get(tiers[u], "#999") if sized[k] else "none"
                                             for k, u in zip(order, on.index, strict=True)],
                              edgecolor=["#333333" if sized[k] else TIER_COLOURS.get(tiers[u], "#999")
                                         for k, u in zip(order, on.index, strict=True)],
                              linewidth=0.6, alpha=0.85, markersize=[radius[k] * PX for k in order],
                              labels=[str(n) for n in on["name"]], label_offset_pt=[radius[k] * PX for k in order],
                              zorder=5))  # fmt: skip
    merged = merged_units(report, units)
    if merged is not None:
        layers.append(_outlines(merged, lang))
    words = size_text(report, lang)
    items: list[tuple[str, str, str]] = [
        ("dot", TIER_COLOURS[t], tr("plan tier: {tier}", lang, tier=tier_name(report, t, lang)))
        for t in ("core", "pole", "point")
    ]
    items.append(("line", OKABE_ITO["blue"], tr("gravity linkage (width ∝ strength)", lang)))
    for pid in places.index[~sized]:
        items.append(("ring", TIER_COLOURS["pole"], tr("{place}: {tier}, own {size} unknown", lang, place=names[pid],
                                                       tier=tier_name(report, "pole", lang), size=words)))  # fmt: skip
    items += [(f"circle:{float(k.split(':')[1]) * PX:.1f}", "#ffffff", t) for k, _, t in size_key(largest, lang)]
    title = tr("Urban hierarchy: {units}", lang, units=units_of_analysis(report, lang))
    return _sheet(layers, context, lang, title=tr("Urban hierarchy", lang), subtitle=title,
                  legends=[(tr("Circle area ∝ size ({size})", lang, size=words), items)], sources=sources,
                  paper=paper, orientation=orientation)  # fmt: skip
