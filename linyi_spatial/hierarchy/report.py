"""The hierarchy report: every hierarchy table of a region in one result object."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .._display import Explorable
from ..accessibility.scores import unit_accessibility
from ..errors import DataError
from ..i18n import add_words
from ..routing.matrix import travel_time_matrix
from .agglomeration import axis_agglomeration
from .centrality import centrality
from .linkages import Linkages, gravity_linkages
from .places import hierarchy_places
from .polycentricity import polycentricity
from .size import primacy, rank_size
from .tiers import data_tiers, tier_consistency

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["TIER_FEATURES", "HierarchyReport", "hierarchy_report"]

_WORDS: dict[str, str] = {
    "rank-size R²": "位序–规模拟合 R²",
    "two-city primacy S2": "两城市首位度 S2",
    "four-city primacy S4": "四城市首位度 S4",
    "core share of the total": "核心占总量比重",
    "functional polycentricity (Green 2007)": "功能多中心性（Green 2007）",
    "core share of linkage strength": "核心占联系强度比重",
    "places whose data tier differs from the plan": "数据层级与规划不一致的地点",
    "total/urban size × core merged or not": "总人口/城镇人口 × 中心城区合并与否",
    "places whose data tier differs from the plan in every specification that ranks them": (
        "在所有参与排序的设定下数据层级均与规划不一致的地点"
    ),
    "Zipf q over the standard specifications": "各标准设定下的齐普夫 q",
    "two-city primacy S2 over the standard specifications": "各标准设定下的两城市首位度 S2",
    "strongest link": "最强联系",
    "axis most densely settled against the same band turned": "相对同形旋转带人口最密集的发展轴",
    "all axes: population share / land share (core excluded)": "全部发展轴：人口比重 / 用地比重（不含中心城区）",
    "band density / mean density of the band turned (core excluded)": "带内密度 / 旋转带平均密度（不含中心城区）",
    "urbanization rate, base year": "基准年城镇化率",
    "ln S_r = ln S_1 − q ln r (OLS)": "ln S_r = ln S_1 − q ln r（最小二乘）",
    "gravity, b = 2": "引力模型，b = 2",
    "urban / total population": "城镇人口 / 总人口",
    "LQ": "区位商",
}
"""The hierarchy report's summary rows in Chinese, keyed by the English row names it writes."""

add_words(_WORDS)

TIER_FEATURES = ("size", "closeness", "accessibility")
"""Features a tier composite may weigh: the units' size, their seat's closeness, their accessibility composite."""


