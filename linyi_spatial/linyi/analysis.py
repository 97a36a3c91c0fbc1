"""Linyi one-liners: the general analyses with Linyi's data and defaults filled in.

Each function here only composes the core: it loads the embedded data for
the years asked for and passes it, with :mod:`~linyi_spatial.linyi.defaults`,
to the general function of the same name (or :func:`county_accessibility`
to :func:`~linyi_spatial.accessibility.unit_accessibility`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import accessibility as acc
from .. import hierarchy as hier
from .._io import read_text
from ..errors import SpecError
from ..export import to_geopackage
from ..network import axes_along_network
from ..network.link import Access
from ..structure import SpatialStructure
from .datasets import data_path, load_counties
from .defaults import (
    BASE_YEAR,
    CORE_NODE,
    PLAN_YEAR,
    TIER_WEIGHTS,
    UNIT_COLUMNS,
    URBANIZATION_TARGETS,
)
from .network import load_network

__all__ = [
    "LINYI_SPEC",
    "compare_scenarios",
    "county_accessibility",
    "export_geopackage",
    "hierarchy_report",
    "isochrones",
    "load_structure",
    "sources",
    "travel_time_surface",
    "urbanization_targets",
]

LINYI_SPEC = "linyi_structure.toml"
"""File name of the embedded Linyi 2021–2035 spec."""


def load_structure(
    *,
    axis_variant: str | None = None,
    units: gpd.GeoDataFrame | None = None,
    axes: str = "network",
    network_year: int = PLAN_YEAR,
) -> SpatialStructure:
    """Load Linyi's planned 2021–2035 structure (一心、三极、七轴、多点).

    Parameters
    ----------
    axis_variant : str, optional
        ``None`` for the default radial reading of the seven axes, ``"grid"``
        for the alternative "井"-shaped reading. Both are reconstructions
        (marked ``status="reconstruction"`` with a reason) because no
        readable source lists the plan's seven axes.
    units : geopandas.GeoDataFrame, optional
        Units to use; defaults to :func:`load_counties`.
    axes : {"network", "anchors"}, default "network"
        ``"network"``: each axis follows the embedded transport network
        through its places along its named corridors
        (:func:`linyi_spatial.network.axes_along_network`);
        ``"anchors"``: straight lines between the places' anchor points.
    network_year : int, default 2035
        Network year used for ``axes="network"`` (the plan horizon).

    Returns
    -------
    SpatialStructure
        With the county table's column roles declared (``name_zh``,
        ``pop_2020``, ``urban_pop_2020``, ``pop_2010``).

    Raises
    ------
    SpecError
        If ``axes`` is not one of the two options.

    Examples
    --------
    >>> s = load_structure()
    >>> s.poles["name_zh"].tolist()
    ['沂水', '平邑', '临港']
    >>> s.axes["geometry_source"].unique().tolist()
    ['network']
    """
    if axes not in ("network", "anchors"):
        raise SpecError(f"axes must be 'network' or 'anchors', got {axes!r}")
    structure = SpatialStructure.from_file(
        data_path(LINYI_SPEC), units=load_counties() if units is None else units, axis_variant=axis_variant
    )
    declared = {k: v for k, v in UNIT_COLUMNS.items() if k == "size_base_year" or v in structure.units}
    structure = replace(structure, columns=declared)
    if axes == "anchors":
        return structure
    return axes_along_network(structure, load_network(network_year))


def county_accessibility(
    year: int = BASE_YEAR,
    *,
    weights: Mapping[str, float] | None = None,
    cell_km: float = 1.0,
    access: Access | None = None,
    surface: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Accessibility scores of Linyi's 12 county-level units on the ``year`` network.

    :func:`linyi_spatial.accessibility.unit_accessibility` with the
    embedded network of ``year``, the structure (straight axes; axes do not
    enter the scores) and ``pop_2020`` as size.

    Parameters
    ----------
    year : int, default 2020
    weights : mapping, optional
        Composite weights (default :data:`~linyi_spatial.accessibility.COMPOSITE_WEIGHTS`).
    cell_km : float, default 1
    access : Access, optional
    surface : GeoDataFrame, optional
        A precomputed surface for the same year.

    Returns
    -------
    pandas.DataFrame
        12 rows indexed by adcode, ``name`` (Chinese), measures, ``composite_score``, ``rank``.

    Examples
    --------
    >>> scores = county_accessibility(2020, cell_km=5)
    >>> len(scores), int(scores["rank"].min())
    (12, 1)
    """
    return acc.unit_accessibility(
        load_network(year),
        load_structure(axes="anchors"),
        weights=weights,
        surface=surface,
        cell_km=cell_km,
        access=access,
    )


