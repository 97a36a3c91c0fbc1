"""Accessibility maps: unit choropleths, travel-time surfaces, isochrones and scenario changes."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import branca
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..catalog import drawn_on, higher_is_better, measure_label, measure_unit
from ..crs import WGS84
from ..errors import DataError, OptionError
from ._html import fmt, fmt_measure, js_data, table
from .basemaps import point, shift
from .classes import band_names, class_labels, classify, dissolve, ramp, readable_minutes
from .controls import ExclusiveLayers
from .i18n import check_lang, code, local_name, tr
from .layers import added, context_units, local_unit_names, overlay, simplified_units, tooltip
from .layers import label as place_label
from .legends import LegendSwitch, legend
from .mapobject import finish, new_map, page
from .style import DIVERGING, OKABE_ITO

if TYPE_CHECKING:
    from ..accessibility import FacilityAccess, ScenarioComparison, TransportSuperiority
    from ..sensitivity import Sensitivity

__all__ = [
    "DELTA_SCALES_MIN",
    "TIME_BANDS_MIN",
    "accessibility_map",
    "choropleth_map",
    "circle_map",
    "comparison_bands",
    "delta_bands",
    "facility_map",
    "isochrone_bands",
    "isochrone_map",
    "measure_classes",
    "opening_measure",
    "range_text",
    "ranges_by_unit",
    "rank_span",
    "scenario_map",
    "superiority_map",
    "surface_map",
    "time_bands",
]

TIME_BANDS_MIN = (15, 30, 45, 60, 90, 120)
DENSITY_BANDS_KM2 = (100, 250, 500, 1000, 2500, 5000, 10000)
"""Upper edges of the residents-per-km² classes of the population layer (round numbers)."""


def _polygon(layer: folium.FeatureGroup, geom: BaseGeometry, colour: str, tip: str, *, line: str | None = None) -> None:
    folium.GeoJson(
        geom.__geo_interface__,
        style_function=lambda _f, c=colour, e=line or colour: {
            "color": e,
            "weight": 1 if line else 0.3,
            "fillColor": c,
            "fillOpacity": 0.75,
        },
        tooltip=tooltip(tip),
    ).add_to(layer)


def choropleth_map(  # noqa: PLR0913 - keyword options of a map, each documented
    units: gpd.GeoDataFrame,
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    title: str,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    k: int = 5,
    scheme: str = "fisher_jenks",
    lang: str | None = None,
    source: str | None = None,
    ranges: Mapping[str, Mapping[object, str]] | None = None,
    points: Sequence[tuple[float, float, str]] = (),
    points_name: str = "",
) -> folium.Map:
    """Classified unit choropleths, one switchable layer (with its own legend) per column.

    Classes come from ``mapclassify`` (``scheme``: quantiles, fisher_jenks
    or equal_interval); colours run from dark (worse) to light yellow
    (better) on a viridis ramp, the direction of each measure coming from
    :func:`linyi_spatial.catalog.higher_is_better`.

    Parameters
    ----------
    units : GeoDataFrame
        Polygons indexed like ``data``.
    data : DataFrame
        Measures by unit; a ``name`` column, if present, names the units.
    columns : sequence of str
    title : str
    tiles, tiles_key : basemap
        See :func:`~linyi_spatial.viz.structure_map`.
    k : int, default 5
    scheme : str, default "fisher_jenks"
        Natural breaks suit the few units of a region better than quantiles.
    lang : {"en", "zh"}, optional
        Interface language (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).
    ranges : mapping of column -> (unit -> text), optional
        A range to print beside each value in tooltips and popups (e.g.
        :func:`ranges_by_unit` of a sensitivity run).
    points : sequence of (lon, lat, tooltip HTML), optional
        Places drawn on top as small circles in their own layer (e.g. facilities).
    points_name : str
        The name of that layer.

    Returns
    -------
    folium.Map

    Raises
    ------
    OptionError
        If a column is missing.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> u = made_up_structure().units
    >>> isinstance(choropleth_map(u, u, ["residents"], title="Residents", tiles=None), folium.Map)
    True
    """
    missing = [c for c in columns if c not in data]
    if missing:
        raise OptionError(f"column(s) {missing} not in the data")
    lang = check_lang(lang)
    m = new_map(units.to_crs(WGS84).total_bounds, tiles, title, tiles_key, lang)
    datum = m.datum
    shapes = simplified_units(units)
    unit_, id_ = tr("unit", lang), tr("id", lang)
    given = data.get("name")
    names = local_unit_names(units.reindex(shapes.index), lang, fallback=given)  # in the page's language
    fills: dict[object, list[str]] = {uid: [] for uid in shapes.index}
    tips: dict[object, list[str]] = {uid: [] for uid in shapes.index}
    legends, switches = [], []
    for i, col in enumerate(columns):
        values = data[col].reindex(shapes.index).astype(float)
        colour_of, items = measure_classes(values, col, lang, k=k, scheme=scheme)
        label = measure_label(col, lang)
        unit = measure_unit(col)
        switches.append(added(overlay(label, show=i == 0), m))  # the measure's switch; the polygons are shared
        spread = (ranges or {}).get(col, {})
        for uid in shapes.index:
            fills[uid].append(colour_of[uid])
            rows = [(unit_, names.get(uid, uid)), (id_, uid), (label, fmt_measure(values[uid], unit, lang))]
            if uid in spread:
                rows.append((tr(RANGE_LABEL, lang), spread[uid]))
            tips[uid].append(table(rows))
        legends.append((label, items, col))
    popups = {}
    for uid in shapes.index:
        every = []
        for c in columns:
            text = fmt_measure(float(data.loc[uid, c]), measure_unit(c), lang)
            extra = (ranges or {}).get(c, {}).get(uid)
            every.append((measure_label(c, lang), text if extra is None else f"{text} ({extra})"))
        if "rank" in data.columns and "rank" not in columns:
            extra = (ranges or {}).get("rank", {}).get(uid)
            rank = fmt(data.loc[uid, "rank"], 0)
            every.append((tr("rank", lang), rank if extra is None else f"{rank} ({extra})"))
        popups[uid] = table([(unit_, names.get(uid, uid)), (id_, uid), *every])
    SharedChoropleth(shift(shapes, datum), fills, tips, popups, switches).add_to(m)
    named = overlay(tr("Unit names", lang), show=True)
    for uid, where in shift(shapes.geometry.representative_point(), datum).items():
        place_label(m, [where.y, where.x], str(names.get(uid, uid)), layer=named, unit=True)
    named.add_to(m)
    if points:
        dots = overlay(points_name, show=True)
        for lon, lat, tip in points:
            folium.CircleMarker(point(lon, lat, datum), radius=4, color="#000", weight=1, fill=True,
                                fill_color=OKABE_ITO["vermillion"], fill_opacity=1,
                                tooltip=tooltip(tip)).add_to(dots)  # fmt: skip
        dots.add_to(m)
    scheme_name = tr(scheme.replace("_", " ").replace("fisher jenks", "natural breaks"), lang)
    for i, (label, items, col) in enumerate(legends):
        fixed = _is_probability(col)
        title = tr("{label} ({scheme})", lang, label=label, scheme=tr("fixed classes", lang) if fixed else scheme_name)
        page(m).html.add_child(legend(title, items, layer=label, shown=i == 0, source=source))
    LegendSwitch().add_to(m)
    ExclusiveLayers(switches).add_to(m)
    return finish(m)


NO_DATA = "#cccccc"
"""Fill of a unit without a value."""


def measure_classes(
    values: pd.Series, column: str, lang: str, *, k: int = 5, scheme: str = "fisher_jenks"
) -> tuple[pd.Series, list[tuple[str, str, str]]]:
    """A measure's classes as drawn on every map of it (HTML and static): each unit's fill and the legend items.

    Colours come from :func:`~linyi_spatial.viz.classes.ramp` with the better
    end light (the measure's direction from the catalogue); each class is
    labelled by the lowest and highest value it holds, so no two classes
    share an end.

    Parameters
    ----------
    values : pandas.Series
        The measure by unit.
    column : str
        Its name (for direction and unit).
    lang : {"en", "zh"}
    k : int, default 5
    scheme : str, default "fisher_jenks"

    Returns
    -------
    (pandas.Series, list of (kind, colour, label))
        Fill colour by unit (:data:`NO_DATA` without a value), and the legend items.

    Examples
    --------
    >>> fills, items = measure_classes(pd.Series([10.0, 20.0, 80.0], index=list("abc")), "composite", "en", k=2)
    >>> fills["c"] == items[-1][1], fills["c"]
    (True, '#fde725')
    """
    if _is_probability(column):
        return _probability_classes(values, column, lang)
    idx, bins = classify(values, k, scheme)
    colours = ramp(len(bins), reverse=higher_is_better(column))
    fills = pd.Series([colours[j] if j >= 0 else NO_DATA for j in idx], index=values.index)
    labels = class_labels(values, idx, len(bins), measure_unit(column), lang)
    return fills, [("box", colours[j], text) for j, text in labels.items()] + _no_value(idx, lang)


def _no_value(idx: np.ndarray, lang: str) -> list[tuple[str, str, str]]:
    """The legend's grey item when some unit has no value (drawn :data:`NO_DATA`), so grey never goes unexplained."""
    return [("box", NO_DATA, tr("no value (e.g. nobody lives there)", lang))] if (np.asarray(idx) < 0).any() else []


def _is_probability(column: str) -> bool:
    """Whether a column is a probability of crossing a threshold (``p_<measure>_above_<t>``, see the catalogue)."""
    return column.startswith("p_") and measure_label(column).startswith("Probability")


PROBABILITY_EDGES = (0.1, 0.5, 0.9)
"""Class edges of a probability layer: never, below 10 %, 10–50 %, 50–90 %, 90 % or more (fixed, so maps compare)."""


def _probability_classes(values: pd.Series, column: str, lang: str) -> tuple[pd.Series, list[tuple[str, str, str]]]:
    """A probability's fixed classes: 0, (0, 10 %), [10, 50 %), [50, 90 %), [90 %, 100 %]."""
    v = values.astype(float).to_numpy()
    a, b, c = PROBABILITY_EDGES
    idx = np.select([v <= 0, v < a, v < b, v < c, v <= 1], [0, 1, 2, 3, 4], -1)
    idx[~np.isfinite(v)] = -1
    colours = ramp(5, reverse=higher_is_better(column))
    pct = [fmt_measure(x, "share", lang).replace(".0", "") for x in (a, b, c)]
    labels = [
        tr("never (0 %)", lang),
        tr("below {p}", lang, p=pct[0]),
        f"{pct[0]} – {pct[1]}",
        f"{pct[1]} – {pct[2]}",
        tr("{p} or more", lang, p=pct[2]),
    ]
    fills = pd.Series([colours[j] if j >= 0 else NO_DATA for j in idx], index=values.index)
    return fills, [("box", colours[j], labels[j]) for j in range(5)] + _no_value(idx, lang)


_SHARED_JS = """
(function(){
  var map = {{ this._parent.get_name() }};
  var switches = [{% for name in this.switch_names %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}];
  var active = 0;
  var shapes = L.geoJson({{ this.data }}, {
    style: function(f) {
      return {color: '#555555', weight: 1, fillColor: f.properties.fill[active], fillOpacity: 0.75};
    },
    onEachFeature: function(f, layer) {
      layer.bindTooltip(f.properties.tip[active], {sticky: true});
      var size = map.getSize();
      layer.bindPopup(f.properties.popup, {maxHeight: Math.max(160, Math.round(size.y * 0.6)),
                                           maxWidth: Math.max(240, Math.min(480, Math.round(size.x * 0.8)))});
    }
  });
  function restyle() {
    shapes.eachLayer(function(layer) {
      layer.setStyle({fillColor: layer.feature.properties.fill[active]});
      layer.setTooltipContent(layer.feature.properties.tip[active]);
    });
  }
  function sync() {
    var on = switches.filter(function(s) { return map.hasLayer(s); });
    if (on.length) {
      if (!map.hasLayer(switches[active])) { active = switches.indexOf(on[on.length - 1]); }
      restyle();
      if (!map.hasLayer(shapes)) { shapes.addTo(map); }
    } else if (map.hasLayer(shapes)) {
      map.removeLayer(shapes);
    }
  }
  map.on('overlayadd', function(e) {
    var k = switches.indexOf(e.layer);
    if (k >= 0) { active = k; sync(); }
  });
  map.on('overlayremove', function(e) { if (switches.indexOf(e.layer) >= 0) { setTimeout(sync, 0); } });
  sync();
})();
"""


class SharedChoropleth(folium.MacroElement):
    """Unit polygons drawn once and restyled by the measure switched on (instead of one copy per measure).

    Each unit carries, per measure, its fill colour and tooltip (HTML,
    escaped by :func:`~linyi_spatial.viz._html.esc`), and one popup; the
    data go into the script through :func:`~linyi_spatial.viz._html.js_data`.

    Parameters
    ----------
    shapes : GeoDataFrame
        The unit polygons, already in the basemap's datum, indexed by unit.
    fills, tips : dict
        Unit -> one fill colour / tooltip per measure, in the order of ``switches``.
    popups : dict
        Unit -> popup HTML.
    switches : sequence of folium.FeatureGroup
        The measures' (empty) overlays.
    """

    _template = branca.element.Template("{% macro script(this, kwargs) %}" + _SHARED_JS + "{% endmacro %}")

    def __init__(
        self,
        shapes: gpd.GeoDataFrame,
        fills: Mapping[object, list[str]],
        tips: Mapping[object, list[str]],
        popups: Mapping[object, str],
        switches: Sequence[folium.FeatureGroup],
    ) -> None:
        super().__init__()
        self._name = "SharedChoropleth"
        features = [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(geom),
                "properties": {"fill": fills[uid], "tip": tips[uid], "popup": popups[uid]},
            }
            for uid, geom in shapes.geometry.items()
        ]
        self.data = js_data({"type": "FeatureCollection", "features": features})
        self.switch_names = [s.get_name() for s in switches]


