"""Scenario comparison: what one network changes against another, per unit and per grid cell."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from .._display import Explorable
from .._progress import progress
from ..catalog import cell_measures
from ..errors import DataError
from ..network.lines import PlannedLine, add_lines
from ..network.link import Access
from .grid import analysis_grid
from .population import structure_population
from .scores import composite_score, seat_accessibility, unit_accessibility
from .surface import travel_time_surface

if TYPE_CHECKING:
    from ..structure import SpatialStructure

__all__ = ["ScenarioComparison", "compare_scenarios", "line_contributions", "line_use"]


@dataclass(frozen=True, repr=False)
class ScenarioComparison(Explorable):
    """Result of :func:`compare_scenarios`.

    Attributes
    ----------
    units : pandas.DataFrame
        Per unit: ``name`` and, for each measure ``m`` in its own unit,
        ``m_<label_a>``, ``m_<label_b>``, ``m_delta`` (b - a) and
        ``m_delta_pct``; then the composite (``composite_score_*``) and its
        rank. Both scenarios' composites are scored on the base scenario's
        scale (each measure's range over the units in scenario a), so they
        are comparable: a unit whose every measure improves or stays equal
        never gets a lower composite (scores may leave 0-100).
    cells : geopandas.GeoDataFrame
        Per grid cell: the catalogue's cell times
        (:func:`linyi_spatial.catalog.cell_measures`, e.g.
        ``cell_time_to_core_min``) in both scenarios, their deltas and
        percent changes.
    label_a, label_b : hashable
        The scenarios' labels (e.g. network years).
    geometry : geopandas.GeoDataFrame
        The units' polygons (with ``name``), for maps.
    added_links : geopandas.GeoDataFrame
        Links of scenario b that scenario a lacks (``link``, ``name``,
        ``ref``, ``mode``, ``class``, ``status``), the cause of the changes.
    lines : pandas.DataFrame
        Each added line (its links grouped by route) and whether any trip
        between the seats and the core takes it in scenario b, with the
        reason when none does (:func:`line_use`): a line that buys nothing
        is named, never silently absent from the table.
    by_mode : pandas.DataFrame, optional
        Where the caller has timed other modes (e.g. a case study's car and
        car-or-rail times to the core): per unit and for the residents,
        each mode's time in both scenarios and its change, side by side.
    """

    units: pd.DataFrame
    cells: gpd.GeoDataFrame
    label_a: Hashable
    label_b: Hashable
    geometry: gpd.GeoDataFrame
    added_links: gpd.GeoDataFrame
    lines: pd.DataFrame | None = None
    by_mode: pd.DataFrame | None = None

    def __repr__(self) -> str:
        unused = "" if self.lines is None else f", {int((~self.lines['used']).sum())} of them on no seat's trip"
        lines = "" if self.lines is None else f", {len(self.lines)} added lines{unused}"
        return (
            f"ScenarioComparison({self.label_a} -> {self.label_b}: {len(self.units)} units, "
            f"{len(self.cells)} cells, {len(self.added_links)} added links{lines})"
        )


def _label(G: nx.Graph, default: str) -> Hashable:
    return G.graph.get("year", G.graph.get("name", default))


def _added_links(G_a: nx.Graph, G_b: nx.Graph) -> gpd.GeoDataFrame:
    """Links (by ``link`` id, else endpoints) of ``G_b`` absent from ``G_a``."""

    def key(u: Hashable, v: Hashable, d: Mapping[str, object]) -> Hashable:
        return d.get("link", (u, v))

    have = {key(u, v, d) for u, v, d in G_a.edges(data=True)}
    rows, seen = [], set()
    for u, v, d in G_b.edges(data=True):
        k = key(u, v, d)
        if k in have or k in seen or d.get("geometry") is None:
            continue
        seen.add(k)
        rows.append(
            {
                "link": str(k),
                "name": d.get("name", ""),
                "ref": d.get("ref", ""),
                "mode": d.get("mode", ""),
                "class": d.get("class", ""),
                "status": d.get("status", ""),
                "geometry": d["geometry"],
            }
        )
    columns = ["link", "name", "ref", "mode", "class", "status", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=G_b.graph.get("crs"))


def compare_scenarios(
    G_a: nx.Graph,
    G_b: nx.Graph,
    structure: SpatialStructure,
    *,
    labels: tuple[Hashable, Hashable] | None = None,
    size: str | None = None,
    weights: Mapping[str, float] | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
) -> ScenarioComparison:
    """What network ``G_b`` changes against ``G_a``, per unit and per grid cell.

    Both scenarios are scored on the same grid, with the same structure,
    size column, weights and access leg, by :func:`unit_accessibility`, and
    both composites on the base scenario's scale (:func:`composite_score`
    with ``reference`` = scenario a), so the composite change is comparable:
    it cannot fall for a unit none of whose measures worsens. Each measure's
    change is reported in its own unit first.

    Parameters
    ----------
    G_a, G_b : networkx graph
        The base and the compared network.
    structure : SpatialStructure
    labels : (hashable, hashable), optional
        Scenario labels used in column names; default the graphs'
        ``G.graph["year"]`` (else ``"a"``/``"b"``).
    size : str, optional
        Unit size column (default: the spec's declared size).
    weights : mapping, optional
        Composite weights (see :func:`unit_accessibility`).
    cell_km : float, default 1
    access : Access, optional

    Returns
    -------
    ScenarioComparison
        Deltas in minutes (negative = faster) and percent.

    Raises
    ------
    DataError
        If the two labels are equal.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> c = compare_scenarios(made_up_network(2020), made_up_network(2035), made_up_structure(), cell_km=5)
    >>> bool((c.units["time_to_core_min_delta"] <= 1e-9).all())
    True
    """
    a_label, b_label = labels if labels is not None else (_label(G_a, "a"), _label(G_b, "b"))
    if a_label == b_label:
        raise DataError(f"the two scenarios need different labels, both are {a_label!r}: pass labels=(..., ...)")
    structure.require_seats("the scenario comparison's unit scores")
    # residents per cell do not depend on the network: estimated once, carried by both surfaces
    grid = structure_population(structure, analysis_grid(structure.units, cell_km=cell_km))
    frames, surfaces = {}, {}
    for lab, G in progress(((a_label, G_a), (b_label, G_b)), desc="scenarios", total=2):
        base = G_a if G is G_b else None  # a cell may keep the road it joined in the base scenario
        surfaces[lab] = travel_time_surface(G, structure, grid=grid, access=access, base=base)
        frames[lab] = unit_accessibility(G, structure, size=size, weights=weights, surface=surfaces[lab], access=access)
    a, b = frames[a_label], frames[b_label]
    w = a.attrs["weights"]
    base_scores = composite_score(a, w)  # the base scenario on its own scale
    b = b.drop(columns=["composite_score", "rank"]).join(composite_score(b, w, reference=a))
    a = a.drop(columns=["composite_score", "rank"]).join(base_scores)
    cols: dict[str, pd.Series] = {"name": a["name"]}
    measures = [c for c in a.columns if c not in ("name", "rank", "composite_score", a.geometry.name)]
    for m in [*measures, "composite_score"]:
        cols[f"{m}_{a_label}"] = a[m]
        cols[f"{m}_{b_label}"] = b[m]
        cols[f"{m}_delta"] = b[m] - a[m]
        with np.errstate(all="ignore"):
            cols[f"{m}_delta_pct"] = 100.0 * (b[m] - a[m]) / a[m].where(a[m] != 0)
    sa, sb = surfaces[a_label], surfaces[b_label]
    cells = sa[["cell_id", "unit", "area_km2", "geometry"]].copy()
    for m in cell_measures():
        cells[f"{m}_{a_label}"] = sa[m].to_numpy()
        cells[f"{m}_{b_label}"] = sb[m].to_numpy()
        with np.errstate(all="ignore"):  # unreachable in both scenarios: inf - inf, no change to measure (NaN)
            cells[f"{m}_delta"] = sb[m].to_numpy() - sa[m].to_numpy()
            cells[f"{m}_delta_pct"] = 100.0 * cells[f"{m}_delta"] / sa[m].where(sa[m] != 0).to_numpy()
    named = {c: structure.units[c] for c in ("name_zh", "name_en") if c in structure.units}  # names by language
    geometry = gpd.GeoDataFrame(
        {"name": structure.unit_names(), **named}, geometry=structure.units.geometry, crs=structure.units.crs
    )
    cols[f"rank_{a_label}"] = a["rank"]
    cols[f"rank_{b_label}"] = b["rank"]
    units = pd.DataFrame(cols)
    units.attrs.update(
        composite=f"both scenarios scored on the range of each measure in scenario {a_label}",
        weights=w,
    )
    return ScenarioComparison(
        units=units,
        cells=cells,
        label_a=a_label,
        label_b=b_label,
        geometry=geometry,
        added_links=_added_links(G_a, G_b),
        lines=line_use(G_a, G_b, structure, access=access),
    )


def _added_edges(G_a: nx.Graph, G_b: nx.Graph) -> dict[str, list[tuple[Hashable, Hashable, dict[str, object]]]]:
    """The edges of ``G_b`` whose link ``G_a`` lacks, grouped by line.

    By ``route``, else ``ref``, else the link; a station's access link stands on its own.
    """
    have = {d.get("link", (u, v)) for u, v, d in G_a.edges(data=True)}
    lines: dict[str, list[tuple[Hashable, Hashable, dict[str, object]]]] = {}
    for u, v, d in G_b.edges(data=True):
        link = d.get("link", (u, v))
        if link in have:
            continue
        # a station's access link is its own (all share the route "access"); a line's links go by route
        line = str(link) if d.get("mode") == "access" else str(d.get("route") or d.get("ref") or link)
        lines.setdefault(line, []).append((u, v, d))
    return lines


def line_use(
    G_a: nx.Graph, G_b: nx.Graph, structure: SpatialStructure, *, access: Access | None = None
) -> pd.DataFrame:
    """Whether each line ``G_b`` adds is on any quickest trip between the units' seats and the core, and why not.

    The lines are the links of ``G_b`` that ``G_a`` lacks, grouped by route
    (``route``, else ``ref``). For every ordered pair of places (the seats
    and the core's anchor, joined to their nodes as the scores join them)
    and every link ``u → v`` of a line, the best trip through that link
    takes ``T(s, u) + t(u, v) + T(v, d)`` in ``G_b``; the line is *used*
    when that equals the quickest trip ``T(s, d)`` for some pair (within
    1 ms). Otherwise its ``gap_min`` is the least extra time a trip
    through it would take, and ``reason`` names that trip.

    Parameters
    ----------
    G_a, G_b : networkx graph
        The base and the compared network.
    structure : SpatialStructure
    access : Access, optional

    Returns
    -------
    pandas.DataFrame
        Indexed by line: ``name``, ``ref``, ``mode``, ``class``, ``links``,
        ``used`` (bool), ``trips`` (pairs whose quickest trip takes it),
        ``best_from``, ``best_to`` (the pair closest to using it when
        unused, else the first that uses it), ``gap_min`` (0 when used) and
        ``reason``.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> u = line_use(made_up_network(2020), made_up_network(2035), made_up_structure())
    >>> u[["used", "gap_min"]].round(1).to_dict("index")
    {'x2': {'used': True, 'gap_min': 0.0}}
    """
    from ..network.link import resolve_places
    from ..routing import travel_time_matrix

    lines = _added_edges(G_a, G_b)
    columns = ["name", "ref", "mode", "class", "links", "used", "trips", "best_from", "best_to", "gap_min", "reason"]
    if not lines:
        return pd.DataFrame(columns=columns)
    core_anchor = structure.core["anchor"].iloc[0]
    places = pd.concat([structure.seats, structure.places.loc[[core_anchor]]])
    places = places[~places.index.duplicated()]
    nodes = resolve_places(G_b, places.geometry, access=access, label="place")["node"]
    names = places["name"].where(places["name"].astype(str).str.len() > 0, places.index.to_series()).astype(str)
    names[core_anchor] = str(structure.core["name"].iloc[0] or core_anchor)  # the core by its own name
    stops = list(dict.fromkeys(nodes.tolist()))
    ends = list(dict.fromkeys(n for edges in lines.values() for u, v, _ in edges for n in (u, v)))
    T = travel_time_matrix(G_b, stops, stops).to_numpy()
    to_end = travel_time_matrix(G_b, stops, ends)
    from_end = travel_time_matrix(G_b, ends, stops)
    place_of = {n: p for p, n in nodes.items()}  # a node's place (the first that joins it)
    rows = []
    for line, edges in lines.items():
        best, best_pair, trips = np.inf, (None, None), 0
        used_pairs = np.zeros_like(T, dtype=bool)
        for u, v, d in edges:
            leg_min = float(cast(float, d["travel_time"])) / 60.0
            through = to_end[u].to_numpy()[:, None] + leg_min + from_end.loc[[v]].to_numpy()[0][None, :]
            with np.errstate(invalid="ignore"):  # inf - inf where a pair is unreachable: not a trip
                gap = through - T
            np.fill_diagonal(gap, np.inf)
            gap = np.where(np.isfinite(gap), gap, np.inf)
            used_pairs |= gap <= 1e-3 / 60.0  # within 1 ms
            i, j = np.unravel_index(int(np.argmin(gap)), gap.shape)
            if gap[i, j] < best:
                best, best_pair = float(gap[i, j]), (stops[i], stops[j])
        trips = int(used_pairs.sum())
        first = edges[0][2]
        a_name, b_name = (str(names.get(place_of.get(n), place_of.get(n, n))) for n in best_pair)
        used = trips > 0
        if used:
            reason = f"on the quickest trip of {trips} pair(s) of places, e.g. {a_name} → {b_name}"
        elif not np.isfinite(best):
            reason = "no trip between the places can reach it"
        else:
            reason = f"on no quickest trip: the nearest, {a_name} → {b_name}, would be {best:.1f} min slower through it"
        rows.append({
            "line": line, "name": first.get("name", ""), "ref": first.get("ref", ""), "mode": first.get("mode", ""),
            "class": first.get("class", ""), "links": len({d.get("link", (u, v)) for u, v, d in edges}),
            "used": used, "trips": trips, "best_from": a_name, "best_to": b_name,
            "gap_min": 0.0 if used else best, "reason": reason,
        })  # fmt: skip
    return pd.DataFrame(rows).set_index("line")[columns]


def line_contributions(
    G: nx.MultiDiGraph,
    lines: Sequence[PlannedLine],
    structure: SpatialStructure,
    *,
    measure: str = "mean_time_to_seats_min",
    access: Access | None = None,
) -> pd.DataFrame:
    """Which line buys what: each unit's change in a seat measure when one line alone is added, and all together.

    Each line is added on its own to ``G`` (:func:`~linyi_spatial.network.add_lines`)
    and the units' seats are timed again (:func:`seat_accessibility`);
    the last column adds every line at once (lines can complement or
    substitute for each other, so it need not equal the sum).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The base network.
    lines : sequence of PlannedLine
    structure : SpatialStructure
    measure : str, default "mean_time_to_seats_min"
        A column of :func:`seat_accessibility` (e.g. ``"time_to_core_min"``).
    access : Access, optional

    Returns
    -------
    pandas.DataFrame
        Indexed by unit id: ``name``, one column per line id and ``all
        lines``, each the change (scenario − base) in the measure's unit.

    Examples
    --------
    >>> from linyi_spatial.network import PlannedLine
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> lines = [PlannedLine("cd", "C–D road", ("c", "d"), speed_kph=100)]
    >>> t = line_contributions(made_up_network(2020), lines, made_up_structure())
    >>> bool(t.loc["C", "cd"] < 0)
    True
    """
    base = seat_accessibility(G, structure, access=access)
    if measure not in base.columns:
        raise DataError(f"unknown measure {measure!r}; available: {sorted(base.columns)}")
    out = pd.DataFrame({"name": structure.unit_names().reindex(base.index)})
    for line in lines:
        one = seat_accessibility(add_lines(G, [line], access=access), structure, access=access)
        out[line.id] = one[measure] - base[measure]
    every = seat_accessibility(add_lines(G, list(lines), access=access), structure, access=access)
    out["all lines"] = every[measure] - base[measure]
    out.attrs["measure"] = measure
    return out
