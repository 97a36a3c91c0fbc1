"""The catalogue of measures: the one home of everything the library knows about a result column.

Each :class:`Measure` says what a column means (its label in English and
Chinese, its unit), which way is better, whether it is a value per areal
unit or per grid cell, its default weight in the composite score, and on
which maps it is drawn. The composite score's default weights
(:func:`composite_weights`), the layers of the accessibility, surface and
scenario maps (:func:`drawn_on`) and the grid-cell measures of a scenario
comparison (:func:`cell_measures`) are all read from here, so the composite
(which turns "lower is better" measures around) and the maps (which colour
the better end light) can never disagree.

A new measure takes an entry (:func:`register`) and, for a unit measure
the library does not compute itself, a ``compute`` function; see
``docs/add-a-measure.md``. Columns not listed here fall back to a rule on
their name for maps and tables: times (``*_min``, ``*time*``) and the
detour index are lower-is-better, everything else higher-is-better. The
composite score refuses them: a weight needs a known direction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import DataError

__all__ = [
    "LEVELS",
    "MAPS",
    "MEASURES",
    "OTHER_COLUMNS",
    "WEIGHTINGS",
    "Measure",
    "cell_measures",
    "composite_weights",
    "computed_measures",
    "drawn_on",
    "higher_is_better",
    "lookup",
    "measure_label",
    "measure_unit",
    "register",
]

LEVELS = ("unit", "cell")
"""What a measure is a value of: an areal unit (a county) or a grid cell."""
MAPS = ("accessibility", "surface", "scenario")
"""Maps that draw catalogue measures: the unit choropleths of
:func:`~linyi_spatial.viz.accessibility_map`, the time bands of
:func:`~linyi_spatial.viz.surface_map` and the changes of
:func:`~linyi_spatial.viz.scenario_map` (whose measures are also the ones a
:func:`~linyi_spatial.accessibility.compare_scenarios` compares per cell)."""
WEIGHTINGS = ("population", "area")
"""The composite's two views of the surface measures: by residents or by land area."""


@dataclass(frozen=True)
class Measure:
    """What a result column means, and where the library uses it.

    Attributes
    ----------
    label : str
        Human-readable name, with the unit.
    unit : str
        Unit of the values (``"min"``, ``"persons"``, ``"share"``, ``"potential"``
        (a decay-weighted sum of persons: not a head count), ``""``).
    higher_is_better : bool
        Whether a larger value means better access or a higher rank.
    label_zh : str
        The label in Chinese (empty: the English label is used).
    level : {"unit", "cell"}, default "unit"
        A value per areal unit (a row of
        :func:`~linyi_spatial.accessibility.unit_accessibility`) or per grid
        cell (a column of :func:`~linyi_spatial.accessibility.travel_time_surface`).
    weight : float, default 0
        Default weight in the composite score (unit measures only; 0: not in it).
    weighting : {"population", "area"} or None, default None
        The composite view the weight belongs to: None for both (seat
        measures), else only that view (``pop_*`` / ``area_*`` measures).
    maps : tuple of str, default ()
        Names from :data:`MAPS` of the maps that draw the measure, in
        catalogue order.
    compute : callable, optional
        For a unit measure the library does not compute itself: called by
        :func:`~linyi_spatial.accessibility.unit_accessibility` with a
        :class:`~linyi_spatial.accessibility.MeasureContext`, it returns the
        values per unit (a Series indexed by unit id).
    """

    label: str
    unit: str
    higher_is_better: bool
    label_zh: str = ""
    level: str = "unit"
    weight: float = 0.0
    weighting: str | None = None
    maps: tuple[str, ...] = ()
    compute: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise DataError(f"a measure's level is one of {LEVELS}, got {self.level!r}")
        if self.weighting is not None and self.weighting not in WEIGHTINGS:
            raise DataError(f"a measure's weighting is None or one of {WEIGHTINGS}, got {self.weighting!r}")
        unknown = [m for m in self.maps if m not in MAPS]
        if unknown:
            raise DataError(f"unknown map(s) {unknown} for a measure; known: {MAPS}")
        w = self.weight
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not (0 <= w < float("inf")):
            raise DataError(f"a measure's weight is a finite number >= 0, got {w!r}")
        if w and self.level != "unit":
            raise DataError("only unit measures have a composite weight (a cell measure is averaged into a unit one)")
        if self.compute is not None and self.level != "unit":
            raise DataError("a compute function is for unit measures (cell measures come from the travel-time surface)")