def accessibility_map(  # noqa: PLR0913 - keyword options of a map, each documented
    scores: pd.DataFrame,
    units: gpd.GeoDataFrame,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    source: str | None = None,
    sensitivity: Sensitivity | None = None,
    threshold: tuple[str, float] | None = None,
) -> folium.Map:
    """Unit accessibility: the composite score and the main measures as choropleth layers.

    With a ``sensitivity`` run of the same table (its defaults are the
    values drawn), every tooltip and popup prints each measure's range over
    the run's middle 90 % of samples beside its value, and the rank's range;
    with a ``threshold`` too, one more layer colours each unit by the
    probability, over the samples, that the measure lies above it.

    Parameters
    ----------
    scores : DataFrame
        From :func:`linyi_spatial.accessibility.unit_accessibility`.
    units : GeoDataFrame
        The units' polygons (e.g. ``structure.units``), indexed like ``scores``.
    columns : sequence of str, optional
        Measures to draw (those missing from ``scores`` are skipped);
        default the catalogue's (:func:`linyi_spatial.catalog.drawn_on`
        ``("accessibility")``), a registered measure included.
    title : str, optional
        Default "Unit accessibility" in the map's language.
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
        Interface language (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).
    sensitivity : Sensitivity, optional
        From :func:`linyi_spatial.sensitivity.sensitivity` of this table
        (e.g. :func:`linyi_spatial.linyi.sensitivity`).
    threshold : (str, float), optional
        A measure and a threshold (e.g. ``("time_to_core_min", 60)``): adds
        the layer of the probability of lying above it (needs ``sensitivity``).

    Returns
    -------
    folium.Map

    Raises
    ------
    OptionError
        If a threshold is given without a sensitivity run, or the run's
        defaults are not the values drawn.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import unit_accessibility
    >>> s = made_up_structure()
    >>> m = accessibility_map(unit_accessibility(made_up_network(2020), s, cell_km=5), s.units, tiles=None)
    >>> isinstance(m, folium.Map)
    True
    """
    lang = check_lang(lang)
    cols = [c for c in (drawn_on("accessibility") if columns is None else columns) if c in scores]
    if columns is None:  # a measure no unit has (no poles in the structure) has no layer
        cols = [c for c in cols if np.isfinite(pd.to_numeric(scores[c], errors="coerce").astype(float)).any()]
    title = title if title is not None else tr("Unit accessibility", lang)
    if threshold is not None and sensitivity is None:
        raise OptionError("a threshold layer needs a sensitivity run (sensitivity=)")
    ranges = None
    data = scores
    if sensitivity is not None:
        _check_defaults(scores, sensitivity, cols)
        ranges = ranges_by_unit(sensitivity, [*cols, "composite_score"], lang)
        if "composite_score" in sensitivity.measures:
            ranges["rank"] = _rank_ranges(sensitivity, lang)
        if threshold is not None:
            measure, limit = threshold
            p = sensitivity.exceedance(measure, float(limit))
            data = scores.assign(**{str(p.name): p.reindex(scores.index)})
            cols = [*cols, str(p.name)]
        n = int(sensitivity.design["design"].eq("lhs").sum()) or len(sensitivity.design)
        note = tr("ranges and probabilities: {n} samples over the assumptions' documented ranges", lang, n=n)
        source = note if not source else f"{source}; {note}"
    return choropleth_map(
        units, data, cols, title=title, tiles=tiles, tiles_key=tiles_key, lang=lang, source=source, ranges=ranges
    )