@dataclass(frozen=True, repr=False)
class HierarchyReport(Explorable):
    """All hierarchy tables for one region and network (see :func:`hierarchy_report`).

    Every table is computed on the same places (``places``: the units, the
    core's merged into one central city unless ``params["merge_core"]`` is
    False) and the same size column (``params["size"]``).

    Attributes
    ----------
    rank_size, primacy, tiers, centrality, axis_agglomeration, polycentricity : pandas.DataFrame
    specifications : pandas.DataFrame
        The standard specifications (the declared total and urban size x the
        core merged or not, and the report's own): ``n``, Zipf ``q`` with its
        95 % interval, ``r2``, ``s2`` and the places whose tier differs, per
        specification.
    tier_robustness : pandas.DataFrame
        Per place, its data tier and agreement with the plan in each
        specification (a core unit takes the merged central city's row where
        the core is merged), ``differs_in`` (how many specifications),
        ``differs_in_all``: the places the plan's tier is contradicted for
        whatever defensible specification is chosen.
    linkages : Linkages
    urbanization : pandas.DataFrame or None
        From :func:`~linyi_spatial.hierarchy.urbanization_targets`, when given.
    places : geopandas.GeoDataFrame
        The places (:func:`~linyi_spatial.hierarchy.hierarchy_places`), for maps.
    params : dict
        ``size``, ``merge_core``, ``n`` (places), ``core`` (the core's label),
        ``tier_weights``.
    """

    rank_size: pd.DataFrame
    primacy: pd.DataFrame
    tiers: pd.DataFrame
    specifications: pd.DataFrame
    tier_robustness: pd.DataFrame
    centrality: pd.DataFrame
    linkages: Linkages
    axis_agglomeration: pd.DataFrame
    polycentricity: pd.DataFrame
    urbanization: pd.DataFrame | None
    places: gpd.GeoDataFrame
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def sized_places(self) -> gpd.GeoDataFrame:
        """The places every size-based figure uses: :attr:`places` less those without a size of their own.

        Returns
        -------
        geopandas.GeoDataFrame
        """
        return self.places[self.places[self.params["size"]].notna()]

    @property
    def units_of_analysis(self) -> str:
        """One sentence saying which places and which size every figure uses.

        Returns
        -------
        str
        """
        p = self.params
        how = "the core's units merged into one central city" if p["merge_core"] else "every unit separately"
        text = f"{p['n']} places ({how}), size = {p['size']}"
        excluded = self.places.attrs.get("excluded", {})
        nested = self.places[(self.places["nested_in"] != "") & ~self.places.index.isin(list(excluded))]
        names = self.places["name"]
        if len(nested):
            host = {i: names.get(r["nested_in"], r["nested_in"]) for i, r in nested.iterrows()}
            parts = [
                f"{names[i]} with its own size ({int(r['size_year'])}) inside {host[i]}"
                if pd.notna(r["size_year"])
                else f"{names[i]} inside {host[i]}"
                for i, r in nested.iterrows()
            ]
            text += "; " + ", ".join(parts) + ", counted once in the totals"
        if excluded:
            text += f"; shown without a size of its own: {', '.join(str(names.get(i, i)) for i in excluded)}"
        return text

    def __repr__(self) -> str:
        head = "; ".join(
            f"{m}: {v:.3g}" if isinstance(v, float) else f"{m}: {v}"
            for m, v in self.summary()[["measure", "value"]].head(3).itertuples(index=False)
        )
        return f"HierarchyReport({self.units_of_analysis}; {head})"

    def summary(self) -> pd.DataFrame:
        """Headline numbers as a table (measure, value, formula), places named.

        Returns
        -------
        pandas.DataFrame
            ``measure`` (what it is, in words), ``value``, ``formula``, a
            stable ``key`` per row and the ``unit`` of the value (``share``:
            a 0–1 share; ``names``: place names; ``axis``: an axis id; empty:
            a ratio or index without unit).

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network, made_up_structure
        >>> r = hierarchy_report(made_up_structure(), made_up_network(2020))
        >>> r.summary()["measure"].iloc[0]
        'Zipf q (residents, 5 places, core merged)'
        """
        size = self.params["size"]
        n = self.params["n"]
        merged = "core merged" if self.params["merge_core"] else "units separate"
        names = self.places["name"]
        rs = self.rank_size.loc[size]
        pr = self.primacy.loc[size]
        pc = self.polycentricity.iloc[0]
        differ = [names.get(u, u) for u in self.tiers.index[self.tiers["consistent"].eq(False)]]
        rob = self.tier_robustness
        every = [str(n) for n in rob.loc[rob["differs_in_all"], "name"]]
        sp = self.specifications
        q_range = _spec_range(sp, "q")
        s2_range = _spec_range(sp, "s2")
        agg = self.axis_agglomeration.drop(index="all_axes", errors="ignore")  # a region of cities has no axes
        top = self.linkages.links.iloc[0]
        link = f"{names.get(top['i'], top['i'])} — {names.get(top['j'], top['j'])}"
        has_axes = "all_axes" in self.axis_agglomeration.index
        lq = float(cast(float, self.axis_agglomeration.loc["all_axes", "location_quotient"])) if has_axes else math.nan
        rows: list[tuple[str, str, object, str, str]] = [
            ("zipf_q", f"Zipf q ({size}, {n} places, {merged})", float(rs["q"]), "ln S_r = ln S_1 − q ln r (OLS)", ""),
            ("rank_size_r2", "rank-size R²", float(rs["r2"]), "", ""),
            ("primacy_s2", "two-city primacy S2", float(pr["s2"]), "P1 / P2", ""),
            ("primacy_s4", "four-city primacy S4", float(pr["s4"]), "P1 / (P2 + P3 + P4)", ""),
            ("core_share", "core share of the total", float(pr["core_share"]), "P_core / Σ P", "share"),
            ("polycentricity", "functional polycentricity (Green 2007)", float(pc["functional_index"]),
             "(1 − σ_s / σ_max) Δ", ""),
            ("core_strength_share", "core share of linkage strength", float(pc["core_strength_share"]),
             "s_core / Σ s", "share"),
            ("tiers_differ", "places whose data tier differs from the plan", ", ".join(map(str, differ)) or "none",
             "", "names"),
            ("tiers_differ_all", "places whose data tier differs from the plan in every specification that ranks them",
             ", ".join(every) or "none", "total/urban size × core merged or not", "names"),
            ("zipf_q_range", "Zipf q over the standard specifications", q_range,
             "total/urban size × core merged or not", "range"),
            ("primacy_s2_range", "two-city primacy S2 over the standard specifications", s2_range,
             "total/urban size × core merged or not", "range"),
            ("strongest_link", "strongest link", link, "gravity, b = 2", "names"),
            ("top_axis", "axis most densely settled against the same band turned",
             agg["null_ratio"].idxmax() if len(agg) and agg["null_ratio"].notna().any() else "none",
             "band density / mean density of the band turned (core excluded)", "axis"),
            ("axes_lq", "all axes: population share / land share (core excluded)", lq if has_axes else "no axes",
             "LQ", ""),
        ]  # fmt: skip
        if self.urbanization is not None:
            rate = float(self.urbanization.iloc[0]["urbanization_rate"])
            rows.append(
                ("urbanization_rate", "urbanization rate, base year", rate, "urban / total population", "share")
            )
        out = pd.DataFrame(rows, columns=["key", "measure", "value", "formula", "unit"])
        return out[["measure", "value", "formula", "key", "unit"]]