_SEAT = "accessibility", "scenario"
_CELL = "surface", "scenario"

MEASURES: dict[str, Measure] = {
    "composite_score": Measure(
        "Composite accessibility score (0-100, relative to the units, judgement weights)", "", True,
        "综合可达性得分（0–100，相对各单元，判断权重）", maps=("accessibility",)
    ),
    # seat-based unit measures (seat_accessibility)
    "time_to_core_min": Measure(
        "Time from the seat to the core (min)", "min", False, "驻地到核心的时间（分钟）", weight=0.25, maps=_SEAT
    ),
    "time_to_nearest_pole_min": Measure(
        "Time from the seat to the nearest pole (min)", "min", False, "驻地到最近增长极的时间（分钟）",
        weight=0.10, maps=("accessibility",),
    ),
    "time_to_nearest_seat_min": Measure(
        "Time from the seat to the nearest other seat (min)", "min", False, "驻地到最近其他驻地的时间（分钟）",
        maps=("accessibility",),
    ),
    "mean_time_to_seats_min": Measure(
        "Mean time to the other seats (min)", "min", False, "到其他驻地的平均时间（分钟）", weight=0.10, maps=_SEAT
    ),
    "hansen_size": Measure(
        "Hansen potential of the units' size (persons, decay-weighted)", "potential", True,
        "单元规模的汉森潜力（人口按距离衰减加权，非人数）",
        weight=0.15, maps=("accessibility",),
    ),
    "size_within_30min": Measure("Size reachable within 30 min", "persons", True, "30 分钟内可达规模"),
    "size_within_60min": Measure(
        "Size reachable within 60 min", "persons", True, "60 分钟内可达规模", weight=0.10, maps=("accessibility",)
    ),
    "size_within_90min": Measure("Size reachable within 90 min", "persons", True, "90 分钟内可达规模"),
    "detour_index": Measure("Detour index (network / straight distance)", "", False, "绕行系数（路网距离 / 直线距离）"),
    # surface measures of a unit, weighted by residents (the population view of the composite)
    "pop_mean_time_to_core_min": Measure(
        "Residents' mean time to the core (min)", "min", False, "居民到核心的平均时间（分钟）",
        weight=0.20, weighting="population", maps=("accessibility",),
    ),
    "pop_mean_time_to_nearest_pole_min": Measure(
        "Residents' mean time to the nearest pole (min)", "min", False, "居民到最近增长极的平均时间（分钟）"
    ),
    "pop_mean_time_to_nearest_seat_min": Measure(
        "Residents' mean time to the nearest seat (min)", "min", False, "居民到最近驻地的平均时间（分钟）"
    ),
    "pop_share_within_30min_of_core": Measure(
        "Share of residents within 30 min of the core", "share", True, "30 分钟内到达核心的居民比重"
    ),
    "pop_share_within_60min_of_core": Measure(
        "Share of residents within 60 min of the core", "share", True, "60 分钟内到达核心的居民比重",
        weight=0.10, weighting="population", maps=("accessibility",),
    ),
    "pop_share_within_90min_of_core": Measure(
        "Share of residents within 90 min of the core", "share", True, "90 分钟内到达核心的居民比重"
    ),
    # surface measures of a unit, weighted by land area (the area view of the composite)
    "area_mean_time_to_core_min": Measure(
        "Area-weighted time to the core (min)", "min", False, "按面积加权到核心的时间（分钟）",
        weight=0.20, weighting="area", maps=("accessibility",),
    ),
    "area_mean_time_to_nearest_pole_min": Measure(
        "Area-weighted time to the nearest pole (min)", "min", False, "按面积加权到最近增长极的时间（分钟）"
    ),
    "area_mean_time_to_nearest_seat_min": Measure(
        "Area-weighted time to the nearest seat (min)", "min", False, "按面积加权到最近驻地的时间（分钟）"
    ),
    "area_share_within_30min_of_core": Measure(
        "Share of land within 30 min of the core", "share", True, "30 分钟内到达核心的用地比重"
    ),
    "area_share_within_60min_of_core": Measure(
        "Share of land within 60 min of the core", "share", True, "60 分钟内到达核心的用地比重",
        weight=0.10, weighting="area",
    ),
    "area_share_within_90min_of_core": Measure(
        "Share of land within 90 min of the core", "share", True, "90 分钟内到达核心的用地比重"
    ),
    # grid-cell measures (travel_time_surface, structure_population)
    "cell_time_to_core_min": Measure(
        "Time from the cell to the core (min)", "min", False, "网格到核心的时间（分钟）", level="cell", maps=_CELL
    ),
    "cell_time_to_nearest_pole_min": Measure(
        "Time from the cell to the nearest pole (min)", "min", False, "网格到最近增长极的时间（分钟）",
        level="cell", maps=_CELL,
    ),
    "cell_time_to_nearest_seat_min": Measure(
        "Time from the cell to the nearest seat (min)", "min", False, "网格到最近驻地的时间（分钟）",
        level="cell", maps=_CELL,
    ),
    "access_time_min": Measure(
        "Access time from the cell to the network (min)", "min", False, "网格到路网的接入时间（分钟）", level="cell"
    ),
    "pop_est": Measure("Residents (modelled estimate)", "persons", True, "常住人口（模型估算）", level="cell"),
    "pop_density_km2": Measure(
        "Residents per km² (modelled estimate)", "persons/km²", True, "常住人口密度（人/km²，模型估算）", level="cell"
    ),
}  # fmt: skip
"""Known measures by column name."""