def circle_map(
    areas: gpd.GeoDataFrame,
    *,
    units: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> folium.Map:
    """Commuting circles as areas, one translucent fill per limit, so the overlap of circles shows darker.

    Parameters
    ----------
    areas : GeoDataFrame
        From :func:`linyi_spatial.accessibility.circle_areas` (``centre``,
        ``cutoff_min``, ``people``, and ``name`` when given).
    units : GeoDataFrame, optional
        Unit outlines and names drawn over the circles.
    title : str, optional
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
    source : str, optional

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import analysis_grid, cell_times_to, circle_areas, structure_population
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = made_up_structure()
    >>> cells = structure_population(s, analysis_grid(s.units, cell_km=10))
    >>> a = circle_areas(cells, cell_times_to(made_up_network(2020), cells, ["a", "e"]), 30)
    >>> isinstance(circle_map(a, units=s.units, tiles=None), folium.Map)
    True
    """
    lang = check_lang(lang)
    wgs = areas.to_crs(WGS84)
    m = new_map(wgs.total_bounds, tiles, title or tr("Commuting circles", lang), tiles_key, lang)
    datum = m.datum
    limits = sorted({float(x) for x in wgs["cutoff_min"]}, reverse=True)
    palette = [OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["purple"]]
    colour = {lim: palette[i % len(palette)] for i, lim in enumerate(limits)}
    items = []
    for lim in limits:
        layer = overlay(tr("within {m} min", lang, m=f"{lim:g}"), show=True)
        for _, row in shift(wgs[wgs["cutoff_min"] == lim], datum).iterrows():
            if row.geometry is None or row.geometry.is_empty:
                continue
            name = str(row.get("name", row["centre"]))
            within = fmt_measure(lim, "min", lang).replace(".0", "")
            people = fmt_measure(float(row["people"]), "persons", lang)
            tip = table([(tr("centre", lang), name), (tr("within", lang), within), (tr("residents", lang), people)])
            folium.GeoJson(
                row.geometry.__geo_interface__,
                style_function=lambda _f, c=colour[lim]: {
                    "color": c,
                    "weight": 1.5,
                    "fillColor": c,
                    "fillOpacity": 0.18,
                },
                tooltip=tooltip(tip),
            ).add_to(layer)
        layer.add_to(m)
        at = wgs[wgs["cutoff_min"] == lim]
        if len(at) == 1:
            one = str(at["name"].iloc[0] if "name" in at.columns else at["centre"].iloc[0])
            text = tr("within {m} min of {name}", lang, m=f"{lim:g}", name=one)
        else:
            text = tr("within {m} min of one of {n} centres", lang, m=f"{lim:g}", n=len(at))
        items.append(("box", colour[lim], text))
    if units is not None:
        context_units(m, units, lang, name=tr("Unit boundaries and names", lang))
    return finish(m, legend(tr("Commuting circles (darker: inside several)", lang), items, source=source))


FACILITY_COLUMNS = (
    "share_within_catchment",
    "facility_score",
    "mean_time_to_nearest_facility_min",
    "gini_time_to_nearest_facility",
)
"""The unit columns a facility map draws, in order."""


def facility_map(
    result: FacilityAccess,
    units: gpd.GeoDataFrame | None = None,
    *,
    title: str | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> folium.Map:
    """Coverage of a facility table per unit (share within the catchment, score, time, its Gini) and the facilities.

    Parameters
    ----------
    result : FacilityAccess
        From :func:`linyi_spatial.accessibility.facility_accessibility`.
    units : GeoDataFrame, optional
        The units' polygons, indexed like ``result.units`` (default ``result.geometry``).
    title : str, optional
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
    source : str, optional
        Where the facility table comes from (say so when it is invented).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import facility_accessibility
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> s = made_up_structure()
    >>> f = pd.DataFrame({"lon": [10.1], "lat": [50.1], "capacity": [400.0]}, index=["h1"])
    >>> m = facility_map(facility_accessibility(made_up_network(2020), s, f, cell_km=5), tiles=None)
    >>> isinstance(m, folium.Map)
    True
    """
    lang = check_lang(lang)
    data = result.units.drop(index="region", errors="ignore")
    cap = result.capacity
    pts = [
        (
            float(g.x),
            float(g.y),
            table(
                [
                    (tr("facility", lang), str(fid)),
                    (cap, fmt(float(row[cap]), 0)),
                    (
                        tr("residents within {m} min", lang, m=f"{result.cutoff_min:g}"),
                        fmt_measure(float(row["catchment_people"]), "persons", lang),
                    ),
                ]
            ),
        )
        for (fid, row), g in zip(result.facilities.iterrows(), result.facilities.geometry, strict=True)
    ]
    default = tr("Facility coverage ({method}, {m} min catchment)", lang, method=result.method.upper(),
                 m=f"{result.cutoff_min:g}")  # fmt: skip
    return choropleth_map(
        result.geometry if units is None else units,
        data,
        [c for c in FACILITY_COLUMNS if c in data.columns],
        title=title or default,
        tiles=tiles,
        tiles_key=tiles_key,
        lang=lang,
        source=source,
        points=pts,
        points_name=tr("Facilities", lang),
    )


SUPERIORITY_COLUMNS = ("superiority", "density_km_per_km2", "trunk_score", "location_score", "time_to_core_min")
"""The layers of :func:`superiority_map`: the index, then its three components and the time behind the third."""

FACILITY_KIND_LABELS = {
    "expressway_interchange": "expressway interchange",
    "hsr_station": "high-speed railway station",
    "rail_station": "conventional railway station",
    "airport": "airport",
    "port": "port",
}
"""The trunk facility kinds of :mod:`~linyi_spatial.accessibility.superiority` as people read them."""


def superiority_map(
    result: TransportSuperiority,
    units: gpd.GeoDataFrame | None = None,
    *,
    title: str | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> folium.Map:
    """交通优势度 per unit with its three components, and the trunk facilities scored.

    Parameters
    ----------
    result : TransportSuperiority
        From :func:`linyi_spatial.accessibility.transport_superiority`.
    units : GeoDataFrame, optional
        The units' polygons, indexed like ``result.units`` (default ``result.geometry``).
    title : str, optional
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
    source : str, optional
        The source line under the legend (default: the framework and the scoring table's quality).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.accessibility import transport_superiority
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> m = superiority_map(transport_superiority(made_up_network(2020), made_up_structure()), tiles=None)
    >>> isinstance(m, folium.Map)
    True
    """
    lang = check_lang(lang)
    pts = [
        (
            float(g.x),
            float(g.y),
            table(
                [
                    (tr("facility", lang), local_name(str(row["name_zh"] or ""), str(row["name"]), lang)),
                    (tr("kind", lang), tr(FACILITY_KIND_LABELS[str(row["facility"])], lang)),
                ]
            ),
        )
        for (_, row), g in zip(result.facilities.iterrows(), result.facilities.geometry, strict=True)
    ]
    default_source = tr(
        "After Jin, Wang & Li (2008); trunk scores and bands are the library's defaults (see the display)", lang
    )
    return choropleth_map(
        result.geometry if units is None else units,
        result.units,
        [c for c in SUPERIORITY_COLUMNS if c in result.units.columns],
        title=title or tr("Transport superiority (交通优势度)", lang),
        tiles=tiles,
        tiles_key=tiles_key,
        lang=lang,
        source=source or default_source,
        points=pts,
        points_name=tr("Trunk facilities", lang),
    )


RANGE_LABEL = "range, 90 % of samples"
"""The label of a range in tooltips (the 5 % and 95 % quantiles of a sensitivity run)."""


def range_text(low: float, high: float, unit: str, lang: str) -> str:
    """A range as people read it: ``"44.2–66.4 min"``, one value when both ends print alike.

    Parameters
    ----------
    low, high : float
    unit : str
        The values' unit (see :func:`~linyi_spatial.viz._html.fmt_measure`).
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> range_text(44.21, 66.4, "min", "en"), range_text(0.5, 0.5, "share", "en")
    ('44.2–66.4 min', '50.0 %')
    >>> range_text(8000, 2.3e6, "persons", "zh")
    '8,000 人 – 230.0 万人'
    """
    a, b = fmt_measure(low, unit, lang), fmt_measure(high, unit, lang)
    if a == b:
        return a
    pa, pb = a.rpartition(" "), b.rpartition(" ")
    if pa[1] and pb[1] and pa[2] == pb[2]:  # the same unit word: print it once
        return f"{pa[0]}–{b}"
    return f"{a}–{b}" if not pa[1] and not pb[1] else f"{a} – {b}"


def ranges_by_unit(sensitivity: Sensitivity, columns: Sequence[str], lang: str) -> dict[str, dict[object, str]]:
    """Each measure's 5–95 % range of a sensitivity run as text, by column and unit (for tooltips and tables).

    Parameters
    ----------
    sensitivity : Sensitivity
    columns : sequence of str
        Measures (those the run lacks are skipped).
    lang : {"en", "zh"}

    Returns
    -------
    dict of column -> dict of unit -> str

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial import sensitivity as sa
    >>> s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                    sa.ParameterSpace([sa.speed("trunk", 45, 75, 60)]), n=6)
    >>> sorted(ranges_by_unit(s, ["time_to_core_min"], "en")["time_to_core_min"])
    ['A', 'B', 'C', 'D', 'E']
    """
    out: dict[str, dict[object, str]] = {}
    for c in columns:
        if c not in sensitivity.measures:
            continue
        s = sensitivity.summary(c)
        unit = measure_unit(c)
        out[c] = {uid: range_text(lo, hi, unit, lang) for uid, lo, hi in zip(s.index, s["q05"], s["q95"], strict=True)}
    return out


def rank_span(row: pd.Series) -> str:
    """A unit's rank range over a sensitivity run (a row of ``Sensitivity.ranks``): ``"4–6"``, or ``"4"``.

    Parameters
    ----------
    row : pandas.Series
        With ``rank_q05`` and ``rank_q95``.

    Returns
    -------
    str

    Examples
    --------
    >>> rank_span(pd.Series({"rank_q05": 4.0, "rank_q95": 6.0})), rank_span(pd.Series({"rank_q05": 2, "rank_q95": 2}))
    ('4–6', '2')
    """
    lo, hi = int(row["rank_q05"]), int(row["rank_q95"])
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def _rank_ranges(sensitivity: Sensitivity, lang: str) -> dict[object, str]:
    r = sensitivity.ranks("composite_score")
    return {
        uid: tr(
            "{span}; the same rank in {share} of samples",
            lang,
            span=rank_span(row),
            share=fmt_measure(row["share_same_rank"], "share", lang),
        )
        for uid, row in r.iterrows()
    }


def _check_defaults(scores: pd.DataFrame, sensitivity: Sensitivity, columns: Sequence[str]) -> None:
    """The run's defaults must be the table drawn, or its ranges would describe other numbers."""
    shared = [c for c in columns if c in sensitivity.measures]
    if not shared:
        raise OptionError(f"the sensitivity run has none of the drawn measures {list(columns)}")
    mine = scores[shared].reindex(sensitivity.default.index).to_numpy(dtype=float)
    theirs = sensitivity.default[shared].to_numpy(dtype=float)
    if mine.shape != theirs.shape or not np.allclose(mine, theirs, rtol=1e-9, atol=1e-9, equal_nan=True):
        raise OptionError(
            "the sensitivity run's defaults are not the values drawn: run it on the same network, structure and "
            "options as the scores"
        )


def surface_map(  # noqa: PLR0913 - keyword options of a map, each documented
    surface: gpd.GeoDataFrame,
    *,
    columns: Sequence[str] | None = None,
    bands_min: Sequence[float] | None = None,
    title: str | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    source: str | None = None,
) -> folium.Map:
    """Travel-time surfaces dissolved into time bands, one layer per measure (and residents, if known).

    Parameters
    ----------
    surface : GeoDataFrame
        From :func:`linyi_spatial.accessibility.travel_time_surface`; with
        ``pop_density_km2`` (e.g. from
        :func:`linyi_spatial.accessibility.structure_population`) the map
        also has a residents-per-km² layer.
    columns : sequence of str, optional
        Cell time columns to draw; default the catalogue's
        (:func:`linyi_spatial.catalog.drawn_on` ``("surface")``).
    bands_min : sequence of float, optional
        Upper edges of the time bands (e.g. :data:`TIME_BANDS_MIN`, 15 to
        120 min, for a prefecture). Default: fitted to the drawn times
        (:func:`~linyi_spatial.viz.classes.readable_minutes`), so a city's
        and a province's surfaces both show several bands; the legend says so.
    title : str, optional
        Default "Travel-time surfaces" in the map's language.
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
        Interface language (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    units : GeoDataFrame, optional
        Areal units drawn as outlines with their names (in ``lang``) over the bands.
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import travel_time_surface
    >>> s = travel_time_surface(made_up_network(2020), made_up_structure(), cell_km=5)
    >>> isinstance(surface_map(s, tiles=None), folium.Map)
    True
    """
    lang = check_lang(lang)
    title = title if title is not None else tr("Travel-time surfaces", lang)
    m = new_map(surface.to_crs(WGS84).total_bounds, tiles, title, tiles_key, lang)
    datum = m.datum
    if columns is None:  # the catalogue's, less a time to places the structure lacks (no poles: every cell inf)
        columns = [
            c for c in drawn_on("surface")
            if c not in surface.columns or np.isfinite(surface[c].to_numpy(dtype=float)).any()
        ]  # fmt: skip
    missing = [c for c in columns if c not in surface.columns]
    if missing:
        raise DataError(f"surface_map: the surface has no column(s) {missing}; it has {list(surface.columns)}")
    fitted = bands_min is None
    if bands_min is None:
        bands_min = readable_minutes(np.concatenate([surface[c].to_numpy(dtype=float) for c in columns]))
    layers, legends = [], []
    for i, col in enumerate(columns):
        bands, items = time_bands(surface, col, bands_min, lang)
        label = measure_label(col, lang)
        layer = overlay(label, show=i == 0)
        for (_, row), band in zip(shift(bands, datum).iterrows(), bands.itertuples(), strict=True):
            tip = table([(tr("travel time", lang), band.name), (tr("area (km²)", lang), fmt(band.area_km2, 0))])
            _polygon(layer, row.geometry, band.colour, tip)
        layers.append(added(layer, m))
        heading = tr("{label} (bands fitted to the data)", lang, label=label) if fitted else label
        legends.append(legend(heading, items, layer=label, shown=i == 0, source=source))
    if "pop_density_km2" in surface.columns:
        layer, label, items = _population_layer(surface, datum, lang)
        layers.append(added(layer, m))
        legends.append(legend(label, items, layer=label, shown=False, source=source))
    if units is not None:  # which county lies in which band: outlines and names over the bands
        context_units(m, units, lang, name=tr("Unit boundaries and names", lang))
    for item in legends:
        page(m).html.add_child(item)
    LegendSwitch().add_to(m)
    ExclusiveLayers(layers).add_to(m)
    return finish(m)


def time_bands(
    surface: gpd.GeoDataFrame, column: str, bands_min: Sequence[float], lang: str
) -> tuple[gpd.GeoDataFrame, list[tuple[str, str, str]]]:
    """A surface's cells dissolved into time bands as every map draws them, and the legend items.

    Parameters
    ----------
    surface : GeoDataFrame
        Grid cells with ``area_km2`` and ``column`` (minutes).
    column : str
    bands_min : sequence of float
        Upper edges of the bands (the last band is open).
    lang : {"en", "zh"}

    Returns
    -------
    (GeoDataFrame, list of (kind, colour, label))
        One row per band present: ``label`` (band index), ``cells``,
        ``area_km2``, ``colour``, ``name``, geometry (WGS-84); the legend
        lists every band, the shortest times light.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import travel_time_surface
    >>> s = travel_time_surface(made_up_network(2020), made_up_structure(), cell_km=5)
    >>> bands, items = time_bands(s, "cell_time_to_core_min", (30, 60), "en")
    >>> [label for _, _, label in items]
    ['0–30 min', '30–60 min', '> 60 min']
    """
    colours = ramp(len(bands_min) + 1, reverse=False)  # the better (shorter) end light, as on every map
    names = band_names(bands_min, lang)
    bands = dissolve(surface, np.digitize(surface[column].to_numpy(), bands_min))
    bands["colour"] = [colours[j] for j in bands["label"]]
    bands["name"] = [names[j] for j in bands["label"]]
    return bands, [("box", c, n) for c, n in zip(colours, names, strict=True)]


def _population_layer(
    surface: gpd.GeoDataFrame, datum: str, lang: str
) -> tuple[folium.FeatureGroup, str, list[tuple[str, str, str]]]:
    """Residents per km² in round-number classes, dissolved, with the modelled estimate said in its name."""
    label = tr("Residents per km² (modelled estimate)", lang)
    edges = DENSITY_BANDS_KM2
    colours = ramp(len(edges) + 1, reverse=False)
    names = [f"< {fmt(edges[0], 0)}"]
    names += [f"{fmt(a, 0)} – {fmt(b, 0)}" for a, b in itertools.pairwise(edges)]
    names += [f"≥ {fmt(edges[-1], 0)}"]
    labels = np.digitize(surface["pop_density_km2"].to_numpy(dtype=float), edges)
    bands = dissolve(surface, labels)
    people = (
        pd.Series(surface["pop_est"].to_numpy(), index=labels).groupby(level=0).sum() if "pop_est" in surface else None
    )
    layer = overlay(label, show=False)
    for (_, row), band in zip(shift(bands, datum).iterrows(), bands.itertuples(), strict=True):
        rows = [(tr("residents per km²", lang), names[band.label]), (tr("area (km²)", lang), fmt(band.area_km2, 0))]
        if people is not None:
            rows.append((tr("residents", lang), fmt_measure(float(people.get(band.label, 0)), "persons", lang)))
        _polygon(layer, row.geometry, colours[band.label], table(rows))
    return layer, label, [("box", c, n) for c, n in zip(colours, names, strict=True)]


def isochrone_map(  # noqa: PLR0913 - keyword options of a map, each documented
    iso: gpd.GeoDataFrame,
    *,
    origin: tuple[float, float] | None = None,
    label: str | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    title: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    source: str | None = None,
) -> folium.Map:
    """Isochrones as bands: within the first limit, then between each limit and the next, one layer each.

    Each band is the area reached within its limit but not within the one
    before, so every place has one colour, the legend's; a band's tooltip
    also gives the whole area reached within its limit.

    Parameters
    ----------
    iso : GeoDataFrame
        From :func:`linyi_spatial.accessibility.isochrones` (``cutoff_min``, geometry).
    origin : (lon, lat), optional
        Marked with a dot.
    label : str, optional
        Origin name (escaped); default "origin" in the map's language.
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
        Interface language (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    title : str, optional
        Map title (default "Isochrones from <label>").
    units : GeoDataFrame, optional
        Areal units drawn as outlines with their names (in ``lang``) over the bands.
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import isochrones
    >>> iso = isochrones(made_up_network(2020), "a", [30, 60], region=made_up_structure().units, cell_km=5)
    >>> isinstance(isochrone_map(iso, tiles=None), folium.Map)
    True
    """
    lang = check_lang(lang)
    label = label if label is not None else tr("origin", lang)
    m = new_map(
        (
            iso.to_crs(WGS84)
            if units is None
            else pd.concat([iso.to_crs(WGS84).geometry, units.to_crs(WGS84).geometry])
        ).total_bounds,
        tiles,
        title if title is not None else tr("Isochrones from {label}", lang, label=label),
        tiles_key,
        lang,
    )
    datum = m.datum
    bands, items = isochrone_bands(iso, lang)
    for _, row in shift(bands, datum).iterrows():
        minutes, name, colour = f"{row['cutoff_min']:g}", row["name"], row["colour"]
        layer = overlay(name, show=True)
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _f, c=colour: {"color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.75},
            tooltip=tooltip(
                table(
                    [
                        (tr("within", lang), name),
                        (tr("area within {m} min (km²)", lang, m=minutes), fmt(row["area_km2"], 1)),
                    ]
                )
            ),
        ).add_to(layer)
        layer.add_to(m)
    if units is not None:  # which county lies within which time: outlines and names over the bands
        context_units(m, units, lang, name=tr("Unit boundaries and names", lang))
    if origin is not None:
        folium.CircleMarker(
            point(origin[0], origin[1], datum),
            radius=7,
            color="#000",
            fill=True,
            fill_color=OKABE_ITO["vermillion"],
            fill_opacity=1,
            tooltip=tooltip(table([(tr("origin", lang), label)])),
        ).add_to(m)
    return finish(m, legend(tr("Reachable within", lang), items, source=source))


def isochrone_bands(iso: gpd.GeoDataFrame, lang: str) -> tuple[gpd.GeoDataFrame, list[tuple[str, str, str]]]:
    """Isochrones as disjoint bands (within a limit, not the one before) with their colours, names and legend.

    Parameters
    ----------
    iso : GeoDataFrame
        ``cutoff_min``, ``area_km2`` and geometry, one row per limit.
    lang : {"en", "zh"}

    Returns
    -------
    (GeoDataFrame, list of (kind, colour, label))
        The bands (WGS-84), shortest first, with ``colour`` and ``name``;
        ``area_km2`` stays the whole area within the limit.

    Examples
    --------
    >>> import shapely
    >>> iso = gpd.GeoDataFrame({"cutoff_min": [60, 30], "area_km2": [4.0, 1.0]},
    ...                        geometry=[shapely.box(0, 0, 2, 2), shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> bands, items = isochrone_bands(iso, "en")
    >>> bands.geometry.area.tolist(), [label for _, _, label in items]
    ([1.0, 3.0], ['≤ 30 min', '30–60 min'])
    """
    iso = iso.to_crs(WGS84).sort_values("cutoff_min").reset_index(drop=True)
    bands = iso.copy()
    for i in range(1, len(iso)):  # so every place has the colour of its band, and no band shows through another
        bands.loc[i, "geometry"] = shapely.difference(iso.geometry.iloc[i], iso.geometry.iloc[i - 1])
    colours = ramp(len(iso), reverse=False)  # the nearest band lightest: the better end light, as on every map
    minutes = [f"{c:g}" for c in iso["cutoff_min"]]
    names = [tr("≤ {m} min", lang, m=minutes[0])] if len(iso) else []
    names += [tr("{lo}–{hi} min", lang, lo=lo, hi=hi) for lo, hi in itertools.pairwise(minutes)]
    bands["colour"], bands["name"] = colours, names
    return bands, [("box", c, n) for c, n in zip(colours, names, strict=True)]


DELTA_SCALES_MIN = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 60.0, 120.0)
"""The largest class edge a fitted change legend may take (minutes)."""


def delta_bands(deltas: object) -> tuple[float, ...]:
    """Class edges of a change in minutes fitted to the changes: ``(-s, -s/2, -s/4, -s/20, s/20)``.

    ``s`` is the smallest of :data:`DELTA_SCALES_MIN` at or above the 95th
    percentile of the changes' sizes, so Linyi's 2020→2035 gains get
    ``(-20, -10, -5, -1, 1)`` and a city's one-minute gains
    ``(-1, -0.5, -0.25, -0.05, 0.05)``.

    Parameters
    ----------
    deltas : array-like of float
        Changes in minutes (negative: faster); NaN and inf are ignored.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> delta_bands([-18.0, -7.5, -2.0, 0.0, 0.3])
    (-20.0, -10.0, -5.0, -1.0, 1.0)
    >>> delta_bands([-0.8, -0.2, 0.0])
    (-1.0, -0.5, -0.25, -0.05, 0.05)
    """
    v = np.abs(np.asarray(deltas, dtype=float).ravel())
    v = v[np.isfinite(v) & (v > 0)]
    top = float(np.quantile(v, 0.95)) if v.size else 1.0
    s = next((x for x in DELTA_SCALES_MIN if x >= top), DELTA_SCALES_MIN[-1])
    return (-s, -s / 2, -s / 4, -s / 20, s / 20)


def comparison_bands(comparison: ScenarioComparison) -> tuple[float, ...]:
    """Change classes fitted to every unit and cell change of a comparison (:func:`delta_bands`).

    Parameters
    ----------
    comparison : ScenarioComparison

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> comparison_bands(c)  # the made-up 2035 network saves up to two hours
    (-120.0, -60.0, -30.0, -6.0, 6.0)
    """
    units, cells = comparison.units, comparison.cells
    deltas = [units[c].to_numpy(dtype=float) for c in units.columns if c.endswith("_delta")]
    deltas += [cells[c].to_numpy(dtype=float) for c in cells.columns if c.endswith("_delta")]
    return delta_bands(np.concatenate(deltas) if deltas else np.array([]))


def opening_measure(comparison: ScenarioComparison) -> str:
    """The unit measure a scenario map opens on: the first the catalogue draws that changes by 0.05 min or more.

    Parameters
    ----------
    comparison : ScenarioComparison

    Returns
    -------
    str
        The first drawn measure when none changes.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> opening_measure(c) in drawn_on("scenario", level="unit")
    True
    """
    units = comparison.units
    measures = [c for c in drawn_on("scenario", level="unit") if f"{c}_delta" in units]
    return next((c for c in measures if units[f"{c}_delta"].abs().max() >= 0.05), measures[0])


def _delta_classes(bands_min: Sequence[float], lang: str) -> tuple[list[float], list[str], list[str]]:
    edges = [-np.inf, *bands_min, np.inf]
    colours = DIVERGING[: len(edges) - 1]
    names = []
    for lo, hi in itertools.pairwise(edges):
        if np.isinf(lo):
            names.append(tr("below {hi} min", lang, hi=f"{hi:g}"))
        elif np.isinf(hi):
            names.append(tr("{lo} min and more", lang, lo=f"{lo:g}"))
        else:
            names.append(tr("{lo} to {hi} min", lang, lo=f"{lo:g}", hi=f"{hi:g}"))
    return edges, colours, names


def _in_sentence(label: str, lang: str) -> str:
    """A label inside an English sentence starts in lower case ("change in time from ..."); Chinese has no case."""
    return label[:1].lower() + label[1:] if lang == "en" else label


def scenario_map(  # noqa: PLR0915 - a map's layers, one after the other
    comparison: ScenarioComparison,
    *,
    bands_min: Sequence[float] | None = None,
    tiles: str | None = "osm",
    tiles_key: str | None = None,
    lang: str | None = None,
    title: str | None = None,
    source: str | None = None,
) -> folium.Map:
    """What scenario b changes against a: unit and grid-cell deltas of travel time, and the added links.

    Layers: the per-unit change of each unit measure the catalogue puts on
    the scenario map (the seat's time to the core and mean time to the
    other seats, in minutes), the per-cell change of each cell time (to the
    core, the nearest pole, the nearest seat) on a diverging ramp (purple:
    faster), and the links that scenario b adds.

    Parameters
    ----------
    comparison : ScenarioComparison
        From :func:`linyi_spatial.accessibility.compare_scenarios`.
    bands_min : sequence of float, optional
        Class edges of the change in minutes, e.g. Linyi's
        ``(-20, -10, -5, -1, 1)``. Default fitted to the changes
        (:func:`delta_bands`) and said in the legend, so a city's
        one-minute gains get classes of their own.
    tiles, tiles_key : basemap
    lang : {"en", "zh"}, optional
        Interface language (default: :func:`~linyi_spatial.viz.i18n.get_lang`).
    title : str, optional
        Map title (default "Scenario <b> against <a>: change in travel time").
    source : str, optional
        Where the map's data come from (data, year or edition; "modelled
        estimate" where one is), written under its legend(s).

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> isinstance(scenario_map(c, tiles=None), folium.Map)
    True
    """
    lang = check_lang(lang)
    a, b = comparison.label_a, comparison.label_b
    shapes = simplified_units(comparison.geometry)
    if title is None:
        title = tr("Scenario {b} against {a}: change in travel time", lang, a=a, b=b)
    m = new_map(shapes.total_bounds, tiles, title, tiles_key, lang)
    datum = m.datum
    fitted = bands_min is None
    bands_min = comparison_bands(comparison) if bands_min is None else bands_min
    edges, colours, names = _delta_classes(bands_min, lang)
    units = comparison.units
    alternatives = []
    measures = [c for c in drawn_on("scenario", level="unit") if f"{c}_delta" in units]
    shifted = shift(shapes, datum)
    unit_names = local_unit_names(comparison.geometry, lang, fallback=comparison.geometry["name"])
    fills: dict[object, list[str]] = {uid: [] for uid in shifted.index}
    tips: dict[object, list[str]] = {uid: [] for uid in shifted.index}
    unchanged = [bool(units[f"{col}_delta"].abs().max() < 0.05) for col in measures]
    first = measures.index(opening_measure(comparison)) if measures else 0  # open on a layer that shows a change
    for i, col in enumerate(measures):
        label = measure_label(col, lang)
        name = (
            "Units: change in {label} (no unit changes by 0.05 min or more)"
            if unchanged[i]
            else "Units: change in {label}"
        )
        alternatives.append(added(overlay(tr(name, lang, label=_in_sentence(label, lang)), show=i == first), m))
        for uid, row in shifted.iterrows():
            d = float(units.loc[uid, f"{col}_delta"]) if uid in units.index else np.nan
            tips[uid].append(
                table(
                    [
                        (tr("unit", lang), unit_names.get(uid, row["name"])),
                        *(
                            (tr("{label}, {scenario}", lang, label=label, scenario=x),
                             fmt_measure(units.loc[uid, f"{col}_{x}"], "min", lang))
                            for x in (a, b)
                        ),
                        (tr("change", lang), fmt_measure(d, "min", lang)),
                        (tr("change (%)", lang), f"{fmt(units.loc[uid, f'{col}_delta_pct'])} %"),
                    ]
                )
            )  # fmt: skip
            j = int(np.digitize([d], edges[1:-1])[0]) if np.isfinite(d) else -1
            fills[uid].append(colours[j] if j >= 0 else "#cccccc")
    popups = {uid: "<hr>".join(tips[uid]) for uid in shifted.index}
    SharedChoropleth(shifted, fills, tips, popups, alternatives).add_to(m)
    named = overlay(tr("Unit names", lang), show=True)  # which unit gains what: every unit named
    for uid, where in shift(shapes.geometry.representative_point(), datum).items():
        place_label(m, [where.y, where.x], str(unit_names.get(uid, uid)), layer=named, unit=True)
    named.add_to(m)
    cells = comparison.cells
    for col in drawn_on("scenario", level="cell"):
        if f"{col}_delta" not in cells:
            continue
        bands = dissolve(cells, np.digitize(cells[f"{col}_delta"].to_numpy(), bands_min))
        layer = overlay(
            tr("Grid: change in {label}", lang, label=_in_sentence(measure_label(col, lang), lang)), show=False
        )
        for (_, row), band in zip(shift(bands, datum).iterrows(), bands.itertuples(), strict=True):
            j = int(band.label)
            tip = table([(tr("change", lang), names[j]), (tr("cells", lang), fmt(band.cells))])
            _polygon(layer, row.geometry, colours[j], tip)
        alternatives.append(added(layer, m))
    ExclusiveLayers(alternatives).add_to(m)
    links_layer = overlay(tr("Links added in {b}", lang, b=b), show=True)
    for _, link in shift(comparison.added_links, datum).iterrows():
        tip = table(
            [
                (tr("line", lang), link["name"]),
                (tr("ref", lang), link["ref"]),
                (tr("class", lang), code(link["class"], lang)),
                (tr("status", lang), code(link["status"], lang)),
            ]
        )
        folium.PolyLine(
            [(y, x) for x, y in link.geometry.coords], color=OKABE_ITO["black"], weight=3, tooltip=tooltip(tip)
        ).add_to(links_layer)
    links_layer.add_to(m)
    items = [("box", c, n) for c, n in zip(colours, names, strict=True)]
    items.append(("line", OKABE_ITO["black"], tr("link added in {b}", lang, b=b)))
    heading = tr("Change {a} → {b} (negative: faster)", lang, a=a, b=b)
    if fitted:
        heading = tr("{label} (bands fitted to the data)", lang, label=heading)
    return finish(m, legend(heading, items, source=source))