def _features(places: pd.DataFrame, size: str, closeness: pd.Series, scores: pd.DataFrame | None) -> pd.DataFrame:
    features = pd.DataFrame({"size": places[size].astype(float), "closeness": closeness})
    if scores is not None:  # a merged place takes the mean composite of its units, a nested one its host's
        comp = scores["composite_score"]
        members = [list(u) or [h] for u, h in zip(places["units"], places["nested_in"], strict=True)]
        features["accessibility"] = [float(comp.reindex(m).mean()) for m in members]
    return features


def _spec_range(specs: pd.DataFrame, column: str) -> str:
    """The lowest–highest ``column`` over the specifications, with n (and q's 95 % interval), as text."""
    lo, hi = float(specs[column].min()), float(specs[column].max())
    extra = f"n {int(specs['n'].min())}–{int(specs['n'].max())}"
    if column == "q":
        extra += f"; 95 % interval {float(specs['q_ci95_low'].min()):.2f}–{float(specs['q_ci95_high'].max()):.2f}"
    return f"{lo:.2f}–{hi:.2f} ({extra})"


def _size_figures(
    structure: SpatialStructure,
    G: nx.Graph,
    size_col: str,
    merge_core: bool,
    weights: Mapping[str, float],
    scores: pd.DataFrame | None,
) -> dict[str, Any]:
    """Places, rank-size, primacy, centrality and tiers of one specification (size column, core merged or not)."""
    shown = hierarchy_places(structure, G, size=size_col, merge_core=merge_core)
    size = pd.to_numeric(shown[size_col], errors="coerce")
    empty = shown.index[size.notna() & ~(size > 0)]
    if len(empty):  # nobody lives there: no place in a size distribution (log of 0), shown with the reason
        shown = shown.copy()
        shown.loc[empty, "excluded_reason"] = f"{size_col} is 0: left out of rank-size, primacy and tiers"
        shown.loc[empty, size_col] = np.nan
        warnings.warn(
            f"hierarchy_report: place(s) {empty.tolist()} have {size_col} 0; left out of rank-size, primacy and tiers",
            UserWarning,
            stacklevel=3,
        )
    places = shown[shown[size_col].notna()]  # a pole without its own size is shown, never sized by its host
    core = str(structure.core.index[0]) if merge_core else None
    core_members = [core] if merge_core else list(structure.core["units"].iloc[0])
    rs = rank_size(places, size_col)
    whole = float(places.loc[places["nested_in"] == "", size_col].sum())  # a nested place is counted in its host
    pr = primacy(places, size_col, core=core_members, total=whole)
    nodes = shown["node"]
    cent = centrality(G, list(dict.fromkeys(nodes)))
    cent = cent.reindex(nodes.to_numpy()).set_axis(shown.index)
    features = _features(places, size_col, cent["closeness_per_min"].reindex(places.index), scores)
    tiers = tier_consistency(places[["plan_tier", "plan_rank"]], data_tiers(features[list(weights)], weights))
    unsized = shown.index[shown[size_col].isna()]
    if len(unsized):  # in the tier table with their plan tier and why they have no data tier
        tiers = pd.concat([tiers, shown.loc[unsized, ["plan_tier", "plan_rank"]]])
    tiers["consistent"] = tiers["consistent"].astype("boolean")  # NA: no data tier (no size of its own)
    tiers["note"] = shown["excluded_reason"].reindex(tiers.index).fillna("")
    return {
        "shown": shown,
        "places": places,
        "rank_size": rs,
        "primacy": pr,
        "centrality": cent,
        "tiers": tiers,
        "core": core,
    }