_TIME_RE = re.compile(r"(_min$|time)")
_CUTOFF_FAMILIES: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"^size_within_(\d+(?:\.\d+)?)min$"), "Size reachable within {c} min", "persons", "{c} 分钟内可达规模"),
    (re.compile(r"^pop_share_within_(\d+(?:\.\d+)?)min_of_core$"), "Share of residents within {c} min of the core",
     "share", "{c} 分钟内到达核心的居民比重"),
    (re.compile(r"^area_share_within_(\d+(?:\.\d+)?)min_of_core$"), "Share of land within {c} min of the core",
     "share", "{c} 分钟内到达核心的用地比重"),
)  # fmt: skip
"""Measures at any time cut-off (``cutoffs_min=``): a 45-minute column is known as the 30-minute one is."""


_RISK_RE = re.compile(r"^p_(.+)_(above|at_most)_(-?\d+(?:\.\d+)?)$")
"""A probability of crossing a threshold (``Sensitivity.exceedance``): ``p_<measure>_above_<threshold>``."""


OTHER_COLUMNS: dict[str, Measure] = {
    "time_to_core_car_or_rail_min": Measure(
        "Time from the seat to the core, the better of car and rail (min)", "min", False,
        "驻地到核心的时间，小汽车与铁路取较快者（分钟）",
    ),
    "share_within_catchment": Measure(
        "Share of residents within the catchment of a facility", "share", True, "设施服务范围内的居民比重",
    ),
    "facility_score": Measure(
        "Facility capacity per resident within reach (floating catchment)", "", True,
        "可达范围内人均设施容量（浮动集水区法）",
    ),
    "mean_time_to_nearest_facility_min": Measure(
        "Residents' mean time to the nearest facility (min)", "min", False, "居民到最近设施的平均时间（分钟）",
    ),
    "superiority": Measure(
        "Transport superiority (交通优势度; 0–1 across the units)", "", True, "交通优势度（单元间 0–1）",
    ),
    "density_km_per_km2": Measure(
        "Network density (km per km²)", "km/km²", True, "交通网络密度（km/km²）",
    ),
    "trunk_score": Measure(
        "Trunk-line influence (score, sum over facility kinds)", "", True, "交通干线影响度（各类设施得分之和）",
    ),
    "location_score": Measure(
        "Location advantage (score by time to the core)", "", True, "区位优势度（按到核心时间计分）",
    ),
    "gini_time_to_nearest_facility": Measure(
        "Gini of residents' time to the nearest facility (0 = equal)", "", False,
        "居民到最近设施时间的基尼系数（0 = 均等）",
    ),
}  # fmt: skip
"""Columns of the library's tables that are not unit measures of the catalogue (no weight, no map layer),
known by name so every display labels them: the better of car and rail of a multimodal network, and the
coverage of a facility table (:func:`~linyi_spatial.accessibility.facility_accessibility`) and the components
of transport superiority (:func:`~linyi_spatial.accessibility.transport_superiority`)."""


