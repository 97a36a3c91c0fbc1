"""Ready-made analyses for :func:`~linyi_spatial.sensitivity.sensitivity`: unit scores, scenario gains, hierarchy.

Each is a callable object: it keeps what no parameter changes (the grid,
the population surface for one set of model parameters) between samples,
and recomputes the rest from the sample's :class:`~linyi_spatial.sensitivity.Inputs`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from ..accessibility import compare_scenarios, unit_accessibility
from ..accessibility.grid import analysis_grid
from ..accessibility.population import structure_population
from ..accessibility.scores import SHARE_LIMITS_MIN
from ..accessibility.surface import travel_time_surface
from ..crs import projected_crs
from ..errors import DataError
from ..hierarchy import hierarchy_places, primacy, rank_size
from .run import Inputs

__all__ = ["hierarchy_figures", "scenario_gains", "unit_scores"]


class _Grids:
    """The analysis grid of a structure and its population surfaces, kept between samples."""

    def __init__(self, cell_km: float) -> None:
        self.cell_km = cell_km
        self._grid: gpd.GeoDataFrame | None = None
        self._metric: gpd.GeoDataFrame | None = None
        self._people: dict[tuple[Any, ...], gpd.GeoDataFrame] = {}

    def cells(self, inputs: Inputs) -> gpd.GeoDataFrame:
        if self._grid is None:  # and in metres once, so the population model skips reprojecting its cells
            self._grid = analysis_grid(inputs.structure.units, cell_km=self.cell_km)
            self._metric = self._grid.to_crs(projected_crs(inputs.structure.units))
        pop = inputs.population
        key = (pop.get("urban_density_km2"), tuple(sorted((pop.get("place_weights") or {}).items())))
        if key not in self._people:
            if len(self._people) >= 2:  # the default's and the last sample's
                self._people = dict(list(self._people.items())[:1])
            people = structure_population(inputs.structure, self._metric, **pop)
            cells = self._grid.assign(pop_est=people["pop_est"].to_numpy(), pop_density_km2=people["pop_density_km2"])
            cells.attrs.update(people.attrs)
            self._people[key] = cells
        return self._people[key]


class unit_scores:  # noqa: N801 - used like a function: unit_scores(cell_km=1)(inputs)
    """Unit accessibility (:func:`~linyi_spatial.accessibility.unit_accessibility`) as an analysis.

    Each sample's composite is scored on the default run's scale
    (``inputs.reference``), so composites compare across samples; ``rank``
    is the rank within the sample. The graph is ``inputs.G`` (the first);
    an ``option`` parameter named ``size`` picks the size column.

    Parameters
    ----------
    cell_km : float, default 1
        Cell side of the surface.
    cutoffs_min : sequence of float, optional
        Passed on (default the library's 30/60/90).
    graph : str, optional
        The name of the graph to score in ``inputs.graphs`` (default the first).
    base : str, optional
        The name of a base scenario's graph: each cell may keep the road it
        joins there (as :func:`~linyi_spatial.accessibility.unit_accessibility`
        with a reference network), so a later year's samples link cells as
        its headline table does.

    Examples
    --------
    >>> from linyi_spatial.testing import made_up_network, made_up_structure
    >>> from linyi_spatial.sensitivity import ParameterSpace, access_speed, sensitivity
    >>> s = sensitivity(unit_scores(cell_km=10), made_up_network(2020), made_up_structure(),
    ...                 ParameterSpace([access_speed(20, 40, 30)]), design="oat")
    >>> float(s.shares("time_to_core_min", "swing").sum().sum()) >= 0
    True
    """

    def __init__(
        self,
        cell_km: float = 1.0,
        cutoffs_min: Sequence[float] | None = None,
        *,
        graph: str | None = None,
        base: str | None = None,
    ) -> None:
        self.grids = _Grids(cell_km)
        self.cutoffs_min = cutoffs_min
        self.graph = graph
        self.base = base

    def __call__(self, inputs: Inputs) -> pd.DataFrame:
        """The unit scores of one sample (without geometry)."""
        cells = self.grids.cells(inputs)
        for name in (self.graph, self.base):
            if name is not None and name not in inputs.graphs:
                raise DataError(f"unit_scores: no graph named {name!r}; the run has {list(inputs.graphs)}")
        G = inputs.G if self.graph is None else inputs.graphs[self.graph]
        base = None if self.base is None else inputs.graphs[self.base]
        surface = travel_time_surface(G, inputs.structure, grid=cells, access=inputs.access, base=base)
        size = inputs.options.get("size")
        scores = unit_accessibility(
            G,
            inputs.structure,
            size=None if size is None else str(size),
            weights=inputs.weights,
            surface=surface,
            access=inputs.access,
            decay=inputs.decay,
            reference=inputs.reference,
            cutoffs_min=SHARE_LIMITS_MIN if self.cutoffs_min is None else self.cutoffs_min,
        )
        return pd.DataFrame(scores.drop(columns=scores.geometry.name))


class scenario_gains:  # noqa: N801 - used like a function
    """What scenario b gains over scenario a per unit (:func:`~linyi_spatial.accessibility.compare_scenarios`).

    ``inputs.graphs`` holds the two networks, a first; both are re-timed
    with the same sample, so the gain is the plan's, not a change of
    assumptions. The columns are the comparison's unit table (``*_delta``,
    ``*_delta_pct``, both composites on a's scale).

    Parameters
    ----------
    cell_km : float, default 1
    labels : (hashable, hashable), optional
        Column labels of the two scenarios (default the graphs' names).
    """

    def __init__(self, cell_km: float = 1.0, labels: tuple[Hashable, Hashable] | None = None) -> None:
        self.cell_km = cell_km
        self.labels = labels
        self._grid: gpd.GeoDataFrame | None = None

    def __call__(self, inputs: Inputs) -> pd.DataFrame:
        """The comparison's unit table of one sample."""
        if len(inputs.graphs) != 2:
            raise DataError(f"scenario_gains needs two graphs (a, b), got {list(inputs.graphs)}")
        (name_a, G_a), (name_b, G_b) = inputs.graphs.items()
        size = inputs.options.get("size")
        c = compare_scenarios(
            G_a,
            G_b,
            inputs.structure,
            labels=self.labels or (name_a, name_b),
            weights=inputs.weights,
            cell_km=self.cell_km,
            access=inputs.access,
            **({} if size is None else {"size": str(size)}),
        )
        return c.units


class hierarchy_figures:  # noqa: N801 - used like a function
    """The region's hierarchy figures as one row: Zipf ``q`` (and its r²), the primacy indices and the core's share.

    ``option`` parameters named ``size`` (a unit column) and ``merge_core``
    (True/False) choose the specification: "Zipf q runs 0.40–0.79 across
    defensible specifications" is this analysis over those options.

    Parameters
    ----------
    label : hashable, default "region"
        The row's index.
    """

    def __init__(self, label: Hashable = "region") -> None:
        self.label = label

    def __call__(self, inputs: Inputs) -> pd.DataFrame:
        """The hierarchy figures of one sample, one row."""
        size = inputs.options.get("size")
        merge = bool(inputs.options.get("merge_core", True))
        places = hierarchy_places(
            inputs.structure, inputs.G, size=None if size is None else str(size), merge_core=merge, access=inputs.access
        )
        col = inputs.structure.column("size", None if size is None else str(size))
        sized = places[places[col].notna()]
        fit = rank_size(sized, col).iloc[0]
        core_row = inputs.structure.core
        members = [core_row.index[0]] if merge else list(core_row["units"].iloc[0])
        members = [m for m in members if m in sized.index]
        prim = primacy(sized, col, core=members or None).iloc[0]
        row = {
            "zipf_q": float(fit["q"]),
            "zipf_r2": float(fit["r2"]),
            "primacy_s2": float(prim["s2"]),
            "primacy_s4": float(prim["s4"]),
            "core_share": float(prim["core_share"]),
            "places": float(len(sized)),
        }
        return pd.DataFrame([row], index=pd.Index([self.label], name="region"))