def travel_time_surface(
    year: int = BASE_YEAR, *, cell_km: float = 1.0, access: Access | None = None
) -> gpd.GeoDataFrame:
    """Travel-time surface of Linyi on the ``year`` network (core, nearest pole, nearest seat).

    Parameters
    ----------
    year : int, default 2020
    cell_km : float, default 1
    access : Access, optional

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`linyi_spatial.accessibility.travel_time_surface`.

    Examples
    --------
    >>> s = travel_time_surface(2020, cell_km=5)
    >>> bool(s["cell_time_to_core_min"].between(0, 180).all())
    True
    """
    return acc.travel_time_surface(load_network(year), load_structure(axes="anchors"), cell_km=cell_km, access=access)


def isochrones(
    cutoffs_min: Sequence[float] = (15, 30, 60, 90),
    *,
    year: int = BASE_YEAR,
    origin: str = CORE_NODE,
    cell_km: float = 1.0,
    access: Access | None = None,
) -> gpd.GeoDataFrame:
    """Isochrones over Linyi from a network node (default the municipal government).

    Parameters
    ----------
    cutoffs_min : sequence of float, default (15, 30, 60, 90)
    year : int, default 2020
    origin : str, default "city_hall"
        A node id of the embedded network.
    cell_km : float, default 1
    access : Access, optional

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`linyi_spatial.accessibility.isochrones`.

    Examples
    --------
    >>> iso = isochrones((30, 60), cell_km=5)
    >>> iso["cutoff_min"].tolist()
    [30.0, 60.0]
    """
    return acc.isochrones(
        load_network(year), origin, cutoffs_min, region=load_counties(), cell_km=cell_km, access=access
    )


def compare_scenarios(
    year_a: int = BASE_YEAR,
    year_b: int = PLAN_YEAR,
    *,
    cell_km: float = 1.0,
    weights: Mapping[str, float] | None = None,
    access: Access | None = None,
) -> acc.ScenarioComparison:
    """What Linyi's ``year_b`` network changes against ``year_a``, per county and per cell.

    Parameters
    ----------
    year_a, year_b : int, default 2020 and 2035
    cell_km : float, default 1
    weights : mapping, optional
    access : Access, optional

    Returns
    -------
    ScenarioComparison
        Labelled by the two years.

    Examples
    --------
    >>> c = compare_scenarios(2020, 2035, cell_km=5)
    >>> bool((c.units["time_to_core_min_delta"] <= 1e-9).all())
    True
    """
    return acc.compare_scenarios(
        load_network(year_a),
        load_network(year_b),
        load_structure(axes="anchors"),
        labels=(year_a, year_b),
        weights=weights,
        cell_km=cell_km,
        access=access,
    )