def _threshold_text(c: str, unit: str, lang: str) -> str:
    if unit == "share":
        return f"{float(c) * 100:g}%" if lang == "zh" else f"{float(c) * 100:g} %"
    if lang == "zh":
        return f"{c}{ {'min': '分钟'}.get(unit, unit) }"
    return f"{c} {unit}".strip()


def _risk(column: str) -> Measure | None:
    m = _RISK_RE.match(column)
    if m is None:
        return None
    name, side, c = m.groups()
    inner = lookup(name)
    en = re.sub(r"\s*\([^)]*\)$", "", inner.label if inner else name.replace("_", " "))
    zh = re.sub(r"（[^）]*）$", "", inner.label_zh if inner and inner.label_zh else en)
    unit = inner.unit if inner else ""
    better = inner.higher_is_better if inner else True
    word_en, word_zh = ("above", "超过") if side == "above" else ("at most", "不超过")
    en = en[:1].lower() + en[1:]
    return Measure(
        f"Probability: {en} {word_en} {_threshold_text(c, unit, 'en')}",
        "share",
        better if side == "above" else not better,
        f"{zh}{word_zh}{_threshold_text(c, unit, 'zh')}的概率",
    )


def lookup(column: str) -> Measure | None:
    """The catalogue's measure for ``column``, also at cut-offs it does not list (``size_within_45min``).

    Parameters
    ----------
    column : str

    Returns
    -------
    Measure or None

    Examples
    --------
    >>> lookup("size_within_45min").label, lookup("jobs") is None
    ('Size reachable within 45 min', True)
    >>> lookup("p_time_to_core_min_above_60").label
    'Probability: time from the seat to the core above 60 min'
    """
    if column in MEASURES:
        return MEASURES[column]
    if column in OTHER_COLUMNS:
        return OTHER_COLUMNS[column]
    for pattern, label, unit, label_zh in _CUTOFF_FAMILIES:
        m = pattern.match(column)
        if m:
            c = m.group(1)
            return Measure(label.format(c=c), unit, True, label_zh.format(c=c))
    return _risk(column)


def higher_is_better(column: str) -> bool:
    """Whether larger values of ``column`` are better.

    Parameters
    ----------
    column : str
        A result column name.

    Returns
    -------
    bool
        From :data:`MEASURES`, else False for times (``*_min``, ``*time*``)
        and detour indices, True otherwise.

    Examples
    --------
    >>> higher_is_better("time_to_core_min"), higher_is_better("hansen_size")
    (False, True)
    """
    known = lookup(column)
    if known is not None:
        return known.higher_is_better
    return not (_TIME_RE.search(column) or column.startswith("detour"))


def measure_label(column: str, lang: str = "en") -> str:
    """The human-readable label of ``column`` (its name with spaces when unknown).

    Parameters
    ----------
    column : str
        A result column name.
    lang : {"en", "zh"}, default "en"
        The label's language.

    Returns
    -------
    str

    Examples
    --------
    >>> measure_label("time_to_core_min")
    'Time from the seat to the core (min)'
    >>> measure_label("time_to_core_min", "zh")
    '驻地到核心的时间（分钟）'
    >>> measure_label("jobs_within_30min")
    'jobs within 30min'
    """
    measure = lookup(column)
    if measure is None:
        return column.replace("_", " ")
    return measure.label_zh if lang == "zh" and measure.label_zh else measure.label


