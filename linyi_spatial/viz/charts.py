"""Charts for reports: rank-size, the urbanization path, scenario change per unit, centrality by tier, ranges.

Each function draws a result the core computed onto a matplotlib
``Figure`` and returns it, so it can go into a notebook, be saved with
``fig.savefig("rank_size.png", dpi=200)`` or placed in a report. Nothing is
computed here beyond what drawing needs (a log, a sort). Needs matplotlib
(``pip install 'linyi_spatial[charts]'``); labels name places, not codes,
and every axis carries its unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ..catalog import MEASURES, higher_is_better, measure_label, measure_unit
from ..errors import OptionError
from .displays import parameter_label, parameter_value
from .fonts import new_figure, require_cjk_font
from .hierarchy import place_names, size_text, tier_name, units_of_analysis
from .i18n import check_lang, tr
from .layers import local_unit_names

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..accessibility import ScenarioComparison, TransportSuperiority
    from ..hierarchy import HierarchyReport
    from ..sensitivity import Sensitivity

__all__ = [
    "centrality_chart",
    "lorenz_chart",
    "range_chart",
    "rank_size_chart",
    "rank_stability_chart",
    "scenario_chart",
    "superiority_chart",
    "tornado_chart",
    "urbanization_chart",
]

CENTRALITY_LABELS = {
    "degree": "degree (links)",
    "closeness_per_min": "closeness (1 / mean travel time, per minute)",
    "betweenness": "betweenness (share of shortest paths)",
    "straightness": "straightness (straight / network distance)",
}
"""Axis labels of the centrality columns (with their units)."""

TIER_COLOURS = {"core": "#b2182b", "pole": "#ef8a62", "point": "#67a9cf", "other": "#999999"}


def _log_number(value: float, _pos: object = None) -> str:
    """A tick of a log axis as a plain number: 1, 20, 500, 100,000."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _log_minor_number(value: float, _pos: object = None) -> str:
    """Minor ticks of a log axis labelled at 2 and 5 times a power of ten only, so labels never crowd."""
    lead = value / 10 ** np.floor(np.log10(value)) if value > 0 else 0.0
    return _log_number(value) if round(lead, 6) in (2.0, 5.0) else ""


def _chart_lang(lang: str | None) -> str:
    """The chart's language; Chinese needs a CJK font (:class:`~linyi_spatial.errors.MissingFontError` without one)."""
    lang = check_lang(lang)
    if lang == "zh":
        require_cjk_font()
    return lang


def _figure(size: tuple[float, float], lang: str) -> Figure:
    return new_figure(size, lang, layout="constrained")


def rank_size_chart(report: HierarchyReport, *, lang: str | None = None) -> Figure:
    """Log–log rank-size plot of the report's places with the fitted Zipf line.

    Parameters
    ----------
    report : HierarchyReport
        From :func:`linyi_spatial.hierarchy.hierarchy_report`.
    lang : {"en", "zh"}, optional
        Language of titles, axes and legends (default: :func:`~linyi_spatial.viz.i18n.get_lang`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> fig = rank_size_chart(hierarchy_report(made_up_structure(), made_up_network(2020)))
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    """
    lang = _chart_lang(lang)
    size = report.params["size"]
    places = report.sized_places.sort_values(size, ascending=False)
    values = places[size].to_numpy(dtype=float)
    ranks = np.arange(1, len(values) + 1)
    fit = report.rank_size.iloc[0]
    fig = _figure((6.4, 4.6), lang)
    ax = fig.add_subplot()
    ax.scatter(ranks, values, color="#2166ac", zorder=3, label=tr("places", lang))
    for r, v, name in zip(ranks, values, place_names(report, lang).reindex(places.index), strict=True):
        ax.annotate(str(name), (r, v), textcoords="offset points", xytext=(5, 3), fontsize=8)
    fitted = np.exp(fit["ln_s1_fitted"]) * ranks ** (-fit["q"])
    numbers = {
        k: f"{fit[c]:.2f}" for k, c in (("q", "q"), ("low", "q_ci95_low"), ("high", "q_ci95_high"), ("r2", "r2"))
    }
    ax.plot(ranks, fitted, color="#b2182b", lw=1.5,
            label=tr("fit: q = {q} (95 % CI {low}–{high}), R² = {r2}", lang, **numbers))  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):  # plain numbers (100,000, not 10⁵ in TeX, which names would break)
        axis.set_major_formatter(_log_number)
        axis.set_minor_formatter(_log_minor_number)
    ax.set_xlabel(tr("rank (log)", lang))
    ax.set_ylabel(
        tr(
            "{size} (persons, log)",
            lang,
            size=measure_label(size, lang) if size in MEASURES else size_text(report, lang),
        )
    )
    ax.set_title(tr("Rank–size: {units}", lang, units=units_of_analysis(report, lang)), fontsize=10, wrap=True)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, which="both", alpha=0.3)
    return fig


