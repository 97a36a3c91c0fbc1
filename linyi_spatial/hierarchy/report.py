"""The hierarchy report: every hierarchy table of a region in one result object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import networkx as nx
import pandas as pd

from .._display import Explorable
from ..accessibility.scores import unit_accessibility
from ..accessibility.surface import structure_nodes
from ..errors import DataError
from ..routing.matrix import travel_time_matrix
from .agglomeration import axis_agglomeration
from .centrality import centrality
from .linkages import Linkages, gravity_linkages
from .polycentricity import polycentricity
from .size import primacy, rank_size
from .tiers import data_tiers, plan_tiers, tier_consistency

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["TIER_FEATURES", "HierarchyReport", "hierarchy_report"]

TIER_FEATURES = ("size", "closeness", "accessibility")
"""Features a tier composite may weigh: the units' size, their seat's closeness, their accessibility composite."""


@dataclass(frozen=True, repr=False)
class HierarchyReport(Explorable):
    """All hierarchy tables for one region and network (see :func:`hierarchy_report`).

    Attributes
    ----------
    rank_size, primacy, tiers, centrality, axis_agglomeration, polycentricity : pandas.DataFrame
    linkages : Linkages
    urbanization : pandas.DataFrame or None
        From :func:`~linyi_spatial.hierarchy.urbanization_targets`, when given.
    units : geopandas.GeoDataFrame
        The units (``name``, the size column, geometry), for maps.
    seats : geopandas.GeoDataFrame
        The units' seats indexed by unit id, for maps.
    params : dict
        ``size``, ``urban``, ``tier_weights`` and ``core`` (the merged core's label).
    """

    rank_size: pd.DataFrame
    primacy: pd.DataFrame
    tiers: pd.DataFrame
    centrality: pd.DataFrame
    linkages: Linkages
    axis_agglomeration: pd.DataFrame
    polycentricity: pd.DataFrame
    urbanization: pd.DataFrame | None
    units: gpd.GeoDataFrame
    seats: gpd.GeoDataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        head = "; ".join(
            f"{m}: {v:.3g}" if isinstance(v, float) else f"{m}: {v}"
            for m, v in self.summary().head(3).itertuples(index=False)
        )
        return f"HierarchyReport({len(self.tiers)} units; {head})"

    def _repr_html_(self) -> str:
        return "<p><b>Urban hierarchy report</b></p>" + self.summary().to_html(index=False, escape=True)

    def summary(self) -> pd.DataFrame:
        """Headline numbers as a two-column table (measure, value), places named.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> from linyi_spatial.testing import made_up_network, made_up_structure
        >>> r = hierarchy_report(made_up_structure(), made_up_network(2020))
        >>> r.summary()["measure"].iloc[0]
        'Zipf q (residents, 5 units)'
        """
        size = self.params["size"]
        names = self.units["name"]
        rs = self.rank_size.loc[size]
        pr = self.primacy.loc[size]
        pc = self.polycentricity.iloc[0]
        differ = [names.get(u, u) for u in self.tiers.index[~self.tiers["consistent"]]]
        agg = self.axis_agglomeration.drop(index="all_axes")
        top = self.linkages.links.iloc[0]
        rows: list[tuple[str, object]] = [
            (f"Zipf q ({size}, {int(rs['n'])} units)", float(rs["q"])),
            ("rank-size R²", float(rs["r2"])),
            (f"two-city primacy S2 (core merged, {int(pr['n'])} places)", float(pr["s2"])),
            ("core share of the total", float(pr["core_share"])),
            ("functional polycentricity (Green 2007)", float(pc["functional_index"])),
            ("units whose data tier differs from the plan", ", ".join(map(str, differ)) or "none"),
            ("strongest link", f"{names.get(top['i'], top['i'])} — {names.get(top['j'], top['j'])}"),
            ("axis with the highest location quotient", agg["location_quotient"].idxmax() if len(agg) else "none"),
            (
                "all axes: population share / land share",
                float(self.axis_agglomeration.loc["all_axes", "location_quotient"]),
            ),
        ]
        if self.urbanization is not None:
            rows.append(("urbanization rate, base year", float(self.urbanization.iloc[0]["urbanization_rate"])))
        return pd.DataFrame(rows, columns=["measure", "value"])


def _tier_features(
    structure: SpatialStructure, size: str, closeness: pd.Series, scores: pd.DataFrame | None
) -> pd.DataFrame:
    features = pd.DataFrame({"size": structure.units[size].astype(float), "closeness": closeness})
    if scores is not None:
        features["accessibility"] = scores["composite_score"].reindex(features.index)
    return features


def hierarchy_report(
    structure: SpatialStructure,
    G: nx.Graph,
    *,
    size: str | None = None,
    urban: str | None = None,
    tier_weights: Mapping[str, float] | None = None,
    scores: pd.DataFrame | None = None,
    urbanization: pd.DataFrame | None = None,
    cell_km: float = 2.0,
) -> HierarchyReport:
    """The whole hierarchy picture of a region in one call.

    The units are the structure's units; the core's units are merged into
    one central city for primacy and polycentricity. Travel times and
    centrality come from ``G``; data tiers are Fisher-Jenks classes of a
    weighted composite of the units' size, their seat's closeness and
    (when weighted) their accessibility composite.

    Parameters
    ----------
    structure : SpatialStructure
        Units with seats.
    G : networkx graph
        Network with ``travel_time`` (seconds) and ``length``.
    size : str, optional
        Unit population column (default: the spec's declared ``size``).
    urban : str, optional
        Urban population column (default: the spec's declared ``urban``;
        without one, rank-size uses ``size`` only and the axis bands spread
        all population evenly).
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
        Unknown tier features or missing columns.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> r = hierarchy_report(made_up_structure(), made_up_network(2020))
    >>> len(r.tiers), r.rank_size.index.tolist()
    (5, ['residents', 'townsfolk'])
    """
    weights = dict({"size": 1.0} if tier_weights is None else tier_weights)
    unknown = sorted(set(weights) - set(TIER_FEATURES))
    if unknown:
        raise DataError(f"unknown tier feature(s) {unknown}; expected some of {list(TIER_FEATURES)}")
    size_col = structure.column("size", size)
    urban_col = structure.column("urban", urban, required=False)
    units = structure.units
    core_units = list(structure.core["units"].iloc[0])
    core_name = str(structure.core.index[0])
    merge = {core_name: core_units}
    columns = [size_col] if urban_col is None else [size_col, urban_col]
    rs = pd.concat([rank_size(units, c) for c in columns])
    pr = pd.concat([primacy(units, c, merge=merge, core=core_name) for c in columns])
    targets = structure_nodes(structure, G)
    seat_nodes = pd.Series(targets["seat"], index=pd.Index(targets["seat_units"], name=units.index.name))
    cent = centrality(G, list(dict.fromkeys(seat_nodes)))
    cent = cent.reindex(seat_nodes.to_numpy()).set_axis(seat_nodes.index)
    if "accessibility" in weights and scores is None:
        scores = unit_accessibility(G, structure, size=size_col, cell_km=cell_km)
    features = _tier_features(structure, size_col, cent["closeness"], scores)
    tiers = tier_consistency(plan_tiers(structure), data_tiers(features, weights))
    T = travel_time_matrix(G, seat_nodes, seat_nodes)
    pole_units = [structure.places.loc[p, "unit"] for p in structure.poles["place"] if p in structure.seats.index]
    link = gravity_linkages(units, T, size=size_col, centres=list(dict.fromkeys([*core_units[:1], *pole_units])))
    poly = polycentricity(units, size_col, linkages=link, merge=merge)
    agg = axis_agglomeration(structure, size=size_col, urban=urban_col)
    names = structure.unit_names()
    geo = gpd.GeoDataFrame({"name": names, size_col: units[size_col]}, geometry=units.geometry, crs=units.crs)
    seats = structure.seats.set_index("unit")
    seats = seats.assign(name=names.reindex(seats.index))
    return HierarchyReport(
        rank_size=rs,
        primacy=pr,
        tiers=tiers.assign(name=names.reindex(tiers.index)),
        centrality=cent,
        linkages=link,
        axis_agglomeration=agg,
        polycentricity=poly,
        urbanization=urbanization,
        units=geo,
        seats=seats,
        params={"size": size_col, "urban": urban_col, "tier_weights": weights, "core": core_name},
    )