def measure_unit(column: str) -> str:
    """The unit of ``column``'s values (``""`` when unknown or unitless).

    Parameters
    ----------
    column : str
        A result column name.

    Returns
    -------
    str

    Examples
    --------
    >>> measure_unit("pop_share_within_60min_of_core"), measure_unit("jobs")
    ('share', '')
    """
    known = lookup(column)
    return known.unit if known is not None else ""


def register(name: str, measure: Measure, *, replace: bool = False) -> Measure:
    """Add a measure to the catalogue, so the composite, the maps and the labels know it.

    Parameters
    ----------
    name : str
        The result column's name (with its unit, e.g. ``jobs_within_45min``).
    measure : Measure
    replace : bool, default False
        Allow replacing a measure of the same name.

    Returns
    -------
    Measure
        ``measure``.

    Raises
    ------
    DataError
        If ``name`` is not a non-empty string, ``measure`` is not a
        :class:`Measure`, or the name is taken and ``replace`` is False.

    Examples
    --------
    >>> m = register("jobs_within_45min", Measure("Jobs within 45 min", "jobs", True, "45 分钟内可达岗位"))
    >>> measure_label("jobs_within_45min", "zh")
    '45 分钟内可达岗位'
    >>> del MEASURES["jobs_within_45min"]
    """
    if not isinstance(name, str) or not name:
        raise DataError(f"a measure's name is a non-empty string, got {name!r}")
    if not isinstance(measure, Measure):
        raise DataError(f"measure {name!r}: expected a catalog.Measure, got {type(measure).__name__}")
    if name in MEASURES and not replace:
        raise DataError(f"measure {name!r} is already in the catalogue; pass replace=True to replace it")
    MEASURES[name] = measure
    return measure


def composite_weights(weighting: object = "population") -> dict[str, float]:
    """The composite score's default weights: every unit measure with a weight in this view.

    Parameters
    ----------
    weighting : {"population", "area"}, default "population"
        Which surface measures enter: residents-weighted (``pop_*``) or
        area-weighted (``area_*``); seat measures enter both.

    Returns
    -------
    dict
        Column -> weight, in catalogue order.

    Raises
    ------
    DataError
        For another weighting.

    Examples
    --------
    >>> w = composite_weights()
    >>> w["time_to_core_min"], round(sum(w.values()), 6)
    (0.25, 1.0)
    """
    if weighting not in WEIGHTINGS:
        raise DataError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    return {
        k: m.weight
        for k, m in MEASURES.items()
        if m.level == "unit" and m.weight > 0 and m.weighting in (None, weighting)
    }


def drawn_on(map_name: str, level: str | None = None) -> tuple[str, ...]:
    """The measures a map draws, in catalogue order.

    Parameters
    ----------
    map_name : {"accessibility", "surface", "scenario"}
    level : {"unit", "cell"}, optional
        Only measures of this level.

    Returns
    -------
    tuple of str

    Raises
    ------
    DataError
        For an unknown map or level.

    Examples
    --------
    >>> drawn_on("surface")
    ('cell_time_to_core_min', 'cell_time_to_nearest_pole_min', 'cell_time_to_nearest_seat_min')
    >>> drawn_on("scenario", level="unit")
    ('time_to_core_min', 'mean_time_to_seats_min')
    """
    if map_name not in MAPS:
        raise DataError(f"unknown map {map_name!r}; known: {MAPS}")
    if level is not None and level not in LEVELS:
        raise DataError(f"unknown level {level!r}; known: {LEVELS}")
    return tuple(k for k, m in MEASURES.items() if map_name in m.maps and level in (None, m.level))


def cell_measures() -> tuple[str, ...]:
    """The grid-cell times a scenario comparison reports per cell (catalogue cell measures on the scenario map).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> cell_measures()[0]
    'cell_time_to_core_min'
    """
    return drawn_on("scenario", level="cell")


def computed_measures() -> dict[str, Measure]:
    """Unit measures with their own ``compute`` function (those added with :func:`register`).

    Returns
    -------
    dict
        Column -> measure, in catalogue order.

    Examples
    --------
    >>> computed_measures()  # the library computes its own measures
    {}
    """
    return {k: m for k, m in MEASURES.items() if m.compute is not None}