def urbanization_chart(
    urbanization: pd.DataFrame, *, targets: dict[int, float] | None = None, lang: str | None = None
) -> Figure:
    """The urbanization rate from the base year through the path to the targets.

    Parameters
    ----------
    urbanization : pandas.DataFrame
        Indexed by year with ``urbanization_rate`` (0–1) and ``source``
        (e.g. ``report.urbanization``).
    targets : dict, optional
        Year -> target rate (0–1), drawn as markers; default the rows whose
        ``source`` is ``"target"``.
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionError
        If the table lacks ``urbanization_rate``.

    Examples
    --------
    >>> t = pd.DataFrame({"urbanization_rate": [0.55, 0.62, 0.72], "source": ["base", "target", "target"]},
    ...                  index=pd.Index([2020, 2025, 2035], name="year"))
    >>> [round(float(y), 1) for y in urbanization_chart(t).axes[0].lines[0].get_ydata()]
    [55.0, 62.0, 72.0]
    """
    if "urbanization_rate" not in urbanization.columns:
        raise OptionError("the urbanization table needs an urbanization_rate column (0–1)")
    lang = _chart_lang(lang)
    rate = urbanization["urbanization_rate"].astype(float) * 100
    if targets is None and "source" in urbanization.columns:
        chosen = urbanization["urbanization_rate"][urbanization["source"] == "target"]
        targets = {int(cast(float, y)): float(v) for y, v in chosen.items()}
    fig = _figure((6.4, 4.0), lang)
    ax = fig.add_subplot()
    ax.plot(
        rate.index, rate.to_numpy(), marker="o", color="#2166ac", label=tr("path (base, then to the targets)", lang)
    )
    for year, value in (targets or {}).items():
        ax.scatter([year], [value * 100], marker="*", s=160, color="#b2182b", zorder=4)
        ax.annotate(tr("target {year}: {value} %", lang, year=year, value=f"{value * 100:.0f}"), (year, value * 100),
                    textcoords="offset points",
                    xytext=(-60, 8), fontsize=8, color="#b2182b")  # fmt: skip
    ax.set_xlabel(tr("year", lang))
    ax.set_ylabel(tr("urbanization rate (% of residents)", lang))
    ax.set_title(tr("Resident urbanization against the plan's targets", lang), fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def scenario_chart(
    comparison: ScenarioComparison, measure: str = "time_to_core_min", *, lang: str | None = None
) -> Figure:
    """Change of one measure per unit between two scenarios, best gains on top.

    Parameters
    ----------
    comparison : ScenarioComparison
        From :func:`linyi_spatial.accessibility.compare_scenarios`.
    measure : str, default "time_to_core_min"
        A unit measure of the comparison (its ``<measure>_delta`` column).
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionError
        Naming an unknown measure and the available ones.

    Examples
    --------
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> len(scenario_chart(c).axes[0].patches)
    5
    """
    lang = _chart_lang(lang)
    col = f"{measure}_delta"
    units = comparison.units
    if col not in units.columns:
        known = sorted(c.removesuffix("_delta") for c in units.columns if c.endswith("_delta"))
        raise OptionError(f"no measure {measure!r} in the comparison; available: {known}")
    delta = units[col].astype(float)
    better = -delta if not higher_is_better(measure) else delta
    order = better.sort_values().index  # best gains drawn last, i.e. on top
    given = units["name"] if "name" in units else pd.Series(order, index=order)
    names = local_unit_names(comparison.geometry, lang, fallback=given).reindex(order).fillna(given).astype(str)
    unit = measure_unit(measure)
    fig = _figure((6.4, 0.35 * len(order) + 1.4), lang)
    ax = fig.add_subplot()
    colours = ["#1a9850" if b > 1e-9 else ("#d73027" if b < -1e-9 else "#bbbbbb") for b in better.reindex(order)]
    ax.barh(list(names), delta.reindex(order).to_numpy(), color=colours)
    ax.axvline(0, color="#333333", lw=0.8)
    a, b = comparison.label_a, comparison.label_b
    unit_text = _unit_axis_text(unit, lang)
    ax.set_xlabel(tr("change {a} → {b}", lang, a=a, b=b) + (f" ({unit_text})" if unit_text else ""))
    ax.set_title(tr("{measure}: change per unit (green = better)", lang, measure=measure_label(measure, lang)),
                 fontsize=10)  # fmt: skip
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def centrality_chart(report: HierarchyReport, measure: str = "betweenness", *, lang: str | None = None) -> Figure:
    """A network centrality of each place, coloured by its tier in the plan.

    Parameters
    ----------
    report : HierarchyReport
    measure : str, default "betweenness"
        A column of ``report.centrality`` (degree, closeness_per_min,
        betweenness, straightness).
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionError
        Naming an unknown measure and the available ones.

    Examples
    --------
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> fig = centrality_chart(hierarchy_report(made_up_structure(), made_up_network(2020)))
    >>> len(fig.axes[0].patches) == 5
    True
    """
    lang = _chart_lang(lang)
    if measure not in report.centrality.columns:
        raise OptionError(f"no centrality {measure!r}; available: {list(report.centrality.columns)}")
    values = report.centrality[measure].astype(float).sort_values()
    names = place_names(report, lang).reindex(values.index).astype(str)
    tiers = report.places["plan_tier"].reindex(values.index).fillna("other").astype(str)
    fig = _figure((6.4, 0.35 * len(values) + 1.4), lang)
    ax = fig.add_subplot()
    ax.barh(list(names), values.to_numpy(), color=[TIER_COLOURS.get(t, TIER_COLOURS["other"]) for t in tiers])
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=tier_name(report, t, lang)) for t, c in TIER_COLOURS.items() if t in set(tiers)]
    ax.legend(handles=handles, title=tr("plan tier", lang), fontsize=8, title_fontsize=8, loc="lower right")
    name = tr(CENTRALITY_LABELS.get(measure, measure.replace("_", " ")), lang)
    ax.set_xlabel(name)
    ax.set_title(tr("Network centrality by place: {measure}", lang, measure=name), fontsize=10, wrap=True)
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def _unit_names(sensitivity: Sensitivity) -> pd.Series:
    """The run's unit names (as its table gives them), or the ids."""
    idx = sensitivity.default.index
    given = sensitivity.names if sensitivity.names is not None else pd.Series(idx, index=idx)
    return given.reindex(idx).fillna(pd.Series(idx, index=idx)).astype(str)