def urbanization_targets(*, growth: float | tuple[str, int] = 0.0) -> pd.DataFrame:
    """Linyi's urbanization: the 2020 census rate, the plan's 62 % (2025) and 72 % (2035), and the path between.

    Parameters
    ----------
    growth : float or (str, int), default 0.0
        Population growth per year: 0 keeps the 2020 census population (a
        stated assumption, not a forecast); ``("pop_2010", 2010)`` uses the
        2010–2020 intercensal rate (0.93 %/yr, an upper bound given falling
        fertility).

    Returns
    -------
    pandas.DataFrame
        See :func:`linyi_spatial.hierarchy.urbanization_targets`.

    Examples
    --------
    >>> round(float(urbanization_targets().loc[2030, "urbanization_rate"]), 3)
    0.674
    """
    return hier.urbanization_targets(
        load_counties(),
        size="pop_2020",
        urban="urban_pop_2020",
        targets=URBANIZATION_TARGETS,
        base_year=BASE_YEAR,
        growth=growth,
        years=(2020, 2025, 2030, 2035),
    )


def hierarchy_report(
    year: int = BASE_YEAR, *, size: str = "urban_pop_2020", merge_core: bool = True, cell_km: float = 2.0
) -> hier.HierarchyReport:
    """Linyi's urban hierarchy on the ``year`` network, with the plan's urbanization targets.

    Every figure uses the same places and size: the 12 county-level units
    with the three central districts (兰山, 罗庄, 河东) merged into one central
    city, 10 places in all, sized by their 2020 urban population (the figure
    urban-geography studies compare). Data tiers weigh size only
    (:data:`~linyi_spatial.linyi.defaults.TIER_WEIGHTS`): a sub-centre is meant
    to be far from the core.

    Parameters
    ----------
    year : int, default 2020
    size : str, default "urban_pop_2020"
        The county table's size column (``"pop_2020"`` for total residents).
    merge_core : bool, default True
        Merge the three central districts into one place.
    cell_km : float, default 2
        Grid of an accessibility composite, when the tier weights use one.

    Returns
    -------
    HierarchyReport

    Examples
    --------
    >>> r = hierarchy_report(2020)
    >>> r.units_of_analysis
    "10 places (the core's units merged into one central city), size = urban_pop_2020"
    """
    return hier.hierarchy_report(
        load_structure(),
        load_network(year),
        size=size,
        merge_core=merge_core,
        tier_weights=TIER_WEIGHTS,
        urbanization=urbanization_targets(),
        cell_km=cell_km,
    )


def sources() -> pd.DataFrame:
    """The source keys of the embedded data (``data/SOURCES.md``): key, group and reference.

    Returns
    -------
    pandas.DataFrame
        One row per source (``P3``, ``D1``, ``K2``...).

    Examples
    --------
    >>> t = sources()
    >>> t.set_index("key").loc["P3", "group"]
    'Plan / policy'
    """
    rows, group = [], ""
    for line in read_text(data_path("SOURCES.md"), "sources file").splitlines():
        if line and not line.startswith(("-", "|", "#", " ")) and len(line) < 80:
            group = line.strip()
        match = re.match(r"^- ([A-Z]\d+) (.+)$", line)
        if match:
            rows.append({"key": match.group(1), "group": group, "reference": match.group(2)})
    return pd.DataFrame(rows, columns=["key", "group", "reference"])


def export_geopackage(
    path: str | os.PathLike[str], *, year: int = BASE_YEAR, cell_km: float = 1.0, overwrite: bool = False
) -> Path:
    """Write Linyi's structure, county scores, surface, isochrones, network and sources to one GeoPackage.

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file.
    year : int, default 2020
        Network year of the scores, surface and isochrones (the network layer is this year's).
    cell_km : float, default 1
    overwrite : bool, default False
        Replace an existing file.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> export_geopackage("linyi.gpkg")  # doctest: +SKIP
    """
    G = load_network(year)
    structure = load_structure()
    surface = acc.travel_time_surface(G, structure, cell_km=cell_km)
    return to_geopackage(
        path,
        structure,
        scores=acc.unit_accessibility(G, structure, surface=surface),
        surface=surface,
        isochrones=isochrones(year=year, cell_km=cell_km),
        G=G,
        sources=sources(),
        overwrite=overwrite,
    )
