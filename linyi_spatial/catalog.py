"""The catalogue of measures: label, unit and direction of every named result column.

One table says whether more of a measure is better, so the composite score
(which turns "lower is better" measures around) and the maps (which colour
the better end light) can never disagree. Columns not listed here fall back
to a rule on their name: times (``*_min``, ``*time*``) and the detour index
are lower-is-better, everything else higher-is-better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MEASURES", "Measure", "higher_is_better", "measure_label", "measure_unit"]


@dataclass(frozen=True)
class Measure:
    """What a result column means.

    Attributes
    ----------
    label : str
        Human-readable name, with the unit.
    unit : str
        Unit of the values (``"min"``, ``"persons"``, ``"share"``, ``""``).
    higher_is_better : bool
        Whether a larger value means better access or a higher rank.
    label_zh : str
        The label in Chinese (empty: the English label is used).
    """

    label: str
    unit: str
    higher_is_better: bool
    label_zh: str = ""


MEASURES: dict[str, Measure] = {
    "composite_score": Measure("Composite accessibility score (0-100)", "", True, "综合可达性得分（0–100）"),
    "time_to_core_min": Measure("Time from the seat to the core (min)", "min", False, "驻地到核心的时间（分钟）"),
    "time_to_nearest_pole_min": Measure("Time to the nearest pole (min)", "min", False, "到最近增长极的时间（分钟）"),
    "time_to_nearest_seat_min": Measure(
        "Time to the nearest other seat (min)", "min", False, "到最近其他驻地的时间（分钟）"
    ),
    "mean_time_to_seats_min": Measure(
        "Mean time to the other seats (min)", "min", False, "到其他驻地的平均时间（分钟）"
    ),
    "hansen_size": Measure(
        "Hansen potential of the units' size (decayed)", "persons", True, "单元规模的汉森潜力（距离衰减）"
    ),
    "size_within_30min": Measure("Size reachable within 30 min", "persons", True, "30 分钟内可达规模"),
    "size_within_60min": Measure("Size reachable within 60 min", "persons", True, "60 分钟内可达规模"),
    "size_within_90min": Measure("Size reachable within 90 min", "persons", True, "90 分钟内可达规模"),
    "detour_index": Measure("Detour index (network / straight distance)", "", False, "绕行系数（路网距离 / 直线距离）"),
    "pop_mean_time_to_core_min": Measure(
        "Residents' mean time to the core (min)", "min", False, "居民到核心的平均时间（分钟）"
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
        "Share of residents within 60 min of the core", "share", True, "60 分钟内到达核心的居民比重"
    ),
    "pop_share_within_90min_of_core": Measure(
        "Share of residents within 90 min of the core", "share", True, "90 分钟内到达核心的居民比重"
    ),
    "area_mean_time_to_core_min": Measure(
        "Area-weighted time to the core (min)", "min", False, "按面积加权到核心的时间（分钟）"
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
        "Share of land within 60 min of the core", "share", True, "60 分钟内到达核心的用地比重"
    ),
    "area_share_within_90min_of_core": Measure(
        "Share of land within 90 min of the core", "share", True, "90 分钟内到达核心的用地比重"
    ),
    "pop_est": Measure("Residents (modelled estimate)", "persons", True, "常住人口（模型估算）"),
    "pop_density_km2": Measure(
        "Residents per km² (modelled estimate)", "persons/km²", True, "常住人口密度（人/km²，模型估算）"
    ),
    "access_time_min": Measure(
        "Access time from the cell to the network (min)", "min", False, "网格到路网的接入时间（分钟）"
    ),
}
"""Known measures by column name."""

_TIME_RE = re.compile(r"(_min$|time)")


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
    if column in MEASURES:
        return MEASURES[column].higher_is_better
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
    if column not in MEASURES:
        return column.replace("_", " ")
    measure = MEASURES[column]
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
    return MEASURES[column].unit if column in MEASURES else ""