def _unit_axis_text(unit: str, lang: str) -> str:
    return {"min": tr("min", lang), "share": tr("share, 0–1", lang)}.get(unit, unit)


def _measure_axis(measure: str, lang: str) -> str:
    """A measure's axis label with its unit, the unit left out when the label already says it."""
    label, unit = measure_label(measure, lang), _unit_axis_text(measure_unit(measure), lang)
    return label if not unit or unit in label else f"{label} ({unit})"


def range_chart(
    sensitivity: Sensitivity,
    measure: str = "time_to_core_min",
    *,
    threshold: float | None = None,
    lang: str | None = None,
) -> Figure:
    """Each unit's headline value and its range over a sensitivity run, best on top.

    The thick bar spans the middle 90 % of the Latin-hypercube samples (5–95 %),
    the thin line every sample (minimum to maximum), the dot the headline value;
    a dashed line marks ``threshold``.

    Parameters
    ----------
    sensitivity : Sensitivity
    measure : str, default "time_to_core_min"
    threshold : float, optional
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial import sensitivity as sa
    >>> s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                    sa.ParameterSpace([sa.speed("trunk", 45, 75, 60)]), n=8)
    >>> len(range_chart(s, threshold=30).axes[0].patches)
    5
    """
    lang = _chart_lang(lang)
    r = sensitivity.summary(measure)
    better = higher_is_better(measure)
    order = r["default"].sort_values(ascending=better).index  # best drawn last, i.e. on top
    names = _unit_names(sensitivity).reindex(order)
    fig = _figure((6.4, 0.38 * len(order) + 1.6), lang)
    ax = fig.add_subplot()
    y = np.arange(len(order))
    rr = r.reindex(order)
    ax.hlines(y, rr["min"], rr["max"], color="#888888", lw=1, label=tr("every sample (min–max)", lang))
    ax.barh(y, rr["q95"] - rr["q05"], left=rr["q05"], height=0.5, color="#9ecae1",
            label=tr("middle 90 % of samples", lang))  # fmt: skip
    ax.plot(rr["default"], y, "o", color="#08306b", ms=5, label=tr("headline value", lang))
    if threshold is not None:
        ax.axvline(threshold, color="#b2182b", ls="--", lw=1)
    ax.set_yticks(y, list(names))
    ax.set_xlabel(_measure_axis(measure, lang))
    n = int(sensitivity.design["design"].eq("lhs").sum())
    ax.set_title(tr("{measure}: headline value and range ({n} samples)", lang, measure=measure_label(measure, lang),
                    n=n), fontsize=10)  # fmt: skip
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="best", fontsize=7, frameon=True)
    return fig