def _spec_label(size_col: str, merge_core: bool) -> str:
    return f"{size_col}, {'core merged' if merge_core else 'units separate'}"


def _robustness(
    structure: SpatialStructure,
    G: nx.Graph,
    size_col: str,
    merge_core: bool,
    weights: Mapping[str, float],
    scores: pd.DataFrame | None,
    main: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures and tiers over the standard specifications: total and urban size x core merged or not."""
    columns = [size_col, structure.column("size", required=False), structure.column("urban", required=False)]
    sizes_ = [c for c in dict.fromkeys(columns) if c is not None]
    runs: dict[str, dict[str, Any]] = {}
    for col in sizes_:
        for merged in (True, False):
            same = col == size_col and merged == merge_core
            runs[_spec_label(col, merged)] = main if same else _size_figures(structure, G, col, merged, weights, scores)
    rows = []
    for label, run in runs.items():
        rs, pr = run["rank_size"].iloc[0], run["primacy"].iloc[0]
        differ = run["tiers"].index[run["tiers"]["consistent"].eq(False)]
        rows.append(
            {
                "specification": label,
                "size": run["rank_size"].index[0],
                "merge_core": label.endswith("core merged"),
                "n": int(rs["n"]),
                "q": float(rs["q"]),
                "q_ci95_low": float(rs["q_ci95_low"]),
                "q_ci95_high": float(rs["q_ci95_high"]),
                "r2": float(rs["r2"]),
                "s2": float(pr["s2"]),
                "differs": ", ".join(map(str, differ)),
            }
        )
    specs = pd.DataFrame(rows).set_index("specification")
    # per place: its data tier and agreement in each specification (a core unit stands for the merged core too)
    core_id = str(structure.core.index[0])
    core_units = list(structure.core["units"].iloc[0])
    cols: dict[str, pd.Series] = {}
    for label, run in runs.items():
        tiers = run["tiers"]
        if core_id in tiers.index:  # merged: the central city's row speaks for each of its units
            merged_rows = tiers.loc[[core_id] * len(core_units)].set_axis(core_units)
            expanded = pd.concat([tiers.drop(index=core_id), merged_rows])
        else:
            expanded = tiers
        cols[f"data_rank | {label}"] = expanded["data_rank"]
        cols[f"consistent | {label}"] = expanded["consistent"].astype("boolean")
    robust = pd.DataFrame(cols)
    agree = robust[[c for c in robust.columns if c.startswith("consistent | ")]]
    known = agree.notna().sum(axis=1)
    robust.insert(0, "n_specifications", known.astype(int))
    robust.insert(1, "differs_in", (agree == False).sum(axis=1).astype(int))  # noqa: E712 - nullable booleans
    robust.insert(2, "differs_in_all", (robust["differs_in"] == known) & (known > 0))
    names = pd.concat([run["shown"]["name"] for run in runs.values()])
    robust.insert(0, "name", names[~names.index.duplicated()].reindex(robust.index))
    robust.attrs["specifications"] = list(runs)
    return specs, robust


def hierarchy_report(
    structure: SpatialStructure,
    G: nx.Graph,
    *,
    size: str | None = None,
    merge_core: bool = True,
    tier_weights: Mapping[str, float] | None = None,
    scores: pd.DataFrame | None = None,
    urbanization: pd.DataFrame | None = None,
    cell_km: float = 2.0,
) -> HierarchyReport:
    """The whole hierarchy picture of a region in one call, on one stated set of places and one size.

    The places are the structure's units with the core's units merged into
    one central city (``merge_core``; see
    :func:`~linyi_spatial.hierarchy.hierarchy_places`); rank-size, primacy,
    centrality, gravity linkages, polycentricity and the tiers all use
    them and the one ``size`` column, and the report states both. Data tiers
    are Fisher-Jenks classes of a weighted composite of the places' size
    (by default only size: a sub-centre is meant to be far from the core,
    so closeness to it is no criterion).

    Parameters
    ----------
    structure : SpatialStructure
        Units with seats.
    G : networkx graph
        Network with ``travel_time`` (seconds) and ``length``.
    size : str, optional
        Unit column of the size (default: the spec's declared ``size``).
    merge_core : bool, default True
        Merge the core's units into one place.
    tier_weights : mapping, optional
        Weights of :data:`TIER_FEATURES` in the data-tier composite;
        default ``{"size": 1.0}``.
    scores : DataFrame, optional
        :func:`~linyi_spatial.accessibility.unit_accessibility` for ``G``;
        computed (at ``cell_km``) when ``tier_weights`` weighs accessibility.
    urbanization : DataFrame, optional
        An :func:`~linyi_spatial.hierarchy.urbanization_targets` table to carry.
    cell_km : float, default 2
        Grid of the accessibility scores computed here.

    Returns
    -------
    HierarchyReport

    Raises
    ------
    DataError
        Unknown tier features, missing columns, units without seats.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> r = hierarchy_report(made_up_structure(), made_up_network(2020))
    >>> r.units_of_analysis
    "5 places (the core's units merged into one central city), size = residents"
    """
    weights = dict({"size": 1.0} if tier_weights is None else tier_weights)
    unknown = sorted(set(weights) - set(TIER_FEATURES))
    if unknown:
        raise DataError(f"unknown tier feature(s) {unknown}; expected some of {list(TIER_FEATURES)}")
    size_col = structure.column("size", size)
    if "accessibility" in weights and scores is None:
        scores = unit_accessibility(G, structure, size=size_col, cell_km=cell_km)
    main = _size_figures(structure, G, size_col, merge_core, weights, scores)
    shown, places, rs, pr, cent, tiers, core = (
        main[k] for k in ("shown", "places", "rank_size", "primacy", "centrality", "tiers", "core")
    )
    specs, robust = _robustness(structure, G, size_col, merge_core, weights, scores, main)
    legs = pd.DataFrame(  # the places resolved: their nodes and access legs, charged at both ends
        {"node": places["node"], "snap_distance_m": 0.0, "access_time_s": places["access_time_s"]}, index=places.index
    )
    T = travel_time_matrix(G, legs, legs).mask(np.eye(len(legs), dtype=bool), 0.0)
    centres = [p for p in places.index if places.loc[p, "plan_tier"] in ("core", "pole")]
    link = gravity_linkages(places, T, size=size_col, centres=centres)
    poly = polycentricity(places, size_col, linkages=link, core=core)
    agg = axis_agglomeration(structure, size=size_col, cell_km=cell_km)
    return HierarchyReport(
        rank_size=rs,
        primacy=pr,
        tiers=tiers.assign(name=shown["name"].reindex(tiers.index)),
        specifications=specs,
        tier_robustness=robust,
        centrality=cent,
        linkages=link,
        axis_agglomeration=agg,
        polycentricity=poly,
        urbanization=urbanization,
        places=shown,
        params={
            "size": size_col,
            "merge_core": merge_core,
            "n": len(places),
            "n_shown": len(shown),
            "size_label": structure.size_label(size_col),
            "role_labels": dict(structure.meta.get("role_labels", {}) or {}),
            "core": core,
            "tier_weights": weights,
        },
    )
