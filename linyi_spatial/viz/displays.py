"""HTML displays of the core's result objects (notebooks, ``to_html``): names, units and rounded numbers, in a language.

Registered behind ``to_html()`` and ``_repr_html_`` of
:class:`~linyi_spatial.structure.SpatialStructure`,
:class:`~linyi_spatial.accessibility.ScenarioComparison`,
:class:`~linyi_spatial.hierarchy.HierarchyReport` and
:class:`~linyi_spatial.hierarchy.Linkages` when :mod:`linyi_spatial.viz` is
imported. Every cell is escaped; numbers go through the one formatter
(:func:`~linyi_spatial.viz._html.fmt_measure`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ..catalog import measure_label, measure_unit
from ._html import esc, fmt, fmt_measure
from .accessibility import range_text, rank_span
from .hierarchy import size_text, units_of_analysis
from .i18n import check_lang, code, local_name, tr

if TYPE_CHECKING:
    from ..accessibility import ScenarioComparison, TransportSuperiority
    from ..hierarchy import HierarchyReport, Linkages
    from ..sensitivity import Parameter, Sensitivity
    from ..structure import SpatialStructure

__all__ = [
    "HEADLINE_MEASURES",
    "hierarchy_html",
    "linkages_html",
    "parameter_label",
    "parameter_value",
    "robustness",
    "scenario_html",
    "sensitivity_html",
    "structure_html",
    "superiority_html",
]


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table, every cell escaped; values stay on one line except the last column's (sources, formulas)."""
    head = "".join(f"<th style='text-align:left'>{esc(h)}</th>" for h in header)
    last = len(header) - 1
    body = "".join(
        "<tr>" + "".join(f"<td{'' if i == last else _NOWRAP}>{esc(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_NOWRAP = " style='white-space:nowrap'"


def _name(row: pd.Series | Mapping[str, object], lang: str) -> str:
    return local_name(row["name_zh"], row["name"], lang)


def _place_name(s: SpatialStructure, pid: object, lang: str) -> str:
    for frame in (s.places, s.core):
        if pid in frame.index:
            return _name(frame.loc[pid], lang)
    return str(pid)


def structure_html(structure: SpatialStructure, *, lang: str | None = None) -> str:
    """The structure's elements as a table: role, name, places, size (and whose), length/area, provenance.

    Parameters
    ----------
    structure : SpatialStructure
    lang : {"en", "zh"}, optional
        Default: :func:`~linyi_spatial.viz.i18n.get_lang`.

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_structure
    >>> "增长极" in structure_html(made_up_structure(), lang="zh")
    True
    """
    lang = check_lang(lang)
    s = structure
    names = s.unit_names()
    size = s.column("size", required=False)
    title = local_name(s.meta.get("name_zh"), s.name, lang)
    counts = tr(
        "{core} core, {poles} poles, {axes} axes, {points} points",
        lang,
        core=len(s.core),
        poles=len(s.poles),
        axes=len(s.axes),
        points=len(s.points),
    )
    rows = []
    for _, r in s.summary().iterrows():
        if r["role"] == "core":
            whose = ", ".join(str(names.get(u, u)) for u in s.core.iloc[0]["units"])
        elif isinstance(r["size_of"], str) and r["size_of"]:
            whose = str(names.get(s.places.loc[r["places"], "unit"], ""))
        else:
            whose = ""
        ids = str(r["places"]).split(" → ") if r["role"] == "axis" else [r["places"]]
        places = " → ".join(_place_name(s, p, lang) for p in ids)
        rows.append(
            [
                code(r["role"], lang),
                _name(r, lang),
                places,
                fmt_measure(r["length_km"], "km", lang) if "length_km" in r else "",
                fmt_measure(r["area_km2"], "km²", lang) if "area_km2" in r else "",
                fmt_measure(r[size], "persons", lang) if size else "",
                whose,
                code(r["status"], lang),
                r["source"],
            ]
        )
    header = [
        tr("role", lang),
        tr("name", lang),
        tr("places", lang),
        tr("length (km)", lang),
        tr("area (km²)", lang),
        tr("size ({column})", lang, column=size) if size else tr("size", lang),
        tr("size of", lang),
        tr("status", lang),
        tr("source", lang),
    ]
    return f"<p><b>{esc(title)}</b>: {esc(counts)}</p>" + _table(header, rows)


def _delta(value: float, unit: str, lang: str) -> str:
    """A change: signed, shares in percentage points."""
    if not np.isfinite(value):
        return fmt(value, lang=lang)
    if unit == "share":
        return f"{100 * value:+.1f} {'个百分点' if lang == 'zh' else 'pp'}"
    text = fmt_measure(value, unit, lang)
    return text if text.startswith("-") or value == 0 else f"+{text}"


def scenario_html(comparison: ScenarioComparison, *, lang: str | None = None) -> str:
    """Each unit's change of each measure, scenario b − a, with the measure's unit.

    Parameters
    ----------
    comparison : ScenarioComparison
    lang : {"en", "zh"}, optional

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.accessibility import compare_scenarios
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> "变化" in scenario_html(c, lang="zh")
    True
    """
    lang = check_lang(lang)
    c = comparison
    a, b = c.label_a, c.label_b
    units = c.units
    measures = [col[: -len("_delta")] for col in units.columns if col.endswith("_delta")]
    header = [tr("unit", lang)] + [tr("{label}: change", lang, label=measure_label(m, lang)) for m in measures]
    unit_of = [measure_unit(m) for m in measures]
    rows = []
    for uid, row in units.iterrows():
        rows.append(
            [row.get("name", uid)]
            + [_delta(float(row[f"{m}_delta"]), u, lang) for m, u in zip(measures, unit_of, strict=True)]
        )
    counts = tr(
        "{units} units, {cells} grid cells, {links} added links",
        lang,
        units=len(units),
        cells=fmt(len(c.cells)),
        links=len(c.added_links),
    )
    note = tr(
        "change of each measure, {b} − {a} (times in minutes; negative: faster); the composite of both scenarios "
        "is scored on the scale of {a}",
        lang,
        a=a,
        b=b,
    )
    title = tr("Scenario {b} against {a}: change in travel time", lang, a=a, b=b)
    stop = "。" if lang == "zh" else ". "
    lines = ""
    if c.lines is not None and len(c.lines):  # every added line, with whether a trip takes it and why not
        items = "".join(
            f"<li>{esc(r['name'] or line)}{esc(' (' + str(r['ref']) + ')' if r['ref'] else '')}: "
            f"{esc(_line_reason(r, lang))}</li>"
            for line, r in c.lines.iterrows()
        )
        lines = f"<p>{esc(tr('Added lines', lang))}:</p><ul>{items}</ul>"
    return (
        f"<p><b>{esc(title)}</b> — {esc(counts)}{stop}{esc(note)}</p>"
        + _table(header, rows)
        + lines
        + _by_mode(c, lang)
    )


def _by_mode(c: ScenarioComparison, lang: str) -> str:
    """The seats' change in time to the core by car and by the better of car and rail, when the caller timed both."""
    t = c.by_mode
    if t is None or not len(t):
        return ""
    header = [tr("unit", lang), tr("by car: change", lang), tr("car or rail: change", lang),
              tr("car or rail: change over the station penalties", lang)]  # fmt: skip
    rows = [[tr("residents", lang) if uid == "residents" else row["name"],
             _delta(float(row["time_to_core_car_delta_min"]), "min", lang),
             _delta(float(row["time_to_core_car_or_rail_delta_min"]), "min", lang),
             _delta(float(row["car_or_rail_delta_low_min"]), "min", lang) + " – "
             + _delta(float(row["car_or_rail_delta_high_min"]), "min", lang)] for uid, row in t.iterrows()]  # fmt: skip
    title = tr("Time to the core by mode, {b} − {a}", lang, a=c.label_a, b=c.label_b)
    return f"<p><b>{esc(title)}</b></p>" + _table(header, rows)


def _line_reason(r: pd.Series, lang: str) -> str:
    """Whether a trip takes an added line, and why not, in the page's language (see ``line_use``)."""
    if r["used"]:
        return tr("on the quickest trip of {n} pair(s) of places, e.g. {a} → {b}", lang, n=int(r["trips"]),
                  a=r["best_from"], b=r["best_to"])  # fmt: skip
    if not np.isfinite(float(r["gap_min"])):
        return tr("no trip between the places can reach it", lang)
    return tr("on no quickest trip: the nearest, {a} → {b}, would be {gap} min slower through it", lang,
              a=r["best_from"], b=r["best_to"], gap=f"{float(r['gap_min']):.1f}")  # fmt: skip


def _summary_value(value: object, unit: str, lang: str) -> str:
    if unit == "share":
        return fmt_measure(value, "share", lang)
    if isinstance(value, str):
        return tr("none", lang) if value == "none" else value
    return f"{float(cast(float, value)):.3g}"  # the summary's numbers: int, float or numpy scalars


def _range_text(specs: pd.DataFrame, column: str, lang: str) -> str:
    """Lowest–highest ``column`` over the report's specifications, with n and q's 95 % interval, in ``lang``."""
    lo, hi = float(specs[column].min()), float(specs[column].max())
    parts = [f"n {int(specs['n'].min())}–{int(specs['n'].max())}"]
    if column == "q":
        ci = f"{float(specs['q_ci95_low'].min()):.2f}–{float(specs['q_ci95_high'].max()):.2f}"
        parts.append(tr("95 % interval {ci}", lang, ci=ci))
    sep, open_, close = ("；", "（", "）") if lang == "zh" else ("; ", " (", ")")
    return f"{lo:.2f}–{hi:.2f}{open_}{sep.join(parts)}{close}"


def hierarchy_html(report: HierarchyReport, *, lang: str | None = None) -> str:
    """The report's headline figures with their formulas, on the stated places and size.

    Parameters
    ----------
    report : HierarchyReport
    lang : {"en", "zh"}, optional

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.hierarchy import hierarchy_report
    >>> "齐普夫" in hierarchy_html(hierarchy_report(made_up_structure(), made_up_network(2020)), lang="zh")
    True
    """
    lang = check_lang(lang)
    p = report.params
    merged = tr("core merged" if p["merge_core"] else "units separate", lang)
    rows = []
    for _, r in report.summary().iterrows():
        if r["key"] == "zipf_q":
            label = tr(
                "Zipf q ({size}, {n} places, {merged})", lang, size=size_text(report, lang), n=p["n"], merged=merged
            )
        else:
            label = tr(r["measure"], lang)
        value = _summary_value(r["value"], r["unit"], lang)
        if r["key"] in ("zipf_q_range", "primacy_s2_range"):
            value = _range_text(report.specifications, "q" if r["key"] == "zipf_q_range" else "s2", lang)
        rows.append([label, value, tr(r["formula"], lang)])
    header = [tr("measure", lang), tr("value", lang), tr("formula", lang)]
    heading = f"<p><b>{esc(tr('Urban hierarchy report', lang))}</b>: {esc(units_of_analysis(report, lang))}</p>"
    return heading + _table(header, rows)


def linkages_html(linkages: Linkages, *, lang: str | None = None, top: int = 10) -> str:
    """The ``top`` strongest links, places named, with travel time and membership shares.

    Parameters
    ----------
    linkages : Linkages
    lang : {"en", "zh"}, optional
    top : int, default 10

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> import pandas as pd
    >>> from linyi_spatial.hierarchy import gravity_linkages
    >>> df = pd.DataFrame({"pop": [100.0, 50.0, 20.0], "name": ["Ash", "Birch", "Cedar"]}, index=["a", "b", "c"])
    >>> t = pd.DataFrame(10.0, index=df.index, columns=df.index)
    >>> "Birch" in linkages_html(gravity_linkages(df, t, size="pop"))
    True
    """
    lang = check_lang(lang)
    names = linkages.params.get("names", {})
    links = linkages.links.head(top)
    smax = float(links["strength"].max()) if len(links) else 1.0
    rows = [
        [
            tr("{place} — {other}", lang, place=names.get(r.i, r.i), other=names.get(r.j, r.j)),
            f"{r.strength / smax:.2f}" if smax > 0 else "",
            fmt_measure(r.travel_time_min, "min", lang),
            fmt_measure(r.share_of_i, "share", lang),
            fmt_measure(r.share_of_j, "share", lang),
        ]
        for r in links.itertuples()
    ]
    header = [
        tr("link", lang),
        tr("strength (relative to the strongest)", lang),
        tr("travel time", lang),
        tr("share of the first place's total", lang),
        tr("share of the second place's total", lang),
    ]
    heading = f"<p><b>{esc(tr('Gravity linkages (top {n})', lang, n=len(links)))}</b></p>"
    return heading + _table(header, rows)


HEADLINE_MEASURES = (
    "time_to_core_min",
    "time_to_core_car_or_rail_min",
    "pop_share_within_60min_of_core",
    "composite_score",
)
"""The measures a sensitivity display shows first, when the run has them."""


def parameter_label(p: Parameter, lang: str) -> str:
    """A parameter as people read it, with its unit: "operating speed: expressway (km/h)".

    Parameters
    ----------
    p : Parameter
    lang : {"en", "zh"}

    Returns
    -------
    str

    Examples
    --------
    >>> from linyi_spatial.sensitivity import speed
    >>> parameter_label(speed("expressway", 80, 110, 100), "zh")
    '运行车速：高速公路（km/h）'
    """
    zh = lang == "zh"
    what = "、".join(code(str(k), lang) for k in p.classes) if zh else ", ".join(map(str, p.classes))
    unit = f"（{p.unit}）" if zh and p.unit else f" ({p.unit})" if p.unit else ""
    texts = {
        "speed": tr("operating speed: {what}", lang, what=what),
        "length": tr("road length factor: {what}", lang, what=what),
        "access_speed_kph": tr("access-leg speed", lang),
        "access_circuity": tr("access-leg circuity", lang),
        "station_penalty_min": tr("station penalty (each end)", lang),
        "half_life_min": tr("decay half-life", lang),
        "weight": tr("composite weight: {what}", lang, what=measure_label(str(p.key), lang)),
        "urban_density_km2": tr("urban density of the population model", lang),
        "place_weight": tr("population weight of a {what}", lang, what=code(str(p.key), lang)),
        "option": p.name,
    }
    if p.target == "speed" and p.ratio:
        return tr("speed factor: {what}", lang, what=what)
    return texts[p.target] + ("" if p.target == "weight" else unit)


def robustness(sensitivity: Sensitivity, threshold: tuple[str, float] | None = ("time_to_core_min", 60.0)) -> pd.Series:
    """Per unit, whether its headline figures hold over the ranges, and if not, which do not.

    A unit is robust when it keeps its composite rank in at least 90 % of
    the samples and, given a ``threshold``, its measure stays on the same
    side of it in every sample.

    Parameters
    ----------
    sensitivity : Sensitivity
    threshold : (str, float) or None, default ("time_to_core_min", 60)

    Returns
    -------
    pandas.Series
        ``""`` for a robust unit, else the figures that move: ``"rank"``, ``"60 min"``.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial import sensitivity as sa
    >>> s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                    sa.ParameterSpace([sa.speed("trunk", 45, 75, 60)]), n=6)
    >>> robustness(s, ("time_to_core_min", 1000.0)).index.tolist()
    ['A', 'B', 'C', 'D', 'E']
    """
    reasons: dict[object, list[str]] = {u: [] for u in sensitivity.default.index}
    if "composite_score" in sensitivity.measures:
        r = sensitivity.ranks("composite_score")
        for u in r.index[r["share_same_rank"] < 0.9]:
            reasons[u].append("rank")
    if threshold is not None and threshold[0] in sensitivity.measures:
        p = sensitivity.exceedance(threshold[0], threshold[1])
        for u in p.index[(p > 0) & (p < 1)]:
            reasons[u].append(f"{threshold[1]:g} min" if measure_unit(threshold[0]) == "min" else f"{threshold[1]:g}")
    return pd.Series({u: ", ".join(v) for u, v in reasons.items()}, name="not_robust")


def _minutes(text: str, lang: str) -> str:
    """``"60 min"`` in the page's language."""
    return text.replace(" min", "分钟") if lang == "zh" else text


def parameter_value(x: object) -> str:
    """A parameter value: whole numbers with separators, others to three significant digits.

    Parameters
    ----------
    x : object

    Returns
    -------
    str

    Examples
    --------
    >>> parameter_value(15400.0), parameter_value(0.125), parameter_value(True)
    ('15,400', '0.125', 'True')
    """
    if isinstance(x, (float, np.floating)) and np.isfinite(x):
        return f"{int(x):,}" if float(x) == round(float(x)) else f"{float(x):.3g}"
    return str(x)


def sensitivity_html(
    sensitivity: Sensitivity,
    *,
    lang: str | None = None,
    measures: Sequence[str] | None = None,
    threshold: tuple[str, float] | None = ("time_to_core_min", 60.0),
) -> str:
    """The ranges of a sensitivity run as a table: what holds and what should be printed as a range.

    Per unit each headline figure with its 5–95 % range, the rank's
    stability, the probability of crossing the threshold, what drives the
    first figure and whether the unit is robust; then the parameters.

    Parameters
    ----------
    sensitivity : Sensitivity
    lang : {"en", "zh"}, optional
    measures : sequence of str, optional
        Default :data:`HEADLINE_MEASURES` the run has (else its first four measures).
    threshold : (str, float), optional
        Measure and threshold of the probability column.

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial import sensitivity as sa
    >>> s = sa.sensitivity(sa.unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                    sa.ParameterSpace([sa.speed("trunk", 45, 75, 60)]), n=8)
    >>> "5–95" in sensitivity_html(s, lang="en")
    True
    """
    lang = check_lang(lang)
    s = sensitivity
    shown = [m for m in (HEADLINE_MEASURES if measures is None else measures) if m in s.measures] or s.measures[:4]
    kinds = s.design["design"].value_counts().to_dict()
    has_lhs = kinds.get("lhs", 0) > 0
    header = [tr("unit", lang)] + [measure_label(m, lang) for m in shown]
    ranks = s.ranks("composite_score") if "composite_score" in s.measures else None
    if ranks is not None:
        header.append(tr("rank (5–95 %), kept in", lang))
    risk = None
    if threshold is not None and threshold[0] in s.measures:
        risk = s.exceedance(threshold[0], threshold[1])
        header.append(measure_label(str(risk.name), lang))
    driver_of = shown[0]
    shares = s.shares(driver_of) if has_lhs else s.shares(driver_of, "swing")
    header.append(tr("main driver of: {label}", lang, label=measure_label(driver_of, lang)))
    flags = robustness(s, threshold)
    header.append(tr("robust?", lang))
    summaries = {m: s.summary(m) for m in shown}
    labels = {p.name: parameter_label(p, lang) for p in s.space}
    rows = []
    for uid in s.default.index:
        name = s.names.get(uid, uid) if s.names is not None else uid
        row: list[object] = [name]
        for m in shown:
            r, unit = summaries[m].loc[uid], measure_unit(m)
            row.append(f"{fmt_measure(r['default'], unit, lang)} ({range_text(r['q05'], r['q95'], unit, lang)})")
        if ranks is not None:
            k = ranks.loc[uid]
            row.append(f"{int(k['rank'])} ({rank_span(k)}), {fmt_measure(k['share_same_rank'], 'share', lang)}")
        if risk is not None:
            row.append(fmt_measure(risk[uid], "share", lang))
        top = shares.loc[uid]
        row.append("–" if not (top > 0).any() else f"{labels[top.idxmax()]}: {fmt_measure(top.max(), 'share', lang)}")
        why = [tr("rank", lang) if w == "rank" else _minutes(w, lang) for w in flags[uid].split(", ") if w]
        row.append(
            tr("yes", lang) if not why else tr("no: {why}", lang, why=("、" if lang == "zh" else ", ").join(why))
        )
        rows.append(row)
    intro = tr(
        "{n} Latin-hypercube samples and {m} one-at-a-time runs over {k} parameters; each figure is the headline "
        "value with the middle 90 % of samples (5–95 %) in brackets; a unit is robust when it keeps its rank in at "
        "least 90 % of samples and never crosses the threshold.",
        lang,
        n=kinds.get("lhs", 0),
        m=kinds.get("oat", 0),
        k=len(s.space),
    )
    params = [
        [
            labels[p.name],
            f"{parameter_value(p.ends[0])} – {parameter_value(p.ends[1])}",
            parameter_value(p.default_value),
            p.source,
        ]
        for p in s.space
    ]
    p_header = [tr("parameter", lang), tr("range", lang), tr("default", lang), tr("source", lang)]
    return (
        f"<p><b>{esc(tr('Ranges, not single numbers', lang))}</b> — {esc(intro)}</p>"
        + _table(header, rows)
        + _table(p_header, params)
    )


def superiority_html(result: TransportSuperiority, *, lang: str | None = None) -> str:
    """交通优势度 per unit (best first) with its components, then the scoring table, bands and weights used.

    Parameters
    ----------
    result : TransportSuperiority
    lang : {"en", "zh"}, optional

    Returns
    -------
    str
        HTML.

    Examples
    --------
    >>> from linyi_spatial.accessibility import transport_superiority
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> "Ashford" in superiority_html(transport_superiority(made_up_network(2020), made_up_structure()))
    True
    """
    from .accessibility import FACILITY_KIND_LABELS

    lang = check_lang(lang)
    u = result.units.sort_values(["rank", "name"])
    kinds = [k for k in FACILITY_KIND_LABELS if f"trunk_{k}" in u.columns]
    rows = []
    for uid, r in u.iterrows():
        parts = [f"{tr(FACILITY_KIND_LABELS[k], lang)} {r[f'trunk_{k}']:g}" for k in kinds if r[f"trunk_{k}"] > 0]
        rows.append(
            [
                int(r["rank"]),
                str(r["name"]) or str(uid),
                f"{r['superiority']:.3f}",
                fmt_measure(r["density_km_per_km2"], "km/km²", lang),
                f"{r['trunk_score']:g}" + (f" ({'; '.join(parts)})" if parts else ""),
                f"{fmt_measure(r['time_to_core_min'], 'min', lang)} → {r['location_score']:g}",
            ]
        )
    header = [
        tr("rank", lang),
        tr("unit", lang),
        measure_label("superiority", lang),
        measure_label("density_km_per_km2", lang),
        measure_label("trunk_score", lang),
        tr("time to the core → location score", lang),
    ]
    bands = result.bands_km
    band_heads = [tr("inside the unit", lang)] + [
        tr("within {km} km", lang, km=f"{b:g}") for b in bands
    ]  # fmt: skip
    table_rows = [
        [tr(FACILITY_KIND_LABELS[k], lang), *(f"{v:g}" for v in result.scores[k])]
        for k in FACILITY_KIND_LABELS
        if k in result.scores
    ]
    loc = "; ".join(f"≤ {fmt_measure(b, 'min', lang)}: {v:g}" for b, v in result.location_bands_min)
    w = ", ".join(f"{tr(k, lang)} {v:.2f}" for k, v in result.weights.items())
    note = tr(
        "Method after Jin, Wang & Li (2008, Acta Geographica Sinica 63(8)): each component normalised ({how}) "
        "across the units, then weighted ({weights}). Trunk distances are straight lines from the seat; "
        "0 beyond the last band. Location score by time to the core: {loc}, else 0.",
        lang,
        how=result.normalise,
        weights=w,
        loc=loc,
    )
    return (
        f"<p><b>{esc(tr('Transport superiority (交通优势度)', lang))}</b></p>"
        + _table(header, rows)
        + f"<p>{esc(tr('Trunk-line scores', lang))}</p>"
        + _table([tr("facility", lang), *band_heads], table_rows)
        + f"<p style='font-size:90%'>{esc(note)}</p>"
    )
