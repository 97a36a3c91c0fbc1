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
from .hierarchy import size_text, units_of_analysis
from .i18n import check_lang, code, local_name, tr

if TYPE_CHECKING:
    from ..accessibility import ScenarioComparison
    from ..hierarchy import HierarchyReport, Linkages
    from ..structure import SpatialStructure

__all__ = ["hierarchy_html", "linkages_html", "scenario_html", "structure_html"]


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
    return f"<p><b>{esc(title)}</b> — {esc(counts)}{stop}{esc(note)}</p>" + _table(header, rows)


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