def rank_stability_chart(
    sensitivity: Sensitivity, measure: str = "composite_score", *, lang: str | None = None
) -> Figure:
    """How often each unit takes each rank over a sensitivity run (rows: units by headline rank).

    Each cell is the share of the Latin-hypercube samples in which the unit
    has that rank; the outlined cell is its headline rank. A unit whose row
    is one dark cell has a robust rank; a spread row's rank should be
    printed as a range.

    Parameters
    ----------
    sensitivity : Sensitivity
    measure : str, default "composite_score"
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial import sensitivity as sa
    >>> s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                    sa.ParameterSpace([sa.speed("trunk", 45, 75, 60)]), n=8)
    >>> rank_stability_chart(s).axes[0].images[0].get_array().shape
    (5, 5)
    """
    from matplotlib.patches import Rectangle

    lang = _chart_lang(lang)
    ranks = sensitivity.ranks(measure)
    better = bool(ranks.attrs["higher_is_better"])
    every = sensitivity.samples(measure, "lhs" if sensitivity.design["design"].eq("lhs").any() else None)
    r = ((-1.0 if better else 1.0) * every).rank(axis=1, method="min")
    n = len(sensitivity.default)
    order = ranks["rank"].sort_values(kind="stable").index
    share = np.array([[float((r[u] == k).mean()) for k in range(1, n + 1)] for u in order])
    names = _unit_names(sensitivity).reindex(order)
    fig = _figure((0.42 * n + 2.8, 0.38 * n + 1.6), lang)
    ax = fig.add_subplot()
    im = ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i, u in enumerate(order):
        k = int(ranks.loc[u, "rank"]) - 1
        ax.add_patch(Rectangle((k - 0.5, i - 0.5), 1, 1, fill=False, ec="#b2182b", lw=1.5))
        for j in range(n):
            if share[i, j] >= 0.05:
                ax.text(j, i, f"{share[i, j] * 100:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if share[i, j] > 0.6 else "#08306b")  # fmt: skip
    ax.set_xticks(range(n), [str(k) for k in range(1, n + 1)])
    ax.set_yticks(range(n), list(names))
    ax.set_xlabel(tr("rank by {measure} (1 = best)", lang, measure=measure_label(measure, lang)))
    ax.set_title(tr("Rank stability: % of samples at each rank (outlined: headline rank)", lang), fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.04, label=tr("share of samples", lang))
    return fig


def tornado_chart(
    sensitivity: Sensitivity,
    unit: object,
    measure: str = "time_to_core_min",
    *,
    top: int = 10,
    lang: str | None = None,
) -> Figure:
    """One unit's tornado: the measure with each parameter at its low and its high end, widest swing on top.

    Needs the one-at-a-time rows of the run (``design="both"`` or ``"oat"``).

    Parameters
    ----------
    sensitivity : Sensitivity
    unit : hashable
        A unit id of the run.
    measure : str, default "time_to_core_min"
    top : int, default 10
        Parameters drawn (those with no swing are left out).
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial import sensitivity as sa
    >>> s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                    sa.ParameterSpace([sa.speed("trunk", 45, 75, 60), sa.half_life(20, 45, 30)]), design="oat")
    >>> len(tornado_chart(s, "C").axes[0].patches)
    2
    """
    lang = _chart_lang(lang)
    t = sensitivity.tornado(measure, unit)
    t = t[t["swing"] > 0].head(top).iloc[::-1]  # widest on top
    params = {p.name: p for p in sensitivity.space}
    labels = [
        f"{parameter_label(params[str(n)], lang)}: {parameter_value(lo)}–{parameter_value(hi)}"
        for n, lo, hi in zip(t.index, t["low_value"], t["high_value"], strict=True)
    ]
    name = str(_unit_names(sensitivity).to_dict().get(unit, unit))
    fig = _figure((7.2, 0.42 * max(len(t), 1) + 1.6), lang)
    ax = fig.add_subplot()
    base = float(t["default"].iloc[0]) if len(t) else float(sensitivity.default[measure].to_dict()[unit])
    y = np.arange(len(t))
    ax.barh(y, t["at_low"] - base, left=base, height=0.6, color="#4393c3", label=tr("parameter at its low end", lang))
    ax.barh(y, t["at_high"] - base, left=base, height=0.6, color="#d6604d",
            label=tr("parameter at its high end", lang))  # fmt: skip
    ax.axvline(base, color="#333333", lw=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    label = measure_label(measure, lang)
    ax.set_xlabel(_measure_axis(measure, lang))
    ax.set_title(tr("{unit}: what moves {measure} (headline {value})", lang, unit=name, measure=label,
                    value=f"{base:.1f}"), fontsize=10)  # fmt: skip
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
    return fig


def lorenz_chart(
    curves: Mapping[object, pd.DataFrame],
    *,
    measure: str = "cell_time_to_core_min",
    ginis: Mapping[object, float] | None = None,
    lang: str | None = None,
) -> Figure:
    """Lorenz curves of a measure over residents, one per label (e.g. a network year), with each curve's Gini.

    The further a curve bows below the diagonal, the more unevenly the
    measure falls on people; for a travel time the top-right part holds the
    residents farthest away.

    Parameters
    ----------
    curves : mapping of label -> DataFrame
        Each from :func:`linyi_spatial.accessibility.lorenz` (``people_share``, ``value_share``).
    measure : str, default "cell_time_to_core_min"
        What the curves are of (for the axis label).
    ginis : mapping of label -> float, optional
        Each curve's Gini (:func:`linyi_spatial.accessibility.gini`), printed in the legend.
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.accessibility import gini, lorenz
    >>> curves = {"a": lorenz([1.0, 2.0, 7.0]), "b": lorenz([3.0, 3.0, 4.0])}
    >>> fig = lorenz_chart(curves, ginis={"a": gini([1.0, 2.0, 7.0])})
    >>> len(fig.axes[0].lines)
    3
    """
    lang = _chart_lang(lang)
    fig = _figure((5.2, 5.0), lang)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#999999", lw=0.8, ls="--", label=tr("equal for everyone", lang))
    for label, curve in curves.items():
        g = None if ginis is None else ginis.get(label)
        ax.plot(curve["people_share"], curve["value_share"], lw=1.6,
                label=str(label) if g is None else f"{label}: Gini {g:.3f}")  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(tr("share of residents (ordered from the best served)", lang))
    ax.set_ylabel(tr("share of the total: {measure}", lang, measure=measure_label(measure, lang)))
    ax.set_title(tr("Lorenz curve: {measure}", lang, measure=measure_label(measure, lang)), fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def superiority_chart(result: TransportSuperiority, *, lang: str | None = None) -> Figure:
    """Each unit's 交通优势度 as stacked bars of its weighted components (density, trunk lines, location), best on top.

    Parameters
    ----------
    result : TransportSuperiority
        From :func:`linyi_spatial.accessibility.transport_superiority`.
    lang : {"en", "zh"}, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linyi_spatial.accessibility import transport_superiority
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> fig = superiority_chart(transport_superiority(made_up_network(2020), made_up_structure()))
    >>> len(fig.axes[0].patches)
    15
    """
    lang = _chart_lang(lang)
    u = result.units.sort_values(["superiority"], ascending=True)
    fig = _figure((6.4, 0.6 + 0.32 * len(u)), lang)
    ax = fig.add_subplot()
    names = local_unit_names(u, lang)
    y = np.arange(len(u))
    left = np.zeros(len(u))
    colours = {"density": "#0072B2", "trunk": "#E69F00", "location": "#009E73"}
    for k, colour in colours.items():
        width = result.weights[k] * u[f"{k}_index"].to_numpy(dtype=float)
        ax.barh(y, width, left=left, color=colour, height=0.7,
                label=f"{tr(k, lang)} ({tr('weight', lang)} {result.weights[k]:.2f})")  # fmt: skip
        left += width
    for yi, total in zip(y, u["superiority"].to_numpy(dtype=float), strict=True):
        ax.text(total + 0.01, float(yi), f"{total:.2f}", va="center", fontsize=7)
    ax.set_yticks(y, [str(names.get(i, i)) for i in u.index], fontsize=8)
    ax.set_xlim(0, max(1.0, float(left.max()) + 0.08))
    ax.set_xlabel(measure_label("superiority", lang))
    ax.set_title(tr("Transport superiority (交通优势度)", lang), fontsize=10)
    ax.legend(loc="lower right", fontsize=7)
    ax.grid(True, axis="x", alpha=0.3)
    return fig
